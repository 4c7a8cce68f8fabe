"""Orchestration: which editions to build, and their files written where they belong.

Input: the Config. Output: each stale edition's files in `build/<language>/`, with the
record of what they were made from (digests) and what they are (SHA-256), all put in
place together (`files.write_together`), and the problems found on the way. An edition
whose inputs and outputs did not change (see `incremental`) is not built again; the
others are made in memory by `outputs`, their layouts running on `pdf.workers` or taken
from the layout cache (`pdf.cache`, in the output folder), which is kept for the next
build whatever this one's outcome. A build with errors (or, in strict mode, warnings)
writes nothing, and one that cannot write all its files writes none: the previous
outputs stay in place.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config
from .errors import Level, Problem, ProblemsFound
from .files import exclusive, write_together
from .incremental import edition_digest, layout_environment, recorded, state_path, up_to_date
from .pdf.cache import LayoutCache, collect
from .pdf.fonts import confine_fonts
from .pdf.workers import workers

if TYPE_CHECKING:  # the type only: a build with nothing to do loads no rendering stage
    from .outputs import EditionFiles, Progress


@dataclass(frozen=True)
class BuiltFile:
    path: Path
    pages: int


@dataclass(frozen=True)
class BuildResult:
    files: tuple[BuiltFile, ...]
    problems: tuple[Problem, ...]
    up_to_date: tuple[str, ...] = ()


def build(
    config: Config,
    *,
    strict: bool = False,
    allow_untranslated: bool = False,
    drafts: bool = False,
    variants: tuple[str, ...] | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every configured edition whose inputs changed (all of them with `force`),
    reusing the layouts of earlier builds that are still right (none with `force`);
    raise ProblemsFound, writing nothing, on errors. Untranslated or fuzzy messages are
    errors unless `allow_untranslated`: then the source text stands in, marked with its
    language, and each gap is a warning. With `drafts`, the draft languages are built too,
    the source text standing in for what they lack (a notice per catalog says how much).
    `progress(language, stage, completed, total)` hears how it goes. The output folder is
    held for the whole build; what an interrupted build left there is finished or removed
    first."""
    languages = config.every_language if drafts else config.languages
    with exclusive(config.folder("output")):
        return _build(
            config, languages, strict, allow_untranslated, variants, jobs, force, progress or (lambda *_: None)
        )


def _build(
    config: Config,
    languages: tuple[str, ...],
    strict: bool,
    allow_untranslated: bool,
    variants: tuple[str, ...] | None,
    jobs: int,
    force: bool,
    report: Progress,
) -> BuildResult:
    chosen = tuple(variants or config.pdf_variants) if "pdf" in config.formats else ()
    options = {"variants": chosen, "allow_untranslated": allow_untranslated, "formats": config.formats}
    state = recorded(config)
    digests = {language: edition_digest(config, language, options) for language in languages}
    outputs_each = len(chosen) + ("epub" in config.formats)
    stale = [
        language
        for language in languages
        if force or not up_to_date(config, language, digests[language], state, outputs_each)
    ]
    fresh = tuple(language for language in languages if language not in stale)
    if not stale:
        return BuildResult((), (), fresh)
    confine_fonts(config.cache)  # before the workers are forked: they inherit it
    environment = layout_environment(config)
    # With --force every layout is done again (and still recorded for the next build).
    caches = {language: LayoutCache(config.layout_cache(), environment, read=not force) for language in stale}
    with workers(jobs, _layouts_ahead(config, len(stale))) as pool:
        # The stages that load the rendering stack, imported only once something is stale.
        from .outputs import make_editions

        problems, outputs = make_editions(config, stale, chosen, pool, report, allow_untranslated, caches)
    for language, cache in caches.items():
        cache.keep(language)
    collect(config.layout_cache())
    problems += [problem for output in outputs for problem in output.problems]
    if any(p.level is Level.ERROR or (strict and p.level is Level.WARNING) for p in problems):
        raise ProblemsFound(problems)
    _write(config, outputs, state, digests)
    built = tuple(BuiltFile(target, count) for output in outputs for target, _, count in output.files)
    return BuildResult(built, tuple(problems), fresh)


def _write(config: Config, outputs: list[EditionFiles], state: dict, digests: dict[str, str]) -> None:
    """Every file of the build and the record of what each edition was made from, put in
    place together: a build that cannot write them all writes none."""
    for output in outputs:
        state[output.language] = {
            "digest": digests[output.language],
            "outputs": {config.shown(target): hashlib.sha256(data).hexdigest() for target, data, _ in output.files},
        }
    record = json.dumps(state, indent=2, sort_keys=True).encode("utf-8")
    files = [(target, data) for output in outputs for target, data, _ in output.files]
    write_together(config.folder("output"), [*files, (state_path(config), record)])


def _layouts_ahead(config: Config, editions: int) -> int:
    """How many layouts can run at once: one per edition, or per chunk of a large one
    (counted from the profile files, before the content is read)."""
    from .content.load import profile_file_count

    # The front matter is a layout of its own in a chunked book.
    chunks = math.ceil(profile_file_count(config) / config.chunk_profiles)
    return editions * (chunks + 1 if chunks > 1 else 1)
