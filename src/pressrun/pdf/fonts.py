"""The pinned fonts: the faces the layouts may use, where their packages keep them, and
fontconfig confined to them.

Three families, each a variable font from a pinned PyPI package: Source Sans 3 (Latin,
Cyrillic and Greek, upright and italic), Noto Sans Arabic and Noto Sans SC (Simplified
Chinese). WeasyPrint makes a static instance of each weight a layout uses and embeds
only the glyphs it needs. Kept apart from the engine so that finding the fonts does not
load WeasyPrint.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import fontpkg_noto_sans_arabic
import fontpkg_source_sans_3
import justmytype_intl_cjk

from ..files import Folder, write_together

_SOURCE_SANS = Path(fontpkg_source_sans_3.__file__).parent / "files"
_NOTO_ARABIC = Path(fontpkg_noto_sans_arabic.__file__).parent / "files"
# The package holds Japanese, Korean and Traditional Chinese too: only this folder is used.
_NOTO_SC = Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc"


@dataclass(frozen=True)
class Face:
    """One font file: its family and the style it answers (every weight: its weight
    axis is variable)."""

    family: str
    style: str
    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()


# Declared once: the PDF template's @font-face rules, the engine's confinement and the
# proof's glyph check read these.
FACES = (
    Face("Source Sans 3", "normal", _SOURCE_SANS / "SourceSans3[wght].ttf"),
    Face("Source Sans 3", "italic", _SOURCE_SANS / "SourceSans3-Italic[wght].ttf"),
    Face("Noto Sans Arabic", "normal", _NOTO_ARABIC / "NotoSansArabic[wdth,wght].ttf"),
    Face("Noto Sans SC", "normal", _NOTO_SC / "NotoSansSC[wght].ttf"),
)
FAMILIES = tuple(dict.fromkeys(face.family for face in FACES))
FONT_DIRS = tuple(dict.fromkeys(face.path.parent for face in FACES))


def faces_for(families: tuple[str, ...], style: str) -> list[Face]:
    """The faces that can draw a text set in `families` and `style`, in the order the
    engine tries them: each pinned family of the list, in that style where the family
    has it (the engine slants the upright face otherwise)."""
    chosen = []
    for family in families:
        own = [face for face in FACES if face.family == family]
        chosen += [face for face in own if face.style == style] or own
    return chosen


def _fontconfig(cache: Path) -> str:
    """fontconfig's configuration: the pinned fonts' folders as its only font folders, and
    `cache` for its cache."""
    dirs = "".join(f"<dir>{escape(str(font_dir))}</dir>" for font_dir in FONT_DIRS)
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig>{dirs}<cachedir>{escape(str(cache))}</cachedir></fontconfig>\n"
    )


def confine_fonts(cache: Folder) -> None:
    """Point fontconfig at the pinned fonts' folders only, so that no font installed on
    the machine can stand in for a missing glyph: the same content gives the same pages.
    Its configuration and cache are kept in a folder of `cache` named after the font
    folders, so that every build with the same fonts reuses them (an interrupted one
    too), and nothing is left in the machine's temporary folder. Worker processes forked
    after this inherit it."""
    key = hashlib.sha256(os.pathsep.join(map(str, FONT_DIRS)).encode()).hexdigest()[:16]
    folder = cache.path / f"fontconfig-{key}"
    configuration, text = folder / "fonts.conf", _fontconfig(folder / "cache")
    if not (cache.is_file(configuration) and cache.read_text(configuration) == text):
        write_together(cache, [(configuration, text.encode("utf-8"))])
    os.environ["FONTCONFIG_FILE"] = str(configuration)


def fonts_confined() -> bool:
    """Whether `confine_fonts` has pointed fontconfig at the pinned fonts in this process."""
    configuration = os.environ.get("FONTCONFIG_FILE", "")
    return configuration.endswith("fonts.conf") and Path(configuration).parent.name.startswith("fontconfig-")
