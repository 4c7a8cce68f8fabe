"""`pressrun build` on the sample project: outputs, atomic writes, engine warnings, safety."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from conftest import add_language, configure
from pdfcheck import read_pages
from pressrun.cli import main


def build(project: Path, *options: str) -> int:
    return main(["--project", str(project), "build", "-q", *options])


def outputs(project: Path) -> dict[str, bytes]:
    """The editions' files (not the layout cache beside them)."""
    build_dir = project / "build"
    return {
        path.relative_to(build_dir).as_posix(): path.read_bytes()
        for path in sorted(build_dir.glob("[!.]*/*"))
        if path.is_file()
    }


def test_builds_screen_and_print_pdfs_and_an_epub(mini, capsys):
    assert build(mini) == 0
    assert sorted(outputs(mini)) == ["en/publication-print.pdf", "en/publication.epub", "en/publication.pdf"]
    text = " ".join(chunk for page in read_pages(mini / "build/en/publication.pdf") for chunk in page.body)
    assert "Alpha Network (AN)" in text and "Beta Hub" in text
    assert capsys.readouterr().err == ""


def test_same_input_same_bytes(mini, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build(mini) == 0
    first = outputs(mini)
    assert build(mini, "--force") == 0
    assert outputs(mini) == first
    for name in (name for name in first if name.endswith(".pdf")):
        metadata = PdfReader(mini / "build" / name).metadata
        assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20231114221320Z", "from SOURCE_DATE_EPOCH"


def test_failed_build_leaves_previous_outputs(mini, capsys):
    assert build(mini) == 0
    before = outputs(mini)
    profile = mini / "content/profiles/alpha.yaml"
    profile.write_text(profile.read_text().replace("name: Alpha Network", "name: [Alpha]"))
    assert build(mini) == 1
    assert outputs(mini) == before, "nothing rewritten, no temporary files left"
    assert "content/profiles/alpha.yaml:1:7: profile.name: expected text" in capsys.readouterr().err


def add_to_layout(project: Path, html: str) -> None:
    template = project / "layouts/pdf/publication.html.j2"
    template.write_text(template.read_text().replace("</body>", f"{html}\n</body>"))


def test_engine_warnings_are_reported_and_strict_fails(mini, capsys):
    assert build(mini) == 0
    before = outputs(mini)
    capsys.readouterr()
    add_to_layout(mini, '<img src="../icons/no-such-icon.svg" alt="">')
    assert build(mini, "--strict") == 1
    err = capsys.readouterr().err
    assert "build/en/publication-print.pdf: warning: WeasyPrint: Failed to load image" in err
    assert "1 warning(s) and --strict: nothing was built" in err
    assert "no-such-icon.svg" in err
    assert outputs(mini) == before, "a strict build with warnings writes nothing"
    assert build(mini) == 0, "without --strict, warnings are shown but do not fail"
    assert "no-such-icon.svg" in capsys.readouterr().err


def test_nothing_is_fetched_from_the_network_or_outside_the_project(mini, capsys):
    add_to_layout(mini, '<img src="https://example.org/logo.png" alt=""><img src="file:///etc/hostname" alt="">')
    assert build(mini, "--variant", "screen") == 0
    err = capsys.readouterr().err
    assert "refused to fetch https://example.org/logo.png" in err
    assert "refused to read /etc/hostname" in err


def test_content_cannot_inject_markup(mini):
    profile = mini / "content/profiles/alpha.yaml"
    profile.write_text(
        profile.read_text().replace(
            "Alpha connects cities.[^one]",
            "'Alpha <script>alert(1)</script> <b>bold</b> [x](javascript:alert(1)).[^one]'",
        )
    )
    assert build(mini, "--variant", "screen") == 0
    reader = PdfReader(mini / "build/en/publication.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "<script>alert(1)</script>" in text and "<b>bold</b>" in text
    uris = [
        annotation.get_object().get("/A", {}).get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots", [])
    ]
    assert not any(uri and "javascript" in uri for uri in uris)


def mtimes(project: Path) -> dict[str, int]:
    """When each of the editions' files was written."""
    return {
        path.relative_to(project).as_posix(): path.stat().st_mtime_ns for path in (project / "build").glob("[!.]*/*")
    }


def bilingual(project: Path) -> None:
    add_language(project, "fr", lambda domain, message: f"FR {message.id}" if domain == "content" else message.id)


def test_a_rebuild_with_nothing_changed_rewrites_nothing(mini, capsys):
    bilingual(mini)
    assert build(mini) == 0
    before = mtimes(mini)
    capsys.readouterr()
    assert main(["--project", str(mini), "build"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["en: up to date", "fr: up to date"]
    assert mtimes(mini) == before


def test_one_changed_french_message_rebuilds_only_french(mini):
    bilingual(mini)
    assert build(mini) == 0
    before = mtimes(mini)
    catalog = mini / "locales/fr/LC_MESSAGES/content.po"
    catalog.write_text(catalog.read_text().replace('msgstr "FR Beta Hub"', 'msgstr "FR Beta Centre"'))
    assert build(mini) == 0
    after = mtimes(mini)
    assert {path for path in after if after[path] != before[path]} == {
        "build/fr/publication.pdf",
        "build/fr/publication-print.pdf",
        "build/fr/publication.epub",
    }
    text = " ".join(chunk for page in read_pages(mini / "build/fr/publication.pdf") for chunk in page.body)
    assert "FR Beta Centre" in text


def test_parallel_and_serial_builds_give_the_same_bytes(mini):
    bilingual(mini)
    assert build(mini, "--jobs", "2") == 0
    parallel = outputs(mini)
    assert build(mini, "--jobs", "1", "--force") == 0
    assert outputs(mini) == parallel and len(parallel) == 6


def test_progress_names_each_stage_unless_quiet(mini, capsys):
    configure(mini, chunk_profiles=1)
    assert main(["--project", str(mini), "build"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "en: rendering HTML",
        "en: laying out",
        "en: joining chunks",
        "en: cutting the screen PDF",
        "en: making the print PDF",
        "en: writing the EPUB",
        "en: done",
    ]
    assert build(mini, "--force") == 0
    assert capsys.readouterr().err == ""
