"""What a typesetter looks at, measured on WeasyPrint's laid-out pages: how full each
page of a profile is, holes, runovers, decorated boxes running past their text, notes set
on another page than their calls, and the lines: hyphens (in acronyms, short fragments,
ladders, at a page turn), runts, lines broken far too early, straight quotes, numbers
split across lines.

Input: the laid-out pages. Output: a `Measurement`, plain data that crosses from the
layout workers: each profile's pages and fill, and every `Flaw` with its page and the
words it concerns, which the typesetting loop (`typeset`) corrects and the proof reports.
Boxes are told apart by their class names, so that reading this module does not load
WeasyPrint.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..content.inline import keep_whole

# The fill below which a page before a profile's last one is reported, and how much of
# a profile's last page its text (the contacts aside) may fill and the profile still be
# said to run over: a few lines, which nearly fitted a page less.
MIN_FILL = 0.75
RUNOVER_FILL = 0.1
# A column that stops this much (of its height) short while the text goes on has a hole.
HOLE = 0.15
# Letters a hyphenated word keeps on each side of its break.
MIN_FRAGMENT = 3
# Hyphenated lines in a row before they make a ladder.
MAX_HYPHENS_IN_A_ROW = 2
# A line inside a paragraph that takes less of its measure than this broke too early.
SHORT_LINE = 0.5
# Lines a quotation keeps on each side of a page or column break.
MIN_QUOTE_LINES = 3
# CSS pixels of rounding the engine's positions may have.
EPSILON = 1.0

PROFILE_PREFIX = "profile-"
# The blocks of a profile that must each be on a page (with the contact band).
_KEPT_BLOCKS = {"p", "li", "h2", "h3", "figure", "blockquote"}
# What the front matter (cover, preface, imprint, contents) is measured as, beside the
# profiles (a key no profile id can be).
FRONT_MATTER = "front matter"
FRONT_MATTER_CLASSES = {"cover", "preface", "imprint", "contents"}
# Where running text is: a runt or a ladder elsewhere (a heading, a contact line) is
# the designer's business, not the paragraph's.
TEXT_BLOCKS = {"p", "li", "dd"}
NOT_RUNNING_TEXT = {
    "contact-block",
    "attribution",
    "contents",
    "cover",
    "back-cover",
    "part-opening",
    "imprint",
    "wordmark",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CLOSING_MARKS = "”’»\u202f\u00a0"
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+|\S+\.(?:org|net|com|int|eu)\S*")


@dataclass(frozen=True)
class Flaw:
    """Something a typesetter would fix, on `page` (1-based, in its layout). `subject`
    is what a correction acts on: a word, two words to tie, or a block's path."""

    code: str
    page: int
    message: str
    profile: str = ""
    subject: str = ""


@dataclass(frozen=True)
class ProfileLayout:
    """A profile as laid out: its first page, how full each of its pages is, its flaws."""

    first_page: int
    fills: tuple[float, ...]
    flaws: tuple[Flaw, ...]


@dataclass(frozen=True)
class Measurement:
    profiles: dict[str, ProfileLayout]
    # Every flaw, those outside profiles (front matter) included.
    flaws: tuple[Flaw, ...]


@dataclass
class SetLine:
    """One line of text as set: where it is, what it says, and what holds it."""

    page: int
    profile: str
    region: tuple[int, int]
    block: object
    text: str
    bottom: float
    running_text: bool
    ancestors: tuple = ()
    # How much of its measure the line's text takes (0 to 1).
    fullness: float = 1.0
    hyphenated: bool = False
    broken_word: str = ""
    fragments: tuple[str, str] = ("", "")


@dataclass
class Region:
    """A column of a page (or the page's whole text area): its top, bottom and ink."""

    page: int
    profile: str
    top: float
    limit: float
    ink: float
    lines: list[SetLine] = field(default_factory=list)
    # How far the column's own text goes, without what spans the columns (the contacts).
    text_ink: float | None = None

    @property
    def fill(self) -> float:
        return self._fraction(self.ink)

    @property
    def text_fill(self) -> float:
        return self._fraction(self.ink if self.text_ink is None else self.text_ink)

    def _fraction(self, ink: float) -> float:
        return min(1.0, max(0.0, (ink - self.top) / max(self.limit - self.top, 1.0)))


