"""Source queries: the doubts about the printed source that the editor has declared in
the content. Input: the content's YAML files; output: each query with the place of the
value it is about.

The content keeps the 2021 text as printed, errors included, and says so in a
`# Source:` comment. When the editor doubts the source itself (a misspelt name, a
paragraph copied from another organisation), the comment ends with a query for the
editor or the organisation:

    # Source: printed "Raisonnement"; the review is probably "Raisonnance".
    # Query: AIMF: is the review called "Raisonnance"?
    - text: …

A query runs from `# Query:` to the end of its comment block, and is about the first
line after it that is neither blank nor a comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..config import Config
from ..errors import Origin
from .load import PUBLICATION_FILE, profile_files

QUERY = re.compile(r"^\s*#\s*Query:\s*(.*)$")


@dataclass(frozen=True)
class SourceQuery:
    origin: Origin
    text: str


def _value_after(lines: list[str], index: int) -> int:
    """The index of the first line from `index` that is neither blank nor a comment."""
    while index < len(lines) and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
        index += 1
    return index


def file_queries(text: str, shown: str) -> Iterator[SourceQuery]:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = QUERY.match(line)
        if not match:
            continue
        words = [match.group(1)]
        end = index + 1
        while end < len(lines) and lines[end].lstrip().startswith("#") and not QUERY.match(lines[end]):
            words.append(lines[end].lstrip().lstrip("#").strip())
            end += 1
        value = _value_after(lines, end)
        if value < len(lines):
            origin = Origin(shown, value + 1, len(lines[value]) - len(lines[value].lstrip()) + 1)
        else:
            origin = Origin(shown, index + 1, 1)
        yield SourceQuery(origin, " ".join(word for word in words if word))


def source_queries(config: Config) -> list[SourceQuery]:
    """Every query declared in the content, in file order."""
    folder = config.folder("content")
    paths = [config.content_dir / PUBLICATION_FILE] + profile_files(config)
    return [
        query
        for path in paths
        if folder.is_file(path)
        for query in file_queries(folder.read_text(path), config.shown(path))
    ]
