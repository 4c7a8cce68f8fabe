"""Typographic conventions of each language, applied when rendering text: a string in,
the same string set as the language's typography wants it out.

Babel's locale data has neither quotation marks nor punctuation spacing, so both are
declared here. Each language's quotation marks come in two pairs, as CLDR gives them:
the outer ones, which the layouts put around a quotation, and the inner ones, which a
quotation inside it takes (`nested`). Everywhere, web and email addresses and phone
numbers are copied as they are. The house rule for dashes (English and French): a spaced
en dash for a break in a sentence (`--`, a spaced hyphen and an em dash become one), tied
to the word before it so that a line never begins with it.

English: curly quotation marks and apostrophes (‘ ’ “ ”), and an en dash in number
ranges (2020–2023, 4–5 April), as the catalogs' source texts are typed on keyboards.

French follows the Imprimerie nationale's rules as most French publishers set them
today:

- a narrow no-break space (U+202F) before `;`, `!` and `?`, between a number and `%`, a
  unit (km, °C…) or a currency sign, and between the groups of a large number (1 750);
- a full no-break space (U+00A0) before `:`, which the tradition sets wider than the
  others (a choice: some houses use the narrow space there too);
- guillemets « » with a narrow no-break space inside.

Times (10:30) and number ranges (2021-22, which French writes with a hyphen) are left as
they are.

Russian (after Мильчин's handbook) and Spanish (after the RAE's Ortografía):

- numbers of four digits are not grouped (1500), longer ones are grouped in threes with
  a narrow no-break space (10 000); only numbers written with group spaces are touched,
  so that years and postcodes stay as they are;
- Russian: a no-break space after one- and two-letter prepositions, conjunctions and
  particles (в, и, на, не…), before a dash, and between a number and its abbreviated unit
  (2005 г., 3 млн, 50 %);
- Spanish: a no-break space between a number and `%`, and none inside « ».

Chinese and Arabic: the half-width comma, colon, semicolon, question and exclamation
marks (and, in Chinese, parentheses) next to a letter of the script become the script's
own (，：；？！（） and ، ؛ ؟).
"""

from __future__ import annotations

import re
from collections.abc import Callable

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
EN_DASH = "\u2013"
_SPACES = f" {NBSP}{NARROW_NBSP}"

# Quotation marks: (opening, closing) outside, and inside a quotation where the language
# nests them, as CLDR gives them for each language. French keeps its guillemets inside.
QUOTATION_MARKS = {
    "en": ("“", "”"),
    "fr": (f"«{NARROW_NBSP}", f"{NARROW_NBSP}»"),
    "de": ("„", "“"),
    "es": ("«", "»"),
    "it": ("«", "»"),
    "ru": ("«", "»"),
    "ar": ("«", "»"),
    "zh": ("“", "”"),
}
INNER_QUOTATION_MARKS = {
    "en": ("‘", "’"),
    "de": ("‚", "‘"),
    "es": ("“", "”"),
    "it": ("“", "”"),
    "ru": ("„", "“"),
    "zh": ("‘", "’"),
}

# Addresses and phone numbers are copied, never respaced.
_PROTECTED = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\S+\.(?:org|net|com|int|eu)\S*"
    r"|\+ ?\d[\d ()/.-]*\d"
)

# A number written in groups of three digits: 1 750, 10 000, 250 000.
_DIGIT_GROUPS = re.compile(f"(?<![\\d,.])\\d{{1,3}}(?:[{_SPACES}]\\d{{3}})+(?![\\d,])")

_PLACEHOLDER = "\ue000"

# Where a sentence opens a quotation: at the start, after a space, a bracket or a dash.
_OPENS = f"(?:^|(?<=[\\s(\\[{{{EN_DASH}—/]))"


def quotation_marks(language: str) -> tuple[str, str]:
    """The opening and closing quotation marks for `language` (English ones by default)."""
    return QUOTATION_MARKS.get(language, QUOTATION_MARKS["en"])


def dashes(text: str) -> str:
    """The house rule: `--`, a spaced hyphen or an em dash between words becomes a spaced
    en dash, tied to the word before it."""
    text = re.sub(f"[{_SPACES}]*(?:--|—)[{_SPACES}]*", f"{NBSP}{EN_DASH} ", text)
    return re.sub(f"(?<=\\S)[{_SPACES}]+[-{EN_DASH}][{_SPACES}]+(?=\\D)", f"{NBSP}{EN_DASH} ", text)


def english_quotes(text: str) -> str:
    """Straight quotation marks and apostrophes turned curly."""
    text = re.sub(f'{_OPENS}"(?=\\S)', "“", text)
    text = text.replace('"', "”")
    # An apostrophe before a decade ('90s) is a closing mark; any other opening one starts a quotation.
    text = re.sub(f"{_OPENS}'(?=\\d0s)", "’", text)
    text = re.sub(f"{_OPENS}'(?=\\S)", "‘", text)
    return text.replace("'", "’")


def number_ranges(text: str) -> str:
    """An en dash, closed up, between the numbers of a range (2020-2023, 4 - 5 April); not
    in numbers with a leading zero (a unit 06-01), codes (COVID-19) or dates (2021-10-06)."""
    return re.sub(
        f"(?<![\\w.,/-])([1-9]\\d{{0,3}})[{_SPACES}]?-[{_SPACES}]?([1-9]\\d{{0,3}})(?![\\w/-])",
        f"\\1{EN_DASH}\\2",
        text,
    )


def _english_segment(text: str) -> str:
    return dashes(number_ranges(english_quotes(text)))


