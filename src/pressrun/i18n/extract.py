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

from ..content.convert import Converter, Invalid
from ..content.load import PUBLICATION_FILE, parse_yaml
from ..content.model import Profile, Publication
from ..content.texts import texts
from ..errors import Origin, Problems, ProblemsFound
from ..files import decode

# The owner of the publication's texts in message contexts (profiles are owned by their id).
PUBLICATION_OWNER = "publication"


def message_context(owner: str, path: str) -> str:
    """`c40:sections[2].blocks[1].text`: the owner of a text (a profile id or
    `publication`), then the text's field path."""
    return f"{owner}:{path}"


def extract_content(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel's extractor signature: yields (line, "pgettext", (context, text), [comment])."""
    source = Path(getattr(fileobj, "name", "content.yaml"))
    is_publication = source.name == PUBLICATION_FILE
    model = Publication if is_publication else Profile
    owner = PUBLICATION_OWNER if is_publication else source.stem
    problems = Problems()
    try:
        text = decode(fileobj.read(), str(source))
        node = parse_yaml(text, str(source), problems)
        if node is None:
            raise Invalid
        obj = Converter(problems).object(node, model, Origin(str(source), 1, 1), model.yaml_name)
    except (Invalid, ProblemsFound) as error:
        # pybabel has no channel for problems: say why this file gives no messages.
        for problem in getattr(error, "problems", problems.items):
            print(f"pressrun extractor: {problem}", file=sys.stderr)
        return
    for item in texts(obj):
        yield item.text.origin.line, "pgettext", (message_context(owner, item.path), str(item.text)), [item.comment]
