"""Pagination: the layouts of one edition, scheduled until every page number is known.

Input: the book plan (`book.plan`) and a way to render a slice of it to HTML. Output:
each slice's final layout and the page it starts on. A book of one layout is laid out
and written in one job. A chunked book is measured first (each chunk on a right-hand
page, and also on a left-hand one when its page count can depend on it), then every
chunk is laid out from the page it starts on, with the contents' page numbers known. If
a chunk then has other pages than measured, the chunks whose first page moved are laid
out again (at most PAGINATION_ROUNDS times). The jobs themselves run on `workers`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import Level, Origin, Problem
from ..files import Folder
from .book import LEFT, RIGHT, BookSlice, first_pages
from .jobs import LaidOut, LayoutJob

# How many times the chunks of a large book are laid out again when a chunk's page count
# turned out other than measured, before the build gives up.
PAGINATION_ROUNDS = 3
# The first page a chunk is measured from, for each side it may start on.
MEASURED_FROM = {RIGHT: 1, LEFT: 2}

# progress(stage, completed, total): how far this edition's layouts are.
LayoutProgress = Callable[..., None]


@dataclass(frozen=True)
class Measure:
    """The first pass: count a chunk's pages when it starts on `side`."""

    chunk: int
    side: int


@dataclass(frozen=True)
class Final:
    """The layout a chunk (or the whole book, chunk 0) is written from."""

    chunk: int


JobKey = Measure | Final


def book_anchors(starts: Sequence[int], layouts: Sequence[LaidOut]) -> dict[str, int]:
    """The page in the book of each anchor, from the chunks' layouts and first pages."""
    return {
        name: start + page - 1
        for start, laid in zip(starts, layouts, strict=True)
        for name, page in laid.anchors.items()
    }


class Pagination:
    """One edition's layouts: `first_jobs()` to begin, then `done(key, result)` for each
    result, which returns the jobs to run next; `finished` once every page is known."""

    def __init__(
        self,
        slices: Sequence[BookSlice],
        contents: Sequence[str],
        render: Callable[[BookSlice], str],
        layouts: Folder,
        origin: Origin,
        progress: LayoutProgress,
        bleed: float = 0.0,
    ):
        self.slices = list(slices)
        self.bleed = bleed
        self.contents = list(contents)
        self.render = render
        self.layouts = layouts
        self.origin = origin
        self.progress = progress
        self.html = [self._render(book) for book in self.slices]
        self.measured: list[dict[int, LaidOut]] = [{} for _ in self.slices]
        self.laid_out: list[LaidOut | None] = [None] * len(self.slices)
        self.starts: list[int] = [1] * len(self.slices)
        self.numbers: dict[str, int] | None = None
        self.measure_jobs = 0
        self.rounds = 0
        self.problems: list[Problem] = []
        self.finished = False

    @property
    def chunked(self) -> bool:
        return len(self.slices) > 1

    @property
    def layouts_done(self) -> list[LaidOut]:
        """The final layouts, in book order (once finished)."""
        return [laid for laid in self.laid_out if laid is not None]

    def anchors(self) -> dict[str, int]:
        """The page in the book of each anchor (once finished)."""
        return book_anchors(self.starts, self.layouts_done)

    def _render(self, book: BookSlice) -> str:
        if self.chunked and book.front and book.page_numbers is None:
            # While measuring, the contents show placeholders as wide as the last page number may be.
            profiles = sum(len(part.profiles) for chunk in self.slices for part in chunk.body)
            placeholder = "8" * len(str(4 * profiles))
            book = book.with_page_numbers(dict.fromkeys(self.contents, placeholder))
        return self.render(book)

    def _job(self, chunk: int, first_page: int, write: bool, anchors: frozenset[str] = frozenset()) -> LayoutJob:
        return LayoutJob(
            self.html[chunk],
            self.layouts,
            self.origin,
            first_page=first_page,
            write=write,
            book_anchors=anchors,
            bleed=self.bleed,
        )

    def first_jobs(self) -> list[tuple[JobKey, LayoutJob]]:
        if not self.chunked:
            self.progress("laying out")
            return [(Final(0), self._job(0, 1, True))]
        jobs: list[tuple[JobKey, LayoutJob]] = []
        for chunk, book in enumerate(self.slices):
            # The first chunk starts on page 1; the last one's count moves no other chunk.
            both = book.sided and 0 < chunk < len(self.slices) - 1
            for side in (RIGHT, LEFT) if both else (RIGHT,):
                jobs.append((Measure(chunk, side), self._job(chunk, MEASURED_FROM[side], False)))
        self.measure_jobs = len(jobs)
        self.progress("counting pages", 0, self.measure_jobs)
        return jobs

    def done(self, key: JobKey, result: LaidOut) -> list[tuple[JobKey, LayoutJob]]:
        match key:
            case Measure(chunk, side):
                return self._measured(chunk, side, result)
            case Final(chunk):
                return self._laid_out(chunk, result)
        raise TypeError(f"not a pagination job: {key!r}")

    def _measured(self, chunk: int, side: int, result: LaidOut) -> list[tuple[JobKey, LayoutJob]]:
        self.measured[chunk][side] = result
        counted = sum(len(sides) for sides in self.measured)
        self.progress("counting pages", counted, self.measure_jobs)
        if counted < self.measure_jobs:
            return []
        starts = first_pages([{side: laid.pages for side, laid in sides.items()} for sides in self.measured])
        layouts = [sides.get(start % 2, sides[RIGHT]) for start, sides in zip(starts, self.measured, strict=True)]
        return self._lay_out_from(starts, book_anchors(starts, layouts), range(len(self.slices)))

    def _laid_out(self, chunk: int, result: LaidOut) -> list[tuple[JobKey, LayoutJob]]:
        self.laid_out[chunk] = result
        done = len(self.layouts_done)
        if self.chunked:
            self.progress("laying out", done, len(self.slices))
        if done < len(self.slices):
            return []
        return self._check_pagination()

    def _lay_out_from(self, starts: list[int], anchors: dict[str, int], chunks) -> list[tuple[JobKey, LayoutJob]]:
        """Jobs laying out `chunks` from their first pages, the contents numbered from `anchors`."""
        numbers = self._contents_numbers(anchors)
        chunks = set(chunks)
        if numbers != self.numbers:
            self.numbers = numbers
            self.html[0] = self._render(self.slices[0].with_page_numbers(numbers))
            chunks.add(0)
        for chunk in chunks:
            self.laid_out[chunk] = None
        self.starts = starts
        self.progress("laying out", len(self.layouts_done), len(self.slices))
        known = frozenset(anchors)
        return [(Final(chunk), self._job(chunk, starts[chunk], True, known)) for chunk in sorted(chunks)]

    def _contents_numbers(self, anchors: dict[str, int]) -> dict[str, int]:
        return {anchor: anchors[anchor] for anchor in self.contents}

    def _check_pagination(self) -> list[tuple[JobKey, LayoutJob]]:
        """Done when every chunk starts where the pages before it end; else lay out again
        the chunks that moved (at most PAGINATION_ROUNDS times)."""
        if self.chunked:
            layouts = self.layouts_done
            starts = first_pages([{RIGHT: laid.pages} for laid in layouts])
            anchors = book_anchors(starts, layouts)
            moved = [chunk for chunk, start in enumerate(starts) if start != self.starts[chunk]]
            if moved or self._contents_numbers(anchors) != self.numbers:
                self.rounds += 1
                if self.rounds <= PAGINATION_ROUNDS:
                    return self._lay_out_from(starts, anchors, moved)
                self.problems.append(
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
