"""The PDF editions, read back: contents, page numbers, outline, text, fonts, boxes (every
language); the source text in English, the French edition's language."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import LANGUAGES
from conftest import edition as edition_of
from pdfcheck import comparable, contents_entries, letters, misplaced_profiles, outline, read_pages, title_of
from pressrun.config import load_config
from pressrun.content import load
from sourcetext import contact_units, normalize, source_units, tokens

BASENAME = "international-city-networks-directory-2021"
MM = 72 / 25.4


# The pinned families each edition's PDFs embed (as PostScript names, without spaces).
FAMILIES = {"ar": {"Source-Sans-3", "Noto-Sans-Arabic"}, "zh": {"Noto-Sans-SC", "Source-Sans-3"}}


def contents_heading(edition) -> str:
    return edition.labels.get("Contents", "Contents")


def screen_pdf(project: Path, language: str = "en") -> Path:
    return project / "build" / language / f"{BASENAME}.pdf"


def print_pdf(project: Path, language: str = "en") -> Path:
    return project / "build" / language / f"{BASENAME}-print.pdf"


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def pages(built_directory, language):
    return read_pages(screen_pdf(built_directory, language))


@pytest.fixture(scope="module")
def edition(built_directory, language):
    return edition_of(built_directory, language)


@pytest.fixture(scope="module")
def key(edition):
    """A title as it compares with the one read back from the edition's PDF."""
    return lambda text: comparable(str(text), edition.direction == "rtl")


@pytest.fixture(scope="module")
def contents(pages, edition, key) -> dict[str, int]:
    """Page by title (see `key`), from the PDF's contents pages."""
    return {key(title): page for title, page in contents_entries(pages, contents_heading(edition))}


def test_contents_lists_parts_and_profiles_in_edition_order(pages, edition, key):
    titles = [key(title) for title, _ in contents_entries(pages, contents_heading(edition))]
    expected = []
    for part in edition.parts:
        expected.append(key(part.title.upper()))
        expected.extend(key(title_of(profile, edition.language)) for profile in part.profiles)
    assert titles == expected


def test_each_profile_starts_on_the_page_the_contents_gives(pages, edition, contents):
    assert len(contents) == 2 + 29
    assert misplaced_profiles(pages, contents_heading(edition), edition) == []


def test_part_openings_are_on_the_pages_the_contents_gives(pages, edition, contents, key):
    entries = contents
    for part in edition.parts:
        page = pages[entries[key(part.title.upper())] - 1]
        assert letters(part.title) == letters(" ".join(page.body))
        assert page.footer == [] and page.header == [], "part openings carry no running header or folio"


def test_outline_mirrors_the_contents(built_directory, edition, contents, language, key):
    entries = contents
    bookmarks = {
        comparable(title): (page, children) for title, page, children in outline(screen_pdf(built_directory, language))
    }
    for part in edition.parts:
        page, children = bookmarks[comparable(part.title)]
        assert page == entries[key(part.title.upper())]
        assert [(comparable(title), number) for title, number in children] == [
            (comparable(title_of(p, edition.language)), entries[key(title_of(p, edition.language))])
            for p in part.profiles
        ]


# Page economy (issue 14): the 2021 original set its last profile on page 53. The other
# languages keep what their first two-column builds took (Russian runs longest).
MOST_PAGES = {"en": 56, "fr": 58, "ru": 62, "es": 56, "ar": 54, "zh": 56}
LAST_PROFILE_BY = {"en": 53, "fr": 55, "ru": 59, "es": 53, "ar": 51, "zh": 53}


def test_the_directory_is_set_as_economically_as_the_original(pages, edition, contents, language, key):
    last = max(contents[key(title_of(profile, language))] for profile in edition.profiles())
    assert last <= LAST_PROFILE_BY[language] and len(pages) <= MOST_PAGES[language]


def test_running_folios_and_headers(pages, edition, contents, key):
    entries = contents
    assert pages[0].footer == [] and pages[0].header == [], "the cover has no folio"
    starts = sorted((entries[key(title_of(profile, edition.language))], profile) for profile in edition.profiles())
    openings = {entries[key(part.title.upper())] for part in edition.parts}
    for (first, profile), (following, _) in zip(starts, [*starts[1:], (len(pages), None)], strict=True):
        part = next(part for part in edition.parts if profile in part.profiles)
        running = f"{profile.name} ({profile.acronym})" if profile.acronym else str(profile.name)
        # A profile's first page names its part; every page it runs on to names the profile.
        for page in pages[first - 1 : following - 1]:
            if not page.body or page.number in openings:
                continue
            assert page.footer == [str(page.number)]
            expected = str(part.title) if page.number == first else running
            assert letters(key(" ".join(page.header))) == letters(key(expected)), f"page {page.number}"


