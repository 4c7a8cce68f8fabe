"""Incremental builds: a digest of everything an edition is made from, recorded beside
the outputs, so that an edition whose inputs did not change is not built again.

Input: the Config and a language. Output: a hex digest over the content, the layouts,
the language's catalogs, the configuration, the pinned fonts, the toolkit and its
rendering stack, SOURCE_DATE_EPOCH and the build options. Light on purpose: checking
that nothing changed must not import the rendering stack.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from .config import CONFIG_FILE, Config

STATE_FILE = ".pressrun-digests.json"
# Distributions whose version changes what a build writes.
STACK = (
    "weasyprint",
    "pydyf",
    "fontpkg-source-sans-3",
    "fontpkg-noto-sans-arabic",
    "justmytype-intl-cjk",
    "jinja2",
    "babel",
    "markdown-it-py",
    "pyuca",
    "fonttools",
    "pikepdf",
    "pillow",
    "tinycss2",
)


def _files(folder: Path) -> Iterable[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts)


def _add_tree(digest, root: Path, folder: Path) -> None:
    for path in _files(folder):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def _toolkit(digest) -> None:
    """Every source file of the package, its subpackages included, and the rendering stack."""
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    for name in STACK:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=missing".encode())
    digest.update(sys.version.encode())


def edition_digest(config: Config, language: str, options: dict) -> str:
    """The digest of everything the `language` edition is made from."""
    digest = hashlib.sha256()
    _add_tree(digest, config.root, config.content_dir)
    _add_tree(digest, config.root, config.layouts_dir)
    # The catalogs only: the glossary beside them (locales/<language>/glossary.tbx) is
    # read by proofs, never by a build.
    catalogs = config.locales_dir / language / "LC_MESSAGES"
    if catalogs.is_dir():
        _add_tree(digest, config.root, catalogs)
    digest.update((config.root / CONFIG_FILE).read_bytes())
    _toolkit(digest)
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    digest.update(json.dumps(options, sort_keys=True).encode())
    return digest.hexdigest()


def state_path(config: Config) -> Path:
    return config.output_dir / STATE_FILE


def recorded(config: Config) -> dict[str, dict]:
    """What the last build recorded: per language, its digest and the outputs it wrote."""
    path = state_path(config)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def up_to_date(config: Config, language: str, digest: str, state: dict[str, dict]) -> bool:
    entry = state.get(language)
    return (
        bool(entry) and entry["digest"] == digest and all((config.root / path).is_file() for path in entry["outputs"])
    )
