"""The translators' workflow: extract templates, update translations, compile, report coverage.

Input: `content/` and `layouts/` (through the `[tool.babel]` mapping), and
`locales/<language>/LC_MESSAGES/<domain>.po`. Output: `locales/<domain>.pot`, updated
`.po` files, compiled `.mo` files, per-language, per-domain statistics, and each
language's catalogs as `CatalogFile`s for its edition. Babel's `messages` API does the
reading and writing (see `pofile`), so the files are what `pybabel`, `msgfmt`, Poedit
and Weblate expect.
"""

from __future__ import annotations

import datetime
import io
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ..config import Config
from ..content import load
from ..errors import Origin, Problems
from ..files import build_date, write_atomically, write_if_changed
from .pofile import PROSE_DOMAINS, as_prose, load_po, serialize, without_dates

# A domain per folder: its messages come from that folder, its catalogs are <domain>.po.
DOMAIN_FOLDERS = {"content": "content", "layouts": "layouts"}
DOMAINS = tuple(DOMAIN_FOLDERS)
# Comments in templates that start with this go to the translators (`pybabel extract -c`).
COMMENT_TAGS = ("Translators:",)


def template_path(config: Config, domain: str) -> Path:
    return config.locales_dir / f"{domain}.pot"


def catalog_path(config: Config, language: str, domain: str) -> Path:
    return config.locales_dir / language / "LC_MESSAGES" / f"{domain}.po"


@dataclass(frozen=True)
class CatalogFile:
    """One language's catalog of one domain: where it is (as the user sees it) and what it
    holds (None when the file is missing)."""

    language: str
    domain: str
    shown: str
    catalog: Catalog | None


def read_catalog(config: Config, language: str, domain: str) -> CatalogFile:
    path = catalog_path(config, language, domain)
    shown = config.shown(path)
    return CatalogFile(language, domain, shown, load_po(path, shown, language) if path.is_file() else None)


def load_catalogs(config: Config, language: str) -> Mapping[str, CatalogFile]:
    """The language's catalogs, by domain."""
    return {domain: read_catalog(config, language, domain) for domain in DOMAINS}


def translated_languages(config: Config, source_language: str) -> list[str]:
    return [language for language in config.languages if language != source_language]


# Used when pyproject.toml has no `[[tool.babel.mappings]]` (which `pybabel` needs).
DEFAULT_MAPPINGS = (
    {"method": "pressrun", "pattern": "**.yaml"},
    {
        "method": "jinja2",
        "pattern": "**.j2",
        "extensions": "jinja2.ext.i18n",
        "trim_blocks": "true",
        "lstrip_blocks": "true",
    },
)


def _mappings(config: Config) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """Babel's method map and options map, from `[[tool.babel.mappings]]` in pyproject.toml."""
    table = tomllib.loads((config.root / "pyproject.toml").read_text(encoding="utf-8"))
    method_map, options_map = [], {}
    for entry in table.get("tool", {}).get("babel", {}).get("mappings", DEFAULT_MAPPINGS):
        entry = dict(entry)
        method, patterns = entry.pop("method"), entry.pop("pattern")
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            method_map.append((pattern, method))
            options_map[pattern] = {key: str(value) for key, value in entry.items()}
    return method_map, options_map


def _header(catalog: Catalog, project: str, when: datetime.datetime) -> Catalog:
    _name(catalog, project)
    catalog.version = "1"
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = "the pressrun project"
    catalog.creation_date = when
    catalog.revision_date = when
    catalog.last_translator = "pressrun translators"
    return catalog


def _name(catalog: Catalog, project: str) -> None:
    """Name the edition the catalog was last brought up to (`project`, the outputs' name)."""
    catalog.project = project
    # No date in the header comment: a template changes only when its messages (or its edition) do.
    catalog.header_comment = (
        f"# Messages of {project}.\n"
        "# Written by `pressrun i18n extract` and `pressrun i18n update`; translate in the .po files."
    )


def _extract(config: Config, domain: str, when: datetime.datetime, project: str) -> Catalog:
    """A fresh template catalog of `domain`, from its folder."""
    folder = getattr(config, DOMAIN_FOLDERS[domain])
    method_map, options_map = _mappings(config)
    catalog = _header(Catalog(fuzzy=False), project, when)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(config.root / folder), method_map, options_map, comment_tags=COMMENT_TAGS, strip_comment_tags=True
    ):
        catalog.add(
            message, None, [(Path(folder, filename).as_posix(), lineno)], auto_comments=comments, context=context
        )
    if domain in PROSE_DOMAINS:
        as_prose(catalog)
    return catalog


