"""Defects injected into clean synthetic forms, each with the findings it must raise.

A defect is a function of (rng, spec) that changes the form the way a real one goes wrong and
returns True, or returns False when this form offers it nothing to work on (the generator then tries
another). "before" defects change numbers, and `finalize` writes the rest of the form consistently
around them (the unit adds up its own wrong score, for example); "after" defects change text that is
already written. Each claims the parts it touches in `spec.used`, so two defects never collide, and
records its findings with `expect`.

Deterministic rules that no defect injects: ZP009 (a defect of ziping itself, not of a form), ZP214
(a layout with 单项得分 and 折算得分 columns, which the writers do not produce) and the `copied`
variant of ZP210 (every actual equal to its target: the generated targets carry comparators and
ranges, which trip the default variant first). File-level ZP001/ZP002 are injected by the corpus
writer (generate.py), not here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from random import Random

from ziping.synth import prose, vocab
from ziping.synth.build import LEVEL1_STANDARD, _split, computed_total, declared_total, grade_of
from ziping.synth.spec import EPS, FUND_ROWS, Expect, Ind, Spec, plain, rounded
from ziping.synth.vocab import EFFECT, OUTPUT, SATISFACTION


@dataclass(frozen=True, slots=True)
class Defect:
    kind: str
    phase: str  # "before" finalize or "after"
    codes: tuple[str, ...]  # the rules it is meant to exercise
    inject: Callable[[Random, Spec], bool]
    formats: frozenset[str] | None = None  # None: every format can carry it
    description: str = ""


def expect(spec: Spec, code: str, field: str, kind: str, description: str) -> None:
    spec.expects.append(Expect(code, field, kind, description))


def claim(spec: Spec, *parts: str) -> bool:
    """Claim parts of the form for one defect; False if another defect has one of them."""
    if any(p in spec.used for p in parts):
        return False
    spec.used.update(parts)
    return True


def honest(declared: float, exact: float, places: int) -> bool:
    """DESIGN.md §4: within 0.01 is correct, and so is rounding or truncating at the form's precision."""
    if abs(declared - exact) <= 0.01 + EPS:
        return True
    if places < 2:
        return any(abs(declared - rounded(exact, places, mode)) < EPS for mode in ("round", "truncate"))
    return False


def _choose(rng: Random, spec: Spec, test: Callable[[Ind], bool]) -> Ind | None:
    options = [ind for ind in spec.inds if f"ind:{ind.name}" not in spec.used and test(ind)]
    if not options:
        return None
    ind = rng.choice(options)
    spec.used.add(f"ind:{ind.name}")
    return ind


def quantitative(ind: Ind) -> bool:
    """A plain measured indicator (not one whose value follows from another part of the form)."""
    if ind.tpl.role or ind.kind not in ("at_least", "range", "at_most") or ind.actual is None:
        return False
    return ind.kind != "at_least" or ind.unit == "%" or ind.low >= 4


def make_short(rng: Random, ind: Ind, deep: bool = False) -> None:
    """Let the indicator miss its target (a clean shortfall: finalize scores it and writes its note)."""
    low = 0.5 if deep else 0.6
    high = 0.85 if deep else 0.95
    if ind.kind == "at_most":
        ind.actual = math.ceil(ind.high * rng.uniform(1 / high, 1 / low))
    elif ind.unit == "%":
        ind.actual = round(rng.uniform(ind.low * low, ind.low * high), 1)
    else:
        ind.actual = min(int(ind.low) - 1, max(0, math.floor(ind.low * rng.uniform(low, high))))


def _short_one(rng: Random, spec: Spec, kinds: tuple[str, ...] = ("at_least", "range", "at_most")) -> Ind | None:
    """A claimed quantitative indicator that misses its target clearly."""
    ind = _choose(rng, spec, lambda i: quantitative(i) and i.kind in kinds)
    if ind is not None:
        make_short(rng, ind, deep=True)
    return ind


# --- funds ----------------------------------------------------------------------------------------


