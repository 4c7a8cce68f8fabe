"""Proof editions: every edition laid out as a proof, read as a proofreader would.

Input: the Config (and, to compare, a previous proof folder or a git revision).
Output, in `<output>/proof/`: a proof PDF per language (DRAFT mark, source revision and
build date in the margin, untranslated text highlighted) and the report (see `report`),
which also gives the preflight of each print PDF the last build wrote.
Each finding says where to look: `path:line` in the content or catalogs, or a page of
the proof PDF. A proof is laid out through the same engine as a build, in one piece.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..config import Config, load_config
from ..content import load
from ..content.queries import source_queries
from ..epub import PrintEdition, epub_files
from ..errors import Level, Origin, Problem, ProblemsFound
from ..files import Folder, exclusive, proof_date, write_together
from ..i18n import Edition, load_editions
from ..i18n.catalogs import DOMAINS, coverage
from ..i18n.glossary import load_glossaries
from ..pdf.book import contents_anchors, profiles_only, whole_book
from ..pdf.engine import inspect_package_document, lay_out
from ..pdf.fonts import FACES, check_fonts, confine_fonts
from ..pdf.jobs import LaidOut
from ..pdf.paginate import Pagination, lay_out_in_turn
from ..pdf.preflight import RULES, preflight_problems
from ..render import environment as render_environment
from ..render import pdf_html
from .compare import compare, export_revision, image_hash, page_images, source_revision
from .datachecks import check_book
from .layoutchecks import ImageSource, check_layout, contrast, page_budget, typesetting_findings
from .report import EditionProof, ProofReport, profile_states, read_report, report_files
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


def layout_files(layouts: Folder, folder: str) -> ImageSource:
    """Reads an image a document of `layouts/<folder>/` refers to, if it is a file of the
    layouts (read through their boundary; one that leads out is not read)."""

    def read(src: str) -> bytes | None:
        path = layouts.path / folder / src
        try:
            return layouts.read_bytes(path) if layouts.is_file(path) else None
        except ProblemsFound:
            return None

    return read


def epub_contrast(config: Config, edition: Edition, laid: LaidOut) -> list[Problem]:
    """The colours of the edition's EPUB: each of its documents laid out with the EPUB's
    own stylesheet and images, its text and icons against what is painted behind them
    (a reading system's default white page). Each finding names the stylesheet, where
    the colours are set, and the first document that shows it."""
    documents, resources = epub_files(edition, config.folder("layouts"), PrintEdition(laid.anchors, laid.pages, ""))
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


def _laid_out(config: Config, edition: Edition, stamp: str, made, target: Path, single: bool) -> LaidOut:
    """The proof's layout: one piece, set by the typesetting loop as a build sets it."""
    environment = render_environment(config.folder("layouts"), edition)

    def render(book) -> str:
        return pdf_html(
            edition,
            config.folder("layouts"),
            variant=PROOF_VARIANT,
            created=made,
            book=book,
            fonts=FACES,
            env=environment,
            stamp=stamp,
        )

    book = profiles_only(edition.parts) if single else whole_book(edition.parts)
    origin = Origin(config.shown(target))
    contents = [] if single else contents_anchors(edition.parts)
    pagination = Pagination([book], contents, render, config.folder("layouts"), origin, lambda *_: None, PROOF_VARIANT)
    images = layout_files(config.folder("layouts"), "pdf")

    def inspect(pages):
        return check_layout(pages, images)

    # Only the layouts that are written are inspected: the last one.
    lay_out_in_turn(pagination, lambda job: lay_out(job, inspect=inspect if job.write else None))
    return pagination.layouts_done[0]


def proof_edition(
    config: Config, edition: Edition, stamp: str, made, target: Path, single: bool
) -> tuple[EditionProof, bytes]:
    """The proof of an edition (or, `single`, of its profiles alone) and its findings."""
    laid = _laid_out(config, edition, stamp, made, target, single)
    table, findings = _translation(edition)
    findings += laid.problems
    findings += typesetting_findings(laid.measurement, {p.id: p.origin for p in edition.profiles()})
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
    path, output = config.pdf_path(language, "print", year), config.folder("output")
    shown = config.shown(path)
    if not output.is_file(path):
        return {"pdf": shown, "built": False}, []
    failures = preflight_problems(output.read_bytes(path, limit=2**40), Origin(shown))
    return {"pdf": shown, "built": True, "rules": len(RULES), "failures": len(failures)}, failures


def _stamp(config: Config):
    made = proof_date()
    revision = source_revision(config.root)
    return made, revision, f"{revision} · {made.strftime('%Y-%m-%d %H:%M UTC')}"


def _baseline(config: Config, revision: str, scratch: Path) -> tuple[Folder | None, list[Problem]]:
    """The proof folder of `revision` (its content, layouts and catalogs, proofed with
    this toolkit in `scratch`), or a notice saying why there is none."""
    try:
        previous = load_config(export_revision(config, revision, scratch))
        make_proof(previous, html_report=False)
    except subprocess.CalledProcessError:
        reason = "it is not a commit of this repository (git rev-parse --verify)"
    except ProblemsFound as error:
        reason = "; ".join(str(p) for p in error.problems[:3])
    else:
        return Folder(previous.proof_dir, previous.root), []
    return None, [Problem(Level.NOTICE, Origin(""), "baseline", f"no comparison with {revision!r}: {reason}")]


def _previous_edition(previous: dict | None, language: str) -> dict | None:
    editions = previous["editions"] if previous else []
    return next((edition for edition in editions if edition["language"] == language), None)


def _previous_pdf(against: Folder, edition: dict) -> bytes | None:
    """The previous proof's PDF of an edition, when its folder holds it."""
    path = against.path / edition["pdf"]
    return against.read_bytes(path) if against.is_file(path) else None


def make_proof(
    config: Config,
    *,
    against: Path | None = None,
    against_revision: str | None = None,
    html_report: bool = True,
) -> ProofReport:
    """Proof every configured language, compared with the proof in `against` or of
    `against_revision` when given; write the proofs and the reports (the HTML one unless
    `html_report` is false: a baseline needs only the data), all of them or none."""
    check_fonts()
    book = load(config)
    glossaries = load_glossaries(config, book.publication.language)
    with exclusive(config.folder("output")) as scratch:
        confine_fonts(config.cache)
        made, revision, stamp = _stamp(config)
        baseline: list[Problem] = []
        previous_folder = Folder(against, against.parent) if against else None
        if against_revision:
            previous_folder, baseline = _baseline(config, against_revision, scratch / "previous")
        previous = read_report(previous_folder) if previous_folder else None
        editions, files = [], []
        for edition in load_editions(config, config.every_language, book):
            target = config.proof_path(edition.language, book.publication.year)
            proof, data = proof_edition(config, edition, stamp, made, target, single=False)
            proof.findings += check_translations(edition, glossaries.get(edition.language))
            proof.preflight, failures = print_preflight(config, edition.language, book.publication.year)
            proof.findings += failures
            before = _previous_edition(previous, edition.language)
            if before and previous_folder:
                findings, images = compare(
                    proof, data, before, _previous_pdf(previous_folder, before), config.proof_dir
                )
                proof.findings += findings
                files += images
            files.append((target, data))
            editions.append(proof)
        queries = [Problem(Level.NOTICE, query.origin, "source-query", query.text) for query in source_queries(config)]
        name = config.output_name(book.publication.year)
        report = ProofReport(
            revision, made.isoformat(), baseline + check_book(book) + queries, editions, name, profile_states(book)
        )
        files += report_files(config, report, config.proof_dir, html_report)
        write_together(config.folder("output"), files)
    return report


def proof_profile(config: Config, profile_id: str) -> ProofReport:
    """A proof of one profile in each language, to send to its organisation for approval
    (`proof/<language>/<id>-proof.pdf`); no report files."""
    check_fonts()
    book = load(config)
    with exclusive(config.folder("output")):
        confine_fonts(config.cache)
        made, revision, stamp = _stamp(config)
        editions, files = [], []
        for edition in load_editions(config, config.every_language, book):
            target = config.proof_path(edition.language, book.publication.year, profile_id)
            proof, data = proof_edition(config, edition.restricted_to(profile_id), stamp, made, target, single=True)
            files.append((target, data))
            editions.append(proof)
        write_together(config.folder("output"), files)
    states = [state for state in profile_states(book) if state.id == profile_id]
    return ProofReport(revision, made.isoformat(), [], editions, config.output_name(book.publication.year), states)
