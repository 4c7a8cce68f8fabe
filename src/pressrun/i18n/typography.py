"""Typographic conventions of each language, applied when rendering text.

Babel's locale data has neither quotation marks nor punctuation spacing, so both are
declared here. French follows the Imprimerie nationale's rules as most French
publishers set them today:

- a narrow no-break space (U+202F) before `;`, `!` and `?`, between a number and `%`,
  and between the digit groups of a number (10 000), so that a number never breaks;
- a full no-break space (U+00A0) before `:`, which the tradition sets wider than the
  others (a choice: some houses use the narrow space there too);
- guillemets « » with a narrow no-break space inside.

Web and email addresses, phone numbers, times (10:30) and number ranges (2021-22) are
left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
_SPACES = f" {NBSP}{NARROW_NBSP}"

# Outer quotation marks: (opening, closing), as CLDR gives them for each language.
QUOTATION_MARKS = {
    "en": ("“", "”"),
    "fr": (f"«{NARROW_NBSP}", f"{NARROW_NBSP}»"),
    "de": ("„", "“"),
    "es": ("«", "»"),
    "it": ("«", "»"),
}

# Addresses and phone numbers are copied, never respaced.
_PROTECTED = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\S+\.(?:org|net|com|int|eu)\S*|\+ ?\d[\d ()]*\d"
)
# A number written in groups of three digits: 10 000, 1 500, 250 000.
_DIGIT_GROUPS = re.compile(f"(?<![\\d.,])\\d{{1,3}}(?:[{_SPACES}]\\d{{3}})+(?!\\d)")


_PLACEHOLDER = "\ue000"


def quotation_marks(language: str) -> tuple[str, str]:
    """The opening and closing quotation marks for `language` (English ones by default)."""
    return QUOTATION_MARKS.get(language, QUOTATION_MARKS["en"])


def _french_segment(text: str) -> str:
    text = re.sub(f"«[{_SPACES}]*", f"«{NARROW_NBSP}", text)
    text = re.sub(f"[{_SPACES}]*»", f"{NARROW_NBSP}»", text)
    text = re.sub(f"“[{_SPACES}]*", f"«{NARROW_NBSP}", text)
    text = re.sub(f"[{_SPACES}]*”", f"{NARROW_NBSP}»", text)
    text = re.sub(f"(?<=[^\\s;!?])[{_SPACES}]*([;!?]+)", f"{NARROW_NBSP}\\1", text)
    text = re.sub(f"(?<=[^\\s:])[{_SPACES}]*:(?=\\s|$)", f"{NBSP}:", text)
    text = re.sub(f"(?<=\\d)[{_SPACES}]*%", f"{NARROW_NBSP}%", text)
    return _DIGIT_GROUPS.sub(lambda match: re.sub(f"[{_SPACES}]", NARROW_NBSP, match.group()), text)


def french(text: str) -> str:
    """`text` set in French typography, addresses left untouched."""
    # Addresses stand aside as private-use placeholders while the rules run, so that
    # the punctuation around them is still seen.
    addresses = _PROTECTED.findall(text)
    masked = _PROTECTED.sub(lambda match: _PLACEHOLDER, text)
    if _PLACEHOLDER in text:
        return _french_segment(text)
    pieces = _french_segment(masked).split(_PLACEHOLDER)
    return "".join(piece + (addresses[index] if index < len(addresses) else "") for index, piece in enumerate(pieces))


RULES: dict[str, Callable[[str], str]] = {"fr": french}


def apply(text: str, language: str) -> str:
    """`text` with the typographic rules of `language` (unchanged where there are none)."""
    rule = RULES.get(language)
    return rule(text) if rule else text
