"""The preview's loop: the workers forked, the server started, then an update of the
edition after each change that watchfiles reports in the content, layouts and catalog
folders, or in pyproject.toml (whose bytes are compared while the folders are quiet,
since editors save a file by replacing it). The watch runs in a thread from before the
first update, so that a file saved while an update runs is not missed; the files saved
meanwhile make the next update together. Each update is also told on the terminal.
"""

from __future__ import annotations

import queue
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import watchfiles

from ..config import CONFIG_FILE, Config, load_config
from ..errors import Level, Origin, ProblemsFound, fail
from ..pdf.fonts import confine_fonts
from ..pdf.workers import workers
from .server import Hub, PreviewServer
from .session import PreviewSession, Snapshot

# How often (milliseconds) pyproject.toml is looked at while the folders are quiet.
CONFIG_CHECK_MS = 300
# How long (milliseconds) the folders must be quiet before an update: editors write a
# file in more than one step.
QUIET_MS = 30


def serve(root: Path, language: str | None, host: str, port: int, jobs: int, say: Callable[[str], None]) -> None:
    """Preview the project in `root` until interrupted."""
    # The workers inherit fontconfig confined to the pinned fonts, so it comes first; a
    # configuration that cannot be read stops the preview before it starts, with its place.
    confine_fonts(load_config(root).cache)
    # Forked first, while this process runs no other thread.
    with workers(jobs, jobs) as pool:
        # A terminal's Ctrl+C and a stop from elsewhere end the loop alike (the workers,
        # forked before, keep the default: they end at once when the pool stops them).
        signal.signal(signal.SIGTERM, _interrupt)
        session = PreviewSession(root, language, pool)
        hub = Hub(session.images)
        try:
            server = PreviewServer(host, port, hub)
        except OSError as error:
            raise fail(
                Origin("--port"), "cannot-listen", f"cannot listen on {host}:{port} ({error.strerror})"
            ) from error
        threading.Thread(target=server.serve_forever, daemon=True).start()
        say(f"Preview at {server.url} (Ctrl+C to stop)")
        try:
            saved = _watch(root)
            hub.building()
            _publish(hub, session.update(), say)
            while True:
                changed = _next_changes(saved)
                hub.building()
                _publish(hub, session.update(changed), say)
        except KeyboardInterrupt:
            say("Preview stopped")
        finally:
            server.shutdown()


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def _publish(hub: Hub, snapshot: Snapshot, say: Callable[[str], None]) -> None:
    hub.publish(snapshot)
    for problem in snapshot.problems:
        say(str(problem))
    errors = sum(problem.level is Level.ERROR for problem in snapshot.problems)
    if snapshot.failed:
        say(f"{snapshot.language}: {errors} error(s); the preview shows the last good pages")
    else:
        say(f"{snapshot.language}: {len(snapshot.pages)} pages in {snapshot.seconds:.2f} s")


def _config(root: Path) -> Config:
    """The configuration, or the default one while pyproject.toml has mistakes (its
    folders are watched until it is mended)."""
    try:
        return load_config(root)
    except ProblemsFound:
        return Config(root=root)


def _watched(config: Config) -> list[Path]:
    return [folder for folder in (config.content_dir, config.layouts_dir, config.locales_dir) if folder.is_dir()]


def _watch(root: Path) -> queue.SimpleQueue:
    """The files that change from now on, in batches, found by a thread: a file saved
    before the first update ends, or while an update runs, is not missed. Returns once
    the watch has begun."""
    saved: queue.SimpleQueue = queue.SimpleQueue()
    watching = threading.Event()

    def watch() -> None:
        for changed in changes(root, watching.set):
            saved.put(changed)

    threading.Thread(target=watch, daemon=True).start()
    while not watching.wait(1):  # in steps, so that Ctrl+C is heard
        pass
    return saved


def _next_changes(saved: queue.SimpleQueue) -> list[Path]:
    """Every file saved since the last update (waiting for one), for one update."""
    while True:
        try:
            changed = saved.get(timeout=1)  # in steps, so that Ctrl+C is heard
            break
        except queue.Empty:
            continue
    while not saved.empty():
        changed += saved.get()
    return sorted(set(changed))


def changes(root: Path, watching: Callable[[], None] = lambda: None) -> Iterator[list[Path]]:
    """The files that changed, each time some did; `watching()` is called whenever the
    watch is running (first within CONFIG_CHECK_MS of the start)."""
    config_file = root / CONFIG_FILE
    while True:
        folders = _watched(_config(root))
        config_bytes = _read(config_file)
        for found in watchfiles.watch(
            *folders, yield_on_timeout=True, rust_timeout=CONFIG_CHECK_MS, step=QUIET_MS, debounce=1000
        ):
            watching()
            changed = sorted({Path(path) for _, path in found})
            if _read(config_file) != config_bytes:
                config_bytes = _read(config_file)
                changed.append(config_file)
            if changed:
                yield changed
            # Watch again when the configuration names other folders, or one appeared or went.
            if _watched(_config(root)) != folders:
                break


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
