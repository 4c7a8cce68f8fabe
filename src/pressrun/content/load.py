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
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError

from ..config import Config
from ..errors import Origin, Problems
from . import inline
from .convert import Converter, Invalid
from .model import Book, Profile, Publication
from .schema import SLUG
from .texts import profile_texts

PUBLICATION_FILE = "publication.yaml"
PROFILES_DIR = "profiles"
YAML_SUFFIXES = (".yaml", ".yml")


def read_yaml(path: Path, shown: str, problems: Problems, yaml: YAML | None = None) -> Any:
    """The YAML document in `path` (read by `yaml`, a round-trip reader by default), or
    None after reporting why it cannot be read."""
    yaml = yaml or YAML(typ="rt")
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


def profile_files(profiles_dir: Path) -> list[Path]:
    return sorted(p for p in profiles_dir.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())


def profile_file_count(config: Config) -> int:
    """How many profile files there are, without reading them: a cheap measure of the work ahead."""
    profiles_dir = config.content_dir / PROFILES_DIR
    return len(profile_files(profiles_dir)) if profiles_dir.is_dir() else 0


def load(config: Config) -> Book:
    """Load and validate the publication in the content folder; raise ProblemsFound."""
    problems = Problems()
    base = config.content_dir
    shown = config.shown

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
    for path in profile_files(profiles_dir) if profiles_dir.is_dir() else []:
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
        check_footnotes(profile, problems)
        profiles[profile_id] = profile

    if publication is not None:
        _check_parts(publication, profiles, seen_ids, problems, shown(profiles_dir))
    problems.raise_if_errors()
    assert publication is not None
    return Book(publication=publication, profiles=profiles)


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
