"""ZP3xx: structure and totals — level-1 weights, the 总分 row, the grade."""

from __future__ import annotations

from collections.abc import Iterator

from ziping.findings import Hit, Severity
from ziping.model import Form, Level1
from ziping.rules.common import fmt, fmt_range
from ziping.rules.registry import Example, Text, rule
from ziping.scoring import FormFigures, num


def _level1_hit(
    k: int, level1: Level1, declared: float, expected: float, variant: str = "default", **params: str
) -> Hit:
    """A finding on a level-1 header's weight."""
    return Hit(
        f"level1[{k}].weight",
        level1.location,
        {"level1": level1.name, "declared": fmt(declared, 0), "expected": fmt(expected, 0), **params},
        declared=declared,
        expected=expected,
        variant=variant,
    )


@rule(
    "ZP301",
    "level1-weight-off-profile",
    Severity.WARNING,
    title=Text("一级指标分值与标准不符", "Level-1 weight differs from the profile"),
    message=Text(
        "{level1}的分值为 {declared}，按“{profile}”标准应为 {expected}",
        "{level1} is worth {declared}; the “{profile}” profile gives {expected}",
    ),
    what=Text(
        "产出、效益、满意度指标的分值是否符合所选标准（默认 50 / 30 / 10）。其下指标的分值合计符合标准、只有标题填错时，由 ZP302 报告。",
        "Whether the 产出 / 效益 / 满意度 weights match the chosen profile (50 / 30 / 10 by default). A header "
        "whose indicators do add up to the profile's weight is a typo in the header, reported by ZP302 alone.",
    ),
    why=Text(
        "各地的分值结构是规定的，偏离标准的权重会改变总分的含义；用 --profile 选择本地标准。",
        "Weight structures are prescribed; a deviation changes what the total means. Pick the local one with --profile.",
    ),
    bad=Example(
        {
            "level1[效益指标].weight": "20",
            "indicators[发布信息量].weight": "20",
            "indicators[发布信息量].score": "20",
            "level1[满意度指标].weight": "20",
            "indicators[系统使用者满意度].weight": "20",
            "indicators[系统使用者满意度].score": "20",
        },
        Text(
            "效益指标 20 分、满意度指标 20 分，各自的指标也按此打分",
            "效益 worth 20 and 满意度 20, indicators scored alike",
        ),
    ),
    good=Example({}, Text("50 / 30 / 10", "50 / 30 / 10")),
)
def level1_weight_off_profile(form: Form, fig: FormFigures) -> Iterator[Hit]:
    standard = fig.profile.level1_weights
    for k, level1 in enumerate(form.level1):
        declared, expected = num(level1.weight), standard.get(level1.name)
        if declared is None or expected is None or abs(declared - expected) <= fig.tolerance:
            continue
        total = fig.level1_sums.get(level1.name)
        if total is not None and abs(total - expected) <= fig.tolerance:
            continue  # the indicators make the profile's weight: the header alone is off, and ZP302 says so
        yield _level1_hit(k, level1, declared, expected, profile=fig.profile.name)


@rule(
    "ZP302",
    "level1-weight-sum",
    Severity.ERROR,
    reads=("level1", "indicators"),
    title=Text("一级指标分值与所属指标分值合计不符", "Level-1 weight differs from its indicators' sum"),
    message={
        "default": Text(
            "{level1}标注 {declared} 分，其下各指标分值合计为 {expected} 分",
            "{level1} is labelled {declared} points; its indicators' weights add up to {expected}",
        ),
        "empty": Text(
            "{level1}标注 {declared} 分，但其下没有填写任何指标",
            "{level1} is labelled {declared} points, but no indicator is filled in under it",
        ),
    },
    formula={
        "default": Text("{parts} = {expected}", "{parts} = {expected}"),
        "empty": Text("其下指标 0 个，分值合计 0", "no indicator under it: 0"),
    },
    what=Text(
        "一级指标标题中的分值（如“产出指标(50分)”）是否等于其下三级指标分值之和。",
        "Whether a level-1 header's weight equals the sum of its indicators' weights.",
    ),
    why=Text(
        "标题与明细不符，说明漏填、多填了指标或分值填错。",
        "A mismatch means an indicator or a weight is missing or wrong.",
    ),
    bad=Example(
        {"level1[效益指标].weight": "20"},
        Text("效益指标标注 20 分，指标合计 30 分", "效益 labelled 20, indicators add up to 30"),
    ),
    good=Example({}, Text("标注与合计一致", "label and sum agree")),
)
def level1_weight_sum(form: Form, fig: FormFigures) -> Iterator[Hit]:
    if not form.indicators:
        return  # a blank form adds nothing up: ZP003 reports the missing indicators
    for k, level1 in enumerate(form.level1):
        declared = num(level1.weight)
        expected = fig.level1_sums.get(level1.name, 0.0)  # a header with no indicator under it sums to 0
        if declared is None or expected is None or abs(declared - expected) <= fig.tolerance:
            continue
        weights = [num(ind.weight) for ind in form.indicators_under(level1.name)]
        yield _level1_hit(
            k,
            level1,
            declared,
            expected,
            variant="default" if weights else "empty",
            parts=" + ".join(fmt(w, 0) for w in weights),
        )


