"""The EPUB writer: an `Edition` and `layouts/epub/` turned into EPUB 3.3 bytes.

One XHTML document per part opening and per profile, a navigation document (contents,
landmarks, and a page list with every page of the print edition), a typographic SVG
cover, accessibility metadata; no fonts (reading systems use their own). The zip is made
the same way every time: `mimetype` first and stored, fixed order, dates and attributes.
Every file is read through the layouts folder's boundary, and every document is parsed
before it is packed: a document that is not well-formed XML, or that refers to a file
the package lacks (a missing icon), is an error at its template, never a broken EPUB.
"""

from __future__ import annotations

import datetime
import io
import posixpath
import re
import uuid
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from jinja2 import Environment

from .errors import Origin, Problems
from .files import Folder
from .i18n import Edition
from .render import environment, render

EPUB_DIR = "EPUB"


@dataclass(frozen=True)
class Item:
    id: str
    href: str
    media_type: str
    properties: str = ""
    # The layouts' file it is made from, for problems.
    template: str = ""


@dataclass(frozen=True)
class EpubResult:
    data: bytes
    documents: int


@dataclass(frozen=True)
class PrintEdition:
    """The print edition whose pages the EPUB's page list gives: the page on which each
    anchor (an element's id) starts, its number of pages, and its file's name."""

    anchors: dict[str, int]
    pages: int
    file_name: str


def identifier(basename: str, language: str) -> str:
    """A stable identifier per edition: the same on every build of that edition."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'pressrun:{basename}:{language}')}"


class PageBreaks:
    """The print edition's pages, handed out to the EPUB's documents as they are rendered
    in reading order: each element with an id takes a marker for every page up to the
    one it starts on that no element before it took. A blank page, or one that begins in
    the middle of a paragraph, so shares the place of the next element that starts."""

    def __init__(self, page_numbers: dict[str, int], pages: int):
        self.page_numbers = page_numbers
        self.pages = pages
        self.next_page = 1
        self.document = ""
        # (print page, href of its marker), in page order: the navigation's page list.
        self.placed: list[tuple[int, str]] = []

    def up_to(self, anchor: str) -> list[int]:
        """The pages up to the one the element `anchor` starts on (none if the print
        edition does not have it)."""
        return self._take(self.page_numbers[anchor]) if anchor in self.page_numbers else []

    def before(self, anchor: str) -> list[int]:
        """The pages before the one the element `anchor` starts on."""
        return self._take(self.page_numbers[anchor] - 1) if anchor in self.page_numbers else []

    def rest(self) -> list[int]:
        """The pages left, at the end of the last document (those after its content)."""
        return self._take(self.pages)

    def _take(self, last: int) -> list[int]:
        numbers = list(range(self.next_page, last + 1))
        self.next_page = max(self.next_page, last + 1)
        self.placed += [(number, f"{self.document}#page-{number}") for number in numbers]
        return numbers


XHTML = "application/xhtml+xml"


def _documents(edition: Edition, page_breaks: PageBreaks, document) -> list[tuple[Item, bytes]]:
    """The content documents in the print edition's reading order: cover, front matter,
    navigation (the contents), then one per part opening and per profile.
    `document(item, template, title, **context)` renders one. The navigation's page list
    needs every other document's markers, so it is rendered last."""
    publication = edition.publication
    title = f"{publication.title} {publication.year}"
    cover = Item("cover", "cover.xhtml", XHTML, template="epub/cover.xhtml.j2")
    front = Item("front", "front.xhtml", XHTML, template="epub/front.xhtml.j2")
    made = [
        (cover, document(cover, "cover.xhtml.j2", title)),
        (front, document(front, "front.xhtml.j2", str(publication.preface_title))),
    ]
    body = []
    for part in edition.parts:
        body.append((part.anchor, "part.xhtml.j2", str(part.title), {"part": part}))
        body += [(p.anchor, "profile.xhtml.j2", str(p.name), {"profile": p}) for p in part.profiles]
    for index, (anchor, template, doc_title, context) in enumerate(body):
        item = Item(anchor, f"{anchor}.xhtml", XHTML, template=f"epub/{template}")
        made.append((item, document(item, template, doc_title, closing=index == len(body) - 1, **context)))
    navigation = Item("nav", "nav.xhtml", XHTML, "nav", "epub/nav.xhtml.j2")
    made.insert(2, (navigation, document(navigation, "nav.xhtml.j2", title, page_list=page_breaks.placed)))
    return made


