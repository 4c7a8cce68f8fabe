"""What pressrun tells its user, as data: one `Problem` for every error, warning and notice.

    PressrunError          a mistake in the user's input or environment, never a bug
    └── ProblemsFound      every Problem a stage found, raised once at its end

A Problem says where to look: an `Origin` (`path:line:col` in the content, a catalog,
the configuration or a layout), a page of an output, or both. Stages collect problems
with `Problems` and stop once, so that the user sees all of them in one run; the CLI is
the only place that turns them into exit codes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

# Characters a terminal would act on or hide rather than show: controls (escape
# sequences start with one), formatting marks (bidirectional overrides), surrogates,
# private-use and unassigned code points, line and paragraph separators.
_UNSHOWN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def printable(text: str) -> str:
    """`text` with every character a terminal would act on or hide written as an escape
    (`\\x1b`, `\\u202e`), so that a file name or a message cannot rewrite the screen."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        char if unicodedata.category(char) not in _UNSHOWN_CATEGORIES else ascii(char)[1:-1] for char in text
    )


class Level(Enum):
    """How much a problem matters: errors stop a build, warnings stop a strict one,
    notices (proof findings such as a page that changed) never stop anything."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


@dataclass(frozen=True, order=True)
class Origin:
    """Where a value comes from: a file and a 1-based line and column (0 when unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line and self.col:
            return f"{self.path}:{self.line}:{self.col}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


NOWHERE = Origin("")


@dataclass(frozen=True)
class Problem:
    """One thing the user should look at: at `origin`, on `page` of an output, or both."""

    level: Level
    origin: Origin
    code: str
    message: str
    page: int | None = None

    def where(self) -> str:
        places = [printable(str(self.origin)), f"page {self.page}" if self.page else ""]
        return ", ".join(place for place in places if place)

    @property
    def sort_key(self) -> tuple:
        """Errors first, then by kind, page and place: the order a proofreader reads them."""
        return (self.level.rank, self.code, self.page or 0, str(self.origin))

    def __str__(self) -> str:
        prefix = "" if self.level is Level.ERROR else f"{self.level.value}: "
        return f"{self.where()}: {prefix}{printable(self.message)} [{self.code}]"


class PressrunError(Exception):
    """Base class of every error caused by the user's input or environment rather than by a bug."""


class ProblemsFound(PressrunError):
    """Raised once a stage has collected every problem it can find."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.origin, p.page or 0, p.code))
        super().__init__(f"{len(self.problems)} problem(s) found")

    def __reduce__(self):
        # Keep the problems when the error crosses from a worker process.
        return (ProblemsFound, (self.problems,))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]


def fail(origin: Origin, code: str, message: str) -> ProblemsFound:
    """A one-problem error, for a stage that cannot go on."""
    return ProblemsFound([Problem(Level.ERROR, origin, code, message)])


class Problems:
    """Collects problems during a stage, so that all of them are reported in one run."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, level: Level, origin: Origin, code: str, message: str, page: int | None = None) -> None:
        self.items.append(Problem(level, origin, code, message, page))

    def error(self, origin: Origin, code: str, message: str, page: int | None = None) -> None:
        self.add(Level.ERROR, origin, code, message, page)

    def warning(self, origin: Origin, code: str, message: str, page: int | None = None) -> None:
        self.add(Level.WARNING, origin, code, message, page)

    def notice(self, origin: Origin, code: str, message: str, page: int | None = None) -> None:
        self.add(Level.NOTICE, origin, code, message, page)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.ERROR]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ProblemsFound(self.items)
