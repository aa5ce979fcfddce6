"""The one assembler: located cells, from any format, read into forms by their labels.

Every reader turns its file into cells in reading order (`cells.py`): workbooks, Word and PDF tables
and the seed's text with their rows and columns, text from web pages with its order only. Here a
form is found by its content (a title of any of the templates in use, or, without one, a funds
block or an indicator table), and read section by section: the header by its labels, the funds
table by its column headings and row labels, the goals, the indicator table by its column headings,
the 总分 row and the closing block. A value is taken from the cell under or beside its label where
the cells have geometry, and lined up by its kind and the row's arithmetic where they do not
(`align.py`). A label, a vocabulary entry or a layout rule is written once, in `labels.py` or here,
and reaches every format.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from ziping.readers import align, funds_rate
from ziping.readers.cells import (
    EMPTY,
    NUMBER,
    PERCENT,
    TEXT,
    WORD,
    Cell,
    field_of,
    joined_location,
    kind_of,
    located,
)
from ziping.readers.labels import (
    AMOUNT_UNIT,
    CLOSING_LABELS,
    CONCLUSION,
    FUNDS_COLUMNS,
    FUNDS_ROWS,
    GOALS,
    GOALS_HEADING,
    GRADE,
    HEADER,
    INDICATOR_COLUMNS,
    NOTES,
    OTHER_FUNDS_ROWS,
    OTHER_HEADER,
    PLACEHOLDER_TOKENS,
    SCORE_WORDS,
    SECTION_TITLES,
    TOTAL_LABELS,
    YEAR_IN_TITLE,
    YEAR_LINE,
    funds_heading,
    is_known_label,
    is_prompt,
    is_template_comment,
    level1_of,
    level2_of,
    match_prefix,
    normalize,
    split_label,
    strip_of,
    table_heading,
    title_of,
)
from ziping.readers.labels import (
    key as label_key,
)

Region = Callable[[Sequence[Cell]], dict[str, Any]]
GARBLED = "*"  # an unsure path for the whole form: its cells came out of order, nothing of it can be relied on
WEIGHTS_MAKE_TOTAL = 3.0  # how much a layout whose weights add up to the 总分 row is preferred
_GRADE_VALUE = re.compile(r"^[优良中差]$|^(?:优秀|良好|合格|不合格)$")
_YEAR = re.compile(r"\d{4}")
_PROJECT_CODE = re.compile(r"^([0-9A-Z]{10,})-(.+)$")
_CONTACT_PHONE = re.compile(r"^(?P<name>[^\d,，、]*?)[,，、\s]*(?P<phone>[\d(（][\d\-()（）\s办公手机]*)?$")
# A row's own number, one or two digits ("指标12021年11月30日前…" is 指标1 before a date).
_NUMBERING = re.compile(r"^(?:指标\d{1,2}[:：.、]?(?=\d{4}年)|指标\d{1,2}(?!\d)[:：.、]?|\d+[.、](?!\d))")
_SIGNATURE = re.compile(r"负责人[:：]?|审签|填报人|填报日期|盖章")
_FUNDS_VALUE_KINDS = (NUMBER, PERCENT, EMPTY, "amount")
_MONEY = ("initial_budget", "budget", "executed")
# How a diagnostic names a funds column.
_FUNDS_COLUMN_NAMES = {
    "initial_budget": "年初预算数",
    "budget": "全年预算数",
    "executed": "全年执行数",
    "weight": "分值",
    "execution_rate": "执行率",
    "execution_score": "得分",
}
# Column order where a two-row heading puts the sub-columns of 年度指标值 after the others.
_TARGET_PARTS = ("nature", "target", "unit")
# What the indicator columns after the name may be, for a table whose headings were cut off: the
# layouts in use, tried in turn on the rows, the cheapest kept.
HEADLESS_LAYOUTS: tuple[tuple[str, ...], ...] = (
    ("target", "actual", "weight", "score", "note"),
    ("nature", "target", "unit", "actual", "weight", "score", "note"),
    ("weight", "target", "actual", "score", "note"),
    ("target", "weight", "score", "note"),
    ("target", "actual", "note"),
)


def text_region(cells: Sequence[Cell]) -> dict[str, Any]:
    """A form's place in a text: its first and last line."""
    first = last = None
    for cell in cells:
        line = cell.where.get("line")
        if line is None:
            continue
        end = cell.where.get("end_line") or line
        if first is None or line < first:
            first = line
        if last is None or end > last:
            last = end
    if first is None:
        return {}
    return {"line": first, "end_line": last if last != first else None}


# --- finding the forms ---------------------------------------------------------------------------------


class Tag:
    """What a cell's label is, as the form finder and the sections ask it (one cached answer per label):
    bits of a plain int, which Python tests several times faster than an IntFlag's members."""

    CONTENT = 1  # a label only a form holds
    TITLE = 2
    TOTAL = 4
    TABLE = 8  # a level-1 or level-2 header, or the 三级指标 heading: the indicator table is under way
    PROJECT = 16  # 项目名称 / 项目编码: a header block begins
    FUNDS_HEAD = 32
    SECTION = 64  # a section begins here (funds, table, goals, 总分, closing, level 1)
    CLOSING = 128
    GRADE = 256
    GOALS = 512
    LEVEL1 = 1024


@lru_cache(maxsize=1 << 15)
def _tags(text: str) -> int:
    key = label_key(text)
    k = key.rstrip(":")
    if not k:
        return 0
    tags = 0
    header = _header_field(key)
    level1 = level1_of(k) is not None
    level2 = level2_of(k) is not None
    funds_head = funds_heading(k) is not None
    table_head = table_heading(k) is not None
    goals = k in GOALS or k in GOALS_HEADING
    total = k in TOTAL_LABELS or any(k.startswith(t + "(") for t in TOTAL_LABELS)
    column = match_prefix(k, INDICATOR_COLUMNS)
    if (
        k in HEADER
        or split_label(text) is not None
        or funds_head
        or match_prefix(k, FUNDS_COLUMNS) in ("budget", "executed")
        or match_prefix(k, FUNDS_ROWS) == "total"
        or k in GOALS
        or table_head
        or column in ("name", "target", "actual", "level1")
        or level1
        or level2
        or k in TOTAL_LABELS
    ):
        tags |= Tag.CONTENT
    if title_of(text) is not None:
        tags |= Tag.TITLE
    if total:
        tags |= Tag.TOTAL
    if level1 or level2 or column == "name":
        tags |= Tag.TABLE
    if header in ("project_name", "project_code"):
        tags |= Tag.PROJECT
    if funds_head:
        tags |= Tag.FUNDS_HEAD
    if funds_head or table_head or goals or total or k in CLOSING_LABELS or level1:
        tags |= Tag.SECTION
    if k in CLOSING_LABELS:
        tags |= Tag.CLOSING
    if k in GRADE:
        tags |= Tag.GRADE
    if goals:
        tags |= Tag.GOALS
    if level1:
        tags |= Tag.LEVEL1
    return tags


def tags(cell: Cell) -> int:
    """What a cell's label is (Tag bits); 0 for a value or a long text."""
    key = cell.key
    # No label is ASCII (labels.key): a number or a code, new in every form, needs no look-up.
    return _tags(cell.text) if key and not key.isascii() else 0


def _header_field(key: str) -> str | None:
    label = key.rstrip(":")
    return HEADER.get(label) or HEADER.get(re.sub(r"\(盖章\)$", "", label)) if label else None


def _header_key(cell: Cell) -> str | None:
    return _header_field(cell.key) if cell.key else None


def _is_title(cells: Sequence[Cell], i: int) -> bool:
    cell = cells[i]
    if not tags(cell) & Tag.TITLE:
        return False
    # The value of a 项目名称 label can look like a title ("…经费支出绩效自评表"): it is the name.
    prev = cells[i - 1] if i else None
    return not (prev is not None and _header_key(prev) is not None and (not prev.row or prev.row == cell.row))


