"""Terminology: the glossaries in locales/<ll>/glossary.tbx, the proof's checks of the
translations against them and against the content, and the editor's source queries."""

from __future__ import annotations

import json
from pathlib import Path

from translate.storage.tbx import tbxfile

from conftest import REPOSITORY, add_language, edition, run
from pressrun.config import load_config
from pressrun.content.queries import file_queries, source_queries
from pressrun.i18n.glossary import load_glossary, read_glossary
from pressrun.incremental import edition_digest
from pressrun.proof.translationchecks import check_translations

FRENCH_GLOSSARY = REPOSITORY / "locales/fr/glossary.tbx"
CONTENT_PO = "locales/fr/LC_MESSAGES/content.po"


def tbx(*entries: tuple[str, list[str], list[str]]) -> str:
    """A TBX glossary: (English term, approved French terms, forbidden French variants)."""
    body = []
    for source, approved, forbidden in entries:
        terms = [
            (term, "preferredTerm-admn-sts" if i == 0 else "admittedTerm-admn-sts") for i, term in enumerate(approved)
        ]
        terms += [(term, "deprecatedTerm-admn-sts") for term in forbidden]
        tigs = "".join(
            f'<tig><term>{term}</term><termNote type="administrativeStatus">{status}</termNote></tig>'
            for term, status in terms
        )
        body.append(
            f'<termEntry><langSet xml:lang="en"><tig><term>{source}</term></tig></langSet>\n'
            f'<langSet xml:lang="fr"><note from="translator">why</note>{tigs}</langSet></termEntry>'
        )
    return '<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX" xml:lang="en"><text><body>\n{}\n</body></text></martif>\n'.format(
        "\n".join(body)
    )


def french(project: Path, translations: dict[str, str]) -> None:
    """French catalogs for a sample project: the content messages named by msgctxt in
    `translations`, the others "FR <text>"; the layouts' labels as they are."""
    add_language(
        project,
        "fr",
        lambda domain, message: (
            translations.get(message.context, f"FR {message.id}") if domain == "content" else message.id
        ),
    )


def findings(project: Path, glossary: str | None = None) -> list[tuple[str, str, str]]:
    """(kind, place, message) of every translation finding of the French edition."""
    if glossary is not None:
        (project / "locales/fr/glossary.tbx").write_text(glossary, encoding="utf-8")
    config = load_config(project)
    found = check_translations(edition(project, "fr"), load_glossary(config, "en", "fr"))
    return sorted((problem.code, str(problem.origin), problem.message) for problem in found)


def line_of(project: Path, context: str) -> int:
    """The catalog line of the msgid whose msgctxt is `context`."""
    lines = (project / CONTENT_PO).read_text(encoding="utf-8").splitlines()
    return lines.index(f'msgctxt "{context}"') + 2


# --- the checks, each on its fixture ---------------------------------------------------


def test_a_term_translated_otherwise_or_with_a_forbidden_variant_is_a_warning_at_its_catalog_line(mini):
    french(
        mini,
        {
            "alpha:sections[1].blocks[1].text": "Un monde de cités connectées.",
            "publication:preface[1]": "Un répertoire de deux réseaux, pour les tests.",
            "alpha:intro[1].text": "Alpha relie les villes connectées.[^one]",
        },
    )
    glossary = tbx(
        ("connected cities", ["villes connectées"], ["cités connectées"]),
        ("for tests", ["pour les essais"], []),
    )
    assert findings(mini, glossary) == [
        (
            "glossary",
            f"{CONTENT_PO}:{line_of(mini, 'alpha:sections[1].blocks[1].text')}",
            "alpha:sections[1].blocks[1].text: “cités connectées” is a forbidden variant of “villes connectées” "
            "(for “connected cities”) [why]",
        ),
        (
            "glossary",
            f"{CONTENT_PO}:{line_of(mini, 'publication:preface[1]')}",
            "publication:preface[1]: “for tests” is not translated “pour les essais”, as the glossary says [why]",
        ),
    ]


def test_terms_match_whole_words_their_plural_and_a_capital_at_the_start(mini):
    french(
        mini,
        {
            "alpha:sections[1].blocks[1].text": "Villes connectées du monde.",
            "publication:preface[1]": "Un répertoire de deux réseaux, pour les tests.",
        },
    )
    glossary = tbx(("connected city", ["villes connectées"], []), ("directories", ["répertoires"], []))
    assert findings(mini, glossary) == []


def translated_twice(project: Path, first: str, second: str) -> list[tuple[str, str, str]]:
    """The findings when Alpha's vision and Beta's intro, the same English text, are
    translated `first` and `second`."""
    beta = project / "content/profiles/beta.yaml"
    beta.write_text(beta.read_text().replace("Beta hosts the directory.", "A world of connected cities."))
    french(project, {"alpha:sections[1].blocks[1].text": first, "beta:intro[1].text": second})
    return findings(project)


