"""The editor's YAML changed in place: values addressed by their model path
(`contacts.people[2].email`, the paths of `texts` and the catalogs' contexts), written
back with a ruamel.yaml round trip that keeps comments, quoting, folding and layout.

Input: a content file and changes by path. Output: the same file with only those values
changed (a changed folded paragraph is folded again at its old width; a new item takes
its siblings' style), written atomically, and only when its data changed. Reading and
writing every content file without a change gives the same bytes (a test checks it).
"""

from __future__ import annotations

import dataclasses
import io
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from ..errors import Origin, Problems
from ..files import Folder, write_together
from .schema import TaggedUnion

_SEGMENT = re.compile(r"([A-Za-z0-9_-]+)(?:\[(\d+)\])?")
# Folded paragraphs are folded again no narrower than this.
_MIN_FOLD = 60


def round_trip() -> YAML:
    """The YAML reader and writer whose output is the content files' own layout."""
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # lines are folded by the editor (or `_folded`), never by the writer
    yaml.preserve_quotes = True
    yaml.brace_single_entry_mapping_in_flow_sequence = True
    return yaml


def parse_path(path: str) -> list[tuple[str, int | None]]:
    """`contacts.people[2].email` as [("contacts", None), ("people", 2), ("email", None)]."""
    segments = []
    for part in path.split("."):
        match = _SEGMENT.fullmatch(part)
        if not match:
            raise ValueError(f"not a field path: {path!r}")
        segments.append((match.group(1), int(match.group(2)) if match.group(2) else None))
    return segments


