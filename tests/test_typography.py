"""Each language's typography rules, applied to every text at render time, and the words
never hyphenated."""

from __future__ import annotations

import pytest

from pressrun.content.inline import keep_whole
from pressrun.i18n.typography import NARROW_NBSP as NNBSP
from pressrun.i18n.typography import NBSP, apply, english, french, quotation_marks
from pressrun.render import set_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rejoignez-nous !", f"Rejoignez-nous{NNBSP}!"),
        ("Rejoignez-nous!", f"Rejoignez-nous{NNBSP}!"),
        ("Pourquoi ? Parce que ; voilà", f"Pourquoi{NNBSP}? Parce que{NNBSP}; voilà"),
        ("Vraiment ?!", f"Vraiment{NNBSP}?!"),
        ("La citation est : Genève", f"La citation est{NBSP}: Genève"),
        ("Citation: Genève", f"Citation{NBSP}: Genève"),
        ("« Les villes »", f"«{NNBSP}Les villes{NNBSP}»"),
        ("«Les villes»", f"«{NNBSP}Les villes{NNBSP}»"),
        ("“Les villes”", f"«{NNBSP}Les villes{NNBSP}»"),
        ("70 % des villes, 40%", f"70{NNBSP}% des villes, 40{NNBSP}%"),
        ("plus de 10 000 villes, 1 500 membres", f"plus de 10{NNBSP}000 villes, 1{NNBSP}500 membres"),
        (f"250 000 membres, 1{NBSP}300 villes", f"250{NNBSP}000 membres, 1{NNBSP}300 villes"),
    ],
)
def test_french_spacing_and_quotes(text, expected):
    assert french(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "https://unece.org/housing?ln=en",
        "www.who.int/health-topics/international-health-regulations#tab=tab_1",
        "info@genevacitieshub.org",
        "à 10:30",
        "la période 2021-22",
        "le plan 2022-2026",
        "+41 22 559 46 00",
        "+ 33 1 80 89 52 29",
        "en 2021 300 villes",
    ],
)
def test_addresses_times_and_ranges_are_left_alone(text):
    assert french(text) == text


def test_punctuation_next_to_an_address_is_still_set():
    assert french("Écrivez à info@aimf.asso.fr : merci") == f"Écrivez à info@aimf.asso.fr{NBSP}: merci"
    assert french("Voir https://unece.org/housing?x=1 ; fin") == f"Voir https://unece.org/housing?x=1{NNBSP}; fin"


def test_languages_without_rules_are_unchanged():
    assert apply("Join us! Why? 'Because': this -- 2020-2023.", "de") == "Join us! Why? 'Because': this -- 2020-2023."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("International Geneva's ecosystem", "International Geneva’s ecosystem"),
        ("the cities' achievements", "the cities’ achievements"),
        ("an event entitled 'In Focus: SDG 11' is", "an event entitled ‘In Focus: SDG 11’ is"),
        ('titled "Tackling challenges" (2021)', "titled “Tackling challenges” (2021)"),
        ('("Quoted")', "(“Quoted”)"),
        ("since the '90s", "since the ’90s"),
        ("Our Strategic Plan 2020-2023 adopts", "Our Strategic Plan 2020–2023 adopts"),
        ("on 4 - 5 April 2022", "on 4–5 April 2022"),
        ("37 - 40 Boulevard du Régent", "37–40 Boulevard du Régent"),
        ("Priorities for 2021-22 include", "Priorities for 2021–22 include"),
        ("communities around the world -- searching", f"communities around the world{NBSP}– searching"),
        ("the shocks—earthquakes, floods—but", f"the shocks{NBSP}– earthquakes, floods{NBSP}– but"),
        ("Covenant of Mayors - Europe Office", f"Covenant of Mayors{NBSP}– Europe Office"),
        ("56 member States – all the countries", f"56 member States{NBSP}– all the countries"),
    ],
)
def test_english_quotes_apostrophes_ranges_and_dashes(text, expected):
    assert english(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "COVID-19 and C40",
        "Frasers Tower, 06-01",
        "on 2021-10-06",
        "+1 617-306-3489",
        "https://platforma-dev.eu/partners/ and www.who.int/a-b",
        "coordination_rainbowcities@stad.gent",
    ],
)
def test_english_codes_dates_phones_and_addresses_are_left_alone(text):
    assert english(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("à 1,5 °C et à 1,5 °C", f"à 1,5{NNBSP}°C et à 1,5{NNBSP}°C"),
        ("(cotisation de 10,00 $)", f"(cotisation de 10,00{NNBSP}$)"),
        ("20 km de côtes, 5 000 €", f"20{NNBSP}km de côtes, 5{NNBSP}000{NNBSP}€"),
        ("membres – et experts", f"membres{NBSP}– et experts"),
    ],
)
def test_french_units_currency_and_dashes(text, expected):
    assert french(text) == expected


