"""Right-to-left editions: the runs of their text that must be set left to right.

Input: a text of a right-to-left edition. Output: the spans of it to isolate as left to
right. WeasyPrint 70 orders text with the Unicode bidirectional algorithm, which keeps a
run of Latin letters in order but, inside right-to-left text, reverses the groups of a
phone number and puts a postcode after its town; it ignores `<bdi>` and the isolate
characters (U+2066–U+2069), so only an element with `dir="ltr"` isolates a run. Isolated:

- a text without a right-to-left letter, whole (its punctuation too), when it has a
  Latin letter or is a phone number: an address, a postal line, a Latin name or acronym,
  an untranslated sentence;
- inside right-to-left text, each phone number (`+` and digits), and each run that
  begins with a number and goes on with Latin letters (a postcode and its town), up to
  its last letter or digit before the next right-to-left letter.

Left alone: runs that begin with a Latin letter inside right-to-left text (the algorithm
keeps them in order, digits included), and numbers (page numbers, years, ranges such as
2014–2020, dates), which it orders as an Arabic reader reads them. The fewer isolates,
the better: WeasyPrint 70 spaces a justified line unevenly around them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# A phone number in international form, as the content writes them: + and digit groups.
_PHONE = re.compile(r"\+\d[\d ()./-]*\d")


@cache
def _kind(char: str) -> str:
    """`rtl` for a right-to-left letter, `ltr` for a left-to-right one, `digit`, or `other`."""
    category = unicodedata.bidirectional(char)
    if category in ("R", "AL"):
        return "rtl"
    if category == "L":
        return "ltr"
    return "digit" if category == "EN" else "other"


def ltr_runs(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of `text` to set left to right (see the module's rules)."""
    kinds = [_kind(char) for char in text]
    if "rtl" not in kinds:
        if "ltr" not in kinds and not _PHONE.search(text):
            return []
        core = text.strip()
        start = text.index(core)
        return [(start, start + len(core))]
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        phone = _PHONE.match(text, index)
        end = _run_end(kinds, index) if phone is None else phone.end()
        if end is None:
            index += 1
            continue
        runs.append((index, end))
        index = end
    return runs


def _run_end(kinds: list[str], start: int) -> int | None:
    """Where a run beginning at `start` ends, or None when none begins there: a run begins
    with a digit that a Latin letter follows before any right-to-left letter, and ends
    after its last letter or digit."""
    if kinds[start] != "digit" or (start and kinds[start - 1] in ("ltr", "digit")):
        return None
    last, seen_letter = start, False
    for index in range(start, len(kinds)):
        if kinds[index] == "rtl":
            break
        if kinds[index] in ("ltr", "digit"):
            last = index
            seen_letter = seen_letter or kinds[index] == "ltr"
    return last + 1 if seen_letter else None
