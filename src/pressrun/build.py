"""Orchestration: which editions to build, with which writers, into `build/<locale>/`.

Input: the Config. Output: PDF files written atomically, and the problems found on the
way. A build with errors (or, in strict mode, warnings) writes nothing: the previous
outputs stay in place.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from babel import Locale

from .config import Config
from .content import load
from .errors import Level, Origin, Problem, ProblemsFound
from .localize import Edition
from .output import write_atomically
from .pdf import FONT_DIR, write_pdf
from .render import render

PDF_TEMPLATE = "pdf/publication.html.j2"


@dataclass(frozen=True)
class BuiltFile:
    path: Path
    pages: int


@dataclass(frozen=True)
class BuildResult:
    files: tuple[BuiltFile, ...]
    problems: tuple[Problem, ...]


def build_date(event_date: datetime.date) -> datetime.datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the event's date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        except ValueError as error:
            raise ProblemsFound(
                [Problem(Level.ERROR, Origin("SOURCE_DATE_EPOCH"), "bad-epoch", f"not a Unix time: {epoch!r}")]
            ) from error
    return datetime.datetime.combine(event_date, datetime.time(), tzinfo=datetime.UTC)


def output_path(config: Config, locale: str, variant: str) -> Path:
    suffix = "" if variant == "screen" else f"-{variant}"
    return config.output_dir / locale / f"{config.basename}{suffix}.pdf"


def build(config: Config, *, strict: bool = False, variants: tuple[str, ...] | None = None) -> BuildResult:
    """Build every configured edition; raise ProblemsFound (writing nothing) on errors."""
    directory = load(config.root, config.content)
    created = build_date(directory.publication.event.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    layouts = config.root / config.layouts
    pending: list[tuple[Path, bytes, int]] = []
    problems: list[Problem] = []
    for locale in config.languages:
        edition = Edition(directory, Locale.parse(locale))
        for variant in variants or config.pdf_variants:
            target = output_path(config, locale, variant)
            html = render(edition, layouts, PDF_TEMPLATE, variant=variant, created=created, fonts_url=FONT_DIR.as_uri())
            origin = Origin(target.relative_to(config.root).as_posix())
            result = write_pdf(html, layouts / "pdf", variant, [layouts, FONT_DIR], origin)
            problems.extend(result.problems)
            pending.append((target, result.data, result.pages))
    failing = [p for p in problems if p.level is Level.ERROR or strict]
    if failing:
        raise ProblemsFound(problems)
    for target, data, _ in pending:
        write_atomically(target, data)
    return BuildResult(tuple(BuiltFile(path, pages) for path, _, pages in pending), tuple(problems))
