"""A profile's entry as the rows of a form, and a returned form's rows as changes.

Input: a `Profile`. Output: its form in groups of rows, one row per field of the entry
(every field the model declares, the editor's record left out), keyed by model path
(`contacts.people[2].email`), with the field's documentation and its value as text (a
list of texts: one item per line), and empty rows where the organisation may add a web
site, a number, an address, a handle or contact people. Reading back, each row's text is
turned into the value its declaration expects, and the rows that differ from the entry
into edits: values set, items removed (every value of the item emptied), items added.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, get_args, get_origin, get_type_hints

from ..content.model import Contacts, PersonName, Profile
from ..content.schema import TaggedUnion, entry_fields

# Empty items offered at the end of these contact lists, for the organisation to fill in.
ADDITIONS = {"websites": 1, "phones": 1, "emails": 1, "social": 1, "people": 2}
_INDEX = re.compile(r"\[(\d+)\]")

# A person's names are one row, a name a line, so that an organisation adds or replaces a
# name by typing it. A title goes before the name and a vertical bar, which no name has.
TITLE_BAR = "|"
NAMES_ABOUT = "One name a line; a title goes before the name and a vertical bar: `Mayor | Sami Kanaan`."


@dataclass(frozen=True)
class Row:
    """One field of the entry on the form."""

    key: str
    about: str
    value: str
    annotation: Any
    required: bool

    @property
    def is_list(self) -> bool:
        return get_origin(self.annotation) is tuple


@dataclass(frozen=True)
class Group:
    """Rows printed together: `name` says which (names, intro, sections[1], contacts, ...)."""

    name: str
    rows: tuple[Row, ...]


def _optional(annotation: Any) -> Any:
    args = [a for a in get_args(annotation) if a is not type(None)]
    return args[0] if type(None) in get_args(annotation) else annotation


def _is_model(annotation: Any) -> bool:
    annotation = _optional(annotation)
    return dataclasses.is_dataclass(annotation) or (
        isinstance(annotation, type) and issubclass(annotation, TaggedUnion)
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "\n".join(str(item) for item in value)
    return str(value)


def rows_of(value: Any, cls: type, path: str) -> list[Row]:
    """The rows of the model object `value` (of class `cls`; None gives its empty rows)."""
    hints = get_type_hints(cls, include_extras=True)
    rows: list[Row] = []
    for field in entry_fields(cls):
        key = f"{path}.{field.name}" if path else field.name
        child = getattr(value, field.name) if value is not None else None
        annotation = hints[field.name]
        required = field.default is dataclasses.MISSING
        origin = get_origin(annotation)
        if origin is dict:
            rows += [
                Row(f"{key}.{name}", field.metadata["doc"], str(text), get_args(annotation)[1], True)
                for name, text in (child or {}).items()
            ]
        elif origin is tuple and get_args(annotation)[0] is PersonName:
            rows.append(Row(key, NAMES_ABOUT, "\n".join(map(_name_line, child or ())), annotation, required))
        elif origin is tuple and _is_model(get_args(annotation)[0]):
            for index, item in enumerate(child or (), start=1):
                rows += rows_of(item, type(item), f"{key}[{index}]")
        elif _is_model(annotation):
            if child is not None or cls is Contacts:
                rows += rows_of(child, _optional(annotation), key)
        else:
            rows.append(Row(key, field.metadata["doc"], _text(child), annotation, required))
    return rows


def _name_line(name: PersonName) -> str:
    return f"{name.title} {TITLE_BAR} {name.name}" if name.title else name.name


def _name_value(line: str) -> str | dict[str, str]:
    """A line of the names row as the entry writes it: the name, or its title and name."""
    title, bar, name = line.partition(TITLE_BAR)
    return {"title": title.strip(), "name": name.strip()} if bar else line


def _additions(profile: Profile) -> list[Row]:
    """Empty items at the end of the contact lists, for the organisation to add to."""
    hints = get_type_hints(Contacts)
    rows: list[Row] = []
    for name, count in ADDITIONS.items():
        existing = len(getattr(profile.contacts, name))
        item_type = get_args(hints[name])[0]
        for index in range(existing + 1, existing + count + 1):
            rows += rows_of(None, item_type, f"contacts.{name}[{index}]")
    return rows


def _group_name(key: str) -> str:
    """Which group a row is printed in: a section's own, the introduction, the footnotes,
    the contacts, or the names (name, acronym, subtitle, other names, wordmark)."""
    top = key.split(".")[0]
    if top.startswith("sections["):
        return top
    base = re.sub(r"\[\d+\]", "", top)
    return base if base in ("intro", "footnotes", "contacts") else "names"


def form_groups(profile: Profile) -> list[Group]:
    """The form of `profile`: its rows in groups, in the order of the entry, then the
    empty rows for additions (group `new`)."""
    groups: dict[str, list[Row]] = {}
    for row in rows_of(profile, Profile, ""):
        groups.setdefault(_group_name(row.key), []).append(row)
    groups["new"] = _additions(profile)
    return [Group(name, tuple(rows)) for name, rows in groups.items()]


def form_digest(groups: list[Group]) -> str:
    """A short digest of the entry as exported: a returned form is checked against the
    profile as it is now, so that it cannot overwrite what changed since."""
    data = json.dumps([(row.key, row.value) for group in groups for row in group.rows], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def value_of(row: Row, text: str) -> Any:
    """A form's text as the value its field takes (None for an emptied optional field;
    text the converter will reject as it is, so that the problem names the cell)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if row.is_list:
        if get_args(row.annotation)[0] is PersonName:
            lines = [_name_value(line) for line in lines]
        return lines if lines or row.required else None
    joined = " ".join(lines)
    if not joined:
        return "" if row.required else None
    if _optional(row.annotation) is int and re.fullmatch(r"[+-]?\d+", joined):
        return int(joined)
    return joined


def item_of(key: str) -> str | None:
    """The list item a key belongs to (`contacts.people[2]` for `contacts.people[2].role`)."""
    matches = list(_INDEX.finditer(key))
    return key[: matches[-1].end()] if matches else None
