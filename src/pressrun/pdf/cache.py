"""The layout cache: each layout's result kept in the output folder, so that a build or a
preview after a small change lays out again only the chunks that changed.

Input: a layout job, and a digest of everything else a layout depends on (the layouts
folder, the fonts, the toolkit and its rendering stack; see `incremental`). Output: the
job's `LaidOut`, when an earlier run made it.

An entry is keyed by the SHA-256 of all of that. It is two files: `<key>.pdf` (for a
layout that was written) and `<key>.json` (page count, anchors, outline entries,
problems, and the PDF's SHA-256), written in that order. Entries are written without
waiting for the disk and checked when read: an entry that cannot be read, does not
parse, has another shape or whose PDF does not match its digest is a miss, and the
layout is simply done again; a cache is never a reason for a build to fail. `keep(owner)`
records the entries a run used; `collect` deletes those that neither the last nor the
previous run of any owner (a language) used, so the folder holds about two books per
language and an undone change is found again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

from ..errors import Level, Origin, Problem, ProblemsFound
from ..files import Folder, write_together
from .jobs import Bookmark, ChunkPdf, LaidOut, LayoutJob
from .measure import Flaw, Measurement, ProfileLayout

# Bumped whenever what an entry holds changes shape.
FORMAT = 2
OWNERS = "owners"
# Anything that cannot be an entry because a file is missing, damaged, of another shape,
# or a link out of the cache's folder (refused by the boundary, `files.Folder`).
DAMAGED = (ProblemsFound, OSError, ValueError, KeyError, TypeError, IndexError, AttributeError)
# How long an entry no run has recorded yet is spared.
GRACE_SECONDS = 600


def job_key(job: LayoutJob, environment: str) -> str:
    """The key of a job's layout: everything it is made from. Not where the project is:
    the environment holds what the layouts folder holds, and a layout does not depend on
    the folder's place (a copied project makes the same bytes)."""
    made_of = [
        FORMAT,
        environment,
        str(job.origin),
        job.variant,
        job.first_page,
        job.write,
        job.bleed,
        job.settled_only,
        sorted(job.book_anchors),
    ]
    return hashlib.sha256(json.dumps(made_of).encode() + b"\0" + job.html.encode()).hexdigest()


class LayoutCache:
    """Layouts by job, on disk in `folder` and in memory for this process."""

    def __init__(self, folder: Folder, environment: str, read: bool = True):
        self.folder = folder
        self.environment = environment
        # False for a build that must lay everything out again (--force): it still writes.
        self.read = read
        self.memory: dict[str, LaidOut] = {}
        self.used: set[str] = set()
        # Within a run, the same job is looked up again and again while the others finish.
        self.keys: dict[LayoutJob, str] = {}
        self.absent: set[str] = set()

    def key(self, job: LayoutJob) -> str:
        key = self.keys.get(job)
        if key is None:
            key = self.keys[job] = job_key(job, self.environment)
        return key

    def get(self, job: LayoutJob) -> LaidOut | None:
        key = self.key(job)
        laid = self.memory.get(key)
        if laid is None and self.read and key not in self.absent:
            laid = self._load(key)
            if laid is None:
                self.absent.add(key)
        if laid is not None:
            self.memory[key] = laid
            self.used.add(key)
        return laid

    def put(self, job: LayoutJob, laid: LaidOut) -> None:
        key = self.key(job)
        self.absent.discard(key)
        self.memory[key] = laid
        self.used.add(key)
        # The record is written after the PDF it describes: a record is read only once its PDF is whole.
        with contextlib.suppress(ProblemsFound):
            if laid.pdf is not None:
                write_together(self.folder, [(self.folder.path / f"{key}.pdf", laid.pdf.data)], durable=False)
            write_together(self.folder, [(self.folder.path / f"{key}.json", json.dumps(_record(laid)).encode())], False)

    def _load(self, key: str) -> LaidOut | None:
        try:
            record = json.loads(self.folder.read_bytes(self.folder.path / f"{key}.json"))
            pdf = None
            if record["pdf"] is not None:
                data = self.folder.read_bytes(self.folder.path / f"{key}.pdf")
                if hashlib.sha256(data).hexdigest() != record["pdf"]["sha256"]:
                    return None
                pdf = ChunkPdf(data, frozenset(_strings(record["pdf"]["borrowed"])))
            return _laid_out(record, pdf)
        except DAMAGED:
            return None

    def keep(self, owner: str) -> None:
        """Record the entries this run used as `owner`'s last run (its run before becomes
        the previous one); see `collect` for the entries no owner needs."""
        if not re.fullmatch(r"[A-Za-z0-9_-]+", owner):
            raise ValueError(f"not a cache owner: {owner!r}")
        path = self.folder.path / OWNERS / f"{owner}.json"
        previous = _manifest(self.folder, path).get("current", [])
        # A cache that cannot be written only makes the next run slower.
        with contextlib.suppress(ProblemsFound):
            lists = json.dumps({"current": sorted(self.used), "previous": previous}).encode()
            write_together(self.folder, [(path, lists)], durable=False)
        self.memory = {key: laid for key, laid in self.memory.items() if key in self.used or key in previous}
        self.used, self.keys, self.absent = set(), {}, set()


