"""Hostile and broken input (issue 12), one class at a time: files outside the project,
live markup, denial of service, mistakes that used to end in a traceback, and what used
to go wrong silently. Each case gives a located error (or a correct output), never a
traceback, never the text of a file outside the project.

The environment's failures (read-only or full disks, interrupted builds) are in
test_interrupted.py; the property-based tests in test_properties.py.
"""

from __future__ import annotations

import errno
import json
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent
from xml.etree import ElementTree

import pytest

from conftest import REPOSITORY, Run, add_language, configure, run
from pressrun.config import load_config
from pressrun.errors import ProblemsFound
from pressrun.files import Folder, write_together
from pressrun.incremental import recorded, state_path
from pressrun.pdf.fonts import confine_fonts
from pressrun.proof.compare import export_revision

SECRET = "SECRET-LINE-0f1e2d"


def write(project: Path, relative: str, text: str | bytes) -> None:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(dedent(text).lstrip() if text.startswith("\n") else text, encoding="utf-8")


def replace(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def outside(project: Path) -> Path:
    """A file outside the project, holding a line that must never be shown."""
    secret = project.parent / "elsewhere" / "secret.txt"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(f"{SECRET}: x\n")
    return secret


def link(project: Path, relative: str, target: Path) -> None:
    path = project / relative
    if path.exists():
        path.unlink() if path.is_file() else path.rename(path.with_name(path.name + ".moved"))
    path.symlink_to(target)


def line_of(relative: str, text: str) -> int:
    """The line of the repository's `relative` file on which `text` first appears."""
    lines = (REPOSITORY / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def refused(result: Run) -> None:
    """What every hostile case shares: exit 1, no traceback, nothing of the secret."""
    assert result.code == 1, result.err
    assert "Traceback" not in result.err and SECRET not in result.err + result.out


@dataclass(frozen=True)
class Case:
    """A broken project: how to break a copy of the sample, the command, and the problem
    the command reports (one of its lines, exactly)."""

    setup: Callable[[Path], None]
    expected: str
    command: tuple[str, ...] = ("check",)


def table(cases: dict[str, Case]):
    return pytest.mark.parametrize("name", list(cases))


def check_case(project: Path, case: Case) -> Run:
    case.setup(project)
    result = run(project, *case.command)
    refused(result)
    assert case.expected in result.errors, result.err
    return result


OUTSIDE_THE_PROJECT = "leads outside {} (through a symbolic link or '..'); pressrun reads and writes only inside the project's folders: replace the link with the file or folder itself [outside-project]"


def _folder_outside(project: Path, folder: str) -> None:
    moved = project.parent / "elsewhere" / folder.replace("/", "-")
    moved.parent.mkdir(exist_ok=True)
    (project / folder).rename(moved)
    (project / folder).symlink_to(moved)


# --- files outside the project ----------------------------------------------------------

FILES_OUTSIDE = {
    "a profile that is a link to a file outside": Case(
        lambda p: link(p, "content/profiles/gamma.yaml", outside(p)),
        "content/profiles/gamma.yaml: " + OUTSIDE_THE_PROJECT.format("content/"),
    ),
    "a profiles folder that is a link to a folder outside": Case(
        lambda p: _folder_outside(p, "content/profiles"),
        "content/profiles: " + OUTSIDE_THE_PROJECT.format("content/"),
    ),
    "the publication file is a link outside": Case(
        lambda p: link(p, "content/publication.yaml", outside(p)),
        "content/publication.yaml: " + OUTSIDE_THE_PROJECT.format("content/"),
    ),
    "the content folder is a link outside": Case(
        lambda p: _folder_outside(p, "content"),
        "content: " + OUTSIDE_THE_PROJECT.format("this folder"),
    ),
    "pyproject.toml is a link outside": Case(
        lambda p: link(p, "pyproject.toml", outside(p)),
        "pyproject.toml: " + OUTSIDE_THE_PROJECT.format("the project"),
    ),
    "content set to a folder through ..": Case(
        lambda p: configure(p, content="../elsewhere"),
        "pyproject.toml:6:1: [tool.pressrun].content: '../elsewhere' is not a folder inside the project: "
        "give a relative path such as 'content', without '..' [bad-path]",
    ),
    "content set to an absolute folder": Case(
        lambda p: configure(p, content="/etc"),
        "pyproject.toml:6:1: [tool.pressrun].content: '/etc' is not a folder inside the project: "
        "give a relative path such as 'content', without '..' [bad-path]",
    ),
    "basename that climbs out of the output folder": Case(
        lambda p: configure(p, basename="../../../x"),
        "pyproject.toml:7:1: [tool.pressrun].basename: '../../../x' is not a safe file name: letters, digits, '.', "
        "'_' and '-' only (no folder), starting with a letter or digit, at most 120 characters [bad-basename]",
    ),
    "output set outside the project": Case(
        lambda p: configure(p, output="../out"),
        "pyproject.toml:7:1: [tool.pressrun].output: '../out' is not a folder inside the project: "
        "give a relative path such as 'build', without '..' [bad-path]",
    ),
    "output set to a source folder": Case(
        lambda p: configure(p, output="layouts/out"),
        "pyproject.toml:7:1: [tool.pressrun].output: 'layouts/out' overlaps the layouts folder 'layouts': "
        "outputs are written apart from their sources [bad-path]",
    ),
    "a template that is a link outside": Case(
        lambda p: link(p, "layouts/epub/part.xhtml.j2", outside(p)),
        "layouts/epub/part.xhtml.j2: " + OUTSIDE_THE_PROJECT.format("layouts/"),
        ("build", "-q"),
    ),
    "an icon that is a link outside": Case(
        lambda p: link(p, "layouts/icons/website.svg", outside(p)),
        "layouts/icons/website.svg: " + OUTSIDE_THE_PROJECT.format("layouts/"),
        ("build", "-q"),
    ),
    "the layouts folder is a link outside": Case(
        lambda p: _folder_outside(p, "layouts"),
        "layouts: " + OUTSIDE_THE_PROJECT.format("this folder"),
        ("build", "-q"),
    ),
    "the output folder is a link outside": Case(
        lambda p: (p.parent / "elsewhere").mkdir(exist_ok=True) or (p / "build").symlink_to(p.parent / "elsewhere"),
        "build: " + OUTSIDE_THE_PROJECT.format("this folder"),
        ("build", "-q"),
    ),
    "a template that includes a file through ..": Case(
        lambda p: replace(p, "layouts/pdf/publication.html.j2", "<body>", '<body>{% include "../../secret.txt" %}'),
        f"layouts/pdf/publication.html.j2:{line_of('layouts/pdf/publication.html.j2', '<body>')}: template error: "
        "no template '../../secret.txt' in layouts/ [template]",
        ("build", "-q", "--jobs", "1"),
    ),
}


@table(FILES_OUTSIDE)
def test_files_outside_the_project_are_refused(mini, name):
    check_case(mini, FILES_OUTSIDE[name])
    assert not (mini.parent / "x.pdf").exists() and not (mini.parent / "out").exists()


def test_a_catalog_that_is_a_link_outside_is_refused(mini):
    add_language(mini, "fr", lambda domain, message: message.id)
    link(mini, "locales/fr/LC_MESSAGES/content.po", outside(mini))
    result = run(mini, "build", "-q")
    refused(result)
    assert result.errors[0] == "locales/fr/LC_MESSAGES/content.po: " + OUTSIDE_THE_PROJECT.format("locales/")


def test_extraction_refuses_a_template_that_is_a_link_outside(mini):
    link(mini, "layouts/pdf/stolen.j2", outside(mini))
    result = run(mini, "i18n", "extract")
    refused(result)
    assert result.errors[0] == "layouts/pdf/stolen.j2: " + OUTSIDE_THE_PROJECT.format("layouts/")


def test_a_revision_is_never_an_option_for_git(mini):
    subprocess.run(["git", "init", "-q", str(mini)], check=True)
    target = mini.parent / "overwritten.txt"
    with pytest.raises(ProblemsFound) as refused_revision:
        export_revision(load_config(mini), f"--output={target}", mini.parent / "previous")
    assert not target.exists()
    assert [str(problem) for problem in refused_revision.value.problems] == [
        f"revision: '--output={target}' is not a revision (a tag, branch or commit) [revision]"
    ]


def test_a_previous_report_cannot_point_outside_its_folder(mini, tmp_path):
    previous = tmp_path / "previous"
    previous.mkdir()
    edition = {"language": "en", "pdf": "../elsewhere/secret.txt", "pages": 1, "starts": {}, "page_hashes": ["x"]}
    (previous / "report.json").write_text(json.dumps({"editions": [edition]}))
    outside(mini)
    result = run(mini, "proof", "--against", str(previous))
    assert "Traceback" not in result.err and SECRET not in result.err + result.out
    assert "previous/../elsewhere/secret.txt: " + OUTSIDE_THE_PROJECT.format("previous/") in result.errors


def test_a_digest_naming_files_outside_is_not_trusted(mini):
    config = load_config(mini)
    secret = outside(mini)
    entry = {"digest": "0" * 64, "outputs": {"../elsewhere/secret.txt": "0" * 64}}
    write(mini, "build/.pressrun-digests.json", json.dumps({"en": entry}))
    assert recorded(config) == {"en": entry}, "well-formed: read, but it names no output of this build"
    from pressrun.incremental import up_to_date

    assert not up_to_date(config, "en", "0" * 64, recorded(config), 1)
    assert secret.read_text().startswith(SECRET), "never written"


# --- live markup --------------------------------------------------------------------------

LIVE_MARKUP = {
    "a quote and brackets in a web address": Case(
        lambda p: replace(
            p, "content/profiles/alpha.yaml", "https://alpha.example.org", '"https://example.org/a\\"b<c>"'
        ),
        "content/profiles/alpha.yaml:12:20: profile.contacts.websites[1].url: 'https://example.org/a\"b<c>' "
        "is not a well-formed web address (expected http:// or https:// and a host name; spaces, quotes, brackets "
        "and letters beyond ASCII percent-encoded) [bad-url]",
    ),
    "a space in a web address": Case(
        lambda p: replace(
            p, "content/profiles/alpha.yaml", "https://alpha.example.org", '"https://alpha.example.org/a b"'
        ),
        "content/profiles/alpha.yaml:12:20: profile.contacts.websites[1].url: 'https://alpha.example.org/a b' "
        "is not a well-formed web address (expected http:// or https:// and a host name; spaces, quotes, brackets "
        "and letters beyond ASCII percent-encoded) [bad-url]",
    ),
    "an escaped control character": Case(
        lambda p: replace(p, "content/profiles/beta.yaml", "Beta hosts the directory.", '"Beta \\a hosts."'),
        "content/profiles/beta.yaml:3:5: profile.intro[1].text: character U+0007 cannot be printed or stored in an "
        "output: remove it (character 6 of the text) [control-character]",
    ),
    "an escaped lone surrogate": Case(
        lambda p: replace(p, "content/profiles/beta.yaml", "Beta hosts the directory.", '"Beta \\ud800 hosts."'),
        "content/profiles/beta.yaml:3:5: profile.intro[1].text: character U+D800 cannot be printed or stored in an "
        "output: remove it (character 6 of the text) [control-character]",
    ),
    "an escaped non-character": Case(
        lambda p: replace(p, "content/profiles/beta.yaml", "Beta hosts the directory.", '"Beta \\uffff"'),
        "content/profiles/beta.yaml:3:5: profile.intro[1].text: character U+FFFF cannot be printed or stored in an "
        "output: remove it (character 6 of the text) [control-character]",
    ),
}


@table(LIVE_MARKUP)
def test_markup_and_controls_in_content_are_refused(mini, name):
    check_case(mini, LIVE_MARKUP[name])


HOSTILE = '<script>alert(1)</script> <b onclick="x">"quoted"</b> & <![CDATA[x]]>'


def hostile_french(domain: str, message) -> str | None:
    """French catalogs whose translations try every way to become markup; the publication's
    subtitle stays untranslated, so that its fallback (marked with a span) lands in the
    cover's alt attribute."""
    if message.context == "publication:subtitle":
        return None
    if domain == "layouts":
        return "d MMMM y" if message.context == "date pattern" else f"{message.id} <i>{HOSTILE}</i> \"'"
    return f"{message.id} {HOSTILE} [link](https://example.org/a%22b)"


def test_translations_and_fallbacks_never_become_markup(mini):
    replace(mini, "content/publication.yaml", "title: Mini Directory", "title: Mini Directory\nsubtitle: City Networks")
    add_language(mini, "fr", hostile_french)
    result = run(mini, "build", "-q", "--allow-untranslated", "--variant", "screen")
    assert result.code == 0, result.err
    assert "publication:subtitle: “City Networks” is untranslated [untranslated]" in result.err
    with zipfile.ZipFile(mini / "build/fr/publication.epub") as epub:
        documents = {name: epub.read(name) for name in epub.namelist() if name.endswith((".xhtml", ".opf", ".svg"))}
    for name, data in documents.items():
        root = ElementTree.fromstring(data)  # every document is well-formed XML
        tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
        assert not tags & {"script", "b", "i"}, name
        assert all("onclick" not in element.attrib for element in root.iter()), name
    cover = ElementTree.fromstring(documents["EPUB/cover.xhtml"])
    alt = next(element for element in cover.iter() if element.tag.endswith("img")).get("alt")
    assert alt.startswith("City Networks 2024. Mini Directory <script>alert(1)</script>")
    profile = documents["EPUB/profile-alpha.xhtml"].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in profile and 'href="https://example.org/a%22b"' in profile


# --- denial of service --------------------------------------------------------------------


def _billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _nested_items(levels: int) -> str:
    item = "{text: deepest}"
    for _ in range(levels):
        item = "{text: item, items: [" + item + "]}"
    return "name: Alpha Network\nintro:\n  - list: [" + item + "]\ncontacts: {}\n"


LIMITS = {
    "a billion laughs": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", _billion_laughs()),
        "content/profiles/alpha.yaml:2:8: with its aliases (*name) expanded, this file holds more than 20000 values "
        "(or an alias inside what it names) [too-large]",
    ),
    "an alias inside what it names": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", "name: &a [*a]\n"),
        "content/profiles/alpha.yaml:1:11: with its aliases (*name) expanded, this file holds more than 20000 values "
        "(or an alias inside what it names) [too-large]",
    ),
    "more than 100 aliases": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", "a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n"),
        "content/profiles/alpha.yaml:2:405: more than 100 aliases (*name): more than a content file can need "
        "[too-large]",
    ),
    "deep brackets": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", "name: " + "[" * 1000 + "]" * 1000 + "\n"),
        "content/profiles/alpha.yaml:1:38: nested more than 32 levels deep, more than a content file can need "
        "[too-large]",
    ),
    "200 levels of list items": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", _nested_items(200)),
        "content/profiles/alpha.yaml:3:306: nested more than 32 levels deep, more than a content file can need "
        "[too-large]",
    ),
    "more than 5000 values": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", "name: [" + "x, " * 5000 + "x]\n"),
        "content/profiles/alpha.yaml:1:14999: more than 5000 values: more than a content file can need [too-large]",
    ),
    "a file larger than 128 KB": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", "# " + "x" * 131072 + "\n"),
        "content/profiles/alpha.yaml: larger than 0.125 MB, the most pressrun reads from one such file [too-large]",
    ),
    "a text longer than 10,000 characters": Case(
        lambda p: replace(p, "content/profiles/beta.yaml", "Beta hosts the directory.", "Beta " + "hosts " * 2000),
        "content/profiles/beta.yaml:3:5: profile.intro[1].text: 12,004 characters long; a text may have at most "
        "10,000: split it [too-long]",
    ),
}


