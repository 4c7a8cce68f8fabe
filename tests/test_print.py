"""The print PDF a printer accepts: CMYK builds that match the screen colours, the sheet
(bleed, slug, crop marks in registration colour), the output intent, and the preflight,
with one broken file for each of its rules."""

from __future__ import annotations

import io
import json
import math
import re
import shutil
from collections import Counter
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import Image, ImageCms, ImageDraw

from conftest import FIXTURES, REPOSITORY, configure, run
from pressrun.files import Folder
from pressrun.pdf.colour import painted, read_palette
from pressrun.pdf.preflight import RULES, preflight

BASENAME = "international-city-networks-directory-2021"
MM = 72 / 25.4
# How far a print colour may be from its screen colour (CIEDE2000, both as Lab D50 through
# the press profile, relative colorimetric): a difference seen only side by side.
DELTA_E_LIMIT = 2.0
# Colours printed in black ink alone, whatever their hue: text and rules (no registration
# trouble in small type or hairlines). They keep their screen colour's lightness instead.
BLACK_ONLY = {"--ink", "--rule"}
LIGHTNESS_LIMIT = 4.0


# --- the colour builds -----------------------------------------------------------------


class Colorimeter:
    """Lab D50 values of screen (sRGB) and print (CMYK through the press profile) colours.
    LittleCMS works in eight bits here: a Lab value is good to about half a unit."""

    def __init__(self, profile: Path):
        press = ImageCms.getOpenProfile(str(profile))
        screen, lab = ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB")
        intent = ImageCms.Intent.RELATIVE_COLORIMETRIC
        self.screen_lab = ImageCms.buildTransform(screen, lab, "RGB", "LAB", renderingIntent=intent)
        self.print_lab = ImageCms.buildTransform(press, lab, "CMYK", "LAB", renderingIntent=intent)
        self.separation = ImageCms.buildTransform(screen, press, "RGB", "CMYK", renderingIntent=intent)

    @staticmethod
    def _lab(mode: str, pixel: tuple, transform) -> tuple[float, float, float]:
        lightness, a, b = ImageCms.applyTransform(Image.new(mode, (1, 1), pixel), transform).getpixel((0, 0))
        return lightness * 100 / 255, a - 128, b - 128

    def of_screen(self, rgb: tuple[int, int, int]) -> tuple[float, float, float]:
        return self._lab("RGB", rgb, self.screen_lab)

    def of_print(self, cmyk: tuple[float, ...]) -> tuple[float, float, float]:
        return self._lab("CMYK", tuple(round(value * 255) for value in cmyk), self.print_lab)

    def build_for(self, rgb: tuple[int, int, int]) -> list[int]:
        """The CMYK build (whole percents, at most 300 % ink) closest to a screen colour:
        its conversion through the profile, refined one ink at a time."""
        ink = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), self.separation).getpixel((0, 0))
        best = [round(value / 2.55) for value in ink]
        target = self.of_screen(rgb)

        def distance(build: list[int]) -> float:
            return delta_e(target, self.of_print(tuple(value / 100 for value in build)))

        improved = True
        while improved:
            improved = False
            for index in range(4):
                for step in (-4, -2, -1, 1, 2, 4):
                    trial = list(best)
                    trial[index] = min(100, max(0, trial[index] + step))
                    if sum(trial) <= 300 and distance(trial) < distance(best) - 1e-9:
                        best, improved = trial, True
        return best


