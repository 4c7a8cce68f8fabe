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
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, denormalize, normalize, read_po, write_po

from .config import Config
from .content import load
from .errors import Level, Origin, Problem, Problems, ProblemsFound
from .output import build_date, write_atomically

# A domain per folder: its messages come from that folder, its catalogs are <domain>.po.
DOMAIN_FOLDERS = {"content": "content", "layouts": "layouts"}
DOMAINS = tuple(DOMAIN_FOLDERS)
# Domains whose messages are prose, never format strings.
PROSE_DOMAINS = {"content"}
# Comments in templates that start with this go to the translators (`pybabel extract -c`).
COMMENT_TAGS = ("Translators:",)


def template_path(config: Config, domain: str) -> Path:
    return config.root / config.locales / f"{domain}.pot"


def catalog_path(config: Config, language: str, domain: str) -> Path:
    return config.root / config.locales / language / "LC_MESSAGES" / f"{domain}.po"


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


def _header(catalog: Catalog, config: Config, when: datetime.datetime) -> Catalog:
    catalog.project = config.basename
    catalog.version = "1"
    catalog.msgid_bugs_address = ""
    catalog.copyright_holder = "the pressrun project"
    catalog.creation_date = when
    catalog.revision_date = when
    catalog.last_translator = "pressrun translators"
    # No year in the header comment: a template changes only when its messages do.
    catalog.header_comment = (
        f"# Messages of {config.basename}.\n"
        "# Written by `pressrun i18n extract` and `pressrun i18n update`; translate in the .po files."
    )
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
        if domain in PROSE_DOMAINS:
            as_prose(catalog)
        templates[domain] = catalog
    return templates


def serialize(catalog: Catalog, previous: bool = False) -> bytes:
    """The catalog as PO bytes; with `previous`, fuzzy entries show the text they were
    translated from (`#| msgid`), written here because Babel 2.x wraps long ones into
    lines that gettext cannot read."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, include_previous=False, omit_header=False)
    text = buffer.getvalue().decode("utf-8")
    if previous:
        for message in catalog:
            if message.id and message.previous_id:
                anchor = f"msgctxt {normalize(message.context, width=76)}\n" if message.context else None
                anchor = anchor or f"msgid {normalize(message.id, width=76)}\n"
                lines = f"msgid {normalize(message.previous_id[0], width=76)}".split("\n")
                text = text.replace(anchor, "".join(f"#| {line}\n" for line in lines) + anchor, 1)
    return text.encode("utf-8")


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
        template = load_po(template_path(config, domain), shown=_shown(config, template_path(config, domain)))
        for language in translated_languages(config, source_language):
            path = catalog_path(config, language, domain)
            if path.is_file():
                catalog = load_po(path, language, _shown(config, path))
            else:
                catalog = _header(Catalog(locale=Locale.parse(language), fuzzy=False), config, template.creation_date)
                catalog.language_team = f"{Locale.parse(language).english_name} <>"
            merge(catalog, template)
            if domain in PROSE_DOMAINS:
                as_prose(catalog)
            catalog.revision_date = template.creation_date
            if write_if_changed(path, serialize(catalog, previous=True)):
                written.append(path)
    return written


def as_prose(catalog: Catalog) -> None:
    """Drop the python-format flags Babel puts on any message with a "%" in it: content is
    prose, and gettext would check it as a format string."""
    for message in catalog:
        message.flags.discard("python-format")


_PO_STRING = r'"(?:[^"\\]|\\.)*"'
_PO_LINE = re.compile(
    rf"^(?:\s*|#.*|(?:#~ )?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_PO_STRING}\s*|(?:#~ )?{_PO_STRING}\s*)$"
)


def _po_syntax(text: str, shown: str) -> list[Problem]:
    """Lines that are not PO syntax (Babel reads an unterminated string without a word)."""
    return [
        Problem(Level.ERROR, Origin(shown, number, 1), "catalog-syntax", f"not PO syntax: {line.strip()[:60]}")
        for number, line in enumerate(text.splitlines(), start=1)
        if not _PO_LINE.match(line)
    ]


def load_po(path: Path, locale: str | None = None, shown: str | None = None) -> Catalog:
    """Read a PO file, with the previous texts of fuzzy entries (`#| msgid`), which
    Babel 2.x drops when they span several lines. Babel flags any text with a "%" as
    python-format when it reads it; content is prose, so those flags are dropped.
    A syntax error is raised as ProblemsFound at `shown:line`."""
    data = path.read_bytes()
    problems = _po_syntax(data.decode("utf-8", errors="replace"), shown or str(path))
    if problems:
        raise ProblemsFound(problems)
    try:
        catalog = read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    except PoFileError as error:
        origin = Origin(shown or str(path), getattr(error, "lineno", 0))
        raise ProblemsFound([Problem(Level.ERROR, origin, "catalog-syntax", f"PO syntax error: {error}")]) from error
    if path.stem in PROSE_DOMAINS:
        as_prose(catalog)
    lines = data.decode("utf-8").splitlines()
    index = 0
    while index < len(lines):
        if not lines[index].startswith("#| msgid "):
            index += 1
            continue
        previous = [lines[index][len("#| msgid ") :]]
        index += 1
        while index < len(lines) and lines[index].startswith('#| "'):
            previous.append(lines[index][3:])
            index += 1
        fields: dict[str, list[str]] = {}
        keyword = None
        while index < len(lines) and not lines[index].startswith("msgstr"):
            line = lines[index]
            if line.startswith(("msgctxt ", "msgid ")):
                keyword, _, line = line.partition(" ")
            if keyword:
                fields.setdefault(keyword, []).append(line)
            index += 1
        context = denormalize("\n".join(fields["msgctxt"])) if "msgctxt" in fields else None
        message = catalog.get(denormalize("\n".join(fields.get("msgid", ['""']))), context)
        if message is not None:
            message.previous_id = [denormalize("\n".join(previous))]
    return catalog


def read_catalog(config: Config, language: str, domain: str) -> Catalog | None:
    path = catalog_path(config, language, domain)
    return load_po(path, language, _shown(config, path)) if path.is_file() else None


def _shown(config: Config, path: Path) -> str:
    return path.relative_to(config.root).as_posix()


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