@table(LIMITS)
def test_inputs_are_bounded(mini, name):
    check_case(mini, LIMITS[name])


# --- mistakes that used to end in a traceback ---------------------------------------------

TRACEBACKS = {
    "an empty profile": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", ""),
        "content/profiles/alpha.yaml:1:1: the file holds no YAML mapping (it is empty, or only comments or ~) [empty]",
    ),
    "a profile of comments only": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", "# nothing yet\n"),
        "content/profiles/alpha.yaml:1:1: the file holds no YAML mapping (it is empty, or only comments or ~) [empty]",
    ),
    "a profile that is ~": Case(
        lambda p: write(p, "content/profiles/alpha.yaml", "~\n"),
        "content/profiles/alpha.yaml:1:1: the file holds no YAML mapping (it is empty, or only comments or ~) [empty]",
    ),
    "U+0000 in a file": Case(
        lambda p: replace(p, "content/profiles/beta.yaml", "Beta hosts", "Beta\x00hosts"),
        "content/profiles/beta.yaml:3:9: character U+0000 cannot be printed or stored in an output: remove it "
        "[control-character]",
    ),
    "U+0007 in a file": Case(
        lambda p: replace(p, "content/profiles/beta.yaml", "Beta hosts", "Beta\x07hosts"),
        "content/profiles/beta.yaml:3:9: character U+0007 cannot be printed or stored in an output: remove it "
        "[control-character]",
    ),
    "a profile not in UTF-8": Case(
        lambda p: write(p, "content/profiles/beta.yaml", "name: Beta Hub\nintro: [Genève]\n".encode("latin-1")),
        "content/profiles/beta.yaml:2:12: not UTF-8 text (byte 0xE8): save the file as UTF-8 [encoding]",
    ),
    "an impossible date": Case(
        lambda p: replace(p, "content/publication.yaml", "date: 2024-05-02", "date: 2021-02-30"),
        "content/publication.yaml:6:9: 2021-02-30 cannot be read: day is out of range for month [bad-value]",
    ),
    "a year of 5,000 digits": Case(
        lambda p: replace(p, "content/publication.yaml", "year: 2024", "year: " + "9" * 5000),
        "content/publication.yaml:2:7: " + "9" * 40 + " cannot be read: Exceeds the limit (4300 digits) for integer "
        "string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit "
        "[bad-value]",
    ),
    "pyproject.toml not in UTF-8": Case(
        lambda p: write(p, "pyproject.toml", '[tool.pressrun]\ncontent = "contenu-\xe9"\n'.encode("latin-1")),
        "pyproject.toml:2:20: not UTF-8 text (byte 0xE9): save the file as UTF-8 [encoding]",
    ),
    "[tool] pressrun is not a table": Case(
        lambda p: write(p, "pyproject.toml", '[tool]\npressrun = "x"\n'),
        "pyproject.toml:2:1: tool.pressrun: expected the table [tool.pressrun] of pressrun's settings [wrong-type]",
    ),
    "a language listed twice": Case(
        lambda p: configure(p, languages=["en", "en"]),
        "pyproject.toml:7:1: [tool.pressrun].languages: 'en' listed twice [duplicate]",
    ),
    "output set to the name of a file": Case(
        lambda p: write(p, "content.yaml", "") or configure(p, output="content.yaml"),
        "content.yaml: cannot write here: a file has the name of a folder to make: move it away [cannot-write]",
        ("build", "-q"),
    ),
    "tool is not a table": Case(
        lambda p: write(p, "pyproject.toml", "tool = 3\n"),
        "pyproject.toml:1:1: tool: expected a table, [tool] [wrong-type]",
    ),
}


