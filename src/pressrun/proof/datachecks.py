"""Doubtful data in the content: odd or invalid addresses and numbers, misspelt names and
addresses, contacts shared by two profiles, profiles without contacts, footnotes never
called, text copied between profiles. Input: the `Book`; output: findings with `path:line:col`.

These are not validation errors: the organisations wrote their own profiles, and the
published text is kept as it is. A proofreader decides what to do with each finding.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import urlsplit

import phonenumbers

from ..content import inline
from ..content.model import Book, Profile
from ..content.texts import texts
from ..errors import Level, Origin, Problem

NOTICE, WARNING = Level.NOTICE, Level.WARNING


def _finding(kind: str, level: Level, origin: Origin, message: str) -> Problem:
    return Problem(level, origin, kind, message)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _profile_contacts(profile: Profile) -> Iterator[tuple[str, str, Origin]]:
    """(kind, comparable value, origin) for each website, email and phone of a profile."""
    contacts = profile.contacts
    for site in contacts.websites:
        yield "website", _host(site.url) + urlsplit(site.url).path.rstrip("/").lower(), site.origin
    for email in contacts.emails:
        yield "email", email.address.lower(), email.origin
    for phone in contacts.phones:
        yield "phone", _e164(phone.number) or phone.number, phone.origin
    for person in contacts.people:
        if person.email:
            yield "email", person.email.lower(), person.origin
        if person.phone:
            yield "phone", _e164(person.phone) or person.phone, person.origin


def _e164(number: str) -> str | None:
    try:
        return phonenumbers.format_number(phonenumbers.parse(number, None), phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return None


def check_urls(profile: Profile) -> Iterator[Problem]:
    contacts = profile.contacts
    email_domains = {address.split("@")[1].lower() for address in _emails(profile)}
    for site in [*contacts.websites]:
        parts = urlsplit(site.url)
        if parts.scheme == "http":
            yield _finding("url", NOTICE, site.origin, f"{site.url} is http://, not https://")
        if parts.hostname and any(ch.isupper() for ch in urlsplit(site.url).netloc):
            yield _finding("url", NOTICE, site.origin, f"{site.url}: the host name has capital letters")
        host = _host(site.url)
        related = {domain for domain in email_domains if host.endswith("." + domain) or domain.endswith("." + host)}
        close = difflib.get_close_matches(host, sorted(email_domains - {host} - related), n=1, cutoff=0.85)
        if close and host not in email_domains and not related:
            yield _finding(
                "url", WARNING, site.origin, f"{host} looks like a misspelling of the email domain {close[0]}"
            )


def _emails(profile: Profile) -> list[str]:
    return [e.address for e in profile.contacts.emails] + [p.email for p in profile.contacts.people if p.email]


def _ascii_letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() or ch == ".")


def check_person_emails(profile: Profile) -> Iterator[Problem]:
    """An address whose local part is close to, but not, the usual forms of its owner's name."""
    for person in profile.contacts.people:
        if not person.email or len(person.names) != 1:
            continue
        words = [_ascii_letters(word) for word in person.names[0].name.split()]
        if len(words) < 2:
            continue
        first, last = words[0], words[-1]
        forms = {
            last,
            first,
            first[0] + last,
            last + first[0],
            f"{first}.{last}",
            f"{first[0]}.{last}",
            first + last[0],
            first + last,
        }
        local = _ascii_letters(person.email.split("@")[0])
        close = difflib.get_close_matches(local, sorted(forms), n=1, cutoff=0.8)
        if local not in forms and close:
            yield _finding(
                "email",
                WARNING,
                person.origin,
                f"{person.email} looks like a misspelling of {close[0]}@… for {person.names[0]}",
            )


def check_name_spellings(profile: Profile) -> Iterator[Problem]:
    """A person quoted and a contact person whose surnames differ by a letter or two."""
    quoted = {}
    for item in texts(profile):
        if item.path.endswith("attribution.name"):
            quoted[str(item.text).split()[-1]] = item.text.origin
    for person in profile.contacts.people:
        for name in person.names:
            surname = name.name.split()[-1]
            for other, origin in quoted.items():
                if (
                    other != surname
                    and difflib.SequenceMatcher(None, other.casefold(), surname.casefold()).ratio() >= 0.85
                ):
                    yield _finding(
                        "name",
                        WARNING,
                        person.origin,
                        f"contact {name} and the quoted {other} ({origin}) differ by a letter",
                    )


