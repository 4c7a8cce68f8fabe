"""`pressrun proof`: draft PDFs and reports that find what a production editor looks for."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import REPOSITORY, add_language, configure
from pdfcheck import read_pages
from pressrun.cli import main
from pressrun.config import load_config
from pressrun.content import load
from pressrun.proof.datachecks import check_book


def proof(project: Path, *options: str) -> int:
    return main(["--project", str(project), "proof", *options])


def report(project: Path) -> dict:
    return json.loads((project / "build/proof/report.json").read_text())


def findings(project: Path, kind: str) -> list[dict]:
    data = report(project)
    every = data["content"] + [f for edition in data["editions"] for f in edition["findings"]]
    return [finding for finding in every if finding["kind"] == kind]


def set_intro(project: Path, profile: str, *paragraphs: str) -> None:
    path = project / f"content/profiles/{profile}.yaml"
    lines = path.read_text().splitlines()
    start = lines.index("intro:")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
    body = [f"  - {json.dumps(paragraph, ensure_ascii=False)}" for paragraph in paragraphs]
    path.write_text("\n".join(lines[: start + 1] + body + lines[end:]) + "\n")


def test_a_clean_project_proofs_clean(mini, capsys):
    assert proof(mini) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "0 error(s), 0 warning(s), 0 notice(s)"
    pdf = mini / "build/proof/en/publication-proof.pdf"
    pages = read_pages(pdf)
    assert any("DRAFT" in " ".join(page.body).upper() for page in pages), "the draft mark"
    assert (mini / "build/proof/report.html").read_text().count("Nothing to report.") == 2


def test_overflow_is_an_error(mini, capsys):
    set_intro(mini, "alpha", "Alpha connects cities.[^one] " + "Zq" * 80 + " ends here.")
    assert proof(mini) == 1
    (overflow,) = findings(mini, "overflow")
    assert overflow["level"] == "error" and overflow["page"] == 10
    assert "ZqZqZq" in overflow["message"]
    assert "page 10: text outside the page area: “ZqZq" in capsys.readouterr().out


def test_missing_glyph_is_an_error(mini):
    set_intro(mini, "alpha", "Alpha connects cities 城市 and ⚠ hazards.[^one]")
    assert proof(mini) == 1
    messages = [finding["message"] for finding in findings(mini, "missing-glyph")]
    assert any(message.startswith("U+57CE “城” is not in Source Sans 3 (in “Alpha connects") for message in messages)
    assert any(message.startswith("U+26A0 “⚠”") for message in messages)


def test_profile_over_its_page_budget(mini):
    configure(mini, page_budget=1)
    set_intro(mini, "alpha", *(["Alpha connects cities across the world, year after year. " * 12] * 14), "End.[^one]")
    assert proof(mini) == 0, "a warning, not an error"
    (budget,) = findings(mini, "page-budget")
    assert budget["location"] == "content/profiles/alpha.yaml:1:1"
    assert budget["message"].startswith("alpha runs over 2 pages (10–11); the budget is 1")
    assert proof(mini, "--strict") == 1


def test_duplicate_contacts_and_profile_without_contacts(mini):
    beta = mini / "content/profiles/beta.yaml"
    beta.write_text(beta.read_text() + "  emails: [{address: info@alpha.example.org}]\n")
    assert proof(mini) == 0
    duplicates = {(f["location"], f["message"]) for f in findings(mini, "duplicate-contact")}
    assert duplicates == {
        ("content/profiles/alpha.yaml:13:12", "email info@alpha.example.org is also given by beta"),
        ("content/profiles/beta.yaml:8:12", "email info@alpha.example.org is also given by alpha"),
    }
    beta.write_text("name: Beta Hub\nintro: [Beta hosts the directory.]\ncontacts: {}\n")
    assert proof(mini) == 0
    assert [f["message"] for f in findings(mini, "no-contacts")] == ["beta gives no contact details"]


def test_missing_translation_is_reported_and_highlighted(mini):
    def all_but_one(domain, message):
        if message.context == "beta:name":
            return None
        return f"FR {message.id}" if domain == "content" else message.id

    add_language(mini, "fr", all_but_one)
    assert proof(mini) == 0
    (gap,) = findings(mini, "translation")
    assert gap["location"].startswith("locales/fr/LC_MESSAGES/content.po:")
    assert gap["message"] == "beta:name: “Beta Hub” is untranslated"
    edition = next(e for e in report(mini)["editions"] if e["language"] == "fr")
    assert {c["domain"]: c["untranslated"] for c in edition["coverage"]} == {"content": 1, "layouts": 0}


def test_changes_against_a_previous_proof_show_exactly_the_changed_page(mini, tmp_path):
    assert proof(mini) == 0
    previous = tmp_path / "previous"
    (mini / "build/proof").rename(previous)
    beta = mini / "content/profiles/beta.yaml"
    beta.write_text(beta.read_text().replace("Beta hosts the directory.", "Beta hosts this directory."))
    assert proof(mini, "--against", str(previous)) == 0
    edition = report(mini)["editions"][0]
    assert [change["page"] for change in edition["changed_pages"]] == [8]
    assert [f["page"] for f in findings(mini, "page-changed")] == [8]
    image = mini / "build/proof" / edition["changed_pages"][0]["image"]
    assert image.read_bytes().startswith(b"\x89PNG")
    assert 'src="changes/en-page-008.png"' in (mini / "build/proof/report.html").read_text()


def test_changes_against_a_git_revision(mini):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q"], cwd=mini, check=True)
    subprocess.run([*git, "add", "-A"], cwd=mini, check=True)
    subprocess.run([*git, "commit", "-qm", "first"], cwd=mini, check=True)
    alpha = mini / "content/profiles/alpha.yaml"
    alpha.write_text(alpha.read_text().replace("A world of connected cities.", "A world of connected towns."))
    assert proof(mini, "--against-revision", "HEAD") == 0
    assert [f["page"] for f in findings(mini, "page-changed")] == [10]
    assert report(mini)["revision"].endswith("+changes")


def test_single_profile_proof_in_each_language(mini, capsys):
    assert proof(mini, "--profile", "alpha") == 0
    pages = read_pages(mini / "build/proof/en/alpha-proof.pdf")
    assert len(pages) == 1 and "Alpha Network" in " ".join(pages[0].titles)
    assert "wrote build/proof/en/alpha-proof.pdf" in capsys.readouterr().out


def test_unknown_profile_is_a_usage_error(mini, capsys):
    assert proof(mini, "--profile", "gamma") == 2
    assert "no profile 'gamma'" in capsys.readouterr().err


def test_the_2021_content_has_the_doubtful_data_the_source_really_has():
    found = {(f.code, f.origin.path.split("/")[-1]) for f in check_book(load(load_config(REPOSITORY)))}
    assert found == {
        ("copied-text", "energy-cities.yaml"),  # its first sentence is Eurocities'
        ("copied-text", "eurocities.yaml"),
        ("duplicate-contact", "resilient-cities-network.yaml"),  # GNLC prints R-Cities' website
        ("duplicate-contact", "unesco-learning-cities.yaml"),
        ("duplicate-contact", "unesco-creative-cities.yaml"),  # WHO Europe prints UCCN's email
        ("duplicate-contact", "who-european-healthy-cities.yaml"),
        ("email", "partnership-for-healthy-cities.yaml"),  # arohani@ for Ariella Rojhani
        ("name", "oasc.yaml"),  # Meersman quoted, Meerman as contact
        ("phone", "uclg.yaml"),  # + 34 933 428 75 has a digit too few
        ("phone", "fmdv.yaml"),  # "+ 33"
        ("phone", "platforma.yaml"),  # "(0)"
        ("phone", "publication.yaml"),
        ("url", "leading-cities.yaml"),  # www.LeadngCities.org
        ("url", "making-cities-resilient-2030.yaml"),  # http://
    }


@pytest.mark.parametrize("level", ["warning", "notice"])
def test_warnings_and_notices_do_not_fail_a_proof(mini, level):
    beta = mini / "content/profiles/beta.yaml"
    beta.write_text(beta.read_text() + "  websites: [{url: 'http://beta.example.org'}]\n")
    assert proof(mini) == 0
    assert findings(mini, "url")[0]["level"] == "notice"


def test_a_pale_colour_fails_the_proof_where_it_is_printed(mini):
    """The proof reads the colours of the laid-out boxes, each against what is painted
    behind it: a pale teal in the PDF's stylesheet, a pale icon, and a pale link colour in
    the EPUB's stylesheet (found in its documents laid out with that stylesheet)."""
    style = mini / "layouts/pdf/style.css"
    style.write_text(style.read_text().replace("--teal: #0b6e72;", "--teal: #7fb8ba;"))
    icon = mini / "layouts/icons/website.svg"
    icon.write_text(icon.read_text().replace('stroke="#0b6e72"', 'stroke="#b9cfd0"'))
    epub_style = mini / "layouts/epub/style.css"
    epub_style.write_text(epub_style.read_text().replace("a { color: #0b6e72; }", "a { color: #9fd3d1; }"))
    assert proof(mini) == 1
    found = {(finding["location"], finding["page"], finding["message"]) for finding in findings(mini, "contrast")}
    # Each pair of colours is reported once, where it is first printed: here, a folio.
    assert ("", 3, "text “3” in #7fb8ba on #ffffff: contrast 2.22:1, below 4.5:1") in found
    assert ("", 7, "large text “HOSTS” in #ffffff on #7fb8ba: contrast 2.22:1, below 3:1") in found
    assert ("", 10, "image “../icons/website.svg” in #b9cfd0 on #edf4f4: contrast 1.46:1, below 3:1") in found
    epub = "EPUB profile-alpha.xhtml: text “alpha.example.org” in #9fd3d1 on #edf4f4: contrast 1.48:1, below 4.5:1"
    assert ("layouts/epub/style.css", None, epub) in found
    assert {finding["level"] for finding in findings(mini, "contrast")} == {"error"}