def _is_content(cell: Cell) -> bool:
    """A label only a form holds: what makes a stretch of cells a form rather than page furniture."""
    return bool(tags(cell) & Tag.CONTENT)


def _is_total(cell: Cell) -> bool:
    return bool(tags(cell) & Tag.TOTAL)


def form_starts(cells: Sequence[Cell]) -> list[int]:
    """Where each form begins: at its title (the last of several with nothing between them), or, without
    one, at its first label; a second header block after a form's 总分 row starts another form."""
    n = len(cells)
    labels = [tags(c) for c in cells]
    content = [bool(t & Tag.CONTENT) for t in labels]
    titles = [i for i in range(n) if labels[i] & Tag.TITLE and _is_title(cells, i)]
    starts: list[int] = []
    for k, t in enumerate(titles):
        stop = titles[k + 1] if k + 1 < len(titles) else n
        if any(content[t + 1 : stop]):
            starts.append(t)
    first_content = next((i for i in range(n) if content[i]), None)
    if first_content is not None and (not starts or first_content < starts[0]):
        # Labels before the first title: the tail of a form whose head is cut off, or a form with no title.
        # Its rows may come before its first label (a table cut above its headings): it starts at the top.
        stop = starts[0] if starts else n
        if sum(content[first_content:stop]) >= 2:
            starts.insert(0, 0)
    # A form without a title of its own after another's 总分 row: a header label or a funds table again.
    out: list[int] = []
    for k, s in enumerate(starts):
        out.append(s)
        stop = starts[k + 1] if k + 1 < len(starts) else n
        seen_total = seen_table = False
        for i in range(s + 1, stop):
            tag = labels[i]
            if not tag:
                continue
            if tag & Tag.TABLE:
                seen_table = True
            if tag & Tag.TOTAL and seen_table:  # a 总分 ending a table, not a 自评总分 in the header
                seen_total = True
            elif seen_total and tag & (Tag.PROJECT | Tag.FUNDS_HEAD):
                out.append(i)
                seen_total = False
    return out


def read_forms(
    cells: Sequence[Cell], source: str | None, region: Region = text_region, first: int = 1, ends: bool = True
) -> Iterator[dict]:
    """Every form in the cells, one at a time, as raw dicts ready for `Form.model_validate`, numbered from
    `first`; `ends`: the source ends with these cells (False for a block of a text read block by block)."""
    starts = form_starts(cells)
    index = first
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(cells)
        form = FormAssembler(cells[start:stop], source, index, region, last=ends and stop == len(cells)).read()
        if not holds_a_form(form):
            continue  # labels named in prose (a README, a report's narrative): nothing of a form was read
        index += 1
        yield form


def holds_a_form(form: dict[str, Any]) -> bool:
    """Whether anything of a form's body was read: an indicator or a template row of one, a level-1 header, a
    funds figure or a goal. A header alone or a table's labels alone are a form (cut off, or left blank)."""
    if form["indicators"] or form["placeholders"] or form["level1"] or form["goals"]:
        return True
    figures = [
        field
        for entry in form["funds"].values()
        if isinstance(entry, dict)
        for field in ([entry] if "raw" in entry else entry.values())
        if isinstance(field, dict) and "raw" in field
    ]
    if any(kind_of(field["raw"]) != EMPTY for field in figures):
        return True
    return bool(form["header"])


# --- one form ------------------------------------------------------------------------------------------


