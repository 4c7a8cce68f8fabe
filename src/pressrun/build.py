"""Orchestration: which editions to build, with which writers, into `build/<locale>/`.

Input: the Config. Output: PDF and EPUB files written atomically, and the problems
found on the way. Each language is laid out once: the print PDF, the screen PDF (the
same pages cut at the trim) and the EPUB's page list all come from that layout.
Editions are built in parallel processes, and an edition whose inputs did not change
(see `incremental`) is not built again. A build with errors (or, in strict mode,
warnings) writes nothing: the previous outputs stay in place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .config import Config, load_config
from .errors import Level, Origin, Problem, ProblemsFound
from .incremental import edition_digest, recorded, state_path, up_to_date
from .output import build_date, write_atomically

PDF_TEMPLATE = "pdf/publication.html.j2"
# The layout every PDF variant is cut from: the print one, with its bleed.
LAYOUT_VARIANT = "print"


@dataclass(frozen=True)
class BuiltFile:
    path: Path
    pages: int


@dataclass(frozen=True)
class BuildResult:
    files: tuple[BuiltFile, ...]
    problems: tuple[Problem, ...]
    up_to_date: tuple[str, ...] = ()


@dataclass(frozen=True)
class EditionOutput:
    language: str
    files: tuple[tuple[Path, bytes, int], ...]
    problems: tuple[Problem, ...]


def load_catalogs(config: Config, language: str):
    """The language's content and layout catalogs (a missing file gives None)."""
    from .catalogs import catalog_path, read_catalog
    from .localize import Catalogs

    return Catalogs(
        content=read_catalog(config, language, "content"),
        layouts=read_catalog(config, language, "layouts"),
        content_path=catalog_path(config, language, "content").relative_to(config.root).as_posix(),
        layouts_path=catalog_path(config, language, "layouts").relative_to(config.root).as_posix(),
    )


def output_path(config: Config, locale: str, variant: str) -> Path:
    suffix = "" if variant == "screen" else f"-{variant}"
    return config.output_dir / locale / f"{config.basename}{suffix}.pdf"


def epub_path(config: Config, locale: str) -> Path:
    return config.output_dir / locale / f"{config.basename}.epub"


