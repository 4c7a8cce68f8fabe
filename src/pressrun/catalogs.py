"""Catalogs: extract templates, update translations, compile, and report coverage.

Input: `content/` and `layouts/` (through the `[tool.babel]` mapping), and
`locales/<language>/LC_MESSAGES/<domain>.po`. Output: `locales/<domain>.pot`, updated
`.po` files, compiled `.mo` files, and per-language, per-domain statistics. Babel's
`messages` API does the reading and writing, so the files are what `pybabel`, `msgfmt`,
Poedit and Weblate expect.
"""

from __future__ import annotations

import datetime
import io
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .config import Config
from .content import load
from .errors import Origin, Problems
from .output import build_date, write_atomically

# A domain per folder: its messages come from that folder, its catalogs are <domain>.po.
DOMAIN_FOLDERS = {"content": "content", "layouts": "layouts"}
DOMAINS = tuple(DOMAIN_FOLDERS)
# Comments in templates that start with this go to the translators (`pybabel extract -c`).
COMMENT_TAGS = ("Translators:",)


def template_path(config: Config, domain: str) -> Path:
    return config.root / config.locales / f"{domain}.pot"


def catalog_path(config: Config, language: str, domain: str) -> Path:
    return config.root / config.locales / language / "LC_MESSAGES" / f"{domain}.po"


def translated_languages(config: Config, source_language: str) -> list[str]:
    return [language for language in config.languages if language != source_language]


def _mappings(config: Config) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """Babel's method map and options map, from `[[tool.babel.mappings]]` in pyproject.toml."""
    table = tomllib.loads((config.root / "pyproject.toml").read_text(encoding="utf-8"))
    method_map, options_map = [], {}
    for entry in table.get("tool", {}).get("babel", {}).get("mappings", []):
        entry = dict(entry)
        method, patterns = entry.pop("method"), entry.pop("pattern")
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            method_map.append((pattern, method))
            options_map[pattern] = {key: str(value) for key, value in entry.items()}
    return method_map, options_map


def _header(catalog: Catalog, config: Config, when: datetime.datetime) -> Catalog:
    catalog.project = config.basename
    catalog.version = "1"
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = "the pressrun project"
    catalog.creation_date = when
    catalog.revision_date = when
    catalog.last_translator = "pressrun translators"
    return catalog


def extract_templates(config: Config) -> dict[str, Catalog]:
    """A fresh template catalog per domain, from the content and the layouts."""
    directory = load(config.root, config.content)  # validate first: extraction skips broken files
    when = build_date(directory.publication.event.date)
    method_map, options_map = _mappings(config)
    templates = {}
    for domain, folder in DOMAIN_FOLDERS.items():
        catalog = _header(Catalog(fuzzy=False), config, when)
        source = config.root / getattr(config, folder)
        for filename, lineno, message, comments, context in extract_from_dir(
            str(source), method_map, options_map, comment_tags=COMMENT_TAGS, strip_comment_tags=True
        ):
            location = (Path(getattr(config, folder), filename).as_posix(), lineno)
            catalog.add(message, None, [location], auto_comments=comments, context=context)
        for message in catalog:
            # Content is prose, never a format string, whatever "%" it holds.
            message.flags.discard("python-format")
        templates[domain] = catalog
    return templates


