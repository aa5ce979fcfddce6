"""Label-anchored reading of a form laid out on a grid of cells, whatever file the grid came from.

XLSX and XLS sheets and Word tables are all turned into the same rows of `Cell`s (merged ranges
resolved to the cell that holds the text), so the vocabulary in `labels.py` and the logic below
are shared by every table reader rather than copied into each.

A form is a region of a grid: from one 项目支出绩效自评表 title (or, without titles, one header
block) to the next. Inside it the reader finds the funds table by its column headings (全年预算数,
全年执行数 …) and its row labels, the goals by 预期目标 / 实际完成情况, the indicator table by its
column headings (三级指标, 年度指标值 …) and the 总分 row; every value is taken from the cell that
lines up with its label, so added rows, shifted columns and merged cells do not move anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ziping.readers import FileProblem, ReadResult
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

_AMOUNT_UNIT = re.compile(r"\((万?元)\)")
_YEAR = re.compile(r"\d{4}")
_GRADE_VALUE = re.compile(r"[优良中差]")
_NO_VALUE = PLACEHOLDER_TOKENS | {""}
# How a diagnostic names a funds column: its first label in the vocabulary.
_FUNDS_COLUMN_NAMES = {key: label for label, key in reversed(FUNDS_COLUMNS.items())}


@dataclass(slots=True)
class Cell:
    """One cell with text; a merged range appears once, as its top-left cell."""

    row: int
    col: int
    last_col: int  # the merged range's last column; `col` for a plain cell
    coord: str  # how a location names the cell: "B3" on a sheet, "R5C3" in a Word table
    text: str
    formula: str | None = None  # a formula whose result the file does not hold
    sheet: str | None = None  # the cell's own table, when one grid joins several (a Word document's tables)

    def overlaps(self, span: tuple[int, int]) -> bool:
        return self.col <= span[1] and span[0] <= self.last_col

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.sheet, self.coord)


Row = tuple[int, list[Cell]]
# The location of a whole form, from its sheet's name and its rows.
Region = Callable[[str, list[Row]], dict[str, str]]


def column_letter(col: int) -> str:
    """Excel's name of a 1-based column: 1 is A, 27 is AA."""
    name = ""
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def a1_region(sheet: str, rows: list[Row]) -> dict[str, str]:
    """A form's range on a worksheet, e.g. 汇总!B30:I54."""
    first, last = rows[0][1][0], rows[-1][1][-1]
    right = max(c.last_col for _, cells in rows for c in cells)
    return {"sheet": sheet, "cell": f"{first.coord}:{column_letter(right)}{last.row}"}


def forms_result(
    source: str,
    forms: list[dict[str, Any]] | None = None,
    error: Any = None,
    container: tuple[str, str] = ("工作簿", "the workbook"),
) -> ReadResult:
    """A table reader's answer: the forms, ZP001 for `error` (zh/en attributes), or ZP002 when none was found."""
    if error is not None:
        return ReadResult(source, problem=FileProblem("ZP001", error.zh, error.en))
    if not forms:
        zh, en = container
        return ReadResult(
            source,
            problem=FileProblem(
                "ZP002", f"{zh}中没有“项目支出绩效自评表”（未找到标题或表头）", f"no 项目支出绩效自评表 in {en}"
            ),
        )
    from ziping.model import Form

    return ReadResult(source, forms=[Form.model_validate(raw) for raw in forms])


def read_sheets(sheets: Iterable[tuple[str, list[Row]]], source: str | None, region: Region = a1_region) -> list[dict]:
    """Every form on the sheets, as raw dicts ready for `Form.model_validate`, numbered in order."""
    forms: list[dict[str, Any]] = []
    for title, rows in sheets:
        for part in split_forms(rows):
            forms.append(read_form(title, part, source, len(forms) + 1, region))
    return forms


def split_forms(rows: list[Row]) -> list[list[Row]]:
    """The rows of each form on a sheet: split at each title row, or, without titles, at each header block."""
    starts = form_starts(rows)
    return [rows[s : starts[k + 1] if k + 1 < len(starts) else len(rows)] for k, s in enumerate(starts)]


def form_starts(rows: list[Row]) -> list[int]:
    """Where each form begins: each title row, or, without titles, each header block after a 总分 row."""
    starts = [i for i, (_, cells) in enumerate(rows) if any(normalize(c.text).endswith(FORM_HEADING) for c in cells)]
    if not starts:
        expecting = True
        for i, (_, cells) in enumerate(rows):
            if expecting and any(_header_label(c) for c in cells):
                starts.append(i)
                expecting = False
            if any(_is_total(c) for c in cells):
                expecting = True
    return starts


def _header_label(cell: Cell) -> bool:
    return match_exact(cell.text, HEADER) is not None or split_label(cell.text) is not None


def _is_total(cell: Cell) -> bool:
    key = normalize(cell.text)
    return key == TOTAL or key.startswith(TOTAL + "(")


def _at(sheet: str, cell: Cell) -> dict[str, str]:
    return {"sheet": cell.sheet or sheet, "cell": cell.coord}


