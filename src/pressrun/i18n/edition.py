"""An edition: the content localized for one language, as a value the layouts read.

Input: the `Book`, a locale, that language's catalogs and the strings the layouts
translate. Output: an `Edition`, made once by `localize` and never changed after: every
translatable text replaced by its translation (or, where there is none, kept in the
source language and marked with it), the layouts' labels, parts with their profiles in
the edition's order (fixed, or by the language's collation of the localized name), footnote
numbers running through the whole publication, and the gaps (untranslated or fuzzy
messages), all known before anything is rendered. Country names and dates come from
Babel's locale data.
"""

from __future__ import annotations

import dataclasses
import datetime
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import icu
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.catalog import Catalog, Message

from ..config import Config
from ..content import Book, inline, load
from ..content.model import OrderedPart, PersonName, Profile, Publication
from ..content.schema import Text
from ..content.texts import Translatable, replace_texts, texts
from ..errors import Level, Origin, Problem, Problems, ProblemsFound
from .catalogs import CatalogFile, layout_messages, load_catalogs, split_label_key
from .checks import translation_problems
from .extract import PUBLICATION_OWNER, message_context
from .typography import NBSP, quotation_marks
from .typography import apply as apply_typography


@cache
def _collator(language: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale(language))


def collation_key(text: str, language: str) -> bytes:
    """The sort key of `text` in `language`'s own order, as CLDR gives it (through ICU):
    accented letters with their base letter, the language's script first (Cyrillic in
    Russian, Arabic in Arabic), Chinese by pinyin."""
    return _collator(language).getSortKey(inline.plain(text))


@cache
def writing_direction(language: str) -> str:
    """`rtl` for a language written right to left (Babel's character order), else `ltr`."""
    return "rtl" if Locale.parse(language).character_order == "right-to-left" else "ltr"


FootnoteNumbers = Mapping[tuple[str, str], int]


@dataclass(frozen=True)
class Edition:
    """One language's view of the publication (see `localize`)."""

    book: Book
    locale: Locale
    publication: Publication
    parts: tuple[OrderedPart, ...]
    # The layouts' labels that have a translation to show: msgid -> translation.
    labels: Mapping[str, str]
    # (profile id, footnote id) -> number, through the edition in reading order.
    footnote_numbers: FootnoteNumbers
    gaps: tuple[Problem, ...]
    catalogs: Mapping[str, CatalogFile]

    @property
    def language(self) -> str:
        return self.locale.language

    @property
    def source_language(self) -> str:
        return self.book.publication.language

    @property
    def translated(self) -> bool:
        return self.language != self.source_language

    # --- locale data -----------------------------------------------------------------

    @property
    def direction(self) -> str:
        return writing_direction(self.language)

    @property
    def quote_open(self) -> str:
        return quotation_marks(self.language)[0]

    @property
    def quote_close(self) -> str:
        return quotation_marks(self.language)[1]

    def country(self, code: str) -> str:
        return self.locale.territories[code]

    def date(self, value: datetime.date, pattern: str) -> str:
        return format_date(value, pattern, locale=self.locale)

    def format_list(self, items: list[str]) -> str:
        return format_list(list(items), locale=self.locale)

    def names(self, names: Iterable[PersonName], pattern: str) -> str:
        """People's names as a list in the edition's language, each with its title as
        `pattern` ("{title} {name}", translated) places it, tied by no-break spaces."""
        tied = pattern.replace(" ", NBSP)
        return self.format_list(
            [tied.format(title=inline.plain(n.title), name=n.name) if n.title else n.name for n in names]
        )

    def typography(self, text: str, quoted: bool = False) -> str:
        """`text` in the edition's typography; `quoted` inside the layout's quotation marks."""
        return apply_typography(text, self.language, quoted)

    def draft_notes(self) -> list[Problem]:
        """A draft edition's gaps summed up: a notice per catalog with messages missing."""
        counts = Counter(gap.origin.path for gap in self.gaps)
        source = Locale.parse(self.source_language).get_display_name("en")
        return [
            Problem(
                Level.NOTICE,
                Origin(path),
                "draft",
                f"a draft: {count} message(s) untranslated or fuzzy, shown in {source} and marked with its language",
            )
            for path, count in sorted(counts.items())
        ]

    # --- profiles --------------------------------------------------------------------

    def profiles(self) -> list[Profile]:
        """The profiles in the edition's order."""
        return [profile for part in self.parts for profile in part.profiles]

    def footnotes_of(self, profile: Profile) -> list[tuple[int, Text]]:
        """The profile's footnotes as (number, text), in the order of their numbers."""
        numbers = self.footnote_numbers
        return sorted(
            (numbers[(profile.id, footnote_id)], text)
            for footnote_id, text in profile.footnotes.items()
            if (profile.id, footnote_id) in numbers
        )

    def restricted_to(self, profile_id: str) -> Edition:
        """The same edition with only one profile, in the part that holds it."""
        parts = tuple(
            OrderedPart(part.part, tuple(p for p in part.profiles if p.id == profile_id))
            for part in self.parts
            if any(p.id == profile_id for p in part.profiles)
        )
        return dataclasses.replace(self, parts=parts, footnote_numbers=number_footnotes(parts))


