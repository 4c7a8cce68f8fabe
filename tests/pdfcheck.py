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


def misplaced_profiles(pages: list[PageText], heading: str, edition) -> list[str]:
    """Each profile whose title is not on the page the contents gives for it, or is
    already on the page before (so that the contents would point past its start)."""
    entries = dict(contents_entries(pages, heading))
    wrong = []
    for profile in edition.profiles():
        number = entries.get(title_of(profile, edition.language))
        name = letters(str(profile.name))
        if number is None:
            wrong.append(f"{profile.id}: not in the contents")
        elif name not in letters(" ".join(pages[number - 1].titles)):
            wrong.append(f"{profile.id}: not titled on page {number}, as the contents says")
        elif number > 1 and name in letters(" ".join(pages[number - 2].titles)):
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
