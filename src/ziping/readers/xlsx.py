"""Reader for 项目支出绩效自评表 workbooks (.xlsx, .xlsm): fields are found by their labels, not by address.

A form is a region of a sheet: from one 项目支出绩效自评表 title (or, without titles, one header
block) to the next. Inside it the reader finds the funds table by its column headings (全年预算数,
全年执行数 …) and its row labels, the goals by 预期目标 / 实际完成情况, the indicator table by its
column headings (三级指标, 年度指标值 …) and the 总分 row; every value is taken from the cell that
lines up with its label, so added rows, shifted columns and merged cells do not move anything.
Merged cells are read from their top-left cell, the one that holds the text. This module opens the
workbook (python-calamine through `calamine.py`, openpyxl for what calamine does not cover) and
renders its cells; the labels are read by the one assembler (`assemble.py`).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ziping.readers import MAX_BYTES, ReadResult
from ziping.readers.cells import Cell
from ziping.readers.grid import forms_result, read_sheets, sheet_cell

MAX_UNZIPPED = 200 * 1024 * 1024  # a zip bomb is refused before openpyxl inflates it
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and .doc, and .xlsx/.docx files saved with a password
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_SIMPLE_FORMAT = re.compile(r"^(#,##)?0(?:\.(0+))?(%)?$")
_FORMAT_NOISE = re.compile(r'_.|\\.|"[^"]*"|\[[^\]]*\]|\*.')


class WorkbookError(Exception):
    """The file is not a workbook (or document) this reader can open; carries the reason in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def read_workbook(data: bytes, source: str, backend: str = "calamine") -> ReadResult:
    """Every form in a workbook's bytes; a file that is not a readable workbook becomes ZP001/ZP002."""
    try:
        forms = read_xlsx(data, source, backend)
    except WorkbookError as exc:
        return forms_result(source, error=exc)
    return forms_result(source, forms)


def read_xlsx(data: bytes, source: str | None = None, backend: str = "calamine") -> Iterator[dict[str, Any]]:
    """Every form in the workbook, one at a time, as raw dicts ready for `Form.model_validate`; raises
    WorkbookError when the workbook cannot be opened."""
    return read_sheets(load_sheets(data, backend), source)


def is_encrypted_package(data: bytes) -> bool:
    """An OLE file holding an encrypted .xlsx/.docx: what Office writes when a password is set."""
    return data.startswith(OLE_MAGIC) and "EncryptedPackage".encode("utf-16-le") in data


def load_sheets(data: bytes, backend: str = "calamine") -> list[tuple[str, list[Cell]]]:
    """Each sheet's name and non-empty cells, row by row, as Excel shows them; raises WorkbookError.

    The seam between a workbook and the label reader. `backend` "calamine" reads values and merged
    ranges with python-calamine and number formats from styles.xml (`readers/calamine.py`), several
    times as fast; "openpyxl" is the reader before it. What calamine does not cover (a formula
    without a stored result, whose text the diagnostic quotes; a file it cannot read) openpyxl
    reads, so every problem keeps openpyxl's reason. The size and zip-bomb checks come first.
    """
    if backend not in ("calamine", "openpyxl"):
        raise ValueError(f"unknown workbook backend {backend!r}")
    if len(data) > MAX_BYTES:
        raise WorkbookError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB，上限 {MAX_BYTES // 1024 // 1024} MB），未读取",
            f"file too large ({len(data) / 1024 / 1024:.1f} MB, limit {MAX_BYTES // 1024 // 1024} MB)",
        )
    if data.startswith(OLE_MAGIC):
        if is_encrypted_package(data):
            raise WorkbookError(
                "工作簿设有打开密码（已加密），无法读取；请去除密码后另存为 .xlsx 再检查",
                "the workbook is password-protected (encrypted); remove the password and save as .xlsx",
            )
        raise WorkbookError(
            "是旧版 Excel（.xls）等二进制格式，不是 .xlsx；请在 Excel 或 WPS 中另存为 .xlsx 再检查",
            "a legacy binary Office file (.xls), not .xlsx; save it as .xlsx",
        )
    archive = open_office_zip(data, "xl/workbook.xml", ("Excel 工作簿", "工作簿", ".xlsx"), ("workbook", "an Excel"))
    if backend == "calamine":
        try:
            from ziping.readers.calamine import workbook_rows

            return workbook_rows(data, archive)
        except Exception:  # noqa: BLE001 -- what calamine cannot read, openpyxl reads, or names the problem of
            pass
    try:
        formulas = _uncached_formula_sources(archive, data)
        return _sheets(data, formulas)
    except WorkbookError:
        raise
    except Exception as exc:  # noqa: BLE001 -- openpyxl and zipfile raise many types on a damaged file
        raise WorkbookError(
            f"工作簿已损坏，无法读取（{type(exc).__name__}）", f"corrupt workbook ({type(exc).__name__})"
        ) from None


