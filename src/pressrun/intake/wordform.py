"""The form as a Word document (python-docx), and a returned one read back.

Written: a title, the instructions, a first table that identifies the form (kept as it
is), then a table per group of fields: the field's key (small, grey), what it is, and its
value, one paragraph per item of a list. Read: every table row whose first cell holds a
key, with its value cell's paragraphs as lines, located as `table N, row M`.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm, Pt, RGBColor

from .forms import Cell, Form, Returned

KEY_WIDTH, ABOUT_WIDTH, VALUE_WIDTH = Cm(5), Cm(3.6), Cm(8.4)
GREY = RGBColor(0x66, 0x6E, 0x75)


def _cell_text(cell, text: str, size: float | None = None, grey: bool = False) -> None:
    """Fill a table cell: one paragraph per line of `text`."""
    lines = text.split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        if size:
            run.font.size = Pt(size)
        if grey:
            run.font.color.rgb = GREY


def _table(document, header: tuple[str, str, str] | None, rows: list[tuple[str, str, str]]):
    table = document.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    table.autofit = False
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for column, width in zip(table.columns, (KEY_WIDTH, ABOUT_WIDTH, VALUE_WIDTH), strict=True):
        column.width = width
    for index, (key, about, value) in enumerate([header, *rows] if header else rows):
        cells = table.add_row().cells
        is_header = header is not None and index == 0
        for cell, width in zip(cells, (KEY_WIDTH, ABOUT_WIDTH, VALUE_WIDTH), strict=True):
            cell.width = width
        _cell_text(cells[0], key, size=7.5, grey=not is_header)
        _cell_text(cells[1], about, size=8.5, grey=not is_header)
        _cell_text(cells[2], value, size=10)
        if is_header:
            for cell in cells:
                for run in cell.paragraphs[0].runs:
                    run.font.bold = True
    return table


def write_docx(form: Form) -> bytes:
    """The Word form's bytes."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    document.core_properties.title = form.words.title
    document.add_heading(form.words.title, level=1)
    for paragraph in form.words.instructions:
        document.add_paragraph(paragraph)
    words = form.words
    header = (words.headings["field"], words.headings["about"], words.headings["value"])
    document.add_heading(words.groups["form"], level=2)
    _table(document, None, [(key, "", value) for key, value in form.marks])
    for group in form.groups:
        if not group.rows:
            continue
        document.add_heading(words.group_title(group.name), level=2)
        _table(document, header, [(row.key, row.about.replace("`", ""), row.value) for row in group.rows])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _text(cell) -> str:
    """A cell's text: its paragraphs (and line breaks within them) as lines."""
    return "\n".join(paragraph.text for paragraph in cell.paragraphs)


def read_docx(path: Path) -> Returned:
    """The keys and values of a returned Word form, located by table and row. A table's
    first row is its column headings, except in the table of marks (keys starting `#`)."""
    document = Document(str(path))
    cells: list[Cell] = []
    strays: list[str] = []
    for table_number, table in enumerate(document.tables, start=1):
        for row_number, row in enumerate(table.rows, start=1):
            row_cells = row.cells
            key = _text(row_cells[0]).strip()
            if row_number == 1 and not key.startswith("#"):
                continue
            where = f"table {table_number}, row {row_number}"
            value = _text(row_cells[-1]) if len(row_cells) > 1 else ""
            if key:
                cells.append(Cell(key, value, where))
            elif value.strip():
                strays.append(where)
    return Returned(cells, strays)
