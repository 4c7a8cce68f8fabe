"""Rendering: an `Edition` and the layouts' Jinja2 templates turned into an HTML string.

The environment escapes everything (autoescape on), fails on undefined names
(StrictUndefined) and gets its labels through gettext (`{{ _("Key projects") }}`), so the
designer owns the look in `layouts/` and the translator the labels in `locales/`. Text
shown in the source language because its translation is missing is marked here, and
only here, with its language. What a PDF layout holds (`book`) is data the caller gives.

Templates are read through the layouts folder's boundary (`files.Folder`). Wherever a
template puts a value where only text may stand (an attribute value, the inside of
`<title>`, SVG `<text>` or the EPUB's metadata), the value is filtered to escaped text
before it is written, whatever it is: a value can never open markup there, whichever
template line puts it there.
"""

from __future__ import annotations

import datetime
import html
import re
import traceback
from collections.abc import Callable, Container, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pyphen
from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    pass_context,
)
from jinja2.bccache import Bucket, BytecodeCache
from jinja2.ext import Extension
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from .content import inline
from .content.model import BulletList, LeadList, Paragraph, Profile, PullQuote, Quote, Timeline
from .content.texts import person_name_words
from .errors import Level, Origin, Problem, ProblemsFound
from .files import Folder
from .i18n import Edition, label_key, writing_direction
from .i18n.bidi import ltr_runs
from .i18n.typography import NARROW_NBSP, NBSP

PDF_TEMPLATE = "pdf/publication.html.j2"

BLOCK_TEMPLATES = {
    Paragraph: "paragraph",
    BulletList: "list",
    LeadList: "leads",
    Timeline: "timeline",
    PullQuote: "pullquote",
    Quote: "quote",
}


def block_kind(block: object) -> str:
    return BLOCK_TEMPLATES[type(block)]


# Words shorter than this are never hyphenated (the layouts' `hyphenate-limit-chars`
# asks for at least 6 letters), so they need no protection.
HYPHENATED_LENGTH = 6


# The key of the front matter's setting (pdf.measure.FRONT_MATTER).
FRONT_MATTER = "front matter"


@pass_context
def _setting_of(context: Any, profile: Profile | None) -> Any:
    """How the typesetting loop sets `profile` (None: the front matter) in this PDF layout
    (see pdf.typeset.Setting), or None: the layout's defaults, and always in the EPUB."""
    settings = getattr(context.get("book"), "settings", None) or {}
    return settings.get(profile.id if profile is not None else FRONT_MATTER)


@cache
def _hyphenated(language: str) -> bool:
    """Whether the engine hyphenates text in `language`: it has Pyphen's patterns for it."""
    return pyphen.language_fallback(language) is not None


# What a line may break at: the ordinary spaces (no-break spaces join what they stand between).
_UNBREAKABLE_RUN = re.compile(r"[^ \t\n\r\f]+")


def _keeps_whole(run: str, whole: Container[str]) -> bool:
    words = inline.WORD.findall(run.replace(NBSP, " ").replace(NARROW_NBSP, " "))
    return any(len(word) >= HYPHENATED_LENGTH and (word in whole or inline.keep_whole(word)) for word in words)


