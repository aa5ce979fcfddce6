"""Reader for legacy Excel workbooks (.xls, BIFF): xlrd's cells turned into the grid the XLSX reader reads.

Older budget systems still export .xls. Cells are rendered as Excel shows them (the same number
formats as XLSX, dates as 2023年12月31日) and merged ranges are read from their top-left cell, so a
form gives the same fields as its .xlsx twin; the labels are read by the one assembler (`assemble.py`).
"""

from __future__ import annotations

import io
from typing import Any

from ziping.readers import ReadResult
from ziping.readers.cells import Cell
from ziping.readers.grid import forms_result, read_sheets, sheet_cell
from ziping.readers.xlsx import OLE_MAGIC, WorkbookError, is_encrypted_package, render


def read_xls(data: bytes, source: str) -> ReadResult:
    """Every form in an .xls file's bytes; a file that is not a readable workbook becomes ZP001/ZP002."""
    try:
        sheets = load_xls(data)
    except WorkbookError as exc:
        return forms_result(source, error=exc)
    return forms_result(source, read_sheets(sheets, source))


def load_xls(data: bytes) -> list[tuple[str, list[Cell]]]:
    """Each sheet's non-empty cells, row by row; every way a file can fail to open is a WorkbookError."""
    if is_encrypted_package(data):
        raise WorkbookError(
            "文件设有打开密码（已加密），无法读取；请去除密码后另存为 .xlsx 或 .docx 再检查",
            "the file is password-protected (encrypted); remove the password and save it as .xlsx or .docx",
        )
    if not data.startswith(OLE_MAGIC):
        raise WorkbookError(
            "不是旧版 Excel 工作簿（.xls 文件应以 OLE2 文件头开始，此文件不是）",
            "not a legacy Excel workbook (an .xls starts with the OLE2 header)",
        )
    try:
        import xlrd
    except ImportError:
        raise WorkbookError("缺少 xlrd，无法读取 .xls 工作簿", "xlrd is not installed") from None
    try:
        # xlrd reports oddities on its log file (stdout by default): they are not the user's concern.
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, ragged_rows=True, logfile=io.StringIO())
        return [(sheet.name, _rows(book, sheet)) for sheet in book.sheets()]
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise WorkbookError(
                "工作簿设有打开密码（已加密），无法读取；请去除密码后另存为 .xlsx 再检查",
                "the workbook is password-protected (encrypted); remove the password and save as .xlsx",
            ) from None
        raise _corrupt(exc) from None
    except Exception as exc:  # noqa: BLE001 -- xlrd raises many types (struct, index, assertion) on a damaged file
        raise _corrupt(exc) from None


def _corrupt(exc: Exception) -> WorkbookError:
    return WorkbookError(
        f"不是可读取的旧版 Excel（.xls）工作簿：文件已损坏或不是 Excel 文件（{type(exc).__name__}）",
        f"not a readable legacy Excel (.xls) workbook: damaged, or not Excel ({type(exc).__name__})",
    )


def _rows(book: Any, sheet: Any) -> list[Cell]:
    import xlrd

    merged = sheet.merged_cells  # (first row, row after, first col, col after), 0-based
    merged_last_col = {(rlo, clo): chi for rlo, _, clo, chi in merged}  # col after, as a 1-based column, is the last
    cells: list[Cell] = []
    for r in range(sheet.nrows):
        for c in range(sheet.row_len(r)):
            if sheet.cell_type(r, c) in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            if not (text := _text(book, sheet, r, c)) or _hidden_by_merge(merged, r, c):
                continue
            cells.append(sheet_cell(sheet.name, r + 1, c + 1, merged_last_col.get((r, c), c + 1), text))
    return cells


def _hidden_by_merge(merged: list[tuple[int, int, int, int]], r: int, c: int) -> bool:
    """Inside a merged range but not its top-left cell: Excel does not show it (as openpyxl drops it)."""
    return any(rlo <= r < rhi and clo <= c < chi and (r, c) != (rlo, clo) for rlo, rhi, clo, chi in merged)


def _text(book: Any, sheet: Any, r: int, c: int) -> str:
    """The cell as Excel shows it, through the same renderer as XLSX."""
    import xlrd

    kind, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
    if kind == xlrd.XL_CELL_TEXT:
        return render(value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return render(bool(value))
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#ERROR")
    if kind == xlrd.XL_CELL_DATE:
        try:
            return render(xlrd.xldate.xldate_as_datetime(value, book.datemode))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            pass  # a date format on a number no date can have: shown as the number
    return render(value, _number_format(book, sheet.cell_xf_index(r, c)))


def _number_format(book: Any, xf_index: int) -> str:
    try:
        return book.format_map[book.xf_list[xf_index].format_key].format_str
    except (IndexError, KeyError, AttributeError, TypeError):
        return "General"
