"""The pinned fonts: the faces the layouts may use, where the font package keeps them, and
fontconfig confined to them.

Kept apart from the engine so that finding the fonts does not load WeasyPrint.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import font_source_sans_pro

FONT_DIR = Path(font_source_sans_pro.__file__).parent / "files"
FAMILY = "Source Sans Pro"


@dataclass(frozen=True)
class Face:
    """One face of the pinned family: the CSS weight and style it answers, and its file."""

    weight: int
    style: str
    file: str

    @property
    def path(self) -> Path:
        return FONT_DIR / self.file


# Declared once: the PDF template's @font-face rules and the proof's glyph check read these.
FACES = tuple(
    Face(weight, style, f"SourceSansPro-{name}.ttf")
    for weight, style, name in [
        (400, "normal", "Regular"),
        (400, "italic", "It"),
        (600, "normal", "Semibold"),
        (600, "italic", "SemiboldIt"),
        (700, "normal", "Bold"),
        (700, "italic", "BoldIt"),
        (900, "normal", "Black"),
        (300, "normal", "Light"),
    ]
)


def face_for(weight: int, style: str) -> Face:
    """The face the engine picks for a weight and style: the same style first, then the
    nearest weight."""
    return min(FACES, key=lambda face: (face.style != style, abs(face.weight - weight)))


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
