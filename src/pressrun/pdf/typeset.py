"""The typesetter's corrections: how a profile is set (`Setting`), and the next setting
after looking at its layout (`corrected`).

Input: a profile's setting and its measured layout (`measure.ProfileLayout`). Output: the
setting to lay it out with next, or the same one when there is nothing more to correct.
Each correction is a small, bounded step that only ever adds to a setting, so that the
loop the pagination runs (`paginate`) ends and makes the same setting every time:

- a profile that runs over its last page by a little is set one step tighter (the
  layouts say what each step changes: spacing, leading, the pull quote's size, the
  contact block), up to TIGHTEST; if even that leaves its last page nearly empty, it is
  set loose instead (LOOSE), so that its last page holds some text with the contacts;
- a word hyphenated where it should not be (at a page turn, in a ladder, in a word that
  must stay whole, with too short a fragment, at the end of a line broken far too early)
  is no longer hyphenated;
- a runt is tied to the word before it (or its word no longer hyphenated, when the runt
  is the end of a hyphenated word);
- a pull quote that moved whole to the next column or page and left a hole is set after
  the block that follows it, which fills the hole instead, or, when that leaves the
  hole, may break (three lines at least on each side);
- a quotation split with too few lines on one side is kept whole;
- a profile whose body the engine moved whole to the next page, or with a note set a
  page after its call, is set a step tighter (or loose) too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .measure import FRONT_MATTER, Flaw, Measurement, ProfileLayout

__all__ = ["FRONT_MATTER", "Setting", "Typesetting", "corrected"]

# The tightest step a profile may be set in (the layouts define steps 1 to TIGHTEST),
# and the loose one, for a profile that cannot lose its last page.
TIGHTEST = 3
LOOSE = -1
# Times a profile is laid out again to correct it, at most.
MAX_CORRECTIONS = 6

# Which flaws are corrected by no longer hyphenating their word.
_UNHYPHENATE = {"bad-hyphen", "short-fragment", "ladder", "page-turn-hyphen", "short-line"}


@dataclass(frozen=True)
class Setting:
    """How one profile is set, beyond its layout's defaults (what the templates read)."""

    # 0 is the layout's own setting; each step up is tighter; LOOSE is looser.
    tightness: int = 0
    # Words (as printed) never hyphenated in this profile.
    unhyphenated: frozenset[str] = field(default_factory=frozenset)
    # Pairs of words ("two words") tied by a no-break space.
    tied: frozenset[str] = field(default_factory=frozenset)
    # Content paths of pull quotes set after the block that follows them.
    deferred: frozenset[str] = field(default_factory=frozenset)
    # Content paths of quotations kept whole.
    unbroken: frozenset[str] = field(default_factory=frozenset)
    # Content paths of pull quotes that may break over two columns or pages.
    breakable: frozenset[str] = field(default_factory=frozenset)

    @property
    def tight_classes(self) -> str:
        """The classes the layouts style the steps with: `tight-1 tight-2` for step 2,
        `loose` for LOOSE."""
        if self.tightness == LOOSE:
            return "loose"
        return " ".join(f"tight-{step}" for step in range(1, self.tightness + 1))


DEFAULT = Setting()


def _correction(setting: Setting, flaw: Flaw) -> Setting:
    """`setting` with `flaw` corrected, when a correction is known."""
    subject = flaw.subject
    if flaw.code in _UNHYPHENATE and subject:
        return replace(setting, unhyphenated=setting.unhyphenated | {subject})
    if flaw.code == "runt" and subject:
        if " " in subject:
            return replace(setting, tied=setting.tied | {subject})
        return replace(setting, unhyphenated=setting.unhyphenated | {subject})
    if flaw.code in ("hole", "page-fill") and subject:
        if subject not in setting.deferred:
            return replace(setting, deferred=setting.deferred | {subject})
        return replace(setting, breakable=setting.breakable | {subject})
    if flaw.code == "split-quote" and subject:
        return replace(setting, unbroken=setting.unbroken | {subject})
    # A page before the last one left nearly empty for no block's sake (the engine moved a
    # body whose contacts did not fit below it), a note set a page after its call, or a
    # block the engine dropped where it did not fit: another step sets the profile otherwise.
    if flaw.code in ("runover", "page-fill", "footnote-moved", "lost") and setting.tightness != LOOSE:
        return replace(setting, tightness=setting.tightness + 1 if setting.tightness < TIGHTEST else LOOSE)
    return setting


def corrected(setting: Setting, layout: ProfileLayout) -> Setting:
    """The setting that corrects what can be corrected of `layout`, laid out with `setting`."""
    for flaw in layout.flaws:
        setting = _correction(setting, flaw)
    return setting


@dataclass(frozen=True)
class Typesetting:
    """Every profile's setting so far, and how many times each was corrected."""

    settings: Mapping[str, Setting] = field(default_factory=dict)
    corrections: Mapping[str, int] = field(default_factory=dict)

    def setting(self, profile: str) -> Setting:
        return self.settings.get(profile, DEFAULT)

    def wanted(self, measurement: Measurement) -> dict[str, Setting]:
        """The profiles of `measurement` that should be laid out again, with their next
        setting: those whose flaws a correction would change, until MAX_CORRECTIONS."""
        wanted = {}
        for profile, layout in measurement.profiles.items():
            if self.corrections.get(profile, 0) >= MAX_CORRECTIONS:
                continue
            setting = corrected(self.setting(profile), layout)
            if setting != self.setting(profile):
                wanted[profile] = setting
        return wanted

    def with_setting(self, profile: str, setting: Setting) -> Typesetting:
        """This typesetting with `profile` set as `setting`, one correction more."""
        return Typesetting(
            {**self.settings, profile: setting},
            {**self.corrections, profile: self.corrections.get(profile, 0) + 1},
        )

    def finished(self, profile: str) -> Typesetting:
        """This typesetting with no more corrections for `profile`."""
        return Typesetting(self.settings, {**self.corrections, profile: MAX_CORRECTIONS})
