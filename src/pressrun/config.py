"""`[tool.pressrun]` in pyproject.toml, read into a frozen Config.

Every key is declared once, as a field of `Config` with `setting(default, doc)`: that one
declaration gives its type, its default, its validation and its line in the README's
configuration reference. Mistakes are reported as `pyproject.toml:line:col: message`.
Config also knows the project's folders (as `files.Folder`s, the boundary every read and
write goes through) and the paths of every output. The settings that become paths are
folder and file names inside the project, never absolute and never through `..`.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, get_type_hints

from .errors import Origin, Problems, ProblemsFound, fail
from .files import Folder, unusable_character

CONFIG_FILE = "pyproject.toml"
PDF_VARIANT_NAMES = ("screen", "print")
FORMAT_NAMES = ("pdf", "epub")
MARK_NAMES = ("crop",)
PROOF_FOLDER = "proof"
FORMS_FOLDER = "forms"
# The fields a basename may name, filled from `content/publication.yaml`.
BASENAME_FIELDS = ("year",)
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")
# The settings that name a folder of the project; the outputs' folder must be apart from the others.
FOLDER_SETTINGS = ("content", "layouts", "locales", "output")
# Inside the output folder: the layouts of the last builds, reused by the next ones.
LAYOUT_CACHE_FOLDER = ".pressrun-layouts"


def is_language_code(value: str) -> bool:
    """Whether Babel knows `value` as a language (the content's and each edition's)."""
    # Imported here: a build with nothing to do reads the configuration but no locale data.
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(value)
    except (ValueError, UnknownLocaleError):
        return False
    return True


def setting(default: Any, doc: str, choices: tuple[str, ...] = ()) -> Any:
    """Declare a configuration key: its default, its meaning (for the README) and, for a
    list, the values it may hold."""
    return dataclasses.field(default=default, metadata={"doc": doc, "choices": choices})


@dataclass(frozen=True)
class Config:
    root: Path = dataclasses.field(metadata={"internal": True})
    content: str = setting("content", "Folder of the publication's YAML files.")
    layouts: str = setting("layouts", "Folder of the Jinja2 templates, stylesheets and icons.")
    locales: str = setting("locales", "Folder of the gettext catalogs.")
    output: str = setting("build", "Folder the editions are written to.")
    basename: str = setting(
        "publication",
        "File name of the outputs, without extension; `{year}` stands for the edition's year from "
        "`content/publication.yaml` (letters, digits, `.`, `_` and `-` only).",
    )
    languages: tuple[str, ...] = setting(
        ("en",),
        "The released editions' languages: each is built into `<output>/<language>/`, and a release build fails "
        "where one of their messages is untranslated or fuzzy.",
    )
    drafts: tuple[str, ...] = setting(
        (),
        "Languages still being translated: proofed with the others (missing translations highlighted) and built "
        "only by `pressrun build --drafts`, the source text standing in, marked with its language; "
        "`i18n status --min-translated` leaves them out. Moving a language to `languages` releases it.",
    )
    page_budget: int = setting(3, "Pages a profile may take before the proof report flags it.")
    chunk_profiles: int = setting(
        4,
        "Profiles per layout chunk: a directory with more is laid out in chunks (after the front matter) by "
        "parallel processes and joined into one PDF; a later build or the preview lays out again only the chunks "
        "that changed.",
    )
    formats: tuple[str, ...] = setting(
        FORMAT_NAMES,
        "Formats per language: `pdf` (the variants below) and `epub` (EPUB 3, with the print edition's page numbers).",
        FORMAT_NAMES,
    )
    pdf_variants: tuple[str, ...] = setting(
        PDF_VARIANT_NAMES,
        "PDF variants per language: `screen` (tagged PDF/UA-1) and `print` (for the press: CMYK, bleed, marks, "
        "preflighted).",
        PDF_VARIANT_NAMES,
    )
    bleed: float = setting(3, "Bleed of the print PDF, in millimetres around the trimmed page (its BleedBox).")
    marks: tuple[str, ...] = setting(
        MARK_NAMES,
        "Printer's marks of the print PDF, drawn in the slug in registration colour: `crop`, or `[]` for none.",
        MARK_NAMES,
    )
    slug: float = setting(
        10,
        "Sheet around the trimmed page of the print PDF, in millimetres (its MediaBox): bleed, then room for the "
        "marks.",
    )
    output_condition: str = setting(
        "FOGRA39",
        "The print condition the output profile (`layouts/pdf/print.css`) characterizes, as registered at "
        "color.org: the print PDF's output intent.",
    )
    accessibility_certifier: str = setting(
        "",
        "Who evaluated the EPUB editions against EPUB Accessibility 1.1 and WCAG 2.1 AA, the checks no tool can make "
        "included. Only when it is set does the EPUB claim that conformance (`dcterms:conformsTo`) and name them "
        "(`a11y:certifiedBy`).",
    )

    # --- the print PDF's sheet ----------------------------------------------------------

    @property
    def crop_marks(self) -> tuple[float, float] | None:
        """Where the crop marks lie, from and to, in millimetres from the trim (None without
        marks): at least 3 mm out and 1 mm clear of the bleed, so that neither the cut nor
        the bleed reaches them; 5 mm long."""
        if "crop" not in self.marks:
            return None
        start = max(3.0, self.bleed + 1.0)
        return start, start + 5.0

    @property
    def sheet_needed(self) -> float:
        """The slug the bleed and the marks need, in millimetres from the trim."""
        return self.crop_marks[1] if self.crop_marks else self.bleed

    @property
    def every_language(self) -> tuple[str, ...]:
        """The released languages, then the drafts: every language with catalogs and proofs."""
        return self.languages + self.drafts

    # --- folders and outputs ----------------------------------------------------------

    @property
    def content_dir(self) -> Path:
        return self.root / self.content

    @property
    def layouts_dir(self) -> Path:
        return self.root / self.layouts

    @property
    def locales_dir(self) -> Path:
        return self.root / self.locales

    @property
    def output_dir(self) -> Path:
        return self.root / self.output

    @property
    def proof_dir(self) -> Path:
        return self.output_dir / PROOF_FOLDER

    def folder(self, name: str) -> Folder:
        """The folder a setting names (`content`, `layouts`, `locales`, `output`), or the
        project folder itself (`project`), as the boundary its files are read through."""
        return Folder(self.root if name == "project" else self.root / getattr(self, name), self.root)

    @property
    def layout_cache_dir(self) -> Path:
        return self.output_dir / LAYOUT_CACHE_FOLDER

    def layout_cache(self) -> Folder:
        """The layout cache's folder, as the boundary its files are read and written through."""
        return Folder(self.layout_cache_dir, self.root)

    def shown(self, path: Path) -> str:
        """`path` as the user sees it: relative to the project, with forward slashes."""
        return path.relative_to(self.root).as_posix()

    @property
    def forms_dir(self) -> Path:
        return self.output_dir / FORMS_FOLDER

    def output_name(self, year: int) -> str:
        """The outputs' file name (no extension) for the edition of `year`: the basename
        with its fields filled in (validated when the configuration was read)."""
        return self.basename.format(year=year)

    def pdf_path(self, language: str, variant: str, year: int) -> Path:
        suffix = "" if variant == "screen" else f"-{variant}"
        return self.output_dir / language / f"{self.output_name(year)}{suffix}.pdf"

    def epub_path(self, language: str, year: int) -> Path:
        return self.output_dir / language / f"{self.output_name(year)}.epub"

    @property
    def cache(self) -> Folder:
        """Where builds and proofs keep what they can reuse (fontconfig's cache), in folders
        named after what they hold."""
        return Folder(self.output_dir / ".pressrun-cache", self.root)

    def proof_path(self, language: str, year: int, profile_id: str | None = None) -> Path:
        """A language's proof of the whole edition, or of one profile (for its approval)."""
        return self.proof_dir / language / f"{profile_id or self.output_name(year)}-proof.pdf"

    def form_path(self, profile_id: str, year: int, suffix: str) -> Path:
        """The form sent to a profile's organisation (`.docx` or `.xlsx`)."""
        return self.forms_dir / f"{self.output_name(year)}-{profile_id}{suffix}"


