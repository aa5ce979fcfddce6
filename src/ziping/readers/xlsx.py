"""Reader for 项目支出绩效自评表 workbooks (.xlsx, .xlsm): fields are found by their labels, not by address.

A form is a region of a sheet: from one 项目支出绩效自评表 title (or, without titles, one header
block) to the next. Inside it the reader finds the funds table by its column headings (全年预算数,
全年执行数 …) and its row labels, the goals by 预期目标 / 实际完成情况, the indicator table by its
column headings (三级指标, 年度指标值 …) and the 总分 row; every value is taken from the cell that
lines up with its label, so added rows, shifted columns and merged cells do not move anything.
Merged cells are read from their top-left cell, the one that holds the text.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ziping.readers import MAX_BYTES, FileProblem, ReadResult
from ziping.readers.labels import (
    FORM_HEADING,
    FUNDS_COLUMNS,
    FUNDS_ROWS,
    GOALS,
    GRADE,
    HEADER,
    INDICATOR_COLUMNS,
    LEVEL2_NAMES,
    PLACEHOLDER_TOKENS,
    TOTAL,
    is_known_label,
    is_template_comment,
    level1_of,
    match_exact,
    match_prefix,
    normalize,
    split_label,
)

MAX_UNZIPPED = 200 * 1024 * 1024  # a zip bomb is refused before openpyxl inflates it
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx files saved with a password
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_AMOUNT_UNIT = re.compile(r"\((万?元)\)")
_YEAR = re.compile(r"\d{4}")
_GRADE_VALUE = re.compile(r"[优良中差]")
_SIMPLE_FORMAT = re.compile(r"^(#,##)?0(?:\.(0+))?(%)?$")
_FORMAT_NOISE = re.compile(r'_.|\\.|"[^"]*"|\[[^\]]*\]|\*.')
_NO_VALUE = PLACEHOLDER_TOKENS | {""}
# How a diagnostic names a funds column: its first label in the vocabulary.
_FUNDS_COLUMN_NAMES = {key: label for label, key in reversed(FUNDS_COLUMNS.items())}


class WorkbookError(Exception):
    """The file is not a workbook this reader can open; carries the reason in Chinese and English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass(slots=True)
class _Cell:
    row: int
    col: int
    last_col: int  # the merged range's last column; `col` for a plain cell
    coord: str
    text: str
    formula: str | None = None  # a formula whose result the file does not hold

    def overlaps(self, span: tuple[int, int]) -> bool:
        return self.col <= span[1] and span[0] <= self.last_col


Row = tuple[int, list[_Cell]]


def read_workbook(data: bytes, source: str) -> ReadResult:
    """Every form in a workbook's bytes; a file that is not a readable workbook becomes ZP001/ZP002."""
    try:
        forms = read_xlsx(data, source)
    except WorkbookError as exc:
        return ReadResult(source, problem=FileProblem("ZP001", exc.zh, exc.en))
    if not forms:
        return ReadResult(
            source,
            problem=FileProblem(
                "ZP002", "工作簿中没有“项目支出绩效自评表”（未找到标题或表头）", "no 项目支出绩效自评表 in the workbook"
            ),
        )
    from ziping.model import Form

    return ReadResult(source, forms=[Form.model_validate(raw) for raw in forms])


def read_xlsx(data: bytes, source: str | None = None) -> list[dict[str, Any]]:
    """Every form in the workbook, as raw dicts ready for `Form.model_validate`; raises WorkbookError."""
    sheets = _load(data)
    forms: list[dict[str, Any]] = []
    for title, rows in sheets:
        for part in _split_forms(rows):
            forms.append(_read_form(title, part, source, len(forms) + 1))
    return forms


