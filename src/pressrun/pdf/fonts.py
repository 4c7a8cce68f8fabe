"""The pinned fonts: the faces the layouts may use, where their packages keep them, and
fontconfig confined to them.

Source Sans 3 (Latin, Cyrillic and Greek, upright and italic) and Noto Sans SC
(Simplified Chinese) are variable fonts from pinned PyPI packages: WeasyPrint makes a
static instance of each weight a layout uses. Noto Sans Arabic is Debian's static
Regular and Bold (package fonts-noto-core, which .ci/install installs): the variable
Noto Sans Arabic on PyPI draws letters from dotless shapes and separate dots, which a
PDF cannot map back to the letters, so the text read from the PDF (by screen readers,
search, copy and paste) would be wrong. Only the glyphs a layout uses are embedded.
Kept apart from the engine so that finding the fonts does not load WeasyPrint.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import fontpkg_source_sans_3
import justmytype_intl_cjk

from ..errors import Level, Origin, Problem, ProblemsFound
from ..files import Folder, write_together

_SOURCE_SANS = Path(fontpkg_source_sans_3.__file__).parent / "files"
# The package holds Japanese, Korean and Traditional Chinese too: only this face is used.
_NOTO_SC = Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc"
_DEBIAN_NOTO = Path("/usr/share/fonts/truetype/noto")
DEBIAN_FONTS_PACKAGE = "fonts-noto-core"


@dataclass(frozen=True)
class Face:
    """One font file: its family, the style it answers, and its weight (None for a
    variable font, which answers every weight)."""

    family: str
    style: str
    path: Path
    weight: int | None = None

    @property
    def url(self) -> str:
        return self.path.as_uri()


# Declared once: the PDF template's @font-face rules, the engine's confinement and the
# proof's glyph check read these.
FACES = (
    Face("Source Sans 3", "normal", _SOURCE_SANS / "SourceSans3[wght].ttf"),
    Face("Source Sans 3", "italic", _SOURCE_SANS / "SourceSans3-Italic[wght].ttf"),
    Face("Noto Sans Arabic", "normal", _DEBIAN_NOTO / "NotoSansArabic-Regular.ttf", 400),
    Face("Noto Sans Arabic", "normal", _DEBIAN_NOTO / "NotoSansArabic-Bold.ttf", 700),
    Face("Noto Sans SC", "normal", _NOTO_SC / "NotoSansSC[wght].ttf"),
)
FONT_FILES = tuple(face.path for face in FACES)


def faces_for(families: tuple[str, ...], style: str) -> list[Face]:
    """The faces that can draw a text set in `families` and `style`, in the order the
    engine tries them: each pinned family of the list, in that style where the family
    has it (the engine slants the upright face otherwise)."""
    chosen = []
    for family in families:
        own = [face for face in FACES if face.family == family]
        chosen += [face for face in own if face.style == style] or own
    return chosen


def check_fonts() -> None:
    """Raise ProblemsFound, naming the files and what to do, when a pinned font is missing."""
    missing = [face.path for face in FACES if not face.path.is_file()]
    if missing:
        raise ProblemsFound(
            [
                Problem(
                    Level.ERROR,
                    Origin(str(path)),
                    "missing-font",
                    f"pinned font missing: install the Debian package {DEBIAN_FONTS_PACKAGE} "
                    "(sh .ci/install does) or reinstall pressrun",
                )
                for path in missing
            ]
        )


def _fontconfig(cache: Path) -> str:
    """fontconfig's configuration: the pinned font files as the only fonts it accepts (in
    their folders, which may hold others), and `cache` for its cache."""
    dirs = "".join(f"<dir>{escape(str(font_dir))}</dir>" for font_dir in dict.fromkeys(p.parent for p in FONT_FILES))
    accepted = "".join(f"<glob>{escape(str(path))}</glob>" for path in FONT_FILES)
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig>{dirs}<cachedir>{escape(str(cache))}</cachedir>"
        f"<selectfont><acceptfont>{accepted}</acceptfont><rejectfont><glob>*</glob></rejectfont></selectfont>"
        "</fontconfig>\n"
    )


def confine_fonts(cache: Folder) -> None:
    """Point fontconfig at the pinned font files only, so that no font installed on the
    machine can stand in for a missing glyph: the same content gives the same pages.
    Its configuration and cache are kept in a folder of `cache` named after the font
    files, so that every build with the same fonts reuses them (an interrupted one too),
    and nothing is left in the machine's temporary folder. Worker processes forked after
    this inherit it."""
    key = hashlib.sha256(os.pathsep.join(map(str, FONT_FILES)).encode()).hexdigest()[:16]
    folder = cache.path / f"fontconfig-{key}"
    configuration, text = folder / "fonts.conf", _fontconfig(folder / "cache")
    if not (cache.is_file(configuration) and cache.read_text(configuration) == text):
        write_together(cache, [(configuration, text.encode("utf-8"))])
    os.environ["FONTCONFIG_FILE"] = str(configuration)


def fonts_confined() -> bool:
    """Whether `confine_fonts` has pointed fontconfig at the pinned fonts in this process."""
    configuration = os.environ.get("FONTCONFIG_FILE", "")
    return configuration.endswith("fonts.conf") and Path(configuration).parent.name.startswith("fontconfig-")
