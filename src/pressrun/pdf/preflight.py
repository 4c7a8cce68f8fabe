"""Preflight: a print PDF in, the rules it breaks out, each failure with its rule and page
(pikepdf).

The rules are the machine-checkable part of PDF/X-4 that a printer's preflight looks at
first, and pressrun's own promises for its print files (`RULES`, one small function
each). Passing them is not a PDF/X-4 certification: no validator can be installed
offline, and the standard has rules no program can check.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

import pikepdf
from pikepdf import Name

from ..errors import Level, Origin, Problem
from .colour import ColourSet, Painted, colour_sets, painted, space_family, uses_device_rgb

# Total area coverage a press allows: the four inks' percentages added up.
INK_LIMIT = 3.0
# Rounding in the boxes' coordinates, in points.
BOX_TOLERANCE = 0.01
XMP_PDFX = "{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"
XMP_TRAPPED = "{http://ns.adobe.com/pdf/1.3/}Trapped"


@dataclass(frozen=True)
class Failure:
    """A rule the PDF breaks: its name, what is wrong, and the page (None: the document)."""

    rule: str
    message: str
    page: int | None = None


class Checked:
    """The PDF under preflight, with what several rules read, read once."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf

    @cached_property
    def streams(self) -> list[tuple[Painted, list, list[ColourSet]]]:
        """Every content stream with its parsed instructions and the colours they set."""
        parsed = [(item, pikepdf.parse_content_stream(item.owner)) for item in painted(self.pdf)]
        return [(item, instructions, list(colour_sets(instructions, item.resources))) for item, instructions in parsed]

    @cached_property
    def intents(self) -> list:
        return [intent for intent in self.pdf.Root.get("/OutputIntents", []) if intent.get("/S") == "/GTS_PDFX"]

    @cached_property
    def cmyk_intent(self) -> bool:
        """Whether the output intent is a CMYK press (or missing: pressrun prints in CMYK)."""
        profile = self.intents[0].get("/DestOutputProfile") if self.intents else None
        return profile is None or profile.get("/N") == 4

    @cached_property
    def xmp(self) -> dict[str, str]:
        """The XMP properties (`{namespace}name`: value), as elements or attributes."""
        metadata = self.pdf.Root.get("/Metadata")
        if metadata is None:
            return {}
        try:
            root = ElementTree.fromstring(metadata.read_bytes())
        except ElementTree.ParseError:
            return {}
        found = {}
        for element in root.iter():
            found.setdefault(element.tag, (element.text or "").strip())
            for name, value in element.attrib.items():
                found.setdefault(name, value)
        return found

    def page_resources(self) -> Iterator[tuple[int, pikepdf.Dictionary, pikepdf.Object]]:
        """(page, resources, owner) of every content stream."""
        for item, _, _ in self.streams:
            holder = item.owner.obj if isinstance(item.owner, pikepdf.Page) else item.owner
            yield item.page, item.resources, holder


# --- the rules -----------------------------------------------------------------------------

Found = Iterator[tuple[int | None, str]]


def output_intent(checked: Checked) -> Found:
    intents = checked.intents
    if len(intents) != 1:
        yield None, f"expected one PDF/X output intent (GTS_PDFX), found {len(intents)}"
        return
    intent = intents[0]
    profile = intent.get("/DestOutputProfile")
    if not isinstance(profile, pikepdf.Stream) or "/N" not in profile:
        yield None, "the output intent has no embedded destination profile (DestOutputProfile)"
    if not str(intent.get("/OutputConditionIdentifier", "")).strip():
        yield None, "the output intent names no print condition (OutputConditionIdentifier)"


def pdfx_version(checked: Checked) -> Found:
    version = checked.xmp.get(XMP_PDFX, "")
    if not version.startswith("PDF/X-4"):
        yield None, f"the XMP metadata does not name PDF/X-4 (pdfxid:GTS_PDFXVersion is {version or 'missing'!r})"


def trapped(checked: Checked) -> Found:
    info = str(checked.pdf.docinfo.get("/Trapped", "missing")).removeprefix("/")
    xmp = checked.xmp.get(XMP_TRAPPED, "missing")
    if info not in ("True", "False"):
        yield None, f"Trapped in the document information is {info}, expected True or False"
    if xmp != info:
        yield None, f"Trapped in the XMP metadata is {xmp}, the document information says {info}"