def _name(box) -> str:
    return type(box).__name__


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def _element_id(box) -> str:
    element = getattr(box, "element", None)
    return (element.get("id") or "") if element is not None else ""


def _bottom(box) -> float:
    return box.position_y + box.margin_height()


def _walk(box, ancestors: tuple = ()) -> Iterator[tuple[object, tuple]]:
    """Every box under `box` with its ancestors, in reading order, without margin boxes."""
    for child in getattr(box, "children", ()):
        if _name(child) == "MarginBox":
            continue
        yield child, ancestors
        if _name(child) != "LineBox":
            yield from _walk(child, (*ancestors, child))


def line_text(line) -> str:
    """The text a reader sees on a line, without footnote calls and list markers."""
    parts = []
    for box in getattr(line, "children", ()):
        tag = getattr(box, "element_tag", "") or ""
        if tag.endswith(("::footnote-call", "::marker")):
            continue
        if _name(box) == "TextBox":
            parts.append(box.text.replace("\u00ad", ""))
        elif _name(box) == "InlineBox":
            parts.append(line_text(box))
    return "".join(parts)


def _fullness(line, block) -> float:
    """How much of its measure (its block's width) a line's content takes."""
    if block is None or not block.width:
        return 1.0
    ends = [child.position_x + child.margin_width() for child in getattr(line, "children", ())]
    return (max(ends, default=line.position_x) - block.content_box_x()) / block.width


def _is_running_text(block, ancestors: tuple) -> bool:
    if getattr(block, "element_tag", None) not in TEXT_BLOCKS:
        return False
    return not any(
        _name(a) == "FootnoteAreaBox" or getattr(a, "element_tag", None) in HEADINGS or _classes(a) & NOT_RUNNING_TEXT
        for a in ancestors
    )


def _profile_of(ancestors: tuple) -> str:
    """The profile a box is in, FRONT_MATTER, or "" (a part's opening, the back cover)."""
    for box in ancestors:
        if getattr(box, "element_tag", None) == "article" and _element_id(box).startswith(PROFILE_PREFIX):
            return _element_id(box).removeprefix(PROFILE_PREFIX)
        if _classes(box) & FRONT_MATTER_CLASSES:
            return FRONT_MATTER
    return ""


def _column_of(ancestors: tuple) -> int:
    columns = [box for box in ancestors if getattr(box, "is_column", False)]
    return round(columns[-1].position_x) if columns else -1


def decorated(box) -> bool:
    """Whether a block-level box has a tint or a rule of its own."""
    style = getattr(box, "style", None)
    name = _name(box)
    if style is None or name.startswith("Inline") or not name.endswith(("BlockBox", "FlexBox", "GridBox")):
        return False
    background = style["background_color"]
    borders = (box.border_top_width, box.border_bottom_width, box.border_left_width, box.border_right_width)
    return getattr(background, "alpha", 0) > 0 or any(width > 0 for width in borders)


def natural_end(box) -> tuple[float, float]:
    """Where `box`'s content would end if it were not stretched to the foot of a page (as
    the engine stretches a box that goes on over the next one), and the bottom margin
    still collapsing through that end: from its last line or image upwards."""
    if _name(box) == "LineBox" or "Replaced" in _name(box):
        return box.position_y + box.height, 0.0
    children = [child for child in getattr(box, "children", ()) if child.is_in_normal_flow()]
    if not children:
        return box.content_box_y(), 0.0
    # Flex items stand side by side: the tallest ends the box.
    ends = [_closed_end(child) for child in (children if "Flex" in _name(box) else children[-1:])]
    return max(ends)


def _closed_end(box) -> tuple[float, float]:
    bottom, margin = natural_end(box)
    if box.padding_bottom or box.border_bottom_width:
        bottom, margin = bottom + margin + box.padding_bottom + box.border_bottom_width, 0.0
    return bottom, max(margin, box.margin_bottom)


