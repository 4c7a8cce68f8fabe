"""A language's glossary (termbase): `locales/<language>/glossary.tbx` in, terms out, and
where the catalogs use them.

The glossary is TBX (TermBase eXchange), the form Weblate, memoQ and Trados import:
one `termEntry` per concept, with the source term in the content's language and, in
the translation's language, the approved term (administrative status
`preferredTerm-admn-sts`), other accepted forms (`admittedTerm-admn-sts`), forbidden
variants (`deprecatedTerm-admn-sts`) and a note for the translator. A mistake in the
file is reported at its line.

Matching, the same for the source and the translation: a term matches whole words as
written, except that a lower-case first letter also matches a capital (the term may
start a sentence or a label), and a source term also matches its plural in -s or -es. Where terms overlap in a source text, the longest one counts ("Human
Rights Cities Network" leaves no "human rights" to check).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from ..config import Config
from ..content import inline
from ..errors import Level, Origin, Problem, Problems, ProblemsFound
from .catalogs import CatalogFile, load_catalogs
from .pofile import PROSE_DOMAINS

GLOSSARY_FILE = "glossary.tbx"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TBX-Basic's administrative statuses, by what they mean here.
APPROVED = {"preferredTerm-admn-sts", "admittedTerm-admn-sts"}
FORBIDDEN = {"deprecatedTerm-admn-sts", "supersededTerm-admn-sts"}


@dataclass(frozen=True)
class Term:
    """A glossary entry: the source term, its approved translations (the preferred one
    first), the variants a translation must not use, and the translator's note."""

    source: str
    approved: tuple[str, ...]
    forbidden: tuple[str, ...]
    note: str
    origin: Origin


@dataclass(frozen=True)
class Glossary:
    language: str
    shown: str
    terms: tuple[Term, ...]


def glossary_path(config: Config, language: str) -> Path:
    return config.locales_dir / language / GLOSSARY_FILE


# --- reading TBX ---------------------------------------------------------------------


def _language(element) -> str:
    """The primary language subtag of an element's xml:lang (`fr` for `fr-CH`)."""
    return re.split(r"[-_]", element.get(XML_LANG, ""))[0].lower()


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _terms(lang_set, origin: Origin, problems: Problems) -> list[tuple[str, str]]:
    """(term, status) for each term of a langSet; a term without a status is accepted."""
    found = []
    for tig in lang_set.iter("tig", "ntig"):
        term = tig.find(".//term")
        status = tig.find(".//termNote[@type='administrativeStatus']")
        value = _text(status) if status is not None else "admittedTerm-admn-sts"
        if term is None or not _text(term):
            problems.error(Origin(origin.path, tig.sourceline), "glossary", "a <tig> without a <term>")
        elif value not in APPROVED | FORBIDDEN:
            known = ", ".join(sorted(APPROVED | FORBIDDEN))
            problems.error(Origin(origin.path, status.sourceline), "glossary", f"unknown status {value!r} ({known})")
        else:
            found.append((_text(term), value))
    return found


def _entry(element, shown: str, source_language: str, language: str, problems: Problems) -> Term | None:
    origin = Origin(shown, element.sourceline)
    sets = {_language(lang_set): lang_set for lang_set in element.iter("langSet")}
    if source_language not in sets or language not in sets:
        problems.error(origin, "glossary", f"a <termEntry> needs a langSet in {source_language} and in {language}")
        return None
    reported = len(problems.items)
    sources = [term for term, status in _terms(sets[source_language], origin, problems) if status in APPROVED]
    targets = _terms(sets[language], origin, problems)
    preferred = [term for term, status in targets if status == "preferredTerm-admn-sts"]
    admitted = [term for term, status in targets if status == "admittedTerm-admn-sts"]
    if len(problems.items) > reported:
        return None
    if len(sources) != 1 or not preferred + admitted:
        problems.error(
            origin, "glossary", f"a <termEntry> needs one {source_language} term and an approved {language} term"
        )
        return None
    note = " ".join(_text(note) for note in sets[language].iterfind("note"))
    forbidden = tuple(term for term, status in targets if status in FORBIDDEN)
    return Term(sources[0], tuple(preferred + admitted), forbidden, note, origin)


def read_glossary(data: bytes, shown: str, source_language: str, language: str) -> Glossary:
    """The glossary in `data` (the file `shown`); raises ProblemsFound with every mistake
    at its line."""
    problems = Problems()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line, col = error.position
        problems.error(Origin(shown, line, col), "glossary", f"not well-formed XML: {error.msg}")
        problems.raise_if_errors()
    terms: dict[str, Term] = {}
    for element in root.iterfind("text/body/termEntry"):
        term = _entry(element, shown, source_language, language, problems)
        if term is not None and term.source in terms:
            problems.error(
                term.origin, "glossary", f"“{term.source}” is already an entry ({terms[term.source].origin})"
            )
        elif term is not None:
            terms[term.source] = term
    if root.tag != "martif" or not terms and not problems.errors:
        problems.error(Origin(shown, 1, 1), "glossary", "not a TBX glossary (<martif> with <termEntry> elements)")
    problems.raise_if_errors()
    return Glossary(language, shown, tuple(terms.values()))


