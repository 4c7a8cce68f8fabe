"""The translators' workflow: extract templates, update translations, compile, report coverage.

Input: `content/` and `layouts/` (through the `[tool.babel]` mapping), and
`locales/<language>/LC_MESSAGES/<domain>.po`. Output: `locales/<domain>.pot`, updated
`.po` files, compiled `.mo` files, per-language, per-domain statistics, and each
language's catalogs as `CatalogFile`s for its edition. Babel's `messages` API does the
reading and writing (see `pofile`), so the files are what `pybabel`, `msgfmt`, Poedit
and Weblate expect.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from jinja2 import Environment, TemplateSyntaxError

from ..config import CONFIG_FILE, Config, read_pyproject
from ..content import load
from ..errors import Origin, Problems, ProblemsFound, fail
from ..files import Folder, build_date, exclusive, recover, write_together
from .checks import placeholders, translation_problems
from .pofile import PROSE_DOMAINS, CatalogFile, as_prose, load_po, serialize, without_dates

# A domain per folder: its messages come from that folder, its catalogs are <domain>.po.
DOMAIN_FOLDERS = {"content": "content", "layouts": "layouts"}
DOMAINS = tuple(DOMAIN_FOLDERS)
# Comments in templates that start with this go to the translators (`pybabel extract -c`).
COMMENT_TAGS = ("Translators:",)


def template_path(config: Config, domain: str) -> Path:
    return config.locales_dir / f"{domain}.pot"


def catalog_path(config: Config, language: str, domain: str) -> Path:
    return config.locales_dir / language / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(config: Config, language: str, domain: str) -> CatalogFile:
    path, folder = catalog_path(config, language, domain), config.folder("locales")
    catalog = load_po(folder, path, language) if folder.is_file(path) else None
    return CatalogFile(language, domain, config.shown(path), catalog)


def load_catalogs(config: Config, language: str) -> Mapping[str, CatalogFile]:
    """The language's catalogs, by domain (every problem of both raised together)."""
    found, problems = {}, Problems()
    for domain in DOMAINS:
        try:
            found[domain] = read_catalog(config, language, domain)
        except ProblemsFound as error:
            problems.extend(error.problems)
    problems.raise_if_errors()
    return found


def read_template(config: Config, domain: str) -> Catalog:
    path = template_path(config, domain)
    if not config.folder("locales").is_file(path):
        raise fail(Origin(config.shown(path)), "missing-file", "no template: run pressrun i18n extract")
    return load_po(config.folder("locales"), path)


@contextlib.contextmanager
def _writing(config: Config) -> Iterator[None]:
    """The project held for a run that writes catalogs, after what an interrupted one left
    in the catalogs' folder was finished or removed."""
    with exclusive(config.folder("output")):
        recover(config.folder("locales"))
        yield


def translated_languages(config: Config, source_language: str) -> list[str]:
    """The languages with catalogs: every released or draft language but the content's own."""
    return [language for language in config.every_language if language != source_language]


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
    babel = read_pyproject(config.root)[1].get("tool", {}).get("babel", {})
    method_map, options_map = [], {}
    try:
        for entry in babel.get("mappings", DEFAULT_MAPPINGS):
            entry = dict(entry)
            method, patterns = entry.pop("method"), entry.pop("pattern")
            for pattern in [patterns] if isinstance(patterns, str) else patterns:
                method_map.append((str(pattern), str(method)))
                options_map[str(pattern)] = {key: str(value) for key, value in entry.items()}
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise fail(
            Origin(CONFIG_FILE),
            "wrong-type",
            "[[tool.babel.mappings]]: expected tables with a method and a pattern (see the README's Translating)",
        ) from error
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


def _check_template_syntax(layouts: Folder) -> None:
    """Raise every layout template Jinja cannot parse, each at its line: Babel's extraction
    would stop at the first with a bare exception."""
    environment = Environment(extensions=["jinja2.ext.i18n"])
    problems = Problems()
    for path in layouts.files():
        if path.suffix != ".j2":
            continue
        try:
            environment.parse(layouts.read_text(path))
        except TemplateSyntaxError as error:
            origin = Origin(layouts.shown(path), error.lineno, 1)
            problems.error(origin, "template-syntax", f"template syntax error: {error.message}")
        except ProblemsFound as error:
            problems.extend(error.problems)
    problems.raise_if_errors()


