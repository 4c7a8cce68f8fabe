"""Translations checked as the untrusted input they are, before an edition uses them.

Input: one language's catalog of one domain. Output: a problem at the catalog's line
for each translation that cannot be used: a character no output may hold, a text too
long, plural forms (no pressrun message has any), and, in the layouts' catalog, a
translation whose `%` placeholders are not its source text's (the layouts' labels go
through `%` formatting: Jinja's newstyle gettext, so this is `msgfmt --check-format`'s
python-format check, made for every label) and a date pattern (`pgettext("date
pattern", …)`) that Babel cannot format a date with. Footnote calls are checked where the
content's translations are used (`edition`), which knows each profile's notes.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from babel import Locale
from babel.dates import format_date, tokenize_pattern

from ..errors import Level, Origin, Problem
from ..files import MAX_TEXT_CHARS, character_problem, unusable_character
from .pofile import CatalogFile

# The message context of a label that is a Babel date pattern (`pgettext` in the layouts).
DATE_PATTERN = "date pattern"
# The domain whose messages are labels, formatted with `%` by the layouts.
LABELS = "layouts"

# A `%` conversion as Python's `%` operator reads it (`%%` is a percent sign).
_CONVERSION = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<kind>[diouxXeEfFgGcrsa%])"
)
# The fields of a Babel (CLDR) pattern that a date has: era, years, quarters, months,
# weeks, days and weekdays (times and time zones are not a date's).
_DATE_FIELDS = set("GyYuUQqMLlwWdDFgEec")
_SAMPLE_DATE = datetime.date(2021, 10, 6)


def placeholders(text: str) -> list[tuple[str | None, str]] | None:
    """The `%` placeholders of `text` as (name, kind), or None when a `%` starts none."""
    found, index = [], 0
    while (index := text.find("%", index)) != -1:
        match = _CONVERSION.match(text, index)
        if match is None:
            return None
        if match["kind"] != "%":
            found.append((match["name"], match["kind"]))
        index = match.end()
    return found


def format_problem(msgid: str, msgstr: str) -> str | None:
    """Why `msgstr` cannot stand for `msgid` when both are formatted with `%`, or None."""
    wanted, given = placeholders(msgid), placeholders(msgstr)
    if given is None:
        return "a % in the translation starts no placeholder: write %% for a percent sign"
    if wanted is not None and sorted(given, key=str) != sorted(wanted, key=str):
        shown = ", ".join(sorted(_placeholder(p) for p in given)) or "none"
        expected = ", ".join(sorted(_placeholder(p) for p in wanted)) or "none"
        return f"the translation's placeholders ({shown}) are not the source text's ({expected})"
    return None


def _placeholder(item: tuple[str | None, str]) -> str:
    name, kind = item
    return f"%({name}){kind}" if name is not None else f"%{kind}"


def date_pattern_problem(pattern: str, locale: Locale) -> str | None:
    """Why Babel cannot format a date with `pattern`, or None."""
    fields = [value for kind, value in tokenize_pattern(pattern) if kind == "field"]
    others = sorted({char for char, _ in fields if char not in _DATE_FIELDS})
    if others:
        return f"{', '.join(others)} in this date pattern stand for no part of a date (see Babel's date patterns)"
    if not fields:
        return "this date pattern has no field of a date (d, MMMM, y…); write literal text between single quotes"
    try:
        format_date(_SAMPLE_DATE, pattern, locale=locale)
    except (ValueError, KeyError, IndexError) as error:
        return f"Babel cannot format a date with this pattern: {error}"
    return None


def _texts(message) -> Iterator[str]:
    for value in (message.id, message.string, message.context):
        yield from value if isinstance(value, tuple | list) else [value or ""]


def _message_problem(message, domain: str, locale: Locale) -> str | None:
    for text in _texts(message):
        index = unusable_character(text)
        if index is not None:
            return character_problem(text, index)
        if len(text) > MAX_TEXT_CHARS:
            return f"a text of {len(text):,} characters; a message may have at most {MAX_TEXT_CHARS:,}"
    if message.pluralizable or not isinstance(message.string, str):
        return "plural forms (msgid_plural, msgstr[n]): pressrun's messages have none; remove them"
    if not message.string or message.fuzzy or domain != LABELS:
        return None
    if message.context == DATE_PATTERN:
        return date_pattern_problem(message.string, locale)
    return format_problem(message.id, message.string)


def translation_problems(found: CatalogFile) -> list[Problem]:
    """Every translation of the catalog that cannot be used, at its line."""
    if found.catalog is None:
        return []
    locale = found.catalog.locale or Locale.parse(found.language)
    problems = []
    for message in found.catalog:
        problem = _message_problem(message, found.domain, locale) if message.id else None
        if problem is not None:
            label = f"{message.context}: " if message.context else ""
            problems.append(Problem(Level.ERROR, Origin(found.shown, message.lineno), "translation", label + problem))
    return problems
