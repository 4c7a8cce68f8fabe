"""Rendering: an `Edition` and the layouts' Jinja2 templates turned into an HTML string.

The environment escapes everything (autoescape on), fails on undefined names
(StrictUndefined) and gets its labels through gettext (`{{ _("Key projects") }}`), so the
designer owns the look in `layouts/` and the translator the labels in `locales/`. Text
shown in the source language because its translation is missing is marked here, and
only here, with its language. What a PDF layout holds (`book`) is data the caller gives.
"""

from __future__ import annotations

import datetime
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, pass_context
from markupsafe import Markup, escape

from .content import inline
from .content.model import BulletList, LeadList, Paragraph, Profile, PullQuote, Quote, Timeline
from .errors import Level, Origin, Problem, ProblemsFound
from .i18n import Edition

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


@pass_context
def _inline_filter(context: Any, text: str, profile: Profile | None = None) -> Markup:
    """Inline Markdown to HTML in the edition's typography; footnote calls become the
    layout's `footnote` macro; a text shown untranslated is marked with its language."""
    edition: Edition = context["edition"]
    footnote = context.get("footnote")

    def marker(footnote_id: str) -> str:
        if profile is None or footnote is None:
            return ""
        number = edition.footnote_numbers[(profile.id, footnote_id)]
        note = profile.footnotes[footnote_id]
        note_html = Markup(inline.to_html(note, typography=edition.typography))
        return str(footnote(number, _mark_fallback(note, note_html)))

    html = Markup(inline.to_html(str(text), marker, typography=edition.typography))
    return _mark_fallback(text, html)


def _untranslated(language: str, html: Markup) -> Markup:
    """Text shown in `language` because its translation is missing, marked with it."""
    return Markup('<span lang="{}" class="untranslated">{}</span>').format(language, html)


def _mark_fallback(text: Any, html: Markup) -> Markup:
    language = getattr(text, "fallback_lang", None)
    return _untranslated(language, html) if language else html


def _gettext(edition: Edition):
    """The layouts' `_()`: a label in the edition's language and typography, or, where its
    translation is missing, the source text marked with its language."""

    def gettext(msgid: str) -> Markup:
        translation = edition.labels.get(msgid) if edition.translated else msgid
        if translation is None:
            return _untranslated(edition.source_language, escape(msgid))
        return escape(edition.typography(translation))

    return gettext


def _plain_filter(text: str) -> str:
    return inline.plain(str(text))


def environment(layouts: Path, edition: Edition | None = None) -> Environment:
    """The Jinja2 environment of `layouts`: for an edition's documents (its labels,
    typography and filters), or, without one, for reports about the editions."""
    if edition is None:
        return Environment(
            loader=FileSystemLoader(str(layouts)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def finalize(value: Any) -> Any:
        # Every {{ value }} that is not already HTML is set in the edition's typography.
        if isinstance(value, str) and not isinstance(value, Markup):
            return _mark_fallback(value, escape(edition.typography(value)))
        return value

    env = Environment(
        loader=FileSystemLoader(str(layouts)),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=finalize,
    )
    gettext = _gettext(edition)
    env.install_gettext_callables(
        gettext=gettext,
        ngettext=lambda singular, plural, n: gettext(singular if n == 1 else plural),
        newstyle=True,
    )
    env.filters["inline"] = _inline_filter
    env.filters["plain"] = _plain_filter
    env.globals["block_kind"] = block_kind
    return env


def render(edition: Edition, layouts: Path, template: str, env: Environment | None = None, **extra: Any) -> str:
    """The HTML of `template` (relative to `layouts`) for `edition`; a mistake in a
    template is raised as ProblemsFound at its `path:line`. Pass the `env` of an earlier
    call to render several documents of one edition without compiling templates again."""
    return render_template(env or environment(layouts, edition), layouts, template, **context(edition), **extra)


def pdf_html(
    edition: Edition,
    layouts: Path,
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


def render_template(env: Environment, layouts: Path, template: str, **values: Any) -> str:
    """`template` rendered with `values`; a mistake in it raised as ProblemsFound at its `path:line`."""
    try:
        return env.get_template(template).render(**values)
    except TemplateError as error:
        raise ProblemsFound([template_problem(error, layouts, template)]) from error


def template_problem(error: TemplateError, layouts: Path, template: str) -> Problem:
    """Where in the layouts a template error happened: the innermost template frame."""
    if isinstance(error, TemplateSyntaxError) and error.filename:
        path, line = error.filename, error.lineno
    else:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if str(layouts) in f.filename]
        path, line = (frames[-1].filename, frames[-1].lineno) if frames else (str(layouts / template), 0)
    shown = Path(path).resolve().relative_to(layouts.resolve().parent).as_posix()
    return Problem(Level.ERROR, Origin(shown, line), "template", f"template error: {error.message or error}")
