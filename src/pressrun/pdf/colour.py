"""Colour in the print PDF: the layouts' palette, the colours a PDF paints, and the
screen colours of the layout rewritten as their CMYK builds.

Input: the layouts' stylesheets and a PDF's content streams. `pdf/style.css` declares
every colour once, as a custom property of `:root`, for screens (sRGB); `pdf/print.css`
gives each its CMYK build (`device-cmyk()`, a custom property of the same name) and names
the press's colour profile (`@color-profile device-cmyk`). Output: the palette; every
colour operator of a PDF with the page it paints on; the print PDF painted in CMYK.

Each edition is laid out once, in the screen colours, and both PDFs are made from that
layout: the screen PDF keeps them, the print PDF gets each colour's build after layout.
(Laying out with the builds instead could not give the screen PDF its colours back: text
and rules share one build, 100 % black, but not one screen colour.) The SVG icons come
out right the same way: WeasyPrint paints them as their files say, in the designer's
screen colours, and their builds replace them. A colour the palette has no build for is
converted through the press profile, and reported.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import pikepdf
import tinycss2
from pikepdf import Array, Name
from tinycss2.color5 import parse_color

from ..files import Folder

SCREEN_STYLESHEET = "pdf/style.css"
PRINT_STYLESHEET = "pdf/print.css"

# A screen colour as eight-bit sRGB; a print colour as four fractions of ink.
Rgb = tuple[int, int, int]
Cmyk = tuple[float, float, float, float]

DEVICE_SPACES = {
    "/DeviceRGB": "rgb",
    "/DeviceCMYK": "cmyk",
    "/DeviceGray": "gray",
    "/Pattern": "pattern",
    # Inline images' abbreviations.
    "/RGB": "rgb",
    "/CMYK": "cmyk",
    "/G": "gray",
}
SPACE_FAMILIES = {
    "/CalRGB": "calrgb",
    "/CalGray": "calgray",
    "/Lab": "lab",
    "/Separation": "separation",
    "/DeviceN": "devicen",
    "/Indexed": "indexed",
    "/Pattern": "pattern",
}
ICC_FAMILIES = {1: "icc-gray", 3: "icc-rgb", 4: "icc-cmyk"}
# Operators that set a colour: (stroke?, the space they set, or None for the current one).
COLOUR_OPERATORS = {
    "g": (False, "gray"),
    "G": (True, "gray"),
    "rg": (False, "rgb"),
    "RG": (True, "rgb"),
    "k": (False, "cmyk"),
    "K": (True, "cmyk"),
    "sc": (False, None),
    "scn": (False, None),
    "SC": (True, None),
    "SCN": (True, None),
}


def rgb_key(values) -> Rgb:
    return tuple(round(float(value) * 255) for value in values)


def cmyk_key(values) -> Cmyk:
    return tuple(round(float(value), 4) for value in values)


@dataclass(frozen=True)
class Declared:
    """Something a stylesheet says that is not a colour of the palette, where it says it."""

    line: int
    column: int
    what: str


@dataclass(frozen=True)
class Palette:
    """The layouts' colours by custom property, on screen (sRGB) and in print (CMYK); the
    press profile print.css names; and what print.css holds besides (which is not read)."""

    screen: dict[str, Rgb]
    press: dict[str, Cmyk]
    profile: Path | None = None
    ignored: tuple[Declared, ...] = field(default=())
    # The profile's bytes, read through the layouts folder's boundary (None when missing).
    profile_data: bytes | None = None

    @cached_property
    def builds(self) -> dict[Rgb, Cmyk]:
        """Each screen colour's CMYK build (the first property's, when two share a colour)."""
        pairs: dict[Rgb, Cmyk] = {}
        for name, rgb in self.screen.items():
            if name in self.press:
                pairs.setdefault(rgb, self.press[name])
        return pairs


def _stylesheet(layouts: Folder, path: Path) -> list:
    if not layouts.is_file(path):
        return []
    return tinycss2.parse_stylesheet(layouts.read_text(path), skip_comments=True, skip_whitespace=True)


def _declarations(rule) -> list:
    return [
        item
        for item in tinycss2.parse_blocks_contents(rule.content or [], skip_comments=True, skip_whitespace=True)
        if item.type == "declaration"
    ]


def _root_colours(rules) -> dict[str, object]:
    """The colours declared as custom properties of `:root`, by name."""
    colours = {}
    for rule in rules:
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            for declaration in _declarations(rule):
                colour = parse_color(tinycss2.serialize(declaration.value).strip())
                if declaration.name.startswith("--") and colour is not None:
                    colours[declaration.name] = colour
    return colours


def _profile_url(rules) -> str | None:
    """The `src` URL of `@color-profile device-cmyk`."""
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "color-profile":
            if tinycss2.serialize(rule.prelude).strip() != "device-cmyk":
                continue
            for declaration in _declarations(rule):
                for token in declaration.value:
                    if declaration.lower_name == "src" and token.type == "url":
                        return token.value
                    if declaration.lower_name == "src" and token.type == "function" and token.lower_name == "url":
                        return next((arg.value for arg in token.arguments if arg.type == "string"), None)
    return None


def _not_read(rules) -> tuple[Declared, ...]:
    """print.css's rules other than the profile and the colours of `:root`."""
    ignored = []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "color-profile":
            continue
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            ignored += [
                Declared(item.source_line, item.source_column, item.name)
                for item in _declarations(rule)
                if parse_color(tinycss2.serialize(item.value).strip()) is None or not item.name.startswith("--")
            ]
            continue
        what = f"@{rule.at_keyword}" if rule.type == "at-rule" else tinycss2.serialize(rule.prelude).strip()
        ignored.append(Declared(rule.source_line, rule.source_column, what or rule.type))
    return tuple(ignored)