def load_glossary(config: Config, source_language: str, language: str) -> Glossary | None:
    """The language's glossary, or None when it has none."""
    path, folder = glossary_path(config, language), config.folder("locales")
    if not folder.is_file(path):
        return None
    return read_glossary(folder.read_bytes(path), config.shown(path), source_language, language)


def load_glossaries(config: Config, source_language: str) -> dict[str, Glossary | None]:
    """The glossary of each translated language; raises ProblemsFound with the mistakes
    of every glossary at once."""
    glossaries, problems = {}, Problems()
    for language in config.every_language:
        if language != source_language:
            try:
                glossaries[language] = load_glossary(config, source_language, language)
            except ProblemsFound as error:
                problems.extend(error.problems)
    problems.raise_if_errors()
    return glossaries


# --- where the catalogs use the terms ------------------------------------------------


def normalized(text: str) -> str:
    """Text as terms are looked for in it: one kind of apostrophe, plain single spaces."""
    return " ".join(re.sub("[’‘ʼ]", "'", text).split())


@cache
def pattern(term: str, plural: bool = False) -> re.Pattern:
    """The whole-word pattern of `term`, by the case rule in the module docstring."""
    words = r"\s+".join(re.escape(word) for word in normalized(term).split())
    if term[:1].islower():
        words = f"[{term[0]}{term[0].upper()}]{words[1:]}"
    suffix = "(?:e?s)?" if plural else ""
    return re.compile(rf"(?<!\w){words}{suffix}(?!\w)")


def source_terms(text: str, terms: Iterable[Term]) -> list[Term]:
    """The terms used in a source text, longest first where they overlap, in text order."""
    found = [(m.start(), m.end(), term) for term in terms for m in pattern(term.source, plural=True).finditer(text)]
    taken: list[tuple[int, int, Term]] = []
    for start, end, term in sorted(found, key=lambda item: (item[0], item[0] - item[1])):
        if all(end <= other_start or start >= other_end for other_start, other_end, _ in taken):
            taken.append((start, end, term))
    return list(dict.fromkeys(term for _, _, term in sorted(taken, key=lambda item: item[0])))


@dataclass(frozen=True)
class Message:
    """A translated message of a catalog, as the checks read it."""

    found: CatalogFile
    context: str | None
    source: str
    translation: str
    line: int

    @property
    def origin(self) -> Origin:
        return Origin(self.found.shown, self.line)

    @property
    def label(self) -> str:
        return f"{self.context}: " if self.context else ""


def translated_messages(catalogs: Mapping[str, CatalogFile]) -> Iterator[Message]:
    """Every message with a translation to show (not empty, not fuzzy), as plain text:
    the content's Markdown and footnote calls left out, terms' spaces and apostrophes
    normalized."""
    for domain, found in catalogs.items():
        for message in found.catalog or ():
            if message.id and message.string and not message.fuzzy:
                source, translation = message.id, message.string
                if domain in PROSE_DOMAINS:
                    source, translation = inline.plain(source), inline.plain(translation)
                yield Message(found, message.context, normalized(source), normalized(translation), message.lineno)


@dataclass(frozen=True)
class TermUse:
    """A glossary term in a message's source, and what its translation does with it."""

    term: Term
    message: Message
    forbidden: tuple[str, ...]
    approved: bool

    @property
    def follows(self) -> bool:
        return self.approved and not self.forbidden

    def problem(self) -> Problem:
        term, label = self.term, self.message.label
        if self.forbidden:
            said = ", ".join(f"“{variant}”" for variant in self.forbidden)
            text = f"{label}{said} is a forbidden variant of “{term.approved[0]}” (for “{term.source}”)"
        else:
            text = f"{label}“{term.source}” is not translated “{term.approved[0]}”, as the glossary says"
        if term.note:
            text += f" [{term.note}]"
        return Problem(Level.WARNING, self.message.origin, "glossary", text)


def term_uses(terms: Iterable[Term], messages: Iterable[Message]) -> Iterator[TermUse]:
    """Each use of a term in a message's source, with the verdict on its translation."""
    terms = tuple(terms)
    for message in messages:
        for term in source_terms(message.source, terms):
            forbidden = tuple(form for form in term.forbidden if pattern(form).search(message.translation))
            approved = any(pattern(form).search(message.translation) for form in term.approved)
            yield TermUse(term, message, forbidden, approved)


@dataclass(frozen=True)
class GlossaryCoverage:
    """How a language's translations follow its glossary: the terms its translated
    messages' sources use, their uses, and the uses whose translation follows."""

    language: str
    shown: str
    terms: int
    used: int
    uses: int
    following: int

    @property
    def percent(self) -> float:
        return 100.0 * self.following / self.uses if self.uses else 100.0


def glossary_coverage(config: Config, source_language: str) -> list[GlossaryCoverage]:
    """The coverage of each translated language that has a glossary."""
    result = []
    for language, glossary in load_glossaries(config, source_language).items():
        if glossary is not None:
            uses = list(term_uses(glossary.terms, translated_messages(load_catalogs(config, language))))
            used = len({use.term.source for use in uses})
            following = sum(use.follows for use in uses)
            result.append(GlossaryCoverage(language, glossary.shown, len(glossary.terms), used, len(uses), following))
    return result