class FormAssembler:
    """One form's cells, read section by section; what no field takes is kept as unread text."""

    def __init__(
        self, cells: Sequence[Cell], source: str | None, index: int, region: Region = text_region, last: bool = False
    ) -> None:
        self.cells = list(cells)
        self.last = last  # the text ends with this form: if it ends inside it, the form is cut off
        self.n = len(self.cells)
        self.used: set[int] = set()
        self.form: dict[str, Any] = {
            "source": source,
            "index": index,
            "location": located(region(self.cells)),
            "header": {},
            "funds": {},
            "goals": {},
            "level1": [],
            "indicators": [],
            "placeholders": [],
            "unread": [],
            "unsure": [],
        }
        self.unread: list[dict[str, Any]] = []
        self.closing: list[tuple[Cell, list[Cell]]] = []
        self.whole_department = False  # a 部门整体支出绩效自评表: about a department, not a project
        # Every label of the form: the layout names its profile by them.
        self.keys: set[str] = {c.key for c in self.cells if c.key}

    # -- helpers -----------------------------------------------------------------------------------------

    def use(self, *cells: Cell | None) -> None:
        for cell in cells:
            if cell is None:
                continue
            if cell.parts:
                self.used.update(id(c) for c in cell.sources())
            else:
                self.used.add(id(cell))

    def value(self, cell: Cell | None, label: str, text: str | None = None) -> dict[str, Any] | None:
        """The field a value cell holds, or None when it is empty or a formula without a stored result."""
        if cell is None:
            return None
        self.use(cell)
        if cell.formula is not None:
            sheet = cell.where.get("sheet")
            place = f"{sheet}!{cell.where.get('cell')}" if sheet else str(cell.where.get("cell"))
            self.unread.append(
                {
                    "raw": f"{label}（{place}）是未计算的公式 {cell.formula}，"
                    "文件中没有保存计算结果；请在 Excel 或 WPS 中打开并保存后再检查",
                    "location": cell.location,
                }
            )
            return None
        raw = cell.text if text is None else text
        if not raw.strip():
            return None
        return field_of(cell, raw)

    def row_of(self, k: int) -> list[Cell]:
        """The cells of the row that cell k is in (the rest of the stream where rows are unknown)."""
        cell = self.cells[k]
        if not cell.row:
            return []
        out = []
        j = k
        while j > 0 and self.cells[j - 1].row == cell.row:
            j -= 1
        while j < self.n and self.cells[j].row == cell.row:
            out.append(self.cells[j])
            j += 1
        return out

    def next_in_row(self, k: int) -> Cell | None:
        if k + 1 >= self.n:
            return None
        nxt = self.cells[k + 1]
        if self.cells[k].row and nxt.row != self.cells[k].row:
            return None
        return nxt

    def is_label(self, cell: Cell) -> bool:
        return bool(cell.key) and is_known_label(cell.text) and title_of(cell.text) is None

    def starts_section(self, cell: Cell) -> bool:
        return bool(tags(cell) & Tag.SECTION)

    # -- the walk ----------------------------------------------------------------------------------------

    def read(self) -> dict[str, Any]:
        k = 0
        if self._starts_inside_table():
            self.form["cut_before"] = field_of(self.cells[0])
            k = self._indicators(0, headless=True)
        elif self._starts_without_head():
            self.form["cut_before"] = field_of(self.cells[0])
        while k < self.n:
            cell = self.cells[k]
            key = cell.key.rstrip(":")
            if k == 0 and title_of(cell.text) is not None:
                self._title(cell)
                k += 1
            elif key and (funds_heading(key) or match_prefix(key, FUNDS_COLUMNS) in ("budget", "executed")):
                k = self._funds(k)
            elif key and (key in GOALS or key in GOALS_HEADING):
                k = self._goals(k)
            elif key and (
                table_heading(key) is not None or match_prefix(key, INDICATOR_COLUMNS) in ("level1", "level2", "name")
            ):
                k = self._indicators(k)
            elif key and (level1_of(key) or level2_of(key)) and not self.form["indicators"]:
                k = self._indicators(k, headless=True)
            elif _is_total(cell):
                k = self._total(k, {})
            elif key in CLOSING_LABELS:
                k = self._closing(k)
            elif key in GRADE:
                k = self._grade(k)
            elif key and YEAR_LINE.match(key) and k <= 2 and "year" not in self.form["header"]:
                self.use(cell)
                self.form["header"]["year"] = field_of(cell, YEAR_LINE.match(key).group(1))
                k += 1
            else:
                k = self._header(k)
        self._funds_by_rate()
        self._place_closing()
        self._leftovers()
        if self.last and "total" not in self.form and not self.closing and self._read_some_table():
            # The text ends inside the form: what would follow (the rest of the table, the 总分 row) is missing.
            last = next((c for c in reversed(self.cells) if c.text.strip() and kind_of(c.text) != EMPTY), None)
            if last is not None:
                self.form["cut_after"] = field_of(last)
        header = self.form["header"]
        if "year" not in header and title_of(self.cells[0].text) is None:
            # A form without its title (the next form of a page whose converter kept one title): the year the
            # title held is not in the text, which says nothing of whether the form has one.
            self.form["unsure"].append("header.year")
        if self.whole_department and "project_name" not in header:
            # A 部门整体支出 form evaluates a department, not a project: the department is what it is about.
            unit = header.get("implementing_unit") or header.get("budget_unit")
            if unit is not None:
                header["project_name"] = dict(unit)
        return self.form

    def _starts_inside_table(self) -> bool:
        """Whether the cells begin with indicator rows, above any label: a table whose head was cut off."""
        for cell in self.cells:
            key = cell.key.rstrip(":")
            if not key:
                continue
            if level1_of(key) is not None or level2_of(key) is not None:
                return cell is not self.cells[0]
            if _is_content(cell) or title_of(cell.text) is not None:
                return False
        return False

    def _starts_without_head(self) -> bool:
        """Whether the form begins at its indicator table or its 总分 row, with no title, header or funds before them."""
        first = next((c for c in self.cells if _is_content(c)), None)
        if first is None or title_of(self.cells[0].text) is not None:
            return False
        key = first.key.rstrip(":")
        return (
            table_heading(key) is not None
            or match_prefix(key, INDICATOR_COLUMNS) in ("level1", "level2", "name")
            or level1_of(key) is not None
            or level2_of(key) is not None
            or key in TOTAL_LABELS
        )

    def _read_some_table(self) -> bool:
        """Whether any part past the header was read: a form cut off before its table still read its funds."""
        form = self.form
        return bool(form["indicators"] or form["funds"] or form["goals"] or form["level1"])

    def _title(self, cell: Cell) -> None:
        self.use(cell)
        self.whole_department = "整体支出" in cell.key
        if m := YEAR_IN_TITLE.search(cell.key):
            self.form["header"].setdefault("year", field_of(cell, m.group(1)))

    # -- header ------------------------------------------------------------------------------------------

    def _header(self, k: int) -> int:
        cell = self.cells[k]
        if (combined := split_label(cell.text)) is not None:
            key, raw = combined
            self.use(cell)
            self._set_header(key, field_of(cell, raw))
            return k + 1
        label = cell.key.rstrip(":")
        field_key = _header_key(cell)
        compound = _compound(label)
        if field_key is None and compound is None and label not in OTHER_HEADER:
            return k + 1
        self.use(cell)
        nxt = self.next_in_row(k)
        if nxt is None or (self.is_label(nxt) and not nxt.glued) or kind_of(nxt.text) == EMPTY:
            if nxt is not None and kind_of(nxt.text) == EMPTY:
                self.use(nxt)
                return k + 2
            return k + 1
        self.use(nxt)
        if field_key is not None:
            self._set_header(field_key, field_of(nxt))
        elif compound is not None:
            parts = re.split(r"\s*/\s*", nxt.text, maxsplit=len(compound) - 1)
            for part_key, part in zip(compound, parts):
                if part.strip():
                    self._set_header(part_key, field_of(nxt, part.strip()))
        else:
            self.unread.append(field_of(nxt, f"{cell.text.rstrip(':：')}：{nxt.text}"))
        return k + 2

    def _set_header(self, key: str, field: dict[str, Any]) -> None:
        header = self.form["header"]
        raw = field["raw"].strip()
        if key == "contact_phone":
            m = _CONTACT_PHONE.match(raw)
            if m and m.group("phone"):
                if m.group("name").strip():
                    header.setdefault("contact", {**field, "raw": m.group("name").strip()})
                header.setdefault("phone", {**field, "raw": m.group("phone").strip()})
            else:
                header.setdefault("contact", {**field, "raw": raw})
            return
        if key == "project_name" and (m := _PROJECT_CODE.match(raw)):
            # Sichuan writes "51000021R000000019951-工资性支出": the budget system's code, then the name.
            header.setdefault("project_code", {**field, "raw": m.group(1)})
            raw = m.group(2)
        if key == "year":
            from ziping.values import normalize as normalize_value

            if not (year := _YEAR.search(normalize_value(raw))):  # "2O23" read by OCR
                return
            raw = year.group(0)
        header.setdefault(key, {**field, "raw": raw})

    # -- funds -------------------------------------------------------------------------------------------

    def _funds(self, k: int) -> int:
        funds = self.form["funds"]
        columns: list[tuple[str, Cell]] = []
        if m := funds_heading(self.cells[k].key):
            self.use(self.cells[k])
            self._funds_heading(self.cells[k], m)
            k += 1
        totals: dict[str, Cell] = {}
        while k < self.n:
            cell = self.cells[k]
            key = cell.key.rstrip(":")
            if key and (m := funds_heading(key)):
                if columns and not AMOUNT_UNIT.search(key):
                    break
                self.use(cell)
                self._funds_heading(cell, m)
                k += 1
                continue
            if key and (unit := AMOUNT_UNIT.search(key)):
                funds["unit"] = next(g for g in unit.groups() if g)
                self.use(cell)
                if key in SECTION_TITLES or AMOUNT_UNIT.fullmatch(key) or re.fullmatch(r"\(万?元\)", key):
                    k += 1
                    continue
            column = match_prefix(key, FUNDS_COLUMNS) if key else None
            if column is not None and self._funds_row_key(cell) is None:
                self.use(cell)
                nxt = self.next_in_row(k) if cell.row else (self.cells[k + 1] if k + 1 < self.n else None)
                if (
                    nxt is not None
                    and kind_of(nxt.text) in _FUNDS_VALUE_KINDS + ("quantity",)
                    and nxt.text.strip()
                    and not (columns and all(c.col == 0 for _, c in columns) and len(columns) >= 3)
                ):
                    # A label with its value beside it ("预算数: 2.38", "转移支付执行数(B) 5.8万"): the total row.
                    totals[column] = nxt
                    self.use(nxt)
                    k += 2
                    continue
                columns.append((column, cell))
                k += 1
                continue
            if key == "原因":
                self.use(cell)
                columns.append(("reason", cell))
                k += 1
                continue
            row_key = self._funds_row_key(cell)
            if row_key is None:
                if key == "其中" or key == "其中:":
                    self.use(cell)
                    k += 1
                    continue
                break
            k = self._funds_row(k, row_key, columns)
        if totals:
            row = funds.setdefault("total", {})
            for column, cell in totals.items():
                if column in ("initial_budget", "budget", "executed"):
                    row.setdefault(column, field_of(cell))
                elif column in ("weight", "execution_rate", "execution_score"):
                    funds.setdefault(column, field_of(cell))
            row.setdefault("location", next(iter(totals.values())).location)
        return k

    def _funds_heading(self, cell: Cell, m: re.Match[str]) -> None:
        funds = self.form["funds"]
        if m.group(1):
            funds.setdefault("weight", field_of(cell, m.group(1)))
        if unit := AMOUNT_UNIT.search(cell.key):
            funds["unit"] = next(g for g in unit.groups() if g)

    def _funds_row_key(self, cell: Cell) -> str | None:
        return _funds_row_of(cell.key) if cell.key else None

    def _funds_row(self, k: int, row_key: str, columns: list[tuple[str, Cell]]) -> int:
        funds = self.form["funds"]
        label = self.cells[k]
        self.use(label)
        values: list[Cell] = []
        # "其中: 一般公共预算:1873.66万元": the label and one value in one cell.
        inline = None
        if ":" in label.key.rstrip(":") and not label.key.startswith("其中:") or label.key.count(":") > 1:
            tail = label.text.replace("：", ":").rsplit(":", 1)[1].strip()
            if tail:
                inline = Cell(tail, label.where, label.row, glued=label.glued)
        k += 1
        while k < self.n:
            cell = self.cells[k]
            if label.row:
                if cell.row != label.row:
                    break
            elif (
                self._funds_row_key(cell) is not None
                or self.starts_section(cell)
                or (cell.key and self.is_label(cell) and kind_of(cell.text) not in _FUNDS_VALUE_KINDS)
            ):
                break
            elif values and kind_of(cell.text) not in (*_FUNDS_VALUE_KINDS, "amount") and not cell.glued:
                # Free text after the values: the 原因 column, or the next part of the form.
                if "reason" not in {c for c, _ in columns} or len(cell.text) < 8:
                    break
            if self._funds_row_key(cell) is not None and label.row:
                break
            values.append(cell)
            k += 1
        if inline is not None:
            values.insert(0, inline)
        if row_key == "other_row" or row_key in funds and row_key in ("total", "fiscal", "carryover", "other"):
            for cell in values:
                if cell.text.strip() and kind_of(cell.text) != EMPTY:
                    self.unread.append(field_of(cell, f"{label.text}：{cell.text}"))
                self.use(cell)
            if row_key == "other_row":
                self.unread.append(field_of(label))
            return k
        placed = self._place_funds(values, columns, row_key)
        row: dict[str, Any] = {"location": (values[0] if values else label).location}
        for column, cell in placed.cells.items():
            self.use(cell)
            if column not in _FUNDS_COLUMN_NAMES or (row_key != "total" and column not in _MONEY):
                continue
            field = self.value(cell, label.text.rstrip(":：") + _FUNDS_COLUMN_NAMES[column])
            if field is None or kind_of(field["raw"]) == EMPTY:
                continue
            if column in _MONEY:
                row[column] = field
            else:
                funds.setdefault(column, field)
        for cell in placed.unplaced:
            self.use(cell)
            if kind_of(cell.text) != EMPTY:
                self.unread.append(field_of(cell))
        for cell in values:
            self.use(cell)
        if placed.unsure:
            self.form["unsure"].append(f"funds.{row_key}")
            if row_key == "total":
                self.form["unsure"].extend(["funds.execution_rate", "funds.execution_score", "funds.weight"])
        funds[row_key] = row
        return k

    def _place_funds(self, values: list[Cell], columns: list[tuple[str, Cell]], row_key: str) -> align.Placement:
        names = [c for c, _ in columns] or ["initial_budget", "budget", "executed", "weight", "execution_rate",
                                            "execution_score"]  # fmt: skip
        geometric = [c for c in values if c.col] and all(c.col for _, c in columns) and columns
        if geometric:
            placed = align.Placement()
            by_col = {col: name for name, head in reversed(columns) for col in range(head.col, head.last_col + 1)}
            for cell in values:
                column = next((by_col[col] for col in range(cell.col, cell.last_col + 1) if col in by_col), None)
                if column is not None and column not in placed.cells:
                    placed.cells[column] = cell
                else:
                    placed.unplaced.append(cell)
            return placed
        values = self._atoms(values)
        bounds: dict[str, float] = {}
        total = self.form["funds"].get("total") if row_key != "total" else None
        if total:
            from ziping.values import parse_number

            for column in ("budget", "executed"):
                if column in total and (v := parse_number(total[column]["raw"])):
                    bounds[column] = v
        names = ["execution_weight" if n == "weight" else n for n in names]
        money = [n for n in names if n in ("initial_budget", "budget", "executed")]
        filled = [v for v in values if kind_of(v.text) != EMPTY]
        if row_key != "total" and len(filled) <= len(money) and not any(v.glued for v in filled):
            names = money  # a source row's own weight, rate and score columns are dashes or left out
        placed = align.place(values, names, align.funds_check(bounds))
        if "execution_weight" in placed.cells:
            placed.cells["weight"] = placed.cells.pop("execution_weight")
        return placed

    def _funds_by_rate(self) -> None:
        """A total row the funds block left without its budget or executed amount, read where the headings came
        in a run before their values: the pair of amounts after them whose quotient the declared rate states
        (`funds_rate.py`). Nothing is read where a source row holds amounts (the total is theirs to add up to)
        or where the rate leaves more than one reading."""
        funds = self.form["funds"]
        total = funds.get("total") or {}
        if "budget" in total and "executed" in total:
            return
        if any(column in funds.get(row, {}) for row in ("fiscal", "carryover", "other") for column in _MONEY):
            return
        zone = self._funds_zone()
        if not zone:
            return
        heads = {i: column for i, column in zone if column is not None}
        money_at = min((i for i, column in heads.items() if column in ("budget", "executed")), default=None)
        rate_at = min((i for i, column in heads.items() if column == "execution_rate"), default=None)
        if money_at is None or rate_at is None:
            return
        scoring = self._funds_scoring(zone)
        values = [i for i, column in zone if column is None and i not in scoring]
        amounts = [self.cells[i] for i in values if i > money_at]
        rates = [self.cells[i] for i in values if i > rate_at and kind_of(self.cells[i].text) == PERCENT]
        if declared := funds.get("execution_rate"):
            rates = [Cell(declared["raw"], {})]
        budget, executed = (total[c]["raw"] if c in total else None for c in ("budget", "executed"))
        reading = funds_rate.confirmed(amounts, rates, funds.get("unit"), budget, executed)
        if reading is None:
            return
        self.use(reading.budget, reading.executed)
        row = funds.setdefault("total", {})
        row["budget"] = field_of(reading.budget, reading.budget_figure)
        row["executed"] = field_of(reading.executed, reading.executed_figure)
        row.setdefault("location", reading.budget.location)
        if not declared:
            self.use(reading.rate)
            funds["execution_rate"] = field_of(reading.rate)
        # The source rows read empty where their values came after the headings too: not that they hold nothing.
        self.form["unsure"].extend(f"funds.{r}" for r in ("fiscal", "carryover", "other") if r in funds)

    def _funds_zone(self) -> list[tuple[int, str | None]]:
        """The funds block's cells up to the indicator table: each heading with its column, each value with None.
        It runs from the first funds label to the last one, and on over the values right after it."""
        start = last = None
        for k, cell in enumerate(self.cells):
            key = cell.key.rstrip(":")
            if key and (funds_heading(key) or match_prefix(key, FUNDS_COLUMNS) or _funds_row_of(key)):
                start = k if start is None else start
                last = k
                continue
            tag = tags(cell)
            # The indicator table ends the block; a 总分 only after it has begun (自评总分 heads some forms).
            if tag & (Tag.TABLE | Tag.LEVEL1 | Tag.CLOSING) or (tag & Tag.TOTAL and start is not None):
                break
        if start is None or last is None:
            return []
        zone: list[tuple[int, str | None]] = []
        for i in range(start, self.n):
            cell = self.cells[i]
            kind = kind_of(cell.text)
            if i > last and kind not in _FUNDS_VALUE_KINDS:
                break
            key = cell.key.rstrip(":")
            if kind in (NUMBER, PERCENT, "amount"):
                zone.append((i, None))
            elif key and _funds_row_of(key) is None and (column := match_prefix(key, FUNDS_COLUMNS)):
                zone.append((i, column))
        return zone

    def _funds_scoring(self, zone: list[tuple[int, str | None]]) -> set[int]:
        """The values a run of headings puts under 分值 and 得分, where weight × rate gives that score: points,
        never amounts (10 / 10 is 100% too)."""
        out: set[int] = set()
        runs: list[list[tuple[int, str | None]]] = []  # cells next to each other in the text
        for entry in zone:
            if runs and runs[-1][-1][0] == entry[0] - 1:
                runs[-1].append(entry)
            else:
                runs.append([entry])
        for run in runs:
            n = 0
            while n < len(run):
                heads = []
                while n < len(run) and run[n][1] is not None:
                    heads.append(run[n][1])
                    n += 1
                values = []
                while n < len(run) and run[n][1] is None:
                    values.append(run[n][0])
                    n += 1
                under: dict[str | None, int] = {}
                for column, i in zip(heads, values):  # the values in the headings' order
                    under.setdefault(column, i)
                if not all(c in under for c in ("weight", "execution_rate", "execution_score")):
                    continue
                texts = {
                    "execution_weight": self.cells[under["weight"]].text,
                    "execution_rate": self.cells[under["execution_rate"]].text,
                    "execution_score": self.cells[under["execution_score"]].text,
                }
                if align.funds_check()(texts) == (1, 0):
                    out.update((under["weight"], under["execution_score"]))
        return out

    def _atoms(self, values: list[Cell]) -> list[Cell]:
        """Glued cells split into the values and words they ran together."""
        if not any(c.glued for c in values):
            return values
        from ziping.readers.glued import atoms

        out: list[Cell] = []
        for cell in values:
            if cell.glued:
                self.use(cell)
                out.extend(atoms(cell))
            else:
                out.append(cell)
        return out

    # -- goals -------------------------------------------------------------------------------------------

    def _goals(self, k: int) -> int:
        goals = self.form["goals"]
        labels: list[tuple[str, Cell]] = []
        while k < self.n:
            cell = self.cells[k]
            key = cell.key.rstrip(":")
            if key in GOALS_HEADING or (key == "年度目标完成情况" and not labels and self._goal_label_follows(k)):
                self.use(cell)
                k += 1
                continue
            if key not in GOALS:
                break
            self.use(cell)
            labels.append((GOALS[key], cell))
            k += 1
        if not labels:
            return k
        # Only the last of a repeated label counts: a heading that looked like a label came first.
        seen: dict[str, int] = {}
        for i, (part, _) in enumerate(labels):
            seen[part] = i
        labels = [labels[i] for i in sorted(seen.values())]
        if labels[0][1].col:
            return self._goals_by_geometry(k, labels)
        texts: list[Cell] = []
        while k < self.n:
            cell = self.cells[k]
            if self.starts_section(cell) or (self.is_label(cell) and not cell.glued and len(cell.text) < 20):
                break
            if cell.key and match_prefix(cell.key, INDICATOR_COLUMNS) in ("level1", "name"):
                break
            self.use(cell)
            if kind_of(cell.text) in (NUMBER,) and len(cell.text) <= 3:
                self.unread.append(field_of(cell))  # the goals block's own weight ("20")
            elif cell.text.strip():
                texts.append(cell)
            k += 1
        for part, cell in zip([p for p, _ in labels], _goal_texts(texts, len(labels))):
            if cell:
                goals.setdefault(part, {"raw": _prose(cell), "location": joined_location(cell)})
        return k

    def _goal_label_follows(self, k: int) -> bool:
        nxt = self.cells[k + 1] if k + 1 < self.n else None
        return nxt is not None and GOALS.get(nxt.key.rstrip(":")) == "expected"

    def _goals_by_geometry(self, k: int, labels: list[tuple[str, Cell]]) -> int:
        goals = self.form["goals"]
        row = labels[0][1].row
        row_cells = [c for c in self.cells if c.row == row]
        stop = k
        while stop < self.n and not (
            self.starts_section(self.cells[stop])
            or match_prefix(self.cells[stop].key, INDICATOR_COLUMNS) in ("level1", "name")
            or _header_key(self.cells[stop])
        ):
            stop += 1
        for part, label in labels:
            beside = [c for c in row_cells if c.col > label.last_col and c.key.rstrip(":") not in GOALS]
            if len(labels) == 1 and beside:
                cell = beside[0]
            else:
                # The labels head their columns; the text is in the first row below that has it.
                cell = next(
                    (
                        c
                        for c in self.cells[k:stop]
                        if c.row != row
                        and c.overlaps(label.span)
                        and not (c.key and is_known_label(c.text))
                        and id(c) not in self.used
                    ),
                    None,
                )
                if cell is not None and self.starts_section(cell):
                    cell = None
            if part not in goals and (field := self.value(cell, label.text)) is not None:
                goals[part] = field
        return k

    # -- indicators ----------------------------------------------------------------------------------------

    def _indicators(self, k: int, headless: bool = False) -> int:
        if not headless and table_heading(self.cells[k].key) is not None:
            self.use(self.cells[k])
            k += 1
        columns: list[tuple[str, Cell]] = []
        while not headless and k < self.n:
            cell = self.cells[k]
            key = cell.key.rstrip(":")
            column = INDICATOR_COLUMNS.get(key) or (match_prefix(key, INDICATOR_COLUMNS) if key else None)
            if column is None:
                if key and table_heading(key) is not None and not columns:
                    self.use(cell)
                    k += 1
                    continue
                break
            self.use(cell)
            columns.append((column, cell))
            k += 1
        columns = _ordered(columns)
        name_col = next((c.col for key, c in columns if key == "name"), 0)
        end = self._table_end(k, name_col)
        block = self.cells[k:end]
        if block and block[0].col and columns and all(c.col for _, c in columns):
            self._rows_by_geometry(block, columns)
        else:
            self._rows_by_kind(block, [c for c, _ in columns], self._peek_total(end))
        k = end
        if k < self.n and _is_total(self.cells[k]):
            k = self._total(k, {c: h for c, h in columns})
        return k

    def _peek_total(self, k: int) -> float | None:
        """The 总分 row's weight, read ahead: a table without headings is lined up by it."""
        if k + 1 < self.n and _is_total(self.cells[k]) and kind_of(self.cells[k + 1].text) == NUMBER:
            from ziping.values import parse_number

            return parse_number(self.cells[k + 1].text)
        return None

    def _table_end(self, k: int, name_col: int = 0) -> int:
        while k < self.n:
            cell = self.cells[k]
            tag = tags(cell)
            if not tag or name_col and cell.col >= name_col:
                k += 1  # in the name column and right of it, a cell is a name or a value, whatever it says
                continue
            key = cell.key.rstrip(":")
            # "改进措施：…" inside a deviation note is the note's own heading; the closing block's label stands alone.
            closing = tag & Tag.CLOSING and (key in (CONCLUSION, *NOTES) or not cell.key.endswith(":"))
            if tag & (Tag.TOTAL | Tag.GRADE | Tag.PROJECT) or closing:
                return k
            if tag & (Tag.FUNDS_HEAD | Tag.GOALS | Tag.TITLE) and not tag & Tag.LEVEL1:
                return k
            k += 1
        return k

    def _rows_by_geometry(self, block: list[Cell], columns: list[tuple[str, Cell]]) -> None:
        spans = dict((c, h.span) for c, h in reversed(columns))
        name_col = spans.get("name", (0, 0))[0]
        level1 = level2 = ""
        rows: dict[int, list[Cell]] = {}
        for cell in block:
            rows.setdefault(cell.row, []).append(cell)
        # Each grid column's heading, the first heading of the span for a merged one.
        by_col: dict[int, list[str]] = {}
        for key, (first, last) in spans.items():
            for col in range(first, last + 1):
                by_col.setdefault(col, []).append(key)
        for _, cells in sorted(rows.items()):
            own_level2 = None
            for cell in cells:
                if name_col and cell.col >= name_col:
                    break
                in_level2 = "level2" in spans and cell.overlaps(spans["level2"])
                if (l1 := level1_of(cell.key)) is not None and not in_level2:
                    level1 = self._add_level1(cell, l1)
                elif level2_of(cell.key) is not None or (in_level2 and cell.text):
                    own_level2 = cell
                    level2 = (level2_of(cell.key) or (normalize(cell.text), None))[0]
                    self.use(cell)
            values: dict[str, Cell] = {}
            for cell in cells:
                if id(cell) in self.used:
                    continue
                column = None
                for col in range(cell.col, cell.last_col + 1):
                    column = next((c for c in by_col.get(col, ()) if c not in values), None)
                    if column is not None:
                        break
                if column is not None and column not in ("level1", "level2"):
                    values[column] = cell
            self._indicator(values, level1, level2, own_level2)

    def _rows_by_kind(self, block: list[Cell], columns: list[str], total_weight: float | None = None) -> None:
        """A table whose cells come in reading order only: rows told apart by their level labels and by
        the kinds of their values, each row lined up with the headings (or, without headings, the layout
        whose columns fit the rows best)."""
        from ziping.readers.rows import ParsedRow, segment

        chunks: list[tuple[str, str, Cell | None, list[Cell]]] = []
        level1 = level2 = ""
        own_level2: Cell | None = None
        current: list[Cell] = []
        just_level1 = just_level2 = False
        for cell in self._atoms(block):
            key = cell.key.rstrip(":")
            if key and (table_heading(key) or INDICATOR_COLUMNS.get(key)) and not level1_of(key):
                self.use(cell)  # the table's headings repeated on a new page
                continue
            l1 = level1_of(key) if key else None
            l2 = level2_of(key) if key and l1 is None else None
            if l1 is not None and just_level1 and l1[1] is None and level2_of(key) is not None:
                l1, l2 = None, level2_of(key)  # 满意度指标 under 满意度指标(10分): the level 2
            elif l2 is not None and just_level2 and key.removesuffix("指标") == level2.removesuffix("指标"):
                l2 = None  # 服务对象满意度 under 服务对象满意度指标: the indicator's name
            just_level1 = l1 is not None
            just_level2 = l2 is not None
            if l1 is not None or l2 is not None:
                if current or own_level2 is not None:
                    chunks.append((level1, level2, own_level2, current))
                current, own_level2 = [], None
                if l1 is not None:
                    level1 = self._add_level1(cell, l1)
                    level2 = ""
                else:
                    level2 = l2[0]
                    own_level2 = cell
                    self.use(cell)
                continue
            current.append(cell)
        if current or own_level2 is not None:
            chunks.append((level1, level2, own_level2, current))
        after_name = [c for c in columns if c not in ("level1", "level2", "name")]
        layouts = [tuple(after_name)] if "name" in columns else list(HEADLESS_LAYOUTS)
        if "name" in columns and not {"weight", "score"} & set(after_name):
            # Headings without 分值 or 得分 over rows that end in numbers: the heading was lost (merged into the
            # table's title, cut off), not the column.
            layouts += [(*after_name, "weight"), (*after_name, "weight", "score")]
        best = None
        for layout in layouts:
            parsed = [segment(cells, list(layout)) for *_, cells in chunks]
            cost = sum(p.cost for p in parsed)
            if len(layouts) > 1 and total_weight is not None and _weights_make(parsed, total_weight, self.form):
                cost -= WEIGHTS_MAKE_TOTAL  # the weights add up to the 总分 row: the layout is right
            if best is None or cost < best[0]:
                best = (cost, parsed)
        parsed_chunks = best[1] if best else []
        # The table's usual reading: rows read alike where a row alone could be read two ways.
        votes: Counter[frozenset[str]] = Counter()
        for parsed in parsed_chunks:
            for row in parsed.rows:
                if len(patterns := row.patterns()) == 1:  # only rows that can be read one way alone vote
                    votes[next(iter(patterns))] += 1
        usual = votes.most_common(1)[0][0] if votes else None
        readings: list[list[tuple[dict[str, Cell], bool]]] = []
        placed: list[tuple[ParsedRow, dict[str, Cell], bool]] = []  # the rows with values ("指标2:" has none)
        for parsed in parsed_chunks:
            readings.append([])
            for row in parsed.rows:
                cells, unsure = row.cells(usual)
                if usual is not None and "weight" in usual and row.placement is not None and "weight" not in cells:
                    unsure = True  # a row without the weight every other row has: cut, or out of order
                # A name run together from pieces with a bare number among them: the row could not be cut.
                unsure = unsure or not _plausible_row_name(row.name) or _one_value_for_two(cells)
                readings[-1].append((cells, unsure))
                if row.placement is not None:
                    placed.append((row, cells, unsure))
        # Rows named by fragments of sentences ("分;", "分,没有不得分。"): the table came out of its converter in
        # pieces, and no row of it is a ground for a finding. So are rows whose weight or score is a piece of a
        # sentence ("15%及其以", "现情况(80"): the table's words and numbers were shuffled together.
        n = len(placed)
        fragments = sum(not _plausible_name(row.name.text) for row, _, _ in placed)
        worded = sum(_words_in_numbers(cells) for _, cells, _ in placed)
        doubts = sum(unsure for *_, unsure in placed)
        garbled = n >= 3 and (fragments * 10 > n * 3 or worded >= 3 and worded * 10 > n * 3)
        # Four rows in five that could not be read one way: the table itself came out scrambled, and the few
        # rows read one way among them are no surer.
        garbled = garbled or n >= 5 and doubts * 5 >= n * 4
        if garbled:
            self.form["unsure"].append(GARBLED)
        for (l1, l2, own, _), parsed, chunk in zip(chunks, parsed_chunks, readings):
            if not parsed.rows and own is not None:
                self._placeholder(l1, l2, own.where)
            for cells, unsure in chunk:
                self._indicator(cells, l1, l2, own, unsure=unsure or garbled)
                own = None
            for cell in parsed.unplaced:
                self.use(cell)
                if cell.text.strip() and kind_of(cell.text) != EMPTY:
                    self.unread.append(field_of(cell))

    def _add_level1(self, cell: Cell, l1: tuple[str, str | None]) -> str:
        self.use(cell)
        entry: dict[str, Any] = {"name": l1[0], "location": cell.location}
        if l1[1] is not None:
            entry["weight"] = field_of(cell, l1[1])
        self.form["level1"].append(entry)
        return l1[0]

    def _placeholder(self, level1: str, level2: str, where: dict[str, Any]) -> None:
        self.form["placeholders"].append({"level1": level1, "level2": level2, "location": located(where)})

    def _indicator(
        self, values: dict[str, Cell], level1: str, level2: str, own_level2: Cell | None, unsure: bool = False
    ) -> None:
        texts = {c: cell.key or normalize(cell.text) for c, cell in values.items()}
        formulas = any(cell.formula for cell in values.values())
        name = values.get("name")
        if (
            not formulas
            and not any(t for c, t in texts.items() if c != "name")
            and (name is None or not texts.get("name") or _is_numbering_only(name.text))
        ):
            # A template row left empty ("指标2:", "……"): not an indicator.
            self.use(*values.values())
            if own_level2 is not None or name is not None:
                self._placeholder(level1, level2, (own_level2 or name).where)
            return
        target_cells = [values[c] for c in _TARGET_PARTS if c in values and values[c].text.strip()]
        target_raw = "".join(c.text.strip() for c in target_cells)
        target_key = "".join(texts[c] for c in _TARGET_PARTS if c in values)
        weight = texts.get("weight", "")
        if not formulas and (
            texts.get("name", "") in PLACEHOLDER_TOKENS
            or (target_key in PLACEHOLDER_TOKENS and weight in PLACEHOLDER_TOKENS | {""}
                and texts.get("actual", "") in PLACEHOLDER_TOKENS | {""}
                and texts.get("score", "") in PLACEHOLDER_TOKENS | {""})
        ):  # fmt: skip
            # 不适用 / 0 with no weight: a template row left unused, not an indicator scored zero.
            self.use(*values.values())
            self._placeholder(level1, level2, (own_level2 or next(iter(values.values()))).where)
            return
        out: dict[str, Any] = {"level1": level1, "level2": level2}
        if name is not None:
            self.use(name)
            out["name"] = field_of(name, _NUMBERING.sub("", name.text.strip(), count=1).strip() or name.text.strip())
        if target_cells:
            self.use(*target_cells)
            out["target"] = {"raw": target_raw, "location": joined_location(target_cells)}
        elif "target" in values and values["target"].formula:
            self.value(values["target"], "年度指标值")
        actual = values.get("actual")
        if actual is not None:
            raw = actual.text.strip()
            unit = values.get("unit") or values.get("actual_unit")
            # A bare number in the 完成值 column is measured in the row's 度量单位.
            if unit is not None and unit.text.strip() and re.fullmatch(r"[\d.,]+", raw):
                raw += unit.text.strip()
            if (field := self.value(actual, "实际完成值", raw)) is not None:
                out["actual"] = field
        for part, label in (("weight", "分值"), ("score", "得分"), ("item_score", "单项得分")):
            if (field := self.value(values.get(part), label)) is not None and kind_of(field["raw"]) != EMPTY:
                out[part] = field
        note = values.get("note")
        if note is not None:
            self.use(note)
            if note.text.strip() and not is_prompt(note.text) and kind_of(note.text) != EMPTY:
                out["note"] = field_of(note)
        for part in ("completion", "review_score", "actual_unit", "explanation"):
            self.use(values.get(part))
        anchor = name or next(iter(values.values()))
        out.setdefault("name", field_of(anchor, ""))
        cells = [c for k, c in values.items() if k != "actual_unit"]
        out["location"] = joined_location(cells) if "line" in anchor.where else anchor.location
        if unsure:
            self.form["unsure"].append(f"indicators[{len(self.form['indicators'])}]")
        self.form["indicators"].append(out)

    # -- total, grade, closing -------------------------------------------------------------------------------

    def _total(self, k: int, columns: dict[str, Cell]) -> int:
        label = self.cells[k]
        self.use(label)
        total: dict[str, Any] = {"location": label.location}
        values: list[Cell] = []
        j = k + 1
        while j < self.n:
            cell = self.cells[j]
            if label.row and cell.row != label.row:
                break
            if not label.row and (self.is_label(cell) or self.starts_section(cell) or len(values) >= 2):
                break
            if not label.row and kind_of(cell.text) not in (NUMBER, EMPTY) and not cell.glued:
                break
            values.append(cell)
            j += 1
        spans = {c: h.span for c, h in columns.items() if h.col}
        if values and values[0].col and "weight" in spans and "score" in spans:
            weight = next((c for c in values if c.overlaps(spans["weight"])), None)
            score = next((c for c in values if c.overlaps(spans["score"])), None)
        else:
            numbers = [c for c in self._atoms(values) if kind_of(c.text) in (NUMBER, EMPTY)]
            placed = align.place(numbers[:4], ["weight", "score"], align.total_check) if numbers else None
            weight = placed.cells.get("weight") if placed else None
            score = placed.cells.get("score") if placed else None
            if placed and placed.unsure:
                self.form["unsure"].append("total")
        for part, cell, name in (("weight", weight, "总分分值"), ("score", score, "总分得分")):
            if (field := self.value(cell, name)) is not None and kind_of(field["raw"]) != EMPTY:
                total[part] = field
        for cell in values:
            self.use(cell)
            if cell not in (weight, score) and (m := _GRADE_VALUE.match(normalize(cell.text))):
                self.form.setdefault("grade", field_of(cell, m.group(0)))
        self.form["total"] = total
        # A grade after the total row's numbers ("总分 | 100 | 96 | 优").
        if (
            j < self.n
            and _GRADE_VALUE.match(normalize(self.cells[j].text))
            and (not label.row or self.cells[j].row == label.row)
        ):
            self.use(self.cells[j])
            self.form.setdefault("grade", field_of(self.cells[j]))
            j += 1
        return j

    def _grade(self, k: int) -> int:
        cell = self.cells[k]
        self.use(cell)
        nxt = self.next_in_row(k)
        if nxt is not None and (m := re.search(r"[优良中差]", nxt.text)):
            self.use(nxt)
            self.form.setdefault("grade", field_of(nxt, m.group(0)))
            return k + 2
        return k + 1

    def _closing(self, k: int) -> int:
        label = self.cells[k]
        self.use(label)
        body: list[Cell] = []
        k += 1
        if label.key.rstrip(":") in NOTES:
            # "注：1.一级指标分值统一设置为…": the template's notes, whatever labels they mention, to the end.
            self.closing.append((label, self.cells[k:]))
            return self.n
        while k < self.n:
            cell = self.cells[k]
            key = cell.key.rstrip(":")
            if key in CLOSING_LABELS or (key and (title_of(cell.text) or split_label(cell.text))):
                break
            if _SIGNATURE.search(key) or self.starts_section(cell) or _header_key(cell):
                break
            body.append(cell)
            k += 1
        self.closing.append((label, body))
        return k

    def _place_closing(self) -> None:
        """The 评价结论 stands in for 实际完成情况 when the form has none; the rest is kept unread."""
        for label, body in self.closing:
            for cell in body:
                self.use(cell)
            filled = [c for c in body if c.text.strip() and not is_prompt(c.text) and kind_of(c.text) != EMPTY]
            if label.key.rstrip(":") == CONCLUSION and filled and "actual" not in self.form["goals"]:
                self.form["goals"]["actual"] = {
                    "raw": "\n".join(c.text for c in filled),
                    "location": joined_location(filled),
                }
                continue
            if filled:
                self.unread.append(field_of(label))  # the label says what the text below it is
            for cell in body:
                if cell.text.strip() and not is_prompt(cell.text) and kind_of(cell.text) != EMPTY:
                    self.unread.append(field_of(cell))

    def _leftovers(self) -> None:
        """Cells with text that no field took: never dropped silently (ZP010 names them)."""
        for cell in self.cells:
            if id(cell) in self.used:
                continue
            if cell.formula is not None:
                self.value(cell, "单元格")
                continue
            text = cell.text.strip()
            if not text or kind_of(text) == EMPTY or is_template_comment(text) or is_prompt(text):
                continue
            if cell.key and (
                is_known_label(text) or cell.key.rstrip(":") in OTHER_HEADER or _SIGNATURE.search(cell.key)
            ):
                if not _SIGNATURE.search(cell.key) or cell.key.rstrip(":").endswith(("负责人", "审签", "盖章")):
                    continue
            self.unread.append(field_of(cell))
        self.form["unread"] = self.unread
        from ziping.profiles import detect_profile

        if hint := detect_profile({k.rstrip(":") for k in self.keys}):
            self.form["profile_hint"] = hint


