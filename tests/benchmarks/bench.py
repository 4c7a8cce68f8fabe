"""Build benchmarks: wall time, CPU time and peak memory of pressrun's builds, side by side
with WeasyPrint alone on the same machine. Reports, never asserts.

Run with `nox -s bench` (or `python tests/benchmarks/bench.py`). Every measurement is a
separate process run on a copy of the project in a temporary folder, so that nothing of
the repository's own build/ is touched.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The PDF readers the tests use, for the contents check of the generated directories.
sys.path.insert(0, str(REPOSITORY / "tests"))

BASELINE = """
import datetime
import sys
from pathlib import Path
from pressrun.config import load_config
from pressrun.i18n import load_editions
from pressrun.pdf.book import whole_book
from pressrun.pdf.fonts import FACES, confine_fonts
from pressrun.render import pdf_html

config = load_config(Path(sys.argv[1]))
(edition,) = load_editions(config, ["en"])
created = datetime.datetime(2021, 10, 6, tzinfo=datetime.UTC)
html = pdf_html(edition, config.folder("layouts"), variant="screen", created=created, book=whole_book(edition.parts),
                fonts=FACES)
confine_fonts(config.cache)
from weasyprint import HTML
HTML(string=html, base_url=(config.layouts_dir / "pdf").as_uri() + "/").write_pdf(sys.argv[2])
"""


@dataclass
class Measure:
    name: str
    wall: float
    cpu: float
    peak_mb: float
    note: str = ""


def run(name: str, command: list[str], cwd: Path, note: str = "") -> Measure:
    """Run `command` and measure it (with every process it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    output = process.stdout.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed:\n{output}")
    measure = Measure(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, note or _last_line(output))
    return _told(measure)


def _told(measure: Measure) -> Measure:
    """Each measure on standard error as soon as it is taken (a long run may be stopped)."""
    print(
        f"{measure.name}: {measure.wall:.2f} s wall, {measure.cpu:.2f} s cpu {measure.note}",
        file=sys.stderr,
        flush=True,
    )
    return measure


def median(measures: list[Measure]) -> Measure:
    """The run with the median wall time, noted with the spread of all runs."""
    ordered = sorted(measures, key=lambda measure: measure.wall)
    chosen = ordered[len(ordered) // 2]
    if len(ordered) > 1:
        walls = ", ".join(f"{measure.wall:.2f}" for measure in measures)
        chosen.note = f"median of {len(ordered)} runs ({walls} s) {chosen.note}".strip()
    return chosen


def _last_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy(REPOSITORY / "pyproject.toml", target)
    for folder in ("content", "layouts", "locales"):
        shutil.copytree(REPOSITORY / folder, target / folder)
    return target


def generate_directory(source: Path, target: Path, count: int, seed: int = 2021) -> Path:
    """A directory of `count` profiles made from the real ones: each is a real profile's
    text under a new id and a new, sortable name; one English edition."""
    project = copy_project(target)
    shutil.rmtree(project / "locales")
    profiles_dir = project / "content" / "profiles"
    originals = sorted((source / "content" / "profiles").glob("*.yaml"))
    shutil.rmtree(profiles_dir)
    profiles_dir.mkdir()
    chooser = random.Random(seed)
    ids = []
    for number in range(1, count + 1):
        original = chooser.choice(originals)
        text = original.read_text(encoding="utf-8")
        text = re.sub(r"^name: (.*)$", rf"name: \g<1> {number:04d}", text, count=1, flags=re.M)
        profile_id = f"network-{number:04d}"
        (profiles_dir / f"{profile_id}.yaml").write_text(text, encoding="utf-8")
        ids.append(profile_id)
    publication = (project / "content" / "publication.yaml").read_text(encoding="utf-8")
    head = publication[: publication.index("parts:")]
    listed = "\n".join(f"      - {profile_id}" for profile_id in ids)
    parts = f"parts:\n  - id: directory\n    title: The Directory\n    order: alphabetical\n    profiles:\n{listed}\n"
    (project / "content" / "publication.yaml").write_text(head + parts, encoding="utf-8")
    config = (project / "pyproject.toml").read_text(encoding="utf-8")
    config = re.sub(r"^languages = .*$", 'languages = ["en"]', config, flags=re.M)
    (project / "pyproject.toml").write_text(config, encoding="utf-8")
    return project


def check_contents(project: Path) -> str:
    """The check the tests make of the English edition: every profile starts on the page
    the contents gives for it."""
    from pdfcheck import misplaced_profiles, read_pages
    from pressrun.config import load_config
    from pressrun.i18n import load_editions

    config = load_config(project)
    (edition,) = load_editions(config, ["en"])
    pages = read_pages(config.pdf_path("en", "screen", edition.publication.year))
    wrong = misplaced_profiles(pages, "Contents", edition)
    count = len(edition.profiles())
    if wrong:
        return f"{len(pages)} pages; contents WRONG for {len(wrong)} of {count} profiles: {wrong[:3]}"
    return f"{len(pages)} pages; contents right for all {count} profiles"


# The words that take turns in the profile sentence the preview and rebuild rows change:
# each is new to the layout cache, so that every change is laid out.
SENTENCE = "C40 is a network of {} 100 cities"
WORDINGS = ["nearly", "almost", "roughly", "about", "close to", "some", "just under"]


def profile_with_sentence(project: Path) -> Path:
    """The first profile file that holds SENTENCE (the generated directories copy C40's text)."""
    start = SENTENCE.split("{}")[0]
    return next(path for path in sorted((project / "content/profiles").glob("*.yaml")) if start in path.read_text())


def change_sentence(path: Path) -> str:
    """Change the sentence from the wording it has to the next one, which is returned."""
    text = path.read_text(encoding="utf-8")
    turn = next(number for number, wording in enumerate(WORDINGS) if SENTENCE.format(wording) in text)
    before, after = (SENTENCE.format(WORDINGS[n % len(WORDINGS)]) for n in (turn, turn + 1))
    path.write_text(text.replace(before, after, 1), encoding="utf-8")
    return after


class Preview:
    """`pressrun preview` on a project, and the updates it sends (read by a thread)."""

    def __init__(self, project: Path):
        self.process = subprocess.Popen(
            [str(BIN / "pressrun"), "preview", "--port", "0"], cwd=project, stdout=subprocess.PIPE, text=True
        )
        address = urllib.parse.urlsplit(self.process.stdout.readline().split()[2])
        self.host, self.port = address.hostname, address.port
        self.updates: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._listen, daemon=True).start()

    def _listen(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port)
        connection.request("GET", "/events")
        response = connection.getresponse()
        kind = ""
        for line in response:
            line = line.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "update":
                self.updates.put(json.loads(line[6:]))

    def next_good_update(self) -> dict:
        while (update := self.updates.get(timeout=3600))["failed"]:
            pass
        return update

    def get(self, target: str) -> bytes:
        connection = http.client.HTTPConnection(self.host, self.port)
        connection.request("GET", target)
        return connection.getresponse().read()

    def close(self) -> None:
        self.process.terminate()
        self.process.wait()


def preview_edit_to_page(project: Path, name: str, runs: int = 5) -> Measure:
    """Seconds from saving a changed sentence to the changed page's image and text being
    served by the preview (median of `runs`), the sentence's wordings taking turns."""
    path = profile_with_sentence(project)
    preview = Preview(project)
    try:
        preview.next_good_update()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            sentence = change_sentence(path)
            update = preview.next_good_update()
            page = update["pages"][update["first_changed"] - 1]
            preview.get(f"/pages/{page['id']}.png")
            text = preview.get(f"/pages/{page['id']}.json").decode()
            timings.append(time.perf_counter() - started)
            assert sentence.split(" of ")[1] in text, f"the served page does not show {sentence!r}"
    finally:
        preview.close()
    ordered = sorted(timings)
    spread = ", ".join(f"{seconds:.2f}" for seconds in timings)
    note = f"median of {runs} saves ({spread} s); page {update['first_changed']}"
    return _told(Measure(name, ordered[len(ordered) // 2], 0.0, 0.0, note))


def change_one_french_message(project: Path) -> None:
    path = project / "locales" / "fr" / "LC_MESSAGES" / "layouts.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgstr "Projets phares"', 'msgstr "Projets clés"', 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="generated directory sizes (comma-separated, or none)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the baseline and of the cold build (median)")
    args = parser.parse_args()
    pressrun = str(BIN / "pressrun")
    results: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="pressrun-bench-") as scratch:
        project = copy_project(Path(scratch) / "directory")
        # The two measurements compared against each other are repeated (the median
        # counts), so that one slow moment of a shared machine does not decide the ratio.
        results.append(
            median(
                [
                    run(
                        "baseline: WeasyPrint alone, English HTML → PDF",
                        [sys.executable, "-c", BASELINE, str(project), "/dev/null"],
                        project,
                        "1 rendering",
                    )
                    for _ in range(args.repeat)
                ]
            )
        )
        cold_builds = []
        for _ in range(args.repeat):
            shutil.rmtree(project / "build", ignore_errors=True)
            cold_builds.append(run("cold build, every edition", [pressrun, "build", "-q"], project))
        results.append(median(cold_builds))
        results.append(run("rebuild, nothing changed", [pressrun, "build", "-q"], project))
        change_one_french_message(project)
        results.append(run("rebuild, one French message changed", [pressrun, "build", "-q"], project))
        # A changed English sentence leaves the French edition with an untranslated message.
        change_sentence(profile_with_sentence(project))
        one_profile = [pressrun, "build", "-q", "--allow-untranslated"]
        results.append(run("rebuild, one profile sentence changed", one_profile, project))
        results.append(preview_edit_to_page(project, "preview: save → changed page served"))
        for size in [int(s) for s in args.sizes.split(",") if s.strip().isdigit()]:
            generated = generate_directory(project, Path(scratch) / f"generated-{size}", size)
            measure = run(f"generated directory, {size} profiles", [pressrun, "build", "-q"], generated)
            measure.note = check_contents(generated)
            results.append(measure)
            if size >= 1000:
                name = f"preview, {size} profiles: save → page served"
                results.append(preview_edit_to_page(generated, name))
    baseline = results[0].wall
    print(f"{'measurement':<46}{'wall s':>9}{'cpu s':>9}{'cpu/wall':>9}{'peak MB':>9}{'× baseline':>12}  note")
    for measure in results:
        print(
            f"{measure.name:<46}{measure.wall:>9.2f}{measure.cpu:>9.2f}{measure.cpu / measure.wall:>9.2f}"
            f"{measure.peak_mb:>9.0f}{measure.wall / baseline:>12.2f}  {measure.note}"
        )
    cold = results[1].wall
    changed = next(m for m in results if m.name == "rebuild, one profile sentence changed").wall
    print(f"one profile sentence changed against a cold build: × {changed / cold:.2f}")
    generated = {int(m.name.split()[2]): m.wall for m in results if m.name.startswith("generated")}
    if len(generated) >= 2:
        small, large = min(generated), max(generated)
        print(f"time from {small} to {large} profiles: × {generated[large] / generated[small]:.2f}")
    print(f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
