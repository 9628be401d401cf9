"""Files of every kind the tests upload, made on the spot."""

import io
import zipfile

from distretto.seed.document_files import swatch_image, technical_sheet_pdf


def pdf() -> bytes:
    return technical_sheet_pdf("Scheda tecnica", [("Composizione", "100% lana")])


def jpeg() -> bytes:
    return swatch_image((30, 60, 120), size=64)


def png() -> bytes:
    return swatch_image((200, 30, 40), size=64, fmt="PNG")


def webp() -> bytes:
    return swatch_image((40, 160, 90), size=64, fmt="WEBP")


def _zip(entries: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return out.getvalue()


def docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document/>",
        }
    )


def xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "_rels/.rels": "<Relationships/>",
            "xl/workbook.xml": "<workbook/>",
        }
    )


def plain_zip() -> bytes:
    return _zip({"cartamodello/taglia-42.txt": "tracciato"})


def dxf() -> bytes:
    return (
        b"  0\nSECTION\n  2\nHEADER\n  9\n$ACADVER\n  1\nAC1015\n  0\nENDSEC\n"
        b"  0\nSECTION\n  2\nENTITIES\n  0\nLINE\n  8\n0\n 10\n0.0\n 20\n0.0\n 11\n120.0\n"
        b" 21\n80.0\n  0\nENDSEC\n  0\nEOF\n"
    )


def windows_executable() -> bytes:
    """The start of a PE file: what an ``.exe`` renamed ``.pdf`` carries."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(240) + b"PE\x00\x00"
    )


def elf_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + bytes(120)