def serialize(catalog: Catalog, previous: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, include_previous=previous, omit_header=False)
    return buffer.getvalue()


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(
        line for line in data.split(b"\n") if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))
    )


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file holds the same apart from its dates; say if written."""
    if path.is_file() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    write_atomically(path, data)
    return True


def extract(config: Config) -> dict[str, bool]:
    """Write `locales/<domain>.pot`; returns, per domain, whether the file changed."""
    return {
        domain: write_if_changed(template_path(config, domain), serialize(catalog))
        for domain, catalog in extract_templates(config).items()
    }


def merge(catalog: Catalog, template: Catalog) -> Catalog:
    """`catalog` updated to `template`. Content contexts are field paths, so: a text found
    under a new path (a paragraph was inserted above it) keeps its translation as is; a
    text that changed under the same path keeps its translation, marked fuzzy, with the
    previous text (`#| msgid`); anything else goes through Babel's fuzzy matching."""
    template_keys = {(message.id, message.context) for message in template if message.id}
    stale = [m for m in catalog if m.id and m.context and (m.id, m.context) not in template_keys and m.string]
    by_text = {message.id: message for message in stale}
    by_context = {message.context: message for message in stale}
    previous: dict[str, str] = {}
    for message in template:
        if not message.id or not message.context or catalog.get(message.id, message.context) is not None:
            continue
        old = by_text.pop(message.id, None)
        fuzzy = False
        if old is None:
            old = by_context.get(message.context)
            if old is None or old.id not in by_text:
                continue
            by_text.pop(old.id)
            fuzzy = True
            previous[message.context] = old.id
        catalog.delete(old.id, old.context)
        flags = {*old.flags, "fuzzy"} if fuzzy else set(old.flags)
        catalog.add(
            message.id,
            old.string,
            message.locations,
            flags=flags,
            user_comments=old.user_comments,
            context=message.context,
        )
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False, keep_user_comments=True)
    for message in catalog:
        if message.context in previous:
            message.previous_id = [previous[message.context]]
    return catalog


def update(config: Config, source_language: str) -> list[Path]:
    """Bring every language's catalogs up to the templates; returns the files written."""
    written = []
    for domain in DOMAINS:
        with template_path(config, domain).open("rb") as stream:
            template = read_po(stream)
        for language in translated_languages(config, source_language):
            path = catalog_path(config, language, domain)
            if path.is_file():
                with path.open("rb") as stream:
                    catalog = read_po(stream, locale=language)
            else:
                catalog = _header(Catalog(locale=Locale.parse(language), fuzzy=False), config, template.creation_date)
                catalog.language_team = f"{Locale.parse(language).english_name} <>"
            merge(catalog, template)
            catalog.revision_date = template.creation_date
            if write_if_changed(path, serialize(catalog, previous=True)):
                written.append(path)
    return written


def read_catalog(config: Config, language: str, domain: str) -> Catalog | None:
    path = catalog_path(config, language, domain)
    if not path.is_file():
        return None
    with path.open("rb") as stream:
        return read_po(stream, locale=language)


@dataclass(frozen=True)
class Coverage:
    language: str
    domain: str
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def coverage(catalog: Catalog, language: str, domain: str) -> Coverage:
    messages = [message for message in catalog if message.id]
    fuzzy = sum(1 for message in messages if message.fuzzy and message.string)
    untranslated = sum(1 for message in messages if not message.string)
    return Coverage(language, domain, len(messages) - fuzzy - untranslated, fuzzy, untranslated)


def status(config: Config, source_language: str) -> list[Coverage]:
    """Translated, fuzzy and untranslated counts per language and domain."""
    result = []
    for language in translated_languages(config, source_language):
        for domain in DOMAINS:
            catalog = read_catalog(config, language, domain)
            if catalog is None:
                with template_path(config, domain).open("rb") as stream:
                    catalog = read_po(stream)
            result.append(coverage(catalog, language, domain))
    return result


def compile_catalogs(config: Config, source_language: str) -> tuple[list[Path], Problems]:
    """Write a `.mo` beside each `.po` (fuzzy entries left out); check each catalog."""
    problems = Problems()
    written = []
    for language in translated_languages(config, source_language):
        for domain in DOMAINS:
            catalog = read_catalog(config, language, domain)
            path = catalog_path(config, language, domain)
            if catalog is None:
                problems.error(Origin(path.relative_to(config.root).as_posix()), "missing-catalog", "no catalog")
                continue
            for message, errors in catalog.check():
                for error in errors:
                    origin = Origin(path.relative_to(config.root).as_posix(), message.lineno)
                    problems.error(origin, "catalog", f"{message.context or ''}: {error}")
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            target = path.with_suffix(".mo")
            write_atomically(target, buffer.getvalue())
            written.append(target)
    return written, problems


def untranslated_messages(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id and (not message.string or message.fuzzy))
