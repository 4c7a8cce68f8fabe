"""Orchestration: which editions to build, with which writers, into `build/<locale>/`.

Input: the Config. Output: PDF and EPUB files written atomically, and the problems
found on the way. The content is read and each edition's HTML rendered once, in this
process; worker processes lay the HTML out. Each language is laid out once: the print
PDF, the screen PDF (the same pages cut at the trim) and the EPUB's page list all come
from that layout. A large directory is laid out in chunks (see `chunks`): a first pass
counts each chunk's pages, a second lays every chunk out from its own first page, and
the chunks are joined into one book (see `assemble`). An edition whose inputs did not
change (see `incremental`) is not built again. A build with errors (or, in strict mode,
warnings) writes nothing: the previous outputs stay in place.
"""

from __future__ import annotations

import dataclasses
import json
import math
import multiprocessing
import multiprocessing.pool
import queue
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .chunks import LAYOUT_VARIANT, LEFT, RIGHT, BookSlice, LaidOut, LayoutJob, contents_anchors, first_pages, plan
from .config import Config
from .errors import Level, Origin, Problem, ProblemsFound
from .incremental import edition_digest, recorded, state_path, up_to_date
from .output import build_date, write_atomically

PDF_TEMPLATE = "pdf/publication.html.j2"
# How many times the chunks of a large book are laid out again when a chunk's page count
# turned out other than measured, before the build gives up.
PAGINATION_ROUNDS = 3
# The first page a chunk is measured from, for each side it may start on.
MEASURED_FROM = {RIGHT: 1, LEFT: 2}

# progress(language, stage, completed, total): how far each edition is.
Report = Callable[..., None]


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


def build(
    config: Config,
    *,
    strict: bool = False,
    allow_untranslated: bool = False,
    variants: tuple[str, ...] | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: Report | None = None,
) -> BuildResult:
    """Build every configured edition whose inputs changed (all of them with `force`);
    raise ProblemsFound, writing nothing, on errors. Untranslated or fuzzy messages are
    errors unless `allow_untranslated`: then the source text stands in, marked with its
    language, and each gap is a warning. `progress(language, stage, completed, total)`
    hears how it goes."""
    report = progress or (lambda *_: None)
    chosen = tuple(variants or config.pdf_variants) if "pdf" in config.formats else ()
    options = {"variants": chosen, "allow_untranslated": allow_untranslated, "formats": config.formats}
    state = recorded(config)
    digests = {language: edition_digest(config, language, options) for language in config.languages}
    stale = [lang for lang in config.languages if force or not up_to_date(config, lang, digests[lang], state)]
    fresh = tuple(language for language in config.languages if language not in stale)
    if not stale:
        return BuildResult((), (), fresh)
    level = Level.WARNING if allow_untranslated else Level.ERROR
    with _workers(jobs, _layouts_ahead(config, len(stale))) as workers:
        editions = _editions(config, stale)
        _stop_on_gaps(editions, allow_untranslated)
        outputs = _run(config, editions, chosen, workers, report, allow_untranslated)
    gaps = [dataclasses.replace(gap, level=level) for edition in editions for gap in edition.gaps]
    problems = gaps + [problem for output in outputs for problem in output.problems]
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


def _editions(config: Config, languages: list[str]):
    """The content, validated, in each language (raises ProblemsFound on invalid content)."""
    from babel import Locale

    from .content import load
    from .localize import Edition

    directory = load(config.root, config.content)
    return [Edition(directory, Locale.parse(language), load_catalogs(config, language)) for language in languages]


def _stop_on_gaps(editions, allow_untranslated: bool) -> None:
    """Stop before any layout when a message is untranslated (unless that is allowed)."""
    gaps = [gap for edition in editions for gap in edition.gaps]
    if gaps and not allow_untranslated:
        raise ProblemsFound(gaps)


def _start_worker() -> None:
    from .fonts import confine_fonts

    confine_fonts()
    # Loaded now, while the main process reads the content, rather than by the first job.
    import weasyprint  # noqa: F401


def _lay_out(job: LayoutJob) -> LaidOut:
    """A worker's job (WeasyPrint is imported by the workers only)."""
    from .pdf import run_layout_job

    return run_layout_job(job)


class _Workers:
    """Layout jobs on worker processes; results come back in the order they finish."""

    def __init__(self, pool: multiprocessing.pool.Pool | None):
        self.pool = pool
        self.results: queue.SimpleQueue = queue.SimpleQueue()
        self.pending = 0

    def submit(self, job: LayoutJob, tag: object) -> None:
        self.pending += 1
        if self.pool is None:
            self.results.put((tag, _lay_out(job), None))
            return
        self.pool.apply_async(
            _lay_out,
            (job,),
            callback=lambda result: self.results.put((tag, result, None)),
            error_callback=lambda error: self.results.put((tag, None, error)),
        )

    def next(self) -> tuple[object, LaidOut]:
        tag, result, error = self.results.get()
        self.pending -= 1
        if error is not None:
            raise error
        return tag, result