def open_office_zip(data: bytes, member: str, zh: tuple[str, str, str], en: tuple[str, str]) -> zipfile.ZipFile:
    """An Office Open XML file's zip, checked before any library inflates it; every failure a WorkbookError.

    `zh` is (what it is, its short name, its suffix): ("Excel 工作簿", "工作簿", ".xlsx"); `en` is (the
    noun, its article and kind): ("workbook", "an Excel").
    """
    what, short, suffix = zh
    noun, kind = en
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookError(
            f"不是 {what}（{suffix} 文件应为 zip 格式，此文件不是）", f"not {kind} {noun} (a {suffix} is a zip file)"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    # NotImplementedError: a damaged header can claim a zip version or compression zipfile does not know.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise WorkbookError(
            f"{short}已损坏（zip 结构无效，文件可能不完整或被截断）",
            f"corrupt {noun} (invalid zip, possibly truncated)",
        ) from None
    if member not in {m.filename for m in members}:
        raise WorkbookError(f"不是 {what}（zip 中没有 {member}）", f"not {kind} {noun} (no {member} in the zip)")
    if sum(m.file_size for m in members) > MAX_UNZIPPED:
        raise WorkbookError(
            f"{short}解压后超过 {MAX_UNZIPPED // 1024 // 1024} MB，未读取",
            f"the {noun} inflates to more than {MAX_UNZIPPED // 1024 // 1024} MB",
        )
    return archive


def _open(data: bytes, data_only: bool):
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation extensions, …); they are not the user's concern.
        warnings.simplefilter("ignore")
        return load_workbook(io.BytesIO(data), data_only=data_only, read_only=False, keep_links=False)


def _uncached_formula_sources(archive: zipfile.ZipFile, data: bytes) -> dict[tuple[str, str], str]:
    """Formula text by (sheet, cell), for workbooks that have formulas at all.

    With data_only=True openpyxl gives a formula's cached result, or None when the file holds none
    (written by a program, never opened in Excel); only the formula workbook tells the two apart.
    """
    sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    if not any(_FORMULA_TAG.search(archive.read(name)) for name in sheets):
        return {}
    workbook = _open(data, data_only=False)
    found: dict[tuple[str, str], str] = {}
    for ws in workbook.worksheets:
        for cell in ws._cells.values():  # only the cells the file holds, not the whole used range
            value = cell.value
            text = value if isinstance(value, str) else getattr(value, "text", None)
            if isinstance(text, str) and text.startswith("="):
                found[(ws.title, cell.coordinate)] = text
    return found


def _sheets(data: bytes, formulas: dict[tuple[str, str], str]) -> list[tuple[str, list[Cell]]]:
    workbook = _open(data, data_only=True)
    out: list[tuple[str, list[Cell]]] = []
    for ws in workbook.worksheets:
        merged_last_col = {(r.min_row, r.min_col): r.max_col for r in ws.merged_cells.ranges}
        cells: list[Cell] = []
        for (r, c), cell in ws._cells.items():  # only the cells the file holds, not the whole used range
            formula = formulas.get((ws.title, cell.coordinate)) if cell.value is None else None
            text = render(cell.value, cell.number_format)
            if not text and formula is None:
                continue
            cells.append(sheet_cell(ws.title, r, c, merged_last_col.get((r, c), c), text, formula))
        out.append((ws.title, sorted(cells, key=lambda x: (x.row, x.col))))
    return out


def render(value: Any, number_format: str = "General") -> str:
    """A cell's value as the text Excel shows: simple number formats are applied, General shows the number."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        value = value or 0  # Excel has no negative zero: -0.0 (a float calamine keeps as written) shows 0
        fmt = _FORMAT_NOISE.sub("", (number_format or "General").split(";")[0]).strip()
        if m := _SIMPLE_FORMAT.match(fmt):
            places = len(m.group(2) or "")
            number = Decimal(f"{value:.15g}") * (100 if m.group(3) else 1)
            # Excel rounds half away from zero on the decimal it shows, not on the binary float.
            shown = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            return (f"{shown:,.{places}f}" if m.group(1) else f"{shown:.{places}f}") + ("%" if m.group(3) else "")
        return _general(value)
    if isinstance(value, datetime):
        shown = f"{value.year}年{value.month}月{value.day}日"
        return shown if value.time() == time(0) else f"{shown} {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _general(value: int | float) -> str:
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    # 15 significant digits, as Excel keeps: 0.1 + 0.2 shows 0.3, 97.88 shows 97.88.
    return format(Decimal(f"{value:.15g}"), "f")
