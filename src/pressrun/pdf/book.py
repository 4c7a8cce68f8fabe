"""The book plan: what each layout of a book holds, and on which page each chunk of a
large book begins.

A directory with up to `chunk_profiles` profiles is one layout. A larger one is cut into
chunks (the front matter, then runs of profiles) that parallel processes lay out
separately, and that a later build reuses when they did not change; this module decides
the cuts and, once the chunks' pages are counted, the page each chunk starts on.

Cuts fall only before a profile. Profiles begin on a new page, and rectos and versos
have the same text width, so a chunk that begins with a profile has the same pages
whichever side it starts on (which is why a layout for chunked books must not make
profiles start on a given side). The pages that must fall on one side (a part's opening
on a recto, the back cover on a verso) never begin a chunk; a chunk
that holds one may count one page more or less depending on its first page's side, so
it is measured both ways. The build checks every count again after the second pass and
lays out again any chunk whose first page moved.

A chunk's pages show nothing of the profiles it does not hold but their names: the
preview keeps a chunk's HTML while its own profiles do not change (`outputs.LastUpdate`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..content.model import OrderedPart, Profile
from .typeset import FRONT_MATTER, Setting

# The first page's side, by parity of its number: odd pages are rectos (right-hand pages
# left to right, left-hand ones right to left).
RECTO, VERSO = 1, 0


@dataclass(frozen=True)
class BodyPart(OrderedPart):
    """A part as one layout holds it: its opening page or not, and some of its profiles."""

    opening: bool = True


@dataclass(frozen=True)
class BookSlice:
    """What one layout holds (the `book` of the PDF template)."""

    front: bool
    body: tuple[BodyPart, ...]
    back: bool
    # The contents' page numbers, when its targets are laid out in other chunks.
    page_numbers: Mapping[str, int] | None = None
    # How the typesetting loop sets each profile, by id (the layout's defaults otherwise).
    settings: Mapping[str, Setting] = field(default_factory=dict)

    @property
    def profiles(self) -> list[Profile]:
        return [profile for part in self.body for profile in part.profiles]

    @property
    def sided(self) -> bool:
        """Whether a page after the first must fall on a given side, so that the page
        count can depend on the side the layout starts on."""
        return self.back or any(part.opening for part in self.body)

    def with_page_numbers(self, numbers: Mapping[str, int]) -> BookSlice:
        return replace(self, page_numbers=numbers)

    @property
    def settable(self) -> list[str]:
        """What the typesetting loop sets in this slice: its profiles and front matter."""
        return [profile.id for profile in self.profiles] + ([FRONT_MATTER] if self.front else [])

    def with_settings(self, settings: Mapping[str, Setting]) -> BookSlice:
        """This slice with the settings of its own profiles (and front matter)."""
        return replace(self, settings={key: settings[key] for key in self.settable if key in settings})

    def only(self, ids: Collection[str]) -> BookSlice:
        """The profiles `ids` of this slice (and its front matter, when `ids` names it),
        laid out together to correct their settings: each begins a page, so that each is
        set as it is in the book."""
        body = tuple(
            BodyPart(part.part, kept, False)
            for part in self.body
            if (kept := tuple(profile for profile in part.profiles if profile.id in ids))
        )
        return BookSlice(self.front and FRONT_MATTER in ids, body, False)


def whole_book(parts: Sequence[OrderedPart]) -> BookSlice:
    return BookSlice(True, tuple(BodyPart(part.part, part.profiles, True) for part in parts), True)


def profiles_only(parts: Sequence[OrderedPart]) -> BookSlice:
    """The profiles alone, without front matter, part openings or back cover."""
    return BookSlice(False, tuple(BodyPart(part.part, part.profiles, False) for part in parts), False)


def contents_anchors(parts: Sequence[OrderedPart]) -> list[str]:
    """The anchors the contents link to, in order."""
    return [anchor for part in parts for anchor in [part.anchor] + [profile.anchor for profile in part.profiles]]


def plan(parts: Sequence[OrderedPart], chunk_profiles: int) -> list[BookSlice]:
    """The layouts of a book: the whole book when it has at most `chunk_profiles`
    profiles; otherwise the front matter alone, then as few chunks of nearly equal size
    as hold at most that many profiles each. The front matter is its own chunk because
    the contents change whenever a page count does: it is then the only small layout
    done again. The cuts depend on the content and configuration only, never on the
    machine or on a previous build, so that every machine makes the same bytes."""
    profiles = [profile for part in parts for profile in part.profiles]
    if len(profiles) <= chunk_profiles:
        return [whole_book(parts)]
    count = math.ceil(len(profiles) / chunk_profiles)
    # The profile each chunk after the front matter begins with.
    firsts = {profiles[round(n * len(profiles) / count)].id for n in range(count)}
    bodies: list[list[BodyPart]] = [[]]
    for part in parts:
        # A part's opening stays with what comes before it, so that chunks begin with a profile.
        bodies[-1].append(BodyPart(part.part, (), True))
        for profile in part.profiles:
            if profile.id in firsts:
                bodies.append([BodyPart(part.part, (), False)])
            body = bodies[-1]
            body[-1] = replace(body[-1], profiles=body[-1].profiles + (profile,))
    return [
        BookSlice(number == 0, tuple(part for part in body if part.opening or part.profiles), number == count)
        for number, body in enumerate(bodies)
    ]


def first_pages(counts: Sequence[Mapping[int, int]]) -> list[int]:
    """The page each chunk starts on, from its page counts by starting side (a chunk
    measured one way only has one count, whatever its side)."""
    pages = [1]
    for measured in counts[:-1]:
        side = pages[-1] % 2
        pages.append(pages[-1] + measured.get(side, next(iter(measured.values()))))
    return pages
