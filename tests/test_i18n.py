"""Catalogs and translated editions: extraction, update, status, fallback, a new language."""

from __future__ import annotations

import gettext
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from conftest import REPOSITORY, add_language, configure, copy_project, edition, tool
from pdfcheck import read_pages
from pressrun.cli import main
from pressrun.files import Folder
from pressrun.i18n.edition import Edition, collation_key
from pressrun.pdf.book import whole_book
from pressrun.render import render

CONTENT_PO = "locales/fr/LC_MESSAGES/content.po"
BIN = Path(sys.executable).parent


def read(path: Path):
    with path.open("rb") as stream:
        return read_po(stream)


def write(path: Path, catalog) -> None:
    with path.open("wb") as stream:
        write_po(stream, catalog, width=76, include_previous=True)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "directory")


@pytest.fixture(scope="module")
def french() -> Edition:
    return edition(REPOSITORY, "fr")


# --- catalogs ------------------------------------------------------------------------


def test_content_messages_carry_context_comment_and_reference():
    catalog = read(REPOSITORY / "locales/content.pot")
    message = catalog.get("Deputy Mayor of Stockholm", "covenant-of-mayors:sections[2].blocks[4].attribution.role")
    assert message is not None
    assert message.auto_comments == ["quote, attribution role"]
    assert message.locations == [("content/profiles/covenant-of-mayors.yaml", 53)]
    paragraphs = [m for m in catalog if m.context and m.context.startswith("unece:intro[")]
    assert len(paragraphs) == 9, "one message per paragraph"


def test_plain_pybabel_extract_finds_the_same_messages(tmp_path):
    ours = {(m.context, m.id) for m in read(REPOSITORY / "locales/content.pot") if m.id}
    ours_layouts = {m.id for m in read(REPOSITORY / "locales/layouts.pot") if m.id}
    for folder in ("content", "layouts"):
        subprocess.run(
            [
                BIN / "pybabel",
                "extract",
                "-F",
                "pyproject.toml",
                "-c",
                "Translators:",
                "-o",
                tmp_path / f"{folder}.pot",
                folder,
            ],
            cwd=REPOSITORY,
            check=True,
            capture_output=True,
        )
    assert {(m.context, m.id) for m in read(tmp_path / "content.pot") if m.id} == ours
    assert {m.id for m in read(tmp_path / "layouts.pot") if m.id} == ours_layouts