@rule(
    "ZP303",
    "total-weight",
    Severity.ERROR,
    reads=("indicators", "total", "funds.weight"),
    title=Text("总分分值不是 100", "Total weight is not 100"),
    message={
        "default": Text(
            "总分分值填报为 {declared}，应为 {expected}", "Total weight declared {declared}; it should be {expected}"
        ),
        "execution_left_out": Text(
            "总分分值填报为 {declared}，应为 {expected}：漏计了预算执行率分值 {exec_weight}",
            "Total weight declared {declared}; it should be {expected}: the execution weight {exec_weight} is left out",
        ),
        "execution_only": Text(
            "总分分值填报为 {declared}，应为 {expected}：只填了预算执行率分值，漏计了指标分值 {indicator_weight}",
            "Total weight declared {declared}; it should be {expected}: only the execution weight is given, "
            "the indicators' {indicator_weight} are left out",
        ),
        "weights_off": Text(
            "总分分值应为 {expected}，但 预算执行率分值 {exec_weight} + 指标分值合计 {indicator_weight} = {computed}",
            "The total weight should be {expected}, but execution {exec_weight} + indicators {indicator_weight} = {computed}",
        ),
    },
    formula=Text(
        "预算执行率分值 {exec_weight} + 指标分值合计 {indicator_weight} = {computed}",
        "execution weight {exec_weight} + indicator weights {indicator_weight} = {computed}",
    ),
    what=Text(
        "总分行的分值是否为 100，且等于 预算执行率分值 + 各指标分值之和。",
        "Whether the 总分 weight is 100 and equals execution weight + the indicators' weights.",
    ),
    why=Text(
        "总分满分是 100 分（含预算执行率 10 分）；分值不对，得分和等级都失去意义。",
        "The total is out of 100 including the 10 execution points; a wrong weight voids score and grade.",
    ),
    bad=Example(
        {"total.weight": "90"}, Text("总分分值填 90，漏计执行率 10 分", "90 declared: the execution 10 left out")
    ),
    good=Example({"total.weight": "100"}, Text("10 + 90 = 100", "10 + 90 = 100")),
)
def total_weight(form: Form, fig: FormFigures) -> Iterator[Hit]:
    expected = fig.profile.total_weight
    declared = num(form.total.weight)
    if fig.indicator_weight is None:
        return
    params = {
        "expected": fmt(expected, 0),
        "exec_weight": fmt(fig.execution_weight, 0),
        "indicator_weight": fmt(fig.indicator_weight, 0),
        "computed": fmt(fig.total_weight, 0),
    }
    # Where a level-1 header and its indicators disagree (ZP302), the headers' reading of the weights counts too.
    indicator_weights = (fig.indicator_weight, fig.indicator_weight_by_headers)
    if declared is not None and abs(declared - expected) > fig.tolerance:
        variant = "default"
        if any(abs(declared - weight) <= fig.tolerance for weight in indicator_weights):
            variant = "execution_left_out"
        elif abs(declared - fig.execution_weight) <= fig.tolerance:
            variant = "execution_only"
        yield Hit(
            "total.weight",
            form.total.weight.location,
            {**params, "declared": fmt(declared, 0)},
            declared=declared,
            expected=expected,
            variant=variant,
        )
    elif form.indicators and all(
        abs(fig.execution_weight + weight - expected) > fig.tolerance for weight in indicator_weights
    ):
        yield Hit(
            "total.weight", form.total.location, params, declared=declared, expected=expected, variant="weights_off"
        )


