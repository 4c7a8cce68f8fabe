"""The pinned fonts: where the font package keeps them, and fontconfig confined to them.

Kept apart from the PDF writer so that finding the fonts does not load WeasyPrint.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import font_source_sans_pro

FONT_DIR = Path(font_source_sans_pro.__file__).parent / "files"


def confine_fonts() -> None:
    """Point fontconfig at the pinned font package only, so that no font installed on the
    machine can stand in for a missing glyph: the same content gives the same pages."""
    if os.environ.get("PRESSRUN_FONTCONFIG") == str(FONT_DIR):
        return
    folder = Path(tempfile.mkdtemp(prefix="pressrun-fontconfig-"))
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{FONT_DIR}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    os.environ["FONTCONFIG_FILE"] = str(folder / "fonts.conf")
    os.environ["PRESSRUN_FONTCONFIG"] = str(FONT_DIR)
