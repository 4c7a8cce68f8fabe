"""A returned form checked before any office library opens it: a regular file, not too
large, a zip package of a Word document or a spreadsheet that unpacks to a sensible size,
with no part outside the package and no XML declarations that could expand (DTDs).

Input: the file's path. Output: its kind (`docx` or `xlsx`), or the reason it is refused.
The limits are generous for a form (a few tens of kilobytes) and small for a machine.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 500
KINDS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}


class Refused(Exception):
    """Why a file is not read as a form."""


def _parts(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise Refused(f"it holds {len(parts)} parts, more than any form ({MAX_PARTS} at most): refused")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused(
            f"it would unpack to {unpacked / 1e6:,.0f} MB (a zip bomb?): refused; "
            f"a form unpacks to less than {MAX_UNPACKED_BYTES // 2**20} MB"
        )
    for part in parts:
        name = PurePosixPath(part.filename)
        if name.is_absolute() or ".." in name.parts or "\\" in part.filename:
            raise Refused(f"its part {part.filename[:80]!r} points outside the package: refused")
    return parts


def _no_declarations(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> None:
    """Office documents never declare a DTD; one that does could expand entities."""
    for part in parts:
        if part.filename.endswith((".xml", ".rels")):
            data = archive.read(part)  # bounded: the sizes were checked, and zipfile checks them while reading
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                raise Refused(f"its part {part.filename!r} declares a DTD, which no form does: refused")


def form_kind(path: Path) -> str:
    """`docx` or `xlsx` for a file that may be opened as a form; raise Refused otherwise."""
    if path.is_symlink():
        raise Refused("it is a symbolic link: give the file itself")
    if not path.is_file():
        raise Refused("no such file" if not path.exists() else "not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise Refused(f"it is {size / 1e6:,.1f} MB; a form is a few tens of kB (at most {MAX_FILE_BYTES // 2**20} MB)")
    if not zipfile.is_zipfile(path):
        raise Refused(
            "not a Word document or a spreadsheet (not a zip package): send the organisation a form "
            "made by `pressrun intake export`"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _parts(archive)
            names = {part.filename for part in parts}
            kind = next((kind for name, kind in KINDS.items() if name in names), None)
            if kind is None:
                raise Refused("a zip package, but neither a Word document (.docx) nor a spreadsheet (.xlsx)")
            _no_declarations(archive, parts)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise Refused(f"a broken zip package ({error})") from error
    return kind