@table(TRACEBACKS)
def test_mistakes_are_located_errors(mini, name):
    check_case(mini, TRACEBACKS[name])


@pytest.mark.parametrize("epoch", ["-1", "99999999999", "1e9", "4354819200"])
def test_source_date_epoch_out_of_range(mini, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = run(mini, "build", "-q", "--jobs", "1")
    refused(result)
    assert result.errors[0] == (
        f"SOURCE_DATE_EPOCH: {epoch!r} is not a date pressrun can print: give the seconds since 1970 "
        "(0 to 4354819199, the end of 2107), or unset it [bad-epoch]"
    )


def french_catalogs(project: Path) -> None:
    add_language(project, "fr", lambda domain, message: message.id if domain == "layouts" else f"FR {message.id}")


def set_translation(project: Path, domain: str, msgid: str, msgstr: str) -> int:
    """Give `msgid` the translation `msgstr` (a PO string, escapes and all); its line."""
    path = project / f"locales/fr/LC_MESSAGES/{domain}.po"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = lines.index(f'msgid "{msgid}"') + 1
    assert lines[number].startswith("msgstr ")
    lines[number] = f"msgstr {msgstr}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number


CATALOGS = {
    "a placeholder the source text lacks": (
        "layouts",
        "Website",
        '"Site %(name)s"',
        "the translation's placeholders (%(name)s) are not the source text's (none) [translation]",
    ),
    "a bare percent sign": (
        "layouts",
        "Website",
        '"Site à 100 %"',
        "a % in the translation starts no placeholder: write %% for a percent sign [translation]",
    ),
    "a date pattern with a time field": (
        "layouts",
        "d MMMM y",
        '"d MMMM y HH:mm"',
        "date pattern: H, m in this date pattern stand for no part of a date (see Babel's date patterns) [translation]",
    ),
    "a date pattern without a date field": (
        "layouts",
        "d MMMM y",
        "\"'le jour'\"",
        "date pattern: this date pattern has no field of a date (d, MMMM, y…); write literal text between single "
        "quotes [translation]",
    ),
    "a date pattern Babel cannot format": (
        "layouts",
        "d MMMM y",
        '"GGGGGG y"',
        "date pattern: Babel cannot format a date with this pattern: Invalid length for field: 'GGGGGG' [translation]",
    ),
    "an escaped carriage return": (
        "layouts",
        "Website",
        '"Site\\rweb"',
        "character U+000D cannot be printed or stored in an output: remove it [translation]",
    ),
    "a footnote call to a note the profile lacks": (
        "content",
        "Alpha connects cities.[^one]",
        '"FR Alpha relie les villes.[^two]"',
        "alpha:intro[1].text: the translation calls footnote [^two], which alpha does not have [unknown-footnote]",
    ),
}


@pytest.mark.parametrize("name", list(CATALOGS))
def test_bad_translations_are_errors_at_their_line(mini, name):
    domain, msgid, msgstr, expected = CATALOGS[name]
    french_catalogs(mini)
    line = set_translation(mini, domain, msgid, msgstr)
    result = run(mini, "build", "-q", "--jobs", "1")
    refused(result)
    assert result.errors[0] == f"locales/fr/LC_MESSAGES/{domain}.po:{line}: {expected}"


def test_a_duplicate_message_is_an_error(mini):
    french_catalogs(mini)
    path = mini / "locales/fr/LC_MESSAGES/layouts.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + '\nmsgid "Website"\nmsgstr "Site"\n', encoding="utf-8")
    first = text.splitlines().index('msgid "Website"') + 1
    result = run(mini, "build", "-q", "--jobs", "1")
    refused(result)
    duplicate = len(text.splitlines()) + 2
    assert result.errors[0] == (
        f"locales/fr/LC_MESSAGES/layouts.po:{duplicate}: this message is also at line {first}: keep one of them "
        "(msgfmt rejects both) [duplicate-message]"
    )


def _latin1(project: Path, charset: str) -> None:
    path = project / "locales/fr/LC_MESSAGES/content.po"
    text = path.read_text(encoding="utf-8").replace("charset=utf-8", f"charset={charset}")
    path.write_bytes(text.replace('msgstr "FR Beta Hub"', 'msgstr "FR Bêta Hub"').encode("latin-1", errors="replace"))


def test_a_latin1_catalog_with_its_charset_is_read_in_it(mini):
    french_catalogs(mini)
    _latin1(mini, "ISO-8859-1")
    from conftest import edition

    french = edition(mini, "fr")
    assert {profile.name for profile in french.profiles()} == {"FR Alpha Network", "FR Bêta Hub"}


@pytest.mark.parametrize(
    ("charset", "expected"),
    [
        ("utf-8", "save it as UTF-8, or name its encoding in the header (charset=ISO-8859-1, say) [encoding]"),
        (
            "klingon",
            "unknown charset 'klingon' in the header: save the catalog as UTF-8 and declare charset=UTF-8 [encoding]",
        ),
    ],
)
def test_a_catalog_in_another_charset_than_it_says_is_an_error(mini, charset, expected):
    french_catalogs(mini)
    _latin1(mini, charset)
    result = run(mini, "build", "-q", "--jobs", "1")
    refused(result)
    assert result.errors[0].startswith("locales/fr/LC_MESSAGES/content.po:")
    assert result.errors[0].endswith(expected)


def test_a_missing_layout_file_is_named(mini):
    (mini / "layouts/epub/style.css").unlink()
    result = run(mini, "build", "-q", "--jobs", "1")
    refused(result)
    assert result.errors[0] == "layouts/epub/style.css: cannot read it: no such file [unreadable]"
    assert not (mini / "build/en").exists()


def test_template_syntax_errors_are_located_all_at_once(mini):
    broken = {"layouts/shared/macros.j2": "{% if %}", "layouts/pdf/publication.html.j2": "{% for %}"}
    lines = {}
    for name, tag in broken.items():
        with (mini / name).open("a", encoding="utf-8") as stream:
            stream.write(tag + "\n")
        lines[name] = (mini / name).read_text(encoding="utf-8").count("\n")
    expected = sorted(
        f"{name}:{line}:1: template syntax error: Expected an expression, got 'end of statement block' "
        "[template-syntax]"
        for name, line in lines.items()
    )
    for command in (["build", "-q", "--jobs", "1"], ["i18n", "extract"]):
        result = run(mini, *command)
        refused(result)
        assert sorted(result.errors[:-1]) == expected, command


def test_a_missing_icon_fails_the_epub(mini):
    (mini / "layouts/icons/email.svg").unlink()
    result = run(mini, "build", "-q", "--jobs", "1")
    refused(result)
    assert (
        "layouts/epub/profile.xhtml.j2: EPUB/profile-alpha.xhtml uses 'icons/email.svg', which the layouts lack [epub]"
        in result.errors
    )


@pytest.mark.parametrize(
    "text",
    [
        "[1, 2]",
        '"a string"',
        '{"en": {"digest": 3, "outputs": []}}',
        '{"en": {"digest": "x", "outputs": {"a": 1}}}',
        "{",
        "",
    ],
)
def test_a_digest_file_of_any_shape_means_rebuild_everything(mini, text):
    config = load_config(mini)
    write(mini, "build/.pressrun-digests.json", text)
    assert recorded(config) == {}
    assert state_path(config).read_text() == text, "only read"


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "{",
        '{"editions": "x"}',
        '{"editions": [{"language": "en"}]}',
        '{"editions": [{"language": "en", "pdf": "p.pdf", "pages": "1", "starts": {}, "page_hashes": []}]}',
    ],
)
def test_a_corrupt_previous_report_is_an_error(mini, tmp_path, text):
    (tmp_path / "previous").mkdir()
    (tmp_path / "previous/report.json").write_text(text)
    result = run(mini, "proof", "--against", str(tmp_path / "previous"))
    refused(result)
    assert result.errors[0].startswith("previous/report.json: not ")
    assert result.errors[0].endswith("make that proof again, or compare with another [bad-report]")