@lru_cache(maxsize=1 << 14)
def _funds_row_of(key: str) -> str | None:
    """The funds row a label names ("total", "fiscal" …, "other_row" for a row with no field), or None."""
    label = strip_of(key.split(":")[0] if ":" in key.rstrip(":") else key)
    if label in OTHER_FUNDS_ROWS:
        return "other_row"
    row = FUNDS_ROWS.get(label)
    if row is None and key.startswith("其中"):
        row = match_prefix(key, FUNDS_ROWS)
    return row


def _compound(label: str) -> tuple[str, ...] | None:
    """A label naming two fields ("实施单位/项目负责人"): their keys, when both are header labels."""
    if "/" not in label:
        return None
    parts = label.split("/")
    keys = tuple(HEADER.get(p) for p in parts)
    return keys if all(keys) else None  # type: ignore[return-value]


def _ordered(columns: list[tuple[str, Cell]]) -> list[tuple[str, Cell]]:
    """Heading columns in row order. A two-row heading lists 年度指标值 (over 指标性质 | 指标值 | 度量单位) in its
    first row and the level and name columns in its second; where cells have no geometry, the names come
    first and the target's parts stand where the target did."""
    if not columns or columns[0][1].col:
        seen: dict[str, tuple[str, Cell]] = {}
        for column, cell in columns:
            if column == "target" and "target" in seen and cell.col:
                # 年度指标值 over 指标值: the narrower cell is the target's own column.
                if cell.last_col - cell.col < seen["target"][1].last_col - seen["target"][1].col:
                    seen["target"] = (column, cell)
                continue
            seen.setdefault(column, (column, cell))
        return sorted(seen.values(), key=lambda item: item[1].col)
    keys = [c for c, _ in columns]
    if "item_score" in keys and keys.count("score") > 1:
        # 自评得分 over 单项指标得分 | 权重占比 | 折算得分 (a two-row heading): the parts stand where the score did,
        # and the weight among them is the row's weight.
        parent = keys.index("score")
        parts = [item for item in columns[parent + 1 :] if item[0] in ("item_score", "weight", "score")]
        # A 分值 heading of the first row, where the parts name the weight, heads what its rows fill with text
        # (what the indicator measures): kept apart, never read as the weight.
        rest = [
            ("explanation", item[1]) if item[0] == "weight" else item
            for k, item in enumerate(columns)
            if k != parent and item not in parts
        ]
        columns = rest[:parent] + parts + rest[parent:]
        keys = [c for c, _ in columns]
    out: list[tuple[str, Cell]] = []
    lead = [item for item in columns if item[0] in ("level1", "level2", "name")]
    rest = [item for item in columns if item[0] not in ("level1", "level2", "name")]
    parts = [item for item in rest if item[0] in ("nature", "unit")]
    seen_keys: set[str] = set()
    for item in lead:
        if item[0] not in seen_keys:
            out.append(item)
            seen_keys.add(item[0])
    for item in rest:
        column = item[0]
        if column == "target" and parts and keys.count("target") > 1:
            continue  # 年度指标值 heads the parts; the second 指标值 is the target itself
        if column in ("nature", "unit") and "target" in seen_keys and keys.count("target") > 1:
            # The parts listed after the others: put them around the target, where the table has them.
            pass
        if column in seen_keys:
            continue
        out.append(item)
        seen_keys.add(column)
    if parts and keys.count("target") > 1:
        names = [c for c, _ in out]
        target = next(item for item in columns if item[0] == "target")
        anchor = names.index("actual") if "actual" in names else len(out)
        trimmed = [item for item in out if item[0] not in ("nature", "unit", "target")]
        anchor = [c for c, _ in trimmed].index("actual") if "actual" in [c for c, _ in trimmed] else len(trimmed)
        by_key = {c: item for c, item in ((i[0], i) for i in columns)}
        middle = [by_key[p] if p != "target" else target for p in _TARGET_PARTS if p in by_key]
        out = trimmed[:anchor] + middle + trimmed[anchor:]
    return out


