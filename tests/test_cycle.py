"""The yearly cycle: next year's edition, the organisations' forms out and back in, and
what changed since the previous edition."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from docx import Document
from openpyxl import load_workbook

from conftest import configure, copy_project, run
from pdfcheck import read_pages
from pressrun.config import load_config
from pressrun.content import load
from pressrun.content.edit import Document as YamlDocument
from pressrun.content.model import Profile, Publication
from pressrun.errors import Problems
from pressrun.proof.changes import content_changes

GCH = "geneva-cities-hub"
FORMS = "build/forms/international-city-networks-directory-2022-{}.{}"
# 2022-06-01: the day the editing commands record.
EPOCH = "1654041600"


def git(project: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args]
    return subprocess.run(command, cwd=project, check=True, capture_output=True, text=True).stdout


def content_bytes(project: Path) -> dict[str, bytes]:
    files = sorted(path for path in project.glob("content/**/*") if path.is_file())
    return {path.relative_to(project).as_posix(): path.read_bytes() for path in files}


def fill_docx(path: Path, values: dict[str, str]) -> None:
    """Write `values` into the Value cells of a Word form's rows, by key, as a person would."""
    document = Document(str(path))
    for table in document.tables:
        for row in table.rows:
            key = row.cells[0].text.strip()
            if key in values:
                row.cells[-1].text = values.pop(key)
    assert values == {}, "rows not found"
    document.save(str(path))


def fill_xlsx(path: Path, values: dict[str, object]) -> None:
    book = load_workbook(str(path))
    sheet = book["Entry"]
    for row in sheet.iter_rows(max_col=3):
        if row[0].value in values:
            row[2].value = values.pop(row[0].value)
    assert values == {}, "rows not found"
    book.save(str(path))


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return copy_project(tmp_path / "directory")


def test_the_whole_cycle(project):
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "The 2021 edition")
    git(project, "tag", "edition-2021")

    started = run(project, "edition", "start", "2022", "--date", "2022-10-05")
    assert started.code == 0, started.err
    assert "29 profiles awaiting their organisations' updates" in started.out
    assert "content/publication.yaml:19:5: notice: preface[1] names 2021" in started.err
    book = load(load_config(project))
    assert (book.publication.year, book.publication.event.date.isoformat()) == (2022, "2022-10-05")
    assert {(p.status, str(p.changed)) for p in book.profiles.values()} == {("awaiting-update", "2022-06-01")}

    exported = run(project, "intake", "export")
    assert exported.code == 0 and len(exported.out.splitlines()) == 29
    form = project / FORMS.format(GCH, "docx")
    old_intro = str(book.profiles[GCH].intro[0].text)
    fill_docx(
        form,
        {
            "intro[1].text": old_intro.replace("created in 2020", "founded in 2020"),
            "contacts.phones[1].number": "+41 22 559 46 01",
            "contacts.people[3].role": "Communications officer",
            "contacts.people[3].names": "Jane Doe",
            "contacts.people[3].email": "jane.doe@genevacitieshub.org",
        },
    )
    imported = run(project, "intake", "import", str(form))
    assert imported.code == 0, imported.err
    assert imported.out.splitlines() == [
        f"{GCH}: 3 change(s) written to content/profiles/{GCH}.yaml, status received",
        "  changed intro[1].text: … is an association under Swiss law, [-created-] {+founded+} in 2020 by the City of …",
        "  changed contacts.phones[1].number: +41 22 559 46 [-00-] {+01+}",
        "  added contacts.people[3]: role Communications officer; names Jane Doe; email jane.doe@genevacitieshub.org",
    ]
    assert run(project, "check").code == 0

    changes = run(project, "changes", "--since", "edition-2021")
    assert changes.code == 0, changes.err
    report = json.loads((project / "build/changes/report.json").read_text())
    entries = {entry["owner"]: entry for entry in report["entries"]}
    assert sorted(entries) == [GCH, "publication"]
    assert [(c["kind"], c["path"]) for c in entries["publication"]["changes"]] == [
        ("changed", "year"),
        ("changed", "event.date"),
    ]
    assert [(c["kind"], c["path"]) for c in entries[GCH]["changes"]] == [
        ("changed", "intro[1].text"),
        ("changed", "contacts.phones[1].number"),
        ("added", "contacts.people[3]"),
    ]
    assert (entries[GCH]["status"], entries[GCH]["changed"]) == ("received", "2022-06-01")
    work = {language["language"]: language for language in report["languages"]}
    assert sorted(work) == ["ar", "es", "fr", "ru", "zh"]
    for released in ("fr", "ru"):  # complete translations: the update's two messages only
        assert [(m["state"], m["context"]) for m in work[released]["messages"]] == [
            ("fuzzy", f"{GCH}:intro[1].text"),
            ("new", f"{GCH}:contacts.people[3].role"),
        ], released
        assert work[released]["words"] == len(old_intro.split()) + 2
    assert "<del>created</del> <ins>founded</ins>" in (project / "build/changes/report.html").read_text()

    assert run(project, "i18n", "extract").code == 0
    assert run(project, "i18n", "update").code == 0
    with (project / "locales/fr/LC_MESSAGES/content.po").open("rb") as stream:
        catalog = read_po(stream)
    assert [m.context for m in catalog if m.id and m.fuzzy] == [f"{GCH}:intro[1].text"]
    assert [m.context for m in catalog if m.id and not m.string] == [f"{GCH}:contacts.people[3].role"]

    configure(project, languages=["en"], formats=["pdf"], pdf_variants=["screen"])
    built = run(project, "build", "-q")
    assert built.code == 0, built.err
    assert built.err.count("not approved by its organisation [not-approved]") == 29
    assert f"content/profiles/{GCH}.yaml:1:1: warning: {GCH} is received since 2022-06-01" in built.err
    pages = read_pages(project / "build/en/international-city-networks-directory-2022.pdf")
    imprint = next(page for page in pages if any(line.startswith("©") for line in page.body))
    assert "© Geneva Cities Hub, 2022" in imprint.body
    assert "Directory, 2022, Geneva." in "".join(imprint.body), "the citation, hyphenated as laid out"


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_form_returned_unchanged_changes_no_byte(project, kind):
    assert run(project, "edition", "start", "2022", "--date", "2022-10-05").code == 0
    assert run(project, "intake", "export", "--format", kind).code == 0
    before = content_bytes(project)
    forms = sorted(str(path) for path in (project / "build/forms").glob(f"*.{kind}"))
    assert len(forms) == 29
    imported = run(project, "intake", "import", *forms)
    assert imported.code == 0, imported.err
    assert imported.out.splitlines() == [
        f"{profile_id}: no change" for profile_id in sorted(load(load_config(project)).profiles)
    ]
    assert content_bytes(project) == before