def _extract(config: Config, domain: str, when: datetime.datetime, project: str) -> Catalog:
    """A fresh template catalog of `domain`, from its folder."""
    folder = getattr(config, DOMAIN_FOLDERS[domain])
    config.folder(DOMAIN_FOLDERS[domain]).files()  # refuses a file that leads out, before Babel reads any
    if domain == "layouts":
        _check_template_syntax(config.folder("layouts"))
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


def label_key(context: str | None, msgid: str) -> str:
    """How a label is keyed among an edition's labels: its msgid, after its context and
    EOT when it has one (gettext's own convention in .mo files)."""
    return f"{context}\x04{msgid}" if context else msgid


def split_label_key(key: str) -> tuple[str | None, str]:
    context, _, msgid = key.rpartition("\x04")
    return context or None, msgid


# The layouts' messages, by what they are extracted from: the preview asks at every
# update, and extraction parses every template.
_LAYOUT_MESSAGES: dict[str, frozenset[str]] = {}


def layout_messages(config: Config) -> frozenset[str]:
    """The strings the layouts translate (`{{ _("Contents") }}`, `{{ pgettext("date
    pattern", "d MMMM y") }}`), as extraction finds them, keyed as `label_key` does. A
    label the layouts could not format (a lone `%`: labels go through `%`) is an error at
    its template line."""
    layouts = config.folder("layouts")
    digest = hashlib.sha256(repr((str(layouts.path), _mappings(config))).encode())
    layouts.add_tree(digest)
    key = digest.hexdigest()
    if key not in _LAYOUT_MESSAGES:
        _LAYOUT_MESSAGES.clear()
        _LAYOUT_MESSAGES[key] = _extract_layout_messages(config)
    return _LAYOUT_MESSAGES[key]


def _extract_layout_messages(config: Config) -> frozenset[str]:
    when = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)  # a template's date, never read
    messages = [message for message in _extract(config, "layouts", when, config.basename) if message.id]
    problems = Problems()
    for message in messages:
        if not isinstance(message.id, str) or placeholders(message.id) is None:
            path, line = message.locations[0] if message.locations else (config.layouts, 0)
            problems.error(
                Origin(str(path), line),
                "template",
                f"label {message.id!r}: labels go through %: write %% for a percent sign",
            )
    problems.raise_if_errors()
    return frozenset(label_key(message.context, message.id) for message in messages)


def _changed(config: Config, path: Path, data: bytes) -> bool:
    """Whether `data` differs from the catalog at `path` by more than its dates."""
    folder = config.folder("locales")
    return not folder.is_file(path) or without_dates(folder.read_bytes(path)) != without_dates(data)


def extract(config: Config) -> dict[str, bool]:
    """Write `locales/<domain>.pot`; returns, per domain, whether the file changed."""
    templates = {domain: serialize(catalog) for domain, catalog in extract_templates(config).items()}
    changed = {domain: _changed(config, template_path(config, domain), data) for domain, data in templates.items()}
    with _writing(config):
        files = [(template_path(config, domain), data) for domain, data in templates.items() if changed[domain]]
        write_together(config.folder("locales"), files)
    return changed


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
    written: list[tuple[Path, bytes]] = []
    for domain in DOMAINS:
        template = read_template(config, domain)
        for language in translated_languages(config, source_language):
            path = catalog_path(config, language, domain)
            if config.folder("locales").is_file(path):
                catalog = load_po(config.folder("locales"), path, language)
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
            data = serialize(catalog, previous=True)
            if _changed(config, path, data):
                written.append((path, data))
    with _writing(config):
        write_together(config.folder("locales"), written)
    return [path for path, _ in written]


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
            catalog = read_catalog(config, language, domain).catalog or read_template(config, domain)
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
            problems.extend(translation_problems(found))
            buffer = io.BytesIO()
            write_mo(buffer, found.catalog, use_fuzzy=False)
            compiled.append((catalog_path(config, language, domain).with_suffix(".mo"), buffer.getvalue()))
    problems.raise_if_errors()
    with _writing(config):
        write_together(config.folder("locales"), compiled)
    return [target for target, _ in compiled]