def number_footnotes(parts: Iterable[OrderedPart]) -> FootnoteNumbers:
    """(profile id, footnote id) -> number, numbered through `parts` in reading order."""
    numbers: dict[tuple[str, str], int] = {}
    for part in parts:
        for profile in part.profiles:
            for item in texts(profile):
                for footnote_id in inline.footnote_calls(item.text):
                    numbers.setdefault((profile.id, footnote_id), len(numbers) + 1)
    return numbers


def _gap(found: CatalogFile, context: str | None, msgid: str) -> Problem:
    catalog = found.catalog
    message = catalog.get(msgid, context) if catalog is not None else None
    excerpt = textwrap.shorten(msgid, 60, placeholder="…")
    label = f"{context}: " if context else ""
    if message is None:
        return Problem(
            Level.ERROR,
            Origin(found.shown),
            "not-in-catalog",
            f"{label}“{excerpt}” is not in the catalog (run pressrun i18n update)",
        )
    state = "fuzzy" if message.fuzzy and message.string else "untranslated"
    return Problem(Level.ERROR, Origin(found.shown, message.lineno), state, f"{label}“{excerpt}” is {state}")


def _usable(catalog: Catalog | None, msgid: str, context: str | None = None) -> Message | None:
    """The message of `msgid` when it has a translation to show (not missing, empty or fuzzy)."""
    message = catalog.get(msgid, context) if catalog is not None else None
    return message if message is not None and message.string and not message.fuzzy else None


class _Translator:
    """Replaces a model's texts with their translations, noting each gap, and each
    translation that calls a footnote its profile does not have."""

    def __init__(self, found: CatalogFile, source_language: str):
        self.found = found
        self.source_language = source_language
        self.gaps: list[Problem] = []
        self.errors: list[Problem] = []

    def translate(self, obj, owner: str):
        notes = getattr(obj, "footnotes", None)

        def translated(item: Translatable) -> Text:
            context = message_context(owner, item.path)
            message = _usable(self.found.catalog, str(item.text), context)
            if message is None:
                self.gaps.append(_gap(self.found, context, str(item.text)))
                return Text(str(item.text), item.text.origin, fallback_lang=self.source_language)
            for call in inline.footnote_calls(message.string) if notes is not None else ():
                if call not in notes:
                    self.errors.append(
                        Problem(
                            Level.ERROR,
                            Origin(self.found.shown, message.lineno),
                            "unknown-footnote",
                            f"{context}: the translation calls footnote [^{call}], which {owner} does not have",
                        )
                    )
            return Text(message.string, item.text.origin)

        return replace_texts(obj, translated)


def _labels(found: CatalogFile, used: Iterable[str]) -> tuple[dict[str, str], list[Problem]]:
    """The layouts' labels (keyed by `label_key`) that have a translation, and the gaps:
    messages of the catalog untranslated or fuzzy, and labels the layouts use that it lacks."""
    catalog, labels, gaps = found.catalog, {}, []
    for key in sorted(used):
        context, msgid = split_label_key(key)
        message = _usable(catalog, msgid, context)
        if message is not None:
            labels[key] = message.string
        elif catalog is None or catalog.get(msgid, context) is None:
            gaps.append(_gap(found, context, msgid))
    if catalog is not None:
        gaps += [_gap(found, m.context, m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]
    return labels, gaps


def localize(
    book: Book, locale: Locale, catalogs: Mapping[str, CatalogFile], used_labels: Iterable[str] = ()
) -> Edition:
    """The edition of `book` in `locale`'s language, from its `catalogs` (by domain);
    `used_labels` are the strings the layouts translate, so that a label the catalog
    lacks is a gap before anything is rendered."""
    source_language = book.publication.language
    publication, profiles, labels, gaps = book.publication, dict(book.profiles), {}, []
    if locale.language != source_language:
        errors = [problem for found in catalogs.values() for problem in translation_problems(found)]
        translator = _Translator(catalogs["content"], source_language)
        publication = translator.translate(publication, PUBLICATION_OWNER)
        profiles = {profile_id: translator.translate(profile, profile_id) for profile_id, profile in profiles.items()}
        if errors or translator.errors:
            raise ProblemsFound(errors + translator.errors)
        labels, label_gaps = _labels(catalogs["layouts"], used_labels)
        gaps = translator.gaps + label_gaps
    parts = []
    for part in publication.parts:
        chosen = [profiles[profile_id] for profile_id in part.profiles]
        if part.order == "alphabetical":
            chosen.sort(key=lambda profile: collation_key(profile.name, locale.language))
        parts.append(OrderedPart(part, tuple(chosen)))
    return Edition(
        book=book,
        locale=locale,
        publication=publication,
        parts=tuple(parts),
        labels=labels,
        footnote_numbers=number_footnotes(parts),
        gaps=tuple(gaps),
        catalogs=catalogs,
    )


def load_editions(config: Config, languages: Iterable[str], book: Book | None = None) -> list[Edition]:
    """The editions in `languages` of the project's content (read and validated here
    unless `book` is given)."""
    book = book or load(config)
    used = layout_messages(config)
    editions, problems = [], Problems()
    for language in languages:
        try:
            editions.append(localize(book, Locale.parse(language), load_catalogs(config, language), used))
        except ProblemsFound as error:
            problems.extend(error.problems)
    problems.raise_if_errors()
    return editions