def set_text(text: str, whole: Container[str] = (), tied: Iterable[str] = (), hyphenated: bool = True) -> Markup:
    """HTML of running text already in the edition's typography: each pair of words of
    `tied` joined by a no-break space, and, in a text the engine hyphenates, each run of
    text between ordinary spaces that holds a word that must not be hyphenated (see
    inline.keep_whole, and the words `whole`) in a span of class `unhyphenated`. The span
    takes the whole run, no-break spaces and punctuation included: WeasyPrint 70 breaks a
    line too early before a no-break space that ends where a span begins. A text in a
    language the engine does not hyphenate (`hyphenated` false: Arabic, Chinese) gets no
    span: a Latin name in Arabic text then stays one run, which the bidirectional
    algorithm keeps in order (a span would isolate each of its words)."""
    for pair in tied:
        text = text.replace(pair, pair.replace(" ", NBSP))
    if not hyphenated:
        return escape(text)
    parts, position = [], 0
    for match in _UNBREAKABLE_RUN.finditer(text):
        if _keeps_whole(match.group(0), whole):
            span = Markup('<span class="unhyphenated">{}</span>').format(match.group(0))
            parts += [escape(text[position : match.start()]), span]
            position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def _memoized_inline() -> Callable[..., Markup]:
    """The `inline` filter of one environment (one edition), remembering what it set: a
    chunk is rendered several times while it is laid out (measured, tried, corrected), and
    most of its texts come out the same each time. What a text gives depends on the text
    (and the language it stands in), its profile (within one edition, its id), that
    profile's words kept whole and tied (of its setting, only those change a text) and
    `quoted`; a text that may call a footnote also on the template's `footnote` macro
    (the PDF's and the EPUB's differ), and is set anew each time."""
    made: dict[tuple, Markup] = {}

    @pass_context
    def inline_filter(context: Any, text: str, profile: Profile | None = None, quoted: bool = False) -> Markup:
        if "[^" in text:  # it may call a footnote
            return _inline_filter(context, text, profile, quoted)
        setting = _setting_of(context, profile)
        key = (
            str(text),
            getattr(text, "fallback_lang", None),
            profile.id if profile is not None else None,
            (setting.unhyphenated, setting.tied) if setting else None,
            quoted,
        )
        html = made.get(key)
        if html is None:
            html = made[key] = _inline_filter(context, text, profile, quoted)
        return html

    return inline_filter


def _inline_filter(context: Any, text: str, profile: Profile | None = None, quoted: bool = False) -> Markup:
    """Inline Markdown to HTML in the edition's typography (`quoted`: a quotation's text,
    inside the layout's quotation marks); footnote calls become the layout's `footnote`
    macro; a text shown untranslated is marked with its language. Within a profile, its
    people's names and the words its setting keeps whole are not hyphenated, and the
    words its setting ties are tied."""
    edition: Edition = context["edition"]
    footnote = context.get("footnote")
    setting = _setting_of(context, profile)
    whole = set(person_name_words(profile)) if profile is not None else set()
    whole |= setting.unhyphenated if setting else set()
    tied = sorted(setting.tied) if setting else []

    def text_html(content: str, quoted: bool = False, language: str = edition.language) -> str:
        return set_text(edition.typography(content, quoted), whole, tied, _hyphenated(language))

    def marker(footnote_id: str) -> str:
        if profile is None or footnote is None:
            return ""
        number = edition.footnote_numbers[(profile.id, footnote_id)]
        note = profile.footnotes[footnote_id]
        language = getattr(note, "fallback_lang", None) or edition.language
        note_html = Markup(inline.to_html(note, text_html=lambda content: text_html(content, language=language)))
        return str(footnote(number, _mark_fallback(note, note_html, edition.direction)))

    language = getattr(text, "fallback_lang", None) or edition.language
    html = Markup(inline.to_html(str(text), marker, lambda content: text_html(content, quoted, language)))
    return _mark_fallback(text, html, edition.direction)


@pass_context
def _ordered_blocks(context: Any, profile: Profile, blocks: Sequence[Any], path: str) -> list[tuple[int, str, Any]]:
    """The blocks with their numbers and content paths (`intro[2]`, counted from 1 as the
    catalogs do), in the order the profile's setting prints them: a deferred pull quote
    after the block that follows it, unless that is another pull quote."""
    deferred = getattr(_setting_of(context, profile), "deferred", ())
    ordered = [(number, f"{path}[{number}]", block) for number, block in enumerate(blocks, 1)]
    for index in range(len(ordered) - 2, -1, -1):
        if ordered[index][1] in deferred and not isinstance(ordered[index + 1][2], PullQuote):
            ordered[index], ordered[index + 1] = ordered[index + 1], ordered[index]
    return ordered


def _direction_attribute(language: str, direction: str) -> Markup:
    """` dir="…"` with `language`'s own direction when the edition is written the other
    way (`direction`), and nothing otherwise."""
    own = writing_direction(language)
    return Markup("") if own == direction else Markup(' dir="{}"').format(own)


def _untranslated(language: str, html: Markup, direction: str = "ltr") -> Markup:
    """Text shown in `language` because its translation is missing, marked with it, and
    with its own direction in an edition written the other way (`direction`): an English
    stand-in in an Arabic draft is then one left-to-right run, not pieces ordered right to
    left."""
    attribute = _direction_attribute(language, direction)
    return Markup('<span lang="{}"{} class="untranslated">{}</span>').format(language, attribute, html)


