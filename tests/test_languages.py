"""What each language asks of the editions beyond translation, read back from the real
directory's outputs: Arabic set right to left (isolated left-to-right runs, mirrored
page furniture, right-hand binding), Chinese set ragged and unhyphenated in pinyin order,
Russian numbers, and Babel's dates and country names in all six editions."""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import LANGUAGES
from conftest import edition as edition_of
from pdfcheck import broken_at_hyphens, furniture, letters, lines, read_pages, space_advances
from pressrun.content import inline
from pressrun.content.texts import texts
from pressrun.i18n import label_key
from test_pdf import BASENAME, print_pdf, screen_pdf

MM = 72 / 25.4


def epub_document(project, language: str, name: str) -> ElementTree.Element:
    with zipfile.ZipFile(project / "build" / language / f"{BASENAME}.epub") as archive:
        return ElementTree.fromstring(archive.read(f"EPUB/{name}"))


def edition_text(project, language: str) -> str:
    """Every text of an edition's profiles as a reader sees it, web addresses included."""
    edition = edition_of(project, language)
    written = [inline.plain(str(item.text)) for profile in edition.profiles() for item in texts(profile)]
    addresses = [site.url for profile in edition.profiles() for site in profile.contacts.websites]
    addresses += [
        person.website for profile in edition.profiles() for person in profile.contacts.people if person.website
    ]
    return " ".join(written + addresses)


def first_page_of(project, language: str, profile_id: str) -> int:
    """The page (1-based) on which a profile starts, from the PDF's named destinations."""
    reader = PdfReader(screen_pdf(project, language))
    return reader.get_destination_page_number(reader.named_destinations[f"profile-{profile_id}"]) + 1


# --- right to left -------------------------------------------------------------------


def test_a_phone_number_inside_arabic_keeps_its_digits_in_order(built_directory):
    path = screen_pdf(built_directory, "ar")
    page = first_page_of(built_directory, "ar", "geneva-cities-hub") - 1
    drawn = list(lines(path, page).values())
    assert any("+41 22 559 46 00" in line for line in drawn), "the groups drawn left to right, + first"
    assert not any("00 46 559 22" in line for line in drawn)


def test_latin_names_and_english_stand_ins_keep_their_order_in_arabic(built_directory):
    """A Latin name inside Arabic text is one run, its words in order; an English text
    standing in for a missing translation is one left-to-right run, whole."""
    page = first_page_of(built_directory, "ar", "geneva-cities-hub") - 1
    drawn = " ".join(lines(screen_pdf(built_directory, "ar"), page).values()).upper()
    assert "SAMI KANAAN" in drawn and "KANAAN SAMI" not in drawn
    unece = epub_document(built_directory, "ar", "profile-unece.xhtml")
    stand_ins = [span for span in unece.iter(f"{XHTML}span") if span.get("class") == "untranslated"]
    assert stand_ins and all(span.get("dir") == "ltr" for span in stand_ins)


def test_a_block_standing_in_whole_is_set_left_to_right_in_a_right_to_left_draft(built_directory):
    """A list item whose lead and text both stand in untranslated is one left-to-right
    block (the engine would order its two runs right to left: 'The <lead>'), with its
    marker on the left; a block in Arabic stays right to left."""
    untranslated = epub_document(built_directory, "ar", "profile-mayors-migration-council.xhtml")
    items = [li for li in untranslated.iter(f"{XHTML}li") if li.find(f"{XHTML}strong") is not None]
    assert items and all((li.get("dir"), li.get("lang")) == ("ltr", "en") for li in items)
    translated = epub_document(built_directory, "ar", "profile-geneva-cities-hub.xhtml")
    assert all(block.get("dir") is None for block in translated.iter() if block.tag in (f"{XHTML}p", f"{XHTML}li"))
    reader = PdfReader(screen_pdf(built_directory, "ar"))
    first = first_page_of(built_directory, "ar", "mayors-migration-council") - 1
    drawn = " ".join(" ".join(reader.pages[n].extract_text().split()) for n in (first, first + 1))
    assert "Inclusive emergency response and recovery. The" in drawn


def test_running_heads_and_folios_mirror_right_to_left(built_directory):
    """Rectos (odd pages) name the profile in their outer corner: the right-hand page's top
    right left to right, the left-hand page's top left right to left; versos the other way.
    Folios stay centred."""
    middle = PdfReader(screen_pdf(built_directory, "en")).pages[0].mediabox.width / 2
    for language, recto_side in (("en", "right"), ("ar", "left")):
        path = screen_pdf(built_directory, language)
        heads = 0
        for index in range(len(PdfReader(path).pages)):
            head, folio = furniture(path, index)
            if folio is not None:
                assert abs(folio - float(middle)) < 8 * MM, f"{language} page {index + 1}: folio off centre"
            if head is None:
                continue
            heads += 1
            side = "right" if head > middle else "left"
            expected = recto_side if (index + 1) % 2 else {"left": "right", "right": "left"}[recto_side]
            assert side == expected, f"{language} page {index + 1}: running head on the {side}"
        assert heads > 40


