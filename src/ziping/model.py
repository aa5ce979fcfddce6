"""The form as data: a 项目支出绩效自评表 with every value's raw text, parsed value and source location.

Raw text is the truth. Parsed values are recomputed from it whenever a model is validated, so a
form read back from JSON (ours or an integrator's, raw text only) is parsed exactly like one read
from a file.
"""

from __future__ import annotations

import re
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, computed_field

from ziping.chinese import to_simplified
from ziping.values import (
    Actual,
    Target,
    decimals,
    parse_actual,
    parse_number,
    parse_target,
)

SCHEMA_VERSION = "1.0"


class derived(cached_property):  # noqa: N801 -- used like the decorator it extends
    """A value computed from the raw text once, on first read; without Python 3.11's per-access lock."""

    def __get__(self, instance, owner=None):  # type: ignore[override]
        if instance is None:
            return self
        value = instance.__dict__[self.attrname] = self.func(instance)
        return value


class Location(BaseModel):
    """Where a value came from: lines of a text file, or a cell of a workbook."""

    model_config = ConfigDict(frozen=True)

    line: int | None = None
    end_line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    # The character on the line where the value starts: a form flattened to one long line needs it.
    column: int | None = None

    def describe(self, lang: str = "zh") -> str:
        """A short human-readable place, e.g. 第97行, Sheet1!B3, or 表格2 第5行第3列 in a Word document."""
        if self.cell and (rc := _WORD_CELL.fullmatch(self.cell)):
            return _describe_word_cell(_word_table(self.sheet or "", lang), rc, lang)
        if self.cell:
            return f"{self.sheet}!{self.cell}" if self.sheet else self.cell
        if self.line is None:
            return _word_table(self.sheet, lang) if self.sheet else ""
        if self.end_line and self.end_line != self.line:
            lines = f"第{self.line}–{self.end_line}行" if lang == "zh" else f"lines {self.line}–{self.end_line}"
        elif self.column is not None:
            lines = f"第{self.line}行第{self.column}字" if lang == "zh" else f"line {self.line}, column {self.column}"
        else:
            lines = f"第{self.line}行" if lang == "zh" else f"line {self.line}"
        if self.sheet:  # a PDF page's text outside its tables: 第1页 第3行
            return f"{self.sheet} {lines}" if lang == "zh" else f"{_word_table(self.sheet, lang)}, {lines}"
        return lines


# Word tables have no cell names: the readers name a cell by row and column (R5C3, or R1C1:R28C8 for a form).
_WORD_CELL = re.compile(r"R(\d+)C(\d+)(?::R(\d+)C(\d+))?")
_WORD_TABLE = re.compile(r"表格(\d+)(?:–(\d+))?")
_WORD_PARAGRAPH = re.compile(r"正文第(\d+)段")
# PDF cells are named by page (and table, where a page holds several): 第2页, 第2页表格1, a form's 第1–2页.
_PDF_PAGE = re.compile(r"第(\d+)(?:–(\d+))?页(?:表格(\d+))?")


def _word_table(sheet: str, lang: str) -> str:
    """表格2 as `table 2`, 正文第3段 as `paragraph 3` and 第2页表格1 as `page 2, table 1` in English; any other
    sheet name as it is."""
    if lang == "zh":
        return sheet
    if m := _PDF_PAGE.fullmatch(sheet):
        pages = f"pages {m.group(1)}–{m.group(2)}" if m.group(2) else f"page {m.group(1)}"
        return f"{pages}, table {m.group(3)}" if m.group(3) else pages
    if m := _WORD_PARAGRAPH.fullmatch(sheet):
        return f"paragraph {m.group(1)}"
    if not (m := _WORD_TABLE.fullmatch(sheet)):
        return sheet
    return f"tables {m.group(1)}–{m.group(2)}" if m.group(2) else f"table {m.group(1)}"


def _describe_word_cell(table: str, rc: re.Match[str], lang: str) -> str:
    row, col, end_row, _ = rc.groups()
    if end_row is not None:  # a whole form: its rows
        return f"{table} 第{row}–{end_row}行" if lang == "zh" else f"{table}, rows {row}–{end_row}"
    return f"{table} 第{row}行第{col}列" if lang == "zh" else f"{table}, row {row}, column {col}"


class TextField(BaseModel):
    """A free-text value."""

    raw: str
    location: Location | None = None


class NumberField(BaseModel):
    """A value that must be a number; `value` is None when the raw text is not one.

    `value` and `decimals` are derived from the raw text when first read and appear in JSON output;
    input never sets them (raw is the truth).
    """

    # Integrators may send {"raw": 10}: a number's text is still its text.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    raw: str
    location: Location | None = None

    @computed_field  # type: ignore[prop-decorator]
    @derived
    def value(self) -> float | None:
        return parse_number(self.raw)

    @computed_field  # type: ignore[prop-decorator]
    @derived
    def decimals(self) -> int | None:
        return decimals(self.raw)


class Header(BaseModel):
    """The form's identity: 项目编码, 项目名称, 绩效自评年度, 实施单位, 一级预算单位 / 主管部门, and whom to ask."""

    project_code: TextField | None = None
    project_name: TextField | None = None
    year: NumberField | None = None
    implementing_unit: TextField | None = None
    budget_unit: TextField | None = None
    # 项目负责人 and 联系电话, which many provinces' templates carry: shown to reviewers, never sent to a model.
    contact: TextField | None = None
    phone: TextField | None = None


