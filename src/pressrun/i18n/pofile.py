"""PO files read and written as gettext, Poedit and Weblate expect them, over Babel 2.x.

Input: `.po`/`.pot` bytes. Output: Babel `Catalog` objects, and back. Babel does most of
the work; each function below works around one thing Babel 2.x does differently from GNU
gettext, named where it is done, so that it can go when Babel changes:

- it wraps long previous msgids (`#| msgid`) into lines gettext cannot read, and drops
  them when reading (`serialize`, `load_po`);
- it reads an unterminated string or a stray line without a word (`_syntax_problems`);
- it flags any message with a "%" as python-format, which makes gettext check prose as a
  format string (`as_prose`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, denormalize, normalize, read_po, write_po

from ..errors import Level, Origin, Problem, ProblemsFound

WIDTH = 76
# Domains whose messages are prose, never format strings.
PROSE_DOMAINS = {"content"}


def serialize(catalog: Catalog, previous: bool = False) -> bytes:
    """The catalog as PO bytes; with `previous`, fuzzy entries show the text they were
    translated from (`#| msgid`), written here because Babel 2.x wraps long ones into
    lines that gettext cannot read."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, include_previous=False, omit_header=False)
    text = buffer.getvalue().decode("utf-8")
    if previous:
        for message in catalog:
            if message.id and message.previous_id:
                anchor = f"msgctxt {normalize(message.context, width=WIDTH)}\n" if message.context else None
                anchor = anchor or f"msgid {normalize(message.id, width=WIDTH)}\n"
                lines = f"msgid {normalize(message.previous_id[0], width=WIDTH)}".split("\n")
                text = text.replace(anchor, "".join(f"#| {line}\n" for line in lines) + anchor, 1)
    return text.encode("utf-8")


def without_dates(data: bytes) -> bytes:
    """A catalog's bytes without its header dates, which alone are no change."""
    return b"\n".join(
        line for line in data.split(b"\n") if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))
    )


def as_prose(catalog: Catalog) -> None:
    """Drop the python-format flags Babel puts on any message with a "%" in it: content is
    prose, and gettext would check it as a format string."""
    for message in catalog:
        message.flags.discard("python-format")


_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(
    rf"^(?:\s*|#.*|(?:#~ )?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_PO_STRING}\s*|(?:#~ )?{_PO_STRING}\s*)$"
)


def _syntax_problems(text: str, shown: str) -> list[Problem]:
    """Lines that are not PO syntax (Babel reads an unterminated string without a word)."""
    return [
        Problem(Level.ERROR, Origin(shown, number, 1), "catalog-syntax", f"not PO syntax: {line.strip()[:60]}")
        for number, line in enumerate(text.splitlines(), start=1)
        if not _PO_LINE.match(line)
    ]


def _previous_ids(catalog: Catalog, lines: list[str]) -> None:
    """Give fuzzy messages the previous texts (`#| msgid`) that Babel 2.x drops when they
    span several lines."""
    index = 0
    while index < len(lines):
        if not lines[index].startswith("#| msgid "):
            index += 1
            continue
        previous = [lines[index][len("#| msgid ") :]]
        index += 1
        while index < len(lines) and lines[index].startswith('#| "'):
            previous.append(lines[index][3:])
            index += 1
        fields: dict[str, list[str]] = {}
        keyword = None
        while index < len(lines) and not lines[index].startswith("msgstr"):
            line = lines[index]
            if line.startswith(("msgctxt ", "msgid ")):
                keyword, _, line = line.partition(" ")
            if keyword:
                fields.setdefault(keyword, []).append(line)
            index += 1
        context = denormalize("\n".join(fields["msgctxt"])) if "msgctxt" in fields else None
        message = catalog.get(denormalize("\n".join(fields.get("msgid", ['""']))), context)
        if message is not None:
            message.previous_id = [denormalize("\n".join(previous))]


def load_po(path: Path, shown: str, locale: str | None = None) -> Catalog:
    """Read a PO file (a template when `locale` is None), with the previous texts of fuzzy
    entries; a syntax error is raised as ProblemsFound at `shown:line`."""
    data = path.read_bytes()
    problems = _syntax_problems(data.decode("utf-8", errors="replace"), shown)
    if problems:
        raise ProblemsFound(problems)
    try:
        catalog = read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    except PoFileError as error:
        origin = Origin(shown, getattr(error, "lineno", 0))
        raise ProblemsFound([Problem(Level.ERROR, origin, "catalog-syntax", f"PO syntax error: {error}")]) from error
    if path.stem in PROSE_DOMAINS:
        as_prose(catalog)
    _previous_ids(catalog, data.decode("utf-8").splitlines())
    return catalog