def _optional(annotation: Any) -> Any:
    """`X | None` as `X`."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        (member,) = [a for a in get_args(annotation) if a is not type(None)]
        return member
    return annotation


@dataclass
class Slot:
    """Where a value lives in the YAML tree: `container[key]`, declared as `annotation`."""

    container: Any
    key: Any
    annotation: Any

    @property
    def value(self) -> Any:
        if isinstance(self.container, Mapping):
            return self.container.get(self.key)
        return self.container[self.key] if 0 <= self.key < len(self.container) else None


def _model_of(value: Any, annotation: Any) -> tuple[type, Any]:
    """The model class of a YAML value declared as `annotation`, and the mapping (or
    shorthand text) that holds its fields."""
    annotation = _optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, TaggedUnion):
        if isinstance(value, str):
            return annotation.plain, value
        ((tag, body),) = value.items()
        return annotation.members[tag], (value, tag, body)
    return annotation, value


def _field(slot: Slot, name: str) -> Slot:
    """The slot of field `name` of the model object in `slot`."""
    model, holder = _model_of(slot.value, slot.annotation)
    if get_origin(model) in (dict, Mapping):
        return Slot(slot.value, name, get_args(model)[1])
    hints = get_type_hints(model, include_extras=True)
    if isinstance(holder, str):  # shorthand: the text is the object
        return Slot(slot.container, slot.key, hints[name])
    if isinstance(holder, tuple):  # a tagged block: {tag: body}
        mapping, tag, body = holder
        if isinstance(body, list):  # `list: [...]`, the block's list field given directly
            return Slot(mapping, tag, hints[name])
        return Slot(body, name, hints[name])
    return Slot(holder, name, hints[name])


def locate(root: Any, cls: type, path: str) -> Slot:
    """The slot of the value at `path` in a document of model `cls` (its container is
    None when a mapping on the way is missing)."""
    slot = Slot({"": root}, "", cls)
    for name, index in parse_path(path):
        slot = _field(slot, name) if slot.value is not None else Slot(None, name, None)
        if index is not None:
            items = slot.value
            item_type = get_args(_optional(slot.annotation))[0] if slot.annotation else None
            slot = Slot(items if isinstance(items, list) else None, index - 1, item_type)
        if slot.container is None:
            return slot
    return slot


def _folded(old: FoldedScalarString, text: str) -> FoldedScalarString:
    """`text` folded as `old` was: lines as long as its longest, broken at single spaces."""
    positions = [-1, *getattr(old, "fold_pos", []), len(old)]
    width = max(_MIN_FOLD, *(end - start - 1 for start, end in zip(positions, positions[1:], strict=False)))
    spaces = [match.start() for match in re.finditer(r"(?<=\S) (?=\S)", text)]
    breaks, start, previous = [], 0, None
    for position in [*spaces, len(text)]:
        if position - start > width and previous is not None and previous >= start:
            breaks.append(previous)
            start = previous + 1
        previous = position
    folded = FoldedScalarString(text)
    folded.fold_pos = breaks
    return folded


def styled(old: Any, text: str) -> Any:
    """`text` in the style of the value it replaces (folded, literal, quoted or plain)."""
    if isinstance(old, FoldedScalarString):
        return _folded(old, text)
    for style in (LiteralScalarString, SingleQuotedScalarString, DoubleQuotedScalarString):
        if isinstance(old, style):
            return style(text)
    return text


def _declared_position(mapping: CommentedMap, model: type, name: str) -> int:
    """Where a new key goes in `mapping`: after the keys declared before it (a new
    footnote id: last)."""
    if not dataclasses.is_dataclass(model):
        return len(mapping)
    order = [field.name for field in dataclasses.fields(model)]
    before = set(order[: order.index(name)]) if name in order else set(order)
    return sum(1 for key in mapping if key in before)


class Document:
    """One content file, loaded for a round trip."""

    def __init__(self, folder: Folder, path: Path, cls: type, text: str, root: Any):
        self.folder, self.path, self.cls, self.text, self.root = folder, path, cls, text, root
        self.shown = folder.shown(path)

    @classmethod
    def load(cls, folder: Folder, path: Path, model: type, problems: Problems) -> Document | None:
        """The file `path` of `folder` (read through its boundary, as the loader reads it)."""
        from .load import read_yaml  # the loader's reader: one way to report a broken file

        shown = folder.shown(path)
        root = read_yaml(folder, path, problems, round_trip())
        if root is None:
            return None
        if not isinstance(root, CommentedMap):
            problems.error(Origin(shown, 1, 1), "wrong-type", f"expected a mapping of {model.yaml_name}'s keys")
            return None
        return cls(folder, path, model, folder.read_text(path), root)

    def get(self, path: str) -> Any:
        slot = locate(self.root, self.cls, path)
        return slot.value if slot.container is not None else None

    def _model_at(self, path: str) -> type:
        """The model class of the object at `path` ('' for the document)."""
        if not path:
            return self.cls
        slot = locate(self.root, self.cls, path)
        return _model_of(slot.value, slot.annotation)[0]

    def set(self, path: str, value: Any) -> None:
        """Set the text, number, date or list at `path` (None removes an optional key)."""
        parent, _, name = path.rpartition(".")
        slot = locate(self.root, self.cls, path)
        if slot.container is None:
            self._create(parent)
            slot = locate(self.root, self.cls, path)
        if value is None:
            if isinstance(slot.container, Mapping) and slot.key in slot.container:
                del slot.container[slot.key]
            return
        if isinstance(value, list):
            value = self._list(slot.value, value)
        elif isinstance(value, str):
            value = styled(slot.value, value)
        if isinstance(slot.container, CommentedMap) and slot.key not in slot.container:
            position = _declared_position(slot.container, self._model_at(parent), name)
            slot.container.insert(position, slot.key, value)
        else:
            slot.container[slot.key] = value

    def _list(self, old: Any, items: list[str | dict[str, str]]) -> CommentedSeq:
        """A list in place of `old`, keeping its flow style and its items' styles. An item
        is a text, or a small object's fields (a name with its title) set in the list's style."""
        seq = old if isinstance(old, CommentedSeq) else CommentedSeq()
        for index, item in enumerate(items):
            if isinstance(item, dict):
                item = CommentedMap(item)
                if old is None or seq.fa.flow_style():
                    item.fa.set_flow_style()
            elif index < len(seq):
                item = styled(seq[index], item)
            if index < len(seq):
                seq[index] = item
            else:
                seq.append(item)
        del seq[len(items) :]
        if old is None:
            seq.fa.set_flow_style()
        return seq

    def _create(self, path: str) -> None:
        """Create the missing mapping at `path` (and those above it)."""
        parent, _, name = path.rpartition(".")
        slot = locate(self.root, self.cls, path)
        if slot.container is None and parent:
            self._create(parent)
            slot = locate(self.root, self.cls, path)
        if slot.value is None:
            position = _declared_position(slot.container, self._model_at(parent), name)
            slot.container.insert(position, name, CommentedMap())

    def append(self, path: str, item: dict[str, Any]) -> None:
        """Add a model object (its fields by name, in declared order) to the list at `path`,
        in the style of the items already there."""
        if self.get(path) is None:
            self.set(path, [])
            self.get(path).fa.set_block_style()
        sequence = self.get(path)
        sibling = sequence[-1] if sequence else None
        new = CommentedMap()
        for name, value in item.items():
            if isinstance(value, list):
                value = CommentedSeq(value)
                like = sibling.get(name) if isinstance(sibling, CommentedMap) else None
                if isinstance(like, CommentedSeq) and like.fa.flow_style():
                    value.fa.set_flow_style()
            new[name] = value
        if isinstance(sibling, CommentedMap) and sibling.fa.flow_style():
            new.fa.set_flow_style()
        sequence.append(new)

    def mark(self, path: str, line: int) -> None:
        """Record `line` (0-based, as ruamel.yaml counts) as where the value at `path` is:
        problems found in it are reported there (a form's row, say, for a value from a form)."""
        slot = locate(self.root, self.cls, path)
        if isinstance(slot.container, CommentedMap):
            slot.container.lc.add_kv_line_col(slot.key, [line, 0, line, 0])
        elif isinstance(slot.container, CommentedSeq):
            slot.container.lc.add_idx_line_col(slot.key, [line, 0])

    def remove(self, path: str) -> None:
        """Remove the list item at `path`; an optional list left empty goes with it."""
        slot = locate(self.root, self.cls, path)
        del slot.container[slot.key]
        # ruamel.yaml keeps the removed item's position: the items after it move up.
        positions = slot.container.lc.data or {}
        for index in sorted(key for key in positions if key > slot.key):
            positions[index - 1] = positions.pop(index)
        if not slot.container:
            self.set(re.sub(r"\[\d+\]$", "", path), None)

    def dump(self) -> str:
        buffer = io.StringIO()
        round_trip().dump(self.root, buffer)
        return buffer.getvalue()

    def save(self) -> bool:
        """Write the file when its text changed; say whether it was written."""
        return bool(save_together([self]))


def save_together(documents: list[Document]) -> list[Document]:
    """Write every document whose text changed, all of them or none (one folder's files
    put in place together); the documents written."""
    changed = [(document, document.dump()) for document in documents]
    changed = [(document, text) for document, text in changed if text != document.text]
    if changed:
        write_together(changed[0][0].folder, [(document.path, text.encode("utf-8")) for document, text in changed])
    for document, text in changed:
        document.text = text
    return [document for document, _ in changed]