# --- what went wrong silently -------------------------------------------------------------


def test_escape_sequences_in_a_file_name_are_shown_escaped(mini):
    write(mini, "content/profiles/\x1b[2J\x1b]0;owned\x07evil.yaml", "name: x\n")
    result = run(mini, "check")
    refused(result)
    assert "\x1b" not in result.err and "\x07" not in result.err
    assert result.errors[0].startswith("content/profiles/\\x1b[2J\\x1b]0;owned\\x07evil.yaml:1:1: profile id ")


def test_outputs_changed_since_are_rebuilt_and_no_temporary_folder_is_left(mini, monkeypatch, tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.delenv("FONTCONFIG_FILE", raising=False)
    assert run(mini, "build", "-q", "--variant", "screen").code == 0
    assert list(temporary.iterdir()) == [], "nothing in the machine's temporary folder"
    (cache,) = (mini / "build/.pressrun-cache").iterdir()
    written = (cache / "fonts.conf").stat().st_mtime_ns
    pdf = mini / "build/en/publication.pdf"
    whole = pdf.read_bytes()
    pdf.write_bytes(whole[: len(whole) // 2])
    result = run(mini, "build", "--variant", "screen")
    assert result.code == 0 and "en: up to date" not in result.out
    assert pdf.read_bytes() == whole
    assert run(mini, "build", "--variant", "screen").out.startswith("en: up to date")
    assert [*(mini / "build/.pressrun-cache").iterdir()] == [cache] and list(temporary.iterdir()) == []
    confine_fonts(load_config(mini).cache)
    assert (cache / "fonts.conf").stat().st_mtime_ns == written, "fontconfig's folder is reused"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "the disk is full: free some space"),
        (errno.EROFS, "the disk is mounted read-only: build on a writable disk"),
        (errno.EPERM, "not permitted (is it immutable? chattr -i): make it writable"),
        (errno.EACCES, "permission denied: make the folder writable (chmod u+w)"),
    ],
)
def test_an_unwritable_folder_writes_nothing_and_says_what_to_do(tmp_path, monkeypatch, code, reason):
    folder = Folder(tmp_path / "build", tmp_path)
    (tmp_path / "build/en").mkdir(parents=True)
    (tmp_path / "build/en/old.pdf").write_bytes(b"old")
    import pressrun.files as files

    staged = files._stage
    calls = []

    def failing(target, data, durable=True):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(code, "simulated")
        return staged(target, data, durable)

    monkeypatch.setattr(files, "_stage", failing)
    with pytest.raises(files.ProblemsFound) as raised:
        write_together(folder, [(tmp_path / "build/en/old.pdf", b"new"), (tmp_path / "build/en/b.epub", b"new")])
    (problem,) = raised.value.problems
    assert (
        str(problem) == f"build/en/b.epub: cannot write here: {reason}; the previous files are untouched [cannot-write]"
    )
    assert sorted(path.name for path in (tmp_path / "build").rglob("*")) == ["en", "old.pdf"]
    assert (tmp_path / "build/en/old.pdf").read_bytes() == b"old"


