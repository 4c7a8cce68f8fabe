"""French typography rules, applied to translated text at render time."""

from __future__ import annotations

import pytest

from pressrun.i18n.typography import NARROW_NBSP as NNBSP
from pressrun.i18n.typography import NBSP, apply, french, quotation_marks


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
    assert apply("Join us! Why? Because: this.", "en") == "Join us! Why? Because: this."


def test_quotation_marks_per_language():
    assert quotation_marks("en") == ("“", "”")
    assert quotation_marks("fr") == (f"«{NNBSP}", f"{NNBSP}»")
    assert quotation_marks("xx") == ("“", "”")
