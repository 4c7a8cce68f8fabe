"""What changed between two versions of a model object (a profile, the publication):
per field, what was added, removed or changed, texts word by word.

Input: the old and the new object. Output: `Change`s addressed by model path
(`contacts.people[3]`, the paths of `texts` and the catalogs' contexts). Lists are
aligned item by item (difflib), so that a contact added at the end is one addition, not a
change of every item after it. The editor's own record (editorial fields: a profile's
status and date) is left out: it is not the entry.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from . import inline
from .schema import entry_fields

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    """One field (or list item) that differs: its path, its old and new values as text,
    and for a changed text, its words: ("=", same), ("-", removed) and ("+", added) runs."""

    kind: ChangeKind
    path: str
    old: str | None
    new: str | None
    words: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        if self.kind == "added":
            return f"added {self.path}: {self.new}"
        if self.kind == "removed":
            return f"removed {self.path}: {self.old}"
        return f"changed {self.path}: {marked(self.words)}"


def _is_model(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def describe(value: Any) -> str:
    """A value as one line of text: a model object as its fields (one that may be written
    as a text, such as a name with its title, as its values alone), a list as its items."""
    if _is_model(value):
        fields = [
            (field.name, child)
            for field in entry_fields(value)
            if (child := getattr(value, field.name)) not in (None, (), {}, "")
        ]
        if hasattr(value, "shorthand"):
            return " ".join(describe(child) for _, child in fields)
        return "; ".join(f"{name.replace('_', ' ')} {describe(child)}" for name, child in fields)
    if isinstance(value, tuple):
        return " / ".join(describe(item) for item in value)
    if isinstance(value, Mapping):
        return " / ".join(f"{key}: {describe(item)}" for key, item in value.items())
    if isinstance(value, str):
        return inline.plain(value) if "[" in value or "*" in value else str(value)
    return str(value)


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """The words of `old` and `new` as runs kept ("="), removed ("-") and added ("+"),
    each run its words joined by single spaces (white space is no change in prose)."""
    before, after = old.split(), new.split()
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("=", " ".join(after[b1:b2])))
            continue
        if a2 > a1:
            runs.append(("-", " ".join(before[a1:a2])))
        if b2 > b1:
            runs.append(("+", " ".join(after[b1:b2])))
    return tuple(runs)


def _cut(words: list[str], first: bool, last: bool, context: int) -> str:
    """An unchanged run cut to `context` words next to the changes around it."""
    if first and not last and len(words) > context:
        return "… " + " ".join(words[-context:])
    if last and not first and len(words) > context:
        return " ".join(words[:context]) + " …"
    if not (first or last) and len(words) > 2 * context:
        return " ".join(words[:context]) + " … " + " ".join(words[-context:])
    return " ".join(words)


def marked(words: tuple[tuple[str, str], ...], context: int = 6) -> str:
    """Word runs as one line, `[-removed-]` and `{+added+}` (as `git diff --word-diff`
    writes them), long unchanged runs cut to `context` words around the changes."""
    shown = []
    for index, (op, text) in enumerate(words):
        if op == "-":
            shown.append(f"[-{text}-]")
        elif op == "+":
            shown.append(f"{{+{text}+}}")
        else:
            shown.append(_cut(text.split(), index == 0, index == len(words) - 1, context))
    return " ".join(shown)


def _leaf(path: str, old: Any, new: Any) -> list[Change]:
    if old == new:
        return []
    if old in (None, (), ""):
        return [Change("added", path, None, describe(new))]
    if new in (None, (), ""):
        return [Change("removed", path, describe(old), None)]
    old_text, new_text = describe(old), describe(new)
    return [Change("changed", path, old_text, new_text, word_diff(old_text, new_text))]


def _sequence(path: str, old: tuple, new: tuple) -> list[Change]:
    """Changes between two lists, item by item after aligning them."""
    found: list[Change] = []
    matcher = difflib.SequenceMatcher(None, [describe(i) for i in old], [describe(i) for i in new], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(a2 - a1, b2 - b1)
        for offset in range(paired):
            found += changes(old[a1 + offset], new[b1 + offset], f"{path}[{b1 + offset + 1}]")
        found += [Change("removed", f"{path}[{i + 1}]", describe(old[i]), None) for i in range(a1 + paired, a2)]
        found += [Change("added", f"{path}[{i + 1}]", None, describe(new[i])) for i in range(b1 + paired, b2)]
    return found


def changes(old: Any, new: Any, path: str = "") -> list[Change]:
    """Every difference between `old` and `new` (two versions of one model object)."""
    if _is_model(old) and _is_model(new) and type(old) is type(new):
        found = []
        for field in entry_fields(old):
            child = f"{path}.{field.name}" if path else field.name
            found += changes(getattr(old, field.name), getattr(new, field.name), child)
        return found
    if isinstance(old, tuple) and isinstance(new, tuple) and old and new:
        return _sequence(path, old, new)
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        found = []
        for key in [*old, *(key for key in new if key not in old)]:
            found += changes(old.get(key), new.get(key), f"{path}.{key}")
        return found
    return _leaf(path, old, new)