def read_palette(layouts: Folder) -> Palette:
    """The palette of the layouts' PDF stylesheets, read through the layouts folder's
    boundary. The profile is None when print.css names none; a profile outside the
    layouts folder is refused (ProblemsFound, at the profile's path)."""
    screen_rules = _stylesheet(layouts, layouts.path / SCREEN_STYLESHEET)
    print_rules = _stylesheet(layouts, layouts.path / PRINT_STYLESHEET)
    screen = {name: rgb_key(c.coordinates) for name, c in _root_colours(screen_rules).items() if c.space == "srgb"}
    press = {
        name: cmyk_key(c.coordinates) for name, c in _root_colours(print_rules).items() if c.space == "device-cmyk"
    }
    url = _profile_url(print_rules)
    profile = None
    data = None
    if url is not None:
        profile = (layouts.path / PRINT_STYLESHEET).parent / url
        data = layouts.read_bytes(profile) if layouts.is_file(profile) else None
    return Palette(screen, press, profile, _not_read(print_rules), data)


# --- what a PDF paints ------------------------------------------------------------------


@dataclass(frozen=True)
class Painted:
    """A content stream (a page's, or that of a form, tiling pattern, soft mask or Type 3
    glyph it uses), the resources it paints with, and the page it is first painted on
    (1-based)."""

    page: int
    owner: pikepdf.Page | pikepdf.Stream
    resources: pikepdf.Dictionary


def painted(pdf: pikepdf.Pdf) -> Iterator[Painted]:
    """Every content stream of the PDF, each once."""
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, start=1):
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        yield Painted(number, page, resources)
        yield from _used(number, resources, seen)


def _used(number: int, resources: pikepdf.Dictionary, seen: set) -> Iterator[Painted]:
    streams = [
        (item, item.get("/Resources", resources))
        for kind in ("/XObject", "/Pattern")
        for item in resources.get(kind, {}).values()
        if isinstance(item, pikepdf.Stream) and (item.get("/Subtype") == "/Form" or item.get("/PatternType") == 1)
    ]
    for state in resources.get("/ExtGState", {}).values():
        mask = state.get("/SMask")
        if isinstance(mask, pikepdf.Dictionary) and isinstance(mask.get("/G"), pikepdf.Stream):
            streams.append((mask.G, mask.G.get("/Resources", resources)))
    for font in resources.get("/Font", {}).values():
        if font.get("/Subtype") == "/Type3":
            streams += [(glyph, font.get("/Resources", resources)) for glyph in font.CharProcs.values()]
    for stream, inner in streams:
        if stream.objgen in seen:
            continue
        seen.add(stream.objgen)
        yield Painted(number, stream, inner)
        yield from _used(number, inner, seen)


def space_family(space, resources: pikepdf.Dictionary) -> str:
    """What kind of colour space `space` (a name, a resource's name or an array) is:
    rgb, cmyk, gray (device spaces), icc-rgb, icc-cmyk, icc-gray, lab, calrgb, calgray,
    separation, devicen, indexed, pattern, or unknown."""
    if isinstance(space, Name):
        if str(space) in DEVICE_SPACES:
            return DEVICE_SPACES[str(space)]
        named = resources.get("/ColorSpace", {}).get(space)
        return "unknown" if named is None else space_family(named, resources)
    if isinstance(space, Array) and len(space):
        kind = str(space[0])
        if kind == "/ICCBased":
            return ICC_FAMILIES.get(int(space[1].get("/N", 0)), "unknown")
        return SPACE_FAMILIES.get(kind, "unknown")
    return "unknown"


