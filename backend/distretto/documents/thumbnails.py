"""Small previews of image attachments for the board and the order page (Pillow).

Made once at upload from the file on disk, in a worker thread (decoding is CPU work),
and stored as WebP beside the original. A picture Pillow cannot read, or one too large
to decode safely, simply has no preview.
"""

import io
from pathlib import Path
from typing import BinaryIO

import anyio
from PIL import Image, ImageOps

THUMBNAIL_BOX = (480, 480)
THUMBNAIL_TYPE = "image/webp"
# Refuse to decode pictures beyond this many pixels (decompression bombs).
MAX_PIXELS = 40_000_000
# Decoding a large PNG takes its full size in memory for a moment (JPEG decodes at a
# reduced scale, see ``draft``): a few at a time, however many uploads arrive together.
_DECODERS = anyio.CapacityLimiter(2)


def thumbnail_bytes(source: Path | BinaryIO) -> bytes | None:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(source) as image:
            image.draft("RGB", THUMBNAIL_BOX)
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail(THUMBNAIL_BOX)
            if picture.mode not in ("RGB", "RGBA"):
                picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
            out = io.BytesIO()
            picture.save(out, "WEBP", quality=80)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None


async def render_thumbnail(path: Path) -> bytes | None:
    return await anyio.to_thread.run_sync(thumbnail_bytes, path, limiter=_DECODERS)
