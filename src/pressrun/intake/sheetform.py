"""The form as a spreadsheet (openpyxl), and a returned one read back.

Written: one sheet, `Entry`: the title and instructions, the rows that identify the form,
then each group's title and its rows: the field's key in column A (grey), what it is in B,
and the value in C (a list's items one per line). Every value is written as text, never as
a formula or a number. Read: every row whose column A holds a key, with the text of its
column C, located as `sheet Entry, cell C12`; a formula is read as what it is.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .forms import Cell, Form, Returned, is_key

SHEET = "Entry"
WIDTHS = {"A": 34, "B": 40, "C": 80}
GREY = Font(color="666E75", size=9)
BOLD = Font(bold=True)
GROUP_FILL = PatternFill("solid", fgColor="E3EEF6")
WRAP = Alignment(wrap_text=True, vertical="top")


def _put(sheet, row: int, values: tuple[str, ...], font: Font | None = None) -> None:
    for column, value in zip("ABC", values, strict=False):
        cell = sheet[f"{column}{row}"]
        cell.value = value
        cell.data_type = "s"  # text as typed, even "=…" or "+41…"
        cell.alignment = WRAP
        if font is not None:
            cell.font = font


def write_xlsx(form: Form) -> bytes:
    """The spreadsheet form's bytes."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    words = form.words
    number = 0

    def line(values: tuple[str, ...], font: Font | None = None, merged: bool = False) -> int:
        nonlocal number
        number += 1
        _put(sheet, number, values, font)
        if merged:
            sheet.merge_cells(f"A{number}:C{number}")
        return number

    line((words.title,), Font(bold=True, size=14), merged=True)
    for paragraph in words.instructions:
        # A merged cell does not grow with its text: give it the lines it needs.
        sheet.row_dimensions[line((paragraph,), merged=True)].height = 15 * (1 + len(paragraph) // 140)
    for key, value in form.marks:
        line((key, "", value), GREY)
    for group in form.groups:
        if not group.rows:
            continue
        title = line((words.group_title(group.name),), BOLD)
        for column in "ABC":
            sheet[f"{column}{title}"].fill = GROUP_FILL
        line((words.headings["field"], words.headings["about"], words.headings["value"]), BOLD)
        for row in group.rows:
            at = line((row.key, row.about.replace("`", ""), row.value))
            sheet[f"A{at}"].font = sheet[f"B{at}"].font = GREY
            sheet.row_dimensions[at].height = 13 * max(_lines(row.about, WIDTHS["B"]), _lines(row.value, WIDTHS["C"]))
    # Printed (or made a PDF) as one page wide, the value column beside its field.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _lines(text: str, width: int) -> int:
    """About how many lines `text` takes in a column `width` characters wide (a row does
    not grow with its wrapped text in every spreadsheet program)."""
    return sum(1 + len(line) // width for line in text.split("\n")) if text else 1


def _as_text(value: object) -> str:
    """A cell's value as the text a person typed: numbers without a trailing `.0`, dates as
    YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path) -> tuple[Returned, list[str]]:
    """The keys and values of a returned spreadsheet form, located by cell; and the cells
    that hold a formula instead of text. Rows whose column A holds no key (the title,
    instructions, group titles and headings) are the form's own words."""
    book = load_workbook(str(path), data_only=False)
    if SHEET not in book.sheetnames:
        return Returned([], []), []
    cells: list[Cell] = []
    strays: list[str] = []
    formulas: list[str] = []
    for key_cell, _, value_cell in book[SHEET].iter_rows(min_row=1, min_col=1, max_col=3):
        key = _as_text(key_cell.value).strip()
        value = _as_text(value_cell.value)
        where = f"sheet {SHEET}, cell C{value_cell.row}"
        if value_cell.data_type == "f":
            formulas.append(where)
        if is_key(key):
            cells.append(Cell(key, value, where))
        elif not key and value.strip():
            strays.append(where)
    return Returned(cells, strays), formulas
