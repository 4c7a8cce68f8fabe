"""Loading `content/`: YAML files read with ruamel.yaml, validated into the frozen model.

Input: `content/publication.yaml` and `content/profiles/<id>.yaml`.
Output: a `Directory`, or `ProblemsFound` listing every problem with `path:line:col`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError

from . import inline
from .errors import Origin, Problems
from .model import Directory, Profile, Publication
from .schema import SLUG, Converter, Invalid, Text
from .translatable import texts

PUBLICATION_FILE = "publication.yaml"
PROFILES_DIR = "profiles"
YAML_SUFFIXES = (".yaml", ".yml")


def read_yaml(path: Path, shown: str, problems: Problems) -> Any:
    """The YAML document in `path`, or None after reporting why it cannot be read."""
    yaml = YAML(typ="rt")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.error(Origin(shown, 1, 1), "encoding", f"not UTF-8 text ({error.reason})")
        return None
    try:
        return yaml.load(text)
    except DuplicateKeyError as error:
        mark = error.problem_mark
        problems.error(Origin(shown, mark.line + 1, mark.column + 1), "duplicate-key", _yaml_message(error))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.error(Origin(shown, line, col), "yaml-syntax", f"YAML syntax error: {_yaml_message(error)}")
    return None


def _yaml_message(error: MarkedYAMLError) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    return "; ".join(parts) if parts else str(error).splitlines()[0]


def _profile_files(profiles_dir: Path) -> list[Path]:
    return sorted(p for p in profiles_dir.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())


def profile_file_count(root: Path, content_dir: str = "content") -> int:
    """How many profile files there are, without reading them: a cheap measure of the work ahead."""
    profiles_dir = root / content_dir / PROFILES_DIR
    return len(_profile_files(profiles_dir)) if profiles_dir.is_dir() else 0


def load(root: Path, content_dir: str = "content") -> Directory:
    """Load and validate the publication under `root/content_dir`; raise ProblemsFound."""
    problems = Problems()
    base = root / content_dir

    def shown(path: Path) -> str:
        return path.relative_to(root).as_posix()

    converter = Converter(problems)
    publication = None
    publication_path = base / PUBLICATION_FILE
    if not publication_path.is_file():
        problems.error(Origin(shown(publication_path)), "missing-file", "the publication file is missing")
    else:
        node = read_yaml(publication_path, shown(publication_path), problems)
        if node is not None:
            with contextlib.suppress(Invalid):
                publication = converter.object(node, Publication, Origin(shown(publication_path), 1, 1), "publication")

    profiles: dict[str, Profile] = {}
    seen_ids: dict[str, Origin] = {}
    profiles_dir = base / PROFILES_DIR
    for path in _profile_files(profiles_dir) if profiles_dir.is_dir() else []:
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
        node = read_yaml(path, shown(path), problems)
        if node is None:
            continue
        try:
            profile = converter.object(node, Profile, origin, "profile")
        except Invalid:
            continue
        profile = dataclasses.replace(profile, id=profile_id, footnotes=profile.footnotes or {})
        _check_footnotes(profile, problems)
        profiles[profile_id] = profile

    if publication is not None:
        _check_parts(publication, profiles, seen_ids, problems, shown(profiles_dir))
    problems.raise_if_errors()
    assert publication is not None
    return Directory(publication=publication, profiles=profiles)


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


def _check_footnotes(profile: Profile, problems: Problems) -> None:
    for text in profile_texts(profile):
        for footnote_id in inline.footnote_calls(text):
            if footnote_id not in profile.footnotes:
                problems.error(
                    text.origin, "unknown-footnote", f"footnote call [^{footnote_id}] has no footnote in this profile"
                )


# Texts that are not running text: names and contact details (profiles), the place and
# the publisher (publication).
_NOT_BODY = ("name", "acronym", "subtitle", "contacts")
_NOT_FRONT_MATTER = ("event.place", "publisher")


def profile_texts(profile: Profile) -> Iterator[Text]:
    """Every text of a profile's body (not its names or contacts), in reading order."""
    return (item.text for item in texts(profile) if not item.path.startswith(_NOT_BODY))


def publication_texts(publication: Publication) -> Iterator[Text]:
    """The front matter's texts, cover to parts (not the event's place or the publisher)."""
    return (item.text for item in texts(publication) if not item.path.startswith(_NOT_FRONT_MATTER))


def word_count(directory: Directory) -> int:
    counted = list(publication_texts(directory.publication))
    for profile in directory.profiles.values():
        counted.append(profile.name)
        counted.extend(profile_texts(profile))
    return sum(inline.words(text) for text in counted)