@pass_context
def _stand_in_attributes(context: Any, *texts: Any) -> Markup:
    """The language and direction of a block all of whose `texts` (those it has: None is
    left out) stand in untranslated in an edition written the other way, as attributes of
    the block: an English paragraph, list item or quotation in an Arabic draft is then set
    left to right as a whole. Marking each text alone is not enough for a block of
    several (a list item's lead and text): the engine orders them right to left."""
    edition: Edition = context["edition"]
    languages = {getattr(text, "fallback_lang", None) for text in texts if text is not None}
    if len(languages) != 1 or None in languages:
        return Markup("")
    (language,) = languages
    attribute = _direction_attribute(language, edition.direction)
    return Markup(' lang="{}"{}').format(language, attribute) if attribute else Markup("")


def _mark_fallback(text: Any, html: Markup, direction: str = "ltr") -> Markup:
    language = getattr(text, "fallback_lang", None)
    return _untranslated(language, html, direction) if language else html


def _gettext(edition: Edition):
    """The layouts' `_()` and `pgettext()`: a label in the edition's language and
    typography, or, where its translation is missing, the source text marked with its
    language."""

    def pgettext(context: str | None, msgid: str) -> Markup:
        key = label_key(context, msgid)
        translation = edition.labels.get(key) if edition.translated else msgid
        if translation is None:
            return _untranslated(edition.source_language, escape(msgid), edition.direction)
        return escape(edition.typography(translation))

    return (lambda msgid: pgettext(None, msgid)), pgettext


def _titled_filter(pattern: str, title: Any, name: Any) -> Markup:
    """A name with its title as `pattern` (the label "{title} {name}" in the edition's
    language) places it, tied by no-break spaces; the name alone without a title."""
    if not title:
        return escape(name)
    return Markup(escape(pattern).replace(" ", NBSP)).format(title=title, name=name)


def _plain_filter(text: str) -> str:
    return inline.plain(str(text))


class _Layouts(BaseLoader):
    """Templates read through the layouts folder's boundary: a template (or an import)
    that leads out of the folder is refused, with a located error."""

    def __init__(self, folder: Folder):
        self.folder = folder

    def get_source(self, environment: Environment, template: str):
        path = self.folder.path.joinpath(*split_template_path(template))
        if not (path.exists() or path.is_symlink()):
            raise TemplateNotFound(template)
        return self.folder.read_text(path), str(path), lambda: True