def _load(data: bytes) -> list[tuple[str, list[Row]]]:
    """Each sheet's non-empty cells, row by row; every way a file can fail to open is a WorkbookError."""
    if len(data) > MAX_BYTES:
        raise WorkbookError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB，上限 {MAX_BYTES // 1024 // 1024} MB），未读取",
            f"file too large ({len(data) / 1024 / 1024:.1f} MB, limit {MAX_BYTES // 1024 // 1024} MB)",
        )
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError(
                "工作簿设有打开密码（已加密），无法读取；请去除密码后另存为 .xlsx 再检查",
                "the workbook is password-protected (encrypted); remove the password and save as .xlsx",
            )
        raise WorkbookError(
            "是旧版 Excel（.xls）等二进制格式，不是 .xlsx；请在 Excel 或 WPS 中另存为 .xlsx 再检查",
            "a legacy binary Office file (.xls), not .xlsx; save it as .xlsx",
        )
    if not data.startswith(ZIP_MAGIC):
        raise WorkbookError(
            "不是 Excel 工作簿（.xlsx 文件应为 zip 格式，此文件不是）", "not an Excel workbook (an .xlsx is a zip file)"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise WorkbookError(
            "工作簿已损坏（zip 结构无效，文件可能不完整或被截断）", "corrupt workbook (invalid zip, possibly truncated)"
        ) from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise WorkbookError(
            "不是 Excel 工作簿（zip 中没有 xl/workbook.xml）", "not an Excel workbook (no xl/workbook.xml in the zip)"
        )
    if sum(m.file_size for m in members) > MAX_UNZIPPED:
        raise WorkbookError(
            f"工作簿解压后超过 {MAX_UNZIPPED // 1024 // 1024} MB，未读取",
            f"the workbook inflates to more than {MAX_UNZIPPED // 1024 // 1024} MB",
        )
    try:
        formulas = _uncached_formula_sources(archive, data)
        return _sheets(data, formulas)
    except WorkbookError:
        raise
    except Exception as exc:  # noqa: BLE001 -- openpyxl and zipfile raise many types on a damaged file
        raise WorkbookError(
            f"工作簿已损坏，无法读取（{type(exc).__name__}）", f"corrupt workbook ({type(exc).__name__})"
        ) from None


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


def _sheets(data: bytes, formulas: dict[tuple[str, str], str]) -> list[tuple[str, list[Row]]]:
    workbook = _open(data, data_only=True)
    out: list[tuple[str, list[Row]]] = []
    for ws in workbook.worksheets:
        merged_last_col = {(r.min_row, r.min_col): r.max_col for r in ws.merged_cells.ranges}
        rows: dict[int, list[_Cell]] = {}
        for (r, c), cell in ws._cells.items():  # only the cells the file holds, not the whole used range
            formula = formulas.get((ws.title, cell.coordinate)) if cell.value is None else None
            text = render(cell.value, cell.number_format)
            if not text and formula is None:
                continue
            last_col = merged_last_col.get((r, c), c)
            rows.setdefault(r, []).append(_Cell(r, c, last_col, cell.coordinate, text, formula))
        out.append((ws.title, [(r, sorted(rows[r], key=lambda x: x.col)) for r in sorted(rows)]))
    return out


def render(value: Any, number_format: str = "General") -> str:
    """A cell's value as the text Excel shows: simple number formats are applied, General shows the number."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
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


def _split_forms(rows: list[Row]) -> list[list[Row]]:
    """The rows of each form on a sheet: split at each title row, or, without titles, at each header block."""
    starts = [i for i, (_, cells) in enumerate(rows) if any(normalize(c.text).endswith(FORM_HEADING) for c in cells)]
    if not starts:
        expecting = True
        for i, (_, cells) in enumerate(rows):
            if expecting and any(_header_label(c) for c in cells):
                starts.append(i)
                expecting = False
            if any(_is_total(c) for c in cells):
                expecting = True
    return [rows[s : starts[k + 1] if k + 1 < len(starts) else len(rows)] for k, s in enumerate(starts)]


def _header_label(cell: _Cell) -> bool:
    return match_exact(cell.text, HEADER) is not None or split_label(cell.text) is not None


def _is_total(cell: _Cell) -> bool:
    key = normalize(cell.text)
    return key == TOTAL or key.startswith(TOTAL + "(")


def _at(sheet: str, cell: _Cell) -> dict[str, str]:
    return {"sheet": sheet, "cell": cell.coord}


class _FormReader:
    """One form's region of a sheet, read section by section; remembers which cells it used."""

    def __init__(self, sheet: str, rows: list[Row]) -> None:
        self.sheet = sheet
        self.rows = rows
        self.used: set[str] = set()
        self.unread: list[dict[str, Any]] = []

    def value(self, cell: _Cell | None, label: str) -> dict[str, Any] | None:
        """The field held by a value cell, or None when it is empty or a formula without a stored result."""
        if cell is None:
            return None
        self.used.add(cell.coord)
        if cell.formula is not None:
            self.unread.append(
                {
                    "raw": f"{label}（{self.sheet}!{cell.coord}）是未计算的公式 {cell.formula}，"
                    "文件中没有保存计算结果；请在 Excel 或 WPS 中打开并保存后再检查",
                    "location": _at(self.sheet, cell),
                }
            )
            return None
        if not cell.text:
            return None
        return {"raw": cell.text, "location": _at(self.sheet, cell)}

    def find_row(self, start: int, predicate) -> int | None:
        for i in range(start, len(self.rows)):
            if predicate(self.rows[i][1]):
                return i
        return None


def _columns(cells: list[_Cell], table: dict[str, str]) -> dict[str, tuple[int, int]]:
    """The column span of each heading in a heading row (the first heading of each key wins)."""
    spans: dict[str, tuple[int, int]] = {}
    for cell in cells:
        key = match_prefix(cell.text, table)
        if key is not None and key not in spans:
            spans[key] = (cell.col, cell.last_col)
    return spans


def _under(cells: list[_Cell], span: tuple[int, int] | None) -> _Cell | None:
    if span is None:
        return None
    return next((c for c in cells if c.overlaps(span)), None)


def _read_form(sheet: str, rows: list[Row], source: str | None, index: int) -> dict[str, Any]:
    reader = _FormReader(sheet, rows)
    first, last = rows[0][1][0], rows[-1][1][-1]
    right = max(c.last_col for _, cells in rows for c in cells)
    from openpyxl.utils import get_column_letter

    form: dict[str, Any] = {
        "source": source,
        "index": index,
        "location": {"sheet": sheet, "cell": f"{first.coord}:{get_column_letter(right)}{last.row}"},
    }

    def has_keys(table: dict[str, str], *keys: str):
        return lambda cells: all(k in _columns(cells, table) for k in keys)

    funds_at = reader.find_row(0, has_keys(FUNDS_COLUMNS, "budget", "executed"))
    goals_at = reader.find_row(0, lambda cells: any(match_exact(c.text, GOALS) for c in cells))
    table_at = reader.find_row(0, has_keys(INDICATOR_COLUMNS, "name", "target"))
    total_at = reader.find_row(table_at or 0, lambda cells: any(_is_total(c) for c in cells))
    n = len(rows)

    def end(*candidates: int | None) -> int:
        return min([c for c in candidates if c is not None] + [n])

    form["header"] = _read_header(reader, 0, end(funds_at, goals_at, table_at, total_at))
    if funds_at is not None:
        form["funds"] = _read_funds(
            reader, funds_at, end(*(c for c in (goals_at, table_at, total_at) if c and c > funds_at))
        )
    if goals_at is not None:
        form["goals"] = _read_goals(reader, goals_at, end(*(c for c in (table_at, total_at) if c and c > goals_at)))
    if table_at is not None:
        level1, indicators, placeholders = _read_indicators(reader, table_at, end(total_at))
        form.update(level1=level1, indicators=indicators, placeholders=placeholders)
    columns = _columns(rows[table_at][1], INDICATOR_COLUMNS) if table_at is not None else {}
    if total_at is not None:
        form["total"] = _read_total(reader, total_at, columns)
        if grade := _read_grade(reader, total_at):
            form["grade"] = grade
    leftovers = _leftovers(reader)  # may add formula diagnostics to reader.unread
    form["unread"] = reader.unread + leftovers
    return form


def _read_header(reader: _FormReader, start: int, stop: int) -> dict[str, Any]:
    header: dict[str, Any] = {}
    for _, cells in reader.rows[start:stop]:
        for k, cell in enumerate(cells):
            if (combined := split_label(cell.text)) is not None:
                key, raw = combined
                reader.used.add(cell.coord)
                field: dict[str, Any] | None = {"raw": raw, "location": _at(reader.sheet, cell)}
            elif (key := match_exact(cell.text, HEADER)) is not None:
                reader.used.add(cell.coord)
                following = cells[k + 1] if k + 1 < len(cells) else None
                if following is None or (not following.formula and is_known_label(following.text)):
                    continue  # the label's value cell is empty
                field = reader.value(following, normalize(cell.text).rstrip(":"))
            else:
                continue
            if field is None or key in header:
                continue
            if key == "year":
                # As in the text reader: the year is its four digits ("2023年度" is 2023).
                if not (year := _YEAR.search(field["raw"])):
                    continue
                field["raw"] = year.group(0)
            header[key] = field
    return header


def _read_funds(reader: _FormReader, head: int, stop: int) -> dict[str, Any]:
    funds: dict[str, Any] = {}
    heading = reader.rows[head][1]
    columns = _columns(heading, FUNDS_COLUMNS)
    for cell in heading:
        if match_prefix(cell.text, FUNDS_COLUMNS) is not None:
            reader.used.add(cell.coord)
    for _, cells in reader.rows[head - 1 if head else 0 : stop]:
        for cell in cells:
            if unit := _AMOUNT_UNIT.search(normalize(cell.text)):
                funds["unit"] = unit.group(1)
                reader.used.add(cell.coord)
    first_value_col = min(span[0] for span in columns.values())
    for _, cells in reader.rows[head + 1 : stop]:
        label = next((c for c in cells if c.last_col < first_value_col and match_prefix(c.text, FUNDS_ROWS)), None)
        if label is None:
            continue
        key = match_prefix(label.text, FUNDS_ROWS)
        if key in funds:
            continue
        reader.used.add(label.coord)
        row: dict[str, Any] = {}
        for part in ("initial_budget", "budget", "executed"):
            if (
                field := reader.value(_under(cells, columns.get(part)), label.text + _FUNDS_COLUMN_NAMES[part])
            ) is not None:
                row[part] = field
        first = next((c for c in cells if c.col >= first_value_col), label)
        row["location"] = _at(reader.sheet, first)
        funds[key] = row
        for part in ("weight", "execution_rate", "execution_score"):
            cell = _under(cells, columns.get(part))
            if key == "total":
                if (field := reader.value(cell, label.text + _FUNDS_COLUMN_NAMES[part])) is not None:
                    funds[part] = field
            elif cell is not None and normalize(cell.text) in _NO_VALUE:
                reader.used.add(cell.coord)  # the dashes of the component rows
    return funds


def _read_goals(reader: _FormReader, at: int, stop: int) -> dict[str, Any]:
    goals: dict[str, Any] = {}
    cells = reader.rows[at][1]
    labels = [(c, match_exact(c.text, GOALS)) for c in cells if match_exact(c.text, GOALS)]
    for label, key in labels:
        reader.used.add(label.coord)
        beside = [c for c in cells if c.col > label.last_col and not match_exact(c.text, GOALS)]
        if len(labels) == 1 and beside:
            cell = beside[0]
        else:
            # The labels head their columns; the text is in the first row below that has it.
            below = (_under(r[1], (label.col, label.last_col)) for r in reader.rows[at + 1 : stop])
            cell = next((c for c in below if c is not None and not is_known_label(c.text)), None)
        if key not in goals and (field := reader.value(cell, label.text)) is not None:
            goals[key] = field
    return goals


def _read_indicators(reader: _FormReader, head: int, stop: int) -> tuple[list[dict], list[dict], list[dict]]:
    heading = reader.rows[head][1]
    columns = _columns(heading, INDICATOR_COLUMNS)
    for cell in heading:
        if match_prefix(cell.text, INDICATOR_COLUMNS) is not None:
            reader.used.add(cell.coord)
    name_col = columns["name"][0]
    level1: list[dict[str, Any]] = []
    indicators: list[dict[str, Any]] = []
    placeholders: list[dict[str, Any]] = []
    current_l1 = current_l2 = ""
    for _, cells in reader.rows[head + 1 : stop]:
        own_level2 = None
        for cell in cells:
            if cell.col >= name_col:
                break
            if (l1 := level1_of(cell.text)) is not None:
                current_l1 = l1[0]
                entry: dict[str, Any] = {"name": current_l1, "location": _at(reader.sheet, cell)}
                if l1[1] is not None:
                    entry["weight"] = {"raw": l1[1], "location": _at(reader.sheet, cell)}
                level1.append(entry)
                reader.used.add(cell.coord)
            elif normalize(cell.text) in LEVEL2_NAMES or (
                "level2" in columns and cell.overlaps(columns["level2"]) and cell.text
            ):
                own_level2 = cell
                current_l2 = "".join(cell.text.split())
                reader.used.add(cell.coord)
        values = {
            key: _under(cells, columns.get(key)) for key in ("name", "target", "actual", "weight", "score", "note")
        }
        texts = {key: normalize(c.text) if c else "" for key, c in values.items()}
        formulas = any(c is not None and c.formula for c in values.values())
        if not formulas and not any(texts.values()):
            if own_level2 is not None:  # a template row left empty
                placeholders.append(
                    {"level1": current_l1, "level2": current_l2, "location": _at(reader.sheet, own_level2)}
                )
            continue
        if (
            not formulas
            and texts["target"] in _NO_VALUE
            and texts["weight"] in _NO_VALUE
            and all(texts[k] in _NO_VALUE for k in ("actual", "score"))
            and (texts["name"] in _NO_VALUE or texts["target"])
        ):
            # 不适用 / 0 with no weight: a template row left unused, not an indicator scored zero.
            for cell in values.values():
                if cell is not None:
                    reader.used.add(cell.coord)
            where = own_level2 or next(c for c in values.values() if c is not None)
            placeholders.append({"level1": current_l1, "level2": current_l2, "location": _at(reader.sheet, where)})
            continue
        name_cell = values["name"]
        indicator: dict[str, Any] = {"level1": current_l1, "level2": current_l2}
        label_of = {
            "name": "三级指标",
            "target": "年度指标值",
            "actual": "实际完成值",
            "weight": "分值",
            "score": "得分",
        }
        for key, cell in values.items():
            if (field := reader.value(cell, label_of.get(key, "偏差原因分析"))) is not None:
                indicator[key] = field
        anchor = name_cell or next(c for c in values.values() if c is not None)
        indicator.setdefault("name", {"raw": "", "location": _at(reader.sheet, anchor)})
        indicator["location"] = _at(reader.sheet, anchor)
        indicators.append(indicator)
    return level1, indicators, placeholders


def _read_total(reader: _FormReader, at: int, columns: dict[str, tuple[int, int]]) -> dict[str, Any]:
    cells = reader.rows[at][1]
    label = next(c for c in cells if _is_total(c))
    reader.used.add(label.coord)
    total: dict[str, Any] = {"location": _at(reader.sheet, label)}
    weight, score = _under(cells, columns.get("weight")), _under(cells, columns.get("score"))
    if "weight" not in columns and "score" not in columns:
        # No indicator headings to line up with: the first two cells after the label, as the text reader does.
        following = [c for c in cells if c.col > label.last_col]
        weight, score = (following + [None, None])[:2]
    for key, cell in (("weight", weight), ("score", score)):
        if (field := reader.value(cell, f"总分{'分值' if key == 'weight' else '得分'}")) is not None:
            total[key] = field
    for cell in cells:
        if cell.col > label.last_col and normalize(cell.text) in PLACEHOLDER_TOKENS - {"0", "0.00"}:
            reader.used.add(cell.coord)  # the dash in the 偏差 column of the 总分 row
    return total


def _read_grade(reader: _FormReader, after: int) -> dict[str, Any] | None:
    for _, cells in reader.rows[after + 1 :]:
        for k, cell in enumerate(cells):
            if normalize(cell.text).rstrip(":") not in GRADE:
                continue
            reader.used.add(cell.coord)
            following = cells[k + 1] if k + 1 < len(cells) else None
            if following is not None and (m := _GRADE_VALUE.search(following.text)):
                reader.used.add(following.coord)
                return {"raw": m.group(0), "location": _at(reader.sheet, following)}
    return None


def _leftovers(reader: _FormReader) -> list[dict[str, Any]]:
    """Cells with text that no field took: never dropped silently (ZP010 names them)."""
    out = []
    for _, cells in reader.rows:
        for cell in cells:
            if cell.coord in reader.used:
                continue
            if cell.formula is not None:
                reader.value(cell, "单元格")
                continue
            if is_known_label(cell.text) or is_template_comment(cell.text) or normalize(cell.text) in LEVEL2_NAMES:
                continue
            out.append({"raw": cell.text, "location": _at(reader.sheet, cell)})
    return out
