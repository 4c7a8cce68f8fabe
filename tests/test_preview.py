"""The preview: an edition made again after each change (the session), served by a local
web server that serves nothing but the preview (the server), and seen in a real browser
(Debian's chromium, driven by Playwright) as an editor sees it."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import configure, copy_project, run
from pdfcheck import read_pages
from pressrun import outputs
from pressrun.config import load_config
from pressrun.content import load
from pressrun.errors import Level
from pressrun.i18n import load_editions
from pressrun.outputs import EditionOutputs, LastUpdate
from pressrun.pdf import workers as workers_module
from pressrun.pdf.book import BookSlice
from pressrun.pdf.fonts import confine_fonts
from pressrun.pdf.jobs import LayoutJob
from pressrun.pdf.paginate import Ahead, JobKey, Pagination
from pressrun.pdf.workers import SerialWorkers, workers
from pressrun.preview.pages import PageImages
from pressrun.preview.server import Hub, PreviewServer
from pressrun.preview.session import PreviewSession

CHROMIUM = "/usr/bin/chromium"


def screen_pdf(project: Path) -> Path:
    return load_config(project).pdf_path("en", "screen", 2021)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def session(mini) -> PreviewSession:
    configure(mini, chunk_profiles=1)
    confine_fonts(load_config(mini).cache)  # as `pressrun preview` does before laying out
    return PreviewSession(mini, "en", SerialWorkers())


def page_texts(session: PreviewSession) -> list[str]:
    return ["".join(run["text"] for run in session.images.text(page)) for page in session.snapshot.pages]


def test_an_update_lays_out_the_changed_chunk_and_shows_its_page(session, mini):
    first = session.update()
    assert not first.failed and first.problems == () and len(first.pages) > 5
    alpha = first.outputs.pagination.anchors()["profile-alpha"]
    edit(mini / "content/profiles/alpha.yaml", "A world of connected cities.", "A world of cities that talk.")
    second = session.update([mini / "content/profiles/alpha.yaml"])
    assert second.first_changed == alpha
    assert "A world of cities that talk." in page_texts(session)[alpha - 1]
    alpha_chunk = {page.number for page in second.pages if page.chunk.key == second.pages[alpha - 1].chunk.key}
    new = {page.number for page in second.pages if page.id not in {old.id for old in first.pages}}
    assert new == alpha_chunk, "only the pages of Alpha's chunk are new"


def test_a_mistake_shows_where_it_is_over_the_last_good_pages_until_it_is_mended(session, mini):
    good = session.update()
    profile = mini / "content/profiles/alpha.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("name:", "name: [", 1), encoding="utf-8")
    broken = session.update([profile])
    checked = run(mini, "check")
    assert broken.failed and broken.pages == good.pages
    assert [str(problem) for problem in broken.problems] == checked.errors[:-1]
    assert all(
        problem.origin.path == "content/profiles/alpha.yaml" and problem.origin.line for problem in broken.problems
    )
    profile.write_text(text, encoding="utf-8")
    mended = session.update([profile])
    assert not mended.failed and mended.problems == () and mended.pages == good.pages


def test_a_change_to_the_layouts_keeps_the_view_and_a_bug_does_not_stop_the_preview(session, mini, monkeypatch):
    session.update()
    style = mini / "layouts/pdf/style.css"
    style.write_text(style.read_text(encoding="utf-8") + "\nh1 { color: red }\n", encoding="utf-8")
    restyled = session.update([style])
    assert not restyled.failed and restyled.first_changed is None

    def broken(*_):
        raise RuntimeError("a bug")

    monkeypatch.setattr("pressrun.preview.session.load_editions", broken)
    failed = session.update([style])
    assert failed.failed and [problem.code for problem in failed.problems] == ["internal"]
    assert failed.problems[0].level is Level.ERROR and failed.pages == restyled.pages


def test_a_layout_that_fails_is_shown_and_the_next_update_does_not_wait_for_it(session, mini, monkeypatch):
    """A layout job that fails in the preview's own process (one job at a time) is an
    internal error over the last good pages; the next update goes on (it once waited for
    the failed job's result for ever)."""
    good = session.update()
    profile = mini / "content/profiles/alpha.yaml"
    edit(profile, "A world of connected cities.", "A world of cities that talk.")
    with monkeypatch.context() as patched:
        patched.setattr(workers_module, "_lay_out", lambda job: 1 / 0)
        failed = session.update([profile])
    assert failed.failed and failed.pages == good.pages and "ZeroDivisionError" in failed.problems[0].message
    assert not session.update([profile]).failed
    assert "A world of cities that talk." in " ".join(page_texts(session))


def test_untranslated_text_is_shown_with_a_warning(session, mini):
    configure(mini, languages=["en", "fr"], chunk_profiles=1)
    french = PreviewSession(mini, "fr", SerialWorkers()).update()
    assert not french.failed and french.pages
    assert {problem.level for problem in french.problems} == {Level.WARNING}
    assert any("is not in the catalog" in problem.message for problem in french.problems)


@pytest.fixture
def server():
    """A preview server with no edition yet, on a free port."""
    hub = Hub(PageImages())
    preview = PreviewServer("127.0.0.1", 0, hub)
    thread = threading.Thread(target=preview.serve_forever, daemon=True)
    thread.start()
    yield preview
    preview.shutdown()


def request(server: PreviewServer, target: str, host: str | None = None, method: str = "GET"):
    """The status and body of a request sent exactly as written (nothing normalized)."""
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
    connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host or f"127.0.0.1:{server.server_address[1]}")
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def test_the_server_serves_its_page_and_nothing_else(server):
    assert request(server, "/")[0] == 200
    assert request(server, "/preview.js")[0] == 200 and request(server, "/preview.css")[0] == 200
    for target in [
        "/../pyproject.toml",
        "/%2e%2e/pyproject.toml",
        "/%2E%2E%2Fpyproject.toml",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/pages/../../pyproject.toml",
        "/pages/..%2f..%2fpyproject.toml",
        "/pages/0123456789abcdef.png",
        "/pages/0123456789abcdef.png/../../../etc/passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/assets/index.html",
        "/preview/assets/preview.js",
        "/content/profiles/alpha.yaml",
        "/build/en/publication.pdf",
        "/edition.pdf",
        "/..\\..\\pyproject.toml",
        "/preview.js%00.png",
        "http://127.0.0.1/../pyproject.toml",
    ]:
        status, body = request(server, target)
        assert status == 404 and b"[tool" not in body and b"root:" not in body, target
    assert request(server, "/", method="POST")[0] == 501