def _prose(cells: list[Cell]) -> str:
    """Pieces of one text joined as written: a space where a line was split at its spaces, a line break between lines."""
    out = cells[0].text
    for prev, cell in zip(cells, cells[1:]):
        same_line = prev.where.get("line") is not None and prev.where.get("line") == cell.where.get("line")
        out += (" " if same_line else "\n") + cell.text
    return out


_SENTENCE_END = ("。", "；", ";", ".", "!", "！")


def _goal_texts(texts: list[Cell], count: int) -> list[list[Cell]]:
    """Goal texts split among `count` labels: one each; items numbered 1, 1, 2, 2 … alternate between
    them (one table row per goal), items numbered 1, 2, 1, 2 come in blocks; prose split at its spaces
    breaks where a text opens as the first one did ("本项目共申请…" / "本项目共完成…") or after a sentence."""
    texts = [t for t in texts if kind_of(t.text) != EMPTY and t.text.strip(".。…· ")]
    if count <= 1 or len(texts) <= count:
        out = [[t] for t in texts[:count]]
        if len(texts) > count and out:
            out[-1].extend(texts[count:])
        return out
    numbers = [_item_number(t.text) for t in texts]
    if count == 2 and all(n is None for n in numbers):
        opening = [(_common_prefix(texts[0].text, t.text), i) for i, t in enumerate(texts) if i]
        best = max(opening)
        if best[0] >= 2:
            return [texts[: best[1]], texts[best[1] :]]
        ends = [i for i in range(1, len(texts)) if texts[i - 1].text.rstrip().endswith(_SENTENCE_END)]
        if ends:
            return [texts[: ends[0]], texts[ends[0] :]]
    if count == 2 and len(texts) % 2 == 0 and all(n is not None for n in numbers):
        if all(numbers[i] == numbers[i + 1] for i in range(0, len(numbers), 2)):
            return [texts[0::2], texts[1::2]]
    restarts = [
        i for i in range(1, len(texts)) if numbers[i] == 1 or numbers[i] == numbers[0] and numbers[0] is not None
    ]
    if len(restarts) >= count - 1:
        cuts = [0, *restarts[: count - 1], len(texts)]
        return [texts[a:b] for a, b in zip(cuts, cuts[1:])]
    return [[t] for t in texts[: count - 1]] + [texts[count - 1 :]]


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


