"""The organisations' round trip: each profile's entry out as a form they complete with
ordinary office software, and the returned forms back into the profiles' YAML.

fields.py     a profile's entry as the rows of a form, and rows read back as edits
forms.py      a form as data (written, returned) and its words in its language
wordform.py   the form as a Word document (python-docx), and read back
sheetform.py  the form as a spreadsheet (openpyxl), and read back
guard.py      a returned file checked before any office library opens it
export.py     forms out: `<output>/forms/<name>-<id>.docx` (or `.xlsx`)
answers.py    forms in: checked as `pressrun check` checks, written in place, changes listed
"""

from .answers import import_forms
from .export import export_forms

__all__ = ["export_forms", "import_forms"]
