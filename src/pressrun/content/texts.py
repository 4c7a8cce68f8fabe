"""The translatable texts of the model, found through the field declarations.

`texts(obj)` lists them with their path (e.g. `sections[2].blocks[1].items[3].text`)
and translator comment, for the catalogs; `replace_texts(obj, fn)` returns a copy of
the model with each of them replaced, for localization. Both walk the same way, so
what is extracted is exactly what is translated. The views below (a profile's body, the
front matter, the word count) are lists of those texts too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import inline
from .model import Book, Profile, Publication
from .schema import Text


@dataclass(frozen=True)
class Translatable:
    path: str
    text: Text
    comment: str


def _is_model(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _rebuild(value: Any, path: str, comment: str | None, visit: Callable[[str, Text, str], Text]) -> Any:
    """Rebuild `value`, passing every translatable Text (and its path) through `visit`."""
    if isinstance(value, Text):
        return visit(path, value, comment) if comment else value
    if isinstance(value, tuple):
        return tuple(_rebuild(item, f"{path}[{index}]", comment, visit) for index, item in enumerate(value, 1))
    if isinstance(value, dict):
        return {key: _rebuild(item, f"{path}.{key}" if path else key, comment, visit) for key, item in value.items()}
    if _is_model(value):
        changes = {}
        for field in dataclasses.fields(value):
            if field.metadata.get("internal"):
                continue
            child = getattr(value, field.name)
            child_path = f"{path}.{field.name}" if path else field.name
            # Texts are translatable where their field declares a translator comment;
            # nested model objects carry their own declarations.
            new = _rebuild(child, child_path, field.metadata.get("translate"), visit)
            if new is not child:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def texts(obj: Any) -> Iterator[Translatable]:
    """Every translatable text of `obj`, in reading order."""
    found: list[Translatable] = []

    def collect(path: str, text: Text, comment: str) -> Text:
        found.append(Translatable(path, text, comment))
        return text

    _rebuild(obj, "", None, collect)
    return iter(found)


def replace_texts(obj: Any, replace: Callable[[Translatable], Text]) -> Any:
    """A copy of `obj` with each translatable text replaced by `replace(translatable)`."""
    return _rebuild(obj, "", None, lambda path, text, comment: replace(Translatable(path, text, comment)))


# Texts that are not running text: names and contact details (profiles), the place and
# the publisher (publication).
_NOT_BODY = ("name", "acronym", "subtitle", "contacts")
_NOT_FRONT_MATTER = ("event.place", "publisher")


def profile_texts(profile: Profile) -> Iterator[Text]:
    """Every text of a profile's body (not its names or contacts), in reading order."""
    return (item.text for item in texts(profile) if not item.path.startswith(_NOT_BODY))


def publication_texts(publication: Publication) -> Iterator[Text]:
    """The front matter's texts, cover to parts (not the event's place or the publisher)."""
    return (item.text for item in texts(publication) if not item.path.startswith(_NOT_FRONT_MATTER))


def person_name_words(profile: Profile) -> list[str]:
    """The words of the names of the people a profile quotes or gives as contacts."""
    quoted = [item.text for item in texts(profile) if item.path.endswith("attribution.name")]
    contacts = [name.name for person in profile.contacts.people for name in person.names]
    return [word for name in quoted + contacts for word in inline.plain(str(name)).split()]


def word_count(book: Book) -> int:
    counted = list(publication_texts(book.publication))
    for profile in book.profiles.values():
        counted.append(profile.name)
        counted.extend(profile_texts(profile))
    return sum(inline.words(text) for text in counted)
