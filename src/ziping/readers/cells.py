"""Located cells: what every reader produces, whatever the file, for the one assembler (`assemble.py`).

A cell is a piece of text with the place a field taken from it will name (a line of a text file, a
sheet's cell, a Word table's row and column, a PDF page's table cell). Grids (workbooks, Word and
PDF tables, the seed's text once its rows are split) also give each cell its row and its column
span; text copied from web pages gives only the order of the cells, and text whose cell boundaries
were lost altogether ("年度资金总额202010100.00%10") marks its cells `glued`. The assembler reads
all of them by their labels; what the geometry does not say, the kinds of the values do (`kind_of`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ziping.model import Location
from ziping.readers.labels import key as label_key

# A cell this long is no label; labels are compared only on short cells, so oversized cells stay cheap.
MAX_LABEL = 40


@dataclass(slots=True, eq=False, init=False)
class Cell:
    """One cell of text and where it came from."""

    text: str
    where: dict[str, Any]  # the location a field read from this cell carries
    row: int = 0  # cells of one table row share a row number; 0: the source does not say
    col: int = 0  # the grid column (1-based) where the source has a grid; 0: no geometry
    last_col: int = 0  # the merged range's last column
    formula: str | None = None  # a workbook formula whose result the file does not hold
    glued: bool = False  # cell boundaries were lost: the text may hold several cells run together
    key: str = field(default="")  # the text as labels are matched (empty for long cells)
    parts: tuple[Cell, ...] = ()  # the cells a joined or split cell was made from
    _location: Location | None = field(default=None, repr=False)

    @property
    def location(self) -> Location:
        """`where` as the model's Location, built once: the form validates it without checking it again."""
        if self._location is None:
            self._location = located(self.where)
        return self._location

    def sources(self) -> tuple[Cell, ...]:
        """This cell and every cell it was made from."""
        return (self, *(p for part in self.parts for p in part.sources()))

    # Written out rather than generated: a form is a hundred cells and more, and every reader makes them.
    def __init__(
        self,
        text: str,
        where: dict[str, Any],
        row: int = 0,
        col: int = 0,
        last_col: int = 0,
        formula: str | None = None,
        glued: bool = False,
        key: str = "",
        parts: tuple[Cell, ...] = (),
    ) -> None:
        self.text = text
        self.where = where
        self.row = row
        self.col = col
        self.last_col = last_col or col
        self.formula = formula
        self.glued = glued
        self.key = key or (label_key(text) if text and len(text) <= MAX_LABEL else "")
        self.parts = parts
        self._location = None

    def overlaps(self, span: tuple[int, int]) -> bool:
        return bool(self.col) and self.col <= span[1] and span[0] <= self.last_col

    @property
    def span(self) -> tuple[int, int]:
        return (self.col, self.last_col)


def located(where: dict[str, Any]) -> Location:
    """A location the readers made, as the model's Location: a form validates a Location it is given without
    looking into it again, where a dict would cost a third of the form's whole check. Locations are frozen,
    so the cells of one line share one."""
    return _located(tuple(where.items()))


@lru_cache(maxsize=1 << 14)
def _located(items: tuple[tuple[str, Any], ...]) -> Location:
    return Location(**dict(items))


def joined(cells: list[Cell], text: str | None = None) -> Cell:
    """Several cells read as one ("≥", "90", "%" as the target ≥90%), remembering them."""
    first = cells[0]
    return Cell(
        "".join(c.text.strip() for c in cells) if text is None else text,
        joined_where(cells),
        first.row,
        first.col,
        max(c.last_col for c in cells) if first.col else 0,
        parts=tuple(cells),
    )


def joined_where(cells: list[Cell]) -> dict[str, Any]:
    """The location of several cells read as one value: their lines, or the first cell of a grid."""
    first = cells[0].where
    if "line" not in first or len(cells) == 1:
        return first
    low = high = 0
    for cell in cells:
        where = cell.where
        if where is first and low:
            continue  # cells of one line share their location
        line = where.get("line")
        if line is None:
            continue
        end = where.get("end_line") or line
        if not low or line < low:
            low = line
        if end > high:
            high = end
    where = {"line": low, "end_line": high if high != low else None}
    if high == low and first.get("column") is not None:
        where["column"] = first["column"]  # one long line: where the first of them starts
    return where


def joined_location(cells: list[Cell]) -> Location:
    """`joined_where` as the model's Location."""
    first = cells[0]
    if len(cells) == 1 or "line" not in first.where or all(c.where is first.where for c in cells):
        return first.location
    return located(joined_where(cells))


# Labels that start a new part of a deviation note; the rest of a wrapped cell joins its line.
NOTE_LABEL = re.compile(r"^(?:偏差)?(?:原因分析|改进措施|整改措施|原因|措施|下一步[\u4e00-\u9fff]{0,4})[：:]")
# "3." starts an item; "7455872.63元" at the start of a wrapped line is a number, not an item.
ENUMERATED = re.compile(r"(?:\d+[.、．](?!\d)|[（(]\d+[)）]|[一二三四五六七八九十]+、)")


