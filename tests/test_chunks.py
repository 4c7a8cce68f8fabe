"""A large directory is laid out in chunks by parallel processes and joined into one PDF.
The joined book must be the book one layout makes: the same pages, folios, running
heads, contents numbers, outline, links, tags and EPUB page list. Chunks are laid out
in order from the page the ones before end on, and reused from the layout cache when
they did not change."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from pypdf import PdfReader

from conftest import configure, copy_project, edition, run, year
from pdfcheck import misplaced_profiles, outline, read_pages
from pressrun.config import load_config
from pressrun.errors import Origin
from pressrun.files import Folder
from pressrun.pdf.book import RECTO, VERSO, contents_anchors, first_pages, plan, whole_book
from pressrun.pdf.cache import LayoutCache
from pressrun.pdf.jobs import LaidOut
from pressrun.pdf.paginate import Final, Measure, Pagination

# The front matter, then fifteen chunks of the 29 profiles: the second part's opening
# falls inside the third layout, which is measured starting on either side. (The
# project's own configuration makes nine layouts of the 2021 directory.)
CHUNK_PROFILES = 2


def project_copy(target: Path, chunk_profiles: int) -> Path:
    project = copy_project(target)
    configure(project, languages=["en"], chunk_profiles=chunk_profiles)
    return project


@pytest.fixture(scope="module")
def one_layout(tmp_path_factory) -> Path:
    """The English edition laid out in one piece."""
    project = project_copy(tmp_path_factory.mktemp("one-layout"), 29)
    assert run(project, "build", "--strict", "-q").code == 0
    return project


@pytest.fixture(scope="module")
def chunked(tmp_path_factory) -> Path:
    project = project_copy(tmp_path_factory.mktemp("chunked"), CHUNK_PROFILES)
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
    assert len(slices) == 16
    front = slices[0]
    assert front.front and [(part.id, part.opening, part.profiles) for part in front.body] == [("organizers", True, ())]
    held = [profile.id for book in slices for part in book.body for profile in part.profiles]
    assert held == [profile.id for profile in english.profiles()]
    openings = [part.id for book in slices for part in book.body if part.opening]
    assert openings == [part.id for part in english.parts]
    assert [book.front for book in slices] == [True] + [False] * 15
    assert [book.back for book in slices] == [False] * 15 + [True]
    for book in slices[1:]:
        assert book.body[0].profiles and not book.body[0].opening, "a chunk never begins on a sided page"
    assert [book.sided for book in slices] == [True, False, True] + [False] * 12 + [True]


def test_first_pages_follow_each_chunks_count_for_the_side_it_starts_on():
    # The second chunk has 7 pages if it starts on a right-hand page, 8 on a left-hand one.
    assert first_pages([{1: 10}, {1: 7, 0: 8}, {1: 5}]) == [1, 11, 18]
    assert first_pages([{1: 9}, {1: 7, 0: 8}, {1: 5}]) == [1, 10, 18]


def test_the_chunked_books_have_the_pages_of_one_layout(one_layout, built_directory, chunked):
    single = read_pages(screen(one_layout))
    for joined in (read_pages(screen(built_directory)), read_pages(screen(chunked))):
        assert len(joined) == len(single)
        for one, other in zip(single, joined, strict=True):
            assert (other.header, other.body, other.footnotes, other.footer) == (
                one.header,
                one.body,
                one.footnotes,
                one.footer,
            ), f"page {one.number} differs"


def test_the_chunked_books_look_the_same_on_every_page(one_layout, built_directory, chunked):
    def images(path: Path) -> list[str]:
        document = pypdfium2.PdfDocument(path)
        return [hashlib.sha256(page.render(scale=0.3).to_pil().tobytes()).hexdigest() for page in document]

    single = images(screen(one_layout))
    assert images(screen(chunked)) == single
    assert images(screen(built_directory)) == single


def test_the_contents_numbers_are_right_across_chunks(chunked, english):
    assert misplaced_profiles(read_pages(screen(chunked)), "Contents", english) == []


def test_outline_links_and_destinations_cross_chunks(one_layout, chunked):
    assert outline(screen(chunked)) == outline(screen(one_layout))

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

    assert links(screen(chunked)) == links(screen(one_layout))
    assert len(links(screen(chunked))) > 29, "the contents link to every profile"
    assert destinations(screen(chunked)) == destinations(screen(one_layout))


def test_the_joined_tag_tree_is_whole_and_consistent(one_layout, chunked):
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

    assert tags(screen(chunked)) == tags(screen(one_layout))


def test_the_print_file_keeps_its_press_setup(one_layout, chunked):
    def setup(path: Path):
        pdf = pikepdf.open(path)
        boxes = [(tuple(page.obj.TrimBox), tuple(page.obj.BleedBox), tuple(page.obj.MediaBox)) for page in pdf.pages]
        # Every chunk embeds the CMYK press profile; the joined book keeps one copy.
        profiles = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream) and obj.get("/N") == 4]
        return boxes, len(pdf.Root.OutputIntents), "pdfxid" in pdf.Root.Metadata.read_bytes().decode(), len(profiles)

    assert setup(printed(chunked)) == setup(printed(one_layout))
    assert setup(printed(chunked))[1:] == (1, True, 1)


def test_the_epub_gets_the_same_page_list(one_layout, chunked):
    def epub(project: Path) -> bytes:
        return load_config(project).epub_path("en", year(project)).read_bytes()

    assert epub(chunked) == epub(one_layout)


def test_a_chunked_build_makes_the_same_bytes_in_one_process(chunked, tmp_path):
    project = project_copy(tmp_path / "again", CHUNK_PROFILES)
    assert run(project, "build", "--strict", "-q", "--jobs", "1").code == 0
    for path in (screen, printed):
        assert path(project).read_bytes() == path(chunked).read_bytes()


def laid(pages: int, anchors: dict[str, int]) -> LaidOut:
    """A stand-in for a worker's layout: only its page count and anchors matter here."""
    return LaidOut(pages, anchors, (), None, ())


