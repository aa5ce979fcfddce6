"""Clean synthetic forms: drawn at random, then made consistent by `finalize`.

`build` draws what a form is about (project, funds, indicators, targets, what was achieved);
`finalize` writes everything that follows from those numbers the way an honest unit would: the
execution rate and its score, each indicator's score and deviation note, the level-1 weights, the
narrative, the totals and the grade. Defects change numbers before `finalize` or text after it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from random import Random

from ziping.synth import prose, vocab
from ziping.synth.spec import EPS, FUND_ROWS, Funds, Ind, Spec, Style, plain, rounded
from ziping.synth.vocab import EFFECT, OUTPUT, SATISFACTION, TEMPLATES, Template

LEVEL1_STANDARD = {OUTPUT: 50, EFFECT: 30, SATISFACTION: 10}
GRADE_BANDS = (("优", 90), ("良", 80), ("中", 60), ("差", 0))
BY_LEVEL2: dict[tuple[str, str], list[Template]] = {}
for _t in TEMPLATES:
    BY_LEVEL2.setdefault((_t.level1, _t.level2), []).append(_t)


def style(rng: Random) -> Style:
    """An honest form's writing habits."""
    score_format = rng.choices(("2dp", "2min", "1dp", "whole"), (45, 30, 5, 20))[0]
    return Style(
        score_format=score_format,
        rounding=rng.choice(("round", "truncate")),
        weight_format=rng.choice(("int", "2dp")),
        score_suffix=rng.random() < 0.15,
        rate_places=rng.choices((2, 4, 0), (80, 12, 8))[0],
        thousands=rng.random() < 0.15,
        money_unit="万元" if rng.random() < 0.12 else "元",
        budget_label=rng.choice(("一级预算单位", "一级预算单位", "主管部门")),
    )


def build(rng: Random, form_id: str) -> Spec:
    """A clean form's substance: who, how much money, which indicators, what was achieved."""
    year = rng.choice((2021, 2022, 2023, 2023, 2024))
    st = style(rng)
    district, department = rng.choice(vocab.DISTRICTS), rng.choice(vocab.DEPARTMENTS)
    unit = f"{district}{department}"
    project = rng.choice(vocab.PROJECTS)
    if rng.random() < 0.2:
        project = f"{year}年{project}"
    spec = Spec(
        id=form_id,
        year=year,
        code="".join(rng.choice("0123456789") for _ in range(rng.choice((18, 21)))),
        project=project,
        implementing_unit=unit + rng.choice(vocab.SUBUNITS),
        budget_unit=unit,
        theme=rng.choice(vocab.THEMES),
        funds=_funds(rng, st),
        inds=[],
        style=st,
    )
    spec.inds = _indicators(rng, spec)
    return spec


