"""The label vocabulary of the form's tables, shared by the table readers (XLSX, XLS, DOCX: `grid.py`).

Table readers find a field by the label beside or above it, never by a fixed address. Labels are
compared after `normalize`, so spaces, line breaks, full-width punctuation and required-field
asterisks ("年度指标值 *", "执行率\n（%）") do not matter.
"""

from __future__ import annotations

import re
import unicodedata

from ziping.readers.text import FORM_HEADING, LEVEL1_NAMES, LEVEL2_NAMES, PLACEHOLDER_TOKENS

__all__ = [
    "FORM_HEADING",
    "LEVEL1_NAMES",
    "LEVEL2_NAMES",
    "PLACEHOLDER_TOKENS",
    "HEADER",
    "FUNDS_ROWS",
    "FUNDS_COLUMNS",
    "GOALS",
    "INDICATOR_COLUMNS",
    "TOTAL",
    "GRADE",
    "SECTION_TITLES",
    "normalize",
    "match_exact",
    "match_prefix",
    "split_label",
    "level1_of",
    "is_known_label",
    "is_template_comment",
]

# Header labels: the value sits in the next cell to the right, or after a colon in the same cell.
HEADER: dict[str, str] = {
    "项目编码": "project_code",
    "项目代码": "project_code",
    "项目名称": "project_name",
    "绩效自评年度": "year",
    "自评年度": "year",
    "年度": "year",
    "实施单位": "implementing_unit",
    "一级预算单位": "budget_unit",
    "主管部门": "budget_unit",
    "预算单位": "budget_unit",
    "项目负责人": "contact",
    "联系人": "contact",
    "联系电话": "phone",
}

# Rows of the funds table, by their label in the first column ("其中：" is stripped first).
FUNDS_ROWS: dict[str, str] = {
    "年度资金总额": "total",
    "资金总额": "total",
    "合计": "total",
    "当年财政拨款": "fiscal",
    "本年财政拨款": "fiscal",
    "财政拨款": "fiscal",
    "总额": "total",  # Sichuan: 预算执行情况 rows 总额 / 其中：财政资金
    "财政资金": "fiscal",
    "上年结转资金": "carryover",
    "上年结转": "carryover",
    "其他资金": "other",
}

# Columns of the funds table; a heading may carry a suffix such as "（A）" or "（%）".
FUNDS_COLUMNS: dict[str, str] = {
    "年初预算数": "initial_budget",
    "年初预算": "initial_budget",
    "全年预算数": "budget",
    "调整后预算数": "budget",
    "全年执行数": "executed",
    "预算执行数": "executed",
    "预算执行率": "execution_rate",
    "权重": "weight",
    "分值": "weight",
    "执行率": "execution_rate",
    "得分": "execution_score",
}

GOALS: dict[str, str] = {
    "预期目标": "expected",
    "年度目标": "expected",
    "实际完成情况": "actual",
    "项目年度目标": "expected",
    "年度目标完成情况": "actual",
}

INDICATOR_COLUMNS: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "指标名称": "name",
    "年度指标值": "target",
    "指标值": "target",
    "实际完成值": "actual",
    "完成值": "actual",
    "分值": "weight",
    "权重": "weight",
    "得分": "score",
    # Weighted templates: 单项得分 (out of 100) × 权重 = 折算得分, the points the indicator adds to the total.
    "单项得分": "item_score",
    "折算得分": "score",
    # 指标性质 (≥ ≤ =) and 度量单位 columns: joined with 指标值 into the target text by the readers.
    "指标性质": "nature",
    "度量单位": "unit",
    "计量单位": "unit",
    "偏差原因分析及改进措施": "note",
    "偏差原因分析": "note",
    "未完成原因分析": "note",
}

TOTAL = "总分"
GRADE = ("自评等级", "评价等级", "绩效等级")

# Titles and headings that carry no value of their own: known, so never reported as unplaced text.
SECTION_TITLES = frozenset(
    {
        "资金使用情况", "项目资金(元)", "项目资金(万元)", "项目资金", "项目目标完成情况", "年度总体目标",
        "年度绩效指标", "绩效指标", "其中:", "—", "-", "——", "/",
    }
)  # fmt: skip

_DROP = re.compile(r"[\s*＊]+")
# Comments the template attaches to cells ("（限40字以内）", "新增项目年度目标为必填项").
_TEMPLATE_COMMENT = re.compile(r"^\(?限\d+字(?:以)?内\)?$|为必填项$|^导入模板无需填写$")
_LEVEL1 = re.compile(r"^(产出指标|效益指标|满意度指标)(?:\((\d+(?:\.\d+)?)分?\))?$")
# Longest label first, so "偏差原因分析及改进措施" wins over "偏差原因分析" and "年度指标值" over "指标值".
_LONGEST_FIRST = {
    id(table): sorted(table, key=len, reverse=True) for table in (FUNDS_COLUMNS, INDICATOR_COLUMNS, FUNDS_ROWS)
}


