"""Shared fixtures and helpers: copies of the tiny sample projects under tests/fixtures,
running the CLI, configuring a copy of a project, an edition of a project, the tools a
test runs, and Hypothesis's profiles."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tomllib
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

FIXTURES = Path(__file__).parent / "fixtures"
REPOSITORY = Path(__file__).resolve().parents[1]

# Property-based tests (test_properties.py): in CI and the README's test command, a fixed
# seed and a bounded number of examples, so that every run tries the same inputs; the
# `long` profile (HYPOTHESIS_PROFILE=long) tries 20,000 random ones per target, or as many
# as HYPOTHESIS_EXAMPLES says (the EPUB writer's target takes about half a second each).
settings.register_profile(
    "ci", max_examples=40, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "20000")),
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def tool(name: str, package: str) -> str:
    """The path of the program `name`, or a failed test saying how to install it."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run `sh .ci/install`, which installs the Debian package {package}")
    return path


@dataclass(frozen=True)
class Run:
    """What one pressrun command did: its exit code and what it printed."""

    code: int
    out: str
    err: str

    @property
    def errors(self) -> list[str]:
        return self.err.splitlines()


def run(project: Path, *args: str) -> Run:
    """Run `pressrun --project PROJECT ARGS…` in this process, capturing its output."""
    from pressrun.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--project", str(project), *args])
    return Run(code, out.getvalue(), err.getvalue())


def configure(project: Path, **keys) -> None:
    """Set keys of the project's `[tool.pressrun]` table (a value of None removes the key).
    Values are strings, whole numbers or lists of strings, as the table holds."""
    path = project / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    table = tomllib.loads(text)["tool"]["pressrun"] | keys
    lines = "".join(f"{name} = {json.dumps(value)}\n" for name, value in table.items() if value is not None)
    block = re.compile(r"^\[tool\.pressrun\]\n(?:(?!\[).*(?:\n|$))*", re.MULTILINE)
    path.write_text(block.sub(lambda _: f"[tool.pressrun]\n{lines}\n", text, count=1), encoding="utf-8")


def edition(project: Path, language: str):
    """The project's edition in `language`, as a build makes it."""
    from pressrun.config import load_config
    from pressrun.i18n import load_editions

    return load_editions(load_config(project), [language])[0]


def year(project: Path) -> int:
    """The edition's year, as the project's content gives it."""
    from pressrun.config import load_config
    from pressrun.content import load

    return load(load_config(project)).publication.year


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the two-profile sample project."""
    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    shutil.copytree(REPOSITORY / "layouts", project / "layouts")
    return project


def copy_project(target: Path) -> Path:
    """A copy of the repository's publication (configuration, content, layouts) in `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPOSITORY / "pyproject.toml", target / "pyproject.toml")
    for folder in ("content", "layouts", "locales"):
        if (REPOSITORY / folder).is_dir():
            shutil.copytree(REPOSITORY / folder, target / folder)
    return target


# Every edition of the real directory: the released languages, then the drafts.
LANGUAGES = ["en", "fr", "ru", "es", "ar", "zh"]


@pytest.fixture(scope="session")
def built_directory(tmp_path_factory) -> Path:
    """The real directory, every edition (drafts too) built once for the whole session
    into a copy of the project. Strict: an engine warning, such as a glyph that no pinned
    font has, fails it."""
    project = copy_project(tmp_path_factory.mktemp("directory"))
    built = run(project, "build", "--strict", "--drafts", "-q")
    assert built.code == 0, built.err
    assert [line.split(": ")[0] for line in built.errors] == [
        f"locales/{language}/LC_MESSAGES/content.po" for language in ("es", "ar", "zh")
    ], "the drafts' notices, and nothing else"
    return project


def add_language(project: Path, language: str, translate) -> None:
    """Configure `language` in a sample project and fill its catalogs: `translate(domain,
    message)` gives each message's translation (None leaves it untranslated)."""
    from babel.messages.pofile import read_po, write_po

    configure(project, languages=["en", language])
    assert run(project, "i18n", "extract").code == 0
    assert run(project, "i18n", "update").code == 0
    for domain in ("content", "layouts"):
        path = project / f"locales/{language}/LC_MESSAGES/{domain}.po"
        with path.open("rb") as stream:
            catalog = read_po(stream)
        for message in catalog:
            if message.id:
                message.string = translate(domain, message) or ""
        with path.open("wb") as stream:
            write_po(stream, catalog)