def run_jobs(paging: Pagination, layouts) -> list[tuple[object, int]]:
    """Play the workers until the pagination is finished: `layouts(key, job)` gives each
    job's stand-in result. Returns the jobs run, as (key, first page)."""
    ran = []
    while (scheduled := paging.next_job()) is not None:
        key, job = scheduled
        ran.append((key, job.first_page))
        paging.done(key, job, layouts(key, job))
    assert paging.finished, "a pagination that is not finished has a job to run"
    return ran


def numbers(job) -> list[str]:
    return re.findall(r'data-page="(\d+)"', job.html)


# The two-profile sample in three layouts: the front matter with the hosts' opening (5
# pages); Beta and the directory's opening (3 pages from a right-hand page); Alpha and
# the back cover (3 pages from a right-hand page, 2 from a left-hand one).
FRONT = {"part-hosts": 5}


def sample_layouts(front_pages: int = 5):
    def layouts(key, job):
        if key.chunk == 0:
            return laid(front_pages, {"part-hosts": front_pages})
        if key.chunk == 1:
            return laid(3, {"profile-beta": 1, "part-directory": 3})
        return laid(3 if job.first_page % 2 else 2, {"profile-alpha": 1})

    return layouts


@pytest.fixture
def sample_pagination(mini):
    """The two-profile sample's pagination over three layouts, with stand-in layouts for
    the workers' (only their page counts and anchors matter here)."""
    sample = edition(mini, "en")
    slices = plan(sample.parts, 1)
    assert [book.front for book in slices] == [True, False, False] and slices[2].back

    def make(cache=None, edited: str = "") -> Pagination:
        """The pagination, its layouts taken from `cache`; the profile `edited` says something else."""

        def render(book) -> str:
            shown = book.page_numbers or {}
            ids = " ".join(f'<p id="{part.anchor}"></p>' for part in book.body if part.opening)
            ids += " ".join(
                f'<p id="{profile.anchor}">{"edited" if profile.id == edited else ""}</p>'
                for part in book.body
                for profile in part.profiles
            )
            return ids + " ".join(f'<a href="#{anchor}" data-page="{shown[anchor]}"></a>' for anchor in shown)

        origin = Origin("build/en/publication-print.pdf")
        return Pagination(slices, contents_anchors(sample.parts), render, mini / "layouts", origin, print, cache=cache)

    return make


