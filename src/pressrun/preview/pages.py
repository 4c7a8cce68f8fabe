"""The preview's pages: each page of an edition's chunk PDFs, cut at the trim as the
screen edition is, as a PNG image and as positioned runs of text (pypdfium2); and which
page of an update looks different from the page of the same number before.

A page is known by an id made from its chunk's layout key and its place in the chunk:
a chunk taken from the layout cache keeps its pages' ids, so the browser keeps their
images. pdfium is not thread-safe, and the web server's threads ask for pages while an
update runs: every call into it holds one lock.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import pypdfium2

# Pixels per PDF point of the images: an A4 page is 893 pixels wide.
IMAGE_SCALE = 1.5
# Pixels per point of the thumbnails compared to find the pages that changed.
SIGNATURE_SCALE = 0.25
# Page images kept rendered: a few screens' worth.
IMAGES_KEPT = 64

_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class Page:
    """A page of the edition: its id, its number in the book, and where it is."""

    id: str
    number: int
    chunk: ChunkDocument = field(compare=False, repr=False)
    index: int
    # Its size once cut at the trim, in PDF points.
    width: float
    height: float


class ChunkDocument:
    """One chunk's PDF, opened when a page of it is first needed, closed when the
    preview no longer shows it (opened again if a late request still asks)."""

    def __init__(self, key: str, data: bytes):
        self.key = key
        self.data = data
        self._document: pypdfium2.PdfDocument | None = None

    @contextmanager
    def page(self, index: int) -> Iterator[pypdfium2.PdfPage]:
        """The page, for the time the pdfium lock is held. Pages and documents are
        closed explicitly, so that no garbage collection calls pdfium from another thread."""
        with _PDFIUM:
            if self._document is None:
                self._document = pypdfium2.PdfDocument(self.data)
            page = self._document[index]
            try:
                yield page
            finally:
                page.close()

    def close(self) -> None:
        with _PDFIUM:
            if self._document is not None:
                self._document.close()
                self._document = None


def _trim(page: pypdfium2.PdfPage) -> tuple[float, float, float, float]:
    """What to cut from each side (left, bottom, right, top) to keep the trimmed page."""
    box, trim = page.get_mediabox(), page.get_trimbox()
    return trim[0] - box[0], trim[1] - box[1], box[2] - trim[2], box[3] - trim[3]


def chunk_pages(key: str, data: bytes, first_number: int, count: int) -> list[Page]:
    """The pages of a chunk's PDF, numbered from `first_number`."""
    chunk = ChunkDocument(key, data)
    pages = []
    for index in range(count):
        with chunk.page(index) as page:
            left, bottom, right, top = _trim(page)
            width, height = page.get_size()
        page_id = hashlib.sha256(f"{key}:{index}".encode()).hexdigest()[:16]
        pages.append(Page(page_id, first_number + index, chunk, index, width - left - right, height - bottom - top))
    return pages


class PageImages:
    """PNG images, texts and look signatures of pages, made when first asked for and kept
    for a while (images) or as long as the page may be compared (signatures)."""

    def __init__(self) -> None:
        self.images: OrderedDict[str, bytes] = OrderedDict()
        self.signatures: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def png(self, page: Page) -> bytes:
        with self.lock:
            if page.id in self.images:
                self.images.move_to_end(page.id)
                return self.images[page.id]
        with page.chunk.page(page.index) as pdf_page:
            image = pdf_page.render(scale=IMAGE_SCALE, crop=_trim(pdf_page)).to_pil()
        output = io.BytesIO()
        # The fastest compression: the image goes to a browser on the same machine.
        image.save(output, "PNG", compress_level=1)
        data = output.getvalue()
        with self.lock:
            self.images[page.id] = data
            while len(self.images) > IMAGES_KEPT:
                self.images.popitem(last=False)
        return data

    def text(self, page: Page) -> list[dict[str, object]]:
        """The page's runs of text with their boxes, as fractions of the trimmed page."""
        with page.chunk.page(page.index) as pdf_page:
            left, bottom, _, _ = _trim(pdf_page)
            textpage = pdf_page.get_textpage()
            runs = []
            for index in range(textpage.count_rects()):
                x0, y0, x1, y1 = textpage.get_rect(index)
                text = textpage.get_text_bounded(x0, y0, x1, y1).replace("\x02", "").replace("\r", "")
                if text.strip():
                    runs.append(
                        {
                            "text": text,
                            "x": round((x0 - left) / page.width, 5),
                            "y": round(1 - (y1 - bottom) / page.height, 5),
                            "w": round((x1 - x0) / page.width, 5),
                            "h": round((y1 - y0) / page.height, 5),
                        }
                    )
            textpage.close()
        return runs

    def signature(self, page: Page) -> bytes:
        """What the page looks like, small: its text and a thumbnail's pixels."""
        if page.id not in self.signatures:
            with page.chunk.page(page.index) as pdf_page:
                thumbnail = pdf_page.render(scale=SIGNATURE_SCALE, crop=_trim(pdf_page)).to_pil().tobytes()
                textpage = pdf_page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
            self.signatures[page.id] = hashlib.sha256(text.encode() + b"\0" + thumbnail).digest()
        return self.signatures[page.id]

    def forget_except(self, pages: Iterable[Page]) -> None:
        """Keep signatures only for `pages` (the ones the next update is compared with)."""
        kept = {page.id for page in pages}
        self.signatures = {page_id: value for page_id, value in self.signatures.items() if page_id in kept}


def first_changed(
    before: Sequence[Page], after: Sequence[Page], images: PageImages, first_look: Iterable[int] = ()
) -> int | None:
    """The number of the first page of `after` that looks different from the page of the
    same number in `before` (or is new), looking first at the numbers in `first_look`.
    Pages with the same id are the same page; only the others are compared."""
    old = {page.number: page for page in before}
    new = {page.number: page for page in after}
    order = [number for number in first_look if number in new] + sorted(new)
    for number in order:
        page, previous = new[number], old.get(number)
        if previous is None:
            return number
        if page.id != previous.id and images.signature(page) != images.signature(previous):
            return number
    return None
