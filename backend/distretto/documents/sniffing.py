"""What a file is, from its bytes: the name only has to agree with them.

``filetype`` recognises the binary formats by their magic numbers. XLSX and DOCX are ZIP
archives, told apart from a plain ZIP (and from each other) by the parts the archive
holds; DXF is text (or AutoCAD's binary DXF), recognised by its group-code structure.
"""

import re
import zipfile
from pathlib import Path
from typing import BinaryIO

import filetype

from distretto.models.documents import FileKind

HEAD_BYTES = 8192

# Extensions a name may carry for each kind (a name without one is fine).
EXTENSIONS: dict[FileKind, frozenset[str]] = {
    FileKind.PDF: frozenset({".pdf"}),
    FileKind.PNG: frozenset({".png"}),
    FileKind.JPEG: frozenset({".jpg", ".jpeg", ".jpe"}),
    FileKind.WEBP: frozenset({".webp"}),
    FileKind.XLSX: frozenset({".xlsx"}),
    FileKind.DOCX: frozenset({".docx"}),
    FileKind.DXF: frozenset({".dxf"}),
    FileKind.ZIP: frozenset({".zip"}),
}
IMAGES = frozenset({FileKind.PNG, FileKind.JPEG, FileKind.WEBP})

_BY_MIME = {
    "application/pdf": FileKind.PDF,
    "image/png": FileKind.PNG,
    "image/jpeg": FileKind.JPEG,
    "image/webp": FileKind.WEBP,
}
_BINARY_DXF = b"AutoCAD Binary DXF\r\n\x1a\x00"
# A DXF file is pairs of lines, a group code and its value; it opens with a section
# ("0", "SECTION", "2", its name) or, for a bare entity dump, at least "0" + a name.
_DXF_OPENING = re.compile(
    rb"\A\s*0\s*\r?\n\s*SECTION\s*\r?\n\s*2\s*\r?\n\s*"
    rb"(HEADER|CLASSES|TABLES|BLOCKS|ENTITIES|OBJECTS|THUMBNAILIMAGE)\s*\r?\n"
)


def _zip_kind(path: Path) -> FileKind | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return FileKind.DOCX
        if "xl/workbook.xml" in names:
            return FileKind.XLSX
    return FileKind.ZIP


def _is_dxf(head: bytes) -> bool:
    if head.startswith(_BINARY_DXF):
        return True
    if b"\x00" in head:
        return False
    return _DXF_OPENING.match(head) is not None


def sniff(path: Path) -> FileKind | None:
    """The kind of the file at ``path``, or None for anything we do not accept."""
    with path.open("rb") as handle:
        head = _read_head(handle)
    if _is_dxf(head):
        return FileKind.DXF
    guess = filetype.guess(head)
    if guess is None:
        return None
    if guess.mime in _BY_MIME:
        return _BY_MIME[guess.mime]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    return None


def _read_head(handle: BinaryIO) -> bytes:
    return handle.read(HEAD_BYTES)


def name_agrees(kind: FileKind, filename: str) -> bool:
    """A name's extension, if it has one, must be one of the kind's."""
    suffix = Path(filename).suffix.lower()
    return not suffix or suffix in EXTENSIONS[kind]