_ITEM = re.compile(r"^(?:目标|指标)?\s*(\d+)\s*[:：.、．]|^[(（](\d+)[)）]|^([一二三四五六七八九十])、")
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def _item_number(text: str) -> int | None:
    m = _ITEM.match(text.strip())
    if not m:
        return None
    if m.group(3):
        return _CN_NUM[m.group(3)]
    return int(m.group(1) or m.group(2))


_FRAGMENT = re.compile(r"^[，。；：、,.;:）)]|^分[,，;；。]|^分$|[，、；;,]$|^\d+[、.．]")


def _plausible_row_name(name: Cell) -> bool:
    """A row's name, as read, not run together from pieces with a bare number among them ("完整性" "4"
    "一目标明确…": a weight and a target the row could not be cut at)."""
    return not any(p.glued and kind_of(p.text) == NUMBER for p in name.parts if p is not name)


def _plausible_name(text: str) -> bool:
    """An indicator's name, not a fragment of a sentence a converter cut out of a cell."""
    t = normalize(text)
    return len(t) >= 2 and not _FRAGMENT.search(t)


def _one_value_for_two(cells: dict[str, Cell]) -> bool:
    """A row run together with a target or an actual but not both, where the one is words that may hold both
    ("是基本达到" is 是 | 基本达到): which of them is missing cannot be told. A figure ("=100%") is one value."""
    present = [cells[part] for part in ("target", "actual") if part in cells and cells[part].text.strip()]
    if len(present) != 1:
        return False
    sources = present[0].sources()
    return any(s.glued for s in sources) and (len(sources) > 1 or kind_of(present[0].text) in (WORD, TEXT))


