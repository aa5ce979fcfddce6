"""ZP2xx: each indicator — its score against its completion, its note, its units."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ziping.findings import Hit, Severity
from ziping.model import Form, Indicator
from ziping.rules.common import fmt, fmt_plain, has_note, indicator_field, shown
from ziping.rules.registry import Example, Text, rule
from ziping.scoring import Expectation, FormFigures, num, units_conflict

SCORE_FORMULAS = {
    "proportional": Text(
        "{weight} × {actual} ÷ {target} = {expected}",
        "{weight} × {actual} ÷ {target} = {expected}",
    ),
    "full": Text(
        "实际值 {actual} 达到目标 {target}，应得满分 {expected}",
        "actual {actual} meets target {target}: full {expected}",
    ),
    "upper": Text(
        "实际值 {actual} 超过上限 {target}，按比例扣分后最多 {expected}",
        "actual {actual} exceeds the limit {target}: at most {expected} after a proportional deduction",
    ),
}
SHOULD_EXPLAIN = Text(
    "偏差原因分析及改进措施未填写",
    "the deviation note (偏差原因分析及改进措施) is empty",
)


def _params(ind: Indicator, exp: Expectation, declared: float, bound: float, fig: FormFigures) -> dict[str, str]:
    unit = exp.unit or ""
    return {
        "note": fig.precision_note("scores"),
        "note_en": fig.precision_note("scores", "en"),
        "name": ind.label,
        "declared": fmt(declared),
        "expected": fmt(bound),
        "weight": fmt(num(ind.weight)),
        "actual": f"{fmt_plain(exp.actual)}{unit}",
        "target": f"{fmt_plain(exp.target)}{unit}",
    }


def _variant(exp: Expectation) -> str:
    if exp.met:
        return "full"
    return "upper" if exp.low == 0.0 and exp.ratio is not None and exp.high != exp.low else "proportional"


@rule(
    "ZP201",
    "score-exceeds-weight",
    Severity.ERROR,
    title=Text("得分超过分值", "Score exceeds weight"),
    message=Text(
        "指标「{name}」得分 {declared} 超过其分值 {weight}", "「{name}」 scores {declared}, above its weight {weight}"
    ),
    what=Text("每个指标的得分是否不超过它的分值。", "Whether each indicator's score stays within its weight."),
    why=Text("得分超过分值会直接抬高总分。", "A score above its weight inflates the total directly."),
    bad=Example({"indicators[系统故障排除率].score": "12"}, Text("分值 10，得分 12", "weight 10, score 12")),
    good=Example({"indicators[系统故障排除率].score": "10"}, Text("得分等于分值", "score equals weight")),
)
def score_exceeds_weight(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, (ind, verdict) in enumerate(zip(form.indicators, fig.verdicts)):
        weight, score = num(ind.weight), num(ind.score)
        # Above the weight as declared and as its group's header implies (scoring._alternative_weights).
        if verdict.kind == "exceeds":
            yield Hit(
                indicator_field(k, "score"),
                ind.score.location,
                {"name": ind.label, "declared": fmt(score), "weight": fmt(weight)},
                declared=score,
                expected=weight,
            )


@rule(
    "ZP214",
    "folded-score-mismatch",
    Severity.ERROR,
    title=Text("折算得分不等于单项得分×权重", "Weighted score is not item score × weight"),
    message=Text(
        "指标「{name}」折算得分填报为 {declared}，按单项得分 {item} × 权重 {weight}% 应为 {expected}{note}",
        "「{name}」 weighted score is {declared}; item score {item} × weight {weight}% gives {expected}{note_en}",
    ),
    formula=Text("{item} × {weight}% = {expected}", "{item} × {weight}% = {expected}"),
    what=Text(
        "列有“单项得分”和“折算得分”的表：每个指标的折算得分是否等于单项得分（百分制）乘以权重。",
        "In tables with 单项得分 and 折算得分: whether each weighted score is the item score (out of 100) × the weight.",
    ),
    why=Text(
        "折算得分直接相加成总分；乘错一行，总分就错，而总分本身加起来仍然对得上。",
        "Weighted scores add up to the total; one wrong product makes the total wrong while the sum still adds up.",
    ),
    bad=Example(
        {"indicators[系统故障排除率].item_score": "90"},
        Text("单项得分 90 × 权重 10% = 9，却填折算得分 10", "90 × 10% = 9, yet 10 is entered"),
    ),
    good=Example({"indicators[系统故障排除率].item_score": "100"}, Text("100 × 10% = 10", "100 × 10% = 10")),
)
def folded_score_mismatch(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, (ind, verdict) in enumerate(zip(form.indicators, fig.verdicts)):
        if verdict.folded is None:
            continue
        item, weight, score, expected = num(ind.item_score), num(ind.weight), num(ind.score), verdict.folded
        yield Hit(
            indicator_field(k, "score"),
            ind.score.location,
            {
                "name": ind.label,
                "declared": fmt(score),
                "item": fmt_plain(item),
                "weight": fmt_plain(weight),
                "expected": fmt(expected),
                "note": fig.precision_note("scores"),
                "note_en": fig.precision_note("scores", "en"),
            },
            declared=score,
            expected=round(expected, 2),
        )


def _score_checks(form: Form, fig: FormFigures, kind: str) -> Iterator[Hit]:
    for k, (ind, verdict) in enumerate(zip(form.indicators, fig.verdicts)):
        if verdict.kind != kind:
            continue
        score, exp = num(ind.score), verdict.expectation
        yield Hit(
            indicator_field(k, "score"),
            ind.score.location,
            _params(ind, exp, score, verdict.bound, fig),
            declared=score,
            expected=round(verdict.bound, 2),
            variant=_variant(exp),
        )


@rule(
    "ZP202",
    "score-inflated",
    Severity.ERROR,
    title=Text("得分高于完成情况应得分", "Score higher than the completion earns"),
    message=Text(
        "指标「{name}」得分填报为 {declared}，按完成情况最多应得 {expected}{note}",
        "「{name}」 declares {declared}; its completion earns at most {expected}{note_en}",
    ),
    formula=SCORE_FORMULAS,
    what=Text(
        "按指标值和实际完成值重算得分：达到目标得满分；未达到的按 实际值 ÷ 目标值 比例计分；"
        "不超过类（成本、时限）超出上限的按比例扣分；区间类低于下限按比例计分。填报得分高于应得分即报错。",
        "Recompute each score from target and actual: full when met; actual ÷ target when short; a proportional "
        "deduction when an upper bound is exceeded. A declared score above that is an error.",
    ),
    why=Text(
        "虚高的得分抬高总分和等级，是审核中最需要发现的问题。",
        "An inflated score lifts the total and the grade: the defect reviewers most need to find.",
    ),
    bad=Example({"indicators[软件配置完成率].score": "20"}, Text("完成 99% 却得满分 20", "full 20 points for 99%")),
    good=Example({"indicators[软件配置完成率].score": "19.8"}, Text("20 × 99% = 19.8", "20 × 99% = 19.8")),
)
def score_inflated(form: Form, fig: FormFigures) -> Iterator[Hit]:
    return _score_checks(form, fig, "inflated")


@rule(
    "ZP203",
    "score-understated",
    Severity.WARNING,
    title=Text("得分低于完成情况应得分", "Score lower than the completion earns"),
    message=Text(
        "指标「{name}」得分填报为 {declared}，按完成情况应得 {expected}{note}",
        "「{name}」 declares {declared}; its completion earns {expected}{note_en}",
    ),
    formula=SCORE_FORMULAS,
    what=Text(
        "与 ZP202 同样重算得分，填报得分低于应得分时提示。",
        "The same recomputation as ZP202; a declared score below it is reported.",
    ),
    why=Text(
        "少计得分通常是公式或抄写错误，也会让单位的评价等级偏低。",
        "An understated score is usually a slip, and it lowers the unit's grade.",
    ),
    bad=Example({"indicators[软件配置完成率].score": "15"}, Text("应得 19.8，填 15", "earns 19.8, declares 15")),
    good=Example({"indicators[软件配置完成率].score": "19.80"}, Text("得分与完成情况一致", "score matches completion")),
)
def score_understated(form: Form, fig: FormFigures) -> Iterator[Hit]:
    return _score_checks(form, fig, "understated")


def _shortfall(k: int, ind: Indicator, exp: Expectation, fig: FormFigures) -> bool:
    """Whether indicator k missed its target, or (where completion cannot be computed) lost points.

    A met target with points lost is a score ZP203 reports, not a shortfall to explain.
    """
    if exp.met is not None:
        return exp.met is False
    score, weight = num(ind.score), num(ind.weight)
    return score is not None and weight is not None and all(score < w - fig.tolerance for w in fig.weights(k, weight))


@rule(
    "ZP204",
    "shortfall-unexplained",
    Severity.ERROR,
    title=Text("未完成目标却未说明原因", "Shortfall without explanation"),
    message=Text(
        "指标「{name}」未达到目标（目标 {target}，实际 {actual}，得分 {score}/{weight}），但偏差原因分析及改进措施未填写",
        "「{name}」 falls short (target {target}, actual {actual}, score {score}/{weight}) but has no deviation note",
    ),
    what=Text(
        "实际值未达到指标值（无法计算完成情况时：得分低于分值）的指标，是否填写了偏差原因分析及改进措施。"
        "达到目标却被扣分，是得分的问题（ZP203），不需要偏差说明。",
        "Whether every indicator that misses its target (where completion cannot be computed: that loses points) "
        "has a deviation note. A met target with points lost is a scoring slip (ZP203), not a deviation.",
    ),
    why=Text(
        "财政部门的自评要求对未完成的指标说明原因并提出改进措施。",
        "Self-evaluation rules require a cause and a remedy for every missed indicator.",
    ),
    bad=Example({"indicators[软件配置完成率].note": ""}, Text("完成 99% 但未说明原因", "99% done, nothing said")),
    good=Example({}, Text("未完成的指标都填写了原因和措施", "every shortfall is explained")),
)
def shortfall_unexplained(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, (ind, exp) in enumerate(zip(form.indicators, fig.expectations)):
        if _shortfall(k, ind, exp, fig) and not has_note(ind):
            yield Hit(
                indicator_field(k, "note"),
                ind.location,
                {
                    "name": ind.label,
                    "target": shown(ind.target),
                    "actual": shown(ind.actual),
                    "score": fmt(num(ind.score)),
                    "weight": fmt(num(ind.weight)),
                },
            )


def _over_achieved(ind: Indicator, exp: Expectation, threshold: float) -> bool:
    target = ind.target_parsed
    if exp.over is None or exp.over <= threshold + 1e-9 or target is None:
        return False
    # A rate target (≥95%) met at 100% is not over-achievement: rates stop at 100%.
    return not (exp.unit == "%" and target.kind in ("at_least", "equal"))


@rule(
    "ZP205",
    "over-achievement-unexplained",
    Severity.WARNING,
    title=Text("大幅超额完成却未说明", "Large over-achievement without explanation"),
    message=Text(
        "指标「{name}」实际 {actual}，超出{bound_zh} {target} 的 {over}%，但未说明原因（目标是否设定过低？）",
        "「{name}」 actual {actual} is {over}% above the {bound_en} {target}, with no explanation (was the target too low?)",
    ),
    formula=Text(
        "({actual_value} − {target_value}) ÷ {target_value} = {over}%",
        "({actual_value} − {target_value}) ÷ {target_value} = {over}%",
    ),
    what=Text(
        "实际值超出指标值（或区间上限）超过阈值（默认 20%）且偏差原因分析为空的指标。",
        "Indicators whose actual exceeds the target (or a range's top) by more than the threshold (20%) with no note.",
    ),
    why=Text(
        "大幅超额通常说明目标设定偏低或实际值口径不同，需要说明。",
        "Large over-achievement usually means a target set too low or a different measure; it needs a word.",
    ),
    bad=Example(
        {"indicators[发布信息量].note": ""},
        Text("目标 50–200 条，实际 276 条，未说明", "50–200 planned, 276 done, nothing said"),
    ),
    good=Example({}, Text("超额部分已说明原因", "the excess is explained")),
)
def over_achievement(form: Form, fig: FormFigures) -> Iterator[Hit]:
    threshold = fig.profile.thresholds.over_achievement
    for k, (ind, exp) in enumerate(zip(form.indicators, fig.expectations)):
        if not _over_achieved(ind, exp, threshold) or has_note(ind):
            continue
        is_range = ind.target_parsed.kind == "range"
        unit = exp.unit or ""
        yield Hit(
            indicator_field(k, "actual"),
            ind.actual.location,
            {
                "name": ind.label,
                "actual": f"{fmt_plain(exp.actual)}{unit}",
                "target": f"{fmt_plain(exp.target)}{unit}",
                "actual_value": fmt_plain(exp.actual),
                "target_value": fmt_plain(exp.target),
                "over": f"{exp.over * 100:.0f}",
                "bound_zh": "区间上限" if is_range else "指标值",
                "bound_en": "range's top" if is_range else "target",
            },
            declared=exp.actual,
            expected=exp.target,
        )


@rule(
    "ZP206",
    "indicator-value-missing",
    Severity.ERROR,
    title=Text("指标缺少指标值或实际值", "Indicator without target or actual"),
    message=Text("指标「{name}」缺少{part_zh}", "「{name}」 has no {part_en}"),
    what=Text(
        "每个指标是否同时填写了年度指标值和实际完成值。",
        "Whether every indicator has both a target and an actual value.",
    ),
    why=Text("缺少任一项，完成情况和得分都无从判断。", "Without either, neither completion nor score can be judged."),
    bad=Example({"indicators[系统故障排除率].actual": ""}, Text("实际完成值为空", "the actual value is empty")),
    good=Example({}, Text("指标值和实际值都已填写", "both are filled in")),
)
def value_missing(form: Form, fig: FormFigures) -> Iterator[Hit]:
    parts = {"target": Text("年度指标值", "target"), "actual": Text("实际完成值", "actual value")}
    for k, ind in enumerate(form.indicators):
        missing = [part for part in parts if (field := getattr(ind, part)) is None or not field.raw.strip()]
        if not missing:
            continue
        # A row with neither is one mistake (one finding), not two.
        labels = [parts[part] for part in missing]
        yield Hit(
            indicator_field(k, missing[0]),
            ind.location,
            {
                "name": ind.label,
                "part_zh": "和".join(label.zh for label in labels),
                "part_en": " and ".join(label.en for label in labels),
            },
        )


@rule(
    "ZP207",
    "units-incompatible",
    Severity.WARNING,
    title=Text("指标值与实际值单位不一致", "Target and actual in incompatible units"),
    message=Text(
        "指标「{name}」的指标值单位为“{target_unit}”，实际值单位为“{actual_unit}”，无法比较",
        "「{name}」: target in {target_unit}, actual in {actual_unit}; they cannot be compared",
    ),
    what=Text(
        "指标值与实际值的单位是否属于同一类（金额、时间、百分比、数量），万元与元、天与小时可以换算。",
        "Whether target and actual units are of one kind (money, time, percent, count); 万元/元 and days/hours convert.",
    ),
    why=Text(
        "单位不同，完成情况无法计算，往往是填错了列或口径。",
        "Different units make completion uncomputable; often a wrong column or measure.",
    ),
    bad=Example(
        {"indicators[发布信息量].actual": "180万元"}, Text("目标按条计，实际写成万元", "target in 条, actual in 万元")
    ),
    good=Example({"indicators[发布信息量].actual": "180条"}, Text("单位一致", "same unit")),
)
def units_incompatible(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, ind in enumerate(form.indicators):
        if conflict := units_conflict(ind):
            yield Hit(
                indicator_field(k, "actual"),
                ind.actual.location,
                {"name": ind.label, "target_unit": conflict[0], "actual_unit": conflict[1]},
            )


# 调整 alone is as often the cause ("上级部门调整工作安排") as the remedy: only "及时调整" and its kin are measures.
MEASURE = re.compile(
    r"措施|下一步|下步|今后|将[^\s，。]{0,12}|计划|拟|加强|加快|加大|做好|提前|完善|优化|推进|督促|确保|争取|落实|改进"
    r"|(?:及时|适时|进一步|相应)调整|跟进|持续"
)


@rule(
    "ZP208",
    "note-without-measure",
    Severity.WARNING,
    title=Text("偏差说明缺少改进措施", "Deviation note without an improvement measure"),
    message=Text(
        "指标「{name}」的偏差说明只分析了原因，没有提出改进措施",
        "「{name}」: the deviation note gives a cause but no improvement measure",
    ),
    what=Text(
        "有偏差（未达标、扣分或大幅超额）的指标，其偏差原因分析及改进措施中是否有改进措施（“改进措施”“下一步”“将……”“加强”等）。",
        "For deviating indicators, whether the note names a measure (改进措施, 下一步, 将…, 加强 …).",
    ),
    why=Text(
        "栏目名称就是“偏差原因分析及改进措施”，只写原因不写措施是常见的退回理由。",
        "The column asks for cause and measure; a cause alone is a common reason to return a form.",
    ),
    bad=Example(
        {"indicators[软件配置完成率].note": "偏差原因分析：系统正处于试运行状态，还未正式运行。"},
        Text("只写了原因", "cause only"),
    ),
    good=Example({}, Text("原因之后写明“改进措施：加快推进系统建设……”", "a measure follows the cause")),
    confidence="high",
)
def note_without_measure(form: Form, fig: FormFigures) -> Iterator[Hit]:
    threshold = fig.profile.thresholds.over_achievement
    for k, (ind, exp) in enumerate(zip(form.indicators, fig.expectations)):
        if not has_note(ind):
            continue
        deviates = _shortfall(k, ind, exp, fig) or _over_achieved(ind, exp, threshold)
        if deviates and not MEASURE.search(ind.note.raw):
            yield Hit(indicator_field(k, "note"), ind.note.location, {"name": ind.label}, declared=ind.note.raw)


@rule(
    "ZP209",
    "full-score-partial-work",
    Severity.WARNING,
    title=Text("实际值表明未完全完成却得满分", "Full score while the actual says the work is partial"),
    message=Text(
        "指标「{name}」实际完成值为“{actual}”，表明工作未全部完成，却得满分 {score}",
        "「{name}」 actual reads “{actual}” — the work is not complete — yet scores full {score}",
    ),
    what=Text(
        "实际完成值含“基本”“部分”“未完成”“尚未”“试运行”等字样，而得分等于分值的指标。",
        "Indicators scored full whose actual value says 基本, 部分, 未完成, 尚未, 试运行 ….",
    ),
    why=Text(
        "定性指标无法按比例计算，措辞是唯一的依据；部分完成给满分是常见的虚高。",
        "Qualitative indicators have only their wording; full marks for partial work is a common inflation.",
    ),
    bad=Example(
        {"indicators[系统故障排除率].actual": "基本完成"}, Text("“基本完成”得满分", "基本完成 with full marks")
    ),
    good=Example({"indicators[系统故障排除率].actual": "100%"}, Text("全部完成", "fully done")),
    confidence="high",
)
def full_score_partial_work(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, ind in enumerate(form.indicators):
        score, weight = num(ind.score), num(ind.weight)
        actual = ind.actual_parsed
        if score is None or weight is None or actual is None or weight <= 0:
            continue
        if score >= weight - fig.tolerance and actual.completion in ("partial", "none"):
            yield Hit(
                indicator_field(k, "score"),
                ind.actual.location,
                {"name": ind.label, "actual": ind.actual.raw, "score": fmt(score)},
                declared=score,
            )
