"""Incremental builds: a digest of everything an edition is made from, recorded beside
the outputs, so that an edition whose inputs did not change is not built again.

Input: the Config and a language. Output: a hex digest over the content, the layouts,
the language's catalogs, the configuration, the pinned fonts, the toolkit and its
rendering stack, SOURCE_DATE_EPOCH and the build options; whether the outputs the last
build recorded (by their SHA-256) are still the files in place; and the digest of what a
layout depends on besides its HTML, for the layout cache (`pdf.cache`). Light on
purpose: checking that nothing changed must not import the rendering stack.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from .config import CONFIG_FILE, Config
from .errors import ProblemsFound
from .files import Folder
from .pdf.fonts import FONT_FILES

STATE_FILE = ".pressrun-digests.json"
# Distributions whose version changes what a build writes.
STACK = (
    "weasyprint",
    "pydyf",
    "fontpkg-source-sans-3",
    "justmytype-intl-cjk",
    "jinja2",
    "babel",
    "markdown-it-py",
    "pyicu",
    "fonttools",
    "pikepdf",
    "pillow",
    "tinycss2",
)
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _toolkit(digest) -> None:
    """Every source file of the package, its subpackages included, and the rendering stack."""
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    for path in FONT_FILES:
        # The pinned fonts outside Python packages (Debian's) change with their files.
        digest.update(f"{path}:{path.stat().st_size if path.is_file() else 'missing'}".encode())
    for name in STACK:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=missing".encode())
    digest.update(sys.version.encode())


def edition_digest(config: Config, language: str, options: dict) -> str:
    """The digest of everything the `language` edition is made from (read through the
    project's folders: a file reached through a link out of them is an error here too)."""
    digest = hashlib.sha256()
    config.folder("content").add_tree(digest)
    config.folder("layouts").add_tree(digest)
    # The catalogs only: the glossary beside them (locales/<language>/glossary.tbx) is
    # read by proofs, never by a build.
    catalogs = config.locales_dir / language / "LC_MESSAGES"
    if catalogs.is_dir():
        config.folder("locales").add_tree(digest, catalogs)
    digest.update(config.folder("project").read_bytes(config.root / CONFIG_FILE))
    _toolkit(digest)
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    digest.update(json.dumps(options, sort_keys=True).encode())
    return digest.hexdigest()


def layout_environment(config: Config) -> str:
    """The digest of what a layout depends on besides its HTML: the layouts folder (its
    stylesheets, icons and print profile), the toolkit, the fonts and the rendering stack."""
    digest = hashlib.sha256()
    config.folder("layouts").add_tree(digest)
    _toolkit(digest)
    return digest.hexdigest()


def state_path(config: Config) -> Path:
    return config.output_dir / STATE_FILE


def _is_state(state: Any) -> bool:
    """Whether `state` has the shape a build records: {language: {"digest": hex,
    "outputs": {path: sha256}}}."""
    return isinstance(state, dict) and all(
        isinstance(language, str)
        and isinstance(entry, dict)
        and isinstance(entry.get("digest"), str)
        and isinstance(entry.get("outputs"), dict)
        and all(isinstance(path, str) and _SHA256.fullmatch(str(sha)) for path, sha in entry["outputs"].items())
        for language, entry in state.items()
    )


def recorded(config: Config) -> dict[str, dict]:
    """What the last build recorded: per language, its digest and the sha256 of each
    output it wrote. A missing, unreadable or malformed record is no record: every
    edition is built again."""
    try:
        state = json.loads(config.folder("output").read_text(state_path(config)))
    except (ProblemsFound, ValueError):
        return {}
    return state if _is_state(state) else {}


def output_digest(folder: Folder, path: Path) -> str | None:
    """The sha256 of an output as it is now, or None when it is missing or not a file of `folder`."""
    try:
        return folder.sha256(path)
    except ProblemsFound:
        return None


def up_to_date(config: Config, language: str, digest: str, state: dict[str, dict], outputs: int) -> bool:
    """Whether the edition's inputs are those recorded, and each of the `outputs` files
    recorded for it (in `<output>/<language>/`) is still the file the last build wrote: a
    file changed, truncated or removed since, or one recorded elsewhere, means building
    it again."""
    entry = state.get(language)
    if not entry or entry["digest"] != digest or len(entry["outputs"]) != outputs:
        return False
    folder = Folder(config.output_dir / language, config.root)
    return all(output_digest(folder, config.root / path) == sha for path, sha in entry["outputs"].items())
