"""Layout problems found in WeasyPrint's laid-out document: text overflowing its line or
the page area, headings left alone at the foot of a page, glyphs missing from the pinned
fonts, and profiles running over their page budget. Input: the document's pages (and
the pages of each profile); output: findings with page numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from fontTools.ttLib import TTFont

from .findings import Finding
from .fonts import FONT_DIR

# A tolerance, in CSS pixels, for rounding in the engine's positions.
EPSILON = 1.0
HEADINGS = ("h1", "h2", "h3", "h4")
FACES = {(300, "normal"): "Light", (400, "normal"): "Regular", (400, "italic"): "It", (600, "normal"): "Semibold"}
FACES |= {(600, "italic"): "SemiboldIt", (700, "normal"): "Bold", (700, "italic"): "BoldIt", (900, "normal"): "Black"}
# Characters the engine handles without drawing a glyph.
INVISIBLE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\n", "\t"}


@cache
def _cmap(face: str) -> frozenset[int]:
    return frozenset(TTFont(FONT_DIR / f"SourceSansPro-{face}.ttf").getBestCmap())


def _face(style) -> str:
    weight = min(FACES, key=lambda key: (key[1] != style["font_style"], abs(key[0] - style["font_weight"])))
    return FACES[weight]


def _walk(box, ancestors: tuple = ()) -> Iterator[tuple[object, tuple]]:
    """Every box under `box` (which is not itself yielded) with its ancestors, leaving out
    margin boxes and boxes taken out of the flow (the proof stamp, the cover's text)."""
    for child in getattr(box, "children", ()):
        name = type(child).__name__
        if name == "MarginBox":
            continue
        yield child, ancestors
        yield from _walk(child, (*ancestors, child))


def _snippet(box) -> str:
    text = " ".join(getattr(box, "text", "").split())
    return text if len(text) <= 50 else text[:49] + "…"


def overflows(pages, edition: str) -> Iterator[Finding]:
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
                        yield Finding(
                            edition, "overflow", "error", "", f"text runs past its line: “{_text_of(child)}”", number
                        )
            elif (
                name == "TextBox"
                and not any(_out_of_flow(a) for a in ancestors)
                and (
                    box.position_y + box.margin_height() > bottom + EPSILON
                    or box.position_x + box.margin_width() > right + EPSILON
                )
            ):
                yield Finding(
                    edition, "overflow", "error", "", f"text outside the page area: “{_snippet(box)}”", number
                )


def _out_of_flow(box) -> bool:
    style = getattr(box, "style", None)
    return bool(style) and (style["position"] in ("absolute", "fixed") or type(box).__name__ == "FootnoteAreaBox")


def _text_of(box) -> str:
    if hasattr(box, "text"):
        return _snippet(box)
    return " ".join(_snippet(child) for child, _ in _walk(box) if hasattr(child, "text"))[:50]


def lonely_headings(pages, edition: str) -> Iterator[Finding]:
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
            yield Finding(
                edition,
                "lonely-heading",
                "warning",
                "",
                f"heading “{_snippet(box)}” alone at the foot of the page",
                number,
            )


def missing_glyphs(pages, edition: str) -> Iterator[Finding]:
    reported: set[tuple[int, str]] = set()
    for number, page in enumerate(pages, start=1):
        for box, _ in _walk(page._page_box):
            if type(box).__name__ != "TextBox":
                continue
            face = _face(box.style)
            for char in box.text:
                if char not in INVISIBLE and ord(char) not in _cmap(face) and (number, char) not in reported:
                    reported.add((number, char))
                    yield Finding(
                        edition,
                        "missing-glyph",
                        "error",
                        "",
                        f"U+{ord(char):04X} “{char}” is not in Source Sans Pro {face} (in “{_snippet(box)}”)",
                        number,
                    )


def page_budget(spans: dict[str, tuple[int, int, str]], budget: int, edition: str) -> Iterator[Finding]:
    """`spans`: profile id -> (first page, last page, location of its file)."""
    for profile_id, (first, last, location) in spans.items():
        count = last - first + 1
        if count > budget:
            yield Finding(
                edition,
                "page-budget",
                "warning",
                location,
                f"{profile_id} runs over {count} pages ({first}–{last}); the budget is {budget}",
                first,
            )


def check_layout(pages, edition: str) -> list[Finding]:
    return [*overflows(pages, edition), *lonely_headings(pages, edition), *missing_glyphs(pages, edition)]
