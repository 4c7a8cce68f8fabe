"""Right-to-left editions: which runs are isolated as left to right, and how the HTML
carries them."""

from __future__ import annotations

import pytest

from pressrun.i18n.bidi import ltr_runs
from pressrun.render import isolate_ltr_runs


def isolated(text: str) -> list[str]:
    return [text[start:end] for start, end in ltr_runs(text)]


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("+41 22 559 46 00", ["+41 22 559 46 00"]),
        (" (GCH) ", ["(GCH)"]),
        ("Villa Rigot, 9 Avenue de la Paix", ["Villa Rigot, 9 Avenue de la Paix"]),
        ("اتصلوا بنا على +41 22 559 46 00.", ["+41 22 559 46 00"]),
        ("يقع في 1202 Geneva، سويسرا", ["1202 Geneva"]),
        # Latin letters, numbers alone, dates and ranges inside Arabic are left to the algorithm.
        ("مركز جنيف (GCH) ومنظمة C40 Cities", []),
        ("6 أكتوبر 2021، بين 2014-2020", []),
        ("، ", []),
        ("12", []),
    ],
)
def test_left_to_right_runs(text, runs):
    assert isolated(text) == runs


def test_isolation_touches_text_only():
    html = (
        '<html dir="rtl"><head><title>GCH 2021</title><style>p { font: 10pt "A B" }</style></head>'
        '<body><p title="+41 22">مركز &amp; 1202 Geneva</p><a href="https://x.org">x.org</a></body></html>'
    )
    assert isolate_ltr_runs(html) == (
        '<html dir="rtl"><head><title>GCH 2021</title><style>p { font: 10pt "A B" }</style></head>'
        '<body><p title="+41 22">مركز &amp; <span dir="ltr">1202 Geneva</span></p>'
        '<a href="https://x.org"><span dir="ltr">x.org</span></a></body></html>'
    )