def test_one_source_text_translated_two_ways_is_a_warning_at_each(mini):
    found = translated_twice(mini, "Un monde de villes connectées.", "Un monde de villes reliées.")
    assert [(kind, place) for kind, place, _ in found] == [
        ("inconsistent", f"{CONTENT_PO}:{line_of(mini, 'alpha:sections[1].blocks[1].text')}"),
        ("inconsistent", f"{CONTENT_PO}:{line_of(mini, 'beta:intro[1].text')}"),
    ]
    assert found[0][2] == (
        "alpha:sections[1].blocks[1].text: “A world of connected cities.” is translated otherwise elsewhere: "
        f"“Un monde de villes reliées.” at {CONTENT_PO}:{line_of(mini, 'beta:intro[1].text')} (beta:intro[1].text)"
    )


def test_a_capital_at_the_start_is_no_other_translation(mini):
    assert translated_twice(mini, "Un monde de villes connectées.", "un monde de villes connectées.") == []


def test_an_organisation_named_otherwise_than_the_content_names_it_is_a_warning(mini):
    beta = mini / "content/profiles/beta.yaml"
    beta.write_text(beta.read_text().replace("Beta hosts the directory.", "Beta works with Alpha Network (AN)."))
    french(
        mini,
        {
            "alpha:name": "Réseau Alpha",
            "alpha:acronym": "RA",
            "beta:intro[1].text": "Beta travaille avec le Réseau Alpha (AN).",
        },
    )
    assert findings(mini) == [
        (
            "org-name",
            f"{CONTENT_PO}:{line_of(mini, 'beta:intro[1].text')}",
            f"beta:intro[1].text: the translation does not name “AN” as this edition does: “RA” "
            f"({CONTENT_PO}:{line_of(mini, 'alpha:acronym')})",
        )
    ]


def test_the_official_name_in_the_content_rules_over_the_catalog_and_the_glossary(mini):
    alpha = mini / "content/profiles/alpha.yaml"
    alpha.write_text(
        alpha.read_text().replace("acronym: AN\n", "acronym: AN\nother_names: [{name: Réseau Alpha, lang: fr}]\n")
    )
    french(mini, {"alpha:name": "Alpha Réseau"})
    glossary = tbx(("Alpha Network", ["Alpha Réseau"], []))
    (kind, place, message), (other_kind, other_place, other_message) = findings(mini, glossary)
    assert (kind, place) == ("glossary", "locales/fr/glossary.tbx:3")
    assert message == (
        "the glossary translates “Alpha Network” as “Alpha Réseau”, but the content names it “Réseau Alpha” "
        "in this edition (content/profiles/alpha.yaml:3:15)"
    )
    assert (other_kind, other_place) == ("org-name", f"{CONTENT_PO}:{line_of(mini, 'alpha:name')}")
    assert other_message.startswith(
        "alpha:name: the translation does not name “Alpha Network” as this edition does: “Réseau Alpha”"
    )


# --- the glossary file --------------------------------------------------------------------


def test_mistakes_in_a_glossary_are_reported_at_their_lines(mini, capsys):
    french(mini, {})
    path = mini / "locales/fr/glossary.tbx"
    path.write_text(
        tbx(("directory", ["répertoire"], []))
        .replace(
            "<termEntry>",
            '<termEntry><langSet xml:lang="en"><tig><term>network</term></tig></langSet></termEntry>\n<termEntry>',
            1,
        )
        .replace("preferredTerm-admn-sts", "approved"),
        encoding="utf-8",
    )
    assert run(mini, "i18n", "status").code == 1
    result = run(mini, "proof")
    assert result.code == 1
    assert result.errors == [
        "locales/fr/glossary.tbx:3: a <termEntry> needs a langSet in en and in fr [glossary]",
        "locales/fr/glossary.tbx:5: unknown status 'approved' (admittedTerm-admn-sts, deprecatedTerm-admn-sts, "
        "preferredTerm-admn-sts, supersededTerm-admn-sts) [glossary]",
        "2 error(s): no proof was made",
    ]
    path.write_text("<martif><text><body><termEntry>", encoding="utf-8")
    assert run(mini, "proof").errors[0].startswith("locales/fr/glossary.tbx:1:32: not well-formed XML:")