def _layouts_ahead(config: Config, editions: int) -> int:
    """How many layouts can run at once: one per edition, or per chunk of a large one
    (counted from the profile files, before the content is read)."""
    from .content import profile_file_count

    profiles = profile_file_count(config.root, config.content)
    return editions * max(1, math.ceil(profiles / config.chunk_profiles))


@contextmanager
def _workers(jobs: int, layouts: int) -> Iterator[_Workers]:
    """Worker processes (or, for `jobs` 1, this process) that run layout jobs: `jobs` of
    them, or fewer when fewer `layouts` can run at once. They are forked at once, while
    this process runs no other thread, and start loading WeasyPrint while the content is
    read; they are reaped at the end, so that their time and memory count as the
    build's, or stopped at once when the build fails."""
    if jobs <= 1:
        yield _Workers(None)
        return
    pool = multiprocessing.get_context("fork").Pool(min(jobs, layouts), initializer=_start_worker)
    try:
        yield _Workers(pool)
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


def _run(
    config, editions, variants, workers: _Workers, report: Report, allow_untranslated: bool
) -> list[EditionOutput]:
    """Every edition's outputs. Each edition's layout jobs go to the workers as soon as
    its HTML is rendered, and the edition is assembled here as soon as its last layout is
    back, while the workers go on with the others."""
    builds = []
    for edition in editions:
        build = EditionBuild(config, edition, variants, report)
        _stop_on_gaps([edition], allow_untranslated)
        for key, job in build.first_jobs():
            workers.submit(job, (build, key))
        builds.append(build)
    outputs: dict[str, EditionOutput] = {}
    while workers.pending:
        (build, key), result = workers.next()
        for next_key, job in build.done(key, result):
            workers.submit(job, (build, next_key))
        if build.finished:
            outputs[build.language] = build.assemble()
    return [outputs[build.language] for build in builds]


def _book_anchors(starts: list[int], layouts: list[LaidOut]) -> dict[str, int]:
    """The page in the book of each anchor, from the chunks' layouts and first pages."""
    return {
        name: start + page - 1
        for start, laid in zip(starts, layouts, strict=True)
        for name, page in laid.anchors.items()
    }