def collect(folder: Folder, grace: float = GRACE_SECONDS) -> None:
    """Delete the entries that neither the last nor the previous run of any owner used,
    except those written in the last `grace` seconds (another process may be about to
    record them)."""
    kept: set[str] = set()
    with contextlib.suppress(OSError, ProblemsFound):
        for path in (folder.path / OWNERS).glob("*.json"):
            lists = _manifest(folder, path)
            kept.update(lists.get("current", []), lists.get("previous", []))
        now = time.time()
        for path in folder.inside(folder.path).iterdir():
            if path.suffix in (".json", ".pdf") and path.stem not in kept and now - path.stat().st_mtime > grace:
                path.unlink(missing_ok=True)


def _manifest(folder: Folder, path: Path) -> dict[str, list[str]]:
    try:
        lists = json.loads(folder.read_bytes(path))
        return {name: _strings(lists[name]) for name in ("current", "previous")}
    except DAMAGED:
        return {}


def _record(laid: LaidOut) -> dict[str, Any]:
    pdf = laid.pdf
    return {
        "pages": laid.pages,
        "anchors": laid.anchors,
        "bookmarks": [[b.level, b.label, b.page, b.x, b.y, b.open] for b in laid.bookmarks],
        "problems": [
            [p.level.value, p.origin.path, p.origin.line, p.origin.col, p.code, p.message, p.page]
            for p in laid.problems
        ],
        "outside_links": sorted(laid.outside_links),
        "measurement": None if laid.measurement is None else _measurement_record(laid.measurement),
        "pdf": None
        if pdf is None
        else {"sha256": hashlib.sha256(pdf.data).hexdigest(), "borrowed": sorted(pdf.borrowed_anchors)},
    }


def _laid_out(record: dict[str, Any], pdf: ChunkPdf | None) -> LaidOut:
    """A record read back, every value checked for its type (raises one of DAMAGED)."""
    anchors = record["anchors"]
    if not (isinstance(anchors, dict) and all(_is_int(page) for page in anchors.values())):
        raise TypeError("anchors")
    bookmarks = tuple(
        Bookmark(_int(level), _string(label), _int(page), float(x), float(y), bool(is_open))
        for level, label, page, x, y, is_open in record["bookmarks"]
    )
    problems = tuple(
        Problem(
            Level(level),
            Origin(_string(path), _int(line), _int(col)),
            _string(code),
            _string(message),
            None if page is None else _int(page),
        )
        for level, path, line, col, code, message, page in record["problems"]
    )
    return LaidOut(
        _int(record["pages"]),
        {_string(name): page for name, page in anchors.items()},
        bookmarks,
        pdf,
        problems,
        frozenset(_strings(record["outside_links"])),
        None if record["measurement"] is None else _measurement(record["measurement"]),
    )


def _flaw_record(flaw: Flaw) -> list:
    return [flaw.code, flaw.page, flaw.message, flaw.profile, flaw.subject]


def _measurement_record(measurement: Measurement) -> dict[str, Any]:
    return {
        "profiles": {
            profile: [layout.first_page, list(layout.fills), [_flaw_record(flaw) for flaw in layout.flaws]]
            for profile, layout in measurement.profiles.items()
        },
        "flaws": [_flaw_record(flaw) for flaw in measurement.flaws],
    }


def _flaw(values: Any) -> Flaw:
    code, page, message, profile, subject = values
    return Flaw(_string(code), _int(page), _string(message), _string(profile), _string(subject))


def _fill(value: Any) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    return float(value)


def _measurement(record: dict[str, Any]) -> Measurement:
    """A measurement read back, every value checked for its type (raises one of DAMAGED)."""
    profiles = {
        _string(profile): ProfileLayout(
            _int(first_page), tuple(_fill(fill) for fill in fills), tuple(_flaw(flaw) for flaw in flaws)
        )
        for profile, (first_page, fills, flaws) in record["profiles"].items()
    }
    return Measurement(profiles, tuple(_flaw(flaw) for flaw in record["flaws"]))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any) -> int:
    if not _is_int(value):
        raise TypeError(f"not a whole number: {value!r}")
    return value


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not text: {value!r}")
    return value


def _strings(values: Any) -> list[str]:
    if not isinstance(values, list):
        raise TypeError(f"not a list: {values!r}")
    return [_string(value) for value in values]
