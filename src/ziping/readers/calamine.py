"""Workbook cells read by python-calamine (Rust) and rendered as Excel shows them: the grid the label reader reads.

openpyxl builds a Python object for every cell, style and merged range; reading a form's workbook
that way is most of its reading time. calamine reads the values and merged ranges in Rust. What it
does not give is read here from the file itself, in one pass over each sheet's XML:

- number formats: each cell's style index (`s`), through `cellXfs` and `numFmts` in styles.xml to
  the format code, so `xlsx.render` shows 100.0000, 1,350,000.00 or 97.88% as Excel does;
- error values (#DIV/0!, #N/A), which calamine leaves empty.

A cell inside a merged range other than its top-left one is not shown by Excel and not read (as
openpyxl drops it). A workbook with a formula the file holds no result for is left to openpyxl,
which reads the formula's text for the diagnostic; so is a sheet whose cells lie so far apart that
calamine's dense grid would be larger than the sheet (a stray cell at XFD1048576).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

from ziping.readers.cells import Cell
from ziping.readers.grid import sheet_cell

MAX_GRID_CELLS = 2_000_000  # calamine holds each sheet as a dense grid; a sparse giant is openpyxl's
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\b")
# A cell's address and, when it has one, its style index: attributes in any order.
_CELL_STYLE = re.compile(rb'<(?:\w+:)?c\b(?=[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})")(?:(?=[^>]*?\bs="([0-9]+)"))?')
# A whole cell element (address, attributes, content), for the rarer questions: errors and formulas.
_CELL = re.compile(rb'<(?:\w+:)?c\b(?=[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})")([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
# The number formats every workbook has without declaring them (ECMA-376 §18.8.30), as openpyxl spells
# them (a test holds the two equal); here so that reading a workbook does not import openpyxl.
BUILTIN_FORMATS = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}


class NotCovered(Exception):
    """The workbook needs openpyxl: a formula without a stored result, a cell without its address, a sparse giant."""


def workbook_rows(data: bytes, archive: zipfile.ZipFile) -> list[tuple[str, list[Cell]]]:
    """Each worksheet's non-empty cells, row by row, as located cells; raises NotCovered or calamine's errors."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    from ziping.readers.xlsx import render

    paths, styles_path = _parts(archive)
    formats = _cell_formats(archive, styles_path)
    scans = {name: _scan(archive.read(path)) for name, path in paths.items()}
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out: list[tuple[str, list[Cell]]] = []
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue  # chart and macro sheets hold no cells (openpyxl's worksheets leave them out too)
        if meta.name not in scans:
            raise NotCovered(f"no XML found for sheet {meta.name}")
        styles, errors, extent = scans[meta.name]
        if extent[0] * extent[1] > MAX_GRID_CELLS:
            raise NotCovered(f"sheet {meta.name} spans {extent[0]} x {extent[1]} cells")
        sheet = workbook.get_sheet_by_name(meta.name)
        out.append((meta.name, _cells(meta.name, sheet, styles, errors, formats, render)))
    return out


def _cells(
    name: str,
    sheet: Any,
    styles: dict[tuple[int, int], int],
    errors: dict[tuple[int, int], str],
    formats: list[str],
    render: Callable[[Any, str], str],
) -> list[Cell]:
    texts: dict[tuple[int, int], str] = {}
    for r, values in enumerate(sheet.to_python(skip_empty_area=False), start=1):
        for c, value in enumerate(values, start=1):
            if value == "":
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                # A cell without `s` has the workbook's default style 0, as in Excel (openpyxl shows it as
                # General: the two differ only where that default style carries a number format).
                style = styles.get((r, c), 0)
                texts[(r, c)] = render(value, formats[style] if style < len(formats) else "General")
            else:
                texts[(r, c)] = render(value, "General")
    texts.update(errors)
    merged_last_col: dict[tuple[int, int], int] = {}
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or ():
        merged_last_col[(top + 1, left + 1)] = right + 1
        for r in range(top + 1, bottom + 2):
            for c in range(left + 1, right + 2):
                if (r, c) != (top + 1, left + 1):
                    texts.pop((r, c), None)  # Excel shows a merged range's top-left cell only
    return [
        sheet_cell(name, r, c, merged_last_col.get((r, c), c), text) for (r, c), text in sorted(texts.items()) if text
    ]


def _scan(xml: bytes) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], str], tuple[int, int]]:
    """One sheet's cell style indexes and error values, and the extent of its cells (rows, columns)."""
    cells = _CELL_STYLE.findall(xml)
    if len(cells) != len(_CELL_TAG.findall(xml)):
        raise NotCovered("a cell without its address")
    styles = {(int(row), _column_number(col)): int(style) for col, row, style in cells if style}
    last_row = max((int(row) for _, row, _ in cells), default=0)
    last_col = _column_number(max((col for col, _, _ in cells), key=lambda col: (len(col), col), default=b""))
    errors: dict[tuple[int, int], str] = {}
    has_formula, has_error = _FORMULA.search(xml) is not None, b'"e"' in xml
    if has_formula or has_error:
        for col, row, attrs, content in _CELL.findall(xml):
            value = _VALUE.search(content)
            if has_formula and _FORMULA.search(content) and (value is None or not value.group(1)):
                raise NotCovered("a formula without a stored result")
            if has_error and value is not None and _ERROR_TYPE.search(attrs):
                errors[(int(row), _column_number(col))] = value.group(1).decode("utf-8").strip()
    return styles, errors, (last_row, last_col)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _cell_formats(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    """The number format code of each cell style (cellXfs), as openpyxl names them."""
    if path is None:
        return []
    root = ElementTree.fromstring(archive.read(path))
    custom = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "General")
        for fmt in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")
    }
    formats = []
    for xf in root.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf"):
        number = int(xf.get("numFmtId", "0"))
        formats.append(custom[number] if number in custom else BUILTIN_FORMATS.get(number, "General"))
    return formats


def _parts(archive: zipfile.ZipFile) -> tuple[dict[str, str], str | None]:
    """Each sheet's name to its XML part, and the styles part, from the workbook and its relationships."""
    names = set(archive.namelist())
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels_path = "xl/_rels/workbook.xml.rels"
    targets: dict[str, tuple[str, str]] = {}
    if rels_path in names:
        for rel in ElementTree.fromstring(archive.read(rels_path)).iter(f"{_PACKAGE_REL}Relationship"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], part)
    sheets = {}
    for sheet in workbook.iterfind(f"{_MAIN}sheets/{_MAIN}sheet"):
        part = targets.get(sheet.get(f"{_REL}id", ""), ("", ""))[1]
        if part in names:
            sheets[sheet.get("name", "")] = part
    styles = next((part for kind, part in targets.values() if kind == "styles" and part in names), None)
    return sheets, styles
