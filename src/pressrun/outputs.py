"""An edition's output files, made in memory: its HTML rendered, laid out as the
pagination schedules it and joined into one PDF; the screen PDF cut from it; the print
PDF made from it for the press (CMYK, sheet and marks, output intent) and preflighted;
the EPUB with the print edition's page numbers.

Input: the Config, the stale languages, the layout workers and each language's layout
cache. Output: each edition's files (path, bytes, count) and problems, for `build` to
write (the preview uses the same pagination, without the files). The content is read and
each edition's HTML rendered once, in this process. Each language is laid out once: the
print PDF, the screen PDF and the EPUB's page list all come from that layout.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .content.cycle import not_approved
from .content.model import Profile
from .epub import PrintEdition, make_epub
from .errors import Level, Origin, Problem, Problems, ProblemsFound
from .files import build_date
from .i18n import Edition, load_editions
from .pdf.assemble import join, screen_from_print
from .pdf.book import BookSlice, contents_anchors, plan
from .pdf.cache import LayoutCache
from .pdf.colour import PRINT_STYLESHEET, Palette, read_palette
from .pdf.fonts import FACES, check_fonts
from .pdf.jobs import LAYOUT_VARIANT
from .pdf.paginate import Pagination, lay_out
from .pdf.preflight import preflight_problems
from .pdf.press import PressSetup, for_press, profile_channels
from .pdf.typeset import Setting
from .pdf.workers import SerialWorkers
from .render import environment, pdf_html

# progress(language, stage, completed, total): how far each edition is.
Progress = Callable[..., None]


@dataclass(frozen=True)
class EditionFiles:
    """One edition's files, made but not yet written: (path, bytes, pages or documents)."""

    language: str
    files: tuple[tuple[Path, bytes, int], ...]
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Press:
    """What the print PDFs are made with: the layouts' palette and the printer's setup."""

    palette: Palette
    setup: PressSetup


def press_of(config: Config) -> tuple[Press, list[Problem]]:
    """The press the configuration and print.css describe, and what is wrong with it:
    errors when its colour profile cannot be the output intent, warnings for what
    print.css holds that pressrun does not read."""
    shown = config.shown(config.layouts_dir / PRINT_STYLESHEET)
    setup = PressSetup(config.bleed, config.slug, config.crop_marks, config.output_condition)
    problems = Problems()
    layouts = config.folder("layouts")
    try:
        palette = read_palette(layouts)
    except ProblemsFound as error:
        problems.extend(error.problems)
        return Press(Palette({}, {}), setup), problems.items
    if palette.profile is None or palette.profile_data is None:
        what = (
            "names no colour profile" if palette.profile is None else f"names {palette.profile.name}, which is missing"
        )
        problems.error(
            Origin(shown),
            "print-profile",
            f"{what}: the print PDF needs `@color-profile device-cmyk {{ src: url(…) }}`",
        )
    elif profile_channels(palette.profile_data) != 4:
        problems.error(Origin(shown), "print-profile", f"{palette.profile.name} is not a CMYK press profile")
    for item in palette.ignored:
        message = f"{item.what} is not read: print.css holds the press profile and the colours' CMYK builds only"
        problems.warning(Origin(shown, item.line, item.column), "print-css", message)
    return Press(palette, setup), problems.items