def test_the_server_answers_only_requests_addressed_to_it(server):
    assert request(server, "/", host="attacker.example")[0] == 403
    assert request(server, "/preview.js", host=f"attacker.example:{server.server_address[1]}")[0] == 403
    assert request(server, "/", host=f"localhost:{server.server_address[1]}")[0] == 200


@pytest.fixture
def preview(built_directory, tmp_path):
    """`pressrun preview` running on a copy of the built directory (its layouts in the
    layout cache), and its address."""
    project = tmp_path / "directory"
    shutil.copytree(built_directory, project)
    process = subprocess.Popen(
        [sys.executable, "-m", "pressrun.cli", "--project", str(project), "preview", "--port", "0", "--jobs", "1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("Preview at http://127.0.0.1:"), line
        yield project, line.split()[2]
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_an_editor_changes_a_sentence_breaks_the_yaml_and_mends_it_in_a_browser(preview):
    from playwright.sync_api import expect, sync_playwright

    project, url = preview
    profile = project / "content/profiles/c40.yaml"
    built = read_pages(screen_pdf(project))
    c40_page = next(page.number for page in built if "C40 Cities" in page.titles)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(url)
        # The preview shows the pages the build made.
        expect(page.locator("figure.page")).to_have_count(len(built), timeout=120_000)
        expect(page.locator("#status")).to_contain_text(f"en: {len(built)} pages")

        edit(profile, "C40 is a network of nearly 100 cities", "C40 is a network of almost 100 cities")
        sentence = page.locator(".text span", has_text="C40 is a network of almost 100 cities")
        shown = page.locator("figure.page", has=sentence)
        expect(shown).to_have_count(1, timeout=120_000)
        expect(shown).to_be_in_viewport()
        expect(shown.locator("figcaption")).to_have_text(str(c40_page))

        edit(profile, "intro:\n", "intro: [\n")
        located = run(project, "check").errors[0]
        assert located.startswith("content/profiles/c40.yaml:")
        problems = page.locator("#problems")
        expect(problems).to_be_visible(timeout=120_000)
        expect(problems).to_contain_text(located.split(": ", 1)[0])
        expect(page.locator("#problem-list li.error").first).to_have_text(re.sub(r" \[[a-z-]+\]$", "", located))
        expect(page.locator("figure.page")).to_have_count(len(built))

        edit(profile, "intro: [\n", "intro:\n")
        expect(problems).to_be_hidden(timeout=120_000)
        expect(shown).to_have_count(1)
        expect(page.locator("body")).not_to_have_class("failed")
        browser.close()


def test_a_file_saved_as_soon_as_the_watch_has_begun_is_seen(mini):
    """The bench's editor saves the moment the first update is served: the watch must
    already run then (it once began only after the first update, and missed the save)."""
    from pressrun.preview import loop

    saved = loop._watch(mini)
    profile = mini / "content/profiles/alpha.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + "# saved\n", encoding="utf-8")
    assert profile in saved.get(timeout=30)


def test_an_update_renders_again_only_the_chunks_whose_making_changed(tmp_path, monkeypatch):
    """The preview keeps each chunk's HTML from one update to the next: after a change to
    one profile, only the front matter and that profile's chunk are rendered again; after
    a change to what every chunk shows (the publication), every chunk is. The HTML kept
    is always the HTML a fresh render gives."""
    project = copy_project(tmp_path / "directory")
    config = load_config(project)
    memo = LastUpdate()
    rendered: list[BookSlice] = []
    render = outputs.pdf_html
    monkeypatch.setattr(
        outputs, "pdf_html", lambda *args, **values: rendered.append(values["book"]) or render(*args, **values)
    )

    def update() -> tuple[list[str], list[BookSlice]]:
        rendered.clear()
        (edition,) = load_editions(config, ["en"], load(config))
        html = EditionOutputs(config, edition, (), None, lambda *_: None, None, memo).pagination.html
        memo.settle({})
        again = list(rendered)
        fresh = EditionOutputs(config, edition, (), None, lambda *_: None).pagination.html
        assert html == fresh, "a kept chunk's HTML is the HTML a fresh render gives"
        return html, again

    def profiles_of(slices: list[BookSlice]) -> list[list[str]]:
        return [[profile.id for profile in book.profiles] for book in slices]

    html, first = update()
    assert len(first) == len(html) > 3, "the first update renders every chunk"
    assert [book.front for book in update()[1]] == [True], "nothing changed: only the front matter"
    edit(project / "content/profiles/c40.yaml", "C40 is a network of", "C40 is a network of some")
    changed = update()[1]
    assert [book.front for book in changed] == [True, False] and "c40" in profiles_of(changed)[1]
    edit(project / "content/publication.yaml", "title: International City", "title: The International City")
    assert len(update()[1]) == len(html), "the publication changed: every chunk"


def test_the_changed_chunk_is_laid_out_ahead_with_the_settings_it_had(built_directory, tmp_path, monkeypatch):
    """With two workers, while the typesetting loop measures the chunk a change lays out
    again, the other worker lays it out with the settings its profiles had; the loop ends
    on the same settings, and its final layout is that one, not laid out a third time."""
    project = tmp_path / "directory"
    shutil.copytree(built_directory, project)
    config = load_config(project)
    confine_fonts(config.cache)
    ran: list[tuple[JobKey, LayoutJob]] = []
    done = Pagination.done
    monkeypatch.setattr(
        Pagination, "done", lambda paging, key, job, laid: ran.append((key, job)) or done(paging, key, job, laid)
    )
    profile = project / "content/profiles/c40.yaml"
    with workers(2, 2) as pool:
        session = PreviewSession(project, "en", pool)
        first = session.update()
        assert not first.failed and ran == [], "the built directory's layouts are all in the cache"
        edit(profile, "C40 is a network of nearly 100 cities", "C40 is a network of almost 100 cities")
        second = session.update([profile])
        assert not second.failed
        assert "C40 is a network of almost 100 cities" in " ".join(page_texts(session)).replace("\n", " ")
    paging = second.outputs.pagination
    chunk = paging.chunk_of["c40"]
    held = paging.slices[chunk].settable
    assert {key: paging.typesetting.settings.get(key) for key in held} == {
        key: first.outputs.pagination.typesetting.settings.get(key) for key in held
    }, "the change did not move the chunk's settings (else choose another)"
    kinds = [type(key).__name__ for key, job in ran if key.chunk == chunk and not job.settled_only]
    assert "Ahead" in kinds and "Final" not in kinds, kinds
    assert paging.final[chunk][0] in [job for key, job in ran if isinstance(key, Ahead)]