@pytest.mark.parametrize("language", ["fr", "ru", "es", "ar", "zh"])
@pytest.mark.parametrize("domain", ["content", "layouts"])
def test_catalogs_pass_msgfmt_check(language, domain, tmp_path):
    msgfmt = tool("msgfmt", "gettext")
    result = subprocess.run(
        [msgfmt, "--check", "-o", tmp_path / "out.mo", REPOSITORY / f"locales/{language}/LC_MESSAGES/{domain}.po"],
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_released_languages_are_complete_and_drafts_marked(capsys):
    assert main(["--project", str(REPOSITORY), "i18n", "status", "--min-translated", "100"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines[1:11]]
    assert rows[:4] == [
        ["fr", "content", "544", "0", "0", "100.0%"],
        ["fr", "layouts", "45", "0", "0", "100.0%"],
        ["ru", "content", "544", "0", "0", "100.0%"],
        ["ru", "layouts", "45", "0", "0", "100.0%"],
    ]
    assert [(row[0], row[1], row[-1]) for row in rows[4:]] == [
        (language, domain, "draft") for language in ("es", "ar", "zh") for domain in ("content", "layouts")
    ]
    # The glossary's terms, those the sources use, their uses, and the share that follows it.
    assert lines[-1].split() == ["fr", "locales/fr/glossary.tbx", "146", "146", "483", "100.0%"]


def test_status_fails_under_the_threshold(project, capsys):
    catalog = read(project / CONTENT_PO)
    catalog.get("C40 Cities", "c40:name").string = ""
    write(project / CONTENT_PO, catalog)
    assert main(["--project", str(project), "i18n", "status", "--min-translated", "100"]) == 1
    assert "fr       content           543      0             1   99.8%" in capsys.readouterr().out


def test_templates_are_rewritten_only_when_more_than_their_date_changed(project, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    before = (project / "locales/content.pot").read_bytes()
    assert main(["--project", str(project), "i18n", "extract"]) == 0
    assert "locales/content.pot: unchanged" in capsys.readouterr().out
    assert (project / "locales/content.pot").read_bytes() == before


def test_a_changed_sentence_becomes_exactly_one_fuzzy_message_and_fails_the_release(project, capsys):
    profile = project / "content/profiles/c40.yaml"
    text = profile.read_text()
    assert "Above all, C40 will help" in text
    profile.write_text(text.replace("Above all, C40 will help", "Most of all, C40 will help"))
    assert main(["--project", str(project), "i18n", "extract"]) == 0
    assert main(["--project", str(project), "i18n", "update"]) == 0
    catalog = read(project / CONTENT_PO)
    fuzzy = [message for message in catalog if message.id and message.fuzzy]
    assert [message.context for message in fuzzy] == ["c40:sections[2].blocks[3].text"]
    assert fuzzy[0].string.startswith("Avant tout, le C40"), "the translation is kept for review"
    assert '#| "Above all, C40 will help' in (project / CONTENT_PO).read_text(), "with the previous text"
    capsys.readouterr()
    assert main(["--project", str(project), "build", "-q"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == (
        f"{CONTENT_PO}:{fuzzy[0].lineno}: c40:sections[2].blocks[3].text: "
        "“Most of all, C40 will help its mayors use their strong…” is fuzzy [fuzzy]"
    )
    assert errors[1].startswith("locales/ru/LC_MESSAGES/content.po:"), "Russian is released too"
    assert errors[1].endswith("is fuzzy [fuzzy]")
    assert errors[2:] == ["2 error(s): nothing was built"]


def test_an_inserted_paragraph_does_not_unsettle_the_others(project):
    profile = project / "content/profiles/c40.yaml"
    text = profile.read_text()
    profile.write_text(text.replace("intro:\n", "intro:\n  - A brand new first paragraph.\n", 1))
    assert main(["--project", str(project), "i18n", "extract"]) == 0
    assert main(["--project", str(project), "i18n", "update"]) == 0
    catalog = read(project / CONTENT_PO)
    assert [m.context for m in catalog if m.id and (m.fuzzy or not m.string)] == ["c40:intro[1].text"]
    assert catalog.get(
        next(m.id for m in read(REPOSITORY / "locales/content.pot") if m.context == "c40:intro[1].text"),
        "c40:intro[2].text",
    ).string.startswith("Le C40")


# --- the French edition --------------------------------------------------------------


def test_locale_data_comes_from_babel(french):
    assert french.country("CH") == "Suisse"
    assert french.country("BE") == "Belgique"
    assert french.country("US") == "États-Unis"
    assert french.date(french.publication.event.date, "d MMMM y") == "6 octobre 2021"
    assert french.publication.title == "Répertoire des réseaux internationaux de villes"


def test_directory_sorted_by_localized_name_with_collation(french):
    organizers, directory = french.parts
    assert [p.id for p in organizers.profiles] == ["geneva-cities-hub", "unece", "un-habitat"], "fixed order kept"
    names = [str(p.name) for p in directory.profiles]
    assert names == sorted(names, key=lambda name: collation_key(name, "fr"))
    assert names.index("Cités et Gouvernements Locaux Unis") < names.index("Cities Alliance")
    assert [str(p.name) for p in directory.profiles][:2] == [
        "Association internationale des maires francophones",
        "C40 Cities",
    ]


def test_accented_letters_sort_with_their_base_letter():
    assert sorted(["Zèbre", "Énergie", "Eau", "Ecole", "eurocities"], key=lambda name: collation_key(name, "fr")) == [
        "Eau",
        "Ecole",
        "Énergie",
        "eurocities",
        "Zèbre",
    ]


def test_untranslated_text_falls_back_marked_with_its_language(project):
    catalog = read(project / CONTENT_PO)
    catalog.get("C40 Cities", "c40:name").string = ""
    write(project / CONTENT_PO, catalog)
    french = edition(project, "fr")
    assert [gap.code for gap in french.gaps] == ["untranslated"]
    html = render(
        french,
        Folder(project / "layouts", project),
        "pdf/publication.html.j2",
        variant="screen",
        created="x",
        fonts=[],
        book=whole_book(french.parts),
    )
    assert '<span lang="en" class="untranslated">C40 Cities</span>' in html
    assert html.lstrip().startswith('<!DOCTYPE html>\n<html lang="fr" dir="ltr">')


# --- a third language ----------------------------------------------------------------

GERMAN_LABELS = {
    "Vision": "Vision",
    "Mission": "Mission",
    "Principal objectives": "Hauptziele",
    "Key projects": "Schlüsselprojekte",
    "Website": "Website",
    "Fax": "Fax",
    "Phone": "Telefon",
    "Email": "E-Mail",
    "Social media": "Soziale Medien",
    "Postal address": "Postanschrift",
    "Contact person": "Kontaktperson",
    "Note": "Hinweis",
    "Cover": "Umschlag",
    "Imprint": "Impressum",
    "The correct citation is:": "Bitte zitieren als:",
    "Contents": "Inhalt",
    "Contacts": "Kontakte",
    "Back cover": "Rückseite",
    "d MMMM y": "d. MMMM y",
    "Landmarks": "Orientierungspunkte",
    "Print page numbers": "Seitenzahlen der Druckausgabe",
    "print edition": "Druckausgabe",
    "Draft": "Entwurf",
    "© %(holder)s, %(year)s": "© %(holder)s, %(year)s",
    "%(author)s, %(title)s, %(year)s, %(place)s.": "%(author)s, %(title)s, %(year)s, %(place)s.",
    "%(name)s, %(role)s": "%(name)s, %(role)s",
    "%(label)s: %(value)s": "%(label)s: %(value)s",
    "%(city)s, %(country)s": "%(city)s, %(country)s",
    # The organisations' forms.
    "%(organisation)s: your entry in the %(publication)s %(year)s": "%(organisation)s: Ihr Eintrag in %(publication)s %(year)s",
    "Field": "Feld",
    "What it is": "Bedeutung",
    "Value": "Wert",
    "This form": "Dieses Formular",
    "Names": "Namen",
    "Introduction": "Einleitung",
    "Section": "Abschnitt",
    "Footnotes": "Fußnoten",
    "Contact details": "Kontaktangaben",
    "New contact details": "Neue Kontaktangaben",
    "{title} {name}": "{title} {name}",
}
GERMAN_INSTRUCTIONS = {
    "Please check": "Bitte prüfen Sie jeden Wert und korrigieren Sie, was sich geändert hat.",
    "Some values": "Listen: ein Eintrag pro Zeile; leere Zeilen am Ende für neue Kontakte.",
    "Keep the formatting": "Behalten Sie die Formatierungszeichen bei.",
    "Save the file": "Speichern Sie die Datei im selben Format und senden Sie sie uns zurück.",
}
GERMAN_SUMMARY = (
    "Ein Verzeichnis in Lesereihenfolge mit Überschriften, Listen, Zitaten, Textalternativen und Seitenzahlen."
)


def german(domain: str, message) -> str:
    if domain == "content":
        return f"DE {message.id}"
    if message.id.startswith("A directory in reading order"):
        return GERMAN_SUMMARY
    instruction = next((text for start, text in GERMAN_INSTRUCTIONS.items() if message.id.startswith(start)), None)
    return instruction or GERMAN_LABELS[message.id]


def test_a_third_language_is_a_catalog_and_one_line_of_configuration(mini, capsys):
    add_language(mini, "de", german)
    capsys.readouterr()
    assert main(["--project", str(mini), "build", "--strict", "-q"]) == 0
    pages = read_pages(mini / "build/de/publication.pdf")
    body = " ".join(chunk for page in pages for chunk in page.body)
    assert "2. MAI 2024" in body and "DE GENEVA, SCHWEIZ" in body
    assert "Inhalt" in body and "DE Alpha Network" in body
    assert (mini / "build/en/publication.pdf").is_file()


def test_a_draft_is_proofed_and_built_only_when_asked(mini, capsys):
    add_language(mini, "de", lambda domain, message: german(domain, message) if domain == "layouts" else None)
    configure(mini, languages=["en"], drafts=["de"])
    capsys.readouterr()
    assert main(["--project", str(mini), "build", "--strict", "-q"]) == 0
    assert not (mini / "build/de").exists(), "a release build leaves the drafts out"
    assert main(["--project", str(mini), "i18n", "status", "--min-translated", "100"]) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith("0.0%  draft")
    assert main(["--project", str(mini), "build", "--strict", "--drafts", "-q"]) == 0
    notices = capsys.readouterr().err.splitlines()
    assert len(notices) == 1 and notices[0].startswith("locales/de/LC_MESSAGES/content.po: notice: a draft: ")
    body = " ".join(chunk for page in read_pages(mini / "build/de/publication.pdf") for chunk in page.body)
    assert "Inhalt" in body and "Alpha Network" in body, "German labels, English content standing in"
    assert main(["--project", str(mini), "proof"]) == 0
    assert (mini / "build/proof/de/publication-proof.pdf").is_file()


def test_compile_checks_the_catalogs_and_writes_mo_files(project, capsys):
    assert main(["--project", str(project), "i18n", "compile"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"wrote locales/{language}/LC_MESSAGES/{domain}.mo"
        for language in ("fr", "ru", "es", "ar", "zh")
        for domain in ("content", "layouts")
    ]
    with (project / "locales/fr/LC_MESSAGES/layouts.mo").open("rb") as stream:
        translations = gettext.GNUTranslations(stream)
    assert translations.gettext("Key projects") == "Projets phares"


def test_a_broken_catalog_is_reported_at_its_line(project, capsys):
    path = project / "locales/fr/LC_MESSAGES/layouts.po"
    lines = path.read_text().splitlines()
    number = lines.index('msgstr "Projets phares"') + 1
    lines[number - 1] = 'msgstr "Projets phares'
    path.write_text("\n".join(lines) + "\n")
    assert main(["--project", str(project), "build", "-q"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f'locales/fr/LC_MESSAGES/layouts.po:{number}:1: not PO syntax: msgstr "Projets phares [catalog-syntax]',
        "1 error(s): nothing was built",
    ]
