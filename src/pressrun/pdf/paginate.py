"""Pagination: the layouts of one edition, scheduled until every page number is known
and every profile is set as well as the typesetting loop can set it.

Input: the book plan (`book.plan`), a way to render a slice of it to HTML, and the
layout cache. Output: each slice's final layout and the page it starts on.

A book of one layout is laid out and written in one job. A chunk of a larger book can be
laid out for good once its first page is known, that is once every chunk before it is
counted; the front matter (chunk 0, with the contents) once every chunk is. So the chunks
are laid out in order, each from the page the ones before it end on, and a chunk's count
is taken from the cache whenever the same chunk was laid out before from a page of the
same side. After a change to one profile only its chunk is laid out again; the chunks
after it follow only if its page count changed, and the front matter only if a number
in the contents did. Workers that would otherwise wait measure the chunks ahead (spare
jobs), so that in a cold build several chunks can be laid out at once. A chunk whose
page count can depend on the side it starts on (it holds a part's opening or the back
cover) is measured from both sides.

When a chunk ends up with other pages than counted (the contents' real numbers may take
more room than their placeholders), the chunks after it are laid out again, each at most
PAGINATION_ROUNDS more times. The jobs themselves run on `workers`.

The typesetting loop: every layout is measured (`measure`); the profiles of a chunk that
a correction would improve (`typeset`) and that were never corrected are laid out
together, without the rest of the chunk, each with its corrected setting (a trial); a
profile leaves the trial when it needs no more correction or has had MAX_CORRECTIONS,
and once none is left the chunk is rendered again with the settings found; what was
known of that chunk is forgotten. One layout for the profiles a chunk is correcting,
rather than one per profile, saves the engine's start on every document. A profile's
setting depends on its own layouts only, and a profile lays out the same alone, beside
others, in a chunk or in the whole book (it starts on a new page, and rectos and versos
have the same text width), so that a chunked book gets the settings, and the pages, of
one layout, whatever the trials held. A layout of profiles none of which was corrected
yet is written only if none wants a correction.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote

from ..errors import Level, Origin, Problem
from ..files import Folder
from .book import RECTO, VERSO, BookSlice
from .cache import LayoutCache
from .jobs import LAYOUT_VARIANT, LaidOut, LayoutJob
from .typeset import Setting, Typesetting

# How many more times a chunk may be laid out when the pages before it keep changing,
# before the build gives up.
PAGINATION_ROUNDS = 3
# The first page a chunk is measured from, for each side it may start on.
MEASURED_FROM = {RECTO: 1, VERSO: 2}

# progress(stage, completed, total): how far this edition's layouts are.
LayoutProgress = Callable[..., None]

_IDS = re.compile(r'\sid="([^"]+)"')
_LINKS = re.compile(r'\shref="#([^"]*)"')


@dataclass(frozen=True)
class Measure:
    """Count a chunk's pages when it starts on `side`."""

    chunk: int
    side: int


@dataclass(frozen=True)
class Final:
    """The layout a chunk (or the whole book, chunk 0) is written from."""

    chunk: int
    first_page: int


@dataclass(frozen=True)
class Trial:
    """The `round`-th layout of the profiles chunk `chunk` is correcting, each with its
    latest setting, to see which need more."""

    chunk: int
    round: int


@dataclass(frozen=True)
class Ahead:
    """The final layout of chunk `chunk` with the settings its profiles ended with in the
    run before (the preview's previous update), laid out by a worker that would otherwise
    wait while the typesetting loop measures and tries the chunk: when the loop ends on the
    same settings, the final layout it wants is that one, and is taken from the cache."""

    chunk: int


JobKey = Measure | Final | Trial | Ahead
Scheduled = tuple[JobKey, LayoutJob]


def book_anchors(starts: Sequence[int], layouts: Sequence[LaidOut]) -> dict[str, int]:
    """The page in the book of each anchor, from the chunks' layouts and first pages."""
    return {
        name: start + page - 1
        for start, laid in zip(starts, layouts, strict=True)
        for name, page in laid.anchors.items()
    }


def _borrowed(html: Sequence[str]) -> list[frozenset[str]]:
    """For each chunk, the targets of its links that another chunk's HTML holds (checked
    against the layouts once they are done)."""
    ids = [{unescape(name) for name in _IDS.findall(text)} for text in html]
    every = set().union(*ids)
    return [
        frozenset({unquote(unescape(target)) for target in _LINKS.findall(text)} - own) & every
        for text, own in zip(html, ids, strict=True)
    ]