def test_the_imprint_page_has_no_folio(pages, edition):
    holder = edition.publication.imprint.copyright_holder
    copyright = edition.labels.get("© %(holder)s, %(year)s", "© %(holder)s, %(year)s") % {
        "holder": holder,
        "year": edition.publication.year,
    }
    # The page with the © and the copyright line's words (right to left, a line is read
    # back from the left: its words, not their order).
    imprint = next(
        page
        for page in pages
        if "©" in " ".join(page.body)
        and all(letters(word) in letters(" ".join(page.body)) for word in copyright.split())
    )
    assert imprint.footer == [] and imprint.header == []


def test_every_source_sentence_is_in_the_english_pdf(built_directory):
    pages = read_pages(screen_pdf(built_directory, "en"))
    book = load(load_config(built_directory))
    """Prose word for word (letters and digits, so hyphenation and line breaks do not
    matter); contact lines word by word, since the layout adds labels and joins."""
    text = (
        letters(" ".join(chunk for page in pages for chunk in page.body))
        + " "
        + letters(" ".join(chunk for page in pages for chunk in page.footnotes))
    )
    words = {letters(word) for page in pages for chunk in page.body + page.footnotes for word in chunk.split()}
    from_contacts = contact_units(book)
    missing = []
    for line, sentence in source_units():
        if any(letters(normalize(sentence, keep_scheme=keep)) in text for keep in (False, True)):
            continue
        if sentence in from_contacts and {letters(token) for token in tokens(sentence)} <= words:
            continue
        missing.append(f"directory-2021.txt:{line}: {sentence}")
    assert not missing, "source sentences not found in the PDF:\n" + "\n".join(missing)


# A note begins with its number; right to left, read back from the left, a translated
# note ends with it (an English stand-in, set left to right, still begins with it).
LEADING_NUMBER = re.compile(r"^\s*(\d+)\.")
FOOTNOTE_NUMBER = {"ltr": (LEADING_NUMBER,), "rtl": (LEADING_NUMBER, re.compile(r"(?:^|\.)(\d+)\s*$"))}


def note_number(chunk: str, direction: str) -> int | None:
    found = next((number for pattern in FOOTNOTE_NUMBER[direction] if (number := pattern.search(chunk))), None)
    return int(found.group(1)) if found else None


def test_footnotes_are_numbered_through_the_publication_at_the_foot_of_their_page(pages, edition):
    numbers = []
    for page in pages:
        on_page = [number for chunk in page.footnotes if (number := note_number(chunk, edition.direction))]
        assert [int(call) for call in page.calls] == on_page, f"page {page.number}: calls and notes differ"
        numbers += on_page
    assert numbers == list(range(1, 7))


def embedded_fonts(path: Path) -> set[tuple[str, bool]]:
    fonts = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add((str(font["/BaseFont"]).split("+", 1)[-1], embedded))
    return fonts


@pytest.mark.parametrize("variant", [screen_pdf, print_pdf])
def test_only_the_pinned_fonts_all_embedded(built_directory, variant, language):
    fonts = embedded_fonts(variant(built_directory, language))
    assert fonts, "no fonts found"
    assert all(embedded for _, embedded in fonts)
    families = FAMILIES.get(language, {"Source-Sans-3"})
    # One subset per weight and style used (a static instance of a variable font).
    assert {family for name, _ in fonts for family in families if name.startswith(family)} == families, fonts
    assert all(any(name.startswith(family) for family in families) for name, _ in fonts), fonts


def box(page, name):
    return [float(value) for value in page[name]]


def test_screen_variant_has_no_bleed_and_is_tagged(built_directory, language):
    reader = PdfReader(screen_pdf(built_directory, language))
    for page in reader.pages:
        assert box(page, "/MediaBox") == pytest.approx([0, 0, 210 * MM, 297 * MM], abs=0.01)
        if "/BleedBox" in page:
            assert box(page, "/BleedBox") == box(page, "/MediaBox")
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == language


def test_metadata(built_directory):
    metadata = PdfReader(screen_pdf(built_directory)).metadata
    assert metadata.title == "International City Networks Directory 2021"
    assert metadata.author == "Geneva Cities Hub"
    assert metadata.subject == "In Focus: SDG 11 Day, 6 October 2021, Geneva"
    assert metadata["/CreationDate"] == "D:20211006000000Z"


def test_links_internal_and_external(built_directory):
    reader = PdfReader(screen_pdf(built_directory))
    uris, internal = set(), 0
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            action = annotation.get("/A", {})
            if action.get("/URI"):
                uris.add(str(action["/URI"]))
            elif "/Dest" in annotation or action.get("/S") == "/GoTo":
                internal += 1
    assert internal >= 31, "every contents line links to its page"
    assert "https://www.genevacitieshub.org" in uris
    assert "mailto:info@genevacitieshub.org" in uris


