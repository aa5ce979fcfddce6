"""ZP210–ZP213: what an indicator's values say about how it was filled in — copied targets, actuals that
cannot be checked, directions written backwards, rates counted as heads. Learned from published forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ziping.chinese import to_simplified
from ziping.findings import Hit, Severity
from ziping.model import Form, Indicator
from ziping.rules.common import indicator_field
from ziping.rules.registry import Example, Text, rule
from ziping.scoring import FormFigures
from ziping.values import normalize, unit_dimension, unit_from_name

# Written comparators only: "48小时内" and "超过90%" are how actual results are reported.
TARGET_EXPRESSION = re.compile(
    r"[≥≤＞＜><]|不低于|不少于|不超过|不高于|不大于|不小于|(?<![\d.])\d+(?:\.\d+)?\s*[-~～至]\s*\d+"
)
TARGET_HINT = re.compile(r"[≥≤＞＜><\-~～至－—]|不低于|不少于|不超过|不高于|不大于|不小于")
DATE_LIKE = re.compile(r"\d{4}\s*[-./年]\s*\d{1,2}")
AT_MOST_WRITTEN = re.compile(r"[≤＜<]|不超过|不高于|不大于|以内|以下")
AT_LEAST_WRITTEN = re.compile(r"[≥＞>]|不低于|不少于|不小于|以上|至少")
# Counts of bad things are rightly bounded from above, rates of good things from below.
BAD_THINGS = re.compile(r"事故|差错|错误|投诉|故障|违规|违纪|超支|损失|返工|退回|延误|次数.*(?:问题|风险)")
RATE = re.compile(r"率|比例|占比|覆盖面")
COUNT_NAME = re.compile(r"数量|人数|个数|次数|户数|件数|场次|期数")
QUANTITATIVE = ("at_least", "at_most", "equal", "range")


def _key(text: str | None) -> str:
    return "".join((text or "").split())


def _unit(ind: Indicator) -> str | None:
    named = unit_from_name(ind.key)
    parsed = [p.unit for p in (ind.target_parsed, ind.actual_parsed) if p is not None and p.unit]
    return parsed[0] if parsed else (named[0] if named else None)


@rule(
    "ZP210",
    "actual-is-a-target",
    Severity.WARNING,
    title=Text("实际完成值写成了目标表达式", "Actual value written as a target"),
    message={
        "default": Text(
            "指标「{name}」的实际完成值“{actual}”带有比较符或区间，是目标的写法，不是实际完成的结果",
            "「{name}」: the actual value “{actual}” carries a comparator or a range: it is a target, not a result",
        ),
        "copied": Text(
            "全部 {count} 个指标的实际完成值都与年度指标值一字不差，疑似直接照抄了目标列",
            "All {count} indicators' actual values equal their targets word for word: the target column looks copied",
        ),
    },
    what=Text(
        "实际完成值含有“≥”“≤”“不低于”等比较符或“50-200”这样的区间；或所有指标的实际值都与指标值完全相同。",
        "An actual value with a comparator (≥, ≤, 不低于 …) or a range; or every actual equal to its target.",
    ),
    why=Text(
        "实际完成值应是实际达到的数，照抄目标无法判断是否完成，得分也就无从复核。",
        "An actual value must be what was achieved; a copied target says nothing about completion.",
    ),
    bad=Example({"indicators[发布信息量].actual": "≥266条"}, Text("实际值写成“≥266条”", "actual written “≥266条”")),
    good=Example({"indicators[发布信息量].actual": "266条"}, Text("实际值是一个数", "the actual is a number")),
)
def actual_is_a_target(form: Form, fig: FormFigures) -> Iterator[Hit]:
    pairs = [
        (_key(ind.target.raw if ind.target else ""), _key(ind.actual.raw if ind.actual else ""))
        for ind in form.indicators
    ]
    if len(pairs) >= 3 and all(t and t == a for t, a in pairs):
        # The column copied is one mistake: its targets' comparators in the actuals are that copy, not more.
        yield Hit("indicators", form.location, {"count": len(pairs)}, variant="copied")
        return
    for k, ind in enumerate(form.indicators):
        raw = ind.actual.raw if ind.actual else ""
        if not TARGET_HINT.search(raw):  # no comparator, dash or range word: nothing to normalise
            continue
        text = normalize(raw)
        if TARGET_EXPRESSION.search(text) and not DATE_LIKE.search(text):
            yield Hit(indicator_field(k, "actual"), ind.actual.location, {"name": ind.label, "actual": raw}, raw)


@rule(
    "ZP211",
    "actual-cannot-be-checked",
    Severity.WARNING,
    title=Text("量化目标的实际值不是数值", "Quantitative target, non-numeric actual"),
    message=Text(
        "指标「{name}」的指标值“{target}”是量化目标，实际完成值却写作“{actual}”，无法判断是否完成",
        "「{name}」: target “{target}” is quantitative but the actual reads “{actual}”; completion cannot be checked",
    ),
    what=Text(
        "指标值是数值目标（≥、≤、区间或具体数），实际完成值却是“完成”“已完成”“达成预期指标”之类的文字。",
        "A numeric target (≥, ≤, a range or a number) whose actual is a word such as 完成 or 达成预期指标.",
    ),
    why=Text(
        "量化指标要用实际数值说明完成程度，写“完成”无法复核得分。",
        "A quantitative indicator needs a measured value; 完成 cannot be scored.",
    ),
    bad=Example(
        {"indicators[发布信息量].actual": "已完成"}, Text("“50-200条”对“已完成”", "“50-200条” against “已完成”")
    ),
    good=Example({"indicators[发布信息量].actual": "180条"}, Text("实际值是数值", "a measured actual")),
)
def actual_cannot_be_checked(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, ind in enumerate(form.indicators):
        target, actual = ind.target_parsed, ind.actual_parsed
        if target is None or actual is None or target.kind not in QUANTITATIVE:
            continue
        if actual.kind == "qualitative" and not re.search(r"\d", normalize(ind.actual.raw)):
            yield Hit(
                indicator_field(k, "actual"),
                ind.actual.location,
                {"name": ind.label, "target": ind.target.raw, "actual": ind.actual.raw},
                ind.actual.raw,
            )


@rule(
    "ZP212",
    "direction-reversed",
    Severity.WARNING,
    title=Text("指标方向疑似写反", "Target direction looks reversed"),
    message={
        "count_capped": Text(
            "数量指标「{name}」的指标值写作“{target}”（不超过），数量目标通常应是“不少于”",
            "Quantity 「{name}」 is written “{target}” (at most); a quantity target is usually “at least”",
        ),
        "cost_floored": Text(
            "成本指标「{name}」的指标值写作“{target}”（不低于），成本目标通常应是“不超过”",
            "Cost 「{name}」 is written “{target}” (at least); a cost target is usually “at most”",
        ),
    },
    what=Text(
        "数量指标写成了上限（≤4），或成本金额写成了下限（≥）。事故、投诉、差错等“越少越好”的数量和各种比率除外。",
        "A quantity written as an upper bound, or a cost as a lower bound; counts of bad things and rates aside.",
    ),
    why=Text(
        "方向写反后，超额完成会被当作未完成，未完成反而拿满分。",
        "With the direction reversed, over-achievement scores as a miss and a miss as full marks.",
    ),
    bad=Example(
        {"indicators[发布信息量].target": "≤200条", "indicators[发布信息量].name": "发布信息数量（条）"},
        Text("数量指标写成“≤200条”", "a quantity written “≤200条”"),
    ),
    good=Example(
        {"indicators[发布信息量].target": "≥50条", "indicators[发布信息量].name": "发布信息数量（条）"},
        Text("数量指标写“≥50条”", "a quantity written “≥50条”"),
    ),
    confidence="high",
)
def direction_reversed(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, ind in enumerate(form.indicators):
        if ind.target is None:
            continue
        text, name = normalize(to_simplified(ind.target.raw)), normalize(ind.key)
        if BAD_THINGS.search(name) or RATE.search(name):
            continue
        variant = None
        if (ind.level2.startswith("数量") or COUNT_NAME.search(name)) and AT_MOST_WRITTEN.search(text):
            variant = "count_capped"
        elif (
            ind.level2.endswith("成本指标") and AT_LEAST_WRITTEN.search(text) and unit_dimension(_unit(ind)) == "money"
        ):
            variant = "cost_floored"
        if variant:
            yield Hit(
                indicator_field(k, "target"),
                ind.target.location,
                {"name": ind.label, "target": ind.target.raw},
                ind.target.raw,
                variant=variant,
            )


@rule(
    "ZP213",
    "rate-counted-as-heads",
    Severity.INFO,
    title=Text("比率指标填了人数（或反之）", "Rate filled with counts, or the reverse"),
    message={
        "rate": Text(
            "指标「{name}」名为比率，指标值和实际值却以“{unit}”计（{target} / {actual}）",
            "「{name}」 is named a rate but its values are counts in {unit} ({target} / {actual})",
        ),
        "count": Text(
            "指标「{name}」名为数量，指标值和实际值却是百分比（{target} / {actual}）",
            "「{name}」 is named a quantity but its values are percentages ({target} / {actual})",
        ),
    },
    what=Text(
        "名称是“……率”的指标用人数、个数等计数单位填写，或名称是“……数量”的指标用百分比填写。",
        "A …率 indicator filled with counts, or a …数量 indicator filled with percentages.",
    ),
    why=Text("口径混用时，完成程度无法按比例计算，得分可能被误判。", "Mixed measures make completion incomputable."),
    bad=Example(
        {"indicators[系统使用者满意度].target": "≥950人", "indicators[系统使用者满意度].actual": "1000人"},
        Text("满意度（率）填了人数", "a satisfaction rate filled with heads"),
    ),
    good=Example({}, Text("比率用百分比填写", "a rate in percent")),
)
def rate_counted_as_heads(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, ind in enumerate(form.indicators):
        target, actual = ind.target_parsed, ind.actual_parsed
        if target is None or actual is None:
            continue
        units = {p.unit for p in (target, actual) if p.unit}
        if len(units) != 1:
            continue
        unit = units.pop()
        name = normalize(ind.key)
        params = {"name": ind.label, "unit": unit, "target": ind.target.raw, "actual": ind.actual.raw}
        if re.search(r"(?:率|满意度)(?:[（(].*)?$", name) and unit_dimension(unit) == "count":
            yield Hit(indicator_field(k, "target"), ind.location, params, variant="rate")
        elif COUNT_NAME.search(name) and unit == "%":
            yield Hit(indicator_field(k, "target"), ind.location, params, variant="count")
