"""Shared fixtures: copies of the tiny sample projects under tests/fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the two-profile sample project."""
    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    return project
