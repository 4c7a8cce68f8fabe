"""Accessibility of the 2021 editions, as real checkers see it: DAISY Ace on the EPUBs,
outloud's PDF/UA-1 rules on the screen PDFs, text extraction of letter-spaced type, and
the proof's contrast check on the PDF of every edition. Any finding fails unless the
allow-lists below explain it."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pypdfium2
import pytest
from outloud import check
from pypdf import PdfReader

from conftest import REPOSITORY
from conftest import edition as edition_of
from pressrun.config import load_config
from pressrun.errors import Origin
from pressrun.pdf.book import whole_book
from pressrun.pdf.engine import lay_out
from pressrun.pdf.fonts import FACES
from pressrun.pdf.jobs import LayoutJob
from pressrun.proof.editions import layout_files
from pressrun.proof.layoutchecks import contrast
from pressrun.render import pdf_html
from test_pdf import BASENAME, screen_pdf

# DAISY Ace, installed from tests/checkers/package.json by .ci/install.
ACE = REPOSITORY / "tests" / "checkers" / "node_modules" / ".bin" / "ace-puppeteer"
ACE_VERSION = "1.4.6"
SECTION_LABELS = ("Vision", "Mission", "Principal objectives", "Key projects")

# What Ace may report on the EPUBs, and why: nothing.
ACE_ALLOWED: dict[str, str] = {}


def section_heading_lines(finding, edition) -> bool:
    """outloud's PAG-001 takes a line printed at the same place on three or more pages
    for a running head or foot. A profile's section headings (“KEY PROJECTS”) are such
    lines when sections open pages: they are headings (H3), rightly tagged as content."""
    labels = {str(edition.labels[label] if edition.translated else label).upper() for label in SECTION_LABELS}
    return finding.rule == "PAG-001" and set((finding.evidence or "").split("; ")) <= labels


# What outloud may report on the screen PDFs, each with the reason it is not a defect.
OUTLOUD_ALLOWED = [section_heading_lines]


@pytest.fixture(scope="module", params=["en", "fr"])
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def edition(built_directory, language):
    return edition_of(built_directory, language)


@pytest.fixture(scope="module")
def ace_reports(built_directory, tmp_path_factory) -> dict[str, dict]:
    """Ace's report on each edition's EPUB; both run at once."""
    chromium = shutil.which("chromium")
    assert ACE.exists() and chromium, "DAISY Ace or Chromium is missing: run `sh .ci/install`"
    # Chromium may take more than Ace's 5 s to start on a busy machine.
    environment = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium, "ACE_TIMEOUT_INITIAL": "120000"}
    runs = {}
    for language in ("en", "fr"):
        report = tmp_path_factory.mktemp(f"ace-{language}")
        epub = built_directory / "build" / language / f"{BASENAME}.epub"
        command = [str(ACE), "--force", "--silent", "--outdir", str(report), str(epub)]
        runs[language] = (
            report,
            subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT),
        )
    reports = {}
    for language, (report, process) in runs.items():
        output, _ = process.communicate(timeout=900)
        assert (report / "report.json").is_file(), output.decode(errors="replace")
        reports[language] = json.loads((report / "report.json").read_text(encoding="utf-8"))
    return reports


@pytest.fixture(scope="module")
def ace_report(ace_reports, language) -> dict:
    return ace_reports[language]


def test_ace_finds_no_violation_in_the_epub(ace_report):
    assert ace_report["earl:assertedBy"]["doap:release"]["doap:revision"] == ACE_VERSION
    violations = [
        (check["earl:test"]["dct:title"], document["earl:testSubject"]["url"], check["earl:result"].get("html", ""))
        for document in ace_report["assertions"]
        for check in document["assertions"]
        if check["earl:test"]["dct:title"] not in ACE_ALLOWED
    ]
    assert violations == []
    assert ace_report["earl:result"]["earl:outcome"] == "pass"
    assert ace_report["properties"]["hasPageBreaks"]


def test_outloud_finds_no_pdf_ua_error_and_only_explained_warnings(built_directory, language, edition):
    result = check(str(screen_pdf(built_directory, language)))
    assert result.error is None
    assert [run.rule for run in result.runs if run.status == "crashed"] == []
    assert result.stats["tagged"]
    unexplained = [
        (finding.rule, finding.severity, finding.page, finding.message, finding.evidence)
        for finding in result.findings
        if not any(allowed(finding, edition) for allowed in OUTLOUD_ALLOWED)
    ]
    assert unexplained == []
    assert result.errors == 0


def extracted_texts(path: Path, page: int) -> list[str]:
    """A page's text as two extractors give it (pdfium, as in Chromium's viewer, and
    pypdf), whitespace made single spaces."""
    pdfium_text = pypdfium2.PdfDocument(path)[page - 1].get_textpage().get_text_range()
    pypdf_text = PdfReader(path).pages[page - 1].extract_text()
    return [" ".join(text.split()) for text in (pdfium_text, pypdf_text)]


def test_letter_spaced_text_extracts_as_words(built_directory, edition, language):
    path = screen_pdf(built_directory, language)
    publication = edition.publication

    def printed(text) -> str:  # as the layout sets it: in the edition's typography, in capitals
        return " ".join(edition.typography(str(text)).upper().split())

    cover = [printed(word) for word in publication.cover_words] + [printed(publication.event.name)]
    for text in extracted_texts(path, 1):
        for words in cover:
            assert words in text, (words, text)
    label = printed(edition.labels["Key projects"] if edition.translated else "Key projects")
    page = next(
        number
        for number in range(1, len(PdfReader(path).pages) + 1)
        if label.replace(" ", "") in extracted_texts(path, number)[0].replace(" ", "")
    )
    for text in extracted_texts(path, page):
        assert label in text, (label, text)


def test_every_pdf_edition_passes_the_contrast_check(built_directory, language, edition):
    """The proof's check, on each edition laid out as the screen PDF is (the EPUBs'
    colours are Ace's to check, above)."""
    config = load_config(built_directory)
    html = pdf_html(
        edition,
        config.folder("layouts"),
        variant="screen",
        created=datetime.datetime(2021, 10, 6, tzinfo=datetime.UTC),
        book=whole_book(edition.parts),
        fonts=FACES,
    )
    job = LayoutJob(html, config.folder("layouts"), Origin("screen"), variant="screen", write=False)
    images = layout_files(config.folder("layouts"), "pdf")
    laid = lay_out(job, inspect=lambda pages: contrast(pages, images))
    assert [str(problem) for problem in laid.problems] == []