def _box(page: pikepdf.Page, name: str, fallback: list[float]) -> list[float]:
    if name not in page.obj:
        return fallback
    left, bottom, right, top = (float(value) for value in page.obj[name])
    return [min(left, right), min(bottom, top), max(left, right), max(bottom, top)]


def _inside(inner: list[float], outer: list[float]) -> bool:
    return (
        inner[0] >= outer[0] - BOX_TOLERANCE
        and inner[1] >= outer[1] - BOX_TOLERANCE
        and inner[2] <= outer[2] + BOX_TOLERANCE
        and inner[3] <= outer[3] + BOX_TOLERANCE
    )


def boxes(checked: Checked) -> Found:
    for number, page in enumerate(checked.pdf.pages, start=1):
        media = _box(page, "/MediaBox", [0, 0, 0, 0])
        bleed = _box(page, "/BleedBox", _box(page, "/CropBox", media))
        if "/TrimBox" not in page.obj and "/ArtBox" not in page.obj:
            yield number, "the page has no TrimBox"
            continue
        trim = _box(page, "/TrimBox", _box(page, "/ArtBox", media))
        if not _inside(trim, bleed):
            yield number, "the TrimBox is not inside the BleedBox"
        if not _inside(bleed, media):
            yield number, "the BleedBox is not inside the MediaBox"


def _font_embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor", {})
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def fonts_embedded(checked: Checked) -> Found:
    seen = set()
    for page, resources, _ in checked.page_resources():
        for font in resources.get("/Font", {}).values():
            if font.objgen in seen and font.is_indirect:
                continue
            seen.add(font.objgen)
            if not _font_embedded(font):
                yield page, f"the font {str(font.get('/BaseFont', '?')).lstrip('/')} is not embedded"


def _rgb_in_resources(resources: pikepdf.Dictionary) -> Iterator[str]:
    """What in a stream's resources uses DeviceRGB: colour spaces, images, shadings."""
    for name, space in resources.get("/ColorSpace", {}).items():
        if uses_device_rgb(space, resources):
            yield f"colour space {name}"
    for name, xobject in resources.get("/XObject", {}).items():
        if xobject.get("/Subtype") == "/Image" and uses_device_rgb(xobject.get("/ColorSpace"), resources):
            yield f"image {name}"
    shadings = list(resources.get("/Shading", {}).items())
    shadings += [
        (name, pattern.Shading) for name, pattern in resources.get("/Pattern", {}).items() if "/Shading" in pattern
    ]
    for name, shading in shadings:
        if uses_device_rgb(shading.get("/ColorSpace"), resources):
            yield f"shading {name}"


def _rgb_in_content(instructions, colours: list[ColourSet]) -> Iterator[str]:
    for colour in colours:
        if colour.family == "rgb":
            yield f"{colour.operator} operator"
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage) and instruction.iimage.colorspace in (
            "/DeviceRGB",
            "/RGB",
        ):
            yield "inline image"


def device_rgb(checked: Checked) -> Found:
    if not checked.cmyk_intent:
        return
    for item, instructions, colours in checked.streams:
        holder = item.owner.obj if isinstance(item.owner, pikepdf.Page) else item.owner
        uses = list(_rgb_in_content(instructions, colours)) + list(_rgb_in_resources(item.resources))
        group = holder.get("/Group")
        if group is not None and uses_device_rgb(group.get("/CS"), item.resources):
            uses.append("transparency group")
        if uses:
            counted = {use: uses.count(use) for use in uses}
            listed = ", ".join(f"{count} × {use}" if count > 1 else use for use, count in counted.items())
            yield item.page, f"DeviceRGB under a CMYK output intent: {listed}"


def _annotation_rect(annotation) -> list[float]:
    left, bottom, right, top = (float(value) for value in annotation.get("/Rect", [0, 0, 0, 0]))
    return [min(left, right), min(bottom, top), max(left, right), max(bottom, top)]


def annotations(checked: Checked) -> Found:
    for number, page in enumerate(checked.pdf.pages, start=1):
        trim = _box(page, "/TrimBox", _box(page, "/MediaBox", [0, 0, 0, 0]))
        inside = [
            str(annotation.get("/Subtype", "?")).lstrip("/")
            for annotation in page.obj.get("/Annots", [])
            if annotation.get("/Subtype") != "/PrinterMark" and _overlaps(_annotation_rect(annotation), trim)
        ]
        if inside:
            yield number, f"{len(inside)} annotation(s) inside the TrimBox ({', '.join(sorted(set(inside)))})"


