"""The 2021 source text as sentences, and the content model as text to look them up in.

The test reads its own copy of the source, tests/data/directory-2021.txt. Prose must be
found word for word (letter case aside: the original sets headings and attributions in
capitals). Contact lines are compared as sets of tokens within one contact block, because labels
such as "Phone:", joining words such as "or" and the order of a person's name and role
come from the layouts, not from content.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel import Locale
from babel.dates import format_date

from pressrun.content import inline
from pressrun.content.model import Book, Contacts, Quote
from pressrun.content.texts import profile_texts, publication_texts, texts

SOURCE = Path(__file__).parent / "data" / "directory-2021.txt"

# Printed by the layouts as translatable labels, not stored in content.
SECTION_LABELS = {"VISION", "MISSION", "PRINCIPAL OBJECTIVES", "KEY PROJECTS"}
CITATION_LABEL = "The correct citation is:"
# The layouts' English patterns of the imprint lines that carry the edition's year.
COPYRIGHT_PATTERN = "© %(holder)s, %(year)s"
CITATION_PATTERN = "%(author)s, %(title)s, %(year)s, %(place)s."
CONTACT_CONNECTORS = {"or", "and", "at", "phone", "tel", "fax"}
# Country names come from Babel's locale data; the source sometimes prints another form.
PRINTED_COUNTRY_NAMES = {"usa": "united states"}
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"


def normalize(text: str, keep_scheme: bool = False) -> str:
    """Case-folded text without markup, footnote calls, quotation marks or (unless kept)
    the scheme of web addresses, with white space collapsed."""
    text = re.sub(r"\[([^\]]+)\]\((?:[^)]+)\)", r"\1", text)  # [label](url) -> label
    text = text.replace("\\$", "$")
    text = re.sub(f'[{SUPERSCRIPTS}*<>“”"]', "", text)
    if not keep_scheme:
        text = re.sub(r"https?://", "", text)
    return " ".join(text.casefold().split())


def tokens(text: str) -> list[str]:
    words = (word.strip(".,;:()") for word in normalize(text).split())
    words = (PRINTED_COUNTRY_NAMES.get(word, word) for word in words)
    return [w for word in words for w in word.split() if w and w not in CONTACT_CONNECTORS]


def source_units() -> list[tuple[int, str]]:
    """(line number, sentence) for every sentence of the source outside the contents."""
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    start = lines.index("Contents")
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "ORGANIZERS")
    units: list[tuple[int, str]] = []
    block: list[tuple[int, str]] = []
    for number, line in [*enumerate(lines[:start], 1), *enumerate(lines[end:], end + 1), (0, "")]:
        if line.strip():
            block.append((number, re.sub(r"^\s*- ", "", line).strip()))
            continue
        if block:
            text = " ".join(part for _, part in block)
            if text not in SECTION_LABELS and text != "“":
                units.extend((block[0][0], sentence) for sentence in re.split(r"(?<=[.!?])\s+", text))
            block = []
    return units


def quote_credit(quote: Quote) -> str:
    attribution = quote.attribution
    if attribution is None:
        return ""
    name = " ".join(part for part in (attribution.title, attribution.name) if part)
    return attribution.source or ", ".join(part for part in (name, attribution.role) if part)


def contact_words(contacts: Contacts) -> list[str]:
    english = Locale("en")
    words: list[str] = []
    for site in contacts.websites:
        words += tokens(site.label or "") + tokens(site.url)
    for phone in contacts.phones:
        words += tokens(phone.label or "") + tokens(phone.number)
    for email in contacts.emails:
        words += tokens(email.label or "") + tokens(email.address)
    for handle in contacts.social:
        words += tokens(handle.handle)
    if contacts.address:
        for line in contacts.address.lines:
            words += tokens(line)
        words += tokens(english.territories[contacts.address.country])
    for person in contacts.people:
        titles = [name.title for name in person.names]
        names = [name.name for name in person.names]
        for part in (person.role, *titles, *names, person.detail, person.email, person.phone, person.website):
            words += tokens(part or "")
    for note in contacts.notes:
        words += tokens(inline.plain(note))
    return words


def corpora(book: Book) -> tuple[str, list[set[str]]]:
    """The content's prose (normalized) and one token set per contact block."""
    publication = book.publication
    prose = [inline.plain(text) for text in publication_texts(publication)]
    event = publication.event
    prose.append(format_date(event.date, "d MMMM y", locale="en"))
    prose.append(f"{event.place.city}, {Locale('en').territories[event.place.country]}")
    imprint = publication.imprint
    year = publication.year
    prose.append(COPYRIGHT_PATTERN % {"holder": imprint.copyright_holder, "year": year})
    citation = CITATION_PATTERN % {
        "author": imprint.citation_author,
        "title": publication.title,
        "year": year,
        "place": imprint.citation_place,
    }
    prose.append(f"{inline.plain(imprint.permissions[0])} {CITATION_LABEL} {citation}")
    contacts = [contact_words(publication.publisher.contacts), tokens(publication.publisher.name)]
    for profile in book.profiles.values():
        names = [profile.name, *(other.name for other in profile.other_names)]
        if profile.acronym:
            names += [f"{name} ({profile.acronym})" for name in names]
        if profile.subtitle:
            names += [f"{profile.name} {profile.subtitle}", f"{profile.name} – {profile.subtitle}"]
        prose += names
        prose += [inline.plain(text) for text in profile_texts(profile)]
        blocks = [*profile.intro, *(b for s in profile.sections for b in s.blocks)]
        for block in blocks:
            if isinstance(block, Quote):
                prose.append(quote_credit(block))
            items = getattr(block, "items", ()) or getattr(block, "entries", ())
            for item in items:
                if hasattr(item, "lead"):
                    prose.append(f"{item.lead} {item.text}")
                if hasattr(item, "year"):
                    prose.append(f"{item.year} {item.text}")
            prose += [inline.plain(item.text) for item in texts(block)]
        contacts.append(contact_words(profile.contacts))
    return normalize("\n".join(prose)), [set(words) for words in contacts]


def in_one_contact_block(blocks: list[set[str]], needle: list[str]) -> bool:
    return bool(needle) and any(block.issuperset(needle) for block in blocks)


def contact_units(book: Book) -> set[str]:
    """The source sentences found in contact blocks rather than in prose."""
    prose, contact_tokens = corpora(book)
    return {
        sentence
        for _, sentence in source_units()
        if normalize(sentence) not in prose and in_one_contact_block(contact_tokens, tokens(sentence))
    }