class _CompiledTemplates(BytecodeCache):
    """Each template compiled once in this process, and again when its source changes (the
    preview makes an environment at every update): Jinja keys an entry by the template's
    name and file, and keeps it only while the source has the checksum it was compiled from."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


# One for the editions' environments, one for the reports': their options compile differently.
_COMPILED = {True: _CompiledTemplates(), False: _CompiledTemplates()}


def environment(layouts: Folder, edition: Edition | None = None) -> Environment:
    """The Jinja2 environment of `layouts`: for an edition's documents (its labels,
    typography and filters), or, without one, for reports about the editions."""
    typography = edition.typography if edition else str

    def finalize(value: Any) -> Any:
        # Every {{ value }} that is not already HTML is set in the edition's typography.
        if isinstance(value, str) and not isinstance(value, Markup):
            return _mark_fallback(value, escape(typography(value)), edition.direction if edition else "ltr")
        return value

    def as_text(value: Any) -> Markup:
        # Markup keeps its text only (its spaces too: no-break ones are the typography's);
        # anything else is set as text in the edition's typography.
        if isinstance(value, Markup):
            return escape(Markup(_TAGS.sub("", value)).unescape())
        return escape(typography(str(value)))

    env = Environment(
        loader=_Layouts(layouts),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n", TextContexts],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=edition is not None,
        finalize=finalize,
        bytecode_cache=_COMPILED[edition is not None],
    )
    env.filters["text"] = as_text
    if edition is not None:
        gettext, pgettext = _gettext(edition)
        env.install_gettext_callables(
            gettext=gettext,
            ngettext=lambda singular, plural, n: gettext(singular if n == 1 else plural),
            pgettext=pgettext,
            newstyle=True,
        )
        env.filters["inline"] = _memoized_inline()
        env.filters["plain"] = _plain_filter
        env.filters["titled"] = _titled_filter
        env.globals["block_kind"] = block_kind
        env.globals["stand_in"] = _stand_in_attributes
        env.globals["setting_of"] = _setting_of
        env.globals["ordered_blocks"] = _ordered_blocks
    return env


# --- values where only text may stand -----------------------------------------------------

# Elements whose content is text, never markup: titles, SVG text, and (`meta`, `dc:…`)
# the EPUB package's metadata; style sheets and scripts are raw text.
_TEXT_ONLY_ELEMENTS = re.compile(r"(?i)title|text|tspan|desc|meta|dc:[\w-]+|style|script")
_RAW_ELEMENTS = ("style", "script")
_TAGS = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_JINJA_OPENERS = re.compile(r"\{\{|\{%|\{#")
_JINJA_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}


class _MarkupPosition:
    """Where the markup of a template's text has got to, enough to tell a quoted
    attribute value or the text of a text-only element from element content."""

    def __init__(self) -> None:
        self.state = "content"  # content, tag, "…", '…', comment, declaration, raw
        self.tag = ""  # the name of the tag being read ("/title" for a closing one)
        self.naming = False
        self.text_only_content = False

    @property
    def text_only(self) -> bool:
        return self.state in ('"', "'", "raw") or (self.state == "content" and self.text_only_content)

    def feed(self, text: str) -> None:
        index = 0
        while index < len(text):
            index = self._step(text, index)

    def _step(self, text: str, index: int) -> int:
        char, state = text[index], self.state
        if state == "content" and char == "<":
            self.text_only_content = False
            if text.startswith("<!--", index):
                self.state = "comment"
            else:
                self.state = "declaration" if text[index + 1 : index + 2] in "!?" else "tag"
                self.tag, self.naming = "", True
        elif state == "tag":
            self._in_tag(char, text[index - 1])
        elif state in "\"'" and char == state:
            self.state = "tag"
        elif (state == "comment" and text.startswith("-->", index)) or (state == "declaration" and char == ">"):
            self.state = "content"
        elif state == "raw" and text.startswith(f"</{self.tag}", index):
            self.state, self.tag, self.naming = "tag", "/", False
        return index + 1

    def _in_tag(self, char: str, previous: str) -> None:
        if char in "\"'":
            self.state = char
        elif char == ">":
            opening = not self.tag.startswith("/") and previous != "/"
            raw = opening and self.tag.lower() in _RAW_ELEMENTS
            self.state = "raw" if raw else "content"
            self.text_only_content = opening and bool(_TEXT_ONLY_ELEMENTS.fullmatch(self.tag))
        elif self.naming and (char.isspace() or (char == "/" and self.tag)):
            self.naming = False
        elif self.naming:
            self.tag += char


def _end_of_tag(source: str, start: int) -> int:
    """Where the Jinja tag opening at `start` ends (its string literals skipped)."""
    opener = source[start : start + 2]
    closer, index = _JINJA_CLOSERS[opener], start + 2
    while index < len(source):
        if opener != "{#" and source[index] in "\"'":
            quote, index = source[index], index + 1
            while index < len(source) and source[index] != quote:
                index += 2 if source[index] == "\\" else 1
        elif source.startswith(closer, index):
            return index + 2
        index += 1
    return len(source)


def _as_text_expression(tag: str) -> str:
    """`{{ expression }}` rewritten to `{{ (expression) | text }}`, keeping its whitespace control."""
    match = re.fullmatch(r"\{\{([-+]?)(.*?)([-+]?)\}\}", tag, re.DOTALL)
    if not match or not match.group(2).strip():
        return tag
    before, expression, after = match.groups()
    return f"{{{{{before} ({expression.strip()}) | text {after}}}}}"


def filter_text_contexts(source: str) -> str:
    """The template `source` with every `{{ … }}` that stands where only text may
    filtered through `text` (see TextContexts)."""
    position, written, index = _MarkupPosition(), [], 0
    while (match := _JINJA_OPENERS.search(source, index)) is not None:
        position.feed(source[index : match.start()])
        end = _end_of_tag(source, match.start())
        tag = source[match.start() : end]
        written += [source[index : match.start()], _as_text_expression(tag) if position.text_only else tag]
        index = end
    return "".join(written) + source[index:]


class TextContexts(Extension):
    """Every `{{ … }}` in a quoted attribute value, or in the text of an element that
    holds only text (`<title>`, SVG `<text>`, the EPUB's `<dc:title>` and `<meta>`),
    goes through the `text` filter: markup is reduced to its text, and the text escaped.
    So no value (a label that fell back to its source text with a `<span lang>`, a macro's
    markup, a quote in a web address) can break out of an attribute or put markup where
    only text may be."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return filter_text_contexts(source)


def render(edition: Edition, layouts: Folder, template: str, env: Environment | None = None, **extra: Any) -> str:
    """The HTML of `template` (relative to `layouts`) for `edition`; a mistake in a
    template is raised as ProblemsFound at its `path:line`. Pass the `env` of an earlier
    call to render several documents of one edition without compiling templates again.
    The (X)HTML documents of a right-to-left edition have their left-to-right runs isolated."""
    rendered = render_template(env or environment(layouts, edition), layouts, template, **context(edition), **extra)
    if edition.direction == "rtl" and template.endswith((".html.j2", ".xhtml.j2")):
        return isolate_ltr_runs(rendered)
    return rendered


_TAG = re.compile(r"(<[^>]*>)")
# Elements whose text is not laid out as text: left alone.
_RAW_TEXT = re.compile(r"<(/?)(style|title|script)\b")


def isolate_ltr_runs(document: str) -> str:
    """`document` (HTML or XHTML that pressrun's templates wrote: no `>` inside a tag) with
    each left-to-right run of its text (see `i18n.bidi`) in a `<span dir="ltr">`, the only
    isolation WeasyPrint 70 honours; tags and the text of style and title elements are
    left as they are."""
    pieces = _TAG.split(document)
    raw = False
    for index, piece in enumerate(pieces):
        if index % 2:
            if found := _RAW_TEXT.match(piece):
                raw = not found.group(1)
        elif not raw and piece.strip():
            pieces[index] = _isolated(piece)
    return "".join(pieces)


def _isolated(escaped: str) -> str:
    text = html.unescape(escaped)
    runs = ltr_runs(text)
    if not runs:
        return escaped
    out, done = [], 0
    for start, end in runs:
        out += [escape(text[done:start]), Markup('<span dir="ltr">'), escape(text[start:end]), Markup("</span>")]
        done = end
    return "".join([*out, escape(text[done:])])


def pdf_html(
    edition: Edition,
    layouts: Folder,
    *,
    variant: str,
    created: datetime.datetime,
    book: Any,
    fonts: Sequence[Any],
    env: Environment | None = None,
    **extra: Any,
) -> str:
    """The PDF template rendered for `book` (what one layout holds, from the PDF stage's
    plan) as `variant` (print, screen or proof), with the pinned font faces `fonts`."""
    return render(
        edition,
        layouts,
        PDF_TEMPLATE,
        env=env,
        variant=variant,
        created=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        fonts=fonts,
        book=book,
        **extra,
    )


def context(edition: Edition) -> dict[str, Any]:
    """What every template of an edition reads."""
    return {"edition": edition, "publication": edition.publication, "parts": edition.parts, "lang": edition.language}


def render_template(env: Environment, layouts: Folder, template: str, **values: Any) -> str:
    """`template` rendered with `values`; a mistake in it raised as ProblemsFound at its `path:line`."""
    try:
        return env.get_template(template).render(**values)
    except TemplateError as error:
        raise ProblemsFound([template_problem(error, layouts, template)]) from error


def template_problem(error: TemplateError, layouts: Folder, template: str) -> Problem:
    """Where in the layouts a template error happened: the innermost template frame."""
    if isinstance(error, TemplateSyntaxError) and error.filename:
        path, line = error.filename, error.lineno
    else:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(str(layouts.path))]
        path, line = (frames[-1].filename, frames[-1].lineno) if frames else (str(layouts.path / template), 0)
    message = error.message or str(error)
    if isinstance(error, TemplateNotFound):
        message = f"no template {error.name!r} in {layouts.shown(layouts.path)}/"
    return Problem(Level.ERROR, Origin(layouts.shown(Path(path)), line), "template", f"template error: {message}")
