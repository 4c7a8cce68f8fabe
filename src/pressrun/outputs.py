"""An edition's output files, made in memory: its HTML rendered, laid out as the
pagination schedules it, joined into the print PDF, the screen PDF cut from it, and the
EPUB with the print edition's page numbers.

Input: the Config, the stale languages and the layout workers. Output: each edition's
files (path, bytes, count) and problems, for `build` to write. The content is read and
each edition's HTML rendered once, in this process. Each language is laid out once: the
print PDF, the screen PDF and the EPUB's page list all come from that layout.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .epub import make_epub
from .errors import Origin, Problem, ProblemsFound
from .files import build_date
from .i18n import Edition, load_editions
from .pdf.assemble import join, screen_from_print
from .pdf.book import BookSlice, contents_anchors, plan
from .pdf.fonts import FACES, FONT_DIR
from .pdf.jobs import LAYOUT_VARIANT
from .pdf.paginate import Pagination
from .pdf.workers import SerialWorkers
from .render import environment, pdf_html

# progress(language, stage, completed, total): how far each edition is.
Progress = Callable[..., None]


@dataclass(frozen=True)
class EditionFiles:
    """One edition's files, made but not yet written: (path, bytes, pages or documents)."""

    language: str
    files: tuple[tuple[Path, bytes, int], ...]
    problems: tuple[Problem, ...]


class EditionOutputs:
    """One edition on its way to its files: its pagination, then its files."""

    def __init__(self, config: Config, edition: Edition, variants: tuple[str, ...], progress: Progress):
        self.config = config
        self.edition = edition
        self.variants = variants
        self.language = edition.language
        self.progress = progress
        self.environment = environment(config.layouts_dir, edition)
        self.built = build_date(edition.publication.event.date)
        progress(self.language, "rendering HTML")
        self.pagination = Pagination(
            plan(edition.parts, config.chunk_profiles),
            contents_anchors(edition.parts),
            self._html,
            config.layouts_dir,
            Origin(config.shown(config.pdf_path(self.language, LAYOUT_VARIANT))),
            lambda stage, completed=0, total=0: progress(self.language, stage, completed, total),
        )

    def _html(self, book: BookSlice) -> str:
        return pdf_html(
            self.edition,
            self.config.layouts_dir,
            variant=LAYOUT_VARIANT,
            created=self.built,
            book=book,
            fonts=FACES,
            fonts_url=FONT_DIR.as_uri(),
            env=self.environment,
        )

    def print_pdf(self) -> bytes:
        """The print PDF: the one layout, or the chunks joined with one outline."""
        paging = self.pagination
        layouts = paging.layouts_done
        if not paging.chunked:
            return layouts[0].pdf.data
        self.progress(self.language, "joining chunks")
        bookmarks = [
            dataclasses.replace(bookmark, page=start - 1 + bookmark.page)
            for start, laid in zip(paging.starts, layouts, strict=True)
            for bookmark in laid.bookmarks
        ]
        return join([laid.pdf for laid in layouts], bookmarks)

    def files(self) -> EditionFiles:
        """The edition's files from its layouts: the print PDF, the screen PDF cut from
        it, and the EPUB with its page numbers."""
        config, language, paging = self.config, self.language, self.pagination
        layouts = paging.layouts_done
        problems = [problem for laid in layouts for problem in laid.problems] + paging.problems
        pages = sum(laid.pages for laid in layouts)
        print_data = self.print_pdf()
        made: list[tuple[Path, bytes, int]] = []
        if "print" in self.variants:
            made.append((config.pdf_path(language, "print"), print_data, pages))
        if "screen" in self.variants:
            self.progress(language, "cutting the screen PDF")
            made.append((config.pdf_path(language, "screen"), screen_from_print(print_data), pages))
        if "epub" in config.formats:
            self.progress(language, "writing the EPUB")
            epub = make_epub(
                self.edition, config.layouts_dir, paging.anchors(), self.built, config.basename, env=self.environment
            )
            made.append((config.epub_path(language), epub.data, epub.documents))
        self.progress(language, "done")
        return EditionFiles(language, tuple(made), tuple(problems))


def make_editions(
    config: Config,
    languages: list[str],
    variants: tuple[str, ...],
    pool: SerialWorkers,
    progress: Progress,
    allow_untranslated: bool,
) -> tuple[list[Problem], list[EditionFiles]]:
    """The translation gaps and the files of each edition in `languages` (raises
    ProblemsFound on gaps unless they are allowed). An edition's layout jobs go to the
    workers as soon as its HTML is rendered, and its files are made as soon as its last
    layout is back, while the workers go on with the others."""
    editions = load_editions(config, languages)
    gaps = [gap for edition in editions for gap in edition.gaps]
    if gaps and not allow_untranslated:
        raise ProblemsFound(gaps)
    outputs = []
    for edition in editions:
        output = EditionOutputs(config, edition, variants, progress)
        for key, job in output.pagination.first_jobs():
            pool.submit(job, (output, key))
        outputs.append(output)
    made: dict[str, EditionFiles] = {}
    while pool.pending:
        (output, key), result = pool.next()
        for next_key, job in output.pagination.done(key, result):
            pool.submit(job, (output, next_key))
        if output.pagination.finished:
            made[output.language] = output.files()
    return gaps, [made[output.language] for output in outputs]
