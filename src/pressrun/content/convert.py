"""YAML nodes (ruamel.yaml, with positions) turned into the frozen model, every problem
located at `path:line:col`.

Input: a node and the model class it should be. Output: a model object, or `Invalid`
after each problem was reported to `Problems`; siblings are still checked, so that one
run reports everything. The declarations in `schema` say what each field accepts.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import Origin, Problems
from .schema import TaggedUnion, Text, text_problem, type_name


class Invalid(Exception):
    """Raised inside the converter when a value cannot be used; already reported."""


def _describe(node: Any) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, list):
        return "a list"
    if node is None:
        return "nothing"
    if isinstance(node, bool):
        return "true/false"
    if isinstance(node, int):
        return f"the number {node}"
    if isinstance(node, datetime.date):
        return f"the date {node.isoformat()}"
    return f"text {str(node)!r}"


def _located(base: Origin, locate: Callable[[], tuple[int, int]]) -> Origin:
    """The position ruamel.yaml recorded (0-based), as an Origin; `base` when it has none."""
    try:
        line, col = locate()
    except (KeyError, AttributeError, TypeError, IndexError):
        return base
    return Origin(base.path, line + 1, col + 1)


def _origin_of_key(node: CommentedMap, key: str, base: Origin) -> Origin:
    return _located(base, lambda: node.lc.key(key))


def _origin_of_value(node: CommentedMap, key: str, base: Origin) -> Origin:
    return _located(base, lambda: node.lc.value(key))


def _origin_of_item(node: CommentedSeq, index: int, base: Origin) -> Origin:
    return _located(base, lambda: node.lc.item(index))


class Converter:
    """Turns YAML nodes into model objects, reporting every problem to `problems`."""

    def __init__(self, problems: Problems):
        self.problems = problems

    def fail(self, origin: Origin, code: str, message: str) -> typing.NoReturn:
        self.problems.error(origin, code, message)
        raise Invalid

    def convert(self, node: Any, annotation: Any, origin: Origin, what: str) -> Any:
        origin_type = get_origin(annotation)
        if origin_type is Annotated:
            base, check = get_args(annotation)[:2]
            value = self.convert(node, base, origin, what)
            if not check.test(value):
                self.fail(origin, f"bad-{check.name.lower()}", f"{what}: {value!r} {check.message}")
            return value
        if origin_type in (typing.Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if node is None:
                return None
            if len(members) == 1:
                return self.convert(node, members[0], origin, what)
            raise TypeError(f"unsupported union {annotation}")
        if origin_type is Literal:
            choices = get_args(annotation)
            if node not in choices:
                suggestion = difflib.get_close_matches(str(node), [str(c) for c in choices], n=1)
                hint = f"; did you mean {suggestion[0]!r}?" if suggestion else ""
                self.fail(
                    origin,
                    "bad-choice",
                    f"{what}: {_describe(node)} is not one of {', '.join(map(str, choices))}{hint}",
                )
            return node
        if origin_type is tuple:
            return self._sequence(node, get_args(annotation)[0], origin, what)
        if origin_type in (dict, Mapping):
            return self._mapping(node, get_args(annotation), origin, what)
        if isinstance(annotation, type) and issubclass(annotation, TaggedUnion):
            return self.tagged(node, annotation, origin, what)
        if dataclasses.is_dataclass(annotation):
            return self.object(node, annotation, origin, what)
        if annotation in (str, Text):
            if not isinstance(node, str):
                self.fail(origin, "wrong-type", f"{what}: expected text, got {_describe(node)}")
            text = str(node).strip()
            if not text:
                self.fail(origin, "empty", f"{what}: must not be empty")
            problem = text_problem(text)
            if problem:
                self.fail(origin, problem[0], f"{what}: {problem[1]}")
            return Text(text, origin)
        if annotation is int:
            if isinstance(node, bool) or not isinstance(node, int):
                self.fail(origin, "wrong-type", f"{what}: expected a whole number, got {_describe(node)}")
            return int(node)
        if annotation is datetime.date:
            if isinstance(node, datetime.datetime) or not isinstance(node, datetime.date):
                self.fail(origin, "wrong-type", f"{what}: expected a date (YYYY-MM-DD), got {_describe(node)}")
            return datetime.date(node.year, node.month, node.day)
        if annotation is bool:
            if not isinstance(node, bool):
                self.fail(origin, "wrong-type", f"{what}: expected true or false, got {_describe(node)}")
            return node
        raise TypeError(f"no conversion for {annotation!r}")

    def _sequence(self, node: Any, item_type: Any, origin: Origin, what: str) -> tuple:
        if not isinstance(node, list):
            self.fail(origin, "wrong-type", f"{what}: expected a list, got {_describe(node)}")
        items = []
        failed = False
        for index, item in enumerate(node):
            try:
                items.append(
                    self.convert(item, item_type, _origin_of_item(node, index, origin), f"{what}[{index + 1}]")
                )
            except Invalid:
                failed = True
        if failed:
            raise Invalid
        return tuple(items)

    def _mapping(self, node: Any, key_value: tuple, origin: Origin, what: str) -> dict:
        key_type, value_type = key_value
        if not isinstance(node, Mapping):
            self.fail(origin, "wrong-type", f"{what}: expected a mapping, got {_describe(node)}")
        result = {}
        failed = False
        for key, value in node.items():
            try:
                converted_key = self.convert(key, key_type, _origin_of_key(node, key, origin), f"{what} key")
                result[converted_key] = self.convert(
                    value, value_type, _origin_of_value(node, key, origin), f"{what}.{key}"
                )
            except Invalid:
                failed = True
        if failed:
            raise Invalid
        return result

    def object(self, node: Any, cls: type, origin: Origin, what: str) -> Any:
        shorthand = getattr(cls, "shorthand", None)
        if shorthand and isinstance(node, str):
            node = {shorthand: node}
            positions: Any = None
        else:
            positions = node
        if not isinstance(node, Mapping):
            self.fail(origin, "wrong-type", f"{what}: expected {type_name(cls)}, got {_describe(node)}")
        hints = get_type_hints(cls, include_extras=True)
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
        values: dict[str, Any] = {}
        failed = False
        for key in node:
            if key not in fields:
                key_origin = _origin_of_key(positions, key, origin) if positions is not None else origin
                suggestion = difflib.get_close_matches(str(key), list(fields), n=1)
                hint = f"; did you mean {suggestion[0]!r}?" if suggestion else f"; expected one of: {', '.join(fields)}"
                self.problems.error(key_origin, "unknown-key", f"{what}: unknown key {key!r}{hint}")
                failed = True
        for name, field in fields.items():
            if name not in node or node[name] is None:
                if field.default is dataclasses.MISSING:
                    self.problems.error(origin, "missing-key", f"{what}: missing required key {name!r}")
                    failed = True
                continue
            value_origin = _origin_of_value(positions, name, origin) if positions is not None else origin
            try:
                values[name] = self.convert(node[name], hints[name], value_origin, f"{what}.{name}")
            except Invalid:
                failed = True
        if failed:
            raise Invalid
        if any(f.metadata.get("internal") and f.name == "origin" for f in dataclasses.fields(cls)):
            values["origin"] = origin
        instance = cls(**values)
        validate = getattr(instance, "validate", None)
        if validate is not None:
            for message in validate():
                self.problems.error(origin, "invalid", f"{what}: {message}")
                failed = True
        if failed:
            raise Invalid
        return instance

    def tagged(self, node: Any, union: type[TaggedUnion], origin: Origin, what: str) -> Any:
        """A block: plain text, or a one-key mapping naming its kind."""
        if isinstance(node, str):
            return self.object(node, union.plain, origin, what)
        tags = ", ".join(union.members)
        if not isinstance(node, Mapping) or len(node) != 1:
            self.fail(
                origin,
                "wrong-type",
                f"{what}: expected a paragraph (text) or a mapping with one key of: {tags}; got {_describe(node)}",
            )
        ((tag, body),) = node.items()
        if tag not in union.members:
            suggestion = difflib.get_close_matches(str(tag), list(union.members), n=1)
            hint = f"; did you mean {suggestion[0]!r}?" if suggestion else f"; expected one of: {tags}"
            self.fail(_origin_of_key(node, tag, origin), "unknown-key", f"{what}: unknown block {tag!r}{hint}")
        member = union.members[tag]
        body_origin = _origin_of_value(node, tag, origin)
        list_field = getattr(member, "list_field", None)
        if list_field and isinstance(body, list):
            body = _with_positions({list_field: body}, list_field, body_origin)
        return self.object(body, member, body_origin, f"{what}.{tag}")


def _with_positions(node: dict, key: str, origin: Origin) -> CommentedMap:
    """Wrap a list given directly under its block tag so that positions keep pointing at it."""
    wrapped = CommentedMap(node)
    wrapped.lc.add_kv_line_col(key, [origin.line - 1, origin.col - 1, origin.line - 1, origin.col - 1])
    return wrapped
