"""The proof report: what a proofreader should look at, per edition, as JSON, HTML and a
console summary.

Input: the proof editions and their problems. Output: `report.json` (what a later proof
compares with), `report.html` (for people, from `layouts/proof/report.html.j2`) and a
few lines for the console.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..content import Book
from ..errors import Level, Origin, Problem, fail
from ..files import Folder
from ..render import environment, render_template

REPORT_TEMPLATE = "proof/report.html.j2"
# The report's name for the findings about the content rather than one edition.
CONTENT = "content"


@dataclass
class EditionProof:
    language: str
    pdf: str
    pages: int
    starts: dict[str, int]
    page_hashes: list[str]
    coverage: list[dict]
    findings: list[Problem] = field(default_factory=list)
    changed_pages: list[dict] = field(default_factory=list)
    # The print PDF's preflight: its path, the rules checked and the failures (see editions).
    preflight: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProfileState:
    """Where a profile stands in the yearly cycle, as the report lists it."""

    id: str
    name: str
    status: str
    changed: str | None
    location: str


def profile_states(book: Book) -> list[ProfileState]:
    """Every profile's status and last change, in the order of the parts."""
    return [
        ProfileState(
            profile.id,
            str(profile.name),
            profile.status,
            profile.changed and profile.changed.isoformat(),
            str(profile.origin),
        )
        for part in book.publication.parts
        for profile in (book.profiles[profile_id] for profile_id in part.profiles)
    ]


@dataclass
class ProofReport:
    revision: str
    built: str
    content: list[Problem]
    editions: list[EditionProof]
    # The outputs' name of the edition proofed, and where each profile stands.
    name: str = ""
    profiles: list[ProfileState] = field(default_factory=list)

    @property
    def findings(self) -> list[Problem]:
        return self.content + [f for edition in self.editions for f in edition.findings]

    def count(self, level: Level | str) -> int:
        """How many findings have `level` (or its name, as templates give it)."""
        level = Level(level)
        return sum(1 for finding in self.findings if finding.level is level)


def finding_data(finding: Problem, edition: str) -> dict:
    """A finding as `report.json` holds it."""
    return {
        "edition": edition,
        "kind": finding.code,
        "level": finding.level.value,
        "location": str(finding.origin),
        "message": finding.message,
        "page": finding.page,
    }


def report_data(report: ProofReport) -> dict:
    return {
        "revision": report.revision,
        "built": report.built,
        "content": [finding_data(finding, CONTENT) for finding in report.content],
        "profiles": [state.__dict__ for state in report.profiles],
        "editions": [
            {
                "language": e.language,
                "pdf": e.pdf,
                "pages": e.pages,
                "starts": e.starts,
                "page_hashes": e.page_hashes,
                "coverage": e.coverage,
                "changed_pages": e.changed_pages,
                "preflight": e.preflight,
                "findings": [finding_data(finding, e.language) for finding in e.findings],
            }
            for e in report.editions
        ],
    }


def preflight_outcome(checked: dict) -> str:
    """What the preflight of a print PDF found, in words."""
    if not checked["built"]:
        return "not built yet (`pressrun build` makes it), so not preflighted"
    return f"{checked['failures']} preflight failure(s), {checked['rules']} rules checked"


def report_files(config: Config, report: ProofReport, out: Path, html_report: bool = True) -> list[tuple[Path, bytes]]:
    """`report.json` and, unless `html_report` is false (a baseline needs only the data),
    `report.html`, to be written in `out`."""
    data = json.dumps(report_data(report), indent=2, ensure_ascii=False).encode("utf-8")
    files = [(out / "report.json", data)]
    if html_report:
        layouts = config.folder("layouts")
        html = render_template(
            environment(layouts),
            layouts,
            REPORT_TEMPLATE,
            report=report,
            config=config,
            preflight_outcome=preflight_outcome,
        )
        files.append((out / "report.html", html.encode("utf-8")))
    return files


def _is_edition(edition: Any) -> bool:
    return (
        isinstance(edition, dict)
        and isinstance(edition.get("language"), str)
        and isinstance(edition.get("pdf"), str)
        and type(edition.get("pages")) is int
        and isinstance(edition.get("starts"), dict)
        and all(isinstance(anchor, str) and type(page) is int for anchor, page in edition["starts"].items())
        and isinstance(edition.get("page_hashes"), list)
        and all(isinstance(item, str) for item in edition["page_hashes"])
    )


def read_report(folder: Folder) -> dict:
    """The `report.json` of a previous proof folder, checked to be one pressrun wrote."""
    path = folder.path / "report.json"
    origin = Origin(folder.shown(path))
    try:
        data = json.loads(folder.read_text(path))
    except ValueError as error:
        raise fail(
            origin, "bad-report", f"not JSON ({error}): make that proof again, or compare with another"
        ) from error
    editions = data.get("editions") if isinstance(data, dict) else None
    if not (isinstance(editions, list) and all(_is_edition(edition) for edition in editions)):
        raise fail(
            origin, "bad-report", "not a proof report pressrun wrote: make that proof again, or compare with another"
        )
    return data


def summary(report: ProofReport) -> list[str]:
    """A few lines for the console: counts per edition and kind, then the errors."""
    lines = [f"proof of {report.revision}, {report.built}"]
    waiting: dict[str, int] = {}
    for state in report.profiles:
        waiting[state.status] = waiting.get(state.status, 0) + 1
    if report.profiles:
        lines.append("  profiles: " + ", ".join(f"{count} {status}" for status, count in sorted(waiting.items())))
    groups = [(CONTENT, report.content)] + [(e.language, e.findings) for e in report.editions]
    for name, findings in groups:
        kinds: dict[str, int] = {}
        for finding in findings:
            kinds[finding.code] = kinds.get(finding.code, 0) + 1
        counted = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())) or "nothing to report"
        lines.append(f"  {name}: {counted}")
    for edition in report.editions:
        for table in edition.coverage:
            lines.append(
                f"  {edition.language} {table['domain']}: {table['translated']} translated, "
                f"{table['fuzzy']} fuzzy, {table['untranslated']} untranslated"
            )
    for edition in report.editions:
        checked = edition.preflight
        if checked:
            lines.append(f"  {checked['pdf']}: {preflight_outcome(checked)}")
    lines += [str(finding) for finding in report.findings if finding.level is Level.ERROR]
    counts = ", ".join(f"{report.count(level)} {level.value}(s)" for level in Level)
    lines.append(counts)
    return lines