def settings() -> list[dataclasses.Field]:
    """The declared keys, in order."""
    return [field for field in dataclasses.fields(Config) if not field.metadata.get("internal")]


def config_reference() -> str:
    """Markdown table of the `[tool.pressrun]` keys, from their declarations."""
    rows = [
        f"| `{field.name}` | `{json.dumps(_as_toml(field.default))}` | {field.metadata['doc']} |"
        for field in settings()
    ]
    return "\n".join(["| key | default | meaning |", "|---|---|---|", *rows]) + "\n"


def _as_toml(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _key_origin(text: str, key: str, shown: str, table: str | None = "[tool.pressrun]") -> Origin:
    """Where `key` is set inside `table` (None: before any table) (tomllib keeps no positions)."""
    in_table = table is None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped == table
            continue
        match = re.match(rf"(\s*){re.escape(key)}\s*=", line)
        if in_table and match:
            return Origin(shown, number, len(match.group(1)) + 1)
    return Origin(shown, 1, 1)


def _value_problem(field: dataclasses.Field, kind: type, value: Any) -> tuple[str, str] | None:
    """(code, message) when `value` cannot be the setting `field` of type `kind`."""
    name = field.name
    is_list = kind is tuple
    if is_list and not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        return "wrong-type", f"[tool.pressrun].{name}: expected a list of strings, got {value!r}"
    if is_list and (twice := sorted({item for item in value if value.count(item) > 1})):
        return "duplicate", f"[tool.pressrun].{name}: {', '.join(map(repr, twice))} listed twice"
    # A length in millimetres may be written as a whole number.
    accepted = (int, float) if kind is float else kind
    if not is_list and (not isinstance(value, accepted) or isinstance(value, bool)):
        expected = "a number of millimetres" if kind is float else kind.__name__
        return "wrong-type", f"[tool.pressrun].{name}: expected {expected}, got {value!r}"
    choices = field.metadata["choices"]
    if choices and not set(value) <= set(choices):
        unknown = ", ".join(sorted(set(value) - set(choices)))
        return "bad-choice", f"[tool.pressrun].{name}: unknown {unknown}; expected some of {', '.join(choices)}"
    if kind is int and value < 1:
        return "bad-number", f"[tool.pressrun].{name}: expected a whole number of at least 1"
    if kind is float and value < 0:
        return "bad-number", f"[tool.pressrun].{name}: expected a length of at least 0 mm"
    if name == "basename" and (problem := basename_problem(value)):
        return "bad-basename", f"[tool.pressrun].basename: {problem}"
    if name in FOLDER_SETTINGS and not _is_folder_name(value):
        return (
            "bad-path",
            f"[tool.pressrun].{name}: {value!r} is not a folder inside the project: give a relative path such as "
            f"{field.default!r}, without '..'",
        )
    if name in ("languages", "drafts") and (bad := [item for item in value if not is_language_code(item)]):
        return (
            "bad-language",
            f"[tool.pressrun].{name}: {', '.join(bad)} is not a language code known to Babel (e.g. en, fr)",
        )
    return None


def basename_problem(pattern: str) -> str | None:
    """Why `pattern` cannot name the outputs, or None: it may name only the known fields,
    plainly (`{year}`), and must give a safe file name whatever the year."""
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(pattern) if name is not None]
    except ValueError as error:
        return f"{pattern!r} is not a name pattern ({error}); write the year as {{year}}"
    for name, spec, conversion in fields:
        if name not in BASENAME_FIELDS or spec or conversion:
            return f"{pattern!r} names an unknown field {{{name}}}; the only field is {{year}}"
    if ".." in pattern or not _SAFE_NAME.match(pattern.format(year=2000)):
        return (
            f"{pattern!r} is not a safe file name: letters, digits, '.', '_' and '-' only (no folder), "
            "starting with a letter or digit, at most 120 characters"
        )
    return None


