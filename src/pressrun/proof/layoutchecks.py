"""Layout problems found in WeasyPrint's laid-out document: text overflowing its line or
the page area, headings left alone at the foot of a page, glyphs missing from the pinned
fonts, colours too pale against what is painted behind them, profiles running over their
page budget, and what a typesetter would have fixed (measured by `pdf.measure`, the
measurement the build's typesetting loop corrects). Input: the document's pages (and the
pages of each profile); output: problems with page numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from xml.etree import ElementTree

from fontTools.ttLib import TTFont
from tinycss2.color4 import parse_color

from ..errors import NOWHERE, Level, Origin, Problem
from ..pdf.fonts import Face, faces_for
from ..pdf.measure import Measurement

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


# WCAG 2.1 AA minimum contrast (1.4.3, 1.4.11): text, large text (18 pt, or 14 pt bold:
# 24 and 18.67 CSS pixels), and graphics that carry meaning (icons, list bullets).
TEXT, LARGE_TEXT, GRAPHICS = 4.5, 3.0, 3.0
LARGE_PX, LARGE_BOLD_PX = 24.0, 18.66
WHITE = (1.0, 1.0, 1.0)
# `src` of an image -> its bytes (None when it is not the layouts' to give).
ImageSource = Callable[[str], bytes | None]


def _rgb(color, behind: tuple[float, float, float]) -> tuple[float, float, float]:
    """A CSS colour as sRGB, blended over `behind` by its alpha. Device CMYK (the print
    variant's) is converted naively: the press profile, not the screen, decides it."""
    if color.space == "device-cmyk":
        c, m, y, k = color.coordinates
        own = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    else:
        own = tuple(color.to("srgb").coordinates)
    alpha = color.alpha
    return tuple(alpha * channel + (1 - alpha) * base for channel, base in zip(own, behind, strict=True))


def _luminance(rgb: tuple[float, float, float]) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)


def _decorative(box) -> bool:
    """Hidden from assistive technology (a watermark, a large decorative quote mark):
    pure decoration, which WCAG exempts from contrast."""
    element = getattr(box, "element", None)
    return element is not None and element.get("aria-hidden") == "true" and box.element_tag == element.tag


def _needed(box) -> tuple[float, str]:
    """The contrast a text box needs, and what it counts as."""
    if not re.search(r"\w", box.text):
        return GRAPHICS, "symbol"  # a bullet, a dash: a graphic drawn with a glyph
    size, weight = box.style["font_size"], box.style["font_weight"]
    if size >= LARGE_PX or (size >= LARGE_BOLD_PX and weight >= 700):
        return LARGE_TEXT, "large text"
    return TEXT, "text"


# SVG elements that paint; what an image's text and shapes are drawn with.
SVG_SHAPES = {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text"}
SVG_NOT_DRAWN = {"title", "desc", "metadata", "defs"}


def _svg_paints(element, fill: str = "black", stroke: str = "none") -> Iterator[tuple[str, object]]:
    """(tag, colour) of every fill and stroke an SVG element and its children paint with,
    their colours inherited as SVG does (fill is black unless told otherwise); paints
    that are not a colour (none, a gradient) are left out."""
    fill, stroke = element.get("fill", fill), element.get("stroke", stroke)
    tag = element.tag.split("}")[-1]
    if tag in SVG_SHAPES:
        colours = (parse_color(paint) for paint in (fill, stroke))
        yield from ((tag, colour) for colour in colours if hasattr(colour, "space"))
    for child in element:
        yield from _svg_paints(child, fill, stroke)


def _svg_colours(data: bytes) -> tuple[list[tuple[str, object]], object | None]:
    """What an SVG image paints with, and the colour of a rectangle it first paints over
    its whole view box (its own background), if it does."""
    root = ElementTree.fromstring(data)
    drawn = [child for child in root if child.tag.split("}")[-1] not in SVG_NOT_DRAWN]
    view = root.get("viewBox", "").split()[2:]
    first = drawn[0] if drawn else None
    if first is not None and first.tag.endswith("rect") and [first.get("width"), first.get("height")] == view:
        background = parse_color(first.get("fill", "black"))
        if hasattr(background, "space"):
            return [paint for child in drawn[1:] for paint in _svg_paints(child)], background
    return list(_svg_paints(root)), None


def _pairs(box, ground: tuple[float, float, float], image_source: ImageSource) -> list[tuple]:
    """(foreground, background, kind, contrast needed, what) for each colour `box` draws
    with: a text's, or an SVG image's (against its own background, if it paints one)."""
    if type(box).__name__ == "TextBox":
        if not box.text.strip():
            return []
        needed, kind = _needed(box)
        return [(_rgb(box.style["color"], ground), ground, kind, needed, _snippet(box))]
    data = _image_data(box, image_source)
    if data is None:
        return []
    paints, own = _svg_colours(data)
    base = _rgb(own, ground) if own else ground
    src = box.element.get("src")
    return [
        (_rgb(paint, base), base, *(("image text", TEXT) if tag == "text" else ("image", GRAPHICS)), src)
        for tag, paint in paints
    ]


def contrast(pages, image_source: ImageSource) -> Iterator[Problem]:
    """Text and images against what is painted behind them (the nearest box with a
    background, else the page's), each pair of colours reported once, at its first page."""
    seen: set[tuple[str, str, str]] = set()
    for number, page in enumerate(pages, start=1):
        page_box = page._page_box
        for box, ground in _painted(page_box, _rgb(page_box.style["background_color"], WHITE)):
            for foreground, background, kind, needed, what in _pairs(box, ground, image_source):
                ratio = contrast_ratio(foreground, background)
                key = (_hex(foreground), _hex(background), kind)
                if ratio < needed and key not in seen:
                    seen.add(key)
                    message = f"{kind} “{what}” in {key[0]} on {key[1]}: contrast {ratio:.2f}:1, below {needed:g}:1"
                    yield _error("contrast", message, number)


def _image_data(box, image_source: ImageSource) -> bytes | None:
    element = getattr(box, "element", None)
    if type(box).__name__ not in ("InlineReplacedBox", "BlockReplacedBox") or element is None:
        return None
    src = element.get("src")
    return image_source(src) if src and src.endswith(".svg") else None


def _painted(box, behind: tuple[float, float, float]) -> Iterator[tuple[object, tuple]]:
    """Every box under `box`, margin boxes included, with the colour painted behind it;
    decoration hidden from assistive technology is left out."""
    for child in getattr(box, "children", ()):
        if _decorative(child):
            continue
        style = getattr(child, "style", None)
        ground = behind
        if style is not None and style["background_color"].alpha > 0 and type(child).__name__ != "TextBox":
            ground = _rgb(style["background_color"], behind)
        yield child, behind
        yield from _painted(child, ground)


def check_layout(pages, image_source: ImageSource) -> list[Problem]:
    return [*overflows(pages), *lonely_headings(pages), *missing_glyphs(pages), *contrast(pages, image_source)]


def typesetting_findings(measurement: Measurement | None, origins: dict[str, Origin]) -> list[Problem]:
    """What the typesetting loop left for a person to look at, each at its page (and at
    its profile's file, from `origins`)."""
    if measurement is None:
        return []
    return [
        Problem(Level.WARNING, origins.get(flaw.profile, NOWHERE), flaw.code, flaw.message, flaw.page)
        for flaw in measurement.flaws
    ]