class _PageReader:
    """Reads the pages once, into lines and regions, and the decorations' flaws."""

    def __init__(self, pages):
        self.lines: list[SetLine] = []
        self.regions: dict[tuple[int, int, str], Region] = {}
        self.flaws: list[Flaw] = []
        # Footnote numbers: where each is called (page, profile), and the page of its note.
        self.calls: dict[str, tuple[int, str]] = {}
        self.notes: dict[str, int] = {}
        # The elements that were given a box, and the document's root element.
        self.set_elements: set[int] = set()
        self.root = None
        for number, page in enumerate(pages, start=1):
            self._read_page(number, page._page_box)

    def _read_page(self, number: int, page_box) -> None:
        top = page_box.content_box_y()
        limit = top + page_box.height
        footnotes = [child for child in page_box.children if _name(child) == "FootnoteAreaBox" and child.children]
        if footnotes:
            limit = min(limit, footnotes[0].position_y)
        for box, ancestors in _walk(page_box):
            element = getattr(box, "element", None)
            if element is not None:
                self.set_elements.add(id(element))
                self.root = self.root if self.root is not None else element
            profile = _profile_of((*ancestors, box))
            if getattr(box, "is_column", False) or (_name(box) == "BlockBox" and box.element_tag == "article"):
                key = (number, round(box.position_x) if getattr(box, "is_column", False) else -1, profile)
                self.regions.setdefault(key, Region(number, profile, top, limit, box.position_y))
            if _name(box) == "LineBox":
                self._read_line(number, box, ancestors, profile)
                self._read_notes(number, box, profile)
            elif decorated(box):
                self._check_decoration(number, box, ancestors, profile)

    def lost_flaws(self) -> Iterator[Flaw]:
        """A block of a profile that the engine gave no box at all: it is not on any page.
        (WeasyPrint drops a block that must not break inside a column, such as the contact
        band, when it does not fit where it falls.) Reported on the profile's last page."""
        if self.root is None:
            return
        last_page: dict[str, int] = {}
        for line in self.lines:
            last_page[line.profile] = max(line.page, last_page.get(line.profile, 0))
        for article in self.root.iter("article"):
            profile = (article.get("id") or "").removeprefix(PROFILE_PREFIX)
            if not (article.get("id") or "").startswith(PROFILE_PREFIX) or id(article) not in self.set_elements:
                continue
            for element in article.iter():
                kept = element.tag in _KEPT_BLOCKS or "contact-block" in (element.get("class") or "").split()
                if kept and id(element) not in self.set_elements:
                    text = " ".join("".join(element.itertext()).split())
                    message = f"“{text[:60]}” is on no page: the engine dropped it"
                    yield Flaw("lost", last_page.get(profile, 1), message, profile)

    def _read_line(self, number: int, box, ancestors: tuple, profile: str) -> None:
        block = ancestors[-1] if ancestors else None
        in_footnote = any(_name(a) == "FootnoteAreaBox" for a in ancestors)
        line = SetLine(
            number,
            profile,
            (number, _column_of(ancestors)),
            getattr(block, "element", None),
            line_text(box),
            _bottom(box),
            _is_running_text(block, ancestors),
            ancestors,
            _fullness(box, block),
        )
        self.lines.append(line)
        region = self.regions.get((number, line.region[1], profile))
        if region is not None and not in_footnote:
            region.ink = max(region.ink, line.bottom)
            region.lines.append(line)

    def _read_notes(self, number: int, line, profile: str) -> None:
        for box, _ in _walk(line, ()):
            tag = getattr(box, "element_tag", "") or ""
            label = "".join(child.text for child in getattr(box, "children", ()) if _name(child) == "TextBox")
            label = label.strip().rstrip(".")
            if tag.endswith("::footnote-call") and label:
                self.calls.setdefault(label, (number, profile))
            elif tag.endswith("::footnote-marker") and label:
                self.notes.setdefault(label, number)

    def footnote_flaws(self) -> Iterator[Flaw]:
        """A note set on another page than its call."""
        for label, (page, profile) in self.calls.items():
            if self.notes.get(label, page) != page:
                message = f"footnote {label} is called on page {page} but set on page {self.notes[label]}"
                yield Flaw("footnote-moved", page, message, profile)

    def _check_decoration(self, number: int, box, ancestors: tuple, profile: str) -> None:
        """A decorated box stretched to the foot of its page past its last line."""
        drawn = box.border_box_y() + box.border_height()
        bottom, margin = natural_end(box)
        closed = box.padding_bottom or box.border_bottom_width
        natural = bottom + (margin if closed else 0) + box.padding_bottom + box.border_bottom_width
        region = self.regions.get((number, _column_of(ancestors), profile))
        if region is None:
            return
        region.ink = max(region.ink, min(drawn, natural))
        if drawn - natural > 2 * EPSILON:
            millimetres = (drawn - natural) * 25.4 / 96
            message = f"a {box.element_tag} box’s rule or tint runs {millimetres:.0f} mm past its text"
            self.flaws.append(Flaw("decoration", number, message, profile))