def check_phones(profile: Profile) -> Iterator[Problem]:
    yield from _check_numbers(
        [(phone.number, phone.origin) for phone in profile.contacts.phones]
        + [(person.phone, person.origin) for person in profile.contacts.people if person.phone]
    )


def _check_numbers(numbers: list[tuple[str, Origin]]) -> Iterator[Problem]:
    for number, origin in numbers:
        parsed = phonenumbers.parse(number, None)
        international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if not phonenumbers.is_valid_number(parsed):
            region = phonenumbers.region_code_for_country_code(parsed.country_code)
            yield _finding(
                "phone", WARNING, origin, f"{number} is not a valid number for +{parsed.country_code} ({region})"
            )
        elif re.match(r"^\+\s", number) or "(0)" in number:
            yield _finding(
                "phone", NOTICE, origin, f"{number} is unusually written; international form: {international}"
            )


def check_duplicates(book: Book) -> Iterator[Problem]:
    """The same website, email or phone given by two different profiles."""
    seen: dict[tuple[str, str], list[tuple[str, Origin]]] = defaultdict(list)
    for profile in book.profiles.values():
        for kind, value, origin in _profile_contacts(profile):
            if profile.id not in {owner for owner, _ in seen[(kind, value)]}:
                seen[(kind, value)].append((profile.id, origin))
    for (kind, value), owners in sorted(seen.items()):
        if len(owners) > 1:
            for owner, origin in owners:
                others = ", ".join(other for other, _ in owners if other != owner)
                yield _finding("duplicate-contact", WARNING, origin, f"{kind} {value} is also given by {others}")


def check_contacts_present(profile: Profile) -> Iterator[Problem]:
    contacts = profile.contacts
    if not (contacts.websites or contacts.phones or contacts.emails or contacts.address or contacts.people):
        yield _finding("no-contacts", WARNING, profile.origin, f"{profile.id} gives no contact details")


def check_footnotes(profile: Profile) -> Iterator[Problem]:
    called = {footnote_id for item in texts(profile) for footnote_id in inline.footnote_calls(item.text)}
    for footnote_id, text in (profile.footnotes or {}).items():
        if footnote_id not in called:
            yield _finding("footnote", WARNING, text.origin, f"footnote [^{footnote_id}] is never called")


def _sentences(profile: Profile) -> Iterator[tuple[str, Origin]]:
    names = [str(name) for name in (profile.name, profile.acronym, profile.subtitle) if name]
    for item in texts(profile):
        plain = inline.plain(item.text)
        for name in names:
            plain = plain.replace(name, "<name>")
        for sentence in re.split(r"(?<=[.!?])\s+", plain):
            if len(sentence.split()) >= 8:
                yield " ".join(sentence.split()).casefold(), item.text.origin


def check_copied_text(book: Book) -> Iterator[Problem]:
    """Sentences that two profiles share word for word, their own names aside."""
    owners: dict[str, list[tuple[str, Origin]]] = defaultdict(list)
    for profile in book.profiles.values():
        for sentence, origin in _sentences(profile):
            if profile.id not in {owner for owner, _ in owners[sentence]}:
                owners[sentence].append((profile.id, origin))
    for sentence, places in owners.items():
        if len(places) > 1:
            for owner, origin in places:
                others = ", ".join(other for other, _ in places if other != owner)
                excerpt = sentence if len(sentence) < 80 else sentence[:79] + "…"
                yield _finding("copied-text", WARNING, origin, f"“{excerpt}” also stands in {others}")


def check_book(book: Book) -> list[Problem]:
    """Every doubtful-data finding of the content, sorted by place."""
    findings: list[Problem] = []
    for profile in book.profiles.values():
        for check in (
            check_urls,
            check_phones,
            check_person_emails,
            check_name_spellings,
            check_contacts_present,
            check_footnotes,
        ):
            findings.extend(check(profile))
    publisher = book.publication.publisher.contacts
    findings.extend(_check_numbers([(phone.number, phone.origin) for phone in publisher.phones]))
    findings.extend(check_duplicates(book))
    findings.extend(check_copied_text(book))
    unique = dict.fromkeys(findings)
    return sorted(unique, key=lambda f: (f.origin.path, f.origin.line, f.code, f.origin.col, f.message))