def rate_miscomputed(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "rate"):
        return False
    rate = spec.funds.rate()
    wrong = rate + rng.choice((-1, 1)) * rng.uniform(1.5, 6)
    if rng.random() < 0.3 and rate < 99:
        wrong = spec.funds.rows["total"][1] / spec.funds.rows["total"][2] * 100  # budget ÷ executed
    spec.funds.rate_text = f"{wrong:.2f}"
    spec.funds.fixed_rate = True
    expect(spec, "ZP101", "funds.execution_rate", "rate_miscomputed", f"执行率写成 {wrong:.2f}，实为 {rate:.2f}")
    return True


def execution_score_miscomputed(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "rate", "exec_score"):
        return False
    funds, st = spec.funds, spec.style
    exact = funds.weight * min(funds.rate(), 100.0) / 100
    if st.places == 0:
        wrong = math.floor(exact) - 1.0
    elif exact < funds.weight - 0.3 and rng.random() < 0.5:
        wrong = funds.weight  # full marks for a rate under 100%
    else:
        wrong = rounded(max(0.0, exact - rng.uniform(0.3, 1.5)), st.places, "round")
    if honest(wrong, exact, st.places):
        return False
    funds.score, funds.score_text, funds.fixed_score = wrong, st.score(wrong), True
    expect(
        spec, "ZP102", "funds.execution_score", "execution_score_miscomputed", f"执行率得分 {wrong}，应为 {exact:.2f}"
    )
    return True