def _is_folder_name(value: str) -> bool:
    path = PurePosixPath(value)
    return (
        unusable_character(value, allowed="") is None
        and "\\" not in value
        and not path.is_absolute()
        and ".." not in path.parts
        and path.parts not in ((), (".",))
    )


def read_pyproject(root: Path) -> tuple[str, dict[str, Any]]:
    """The text of `root/pyproject.toml` and its tables; raise ProblemsFound when it is
    missing, unreadable, not TOML, or its `[tool]` or `[tool.pressrun]` is not a table."""
    path = root / CONFIG_FILE
    if not (path.exists() or path.is_symlink()):
        raise fail(
            Origin(CONFIG_FILE), "missing-file", "no pyproject.toml: run pressrun in a project folder or pass --project"
        )
    text = Folder(root, root).read_text(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, col = (getattr(error, "lineno", 1), getattr(error, "colno", 1))
        message = f"TOML syntax error: {getattr(error, 'msg', error)}"
        raise fail(Origin(CONFIG_FILE, line, col), "toml-syntax", message) from error
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise fail(_key_origin(text, "tool", CONFIG_FILE, None), "wrong-type", "tool: expected a table, [tool]")
    if not isinstance(tool.get("pressrun", {}), dict):
        origin = _key_origin(text, "pressrun", CONFIG_FILE, "[tool]")
        raise fail(origin, "wrong-type", "tool.pressrun: expected the table [tool.pressrun] of pressrun's settings")
    return text, document


def _folders_apart(config: Config, text: str, problems: Problems) -> None:
    """The outputs' folder holds no source folder and lies in none; the content folder exists."""
    output = PurePosixPath(config.output)
    for name in FOLDER_SETTINGS[:-1]:
        source = PurePosixPath(getattr(config, name))
        if output == source or output in source.parents or source in output.parents:
            problems.error(
                _key_origin(text, "output", CONFIG_FILE),
                "bad-path",
                f"[tool.pressrun].output: {config.output!r} overlaps the {name} folder {source.as_posix()!r}: "
                "outputs are written apart from their sources",
            )
    try:
        config.folder("content").inside(config.content_dir)
    except ProblemsFound as error:
        problems.extend(error.problems)
        return
    if not config.content_dir.is_dir():
        problems.error(
            _key_origin(text, "content", CONFIG_FILE), "missing-folder", f"folder {config.content!r} does not exist"
        )


def load_config(root: Path) -> Config:
    """Read `root/pyproject.toml`; raise ProblemsFound for every mistake in `[tool.pressrun]`."""
    problems = Problems()
    text, document = read_pyproject(root)
    table = document.get("tool", {}).get("pressrun", {})
    declared = {field.name: field for field in settings()}
    kinds = get_type_hints(Config)
    values: dict[str, Any] = {}
    for name, value in table.items():
        origin = _key_origin(text, name, CONFIG_FILE)
        field = declared.get(name)
        if field is None:
            close = difflib.get_close_matches(name, list(declared), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(declared)}"
            problems.error(origin, "unknown-key", f"[tool.pressrun]: unknown key {name!r}; {hint}")
            continue
        kind = getattr(kinds[name], "__origin__", kinds[name])
        wrong = _value_problem(field, kind, value)
        if wrong:
            problems.error(origin, *wrong)
        else:
            values[name] = tuple(value) if kind is tuple else value
    config = Config(root=root, **values)
    if (room := config.sheet_needed) > config.slug:
        for_marks = " and the crop marks (or set marks = [])" if config.marks else ""
        problems.error(
            _key_origin(text, "slug", CONFIG_FILE),
            "bad-number",
            f"[tool.pressrun].slug: {config.slug:g} mm leaves no room for the bleed{for_marks}: "
            f"expected at least {room:g} mm",
        )
    if both := [language for language in config.drafts if language in config.languages]:
        problems.error(
            _key_origin(text, "drafts", CONFIG_FILE),
            "draft-and-release",
            f"[tool.pressrun].drafts: {', '.join(both)} is in languages too; a language is either a draft or released",
        )
    _folders_apart(config, text, problems)
    problems.raise_if_errors()
    return config
