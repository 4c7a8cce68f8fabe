"""Translations read against the glossary and the content. Input: an edition (its
catalogs and the book) and its language's glossary; output: warnings at the catalog
line of each message, its msgctxt first in the message.

- `glossary`: a source text uses a glossary term, and its translation lacks the
  approved term or uses a forbidden variant;
- `inconsistent`: one source text translated two ways (a capital at the start aside:
  a label is capitalised, the same words after a name are not);
- `org-name`: a source text names an organisation of the directory, and its
  translation does not use the name the content gives that organisation in this
  language (its official name in `other_names`, or else its translated `name` and
  `acronym`). The content is the authority on its organisations' names: a glossary
  entry for one of them is checked against the content instead, at the glossary's line.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import Level, Origin, Problem
from ..i18n import Edition
from ..i18n.extract import message_context
from ..i18n.glossary import Glossary, Message, pattern, term_uses, translated_messages


def _warning(origin: Origin, code: str, message: str) -> Problem:
    return Problem(Level.WARNING, origin, code, message)


def _excerpt(text: str) -> str:
    return textwrap.shorten(text, 60, placeholder="…")


@dataclass(frozen=True)
class OrganisationName:
    """How the content names an organisation in the source and in the edition's language."""

    source: str
    translated: str
    given_at: Origin


def organisation_names(edition: Edition) -> list[OrganisationName]:
    """Each organisation's name and acronym in the edition's language: the official name
    in that language when the content gives one, else the catalog's translation."""
    found = edition.catalogs["content"]
    names = []
    for profile in edition.book.profiles.values():
        own = {other.lang: other for other in profile.other_names}.get(edition.language)
        if own is not None:
            names.append(OrganisationName(str(profile.name), own.name, own.origin))
        for field in ("acronym",) if own is not None else ("name", "acronym"):
            source = getattr(profile, field)
            message = found.catalog.get(str(source), message_context(profile.id, field)) if source else None
            if message is not None and message.string and not message.fuzzy:
                names.append(OrganisationName(str(source), message.string, Origin(found.shown, message.lineno)))
    return names


def check_organisation_names(messages: list[Message], names: list[OrganisationName]) -> Iterator[Problem]:
    for message in messages:
        for name in names:
            if pattern(name.source).search(message.source) and not pattern(name.translated).search(message.translation):
                yield _warning(
                    message.origin,
                    "org-name",
                    f"{message.label}the translation does not name “{name.source}” as this edition does: "
                    f"“{name.translated}” ({name.given_at})",
                )


def check_glossary(glossary: Glossary, messages: list[Message], names: list[OrganisationName]) -> Iterator[Problem]:
    """Term uses that depart from the glossary; entries for the organisations' names
    that depart from the content's."""
    content_names = {name.source: name for name in names}
    for term in glossary.terms:
        name = content_names.get(term.source)
        if name is not None and name.translated not in term.approved:
            yield _warning(
                term.origin,
                "glossary",
                f"the glossary translates “{term.source}” as “{term.approved[0]}”, but the content names "
                f"it “{name.translated}” in this edition ({name.given_at})",
            )
    for use in term_uses(glossary.terms, messages):
        if not use.follows and use.term.source not in content_names:
            yield use.problem()


def check_consistency(messages: list[Message]) -> Iterator[Problem]:
    """Messages whose source text is another's, translated otherwise."""
    by_source: dict[str, list[Message]] = defaultdict(list)
    for message in messages:
        by_source[message.source].append(message)
    for group in by_source.values():
        renderings = {_folded(message.translation) for message in group}
        if len(renderings) < 2:
            continue
        for message in group:
            others = "; ".join(
                f"“{_excerpt(other.translation)}” at {other.origin} ({other.context or 'no context'})"
                for other in group
                if _folded(other.translation) != _folded(message.translation)
            )
            yield _warning(
                message.origin,
                "inconsistent",
                f"{message.label}“{_excerpt(message.source)}” is translated otherwise elsewhere: {others}",
            )


def _folded(text: str) -> str:
    return text[:1].lower() + text[1:]


def check_translations(edition: Edition, glossary: Glossary | None) -> list[Problem]:
    """Every glossary, consistency and organisation-name finding of a translated edition."""
    if not edition.translated:
        return []
    messages = list(translated_messages(edition.catalogs))
    names = organisation_names(edition)
    findings = [*check_organisation_names(messages, names), *check_consistency(messages)]
    if glossary is not None:
        findings += check_glossary(glossary, messages, names)
    return findings