class FundsRow(BaseModel):
    """One row of the funds table: 年初预算数, 全年预算数, 全年执行数."""

    initial_budget: NumberField | None = None
    budget: NumberField | None = None
    executed: NumberField | None = None
    location: Location | None = None


class Funds(BaseModel):
    """资金使用情况: the total row with its 分值/执行率/得分, and its three component rows."""

    total: FundsRow | None = None
    fiscal: FundsRow | None = None  # 其中：当年财政拨款
    carryover: FundsRow | None = None  # 上年结转资金
    other: FundsRow | None = None  # 其他资金
    weight: NumberField | None = None  # 分值
    execution_rate: NumberField | None = None  # 执行率（%）
    execution_score: NumberField | None = None  # 得分
    unit: str = "元"  # the unit the amounts are written in, from the table's heading


class Goals(BaseModel):
    """年度总体目标: 预期目标 and 实际完成情况."""

    expected: TextField | None = None
    actual: TextField | None = None


class Level1(BaseModel):
    """A level-1 header of the indicator table, e.g. 产出指标 (50分)."""

    name: str
    weight: NumberField | None = None
    location: Location | None = None


class Indicator(BaseModel):
    """One row of 年度绩效指标; `target_parsed` and `actual_parsed` are derived from the raw text."""

    level1: str
    level2: str
    name: TextField
    target: TextField | None = None
    actual: TextField | None = None
    weight: NumberField | None = None
    score: NumberField | None = None
    # 单项得分: the indicator's own score out of 100, in templates where 折算得分 (`score`) = 单项得分 × 权重.
    item_score: NumberField | None = None
    note: TextField | None = None
    location: Location | None = None

    # Parsed from the raw text when first read, in simplified characters (數量 is 数量, 達成 is 达成);
    # the raw text keeps the form's own. They appear in JSON output; input never sets them.
    @computed_field  # type: ignore[prop-decorator]
    @derived
    def target_parsed(self) -> Target | None:
        if self.target is None or not self.target.raw:
            return None
        return parse_target(to_simplified(self.target.raw), self.key, to_simplified(self.level2))

    @computed_field  # type: ignore[prop-decorator]
    @derived
    def actual_parsed(self) -> Actual | None:
        if self.actual is None or not self.actual.raw:
            return None
        return parse_actual(to_simplified(self.actual.raw))

    @property
    def label(self) -> str:
        """The name as a reader quotes it."""
        return self.name.raw

    @property
    def key(self) -> str:
        """The name in simplified characters, as rules match it."""
        return to_simplified(self.name.raw)


class Placeholder(BaseModel):
    """A template row left unused (经济效益指标 0, 不适用 0 0): not an indicator, not a zero."""

    level1: str
    level2: str
    location: Location | None = None


class Totals(BaseModel):
    """The 总分 row: declared total weight and declared total score."""

    weight: NumberField | None = None
    score: NumberField | None = None
    location: Location | None = None


class Form(BaseModel):
    """One 项目支出绩效自评表."""

    source: str | None = Field(default=None, description="The file the form was read from.")
    index: int = Field(default=1, description="1-based position of the form within its file.")
    location: Location | None = None
    header: Header = Field(default_factory=Header)
    funds: Funds = Field(default_factory=Funds)
    goals: Goals = Field(default_factory=Goals)
    level1: list[Level1] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    placeholders: list[Placeholder] = Field(default_factory=list)
    total: Totals = Field(default_factory=Totals)
    grade: TextField | None = None
    unread: list[TextField] = Field(
        default_factory=list, description="Text the reader found but could not place in any field."
    )
    profile_hint: str | None = Field(
        default=None,
        description="The scoring profile the layout names unambiguously (e.g. sichuan); --profile overrides it.",
    )
    context: str | None = Field(
        default=None,
        description="Text around the form's tables in its document (a 自评报告's narrative): "
        "context for the LLM checks, never read as fields.",
    )
    unsure: list[str] = Field(
        default_factory=list,
        description="Fields (paths) the reader could read more than one way: no rule speaks about them.",
    )
    cut_before: TextField | None = Field(
        default=None,
        description="The text begins inside the form (an excerpt, a lost first page): the first thing read, and where.",
    )
    cut_after: TextField | None = Field(
        default=None,
        description="The text ends inside the form (an excerpt, a lost last page): the last thing read, and where.",
    )
    unverified: list[str] = Field(
        default_factory=list,
        description="Fields (paths) extracted by a model whose numbers do not occur in the source text.",
    )

    def beyond_cut(self) -> list[str]:
        """The parts of the form an excerpt's cut took away (paths): no rule speaks about them, ZP012 names them."""
        paths: list[str] = []
        if self.cut_before is not None:
            paths += ["header", "funds", "goals", "indicators[*]"]
            if self.level1:
                paths.append("level1[0]")
        if self.cut_after is not None:
            paths += ["total", "indicators[*]", "grade"]
            if self.level1:
                paths.append(f"level1[{len(self.level1) - 1}]")
            if self.indicators:
                paths.append(f"indicators[{len(self.indicators) - 1}]")
            else:
                paths += ["indicators", "level1", "goals"]
        return paths

    def indicators_under(self, level1: str) -> list[Indicator]:
        """The indicators filed under one level-1 header."""
        return [ind for ind in self.indicators if ind.level1 == level1]

    @property
    def title(self) -> str:
        """项目名称, or a placeholder when the form has none."""
        return self.header.project_name.raw if self.header.project_name else "（未命名项目）"
