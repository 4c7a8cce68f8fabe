"""The yearly cycle in the content: a new edition started, a profile approved.

Input: the project's content and the editor's command. Output: `content/` changed in place
(ruamel.yaml round trip, see `edit`): the publication moved to a new year and event date
with every profile awaiting its organisation's update, or profiles marked approved; each
with the date of its change. Translations are untouched: no translatable text changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..config import Config
from ..errors import Level, Origin, Problem, Problems, fail
from .edit import Document, save_together
from .load import PUBLICATION_FILE, load
from .model import APPROVED, AWAITING, Book, Profile, Publication
from .texts import texts


@dataclass(frozen=True)
class Started:
    """What `start_edition` did: the years, the profiles it marked, and the texts that
    still name the previous year (for the editor to revise)."""

    previous_year: int
    year: int
    profiles: int
    stale_texts: tuple[Problem, ...]


def _profile_document(config: Config, profile: Profile, problems: Problems) -> Document | None:
    return Document.load(config.folder("content"), config.root / profile.origin.path, Profile, problems)


def _mark(config: Config, book: Book, ids: list[str], status: str, today: datetime.date) -> list[Document]:
    """The profiles' documents with their status and date of change set (not yet saved)."""
    problems = Problems()
    documents = []
    for profile_id in ids:
        document = _profile_document(config, book.profiles[profile_id], problems)
        if document is not None:
            document.set("status", status)
            document.set("changed", today)
            documents.append(document)
    problems.raise_if_errors()
    return documents


def not_approved(book: Book) -> list[Problem]:
    """A warning for every profile whose organisation has not approved it (a release build's)."""
    return [
        Problem(
            Level.WARNING,
            profile.origin,
            "not-approved",
            f"{profile.id} is {profile.status.replace('-', ' ')}"
            f"{f' since {profile.changed.isoformat()}' if profile.changed else ''}: not approved by its organisation",
        )
        for profile in book.profiles.values()
        if profile.status != APPROVED
    ]


def stale_year_texts(publication: Publication, year: int) -> list[Problem]:
    """The front matter's texts that name `year` (the preface, say): notices to revise them."""
    return [
        Problem(
            Level.NOTICE,
            item.text.origin,
            "previous-year",
            f"{item.path} names {year}: revise it for the new edition",
        )
        for item in texts(publication)
        if str(year) in item.text
    ]


def start_edition(config: Config, year: int, date: datetime.date, today: datetime.date) -> Started:
    """Move the publication to `year` and its event to `date`, and mark every profile as
    awaiting its organisation's update (changed `today`); raise ProblemsFound, changing
    nothing, when the content is not valid or the year does not move forward."""
    book = load(config)
    publication_file = config.content_dir / PUBLICATION_FILE
    shown = config.shown(publication_file)
    previous = book.publication.year
    if year <= previous:
        raise fail(
            Origin(shown), "edition-year", f"the publication is already the {previous} edition; give a later year"
        )
    if date.year != year:
        raise fail(Origin(shown), "edition-date", f"the event's date {date.isoformat()} is not in {year}")
    problems = Problems()
    publication = Document.load(config.folder("content"), publication_file, Publication, problems)
    problems.raise_if_errors()
    assert publication is not None
    publication.set("year", year)
    publication.set("event.date", date)
    save_together([publication, *_mark(config, book, list(book.profiles), AWAITING, today)])
    stale = tuple(stale_year_texts(book.publication, previous))
    return Started(previous, year, len(book.profiles), stale)


def approve(config: Config, ids: list[str], today: datetime.date) -> list[str]:
    """Mark the profiles `ids` as approved by their organisations (changed `today`);
    returns the files written. The ids must be the book's (the caller checks them)."""
    return [document.shown for document in save_together(_mark(config, load(config), ids, APPROVED, today))]
