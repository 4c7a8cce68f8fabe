"""The README's references are generated from the declarations and must not drift."""

from __future__ import annotations

import re

from conftest import REPOSITORY
from pressrun.config import config_reference
from pressrun.content.reference import content_reference


def readme_block(name: str) -> str:
    text = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert match, f"README has no {name} block"
    return match.group(1)


def test_content_reference_is_current():
    assert readme_block("reference") == content_reference(), "run `pressrun reference` and paste it into the README"


def test_configuration_reference_is_current():
    assert readme_block("config") == config_reference()


def test_quick_start_has_exactly_two_commands():
    text = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    quick_start = text.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.search(r"```sh\n(.*?)```", quick_start, re.S).group(1).strip().splitlines()
    assert len(commands) == 2
    assert commands[0].endswith(".venv/bin/pressrun build")
    assert commands[1] == ".venv/bin/pytest"
    ci = (REPOSITORY / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_the_module_map_matches_the_tree():
    """Every module and package of src/pressrun has its row in the README's module map,
    and every row names one that exists."""
    package = REPOSITORY / "src" / "pressrun"
    modules = {
        path.relative_to(package).with_suffix("").as_posix().removesuffix("/__init__")
        for path in package.rglob("*.py")
        if path.name != "__init__.py" or path.parent != package
    }
    section = (REPOSITORY / "README.md").read_text(encoding="utf-8").split("## How pressrun is built", 1)[1]
    rows = set(re.findall(r"^\| `([\w/]+)` \|", section, re.MULTILINE))
    assert rows == modules