@pytest.mark.parametrize(
    "word", ["UNECE", "KPIs", "UN-Habitat", "COVID-19", "C40", "decision-making", "info@aimf.asso.fr"]
)
def test_acronyms_digits_compounds_and_addresses_are_kept_whole(word):
    assert keep_whole(word)


@pytest.mark.parametrize("word", ["international", "Geneva’s", "Platforma", "cities"])
def test_ordinary_words_may_be_hyphenated(word):
    assert not keep_whole(word)


def test_set_text_keeps_words_whole_in_spans_with_what_no_break_spaces_join():
    # Words shorter than six letters are never hyphenated (UNECE): they need no span.
    html = str(set_text(f"the UNESCO and UNECE region, «{NNBSP}PLATFORMA{NNBSP}» in 2021", whole={"region"}))
    assert html == (
        'the <span class="unhyphenated">UNESCO</span> and UNECE <span class="unhyphenated">region,</span> '
        f'<span class="unhyphenated">«{NNBSP}PLATFORMA{NNBSP}»</span> in 2021'
    )
    tied = str(set_text("for the good of all <cities>.", tied=["good of"]))
    assert tied == f"for the good{NBSP}of all &lt;cities&gt;."


def test_quotation_marks_per_language():
    assert quotation_marks("en") == ("“", "”")
    assert quotation_marks("fr") == (f"«{NNBSP}", f"{NNBSP}»")
    assert quotation_marks("xx") == ("“", "”")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("более 1 750 членов", "более 1750 членов"),
        ("10 000 городов и 250 000 членов", f"10{NNBSP}000 городов и{NBSP}250{NNBSP}000 членов"),
        ("в 2005 г. и 3 млн", f"в{NBSP}2005{NBSP}г. и{NBSP}3{NBSP}млн"),
        ("сеть — это", f"сеть{NBSP}— это"),
        ("50 %", f"50{NBSP}%"),
        ("+7 495 123 45 67 и 75001 Paris", f"+7 495 123 45 67 и{NBSP}75001 Paris"),
    ],
)
def test_russian_numbers_short_words_and_dashes(text, expected):
    assert apply(text, "ru") == expected


def test_spanish_numbers_percent_and_guillemets():
    assert apply("el 70% de 1 500 ciudades y 10 000 más", "es") == f"el 70{NBSP}% de 1500 ciudades y 10{NNBSP}000 más"
    assert apply("« hola »", "es") == "«hola»"


def test_chinese_and_arabic_punctuation_of_their_script():
    assert apply("联合国(欧洲经委会),以及:城市? ok, fine", "zh") == "联合国（欧洲经委会），以及：城市？ok, fine"
    assert apply("مرحبا, كيف حالك? (GCH), ok", "ar") == "مرحبا، كيف حالك؟ (GCH), ok"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("ru", "сеть «Здоровые города» и „x“", "сеть „Здоровые города“ и\u00a0„x“"),
        ("es", "la red «Ciudades»", "la red “Ciudades”"),
        ("zh", "“技术”机构", "‘技术’机构"),
        ("en", "the “local first” approach", "the ‘local first’ approach"),
        ("fr", "le « local »", f"le «{NNBSP}local{NNBSP}»"),
    ],
)
def test_a_quotation_inside_a_quotation_takes_the_inner_marks(language, text, expected):
    assert apply(text, language, quoted=True) == expected
    assert apply(text, language) != expected or language == "fr"


def test_outer_quotation_marks_of_the_new_languages():
    assert [quotation_marks(language) for language in ("ru", "es", "ar", "zh")] == [
        ("«", "»"),
        ("«", "»"),
        ("«", "»"),
        ("“", "”"),
    ]
