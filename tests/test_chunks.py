"""A large directory is laid out in chunks by parallel processes and joined into one PDF.
The joined book must be the book one layout makes: the same pages, folios, running
heads, contents numbers, outline, links, tags and EPUB page list."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from pypdf import PdfReader

from conftest import configure, copy_project, edition, run, year
from pdfcheck import misplaced_profiles, outline, read_pages
from pressrun.config import load_config
from pressrun.errors import Origin
from pressrun.pdf.book import contents_anchors, first_pages, plan, whole_book
from pressrun.pdf.jobs import LaidOut
from pressrun.pdf.paginate import Final, Measure, Pagination

# Fifteen chunks of the 29 profiles: the second part's opening falls inside the second
# chunk, which is measured starting on either side.
CHUNK_PROFILES = 2


def chunked_copy(target: Path) -> Path:
    project = copy_project(target)
    configure(project, languages=["en"], chunk_profiles=CHUNK_PROFILES)
    return project


@pytest.fixture(scope="module")
def chunked(tmp_path_factory) -> Path:
    project = chunked_copy(tmp_path_factory.mktemp("chunked"))
    assert run(project, "build", "--strict", "-q", "--jobs", "2").code == 0
    return project


@pytest.fixture(scope="module")
def english():
    return edition(Path(__file__).resolve().parents[1], "en")


def screen(project: Path) -> Path:
    return load_config(project).pdf_path("en", "screen", year(project))


def printed(project: Path) -> Path:
    return load_config(project).pdf_path("en", "print", year(project))


def test_a_directory_within_the_chunk_size_is_one_layout(english):
    assert plan(english.parts, 29) == [whole_book(english.parts)]


def test_chunks_hold_every_profile_once_and_begin_with_a_profile(english):
    slices = plan(english.parts, CHUNK_PROFILES)
    assert len(slices) == 15
    held = [profile.id for book in slices for part in book.body for profile in part.profiles]
    assert held == [profile.id for profile in english.profiles()]
    openings = [part.id for book in slices for part in book.body if part.opening]
    assert openings == [part.id for part in english.parts]
    assert [book.front for book in slices] == [True] + [False] * 14
    assert [book.back for book in slices] == [False] * 14 + [True]
    for book in slices[1:]:
        assert book.body[0].profiles and not book.body[0].opening, "a chunk never begins on a sided page"
    assert [book.sided for book in slices] == [True, True] + [False] * 12 + [True]


def test_first_pages_follow_each_chunks_count_for_the_side_it_starts_on():
    # The second chunk has 7 pages if it starts on a right-hand page, 8 on a left-hand one.
    assert first_pages([{1: 10}, {1: 7, 0: 8}, {1: 5}]) == [1, 11, 18]
    assert first_pages([{1: 9}, {1: 7, 0: 8}, {1: 5}]) == [1, 10, 18]


def test_the_chunked_book_has_the_pages_of_one_layout(built_directory, chunked):
    single, joined = read_pages(screen(built_directory)), read_pages(screen(chunked))
    assert len(joined) == len(single) == 64
    for one, other in zip(single, joined, strict=True):
        assert (other.header, other.body, other.footnotes, other.footer) == (
            one.header,
            one.body,
            one.footnotes,
            one.footer,
        ), f"page {one.number} differs"


def test_the_chunked_book_looks_the_same_on_every_page(built_directory, chunked):
    def images(path: Path) -> list[str]:
        document = pypdfium2.PdfDocument(path)
        return [hashlib.sha256(page.render(scale=0.3).to_pil().tobytes()).hexdigest() for page in document]

    assert images(screen(chunked)) == images(screen(built_directory))


def test_the_contents_numbers_are_right_across_chunks(chunked, english):
    assert misplaced_profiles(read_pages(screen(chunked)), "Contents", english) == []


def test_outline_links_and_destinations_cross_chunks(built_directory, chunked):
    assert outline(screen(chunked)) == outline(screen(built_directory))

    def links(path: Path) -> list[tuple[int, str, list[float]]]:
        found = []
        for number, page in enumerate(PdfReader(path).pages, start=1):
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                target = annotation.get("/Dest") or annotation["/A"]["/URI"]
                found.append((number, str(target), [round(float(v), 2) for v in annotation["/Rect"]]))
        return found

    def destinations(path: Path) -> dict[str, int]:
        reader = PdfReader(path)
        return {name: reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}

    assert links(screen(chunked)) == links(screen(built_directory))
    assert len(links(screen(chunked))) > 29, "the contents link to every profile"
    assert destinations(screen(chunked)) == destinations(screen(built_directory))


def test_the_joined_tag_tree_is_whole_and_consistent(built_directory, chunked):
    def tags(path: Path) -> tuple[int, int]:
        pdf = pikepdf.open(path)
        tree = pdf.Root.StructTreeRoot
        nums = tree.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        pages = {page.obj.objgen for page in pdf.pages}
        for index, page in enumerate(pdf.pages):
            assert int(page.obj.StructParents) == index and isinstance(parents[index], pikepdf.Array)
            for annotation in page.obj.get("/Annots", []):
                element = parents[int(annotation.StructParent)]
                assert any(
                    isinstance(kid, pikepdf.Dictionary)
                    and kid.get("/Type") == "/OBJR"
                    and kid.Obj.objgen == annotation.objgen
                    for kid in element.K
                ), f"page {index + 1}: a link annotation is not in the tag tree"
        elements, stack = 0, [tree.K[0]]
        while stack:
            element = stack.pop()
            elements += 1
            assert "/Pg" not in element or element.Pg.objgen in pages
            kids = element.get("/K", [])
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                    assert kid.P.objgen == element.objgen
                    stack.append(kid)
        return elements, len(parents)

    assert tags(screen(chunked)) == tags(screen(built_directory))


def test_the_print_file_keeps_its_press_setup(built_directory, chunked):
    def setup(path: Path):
        pdf = pikepdf.open(path)
        boxes = [(tuple(page.obj.TrimBox), tuple(page.obj.BleedBox), tuple(page.obj.MediaBox)) for page in pdf.pages]
        # Every chunk embeds the CMYK press profile; the joined book keeps one copy.
        profiles = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/N") == 4]
        return boxes, len(pdf.Root.OutputIntents), "pdfxid" in pdf.Root.Metadata.read_bytes().decode(), len(profiles)

    assert setup(printed(chunked)) == setup(printed(built_directory))
    assert setup(printed(chunked))[1:] == (1, True, 1)


def test_the_epub_gets_the_same_page_list(built_directory, chunked):
    def epub(project: Path) -> bytes:
        return load_config(project).epub_path("en", year(project)).read_bytes()

    assert epub(chunked) == epub(built_directory)


def test_a_chunked_build_makes_the_same_bytes_in_one_process(chunked, tmp_path):
    project = chunked_copy(tmp_path / "again")
    assert run(project, "build", "--strict", "-q", "--jobs", "1").code == 0
    for path in (screen, printed):
        assert path(project).read_bytes() == path(chunked).read_bytes()


def laid(pages: int, anchors: dict[str, int]) -> LaidOut:
    """A stand-in for a worker's layout: only its page count and anchors matter here."""
    return LaidOut(pages, anchors, (), None, ())


