"""What a layout worker is given and gives back: the contract between the pagination (in
the main process) and the engine (in worker processes). Plain, picklable data; nothing
here loads WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Origin, Problem
from ..files import Folder
from .measure import Measurement

# The layout every PDF variant of a build is cut from: the print one, with its bleed.
LAYOUT_VARIANT = "print"


@dataclass(frozen=True)
class LayoutJob:
    """One layout: a whole book, one chunk of a large one, or a proof."""

    html: str
    # The layouts' folder: the only one (with the pinned fonts) the engine reads files from.
    layouts: Folder
    origin: Origin
    # What the PDF is written as (see engine.PDF_VARIANTS).
    variant: str = LAYOUT_VARIANT
    first_page: int = 1
    # False for a layout that only measures a chunk's pages.
    write: bool = True
    # The anchors this chunk links to that other chunks of the book hold.
    book_anchors: frozenset[str] = frozenset()
    # Millimetres of bleed around each page (the print layout's; none for proofs).
    bleed: float = 0.0
    # Written only if no profile in the layout wants a correction (see typeset): a book
    # of one layout, before the typesetting loop has corrected anything.
    settled_only: bool = False


@dataclass(frozen=True)
class Bookmark:
    """An outline entry: its level (CSS `bookmark-level`), label, 0-based page (in its
    layout, then in the joined book) and position in PDF points from the bottom-left."""

    level: int
    label: str
    page: int
    x: float
    y: float
    open: bool = True


@dataclass(frozen=True)
class ChunkPdf:
    data: bytes
    # Anchors the chunk's writer was given only so that it kept links into other chunks;
    # the chunk that really holds them provides their destinations.
    borrowed_anchors: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LaidOut:
    pages: int
    # The page (1-based, in this layout) on which each anchor (an element's id) lands.
    anchors: dict[str, int]
    # The outline entries, their pages 0-based in this layout.
    bookmarks: tuple[Bookmark, ...]
    pdf: ChunkPdf | None
    problems: tuple[Problem, ...]
    # The targets of internal links that this layout does not hold itself.
    outside_links: frozenset[str] = frozenset()
    # What a typesetter sees on the pages (see measure).
    measurement: Measurement | None = None
