"""The EPUB writer: an `Edition` and `layouts/epub/` turned into EPUB 3.3 bytes.

One XHTML document per part opening and per profile, a navigation document (contents,
landmarks, and a page list of the print edition's page numbers), a typographic SVG cover,
accessibility metadata; no fonts (reading systems use their own). The zip is made the
same way every time: `mimetype` first and stored, fixed order, dates and attributes.
"""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from .localize import Edition
from .render import environment, render

EPUB_DIR = "EPUB"


@dataclass(frozen=True)
class Item:
    id: str
    href: str
    media_type: str
    properties: str = ""


@dataclass(frozen=True)
class EpubResult:
    data: bytes
    documents: int


def identifier(basename: str, language: str) -> str:
    """A stable identifier per edition: the same on every build of that edition."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'pressrun:{basename}:{language}')}"


def page_list(page_numbers: dict[str, int], documents: dict[str, str]) -> list[tuple[int, str]]:
    """(print page, href) for every anchor the EPUB has a document for, by page."""
    return sorted(
        (page_numbers[anchor], f"{href}#page-{page_numbers[anchor]}")
        for anchor, href in documents.items()
        if anchor in page_numbers
    )


def make_epub(
    edition: Edition,
    layouts: Path,
    page_numbers: dict[str, int],
    modified: datetime.datetime,
    identifier: str,
    print_source: str,
    env: Environment | None = None,
) -> EpubResult:
    """The EPUB of `edition`; `page_numbers` maps the print layout's anchors to pages.
    Pass the `env` the edition's PDF was rendered with to reuse its compiled templates."""

    env = env or environment(layouts, edition)

    def document(template: str, title: str, **context) -> bytes:
        html = render(edition, layouts, f"epub/{template}", env, doc_title=title, page_numbers=page_numbers, **context)
        return html.lstrip().encode("utf-8")

    publication = edition.publication
    title = f"{publication.title} {publication.year}"
    files: list[tuple[str, bytes]] = []
    documents: list[Item] = []
    anchors: dict[str, str] = {"preface": "front.xhtml", "imprint": "front.xhtml"}

    def add_document(item_id: str, href: str, data: bytes, properties: str = "") -> None:
        documents.append(Item(item_id, href, "application/xhtml+xml", properties))
        files.append((href, data))

    add_document("cover", "cover.xhtml", document("cover.xhtml.j2", title))
    front = document("front.xhtml.j2", str(publication.preface_title))
    profile_documents = []
    for part in edition.parts:
        href = f"part-{part.id}.xhtml"
        anchors[f"part-{part.id}"] = href
        profile_documents.append((f"part-{part.id}", href, document("part.xhtml.j2", str(part.title), part=part)))
        for profile in part.profiles:
            href = f"profile-{profile.id}.xhtml"
            anchors[f"profile-{profile.id}"] = href
            body = document("profile.xhtml.j2", str(profile.name), profile=profile)
            profile_documents.append((f"profile-{profile.id}", href, body))
    pages = page_list(page_numbers, anchors)
    add_document("nav", "nav.xhtml", document("nav.xhtml.j2", str(title), page_list=pages), "nav")
    add_document("front", "front.xhtml", front)
    for item_id, href, data in profile_documents:
        add_document(item_id, href, data)

    resources = [Item("style", "style.css", "text/css")]
    files.append(("style.css", (layouts / "epub" / "style.css").read_bytes()))
    cover = render(edition, layouts, "epub/cover.svg.j2", env).lstrip().encode("utf-8")
    resources.append(Item("cover-image", "images/cover.svg", "image/svg+xml", "cover-image"))
    files.append(("images/cover.svg", cover))
    for icon in sorted((layouts / "icons").glob("*.svg")):
        resources.append(Item(f"icon-{icon.stem}", f"icons/{icon.name}", "image/svg+xml"))
        files.append((f"icons/{icon.name}", icon.read_bytes()))

    package = render(
        edition,
        layouts,
        "epub/package.opf.j2",
        env,
        identifier=identifier,
        modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        documents=documents,
        resources=resources,
        print_source=print_source,
    )
    container = (layouts / "epub" / "container.xml").read_bytes()
    entries = [("META-INF/container.xml", container), (f"{EPUB_DIR}/package.opf", package.lstrip().encode("utf-8"))]
    entries += [(f"{EPUB_DIR}/{name}", data) for name, data in files]
    return EpubResult(zip_package(entries, modified), len(documents))


def zip_package(entries: list[tuple[str, bytes]], when: datetime.datetime) -> bytes:
    """An OCF container: `mimetype` first and stored, then `entries` in order, deflated,
    every entry with the same date, permissions and creator system."""
    stamp = max(when, datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in [("mimetype", b"application/epub+zip"), *entries]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()