def test_a_full_disk_in_a_bilingual_build_writes_nothing(mini, monkeypatch):
    french_catalogs(mini)
    previous = {}
    for language in ("en", "fr"):
        for name in ("publication.pdf", "publication-print.pdf", "publication.epub"):
            previous[f"{language}/{name}"] = b"previous " + name.encode()
            write(mini, f"build/{language}/{name}", previous[f"{language}/{name}"])
    import pressrun.files as files

    staged = files._stage

    def full_disk(target: Path, data: bytes, durable: bool = True) -> Path:
        if target.parent.name == "fr" and target.name == "publication.pdf":
            raise OSError(errno.ENOSPC, "No space left on device")
        return staged(target, data, durable)

    monkeypatch.setattr(files, "_stage", full_disk)
    result = run(mini, "build", "-q", "--jobs", "1")
    refused(result)
    assert result.errors[0] == (
        "build/fr/publication.pdf: cannot write here: the disk is full: free some space; the previous files are "
        "untouched [cannot-write]"
    )
    build = mini / "build"
    assert {path.relative_to(build).as_posix(): path.read_bytes() for path in build.glob("[!.]*/*")} == previous
    assert not [path for path in build.rglob("*") if path.name.endswith(".pressrun-tmp")]


def test_the_proof_report_shows_findings_as_text(mini):
    from pressrun.errors import Level, Origin, Problem
    from pressrun.proof.report import EditionProof, ProofReport, report_files

    finding = Problem(Level.WARNING, Origin('content/"><script>x</script>.yaml', 1, 1), "url", f"<script>{HOSTILE}")
    edition = EditionProof("en", 'en/"><img src=x onerror=alert(1)>.pdf', 1, {}, [], [], [finding])
    config = load_config(mini)
    report = ProofReport("abc", "2024-05-02", [finding], [edition])
    html = dict(report_files(config, report, config.proof_dir))[config.proof_dir / "report.html"].decode()
    assert "<script>" not in html and "<img" not in html and "onerror=alert(1)>" not in html
    assert 'href="en/&#34;&gt;&lt;img src=x onerror=alert(1)&gt;.pdf"' in html