# --- lines -------------------------------------------------------------------------------

_WORD_AT_END = re.compile(r"(\S+)$")
# What ends a hyphenated line: the hyphen-minus or U+2010 HYPHEN (the engine's default).
HYPHENS = ("-", "\u2010")
_WORD_AT_START = re.compile(r"^(\S+)")


def _source_text(element) -> str:
    """The paragraph's text as written, soft hyphens (breaks the text only allows) left out."""
    text = "".join(element.itertext()).replace("\u00ad", "") if element is not None else ""
    return " ".join(text.split()).casefold()


def paragraphs(lines: list[SetLine]) -> list[list[SetLine]]:
    """The lines of each paragraph (list item, quotation line…), in reading order, across
    columns and pages."""
    groups: dict[int, list[SetLine]] = {}
    for line in lines:
        groups.setdefault(id(line.block) if line.block is not None else id(line), []).append(line)
    return list(groups.values())


def _mark_hyphens(paragraph: list[SetLine]) -> None:
    """Find the lines that end with a hyphen the engine added (not one the text has): the
    word put back together must be in the paragraph's text without that hyphen."""
    source = None
    for line, after in zip(paragraph, paragraph[1:], strict=False):
        end, start = _WORD_AT_END.search(line.text.rstrip()), _WORD_AT_START.search(after.text.lstrip())
        if not (end and start and end.group(1).endswith(HYPHENS) and len(end.group(1)) > 1):
            continue
        before, rest = end.group(1)[:-1], start.group(1)
        source = source if source is not None else _source_text(line.block)
        if (before + rest).casefold() in source and (before + "-" + rest).casefold() not in source:
            line.hyphenated = True
            line.broken_word = re.sub(r"^\W+|\W+$", "", before + rest)
            line.fragments = (re.sub(r"\W", "", before), re.sub(r"\W", "", rest))


def _hyphen_flaws(paragraph: list[SetLine]) -> Iterator[Flaw]:
    """Hyphens in words that must stay whole, too short fragments, ladders, page turns."""
    run = 0
    for index, line in enumerate(paragraph):
        run = run + 1 if line.hyphenated else 0
        if not line.hyphenated:
            continue
        word, (before, after) = line.broken_word, line.fragments
        if keep_whole(word):
            yield Flaw("bad-hyphen", line.page, f"“{word}” is hyphenated ({before}-/{after})", line.profile, word)
        elif min(len(before), len(after)) < MIN_FRAGMENT:
            yield Flaw("short-fragment", line.page, f"“{word}” is hyphenated {before}-/{after}", line.profile, word)
        if run > MAX_HYPHENS_IN_A_ROW and line.running_text:
            yield Flaw("ladder", line.page, f"{run} hyphenated lines in a row, down to “{word}”", line.profile, word)
        following = paragraph[index + 1]
        if following.page != line.page and line.running_text:
            message = f"“{word}” is hyphenated across the page turn"
            yield Flaw("page-turn-hyphen", line.page, message, line.profile, word)