class LastUpdate:
    """What one preview update keeps for the next: the HTML of the edition's chunks, by
    what each is made of, so that after a change to one profile only the chunk that holds
    it is rendered again (a chunk is rendered several times an update: measured, tried,
    corrected); and the settings the typesetting loop ended with, which the chunk laid
    out again is laid out with ahead (see `pdf.paginate.Ahead`).

    A chunk after the front matter is made of its own profiles (their texts, settings and
    footnote numbers) and of what the whole edition shares: its language and labels, the
    publication, the build date and the list of parts and profiles (their ids and names,
    which the contents and cross-references print). The layouts and the toolkit are the
    layout cache's environment: the preview starts anew when they change. That a chunk's
    pages show nothing of the profiles it does not hold is what chunked books ask of the
    layouts (see `pdf.book`). The front matter shows every part and profile: it is
    rendered every time. An update keeps only the HTML it used.
    """

    def __init__(self) -> None:
        self.html: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.settings: Mapping[str, Setting] = {}
        # Each profile's digest with its footnotes' numbers, by the profile object (kept
        # with it, so that its id stays its own): the source language's profiles are the
        # same objects from one update to the next while their files do not change.
        self.profiles: dict[tuple[int, tuple], tuple[Profile, bytes]] = {}
        self.profiles_used: dict[tuple[int, tuple], tuple[Profile, bytes]] = {}
        self.numbers: tuple[Mapping, dict[str, tuple]] | None = None

    @staticmethod
    def shared(edition: Edition, built: object) -> bytes:
        """The digest of what every chunk of `edition` is made of besides its own profiles."""
        table = [
            (part.part, [(profile.id, profile.name, profile.acronym, profile.subtitle) for profile in part.profiles])
            for part in edition.parts
        ]
        made_of = (edition.language, sorted(edition.labels.items()), edition.publication, table, built)
        return hashlib.sha256(pickle.dumps(made_of)).digest()

    def get(self, shared: bytes, book: BookSlice, numbers: Mapping, render: Callable[[], str]) -> str:
        """The HTML of `book` (whose profiles' footnotes have `numbers`), rendered with
        `render` unless an update made it before."""
        # The parts by id (`shared` holds them), the profiles by digest, the rest as it is.
        body = [
            (
                part.id,
                dataclasses.replace(part, part=None, profiles=()),
                [self._digest(profile, numbers) for profile in part.profiles],
            )
            for part in book.body
        ]
        key = hashlib.sha256(shared + pickle.dumps((dataclasses.replace(book, body=()), body))).hexdigest()
        html = self.used.get(key) or self.html.get(key) or render()
        self.used[key] = html
        return html

    def _digest(self, profile: Profile, numbers: Mapping) -> bytes:
        """The digest of `profile` with its footnotes' `numbers`."""
        if self.numbers is None or self.numbers[0] is not numbers:
            by_profile: dict[str, list] = {}
            for (profile_id, footnote), number in numbers.items():
                by_profile.setdefault(profile_id, []).append((footnote, number))
            self.numbers = numbers, {profile_id: tuple(own) for profile_id, own in by_profile.items()}
        key = id(profile), self.numbers[1].get(profile.id, ())
        found = self.profiles_used.get(key) or self.profiles.get(key)
        if found is None:
            found = profile, hashlib.sha256(pickle.dumps((profile, key[1]))).digest()
        self.profiles_used[key] = found
        return found[1]

    def settle(self, settings: Mapping[str, Setting]) -> None:
        """Keep the HTML and digests this update used and the `settings` it ended with, for the next."""
        self.html, self.used = self.used, {}
        self.profiles, self.profiles_used = self.profiles_used, {}
        self.settings = settings
        self.numbers = None


