"""Shared fixtures: copies of the tiny sample projects under tests/fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPOSITORY = Path(__file__).resolve().parents[1]


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


@pytest.fixture(scope="session")
def built_directory(tmp_path_factory) -> Path:
    """The real directory, built once for the whole session into a copy of the project."""
    from pressrun.cli import main

    project = copy_project(tmp_path_factory.mktemp("directory"))
    assert main(["--project", str(project), "build", "--strict", "-q"]) == 0
    return project


def add_language(project: Path, language: str, translate) -> None:
    """Configure `language` in a sample project and fill its catalogs: `translate(domain,
    message)` gives each message's translation (None leaves it untranslated)."""
    from babel.messages.pofile import read_po, write_po

    from pressrun.cli import main

    config = project / "pyproject.toml"
    config.write_text(
        config.read_text().replace('content = "content"', f'content = "content"\nlanguages = ["en", "{language}"]')
    )
    assert main(["--project", str(project), "i18n", "extract"]) == 0
    assert main(["--project", str(project), "i18n", "update"]) == 0
    for domain in ("content", "layouts"):
        path = project / f"locales/{language}/LC_MESSAGES/{domain}.po"
        with path.open("rb") as stream:
            catalog = read_po(stream)
        for message in catalog:
            if message.id:
                message.string = translate(domain, message) or ""
        with path.open("wb") as stream:
            write_po(stream, catalog)
