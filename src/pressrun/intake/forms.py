"""A form as data, between the entry and a file: what is written (`Form`) and what is read
back (`Returned`), and the form's words in its language from `layouts/intake/form.j2`.

The words are the designer's and the translator's: the template sets them as variables
through gettext (`_()`), so they are extracted into `locales/layouts.pot` with the
layouts' other labels and translated in `layouts.po`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import TemplateError
from markupsafe import Markup

from ..config import Config
from ..content import Book
from ..errors import ProblemsFound
from ..i18n import localize
from ..i18n.catalogs import layout_messages, load_catalogs
from ..render import environment, template_problem
from .fields import Group

WORDS_TEMPLATE = "intake/form.j2"
# The first rows of every form: what it is, which profile, and the entry's digest.
FORM_MARK = "pressrun-intake 1"
MARK_KEYS = ("#form", "#profile", "#check")
_KEY = re.compile(r"#[a-z]+|[a-z][a-z_]*(\[\d+\])?(\.[a-z0-9_-]+(\[\d+\])?)*")


def is_key(text: str) -> bool:
    """Whether a form's first column holds a key (a mark or a field path), rather than a
    title, an instruction or a column heading."""
    return bool(_KEY.fullmatch(text))


@dataclass(frozen=True)
class Words:
    """The form's own words, in its language."""

    title: str
    instructions: tuple[str, ...]
    headings: dict[str, str]
    groups: dict[str, str]

    def group_title(self, name: str) -> str:
        """`sections[2]` as "Section 2"; other groups by their word."""
        if name.startswith("sections["):
            return f"{self.groups['sections']} {name.removeprefix('sections[').rstrip(']')}"
        return self.groups[name]


@dataclass(frozen=True)
class Form:
    """A form to write: the profile, the entry's digest, its words and its rows."""

    profile_id: str
    digest: str
    words: Words
    groups: list[Group]

    @property
    def marks(self) -> list[tuple[str, str]]:
        return list(zip(MARK_KEYS, (FORM_MARK, self.profile_id, self.digest), strict=True))


@dataclass(frozen=True)
class Cell:
    """A value read from a returned form: its field, its text, and where it is in the file
    (`table 3, row 5` or `sheet Entry, cell C12`)."""

    key: str
    text: str
    where: str


@dataclass(frozen=True)
class Returned:
    """What a returned form holds: its marks and its cells, by key, in the file's order;
    and where a value was written without a field."""

    cells: list[Cell]
    strays: list[str]

    def mark(self, key: str) -> Cell | None:
        return next((cell for cell in self.cells if cell.key == key), None)


def _plain(value: object) -> str:
    """A label as plain text (gettext gives HTML, marked where the translation is missing),
    its no-break spaces kept (which `striptags` would make ordinary spaces)."""
    return Markup(re.sub(r"<[^>]*>", "", str(value))).unescape()


def words_for(config: Config, book: Book, language: str) -> Callable[[str], Words]:
    """The forms' words in `language`, from the layouts' form template and that language's
    catalogs: a function of the organisation's name."""
    from babel import Locale

    edition = localize(book, Locale.parse(language), load_catalogs(config, language), layout_messages(config))
    layouts = config.folder("layouts")
    title, year = str(edition.publication.title), book.publication.year

    def words(organisation: str) -> Words:
        try:
            template = environment(layouts, edition).get_template(WORDS_TEMPLATE)
            found = template.make_module({"organisation": organisation, "publication": title, "year": year})
        except TemplateError as error:
            raise ProblemsFound([template_problem(error, layouts, WORDS_TEMPLATE)]) from error
        return Words(
            title=_plain(found.title),
            instructions=tuple(_plain(item) for item in found.instructions),
            headings={key: _plain(value) for key, value in found.headings.items()},
            groups={key: _plain(value) for key, value in found.groups.items()},
        )

    return words