def uses_device_rgb(space, resources: pikepdf.Dictionary) -> bool:
    """Whether `space` is DeviceRGB, or is built on it (an indexed space's base, a
    separation's or DeviceN's alternate)."""
    if isinstance(space, Name) and str(space) not in DEVICE_SPACES:
        space = resources.get("/ColorSpace", {}).get(space)
    family = space_family(space, resources) if space is not None else "unknown"
    if family == "rgb":
        return True
    if family == "indexed":
        return uses_device_rgb(space[1], resources)
    if family in ("separation", "devicen"):
        return uses_device_rgb(space[2], resources)
    return False


@dataclass(frozen=True)
class ColourSet:
    """One operator that sets a colour: its index in the stream, whether it strokes, the
    colour space family it paints in and its values (none for a pattern or a space set)."""

    index: int
    operator: str
    stroke: bool
    family: str
    values: tuple[float, ...]


def colour_sets(instructions, resources: pikepdf.Dictionary) -> Iterator[ColourSet]:
    """The colour operators of a parsed content stream, each with the space it paints in
    (followed through `cs`/`CS` and the graphics state's `q`/`Q`)."""
    spaces = [["gray", "gray"]]
    for index, (operands, operator) in enumerate(instructions):
        name = str(operator)
        if name == "q":
            spaces.append(list(spaces[-1]))
        elif name == "Q" and len(spaces) > 1:
            spaces.pop()
        elif name in ("cs", "CS"):
            stroke = name == "CS"
            spaces[-1][stroke] = space_family(operands[0], resources)
            yield ColourSet(index, name, stroke, spaces[-1][stroke], ())
        elif name in COLOUR_OPERATORS:
            stroke, family = COLOUR_OPERATORS[name]
            if family is not None:
                spaces[-1][stroke] = family
            numbers = tuple(float(value) for value in operands if isinstance(value, int | Decimal))
            yield ColourSet(index, name, stroke, spaces[-1][stroke], numbers)


# --- rewriting ---------------------------------------------------------------------------


class ProfileConverter:
    """sRGB colours converted through the press profile (relative colorimetric), for those
    the palette has no build for."""

    def __init__(self, profile: bytes):
        self.profile = profile

    @cached_property
    def _transform(self):
        from PIL import ImageCms

        press = ImageCms.ImageCmsProfile(io.BytesIO(self.profile))
        screen = ImageCms.createProfile("sRGB")
        return ImageCms.buildTransform(
            screen, press, "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC
        )

    def cmyk(self, rgb: Rgb) -> Cmyk:
        from PIL import Image, ImageCms

        ink = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), self._transform).getpixel((0, 0))
        return tuple(round(value / 255, 2) for value in ink)


def _instruction(operands: list, operator: str) -> pikepdf.ContentStreamInstruction:
    return pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(operator))


# Each RGB operator's CMYK counterpart; sc, scn, SC and SCN keep theirs (their space changes).
TO_CMYK = {"rg": "k", "RG": "K", "sc": "sc", "scn": "scn", "SC": "SC", "SCN": "SCN"}


@dataclass
class PressColours:
    """The colours of a PDF laid out in screen colours, rewritten for the press: each
    device RGB colour as its build. `unpaired` collects the RGB colours the palette has
    no build for, with the build the profile gave each and the first page it is on."""

    palette: Palette
    profile: ProfileConverter
    unpaired: dict[Rgb, tuple[Cmyk, int]] = field(default_factory=dict)

    def build(self, values: tuple[float, ...], page: int) -> Cmyk:
        rgb = rgb_key(values)
        if rgb in self.palette.builds:
            return self.palette.builds[rgb]
        build = self.profile.cmyk(rgb)
        self.unpaired.setdefault(rgb, (build, page))
        return build

    def rewritten(self, instructions, item: Painted) -> list | None:
        """The instructions with each device RGB colour as its build, or None when they
        paint none."""
        result = list(instructions)
        changed = False
        for colour in colour_sets(instructions, item.resources):
            if colour.family != "rgb":
                continue
            if colour.operator in ("cs", "CS"):
                # Both spaces' initial colour is black: only the space changes.
                result[colour.index] = _instruction([Name.DeviceCMYK], colour.operator)
            else:
                result[colour.index] = _instruction(
                    list(self.build(colour.values, item.page)), TO_CMYK[colour.operator]
                )
            changed = True
        return result if changed else None

    def apply(self, pdf: pikepdf.Pdf) -> None:
        """Rewrite every content stream of `pdf`, and its transparency groups' blending space."""
        for item in painted(pdf):
            holder = item.owner.obj if isinstance(item.owner, pikepdf.Page) else item.owner
            rewritten = self.rewritten(pikepdf.parse_content_stream(item.owner), item)
            if rewritten is not None:
                data = pikepdf.unparse_content_stream(rewritten)
                if isinstance(item.owner, pikepdf.Page):
                    holder.Contents = pdf.make_stream(data)
                else:
                    holder.write(data)
            group = holder.get("/Group")
            if group is not None and space_family(group.get("/CS"), item.resources) == "rgb":
                group.CS = Name.DeviceCMYK