# Units and currency signs that take a narrow no-break space after a number in French.
_FRENCH_UNITS = r"%|‰|°C|°|€|\$|£|CHF|USD|EUR|km²|km|m²|kg|ha\b|t\b"


def _french_segment(text: str) -> str:
    text = re.sub(f"«[{_SPACES}]*", f"«{NARROW_NBSP}", text)
    text = re.sub(f"[{_SPACES}]*»", f"{NARROW_NBSP}»", text)
    text = re.sub(f"“[{_SPACES}]*", f"«{NARROW_NBSP}", text)
    text = re.sub(f"[{_SPACES}]*”", f"{NARROW_NBSP}»", text)
    text = re.sub(f"(?<=[^\\s;!?])[{_SPACES}]*([;!?]+)", f"{NARROW_NBSP}\\1", text)
    text = re.sub(f"(?<=[^\\s:])[{_SPACES}]*:(?=\\s|$)", f"{NBSP}:", text)
    text = re.sub(f"(?<=\\d)[{_SPACES}]?({_FRENCH_UNITS})", f"{NARROW_NBSP}\\1", text)
    text = digit_groups(text)
    return dashes(text)


def digit_groups(text: str) -> str:
    """The groups of a large number (1 750, 250 000) joined by narrow no-break spaces."""
    return _DIGIT_GROUPS.sub(lambda match: re.sub(f"[{_SPACES}]", NARROW_NBSP, match.group(0)), text)


def _protecting(rule: Callable[[str], str]) -> Callable[[str], str]:
    """`rule` applied to a text with its addresses and phone numbers left untouched."""

    def apply_rule(text: str) -> str:
        # Addresses stand aside as private-use placeholders while the rule runs, so that
        # the punctuation around them is still seen.
        if _PLACEHOLDER in text:
            return rule(text)
        addresses = _PROTECTED.findall(text)
        pieces = rule(_PROTECTED.sub(_PLACEHOLDER, text)).split(_PLACEHOLDER)
        return "".join(piece + (addresses[i] if i < len(addresses) else "") for i, piece in enumerate(pieces))

    return apply_rule


def _grouped(match: re.Match) -> str:
    """Four digits ungrouped, more grouped in threes with narrow no-break spaces."""
    digits = re.sub(f"[{_SPACES}]", "", match.group())
    if len(digits) <= 4:
        return digits
    head = len(digits) % 3 or 3
    return NARROW_NBSP.join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])


# Russian words that never end a line: one- and two-letter prepositions, conjunctions and particles.
_RUSSIAN_SHORT_WORDS = "в|во|к|ко|с|со|о|об|у|и|а|я|но|да|на|по|за|из|от|до|не|ни|же|ли"


def _russian_segment(text: str) -> str:
    text = _DIGIT_GROUPS.sub(_grouped, text)
    text = re.sub(f"(?i)(?<![\\w-])({_RUSSIAN_SHORT_WORDS}) +(?=[\\w«„(])", f"\\1{NBSP}", text)
    text = re.sub(f"[{_SPACES}]+—", f"{NBSP}—", text)
    return re.sub("(\\d) +(г\\.|гг\\.|млн|млрд|тыс\\.|%)", f"\\1{NBSP}\\2", text)


def _spanish_segment(text: str) -> str:
    text = _DIGIT_GROUPS.sub(_grouped, text)
    text = re.sub(f"(\\d)[{_SPACES}]*%", f"\\1{NBSP}%", text)
    text = re.sub(f"«[{_SPACES}]+", "«", text)
    return re.sub(f"[{_SPACES}]+»", "»", text)


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FULL_WIDTH = str.maketrans(",:;!?()", "，：；！？（）")


def _chinese_segment(text: str) -> str:
    # Parentheses next to a Han character, then half-width punctuation after one (or after
    # a full-width closing mark), without the space a Latin mark would take.
    text = re.sub(f"\\((?=[{_HAN}])|(?<=[{_HAN}])\\)", lambda m: m.group().translate(_FULL_WIDTH), text)
    return re.sub(f"(?<=[{_HAN}）”’》」])[,:;!?] ?", lambda m: m.group().strip().translate(_FULL_WIDTH), text)


_ARABIC_PUNCTUATION = str.maketrans(",;?", "،؛؟")


def _arabic_segment(text: str) -> str:
    return re.sub("(?<=[\u0600-\u06ff])[,;?]", lambda m: m.group().translate(_ARABIC_PUNCTUATION), text)


english = _protecting(_english_segment)
french = _protecting(_french_segment)

RULES: dict[str, Callable[[str], str]] = {
    "en": english,
    "fr": french,
    "ru": _protecting(_russian_segment),
    "es": _protecting(_spanish_segment),
    "zh": _protecting(_chinese_segment),
    "ar": _protecting(_arabic_segment),
}


def nested(text: str, language: str) -> str:
    """`text` as a quotation inside a quotation: its outer quotation marks become inner ones."""
    if language not in INNER_QUOTATION_MARKS:
        return text
    (outer_open, outer_close), (inner_open, inner_close) = quotation_marks(language), INNER_QUOTATION_MARKS[language]
    return text.replace(outer_open, inner_open).replace(outer_close, inner_close)


def apply(text: str, language: str, quoted: bool = False) -> str:
    """`text` with the typographic rules of `language` (unchanged where there are none);
    `quoted` when the layout sets it inside quotation marks, which its own ones nest in."""
    rule = RULES.get(language)
    text = rule(text) if rule else text
    return nested(text, language) if quoted else text
