"""Localization of the model for one edition: translation, order, locale data, footnotes.

Input: the `Directory`, a locale and that language's catalogs. Output: an `Edition`
that the layouts read: every translatable text replaced by its translation (or, where
there is none, kept in the source language and marked with it), parts with their
profiles in the edition's order (fixed, or by Unicode collation of the localized name),
country names and dates from Babel's locale data, footnote numbers running through the
whole publication, and the list of gaps (untranslated or fuzzy messages).
"""

from __future__ import annotations

import copy
import datetime
import gettext
import io
import textwrap
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from markupsafe import Markup, escape
from pyuca import Collator

from . import inline
from .errors import Level, Origin, Problem
from .extract import message_context
from .model import Directory, Part, Profile, Publication
from .schema import Text
from .translatable import Translatable, replace_texts, texts
from .typography import apply as apply_typography
from .typography import quotation_marks

_COLLATOR = Collator()


def collation_key(text: str) -> tuple:
    """Unicode Collation Algorithm key: accented letters sort with their base letter."""
    return _COLLATOR.sort_key(inline.plain(text).casefold())


@dataclass(frozen=True)
class Catalogs:
    """One language's catalogs, as read from `locales/` (None where a file is missing)."""

    content: Catalog | None = None
    layouts: Catalog | None = None
    content_path: str = ""
    layouts_path: str = ""


@dataclass(frozen=True)
class EditionPart:
    part: Part
    profiles: tuple[Profile, ...]

    @property
    def id(self) -> str:
        return self.part.id

    @property
    def title(self) -> Text:
        return self.part.title


def _gap(path: str, catalog: Catalog | None, context: str | None, msgid: str) -> Problem:
    message = catalog.get(msgid, context) if catalog is not None else None
    excerpt = textwrap.shorten(msgid, 60, placeholder="…")
    label = f"{context}: " if context else ""
    if message is None:
        return Problem(
            Level.ERROR,
            Origin(path),
            "not-in-catalog",
            f"{label}“{excerpt}” is not in the catalog (run pressrun i18n update)",
        )
    state = "fuzzy" if message.fuzzy and message.string else "untranslated"
    return Problem(Level.ERROR, Origin(path, message.lineno), state, f"{label}“{excerpt}” is {state}")


@dataclass(frozen=True)
class Edition:
    """One language's view of the publication."""

    directory: Directory
    locale: Locale
    catalogs: Catalogs = field(default_factory=Catalogs)
    parts: tuple[EditionPart, ...] = field(init=False)
    publication: Publication = field(init=False)
    gaps: list[Problem] = field(init=False, default_factory=list, compare=False)

    def __post_init__(self) -> None:
        publication = self._translate(self.directory.publication, Path("publication.yaml"))
        profiles = {
            profile_id: self._translate(profile, Path(f"{profile_id}.yaml"))
            for profile_id, profile in self.directory.profiles.items()
        }
        parts = []
        for part in publication.parts:
            chosen = [profiles[profile_id] for profile_id in part.profiles]
            if part.order == "alphabetical":
                chosen.sort(key=lambda profile: collation_key(profile.name))
            parts.append(EditionPart(part, tuple(chosen)))
        object.__setattr__(self, "publication", publication)
        object.__setattr__(self, "parts", tuple(parts))
        if self.translated and self.catalogs.layouts is not None:
            # Known before layout: untranslated and fuzzy layout strings. Strings that the
            # templates use but the catalog lacks are found while rendering.
            for message in self.catalogs.layouts:
                if message.id and (not message.string or message.fuzzy):
                    self.gaps.append(_gap(self.catalogs.layouts_path, self.catalogs.layouts, None, message.id))

    @property
    def language(self) -> str:
        return self.locale.language

    @property
    def source_language(self) -> str:
        return self.directory.publication.language

    @property
    def translated(self) -> bool:
        return self.language != self.source_language

    def _translate(self, obj, source: Path):
        if not self.translated:
            return obj
        catalog = self.catalogs.content

        def translate(item: Translatable) -> Text:
            context = message_context(source, item.path)
            message = catalog.get(str(item.text), context) if catalog is not None else None
            if message is not None and message.string and not message.fuzzy:
                return Text(message.string, item.text.origin)
            self.gaps.append(_gap(self.catalogs.content_path, catalog, context, str(item.text)))
            return Text(str(item.text), item.text.origin, fallback_lang=self.source_language)

        return replace_texts(obj, translate)

    # --- layout strings -------------------------------------------------------------

    @cached_property
    def _layout_translations(self) -> gettext.NullTranslations:
        catalog = self.catalogs.layouts
        if not self.translated or catalog is None:
            return gettext.NullTranslations()
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)

    def gettext(self, msgid: str) -> Markup:
        """A layout string in the edition's language, set in its typography; a missing
        translation is recorded as a gap and shown in the source language, marked so."""
        translated = self._layout_translations.gettext(msgid)
        catalog = self.catalogs.layouts
        message = catalog.get(msgid) if catalog is not None else None
        if self.translated and (message is None or not message.string or message.fuzzy):
            if message is None:
                gap = _gap(self.catalogs.layouts_path, catalog, None, msgid)
                if gap not in self.gaps:
                    self.gaps.append(gap)
            return Markup('<span lang="{}" class="untranslated">{}</span>').format(self.source_language, msgid)
        return escape(apply_typography(translated, self.language))

    # --- locale data -----------------------------------------------------------------

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

    def typography(self, text: str) -> str:
        return apply_typography(text, self.language)

    @cached_property
    def footnote_numbers(self) -> dict[tuple[str, str], int]:
        """(profile id, footnote id) -> number, numbered through the edition in reading order."""
        numbers: dict[tuple[str, str], int] = {}
        for profile in self.profiles():
            for item in texts(profile):
                for footnote_id in inline.footnote_calls(item.text):
                    numbers.setdefault((profile.id, footnote_id), len(numbers) + 1)
        return numbers

    def restricted_to(self, profile_id: str) -> Edition:
        """The same edition with only one profile, in the part that holds it."""
        single = copy.copy(self)
        parts = tuple(
            EditionPart(part.part, tuple(p for p in part.profiles if p.id == profile_id))
            for part in self.parts
            if any(p.id == profile_id for p in part.profiles)
        )
        object.__setattr__(single, "parts", parts)
        single.__dict__.pop("footnote_numbers", None)
        return single

    def footnotes_of(self, profile: Profile) -> list[tuple[int, Text]]:
        """The profile's footnotes as (number, text), in the order of their numbers."""
        numbers = self.footnote_numbers
        return sorted(
            (numbers[(profile.id, footnote_id)], text)
            for footnote_id, text in profile.footnotes.items()
            if (profile.id, footnote_id) in numbers
        )

    def profiles(self) -> list[Profile]:
        return [profile for part in self.parts for profile in part.profiles]
