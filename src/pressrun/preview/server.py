"""The preview's web server (the standard library's): the preview page with its script
and style, the pages' images and texts, the edition's PDF, and each update as a
server-sent event.

Nothing else is served. A request's path is looked up in a fixed table, or matched as a
page id of the current or the previous update; it is never turned into a file name, so
no other file can be reached (`..`, encoded or not, is just a path that is not in the
table). The server listens on 127.0.0.1 unless told otherwise, and then answers only
requests addressed to a loopback name, so that a web page elsewhere cannot reach it
through a DNS name of its own.
"""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import json
import re
import threading
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

from ..pdf.assemble import screen_from_print
from .pages import Page, PageImages
from .session import Snapshot

ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/preview.js": ("preview.js", "text/javascript; charset=utf-8"),
    "/preview.css": ("preview.css", "text/css; charset=utf-8"),
}
PAGE_PATH = re.compile(r"/pages/([0-9a-f]{16})\.(png|json)")
# A quiet event stream is kept open by a comment this often (seconds).
KEEP_ALIVE = 15
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def snapshot_json(snapshot: Snapshot) -> str:
    """What the browser is told of an update."""
    return json.dumps(
        {
            "version": snapshot.version,
            "language": snapshot.language,
            "failed": snapshot.failed,
            "first_changed": snapshot.first_changed,
            "seconds": round(snapshot.seconds, 2),
            "pages": [
                {"id": page.id, "number": page.number, "width": round(page.width, 2), "height": round(page.height, 2)}
                for page in snapshot.pages
            ],
            "problems": [
                {
                    "level": problem.level.value,
                    "where": problem.where(),
                    "message": problem.message,
                    "code": problem.code,
                }
                for problem in snapshot.problems
            ],
        }
    )


@dataclass
class _State:
    snapshot: Snapshot
    update: str
    # Counts every change of state, so that each stream knows what it has not sent yet.
    events: int = 0
    building: bool = False


class Hub:
    """The latest update, shared by the update loop (which publishes) and the server's
    threads (which wait for it); the pages of this update and the one before."""

    def __init__(self, images: PageImages):
        self.images = images
        self.changed = threading.Condition()
        self.state = _State(Snapshot(0, "", (), ()), "")
        self.pages: dict[str, Page] = {}
        self.pdf: tuple[int, bytes] | None = None

    def publish(self, snapshot: Snapshot) -> None:
        with self.changed:
            current = {page.id: page for page in snapshot.pages}
            kept = {page.id: page for page in self.state.snapshot.pages}
            self.pages = kept | current
            self.state = _State(snapshot, snapshot_json(snapshot), self.state.events + 1)
            self.changed.notify_all()

    def building(self) -> None:
        with self.changed:
            self.state.building = True
            self.state.events += 1
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> _State | None:
        """The state once it is newer than event `seen`, or None after `timeout` seconds."""
        with self.changed:
            if self.changed.wait_for(lambda: self.state.events > seen, timeout):
                return self.state
        return None

    def page(self, page_id: str) -> Page | None:
        with self.changed:
            return self.pages.get(page_id)

    def edition_pdf(self) -> bytes | None:
        """The screen PDF of the shown edition, joined when first asked for."""
        with self.changed:
            snapshot, made = self.state.snapshot, self.pdf
        if snapshot.outputs is None:
            return None
        if made is None or made[0] != snapshot.version:
            made = (snapshot.version, screen_from_print(snapshot.outputs.laid_out_pdf()))
            with self.changed:
                self.pdf = made
        return made[1]


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, port: int, hub: Hub):
        super().__init__((host, port), _Handler)
        self.hub = hub
        folder = resources.files(__package__).joinpath("assets")
        self.assets = {path: (folder.joinpath(name).read_bytes(), kind) for path, (name, kind) in ASSETS.items()}
        port = self.server_address[1]
        names = ("127.0.0.1", "localhost", "[::1]", host)
        # Bound beyond the loopback address on purpose (--host): any name may reach it.
        self.hosts = {f"{name}:{port}" for name in names} if is_loopback(host) else None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer

    def handle(self) -> None:
        # The browser may no longer want the answer (a page scrolled away, a tab closed).
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def do_GET(self) -> None:  # noqa: N802 -- the name http.server calls
        self._answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(body=False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        # Requests are not news for the person editing; problems are shown in the page.
        pass

    def _answer(self, body: bool) -> None:
        hosts = self.server.hosts
        if hosts is not None and self.headers.get("Host", "") not in hosts:
            return self._send(403, b"Forbidden: this preview answers only to its own address.\n", "text/plain", body)
        path = urlsplit(self.path).path
        if path in self.server.assets:
            data, kind = self.server.assets[path]
            return self._send(200, data, kind, body)
        if path == "/events" and body:
            return self._stream()
        if path == "/edition.pdf":
            pdf = self.server.hub.edition_pdf()
            if pdf is not None:
                return self._send(200, pdf, "application/pdf", body)
        match = PAGE_PATH.fullmatch(path)
        page = self.server.hub.page(match.group(1)) if match else None
        if page is not None and match.group(2) == "png":
            return self._send(200, self.server.hub.images.png(page), "image/png", body, immutable=True)
        if page is not None:
            text = json.dumps(self.server.hub.images.text(page)).encode()
            return self._send(200, text, "application/json", body, immutable=True)
        return self._send(404, b"Not found.\n", "text/plain", body)

    def _send(self, status: int, data: bytes, kind: str, body: bool, immutable: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        # A page's id changes with its content, so its image and text never do.
        self.send_header("Cache-Control", "max-age=31536000, immutable" if immutable else "no-store")
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _stream(self) -> None:
        """Server-sent events: each update in full, and a notice when a new one begins."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent_update, sent_building, seen = "", False, -1
        try:
            while True:
                state = self.server.hub.wait(seen, KEEP_ALIVE)
                if state is None:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = state.events
                    if state.update and state.update != sent_update:
                        self.wfile.write(f"event: update\ndata: {state.update}\n\n".encode())
                        sent_update, sent_building = state.update, False
                    if state.building and not sent_building:
                        self.wfile.write(b"event: building\ndata: {}\n\n")
                        sent_building = True
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The page was closed or reloaded: its stream ends here.
            return
