"""Every sentence of the 2021 source text (outside its contents list) is in content/.

The sentences come from the test's own copy of the source, tests/data/directory-2021.txt;
see sourcetext.py for how prose and contact lines are compared.
"""

from __future__ import annotations

import pytest

from conftest import REPOSITORY
from pressrun.config import load_config
from pressrun.content import load
from sourcetext import corpora, in_one_contact_block, normalize, source_units, tokens


@pytest.fixture(scope="module")
def content_corpora():
    return corpora(load(load_config(REPOSITORY)))


def test_source_has_the_expected_shape():
    units = source_units()
    assert len(units) > 800
    assert not any(text.startswith("Geneva Cities Hub\t") for _, text in units), "contents list leaked in"


def test_every_source_sentence_is_in_content(content_corpora):
    prose, contact_tokens = content_corpora
    missing = []
    for line, sentence in source_units():
        if normalize(sentence) in prose:
            continue
        if in_one_contact_block(contact_tokens, tokens(sentence)):
            continue
        missing.append(f"directory-2021.txt:{line}: {sentence}")
    assert not missing, "sentences missing from content/:\n" + "\n".join(missing)


def test_a_changed_sentence_is_detected(content_corpora):
    prose, contact_tokens = content_corpora
    sentence = "Mapping the urban work of International Geneva actors."
    assert normalize(sentence) not in prose
    assert not in_one_contact_block(contact_tokens, tokens(sentence))
