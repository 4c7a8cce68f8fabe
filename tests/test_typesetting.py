"""What a typesetter looks at, measured on real layouts (pdf.measure), and the loop that
corrects it (pdf.typeset): one small document per kind of flaw, laid out by the engine."""

from __future__ import annotations

import pytest

from conftest import REPOSITORY
from pressrun.errors import Origin
from pressrun.files import Folder
from pressrun.pdf.engine import lay_out
from pressrun.pdf.fonts import FACES, confine_fonts
from pressrun.pdf.jobs import LayoutJob
from pressrun.pdf.measure import Flaw, Measurement, ProfileLayout, measure
from pressrun.pdf.typeset import LOOSE, MAX_CORRECTIONS, TIGHTEST, Setting, Typesetting, corrected

SHY = "\u00ad"
FONTS = "".join(
    f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; src: url("{face.url}"); }}'
    for face in FACES
)
# A small page, 14 lines of 12 pt a page, and text set as the layouts set it.
STYLE = """
@page { size: 90mm 70mm; margin: 5mm; }
body { margin: 0; font: 9pt/12pt "Source Sans 3"; }
p { margin: 0; }
.manual { hyphens: manual; }
"""


@pytest.fixture(scope="module", autouse=True)
def pinned_fonts(tmp_path_factory):
    """The engine lays out with the pinned fonts only, as in a build (fontconfig's
    configuration and cache in a folder of the test's own)."""
    cache = tmp_path_factory.mktemp("cache")
    confine_fonts(Folder(cache, cache))


def document(body: str, css: str = "", lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><style>{FONTS}{STYLE}{css}</style>'
        f"</head><body>{body}</body></html>"
    )


def laid_out(body: str, css: str = "", lang: str = "en"):
    """The engine's layout of a small document (not written), with its measurement."""
    layouts = Folder(REPOSITORY / "layouts", REPOSITORY)
    return lay_out(LayoutJob(document(body, css, lang), layouts, Origin("test"), write=False))


def flaws(body: str, css: str = "", lang: str = "en", code: str | None = None) -> list[tuple[str, int, str]]:
    """The flaws of a small document as (code, page, subject), or only those of `code`."""
    measurement = laid_out(body, css, lang).measurement
    return [(f.code, f.page, f.subject) for f in measurement.flaws if code in (None, f.code)]


def profile(*blocks: str) -> str:
    return f'<article id="profile-alpha"><div class="intro">{"".join(blocks)}</div></article>'


def paragraph(text: str, css_class: str = "manual") -> str:
    return f'<p class="{css_class}">{text}</p>'


def width(millimetres: int) -> str:
    return f"p {{ width: {millimetres}mm; }}"


# Three lines of the page's measure; a page holds 14 lines.
FILLER = paragraph(" ".join(["Cities work together."] * 8))


# --- hyphens ------------------------------------------------------------------------------


def test_a_break_in_an_acronym_is_reported_and_one_in_plain_words_is_not():
    found = flaws(profile(paragraph(f"Seen by UN{SHY}ECE and other delegates")), width(20), code="bad-hyphen")
    assert found == [("bad-hyphen", 1, "UNECE")]
    assert flaws(profile(paragraph(f"Seen by inter{SHY}national delegates")), width(20), code="bad-hyphen") == []


@pytest.mark.parametrize(
    ("text", "measure", "word"),
    [
        (f"We saw the CO{SHY}VID-19 plan", 14, "COVID-19"),
        (f"We saw the Mann{SHY}heim2020 plan", 19, "Mannheim2020"),
        (f"We saw the decision-mak{SHY}ing plan", 19, "decision-making"),
    ],
)
def test_breaks_in_words_with_digits_and_in_compounds_are_reported(text, measure, word):
    assert flaws(profile(paragraph(text)), width(measure), code="bad-hyphen") == [("bad-hyphen", 1, word)]


def test_a_fragment_of_fewer_than_three_letters_is_reported():
    found = flaws(profile(paragraph(f"We want to re{SHY}duce costs")), width(22))
    assert found == [("short-fragment", 1, "reduce")]


LADDER = "Internationally recognised environmental organisations coordinate unprecedented transformations"


def test_three_hyphenated_lines_in_a_row_make_a_ladder():
    # recognised envir-/onmental organ-/isations coordin-/ate unpreceden-/ted transforma-/tions
    found = flaws(profile(paragraph(LADDER, "auto")), "p { width: 23mm; hyphens: auto; }", code="ladder")
    assert found == [
        ("ladder", 1, "coordinate"),
        ("ladder", 1, "unprecedented"),
        ("ladder", 1, "transformations"),
    ]