@pytest.fixture
def two_chunks(mini):
    """The two-profile sample as a book of two chunks: the front matter, the first part and
    its profile, the second part's opening; then the second part's profile and the back cover.
    Stand-in layouts play the workers: only their page counts and anchors matter here."""
    sample = edition(mini, "en")
    slices = plan(sample.parts, 1)

    def render(book) -> str:
        numbers = book.page_numbers or {}
        return " ".join(f'data-page="{numbers[anchor]}"' for anchor in numbers)

    origin = Origin("build/en/publication-print.pdf")
    paging = Pagination(slices, contents_anchors(sample.parts), render, mini / "layouts", origin, lambda *_: None)
    first = paging.first_jobs()
    assert [key for key, _ in first] == [Measure(0, 1), Measure(1, 1)]
    assert paging.done(Measure(0, 1), laid(7, {"part-hosts": 5, "profile-beta": 6, "part-directory": 7})) == []
    final = paging.done(Measure(1, 1), laid(3, {"profile-alpha": 1}))
    assert [(key, job.first_page, job.write) for key, job in final] == [(Final(0), 1, True), (Final(1), 8, True)]
    assert 'data-page="8"' in final[0][1].html, "the contents give the second chunk's page"
    return paging


def test_a_chunk_that_moved_is_laid_out_again(two_chunks):
    # The first chunk came out one page longer than measured: the second now starts on page 9.
    assert two_chunks.done(Final(1), laid(3, {"profile-alpha": 1})) == []
    again = two_chunks.done(Final(0), laid(8, {"part-hosts": 5, "profile-beta": 6, "part-directory": 8}))
    assert [(key, job.first_page) for key, job in again] == [(Final(0), 1), (Final(1), 9)]
    assert 'data-page="9"' in again[0][1].html and not two_chunks.finished
    two_chunks.done(Final(1), laid(3, {"profile-alpha": 1}))
    assert two_chunks.done(Final(0), laid(8, {"part-hosts": 5, "profile-beta": 6, "part-directory": 8})) == []
    assert two_chunks.finished and two_chunks.problems == []
    assert two_chunks.starts == [1, 9] and two_chunks.anchors()["profile-alpha"] == 9


def test_pagination_that_never_settles_is_an_error(two_chunks):
    for pages in (8, 9, 10, 11):
        two_chunks.done(Final(1), laid(3, {"profile-alpha": 1}))
        two_chunks.done(Final(0), laid(pages, {"part-hosts": 5, "profile-beta": 6, "part-directory": pages}))
    assert two_chunks.finished
    assert [problem.code for problem in two_chunks.problems] == ["pagination"]


def test_links_between_chunks_resolve_and_broken_ones_are_reported(mini):
    configure(mini, chunk_profiles=1)
    # A designer's links after the contents (first chunk): one into the second chunk,
    # one to an anchor the book does not have.
    template = mini / "layouts/pdf/publication.html.j2"
    links = '<p class="see-also"><a href="#profile-alpha">To Alpha</a> <a href="#nowhere">x</a></p>'
    template.write_text(template.read_text().replace("</nav>", "</nav>" + links, 1))
    built = run(mini, "build", "-q")
    assert built.code == 0
    assert built.errors == [
        "build/en/publication-print.pdf: warning: WeasyPrint: No anchor #nowhere for internal URI reference [engine]"
    ]
    reader = PdfReader(mini / "build/en/publication.pdf")
    alpha = reader.get_destination_page_number(reader.named_destinations["profile-alpha"])
    assert "Alpha Network" in reader.pages[alpha].extract_text()
    contents = next(index for index, page in enumerate(reader.pages) if "To Alpha" in page.extract_text())
    targets = [str(annotation.get_object().get("/Dest")) for annotation in reader.pages[contents]["/Annots"]]
    # The contents entries to Alpha and Beta, and the designer's link to Alpha.
    assert targets.count("profile-alpha") == targets.count("profile-beta") + 1
    assert "nowhere" not in targets and "nowhere" not in reader.named_destinations
