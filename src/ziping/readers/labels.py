"""The label vocabulary of the form, written once for every format.

Every reader finds a field by the label beside or above it, never by a fixed address. Labels are
compared as `key`s: NFKC (full-width folded), no whitespace or required-field asterisks, simplified
characters, and one OCR slip repaired (`canonical`), so "年度指标值 *", "执行率\\n（%）", "產出指標"
and "偏差原因分折" all name their label. The tables below are the templates in use across
provinces (the seed's district template, Sichuan's 部门预算项目支出绩效自评表, 绩效目标自评表 of
衔接资金 and 专项资金, 部门整体支出 and 转移支付区域 forms); a new layout is a new entry here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ziping.chinese import to_simplified

# The heading of the seed's district template; messages name forms by it.
FORM_HEADING = "项目支出绩效自评表"

# A title of any self-evaluation form: its name ends in 自评表 / 自评价表, with a year or a remark in
# brackets after it ("(2022年度)", "(修改)"), and what comes before is a name, not a sentence.
TITLE = re.compile(r"^(?P<lead>[^。;!?]{0,48}?)(?:绩效)?(?:目标)?自评价?表(?P<tail>(?:\([^()]{0,12}\)){0,2})\)?$")
# A title that names a file, a link or a sentence is page furniture, not the form's heading.
NOT_TITLE = re.compile(r"\.(?:docx?|xlsx?|pdf|wps|et)|《|》|由会员分享|[。;]")
TITLE_MAX = 64
YEAR_IN_TITLE = re.compile(r"(\d{4})\s*年度?")
# The year on a line of its own under the title, its opening bracket sometimes lost: "(2022年度)", "2021年度)".
YEAR_LINE = re.compile(r"^\(?(\d{4})年度?\)?$")

# Header labels: the value sits in the next cell (to the right, or next in reading order), or after a
# colon in the same cell.
HEADER: dict[str, str] = {
    "项目编码": "project_code",
    "项目代码": "project_code",
    "项目名称": "project_name",
    "专项名称": "project_name",
    "专项资金名称": "project_name",
    "绩效自评年度": "year",
    "绩效自评年": "year",
    "自评年度": "year",
    "年度": "year",
    "项目年份": "year",
    "实施单位": "implementing_unit",
    "实施单位(盖章)": "implementing_unit",
    "项目实施单位": "implementing_unit",
    "单位名称": "implementing_unit",
    "部门": "implementing_unit",
    "部门名称": "implementing_unit",
    "预算单位名称": "implementing_unit",
    "一级预算单位名称": "budget_unit",
    "一级预算单位": "budget_unit",
    "主管部门": "budget_unit",
    "项目主管部门": "budget_unit",
    "项目主管单位": "budget_unit",
    "项目主管部门(单位)": "budget_unit",
    "县级主管部门": "budget_unit",
    "市县主管部门": "budget_unit",
    "实施(主管)单位": "implementing_unit",
    "预算单位": "budget_unit",
    "项目负责人": "contact",
    "负责人": "contact",
    "联系人": "contact",
    "项目负责人及电话": "contact_phone",
    "负责人及电话": "contact_phone",
    "联系人及电话": "contact_phone",
    "联系电话": "phone",
}
# Header labels other templates carry that ziping keeps no field for: read past with their value, kept unread.
OTHER_HEADER = frozenset(
    {
        "中央主管部门", "省级主管部门", "省级财政部门", "自治区主管部门", "市县财政部门", "专项实施期", "项目属性",
        "是否为专项资金", "金额单位", "填报类型", "自评得分", "财政审核评分", "项目类别", "报表编号", "财务负责人",
    }
)  # fmt: skip

# The funds section starts at one of these headings; "(10分)" gives budget execution's weight.
FUNDS_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、)?(?:预算执行情况|资金使用情况|项目资金|资金情况|预算资金|年度预算数|年度预算申请|"
    r"预算安排情况)(?=\(|$)(?:\((?:(\d+(?:\.\d+)?)分|万?元)\))?"
)
AMOUNT_UNIT = re.compile(r"\((万?元)\)|^(万?元)$|金额单位:(万?元)")

# Rows of the funds table, by their label ("其中:" is stripped first).
FUNDS_ROWS: dict[str, str] = {
    "年度资金总额": "total",
    "资金总额": "total",
    "总额": "total",  # Sichuan: 预算执行情况 rows 总额 / 其中:财政资金
    "合计": "total",
    "当年财政拨款": "fiscal",
    "本年财政拨款": "fiscal",
    "财政拨款": "fiscal",
    "财政资金": "fiscal",
    "一般公共预算": "fiscal",
    "中央补助": "fiscal",
    "中央、省、市补助县级资金": "fiscal",
    "上年结转资金": "carryover",
    "上年结转": "carryover",
    "其他资金": "other",
    "地方资金/其他": "other",
    "地方资金": "other",
    "其他": "other",
}
# Funds rows with no field of their own (Sichuan's 财政专户管理资金, 单位资金; a breakdown by use):
# read past with their values, never taken for another row's.
OTHER_FUNDS_ROWS = frozenset(
    {
        "财政专户管理资金", "单位资金", "自治区补助", "省级补助", "市县资金", "政府性基金拨款",
        "纳入专户管理的非税收入拨款", "基本支出", "项目支出", "按收入性质分", "按支出性质分", "到位数",
    }
)  # fmt: skip

# Columns of the funds table; a heading may carry a suffix such as "(A)", "(B/A)" or "(%)".
FUNDS_COLUMNS: dict[str, str] = {
    "年初预算数": "initial_budget",
    "年初预算": "initial_budget",
    "全年预算数": "budget",
    "调整后预算数": "budget",
    "转移支付预算数": "budget",
    "全年执行数": "executed",
    "全年执行": "executed",
    "预算执行数": "executed",
    "转移支付执行数": "executed",
    # 区域 and 成安 forms write the total row as label: value pairs ("预算数: 2.38 执行数: 2.38").
    "预算数": "budget",
    "执行数": "executed",
    "预算执行率": "execution_rate",
    "执行率": "execution_rate",
    "预算执行进度": "execution_rate",
    "权重": "weight",
    "分值": "weight",
    "得分": "execution_score",
}

# 年度总体目标: what was planned, what was done.
GOALS: dict[str, str] = {
    "预期目标": "expected",
    "年度目标": "expected",
    "项目年度目标": "expected",
    "年初设定目标": "expected",
    "年度预期目标": "expected",
    "实际完成情况": "actual",
    "年度目标完成情况": "actual",
    "目标实际完成情况": "actual",
    "全年实际完成情况": "actual",
    "年度总体目标完成情况综述": "actual",
    "具体完成情况": "actual",
}
# The goals block's own heading: holds no value.
GOALS_HEADING = frozenset({"年度总体目标", "项目目标完成情况", "年度总体目标完成情况", "三、目标完成情况"})

# The indicator table starts at its heading or at its first column heading.
TABLE_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、)?(?:年度)?绩效指标(?:完成情况)?(?:\((\d+(?:\.\d+)?)分\))?$")
INDICATOR_COLUMNS: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "指标名称": "name",
    "年度指标值": "target",
    "预期指标值": "target",
    "年初指标值": "target",
    "指标值": "target",
    "目标值": "target",
    "实际完成值": "actual",
    "实际完成指标值": "actual",
    "单项指标实际完成值": "actual",
    "全年实际值": "actual",
    "全年完成值": "actual",
    "年终完成值": "actual",
    "完成值": "actual",
    "分值": "weight",
    "指标分值": "weight",
    "权重": "weight",
    "得分": "score",
    "自评得分": "score",
    "自评分": "score",
    # Weighted templates: 单项得分 (out of 100) × 权重 = 折算得分, the points the indicator adds to the total.
    "单项得分": "item_score",
    "单项指标得分": "item_score",
    "折算得分": "score",
    "单项指标折算得分": "score",
    "权重占比": "weight",
    # 指标性质 (≥ ≤ =) and 度量单位 columns: joined with 指标值 into the target text by the readers.
    "指标性质": "nature",
    "符号": "nature",  # 河北: 预期指标值 over 符号 | 值 | 单位(文字描述)
    "单位(文字描述)": "unit",
    "度量单位": "unit",
    "计量单位": "unit",
    # The deviation note: 偏差原因分析及改进措施, 未完成原因和拟采取的改进措施 and every way of joining them.
    **{
        f"{cause}{analysis}{join}{measure}": "note"
        for cause in ("偏差原因", "未完成原因")
        for analysis in ("", "分析")
        for join, measure in (
            ("", ""),
            *((j, m) for j in ("及", "和", "与", "") for m in ("改进措施", "整改措施", "拟采取的改进措施")),
        )
    },  # fmt: skip
    "单项指标完成情况": "completion",
    "复核分": "review_score",
}

TOTAL_LABELS = frozenset({"总分", "合计", "总计", "自评总分"})
TOTAL = "总分"
GRADE = ("自评等级", "评价等级", "绩效等级")
# The closing block: the conclusion may stand in for 实际完成情况; the rest is kept as unread text.
CONCLUSION = "评价结论"
CLOSING_LABELS = frozenset({"评价结论", "存在问题", "改进措施", "其他需要说明事项", "说明", "注", "备注"})
# Closing blocks that run to the end of the form: notes on how to fill it in, whatever labels they mention.
NOTES = frozenset({"注", "说明", "备注"})

LEVEL1_NAMES = ("产出指标", "效益指标", "满意度指标")
# Other templates' level-1 headers, and the name each is scored as; the 共性指标 blocks (决策, 管理)
# keep their own names.
LEVEL1_ALIASES: dict[str, str] = {
    "产出指标": "产出指标",
    "效益指标": "效益指标",
    "满意度指标": "满意度指标",
    "效果指标": "效益指标",
    "项目产出": "产出指标",
    "项目效益": "效益指标",
    "产出目标": "产出指标",
    "结果目标": "效益指标",
    "项目决策": "项目决策",
    "项目管理": "项目管理",
    "投入目标": "投入目标",
}
LEVEL2_NAMES = frozenset(
    {
        "数量指标", "质量指标", "时效指标", "成本指标",
        "经济成本指标", "社会成本指标", "生态环境成本指标",
        "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
        "服务对象满意度指标", "其他满意度指标", "满意度指标", "服务对象满意度指标等", "服务对象满意度",
        "经济效益", "社会效益", "生态效益", "可持续影响",
        "项目目标", "项目立项", "投入管理", "财务管理", "项目实施", "决策依据", "组织机构",
    }
)  # fmt: skip
LEVEL2_WEIGHT = re.compile(r"^(?P<name>.+?指标)\((\d+(?:\.\d+)?)分\)$")

SCORE_WORDS = frozenset({"满分", "零分", "不得分", "—", "-", "/", "无"})
PLACEHOLDER_TOKENS = frozenset({"0", "0.00", "不适用", "无", "/", "—", "-", "——", "……", "…", "..."})
EMPTY = frozenset({"", "/", "—", "-", "——", "无", "……", "…", "...", "、"})

# Titles and headings that carry no value of their own: known, so never reported as unplaced text.
SECTION_TITLES = frozenset(
    {
        "资金使用情况", "项目资金(元)", "项目资金(万元)", "项目资金", "项目目标完成情况", "年度总体目标",
        "年度绩效指标", "绩效指标", "其中:", "—", "-", "——", "/", "项目基本情况", "1.项目年度目标完成情况",
        "2.项目实施内容及过程概述", "(万元)", "(元)", "万元", "元", "年度预算数(万元)", "原因",
        "一、基本情况", "符号", "单位(文字描述)", "其中",
    }
)  # fmt: skip

_DROP = re.compile(r"[\s*＊\u200b\u200c\u200d\ufeff★☆]+")
# Comments the template attaches to cells ("(限40字以内)", "新增项目年度目标为必填项").
_TEMPLATE_COMMENT = re.compile(r"^\(?限\d+字(?:以)?内\)?$|为必填项$|^导入模板无需填写$|^Windows用户$|^Administrator$")
# Template prompts such as "对照年度目标,说明…(100字以内)": a hint left unfilled, not a value.
TEMPLATE_PROMPT = re.compile(r"\(\d+字以内\)[。.]?$")
_LEVEL1 = re.compile(
    r"^(?:[一二三四五六七八九十]+、)?(?P<name>产出指标|效益指标|满意度指标|效果指标|项目产出|项目效益|产出目标|结果目标|"
    r"项目决策|项目管理|投入目标)(?:\((?P<weight>\d+(?:\.\d+)?)分?\)|(?P<bare>\d+(?:\.\d+)?)分)?$"
)
# Longest label first, so "偏差原因分析及改进措施" wins over "偏差原因分析" and "年度指标值" over "指标值".
_TABLES = {"funds_columns": FUNDS_COLUMNS, "indicator_columns": INDICATOR_COLUMNS, "funds_rows": FUNDS_ROWS}
_TABLE_NAMES = {id(table): name for name, table in _TABLES.items()}
_LONGEST_FIRST = {name: sorted(table, key=len, reverse=True) for name, table in _TABLES.items()}


def normalize(text: str) -> str:
    """The text as labels are compared: NFKC (full-width to half-width), no whitespace, no asterisks."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=1 << 15)