class Pagination:
    """One edition's layouts: `next_job()` gives the job to run, `done()` takes its result;
    `finished` once every page is known. Jobs found in the cache are taken from it."""

    def __init__(
        self,
        slices: Sequence[BookSlice],
        contents: Sequence[str],
        render: Callable[[BookSlice], str],
        layouts: Folder,
        origin: Origin,
        progress: LayoutProgress,
        variant: str = LAYOUT_VARIANT,
        bleed: float = 0.0,
        cache: LayoutCache | None = None,
        hints: Mapping[str, Setting] | None = None,
    ):
        self.slices = list(slices)
        self.variant = variant
        self.bleed = bleed
        self.contents = list(contents)
        self.render = render
        self.layouts = layouts
        self.origin = origin
        self.progress = progress
        self.cache = cache
        self.typesetting = Typesetting()
        # The settings the run before ended with (the preview's previous update); each
        # chunk's layout ahead with them, or None once there is none to run; those running.
        self.hints = hints if cache is not None else None
        self.ahead: dict[int, Scheduled | None] = {}
        self.running_ahead: dict[Ahead, LayoutJob] = {}
        self.chunk_of = {key: chunk for chunk, book in enumerate(self.slices) for key in book.settable}
        # The trial each chunk correcting profiles needs now, and the profiles it holds.
        self.trials: dict[int, tuple[Trial, LayoutJob]] = {}
        self.correcting: dict[int, frozenset[str]] = {}
        self.rounds = [0] * len(self.slices)
        # Chunk 0's HTML shows placeholders in the contents until the numbers are known.
        self.html = [self._render(book) for book in self.slices]
        self.borrowed = _borrowed(self.html) if self.chunked else [frozenset()]
        # The front matter with the contents' numbers: (numbers, chunk 0's HTML it was made from, HTML).
        self.front: tuple[dict[str, int], str, str] | None = None
        # Each chunk's measures (first page, layout) by side, and its latest final layout.
        self.measured: list[dict[int, tuple[int, LaidOut]]] = [{} for _ in self.slices]
        self.final: list[tuple[LayoutJob, LaidOut] | None] = [None] * len(self.slices)
        self.finals = [0] * len(self.slices)
        self.running: set[JobKey] = set()
        self.problems: list[Problem] = []
        self.finished = False
        self.starts: list[int] = []

    @property
    def chunked(self) -> bool:
        return len(self.slices) > 1

    @property
    def layouts_done(self) -> list[LaidOut]:
        """The final layouts, in book order (once finished)."""
        return [final[1] for final in self.final if final is not None]

    def anchors(self) -> dict[str, int]:
        """The page in the book of each anchor (once finished)."""
        return book_anchors(self.starts, self.layouts_done)

    def _render(self, book: BookSlice, settings: Mapping[str, Setting] | None = None) -> str:
        """`book`'s HTML with `settings` (by default, those the loop has found so far)."""
        if self.chunked and book.front and book.page_numbers is None:
            # While measuring, the contents show placeholders as wide as the last page number may be.
            profiles = sum(len(part.profiles) for chunk in self.slices for part in chunk.body)
            placeholder = "8" * len(str(4 * profiles))
            book = book.with_page_numbers(dict.fromkeys(self.contents, placeholder))
        return self.render(book.with_settings(self.typesetting.settings if settings is None else settings))

    # --- what is known ---------------------------------------------------------------

    def _settling(self, chunk: int) -> bool:
        """Whether a profile of `chunk` is being corrected (its layouts would be wasted)."""
        return chunk in self.trials

    def _known(self, chunk: int, side: int) -> LaidOut | None:
        """The chunk's layout (its pages and anchors) when it starts on `side`, if known."""
        if self._settling(chunk):
            return None
        candidates = list(self.measured[chunk].values())
        if self.final[chunk] is not None:
            job, laid = self.final[chunk]
            candidates.insert(0, (job.first_page, laid))
        sided = self.slices[chunk].sided
        return next((laid for first_page, laid in candidates if not sided or first_page % 2 == side), None)

    def _first_pages(self) -> list[int | None]:
        """Each chunk's first page, as far as the counts before it are known."""
        starts: list[int | None] = [1]
        for chunk in range(len(self.slices) - 1):
            start = starts[-1]
            laid = None if start is None else self._known(chunk, start % 2)
            starts.append(None if start is None or laid is None else start + laid.pages)
        return starts

    def _numbers(self, starts: list[int | None]) -> dict[str, int] | None:
        """The contents' page numbers, once every chunk's first page and anchors are known."""
        known = [None if start is None else self._known(chunk, start % 2) for chunk, start in enumerate(starts)]
        if None in known:
            return None
        anchors = book_anchors(starts, known)
        return {anchor: anchors[anchor] for anchor in self.contents}

    # --- the jobs --------------------------------------------------------------------

    def _job(self, chunk: int, html: str, first_page: int, write: bool) -> LayoutJob:
        borrowed = self.borrowed[chunk] if write else frozenset()
        return LayoutJob(
            html,
            self.layouts,
            self.origin,
            variant=self.variant,
            first_page=first_page,
            write=write,
            book_anchors=borrowed,
            bleed=self.bleed,
            # Before any of its profiles is corrected, a layout is written only if it needs
            # no correction: otherwise it is laid out again once corrected, and writing it
            # (fonts instanced and subset, the PDF made) would be wasted.
            settled_only=write and self._uncorrected(chunk),
        )

    def _uncorrected(self, chunk: int) -> bool:
        """Whether none of the chunk's profiles was corrected yet."""
        return not any(key in self.typesetting.corrections for key in self.slices[chunk].settable)

    def _measure(self, chunk: int, side: int) -> Scheduled:
        return Measure(chunk, side), self._job(chunk, self.html[chunk], MEASURED_FROM[side], False)

    def _final(self, chunk: int, first_page: int, html: str) -> Scheduled:
        return Final(chunk, first_page), self._job(chunk, html, first_page, True)

    def _ahead(self, chunk: int, first_page: int) -> Scheduled | None:
        """The layout ahead of chunk `chunk` from `first_page`, once: None when the run
        before corrected none of its profiles (the layout the loop starts with is then the
        final one) or when the cache has it already."""
        if chunk not in self.ahead:
            hinted = {key: self.hints[key] for key in self.slices[chunk].settable if key in self.hints}
            job = None
            if hinted:
                html = self._render(self.slices[chunk], hinted)
                job = dataclasses.replace(self._job(chunk, html, first_page, True), settled_only=False)
            self.ahead[chunk] = None if job is None or self.cache.get(job) is not None else (Ahead(chunk), job)
        return self.ahead[chunk]

    def _front_html(self, numbers: dict[str, int]) -> str:
        if self.front is None or self.front[:2] != (numbers, self.html[0]):
            self.front = numbers, self.html[0], self._render(self.slices[0].with_page_numbers(numbers))
        return self.front[2]

    def _wanted(self) -> tuple[list[Scheduled], list[Scheduled]]:
        """The jobs the book needs now, and the spare ones that let more of it run at once."""
        starts = self._first_pages()
        required: list[Scheduled] = list(self.trials.values())
        spare: list[Scheduled] = []
        for chunk, start in enumerate(starts):
            if self._settling(chunk):
                continue
            if start is None:
                sides = (RECTO, VERSO) if self.slices[chunk].sided else (RECTO,)
                spare += [self._measure(chunk, side) for side in sides if self._known(chunk, side) is None]
            elif chunk == 0 and self.chunked:
                if self._known(0, RECTO) is None:
                    required.append(self._measure(0, RECTO))
            else:
                final = self._final(chunk, start, self.html[chunk])
                required.append(final)
                if self.hints and final[1].settled_only and (ahead := self._ahead(chunk, start)) is not None:
                    spare.insert(0, ahead)
        numbers = self._numbers(starts) if self.chunked else None
        if numbers is not None:
            required.insert(0, self._final(0, 1, self._front_html(numbers)))
        return [job for job in required if not self._is_current(*job)], spare

    def _is_current(self, key: JobKey, job: LayoutJob) -> bool:
        if isinstance(key, Trial):
            return False
        final = self.final[key.chunk]
        return isinstance(key, Final) and final is not None and final[0] == job

    def next_job(self, spare: bool = False) -> Scheduled | None:
        """The next job to run (with `spare`, a measure ahead when nothing is needed now),
        or None when none is to run at the moment."""
        while not self.finished:
            required, ahead = self._wanted()
            # A job already running as a layout ahead is waited for, not run twice.
            candidates = [
                (key, job)
                for key, job in required + (ahead if spare else [])
                if key not in self.running and job not in self.running_ahead.values()
            ]
            if self._take_cached([(key, job) for key, job in required + ahead if not isinstance(key, Ahead)]):
                continue
            if not required:
                self._check_links()
                continue
            unsettled = [
                key.chunk
                for key, _ in required
                if isinstance(key, Final) and self.finals[key.chunk] > PAGINATION_ROUNDS
            ]
            if unsettled:
                self._give_up()
                return None
            if candidates:
                key, job = candidates[0]
                self.running.add(key)
                if isinstance(key, Ahead):
                    self.running_ahead[key] = job
                    self.ahead[key.chunk] = None
                return key, job
            return None
        return None

    def _take_cached(self, wanted: list[Scheduled]) -> bool:
        for key, job in wanted:
            laid = self.cache.get(job) if self.cache is not None and key not in self.running else None
            if laid is not None:
                self._record(key, job, laid)
                return True
        return False

    def done(self, key: JobKey, job: LayoutJob, result: LaidOut) -> None:
        """Take a job's result (after the book is finished, a spare measure's result only
        goes to the cache)."""
        self.running.discard(key)
        self.running_ahead.pop(key, None)
        if self.cache is not None:
            self.cache.put(job, result)
            if isinstance(key, Final) and key.chunk > 0:
                # The count a later build needs before laying this chunk out: it is the measure's.
                side = key.first_page % 2
                self.cache.put(self._measure(key.chunk, side)[1], dataclasses.replace(result, pdf=None))
        if not self.finished:
            self._record(key, job, result)

    def _record(self, key: JobKey, job: LayoutJob, result: LaidOut) -> None:
        match key:
            case Trial(chunk, _):
                if chunk in self.trials and self.trials[chunk][0] == key:
                    self._tried(chunk, result)
                return
            case Measure(chunk, side) if job.html == self.html[chunk]:
                self.measured[chunk][side] = (job.first_page, result)
            case Final(chunk, _) if job.html == self.html[chunk] or (chunk == 0 and self.chunked):
                if job.settled_only and result.pdf is None and self._wants_correction(result):
                    self._correct(result)  # laid out, not written: it wants corrections
                    return
                self.final[chunk] = (job, result)
                self.finals[chunk] += 1
            case _:  # laid out from HTML that corrections have changed since
                return
        self._correct(result)
        done = sum(final is not None for final in self.final)
        self.progress("laying out", done, len(self.slices))

    # --- the typesetting loop ----------------------------------------------------------

    def _wants_correction(self, result: LaidOut) -> bool:
        return result.measurement is not None and bool(self.typesetting.wanted(result.measurement))

    def _correct(self, result: LaidOut) -> None:
        """Trials of the profiles of `result` that a correction would improve and that
        were never corrected, with those their chunks are correcting already."""
        wanted = self.typesetting.wanted(result.measurement) if result.measurement else {}
        lost = (
            {flaw.profile for flaw in result.measurement.flaws if flaw.code == "lost"} if result.measurement else set()
        )
        joining: dict[int, set[str]] = {}
        for profile, setting in wanted.items():
            if profile not in self.chunk_of:
                continue
            chunk = self.chunk_of[profile]
            if profile not in self.typesetting.corrections:
                self.typesetting = self.typesetting.with_setting(profile, setting)
                joining.setdefault(chunk, set()).add(profile)
            elif profile in lost and profile not in self.correcting.get(chunk, ()):
                # Set alone, the profile kept the block the engine dropped here: the
                # correction is made where the block was lost, without a trial.
                self.typesetting = self.typesetting.with_setting(profile, setting)
                self._render_again(chunk)
        for chunk, profiles in joining.items():
            self._try(chunk, profiles | self.correcting.get(chunk, frozenset()))

    def _try(self, chunk: int, profiles: Collection[str]) -> None:
        """Lay `profiles` of `chunk` out together with their latest settings."""
        self.rounds[chunk] += 1
        html = self._render(self.slices[chunk].only(profiles))
        job = LayoutJob(html, self.layouts, self.origin, variant=self.variant, write=False, bleed=self.bleed)
        self.trials[chunk] = Trial(chunk, self.rounds[chunk]), job
        self.correcting[chunk] = frozenset(profiles)
        correcting = sum(len(profiles) for profiles in self.correcting.values())
        self.progress("setting type", len(self.typesetting.corrections) - correcting, len(self.typesetting.corrections))

    def _tried(self, chunk: int, result: LaidOut) -> None:
        """A trial's result: its profiles that want more correction are tried again;
        once none does, the chunk is rendered with the settings found."""
        wanted = self.typesetting.wanted(result.measurement) if result.measurement else {}
        again = {profile for profile in self.correcting[chunk] if profile in wanted}
        for profile in sorted(again):
            self.typesetting = self.typesetting.with_setting(profile, wanted[profile])
        if again:
            self._try(chunk, again)
            return
        del self.trials[chunk], self.correcting[chunk]
        self._render_again(chunk)

    def _render_again(self, chunk: int) -> None:
        """Chunk `chunk` rendered with the settings found; what was known of its old HTML forgotten."""
        html = self._render(self.slices[chunk])
        if html != self.html[chunk]:
            self.html[chunk] = html
            self.measured[chunk] = {}
            self.final[chunk] = None
            self.finals[chunk] = 0

    def _check_links(self) -> None:
        """Done, once each chunk kept exactly the links into other chunks that the book
        holds; a chunk whose HTML misled the guess is laid out again with the right ones."""
        layouts = self.layouts_done
        held = set().union(*(laid.anchors for laid in layouts))
        for chunk, (job, laid) in enumerate(final for final in self.final if final is not None):
            needed = laid.outside_links & held
            if job.book_anchors & laid.outside_links != needed:
                self.borrowed[chunk] = frozenset(needed)
                return
        self.starts = [start or 0 for start in self._first_pages()]
        self.finished = True
        self._report_lost()

    def _report_lost(self) -> None:
        """A block the engine dropped from the final layouts is an error: the book would
        go out without it."""
        for start, laid in zip(self.starts, self.layouts_done, strict=True):
            for flaw in laid.measurement.flaws if laid.measurement else ():
                if flaw.code == "lost":
                    message = f"profile {flaw.profile}: {flaw.message}; shorten the profile"
                    self.problems.append(Problem(Level.ERROR, self.origin, "lost", message, start + flaw.page - 1))

    def _give_up(self) -> None:
        self.problems.append(
            Problem(
                Level.ERROR,
                self.origin,
                "pagination",
                f"the chunks' page counts did not settle after {PAGINATION_ROUNDS} more layouts; "
                "a larger chunk_profiles makes fewer chunks",
            )
        )
        self.starts = [start or 0 for start in self._first_pages()]
        self.finished = True


