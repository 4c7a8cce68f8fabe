"""The engine: a layout job's HTML in, laid-out pages and PDF bytes out (WeasyPrint).

Runs in the layout workers (builds) or in the main process (proofs), through the one
function `lay_out`. WeasyPrint only reads the layouts' files and the pinned font files,
and nothing from the network; its log records become problems of the edition. The PDF
is written uncompressed, then finished for assistive technology and compressed by
pikepdf (`assemble.finished`): the engine's own compression, at zlib's slowest level,
took a third of the writing time.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import mimetypes
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import Origin, Problem, Problems, ProblemsFound, fail
from ..files import Folder, cannot_write
from .assemble import finished
from .fonts import FONT_FILES, fonts_confined
from .jobs import LAYOUT_VARIANT, Bookmark, ChunkPdf, LaidOut, LayoutJob
from .measure import decorated, measure, natural_end
from .typeset import Typesetting

# PDF points per CSS pixel (72 per inch against 96).
PT_PER_PX = 0.75


# What each configured variant asks of WeasyPrint.
PDF_VARIANTS = {
    # The layout both PDFs are made from: PDF/X-4 with the configured bleed (see page_rules),
    # made ready for the press by `press`; tagged too, so that the screen variant can be
    # cut from it (see screen_from_print).
    "print": {"pdf_variant": "pdf/x-4", "pdf_tags": True},
    # For screens: tagged for accessibility.
    "screen": {"pdf_variant": "pdf/ua-1"},
    # For proofreading: like the screen variant, with the proof marks of layouts/pdf/proof.css.
    "proof": {"pdf_variant": "pdf/ua-1"},
}


class ConfinedFetcher(URLFetcher):
    """Serves `file:` URLs of the allowed files, or of files in the allowed folders (read
    through their boundary: a link out of them is refused too), and `data:` URLs; refuses
    the rest."""

    def __init__(self, allowed: Iterable[Folder]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = list(allowed)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file":
            raise ValueError(f"refused to fetch {url}: only files of the project are read")
        path = Path(unquote(parts.path))
        folder = next((f for f in self.allowed if Path(os.path.normpath(path)).is_relative_to(f.path)), None)
        if folder is None:
            raise ValueError(f"refused to read {path}: not a file of the layouts or a pinned font")
        try:
            data = folder.read_bytes(path)
        except ProblemsFound as error:
            raise ValueError("; ".join(str(problem) for problem in error.problems)) from error
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), data, {"Content-Type": mime})


class PackageFetcher(URLFetcher):
    """Serves the files of a package kept in memory (an EPUB's stylesheet and images), by
    their path under `base`; refuses the rest."""

    def __init__(self, base: Path, files: dict[str, bytes]):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)
        self.base = base.resolve()
        self.files = files

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        name = path.relative_to(self.base).as_posix() if path and path.is_relative_to(self.base) else None
        if name not in self.files:
            raise ValueError(f"refused to fetch {url}: not a file of the package")
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), self.files[name], {"Content-Type": mime})


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def engine_warnings(origin: Origin, problems: Problems) -> Iterator[None]:
    """Turn WeasyPrint's warnings and errors, logged while the block runs, into problems."""
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    previous_propagate = logger.propagate
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(collector)
        logger.propagate = previous_propagate
        for record in collector.records:
            message = " ".join(record.getMessage().split())
            problems.warning(origin, "engine", f"WeasyPrint: {message}")


def _finisher(digest: str):
    """A WeasyPrint finisher that replaces the random XMP document id with one derived from
    the document, so that the same input gives the same bytes, and tells viewers that a
    right-to-left book's pages progress from right to left (a spread shows the first page
    on the right)."""

    def finish(document, pdf: pydyf.PDF) -> None:
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
                obj.stream = [
                    re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{digest[:36]}".encode(), part)
                    if isinstance(part, bytes)
                    else part
                    for part in obj.stream
                ]
        if document.pages and document.pages[0]._page_box.style["direction"] == "rtl":
            preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
            preferences["Direction"] = "/R2L"
            pdf.catalog["ViewerPreferences"] = preferences

    return finish


def start_rules(first_page: int) -> str:
    """CSS that makes a chunk of a book begin at `first_page`: the folio counter starts
    there, and an even page is a verso (a left-hand page left to right, a right-hand one
    right to left)."""
    rules = [] if first_page == 1 else [f"@page :first {{ counter-reset: page {first_page} }}"]
    if first_page % 2 == 0:
        rules.append("html { break-before: verso }")
    return "\n".join(rules)


def page_rules(job: LayoutJob) -> str:
    """CSS the toolkit adds to the layouts' own: where the job's first page starts and,
    for the print layout, the configured bleed. The bleed is `!important` so that the
    configuration, not a stylesheet, decides it; the marks are drawn after layout
    (`press`), outside the bleed, where WeasyPrint cannot put them."""
    rules = [start_rules(job.first_page)]
    if job.variant == LAYOUT_VARIANT:
        rules.append(f"@page {{ bleed: {job.bleed:g}mm !important; marks: none !important }}")
    return "\n".join(rule for rule in rules if rule)


def _require_confined_fonts() -> None:
    if not fonts_confined():
        raise RuntimeError("fontconfig is not confined to the pinned fonts: call fonts.confine_fonts first")


def _laid_out_document(job: LayoutJob):
    """WeasyPrint's laid-out document for the job (relative links resolve against the
    layouts' `pdf/` folder), its first page numbered as the job says, and the engine's
    warnings as problems."""
    _require_confined_fonts()
    from weasyprint import CSS, HTML

    problems = Problems()
    # Each pinned font file is allowed alone: Debian's font folder holds every Noto font.
    fetcher = ConfinedFetcher([job.layouts, *(Folder(font, font.parent) for font in FONT_FILES)])
    base_url = (job.layouts.path / "pdf").as_uri() + "/"
    with engine_warnings(job.origin, problems):
        rules = page_rules(job)
        document = HTML(string=job.html, base_url=base_url, url_fetcher=fetcher).render(
            stylesheets=[CSS(string=rules)] if rules else None
        )
    return document, problems


def inspect_package_document(html: str, base: Path, files: dict[str, bytes], inspect) -> list[Problem]:
    """What `inspect(pages)` finds in the boxes of one document of a package kept in
    memory (an EPUB's XHTML, laid out with its own stylesheet and images: `files`, by
    their path under `base`). Nothing is written; the engine's warnings are not kept, as
    the document's stylesheet is written for reading systems, not for this engine."""
    _require_confined_fonts()
    from weasyprint import HTML

    with engine_warnings(Origin(""), Problems()):
        document = HTML(string=html, base_url=base.resolve().as_uri() + "/", url_fetcher=PackageFetcher(base, files))
        return list(inspect(document.render().pages))


def anchor_pages(document) -> dict[str, int]:
    """The page number on which each anchor (an element's id) lands."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def lay_out(job: LayoutJob, inspect: Callable[[list], Iterable[Problem]] | None = None) -> LaidOut:
    """Lay out one job's HTML and, unless it only measures, write it as its variant.
    `inspect(pages)` may look at the laid-out boxes (the proof's layout checks) and add
    what it finds to the problems. The engine writes temporary files (its copies of the
    fonts): a disk that cannot take them is an error of the job, not a crash."""
    try:
        return _lay_out(job, inspect)
    except OSError as error:
        raise fail(
            job.origin, "cannot-write", f"the engine cannot write its temporary files: {cannot_write(error)}"
        ) from error


def _lay_out(job: LayoutJob, inspect: Callable[[list], Iterable[Problem]] | None) -> LaidOut:
    document, problems = _laid_out_document(job)
    end_decorations_with_text(document.pages)
    measurement = measure(document.pages)
    if inspect is not None:
        problems.extend(inspect(document.pages))
    bookmarks = tuple(
        Bookmark(level, label, index, x * PT_PER_PX, (page.height - y) * PT_PER_PX, state != "closed")
        for index, page in enumerate(document.pages)
        for level, label, (x, y), state in page.bookmarks
    )
    anchors = anchor_pages(document)
    outside = frozenset(
        target
        for page in document.pages
        for kind, target, _, _ in page.links
        if kind == "internal" and target not in anchors
    )
    chunk = None
    if job.write and not (job.settled_only and Typesetting().wanted(measurement)):
        borrowed = _borrow_anchors(document, outside & job.book_anchors)
        # The PDF's identifiers come from what it is made of, so that the same job gives the same bytes.
        digest = hashlib.sha256(f"{job.first_page}:{job.html}".encode()).hexdigest()
        data, written = write_document(document, job.variant, digest, job.origin)
        problems.extend(written.items)
        chunk = ChunkPdf(data, borrowed)
    return LaidOut(len(document.pages), anchors, bookmarks, chunk, tuple(problems.items), outside, measurement)


def end_decorations_with_text(pages) -> None:
    """Shorten each decorated box that goes on over the next page to end with its text.
    The engine stretches such a box to the foot of its page (CSS Fragmentation's box
    splitting), so that a quotation's rule or a tint runs on below its last line when
    the lines after it moved over; a box with a background image is left as it is."""
    from weasyprint.layout.background import layout_box_backgrounds

    for page in pages:
        for box in _decorated_boxes(page._page_box):
            bottom, margin = natural_end(box)
            height = bottom + (margin if box.padding_bottom or box.border_bottom_width else 0) - box.content_box_y()
            if height < box.height and all(image == ("none", None) for image in box.style["background_image"]):
                box.height = height
                layout_box_backgrounds(page._page_box, box, lambda **_: None, layout_children=False)


def _decorated_boxes(box):
    for child in getattr(box, "children", ()):
        if decorated(child):
            yield child
        yield from _decorated_boxes(child)


def _borrow_anchors(document, borrowed: frozenset[str]) -> frozenset[str]:
    """Give the document a stand-in anchor for each internal link whose target is laid out
    in another chunk of the book (`borrowed`), so that the writer keeps the link (as a
    named destination, which the joined book resolves) instead of dropping it. A link to
    an anchor the book does not have is left for the engine to report."""
    present = {anchor for page in document.pages for anchor in page.anchors}
    for page in document.pages:
        for kind, target, _, _ in page.links:
            if kind == "internal" and target not in present and target in borrowed:
                page.anchors[target] = (0, 0, 0, 0)
                present.add(target)
    return borrowed


@contextmanager
def _fonts_dated_as(document) -> Iterator[None]:
    """WeasyPrint makes a static font of each weight it uses of a variable font with
    fontTools, which dates that font by the clock unless SOURCE_DATE_EPOCH is set: while
    the document is written, the fonts are dated as the document is, so that the same
    input gives the same bytes."""
    created = datetime.datetime.fromisoformat(document.metadata.created.replace("Z", "+00:00"))
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(created.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def write_document(document, variant: str, digest: str, origin: Origin) -> tuple[bytes, Problems]:
    """PDF bytes of a laid-out document, as `variant` asks (see PDF_VARIANTS)."""
    problems = Problems()
    with engine_warnings(origin, problems), _fonts_dated_as(document):
        data = document.write_pdf(
            finisher=_finisher(digest),
            pdf_identifier=digest[:32].encode(),
            uncompressed_pdf=True,
            **PDF_VARIANTS[variant],
        )
    return finished(data), problems
