"""`[tool.pressrun]` in pyproject.toml, read into a frozen Config.

Every key is declared once in `KEYS` with its default and meaning; unknown keys and
wrong types are reported as `pyproject.toml:line:col: message`.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Origin, Problems
from .schema import LANGUAGE

CONFIG_FILE = "pyproject.toml"


@dataclass(frozen=True)
class Key:
    name: str
    type: type
    default: Any
    doc: str
    choices: tuple[str, ...] = ()


PDF_VARIANT_NAMES = ("screen", "print")
FORMAT_NAMES = ("pdf", "epub")

KEYS = (
    Key("content", str, "content", "Folder of the publication's YAML files."),
    Key("layouts", str, "layouts", "Folder of the Jinja2 templates, stylesheets and icons."),
    Key("locales", str, "locales", "Folder of the gettext catalogs."),
    Key("output", str, "build", "Folder the editions are written to."),
    Key("basename", str, "publication", "File name of the outputs, without extension."),
    Key("languages", list, ["en"], "The editions' languages; each is built into `<output>/<language>/`."),
    Key("page_budget", int, 3, "Pages a profile may take before the proof report flags it."),
    Key(
        "chunk_profiles",
        int,
        30,
        "Profiles per layout chunk: a directory with more is laid out in chunks by parallel processes and joined "
        "into one PDF, which bounds memory and uses every core.",
    ),
    Key(
        "formats",
        list,
        list(FORMAT_NAMES),
        "Formats per language: `pdf` (the variants below) and `epub` (EPUB 3, with the print edition's page numbers).",
        FORMAT_NAMES,
    ),
    Key(
        "pdf_variants",
        list,
        list(PDF_VARIANT_NAMES),
        "PDF variants per language: `screen` (tagged PDF/UA-1) and `print` (PDF/X-4, 3 mm bleed, crop marks).",
        PDF_VARIANT_NAMES,
    ),
)


@dataclass(frozen=True)
class Config:
    root: Path
    content: str
    layouts: str
    locales: str
    output: str
    basename: str
    languages: tuple[str, ...]
    page_budget: int
    chunk_profiles: int
    formats: tuple[str, ...]
    pdf_variants: tuple[str, ...]

    @property
    def content_dir(self) -> Path:
        return self.root / self.content

    @property
    def output_dir(self) -> Path:
        return self.root / self.output


def _key_origin(text: str, key: str, shown: str) -> Origin:
    """Where `key` is set inside the `[tool.pressrun]` table (tomllib keeps no positions)."""
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped == "[tool.pressrun]"
            continue
        match = re.match(rf"(\s*){re.escape(key)}\s*=", line)
        if in_table and match:
            return Origin(shown, number, len(match.group(1)) + 1)
    return Origin(shown, 1, 1)


def load_config(root: Path) -> Config:
    """Read `root/pyproject.toml`; raise ProblemsFound for every mistake in `[tool.pressrun]`."""
    problems = Problems()
    path = root / CONFIG_FILE
    values = {key.name: tuple(key.default) if key.type is list else key.default for key in KEYS}
    if not path.is_file():
        problems.error(
            Origin(CONFIG_FILE), "missing-file", "no pyproject.toml: run pressrun in a project folder or pass --project"
        )
        problems.raise_if_errors()
    text = path.read_text(encoding="utf-8")
    try:
        table = tomllib.loads(text).get("tool", {}).get("pressrun", {})
    except tomllib.TOMLDecodeError as error:
        line, col = (getattr(error, "lineno", 1), getattr(error, "colno", 1))
        problems.error(
            Origin(CONFIG_FILE, line, col),
            "toml-syntax",
            f"TOML syntax error: {error.msg if hasattr(error, 'msg') else error}",
        )
        problems.raise_if_errors()
    declared = {key.name: key for key in KEYS}
    for name, value in table.items():
        origin = _key_origin(text, name, CONFIG_FILE)
        key = declared.get(name)
        if key is None:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(declared)}"
            problems.error(origin, "unknown-key", f"[tool.pressrun]: unknown key {name!r}; {hint}")
        elif not isinstance(value, key.type) or (key.type is list and not all(isinstance(v, str) for v in value)):
            expected = "a list of strings" if key.type is list else key.type.__name__
            problems.error(origin, "wrong-type", f"[tool.pressrun].{name}: expected {expected}, got {value!r}")
        elif key.choices and not set(value) <= set(key.choices):
            unknown = ", ".join(sorted(set(value) - set(key.choices)))
            problems.error(
                origin,
                "bad-choice",
                f"[tool.pressrun].{name}: unknown {unknown}; expected some of {', '.join(key.choices)}",
            )
        elif key.type is int and value < 1:
            problems.error(origin, "bad-number", f"[tool.pressrun].{name}: expected a whole number of at least 1")
        elif name == "languages" and (bad := [v for v in value if not LANGUAGE.test(v)]):
            problems.error(origin, "bad-language", f"[tool.pressrun].languages: {', '.join(bad)} {LANGUAGE.message}")
        else:
            values[name] = tuple(value) if key.type is list else value
    for name in ("content",):
        if not (root / values[name]).is_dir():
            problems.error(
                _key_origin(text, name, CONFIG_FILE), "missing-folder", f"folder {values[name]!r} does not exist"
            )
    problems.raise_if_errors()
    return Config(root=root, **values)
