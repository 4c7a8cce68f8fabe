"""One edition made again after each change, as fast as the change allows.

Input: the project folder, a language, the layout workers and the files that changed.
Output: a `Snapshot`: the edition's pages and its problems; or, when the edition cannot
be made, the problems with the pages of the last edition that could.

Every update reads the configuration, the content and the catalogs again, but parses
again only the files whose bytes changed (`content.load`'s memo, the inline parser's
cache), and lays out through the layout cache, so that only the chunks that changed are
laid out again (`pdf.paginate`); the layout cache is the builds', so a preview and a
build reuse each other's layouts. Untranslated text is shown in the source language and
each gap is a warning, as `build --allow-untranslated` does.
"""

from __future__ import annotations

import dataclasses
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import CONFIG_FILE, Config, load_config
from ..content import load
from ..content.load import PROFILES_DIR
from ..errors import Level, Origin, Problem, ProblemsFound
from ..i18n import load_editions
from ..incremental import layout_environment
from ..outputs import EditionOutputs, LastUpdate
from ..pdf.cache import LayoutCache, collect
from ..pdf.paginate import Pagination, lay_out
from .pages import Page, PageImages, chunk_pages, first_changed


@dataclass(frozen=True)
class Snapshot:
    """What the preview shows after an update."""

    version: int
    language: str
    # The edition's pages; after a failed update, those of the last good one.
    pages: tuple[Page, ...]
    problems: tuple[Problem, ...]
    failed: bool = False
    # The page to show: the first that changed (after a change to the content or the catalogs).
    first_changed: int | None = None
    seconds: float = 0.0
    # The good edition's outputs, for its PDF.
    outputs: EditionOutputs | None = None


class PreviewSession:
    """The edition in `language` (default: the first configured) of the project in `root`,
    made again by `update()` on the layout workers `pool`."""

    def __init__(self, root: Path, language: str | None, pool):
        self.root = root
        self.language = language
        self.pool = pool
        self.memo: dict = {}
        self.cache: LayoutCache | None = None
        self.last: LastUpdate | None = None
        # The pagination of the last update, which takes the results of its jobs left running.
        self.paging: Pagination | None = None
        self.images = PageImages()
        self.chunks: dict[str, list[Page]] = {}
        self.snapshot = Snapshot(0, language or "", (), ())

    def update(self, changed: Iterable[Path] = ()) -> Snapshot:
        """Make the edition again after `changed` files changed; never raises for a
        problem of the project (a bug is printed and shown, and the preview goes on)."""
        started = time.perf_counter()
        version = self.snapshot.version + 1
        try:
            snapshot = self._make(version, list(changed))
        except ProblemsFound as error:
            snapshot = self._failed(version, error.problems)
        except Exception as error:  # noqa: BLE001 -- a bug must not stop the preview: it is printed and shown
            traceback.print_exc()
            self._drain()
            message = f"internal error ({type(error).__name__}: {error}); the terminal shows where"
            snapshot = self._failed(version, [Problem(Level.ERROR, Origin("pressrun"), "internal", message)])
        self.snapshot = dataclasses.replace(snapshot, seconds=time.perf_counter() - started)
        return self.snapshot

    def _failed(self, version: int, problems: Iterable[Problem]) -> Snapshot:
        return dataclasses.replace(self.snapshot, version=version, problems=tuple(problems), failed=True)

    def _make(self, version: int, changed: list[Path]) -> Snapshot:
        config = load_config(self.root)
        language = self.language or config.languages[0]
        if language not in config.languages:
            message = f"--language {language}: not one of the configured languages ({', '.join(config.languages)})"
            raise ProblemsFound([Problem(Level.ERROR, Origin(CONFIG_FILE), "unknown-language", message)])
        (edition,) = load_editions(config, [language], load(config, self.memo))
        cache = self._cache(config)
        output = EditionOutputs(config, edition, (), None, lambda *_: None, cache, self.last)
        self._drain()
        self.paging = output.pagination
        # Once the edition is laid out, its page is shown: a layout ahead still running
        # is waited for at the next update.
        next(lay_out([output.pagination], self.pool))
        paging = output.pagination
        problems = [dataclasses.replace(gap, level=Level.WARNING) for gap in edition.gaps]
        problems += [problem for laid in paging.layouts_done for problem in laid.problems] + paging.problems
        if any(problem.level is Level.ERROR for problem in problems):
            raise ProblemsFound(problems)
        self.cache.keep(language)
        self.last.settle(paging.typesetting.settings)
        collect(config.layout_cache())
        pages = self._pages(output)
        first = None
        if self.snapshot.pages and any(_is_text(config, path) for path in changed):
            first = first_changed(self.snapshot.pages, pages, self.images, _pages_of(config, paging, changed))
        self.images.forget_except(pages)
        return Snapshot(version, language, tuple(pages), tuple(problems), False, first, 0.0, output)

    def _cache(self, config: Config) -> LayoutCache:
        """The layout cache, and the chunks' HTML, made again when the layouts or the toolkit changed."""
        environment = layout_environment(config)
        folder = config.layout_cache()
        if self.cache is None or self.cache.environment != environment or self.cache.folder != folder:
            self.cache = LayoutCache(folder, environment)
            self.last = LastUpdate()
        return self.cache

    def _pages(self, output: EditionOutputs) -> list[Page]:
        """Every page, from each chunk's final layout; a chunk laid out before keeps its pages."""
        paging = output.pagination
        chunks = {}
        for (job, laid), start in zip(paging.final, paging.starts, strict=True):
            key = self.cache.key(job)
            chunks[key] = self.chunks.get(key) or chunk_pages(key, laid.pdf.data, start, laid.pages)
        for key, pages in self.chunks.items():
            if key not in chunks and pages:
                pages[0].chunk.close()
        self.chunks = chunks
        return [page for pages in chunks.values() for page in pages]

    def _drain(self) -> None:
        """Wait for the jobs the last update left running (layouts ahead, or those of an
        update that stopped halfway), so that their results do not come back to this one.
        Those of a finished pagination go to the layout cache (all it does with them)."""
        while self.pool.pending:
            try:
                (_, key, job), result = self.pool.next()
            except Exception:  # noqa: BLE001, S112 -- the failure itself was already reported
                continue
            if self.paging is not None and self.paging.finished:
                self.paging.done(key, job, result)


def _is_text(config: Config, path: Path) -> bool:
    """Whether a change to `path` is one of text (content or catalogs), after which the
    preview shows the page that changed; after a change to the layouts or the
    configuration, which usually changes every page, the view stays where it is."""
    return path.is_relative_to(config.content_dir) or path.is_relative_to(config.locales_dir)


def _pages_of(config: Config, paging, changed: list[Path]) -> list[int]:
    """The pages of the profiles whose files changed, where the changed page is looked for first."""
    anchors = paging.anchors()
    starts = sorted(page for name, page in anchors.items() if name.startswith("profile-"))
    profiles_dir = config.content_dir / PROFILES_DIR
    found = []
    for path in changed:
        start = anchors.get(f"profile-{path.stem}") if path.parent == profiles_dir else None
        if start is not None:
            end = next((page for page in starts if page > start), start + 1)
            found += range(start, end)
    return found
