"""Reading built PDFs the way a reader sees them: body text, footnotes, titles, contents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pypdf import PdfReader

PX_PER_MM = 96 / 25.4
# The layout's page area on A4 (layouts/pdf/style.css): running header above, folio below.
BODY_TOP_MM, BODY_BOTTOM_MM = 24, 297 - 26
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
    """(title, page) for each line of the contents page whose heading is `heading`."""
    for page in pages:
        lines = [line.strip() for chunk in page.body for line in chunk.splitlines() if line.strip()]
        if lines and lines[0] == heading:
            entries = []
            pending = ""
            for line in lines[1:]:
                match = CONTENTS_LINE.match(f"{pending} {line}".strip())
                if match:
                    entries.append((" ".join(match["title"].split()), int(match["page"])))
                    pending = ""
                else:
                    pending = f"{pending} {line}".strip()
            return entries
    raise AssertionError(f"no contents page headed {heading!r}")


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