def test_a_hyphen_across_a_page_turn_is_reported():
    # Thirteen lines of "word", then "depar-" ends the page's fourteenth line.
    text = " ".join(["word"] * 13) + f" depar{SHY}ture comes next"
    found = flaws(profile(paragraph(text)), width(12), code="page-turn-hyphen")
    assert found == [("page-turn-hyphen", 1, "departure")]


# --- paragraphs -----------------------------------------------------------------------


def test_a_runt_is_reported_with_the_words_to_tie():
    found = flaws(profile(paragraph("Cities work together for the good of everyone.")), width(20))
    assert found == [("runt", 1, "of everyone.")]
    assert flaws(profile(paragraph("Cities work together for the good of everyone.")), width(24)) == []


def test_a_runt_in_a_quotation_leaves_out_the_closing_mark():
    found = flaws(profile(paragraph("“Cities work together for the good of everyone.”")), width(20))
    assert found == [("runt", 1, "of everyone.")]


def test_a_number_split_across_lines_is_reported():
    assert flaws(profile(paragraph("More than 1 750 members")), width(19), "fr") == [("split-number", 1, "")]
    assert flaws(profile(paragraph("More than 1\u202f750 members")), width(19), "fr", code="split-number") == []


def test_straight_quotes_are_reported_in_english_only():
    text = paragraph('Geneva\'s "hub" for cities')
    assert flaws(profile(text)) == [("straight-quote", 1, "")]
    assert flaws(profile(text), lang="fr") == []


# --- pages --------------------------------------------------------------------------------


def test_a_page_before_the_last_one_that_is_not_full_enough_is_reported():
    more = '<p style="break-before: page">' + " ".join(["More work."] * 40) + "</p>"
    assert flaws(profile(FILLER, more)) == [("page-fill", 1, "")]


def test_a_runover_of_a_few_lines_is_reported_on_its_page():
    # Fifteen lines: the last one alone on the second page.
    assert flaws(profile(*[FILLER] * 5), "p { widows: 1; orphans: 1; }") == [("runover", 2, "")]
    assert flaws(profile(*[FILLER] * 4), "p { widows: 1; orphans: 1; }") == []


COLUMNS = "div.intro { columns: 2; column-gap: 4mm; column-fill: auto; } p { widows: 1; orphans: 1; }"


def test_a_column_stopping_short_before_a_pull_quote_is_a_hole_naming_the_quote():
    quote = f'<figure class="pullquote" data-path="intro[2]" style="break-inside: avoid; margin: 0">{FILLER}</figure>'
    found = flaws(profile(FILLER, quote, *[FILLER] * 4), COLUMNS, code="hole")
    assert found == [("hole", 1, "intro[2]")]


def test_a_quotation_split_with_too_few_lines_on_one_side_is_reported():
    quote = '<figure class="quote" data-path="intro[5]">' + paragraph(" ".join(["Quoted words."] * 12)) + "</figure>"
    css = "figure.quote p { orphans: 1; widows: 1; }"
    assert flaws(profile(*[FILLER] * 4, quote), css) == [("split-quote", 1, "intro[5]")]


def test_a_rule_stretched_past_its_text_is_reported_and_the_engine_ends_it_with_the_text():
    from weasyprint import HTML

    # The quote's last six lines go over together (widows), so that its first part ends
    # above the foot of the page; the engine stretches its box down to the foot.
    text = paragraph(" ".join(["Quoted words here."] * 22)).replace("<p ", '<p style="widows: 6" ')
    body = profile(*[FILLER] * 3, f'<div style="border-left: 2pt solid orange">{text}</div>')
    stretched = measure(HTML(string=document(body)).render().pages)
    assert [flaw.code for flaw in stretched.flaws if flaw.code == "decoration"] == ["decoration"]
    assert flaws(body, code="decoration") == [], "the engine ends the rule with the text"


# --- corrections ---------------------------------------------------------------------------


def layout(*found: Flaw) -> ProfileLayout:
    return ProfileLayout(1, (1.0, 0.05), found)


def flaw(code: str, subject: str = "") -> Flaw:
    return Flaw(code, 2, "", "alpha", subject)


