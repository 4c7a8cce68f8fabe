"""Inline text: the small Markdown subset of content strings, turned into HTML or plain
text, and its words (which ones must never be hyphenated).

Supported: `**strong**`, `*emphasis*`, links (`<https://…>`, `[text](https://…)`, and bare
web and email addresses, linked by linkify) and footnote calls `[^id]`. Raw HTML is
disabled, so markup written in content is shown as text, never interpreted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

FOOTNOTE_CALL = re.compile(r"\[\^([a-z0-9]+(?:-[a-z0-9]+)*)\]")
_ENABLED_INLINE = ["emphasis", "link", "autolink", "linkify", "escape", "backticks", "entity", "newline"]


def _footnote_call(state: StateInline, silent: bool) -> bool:
    match = FOOTNOTE_CALL.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("footnote_call", "", 0)
        token.meta = {"id": match.group(1)}
    state.pos = match.end()
    return True


@cache
def parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": True, "typographer": False, "xhtmlOut": True})
    md.enable(_ENABLED_INLINE)
    md.inline.ruler.before("link", "footnote_call", _footnote_call)
    md.validateLink = lambda url: url.startswith(("http://", "https://", "mailto:"))
    # Bare addresses are linked only under the top-level domains linkify knows; add that
    # of international organisations (who.int, …), whose addresses the directory prints.
    md.linkify.tlds(["int"], keep_old=True)
    return md


def tokens(text: str) -> tuple[Token, ...]:
    """The inline tokens of `text` (one paragraph). Not to be changed: they are shared."""
    return _parsed(str(text))


# Parsing is most of the time of localizing and rendering an edition, and the same texts
# are parsed by both, and again by every update of the preview.
@lru_cache(maxsize=1 << 16)
def _parsed(text: str) -> tuple[Token, ...]:
    block = parser().parseInline(text)
    return tuple(block[0].children or []) if block else ()


def footnote_calls(text: str) -> list[str]:
    """The footnote ids called in `text`, in order."""
    return [token.meta["id"] for token in tokens(text) if token.type == "footnote_call"]


def plain(text: str) -> str:
    """The text a reader sees, without markup; footnote calls are dropped."""
    parts: list[str] = []
    for token in tokens(text):
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def to_html(
    text: str,
    footnote_marker: Callable[[str], str] | None = None,
    text_html: Callable[[str], str] | None = None,
) -> str:
    """HTML for `text`; `footnote_marker(id)` returns the (already safe) HTML of a call,
    and `text_html(text)` that of running text (link texts, which are addresses, are only
    escaped): the caller's typography, safe to insert as it is."""
    md = parser()
    rendered: list[str] = []
    in_link = 0
    for token in tokens(text):
        if token.type == "footnote_call":
            rendered.append(footnote_marker(token.meta["id"]) if footnote_marker else "")
            continue
        in_link += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        if token.type == "text" and text_html and not in_link:
            rendered.append(text_html(token.content))
        else:
            rendered.append(md.renderer.renderInline([token], md.options, {}))
    return "".join(rendered)


def words(text: str) -> int:
    return len(plain(text).split())


# A word, as hyphenation sees it: letters, digits and the marks inside words.
WORD = re.compile(r"[\w'’.@/:+-]*\w")


def keep_whole(word: str) -> bool:
    """Whether `word` must never be hyphenated: an acronym or any word with two capitals
    (UNECE, KPIs, UN-Habitat), a word with digits (COVID-19, C40), a hyphenated compound
    (broken only at its hyphen), a web or email address."""
    return (
        sum(1 for char in word if char.isupper()) >= 2
        or any(char.isdigit() for char in word)
        or "-" in word
        or "@" in word
        or bool(re.search(r"\w\.\w|://", word))
    )