def _paragraph_flaws(paragraph: list[SetLine]) -> Iterator[Flaw]:
    """A runt (the last line holding one word, not an address), lines ending far too early
    inside a paragraph, and numbers split across lines."""
    last, words = paragraph[-1], paragraph[-1].text.split()
    before = paragraph[-2] if len(paragraph) > 1 else None
    word_before = (before.text.split() or [""])[-1] if before else ""
    # A web or email address broken over its last line is not a runt: it cannot be tied.
    if last.running_text and before and len(words) == 1 and not _ADDRESS.search(word_before + words[0]):
        # The pair as the text has it: a quote's closing quotation mark is the layout's.
        pair = f"{word_before} {words[0]}".rstrip(_CLOSING_MARKS)
        subject = before.broken_word if before.hyphenated else pair
        yield Flaw("runt", last.page, f"“{words[0]}” alone on the last line of a paragraph", last.profile, subject)
    for line, after in zip(paragraph, paragraph[1:], strict=False):
        # A line before a web or email address, which cannot break, may end short.
        unbreakable = _ADDRESS.match(after.text.strip())
        if line.running_text and line.fullness < SHORT_LINE and not unbreakable:
            message = f"a line of “{line.text.strip()}” ends {1 - line.fullness:.0%} short inside a paragraph"
            yield Flaw("short-line", line.page, message, line.profile, line.broken_word)
        if re.search(r"(?<![\d.,])\d{1,3}\s*$", line.text) and re.match(r"\s*\d{3}(?!\d)", after.text):
            number = f"{line.text.split()[-1]} {after.text.split()[0]}"
            yield Flaw("split-number", line.page, f"the number “{number}” is split across lines", line.profile)


def _language(line: SetLine) -> str:
    return next((str(box.style["lang"]) for box in reversed(line.ancestors) if box.style["lang"]), "")


def _quote_flaws(lines: list[SetLine]) -> Iterator[Flaw]:
    """Straight quotation marks and apostrophes in English text."""
    for line in lines:
        text = _ADDRESS.sub("", line.text)
        marks = [char for char in text if char in "'\""]
        if marks and _language(line).startswith("en"):
            kind = "apostrophe" if marks[0] == "'" else "quotation mark"
            message = f"a straight {kind} in “{line.text.strip()[:50]}”"
            yield Flaw("straight-quote", line.page, message, line.profile)


def _figure_path(line: SetLine, kind: str) -> str:
    """The content path of the `kind` figure (quote, pullquote) holding `line`, if any."""
    figure = next((box for box in line.ancestors if kind in _classes(box) and box.element_tag == "figure"), None)
    return (figure.element.get("data-path") or "") if figure is not None else ""