def test_chunks_are_laid_out_in_order_from_the_page_the_ones_before_end_on(sample_pagination):
    paging = sample_pagination()
    # Nothing is known yet: the front matter is counted; a spare worker measures ahead.
    key, job = paging.next_job()
    assert (key, job.write) == (Measure(0, RECTO), False) and numbers(job) == ["8"] * 4
    assert paging.next_job() is None
    assert [key for key, _ in iter(lambda: paging.next_job(spare=True), None)] == [
        Measure(1, RECTO),
        Measure(1, VERSO),
        Measure(2, RECTO),
        Measure(2, VERSO),
    ]


def test_the_contents_come_last_with_every_number(sample_pagination):
    paging = sample_pagination()
    ran = run_jobs(paging, sample_layouts())
    assert ran == [(Measure(0, RECTO), 1), (Final(1, 6), 6), (Final(2, 9), 9), (Final(0, 1), 1)]
    assert numbers(paging.final[0][0]) == ["5", "6", "8", "9"]
    assert paging.starts == [1, 6, 9] and paging.anchors()["profile-alpha"] == 9
    assert paging.problems == []


def test_a_chunk_that_moved_is_laid_out_again(sample_pagination):
    paging = sample_pagination()
    counts = iter([5, 6, 6])

    def layouts(key, job):
        # The contents' real numbers make the front matter one page longer than measured.
        return sample_layouts(next(counts))(key, job) if key.chunk == 0 else sample_layouts()(key, job)

    ran = run_jobs(paging, layouts)
    assert ran[4:] == [(Final(1, 7), 7), (Final(2, 10), 10), (Final(0, 1), 1)]
    assert numbers(paging.final[0][0]) == ["6", "7", "9", "10"] and paging.starts == [1, 7, 10]


def test_pagination_that_never_settles_is_an_error(sample_pagination):
    paging = sample_pagination()
    counts = iter(range(5, 20))
    run_jobs(
        paging,
        lambda key, job: sample_layouts(next(counts))(key, job) if key.chunk == 0 else sample_layouts()(key, job),
    )
    assert [problem.code for problem in paging.problems] == ["pagination"]


def test_cached_layouts_are_reused_and_a_chunk_of_the_same_length_moves_nothing(sample_pagination, tmp_path):
    def cache() -> LayoutCache:
        return LayoutCache(Folder(tmp_path / "cache", tmp_path), "environment")

    first = cache()
    assert len(run_jobs(sample_pagination(first), sample_layouts())) == 4
    first.keep("en")
    assert run_jobs(sample_pagination(cache()), sample_layouts()) == [], "nothing changed, nothing is laid out"
    # Beta's chunk changed but kept its three pages: nothing else moves.
    assert run_jobs(sample_pagination(cache(), edited="beta"), sample_layouts()) == [(Final(1, 6), 6)]


def test_a_chunk_of_another_length_moves_the_ones_after_it(sample_pagination, tmp_path):
    first = LayoutCache(Folder(tmp_path / "cache", tmp_path), "environment")
    run_jobs(sample_pagination(first), sample_layouts())
    first.keep("en")

    def longer_beta(key, job):
        return laid(4, {"profile-beta": 1, "part-directory": 4}) if key.chunk == 1 else sample_layouts()(key, job)

    paging = sample_pagination(LayoutCache(Folder(tmp_path / "cache", tmp_path), "environment"), edited="beta")
    assert run_jobs(paging, longer_beta) == [(Final(1, 6), 6), (Final(2, 10), 10), (Final(0, 1), 1)]
    assert paging.starts == [1, 6, 10]


def test_a_damaged_cache_means_laying_out_again(sample_pagination, tmp_path):
    folder = tmp_path / "cache"
    first = LayoutCache(Folder(folder, tmp_path), "environment")
    run_jobs(sample_pagination(first), sample_layouts())
    first.keep("en")
    damages = [
        lambda entry: entry.write_bytes(entry.read_bytes()[:-20]),
        lambda entry: entry.write_text('{"pages": "three"}'),
        lambda entry: entry.write_text("[]"),
        lambda entry: entry.write_bytes(b"\xff\xfe"),
    ]
    entries = sorted(folder.glob("*.json"))
    for number, entry in enumerate(entries):
        damages[number % len(damages)](entry)
    (folder / "owners" / "en.json").write_text("{")
    assert len(run_jobs(sample_pagination(LayoutCache(Folder(folder, tmp_path), "environment")), sample_layouts())) == 4


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