def _resources(edition: Edition, layouts: Folder, env: Environment) -> list[tuple[Item, bytes]]:
    """The stylesheet, the SVG cover and the contact icons."""
    cover = render(edition, layouts, "epub/cover.svg.j2", env).lstrip().encode("utf-8")
    style = layouts.read_bytes(layouts.path / "epub" / "style.css")
    resources = [
        (Item("style", "style.css", "text/css", template="epub/style.css"), style),
        (Item("cover-image", "images/cover.svg", "image/svg+xml", "cover-image", "epub/cover.svg.j2"), cover),
    ]
    icons = layouts.path / "icons"
    for icon in layouts.files(icons, recursive=False) if icons.is_dir() else []:
        if icon.suffix == ".svg" and _ID.fullmatch(icon.stem):
            item = Item(f"icon-{icon.stem}", f"icons/{icon.name}", "image/svg+xml", template=f"icons/{icon.name}")
            resources.append((item, layouts.read_bytes(icon)))
    return resources


# What a file name of the package may be: the icons' names become ids and hrefs.
_ID = re.compile(r"[A-Za-z][\w.-]*")
_LINKS = ("{http://www.w3.org/1999/xhtml}img", "src"), ("{http://www.w3.org/1999/xhtml}link", "href")


def _checked(entries: list[tuple[str, bytes, str]], layouts: Folder) -> None:
    """Raise ProblemsFound, at the template, for every document that is not well-formed
    XML and every image or stylesheet a document uses that the package does not hold."""
    names = {name for name, _, _ in entries}
    problems = Problems()
    for name, data, template in entries:
        if not name.endswith((".xhtml", ".opf", ".svg", ".xml")):
            continue
        origin = Origin(layouts.shown(layouts.path / template))
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as error:
            line, col = error.position
            problems.error(
                origin, "epub", f"{name} is not well-formed XML (its line {line}, column {col + 1}): {error}"
            )
            continue
        for tag, attribute in _LINKS:
            for element in root.iter(tag):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(name), element.get(attribute, "")))
                if target not in names:
                    problems.error(origin, "epub", f"{name} uses {element.get(attribute)!r}, which the layouts lack")
    problems.raise_if_errors()


def epub_files(
    edition: Edition, layouts: Folder, print_edition: PrintEdition, env: Environment | None = None
) -> tuple[list[tuple[Item, bytes]], list[tuple[Item, bytes]]]:
    """The EPUB's content documents, in reading order, and its resources (stylesheet,
    cover image, icons), each with its manifest item."""
    env = env or environment(layouts, edition)
    page_breaks = PageBreaks(print_edition.anchors, print_edition.pages)

    def document(item: Item, template: str, title: str, closing: bool = False, **context) -> bytes:
        page_breaks.document = item.href
        html = render(
            edition,
            layouts,
            f"epub/{template}",
            env,
            doc_title=title,
            page_breaks=page_breaks,
            closing=closing,
            **context,
        )
        return html.lstrip().encode("utf-8")

    return _documents(edition, page_breaks, document), _resources(edition, layouts, env)


def make_epub(
    edition: Edition,
    layouts: Folder,
    print_edition: PrintEdition,
    modified: datetime.datetime,
    basename: str,
    certifier: str = "",
    env: Environment | None = None,
) -> EpubResult:
    """The EPUB of `edition` (`basename` names the publication for its identifier), its
    page list following `print_edition`. Only when `certifier` names who evaluated its
    accessibility does the package claim conformance. Pass the `env` the edition's PDF
    was rendered with to reuse its compiled templates."""
    env = env or environment(layouts, edition)
    documents, resources = epub_files(edition, layouts, print_edition, env)
    package = render(
        edition,
        layouts,
        "epub/package.opf.j2",
        env,
        identifier=identifier(basename, edition.language),
        modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        documents=[item for item, _ in documents],
        resources=[item for item, _ in resources],
        print_file=print_edition.file_name,
        certifier=certifier,
    )
    container = layouts.read_bytes(layouts.path / "epub" / "container.xml")
    entries = [
        ("META-INF/container.xml", container, "epub/container.xml"),
        (f"{EPUB_DIR}/package.opf", package.lstrip().encode("utf-8"), "epub/package.opf.j2"),
    ]
    entries += [(f"{EPUB_DIR}/{item.href}", data, item.template) for item, data in documents + resources]
    _checked(entries, layouts)
    return EpubResult(zip_package([(name, data) for name, data, _ in entries], modified), len(documents))


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
