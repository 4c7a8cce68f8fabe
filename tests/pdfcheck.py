"""Reading built PDFs the way a reader sees them: body text, footnotes, titles, contents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pypdf import PdfReader

from pressrun.i18n.typography import apply

PX_PER_MM = 96 / 25.4
# The layout's page area on A4 (layouts/pdf/style.css): running header above, folio below.
BODY_TOP_MM, BODY_BOTTOM_MM = 21, 297 - 22
CSS_PX_TO_PT = 0.75


@dataclass
class PageText:
    number: int
    body: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


def read_pages(path) -> list[PageText]:
    """Text of each page, split by role using position and size: running header, body,
    footnotes (8 pt and smaller; footnote calls are dropped), profile titles (20 pt+)."""
    pages = []
    for index, page in enumerate(PdfReader(path).pages):
        text = PageText(index + 1)

        def visit(chunk, cm, tm, font, size, text=text):
            if not chunk.strip():
                return
            points = size * CSS_PX_TO_PT
            y_mm = tm[5] / PX_PER_MM
            if y_mm < BODY_TOP_MM:
                text.header.append(chunk)
            elif y_mm > BODY_BOTTOM_MM:
                text.footer.append(chunk)
            elif points < 7:
                text.calls.append(chunk.strip())  # a footnote call, kept out of the sentence
            elif points <= 8.05:
                text.footnotes.append(chunk)
            else:
                text.body.append(chunk)
                if points >= 20:
                    text.titles.append(chunk)

        page.extract_text(visitor_text=visit)
        pages.append(text)
    return pages


def letters(text: str) -> str:
    """Letters and digits only, case-folded: the text without hyphenation or layout."""
    return re.sub(r"[^\w]|_", "", text.casefold())


CONTENTS_LINE = re.compile(r"^(?P<title>.+?)\s*(?:\.\s*){3,}(?P<page>\d+)$")


def contents_entries(pages: list[PageText], heading: str) -> list[tuple[str, int]]:
    """(title, page) for each line of the contents: the page headed `heading` and the
    pages after it that go on listing entries."""
    start = next((index for index, page in enumerate(pages) if _lines(page)[:1] == [heading]), None)
    if start is None:
        raise AssertionError(f"no contents page headed {heading!r}")
    entries: list[tuple[str, int]] = []
    for index, page in enumerate(pages[start:]):
        found = []
        pending = ""
        for line in _lines(page)[1 if index == 0 else 0 :]:
            match = CONTENTS_LINE.match(f"{pending} {line}".strip())
            if match:
                found.append((" ".join(match["title"].split()), int(match["page"])))
                pending = ""
            else:
                pending = f"{pending} {line}".strip()
        if not found:
            break
        entries += found
    return entries


def _lines(page: PageText) -> list[str]:
    return [line.strip() for chunk in page.body for line in chunk.splitlines() if line.strip()]


def title_of(profile, language: str) -> str:
    """A profile's line in the contents: name, subtitle, names in other languages, acronym,
    each in the edition's typography (curly apostrophes in English)."""
    title = apply(str(profile.name), language)
    if profile.subtitle:
        title += f" – {apply(str(profile.subtitle), language)}"
    for other in profile.other_names:
        if other.lang != language:
            title += f" – {other.name}"
    if profile.acronym:
        title += f" ({profile.acronym})"
    # Text extraction gives no-break spaces as spaces, as the contents reader splits them.
    return " ".join(title.split())


def comparable(text: str, rtl: bool = False) -> str:
    """`text` as it compares with what is read back from a PDF: spaces of any kind as one
    space; right to left, only its words' letters, sorted (a line is read back from left
    to right, so a right-to-left line's left-to-right words and brackets come out of place)."""
    if rtl:
        return " ".join(sorted(letters(word) for word in text.split()))
    return " ".join(text.split())


def _titled(name: str, titles: list[str], rtl: bool) -> bool:
    """Whether a page's titles hold `name` (right to left: each of its words)."""
    on_page = letters(" ".join(titles))
    return all(letters(word) in on_page for word in name.split()) if rtl else letters(name) in on_page


def misplaced_profiles(pages: list[PageText], heading: str, edition) -> list[str]:
    """Each profile whose title is not on the page the contents gives for it, or is
    already on the page before (so that the contents would point past its start)."""
    rtl = edition.direction == "rtl"
    entries = {comparable(title, rtl): number for title, number in contents_entries(pages, heading)}
    wrong = []
    for profile in edition.profiles():
        number = entries.get(comparable(title_of(profile, edition.language), rtl))
        name = str(profile.name)
        if number is None:
            wrong.append(f"{profile.id}: not in the contents")
        elif not _titled(name, pages[number - 1].titles, rtl):
            wrong.append(f"{profile.id}: not titled on page {number}, as the contents says")
        elif number > 1 and _titled(name, pages[number - 2].titles, rtl):
            wrong.append(f"{profile.id}: titled on page {number - 1} already, the contents says {number}")
    return wrong


