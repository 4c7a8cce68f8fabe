"""Orchestration: which editions to build, with which writers, into `build/<locale>/`.

Input: the Config. Output: PDF files written atomically, and the problems found on the
way. A build with errors (or, in strict mode, warnings) writes nothing: the previous
outputs stay in place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from babel import Locale

from . import inline
from .config import Config
from .content import load
from .epub import identifier as epub_identifier
from .epub import make_epub
from .errors import Level, Origin, Problem, ProblemsFound
from .localize import Catalogs, Edition
from .output import build_date, write_atomically
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


def output_path(config: Config, locale: str, variant: str) -> Path:
    suffix = "" if variant == "screen" else f"-{variant}"
    return config.output_dir / locale / f"{config.basename}{suffix}.pdf"


def epub_path(config: Config, locale: str) -> Path:
    return config.output_dir / locale / f"{config.basename}.epub"


def load_catalogs(config: Config, language: str) -> Catalogs:
    """The language's content and layout catalogs (a missing file gives None)."""
    from .catalogs import catalog_path, read_catalog

    return Catalogs(
        content=read_catalog(config, language, "content"),
        layouts=read_catalog(config, language, "layouts"),
        content_path=catalog_path(config, language, "content").relative_to(config.root).as_posix(),
        layouts_path=catalog_path(config, language, "layouts").relative_to(config.root).as_posix(),
    )


def build(
    config: Config,
    *,
    strict: bool = False,
    allow_untranslated: bool = False,
    variants: tuple[str, ...] | None = None,
) -> BuildResult:
    """Build every configured edition; raise ProblemsFound (writing nothing) on errors.
    Untranslated or fuzzy messages are errors unless `allow_untranslated`: then the
    source text stands in, marked with its language, and each gap is a warning."""
    directory = load(config.root, config.content)
    created = build_date(directory.publication.event.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    layouts = config.root / config.layouts
    level = Level.WARNING if allow_untranslated else Level.ERROR
    editions = [
        Edition(directory, Locale.parse(language), load_catalogs(config, language)) for language in config.languages
    ]
    # Translation gaps known before layout fail the build before the slow part.
    problems: list[Problem] = [dataclasses.replace(gap, level=level) for edition in editions for gap in edition.gaps]
    if not allow_untranslated and problems:
        raise ProblemsFound(problems)
    pending: list[tuple[Path, bytes, int]] = []
    for edition in editions:
        known_gaps = len(edition.gaps)
        # Every variant has the same pages; the EPUB's page list comes from the first one.
        pdf_variants = (variants or config.pdf_variants) if "pdf" in config.formats else ()
        page_numbers: dict[str, int] | None = None
        for variant in pdf_variants or (("screen",) if "epub" in config.formats else ()):
            target = output_path(config, edition.language, variant)
            html = render(edition, layouts, PDF_TEMPLATE, variant=variant, created=created, fonts_url=FONT_DIR.as_uri())
            origin = Origin(target.relative_to(config.root).as_posix())
            result = write_pdf(html, layouts / "pdf", variant, [layouts, FONT_DIR], origin)
            problems.extend(result.problems)
            page_numbers = page_numbers or result.anchor_pages
            if variant in pdf_variants:
                pending.append((target, result.data, result.pages))
        if "epub" in config.formats and page_numbers is not None:
            publication = edition.publication
            epub = make_epub(
                edition,
                layouts,
                page_numbers,
                build_date(publication.event.date),
                epub_identifier(config.basename, edition.language),
                print_source=f"{inline.plain(publication.title)} {publication.year} (print edition)",
            )
            pending.append((epub_path(config, edition.language), epub.data, epub.documents))
        problems.extend(dataclasses.replace(gap, level=level) for gap in edition.gaps[known_gaps:])
    failing = [p for p in problems if p.level is Level.ERROR or strict]
    if failing:
        raise ProblemsFound(problems)
    for target, data, _ in pending:
        write_atomically(target, data)
    return BuildResult(tuple(BuiltFile(path, pages) for path, _, pages in pending), tuple(problems))