def extract_templates(config: Config) -> dict[str, Catalog]:
    """A fresh template catalog per domain, from the content and the layouts."""
    book = load(config)  # validate first: extraction skips broken files
    when = build_date(book.publication.event.date)
    project = config.output_name(book.publication.year)
    return {domain: _extract(config, domain, when, project) for domain in DOMAINS}


def layout_messages(config: Config) -> frozenset[str]:
    """The strings the layouts translate (`{{ _("Contents") }}`), as extraction finds them."""
    when = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)  # a template's date, never read
    return frozenset(message.id for message in _extract(config, "layouts", when, config.basename) if message.id)


def extract(config: Config) -> dict[str, bool]:
    """Write `locales/<domain>.pot`; returns, per domain, whether the file changed."""
    return {
        domain: write_if_changed(template_path(config, domain), serialize(catalog), without_dates)
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
    moves: list[tuple[Message, Message, bool]] = []
    pending = [m for m in template if m.id and m.context and catalog.get(m.id, m.context) is None]
    for message in list(pending):  # first the texts that only moved
        if message.id in by_text:
            moves.append((message, by_text.pop(message.id), False))
            pending.remove(message)
    for message in pending:  # then the texts that changed in place
        old = by_context.get(message.context)
        if old is not None and old.id in by_text:
            by_text.pop(old.id)
            moves.append((message, old, True))
            previous[message.context] = old.id
    for _, old, _ in moves:
        catalog.delete(old.id, old.context)
    for message, old, fuzzy in moves:
        flags = {*old.flags, "fuzzy"} if fuzzy else set(old.flags)
        catalog.add(
            message.id,
            old.string,
            message.locations,
            flags=flags,
            user_comments=old.user_comments,
            context=message.context,
        )
    # Babel keeps the previous text only for its own fuzzy matches: keep ours too.
    kept = {(m.id, m.context): m.previous_id for m in catalog if m.id and m.fuzzy and m.previous_id}
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False, keep_user_comments=True)
    for message in catalog:
        if message.context in previous:
            message.previous_id = [previous[message.context]]
        elif message.fuzzy and (message.id, message.context) in kept:
            message.previous_id = kept[(message.id, message.context)]
    return catalog


def update(config: Config, source_language: str) -> list[Path]:
    """Bring every language's catalogs up to the templates; returns the files written."""
    written = []
    for domain in DOMAINS:
        template = load_po(template_path(config, domain), config.shown(template_path(config, domain)))
        for language in translated_languages(config, source_language):
            path = catalog_path(config, language, domain)
            if path.is_file():
                catalog = load_po(path, config.shown(path), language)
            else:
                catalog = _header(
                    Catalog(locale=Locale.parse(language), fuzzy=False), template.project, template.creation_date
                )
                catalog.language_team = f"{Locale.parse(language).english_name} <>"
            # The edition it was brought up to; its header comment is the translators'.
            catalog.project = template.project
            merge(catalog, template)
            if domain in PROSE_DOMAINS:
                as_prose(catalog)
            catalog.revision_date = template.creation_date
            if write_if_changed(path, serialize(catalog, previous=True), without_dates):
                written.append(path)
    return written


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
            catalog = read_catalog(config, language, domain).catalog
            if catalog is None:
                with template_path(config, domain).open("rb") as stream:
                    catalog = read_po(stream)
            result.append(coverage(catalog, language, domain))
    return result


def compile_catalogs(config: Config, source_language: str) -> list[Path]:
    """Check every catalog, then write a `.mo` beside each `.po` (fuzzy entries left out);
    raise ProblemsFound, writing nothing, when a catalog is missing or wrong."""
    problems = Problems()
    compiled: list[tuple[Path, bytes]] = []
    for language in translated_languages(config, source_language):
        for domain in DOMAINS:
            found = read_catalog(config, language, domain)
            if found.catalog is None:
                problems.error(Origin(found.shown), "missing-catalog", "no catalog")
                continue
            for message, errors in found.catalog.check():
                for error in errors:
                    origin = Origin(found.shown, message.lineno)
                    problems.error(origin, "catalog", f"{message.context or ''}: {error}")
            buffer = io.BytesIO()
            write_mo(buffer, found.catalog, use_fuzzy=False)
            compiled.append((catalog_path(config, language, domain).with_suffix(".mo"), buffer.getvalue()))
    problems.raise_if_errors()
    for target, data in compiled:
        write_atomically(target, data)
    return [target for target, _ in compiled]