def outline(path) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """(title, page, children) for each top-level bookmark; children as (title, page)."""
    reader = PdfReader(path)
    result: list[tuple[str, int, list[tuple[str, int]]]] = []
    for item in reader.outline:
        if isinstance(item, list):
            title, page, _ = result[-1]
            result[-1] = (title, page, [(child.title, reader.get_destination_page_number(child) + 1) for child in item])
        else:
            result.append((item.title, reader.get_destination_page_number(item) + 1, []))
    return result


# --- glyphs where they are drawn (pdfium) ------------------------------------------------

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Glyph:
    """A character as drawn: its text, its pen position (points from the page's bottom
    left) and its font's size."""

    char: str
    x: float
    y: float
    size: float
    font: str


def glyphs(path, index: int) -> list[Glyph]:
    """Every character drawn on page `index` (0-based), in pdfium's order."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    text_page = pypdfium2.PdfDocument(path)[index].get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    name = ctypes.create_string_buffer(200)
    found = []
    for char_index in range(text_page.count_chars()):
        if raw.FPDFText_IsGenerated(text_page, char_index):
            continue
        raw.FPDFText_GetCharOrigin(text_page, char_index, x, y)
        raw.FPDFText_GetFontInfo(text_page, char_index, name, len(name), None)
        size = raw.FPDFText_GetFontSize(text_page, char_index)
        char = chr(raw.FPDFText_GetUnicode(text_page, char_index))
        found.append(Glyph(char, x.value, y.value, size, name.value.decode().split("+")[-1]))
    return found


def page_height(path) -> float:
    import pypdfium2

    return pypdfium2.PdfDocument(path)[0].get_height()


def page_width(path) -> float:
    import pypdfium2

    return pypdfium2.PdfDocument(path)[0].get_width()


def furniture(path, index: int) -> tuple[float | None, float | None]:
    """The horizontal centre (points from the left edge) of the running head and of the
    folio on page `index`, or None where the page has none."""
    top = page_height(path) - BODY_TOP_MM * PT_PER_MM
    bottom = (297 - BODY_BOTTOM_MM) * PT_PER_MM
    drawn = [glyph for glyph in glyphs(path, index) if not glyph.char.isspace()]
    head = [glyph.x for glyph in drawn if glyph.y > top]
    folio = [glyph.x for glyph in drawn if glyph.y < bottom]
    return (
        (min(head) + max(head)) / 2 if head else None,
        (min(folio) + max(folio)) / 2 if folio else None,
    )


def lines(path, index: int) -> dict[float, str]:
    """The characters of page `index` by line (their baseline), each line's characters in
    the order they are drawn from left to right."""
    rows: dict[float, list[Glyph]] = {}
    for glyph in glyphs(path, index):
        rows.setdefault(round(glyph.y, 1), []).append(glyph)
    return {y: "".join(glyph.char for glyph in sorted(row, key=lambda g: g.x)) for y, row in rows.items()}


def space_advances(path, indexes) -> dict[str, set[float]]:
    """For each font and size, the distinct advances (in ems) of the spaces drawn on the
    pages `indexes` between two glyphs of one line: a justified text stretches them, each
    line its own way; a text set ragged keeps the font's own (and its letter spacing's:
    the layouts space the letters of labels and heads, each at its own size)."""
    advances: dict[str, set[float]] = {}
    for index in indexes:
        drawn = glyphs(path, index)
        for before, space, after in zip(drawn, drawn[1:], drawn[2:], strict=False):
            if space.char == " " and before.y == space.y == after.y and before.x < space.x < after.x:
                key = f"{space.font} {space.size:.1f}"
                advances.setdefault(key, set()).add(round((after.x - space.x) / space.size, 2))
    return advances


def column_lines(path, index: int) -> list[str]:
    """The lines of page `index`, column by column (the page's halves, left one first),
    each from the top, its characters from left to right."""
    middle = page_width(path) / 2
    rows: dict[tuple[bool, float], list[Glyph]] = {}
    for glyph in glyphs(path, index):
        rows.setdefault((glyph.x >= middle, -round(glyph.y, 1)), []).append(glyph)
    return ["".join(glyph.char for glyph in sorted(rows[key], key=lambda g: g.x)) for key in sorted(rows)]


def broken_at_hyphens(path, indexes) -> list[str]:
    """Each line of the pages `indexes` that ends with a hyphen, as `word-next`: its last
    word joined with the first word of the next line of its column. A word the hyphenator
    cut is not in the text with that hyphen; one cut after its own hyphen (pan-European) is."""
    found = []
    for index in indexes:
        ordered = [text.strip() for text in column_lines(path, index)]
        for line, after in zip(ordered, ordered[1:], strict=False):
            # pdfium reports a hyphen that ends a line before a letter as U+0002.
            end, start = re.search(r"([^\W\d_]+)[-\u2010\x02]$", line), re.match(r"[^\W\d_]+", after)
            if end and start:
                found.append(f"{end.group(1)}-{start.group()}")
    return found
