"""Proof editions and their reports.

Input: the Config (and, to compare, a previous proof folder or a git revision).
Output, in `<output>/proof/`: a proof PDF per language (DRAFT mark, source revision and
build date in the margin, untranslated text highlighted), `report.json`, `report.html`,
images of the pages that changed, and a short console summary. Each finding says where
to look: `path:line` in the content or catalogs, or a page of the proof PDF.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from jinja2 import TemplateError

from .build import PDF_TEMPLATE, load_catalogs
from .catalogs import DOMAINS, coverage
from .chunks import profiles_only, whole_book
from .config import Config, load_config
from .content import load
from .datachecks import check_directory
from .errors import Origin, ProblemsFound
from .findings import Finding
from .fonts import FONT_DIR
from .layoutchecks import check_layout, page_budget
from .localize import Edition
from .output import write_atomically
from .pdf import lay_out_and_write
from .render import render, report_environment, template_problem

PROOF_DIR = "proof"
REPORT_TEMPLATE = "proof/report.html.j2"
# The stamp's band at the foot of every page, left out of page comparisons (see proof.css).
STAMP_BAND_MM = 9
COMPARE_SCALE = 0.5


@dataclass
class EditionProof:
    language: str
    pdf: str
    pages: int
    starts: dict[str, int]
    page_hashes: list[str]
    coverage: list[dict]
    findings: list[Finding] = field(default_factory=list)
    changed_pages: list[dict] = field(default_factory=list)


@dataclass
class ProofReport:
    revision: str
    built: str
    content: list[Finding]
    editions: list[EditionProof]

    @property
    def findings(self) -> list[Finding]:
        return self.content + [f for edition in self.editions for f in edition.findings]

    def count(self, level: str) -> int:
        return sum(1 for finding in self.findings if finding.level == level)


def source_revision(root: Path) -> str:
    """The short git revision of the project, with `+changes` when the work tree differs."""
    try:
        revision = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "content", "layouts", "locales", "pyproject.toml"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "no revision"
    return f"{revision}+changes" if dirty else revision


def proof_time() -> datetime.datetime:
    """SOURCE_DATE_EPOCH when set, else now: a proof says when it was made."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
    return datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)


def page_images(data: bytes, scale: float = COMPARE_SCALE):
    """Each page of a PDF as an RGB image, the stamp band blanked out."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    for page in document:
        image = page.render(scale=scale).to_pil().convert("RGB")
        band = round(STAMP_BAND_MM / 25.4 * 72 * scale)
        image.paste((255, 255, 255), (0, image.height - band, image.width, image.height))
        yield image


def _hash(image) -> str:
    return hashlib.sha256(image.tobytes()).hexdigest()[:16]


def _spans(edition: Edition, starts: dict[str, int], pages: int) -> dict[str, tuple[int, int, str]]:
    """Each profile's first and last page: up to the next part or profile, or the end."""
    order = sorted(
        (page, anchor) for anchor, page in starts.items() if anchor.startswith(("part-", "profile-", "back-cover"))
    )
    spans = {}
    for index, (page, anchor) in enumerate(order):
        if anchor.startswith("profile-"):
            end = order[index + 1][0] - 1 if index + 1 < len(order) else pages
            profile = edition.directory.profiles[anchor.removeprefix("profile-")]
            spans[profile.id] = (page, max(page, end), str(profile.origin))
    return spans


def _translation(edition: Edition) -> tuple[list[dict], list[Finding]]:
    if not edition.translated:
        return [], []
    table = []
    for domain in DOMAINS:
        catalog = getattr(edition.catalogs, domain)
        if catalog is not None:
            table.append(coverage(catalog, edition.language, domain).__dict__)
    findings = [
        Finding(edition.language, "translation", "warning", str(gap.origin), gap.message) for gap in edition.gaps
    ]
    return table, findings


