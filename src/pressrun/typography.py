"""Typographic conventions of each language, applied when rendering text.

Babel's locale data has no quotation marks, so they are declared here per language,
following each language's usual printed conventions (CLDR delimiters).
"""

from __future__ import annotations

NARROW_NBSP = "\u202f"

# Outer quotation marks: (opening, closing). French sets guillemets with a narrow
# no-break space inside.
QUOTATION_MARKS = {
    "en": ("“", "”"),
    "fr": (f"«{NARROW_NBSP}", f"{NARROW_NBSP}»"),
    "de": ("„", "“"),
    "es": ("«", "»"),
    "it": ("«", "»"),
}


def quotation_marks(language: str) -> tuple[str, str]:
    """The opening and closing quotation marks for `language` (English ones by default)."""
    return QUOTATION_MARKS.get(language, QUOTATION_MARKS["en"])