def test_a_right_to_left_book_binds_on_the_right(built_directory):
    for path in (screen_pdf(built_directory, "ar"), print_pdf(built_directory, "ar")):
        with pikepdf.open(path) as pdf:
            assert pdf.Root.ViewerPreferences.Direction == pikepdf.Name.R2L
    with pikepdf.open(screen_pdf(built_directory, "en")) as pdf:
        assert "/Direction" not in pdf.Root.get("/ViewerPreferences", {})
    package = epub_document(built_directory, "ar", "package.opf")
    spine = package.find("{http://www.idpf.org/2007/opf}spine")
    assert spine.get("page-progression-direction") == "rtl"
    assert epub_document(built_directory, "ar", "profile-geneva-cities-hub.xhtml").get("dir") == "rtl"
    assert epub_document(built_directory, "en", "profile-geneva-cities-hub.xhtml").get("dir") == "ltr"


def test_arabic_text_reads_back_as_written(built_directory):
    """The Arabic font maps every glyph back to its letter: the text a screen reader or a
    search reads is the translation."""
    arabic = edition_of(built_directory, "ar")
    pages = read_pages(screen_pdf(built_directory, "ar"))
    text = letters(" ".join(chunk for page in pages for chunk in page.body))
    assert letters(str(arabic.publication.preface_title)) in text
    assert letters(str(arabic.parts[0].title)) in text


# --- Chinese -------------------------------------------------------------------------


def test_chinese_body_text_is_neither_justified_nor_hyphenated(built_directory):
    chinese, english = screen_pdf(built_directory, "zh"), screen_pdf(built_directory, "en")
    profiles = range(first_page_of(built_directory, "zh", "geneva-cities-hub") - 1, len(PdfReader(chinese).pages))
    # Ragged lines keep each space at the font's width (a justified line stretches them).
    assert all(len(advances) <= 3 for advances in space_advances(chinese, profiles).values())
    # Lines end with a hyphen only where the text has one (an English name, say).
    text = edition_text(built_directory, "zh").casefold()
    assert [word for word in broken_at_hyphens(chinese, profiles) if word.casefold() not in text] == []
    english_text = edition_text(built_directory, "en").casefold()
    assert [word for word in broken_at_hyphens(english, range(7, 20)) if word.casefold() not in english_text]


def test_chinese_directory_is_in_pinyin_order(built_directory):
    chinese = edition_of(built_directory, "zh")
    names = [str(profile.name) for profile in chinese.parts[1].profiles]
    # Han names first, by pinyin: Fa (法), Ou (欧); then the untranslated Latin ones.
    assert names[:2] == ["法语国家市长国际协会", "欧洲城市联盟"]
    assert names[2:] == sorted(names[2:], key=str.casefold)


def test_chinese_pdf_embeds_small_subsets(built_directory):
    for path in (screen_pdf(built_directory, "zh"), print_pdf(built_directory, "zh")):
        assert path.stat().st_size < 5_000_000


# --- every language ------------------------------------------------------------------

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.mark.parametrize(
    ("language", "comma", "colon"),
    [("en", ", ", ": "), ("fr", ", ", "\u00a0: "), ("ru", ", ", ": "), ("ar", "، ", ": "), ("zh", "，", "：")],
)
def test_names_roles_and_labels_take_the_languages_punctuation(built_directory, language, comma, colon):
    profile = epub_document(built_directory, language, "profile-geneva-cities-hub.xhtml")
    attribution = next(p for p in profile.iter(f"{XHTML}p") if p.get("class") == "attribution")
    parts = {span.get("class"): "".join(span.itertext()) for span in attribution.iter(f"{XHTML}span")}
    assert "".join(attribution.itertext()) == f"{parts['name']}{comma}{parts['role']}"
    person = next("".join(li.itertext()) for li in profile.iter(f"{XHTML}li") if li.get("class") == "contact person")
    assert colon in person


@pytest.mark.parametrize("language", LANGUAGES)
def test_cover_has_babels_date_and_country_name(built_directory, language):
    edition = edition_of(built_directory, language)
    cover = letters(" ".join(read_pages(screen_pdf(built_directory, language))[0].body))
    place = edition.publication.event.place
    pattern = edition.labels.get(label_key("date pattern", "d MMMM y"), "d MMMM y")
    date = edition.date(edition.publication.event.date, pattern)
    for word in (*date.split(), *edition.country(place.country).split()):
        assert letters(word) in cover, f"{word!r} not on the {language} cover"


def test_russian_numbers_follow_russian_typography(built_directory):
    body = " ".join(chunk for page in read_pages(screen_pdf(built_directory, "ru")) for chunk in page.body)
    assert "более 1750 " in body and "1 750" not in body, "four digits ungrouped"
    assert "10\u202f000" in body and "250\u202f000" in body, "five and more grouped with a narrow space"