def test_each_flaw_is_corrected_in_a_small_step_that_only_adds():
    setting = corrected(Setting(), layout(flaw("ladder", "developments"), flaw("runt", "of all.")))
    assert setting.unhyphenated == {"developments"} and setting.tied == {"of all."}
    setting = corrected(setting, layout(flaw("runt", "experience"), flaw("split-quote", "intro[3]")))
    assert setting.unhyphenated == {"developments", "experience"} and setting.unbroken == {"intro[3]"}
    assert setting.tied == {"of all."}


def test_a_pull_quote_before_a_hole_is_deferred_then_let_break():
    once = corrected(Setting(), layout(flaw("hole", "intro[2]")))
    assert once.deferred == {"intro[2]"} and not once.breakable
    twice = corrected(once, layout(flaw("hole", "intro[2]")))
    assert twice.breakable == {"intro[2]"}


def test_a_runover_is_set_tighter_step_by_step_then_loose_and_no_further():
    setting, steps = Setting(), []
    for _ in range(TIGHTEST + 3):
        setting = corrected(setting, layout(flaw("runover")))
        steps.append(setting.tightness)
    assert steps == [*range(1, TIGHTEST + 1), LOOSE, LOOSE, LOOSE]
    assert Setting(tightness=2).tight_classes == "tight-1 tight-2" and Setting(tightness=LOOSE).tight_classes == "loose"


def test_the_loop_stops_correcting_a_profile_after_max_corrections():
    measurement = Measurement({"alpha": layout(flaw("runt", "of all."))}, ())
    typesetting = Typesetting()
    assert list(typesetting.wanted(measurement)) == ["alpha"]
    for _ in range(MAX_CORRECTIONS):
        typesetting = typesetting.with_setting("alpha", Setting(tightness=1))
    assert typesetting.wanted(measurement) == {}
    settled = Measurement({"alpha": layout()}, ())
    assert Typesetting().wanted(settled) == {}


# --- the loop in the pagination ------------------------------------------------------------


def test_a_book_that_needs_corrections_lays_out_those_profiles_together_then_the_book_again(mini):
    from conftest import edition
    from pressrun.pdf.book import contents_anchors, plan
    from pressrun.pdf.jobs import ChunkPdf, LaidOut
    from pressrun.pdf.paginate import Final, Pagination, Trial

    sample = edition(mini, "en")
    rendered = []

    def render(book) -> str:
        rendered.append(book)
        return f"{[p.id for p in book.profiles]} {dict(book.settings)}"

    def result(measured: dict[str, ProfileLayout], written: bool = False) -> LaidOut:
        pdf = ChunkPdf(b"%PDF") if written else None
        return LaidOut(12, {}, (), pdf, (), measurement=Measurement(measured, ()))

    layouts = Folder(mini / "layouts", mini)
    paging = Pagination(plan(sample.parts, 30), contents_anchors(sample.parts), render, layouts, Origin("x"), print)
    key, first = paging.next_job()
    assert key == Final(0, 1) and first.settled_only, "written only if it needs no correction"
    # The book's first layout: alpha has a runt, beta a ladder; it was not written.
    paging.done(
        key, first, result({"alpha": layout(flaw("runt", "of all.")), "beta": layout(flaw("ladder", "cities"))})
    )
    key, trial = paging.next_job()
    assert key == Trial(0, 1), "the two profiles in one layout"
    assert [p.id for p in rendered[-1].profiles] == [p.id for p in sample.profiles()] and not rendered[-1].front
    assert "of all." in trial.html and "cities" in trial.html and not trial.write
    # With the runt tied, alpha needs nothing more; beta has another ladder: beta alone again.
    paging.done(key, trial, result({"alpha": layout(), "beta": layout(flaw("ladder", "towns"))}))
    key, trial = paging.next_job()
    assert key == Trial(0, 2) and [p.id for p in rendered[-1].profiles] == ["beta"]
    paging.done(key, trial, result({"beta": layout()}))
    # No profile is left to correct: the book is laid out again with both settings, and written.
    key, final = paging.next_job()
    assert key == Final(0, 1) and final.write and not final.settled_only
    assert "of all." in final.html and "towns" in final.html
    paging.done(key, final, result({"alpha": layout(flaw("runt", "of all."))}, written=True))
    assert paging.next_job() is None
    assert paging.finished and paging.typesetting.setting("alpha").tied == {"of all."}
    assert paging.typesetting.setting("beta").unhyphenated == {"cities", "towns"}
