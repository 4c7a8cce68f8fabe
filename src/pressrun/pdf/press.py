"""The print PDF made ready for the press (pikepdf): the layout's PDF in, the printer's
file out.

- Every colour becomes its CMYK build (`colour`); the press profile becomes the output
  intent, under its registered print condition.
- No annotations: the links stay in the screen PDF, which is cut from the layout first.
  The tag tree goes with them (it described them; a press has no use for it).
- Each page gets its sheet: the BleedBox the configured bleed around the TrimBox, the
  MediaBox the slug around it, and crop marks in the slug, in registration colour (every
  ink), clear of the bleed. WeasyPrint can draw its marks only inside the bleed, so they
  are drawn here, after layout.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from .assemble import save
from .colour import Cmyk, Palette, PressColours, ProfileConverter, Rgb

PT_PER_MM = 72 / 25.4
# The ICC registry of characterized print conditions (FOGRA39, FOGRA51, GRACoL2013, …).
REGISTRY = "http://www.color.org"
# Marks are hairlines, as printers draw them.
MARK_WIDTH_PT = 0.25
REGISTRATION = Name("/Registration")


@dataclass(frozen=True)
class PressSetup:
    """What the printer asked for: lengths in millimetres from the trim."""

    bleed: float
    slug: float
    # Where the crop marks lie (from, to), or None for none.
    crop_marks: tuple[float, float] | None
    # The registered print condition the press profile characterizes, e.g. FOGRA39.
    output_condition: str


def profile_channels(profile: bytes) -> int:
    """How many inks an ICC profile's device space has (from its header)."""
    return {b"CMYK": 4, b"RGB ": 3, b"GRAY": 1}.get(profile[16:20], 0)


def for_press(data: bytes, palette: Palette, setup: PressSetup) -> tuple[bytes, dict[Rgb, tuple[Cmyk, int]]]:
    """The print PDF from the layout's PDF, and the RGB colours that had no CMYK build in
    the palette (each with the build the profile gave it and its first page)."""
    profile = palette.profile_data
    pdf = pikepdf.open(io.BytesIO(data))
    colours = PressColours(palette, ProfileConverter(profile))
    colours.apply(pdf)
    _without_links(pdf)
    registration = _registration_colour(pdf) if setup.crop_marks else None
    for page in pdf.pages:
        _sheet(pdf, page, setup, registration)
    _output_intent(pdf, profile, setup.output_condition)
    return save(pdf), colours.unpaired


def _without_links(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        for key in ("/Annots", "/StructParents", "/Tabs"):
            if key in page.obj:
                del page.obj[key]
    for key in ("/StructTreeRoot", "/MarkInfo"):
        if key in pdf.Root:
            del pdf.Root[key]


def _registration_colour(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """The registration colour: a separation named All, which every plate prints."""
    every_ink = Dictionary(FunctionType=2, Domain=Array([0, 1]), C0=Array([0, 0, 0, 0]), C1=Array([1, 1, 1, 1]), N=1)
    return pdf.make_indirect(Array([Name.Separation, Name.All, Name.DeviceCMYK, every_ink]))


def _around(box: list[float], millimetres: float) -> Array:
    margin = millimetres * PT_PER_MM
    left, bottom, right, top = box
    return Array([left - margin, bottom - margin, right + margin, top + margin])


def _sheet(pdf: pikepdf.Pdf, page: pikepdf.Page, setup: PressSetup, registration) -> None:
    """The page's boxes around its trim, and its crop marks."""
    trim = [float(value) for value in page.obj.TrimBox]
    page.obj.BleedBox = _around(trim, setup.bleed)
    page.obj.MediaBox = _around(trim, setup.slug)
    if "/CropBox" in page.obj:
        del page.obj.CropBox
    if registration is None:
        return
    page.add_resource(registration, Name.ColorSpace, REGISTRATION)
    # The layout's drawing keeps its graphics state to itself; the marks start afresh.
    page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
    page.contents_add(pdf.make_stream(b"Q\n" + _crop_marks(trim, *setup.crop_marks)))


def _crop_marks(trim: list[float], start_mm: float, end_mm: float) -> bytes:
    """Two lines at each corner of the trim, on its edges' extensions, from `start_mm` to
    `end_mm` outside it."""
    start, end = start_mm * PT_PER_MM, end_mm * PT_PER_MM
    left, bottom, right, top = trim
    lines = []
    for x, outward_x in ((left, -1), (right, 1)):
        for y, outward_y in ((bottom, -1), (top, 1)):
            lines.append((x + outward_x * start, y, x + outward_x * end, y))
            lines.append((x, y + outward_y * start, x, y + outward_y * end))
    path = "\n".join(f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S" for x1, y1, x2, y2 in lines)
    return f"q\n/Registration CS 1 SCN {MARK_WIDTH_PT} w 0 J\n{path}\nQ\n".encode()


def _output_intent(pdf: pikepdf.Pdf, profile: bytes, condition: str) -> None:
    """The PDF/X output intent: the registered print condition, with the press profile
    embedded as its destination."""
    from PIL import ImageCms

    destination = pdf.make_stream(profile)
    destination.N = profile_channels(profile)
    description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(profile))).strip()
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFX,
        OutputConditionIdentifier=String(condition),
        RegistryName=String(REGISTRY),
        OutputCondition=String(description),
        Info=String(description),
        DestOutputProfile=destination,
    )
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])