def _words_in_numbers(cells: dict[str, Cell]) -> bool:
    """A row whose weight or score holds words: not a figure in any writing (10分, 25%, 十), nor a word a score
    is written in (满分, 不适用)."""
    from ziping.values import parse_number

    for part in ("weight", "score"):
        cell = cells.get(part)
        if cell is None or kind_of(cell.text) not in (WORD, TEXT):
            continue
        text = normalize(cell.text)
        if text not in SCORE_WORDS and text not in PLACEHOLDER_TOKENS and parse_number(text) is None:
            return True
    return False


def _is_numbering_only(text: str) -> bool:
    """ "指标2:", "指标2", "……": a template row's numbering with nothing after it."""
    t = normalize(text)
    return not _NUMBERING.sub("", t).strip(":：.、…") or t in PLACEHOLDER_TOKENS


def _weights_make(parsed: list, total: float, form: dict[str, Any]) -> bool:
    """Whether the rows' weights, with budget execution's, add up to the declared total."""
    from ziping.values import parse_number

    weights = []
    for chunk in parsed:
        for row in chunk.rows:
            cells, _ = row.cells()
            if "weight" in cells and (w := parse_number(cells["weight"].text)) is not None:
                weights.append(w)
    if not weights:
        return False
    declared = form["funds"].get("weight")
    execution = [parse_number(declared["raw"]) or 0.0] if declared else [0.0, 10.0]
    return any(abs(sum(weights) + e - total) < 0.01 for e in execution)