@rule(
    "ZP304",
    "total-score",
    Severity.ERROR,
    # The execution score comes from the 年度资金总额 row (its sources only where it is left unfilled, and then
    # funds.total is what the reader was unsure of), never from a source row beside a filled total.
    reads=("indicators", "total", "funds.total", "funds.weight", "funds.execution_rate", "funds.execution_score"),
    title=Text("总分得分合计有误", "Total score does not add up"),
    message={
        "default": Text(
            "总分得分填报为 {declared}，按{basis_zh} 预算执行率得分 {exec_score} + 指标得分合计 {indicator_score} 计算应为 {expected}",
            "Total score declared {declared}; execution {exec_score} + indicators {indicator_score}{basis_en} gives {expected}",
        ),
        "execution_left_out": Text(
            "总分得分填报为 {declared}，按{basis_zh} 预算执行率得分 {exec_score} + 指标得分合计 {indicator_score} 计算应为 {expected}；"
            "填报值只是指标得分，漏计了预算执行率得分",
            "Total score declared {declared}; execution {exec_score} + indicators {indicator_score}{basis_en} gives {expected}; "
            "the declared value is the indicators alone — the execution points are left out",
        ),
        "execution_only": Text(
            "总分得分填报为 {declared}，按{basis_zh} 预算执行率得分 {exec_score} + 指标得分合计 {indicator_score} 计算应为 {expected}；"
            "填报值只是预算执行率得分，漏计了全部指标得分",
            "Total score declared {declared}; execution {exec_score} + indicators {indicator_score}{basis_en} gives {expected}; "
            "the declared value is the execution score alone — the indicators are left out",
        ),
    },
    formula=Text("{exec_score} + {indicator_score} = {expected}", "{exec_score} + {indicator_score} = {expected}"),
    what=Text(
        "总分行的得分是否等于 预算执行率得分 + 各指标得分之和：按表中填报的各项得分，或在某项得分本身被指出有误时按其复核值，两者之一相符即可。",
        "Whether the 总分 score equals the execution score plus the indicators' scores, as declared or — where a "
        "part is itself reported wrong — as recomputed; either is accepted.",
    ),
    why=Text(
        "总分决定评价等级，是审核结论直接引用的数字。",
        "The total sets the grade and is quoted in the review's conclusion.",
    ),
    bad=Example({"total.score": "89.77"}, Text("漏计执行率得分 9.97", "the execution 9.97 left out")),
    good=Example({"total.score": "99.74"}, Text("9.97 + 89.77 = 99.74", "9.97 + 89.77 = 99.74")),
)
def total_score(form: Form, fig: FormFigures) -> Iterator[Hit]:
    declared, parts = num(form.total.score), fig.score_sum
    if declared is None or parts is None or not form.indicators:
        return
    # The total as the form's parts add up, or as they add up once the parts reported wrong are corrected:
    # a total that follows either is not a second mistake.
    if fig.accepts(declared, parts.declared) or fig.accepts(declared, *parts.corrected):
        return
    variant = "default"
    if fig.accepts(declared, parts.indicators) or fig.accepts(declared, *parts.indicators_corrected):
        variant = "execution_left_out"
    elif fig.accepts(declared, parts.execution) or fig.accepts(declared, *parts.execution_corrected):
        variant = "execution_only"
    low, high = parts.corrected
    yield Hit(
        "total.score",
        form.total.score.location,
        {
            "declared": fmt(declared),
            "expected": fmt_range(low, high),
            "exec_score": fmt_range(*parts.execution_corrected),
            "indicator_score": fmt_range(*parts.indicators_corrected),
            "basis_zh": "复核后的" if parts.disputed else "",
            "basis_en": " (as recomputed)" if parts.disputed else "",
        },
        declared=declared,
        expected=round(min(max(declared, low), high), 2),
        variant=variant,
    )


@rule(
    "ZP305",
    "grade-mismatch",
    Severity.ERROR,
    reads=("total", "grade", "indicators", "funds"),
    title=Text("评价等级与总分不符", "Grade does not fit the total"),
    message=Text(
        "自评等级填报为“{declared}”，总分 {total} 对应的等级为“{expected}”",
        "Grade declared “{declared}”; a total of {total} is “{expected}”",
    ),
    what=Text(
        "自评等级是否符合总分所在档次：优 ≥ 90，良 80–90，中 60–80，差 < 60。",
        "Whether the grade fits the total: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.",
    ),
    why=Text(
        "等级是自评结论，与总分矛盾会误导使用结果的部门。",
        "The grade is the conclusion; one that contradicts the total misleads its users.",
    ),
    bad=Example({"grade": "良"}, Text("总分 99.74 却评为“良”", "99.74 graded 良")),
    good=Example({"grade": "优"}, Text("99.74 为“优”", "99.74 is 优")),
)
def grade_mismatch(form: Form, fig: FormFigures) -> Iterator[Hit]:
    if form.grade is None or fig.total_score is None:
        return
    declared = form.grade.raw.strip()[:1]
    expected = fig.profile.grade_for(round(fig.total_score, 2))
    # A grade that follows the declared total, or the total with its wrong parts corrected, follows a
    # total ZP304 reports; it is no mistake of its own.
    totals = [num(form.total.score)] + (list(fig.score_sum.corrected) if fig.score_sum else [])
    accepted = {expected} | {fig.profile.grade_for(round(t, 2)) for t in totals if t is not None}
    if declared in fig.profile.grades and declared not in accepted:
        yield Hit(
            "grade",
            form.grade.location,
            {"declared": declared, "expected": expected, "total": fmt(fig.total_score)},
            declared=declared,
            expected=expected,
        )