def _split_quote_flaws(lines: list[SetLine]) -> Iterator[Flaw]:
    """A quotation broken with fewer than MIN_QUOTE_LINES lines on one side."""
    parts: dict[str, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    first_page: dict[str, tuple[int, str]] = {}
    for line in lines:
        path = _figure_path(line, "quote")
        if path and line.profile:
            parts[(line.profile, path)][line.region] += 1
            first_page.setdefault((line.profile, path), (line.page, line.profile))
    for (profile, path), counts in parts.items():
        if len(counts) > 1 and min(counts.values()) < MIN_QUOTE_LINES:
            shape = "/".join(str(count) for count in counts.values())
            message = f"a quotation split {shape} lines across a break"
            yield Flaw("split-quote", first_page[(profile, path)][0], message, profile, path)


def _profile_regions(regions: dict) -> dict[str, dict[int, list[Region]]]:
    """Each profile's regions by page: its columns, or its page's text area without them.
    A column the engine left empty (the second one on a profile's last page) counts,
    empty, as a region."""
    pages: dict[str, dict[int, list[Region]]] = defaultdict(lambda: defaultdict(list))
    for (page, _, profile), region in regions.items():
        if profile and profile != FRONT_MATTER:
            pages[profile][page].append(region)
    for by_page in pages.values():
        for page, found in by_page.items():
            columns = [region for (_, column, _), region in regions.items() if region in found and column >= 0]
            # What spans the columns (the header, the contact band) fills each of them.
            across = max((region.ink for region in found if region not in columns), default=0.0)
            for column in columns:
                column.text_ink, column.ink = column.ink, max(column.ink, across)
            by_page[page] = columns or found
        most = max(len(found) for found in by_page.values())
        for page, found in by_page.items():
            top = found[0]
            found += [Region(page, top.profile, top.top, top.limit, top.top) for _ in range(most - len(found))]
    return pages


def _holes(by_page: dict[int, list[Region]]) -> dict[int, tuple[float, str]]:
    """The largest hole of each page before the profile's last page, and what comes
    after it (a pull quote's path, when one moved whole to the next column or page)."""
    order = [region for page in sorted(by_page) for region in by_page[page] if page < max(by_page)]
    order += by_page[max(by_page)][:1]
    holes: dict[int, tuple[float, str]] = {}
    for region, after in zip(order, order[1:], strict=False):
        gap = 1 - region.fill
        if gap > holes.get(region.page, (0.0, ""))[0]:
            # A hole at a page's end may be a pull quote's doing at the top of any column
            # of the next page: the engine moves the whole body when one does not fit.
            following = [after] if after.page == region.page else by_page[after.page]
            holes[region.page] = (gap, _pull_quote_on_top(following))
    return holes


def _pull_quote_on_top(regions: list[Region]) -> str:
    """The content path of a pull quote that begins one of `regions`, if any."""
    return next(
        (path for region in regions for line in region.lines[:1] if (path := _figure_path(line, "pullquote"))), ""
    )


def _fill_flaws(profile: str, by_page: dict[int, list[Region]], fills: list[float]) -> Iterator[Flaw]:
    """Pages before the last one not full enough, holes in columns, and a runover: a
    last page whose text (the contacts aside) ends near its top."""
    numbers = sorted(by_page)
    holes = _holes(by_page)
    for page, fill in zip(numbers, fills, strict=True):
        gap, subject = holes.get(page, (0.0, ""))
        if page != numbers[-1] and fill < MIN_FILL:
            yield Flaw(
                "page-fill", page, f"the page is {fill:.0%} full before the profile’s last page", profile, subject
            )
        elif gap > HOLE:
            yield Flaw("hole", page, f"a column stops {gap:.0%} short of the foot of the page", profile, subject)
    last = by_page[numbers[-1]]
    text = sum(region.text_fill for region in last) / len(last)
    if len(numbers) > 1 and text < RUNOVER_FILL:
        message = f"the profile runs over onto page {numbers[-1]}, whose text fills {text:.0%} of it"
        yield Flaw("runover", numbers[-1], message, profile)


def measure(pages) -> Measurement:
    """What a typesetter sees on the laid-out `pages` (see the module's docstring)."""
    reader = _PageReader(pages)
    flaws = [*reader.flaws, *reader.footnote_flaws(), *reader.lost_flaws()]
    for paragraph in paragraphs(reader.lines):
        _mark_hyphens(paragraph)
        flaws += [*_hyphen_flaws(paragraph), *_paragraph_flaws(paragraph)]
    flaws += [*_quote_flaws(reader.lines), *_split_quote_flaws(reader.lines)]
    profiles = {}
    for profile, by_page in _profile_regions(reader.regions).items():
        fills = [sum(region.fill for region in found) / len(found) for _, found in sorted(by_page.items())]
        flaws += _fill_flaws(profile, by_page, fills)
        mine = tuple(flaw for flaw in flaws if flaw.profile == profile)
        profiles[profile] = ProfileLayout(min(by_page), tuple(fills), mine)
    front = tuple(flaw for flaw in flaws if flaw.profile == FRONT_MATTER)
    if front:
        profiles[FRONT_MATTER] = ProfileLayout(front[0].page, (), front)
    return Measurement(profiles, tuple(sorted(flaws, key=lambda flaw: (flaw.page, flaw.code))))