def funds_rows_mismatch(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "funds_rows"):
        return False
    column = rng.randrange(3)
    row = rng.choice(("fiscal", "fiscal", "carryover"))
    fen = spec.funds.rows[row][column]
    grain = 1_000_000 if spec.style.money_unit == "万元" else 100
    delta = max(grain, fen * rng.randint(2, 15) // 100 // grain * grain)
    changed = fen - delta if fen > delta else fen + delta
    spec.funds.texts = {r: [spec.amount_text(v) for v in spec.funds.rows[r]] for r in FUND_ROWS}
    spec.funds.texts[row][column] = spec.amount_text(changed)
    spec.funds.fixed_texts = True
    part = ("initial_budget", "budget", "executed")[column]
    expect(spec, "ZP103", f"funds.total.{part}", "funds_rows_mismatch", f"{row} 行{part}改为 {changed / 100:.2f} 元")
    return True


def _scale_executed(spec: Spec, share: float) -> None:
    grain = 10_000 if spec.style.money_unit == "万元" else 1
    rows = spec.funds.rows
    for row in ("fiscal", "carryover", "other"):
        rows[row][2] = int(rows[row][1] * share) // grain * grain
    rows["total"][2] = sum(rows[r][2] for r in ("fiscal", "carryover", "other"))


def executed_over_budget(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "rate"):
        return False
    _scale_executed(spec, rng.uniform(1.02, 1.12))
    expect(spec, "ZP104", "funds.total.executed", "executed_over_budget", f"执行率 {spec.funds.rate():.2f}%")
    return True


def budget_adjusted(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "initial"):
        return False
    grain = 10_000 if spec.style.money_unit == "万元" else 1
    rows = spec.funds.rows
    rows["fiscal"][0] = int(rows["fiscal"][1] * rng.uniform(0.7, 0.95)) // grain * grain
    rows["total"][0] = sum(rows[r][0] for r in ("fiscal", "carryover", "other"))
    expect(spec, "ZP105", "funds.total.initial_budget", "budget_adjusted", "年初预算数小于全年预算数（提示）")
    return True


def low_execution_unexplained(rng: Random, spec: Spec) -> bool:
    if any(ind.tpl.role == "funds_rate" for ind in spec.inds) or not claim(spec, "rate", "narrative_funds"):
        return False
    _scale_executed(spec, rng.uniform(0.6, 0.88))
    spec.fixed.add("no_funds_note")
    expect(
        spec, "ZP106", "funds.execution_rate", "low_execution_unexplained", f"执行率 {spec.funds.rate():.2f}%，未说明"
    )
    return True


# --- indicator scores -----------------------------------------------------------------------------


def _set_score(spec: Spec, ind: Ind, value: float) -> None:
    ind.score, ind.score_text, ind.fixed_score = value, spec.style.score(value), True


def score_over_weight(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: i.met() is not False and i.kind != "qualitative")
    if ind is None:
        return False
    value = ind.weight + rng.randint(1, 5)
    _set_score(spec, ind, value)
    expect(spec, "ZP201", spec.ind_field(ind, "score"), "score_over_weight", f"分值 {plain(ind.weight)}，得分 {value}")
    return True


def score_inflated(rng: Random, spec: Spec) -> bool:
    ind = _short_one(rng, spec)
    if ind is None:
        return False
    exact, places = ind.earned(), spec.style.places
    value = ind.weight if rng.random() < 0.6 else min(ind.weight, rounded(exact + rng.uniform(1, 3), places, "round"))
    if value < exact or honest(value, exact, places):
        value = ind.weight
    if honest(value, exact, places):
        return False
    _set_score(spec, ind, value)
    expect(spec, "ZP202", spec.ind_field(ind, "score"), "score_inflated", f"应得 {exact:.2f}，填 {value}")
    return True


def score_understated(rng: Random, spec: Spec) -> bool:
    # An upper bound missed allows any deduction (DESIGN.md §4): understating needs a floor or a range.
    ind = _short_one(rng, spec, ("at_least", "range"))
    if ind is None:
        return False
    exact, places = ind.earned(), spec.style.places
    value = (
        max(0.0, math.floor(exact) - rng.randint(1, 3))
        if places == 0
        else rounded(exact - rng.uniform(0.5, 3), places, "round")
    )
    if value < 0 or honest(value, exact, places):
        return False
    _set_score(spec, ind, value)
    expect(spec, "ZP203", spec.ind_field(ind, "score"), "score_understated", f"应得 {exact:.2f}，填 {value}")
    return True


def rounding_defect(rng: Random, spec: Spec) -> bool:
    """A form that writes two decimals rounds one score to whole points: not its precision, so a defect.

    Not on a missed upper bound: any deduction up to the lenient score is accepted there (DESIGN.md §4).
    """
    if spec.style.score_format != "2dp":
        return False
    ind = _short_one(rng, spec, ("at_least", "range"))
    if ind is None:
        return False
    exact = ind.earned()
    value = float(math.floor(exact + 0.5))
    if abs(value - exact) <= 0.011 or value > ind.weight:
        return False
    ind.score, ind.score_text, ind.fixed_score = value, f"{value:.0f}", True
    code = "ZP202" if value > exact else "ZP203"
    expect(
        spec, code, spec.ind_field(ind, "score"), "rounding_defect", f"两位小数的表把 {exact:.3f} 写成整数 {value:.0f}"
    )
    return True


# --- indicator values and notes -------------------------------------------------------------------


def shortfall_unexplained(rng: Random, spec: Spec) -> bool:
    ind = _short_one(rng, spec)
    if ind is None:
        return False
    ind.note, ind.fixed_note = None, True
    expect(spec, "ZP204", spec.ind_field(ind, "note"), "shortfall_unexplained", "未完成却没有偏差说明")
    return True


def over_achievement(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: quantitative(i) and i.kind in ("at_least", "range") and i.unit != "%")
    if ind is None:
        return False
    top = ind.high if ind.kind == "range" else ind.low
    ind.actual = math.ceil(top * rng.uniform(1.3, 2.0))
    ind.note, ind.fixed_note = None, True
    expect(
        spec,
        "ZP205",
        spec.ind_field(ind, "actual"),
        "over_achievement",
        f"目标 {plain(top)}，实际 {plain(ind.actual)}，未说明",
    )
    return True


def value_missing(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: True)
    if ind is None:
        return False
    ind.actual_text, ind.fixed_actual = "", True
    spec.mentions = [(k, n) for k, n in spec.mentions if spec.inds[k] is not ind]
    expect(spec, "ZP206", spec.ind_field(ind, "actual"), "value_missing", "实际完成值为空")
    return True


def units_incompatible(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: quantitative(i) and i.kind in ("at_least", "range"))
    if ind is None:
        return False
    # The same number in a unit of another kind: only the unit is wrong, so the narrative still agrees.
    unit = "人" if ind.unit == "%" else rng.choice(("小时", "天"))
    ind.actual_text, ind.fixed_actual = f"{plain(ind.actual)}{unit}", True
    expect(spec, "ZP207", spec.ind_field(ind, "actual"), "units_incompatible", f"目标单位 {ind.unit}，实际写成 {unit}")
    return True


def note_without_measure(rng: Random, spec: Spec) -> bool:
    ind = _short_one(rng, spec)
    if ind is None:
        return False
    ind.note, ind.fixed_note = prose.note(rng, measure=False), True
    expect(spec, "ZP208", spec.ind_field(ind, "note"), "note_without_measure", "偏差说明只有原因，没有改进措施")
    return True


def partial_full_score(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: i.kind == "qualitative")
    if ind is None:
        return False
    ind.qualitative_actual = rng.choice(vocab.PARTIAL_ACTUALS)
    expect(spec, "ZP209", spec.ind_field(ind, "score"), "partial_full_score", f"“{ind.qualitative_actual}”却得满分")
    return True


def actual_is_target(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: quantitative(i) and i.kind == "at_least")
    if ind is None:
        return False
    ind.actual = ind.low
    ind.actual_text, ind.fixed_actual = f"≥{plain(ind.low)}{ind.unit or ''}", True
    expect(spec, "ZP210", spec.ind_field(ind, "actual"), "actual_is_target", f"实际值写成“{ind.actual_text}”")
    return True


def actual_is_word(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, quantitative)
    if ind is None:
        return False
    ind.actual_text, ind.fixed_actual = rng.choice(vocab.WORD_ACTUALS), True
    spec.mentions = [(k, n) for k, n in spec.mentions if spec.inds[k] is not ind]
    expect(spec, "ZP211", spec.ind_field(ind, "actual"), "actual_is_word", f"量化目标，实际值写“{ind.actual_text}”")
    return True


def direction_reversed(rng: Random, spec: Spec) -> bool:
    counts = [i for i in spec.inds if quantitative(i) and i.level2 == "数量指标" and i.kind == "at_least"]
    costs = [i for i in spec.inds if quantitative(i) and i.level2 == "成本指标" and i.unit in ("元", "万元")]
    ind = _choose(rng, spec, lambda i: i in counts or i in costs)
    if ind is None:
        return False
    if ind in counts:  # a quantity capped from above; the actual meets it either way
        ind.actual = ind.low
        ind.target_text, ind.fixed_target = f"≤{plain(ind.low)}{ind.unit}", True
    else:  # a cost floored from below
        ind.actual = ind.high
        ind.target_text, ind.fixed_target = f"≥{plain(ind.high)}{ind.unit}", True
    expect(spec, "ZP212", spec.ind_field(ind, "target"), "direction_reversed", f"指标值写成“{ind.target_text}”")
    return True


def rate_as_heads(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: i.level1 == SATISFACTION and i.unit == "%")
    if ind is None:
        return False
    ind.unit = "人"
    ind.low = float(rng.randint(200, 2000))
    ind.actual = ind.low + rng.randint(0, int(ind.low * 0.1))
    ind.target_text, ind.fixed_target = f"≥{plain(ind.low)}人", True
    expect(spec, "ZP213", spec.ind_field(ind, "target"), "rate_as_heads", "满意度指标以人数填报（提示）")
    return True


# --- structure and totals -------------------------------------------------------------------------


def level1_off_profile(rng: Random, spec: Spec) -> bool:
    counts = {l1: sum(1 for i in spec.inds if i.level1 == l1) for l1 in LEVEL1_STANDARD}
    options = [w for w in ((60, 20, 10), (40, 40, 10), (50, 20, 20), (45, 35, 10), (55, 30, 5)) if all(
        w[k] >= 2 * counts[l1] for k, l1 in enumerate(LEVEL1_STANDARD))]  # fmt: skip
    # New weights change every score: only before any other defect has fixed one.
    if not options or any(p.startswith("ind:") for p in spec.used) or not claim(spec, "weights", "level1"):
        return False
    chosen = dict(zip(LEVEL1_STANDARD, rng.choice(options)))
    for level1, total in chosen.items():
        members = [i for i in spec.inds if i.level1 == level1]
        for ind, weight in zip(members, _split(rng, total, len(members))):
            ind.weight = weight
        if total != LEVEL1_STANDARD[level1]:
            expect(spec, "ZP301", f"level1[{level1}].weight", "level1_off_profile", f"{level1} {total} 分")
    return True


def level1_sum_mismatch(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "weights", "level1"):
        return False
    if rng.random() < 0.5:  # a typo in one header
        level1 = rng.choice(list(LEVEL1_STANDARD))
        declared = LEVEL1_STANDARD[level1] + rng.choice((-5, 5))
        spec.level1_texts = {l1: plain(w) for l1, w in LEVEL1_STANDARD.items()}
        spec.level1_texts[level1] = plain(declared)
        spec.fixed.add("level1")
        # One typo, one finding: the indicators still make the standard weight, so the header alone is off
        # and ZP302 says so (ZP301 would only repeat it).
        expect(spec, "ZP302", f"level1[{level1}].weight", "level1_sum_mismatch", f"{level1}标注 {declared} 分")
        return True
    free = [i for i in spec.inds if f"ind:{i.name}" not in spec.used]  # a defect may have fixed a score
    giver = [i for i in free if i.level1 == OUTPUT and i.weight >= 4]
    taker = [i for i in free if i.level1 in (EFFECT, SATISFACTION)]
    if not giver or not taker:
        return False
    a, b = rng.choice(giver), rng.choice(taker)
    spec.used.update((f"ind:{a.name}", f"ind:{b.name}"))
    moved = rng.randint(1, int(a.weight) // 2)
    a.weight -= moved
    b.weight += moved
    spec.level1_texts = {l1: plain(w) for l1, w in LEVEL1_STANDARD.items()}
    spec.fixed.add("level1")
    for level1 in (OUTPUT, b.level1):
        expect(spec, "ZP302", f"level1[{level1}].weight", "level1_sum_mismatch", f"{moved} 分从产出挪到了{b.level1}")
    return True


def total_leaves_out_execution(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "total_weight", "total_score"):
        return False
    st = spec.style
    indicators = declared_total(spec) - Decimal(str(spec.funds.score))
    if rng.random() < 0.25:  # only the execution part (seed form 2)
        spec.total_weight_text, spec.total_score_text = st.weight(spec.funds.weight), st.score(spec.funds.score)
    else:  # the indicators without the execution points (seed form 1)
        weight = sum(ind.weight for ind in spec.inds)
        spec.total_weight_text, spec.total_score_text = st.weight(weight), st.score(float(indicators))
    expect(spec, "ZP303", "total.weight", "total_leaves_out_execution", f"总分分值 {spec.total_weight_text}")
    expect(spec, "ZP304", "total.score", "total_leaves_out_execution", f"总分得分 {spec.total_score_text}")
    return True


def total_score_wrong(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "total_score"):
        return False
    true = float(declared_total(spec))
    step = rng.randint(1, 3) if spec.style.places == 0 else rng.uniform(0.5, 3)
    wrong = rounded(true + rng.choice((-1, 1)) * step, spec.style.places, "round")
    spec.total_score_text = spec.style.score(wrong)
    expect(spec, "ZP304", "total.score", "total_score_wrong", f"总分得分 {wrong}，合计 {true}")
    return True


def total_weight_wrong(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "total_weight"):
        return False
    spec.total_weight_text = rng.choice(("110", "95", "120", "80"))
    expect(spec, "ZP303", "total.weight", "total_weight_wrong", f"总分分值 {spec.total_weight_text}")
    return True


def grade_mismatch(rng: Random, spec: Spec) -> bool:
    honest_grade = grade_of(spec)
    if honest_grade is None or not claim(spec, "grade"):
        return False
    spec.grade = rng.choice([g for g in "优良中差" if g != honest_grade])
    expect(spec, "ZP305", "grade", "grade_mismatch", f"总分 {computed_total(spec):.2f} 评为“{spec.grade}”")
    return True


# --- cross-field ----------------------------------------------------------------------------------


def completion_rate_contradicted(rng: Random, spec: Spec) -> bool:
    rate = next((i for i in spec.inds if i.tpl.role == "completion"), None)
    if rate is None or f"ind:{rate.name}" in spec.used:
        return False
    other = _choose(rng, spec, lambda i: quantitative(i) and i.level1 == OUTPUT and i.level2 != "成本指标")
    if other is None:
        return False
    make_short(rng, other, deep=True)
    spec.used.add(f"ind:{rate.name}")
    rate.actual, rate.fixed_actual = 100.0, True
    rate.actual_text = "100%"
    expect(spec, "ZP401", spec.ind_field(rate, "actual"), "completion_rate_contradicted", f"「{other.name}」未完成")
    return True


def funds_indicator_mismatch(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: i.tpl.role in ("funds_rate", "funds_amount"))
    if ind is None or not claim(spec, "rate"):
        return False
    rows = spec.funds.rows
    if ind.tpl.role == "funds_rate":
        if spec.funds.rate() > 99.5:
            _scale_executed(spec, rng.uniform(0.9, 0.98))
        ind.actual, ind.fixed_actual = 100.0, True
        ind.actual_text = "100%"
    else:
        scale = 1_000_000 if ind.unit == "万元" else 100
        ind.high = rows["total"][1] / scale
        ind.actual = round(rows["total"][2] / scale * rng.uniform(0.7, 0.95), 2)
        ind.actual_text, ind.fixed_actual = f"{plain(ind.actual)}{ind.unit}", True
    expect(
        spec,
        "ZP402",
        spec.ind_field(ind, "actual"),
        "funds_indicator_mismatch",
        f"实际值 {ind.actual_text} 与资金表不符",
    )
    return True


def completed_late(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: i.kind == "deadline")
    if ind is None:
        return False
    ind.done = ind.deadline + timedelta(days=rng.randint(5, 60))
    expect(spec, "ZP403", spec.ind_field(ind, "actual"), "completed_late", f"{ind.done} 完成，时限 {ind.deadline}")
    return True


def stale_deadline(rng: Random, spec: Spec) -> bool:
    ind = _choose(rng, spec, lambda i: i.kind == "deadline")
    if ind is None:
        return False
    ind.deadline = ind.deadline.replace(year=spec.year - 1)
    ind.done = ind.deadline - timedelta(days=rng.randint(0, 60))
    expect(spec, "ZP404", spec.ind_field(ind, "target"), "stale_deadline", f"{spec.year} 年的表，时限 {ind.deadline}")
    return True


def stale_goal(rng: Random, spec: Spec) -> bool:
    # "2023年…项目" names the year itself; a form without its year has nothing to be stale against.
    if str(spec.year) in spec.project or "year" in spec.missing or not claim(spec, "goal"):
        return False
    spec.expected_goal = prose.expected_goal(rng, spec, with_breakdown=False, years=(spec.year - 1,))
    spec.fixed.add("goal")
    expect(spec, "ZP404", "goals.expected", "stale_goal", f"预期目标只写 {spec.year - 1} 年")
    return True


# --- narrative ------------------------------------------------------------------------------------


def narrative_number_changed(rng: Random, spec: Spec) -> bool:
    mentions = [(k, n) for k, n in spec.mentions if f"ind:{spec.inds[k].name}" not in spec.used]
    if not mentions or not claim(spec, "narrative"):
        return False
    k, number = rng.choice(mentions)
    ind = spec.inds[k]
    spec.used.add(f"ind:{ind.name}")  # its actual must stay as the narrative misquotes it
    phrase = ind.tpl.phrase.format(n=number, u=ind.unit)
    if spec.narrative.count(phrase) != 1:
        return False
    value = float(number)
    changed = plain(value + rng.choice((-1, 1)) * max(1, math.ceil(value * rng.uniform(0.05, 0.3))))
    if changed == number or float(changed) < 0:
        return False
    spec.narrative = spec.narrative.replace(phrase, ind.tpl.phrase.format(n=changed, u=ind.unit))
    expect(
        spec,
        "ZP501",
        "goals.actual",
        "narrative_number_changed",
        f"叙述写 {changed}{ind.unit}，「{ind.name}」为 {number}",
    )
    return True


def narrative_claims_completion(rng: Random, spec: Spec) -> bool:
    short = [ind for ind in spec.inds if ind.met() is False and f"ind:{ind.name}" not in spec.used]
    if not short or not claim(spec, "narrative"):
        return False
    spec.used.add(f"ind:{short[0].name}")  # the shortfall the claim contradicts must stay readable
    spec.narrative = spec.narrative.rstrip("。") + "，" + rng.choice(vocab.CLAIMS) + "。"
    expect(spec, "ZP502", "goals.actual", "narrative_claims_completion", f"称全部完成，「{short[0].name}」未完成")
    return True


def narrative_copies_goal(rng: Random, spec: Spec) -> bool:
    if spec.funds.rate() < 90 or not claim(spec, "narrative", "narrative_funds", "goal"):
        return False
    spec.narrative = spec.expected_goal
    spec.mentions = []
    expect(spec, "ZP503", "goals.actual", "narrative_copies_goal", "实际完成情况照抄预期目标")
    return True


def money_parts_mismatch(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "goal"):
        return False
    total = spec.funds.rows["total"][1]
    off = max(100_00, total * rng.randint(2, 10) // 100 // 100 * 100) * rng.choice((-1, 1))
    spec.expected_goal = spec.expected_goal + "\n" + prose.breakdown(rng, total, off_by=off)
    spec.fixed.add("goal")
    expect(spec, "ZP504", "goals.expected", "money_parts_mismatch", f"分项之和差 {abs(off) / 100:.2f} 元")
    return True


def template_text(rng: Random, spec: Spec) -> bool:
    met = [i for i in spec.inds if i.met() is not False and i.over() <= 0.2 and f"ind:{i.name}" not in spec.used]
    if met and rng.random() < 0.4:
        ind = rng.choice(met)
        spec.used.add(f"ind:{ind.name}")
        ind.note, ind.fixed_note = vocab.TEMPLATE_NOTE_HINT, True
        expect(spec, "ZP005", spec.ind_field(ind, "note"), "template_text", "偏差说明栏留着模板提示语")
        return True
    if spec.funds.rate() < 90 or not claim(spec, "narrative", "narrative_funds"):
        return False
    spec.narrative = rng.choice(vocab.TEMPLATE_HINTS)
    spec.mentions = []
    expect(spec, "ZP005", "goals.actual", "template_text", "实际完成情况栏留着模板提示语")
    return True


# --- input ----------------------------------------------------------------------------------------


def not_a_number(rng: Random, spec: Spec) -> bool:
    # A score that is no number leaves the sums unknown: no total or grade defect can share the form.
    if "total_score" in spec.used or "grade" in spec.used:
        return False
    ind = _choose(rng, spec, lambda i: i.met() is not False and i.over() <= 0.2)
    if ind is None or not claim(spec, "total_score", "grade"):
        return False
    ind.score, ind.score_text, ind.fixed_score = ind.weight, "满分", True
    expect(spec, "ZP004", spec.ind_field(ind, "score"), "not_a_number", "得分写成“满分”")
    return True


def required_missing(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "header"):
        return False
    name = rng.choice(("project_name", "year"))
    if name == "year" and any(e.code == "ZP404" for e in spec.expects):
        name = "project_name"  # a form without a year would also silence ZP404 on its deadline
    spec.missing.add(name)
    expect(spec, "ZP003", f"header.{name}", "required_missing", f"表头缺少 {name}")
    return True


def unplaced_text(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "unread"):
        return False
    spec.unread.append(rng.choice(vocab.UNPLACED))
    expect(spec, "ZP010", "unread", "unplaced_text", f"总分行后多出“{spec.unread[-1]}”（提示）")
    return True


def unverified(rng: Random, spec: Spec) -> bool:
    if not claim(spec, "unverified"):
        return False
    path = rng.choice(("funds.total.executed", "total.score", "funds.execution_rate"))
    spec.unverified.append(path)
    expect(spec, "ZP011", path, "unverified", "由模型提取、原文找不到的数值")
    return True


TEXTUAL = frozenset({"txt", "json", "xlsx"})
DEFECTS = (
    Defect("rate_miscomputed", "after", ("ZP101",), rate_miscomputed),
    Defect("execution_score_miscomputed", "before", ("ZP102",), execution_score_miscomputed),
    Defect("funds_rows_mismatch", "after", ("ZP103",), funds_rows_mismatch),
    Defect("executed_over_budget", "before", ("ZP104",), executed_over_budget),
    Defect("budget_adjusted", "before", ("ZP105",), budget_adjusted),
    Defect("low_execution_unexplained", "before", ("ZP106",), low_execution_unexplained),
    Defect("score_over_weight", "before", ("ZP201",), score_over_weight),
    Defect("score_inflated", "before", ("ZP202",), score_inflated),
    Defect("score_understated", "before", ("ZP203",), score_understated),
    Defect("rounding_defect", "before", ("ZP202", "ZP203"), rounding_defect),
    Defect("shortfall_unexplained", "before", ("ZP204",), shortfall_unexplained),
    Defect("over_achievement", "before", ("ZP205",), over_achievement),
    Defect("value_missing", "after", ("ZP206",), value_missing),
    Defect("units_incompatible", "after", ("ZP207",), units_incompatible),
    Defect("note_without_measure", "before", ("ZP208",), note_without_measure),
    Defect("partial_full_score", "before", ("ZP209",), partial_full_score),
    Defect("actual_is_target", "before", ("ZP210",), actual_is_target),
    Defect("actual_is_word", "after", ("ZP211",), actual_is_word),
    Defect("direction_reversed", "before", ("ZP212",), direction_reversed),
    Defect("rate_as_heads", "before", ("ZP213",), rate_as_heads),
    Defect("level1_off_profile", "before", ("ZP301",), level1_off_profile),
    Defect("level1_sum_mismatch", "before", ("ZP302",), level1_sum_mismatch),
    Defect("total_leaves_out_execution", "after", ("ZP303", "ZP304"), total_leaves_out_execution),
    Defect("total_score_wrong", "after", ("ZP304",), total_score_wrong),
    Defect("total_weight_wrong", "after", ("ZP303",), total_weight_wrong),
    Defect("grade_mismatch", "after", ("ZP305",), grade_mismatch),
    Defect("completion_rate_contradicted", "before", ("ZP401",), completion_rate_contradicted),
    Defect("funds_indicator_mismatch", "before", ("ZP402",), funds_indicator_mismatch),
    Defect("completed_late", "before", ("ZP403",), completed_late),
    Defect("stale_deadline", "before", ("ZP404",), stale_deadline),
    Defect("stale_goal", "after", ("ZP404",), stale_goal),
    Defect("narrative_number_changed", "after", ("ZP501",), narrative_number_changed),
    Defect("narrative_claims_completion", "after", ("ZP502",), narrative_claims_completion),
    Defect("narrative_copies_goal", "after", ("ZP503",), narrative_copies_goal),
    Defect("money_parts_mismatch", "after", ("ZP504",), money_parts_mismatch),
    Defect("template_text", "after", ("ZP005",), template_text),
    Defect("not_a_number", "before", ("ZP004",), not_a_number),
    Defect("required_missing", "after", ("ZP003",), required_missing),
    Defect("unplaced_text", "after", ("ZP010",), unplaced_text, formats=TEXTUAL),
    Defect("unverified", "after", ("ZP011",), unverified, formats=frozenset({"json"})),
)
BY_KIND = {d.kind: d for d in DEFECTS}
