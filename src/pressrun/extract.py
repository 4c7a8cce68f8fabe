"""Babel extractor for content YAML, registered as the `pressrun` extraction method.

Input: one file of `content/` (the publication or a profile). Output: one message per
translatable text, with `msgctxt` = `<profile id or "publication">:<field path>`, the
field's translator comment, and the line where the text starts. `pybabel extract` and
`pressrun i18n extract` both use it through the mapping in `[tool.babel]`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .content import PUBLICATION_FILE
from .errors import Origin, Problems
from .model import Profile, Publication
from .schema import Converter, Invalid
from .translatable import texts


def message_context(source: Path, path: str) -> str:
    """`c40:sections[2].blocks[1].text`: the owner of a text, then the text's field path."""
    owner = "publication" if source.name == PUBLICATION_FILE else source.stem
    return f"{owner}:{path}"


def extract_content(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel's extractor signature: yields (line, "pgettext", (context, text), [comment])."""
    source = Path(getattr(fileobj, "name", "content.yaml"))
    model = Publication if source.name == PUBLICATION_FILE else Profile
    problems = Problems()
    try:
        node = YAML(typ="rt").load(fileobj.read().decode("utf-8"))
        obj = Converter(problems).object(node, model, Origin(str(source), 1, 1), model.yaml_name)
    except (Invalid, YAMLError, UnicodeDecodeError) as error:
        # pybabel has no channel for problems: say why this file gives no messages.
        for problem in problems.items or [f"{source}: {error}"]:
            print(f"pressrun extractor: {problem}", file=sys.stderr)
        return
    for item in texts(obj):
        yield item.text.origin.line, "pgettext", (message_context(source, item.path), str(item.text)), [item.comment]