def test_building_again_from_scratch_gives_the_same_bytes_for_every_output(built_directory):
    """The English edition laid out again from scratch, typesetting loop and all (the
    other editions are made by the same code, and each costs half a minute; the chunk
    tests compare a serial build with a parallel one)."""
    from pressrun.build import build

    config = dataclasses.replace(load_config(built_directory), languages=("en",), drafts=())
    languages = ["en"]
    files = [variant(built_directory, language) for variant in (screen_pdf, print_pdf) for language in languages]
    files += [built_directory / "build" / language / f"{BASENAME}.epub" for language in languages]
    before = [path.read_bytes() for path in files]
    rebuilt = build(config, strict=True, drafts=True, force=True)
    assert sorted({built.path.parent.name for built in rebuilt.files}) == sorted(languages)
    assert [path.read_bytes() for path in files] == before


# Proper names of projects, programmes, people and organisations that the French edition keeps.
PROPER_NAMES = {
    "Hot Pink Paper Municipal Campaign.",
    "Emergency Governance Initiative.",
    "Cities for Global Health.",
    "Metropolis City Managers.",
    "Metropolis Learning and Training.",
    "Metropolis Pilot Projects.",
    "Urban Sustainability Exchange (USE) Platform.",
    "Resilient Cities Shaping a Digital World.",
    "DR KELLY HENNING, BLOOMBERG PHILANTHROPIES",
    "© Geneva Cities Hub, 2021",
}


def organisation_names(book) -> set[str]:
    """Each organisation's name lines as the source prints them: proper names, and found in
    web addresses whatever the language."""
    names = {letters(book.publication.publisher.name)}
    for profile in book.profiles.values():
        for name in (profile.name, *(other.name for other in profile.other_names)):
            names.add(letters(name))
            if profile.acronym:
                names.add(letters(f"{name} ({profile.acronym})"))
    return names


def test_the_french_pdf_has_no_english_sentence_from_the_source(built_directory):
    pages = read_pages(screen_pdf(built_directory, "fr"))
    text = letters(" ".join(chunk for page in pages for chunk in page.body + page.footnotes))
    book = load(load_config(built_directory))
    from_contacts = contact_units(book)
    names = organisation_names(book)
    english = [
        f"directory-2021.txt:{line}: {sentence}"
        for line, sentence in source_units()
        if sentence not in from_contacts
        and sentence not in PROPER_NAMES
        and letters(normalize(sentence)) not in names
        and len(sentence.split()) >= 3
        and letters(normalize(sentence)) in text
    ]
    assert not english, "English sentences in the French edition:\n" + "\n".join(english)


def test_french_edition_uses_french_locale_data_and_typography(built_directory):
    pages = read_pages(screen_pdf(built_directory, "fr"))
    cover = " ".join(pages[0].body)
    assert "6 OCTOBRE 2021" in cover and "GENÈVE, SUISSE" in cover
    body = " ".join(chunk for page in pages for chunk in page.body)
    assert "Belgique" in body and "Suisse" in body and "États-Unis" in body
    assert "\u202f»" in body and "«\u202f" in body, "guillemets with narrow no-break spaces"
    # A space before colons (the font draws the no-break space with the space's glyph, and
    # a PDF maps a glyph to one character, so the text read back may have either).
    assert re.search("\\w[ \u00a0]:", body)


def test_english_text_has_curly_quotes_and_dashes_in_ranges(built_directory):
    body = " ".join(chunk for page in read_pages(screen_pdf(built_directory, "en")) for chunk in page.body)
    assert "Geneva’s ecosystem" in body and "‘In Focus: SDG 11’" in body
    assert "'" not in body.replace("'s ", "") and '"' not in body
    assert "2020–2023" in body


def test_french_titles_labels_and_cover_lines(built_directory):
    pages = read_pages(screen_pdf(built_directory, "fr"))
    body = " ".join(chunk for page in pages for chunk in page.body)
    # No-break spaces may read back as spaces (the font draws them with one glyph).
    assert re.search("Mme[ \u00a0]Agathe Cavicchioli", body) and "Ms Agathe" not in body
    # The label is a text of its own: a space joins it to the rest of its line.
    assert re.search("Président[ \u00a0]+:", body), "the colon after a contact label"
    assert re.search("1[ \u202f]750 collectivi", body), "digit groups (the word may be hyphenated)"
    cover = [chunk.strip() for chunk in pages[0].body]
    assert "RÉSEAUX" in cover and "DE VILLES" in cover, "the display line breaks where the translator put it"


def test_footnote_calls_are_set_in_their_own_type(built_directory):
    sizes = []
    for page in PdfReader(screen_pdf(built_directory, "en")).pages:

        def visit(text, cm, tm, font, size):
            if text.strip().isdigit() and size * 0.75 < 7:
                sizes.append((round(size * 0.75, 1), font.get("/BaseFont") if font else None))

        page.extract_text(visitor_text=visit)
    assert sizes and all(size >= 6.5 for size, _ in sizes)
    assert not any("Italic" in str(font) for _, font in sizes), "no call inherits the italic of its place"
