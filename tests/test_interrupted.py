"""Builds killed with `kill -9`: every previous output stays whole, and the next run
puts all of the interrupted run's files in place or none of them, leaving nothing behind.

The writer is killed in a real subprocess at each step of putting files in place (before
its journal exists, between renames, before the journal is removed); a real build is
killed while it lays out and while it renames its outputs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run

# Run in a subprocess before pressrun: `os.<function>` kills the process (SIGKILL, as
# `kill -9` does) when it is called with an argument naming `marker`.
KILL_AT = """
import os, signal, sys
function, marker = sys.argv[1], sys.argv[2]
original = getattr(os, function)

def killed_at(*args, **keywords):
    if any(marker in str(argument) for argument in args):
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **keywords)

setattr(os, function, killed_at)
del sys.argv[1:3]
"""

# Puts four files in place together in `build/`, as a build puts its outputs.
WRITER = """
from pathlib import Path
from pressrun.files import Folder, exclusive, write_together
root = Path(sys.argv[1])
folder = Folder(root / "build", root)
with exclusive(folder):
    write_together(folder, [(root / "build" / name, f"new {name}".encode()) for name in sys.argv[2:]])
"""

NAMES = ["en/a.pdf", "en/b.pdf", "fr/c.epub", ".record.json"]


def killed(code: str, function: str, marker: str, *args: str) -> subprocess.CompletedProcess:
    process = subprocess.run(
        [sys.executable, "-c", KILL_AT + code, function, marker, *args], capture_output=True, text=True
    )
    assert process.returncode == -9, process.stderr
    return process


def contents(root: Path) -> dict[str, str]:
    build = root / "build"
    files = (path for path in sorted(build.rglob("*")) if path.is_file() and path.name != ".pressrun-lock")
    return {path.relative_to(build).as_posix(): path.read_text() for path in files}


def leftovers(build: Path) -> list[str]:
    return sorted(
        path.name
        for path in build.rglob("*")
        if path.name.endswith(".pressrun-tmp") or path.name in (".pressrun-journal.json", ".pressrun-scratch")
    )


# (function, argument marker, the state after the next run: all files old or all new)
KILL_POINTS = {
    "while writing the third file": ("open", "c.epub.", "old"),
    "before the journal is in place": ("replace", "build/.pressrun-journal.json", "old"),
    "after the first rename": ("replace", "en/b.pdf", "new"),
    "before the record is renamed": ("replace", "build/.record.json", "new"),
    "before the journal is removed": ("unlink", "build/.pressrun-journal.json", "new"),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_files_go_in_place_together_or_not_at_all(tmp_path, point):
    function, marker, after = KILL_POINTS[point]
    for name in NAMES:
        (tmp_path / "build" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "build" / name).write_text(f"old {name}")
    killed(WRITER, function, marker, str(tmp_path), *NAMES)
    for name, text in contents(tmp_path).items():
        if name in NAMES:
            assert text in (f"old {name}", f"new {name}"), "every file whole"
    subprocess.run([sys.executable, "-c", "import sys\n" + WRITER, str(tmp_path)], check=True)
    assert contents(tmp_path) == {name: f"{after} {name}" for name in NAMES}
    assert leftovers(tmp_path / "build") == []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample project, built once; each test works on a copy."""
    from conftest import FIXTURES, REPOSITORY

    project = tmp_path_factory.mktemp("built") / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    shutil.copytree(REPOSITORY / "layouts", project / "layouts")
    assert run(project, "build", "-q", "--jobs", "1").code == 0
    return project


@pytest.fixture
def changed(built, tmp_path) -> tuple[Path, dict[str, bytes]]:
    """A copy of the built project whose content changed since, and its previous outputs."""
    project = tmp_path / "mini"
    shutil.copytree(built, project, symlinks=True)
    profile = project / "content/profiles/beta.yaml"
    profile.write_text(profile.read_text().replace("Beta hosts the directory.", "Beta hosts it."))
    return project, outputs(project)


def outputs(project: Path) -> dict[str, bytes]:
    build = project / "build"
    return {path.relative_to(build).as_posix(): path.read_bytes() for path in sorted(build.glob("en/*"))}


def pressrun(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "pressrun.cli", "--project", str(project), *args]


def test_a_build_killed_while_laying_out_leaves_the_previous_outputs(changed):
    project, previous = changed
    process = subprocess.Popen(pressrun(project, "build", "--jobs", "2"), stderr=subprocess.PIPE, text=True)
    for line in process.stderr:
        if line.startswith("en: laying out"):
            process.kill()
            break
    assert process.wait() == -9
    assert outputs(project) == previous
    result = run(project, "build", "--jobs", "1")
    assert result.code == 0 and "wrote build/en/publication.pdf" in result.out
    assert outputs(project) != previous and leftovers(project / "build") == []


def test_a_build_killed_between_renames_is_completed_by_the_next(changed):
    project, previous = changed
    code = "from pressrun.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    killed(code, "replace", "build/en/publication-print.pdf", *pressrun(project, "build", "-q", "--jobs", "1")[3:])
    now = outputs(project)
    assert now["en/publication.pdf"] != previous["en/publication.pdf"], "renamed before the kill"
    assert now["en/publication-print.pdf"] == previous["en/publication-print.pdf"], "not yet renamed"
    result = run(project, "build", "--jobs", "1")
    assert result.out.startswith("en: up to date"), "the next run put the rest in place"
    assert all(outputs(project)[name] != previous[name] for name in previous)
    assert leftovers(project / "build") == []


@pytest.mark.parametrize(
    "journal",
    [
        '{"renames": [["../../moved.pressrun-tmp", "../../victim"]]}',
        '{"renames": [["/tmp/moved.pressrun-tmp", "/tmp/victim"]]}',
        '{"renames": [["en/.a.pdf.1.pressrun-tmp", "fr/a.pdf"]]}',
        '{"renames": [[1, 2]]}',
        "[1, 2]",
        "{",
    ],
)
def test_a_journal_pressrun_did_not_write_is_removed_unread(tmp_path, journal):
    project = tmp_path / "project"
    (project / "build/en").mkdir(parents=True)
    (project / "build/en/.a.pdf.1.pressrun-tmp").write_text("half")
    (project / "build/.pressrun-journal.json").write_text(journal)
    (tmp_path / "moved.pressrun-tmp").write_text("outside")
    subprocess.run([sys.executable, "-c", "import sys\n" + WRITER, str(project)], check=True)
    assert contents(project) == {} and (tmp_path / "moved.pressrun-tmp").read_text() == "outside"
    assert not (tmp_path / "victim").exists()


def test_a_second_run_at_the_same_time_is_told_so(mini):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(mini)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "held\n"
    result = run(mini, "build", "-q")
    holder.communicate("")
    assert result.code == 1 and result.errors[0] == (
        "build: another pressrun run is writing this folder: wait for it to end, then run again [busy]"
    )
    assert run(mini, "check").code == 0, "reading needs no lock"


# Holds the project's output folder, as a running build does, until its input ends.
HOLDER = """
import sys
from pathlib import Path
from pressrun.files import Folder, exclusive
root = Path(sys.argv[1])
with exclusive(Folder(root / "build", root)):
    print("held", flush=True)
    sys.stdin.read()
"""