class _FormReader:
    """One form's region of a sheet, read section by section; remembers which cells it used."""

    def __init__(self, sheet: str, rows: list[Row]) -> None:
        self.sheet = sheet
        self.rows = rows
        self.used: set[tuple[str | None, str]] = set()
        self.unread: list[dict[str, Any]] = []

    def value(self, cell: Cell | None, label: str) -> dict[str, Any] | None:
        """The field held by a value cell, or None when it is empty or a formula without a stored result."""
        if cell is None:
            return None
        self.used.add(cell.key)
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


def _columns(cells: list[Cell], table: dict[str, str]) -> dict[str, tuple[int, int]]:
    """The column span of each heading in a heading row (the first heading of each key wins)."""
    spans: dict[str, tuple[int, int]] = {}
    for cell in cells:
        key = match_prefix(cell.text, table)
        if key is not None and key not in spans:
            spans[key] = (cell.col, cell.last_col)
    return spans


def _under(cells: list[Cell], span: tuple[int, int] | None) -> Cell | None:
    if span is None:
        return None
    return next((c for c in cells if c.overlaps(span)), None)


def read_form(
    sheet: str, rows: list[Row], source: str | None, index: int, region: Region = a1_region
) -> dict[str, Any]:
    """One form's region of a grid, read section by section, as a raw dict."""
    reader = _FormReader(sheet, rows)
    form: dict[str, Any] = {"source": source, "index": index, "location": region(sheet, rows)}

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
    if "item_score" in columns and "score" in columns:
        form["profile_hint"] = "weighted"  # 单项得分 beside 折算得分: the layout names its scoring
    return form


def _read_header(reader: _FormReader, start: int, stop: int) -> dict[str, Any]:
    header: dict[str, Any] = {}
    for _, cells in reader.rows[start:stop]:
        for k, cell in enumerate(cells):
            if (combined := split_label(cell.text)) is not None:
                key, raw = combined
                reader.used.add(cell.key)
                field: dict[str, Any] | None = {"raw": raw, "location": _at(reader.sheet, cell)}
            elif (key := match_exact(cell.text, HEADER)) is not None:
                reader.used.add(cell.key)
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
            reader.used.add(cell.key)
    for _, cells in reader.rows[head - 1 if head else 0 : stop]:
        for cell in cells:
            if unit := _AMOUNT_UNIT.search(normalize(cell.text)):
                funds["unit"] = unit.group(1)
                reader.used.add(cell.key)
    first_value_col = min(span[0] for span in columns.values())
    for _, cells in reader.rows[head + 1 : stop]:
        label = next((c for c in cells if c.last_col < first_value_col and match_prefix(c.text, FUNDS_ROWS)), None)
        if label is None:
            continue
        key = match_prefix(label.text, FUNDS_ROWS)
        if key in funds:
            continue
        reader.used.add(label.key)
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
                reader.used.add(cell.key)  # the dashes of the component rows
    return funds


def _read_goals(reader: _FormReader, at: int, stop: int) -> dict[str, Any]:
    goals: dict[str, Any] = {}
    cells = reader.rows[at][1]
    labels = [(c, match_exact(c.text, GOALS)) for c in cells if match_exact(c.text, GOALS)]
    for label, key in labels:
        reader.used.add(label.key)
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
            reader.used.add(cell.key)
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
            # A level-2 cell may repeat its level-1 name (满意度指标 under 满意度指标): the column decides.
            in_level2 = "level2" in columns and cell.overlaps(columns["level2"])
            if (l1 := level1_of(cell.text)) is not None and not in_level2:
                current_l1 = l1[0]
                entry: dict[str, Any] = {"name": current_l1, "location": _at(reader.sheet, cell)}
                if l1[1] is not None:
                    entry["weight"] = {"raw": l1[1], "location": _at(reader.sheet, cell)}
                level1.append(entry)
                reader.used.add(cell.key)
            elif normalize(cell.text) in LEVEL2_NAMES or (in_level2 and cell.text):
                own_level2 = cell
                current_l2 = "".join(cell.text.split())
                reader.used.add(cell.key)
        values = {
            key: _under(cells, columns.get(key))
            for key in ("name", "target", "actual", "weight", "score", "item_score", "note")
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
                    reader.used.add(cell.key)
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
            "item_score": "单项得分",
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
    reader.used.add(label.key)
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
            reader.used.add(cell.key)  # the dash in the 偏差 column of the 总分 row
    return total


def _read_grade(reader: _FormReader, after: int) -> dict[str, Any] | None:
    for _, cells in reader.rows[after + 1 :]:
        for k, cell in enumerate(cells):
            if normalize(cell.text).rstrip(":") not in GRADE:
                continue
            reader.used.add(cell.key)
            following = cells[k + 1] if k + 1 < len(cells) else None
            if following is not None and (m := _GRADE_VALUE.search(following.text)):
                reader.used.add(following.key)
                return {"raw": m.group(0), "location": _at(reader.sheet, following)}
    return None


def _leftovers(reader: _FormReader) -> list[dict[str, Any]]:
    """Cells with text that no field took: never dropped silently (ZP010 names them)."""
    out = []
    for _, cells in reader.rows:
        for cell in cells:
            if cell.key in reader.used:
                continue
            if cell.formula is not None:
                reader.value(cell, "单元格")
                continue
            if is_known_label(cell.text) or is_template_comment(cell.text) or normalize(cell.text) in LEVEL2_NAMES:
                continue
            out.append({"raw": cell.text, "location": _at(reader.sheet, cell)})
    return out
