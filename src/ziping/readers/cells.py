"""Reader for text whose cells are separated explicitly: pipes, tabs, or one cell per line.

Forms copied from web pages (Sichuan's 部门预算项目支出绩效自评表 and its kin) arrive as rows of
cells joined by ' | ' or tabs, or as one cell per line ending in ' |'. Cells are found by the
labels in `labels.py`; values are taken by column order under those labels, and every value keeps
the line it came from. The raw dicts have the shape `text.read_text` returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ziping.readers.labels import (
    FUNDS_COLUMNS,
    FUNDS_ROWS,
    GOALS,
    HEADER,
    INDICATOR_COLUMNS,
    LEVEL1_NAMES,
    LEVEL2_NAMES,
    PLACEHOLDER_TOKENS,
    canonical,
    level1_of,
    match_prefix,
    normalize,
    split_label,
)
from ziping.readers.labels import SECTION_TITLES as LABEL_SECTION_TITLES
from ziping.values import normalize as normalize_value
from ziping.values import parse_number

# Each kind of self-evaluation form starts at a heading of its own; "(2023年度)" may follow.
HEADING = re.compile(
    r"^[^\s,，。；;:：]{0,16}?(?:项目支出|部门整体支出|整体支出|转移支付[^\s,，。]{0,16}?)绩效自评表"
    r"(?:\((\d{4})年度?\))?$"
)
# The heading ends at its label or at a bracket: 项目资金(万元) opens the funds table, an indicator named
# 项目资金额(元) does not.
FUNDS_HEADING = re.compile(r"^(?:预算执行情况|资金使用情况|项目资金|年度预算数)(?=\(|$)(?:\((\d+(?:\.\d+)?)分\))?")
TABLE_HEADING = re.compile(r"^(?:年度)?绩效指标(?:\((\d+(?:\.\d+)?)分\))?$")
TOTAL_LABELS = frozenset({"合计", "总分", "总计"})
# The 评价结论 block: the conclusion may stand in for 实际完成情况; the rest is kept as unread text.
CONCLUSION = "评价结论"
CLOSING_LABELS = frozenset({"评价结论", "存在问题", "改进措施"})
# Funds rows with no field of their own in the model: read past, kept as unread text.
OTHER_FUNDS_ROWS = ("财政专户管理资金", "单位资金")
REASON_COLUMN = "原因"
SECTION_TITLES = (
    frozenset(
        {"项目基本情况", "1.项目年度目标完成情况", "2.项目实施内容及过程概述", "评价结论", "存在问题", "改进措施"}
    )
    | LABEL_SECTION_TITLES
)
PROJECT_CODE = re.compile(r"^([0-9A-Z]{10,})-(.+)$")
# Template prompts such as "对照年度目标,说明…(100字以内)": a hint left unfilled, not a value.
TEMPLATE_PROMPT = re.compile(r"\(\d+字以内\)$")
AMOUNT_UNIT = re.compile(r"\((万?元)\)")
WEIGHT_IN_HEADING = re.compile(r"\((\d+(?:\.\d+)?)分\)")
EMPTY = frozenset({"", "/", "—", "-", "——", "无"})
# A cell this long is no label; labels are compared only on short cells, so oversized cells stay cheap.
MAX_LABEL = 40
MAX_CELLS = 200_000  # a bound on the work per file: forms hold a few hundred cells


@dataclass(slots=True)
class Cell:
    text: str
    line: int  # 1-based line number
    row: int  # cells of one physical row share this; one cell per line puts a whole form in one row
    key: str = ""  # normalised text for label matching; empty for long cells
    column: int | None = None  # 1-based character on the line, where the line holds a whole form


def looks_cellular(text: str) -> bool:
    """Whether the text separates its cells with pipes or tabs on many of its lines."""
    lines = [ln for ln in text.splitlines()[:5000] if ln.strip()]
    if not lines:
        return False
    marked = sum(1 for ln in lines if "|" in ln or "\t" in ln)
    return marked >= 3 and marked * 5 >= len(lines)


def split_cells(text: str) -> list[Cell]:
    """Every cell of the text with its line; rows of pipes or tabs, or one cell per line."""
    cells: list[Cell] = []
    lines = text.splitlines()
    # A page of one cell per line ends almost every line in a lone ' |'; a row of them is one row.
    single = sum(1 for ln in lines if ln.count("|") == 1 and ln.rstrip().endswith("|"))
    per_line = single * 2 >= sum(1 for ln in lines if ln.strip())
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if "|" in stripped:
            parts = stripped.split("|")
            if stripped.endswith("|"):
                parts.pop()  # the closing pipe ends the last cell
            if stripped.startswith("|") and len(parts) > 1:
                parts.pop(0)  # a markdown row opens with a pipe
        elif "\t" in stripped:
            parts = stripped.split("\t")
        else:
            parts = [stripped]
        row = 0 if per_line else number
        for part in parts:
            text_ = part.strip()
            if set(text_) <= set("-: ") and text_ and "-" in text_:
                continue  # a markdown separator row "|---|---|"
            cells.append(Cell(text_, number, row, canonical(normalize(text_)) if len(text_) <= MAX_LABEL else ""))
            if len(cells) >= MAX_CELLS:
                return cells
    return cells


def read_cells(text: str, source: str | None = None) -> list[dict[str, Any]]:
    """Every form in the text, as raw dicts ready for `Form.model_validate`."""
    return read_cell_list(split_cells(text), source)


def read_cell_list(cells: list[Cell], source: str | None = None) -> list[dict[str, Any]]:
    """Every form in a sequence of cells (each with its line and row), as raw dicts."""
    starts = [k for k, cell in enumerate(cells) if cell.key and HEADING.match(cell.key)]
    forms = []
    for index, start in enumerate(starts, start=1):
        end = starts[index] if index < len(starts) else len(cells)
        form = _FormReader(cells[start:end], source, index).read()
        if hint := profile_hint(cells[start:end]):
            form["profile_hint"] = hint
        forms.append(form)
    return forms


def profile_hint(cells: list[Cell]) -> str | None:
    """The scoring profile a layout names unambiguously: Sichuan's 预算执行情况(10分) beside 绩效指标(90分),
    or a weighted table (单项得分 beside 折算得分)."""
    keys = {cell.key for cell in cells if cell.key}
    if "单项得分" in keys and "折算得分" in keys:
        return "weighted"
    funds = any((m := FUNDS_HEADING.match(key)) and m.group(1) == "10" for key in keys)
    table = any((m := TABLE_HEADING.match(key)) and m.group(1) == "90" for key in keys)
    return "sichuan" if funds and table else None


def _loc(first: int, last: int | None = None) -> dict[str, int | None]:
    return {"line": first, "end_line": last if last and last != first else None}


def _field(cell: Cell) -> dict[str, Any]:
    location = _loc(cell.line)
    if cell.column is not None:
        location["column"] = cell.column
    return {"raw": cell.text, "location": location}


def _is_empty(cell: Cell | None) -> bool:
    return cell is None or normalize(cell.text) in EMPTY


def _is_prompt(cell: Cell) -> bool:
    return bool(cell.key and TEMPLATE_PROMPT.search(cell.key))


class _FormReader:
    """One form's cells, read section by section; what has no field goes to `unread`."""

    def __init__(self, cells: list[Cell], source: str | None, index: int) -> None:
        self.cells = cells
        self.form: dict[str, Any] = {
            "source": source,
            "index": index,
            "location": _loc(cells[0].line, cells[-1].line),
            "header": {},
            "funds": {},
            "goals": {},
            "level1": [],
            "indicators": [],
            "placeholders": [],
            "unread": [],
        }
        self.closing: list[tuple[Cell, list[Cell]]] = []

    def unread(self, cell: Cell) -> None:
        # Section titles, bare labels and the template's "(200字以内)" prompts hold no value of their own.
        key = cell.key
        if not cell.text or _is_prompt(cell) or key in SECTION_TITLES or (key.endswith(":") and len(key) <= 8):
            return
        self.form["unread"].append(_field(cell))

    def read(self) -> dict[str, Any]:
        heading = self.cells[0]
        if m := HEADING.match(heading.key):
            if m.group(1):
                self.form["header"]["year"] = {"raw": m.group(1), "location": _loc(heading.line)}
        k = 1
        n = len(self.cells)
        while k < n:
            cell = self.cells[k]
            key = cell.key
            if key and FUNDS_HEADING.match(key):
                k = self._funds(k)
            elif key and (TABLE_HEADING.match(key) or match_prefix(key, INDICATOR_COLUMNS) == "level1"):
                k = self._indicators(k)
            elif key in CLOSING_LABELS:
                k = self._closing(k)
            elif key and key.rstrip(":") in GOALS:
                k = self._goals(k)
            else:
                k = self._header_cell(k)
        self._place_closing()
        return self.form

    # -- header ---------------------------------------------------------------------------------

    def _header_cell(self, k: int) -> int:
        cell = self.cells[k]
        label = re.sub(r"\(.*?\)$", "", cell.key).rstrip(":")  # "实施单位(盖章)"
        if (combined := split_label(cell.text)) is not None:
            key, raw = combined
            self._set_header(key, {"raw": raw, "location": _loc(cell.line)})
            return k + 1
        if cell.key and label in HEADER:
            value = self.cells[k + 1] if k + 1 < len(self.cells) else None
            if value is not None and not _is_empty(value) and not self._is_label(value):
                self._set_header(HEADER[label], _field(value))
                return k + 2
            return k + 1
        self.unread(cell)
        return k + 1

    def _set_header(self, key: str, field: dict[str, Any]) -> None:
        if key == "project_name" and (m := PROJECT_CODE.match(field["raw"])):
            # Sichuan writes "51000021R000000019951-工资性支出": the budget system's code, then the name.
            self.form["header"].setdefault("project_code", {"raw": m.group(1), "location": field["location"]})
            field = {"raw": m.group(2), "location": field["location"]}
        if key == "year":
            if not (year := re.search(r"\d{4}", normalize_value(field["raw"]))):  # "2O23" read by OCR
                return
            field["raw"] = year.group(0)
        self.form["header"].setdefault(key, field)

    def _is_label(self, cell: Cell) -> bool:
        key = cell.key.rstrip(":")
        return bool(key) and (
            key in HEADER
            or key in GOALS
            or key in CLOSING_LABELS
            or bool(FUNDS_HEADING.match(key) or TABLE_HEADING.match(key))
            or match_prefix(key, INDICATOR_COLUMNS) == "level1"
        )

    # -- goals ----------------------------------------------------------------------------------

    def _goals(self, k: int) -> int:
        """Goal labels (项目年度目标 | 年度目标完成情况), then their values in the same order."""
        order: list[str] = []
        row = self.cells[k].row
        while k < len(self.cells) and self.cells[k].key.rstrip(":") in GOALS:
            order.append(GOALS[self.cells[k].key.rstrip(":")])
            k += 1
        k = self._skip_padding(k, row)
        for part in order:
            if k >= len(self.cells) or self._is_label(self.cells[k]) or self._section_at(k):
                break
            cell = self.cells[k]
            if not cell.text:
                self.unread(cell)
            else:
                # A "(100字以内)" prompt standing where the goal goes is the field left unfilled: it is kept
                # as the value, so ZP005 can say so, rather than dropped as a label would be.
                self.form["goals"].setdefault(part, _field(cell))
            k += 1
        return k

    def _skip_padding(self, k: int, row: int) -> int:
        """Past the empty cells that merged columns leave at the end of a pipe row."""
        while k < len(self.cells) and row and self.cells[k].row == row and not self.cells[k].text:
            k += 1
        return k

    def _section_at(self, k: int) -> bool:
        key = self.cells[k].key
        return bool(key) and bool(FUNDS_HEADING.match(key) or TABLE_HEADING.match(key) or key in CLOSING_LABELS)

    # -- funds ----------------------------------------------------------------------------------

    def _funds(self, k: int) -> int:
        funds = self.form["funds"]
        heading = self.cells[k]
        if (m := FUNDS_HEADING.match(heading.key)) and m.group(1):
            funds["weight"] = {"raw": m.group(1), "location": _loc(heading.line)}
        if unit := AMOUNT_UNIT.search(heading.key):  # "项目资金(万元)" in one cell
            funds["unit"] = unit.group(1)
        columns: list[str | None] = []
        k += 1
        n = len(self.cells)
        while k < n:
            cell = self.cells[k]
            key = cell.key
            if unit := AMOUNT_UNIT.search(key):
                funds["unit"] = unit.group(1)
            if key and (FUNDS_HEADING.match(key) and not columns):
                k += 1
                continue
            column = match_prefix(key, FUNDS_COLUMNS) if key else None
            if column is not None or key == REASON_COLUMN:
                columns.append(column)
                k = self._skip_padding(k + 1, cell.row)
                continue
            row = self._funds_row_key(cell)
            if row is None:
                break
            k = self._funds_row(k, row, columns)
        return k

    def _funds_row_key(self, cell: Cell) -> str | None:
        if not cell.key:
            return None
        key = cell.key[3:] if cell.key.startswith("其中:") else cell.key
        if key in OTHER_FUNDS_ROWS:
            return "unread"
        return FUNDS_ROWS.get(key)

    def _funds_row(self, k: int, row_key: str, columns: list[str | None]) -> int:
        label = self.cells[k]
        values: list[Cell] = []
        k += 1
        while k < len(self.cells):
            cell = self.cells[k]
            if (cell.row != label.row) or self._funds_row_key(cell) or self._section_at(k):
                break
            values.append(cell)
            k += 1
        funds = self.form["funds"]
        if row_key == "unread" or row_key in funds:
            self.unread(label)
            for cell in values:
                if not _is_empty(cell):
                    self.unread(cell)
            return k
        row: dict[str, Any] = {"location": _loc(label.line)}
        for column, cell in zip(columns, values):
            if _is_empty(cell):
                continue
            if column in ("initial_budget", "budget", "executed"):
                row[column] = _field(cell)
            elif column in ("weight", "execution_rate", "execution_score") and row_key == "total":
                funds[column] = _field(cell)
            else:
                self.unread(cell)  # the 原因 column, or a value past the last heading
        for cell in values[len(columns) :]:
            if not _is_empty(cell):
                self.unread(cell)
        funds[row_key] = row
        return k

    # -- indicators -----------------------------------------------------------------------------

    def _indicators(self, k: int) -> int:
        heading = self.cells[k]
        if TABLE_HEADING.match(heading.key) is not None:
            k += 1
        columns: list[str] = []
        while k < len(self.cells):
            key = self.cells[k].key
            column = INDICATOR_COLUMNS.get(key) or (match_prefix(key, INDICATOR_COLUMNS) if key else None)
            if column is None:
                break
            columns.append(column)
            k = self._skip_padding(k + 1, self.cells[k].row)
        if not columns:
            return k
        level1 = level2 = ""
        width = len(columns)
        n = len(self.cells)
        while k < n:
            cell = self.cells[k]
            if cell.key in TOTAL_LABELS:
                return self._total(k)
            if cell.key in CLOSING_LABELS or (cell.key and HEADING.match(cell.key)):
                return k
            # A row starts at its level-1 cell, or at a level-2 cell, or at its name when rows share them.
            if (l1 := self._level1(cell)) is not None:
                start = columns.index("level1") if "level1" in columns else 0
            elif cell.key in LEVEL2_NAMES and "level2" in columns:
                start = columns.index("level2")
            else:
                start = columns.index("name") if "name" in columns else 0
            row: list[Cell] = []
            while k < n and len(row) < width - start:
                nxt = self.cells[k]
                if row and (nxt.row != row[0].row or nxt.key in TOTAL_LABELS):
                    break
                row.append(nxt)
                k += 1
            # Pipe rows carry empty cells of merged columns past the last column: read past them.
            while k < n and self.cells[k].row == row[0].row and row[0].row and not self.cells[k].text:
                k += 1
            values = dict(zip(columns[start:], row))
            if "level1" in values and l1 is not None:
                level1 = self._add_level1(values.pop("level1"))
            if "level2" in values:
                cell2 = values.pop("level2")
                level2 = cell2.key or normalize(cell2.text)
            self._indicator(values, level1, level2)
        return k

    def _level1(self, cell: Cell) -> tuple[str, str | None] | None:
        return level1_of(cell.key) if cell.key.startswith(LEVEL1_NAMES) else None

    def _add_level1(self, cell: Cell) -> str:
        name, weight = level1_of(cell.key) or (cell.key or normalize(cell.text), None)
        entry: dict[str, Any] = {"name": name, "location": _loc(cell.line)}
        if weight is not None:
            entry["weight"] = {"raw": weight, "location": _loc(cell.line)}
        self.form["level1"].append(entry)
        return name

    def _indicator(self, values: dict[str, Cell], level1: str, level2: str) -> None:
        name = values.get("name")
        if name is None or not name.text:
            for cell in values.values():
                self.unread(cell)
            return
        nature, unit = values.get("nature"), values.get("unit")
        target, actual = values.get("target"), values.get("actual")
        weight, score = values.get("weight"), values.get("score")
        cells = [c for c in values.values()]
        first, last = min(c.line for c in cells), max(c.line for c in cells)
        target_raw = _join(nature, target, unit)
        if normalize(name.text) in PLACEHOLDER_TOKENS or (
            normalize(target_raw) in PLACEHOLDER_TOKENS and (weight is None or parse_number(weight.text) in (None, 0))
        ):
            self.form["placeholders"].append({"level1": level1, "level2": level2, "location": _loc(first, last)})
            return
        out: dict[str, Any] = {"level1": level1, "level2": level2, "name": _field(name)}
        if target_raw:
            where = [c for c in (nature, target, unit) if c is not None and c.text]
            out["target"] = {"raw": target_raw, "location": _loc(where[0].line, where[-1].line)}
        if actual is not None and actual.text:
            # A bare number in the 完成值 column is measured in the row's 度量单位.
            bare = parse_number(actual.text) is not None and re.fullmatch(r"[\d.,]+", actual.text)
            raw = actual.text + (unit.text if bare and unit is not None and unit.text else "")
            out["actual"] = {"raw": raw, "location": _loc(actual.line)}
        for part, cell in (("weight", weight), ("score", score), ("item_score", values.get("item_score"))):
            if cell is not None and cell.text:
                out[part] = _field(cell)
        if (note := values.get("note")) is not None and note.text and not _is_prompt(note):
            out["note"] = _field(note)
        out["location"] = _loc(first, last)
        if first == last and name.column is not None:
            out["location"]["column"] = name.column  # one long line: where the row's name starts
        self.form["indicators"].append(out)

    def _total(self, k: int) -> int:
        label = self.cells[k]
        values: list[Cell] = []
        k += 1
        while k < len(self.cells) and len(values) < 2:
            cell = self.cells[k]
            if (label.row and cell.row != label.row) or self._is_label(cell) or self._section_at(k):
                break
            values.append(cell)
            k += 1
        total: dict[str, Any] = {"location": _loc(label.line)}
        for part, cell in zip(("weight", "score"), values):
            if cell.text and cell.text not in EMPTY:
                total[part] = _field(cell)
        self.form["total"] = total
        while k < len(self.cells) and label.row and self.cells[k].row == label.row:
            self.unread(self.cells[k])
            k += 1
        return k

    # -- 评价结论, 存在问题, 改进措施 ---------------------------------------------------------------

    def _closing(self, k: int) -> int:
        label = self.cells[k]
        body: list[Cell] = []
        k += 1
        while k < len(self.cells):
            cell = self.cells[k]
            if cell.key in CLOSING_LABELS or (cell.key and (HEADING.match(cell.key) or split_label(cell.text))):
                break
            if "负责人" in cell.key:
                break
            body.append(cell)
            k += 1
        self.closing.append((label, body))
        return k

    def _place_closing(self) -> None:
        """The 评价结论 stands in for 实际完成情况 when the form has none; the rest is kept unread."""
        for label, body in self.closing:
            filled = [c for c in body if c.text and not _is_prompt(c)]
            if label.key == CONCLUSION and filled and "actual" not in self.form["goals"]:
                self.form["goals"]["actual"] = {
                    "raw": "\n".join(c.text for c in filled),
                    "location": _loc(filled[0].line, filled[-1].line),
                }
                continue
            if any(not _is_prompt(c) and c.text for c in body):
                self.form["unread"].append(_field(label))  # the label says what the text below it is
            for cell in body:
                self.unread(cell)


def _join(*cells: Cell | None) -> str:
    """指标性质 + 指标值 + 度量单位 as one target text: '≥', '100', '%' is '≥100%'."""
    return "".join(c.text.strip() for c in cells if c is not None and c.text.strip())
