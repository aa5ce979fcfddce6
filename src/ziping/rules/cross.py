"""ZP4xx: cross-field checks — indicators that contradict other indicators or the funds table."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ziping.findings import Hit, Severity
from ziping.model import Form, Indicator
from ziping.rules.common import fmt, fmt_plain, indicator_field, shown
from ziping.rules.registry import Example, Text, rule
from ziping.scoring import FormFigures, accepts, budget_and_executed, comparable_actual, num

COMPLETION_RATE = re.compile(r"^(?:项目|任务|工作|计划|总体|整体)?(?:完成率|完成度)")
RATE_OF_FUNDS = re.compile(r"资金使用率|预算执行率|资金执行率|支出执行率|资金支付率|资金拨付率")
AMOUNT_OF_FUNDS = re.compile(
    r"^(?:项目)?(?:资金|预算资金|总资金|资金总额|经费|总投入)(?:额|总额|金额|数)?(?:[（(].*)?$"
)
OUTPUT = "产出指标"


def _name(ind: Indicator) -> str:
    return ind.key.replace(" ", "")


@rule(
    "ZP401",
    "completion-rate-contradicted",
    Severity.WARNING,
    reads=("indicators",),
    title=Text("完成率 100% 与未完成的指标矛盾", "100% completion rate while an output falls short"),
    message=Text(
        "指标「{name}」填报为 {actual}，但产出指标「{short}」未完成（目标 {target}，实际 {short_actual}）",
        "「{name}」 reads {actual}, yet the output 「{short}」 falls short (target {target}, actual {short_actual})",
    ),
    what=Text(
        "“项目完成率”“任务完成率”等总体完成率指标为 100% 时，其他产出指标（成本指标除外）是否都已完成。",
        "When an overall completion rate (项目完成率 …) is 100%, whether every other output indicator (cost aside) was met.",
    ),
    why=Text("有产出未完成，总体完成率就不可能是 100%。", "With an output missed, overall completion cannot be 100%."),
    bad=Example(
        {"indicators[系统故障排除率].name": "项目完成率（%）"},
        Text("项目完成率 100%，软件配置完成率只有 99%", "项目完成率 100% while 软件配置完成率 is 99%"),
    ),
    good=Example(
        {
            "indicators[系统故障排除率].name": "项目完成率（%）",
            "indicators[软件配置完成率].actual": "100%",
            "indicators[软件配置完成率].score": "20",
        },
        Text("所有产出指标都已完成", "every output met"),
    ),
)
def completion_rate_contradicted(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, ind in enumerate(form.indicators):
        if ind.level1 != OUTPUT or not COMPLETION_RATE.match(_name(ind)):
            continue
        actual = ind.actual_parsed
        if actual is None or actual.kind != "quantity" or actual.value is None or actual.value < 100 - 1e-9:
            continue
        for other, exp in zip(form.indicators, fig.expectations):
            # Money spent (成本指标) is not work done: 99.73% of funds used is no unfinished task.
            if other is ind or other.level1 != OUTPUT or other.level2.endswith("成本指标") or exp.met is not False:
                continue
            yield Hit(
                indicator_field(k, "actual"),
                ind.actual.location,
                {
                    "name": ind.label,
                    "actual": ind.actual.raw,
                    "short": other.label,
                    "target": shown(other.target),
                    "short_actual": shown(other.actual),
                },
                declared=actual.value,
            )
            break


@rule(
    "ZP402",
    "funds-indicator-contradicts-table",
    Severity.ERROR,
    reads=("funds", "indicators"),
    title=Text("资金类指标与资金使用情况不符", "Funds indicator disagrees with the funds table"),
    message={
        "rate": Text(
            "指标「{name}」实际值 {actual}，与资金使用情况计算的执行率 {expected} 不符",
            "「{name}」 reads {actual}; the funds table gives an execution rate of {expected}",
        ),
        "amount": Text(
            "指标「{name}」实际值 {actual}，与资金使用情况的全年执行数 {executed} 元（预算 {budget} 元）不符",
            "「{name}」 reads {actual}; the funds table shows {executed} executed ({budget} budgeted)",
        ),
    },
    formula={
        "rate": Text("{executed} ÷ {budget} × 100% = {expected}", "{executed} ÷ {budget} × 100% = {expected}"),
    },
    what=Text(
        "资金使用率、预算执行率等指标的实际值是否等于资金表的执行率；项目资金额等金额指标是否等于全年执行数（或预算数）。",
        "Whether rate-of-funds indicators equal the table's execution rate, and amount indicators its executed (or budget) amount.",
    ),
    why=Text("同一笔钱在表里出现两次，两处必须一致。", "The same money appears twice in the form; both must agree."),
    bad=Example(
        {"indicators[资金使用率].actual": "95%"},
        Text("资金使用率 95%，资金表为 99.73%", "95% against 99.73% in the table"),
    ),
    good=Example({"indicators[资金使用率].actual": "99.73%"}, Text("与资金表一致", "agrees with the table")),
)
def funds_indicator(form: Form, fig: FormFigures) -> Iterator[Hit]:
    total = form.funds.total
    if total is None or fig.execution_rate is None:
        return
    budget, executed = budget_and_executed(form)
    scale = 10000.0 if form.funds.unit == "万元" else 1.0
    for k, ind in enumerate(form.indicators):
        actual = ind.actual_parsed
        if actual is None or actual.kind != "quantity" or actual.value is None:
            continue
        name = _name(ind)
        params = {
            "name": ind.label,
            "actual": ind.actual.raw,
            "executed": fmt(executed * scale),
            "budget": fmt(budget * scale),
        }
        if RATE_OF_FUNDS.search(name) and (actual.unit in (None, "%")):
            decimals = len(str(actual.value).split(".")[1].rstrip("0")) if "." in str(actual.value) else 0
            # Either reading of a total row its sources contradict (ZP103) gives a right rate.
            if any(accepts(actual.value, rate, rate, fig.tolerance, decimals) for rate in fig.execution_rates):
                continue
            yield Hit(
                indicator_field(k, "actual"),
                ind.actual.location,
                {**params, "expected": f"{fmt(fig.execution_rate)}%"},
                declared=actual.value,
                expected=round(fig.execution_rate, 2),
                variant="rate",
            )
        elif AMOUNT_OF_FUNDS.match(name) and ind.level2 == "成本指标":
            pair = comparable_actual(ind)
            if pair is None or pair[1] != "元":
                continue
            amount = pair[0]
            references = fig.amounts.get("executed", ()) + fig.amounts.get("budget", ())
            if any(abs(amount - ref * scale) <= max(1.0, ref * scale * 0.0005) for ref in references):
                continue  # 万元 figures carry four significant decimals at most
            yield Hit(
                indicator_field(k, "actual"),
                ind.actual.location,
                {**params, "actual": f"{fmt_plain(amount)}元"},
                declared=amount,
                expected=executed * scale,
                variant="amount",
            )


@rule(
    "ZP403",
    "completed-after-deadline",
    Severity.ERROR,
    title=Text("完成时间晚于时限", "Completed after the deadline"),
    message=Text(
        "指标「{name}」要求 {deadline} 前完成，实际完成时间为 {actual}，已超过时限",
        "「{name}」 was due by {deadline}; completed {actual}, after the deadline",
    ),
    what=Text(
        "时效指标的实际完成日期是否晚于指标值规定的时限（时限当天完成不算超期）。",
        "Whether a timeliness indicator's completion date is after its deadline (the day itself counts as on time).",
    ),
    why=Text(
        "超期完成却按完成计分，是时效指标最常见的问题。",
        "Late completion scored as on time is the most common timeliness defect.",
    ),
    bad=Example(
        {
            "indicators[系统故障修复响应时间].target": "2023年12月31日前",
            "indicators[系统故障修复响应时间].actual": "2024年1月15日",
            "indicators[系统故障修复响应时间].name": "项目完成时间",
        },
        Text("时限 2023 年底，2024 年 1 月才完成", "due end of 2023, done January 2024"),
    ),
    good=Example(
        {
            "indicators[系统故障修复响应时间].target": "2023年12月31日前",
            "indicators[系统故障修复响应时间].actual": "2023年12月31日",
            "indicators[系统故障修复响应时间].name": "项目完成时间",
        },
        Text("时限当天完成", "done on the day"),
    ),
)
def completed_after_deadline(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, ind in enumerate(form.indicators):
        target, actual = ind.target_parsed, ind.actual_parsed
        if target is None or actual is None or target.kind != "deadline" or target.deadline is None:
            continue
        if actual.kind == "date" and actual.earliest is not None and actual.earliest > target.deadline:
            yield Hit(
                indicator_field(k, "actual"),
                ind.actual.location,
                {
                    "name": ind.label,
                    "deadline": f"{target.deadline.year}年{target.deadline.month}月{target.deadline.day}日",
                    "actual": ind.actual.raw,
                },
                declared=ind.actual.raw,
                expected=target.deadline.isoformat(),
            )


# A year in a document number (深常办发〔2022〕25号) is a reference, not a date of the work.
YEAR = re.compile(r"(?<![〔\[［(（\d])(20\d\d)\s*年(?!\s*(?:以来|起|至今|度?以前))")


# A full date with 前 in an indicator's name is its time limit.
NAME_DEADLINE = re.compile(r"(20\d\d)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:之前|以前|前)")


def _form_year(form: Form) -> int | None:
    year = num(form.header.year)
    return int(year) if year is not None else None


@rule(
    "ZP404",
    "stale-date",
    Severity.WARNING,
    title=Text("日期不属于自评年度", "Date outside the evaluation year"),
    message={
        "deadline": Text(
            "指标「{name}」的完成时限 {deadline} 早于自评年度 {year} 年，疑似沿用了往年的表",
            "「{name}」 is due {deadline}, before the evaluation year {year}: a previous year's form reused?",
        ),
        "goal": Text(
            "预期目标只提到 {years} 年，没有提到自评年度 {year} 年，疑似沿用了往年的目标",
            "The goals name only {years}, never the evaluation year {year}: a previous year's goals reused?",
        ),
    },
    what=Text(
        "时效指标的时限（指标值中的，或指标名称中写明的“某年某月某日前”）早于自评年度开始；或预期目标只写了往年的年份。文号中的年份（〔2022〕25号）是引用，不算；写明下一年的计划是正当的。",
        "A deadline (the target's, or a full date with 前 written into the indicator's name) before the evaluation year "
        "began, or goals naming only earlier years. Years in document "
        "numbers (〔2022〕25号) are references; next year's plans are legitimate.",
    ),
    why=Text(
        "沿用往年的表而不更新年份，是自评走过场的常见迹象，结论往往也不可信。",
        "A form copied from last year without updating its dates is a common sign of a perfunctory evaluation.",
    ),
    bad=Example(
        {
            "indicators[系统故障修复响应时间].target": "2022年11月30日前",
            "indicators[系统故障修复响应时间].actual": "2022年11月30日",
            "indicators[系统故障修复响应时间].name": "项目完成时间",
        },
        Text("2023 年度的表里时限是 2022 年", "a 2022 deadline in a 2023 form"),
    ),
    good=Example(
        {
            "indicators[系统故障修复响应时间].target": "2023年11月30日前",
            "indicators[系统故障修复响应时间].actual": "2023年11月30日",
            "indicators[系统故障修复响应时间].name": "项目完成时间",
        },
        Text("时限在自评年度内", "a deadline within the year"),
    ),
)
def stale_date(form: Form, fig: FormFigures) -> Iterator[Hit]:
    year = _form_year(form)
    if year is None:
        return
    for k, ind in enumerate(form.indicators):
        target = ind.target_parsed
        if target is not None and target.kind == "deadline" and target.deadline and target.deadline.year < year:
            deadline = f"{target.deadline.year}年{target.deadline.month}月{target.deadline.day}日"
            yield Hit(
                indicator_field(k, "target"),
                ind.target.location,
                {"name": ind.label, "deadline": deadline, "year": year},
                ind.target.raw,
                variant="deadline",
            )
        elif ind.name is not None and (m := NAME_DEADLINE.search(ind.name.raw)) and int(m.group(1)) < year:
            # The time limit written into the indicator's name ("2021年11月30日前完成资金支付").
            yield Hit(
                indicator_field(k, "name"),
                ind.name.location,
                {"name": ind.label, "deadline": m.group(0).rstrip("前之以"), "year": year},
                ind.name.raw,
                variant="deadline",
            )
    goals = form.goals.expected
    years = sorted({int(y) for y in YEAR.findall(goals.raw)}) if goals else []
    if years and max(years) < year:
        yield Hit("goals.expected", goals.location, {"years": "、".join(map(str, years)), "year": year}, variant="goal")