def key(text: str) -> str:
    """A short cell as labels are matched: normalised, in simplified characters, one OCR slip repaired."""
    if text.isascii() and text.isprintable() and " " not in text and "*" not in text:
        return text  # a number or a code: nothing to normalise, and no label of the vocabulary is ASCII
    return canonical(to_simplified(normalize(text)))


def match_exact(text: str, table: dict[str, str]) -> str | None:
    """The key of a label that is the whole cell (a trailing colon allowed)."""
    return table.get(key(text).rstrip(":"))


def strip_of(label: str) -> str:
    """A row label without its "其中:" (and the colon after it)."""
    label = label.rstrip(":")
    return label[3:] if label.startswith("其中:") else label[2:] if label.startswith("其中") else label


def match_prefix(text: str, table: dict[str, str]) -> str | None:
    """The key of a column or row label that starts the cell ("全年预算数(A)", "其中:当年财政拨款")."""
    name = _TABLE_NAMES.get(id(table))
    if name is None:  # a table of the caller's own
        label_key = strip_of(key(text))
        return next(
            (table[label] for label in sorted(table, key=len, reverse=True) if label_key.startswith(label)), None
        )
    return _match_prefix(text, name)


@lru_cache(maxsize=1 << 15)
def _match_prefix(text: str, name: str) -> str | None:
    # Every cell of every form asks this of several tables: answered once per distinct text.
    table = _TABLES[name]
    label_key = strip_of(key(text))
    for label in _LONGEST_FIRST[name]:
        if label_key.startswith(label):
            return table[label]
    return None


