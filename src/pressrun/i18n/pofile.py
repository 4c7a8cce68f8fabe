"""PO files read and written as gettext, Poedit and Weblate expect them, over Babel 2.x.

Input: `.po`/`.pot` bytes. Output: Babel `Catalog` objects, and back. Babel does most of
the work; each function below works around one thing Babel 2.x does differently from GNU
gettext, named where it is done, so that it can go when Babel changes:

- it wraps long previous msgids (`#| msgid`) into lines gettext cannot read, and drops
  them when reading (`serialize`, `load_po`);
- it reads an unterminated string or a stray line without a word (`_syntax_problems`);
- it keeps the last of two messages with the same context and text, which msgfmt
  rejects (`_Parser`);
- it decodes the lines before the header as UTF-8 whatever the header's charset says
  (`_charset`: the whole file is decoded with the charset the header declares);
- it flags any message with a "%" as python-format, which makes gettext check prose as a
  format string (`as_prose`).
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, PoFileParser, denormalize, normalize, write_po

from ..errors import Level, Origin, Problem, ProblemsFound, fail
from ..files import Folder, decode


@dataclass(frozen=True)
class CatalogFile:
    """One language's catalog of one domain: where it is (as the user sees it) and what it
    holds (None when the file is missing)."""

    language: str
    domain: str
    shown: str
    catalog: Catalog | None


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


class _Parser(PoFileParser):
    """Babel's parser, noting each message whose context and text an earlier one had."""

    def __init__(self, catalog: Catalog, shown: str):
        super().__init__(catalog, ignore_obsolete=False, abort_invalid=True)
        self.shown = shown
        self.seen: dict[tuple[str, str | None], int] = {}
        self.duplicates: list[Problem] = []

    def _add_message(self) -> None:
        if not self.obsolete:
            key = (self.messages[0].denormalize(), self.context.denormalize() if self.context else None)
            line = self.offset + 1
            if key in self.seen:
                message = f"this message is also at line {self.seen[key]}: keep one of them (msgfmt rejects both)"
                self.duplicates.append(Problem(Level.ERROR, Origin(self.shown, line), "duplicate-message", message))
            self.seen.setdefault(key, line)
        super()._add_message()


_CHARSET = re.compile(rb'^"Content-Type:[^"\n]*charset=([^"\\\s;]+)', re.MULTILINE)


def _charset(data: bytes, shown: str) -> str:
    """The encoding the catalog's header declares (UTF-8 when it declares none)."""
    match = _CHARSET.search(data)
    declared = match.group(1).decode("ascii", errors="replace") if match else "utf-8"
    try:
        return codecs.lookup(declared).name
    except LookupError:
        line = data[: match.start()].count(b"\n") + 1 if match else 1
        raise fail(
            Origin(shown, line),
            "encoding",
            f"unknown charset {declared!r} in the header: save the catalog as UTF-8 and declare charset=UTF-8",
        ) from None


def load_po(folder: Folder, path: Path, locale: str | None = None) -> Catalog:
    """Read a PO file of `folder` (a template when `locale` is None) in the charset its
    header declares, with the previous texts of fuzzy entries; a syntax error or a
    duplicate message is raised as ProblemsFound at `path:line`."""
    shown = folder.shown(path)
    data = folder.read_bytes(path)
    remedy = "save it as UTF-8, or name its encoding in the header (charset=ISO-8859-1, say)"
    text = decode(data, shown, _charset(data, shown), remedy)
    problems = _syntax_problems(text, shown)
    if problems:
        raise ProblemsFound(problems)
    catalog = Catalog(locale=locale)
    parser = _Parser(catalog, shown)
    try:
        parser.parse(text.splitlines())
    except PoFileError as error:
        origin = Origin(shown, getattr(error, "lineno", 0) + 1)
        raise ProblemsFound([Problem(Level.ERROR, origin, "catalog-syntax", f"PO syntax error: {error}")]) from error
    if parser.duplicates:
        raise ProblemsFound(parser.duplicates)
    if path.stem in PROSE_DOMAINS:
        as_prose(catalog)
    _previous_ids(catalog, text.splitlines())
    return catalog
