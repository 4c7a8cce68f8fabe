"""Forms in: returned forms read, checked with the rules of `pressrun check`, and written
into their profiles' YAML in place.

Input: the files the organisations sent back. Output: each profile's file with the values
that changed (comments and layout kept, see `content.edit`), its status `received` and
the date, and the changes, field by field; or, when any form has a problem, every problem
located in its form (`table 3, row 5` or `sheet Entry, cell C12`) and no file changed.
A form that changes nothing writes nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..content import Book, load
from ..content.convert import Converter, Invalid
from ..content.diff import Change, changes
from ..content.edit import Document, save_together
from ..content.load import check_footnotes
from ..content.model import RECEIVED, Profile
from ..errors import Origin, Problems
from .fields import Row, form_digest, form_groups, item_of, value_of
from .forms import FORM_MARK, MARK_KEYS, Returned
from .guard import Refused, form_kind
from .sheetform import read_xlsx
from .wordform import read_docx


@dataclass(frozen=True)
class Imported:
    """What one returned form did to its profile."""

    profile_id: str
    shown: str
    changes: tuple[Change, ...]


@dataclass
class Edits:
    """A form's differences from the entry: values set (by key), items emptied (removed)
    and new items (their fields by name), each with the rows it came from."""

    values: dict[str, object] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    added: dict[str, dict[str, object]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values or self.removed or self.added)


def _read(path: Path, shown: str, problems: Problems) -> Returned | None:
    """The form's cells, or None after saying why the file is not a form."""
    try:
        kind = form_kind(path)
    except Refused as reason:
        problems.error(Origin(shown), "not-a-form", f"not read as a form: {reason}")
        return None
    try:
        if kind == "docx":
            return read_docx(path)
        returned, formulas = read_xlsx(path)
    except Exception as error:  # untrusted file: any failure of the office library is the file's
        problems.error(
            Origin(shown), "not-a-form", f"cannot be read as a .{kind} form ({type(error).__name__}: {error})"
        )
        return None
    for where in formulas:
        problems.error(Origin(f"{shown}: {where}"), "formula", "a formula instead of a value: type the text itself")
    return returned


def _profile(returned: Returned, shown: str, book: Book, expected: str | None, problems: Problems) -> Profile | None:
    """The profile the form is for, after checking its marks."""
    form, profile_id = returned.mark("#form"), returned.mark("#profile")
    if form is None or form.text.strip() != FORM_MARK or profile_id is None:
        problems.error(
            Origin(shown),
            "not-a-form",
            f"not a pressrun form: its first rows ({', '.join(MARK_KEYS)}) are missing or changed; "
            "send the organisation a form made by `pressrun intake export`",
        )
        return None
    found = profile_id.text.strip()
    if found not in book.profiles:
        problems.error(
            Origin(f"{shown}: {profile_id.where}"),
            "unknown-profile",
            f"a form for profile {found!r}, which this project does not have",
        )
        return None
    if expected and found != expected:
        problems.error(
            Origin(f"{shown}: {profile_id.where}"), "other-profile", f"this form is for {found!r}, not {expected!r}"
        )
        return None
    return book.profiles[found]


def _cells(returned: Returned, rows: dict[str, Row], shown: str, problems: Problems) -> dict[str, tuple[str, str]]:
    """The form's text and place for every row of the entry, after checking that none is
    missing, unknown or given twice."""
    found: dict[str, tuple[str, str]] = {}
    for cell in returned.cells:
        where = Origin(f"{shown}: {cell.where}")
        if cell.key in MARK_KEYS:
            continue
        if cell.key not in rows:
            problems.error(
                where, "unknown-field", f"unknown field {cell.key!r}: keep each row's Field as it was exported"
            )
        elif cell.key in found:
            problems.error(where, "duplicate-field", f"{cell.key} is given twice (also at {found[cell.key][1]})")
        else:
            found[cell.key] = (cell.text, cell.where)
    for key in rows:
        if key not in found:
            problems.error(
                Origin(shown), "missing-field", f"the row of {key} is missing: restore it from the exported form"
            )
    for where in returned.strays:
        problems.error(
            Origin(f"{shown}: {where}"), "no-field", "a value in a row without a field: write it in a row of the form"
        )
    return found


def _is_empty(value: object) -> bool:
    return value in (None, "", [])


def _edits(rows: dict[str, Row], texts: dict[str, tuple[str, str]], new_items: set[str]) -> Edits:
    """What the form changes: values set, items emptied, new items filled in."""
    edits = Edits()
    items: dict[str, list[str]] = {}
    for key in rows:
        items.setdefault(item_of(key) or key, []).append(key)
    for item, keys in items.items():
        values = {key: value_of(rows[key], texts[key][0]) for key in keys}
        if item in new_items:
            if not all(_is_empty(value) for value in values.values()):
                edits.added[item] = {key.rpartition(".")[2]: value for key, value in values.items()}
            continue
        old = {key: value_of(rows[key], rows[key].value) for key in keys}
        if item_of(keys[0]) and values != old and all(_is_empty(value) for value in values.values()):
            edits.removed.append(item)
            continue
        edits.values.update({key: value for key, value in values.items() if value != old[key]})
    return edits