def normalize(text: str) -> str:
    """The text as labels are compared: NFKC (full-width to half-width), no whitespace, no asterisks."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


def match_exact(text: str, table: dict[str, str]) -> str | None:
    """The key of a label that is the whole cell (a trailing colon allowed)."""
    return table.get(normalize(text).rstrip(":"))


def match_prefix(text: str, table: dict[str, str]) -> str | None:
    """The key of a column or row label that starts the cell ("全年预算数(A)", "其中:当年财政拨款")."""
    key = normalize(text)
    if key.startswith("其中:"):
        key = key[3:]
    for label in _LONGEST_FIRST.get(id(table)) or sorted(table, key=len, reverse=True):
        if key.startswith(label):
            return table[label]
    return None


def split_label(text: str) -> tuple[str, str] | None:
    """A header cell holding label and value together ("项目名称：人大宣传"): the field key and the value."""
    head, sep, value = text.replace("：", ":").partition(":")
    if not sep or not value.strip():
        return None
    key = HEADER.get(normalize(head))
    return (key, value.strip()) if key else None


def level1_of(text: str) -> tuple[str, str | None] | None:
    """A level-1 header cell ("产出指标（50分）", "产出指标\\n(50分)"): its name and its weight's raw text."""
    m = _LEVEL1.match(normalize(text))
    return (m.group(1), m.group(2)) if m else None


def is_template_comment(text: str) -> bool:
    """A hint the template prints in a cell, not a value."""
    return bool(_TEMPLATE_COMMENT.search(normalize(text)))


def is_known_label(text: str) -> bool:
    """Any label or heading of the form: a cell that holds no value."""
    key = normalize(text).rstrip(":")
    return (
        key in SECTION_TITLES
        or key in HEADER
        or key in GOALS
        or key == TOTAL
        or key in GRADE
        or key.endswith(FORM_HEADING)
        or match_prefix(text, FUNDS_COLUMNS) is not None
        or match_prefix(text, INDICATOR_COLUMNS) is not None
        or match_prefix(text, FUNDS_ROWS) is not None
    )


# --- labels misread by OCR -------------------------------------------------------------------------

_ALL_LABELS = frozenset(
    (
        *HEADER, *FUNDS_ROWS, *FUNDS_COLUMNS, *GOALS, *INDICATOR_COLUMNS, *LEVEL1_NAMES, *LEVEL2_NAMES, *GRADE,
        *SECTION_TITLES, FORM_HEADING, TOTAL, "部门整体支出绩效自评表", "绩效指标", "预算执行情况", "评价结论",
        "存在问题", "改进措施", "合计", "年度预算数", "项目基本情况", "未完成原因", "财务负责人",
    )
)  # fmt: skip
# The labels long enough that one wrong character still names them alone, and that no value is likely
# to come within one character of: a four-character label is one character from a name ("项目资料").
_KNOWN = frozenset(label for label in _ALL_LABELS if len(label) >= 5)


def _variants() -> tuple[dict[str, str | None], dict[str, str | None]]:
    """One character replaced ("?") and one character dropped, each mapped to its label (None: several)."""
    replaced: dict[str, str | None] = {}
    dropped: dict[str, str | None] = {}
    for label in _KNOWN:
        for i in range(len(label)):
            for table, variant in ((replaced, label[:i] + "?" + label[i + 1 :]), (dropped, label[:i] + label[i + 1 :])):
                table[variant] = label if table.get(variant, label) == label else None
    return replaced, dropped


_REPLACED, _DROPPED = _variants()


def canonical(key: str) -> str:
    """A normalised cell that is a known label with one character misread, dropped or added (OCR), as that
    label; any other cell as it is. "偏差原因分折" is 偏差原因分析; "服务对象满意度指" is 服务对象满意度指标.
    A character added is not repaired: names extend labels ("项目资金额"). A suffix in brackets
    ("全年预箅数(A)") is kept."""
    head, bracket, tail = key.partition("(")
    if head in _ALL_LABELS or not 4 <= len(head) <= 14 or any(c.isdigit() for c in head):
        return key
    found = {_REPLACED.get(head[:i] + "?" + head[i + 1 :]) for i in range(len(head))}
    found.add(_DROPPED.get(head))
    found.discard(None)
    if len(found) != 1:
        return key
    return found.pop() + bracket + tail
