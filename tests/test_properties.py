"""Property-based tests (Hypothesis) of what reads untrusted text: the YAML loader, the
inline renderer, the catalog reader and the EPUB writer. Whatever the input, the result
is a valid output or located problems, never another exception, and no output holds
markup the input wrote.

CI runs a fixed seed and a bounded number of examples (the `ci` profile in conftest);
`HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_properties.py` tries 20,000 random
inputs per target.
"""

from __future__ import annotations

import datetime
import io
import itertools
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from babel import Locale
from babel.messages.pofile import escape
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from conftest import FIXTURES, REPOSITORY
from pressrun.config import load_config
from pressrun.content import inline, load
from pressrun.content.model import Book
from pressrun.content.schema import Text, text_problem
from pressrun.content.texts import replace_texts
from pressrun.epub import PrintEdition, make_epub
from pressrun.errors import ProblemsFound
from pressrun.files import Folder
from pressrun.i18n import localize
from pressrun.i18n.catalogs import layout_messages
from pressrun.i18n.checks import translation_problems
from pressrun.i18n.pofile import CatalogFile, load_po
from pressrun.i18n.typography import french

# Pieces that markup, Markdown, YAML and PO files give meaning to, to be mixed with any
# other characters.
MARKUP = [
    "<evil>",
    "</p>",
    '<a href="x">',
    "<img src=x onerror=alert(1)>",
    "&",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "&nbsp;",
    '"',
    "'",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "*",
    "**",
    "_",
    "`",
    "[",
    "]",
    "(",
    ")",
    "[^one]",
    "[^nowhere]",
    "https://",
    "http://example.org/a?b=1&c",
    "mailto:",
    "www.",
    "@example.org",
    "javascript:",
    "\\",
    "\n",
    "  ",
    "%",
    "%(name)s",
    "%s",
    "{{",
    "}}",
    "{%",
    "#",
    ":",
    "- ",
    "&a ",
    "*a",
    "!!binary ",
    "~",
    "---",
    "«",
    "»",
    "\u202e",
    "\u00a0",
    "\t",
]
pieces = st.one_of(st.sampled_from(MARKUP), st.text(max_size=5), st.characters())
any_text = st.lists(pieces, max_size=12).map("".join)
# Texts the loaders let through (the property of the writers is about those): no
# controls, surrogates or non-characters, which the loaders refuse.
usable_character = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff")
usable_pieces = st.one_of(st.sampled_from(MARKUP), st.text(usable_character, max_size=5))
usable_text = st.lists(usable_pieces, max_size=12).map("".join).map(str.strip)
usable_text = usable_text.filter(lambda text: text and text_problem(text) is None)
# Elements only the generated texts could bring (the layouts make none of them).
INJECTED = {"evil", "script"}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("properties") / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    shutil.copytree(REPOSITORY / "layouts", project / "layouts")
    return project


def located(error: ProblemsFound, path: str) -> None:
    assert error.problems, "an error names its problems"
    for problem in error.problems:
        assert problem.origin.path, f"every problem says where: {problem}"
        assert "Traceback" not in str(problem)


# --- the YAML loader ----------------------------------------------------------------------

yaml_values = st.recursive(
    st.one_of(any_text, st.integers(), st.booleans(), st.none(), st.dates()),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["name", "intro", "text", "x", "list"]), children, max_size=4),
    ),
    max_leaves=20,
)


def as_yaml(value) -> str:
    from ruamel.yaml import YAML

    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(value, stream)
    return stream.getvalue()