def proof_edition(
    config: Config, edition: Edition, stamp: str, created: str, target: Path, single: bool, budget: int
) -> tuple[EditionProof, bytes]:
    layouts = config.root / config.layouts
    html = render(
        edition,
        layouts,
        PDF_TEMPLATE,
        variant="proof",
        created=created,
        fonts_url=FONT_DIR.as_uri(),
        stamp=stamp,
        book=profiles_only(edition.parts) if single else whole_book(edition.parts),
    )
    result, document = lay_out_and_write(html, layouts / "pdf", "proof", [layouts, FONT_DIR], _origin(config, target))
    table, findings = _translation(edition)
    findings += check_layout(document.pages, edition.language)
    findings += [Finding(edition.language, "engine", "warning", "", p.message) for p in result.problems]
    starts = {k: v for k, v in result.anchor_pages.items() if k.startswith(("part-", "profile-"))}
    findings += page_budget(_spans(edition, result.anchor_pages, result.pages), budget, edition.language)
    hashes = [_hash(image) for image in page_images(result.data)]
    relative = target.relative_to(config.output_dir / PROOF_DIR).as_posix()
    return EditionProof(edition.language, relative, result.pages, starts, hashes, table, findings), result.data


def _origin(config: Config, target: Path) -> Origin:
    return Origin(target.relative_to(config.root).as_posix())


def compare(current: EditionProof, data: bytes, previous: dict, previous_pdf: Path, out: Path) -> list[Finding]:
    """What changed since the previous proof of the same edition, with before/after images."""
    language = current.language
    findings = []
    if current.pages != previous["pages"]:
        difference = current.pages - previous["pages"]
        kind = "page-added" if difference > 0 else "page-removed"
        findings.append(Finding(language, kind, "notice", "", f"{previous['pages']} pages before, {current.pages} now"))
    for anchor, page in sorted(current.starts.items(), key=lambda item: item[1]):
        before = previous["starts"].get(anchor)
        if before is not None and before != page:
            findings.append(
                Finding(language, "start-moved", "notice", "", f"{anchor} starts on page {page}, was {before}", page)
            )
    changed = [
        number
        for number, (now, then) in enumerate(zip(current.page_hashes, previous["page_hashes"], strict=False), start=1)
        if now != then
    ]
    if changed and previous_pdf.is_file():
        before_images = list(page_images(previous_pdf.read_bytes(), scale=0.6))
        after_images = list(page_images(data, scale=0.6))
        for number in changed:
            image = side_by_side(before_images[number - 1], after_images[number - 1])
            name = f"changes/{language}-page-{number:03d}.png"
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
            write_atomically(out / name, buffer.getvalue())
            current.changed_pages.append({"page": number, "image": name})
            findings.append(Finding(language, "page-changed", "notice", "", f"page {number} looks different", number))
    return findings


def side_by_side(before, after):
    from PIL import Image, ImageDraw

    gap = 24
    image = Image.new(
        "RGB", (before.width + after.width + gap * 3, max(before.height, after.height) + gap * 2), "#d0d4d8"
    )
    image.paste(before, (gap, gap))
    image.paste(after, (before.width + gap * 2, gap))
    draw = ImageDraw.Draw(image)
    draw.text((gap, 6), "before", fill="#222222")
    draw.text((before.width + gap * 2, 6), "after", fill="#222222")
    return image


