"""Proof editions: every edition laid out as a proof, read as a proofreader would.

Input: the Config (and, to compare, a previous proof folder or a git revision).
Output, in `<output>/proof/`: a proof PDF per language (DRAFT mark, source revision and
build date in the margin, untranslated text highlighted) and the report (see `report`),
which also gives the preflight of each print PDF the last build wrote.
Each finding says where to look: `path:line` in the content or catalogs, or a page of
the proof PDF. A proof is laid out through the same engine as a build, in one piece.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from ..config import Config, load_config
from ..content import load
from ..content.queries import source_queries
from ..epub import PrintEdition, epub_files
from ..errors import Level, Origin, Problem, ProblemsFound
from ..files import proof_date, write_atomically
from ..i18n import Edition, load_editions
from ..i18n.catalogs import DOMAINS, coverage
from ..i18n.glossary import load_glossaries
from ..pdf.book import profiles_only, whole_book
from ..pdf.engine import inspect_package_document, lay_out
from ..pdf.fonts import FACES
from ..pdf.jobs import LaidOut, LayoutJob
from ..pdf.preflight import RULES, preflight_problems
from ..render import pdf_html
from .compare import compare, export_revision, image_hash, page_images, source_revision
from .datachecks import check_book
from .layoutchecks import ImageSource, check_layout, contrast, page_budget
from .report import EditionProof, ProofReport, profile_states, write_reports
from .translationchecks import check_translations

PROOF_VARIANT = "proof"


def _spans(edition: Edition, starts: dict[str, int], pages: int) -> dict[str, tuple[int, int, Origin]]:
    """Each profile's first and last page: up to the next part, profile or the back cover."""
    order = sorted(
        [(starts[part.anchor], None) for part in edition.parts if part.anchor in starts]
        + [(starts[p.anchor], p) for p in edition.profiles() if p.anchor in starts]
        + ([(starts["back-cover"], None)] if "back-cover" in starts else []),
        key=lambda item: item[0],
    )
    spans = {}
    for index, (page, profile) in enumerate(order):
        if profile is not None:
            end = order[index + 1][0] - 1 if index + 1 < len(order) else pages
            spans[profile.id] = (page, max(page, end), profile.origin)
    return spans


def layout_files(layouts: Path, folder: str) -> ImageSource:
    """Reads an image a document of `layouts/<folder>/` refers to, if it is in the layouts."""
    root, base = layouts.resolve(), (layouts / folder).resolve()

    def read(src: str) -> bytes | None:
        path = (base / src).resolve()
        return path.read_bytes() if path.is_relative_to(root) and path.is_file() else None

    return read


def epub_contrast(config: Config, edition: Edition, laid: LaidOut) -> list[Problem]:
    """The colours of the edition's EPUB: each of its documents laid out with the EPUB's
    own stylesheet and images, its text and icons against what is painted behind them
    (a reading system's default white page). Each finding names the stylesheet, where
    the colours are set, and the first document that shows it."""
    documents, resources = epub_files(edition, config.layouts_dir, PrintEdition(laid.anchors, laid.pages, ""))
    files = {item.href: data for item, data in resources}
    stylesheet = Origin(config.shown(config.layouts_dir / "epub" / "style.css"))
    found: dict[str, Problem] = {}
    for item, data in documents:
        for problem in inspect_package_document(
            data.decode("utf-8"), config.layouts_dir / "epub", files, lambda pages: contrast(pages, files.get)
        ):
            found.setdefault(
                problem.message,
                Problem(problem.level, stylesheet, problem.code, f"EPUB {item.href}: {problem.message}"),
            )
    return list(found.values())


def _translation(edition: Edition) -> tuple[list[dict], list[Problem]]:
    if not edition.translated:
        return [], []
    table = [
        coverage(found.catalog, edition.language, domain).__dict__
        for domain in DOMAINS
        if (found := edition.catalogs[domain]).catalog is not None
    ]
    findings = [Problem(Level.WARNING, gap.origin, "translation", gap.message) for gap in edition.gaps]
    return table, findings


def proof_edition(
    config: Config, edition: Edition, stamp: str, made, target: Path, single: bool
) -> tuple[EditionProof, bytes]:
    """The proof of an edition (or, `single`, of its profiles alone) and its findings."""
    html = pdf_html(
        edition,
        config.layouts_dir,
        variant=PROOF_VARIANT,
        created=made,
        book=profiles_only(edition.parts) if single else whole_book(edition.parts),
        fonts=FACES,
        stamp=stamp,
    )
    job = LayoutJob(html, config.layouts_dir, Origin(config.shown(target)), variant=PROOF_VARIANT)
    images = layout_files(config.layouts_dir, "pdf")
    laid = lay_out(job, inspect=lambda pages: check_layout(pages, images))
    table, findings = _translation(edition)
    findings += laid.problems
    if "epub" in config.formats and not single:
        findings += epub_contrast(config, edition, laid)
    starts = {anchor: page for anchor, page in laid.anchors.items() if anchor.startswith(("part-", "profile-"))}
    findings += page_budget(_spans(edition, laid.anchors, laid.pages), config.page_budget)
    hashes = [image_hash(image) for image in page_images(laid.pdf.data)]
    relative = target.relative_to(config.proof_dir).as_posix()
    return EditionProof(edition.language, relative, laid.pages, starts, hashes, table, findings), laid.pdf.data