class EditionOutputs:
    """One edition on its way to its files: its pagination, then its files."""

    def __init__(
        self,
        config: Config,
        edition: Edition,
        variants: tuple[str, ...],
        press: Press | None,
        progress: Progress,
        cache: LayoutCache | None = None,
        last: LastUpdate | None = None,
    ):
        self.config = config
        self.edition = edition
        self.variants = variants
        self.press = press
        self.language = edition.language
        self.progress = progress
        self.environment = environment(config.folder("layouts"), edition)
        self.built = build_date(edition.publication.event.date)
        self.year = edition.publication.year
        self.last = last
        self.shared = last.shared(edition, self.built) if last is not None else b""
        progress(self.language, "rendering HTML")
        self.pagination = Pagination(
            plan(edition.parts, config.chunk_profiles),
            contents_anchors(edition.parts),
            self._html,
            config.folder("layouts"),
            Origin(config.shown(config.pdf_path(self.language, LAYOUT_VARIANT, self.year))),
            lambda stage, completed=0, total=0: progress(self.language, stage, completed, total),
            bleed=config.bleed,
            cache=cache,
            hints=last.settings if last is not None else None,
        )

    def _html(self, book: BookSlice) -> str:
        if self.last is None or book.front:
            return self._render(book)
        return self.last.get(self.shared, book, self.edition.footnote_numbers, lambda: self._render(book))

    def _render(self, book: BookSlice) -> str:
        return pdf_html(
            self.edition,
            self.config.folder("layouts"),
            variant=LAYOUT_VARIANT,
            created=self.built,
            book=book,
            fonts=FACES,
            env=self.environment,
        )

    def laid_out_pdf(self) -> bytes:
        """The layout's PDF, which both PDFs are made from: the one layout, or the chunks
        joined with one outline."""
        paging = self.pagination
        layouts = paging.layouts_done
        if not paging.chunked:
            return layouts[0].pdf.data
        self.progress(self.language, "joining chunks")
        bookmarks = [
            dataclasses.replace(bookmark, page=start - 1 + bookmark.page)
            for start, laid in zip(paging.starts, layouts, strict=True)
            for bookmark in laid.bookmarks
        ]
        return join([laid.pdf for laid in layouts], bookmarks)

    def for_press(self, laid_out: bytes) -> tuple[bytes, list[Problem]]:
        """The print PDF made from the layout's, with its preflight's failures (errors)
        and the colours that had no CMYK build (warnings)."""
        self.progress(self.language, "making the print PDF")
        path = self.config.pdf_path(self.language, "print", self.year)
        origin = Origin(self.config.shown(path))
        data, unpaired = for_press(laid_out, self.press.palette, self.press.setup)
        problems = preflight_problems(data, origin)
        for rgb, (build, page) in unpaired.items():
            colour = "#{:02x}{:02x}{:02x}".format(*rgb)
            inks = " ".join(f"{value:.0%}" for value in build)
            message = (
                f"colour {colour} has no CMYK build in {self.config.shown(self.config.layouts_dir / PRINT_STYLESHEET)}:"
                f" printed as device-cmyk({inks}), its conversion through the press profile"
            )
            problems.append(Problem(Level.WARNING, origin, "print-colour", message, page))
        return data, problems

    def files(self) -> EditionFiles:
        """The edition's files from its layouts: the screen PDF and the print PDF, both
        from the layout's PDF, and the EPUB with its page numbers."""
        config, language, paging, year = self.config, self.language, self.pagination, self.year
        layouts = paging.layouts_done
        problems = [problem for laid in layouts for problem in laid.problems] + paging.problems
        pages = sum(laid.pages for laid in layouts)
        laid_out = self.laid_out_pdf()
        made: list[tuple[Path, bytes, int]] = []
        if "screen" in self.variants:
            self.progress(language, "cutting the screen PDF")
            made.append((config.pdf_path(language, "screen", year), screen_from_print(laid_out), pages))
        if "print" in self.variants:
            print_data, press_problems = self.for_press(laid_out)
            problems += press_problems
            made.append((config.pdf_path(language, "print", year), print_data, pages))
        if "epub" in config.formats:
            self.progress(language, "writing the EPUB")
            print_edition = PrintEdition(paging.anchors(), pages, config.pdf_path(language, "print", year).name)
            epub = make_epub(
                self.edition,
                config.folder("layouts"),
                print_edition,
                self.built,
                config.output_name(year),
                config.accessibility_certifier,
                env=self.environment,
            )
            made.append((config.epub_path(language, year), epub.data, epub.documents))
        self.progress(language, "done")
        return EditionFiles(language, tuple(made), tuple(problems))


def make_editions(
    config: Config,
    languages: list[str],
    variants: tuple[str, ...],
    pool: SerialWorkers,
    progress: Progress,
    allow_untranslated: bool,
    caches: Mapping[str, LayoutCache] | None = None,
) -> tuple[list[Problem], list[EditionFiles]]:
    """The problems to report and the files of each edition in `languages`. The gaps of a
    released language raise ProblemsFound unless they are allowed, and are warnings then;
    a draft's are expected, and summed up in a notice per catalog; errors in the press
    raise ProblemsFound; the press's other problems and the profiles their organisations
    have not approved are warnings. Layouts are taken from each language's cache in
    `caches` where it has them. An edition's layout jobs go to the workers as soon as its
    HTML is rendered, and its files are made as soon as its last layout is back, while the
    workers go on with the others."""
    check_fonts()
    press, press_problems = press_of(config) if "print" in variants else (None, [])
    editions = load_editions(config, languages)
    gaps = [gap for edition in editions if edition.language not in config.drafts for gap in edition.gaps]
    stopping = [problem for problem in press_problems if problem.level is Level.ERROR]
    if stopping or (gaps and not allow_untranslated):
        raise ProblemsFound(stopping + ([] if allow_untranslated else gaps))
    problems = [dataclasses.replace(gap, level=Level.WARNING) for gap in gaps] + press_problems
    problems += not_approved(editions[0].book)
    problems += [note for edition in editions if edition.language in config.drafts for note in edition.draft_notes()]
    caches = caches or {}
    outputs = [
        EditionOutputs(config, edition, variants, press, progress, caches.get(edition.language)) for edition in editions
    ]
    made = {}
    for index in lay_out([output.pagination for output in outputs], pool):
        made[index] = outputs[index].files()
    return problems, [made[index] for index in range(len(outputs))]
