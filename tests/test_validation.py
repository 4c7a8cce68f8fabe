"""Broken content is reported as `path:line:col: message`, all problems in one run, exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import run
from pressrun.cli import main


def write(project: Path, relative: str, text: str) -> None:
    (project / relative).write_text(dedent(text).lstrip(), encoding="utf-8")


def test_the_sample_project_is_valid(mini):
    checked = run(mini, "check")
    assert (checked.code, checked.errors) == (0, [])
    assert checked.out.startswith("2 parts, 2 profiles, ")


# (file written, its YAML, the first problem reported)
BROKEN_FILES = {
    "missing required field": (
        "content/profiles/alpha.yaml",
        """
        acronym: AN
        intro: [Alpha connects cities.]
        contacts: {}
        """,
        "content/profiles/alpha.yaml:1:1: profile: missing required key 'name' [missing-key]",
    ),
    "wrong type": (
        "content/profiles/alpha.yaml",
        """
        name: Alpha Network
        intro: Alpha connects cities.
        contacts: {}
        """,
        "content/profiles/alpha.yaml:2:8: profile.intro: expected a list, got text 'Alpha connects cities.' "
        "[wrong-type]",
    ),
    "unknown key with a suggestion": (
        "content/profiles/alpha.yaml",
        """
        name: Alpha Network
        acronim: AN
        intro: [Alpha connects cities.]
        contacts: {}
        """,
        "content/profiles/alpha.yaml:2:1: profile: unknown key 'acronim'; did you mean 'acronym'? [unknown-key]",
    ),
    "bad email": (
        "content/profiles/alpha.yaml",
        """
        name: Alpha Network
        intro: [Alpha connects cities.]
        contacts:
          emails:
            - address: info.alpha.example.org
        """,
        "content/profiles/alpha.yaml:5:16: profile.contacts.emails[1].address: "
        "'info.alpha.example.org' is not a well-formed email address [bad-email]",
    ),
    "bad URL": (
        "content/profiles/alpha.yaml",
        """
        name: Alpha Network
        intro: [Alpha connects cities.]
        contacts:
          websites:
            - url: www.alpha.example.org
        """,
        "content/profiles/alpha.yaml:5:12: profile.contacts.websites[1].url: 'www.alpha.example.org' "
        "is not a well-formed web address (expected http:// or https:// and a host name; spaces, quotes, brackets "
        "and letters beyond ASCII percent-encoded) [bad-url]",
    ),
    "unknown country code": (
        "content/profiles/beta.yaml",
        """
        name: Beta Hub
        intro: [Beta hosts the directory.]
        contacts:
          address:
            lines: [1 Road, 1200 Geneva]
            country: SZ1
        """,
        "content/profiles/beta.yaml:6:14: profile.contacts.address.country: 'SZ1' "
        "is not an ISO 3166-1 alpha-2 country code (e.g. CH, FR, US) [bad-country]",
    ),
}


@pytest.mark.parametrize("name", BROKEN_FILES)
def test_a_broken_file_is_reported_at_its_place(mini, name):
    path, text, expected = BROKEN_FILES[name]
    write(mini, path, text)
    checked = run(mini, "check")
    assert checked.code == 1
    assert checked.errors[0] == expected


# (file, text replaced, its replacement, the first problem reported)
BROKEN_VALUES = {
    "wrong type of year": (
        "content/publication.yaml",
        "year: 2024",
        "year: next year",
        "content/publication.yaml:2:7: publication.year: expected a whole number, got text 'next year' [wrong-type]",
    ),
    "footnote call without footnote": (
        "content/profiles/alpha.yaml",
        "[^one]",
        "[^two]",
        "content/profiles/alpha.yaml:4:5: footnote call [^two] has no footnote in this profile [unknown-footnote]",
    ),
}


@pytest.mark.parametrize("name", BROKEN_VALUES)
def test_a_broken_value_is_reported_at_its_place(mini, name):
    relative, old, new, expected = BROKEN_VALUES[name]
    path = mini / relative
    path.write_text(path.read_text().replace(old, new))
    checked = run(mini, "check")
    assert checked.code == 1
    assert checked.errors == [expected, "1 error(s): the content is not valid"]


def test_yaml_syntax_error(mini):
    write(
        mini,
        "content/profiles/alpha.yaml",
        """
        name: Alpha Network
        intro:
          - "An unclosed quote
        contacts: {}
        """,
    )
    checked = run(mini, "check")
    assert checked.code == 1
    assert checked.errors[0].startswith("content/profiles/alpha.yaml:5:1: YAML syntax error:")
    assert "Traceback" not in checked.err


@pytest.mark.parametrize("code", ["XX", "EU", "ch"])
def test_codes_that_are_not_countries(mini, code):
    text = (mini / "content/profiles/beta.yaml").read_text().replace("country: CH", f"country: {code}")
    (mini / "content/profiles/beta.yaml").write_text(text)
    checked = run(mini, "check")
    assert checked.code == 1
    assert "[bad-country]" in checked.errors[0]


def test_duplicate_id(mini):
    (mini / "content/profiles/alpha.yml").write_text((mini / "content/profiles/alpha.yaml").read_text())
    checked = run(mini, "check")
    assert checked.code == 1
    assert checked.errors[0] == (
        "content/profiles/alpha.yml:1:1: duplicate profile id 'alpha': "
        "also defined by content/profiles/alpha.yaml:1:1 [duplicate-id]"
    )


def test_profile_listed_twice_and_unknown_profile(mini):
    publication = mini / "content/publication.yaml"
    publication.write_text(publication.read_text().replace("profiles: [alpha]", "profiles: [alpha, beta, gamma]"))
    assert run(mini, "check").errors[:2] == [
        "content/publication.yaml:29:23: profile 'beta' is listed twice (first at content/publication.yaml:25:16) "
        "[duplicate-id]",
        "content/publication.yaml:29:29: no profile file content/profiles/gamma.yaml [unknown-profile]",
    ]


def test_every_problem_is_reported_in_one_run(mini):
    write(
        mini,
        "content/profiles/alpha.yaml",
        """
        name: Alpha Network
        intro:
          - Alpha connects cities.
          - colour: blue
        sections:
          - kind: visionary
            blocks: [A world.]
        contacts:
          websites: [{url: "https://alpha example.org"}]
          phones: [{number: "0041 22 000 00 00"}]
          emails: [{address: "@alpha.example.org"}]
        """,
    )
    write(
        mini,
        "content/profiles/beta.yaml",
        """
        name: [Beta Hub]
        intro: [Beta hosts the directory.]
        contacts: {address: {lines: [1 Road], country: QQ}}
        """,
    )
    checked = run(mini, "check")
    assert checked.code == 1
    assert [line.split(": ", 1)[0] for line in checked.errors[:-1]] == [
        "content/profiles/alpha.yaml:4:5",
        "content/profiles/alpha.yaml:6:11",
        "content/profiles/alpha.yaml:9:20",
        "content/profiles/alpha.yaml:10:21",
        "content/profiles/alpha.yaml:11:22",
        "content/profiles/beta.yaml:1:7",
        "content/profiles/beta.yaml:3:48",
    ]
    assert checked.errors[-1] == "7 error(s): the content is not valid"


def test_errors_in_the_configuration(mini):
    (mini / "pyproject.toml").write_text('[tool.pressrun]\ncontent = "content"\nlayout = "layouts"\n')
    checked = run(mini, "check")
    assert checked.code == 1
    assert checked.errors[0] == (
        "pyproject.toml:3:1: [tool.pressrun]: unknown key 'layout'; did you mean 'layouts'? [unknown-key]"
    )


def test_every_configuration_error_in_one_run(mini):
    (mini / "pyproject.toml").write_text(
        '[tool.pressrun]\ncontent = "content"\nchunk_profiles = 0\npage_budget = "three"\nformats = ["pdf", "docx"]\n'
    )
    checked = run(mini, "check")
    assert checked.code == 1
    assert checked.errors[:3] == [
        "pyproject.toml:3:1: [tool.pressrun].chunk_profiles: expected a whole number of at least 1 [bad-number]",
        "pyproject.toml:4:1: [tool.pressrun].page_budget: expected int, got 'three' [wrong-type]",
        "pyproject.toml:5:1: [tool.pressrun].formats: unknown docx; expected some of pdf, epub [bad-choice]",
    ]


def test_a_language_is_either_a_draft_or_released(mini):
    (mini / "pyproject.toml").write_text(
        '[tool.pressrun]\ncontent = "content"\nlanguages = ["en", "fr"]\ndrafts = ["fr", "xx-nowhere"]\n'
    )
    checked = run(mini, "check")
    assert checked.code == 1
    assert checked.errors[:1] == [
        "pyproject.toml:4:1: [tool.pressrun].drafts: xx-nowhere is not a language code known to Babel (e.g. en, fr) "
        "[bad-language]",
    ]
    (mini / "pyproject.toml").write_text(
        '[tool.pressrun]\ncontent = "content"\nlanguages = ["en", "fr"]\ndrafts = ["fr"]\n'
    )
    assert run(mini, "check").errors[:1] == [
        "pyproject.toml:4:1: [tool.pressrun].drafts: fr is in languages too; a language is either a draft or released "
        "[draft-and-release]",
    ]


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as stopped:
        main(["no-such-command"])
    assert stopped.value.code == 2


def test_a_reader_that_stops_early_gets_no_traceback():
    """`pressrun reference | head -1`: the reader goes away; pressrun stops quietly, as a
    program killed by SIGPIPE would."""
    # A pipe nobody reads any more, so that the first write fails whatever its size.
    gone, output = os.pipe()
    os.close(gone)
    program = "import sys; from pressrun.cli import main; sys.exit(main())"
    try:
        finished = subprocess.run(
            [sys.executable, "-c", program, "reference"], stdout=output, stderr=subprocess.PIPE, timeout=60
        )
    finally:
        os.close(output)
    assert (finished.returncode, finished.stderr) == (141, b"")
