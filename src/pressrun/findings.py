"""What a proof reports: findings with a kind, a level and where to look."""

from __future__ import annotations

from dataclasses import asdict, dataclass

LEVELS = ("error", "warning", "notice")


@dataclass(frozen=True, order=True)
class Finding:
    """One thing a proofreader should look at. `location` is `path:line[:col]` for
    content and catalogs, or empty when `page` (a page of the proof PDF) says where."""

    edition: str
    kind: str
    level: str
    location: str
    message: str
    page: int | None = None

    def where(self) -> str:
        place = [part for part in (self.location, f"page {self.page}" if self.page else "") if part]
        return ", ".join(place) or self.edition

    @property
    def sort_key(self) -> tuple:
        return (LEVELS.index(self.level), self.kind, self.page or 0, self.location)

    def as_dict(self) -> dict:
        return asdict(self)
