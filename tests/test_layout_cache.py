"""Incremental layout in real builds: after a small change only the chunks that changed
are laid out again, the rest comes from the layout cache in the output folder, and the
files are the same bytes a full build makes. A damaged cache is laid out again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import configure, run
from pressrun.config import load_config
from pressrun.pdf import workers


@pytest.fixture
def layouts_run(monkeypatch) -> list[str]:
    """The HTML of every layout a build runs (in this process: use --jobs 1)."""
    ran: list[str] = []
    lay_out = workers._lay_out

    def counted(job):
        ran.append(job.html)
        return lay_out(job)

    monkeypatch.setattr(workers, "_lay_out", counted)
    return ran


def outputs(project: Path) -> dict[str, bytes]:
    folder = load_config(project).output_dir
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.suffix in (".pdf", ".epub") and not path.is_relative_to(load_config(project).layout_cache_dir)
    }


def test_one_changed_sentence_lays_out_only_what_holds_it_and_makes_a_full_builds_bytes(
    built_directory, tmp_path, layouts_run
):
    project = tmp_path / "directory"
    shutil.copytree(built_directory, project)
    # English only: every further edition would repeat it, and the full build each
    # costs takes half a minute.
    configure(project, languages=["en"])
    profile = project / "content/profiles/c40.yaml"
    text = profile.read_text(encoding="utf-8")
    assert "C40 is a network of nearly 100 cities" in text
    profile.write_text(text.replace("network of nearly 100", "network of almost 100"), encoding="utf-8")
    incremental = run(project, "build", "-q", "--jobs", "1", "--allow-untranslated")
    assert incremental.code == 0, incremental.err
    # Only what holds C40 is laid out again: its chunk, and the trials of the typesetting
    # loop for it (and for the profiles corrected beside it).
    assert layouts_run and all('id="profile-c40"' in html for html in layouts_run)
    assert all("network of almost" in html for html in layouts_run)
    changed = outputs(project)
    layouts_run.clear()
    full = run(project, "build", "-q", "--jobs", "1", "--allow-untranslated", "--force")
    assert full.code == 0
    assert len(layouts_run) > 12, "--force lays every chunk out again"
    assert outputs(project) == changed


def build_after_a_comment(project: Path, layouts_run: list) -> None:
    """Build again after a comment: it changes the content's digest but no page, so the
    build runs and its layouts must be the ones made before."""
    with (project / "content/profiles/alpha.yaml").open("a", encoding="utf-8") as stream:
        stream.write("# checked again\n")
    layouts_run.clear()
    rebuilt = run(project, "build", "-q", "--jobs", "1")
    assert rebuilt.code == 0 and rebuilt.err == ""


def test_a_damaged_layout_cache_is_laid_out_again(mini, layouts_run):
    configure(mini, chunk_profiles=1)
    assert run(mini, "build", "-q", "--jobs", "1").code == 0
    built = outputs(mini)
    cache = load_config(mini).layout_cache_dir
    for number, entry in enumerate(sorted(cache.glob("*.*"))):
        if number % 3 == 0:
            entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
        elif number % 3 == 1:
            entry.write_text('{"pages": 2, "anchors": [1]}')
    (cache / "owners/en.json").write_text("not json")
    build_after_a_comment(mini, layouts_run)
    assert layouts_run, "damaged entries were laid out again"
    assert outputs(mini) == built


def test_a_cache_entry_that_links_outside_its_folder_is_not_read(mini, layouts_run, tmp_path):
    configure(mini, chunk_profiles=1)
    assert run(mini, "build", "-q", "--jobs", "1").code == 0
    built = outputs(mini)
    # Each record replaced by a link to a copy of itself outside the project: read, it
    # would be a valid entry; through the boundary it is refused, and laid out again.
    for number, entry in enumerate(sorted(load_config(mini).layout_cache_dir.glob("*.json"))):
        outside = tmp_path / f"outside-{number}.json"
        outside.write_bytes(entry.read_bytes())
        entry.unlink()
        entry.symlink_to(outside)
    build_after_a_comment(mini, layouts_run)
    assert layouts_run, "no entry was read through a link"
    assert outputs(mini) == built
