"""User mistakes as data: a Problem points at `path:line:col`; ProblemsFound carries a batch."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Level(Enum):
    ERROR = "error"
    WARNING = "warning"


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

    def relative_to(self, root: Path) -> Origin:
        path = Path(self.path)
        try:
            shown = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = self.path
        return Origin(shown, self.line, self.col)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, located at `origin`."""

    level: Level
    origin: Origin
    code: str
    message: str

    def __str__(self) -> str:
        prefix = "" if self.level is Level.ERROR else "warning: "
        return f"{self.origin}: {prefix}{self.message} [{self.code}]"


class PressrunError(Exception):
    """Base class of every error caused by the user's input rather than by a bug."""


class ProblemsFound(PressrunError):
    """Raised once a stage has collected every problem it can find."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.origin, p.code))
        super().__init__(f"{len(self.problems)} problem(s) found")

    def __reduce__(self):
        # Keep the problems when the error crosses from a worker process.
        return (ProblemsFound, (self.problems,))


class Problems:
    """Collects problems during a stage, so that all of them are reported in one run."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, origin: Origin, code: str, message: str) -> None:
        self.items.append(Problem(Level.ERROR, origin, code, message))

    def warning(self, origin: Origin, code: str, message: str) -> None:
        self.items.append(Problem(Level.WARNING, origin, code, message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.ERROR]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ProblemsFound(self.items)
