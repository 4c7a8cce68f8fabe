"""Localization of the model for one edition: order, locale data and footnote numbers.

Input: the `Directory` and a locale. Output: an `Edition` view that the layouts read:
parts with their profiles in the edition's order (fixed, or by Unicode collation of the
localized name), country names and dates from Babel's locale data, and footnote numbers
running through the whole publication.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from babel import Locale
from babel.dates import format_date
from pyuca import Collator

from . import inline
from .content import profile_texts
from .model import Directory, Part, Profile, Publication
from .typography import quotation_marks

_COLLATOR = Collator()


def collation_key(text: str) -> tuple:
    """Unicode Collation Algorithm key: accented letters sort with their base letter."""
    return _COLLATOR.sort_key(inline.plain(text).casefold())


@dataclass(frozen=True)
class EditionPart:
    part: Part
    profiles: tuple[Profile, ...]

    @property
    def id(self) -> str:
        return self.part.id

    @property
    def title(self) -> str:
        return self.part.title


@dataclass(frozen=True)
class Edition:
    """One language's view of the publication."""

    directory: Directory
    locale: Locale
    parts: tuple[EditionPart, ...] = field(init=False)

    def __post_init__(self) -> None:
        parts = []
        for part in self.directory.publication.parts:
            profiles = self.directory.part_profiles(part)
            if part.order == "alphabetical":
                profiles = sorted(profiles, key=lambda profile: collation_key(profile.name))
            parts.append(EditionPart(part, tuple(profiles)))
        object.__setattr__(self, "parts", tuple(parts))

    @property
    def language(self) -> str:
        return self.locale.language

    @property
    def publication(self) -> Publication:
        return self.directory.publication

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
        from babel.lists import format_list

        return format_list(list(items), locale=self.locale)

    @cached_property
    def footnote_numbers(self) -> dict[tuple[str, str], int]:
        """(profile id, footnote id) -> number, numbered through the edition in reading order."""
        numbers: dict[tuple[str, str], int] = {}
        for part in self.parts:
            for profile in part.profiles:
                for text in profile_texts(profile):
                    for footnote_id in inline.footnote_calls(text):
                        numbers.setdefault((profile.id, footnote_id), len(numbers) + 1)
        return numbers

    def profiles(self) -> list[Profile]:
        return [profile for part in self.parts for profile in part.profiles]