def lay_out(paginations: Sequence[Pagination], pool) -> Iterator[int]:
    """Run the paginations' jobs on the `pool` of workers (`workers.SerialWorkers` or
    `ParallelWorkers`): the jobs a book needs first, spare ones only for a worker that
    would otherwise wait. Yields each pagination's index as soon as it is finished, while
    the workers go on with the others."""
    reported: set[int] = set()
    while True:
        while pool.pending < pool.size and (scheduled := _next_job(paginations)) is not None:
            index, key, job = scheduled
            pool.submit(job, (index, key, job))
        for index, paging in enumerate(paginations):
            if paging.finished and index not in reported:
                reported.add(index)
                yield index
        if not pool.pending:
            if len(reported) < len(paginations):
                raise RuntimeError("pagination stalled with no job to run")
            return
        (index, key, job), result = pool.next()
        paginations[index].done(key, job, result)


def _next_job(paginations: Sequence[Pagination]) -> tuple[int, JobKey, LayoutJob] | None:
    for spare in (False, True):
        for index, paging in enumerate(paginations):
            scheduled = paging.next_job(spare)
            if scheduled is not None:
                return index, *scheduled
    return None


def lay_out_in_turn(pagination: Pagination, lay_out: Callable[[LayoutJob], LaidOut]) -> None:
    """Run a pagination's jobs one after the other with `lay_out` (in this process)."""
    while (scheduled := pagination.next_job()) is not None:
        key, job = scheduled
        pagination.done(key, job, lay_out(job))