def delta_e(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """CIEDE2000 between two Lab colours."""
    (l1, a1, b1), (l2, a2, b2) = first, second
    chroma = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(chroma**7 / (chroma**7 + 25**7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1, h2 = math.degrees(math.atan2(b1, a1)) % 360, math.degrees(math.atan2(b2, a2)) % 360
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    mean_l, mean_c = (l1 + l2) / 2, (c1 + c2) / 2
    mean_h = h1 + h2 if c1 * c2 == 0 else ((h1 + h2) / 2 + (180 if abs(h1 - h2) > 180 else 0)) % 360
    t = (
        1
        - 0.17 * math.cos(math.radians(mean_h - 30))
        + 0.24 * math.cos(math.radians(2 * mean_h))
        + 0.32 * math.cos(math.radians(3 * mean_h + 6))
        - 0.20 * math.cos(math.radians(4 * mean_h - 63))
    )
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_c, 1 + 0.015 * mean_c * t
    rotation = (
        -2
        * math.sqrt(mean_c**7 / (mean_c**7 + 25**7))
        * math.sin(math.radians(60 * math.exp(-(((mean_h - 275) / 25) ** 2))))
    )
    terms = ((l2 - l1) / s_l, (c2 - c1) / s_c, d_hue / s_h)
    return math.sqrt(sum(term**2 for term in terms) + rotation * terms[1] * terms[2])


def test_delta_e_agrees_with_published_pairs():
    # Sharma, Wu and Dalal's test data for CIEDE2000 (pairs 1, 7 and 17).
    assert delta_e((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert delta_e((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert delta_e((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_every_print_colour_matches_its_screen_colour():
    """Keeps print.css in step with style.css: when a screen colour changes, this names the
    build to give it instead."""
    palette = read_palette(Folder(REPOSITORY / "layouts", REPOSITORY))
    meter = Colorimeter(palette.profile)
    assert set(palette.press) == set(palette.screen), "every colour of style.css has one build in print.css"
    drifted = []
    for name, rgb in palette.screen.items():
        build = palette.press[name]
        assert sum(build) <= 3.0, f"{name}: total ink above 300 %"
        if name in BLACK_ONLY:
            assert build[:3] == (0, 0, 0), f"{name} prints in black ink alone"
            lightness = abs(meter.of_screen(rgb)[0] - meter.of_print(build)[0])
            assert lightness <= LIGHTNESS_LIMIT, f"{name}: L* {lightness:.1f} from #{bytes(rgb).hex()}"
            continue
        difference = delta_e(meter.of_screen(rgb), meter.of_print(build))
        if difference > DELTA_E_LIMIT:
            suggested = " ".join(f"{value}%" for value in meter.build_for(rgb))
            drifted.append(f"{name}: ΔE {difference:.1f} from #{bytes(rgb).hex()}; use device-cmyk({suggested})")
    assert drifted == []


def test_the_icons_are_drawn_in_colours_that_have_builds():
    screen = set(read_palette(Folder(REPOSITORY / "layouts", REPOSITORY)).screen.values())
    for icon in sorted((REPOSITORY / "layouts/icons").glob("*.svg")):
        for colour in re.findall(r'(?:fill|stroke)="#([0-9a-fA-F]{6})"', icon.read_text()):
            assert tuple(bytes.fromhex(colour)) in screen, f"{icon.name}: #{colour} is not a colour of style.css"


# --- the 2021 print PDFs ------------------------------------------------------------------


def print_pdf(project: Path, language: str) -> Path:
    return project / "build" / language / f"{BASENAME}-print.pdf"


def rgb_census(path: Path) -> Counter:
    """Every RGB colour operator and colour space in the file: rg and RG operators, and
    DeviceRGB, CalRGB and three-channel ICC spaces wherever a colour space is named."""
    pdf = pikepdf.open(path)
    found: Counter = Counter()
    streams = [page for page in pdf.pages] + [
        obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form"
    ]
    for stream in streams:
        for operands, operator in pikepdf.parse_content_stream(stream):
            if str(operator) in ("rg", "RG"):
                found[str(operator)] += 1
            if str(operator) in ("cs", "CS") and operands[0] in (pikepdf.Name.DeviceRGB, pikepdf.Name.CalRGB):
                found[f"{operator} {operands[0]}"] += 1
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/N") == 3:
            found["ICC profile with three channels"] += 1
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            for key in ("/ColorSpace", "/CS"):
                value = obj.get(key)
                if value == pikepdf.Name.DeviceRGB or (isinstance(value, pikepdf.Array) and value[0] == "/CalRGB"):
                    found[f"{key} {value}"] += 1
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_2021_print_pdfs_paint_no_rgb_and_only_the_builds(built_directory, language):
    path = print_pdf(built_directory, language)
    assert rgb_census(path) == Counter()
    palette = read_palette(Folder(built_directory / "layouts", built_directory))
    pdf = pikepdf.open(path)
    painted_colours = {
        tuple(float(value) for value in operands)
        for item in painted(pdf)
        for operands, operator in pikepdf.parse_content_stream(item.owner)
        if str(operator) in ("k", "K")
    }
    assert painted_colours <= set(palette.press.values())


def test_the_2021_print_pdfs_pass_the_preflight(built_directory):
    files = [str(print_pdf(built_directory, language)) for language in ("en", "fr")]
    checked = run(built_directory, "preflight", *files)
    assert checked.code == 0, checked.err
    assert checked.out.splitlines() == [f"{path}: passes ({len(RULES)} preflight rules)" for path in files]


def box(page, name: str) -> list[float]:
    return [float(value) for value in page.obj[name]]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_sheet_is_trim_bleed_and_slug_on_every_page(built_directory, language):
    pdf = pikepdf.open(print_pdf(built_directory, language))
    for page in pdf.pages:
        trim = box(page, "/TrimBox")
        assert trim == pytest.approx([0, 0, 210 * MM, 297 * MM], abs=0.01)
        assert box(page, "/BleedBox") == pytest.approx(
            [trim[0] - 3 * MM, trim[1] - 3 * MM, trim[2] + 3 * MM, trim[3] + 3 * MM], abs=0.01
        )
        assert box(page, "/MediaBox") == pytest.approx(
            [trim[0] - 10 * MM, trim[1] - 10 * MM, trim[2] + 10 * MM, trim[3] + 10 * MM], abs=0.01
        )
        assert "/Annots" not in page.obj
    (intent,) = pdf.Root.OutputIntents
    assert (str(intent.OutputConditionIdentifier), str(intent.RegistryName)) == ("FOGRA39", "http://www.color.org")
    assert intent.DestOutputProfile.read_bytes() == (REPOSITORY / "layouts/color/FOGRA39L.icc").read_bytes()
    assert "/StructTreeRoot" not in pdf.Root


# Pixels per point for the renderings of the sheet.
SCALE = 3


def mark_rectangles(trim: list[float], media: list[float]) -> list[tuple[float, float, float, float]]:
    """Where the eight crop marks should be, in pixels of a rendering of the MediaBox
    (left, top, right, bottom), a pixel wider on each side."""
    start, end = 4 * MM, 9 * MM

    def pixel(x: float, y: float) -> tuple[float, float]:
        return (x - media[0]) * SCALE, (media[3] - y) * SCALE

    rectangles = []
    for x, out_x in ((trim[0], -1), (trim[2], 1)):
        for y, out_y in ((trim[1], -1), (trim[3], 1)):
            for (x1, y1), (x2, y2) in (
                ((x + out_x * start, y), (x + out_x * end, y)),
                ((x, y + out_y * start), (x, y + out_y * end)),
            ):
                (px1, py1), (px2, py2) = pixel(x1, y1), pixel(x2, y2)
                rectangles.append((min(px1, px2) - 1, min(py1, py2) - 1, max(px1, px2) + 1, max(py1, py2) + 1))
    return rectangles


@pytest.mark.parametrize("number", [1, 11])
def test_the_crop_marks_lie_in_the_slug_outside_the_bleed(built_directory, number):
    """On the navy cover (which bleeds) and on a white text page: every dark pixel outside
    the bleed is a crop mark, each mark is there, and nothing dark is drawn between the
    white page's trim and its bleed."""
    path = print_pdf(built_directory, "en")
    pdf = pikepdf.open(path)
    page = pdf.pages[number - 1]
    trim, bleed, media = box(page, "/TrimBox"), box(page, "/BleedBox"), box(page, "/MediaBox")
    image = pypdfium2.PdfDocument(path)[number - 1].render(scale=SCALE).to_pil().convert("L")
    dark = image.point(lambda value: 255 if value < 128 else 0)
    marks = mark_rectangles(trim, media)
    for left, top, right, bottom in marks:
        assert dark.crop((int(left), int(top), int(right) + 1, int(bottom) + 1)).getbbox(), "a crop mark is missing"

    def inside(rectangle: list[float]) -> tuple[float, float, float, float]:
        return (
            (rectangle[0] - media[0]) * SCALE,
            (media[3] - rectangle[3]) * SCALE,
            (rectangle[2] - media[0]) * SCALE,
            (media[3] - rectangle[1]) * SCALE,
        )

    outside_bleed = dark.copy()
    draw = ImageDraw.Draw(outside_bleed)
    draw.rectangle(inside(bleed), fill=0)
    for rectangle in marks:
        draw.rectangle(rectangle, fill=0)
    assert outside_bleed.getbbox() is None, "something other than the crop marks is drawn in the slug"
    if number == 11:
        bleed_ring = dark.copy()
        draw = ImageDraw.Draw(bleed_ring)
        draw.rectangle(inside(trim), fill=0)
        for rectangle in marks:
            draw.rectangle(rectangle, fill=0)
        assert bleed_ring.crop(tuple(int(v) for v in inside(bleed))).getbbox() is None


def test_the_screen_pdf_keeps_the_screen_colours(built_directory):
    palette = read_palette(Folder(built_directory / "layouts", built_directory))
    pdf = pikepdf.open(built_directory / "build" / "en" / f"{BASENAME}.pdf")
    operators: Counter = Counter()
    colours = set()
    for item in painted(pdf):
        for operands, operator in pikepdf.parse_content_stream(item.owner):
            operators[str(operator)] += 1
            if str(operator) in ("rg", "RG"):
                colours.add(tuple(round(float(value) * 255) for value in operands))
    assert operators["k"] == operators["K"] == 0
    assert colours <= set(palette.screen.values())
    assert "/OutputIntents" not in pdf.Root


# --- configuration ---------------------------------------------------------------------------


def built_print(project: Path) -> pikepdf.Pdf:
    built = run(project, "build", "--strict", "-q", "--variant", "print")
    assert built.code == 0, built.err
    return pikepdf.open(project / "build/en/publication-print.pdf")


def test_a_printer_who_wants_bleed_only_gets_no_marks(mini):
    configure(mini, bleed=5, slug=5, marks=[])
    pdf = built_print(mini)
    for page in pdf.pages:
        trim = box(page, "/TrimBox")
        expected = [trim[0] - 5 * MM, trim[1] - 5 * MM, trim[2] + 5 * MM, trim[3] + 5 * MM]
        assert box(page, "/BleedBox") == pytest.approx(expected, abs=0.01)
        assert box(page, "/MediaBox") == pytest.approx(expected, abs=0.01)
        assert "/Registration" not in page.Resources.ColorSpace
    assert preflight((mini / "build/en/publication-print.pdf").read_bytes()) == []


def test_a_sheet_too_small_for_the_marks_is_a_configuration_error(mini):
    configure(mini, bleed=3, slug=6)
    checked = run(mini, "build")
    assert checked.code == 1
    assert re.match(
        r"pyproject.toml:\d+:1: \[tool.pressrun\].slug: 6 mm leaves no room for the bleed and the crop marks "
        r"\(or set marks = \[\]\): expected at least 9 mm \[bad-number\]",
        checked.errors[0],
    )


def test_bleed_slug_and_marks_are_checked_like_every_key(mini):
    configure(mini, bleed="3mm", slug=-1, marks=["cross"])
    checked = run(mini, "check")
    assert checked.code == 1
    assert [re.sub(r":\d+:1:", ":L:", line) for line in checked.errors[:3]] == [
        "pyproject.toml:L: [tool.pressrun].bleed: expected a number of millimetres, got '3mm' [wrong-type]",
        "pyproject.toml:L: [tool.pressrun].slug: expected a length of at least 0 mm [bad-number]",
        "pyproject.toml:L: [tool.pressrun].marks: unknown cross; expected some of crop [bad-choice]",
    ]


def test_the_proof_report_gives_the_print_pdfs_preflight(mini):
    before = run(mini, "proof")
    assert "  build/en/publication-print.pdf: not built yet (`pressrun build` makes it), so not preflighted" in (
        before.out.splitlines()
    )
    built_print(mini)
    after = run(mini, "proof")
    assert after.code == 0
    assert f"  build/en/publication-print.pdf: 0 preflight failure(s), {len(RULES)} rules checked" in (
        after.out.splitlines()
    )
    report = json.loads((mini / "build/proof/report.json").read_text())
    assert report["editions"][0]["preflight"] == {
        "pdf": "build/en/publication-print.pdf",
        "built": True,
        "rules": len(RULES),
        "failures": 0,
    }


def test_a_missing_press_profile_is_an_error_before_layout(mini):
    css = mini / "layouts/pdf/print.css"
    css.write_text(css.read_text().replace("FOGRA39L.icc", "PSOcoated_v3.icc"))
    built = run(mini, "build")
    assert built.code == 1
    assert built.errors[0] == (
        "layouts/pdf/print.css: names PSOcoated_v3.icc, which is missing: the print PDF needs "
        "`@color-profile device-cmyk { src: url(…) }` [print-profile]"
    )


def test_a_colour_without_a_build_is_converted_and_reported(mini):
    """A colour written into style.css outside :root has no build: the print PDF gets its
    conversion through the profile, and the build says so; print.css's other rules are
    not read, and the build says that too."""
    with (mini / "layouts/pdf/style.css").open("a") as css:
        css.write("\n.cover-title { color: #c0392b; }\n")
    with (mini / "layouts/pdf/print.css").open("a") as css:
        css.write("\n@page { bleed: 5mm; }\n")
    built = run(mini, "build", "--variant", "print")
    assert built.code == 0
    assert (
        "build/en/publication-print.pdf, page 1: warning: colour #c0392b has no CMYK build in "
        "layouts/pdf/print.css: printed as device-cmyk(" in built.err
    )
    assert re.search(r"layouts/pdf/print.css:\d+:1: warning: @page is not read", built.err)
    assert rgb_census(mini / "build/en/publication-print.pdf") == Counter()


def test_a_print_pdf_that_fails_the_preflight_is_not_written(mini):
    """An RGB picture in the layout: the print PDF would carry DeviceRGB."""
    Image.new("RGB", (4, 4), (200, 30, 30)).save(mini / "layouts/pdf/picture.png")
    with (mini / "layouts/pdf/style.css").open("a") as css:
        css.write('\n.cover { background-image: url("picture.png"); }\n')
    built = run(mini, "build")
    assert built.code == 1
    assert re.search(
        r"build/en/publication-print.pdf, page 1: DeviceRGB under a CMYK output intent: .*image .* \[device-rgb\]",
        built.err,
    )
    assert not (mini / "build/en").exists()


# --- the preflight, one broken file per rule ------------------------------------------------


@pytest.fixture(scope="module")
def sample_print(tmp_path_factory) -> bytes:
    """The two-profile sample's print PDF, which passes the preflight."""
    project = tmp_path_factory.mktemp("sample") / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    shutil.copytree(REPOSITORY / "layouts", project / "layouts")
    assert run(project, "build", "--strict", "-q", "--variant", "print").code == 0
    return (project / "build/en/publication-print.pdf").read_bytes()


def saved(pdf: pikepdf.Pdf, **options) -> bytes:
    output = io.BytesIO()
    pdf.save(output, **options)
    return output.getvalue()


def paint(pdf: pikepdf.Pdf, number: int, content: bytes) -> None:
    pdf.pages[number - 1].contents_add(pdf.make_stream(content))


def first_page_with_font(pdf: pikepdf.Pdf) -> tuple[int, pikepdf.Dictionary]:
    for number, page in enumerate(pdf.pages, start=1):
        fonts = list(page.Resources.get("/Font", {}).values())
        if fonts:
            return number, fonts[0]
    raise AssertionError("no font")


def without_output_intent(pdf):
    del pdf.Root.OutputIntents
    return None


def without_pdfx_version(pdf):
    xmp = pdf.Root.Metadata.read_bytes()
    pdf.Root.Metadata.write(re.sub(rb"<pdfxid:GTS_PDFXVersion>[^<]*</pdfxid:GTS_PDFXVersion>", b"", xmp))
    return None


def trapping_unknown(pdf):
    pdf.docinfo.Trapped = pikepdf.Name.Unknown
    return None


def trim_outside_bleed(pdf):
    trim = box(pdf.pages[2], "/TrimBox")
    pdf.pages[2].obj.TrimBox = pikepdf.Array([trim[0] - 20, trim[1], trim[2], trim[3]])
    return 3


def font_not_embedded(pdf):
    number, font = first_page_with_font(pdf)
    descriptor = font.DescendantFonts[0].FontDescriptor if font.Subtype == "/Type0" else font.FontDescriptor
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if key in descriptor:
            del descriptor[key]
    return number


def rgb_fill(pdf):
    paint(pdf, 5, b"q 0 0 1 rg 10 10 20 20 re f Q")
    return 5


def link_in_trim(pdf):
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[100, 100, 200, 120])
    pdf.pages[3].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    return 4


def javascript_on_open(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    return None


def too_much_ink(pdf):
    paint(pdf, 6, b"q 1 1 1 1 k 10 10 20 20 re f Q")
    return 6


BREAK = {
    "output-intent": without_output_intent,
    "pdfx-version": without_pdfx_version,
    "trapped": trapping_unknown,
    "boxes": trim_outside_bleed,
    "fonts-embedded": font_not_embedded,
    "device-rgb": rgb_fill,
    "annotations": link_in_trim,
    "javascript": javascript_on_open,
    "total-ink": too_much_ink,
}


def test_the_sample_print_pdf_passes_and_every_rule_has_a_broken_file(sample_print):
    assert preflight(sample_print) == []
    assert set(BREAK) | {"encryption"} == set(RULES)


@pytest.mark.parametrize("rule", sorted(BREAK))
def test_a_file_built_to_break_one_rule_fails_that_rule_on_its_page(sample_print, rule):
    pdf = pikepdf.open(io.BytesIO(sample_print))
    page = BREAK[rule](pdf)
    failures = preflight(saved(pdf))
    assert failures, f"{rule}: not found"
    assert {(failure.rule, failure.page) for failure in failures} == {(rule, page)}


def test_an_encrypted_file_fails_the_encryption_rule(sample_print):
    pdf = pikepdf.open(io.BytesIO(sample_print))
    data = saved(pdf, encryption=pikepdf.Encryption(owner="press", user=""))
    assert [(failure.rule, failure.page) for failure in preflight(data)] == [("encryption", None)]


def test_the_preflight_command_names_file_page_and_rule(sample_print, tmp_path):
    pdf = pikepdf.open(io.BytesIO(sample_print))
    rgb_fill(pdf)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(saved(pdf))
    good = tmp_path / "good.pdf"
    good.write_bytes(sample_print)
    checked = run(tmp_path, "preflight", str(good), str(broken))
    assert checked.code == 1
    assert checked.errors == [f"{broken}, page 5: DeviceRGB under a CMYK output intent: rg operator [device-rgb]"]
    assert checked.out.splitlines() == [
        f"{good}: passes ({len(RULES)} preflight rules)",
        f"{broken}: 1 failure(s) ({len(RULES)} preflight rules)",
    ]