def test_status_reports_how_the_translations_follow_the_glossary(mini):
    french(mini, {"alpha:sections[1].blocks[1].text": "Un monde de cités connectées."})
    (mini / "locales/fr/glossary.tbx").write_text(
        tbx(
            ("connected cities", ["villes connectées"], ["cités connectées"]),
            ("Alpha", ["Alpha"], []),
            ("zebra", ["zèbre"], []),
        ),
        encoding="utf-8",
    )
    out = run(mini, "i18n", "status").out.splitlines()
    assert out[-2].split() == ["language", "glossary", "terms", "in", "use", "uses", "follow"]
    # Alpha: in its name and its intro, kept; connected cities: with a forbidden variant.
    assert out[-1].split() == ["fr", "locales/fr/glossary.tbx", "3", "2", "3", "66.7%"]


def test_the_glossary_is_no_input_of_a_build(mini):
    french(mini, {})
    config = load_config(mini)
    before = edition_digest(config, "fr", {})
    (mini / "locales/fr/glossary.tbx").write_text(tbx(("directory", ["répertoire"], [])), encoding="utf-8")
    assert edition_digest(config, "fr", {}) == before


# --- the French edition -------------------------------------------------------------------


def test_the_french_edition_follows_its_glossary_and_names_every_organisation_as_the_content_does():
    glossary = load_glossary(load_config(REPOSITORY), "en", "fr")
    assert len(glossary.terms) >= 40
    assert check_translations(edition(REPOSITORY, "fr"), glossary) == []


def test_the_translate_toolkit_reads_the_french_glossary_as_pressrun_does():
    """Weblate imports TBX glossaries with the Translate Toolkit: each entry must reach it
    whole, the approved term first and the forbidden variants marked deprecated."""
    ours = read_glossary(FRENCH_GLOSSARY.read_bytes(), "glossary.tbx", "en", "fr").terms
    store = tbxfile.parsefile(str(FRENCH_GLOSSARY))
    store.settargetlanguage("fr")
    theirs = []
    for unit in store.units:
        terms = unit.get_target_terms()
        theirs.append(
            (
                unit.source,
                tuple(term.text for term in terms if not term.deprecated),
                tuple(term.text for term in terms if term.deprecated),
                unit.getnotes("translator"),
            )
        )
    assert theirs == [(term.source, term.approved, term.forbidden, term.note) for term in ours]
    assert not any(unit.isobsolete() for unit in store.units), "no entry is dropped as obsolete"


# --- source queries -------------------------------------------------------------------------


def test_a_query_in_the_content_is_listed_by_the_proof_at_the_value_it_is_about(mini):
    alpha = mini / "content/profiles/alpha.yaml"
    alpha.write_text(
        alpha.read_text().replace(
            "intro:\n",
            "intro:\n  # Source: printed as is.\n  # Query: Alpha: is the\n  #   network's name right?\n\n",
        )
    )
    assert run(mini, "proof").code == 0
    report = json.loads((mini / "build/proof/report.json").read_text())
    queries = [finding for finding in report["content"] if finding["kind"] == "source-query"]
    assert queries == [
        {
            "edition": "content",
            "kind": "source-query",
            "level": "notice",
            "location": "content/profiles/alpha.yaml:8:3",
            "message": "Alpha: is the network's name right?",
            "page": None,
        }
    ]


def test_the_2021_content_declares_its_source_queries():
    places = [
        (query.origin.path.split("/")[-1], query.text.split(":")[0])
        for query in source_queries(load_config(REPOSITORY))
    ]
    assert places == [
        ("aimf.yaml", "AIMF"),  # the review's name, Raisonnement
        ("covenant-of-mayors.yaml", "Covenant of Mayors"),  # Board or Political Board
        ("energy-cities.yaml", "Energy Cities"),  # its first paragraph describes Eurocities
        ("geneva-cities-hub.yaml", "Geneva Cities Hub"),  # two forms of the street address
        ("global-city-network.yaml", "WHO"),  # "World Preparedness Emergency programme"
        ("iclei-europe.yaml", "ICLEI"),  # "Local Initiatives" without "Environmental"
        ("iclei-europe.yaml", "ICLEI"),  # five pathways, six adjectives
        ("mayors-migration-council.yaml", "MMC"),  # "Human Settlement Programme"
        ("oasc.yaml", "OASC"),  # Meersman or Meerman
        ("partnership-for-healthy-cities.yaml", "WHO"),  # its French name
        ("platforma.yaml", "PLATFORMA"),  # "biannual" for biennial
        ("uclg.yaml", "UCLG"),  # Carrer Aviny
        ("unece.yaml", "UNECE"),  # SDG 11's title, the event's French title
    ]


def test_each_query_line_starts_a_query_of_its_own():
    text = "# Query: first?\n# Query: second?\nkey: value\n"
    assert [(q.origin.line, q.text) for q in file_queries(text, "x.yaml")] == [(3, "first?"), (3, "second?")]
