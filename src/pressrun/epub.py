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

from .content import inline
from .i18n import Edition
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


def print_source(edition: Edition) -> str:
    """How the print edition whose page numbers the page list gives is named."""
    publication = edition.publication
    return f"{inline.plain(publication.title)} {publication.year} (print edition)"


def page_list(page_numbers: dict[str, int], documents: dict[str, str]) -> list[tuple[int, str]]:
    """(print page, href) for every anchor the EPUB has a document for, by page."""
    return sorted(
        (page_numbers[anchor], f"{href}#page-{page_numbers[anchor]}")
        for anchor, href in documents.items()
        if anchor in page_numbers
    )


XHTML = "application/xhtml+xml"


def _documents(edition: Edition, page_numbers: dict[str, int], document) -> list[tuple[Item, bytes]]:
    """The content documents in reading order: cover, navigation, front matter, then one
    per part opening and per profile. `document(template, title, **context)` renders one."""
    publication = edition.publication
    title = f"{publication.title} {publication.year}"
    anchors: dict[str, str] = {"preface": "front.xhtml", "imprint": "front.xhtml"}
    body: list[tuple[Item, bytes]] = []
    for part in edition.parts:
        anchors[part.anchor] = f"{part.anchor}.xhtml"
        body.append(
            (Item(part.anchor, anchors[part.anchor], XHTML), document("part.xhtml.j2", str(part.title), part=part))
        )
        for profile in part.profiles:
            anchors[profile.anchor] = f"{profile.anchor}.xhtml"
            data = document("profile.xhtml.j2", str(profile.name), profile=profile)
            body.append((Item(profile.anchor, anchors[profile.anchor], XHTML), data))
    navigation = document("nav.xhtml.j2", title, page_list=page_list(page_numbers, anchors))
    return [
        (Item("cover", "cover.xhtml", XHTML), document("cover.xhtml.j2", title)),
        (Item("nav", "nav.xhtml", XHTML, "nav"), navigation),
        (Item("front", "front.xhtml", XHTML), document("front.xhtml.j2", str(publication.preface_title))),
        *body,
    ]


def _resources(edition: Edition, layouts: Path, env: Environment) -> list[tuple[Item, bytes]]:
    """The stylesheet, the SVG cover and the contact icons."""
    cover = render(edition, layouts, "epub/cover.svg.j2", env).lstrip().encode("utf-8")
    return [
        (Item("style", "style.css", "text/css"), (layouts / "epub" / "style.css").read_bytes()),
        (Item("cover-image", "images/cover.svg", "image/svg+xml", "cover-image"), cover),
        *(
            (Item(f"icon-{icon.stem}", f"icons/{icon.name}", "image/svg+xml"), icon.read_bytes())
            for icon in sorted((layouts / "icons").glob("*.svg"))
        ),
    ]


def make_epub(
    edition: Edition,
    layouts: Path,
    page_numbers: dict[str, int],
    modified: datetime.datetime,
    basename: str,
    env: Environment | None = None,
) -> EpubResult:
    """The EPUB of `edition` (`basename` names the publication for its identifier);
    `page_numbers` maps the print layout's anchors to pages. Pass the `env` the edition's
    PDF was rendered with to reuse its compiled templates."""
    env = env or environment(layouts, edition)

    def document(template: str, title: str, **context) -> bytes:
        html = render(edition, layouts, f"epub/{template}", env, doc_title=title, page_numbers=page_numbers, **context)
        return html.lstrip().encode("utf-8")

    documents = _documents(edition, page_numbers, document)
    resources = _resources(edition, layouts, env)
    package = render(
        edition,
        layouts,
        "epub/package.opf.j2",
        env,
        identifier=identifier(basename, edition.language),
        modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        documents=[item for item, _ in documents],
        resources=[item for item, _ in resources],
        print_source=print_source(edition),
    )
    container = (layouts / "epub" / "container.xml").read_bytes()
    entries = [("META-INF/container.xml", container), (f"{EPUB_DIR}/package.opf", package.lstrip().encode("utf-8"))]
    entries += [(f"{EPUB_DIR}/{item.href}", data) for item, data in documents + resources]
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
