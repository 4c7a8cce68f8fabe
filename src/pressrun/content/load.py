"""Loading `content/`: YAML files read with ruamel.yaml, validated into the frozen model.

Input: `content/publication.yaml` and `content/profiles/<id>.yaml`.
Output: a `Book`, or `ProblemsFound` listing every problem with `path:line:col`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError, MaxDepthExceededError
from ruamel.yaml.constructor import ConstructorError, DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError

from ..config import Config
from ..errors import Origin, Problem, Problems, ProblemsFound
from ..files import Folder, decode, position
from . import inline
from .convert import Converter, Invalid
from .model import Book, Profile, Publication
from .schema import SLUG
from .texts import profile_texts

PUBLICATION_FILE = "publication.yaml"
PROFILES_DIR = "profiles"
YAML_SUFFIXES = (".yaml", ".yml")

# Bounds on one content file, each far above what a real one holds (the largest of the
# 2021 directory: 7 KB, 129 values, 9 levels deep), so that no file can make pressrun
# work for long: its size, its nesting, its values as written, its aliases (`*name`),
# and its values once the aliases are expanded (a "billion laughs" file has few values
# as written and billions expanded).
MAX_YAML_BYTES = 128 * 2**10
MAX_DEPTH = 32
MAX_NODES = 5_000
MAX_ALIASES = 100
MAX_EXPANDED = 20_000


class _TooLarge(ComposerError):
    """A content file beyond one of the bounds above."""


class _BadValue(ConstructorError):
    """A value YAML reads but Python cannot hold (the date 2021-02-30)."""


class _BoundedComposer(Composer):
    """ruamel.yaml's composer, stopped at MAX_NODES values, MAX_ALIASES aliases or
    MAX_EXPANDED values once aliases are expanded (nesting is bounded by `max_depth`)."""

    def __init__(self, loader=None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False  # legal YAML: the later anchor wins
        self.nodes = self.aliases = 0
        self.first_alias = None

    def compose_node(self, parent, index):
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            self.aliases += 1
            self.first_alias = self.first_alias or event.start_mark
        self.nodes += 1
        if self.aliases > MAX_ALIASES or self.nodes > MAX_NODES:
            counted = f"more than {MAX_ALIASES} aliases (*name)" if self.aliases > MAX_ALIASES else None
            counted = counted or f"more than {MAX_NODES} values"
            raise _TooLarge(None, None, f"{counted}: more than a content file can need", event.start_mark)
        return super().compose_node(parent, index)

    def compose_document(self):
        node = super().compose_document()
        if self.first_alias is not None:
            _check_expansion(node, self.first_alias)
        return node


def _check_expansion(root: Node, first_alias) -> None:
    """Raise, at the first alias, when the document with its aliases expanded has more
    than MAX_EXPANDED values (or is infinite: an alias inside what it names)."""
    pending, count = [root], 0
    while pending:
        node = pending.pop()
        count += 1
        if count > MAX_EXPANDED:
            raise _TooLarge(
                None,
                None,
                f"with its aliases (*name) expanded, this file holds more than {MAX_EXPANDED} values "
                "(or an alias inside what it names)",
                first_alias,
            )
        if isinstance(node, MappingNode):
            pending += [item for pair in node.value for item in pair]
        elif isinstance(node, SequenceNode):
            pending += node.value


class _LocatedConstructor(RoundTripConstructor):
    """ruamel.yaml's constructor, with a value it cannot make (the date 2021-02-30, an
    integer of 5,000 digits) reported at its place instead of as a bare ValueError."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as error:
            raise _BadValue(None, None, f"{node.value!s:.40} cannot be read: {error}", node.start_mark) from error