@lru_cache(maxsize=1 << 14)
def split_label(text: str) -> tuple[str, str] | None:
    """A header cell holding label and value together ("项目名称：人大宣传"): the field key and the value."""
    head, sep, value = text.replace("：", ":").partition(":")
    if not sep or not value.strip():
        return None
    field = HEADER.get(key(head))
    return (field, value.strip()) if field else None


@lru_cache(maxsize=1 << 14)
def level1_of(text: str) -> tuple[str, str | None] | None:
    """A level-1 header cell ("产出指标（50分）", "产 出 指 标\\n(50分)"): its scored name and its weight's raw text."""
    m = _LEVEL1.match(key(text))
    if m is None:
        return None
    return LEVEL1_ALIASES[m.group("name")], m.group("weight") or m.group("bare")


@lru_cache(maxsize=1 << 14)
def level2_of(text: str) -> tuple[str, str | None] | None:
    """A level-2 header cell ("数量指标", "经济效益 指标", "数量指标(10分)"): its name and its weight, if given."""
    label = key(text)
    if label in LEVEL2_NAMES:
        return label, None
    if (m := LEVEL2_WEIGHT.match(label)) and m.group("name") in LEVEL2_NAMES:
        return m.group("name"), m.group(2)
    return None


@lru_cache(maxsize=1 << 14)
def title_of(text: str) -> re.Match[str] | None:
    """A form's title ("部门预算项目支出绩效自评表(2023年度)", "绩效目标自评表"), or None."""
    label = key(text)
    if len(label) > TITLE_MAX or NOT_TITLE.search(label):
        return None
    return TITLE.match(label)


