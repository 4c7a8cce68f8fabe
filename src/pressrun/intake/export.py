"""Forms out: each profile's entry written as a Word document or a spreadsheet for its
organisation to complete, in `<output>/forms/<name>-<id>.docx` (or `.xlsx`).

Input: the content, the layouts' form words and the catalogs of the form's language.
Output: the forms' paths. The entry is the profile as it is now; the form carries its
digest, so that a returned form cannot overwrite what changed after it was sent.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..content import load
from ..files import exclusive, write_together
from .fields import form_digest, form_groups
from .forms import Form, words_for
from .sheetform import write_xlsx
from .wordform import write_docx

WRITERS = {"docx": write_docx, "xlsx": write_xlsx}


def export_forms(config: Config, profile_ids: list[str] | None, kind: str, language: str | None) -> list[Path]:
    """Write the forms of `profile_ids` (every profile when None) as `kind` (docx or xlsx),
    their instructions in `language` (the content's when None); returns their paths."""
    book = load(config)
    words = words_for(config, book, language or book.publication.language)
    written = []
    for profile_id in profile_ids or sorted(book.profiles):
        profile = book.profiles[profile_id]
        groups = form_groups(profile)
        form = Form(profile_id, form_digest(groups), words(str(profile.name)), groups)
        written.append((config.form_path(profile_id, book.publication.year, f".{kind}"), WRITERS[kind](form)))
    with exclusive(config.folder("output")):
        write_together(config.folder("output"), written)
    return [path for path, _ in written]
