"""Names users give their files: cleaned for display, made safe for a download header.

A name is only ever shown (and offered back on download): it never becomes a path. Still,
what we keep must not mislead: no directories (``../../etc/passwd`` is ``passwd``), no
control or direction-changing characters (an RTL override can make ``gpj.exe`` read as
``exe.jpg``), and a bounded length that keeps the extension.
"""

import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

MAX_NAME_CHARS = 200
FALLBACK_NAME = "file"


def clean_filename(raw: str | None) -> str:
    text = unicodedata.normalize("NFC", raw or "")
    # Drop control (Cc), format (Cf: RTL/LTR overrides, zero-width marks), surrogate and
    # unassigned characters; they have no place in a file name shown to someone else.
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Cn"})
    # Whichever separator the sender's system used, keep only the last part.
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(text.split()).strip(" .")
    if not text:
        return FALLBACK_NAME
    if len(text) <= MAX_NAME_CHARS:
        return text
    suffix = PurePosixPath(text).suffix
    if len(suffix) > 16:
        suffix = ""
    return text[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") + suffix


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266: an ASCII fallback in ``filename`` and the real name in ``filename*``."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch if ch.isalnum() or ch in " ._-()" else "_" for ch in ascii_name)
    ascii_name = ascii_name.strip(" .") or FALLBACK_NAME
    encoded = quote(filename, safe="")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"
