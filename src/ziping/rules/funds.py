"""ZP1xx: the funds table — execution rate, its score, and the rows adding up."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ziping.findings import Hit, Severity
from ziping.model import Form
from ziping.rules.common import FUNDS_COLUMN_LABELS, fmt, unspaced
from ziping.rules.registry import Example, Text, rule
from ziping.scoring import MONEY_TOLERANCE, FormFigures, accepts, budget_and_executed, num, total_left_unfilled


@rule(
    "ZP101",
    "execution-rate-mismatch",
    Severity.ERROR,
    reads=("funds.total", "funds.execution_rate"),
    title=Text("预算执行率计算有误", "Execution rate miscomputed"),
    message=Text(
        "执行率填报为 {declared}%，按全年执行数 ÷ 全年预算数计算应为 {expected}%",
        "Execution rate declared {declared}%; executed ÷ full-year budget gives {expected}%",
    ),
    formula=Text(
        "{executed} ÷ {budget} × 100% = {expected}%",
        "{executed} ÷ {budget} × 100% = {expected}%",
    ),
    what=Text(
        "年度资金总额行的执行率是否等于 全年执行数 ÷ 全年预算数 × 100%（相差 0.01 以内视为四舍五入或截位）。"
        "年度资金总额与各项资金来源之和不符时（ZP103），按两者之一计算相符即可。",
        "Whether the total row's rate equals executed ÷ full-year budget × 100% (within 0.01 for rounding). Where "
        "the total row and its sources disagree (ZP103), a rate from either is accepted.",
    ),
    why=Text(
        "执行率决定预算执行率得分，是财政部门最先看的数字。",
        "The rate sets the execution score and is the first figure a finance bureau reads.",
    ),
    bad=Example(
        {"funds.execution_rate": "95.00"},
        Text("执行率填成 95.00%，实际为 99.73%", "rate written 95.00%, actually 99.73%"),
    ),
    good=Example(
        {"funds.execution_rate": "99.72"}, Text("99.728% 截位为 99.72 不算错误", "99.728% truncated to 99.72 is fine")
    ),
)
def execution_rate(form: Form, fig: FormFigures) -> Iterator[Hit]:
    declared = num(form.funds.execution_rate)
    if declared is None or fig.execution_rate is None:
        return
    if declared == 0 and total_left_unfilled(form):
        return  # 0% follows from the total row left at 0: ZP103 says so, once
    # A rate written as 98% for 97.88% is rounding at the precision the form chose for it; where the total
    # row disagrees with its sources (ZP103), a rate from either reading is right.
    places = form.funds.execution_rate.decimals
    if any(accepts(declared, rate, rate, fig.tolerance, places) for rate in fig.execution_rates):
        return
    budget, executed = budget_and_executed(form)
    yield Hit(
        "funds.execution_rate",
        form.funds.execution_rate.location,
        {
            "declared": fmt(declared),
            "expected": fmt(fig.execution_rate),
            "executed": fmt(executed),
            "budget": fmt(budget),
        },
        declared=declared,
        expected=round(fig.execution_rate, 2),
    )


@rule(
    "ZP102",
    "execution-score-mismatch",
    Severity.ERROR,
    reads=("funds.total", "funds.execution_rate", "funds.weight", "funds.execution_score"),
    title=Text("预算执行率得分计算有误", "Execution score miscomputed"),
    message=Text(
        "预算执行率得分填报为 {declared}，按 分值 × min(执行率, 100%) 计算应为 {expected}{note}",
        "Execution score declared {declared}; weight × min(rate, 100%) gives {expected}{note_en}",
    ),
    formula=Text("{weight} × min({rate}%, 100%) = {expected}", "{weight} × min({rate}%, 100%) = {expected}"),
    what=Text(
        "预算执行率得分是否等于 分值 × min(执行率, 100%)，执行率用全年执行数和全年预算数重新计算。",
        "Whether the execution score equals weight × min(rate, 100%), with the rate recomputed from the amounts.",
    ),
    why=Text(
        "执行率得分计入总分；按财预〔2020〕10号通行做法，执行率超过 100% 也只得满分。",
        "The score enters the total; under 财预〔2020〕10号 practice a rate over 100% earns no more than full marks.",
    ),
    bad=Example(
        {"funds.execution_score": "10"}, Text("执行率 99.73% 却得满分 10 分", "full 10 points at a 99.73% rate")
    ),
    good=Example({"funds.execution_score": "9.97"}, Text("10 × 99.73% = 9.97", "10 × 99.73% = 9.97")),
)
def execution_score(form: Form, fig: FormFigures) -> Iterator[Hit]:
    declared = num(form.funds.execution_score)
    if declared is None or fig.execution_score is None or fig.execution_rate is None:
        return
    if declared == 0 and total_left_unfilled(form):
        return  # no points follow from the total row left at 0: ZP103 says so, once
    if any(fig.accepts(declared, score) for score in fig.execution_scores):
        return
    yield Hit(
        "funds.execution_score",
        form.funds.execution_score.location,
        {
            "declared": fmt(declared),
            "expected": fmt(fig.execution_score),
            "weight": fmt(fig.execution_weight),
            "rate": fmt(fig.execution_rate),
            "note": fig.precision_note("scores"),
            "note_en": fig.precision_note("scores", "en"),
        },
        declared=declared,
        expected=round(fig.execution_score, 2),
    )


@rule(
    "ZP103",
    "funds-rows-do-not-add-up",
    Severity.ERROR,
    reads=("funds",),
    title=Text("资金来源合计不符", "Funding sources do not add up"),
    message={
        "default": Text(
            "{column_zh}：年度资金总额 {total} ≠ 当年财政拨款 + 上年结转资金 + 其他资金 = {expected}",
            "{column_en}: total {total} ≠ appropriation + carry-over + other = {expected}",
        ),
        "unfilled": Text(
            "年度资金总额行未填（为 0），而资金来源各行合计为全年预算数 {budget}、全年执行数 {executed}："
            "按来源计算，执行率应为 {rate}%，得分应为 {score}",
            "The total row is left at 0 while the source rows add up to a full-year budget of {budget} and "
            "{executed} executed: the rate should be {rate}% and the score {score}",
        ),
    },
    formula={
        "default": Text(
            "{fiscal} + {carryover} + {other} = {expected}", "{fiscal} + {carryover} + {other} = {expected}"
        ),
        "unfilled": Text("{executed} ÷ {budget} × 100% = {rate}%", "{executed} ÷ {budget} × 100% = {rate}%"),
    },
    what=Text(
        "年初预算数、全年预算数、全年执行数三列中，年度资金总额是否等于三项资金来源之和。",
        "In each amount column, whether the total equals the sum of the three funding sources.",
    ),
    why=Text(
        "资金来源对不上，说明金额填错或漏填了一项来源。", "Sources that do not add up mean a wrong or missing amount."
    ),
    bad=Example({"funds.fiscal.budget": "600000.00"}, Text("财政拨款少填 61,800 元", "appropriation short by 61,800")),
    good=Example({}, Text("661,800.00 = 661,800.00 + 0.00 + 0.00", "661,800.00 = 661,800.00 + 0.00 + 0.00")),
)
def funds_add_up(form: Form, fig: FormFigures) -> Iterator[Hit]:
    funds = form.funds
    if funds.total is not None and (sums := total_left_unfilled(form)) is not None:
        # One mistake, one finding: the whole row was never summed, not three columns wrong.
        yield Hit(
            "funds.total",
            funds.total.location,
            {
                "budget": fmt(sums[0]),
                "executed": fmt(sums[1]),
                "rate": fmt(fig.execution_rate),
                "score": fmt(fig.execution_score) if fig.execution_score is not None else "—",
            },
            declared=0.0,
            expected=round(sums[0], 2),
            variant="unfilled",
        )
        return
    for part, (total, parts) in fig.sources.items():
        expected = sum(parts)
        if abs(total - expected) <= MONEY_TOLERANCE + 1e-9:
            continue
        label = FUNDS_COLUMN_LABELS[part]
        yield Hit(
            f"funds.total.{part}",
            getattr(form.funds.total, part).location,
            {
                "column_zh": label.zh,
                "column_en": label.en,
                "total": fmt(total),
                "expected": fmt(expected),
                "fiscal": fmt(parts[0]),
                "carryover": fmt(parts[1]),
                "other": fmt(parts[2]),
            },
            declared=total,
            expected=round(expected, 2),
        )


@rule(
    "ZP104",
    "executed-over-budget",
    Severity.WARNING,
    reads=("funds.total",),
    title=Text("执行数超过预算数", "Executed exceeds budget"),
    message=Text(
        "全年执行数 {executed} 超过全年预算数 {budget}（执行率 {rate}%）",
        "Executed {executed} exceeds the full-year budget {budget} ({rate}%)",
    ),
    what=Text(
        "年度资金总额的全年执行数是否超过全年预算数。",
        "Whether the total executed amount exceeds the full-year budget.",
    ),
    why=Text(
        "超预算支出需要调整预算的依据；更常见的是金额填错了列。",
        "Spending over budget needs a budget adjustment behind it; more often an amount is in the wrong column.",
    ),
    bad=Example(
        {"funds.total.executed": "700000.00", "funds.fiscal.executed": "700000.00"},
        Text("执行 700,000 元，预算 661,800 元", "700,000 executed on a 661,800 budget"),
    ),
    good=Example({"funds.total.executed": "661800.00"}, Text("执行数等于预算数", "executed equals the budget")),
)
def executed_over_budget(form: Form, fig: FormFigures) -> Iterator[Hit]:
    total = form.funds.total
    if total is None or fig.execution_rate is None:
        return
    budget, executed = budget_and_executed(form)
    # Over budget by every reading of the amounts: a total row its sources contradict is ZP103's.
    if min(fig.amounts["executed"]) > max(fig.amounts["budget"]) + MONEY_TOLERANCE:
        yield Hit(
            "funds.total.executed",
            (total.executed or total).location,
            {"executed": fmt(executed), "budget": fmt(budget), "rate": fmt(fig.execution_rate)},
            declared=executed,
            expected=budget,
        )


@rule(
    "ZP105",
    "budget-adjusted",
    Severity.INFO,
    reads=("funds.total",),
    title=Text("年中调整了预算", "Budget adjusted during the year"),
    message=Text(
        "年初预算数 {initial} 与全年预算数 {budget} 不同：年中调整了预算，执行率按全年预算数计算",
        "Initial budget {initial} differs from the full-year budget {budget}: the rate uses the full-year figure",
    ),
    what=Text(
        "年度资金总额的年初预算数是否不同于全年预算数。",
        "Whether the initial budget differs from the full-year budget.",
    ),
    why=Text(
        "预算调整本身不是错误，但审核人员常需要核对调整依据。",
        "An adjustment is not an error, but reviewers often check what justified it.",
    ),
    bad=Example(
        {"funds.total.initial_budget": "600000.00", "funds.fiscal.initial_budget": "600000.00"},
        Text("年初 600,000，全年 661,800", "600,000 initially, 661,800 for the year"),
    ),
    good=Example({}, Text("年初预算数等于全年预算数", "initial equals full-year budget")),
)
def budget_adjusted(form: Form, fig: FormFigures) -> Iterator[Hit]:
    total = form.funds.total
    if total is None:
        return
    initial, budget = num(total.initial_budget), num(total.budget)
    if initial is None or budget is None:
        return
    readings = [(i, b) for i in fig.amounts["initial_budget"] for b in fig.amounts["budget"]]
    if all(abs(i - b) > MONEY_TOLERANCE for i, b in readings):
        yield Hit(
            "funds.total.initial_budget",
            total.initial_budget.location,
            {"initial": fmt(initial), "budget": fmt(budget)},
            declared=initial,
            expected=budget,
        )


FUNDS_EXPLAINED = re.compile(
    r"(?:执行率|资金|经费|预算|款项|费用|支付)[^。；\n]{0,30}(?:未|结余|节约|调整|延迟|推迟|不足|原因|滞后|暂缓|顺延)"
    r"|(?:未|结余|节约|调整|延迟|推迟|滞后|暂缓|顺延)[^。；\n]{0,30}(?:支付|资金|经费|执行|拨付|结算)"
)


@rule(
    "ZP106",
    "low-execution-unexplained",
    Severity.WARNING,
    reads=("funds.total", "funds.execution_rate", "goals", "indicators"),
    title=Text("执行率偏低却未说明原因", "Low execution rate left unexplained"),
    message=Text(
        "预算执行率为 {rate}%，低于 {threshold}%，但实际完成情况和偏差说明中都没有说明资金未执行的原因",
        "Execution rate {rate}% is below {threshold}%, yet no narrative or note explains the unspent funds",
    ),
    what=Text(
        "执行率低于评分标准规定的门槛（默认 90%，四川模板的要求）时，实际完成情况或某条偏差说明里是否讲了资金的去向或未支付的原因。",
        "When the rate is below the profile's threshold (90% by default, as Sichuan's template requires), whether "
        "any narrative or note says why funds were not spent.",
    ),
    why=Text(
        "大量资金未执行而不作说明，是财政部门重点关注、常要求退回补充的情形。",
        "Large unspent funds without a word are what finance bureaus most often send back.",
    ),
    bad=Example(
        {"funds.total.executed": "550000.00", "funds.fiscal.executed": "550000.00", "indicators[资金使用率].note": ""},
        Text("执行 83.11%，没有任何说明", "83.11% executed, nothing said"),
    ),
    good=Example(
        {"funds.total.executed": "550000.00", "funds.fiscal.executed": "550000.00"},
        Text("偏差说明写了培训费未能支付", "a note says the training fee was not paid"),
    ),
)
def low_execution_unexplained(form: Form, fig: FormFigures) -> Iterator[Hit]:
    threshold = fig.profile.thresholds.execution_note_below
    if threshold is None or fig.execution_rate is None or max(fig.execution_rates) >= threshold:
        return
    texts = [form.goals.actual.raw if form.goals.actual else ""] + [ind.note.raw for ind in form.indicators if ind.note]
    texts = [unspaced(text) for text in texts]  # "资 金未支付" as extracted from a PDF still explains
    if any(FUNDS_EXPLAINED.search(text) for text in texts):
        return
    yield Hit(
        "funds.execution_rate",
        form.funds.execution_rate.location if form.funds.execution_rate else form.funds.total.location,
        {"rate": fmt(fig.execution_rate), "threshold": fmt(threshold, 0)},
        declared=round(fig.execution_rate, 2),
        expected=threshold,
    )
