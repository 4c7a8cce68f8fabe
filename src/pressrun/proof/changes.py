"""What changed since a revision: the content, entry by entry and field by field (texts
word by word), and the translators' work that follows, language by language.

Input: the project now and its files at a git revision (`--since REV`: the previous
edition's tag, say). Output: `<output>/changes/report.json`, `report.html` (from
`layouts/proof/changes.html.j2`) and a console summary. The catalogs are compared as an
`i18n update` would leave them, so the report is right before the update as after it.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from ..config import Config, load_config
from ..content import Book, inline, load
from ..content.diff import Change, changes, describe
from ..errors import Origin, ProblemsFound, fail
from ..files import exclusive, write_together
from ..i18n.catalogs import catalog_path, extract_templates, merge, read_catalog, translated_languages
from ..i18n.extract import PUBLICATION_OWNER
from ..i18n.pofile import load_po
from ..render import environment, render_template
from .compare import export_revision, source_revision

CHANGES_FOLDER = "changes"
REPORT_TEMPLATE = "proof/changes.html.j2"


@dataclass(frozen=True)
class EntryChanges:
    """An entry (a profile, or the publication) and what changed in it: `kind` is
    `changed`, or `added` or `removed` for a whole profile."""

    owner: str
    name: str
    kind: str
    status: str
    changed: str | None
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Message:
    """A message a translator now has to translate: `fuzzy` (its text changed) or `new`."""

    context: str | None
    text: str
    state: str
    words: int
    previous: str | None


@dataclass(frozen=True)
class LanguageWork:
    language: str
    messages: tuple[Message, ...]

    @property
    def words(self) -> int:
        return sum(message.words for message in self.messages)

    def count(self, state: str) -> int:
        return sum(1 for message in self.messages if message.state == state)


@dataclass(frozen=True)
class ChangeReport:
    since: str
    revision: str
    entries: tuple[EntryChanges, ...]
    languages: tuple[LanguageWork, ...]


def _entry(owner: str, old, new) -> EntryChanges | None:
    current = new or old
    if new is None:
        kind, found = "removed", (Change("removed", owner, describe(old), None),)
    elif old is None:
        kind, found = "added", (Change("added", owner, None, describe(new)),)
    else:
        kind, found = "changed", tuple(changes(old, new))
    if not found and kind == "changed":
        return None
    status = getattr(current, "status", "")
    changed = getattr(current, "changed", None)
    name = str(getattr(current, "name", None) or getattr(current, "title", owner))
    return EntryChanges(owner, name, kind, status, changed.isoformat() if changed else None, found)


def content_changes(old: Book, new: Book) -> list[EntryChanges]:
    """The publication's changes, then each profile's, in the new edition's order (profiles
    that were removed last)."""
    order = [profile_id for part in new.publication.parts for profile_id in part.profiles]
    order += sorted(set(old.profiles) - set(order))
    found = [_entry(PUBLICATION_OWNER, old.publication, new.publication)]
    found += [_entry(profile_id, old.profiles.get(profile_id), new.profiles.get(profile_id)) for profile_id in order]
    return [entry for entry in found if entry is not None]


def _needs_work(catalog: Catalog | None) -> dict[tuple[str | None, str], object]:
    """The messages of a catalog that are untranslated or fuzzy, by (context, text)."""
    if catalog is None:
        return {}
    return {(m.context, m.id): m for m in catalog if m.id and (not m.string or m.fuzzy)}


def _then(previous: Config, language: str, domain: str) -> Catalog | None:
    path, folder = catalog_path(previous, language, domain), previous.folder("locales")
    return load_po(folder, path, language) if folder.is_file(path) else None


def translation_work(config: Config, previous: Config, source_language: str) -> list[LanguageWork]:
    """Per language, the messages that became fuzzy or new since `previous` (the project at
    the revision), with the words each has to translate."""
    templates = extract_templates(config)
    work = []
    for language in translated_languages(config, source_language):
        messages = []
        for domain, template in templates.items():
            catalog = read_catalog(config, language, domain).catalog or Catalog(locale=language)
            now = _needs_work(merge(catalog, template))
            before = _needs_work(_then(previous, language, domain))
            for key, message in now.items():
                if key in before:  # already to do at the revision: not a change since
                    continue
                state = "fuzzy" if message.fuzzy and message.string else "new"
                previous_text = message.previous_id[0] if state == "fuzzy" and message.previous_id else None
                messages.append(Message(message.context, message.id, state, inline.words(message.id), previous_text))
        work.append(LanguageWork(language, tuple(messages)))
    return work


def _previous(config: Config, since: str, scratch: Path) -> tuple[Config, Book]:
    """The project at revision `since`, read with this toolkit."""
    try:
        exported = export_revision(config, since, scratch)
    except subprocess.CalledProcessError as error:
        raise fail(Origin("--since"), "revision", f"git cannot give the files of {since}: {error.stderr!r}") from error
    try:
        previous = load_config(exported)
        return previous, load(previous)
    except ProblemsFound as error:
        reasons = "; ".join(str(problem) for problem in error.problems[:3])
        message = f"the project at {since} cannot be read with this pressrun: {reasons}"
        raise fail(Origin("--since"), "revision", message) from error


def make_changes(config: Config, since: str) -> ChangeReport:
    """What changed since revision `since`; the reports written in `<output>/changes/`."""
    book = load(config)
    with exclusive(config.folder("output")) as scratch:
        previous, old_book = _previous(config, since, scratch / "since")
        entries = content_changes(old_book, book)
        languages = translation_work(config, previous, book.publication.language)
        report = ChangeReport(since, source_revision(config.root), tuple(entries), tuple(languages))
        write_change_reports(config, report)
    return report


def report_data(report: ChangeReport) -> dict:
    data = asdict(report)
    for language, work in zip(data["languages"], report.languages, strict=True):
        language.update(words=work.words, fuzzy=work.count("fuzzy"), new=work.count("new"))
    return data


def write_change_reports(config: Config, report: ChangeReport) -> None:
    """`report.json` and `report.html` in `<output>/changes/`, put in place together (the
    caller holds the output folder)."""
    out = config.output_dir / CHANGES_FOLDER
    data = json.dumps(report_data(report), indent=2, ensure_ascii=False)
    layouts = config.folder("layouts")
    html = render_template(environment(layouts), layouts, REPORT_TEMPLATE, report=report)
    files = [(out / "report.json", data.encode("utf-8")), (out / "report.html", html.encode("utf-8"))]
    write_together(config.folder("output"), files)


def change_summary(report: ChangeReport) -> list[str]:
    """The report in a few lines for the console: each entry's changes, each language's work."""
    lines = [f"changes since {report.since}, to {report.revision}"]
    for entry in report.entries:
        state = (
            f" ({entry.status.replace('-', ' ')}{f' {entry.changed}' if entry.changed else ''})" if entry.status else ""
        )
        lines.append(f"  {entry.owner}{state}: {entry.kind}, {len(entry.changes)} change(s)")
        lines += [f"    {change}" for change in entry.changes]
    if not report.entries:
        lines.append("  content: no change")
    for work in report.languages:
        lines.append(
            f"  {work.language}: {work.count('fuzzy')} fuzzy, {work.count('new')} new message(s), "
            f"{work.words} word(s) to translate"
        )
    return lines