def print_preflight(config: Config, language: str, year: int) -> tuple[dict, list[Problem]]:
    """The preflight of the print PDF the last build wrote for `language`: what was
    checked, for the report, and its failures. A proof lays out no print PDF of its own."""
    if "pdf" not in config.formats or "print" not in config.pdf_variants:
        return {}, []
    path = config.pdf_path(language, "print", year)
    shown = config.shown(path)
    if not path.is_file():
        return {"pdf": shown, "built": False}, []
    failures = preflight_problems(path.read_bytes(), Origin(shown))
    return {"pdf": shown, "built": True, "rules": len(RULES), "failures": len(failures)}, failures


def _stamp(config: Config):
    made = proof_date()
    revision = source_revision(config.root)
    return made, revision, f"{revision} · {made.strftime('%Y-%m-%d %H:%M UTC')}"


def _baseline(config: Config, revision: str, scratch: Path) -> tuple[Path | None, list[Problem]]:
    """The proof folder of `revision` (its content, layouts and catalogs, proofed with
    this toolkit in `scratch`), or a notice saying why there is none."""
    try:
        previous = load_config(export_revision(config, revision, scratch))
        make_proof(previous, html_report=False)
    except (ProblemsFound, subprocess.CalledProcessError) as error:
        reason = "; ".join(str(p) for p in error.problems[:3]) if isinstance(error, ProblemsFound) else str(error)
        return None, [Problem(Level.NOTICE, Origin(""), "baseline", f"no comparison with {revision}: {reason}")]
    return previous.proof_dir, []


def _previous_edition(previous: dict | None, language: str) -> dict | None:
    editions = previous["editions"] if previous else []
    return next((edition for edition in editions if edition["language"] == language), None)


def make_proof(
    config: Config,
    *,
    against: Path | None = None,
    against_revision: str | None = None,
    html_report: bool = True,
) -> ProofReport:
    """Proof every configured language, compared with the proof in `against` or of
    `against_revision` when given; write the reports (the HTML one unless `html_report`
    is false: a baseline needs only the data)."""
    book = load(config)
    glossaries = load_glossaries(config, book.publication.language)
    made, revision, stamp = _stamp(config)
    with tempfile.TemporaryDirectory(prefix="pressrun-previous-") as scratch:
        baseline: list[Problem] = []
        if against_revision:
            against, baseline = _baseline(config, against_revision, Path(scratch))
        report_path = against / "report.json" if against else None
        previous = json.loads(report_path.read_text()) if report_path and report_path.is_file() else None
        editions = []
        for edition in load_editions(config, config.languages, book):
            target = config.proof_path(edition.language, book.publication.year)
            proof, data = proof_edition(config, edition, stamp, made, target, single=False)
            proof.findings += check_translations(edition, glossaries.get(edition.language))
            proof.preflight, failures = print_preflight(config, edition.language, book.publication.year)
            proof.findings += failures
            before = _previous_edition(previous, edition.language)
            if before:
                proof.findings += compare(proof, data, before, against / before["pdf"], config.proof_dir)
            write_atomically(target, data)
            editions.append(proof)
    queries = [Problem(Level.NOTICE, query.origin, "source-query", query.text) for query in source_queries(config)]
    name = config.output_name(book.publication.year)
    report = ProofReport(
        revision, made.isoformat(), baseline + check_book(book) + queries, editions, name, profile_states(book)
    )
    write_reports(config, report, config.proof_dir, html_report)
    return report


def proof_profile(config: Config, profile_id: str) -> ProofReport:
    """A proof of one profile in each language, to send to its organisation for approval
    (`proof/<language>/<id>-proof.pdf`); no report files."""
    made, revision, stamp = _stamp(config)
    book = load(config)
    editions = []
    for edition in load_editions(config, config.languages, book):
        target = config.proof_path(edition.language, book.publication.year, profile_id)
        proof, data = proof_edition(config, edition.restricted_to(profile_id), stamp, made, target, single=True)
        write_atomically(target, data)
        editions.append(proof)
    states = [state for state in profile_states(book) if state.id == profile_id]
    return ProofReport(revision, made.isoformat(), [], editions, config.output_name(book.publication.year), states)