def _funds(rng: Random, st: Style) -> Funds:
    # 万元 tables write two decimals of 万元: amounts are whole hundreds of yuan there.
    grain = 10_000 if st.money_unit == "万元" else 1
    budget = rng.randint(50_000_00, 30_000_000_00) // grain * grain
    carry = rng.randint(5, 30) * budget // 100 // grain * grain if rng.random() < 0.2 else 0
    other = rng.randint(2, 15) * budget // 100 // grain * grain if rng.random() < 0.1 else 0
    fiscal = budget - carry - other
    if rng.random() < 0.85:
        share = rng.uniform(0.9, 1.0) if rng.random() < 0.9 else 1.0
    else:
        share = rng.uniform(0.8, 0.9)  # low execution, explained in the narrative
    if share >= 0.9999:
        share = 1.0  # 99.996% would print as 100.00% and be no rate at all

    def spent(amount: int) -> int:
        return min(amount, int(amount * share) // grain * grain)

    rows = {
        "fiscal": [fiscal, fiscal, spent(fiscal)],
        "carryover": [carry, carry, spent(carry)],
        "other": [other, other, spent(other)],
    }
    rows["total"] = [sum(rows[r][k] for r in ("fiscal", "carryover", "other")) for k in range(3)]
    return Funds(rows={row: rows[row] for row in FUND_ROWS})


def _split(rng: Random, total: int, parts: int) -> list[int]:
    """`total` points over `parts` indicators, each at least 2; multiples of 5 when they fit."""
    step = 5 if total % 5 == 0 and total // 5 >= parts and rng.random() < 0.6 else 1
    base = 5 if step == 5 else 2
    sizes = [base] * parts
    for _ in range((total - base * parts) // step):
        sizes[rng.randrange(parts)] += step
    return sizes


def _pick(
    rng: Random, level1: str, level2: str, taken: set[str], count: int = 1, test: Callable[[Template], bool] = bool
) -> list[Template]:
    pool = [t for t in BY_LEVEL2.get((level1, level2), []) if t.name not in taken and test(t)]
    chosen = rng.sample(pool, min(count, len(pool)))
    taken.update(t.name for t in chosen)
    return chosen


def _indicators(rng: Random, spec: Spec) -> list[Ind]:
    taken: set[str] = set()
    output = _pick(rng, OUTPUT, "数量指标", taken, rng.randint(1, 3))
    if rng.random() < 0.8:
        output += _pick(rng, OUTPUT, "质量指标", taken, rng.randint(1, 2), lambda t: not t.role)
    if rng.random() < 0.35:  # 项目完成率, as common on real forms as it is telling (ZP401)
        output += _pick(rng, OUTPUT, "质量指标", taken, 1, lambda t: t.role == "completion")
    if rng.random() < 0.75:
        deadline = rng.random() < 0.6  # 项目完成时间 is the usual timeliness indicator
        output += _pick(rng, OUTPUT, "时效指标", taken, 1, lambda t: (t.kind == "deadline") == deadline)
    if rng.random() < 0.8:
        output += _pick(rng, OUTPUT, "成本指标", taken, rng.randint(1, 2))
    roles = [t.role for t in output if t.role]
    if len(roles) != len(set(roles)):  # one indicator per derived role: two funds rates say one thing
        seen: set[str] = set()
        output = [t for t in output if not t.role or (t.role not in seen and not seen.add(t.role))]
    effect_level2 = ["社会效益指标"] + rng.sample(["经济效益指标", "生态效益指标", "可持续影响指标"], rng.randint(0, 2))
    effect_level2.sort(key=vocab.LEVEL2_ORDER[EFFECT].index)
    effect = [t for l2 in effect_level2 for t in _pick(rng, EFFECT, l2, taken)]
    satisfaction = _pick(rng, SATISFACTION, "服务对象满意度指标", taken)
    if rng.random() < 0.25:
        satisfaction += _pick(rng, SATISFACTION, "其他满意度指标", taken)
    inds: list[Ind] = []
    for level1, templates in ((OUTPUT, output), (EFFECT, effect), (SATISFACTION, satisfaction)):
        weights = _split(rng, LEVEL1_STANDARD[level1], len(templates))
        for tpl, weight in zip(templates, weights):
            inds.append(_indicator(rng, spec, tpl, weight))
    return inds


def _indicator(rng: Random, spec: Spec, tpl: Template, weight: float) -> Ind:
    ind = Ind(tpl=tpl, name=tpl.name, weight=weight, unit=tpl.unit)
    roll = rng.random()
    if tpl.kind == "at_least" and tpl.unit == "%":
        choices = [v for v in (80, 85, 90, 95, 98, 100) if tpl.low <= v <= tpl.high] or [tpl.high]
        ind.low = rng.choice(choices)
        if tpl.role:
            return ind  # its actual follows from the funds table or the other outputs
        if roll < 0.15 and ind.low > 60:
            ind.actual = round(rng.uniform(ind.low * 0.85, ind.low - 0.5), 1)
        else:
            ind.actual = 100.0 if ind.low >= 100 else round(rng.uniform(ind.low, 100), rng.choice((0, 1, 2)))
    elif tpl.kind == "at_least":
        ind.low = rng.randint(int(tpl.low), int(tpl.high))
        ind.actual = _count_actual(rng, ind, ind.low, roll)
    elif tpl.kind == "range":
        ind.low, ind.high = tpl.low, tpl.high
        if roll < 0.15:
            ind.actual = rng.randint(int(ind.low * 0.6), int(ind.low) - 1)
        elif roll < 0.22:
            ind.actual = math.ceil(ind.high * rng.uniform(1.25, 1.8))
            ind.over_ok = True
        else:
            ind.actual = rng.randint(int(ind.low), int(ind.high * 1.15))
    elif tpl.kind == "at_most":
        if tpl.role:
            return ind
        ind.high = rng.randint(int(tpl.low), int(tpl.high))
        if roll < 0.12:
            ind.actual = math.ceil(ind.high * rng.uniform(1.1, 1.6))
        else:
            ind.actual = rng.randint(max(1, int(ind.high) // 3), int(ind.high))
    elif tpl.kind == "deadline":
        month = rng.choice((12, 12, 12, 11, 10))
        last = (date(spec.year + 1, 1, 1) if month == 12 else date(spec.year, month + 1, 1)) - timedelta(days=1)
        ind.deadline = last
        ind.done = last - timedelta(days=rng.randint(0, 90))
    else:
        ind.qualitative_target = rng.choice(vocab.QUALITATIVE_TARGETS)
        ind.qualitative_actual = rng.choice(vocab.QUALITATIVE_ACTUALS)
    return ind


def _count_actual(rng: Random, ind: Ind, target: float, roll: float) -> float:
    if roll < 0.15 and target >= 2:
        return rng.randint(max(0, int(target * 0.6)), int(target) - 1)
    if roll < 0.2 and target >= 4:
        ind.over_ok = True
        return math.ceil(target * rng.uniform(1.25, 1.8))
    return rng.randint(int(target), int(target + max(0, target * 0.15)))


# --- writing it down -----------------------------------------------------------------------------


def finalize(rng: Random, spec: Spec) -> None:
    """Write every figure and text that follows from the numbers, except what a defect already wrote."""
    st = spec.style
    funds = spec.funds
    rate = funds.rate()
    if not funds.fixed_texts:
        funds.texts = {row: [spec.amount_text(v) for v in funds.rows[row]] for row in FUND_ROWS}
    if not funds.fixed_rate:
        funds.rate_text = _rate_text(rate, st)
    if not funds.fixed_score:
        funds.score = rounded(funds.weight * min(rate, 100.0) / 100, st.places, st.rounding)
        funds.score_text = st.score(funds.score)
    for ind in spec.inds:
        _derive(spec, ind, rate)
        _texts(rng, spec, ind)
        if not ind.fixed_score:
            exact = ind.earned()
            ind.score = ind.weight if abs(exact - ind.weight) < EPS else rounded(exact, st.places, st.rounding)
            ind.score_text = st.score(ind.score, suffix=True)
        if not ind.fixed_note:
            ind.note = _note(rng, ind)
    if "level1" not in spec.fixed:
        for level1 in (OUTPUT, EFFECT, SATISFACTION):
            weight = sum(ind.weight for ind in spec.inds if ind.level1 == level1)
            spec.level1_texts[level1] = plain(weight)
    if "goal" not in spec.fixed:
        spec.expected_goal = prose.expected_goal(rng, spec, with_breakdown=rng.random() < 0.15)
    if "narrative" not in spec.fixed:
        all_met = all(ind.met() is not False for ind in spec.inds)
        claim = all_met and rng.random() < 0.3
        explain = rate < 90 and "no_funds_note" not in spec.fixed
        spec.narrative, spec.mentions = prose.narrative(rng, spec, funds_note=explain, claim=claim)
    total_weight = funds.weight + sum(ind.weight for ind in spec.inds)
    if "total_weight" not in spec.fixed:
        spec.total_weight_text = st.weight(total_weight)
    if "total_score" not in spec.fixed:
        spec.total_score_text = _sum_text(spec, declared_total(spec))
    if "grade" not in spec.fixed:
        spec.grade = grade_of(spec) if rng.random() < 0.3 else None


def _rate_text(rate: float, st: Style) -> str:
    if st.rate_places == 0:
        return f"{rounded(rate, 0, 'round'):.0f}"
    return f"{rounded(rate, st.rate_places, st.rounding):.{st.rate_places}f}"


def _derive(spec: Spec, ind: Ind, rate: float) -> None:
    """The indicators whose value is another part of the form: funds rate, funds amount, completion rate."""
    if ind.fixed_actual or not ind.tpl.role:
        return
    role = ind.tpl.role
    if role == "funds_rate":
        ind.actual = 100.0 if abs(rate - 100) < EPS else math.floor(rate * 100 + EPS) / 100
    elif role == "funds_amount":
        scale = 1_000_000 if ind.unit == "万元" else 100
        ind.high = spec.funds.rows["total"][1] / scale
        ind.actual = spec.funds.rows["total"][2] / scale
    elif role == "completion":
        outputs = [
            i for i in spec.inds if i.level1 == OUTPUT and i.level2 != "成本指标" and i is not ind and not i.tpl.role
        ]
        met = sum(1 for i in outputs if i.met() is not False)
        ind.actual = 100.0 if met == len(outputs) else float(max(50, math.floor(100 * met / len(outputs))))


def _texts(rng: Random, spec: Spec, ind: Ind) -> None:
    if not ind.fixed_target:
        ind.target_text = target_text(rng, ind)
    if not ind.fixed_actual:
        ind.actual_text = actual_text(rng, ind)


def target_text(rng: Random, ind: Ind) -> str:
    """年度指标值 in one of the ways forms write it."""
    unit = ind.unit or ""
    kind = ind.kind
    if kind == "qualitative":
        return ind.qualitative_target
    if kind == "deadline":
        d = ind.deadline
        if d.month == 12 and d.day == 31 and rng.random() < 0.3:
            return f"{d.year}年12月底前"
        return f"{d.year}年{d.month}月{d.day}日前"
    if kind == "range":
        return f"{plain(ind.low)}-{plain(ind.high)}{unit}"
    if kind == "at_most":
        value = plain(ind.high)
        if ind.tpl.role == "funds_amount":
            return rng.choice((f"≤{value}{unit}", f"{value}{unit}"))
        if unit in ("小时", "天") and rng.random() < 0.2:
            return f"0-{value}{unit}"
        return rng.choice((f"≤{value}{unit}", f"不超过{value}{unit}", f"{value}{unit}以内"))
    value = plain(ind.low)
    if unit == "%":
        return rng.choice((f"≥{value}%", f"{value}%")) if value != "100" else rng.choice(("100%", "≥100%", "=100%"))
    return rng.choice((f"≥{value}{unit}", f"{value}{unit}", value, f"不少于{value}{unit}"))


def actual_text(rng: Random, ind: Ind) -> str:
    """实际完成值: the number achieved, with or without its unit."""
    if ind.kind == "qualitative":
        return ind.qualitative_actual
    if ind.kind == "deadline":
        d = ind.done
        return rng.choice((f"{d.year}年{d.month}月{d.day}日", f"已于{d.year}年{d.month}月{d.day}日完成"))
    if ind.actual is None:
        return ""
    value = plain(ind.actual)
    unit = ind.unit or ""
    if unit == "%":
        return f"{value}%"
    return f"{value}{unit}" if rng.random() < 0.7 or not unit else value


def _note(rng: Random, ind: Ind) -> str | None:
    if ind.met() is False:
        return prose.note(rng, funds=ind.tpl.role == "funds_rate")
    if ind.over() > 0.2:
        ind.over_ok = True
        return prose.note(rng, over=True)
    return None


def declared_total(spec: Spec) -> Decimal:
    """What the unit adds up: the declared execution score and the declared indicator scores."""
    total = Decimal(str(spec.funds.score))
    for ind in spec.inds:
        total += Decimal(str(ind.score if ind.score is not None else ind.weight))
    return total


def computed_total(spec: Spec) -> float:
    """The total as a reviewer recomputes it: the exact execution score plus the declared indicator scores."""
    exact = spec.funds.weight * min(spec.funds.rate(), 100.0) / 100
    return exact + sum(ind.score if ind.score is not None else ind.weight for ind in spec.inds)


def grade_for(total: float) -> str:
    return next(grade for grade, floor in GRADE_BANDS if total >= floor)


def grade_of(spec: Spec) -> str | None:
    """The honest grade, or None near a band's edge where rounding could put the total either side."""
    total = round(computed_total(spec), 2)
    if any(abs(total - floor) < 0.05 for _, floor in GRADE_BANDS[:-1]):
        return None
    return grade_for(total)


def _sum_text(spec: Spec, total: Decimal) -> str:
    return spec.style.score(float(total))