@lru_cache(maxsize=1 << 14)
def funds_heading(text: str) -> re.Match[str] | None:
    """The heading of the funds section, with budget execution's weight when it gives one."""
    return FUNDS_HEADING.match(key(text))


@lru_cache(maxsize=1 << 14)
def table_heading(text: str) -> re.Match[str] | None:
    """The heading of the indicator table ("绩效指标(90分)", "年度绩效指标")."""
    return TABLE_HEADING.match(key(text))


@lru_cache(maxsize=1 << 14)
def is_template_comment(text: str) -> bool:
    """A hint the template prints in a cell, not a value."""
    return bool(_TEMPLATE_COMMENT.search(normalize(text)))


@lru_cache(maxsize=1 << 14)
def is_prompt(text: str) -> bool:
    """A template's instruction left where a value goes ("…(100字以内)")."""
    return bool(TEMPLATE_PROMPT.search(key(text)))


@lru_cache(maxsize=1 << 14)
def is_known_label(text: str) -> bool:
    """Any label or heading of the form: a cell that holds no value."""
    label = key(text).rstrip(":")
    return (
        label in SECTION_TITLES
        or label in HEADER
        or label in OTHER_HEADER
        or label in GOALS
        or label in GOALS_HEADING
        or label in TOTAL_LABELS
        or label in GRADE
        or label in CLOSING_LABELS
        or label in LEVEL2_NAMES
        or title_of(text) is not None
        or funds_heading(text) is not None
        or table_heading(text) is not None
        or level1_of(text) is not None
        or match_prefix(text, FUNDS_COLUMNS) is not None
        or match_prefix(text, INDICATOR_COLUMNS) is not None
        or match_prefix(text, FUNDS_ROWS) is not None
        or strip_of(label) in OTHER_FUNDS_ROWS
    )


