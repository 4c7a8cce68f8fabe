"""Declarations of content fields: the vocabulary `model` is written in.

Each model field is declared once, with `declare(...)`: its documentation, whether its
text goes to translators (and with which comment) and its value checks (`Url`, `Email`,
...). `convert` reads those declarations to validate YAML and build the frozen model;
`texts` to find the translatable texts; `reference` to print the README's reference.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from ..config import is_language_code
from ..errors import Origin
from ..files import MAX_TEXT_CHARS, character_problem, unusable_character


class Text(str):
    """A string from the content that remembers where it was written and, when it is shown
    in an edition of another language because its translation is missing, its language."""

    origin: Origin
    fallback_lang: str | None

    def __new__(cls, value: str, origin: Origin, fallback_lang: str | None = None) -> Text:
        text = super().__new__(cls, value)
        text.origin = origin
        text.fallback_lang = fallback_lang
        return text

    def __reduce__(self):
        # Keep the origin when texts cross process boundaries.
        return (Text, (str(self), self.origin, self.fallback_lang))


def text_problem(text: str) -> tuple[str, str] | None:
    """(code, message) when `text` cannot be a text of the publication: too long, or
    holding a character no output may carry (a control character, say, written `"\\a"`)."""
    index = unusable_character(text)
    if index is not None:
        return "control-character", f"{character_problem(text, index)} (character {index + 1} of the text)"
    if len(text) > MAX_TEXT_CHARS:
        return "too-long", f"{len(text):,} characters long; a text may have at most {MAX_TEXT_CHARS:,}: split it"
    return None


@dataclass(frozen=True)
class Check:
    """A named test that a string value must pass, with the message shown when it fails."""

    name: str
    test: Callable[[str], bool]
    message: str


def declare(
    doc: str,
    *,
    default: Any = dataclasses.MISSING,
    translate: str | None = None,
    editorial: bool = False,
) -> Any:
    """Declare a model field: `doc` is its reference text; `translate`, when given, is the
    comment shown to translators for its text (which makes the field translatable);
    `editorial` fields are the editor's record, not the organisation's entry (they are
    left out of its form and of the changes in its entry)."""
    metadata = {"doc": doc, "translate": translate, "editorial": editorial}
    if isinstance(default, (list, dict)):
        raise TypeError("use an immutable default")
    return dataclasses.field(default=default, metadata=metadata)


def entry_fields(model: Any) -> list[dataclasses.Field]:
    """The fields of a model class (or object) that make an organisation's entry: not the
    converter's (origins), not the editor's record (editorial), not the id from the file name."""
    return [
        field
        for field in dataclasses.fields(model)
        if not field.metadata.get("internal") and not field.metadata.get("editorial") and field.name != "id"
    ]


def origin_field() -> Any:
    """The place in the YAML file where an object starts; filled in by the converter."""
    return dataclasses.field(default=Origin(""), compare=False, repr=False, metadata={"internal": True})


# --- value checks -------------------------------------------------------------------------

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+ ?[0-9][0-9 ()./-]*[0-9]$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HOST = re.compile(r"^(?=.{4,253}$)([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$")
# Babel's territory list also holds regions and private-use codes that are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


# The characters RFC 3986 allows in a URL (square brackets aside: they are for IPv6 hosts),
# so that an address can never end an attribute or open a tag in an output.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+")


def _is_url(value: str) -> bool:
    if not _URL_CHARACTERS.fullmatch(value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(_HOST.match(parts.hostname or ""))


def _is_phone(value: str) -> bool:
    digits = sum(ch.isdigit() for ch in value)
    # E.164 numbers have at most 15 digits; the source prints a trunk "(0)" now and then.
    return bool(_PHONE.match(value)) and 7 <= digits <= 16


def _is_country(value: str) -> bool:
    from babel import Locale

    return (
        len(value) == 2
        and value.isalpha()
        and value.isupper()
        and value not in _NOT_COUNTRIES
        and value in Locale("en").territories
    )


URL = Check(
    "URL",
    _is_url,
    "is not a well-formed web address (expected http:// or https:// and a host name; spaces, quotes, brackets "
    "and letters beyond ASCII percent-encoded)",
)
EMAIL = Check("email", lambda v: bool(_EMAIL.match(v)), "is not a well-formed email address")
PHONE = Check(
    "phone",
    _is_phone,
    "is not a well-formed international phone number (expected +, country code, 7 to 16 digits)",
)
COUNTRY = Check("country", _is_country, "is not an ISO 3166-1 alpha-2 country code (e.g. CH, FR, US)")
LANGUAGE = Check("language", is_language_code, "is not a language code known to Babel (e.g. en, fr)")
SLUG = Check("id", lambda v: bool(_SLUG.match(v)), "is not an id (lowercase letters, digits and hyphens)")

Url = Annotated[str, URL]
Email = Annotated[str, EMAIL]
Phone = Annotated[str, PHONE]
Country = Annotated[str, COUNTRY]
Language = Annotated[str, LANGUAGE]
Slug = Annotated[str, SLUG]


class TaggedUnion:
    """A block written either as plain text (its `plain` member) or as a one-key mapping
    whose key names the member (`list:`, `quote:`, ...)."""

    members: ClassVar[dict[str, type]]
    plain: ClassVar[type]


def type_name(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin is Annotated:
        return get_args(annotation)[1].name
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(annotation))
    if origin in (tuple, list):
        return f"list of {type_name(get_args(annotation)[0])}"
    if origin in (dict, Mapping):
        key, value = get_args(annotation)
        return f"mapping of {type_name(key)} to {type_name(value)}"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_name(a) for a in get_args(annotation) if a is not type(None))
    if isinstance(annotation, type) and issubclass(annotation, TaggedUnion):
        return "block"
    if dataclasses.is_dataclass(annotation):
        return getattr(annotation, "yaml_name", annotation.__name__.lower())
    return {
        Text: "text",
        str: "text",
        int: "a whole number",
        datetime.date: "a date (YYYY-MM-DD)",
        bool: "true or false",
    }.get(annotation, getattr(annotation, "__name__", str(annotation)))


def unwrap_models(roots: list[type]) -> list[type]:
    """Every model class reachable from `roots`, in first-seen order (for the reference)."""
    seen: list[type] = []

    def visit(annotation: object) -> None:
        origin = get_origin(annotation)
        if origin is Annotated:
            return
        if origin is not None:
            for argument in get_args(annotation):
                visit(argument)
            return
        if isinstance(annotation, type) and issubclass(annotation, TaggedUnion):
            if annotation not in seen:
                seen.append(annotation)
                for member in annotation.members.values():
                    visit(member)
            return
        if isinstance(annotation, type) and dataclasses.is_dataclass(annotation) and annotation not in seen:
            seen.append(annotation)
            hints = get_type_hints(annotation, include_extras=True)
            for field in dataclasses.fields(annotation):
                if not field.metadata.get("internal"):
                    visit(hints[field.name])

    for root in roots:
        visit(root)
    return seen
