"""What changed since a previous proof: pages added or removed, profiles that moved, and
the pages that look different, with before/after images. Also where a proof comes from:
the project's git revision, and an earlier revision's files to proof them again.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
from pathlib import Path

from ..config import Config
from ..errors import NOWHERE, Level, Origin, Problem, fail
from .report import EditionProof

# The stamp's band at the foot of every page, left out of page comparisons (see proof.css).
STAMP_BAND_MM = 9
COMPARE_SCALE = 0.5


def source_revision(root: Path) -> str:
    """The short git revision of the project, with `+changes` when the work tree differs."""
    try:
        revision = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "content", "layouts", "locales", "pyproject.toml"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "no revision"
    return f"{revision}+changes" if dirty else revision


def resolve_revision(root: Path, revision: str) -> str:
    """The commit `revision` names (a tag, a branch, a hash), as a hash; raise ProblemsFound
    when there is none. The revision is never given to git where it could be an option."""
    where = Origin("revision")
    if not revision or revision.startswith("-"):
        raise fail(where, "revision", f"{revision!r} is not a revision (a tag, branch or commit)")
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        raise fail(where, "revision", f"no commit {revision!r} in the project's git history") from error
    return found


def export_revision(config: Config, revision: str, workdir: Path) -> Path:
    """The project's files at `revision`, extracted into `workdir` (raises ProblemsFound
    when there is no such revision, CalledProcessError when git cannot give its files)."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", resolve_revision(config.root, revision)],
        cwd=config.root,
        capture_output=True,
        check=True,
    ).stdout
    workdir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(workdir, filter="data")
    return workdir


def page_images(data: bytes, scale: float = COMPARE_SCALE):
    """Each page of a PDF as an RGB image, the stamp band blanked out."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    for page in document:
        image = page.render(scale=scale).to_pil().convert("RGB")
        band = round(STAMP_BAND_MM / 25.4 * 72 * scale)
        image.paste((255, 255, 255), (0, image.height - band, image.width, image.height))
        yield image


def image_hash(image) -> str:
    return hashlib.sha256(image.tobytes()).hexdigest()[:16]


def compare(
    current: EditionProof, data: bytes, previous: dict, previous_pdf: bytes | None, out: Path
) -> tuple[list[Problem], list[tuple[Path, bytes]]]:
    """What changed since the previous proof of the same edition, and the before/after
    images of the pages that changed (to be written in `out`)."""
    findings, images = [], []
    if current.pages != previous["pages"]:
        difference = current.pages - previous["pages"]
        kind = "page-added" if difference > 0 else "page-removed"
        findings.append(Problem(Level.NOTICE, NOWHERE, kind, f"{previous['pages']} pages before, {current.pages} now"))
    for anchor, page in sorted(current.starts.items(), key=lambda item: item[1]):
        before = previous["starts"].get(anchor)
        if before is not None and before != page:
            message = f"{anchor} starts on page {page}, was {before}"
            findings.append(Problem(Level.NOTICE, NOWHERE, "start-moved", message, page))
    changed = [
        number
        for number, (now, then) in enumerate(zip(current.page_hashes, previous["page_hashes"], strict=False), start=1)
        if now != then
    ]
    if changed and previous_pdf is not None:
        before_images = list(page_images(previous_pdf, scale=0.6))
        after_images = list(page_images(data, scale=0.6))
        for number in (number for number in changed if number <= len(before_images)):
            image = side_by_side(before_images[number - 1], after_images[number - 1])
            name = f"changes/{current.language}-page-{number:03d}.png"
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
            images.append((out / name, buffer.getvalue()))
            current.changed_pages.append({"page": number, "image": name})
            findings.append(Problem(Level.NOTICE, NOWHERE, "page-changed", f"page {number} looks different", number))
    return findings, images


def side_by_side(before, after):
    from PIL import Image, ImageDraw

    gap = 24
    image = Image.new(
        "RGB", (before.width + after.width + gap * 3, max(before.height, after.height) + gap * 2), "#d0d4d8"
    )
    image.paste(before, (gap, gap))
    image.paste(after, (before.width + gap * 2, gap))
    draw = ImageDraw.Draw(image)
    draw.text((gap, 6), "before", fill="#222222")
    draw.text((before.width + gap * 2, 6), "after", fill="#222222")
    return image