def _apply(document: Document, edits: Edits, lines: dict[str, int]) -> None:
    """Make the edits in the document, each edited value marked with its form row's line
    (see `FORM_LINES`): values first, then new items, then removals from the last."""
    for key, value in edits.values.items():
        document.set(key, value)
        document.mark(key, lines[key])
        if item := item_of(key):
            document.mark(item, lines[key])
    for item, values in edits.added.items():
        base = item.rpartition("[")[0]
        document.append(base, {name: value for name, value in values.items() if not _is_empty(value)})
        new_item = f"{base}[{len(document.get(base))}]"
        first = min(lines[f"{item}.{name}"] for name in values)
        document.mark(new_item, first)
        for name in values:
            if not _is_empty(values[name]):
                document.mark(f"{new_item}.{name}", lines[f"{item}.{name}"])
    for item in sorted(edits.removed, key=lambda path: (path.rpartition("[")[0], -_index(path))):
        document.remove(item)


def _index(item: str) -> int:
    return int(item.rpartition("[")[2].rstrip("]"))


# Positions of values from a form, far below any line of a content file (see `_apply`).
FORM_LINES = 10_000_000


@dataclass
class Answer:
    """A returned form on its way into its profile's file."""

    profile: Profile
    document: Document
    edits: Edits
    places: dict[int, str]


def _plan(config: Config, book: Book, path: Path, shown: str, options: dict, problems: Problems) -> Answer | None:
    """A returned form read and compared with its profile's entry, or None after its problems."""
    returned = _read(path, shown, problems)
    profile = _profile(returned, shown, book, options.get("profile"), problems) if returned else None
    if profile is None:
        return None
    groups = form_groups(profile)
    check = returned.mark("#check")
    if (check is None or check.text.strip() != form_digest(groups)) and not options.get("force"):
        problems.error(
            Origin(shown),
            "changed-since",
            f"{profile.origin.path} changed since this form was exported (or the form was made for another entry): "
            "export a new form, or import with --force to apply this one over those changes",
        )
        return None
    rows = {row.key: row for group in groups for row in group.rows}
    texts = _cells(returned, rows, shown, problems)
    if set(texts) != set(rows):
        return None
    new_items = {item_of(row.key) for group in groups if group.name == "new" for row in group.rows}
    document = Document.load(config.folder("content"), config.root / profile.origin.path, Profile, problems)
    if document is None:
        return None
    lines = {key: FORM_LINES + number for number, key in enumerate(rows)}
    edits = _edits(rows, texts, new_items)
    _apply(document, edits, lines)
    places = {FORM_LINES + number + 1: f"{shown}: {texts[key][1]}" for number, key in enumerate(rows)}
    return Answer(profile, document, edits, places)


def _checked(answer: Answer, problems: Problems) -> Profile | None:
    """The edited entry, validated as `pressrun check` validates a profile; each problem in
    a value from the form located in the form."""
    found = Problems()
    profile = answer.profile
    with contextlib.suppress(Invalid):
        edited = Converter(found).object(answer.document.root, Profile, Origin(profile.origin.path, 1, 1), "profile")
        edited = dataclasses.replace(edited, id=profile.id, footnotes=edited.footnotes or {})
        check_footnotes(edited, found)
    for problem in found.items:
        place = answer.places.get(problem.origin.line)
        problems.add(problem.level, Origin(place) if place else problem.origin, problem.code, problem.message)
    return None if found.errors else edited


def import_forms(
    config: Config,
    files: list[tuple[Path, str]],
    today: datetime.date,
    *,
    profile: str | None = None,
    force: bool = False,
) -> list[Imported]:
    """Read the returned forms `files` ((path, as shown)) into their profiles; raise
    ProblemsFound, changing no file, when any form has a problem."""
    book = load(config)
    problems = Problems()
    answers: dict[str, Answer] = {}
    for path, shown in files:
        answer = _plan(config, book, path, shown, {"profile": profile, "force": force}, problems)
        if answer is None:
            continue
        if answer.profile.id in answers:
            problems.error(Origin(shown), "duplicate-form", f"a second form for {answer.profile.id!r} in this import")
            continue
        answers[answer.profile.id] = answer
    edited = {profile_id: _checked(answer, problems) for profile_id, answer in answers.items() if answer.edits}
    problems.raise_if_errors()
    imported = []
    for profile_id, answer in answers.items():
        if answer.edits:
            answer.document.set("status", RECEIVED)
            answer.document.set("changed", today)
        found = changes(answer.profile, edited[profile_id]) if answer.edits else []
        imported.append(Imported(profile_id, answer.profile.origin.path, tuple(found)))
    save_together([answer.document for answer in answers.values() if answer.edits])
    return imported
