"""Grids (worksheets, Word tables) as located cells, and their forms: what XLSX, XLS and DOCX share.

Each reader opens its file and renders its cells (merged ranges as their top-left cell, which holds
the text); here they become `Cell`s with their row, column span and address, and the one assembler
reads the forms out of them by their labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ziping.readers import FileProblem, ReadResult, read_result
from ziping.readers.assemble import read_forms
from ziping.readers.cells import Cell


def column_letter(col: int) -> str:
    """Excel's name of a 1-based column: 1 is A, 27 is AA."""
    name = ""
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def sheet_cell(sheet: str, row: int, col: int, last_col: int, text: str, formula: str | None = None) -> Cell:
    """A worksheet cell, located by its address (自评表!G28)."""
    coord = f"{column_letter(col)}{row}"
    return Cell(text, {"sheet": sheet, "cell": coord}, row, col, last_col, formula=formula)


def a1_region(cells: Sequence[Cell]) -> dict[str, Any]:
    """A form's range on a worksheet, e.g. 汇总!B30:I54."""
    first, last = cells[0], cells[-1]
    right = max(c.last_col for c in cells)
    return {"sheet": first.where["sheet"], "cell": f"{first.where['cell']}:{column_letter(right)}{last.row}"}


def read_sheets(sheets: Iterable[tuple[str, list[Cell]]], source: str | None) -> Iterator[dict[str, Any]]:
    """Every form on the sheets, one at a time, as raw dicts ready for `Form.model_validate`, numbered in order."""
    count = 0
    for _, cells in sheets:
        for form in read_forms(cells, source, a1_region, first=count + 1):
            count += 1
            yield form


def forms_result(
    source: str,
    forms: Iterable[dict[str, Any]] = (),
    error: Any = None,
    container: tuple[str, str] = ("工作簿", "the workbook"),
) -> ReadResult:
    """A table reader's answer: the forms (read as they are asked for), ZP001 for `error` (zh/en attributes),
    or ZP002 when none was found."""
    if error is not None:
        return ReadResult(source, problem=FileProblem("ZP001", error.zh, error.en))
    from ziping.model import Form

    zh, en = container
    none = FileProblem("ZP002", f"{zh}中没有自评表（未找到标题或表头）", f"no self-evaluation form in {en}")
    return read_result(source, (Form.model_validate(raw) for raw in forms), none)