@given(st.one_of(any_text, yaml_values.map(as_yaml), st.lists(st.sampled_from(MARKUP)).map("".join)))
def test_the_yaml_loader_gives_a_book_or_located_problems(project, text):
    (project / "content/profiles/alpha.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load(load_config(project))
    except ProblemsFound as error:
        located(error, "content/profiles/alpha.yaml")


@given(st.binary(max_size=200))
def test_the_yaml_loader_reads_any_bytes(project, data):
    (project / "content/profiles/alpha.yaml").write_bytes(data)
    try:
        load(load_config(project))
    except ProblemsFound as error:
        located(error, "content/profiles/alpha.yaml")


# --- the inline renderer ------------------------------------------------------------------

ALLOWED_INLINE = {"p", "a", "em", "strong", "code", "br", "sup"}


@given(usable_text, st.booleans())
def test_inline_text_is_well_formed_and_holds_no_markup_of_its_own(text, in_french):
    marker = lambda footnote: Markup('<sup class="note">{}</sup>').format(footnote)  # noqa: E731
    # Running text as the renderer gives it: in the edition's typography, escaped.
    html = inline.to_html(text, marker, (lambda run: Markup.escape(french(run))) if in_french else None)
    root = ElementTree.fromstring(f"<p>{html}</p>")
    for element in root.iter():
        assert element.tag in ALLOWED_INLINE, html
        assert set(element.attrib) <= {"href", "class"}, html
        if "href" in element.attrib:
            assert element.get("href").startswith(("http://", "https://", "mailto:")), html
    assert isinstance(inline.plain(text), str) and isinstance(inline.footnote_calls(text), list)


# --- the catalog reader -------------------------------------------------------------------


def po_entry(context: str | None, msgid: str, msgstr: str, fuzzy: bool) -> str:
    lines = ["#, fuzzy"] if fuzzy else []
    lines += [f"msgctxt {escape(context)}"] if context is not None else []
    return "\n".join([*lines, f"msgid {escape(msgid)}", f"msgstr {escape(msgstr)}", ""])


HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n'
entries = st.lists(
    st.tuples(
        st.one_of(st.none(), st.sampled_from(["date pattern", "alpha:name", "alpha:intro[1].text"]), any_text),
        st.one_of(st.sampled_from(["Website", "d MMMM y", "Alpha Network", "Alpha connects cities.[^one]"]), any_text),
        any_text,
        st.booleans(),
    ),
    max_size=6,
)
garbage = st.lists(st.sampled_from(['msgid "', "msgstr", '"x"', "#~ x", "#| msgid", 'msgstr[0] ""', "\\"]), max_size=3)


@given(st.sampled_from(["content", "layouts"]), entries, garbage)
def test_the_catalog_reader_gives_a_catalog_or_located_problems(project, domain, messages, junk):
    path = project / f"locales/fr/LC_MESSAGES/{domain}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = HEADER + "\n" + "\n".join(po_entry(*message) for message in messages) + "\n".join(junk)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    folder = Folder(project / "locales", project)
    try:
        catalog = load_po(folder, path, "fr")
    except ProblemsFound as error:
        located(error, folder.shown(path))
        return
    found = CatalogFile("fr", domain, folder.shown(path), catalog)
    for problem in translation_problems(found):
        assert problem.origin.path == folder.shown(path) and problem.origin.line >= 1


@given(st.binary(max_size=300))
def test_the_catalog_reader_reads_any_bytes(project, data):
    path = project / "locales/fr/LC_MESSAGES/layouts.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    folder = Folder(project / "locales", project)
    try:
        load_po(folder, path, "fr")
    except ProblemsFound as error:
        located(error, folder.shown(path))


# --- the EPUB writer ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def book(project):
    shutil.rmtree(project / "content")
    shutil.copytree(FIXTURES / "mini/content", project / "content")
    config = load_config(project)
    return load(config), layout_messages(config), Folder(project / "layouts", project)


@given(st.lists(usable_text, min_size=1, max_size=30), st.sampled_from(["en", "fr"]))
def test_the_epub_is_well_formed_and_holds_no_markup_from_its_texts(book, texts, language):
    source, labels, layouts = book
    generated = itertools.cycle(texts)

    def replaced(item):
        text = inline.FOOTNOTE_CALL.sub("", next(generated)).strip() or "x"
        return Text(text, item.text.origin)

    hostile = Book(
        publication=replace_texts(source.publication, replaced),
        profiles={key: replace_texts(profile, replaced) for key, profile in source.profiles.items()},
    )
    # In French every text and label falls back to English, marked with its language:
    # the fallback's markup must never land in an attribute.
    edition = localize(
        hostile, Locale.parse(language), {"content": _none("content"), "layouts": _none("layouts")}, labels
    )
    when = datetime.datetime(2024, 5, 2, tzinfo=datetime.UTC)
    print_edition = PrintEdition({"part-hosts": 3, "profile-beta": 4}, 8, "publication-print.pdf")
    epub = make_epub(edition, layouts, print_edition, when, "publication")
    with zipfile.ZipFile(io.BytesIO(epub.data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xhtml", ".opf", ".svg")):
                root = ElementTree.fromstring(archive.read(name))
                for element in root.iter():
                    assert element.tag.rsplit("}", 1)[-1] not in INJECTED, name
                    assert not {attribute for attribute in element.attrib if attribute.startswith("on")}, name


def _none(domain: str) -> CatalogFile:
    return CatalogFile("fr", domain, f"locales/fr/LC_MESSAGES/{domain}.po", None)
