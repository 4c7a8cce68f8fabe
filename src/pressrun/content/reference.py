"""The content format reference, generated from the model's declarations (Markdown)."""

from __future__ import annotations

import dataclasses
from typing import get_type_hints

from .model import Profile, Publication
from .schema import TaggedUnion, type_name, unwrap_models


def _rows(cls: type) -> list[str]:
    hints = get_type_hints(cls, include_extras=True)
    rows = []
    for field in dataclasses.fields(cls):
        if field.metadata.get("internal") or field.name == "id":
            continue
        required = "yes" if field.default is dataclasses.MISSING else ""
        translated = "yes" if field.metadata.get("translate") else ""
        rows.append(
            f"| `{field.name}` | {type_name(hints[field.name])} | {required} | {translated} | {field.metadata['doc']} |"
        )
    return rows


def content_reference() -> str:
    """Markdown tables for every object of the content format, from its declarations."""
    sections = []
    for cls in unwrap_models([Publication, Profile]):
        if isinstance(cls, type) and issubclass(cls, TaggedUnion):
            tags = ", ".join(f"`{tag}:` ({type_name(member)})" for tag, member in cls.members.items())
            sections.append(f"#### block\n\nA paragraph (plain text) or a one-key mapping: {tags}.\n")
            continue
        header = ["| key | value | required | translated | meaning |", "|---|---|---|---|---|"]
        sections.append(f"#### {cls.yaml_name}\n\n" + "\n".join(header + _rows(cls)) + "\n")
    return "\n".join(sections)