def test_the_form_speaks_the_language_asked_for(project):
    assert run(project, "intake", "export", "--profile", "unece", "--language", "fr").code == 0
    document = Document(str(project / "build/forms/international-city-networks-directory-2021-unece.docx"))
    title, first = (paragraph.text for paragraph in document.paragraphs[:2])
    assert title == (
        "United Nations Economic Commission for Europe\u00a0: votre fiche dans le "
        "Répertoire des réseaux internationaux de villes 2021"
    )
    assert first.startswith("Veuillez vérifier chacune des valeurs")
    assert [cell.text for cell in document.tables[1].rows[0].cells] == ["Champ", "Description", "Valeur"]
    assert run(project, "intake", "export", "--language", "de").code == 2


def test_every_content_file_round_trips_byte_for_byte(project):
    content = load_config(project).folder("content")
    for path in sorted((project / "content").rglob("*.yaml")):
        model = Publication if path.name == "publication.yaml" else Profile
        document = YamlDocument.load(content, path, model, Problems())
        assert document.dump() == path.read_text(encoding="utf-8"), path.name


# --- broken, foreign and hostile forms -----------------------------------------------------


@pytest.fixture
def aimf_form(project) -> Path:
    assert run(project, "intake", "export", "--profile", "aimf", "--format", "xlsx").code == 0
    return project / "build/forms/international-city-networks-directory-2021-aimf.xlsx"


def refused(project: Path, *args: str) -> list[str]:
    """Import a form that must be refused: its errors, after checking that nothing changed."""
    before = content_bytes(project)
    result = run(project, "intake", "import", *args)
    assert result.code == 1
    assert result.errors[-1].endswith("error(s): no profile was changed")
    assert content_bytes(project) == before
    return result.errors[:-1]


def test_problems_are_located_in_the_spreadsheet(project, aimf_form):
    fill_xlsx(
        aimf_form,
        {
            "intro[2].entries[1].year": "nineteen seventy-nine",
            "contacts.emails[1].address": "contact(at)aimf.asso.fr",
            "contacts.social[1].handle": "@AIMF_Maires",
            "contacts.social[1].network": "myspace",
            "name": None,
        },
    )
    shown = str(aimf_form)
    errors = refused(project, shown)
    assert len(errors) == 4
    assert any(
        e.startswith(f"{shown}: sheet Entry, cell C")
        and "profile.intro[2].timeline.entries[1].year: expected a whole number, got text 'nineteen seventy-nine'" in e
        for e in errors
    ), errors
    assert any(
        "contacts.emails[1].address: 'contact(at)aimf.asso.fr' is not a well-formed email address" in e for e in errors
    )
    assert any("network: text 'myspace' is not one of twitter" in e for e in errors)
    assert any("profile.name: must not be empty" in e for e in errors)
    assert all(e.startswith(f"{shown}: sheet Entry, cell C") for e in errors)