class EditionBuild:
    """One language: its layouts, scheduled on the workers, then its files.

    A book of one layout is laid out and written in one job. A chunked book is measured
    first (each chunk on a right-hand page, and also on a left-hand one when its page
    count can depend on it), then every chunk is laid out from the page it starts on,
    with the contents' page numbers known. If a chunk then has other pages than measured,
    the chunks whose first page moved are laid out again."""

    def __init__(self, config: Config, edition, variants: tuple[str, ...], report: Report):
        from .render import environment

        self.config = config
        self.edition = edition
        self.language = str(edition.language)
        self.variants = variants
        self.report = report
        self.layouts = config.root / config.layouts
        self.built = build_date(edition.publication.event.date)
        self.environment = environment(self.layouts, edition)
        self.origin = Origin(output_path(config, self.language, "print").relative_to(config.root).as_posix())
        self.slices = plan(edition.parts, config.chunk_profiles)
        report(self.language, "rendering HTML")
        self.html = [self._render(book) for book in self.slices]
        self.measured: dict[int, dict[int, LaidOut]] = {}
        self.laid_out: dict[int, LaidOut] = {}
        self.starts: list[int] = [1] * len(self.slices)
        self.numbers: dict[str, int] | None = None
        self.measure_jobs = 0
        self.rounds = 0
        self.pagination_problems: list[Problem] = []
        self.finished = False

    @property
    def chunked(self) -> bool:
        return len(self.slices) > 1

    def _render(self, book: BookSlice) -> str:
        from .fonts import FONT_DIR
        from .render import render

        if self.chunked and book.front and book.page_numbers is None:
            # While measuring, the contents show placeholders as wide as the last page number may be.
            placeholder = "8" * len(str(4 * sum(len(part.profiles) for part in self.edition.parts)))
            book = book.with_page_numbers(dict.fromkeys(contents_anchors(self.edition.parts), placeholder))
        return render(
            self.edition,
            self.layouts,
            PDF_TEMPLATE,
            env=self.environment,
            variant=LAYOUT_VARIANT,
            created=self.built.strftime("%Y-%m-%dT%H:%M:%SZ"),
            fonts_url=FONT_DIR.as_uri(),
            book=book,
        )

    def _job(self, chunk: int, first_page: int, write: bool, book_anchors: frozenset[str] = frozenset()) -> LayoutJob:
        return LayoutJob(self.html[chunk], self.layouts, self.origin, first_page, write, book_anchors)

    def first_jobs(self) -> list[tuple[tuple, LayoutJob]]:
        if not self.chunked:
            self.report(self.language, "laying out")
            return [(("final", 0), self._job(0, 1, True))]
        jobs = []
        for chunk, book in enumerate(self.slices):
            # The first chunk starts on page 1; the last one's count moves no other chunk.
            both = book.sided and 0 < chunk < len(self.slices) - 1
            for side in (RIGHT, LEFT) if both else (RIGHT,):
                jobs.append((("measure", chunk, side), self._job(chunk, MEASURED_FROM[side], False)))
        self.measure_jobs = len(jobs)
        self.report(self.language, "counting pages", 0, self.measure_jobs)
        return jobs

    def done(self, key: tuple, result: LaidOut) -> list[tuple[tuple, LayoutJob]]:
        if key[0] == "measure":
            _, chunk, side = key
            self.measured.setdefault(chunk, {})[side] = result
            counted = sum(len(sides) for sides in self.measured.values())
            self.report(self.language, "counting pages", counted, self.measure_jobs)
            if counted < self.measure_jobs:
                return []
            starts = first_pages(
                [{side: laid.pages for side, laid in sides.items()} for _, sides in self._chunks(self.measured)]
            )
            layouts = [
                sides.get(start % 2, sides[RIGHT])
                for start, (_, sides) in zip(starts, self._chunks(self.measured), strict=True)
            ]
            return self._lay_out_from(starts, _book_anchors(starts, layouts), range(len(self.slices)))
        _, chunk = key
        self.laid_out[chunk] = result
        if self.chunked:
            self.report(self.language, "laying out", len(self.laid_out), len(self.slices))
        if len(self.laid_out) < len(self.slices):
            return []
        return self._check_pagination()

    def _lay_out_from(self, starts: list[int], anchors: dict[str, int], chunks) -> list[tuple[tuple, LayoutJob]]:
        """Jobs laying out `chunks` from their first pages, the contents numbered from `anchors`."""
        numbers = self._contents_numbers(anchors)
        chunks = set(chunks)
        if numbers != self.numbers:
            self.numbers = numbers
            self.html[0] = self._render(self.slices[0].with_page_numbers(numbers))
            chunks.add(0)
        for chunk in chunks:
            self.laid_out.pop(chunk, None)
        self.starts = starts
        self.report(self.language, "laying out", len(self.laid_out), len(self.slices))
        known = frozenset(anchors)
        return [(("final", chunk), self._job(chunk, starts[chunk], True, known)) for chunk in sorted(chunks)]

    def _chunks(self, by_chunk: dict):
        return sorted(by_chunk.items())

    def _contents_numbers(self, anchors: dict[str, int]) -> dict[str, int]:
        return {anchor: anchors[anchor] for anchor in contents_anchors(self.edition.parts)}

    def _check_pagination(self) -> list[tuple[tuple, LayoutJob]]:
        """Done when every chunk starts where the pages before it end; else lay out again
        the chunks that moved (at most PAGINATION_ROUNDS times)."""
        if self.chunked:
            layouts = [laid for _, laid in self._chunks(self.laid_out)]
            starts = first_pages([{RIGHT: laid.pages} for laid in layouts])
            anchors = _book_anchors(starts, layouts)
            moved = [chunk for chunk, start in enumerate(starts) if start != self.starts[chunk]]
            if moved or self._contents_numbers(anchors) != self.numbers:
                self.rounds += 1
                if self.rounds <= PAGINATION_ROUNDS:
                    return self._lay_out_from(starts, anchors, moved)
                self.pagination_problems.append(
                    Problem(
                        Level.ERROR,
                        self.origin,
                        "pagination",
                        f"the chunks' page counts did not settle after {PAGINATION_ROUNDS} more layouts; "
                        "a larger chunk_profiles makes fewer chunks",
                    )
                )
        self.finished = True
        return []

    def assemble(self) -> EditionOutput:
        """The edition's files from its layouts: the print PDF (joined from the chunks),
        the screen PDF cut from it, and the EPUB with its page numbers."""
        from . import inline
        from .assemble import merge, screen_from_print
        from .epub import identifier, make_epub

        config, language = self.config, self.language
        results = [laid for _, laid in self._chunks(self.laid_out)]
        problems = [problem for result in results for problem in result.problems] + self.pagination_problems
        pages = sum(result.pages for result in results)
        if self.chunked:
            self.report(language, "joining chunks")
            bookmarks = [
                dataclasses.replace(bookmark, page=start - 1 + bookmark.page)
                for start, result in zip(self.starts, results, strict=True)
                for bookmark in result.bookmarks
            ]
            print_data = merge([result.pdf for result in results], bookmarks)
        else:
            print_data = results[0].pdf.data
        anchors = _book_anchors(self.starts, results)
        files: list[tuple[Path, bytes, int]] = []
        if "print" in self.variants:
            files.append((output_path(config, language, "print"), print_data, pages))
        if "screen" in self.variants:
            self.report(language, "cutting the screen PDF")
            files.append((output_path(config, language, "screen"), screen_from_print(print_data), pages))
        if "epub" in config.formats:
            self.report(language, "writing the EPUB")
            publication = self.edition.publication
            epub = make_epub(
                self.edition,
                self.layouts,
                anchors,
                self.built,
                identifier(config.basename, language),
                print_source=f"{inline.plain(publication.title)} {publication.year} (print edition)",
                env=self.environment,
            )
            files.append((epub_path(config, language), epub.data, epub.documents))
        self.report(language, "done")
        return EditionOutput(language, tuple(files), tuple(problems))
