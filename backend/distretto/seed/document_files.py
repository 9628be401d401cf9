"""Real files for the demo and the tests: a one-page PDF technical sheet written by hand
(the format is simple enough for a few objects and a cross-reference table) and fabric
swatch pictures drawn with Pillow."""

import io
import random

from PIL import Image, ImageDraw


def _pdf_text(value: str) -> str:
    # PDF string literals: escape the delimiters; WinAnsi covers Italian accents.
    return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def technical_sheet_pdf(title: str, rows: list[tuple[str, str]]) -> bytes:
    """A4 "scheda tecnica": a title and a two-column table of specifications."""
    lines = ["BT", "/F2 16 Tf", "56 780 Td", f"({_pdf_text(title)}) Tj", "ET"]
    lines += ["0.6 w", "56 768 m 540 768 l S"]
    y = 740
    for label, value in rows:
        lines += [
            "BT",
            "/F2 10 Tf",
            f"56 {y} Td",
            f"({_pdf_text(label)}) Tj",
            "/F1 10 Tf",
            "180 0 Td",
            f"({_pdf_text(value)}) Tj",
            "ET",
            f"0.2 w 56 {y - 6} m 540 {y - 6} l S",
        ]
        y -= 22
    lines += [
        "BT",
        "/F1 8 Tf",
        "56 60 Td",
        "(Distretto - scheda tecnica generata per la demo) Tj",
        "ET",
    ]
    content = "\n".join(lines).encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def swatch_image(
    colour: tuple[int, int, int], *, seed: int = 0, size: int = 640, fmt: str = "JPEG"
) -> bytes:
    """A fabric swatch: the colour with a woven twill texture and a little noise."""
    rng = random.Random(seed)
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    r, g, b = colour
    for offset in range(-size, size, 6):
        shade = rng.randint(-18, 18)
        tone = (
            max(0, min(255, r + shade)),
            max(0, min(255, g + shade)),
            max(0, min(255, b + shade)),
        )
        draw.line([(offset, 0), (offset + size, size)], fill=tone, width=3)
    out = io.BytesIO()
    image.save(out, fmt, quality=85) if fmt == "JPEG" else image.save(out, fmt)
    return out.getvalue()