def test_a_missing_row_and_a_stray_value_in_a_word_form(project):
    assert run(project, "intake", "export", "--profile", "c40").code == 0
    form = project / "build/forms/international-city-networks-directory-2021-c40.docx"
    document = Document(str(form))
    names_table = document.tables[1]
    row = names_table.rows[2]  # acronym
    row._tr.getparent().remove(row._tr)
    names_table.rows[1].cells[0].text = ""  # the name's key: its value is now in a row without a field
    document.save(str(form))
    errors = refused(project, str(form))
    assert f"{form}: the row of acronym is missing: restore it from the exported form [missing-field]" in errors
    assert f"{form}: the row of name is missing: restore it from the exported form [missing-field]" in errors
    assert (
        f"{form}: table 2, row 2: a value in a row without a field: write it in a row of the form [no-field]" in errors
    )


def test_a_contact_replaced_in_a_word_form(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert run(project, "intake", "export", "--profile", "c40").code == 0
    form = project / "build/forms/international-city-networks-directory-2021-c40.docx"
    emptied = {f"contacts.people[1].{name}": "" for name in ("role", "names", "email")}
    fill_docx(
        form, {**emptied, "contacts.people[2].names": "Ana Lopez\nDr | Ben Okoye", "contacts.people[2].email": "ana@"}
    )
    (error,) = refused(project, str(form))
    assert error.startswith(f"{form}: table ") and ", row " in error
    assert error.endswith("profile.contacts.people[1].email: 'ana@' is not a well-formed email address [bad-email]")
    fill_docx(form, {"contacts.people[2].email": "ana.lopez@c40.org"})
    imported = run(project, "intake", "import", str(form))
    assert imported.code == 0, imported.err
    text = (project / "content/profiles/c40.yaml").read_text()
    assert text.split("people:")[1] == (
        '\n    # Source: printed "City Diplomacy Manager: Ms Agathe Cavicchioli at\n'
        '    # acavicchioli@c40.org"; the connecting "at" is not kept, the address is the\n'
        "    # person's email.\n"
        "    - names: [Ana Lopez, {title: Dr, name: Ben Okoye}]\n"
        "      email: ana.lopez@c40.org\n"
        "status: received\n"
        "changed: 2022-06-01\n"
    )


def test_another_profiles_form_is_refused(project):
    assert run(project, "intake", "export", "--profile", "c40").code == 0
    form = project / "build/forms/international-city-networks-directory-2021-c40.docx"
    (error,) = refused(project, "--profile", "uclg", str(form))
    assert error == f"{form}: table 1, row 2: this form is for 'c40', not 'uclg' [other-profile]"
    document = Document(str(form))
    document.tables[0].rows[1].cells[-1].text = "uclg"  # the c40 form relabelled as uclg's
    document.save(str(form))
    (error,) = refused(project, str(form))
    assert "content/profiles/uclg.yaml changed since this form was exported" in error


def test_files_that_are_not_forms(project, tmp_path):
    text = tmp_path / "answer.docx"
    text.write_text("Dear editor, our phone number changed.")
    blank = tmp_path / "blank.docx"
    Document().save(str(blank))
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (200 * 2**20))
    huge = tmp_path / "huge.xlsx"
    huge.write_bytes(b"PK" + bytes(11 * 2**20))
    entities = tmp_path / "entities.docx"
    shutil.copy(blank, entities)
    with zipfile.ZipFile(entities, "a") as archive:
        archive.writestr("word/extra.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    link = tmp_path / "link.docx"
    link.symlink_to(blank)
    errors = refused(project, *(str(path) for path in (text, blank, bomb, huge, entities, link)))
    assert sorted(errors) == [
        f"{text}: not read as a form: not a Word document or a spreadsheet (not a zip package): send the organisation "
        "a form made by `pressrun intake export` [not-a-form]",
        f"{blank}: not a pressrun form: its first rows (#form, #profile, #check) are missing or changed; send the "
        "organisation a form made by `pressrun intake export` [not-a-form]",
        f"{bomb}: not read as a form: it would unpack to 210 MB (a zip bomb?): refused; a form unpacks to less than "
        "50 MB [not-a-form]",
        f"{entities}: not read as a form: its part 'word/extra.xml' declares a DTD, which no form does: refused "
        "[not-a-form]",
        f"{huge}: not read as a form: it is 11.5 MB; a form is a few tens of kB (at most 10 MB) [not-a-form]",
        f"{link}: not read as a form: it is a symbolic link: give the file itself [not-a-form]",
    ]


# --- the edition's identity and the profiles' status ---------------------------------------


@pytest.mark.parametrize(
    "basename",
    ["../directory-{year}", "directory/{year}", "directory-{yr}", "directory-{year!r}", "directory-{", ".hidden"],
)
def test_a_basename_must_be_a_safe_pattern(mini, basename):
    configure(mini, basename=basename)
    (error, _) = run(mini, "check").errors
    assert (
        error.startswith("pyproject.toml:")
        and "[tool.pressrun].basename: " in error
        and error.endswith("[bad-basename]")
    )


def test_a_year_out_of_step_with_the_event_is_an_error(mini):
    path = mini / "content/publication.yaml"
    path.write_text(path.read_text().replace("year: 2024", "year: 2025"))
    assert run(mini, "check").errors[0] == (
        "content/publication.yaml:1:1: publication: the event's date 2024-05-02 is not in the edition's year 2025; "
        "`pressrun edition start YEAR --date YYYY-MM-DD` moves both [invalid]"
    )


def test_statuses_in_the_proof_report_and_the_release_build(mini, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert run(mini, "edition", "start", "2024", "--date", "2024-05-02").code == 1, "not a later year"
    assert run(mini, "edition", "start", "2025", "--date", "2025-05-06").code == 0
    assert run(mini, "edition", "approve", "gamma").code == 2
    assert run(mini, "edition", "approve", "beta").out == "content/profiles/beta.yaml: approved\n"
    assert run(mini, "proof").code == 0
    report = json.loads((mini / "build/proof/report.json").read_text())
    assert [(p["id"], p["status"], p["changed"]) for p in report["profiles"]] == [
        ("beta", "approved", "2022-06-01"),
        ("alpha", "awaiting-update", "2022-06-01"),
    ]
    built = run(mini, "build", "-q", "--strict")
    assert built.code == 1
    assert built.errors == [
        "content/profiles/alpha.yaml:1:1: warning: alpha is awaiting update since 2022-06-01: "
        "not approved by its organisation [not-approved]",
        "1 warning(s) and --strict: nothing was built",
    ]
    assert run(mini, "build", "-q").code == 0
    assert (mini / "build/en/publication.pdf").is_file()


def test_a_revision_is_never_an_option(project):
    git(project, "init", "-q")
    for revision in ("--output=/tmp/pressrun-stolen.tar", "no-such-tag"):
        result = run(project, "changes", f"--since={revision}")
        assert result.code == 1 and "[revision]" in result.err
    assert not Path("/tmp/pressrun-stolen.tar").exists()


def test_a_profile_added_or_removed_is_one_change(project):
    book = load(load_config(project))
    without = dataclasses.replace(book, profiles={k: v for k, v in book.profiles.items() if k != "c40"})
    (added,) = content_changes(without, book)
    (removed,) = content_changes(book, without)
    assert (added.owner, added.kind, [c.kind for c in added.changes]) == ("c40", "added", ["added"])
    assert (removed.owner, removed.kind, [c.kind for c in removed.changes]) == ("c40", "removed", ["removed"])
    assert str(added.changes[0]).startswith("added c40: name C40 Cities; intro C40 is a network")


def test_a_form_older_than_its_profile_needs_force(project):
    assert run(project, "intake", "export", "--profile", "c40").code == 0
    form = project / "build/forms/international-city-networks-directory-2021-c40.docx"
    fill_docx(form, {"contacts.people[1].email": "agathe.cavicchioli@c40.org"})
    profile = project / "content/profiles/c40.yaml"
    profile.write_text(profile.read_text().replace("name: C40 Cities", "name: C40 Cities Climate Leadership Group"))
    (error,) = refused(project, str(form))
    assert error == (
        f"{form}: content/profiles/c40.yaml changed since this form was exported (or the form was made for another "
        "entry): export a new form, or import with --force to apply this one over those changes [changed-since]"
    )
    forced = run(project, "intake", "import", "--force", str(form))
    assert forced.code == 0, forced.err
    assert forced.out.splitlines()[1:] == [
        "  changed name: C40 Cities [-Climate Leadership Group-]",
        "  changed contacts.people[1].email: [-acavicchioli@c40.org-] {+agathe.cavicchioli@c40.org+}",
    ]