def previous_from_revision(config: Config, revision: str, workdir: Path) -> Path:
    """Build the proof of `revision` (its content, layouts and catalogs, with this toolkit)
    in `workdir`; return its proof folder."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision],
        cwd=config.root,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(workdir, filter="data")
    previous = load_config(workdir)
    make_proof(previous, against=None, html_report=False)
    return previous.output_dir / PROOF_DIR


def make_proof(
    config: Config,
    *,
    against: Path | None = None,
    against_revision: str | None = None,
    profile_id: str | None = None,
    html_report: bool = True,
) -> ProofReport:
    """Proof every configured language (or one profile in each); write the reports
    (the HTML one unless `html_report` is false: a baseline needs only the data)."""
    directory = load(config.root, config.content)
    out = config.output_dir / PROOF_DIR
    made = proof_time()
    revision = source_revision(config.root)
    stamp = f"{revision} · {made.strftime('%Y-%m-%d %H:%M UTC')}"
    baseline: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="pressrun-previous-") as scratch:
        if against_revision:
            try:
                against = previous_from_revision(config, against_revision, Path(scratch))
            except (ProblemsFound, subprocess.CalledProcessError) as error:
                # An older revision that cannot be proofed leaves nothing to compare with.
                reason = (
                    "; ".join(str(p) for p in error.problems[:3]) if isinstance(error, ProblemsFound) else str(error)
                )
                baseline.append(
                    Finding("content", "baseline", "notice", "", f"no comparison with {against_revision}: {reason}")
                )
        previous = (
            json.loads((against / "report.json").read_text())
            if against and (against / "report.json").is_file()
            else None
        )
        editions = []
        for language in config.languages:
            edition = Edition(directory, Locale.parse(language), load_catalogs(config, language))
            name = f"{profile_id}-proof.pdf" if profile_id else f"{config.basename}-proof.pdf"
            if profile_id:
                edition = edition.restricted_to(profile_id)
            target = out / language / name
            proof, data = proof_edition(
                config,
                edition,
                stamp,
                made.strftime("%Y-%m-%dT%H:%M:%SZ"),
                target,
                bool(profile_id),
                config.page_budget,
            )
            if previous and not profile_id:
                before = next((e for e in previous["editions"] if e["language"] == language), None)
                if before:
                    proof.findings += compare(proof, data, before, against / before["pdf"], out)
            write_atomically(target, data)
            editions.append(proof)
    content = baseline + ([] if profile_id else check_directory(directory))
    report = ProofReport(revision, made.isoformat(), content, editions)
    if not profile_id:
        write_reports(config, report, out, html_report)
    return report


def write_reports(config: Config, report: ProofReport, out: Path, html_report: bool = True) -> None:
    data = {
        "revision": report.revision,
        "built": report.built,
        "content": [finding.as_dict() for finding in report.content],
        "editions": [
            {
                "language": e.language,
                "pdf": e.pdf,
                "pages": e.pages,
                "starts": e.starts,
                "page_hashes": e.page_hashes,
                "coverage": e.coverage,
                "changed_pages": e.changed_pages,
                "findings": [finding.as_dict() for finding in e.findings],
            }
            for e in report.editions
        ],
    }
    write_atomically(out / "report.json", json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))
    if not html_report:
        return
    layouts = config.root / config.layouts
    try:
        html = report_environment(layouts).get_template(REPORT_TEMPLATE).render(report=report, config=config)
    except TemplateError as error:
        raise ProblemsFound([template_problem(error, layouts, REPORT_TEMPLATE)]) from error
    write_atomically(out / "report.html", html.encode("utf-8"))


def summary(report: ProofReport) -> list[str]:
    """A few lines for the console: counts per edition and kind, then the errors."""
    lines = [f"proof of {report.revision}, {report.built}"]
    groups = [("content", report.content)] + [(e.language, e.findings) for e in report.editions]
    for name, findings in groups:
        kinds: dict[str, int] = {}
        for finding in findings:
            kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
        counted = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())) or "nothing to report"
        lines.append(f"  {name}: {counted}")
    for edition in report.editions:
        for table in edition.coverage:
            lines.append(
                f"  {edition.language} {table['domain']}: {table['translated']} translated, "
                f"{table['fuzzy']} fuzzy, {table['untranslated']} untranslated"
            )
    for finding in report.findings:
        if finding.level == "error":
            lines.append(f"{finding.where()}: error: {finding.message} [{finding.kind}]")
    lines.append(
        f"{report.count('error')} error(s), {report.count('warning')} warning(s), {report.count('notice')} notice(s)"
    )
    return lines