# --- labels misread by OCR -------------------------------------------------------------------------

_ALL_LABELS = frozenset(
    (
        *HEADER, *FUNDS_ROWS, *FUNDS_COLUMNS, *GOALS, *INDICATOR_COLUMNS, *LEVEL1_NAMES, *LEVEL2_NAMES, *GRADE,
        *SECTION_TITLES, *OTHER_HEADER, *OTHER_FUNDS_ROWS, *GOALS_HEADING, *CLOSING_LABELS, *TOTAL_LABELS,
        FORM_HEADING, "部门整体支出绩效自评表", "绩效指标", "预算执行情况", "年度预算数", "财务负责人",
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


def canonical(label_key: str) -> str:
    """A normalised cell that is a known label with one character misread, dropped or added (OCR), as that
    label; any other cell as it is. "偏差原因分折" is 偏差原因分析; "服务对象满意度指" is 服务对象满意度指标.
    A character added is not repaired: names extend labels ("项目资金额"). A suffix in brackets
    ("全年预箅数(A)") is kept."""
    head, bracket, tail = label_key.partition("(")
    if head in _ALL_LABELS or not 4 <= len(head) <= 14 or any(c.isdigit() for c in head):
        return label_key
    found = {_REPLACED.get(head[:i] + "?" + head[i + 1 :]) for i in range(len(head))}
    found.add(_DROPPED.get(head))
    found.discard(None)
    if len(found) != 1:
        return label_key
    return found.pop() + bracket + tail