def join_wrapped(texts: list[str]) -> str:
    """The lines of one wrapped cell as its text: no space between CJK text, a newline before numbered items."""
    out = ""
    for text in texts:
        if out and (ENUMERATED.match(text) or NOTE_LABEL.match(text)):
            out += "\n"
        elif out and out[-1].isascii() and out[-1].isalpha() and text[0].isascii() and text[0].isalpha():
            out += " "
        out += text
    return out


def field_of(cell: Cell, text: str | None = None) -> dict[str, Any]:
    """A raw field dict for the model: the cell's text (or `text`) and its location."""
    return {"raw": cell.text if text is None else text, "location": cell.location}


# --- what a value looks like -------------------------------------------------------------------------
#
# The kinds the assembler tells values apart by, where a row's cells cannot be lined up with their
# headings by position: a number is a weight or a score, "≥95%" a target, a sentence a note.

EMPTY = "empty"
NUMBER = "number"  # 10, 10.00, 1,350,000.00
PERCENT = "percent"  # 100%, 97.88%
AMOUNT = "amount"  # 4753.66万元, 300万元, 5.8万
COMPARE = "compare"  # ≥95%, ≤90万元, =100, >=98
COMPARATOR = "comparator"  # ≥, =, 定性 (a 指标性质 cell)
QUANTITY = "quantity"  # 50件, 2370人, 10 台套, 1.2万亩
DATE = "date"  # 2023年12月31日前, 2021年底, 9月前
UNIT = "unit"  # %, 万元, 人次 (a 度量单位 cell)
WORD = "word"  # a short text: 达成预期指标, 有效, 合格
TEXT = "text"  # a sentence or a name

_EMPTY = frozenset({"", "/", "—", "-", "——", "无", "……", "…", "...", "、", "－", "─", "–"})
_CMP = r"(?:≥|≤|>=|<=|≧|≦|＞|＜|>|<|=|﹦|═|＝|不低于|不少于|不高于|不超过|低于|小于|大于|高于|达到)"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNIT_WORDS = (
    r"(?:万元|亿元|千元|元|万亩|亩|公顷|万人次|人次|人|户|家|个|件|次|期|条|篇|项|场|批次|批|份|所|台套|台|套|辆|吨|"
    r"公斤|千克|万粒|粒|株|头|只|米|公里|千米|平方米|厘米|小时|天|日|分钟|月|年|周|卷|册|本|间|座|处|起|例|种|学时|"
    r"元/人、天|元/人|TB|GB|万)"
)
_NUMBER_RE = re.compile(rf"^[+-]?{_NUM}$")
_POINTS_RE = re.compile(rf"^{_NUM}分$")  # a score written with its unit: "10分"
_PERCENT_RE = re.compile(rf"^[+-]?{_NUM}\s?%(?:\(百分比\))?$")
_AMOUNT_RE = re.compile(rf"^{_NUM}\s?(?:万元|亿元|元|万)$")
_QUANTITY_RE = re.compile(rf"^(?:约|共)?{_NUM}\s?(?:余|多)?{_UNIT_WORDS}(?:以上|以内|以下|内)?$")
_COMPARE_RE = re.compile(rf"^{_CMP}\s?(?:{_NUM}|[一二三四五六七八九十百千万两]+)")
_COMPARATOR_RE = re.compile(rf"^(?:{_CMP}|定性|定量|正向|反向)$")
_DATE_RE = re.compile(
    r"^(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月(?:\d{1,2}日)?|\d{4}[.-]\d{1,2}(?:[.-]\d{1,2})?)"
    r"(?:底|末|前|之前|以前|份|内|完成|初|中旬|上旬|下旬)*$"
)
_UNIT_RE = re.compile(rf"^(?:%|%\(百分比\)|百分比|{_UNIT_WORDS}|[\u4e00-\u9fff]{{1,2}}/[\u4e00-\u9fff]{{1,2}})$")
_WORD_MAX = 12
_LOOK_ALIKE = frozenset("OolI|.,%分 ")  # what OCR makes of 0 and 1


@lru_cache(maxsize=1 << 14)
def kind_of(text: str) -> str:
    """What a cell's text looks like, for lining it up with a column by kind."""
    t = text.strip()
    if t in _EMPTY:
        return EMPTY
    t = t.replace("％", "%").replace("，", ",")
    if _NUMBER_RE.match(t) or _POINTS_RE.match(t):
        return NUMBER
    if _PERCENT_RE.match(t):
        return PERCENT
    if _COMPARATOR_RE.match(t):
        return COMPARATOR
    if _COMPARE_RE.match(t):
        return COMPARE
    if _AMOUNT_RE.match(t):
        return AMOUNT
    if _QUANTITY_RE.match(t):
        return QUANTITY
    if _DATE_RE.match(t):
        return DATE
    if _UNIT_RE.match(t):
        return UNIT
    if len(t) <= 24 and (any(c.isdigit() for c in t) or set(t) <= _LOOK_ALIKE):
        from ziping.values import parse_number

        # OCR's look-alikes and stray spaces ("l00%", "1 350 000") are still a number.
        if parse_number(t) is not None:
            return PERCENT if "%" in t else NUMBER
    return WORD if len(t) <= _WORD_MAX and not any(p in t for p in "。；;") else TEXT


def is_value_kind(kind: str) -> bool:
    """A number, a quantity or an empty-cell marker: what fills a funds row or a score column."""
    return kind in (EMPTY, NUMBER, PERCENT, AMOUNT)