def parse_yaml(text: str, shown: str, problems: Problems, yaml: YAML | None = None) -> Any:
    """The YAML document in `text` (read by `yaml`, a round-trip reader by default, within
    the bounds above), or None after reporting why there is none."""
    yaml = yaml or YAML(typ="rt")
    yaml.Composer = _BoundedComposer
    yaml.Constructor = _LocatedConstructor
    yaml.max_depth = MAX_DEPTH
    try:
        document = yaml.load(text)
    except MaxDepthExceededError as error:
        message = f"nested more than {MAX_DEPTH} levels deep, more than a content file can need"
        problems.error(_mark_origin(error, shown), "too-large", message)
        return None
    except MarkedYAMLError as error:
        code, prefix = _MARKED_ERRORS.get(type(error), ("yaml-syntax", "YAML syntax error: "))
        problems.error(_mark_origin(error, shown), code, prefix + _yaml_message(error))
        return None
    except ReaderError as error:
        problems.error(position(text, error.position, shown), "yaml-syntax", f"YAML syntax error: {error.reason}")
        return None
    except YAMLError as error:
        problems.error(Origin(shown, 1, 1), "yaml-syntax", f"YAML syntax error: {str(error).splitlines()[0]}")
        return None
    if document is None:
        problems.error(
            Origin(shown, 1, 1), "empty", "the file holds no YAML mapping (it is empty, or only comments or ~)"
        )
    return document


def read_yaml(folder: Folder, path: Path, problems: Problems, yaml: YAML | None = None) -> Any:
    """The YAML document in `path` (read through `folder`, by `yaml`), or None after
    reporting why there is none."""
    try:
        data = folder.read_bytes(path, limit=MAX_YAML_BYTES)
    except ProblemsFound as error:
        problems.extend(error.problems)
        return None
    return _parse_bytes(data, folder.shown(path), problems, yaml)


def _parse_bytes(data: bytes, shown: str, problems: Problems, yaml: YAML | None = None) -> Any:
    """The YAML document in a file's bytes, or None after reporting why there is none
    (not UTF-8, a character no output may hold, or what `parse_yaml` finds)."""
    try:
        text = decode(data, shown)
    except ProblemsFound as error:
        problems.extend(error.problems)
        return None
    return parse_yaml(text, shown, problems, yaml)


_MARKED_ERRORS = {DuplicateKeyError: ("duplicate-key", ""), _TooLarge: ("too-large", ""), _BadValue: ("bad-value", "")}


def _mark_origin(error: MarkedYAMLError, shown: str) -> Origin:
    mark = error.problem_mark or error.context_mark
    return Origin(shown, mark.line + 1, mark.column + 1) if mark else Origin(shown, 1, 1)


def _yaml_message(error: MarkedYAMLError) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    return "; ".join(parts) if parts else str(error).splitlines()[0]


def profile_files(config: Config, problems: Problems | None = None) -> list[Path]:
    """The profile files; one that leads out of the content folder is refused (reported
    to `problems`, or raised without them)."""
    profiles_dir = config.content_dir / PROFILES_DIR
    if not (profiles_dir.is_dir() or profiles_dir.is_symlink()):
        return []
    folder = config.folder("content")
    return [p for p in folder.files(profiles_dir, recursive=False, problems=problems) if p.suffix in YAML_SUFFIXES]


def profile_file_count(config: Config) -> int:
    """How many profile files there are, without reading them: a cheap measure of the work ahead."""
    return len(profile_files(config, Problems()))


# What reading one file gave: its bytes, the object made of them (or None), its problems.
Reading = tuple[bytes, Any, tuple[Problem, ...]]


def _read_file(folder: Folder, path: Path, memo: dict[str, Reading] | None, make) -> tuple[Any, tuple[Problem, ...]]:
    """`make(node, problems)` applied to the YAML in `path` (read through `folder`), unless
    `memo` holds a reading of the same bytes."""
    shown = folder.shown(path)
    try:
        data = folder.read_bytes(path, limit=MAX_YAML_BYTES)
    except ProblemsFound as error:
        return None, tuple(error.problems)
    if memo is not None and shown in memo and memo[shown][0] == data:
        return memo[shown][1:]
    problems = Problems()
    made = None
    node = _parse_bytes(data, shown, problems)
    if node is not None:
        with contextlib.suppress(Invalid):
            made = make(node, problems)
    if memo is not None:
        memo[shown] = (data, made, tuple(problems.items))
    return made, tuple(problems.items)