def _overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _dictionaries(root: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """`root` and every dictionary reachable from it, each indirect object once. Walked
    with a stack: an outline is a chain as long as the book's bookmarks."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            if value.objgen in seen:
                continue
            seen.add(value.objgen)
        if isinstance(value, pikepdf.Stream):
            value = value.stream_dict
        if isinstance(value, pikepdf.Dictionary):
            yield value
            stack.extend(item for key, item in value.items() if key not in ("/Parent", "/P"))
        elif isinstance(value, pikepdf.Array):
            stack.extend(value)


def javascript(checked: Checked) -> Found:
    root = checked.pdf.Root
    if "/JavaScript" in root.get("/Names", {}):
        yield None, "the document has JavaScript (Names/JavaScript)"
    scripts = sum(1 for found in _dictionaries(root) if found.get("/S") == Name.JavaScript or "/JS" in found)
    if scripts:
        yield None, f"{scripts} JavaScript action(s)"


def encryption(checked: Checked) -> Found:
    if checked.pdf.is_encrypted:
        yield None, "the PDF is encrypted"


def _total(values) -> float:
    return sum(float(value) for value in values)


def _image_ink(image: pikepdf.Stream) -> float:
    """The highest total ink of a CMYK image's pixels."""
    from PIL import ImageMath

    pixels = pikepdf.PdfImage(image).as_pil_image()
    if pixels.mode != "CMYK":
        return 0.0
    c, m, y, k = pixels.split()
    total = ImageMath.lambda_eval(lambda bands: bands["c"] + bands["m"] + bands["y"] + bands["k"], c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 255


def total_ink(checked: Checked) -> Found:
    for item, _, colours in checked.streams:
        highest = max(
            (
                _total(colour.values)
                for colour in colours
                if colour.family in ("cmyk", "icc-cmyk") and len(colour.values) == 4
            ),
            default=0.0,
        )
        if highest > INK_LIMIT + 1e-6:
            yield item.page, f"a colour of {highest:.0%} total ink, above {INK_LIMIT:.0%}"
        for name, xobject in item.resources.get("/XObject", {}).items():
            if xobject.get("/Subtype") != "/Image":
                continue
            if space_family(xobject.get("/ColorSpace"), item.resources) in ("cmyk", "icc-cmyk"):
                ink = _image_ink(xobject)
                if ink > INK_LIMIT + 1e-6:
                    yield item.page, f"image {name} reaches {ink:.0%} total ink, above {INK_LIMIT:.0%}"


# name: (what the rule checks, for the README and the command's summary; the check)
RULES: dict[str, tuple[str, Callable[[Checked], Found]]] = {
    "output-intent": ("one PDF/X output intent, its destination profile embedded", output_intent),
    "pdfx-version": ("the XMP metadata names PDF/X-4 (pdfxid:GTS_PDFXVersion)", pdfx_version),
    "trapped": ("Trapped is True or False, alike in the document information and the XMP", trapped),
    "boxes": ("every page has a TrimBox, inside its BleedBox, inside its MediaBox", boxes),
    "fonts-embedded": ("every font is embedded", fonts_embedded),
    "device-rgb": (
        "no DeviceRGB under a CMYK output intent: content, forms, images, shadings, transparency groups",
        device_rgb,
    ),
    "annotations": ("no annotation inside the TrimBox", annotations),
    "javascript": ("no JavaScript", javascript),
    "encryption": ("no encryption", encryption),
    "total-ink": (f"no colour or CMYK image above {INK_LIMIT:.0%} total ink", total_ink),
}


def preflight(data: bytes) -> list[Failure]:
    """Every rule the PDF in `data` breaks."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return [Failure("encryption", "the PDF is encrypted with a password")]
    except pikepdf.PdfError as error:
        return [Failure("pdf", f"not a readable PDF: {re.sub(r'^.*?: ', '', str(error))}")]
    checked = Checked(pdf)
    return [Failure(rule, message, page) for rule, (_, check) in RULES.items() for page, message in check(checked)]


def preflight_problems(data: bytes, origin: Origin) -> list[Problem]:
    """The preflight's failures as errors of the file at `origin`."""
    return [Problem(Level.ERROR, origin, failure.rule, failure.message, failure.page) for failure in preflight(data)]