def make_edition(root: Path, language: str, allow_untranslated: bool, variants: tuple[str, ...]) -> EditionOutput:
    """Build one language's outputs in memory (run in a worker process)."""
    from babel import Locale

    from . import inline
    from .content import load
    from .epub import identifier, make_epub
    from .localize import Edition
    from .pdf import FONT_DIR, anchor_pages, lay_out, screen_from_print, without_bleed, write_document
    from .render import render

    config = load_config(root)
    directory = load(config.root, config.content)
    edition = Edition(directory, Locale.parse(language), load_catalogs(config, language))
    known_gaps = len(edition.gaps)
    layouts = config.root / config.layouts
    created = build_date(directory.publication.event.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    html = render(edition, layouts, PDF_TEMPLATE, variant=LAYOUT_VARIANT, created=created, fonts_url=FONT_DIR.as_uri())
    origin = Origin(output_path(config, language, LAYOUT_VARIANT).relative_to(config.root).as_posix())
    document, problems = lay_out(html, layouts / "pdf", [layouts, FONT_DIR], origin)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    files: list[tuple[Path, bytes, int]] = []
    print_data = None
    # Print first: the screen variant is cut from it (or, alone, written without bleed).
    for variant in sorted(variants, key=lambda name: name != "print"):
        target = output_path(config, language, variant)
        if variant == "screen" and print_data is not None:
            data = screen_from_print(print_data)
        else:
            if variant == "screen":
                without_bleed(document)
            shown = Origin(target.relative_to(config.root).as_posix())
            data, written = write_document(document, variant, digest, shown)
            problems.items.extend(written.items)
            print_data = data if variant == "print" else None
        files.append((target, data, len(document.pages)))
    if "epub" in config.formats:
        publication = edition.publication
        epub = make_epub(
            edition,
            layouts,
            anchor_pages(document),
            build_date(publication.event.date),
            identifier(config.basename, language),
            print_source=f"{inline.plain(publication.title)} {publication.year} (print edition)",
        )
        files.append((epub_path(config, language), epub.data, epub.documents))
    level = Level.WARNING if allow_untranslated else Level.ERROR
    gaps = [dataclasses.replace(gap, level=level) for gap in edition.gaps[known_gaps:]]
    return EditionOutput(language, tuple(files), tuple(problems.items + gaps))


def build(
    config: Config,
    *,
    strict: bool = False,
    allow_untranslated: bool = False,
    variants: tuple[str, ...] | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: Callable[[str, str], None] | None = None,
) -> BuildResult:
    """Build every configured edition whose inputs changed (all of them with `force`);
    raise ProblemsFound, writing nothing, on errors. Untranslated or fuzzy messages are
    errors unless `allow_untranslated`: then the source text stands in, marked with its
    language, and each gap is a warning. `progress(language, stage)` hears how it goes."""
    report = progress or (lambda language, stage: None)
    chosen = tuple(variants or config.pdf_variants) if "pdf" in config.formats else ()
    options = {"variants": chosen, "allow_untranslated": allow_untranslated, "formats": config.formats}
    state = recorded(config)
    digests = {language: edition_digest(config, language, options) for language in config.languages}
    stale = [lang for lang in config.languages if force or not up_to_date(config, lang, digests[lang], state)]
    fresh = tuple(language for language in config.languages if language not in stale)
    if not stale:
        return BuildResult((), (), fresh)
    problems = _check_before_layout(config, stale, allow_untranslated)
    outputs = _run(config, stale, allow_untranslated, chosen, jobs, report)
    problems += [problem for output in outputs for problem in output.problems]
    if any(p.level is Level.ERROR or strict for p in problems):
        raise ProblemsFound(problems)
    built = []
    for output in outputs:
        for target, data, count in output.files:
            write_atomically(target, data)
            built.append(BuiltFile(target, count))
        state[output.language] = {
            "digest": digests[output.language],
            "outputs": [target.relative_to(config.root).as_posix() for target, _, _ in output.files],
        }
    write_atomically(state_path(config), json.dumps(state, indent=2, sort_keys=True).encode("utf-8"))
    return BuildResult(tuple(built), tuple(problems), fresh)


def _check_before_layout(config: Config, languages: list[str], allow_untranslated: bool) -> list[Problem]:
    """Validate the content, and find the translation gaps known before layout, so that a
    failing build fails before the slow part."""
    from babel import Locale

    from .content import load
    from .localize import Edition

    directory = load(config.root, config.content)
    level = Level.WARNING if allow_untranslated else Level.ERROR
    problems = [
        dataclasses.replace(gap, level=level)
        for language in languages
        for gap in Edition(directory, Locale.parse(language), load_catalogs(config, language)).gaps
    ]
    if not allow_untranslated and problems:
        raise ProblemsFound(problems)
    return problems


def _run(
    config: Config,
    languages: list[str],
    allow_untranslated: bool,
    variants: tuple[str, ...],
    jobs: int,
    report: Callable[[str, str], None],
) -> list[EditionOutput]:
    """Each edition's outputs, in the configured order, from parallel processes."""
    arguments = [(config.root, language, allow_untranslated, variants) for language in languages]
    for language in languages:
        report(language, "laying out")
    if jobs <= 1 or len(languages) == 1:
        outputs = []
        for args in arguments:
            outputs.append(make_edition(*args))
            report(args[1], "done")
        return outputs
    with ProcessPoolExecutor(max_workers=min(jobs, len(languages))) as pool:
        futures = [pool.submit(make_edition, *args) for args in arguments]
        outputs = []
        for language, future in zip(languages, futures, strict=True):
            outputs.append(future.result())
            report(language, "done")
        return outputs