def load(config: Config, memo: dict[str, Reading] | None = None) -> Book:
    """Load and validate the publication in the content folder; raise ProblemsFound.
    A caller that loads again and again (the preview) keeps a `memo` of each file's
    reading, so that only files whose bytes changed are read again."""
    problems = Problems()
    base = config.content_dir
    shown = config.shown
    folder = config.folder("content")

    publication = None
    publication_path = base / PUBLICATION_FILE
    if not (publication_path.exists() or publication_path.is_symlink()):
        problems.error(Origin(shown(publication_path)), "missing-file", "the publication file is missing")
    else:
        origin = Origin(shown(publication_path), 1, 1)
        publication, found = _read_file(
            folder,
            publication_path,
            memo,
            lambda node, found: Converter(found).object(node, Publication, origin, "publication"),
        )
        problems.extend(found)

    profiles: dict[str, Profile] = {}
    seen_ids: dict[str, Origin] = {}
    profiles_dir = base / PROFILES_DIR
    try:
        paths = profile_files(config, problems)
    except ProblemsFound as error:  # the profiles folder itself leads out
        problems.extend(error.problems)
        paths = []
    for path in paths:
        origin = Origin(shown(path), 1, 1)
        profile_id = path.stem
        if not SLUG.test(profile_id):
            problems.error(origin, "bad-id", f"profile id {profile_id!r} (the file name) {SLUG.message}")
            continue
        if profile_id in seen_ids:
            problems.error(
                origin,
                "duplicate-id",
                f"duplicate profile id {profile_id!r}: also defined by {seen_ids[profile_id]}",
            )
            continue
        seen_ids[profile_id] = origin
        profile, found = _read_file(folder, path, memo, _profile_reader(profile_id, origin))
        problems.extend(found)
        if profile is not None:
            profiles[profile_id] = profile

    if publication is not None:
        _check_parts(publication, profiles, seen_ids, problems, shown(profiles_dir))
    problems.raise_if_errors()
    assert publication is not None
    return Book(publication=publication, profiles=profiles)


def _profile_reader(profile_id: str, origin: Origin):
    def make(node: Any, problems: Problems) -> Profile:
        profile = Converter(problems).object(node, Profile, origin, "profile")
        profile = dataclasses.replace(profile, id=profile_id, footnotes=profile.footnotes or {})
        check_footnotes(profile, problems)
        return profile

    return make


def _check_parts(
    publication: Publication,
    profiles: dict[str, Profile],
    seen_ids: dict[str, Origin],
    problems: Problems,
    profiles_dir: str,
) -> None:
    """Every profile belongs to exactly one part, and every listed id has a file."""
    listed: dict[str, Origin] = {}
    part_ids: dict[str, Origin] = {}
    for part in publication.parts:
        if part.id in part_ids:
            problems.error(
                part.origin, "duplicate-id", f"duplicate part id {part.id!r}: also used at {part_ids[part.id]}"
            )
        part_ids.setdefault(part.id, part.origin)
        for profile_id in part.profiles:
            origin = getattr(profile_id, "origin", part.origin)
            if profile_id in listed:
                problems.error(
                    origin, "duplicate-id", f"profile {profile_id!r} is listed twice (first at {listed[profile_id]})"
                )
                continue
            listed[profile_id] = origin
            if profile_id not in seen_ids:
                problems.error(origin, "unknown-profile", f"no profile file {profiles_dir}/{profile_id}.yaml")
    for profile_id in seen_ids:
        if profile_id in profiles and profile_id not in listed:
            problems.error(
                profiles[profile_id].origin, "unlisted-profile", f"profile {profile_id!r} is not listed in any part"
            )


def check_footnotes(profile: Profile, problems: Problems) -> None:
    """Every footnote call of the profile has its footnote."""
    for text in profile_texts(profile):
        for footnote_id in inline.footnote_calls(text):
            if footnote_id not in profile.footnotes:
                problems.error(
                    text.origin, "unknown-footnote", f"footnote call [^{footnote_id}] has no footnote in this profile"
                )
