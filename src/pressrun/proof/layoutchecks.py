"""Layout problems found in WeasyPrint's laid-out document: text overflowing its line or
the page area, headings left alone at the foot of a page, glyphs missing from the pinned
fonts, and profiles running over their page budget. Input: the document's pages (and
the pages of each profile); output: problems with page numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from fontTools.ttLib import TTFont

from ..errors import NOWHERE, Level, Origin, Problem
from ..pdf.fonts import Face, faces_for

# A tolerance, in CSS pixels, for rounding in the engine's positions.
EPSILON = 1.0
HEADINGS = ("h1", "h2", "h3", "h4")
# Characters the engine handles without drawing a glyph.
INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\n", "\t"}


@cache
def _cmap(face: Face) -> frozenset[int]:
    return frozenset(TTFont(face.path).getBestCmap())


def _walk(box, ancestors: tuple = ()) -> Iterator[tuple[object, tuple]]:
    """Every box under `box` (which is not itself yielded) with its ancestors, leaving out
    margin boxes (the running heads, folios and the proof stamp); callers leave out the
    boxes taken out of the flow with `_out_of_flow`."""
    for child in getattr(box, "children", ()):
        name = type(child).__name__
        if name == "MarginBox":
            continue
        yield child, ancestors
        yield from _walk(child, (*ancestors, child))


def _snippet(box) -> str:
    text = " ".join(getattr(box, "text", "").split())
    return text if len(text) <= 50 else text[:49] + "…"


def _error(code: str, message: str, page: int) -> Problem:
    return Problem(Level.ERROR, NOWHERE, code, message, page)


def overflows(pages) -> Iterator[Problem]:
    for number, page in enumerate(pages, start=1):
        page_box = page._page_box
        bottom = page_box.content_box_y() + page_box.height
        right = page_box.content_box_x() + page_box.width
        for box, ancestors in _walk(page_box):
            name = type(box).__name__
            if name == "LineBox":
                limit = box.position_x + box.width
                for child in box.children:
                    if child.position_x + child.margin_width() > limit + EPSILON and _text_of(child):
                        yield _error("overflow", f"text runs past its line: “{_text_of(child)}”", number)
            elif (
                name == "TextBox"
                and not any(_out_of_flow(a) for a in ancestors)
                and (
                    box.position_y + box.margin_height() > bottom + EPSILON
                    or box.position_x + box.margin_width() > right + EPSILON
                )
            ):
                yield _error("overflow", f"text outside the page area: “{_snippet(box)}”", number)


def _out_of_flow(box) -> bool:
    style = getattr(box, "style", None)
    return bool(style) and (style["position"] in ("absolute", "fixed") or type(box).__name__ == "FootnoteAreaBox")


def _text_of(box) -> str:
    if hasattr(box, "text"):
        return _snippet(box)
    return " ".join(_snippet(child) for child, _ in _walk(box) if hasattr(child, "text"))[:50]


def lonely_headings(pages) -> Iterator[Problem]:
    """A heading that is the last text of a page's flow, with text before it on the page."""
    for number, page in enumerate(pages, start=1):
        texts = [
            (box, ancestors)
            for box, ancestors in _walk(page._page_box)
            if type(box).__name__ == "TextBox" and box.text.strip() and not any(_out_of_flow(a) for a in ancestors)
        ]
        if len(texts) < 2:
            continue
        box, ancestors = texts[-1]
        heading = next((a for a in ancestors if getattr(a, "element_tag", None) in HEADINGS), None)
        before = texts[-2][1]
        if heading is not None and heading not in before:
            message = f"heading “{_snippet(box)}” alone at the foot of the page"
            yield Problem(Level.WARNING, NOWHERE, "lonely-heading", message, number)


def missing_glyphs(pages) -> Iterator[Problem]:
    reported: set[tuple[int, str]] = set()
    for number, page in enumerate(pages, start=1):
        for box, _ in _walk(page._page_box):
            if type(box).__name__ != "TextBox":
                continue
            faces = faces_for(tuple(box.style["font_family"]), box.style["font_style"])
            for char in box.text:
                if char in INVISIBLE or (number, char) in reported or any(ord(char) in _cmap(f) for f in faces):
                    continue
                reported.add((number, char))
                names = " or ".join(_face_name(face) for face in faces) or "any pinned font"
                message = f"U+{ord(char):04X} “{char}” is not in {names} (in “{_snippet(box)}”)"
                yield _error("missing-glyph", message, number)


def _face_name(face: Face) -> str:
    return f"{face.family} Italic" if face.style == "italic" else face.family


def page_budget(spans: dict[str, tuple[int, int, Origin]], budget: int) -> Iterator[Problem]:
    """`spans`: profile id -> (first page, last page, where its file is)."""
    for profile_id, (first, last, origin) in spans.items():
        count = last - first + 1
        if count > budget:
            message = f"{profile_id} runs over {count} pages ({first}–{last}); the budget is {budget}"
            yield Problem(Level.WARNING, origin, "page-budget", message, first)


def check_layout(pages) -> list[Problem]:
    return [*overflows(pages), *lonely_headings(pages), *missing_glyphs(pages)]
