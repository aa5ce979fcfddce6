"""Deterministic scoring: execution rate and score, each indicator's earned score, totals.

Pure functions of a Form and a Profile. Where a form's practice leaves the expected value
uncertain (rounding, the formula for a missed upper bound), the expectation is a range and a
declared value is only wrong outside it: a false alarm costs a reviewer's trust.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from ziping.model import Form, Indicator, NumberField
from ziping.profiles import Profile
from ziping.values import convert, unit_dimension, unit_from_name

EPS = 1e-9


def num(field: NumberField | None) -> float | None:
    """A number field's parsed value, or None."""
    return field.value if field is not None else None


def round_half_up(value: float, places: int) -> float:
    """Rounding as forms do it (四舍五入), not banker's rounding."""
    factor = 10**places
    return math.floor(value * factor + 0.5 + EPS) / factor


def truncate(value: float, places: int) -> float:
    """Truncation, which many forms use instead of rounding."""
    factor = 10**places
    return math.floor(value * factor + EPS) / factor


def accepts(declared: float, low: float, high: float, tolerance: float, places: int | None = None) -> bool:
    """Whether a declared value is the expected range [low, high] as a form would write it.

    Within `tolerance` is always correct; at a coarser precision (whole points), the rounded and
    the truncated value at that precision are correct too.
    """
    if low - tolerance - EPS <= declared <= high + tolerance + EPS:
        return True
    if places is not None and places < 2:
        for exact in (low, high):
            if abs(declared - round_half_up(exact, places)) < EPS or abs(declared - truncate(exact, places)) < EPS:
                return True
    return False


@dataclass(frozen=True, slots=True)
class Expectation:
    """What an indicator's completion earns: met or not, and the score range it allows."""

    met: bool | None
    low: float | None = None  # the score range; None when no score can be computed
    high: float | None = None
    ratio: float | None = None  # actual / target, where a proportional score applies
    actual: float | None = None  # the actual value in the target's unit
    target: float | None = None  # the reference the actual is compared with
    unit: str | None = None
    over: float | None = None  # share above the target or the range's top, when above


def _unit(ind: Indicator) -> str | None:
    named = unit_from_name(ind.key)
    return named[0] if named else None


# Longest first: 千万元 before 万元, 万元 before 元.
_MONEY_WORDS = (
    ("亿元", 10**8),
    ("千万元", 10**7),
    ("百万元", 10**6),
    ("十万元", 10**5),
    ("万元", 10**4),
    ("千元", 1000),
    ("元", 1),
)


def _bare_money_factor(ind: Indicator, target_text: str) -> int:
    """What one unit of a bare actual number is in 元: the money unit the target is written in, else the name's."""
    for word, factor in _MONEY_WORDS:
        if word in target_text:
            return factor
    named = unit_from_name(ind.key)
    return int(named[1]) if named and named[0] == "元" else 1


def comparable_actual(ind: Indicator) -> tuple[float, str | None] | None:
    """The actual value expressed in the target's unit, or None if the two cannot be compared."""
    target, actual = ind.target_parsed, ind.actual_parsed
    if target is None or actual is None or actual.kind != "quantity" or actual.value is None:
        return None
    t_unit = target.unit or _unit(ind)
    if actual.unit is None and t_unit == "元":
        # "90" beside "≤90万元" (or under a name in 万元) is 90 万元, as any reader takes it, not 90 元.
        factor = _bare_money_factor(ind, target.text)
        # Scaled in decimal, as the target was: 2797.7438 万元 must equal ≤2797.7438万元 exactly.
        return (actual.value if factor == 1 else float(Decimal(repr(actual.value)) * factor)), t_unit
    a_unit = actual.unit or t_unit
    if t_unit is None or a_unit == t_unit:
        return actual.value, t_unit
    if unit_dimension(t_unit) == "count" and unit_dimension(a_unit) == "count":
        return actual.value, t_unit  # 条 and 篇 count the same things on these forms
    converted = convert(actual.value, a_unit, t_unit)
    return (converted, t_unit) if converted is not None else None


def units_conflict(ind: Indicator) -> tuple[str, str] | None:
    """Target and actual units of different kinds (元 against %): nothing can be compared."""
    target, actual = ind.target_parsed, ind.actual_parsed
    if target is None or actual is None or actual.kind != "quantity":
        return None
    t_unit, a_unit = target.unit or _unit(ind), actual.unit
    if not t_unit or not a_unit or t_unit == a_unit:
        return None
    t_dim, a_dim = unit_dimension(t_unit), unit_dimension(a_unit)
    if t_dim == a_dim and (t_dim == "count" or convert(1.0, a_unit, t_unit) is not None):
        return None
    return t_unit, a_unit


def expectation(ind: Indicator, weight: float | None) -> Expectation:
    """What the indicator's actual value earns against its target (DESIGN.md §4)."""
    target, actual = ind.target_parsed, ind.actual_parsed
    if target is None or actual is None:
        return Expectation(met=None)
    if target.kind == "deadline" and target.deadline is not None:
        if actual.kind == "date" and actual.latest and actual.earliest:
            if actual.latest <= target.deadline:
                return _full(weight, met=True)
            if actual.earliest > target.deadline:
                return Expectation(met=False)
        return Expectation(met=None)
    if target.kind == "qualitative":
        return Expectation(met=None)
    pair = comparable_actual(ind)
    if pair is None:
        return Expectation(met=None)
    value, unit = pair
    comparator = actual.comparator
    kind, low, high = target.kind, target.low, target.high
    if kind == "range" and low is not None and abs(low) < EPS:
        kind = "at_most"  # "0-48小时" is an upper bound
    if kind in ("at_least", "equal"):
        if low is None:
            return Expectation(met=None)
        met = value > low if (target.strict and kind == "at_least") else value >= low - EPS
        if not met and comparator in ("gt", "ge"):
            return Expectation(met=None)  # "超过80%" against ≥90%: the actual may be anywhere above
        over = (value - low) / low if met and low > 0 and value > low else None
        return _proportional(weight, met, value, low, unit, over)
    if kind == "range":
        if low is None or high is None:
            return Expectation(met=None)
        if value < low - EPS:
            if comparator in ("gt", "ge"):
                return Expectation(met=None)
            return _proportional(weight, False, value, low, unit, None)
        over = (value - high) / high if value > high and high > 0 else None
        return Expectation(
            met=True, low=weight, high=weight, actual=value, target=high if over else low, unit=unit, over=over
        )
    if kind == "at_most":
        if high is None:
            return Expectation(met=None)
        met = value < high if target.strict else value <= high + EPS
        if met:
            return Expectation(met=True, low=weight, high=weight, actual=value, target=high, unit=unit)
        if comparator in ("le", "lt"):
            return Expectation(met=None)
        if weight is None or value <= 0:
            return Expectation(met=False, actual=value, target=high, unit=unit)
        # Forms deduct "in proportion" for a missed upper bound in more than one way; any
        # deduction up to the most lenient formula is accepted.
        lenient = max(weight * high / value, weight * max(0.0, 1 - (value - high) / high) if high else 0.0)
        return Expectation(met=False, low=0.0, high=lenient, ratio=high / value, actual=value, target=high, unit=unit)
    return Expectation(met=None)


def _full(weight: float | None, met: bool) -> Expectation:
    return Expectation(met=met, low=weight, high=weight)


def _proportional(
    weight: float | None, met: bool, value: float, target: float, unit: str | None, over: float | None
) -> Expectation:
    if met or target <= 0:
        return Expectation(met=True, low=weight, high=weight, actual=value, target=target, unit=unit, over=over)
    ratio = max(0.0, value / target)
    earned = weight * ratio if weight is not None else None
    return Expectation(met=False, low=earned, high=earned, ratio=ratio, actual=value, target=target, unit=unit)


@dataclass(frozen=True, slots=True)
class FormFigures:
    """The recomputed figures of one form, shared by every rule."""

    profile: Profile
    precision: dict[str, int]  # decimals the form writes each kind of score in (see score_precision)
    execution_rate: float | None  # exact, in %
    execution_weight: float
    execution_score: float | None  # exact
    indicator_weight: float | None  # sum of the indicators' weights
    indicator_score: float | None  # sum of the declared indicator scores
    total_weight: float | None
    total_score: float | None
    expectations: tuple[Expectation, ...]
    scores_declared: bool = True  # the form has a 分值 or 得分 anywhere: a total, or any indicator's

    @property
    def tolerance(self) -> float:
        return self.profile.thresholds.tolerance

    @property
    def scored(self) -> bool:
        """Whether the form carries scores at all: some templates have no 分值/得分 columns."""
        return self.scores_declared

    def accepts(self, declared: float, low: float, high: float | None = None, kind: str = "scores") -> bool:
        """Whether a declared figure is the expected one, rounded or truncated as this form writes that kind."""
        return accepts(declared, low, low if high is None else high, self.tolerance, self.precision.get(kind))

    def precision_note(self, kind: str, lang: str = "zh") -> str:
        """Words for a message when the form writes this kind of score coarsely (whole points)."""
        places = self.precision.get(kind, 2)
        if places >= 2:
            return ""
        if lang == "en":
            return f" (this form writes these scores with {places} decimals; rounding and truncation were both allowed)"
        return f"（本表此类得分保留 {places} 位小数，已按四舍五入和截位两种方式核对）"


def _decimals(fields: list[NumberField | None]) -> int | None:
    places = [f.decimals for f in fields if f is not None and f.decimals is not None]
    return max(places) if places else None


def score_precision(form: Form) -> dict[str, int]:
    """How many decimals the form itself writes scores and the rate with, inferred from its declared values.

    Scores are one kind: a form that writes whole points (8.62 entered as 9) writes them everywhere, and
    one declared value alone cannot tell its own precision (10 for 9.97 is not rounding on a form that
    writes 19.8 and 9.97 elsewhere). Honest rounding or truncation at that precision is never a finding.
    """
    scores = _decimals([ind.score for ind in form.indicators] + [form.funds.execution_score, form.total.score])
    rate = _decimals([form.funds.execution_rate])
    return {"scores": 2 if scores is None else scores, "execution_rate": 2 if rate is None else rate}


def source_sums(form: Form) -> tuple[float, float] | None:
    """全年预算数 and 全年执行数 summed over the source rows (财政拨款, 上年结转, 其他资金), where any is filled."""
    funds = form.funds
    rows = [row for row in (funds.fiscal, funds.carryover, funds.other) if row is not None]
    budgets = [num(row.budget) for row in rows if row.budget is not None]
    executed = [num(row.executed) for row in rows if row.executed is not None]
    if not budgets or not executed or None in budgets or None in executed:
        return None
    return sum(budgets), sum(executed)  # type: ignore[arg-type]


def total_left_unfilled(form: Form) -> tuple[float, float] | None:
    """The source rows' sums where the 年度资金总额 row holds nothing but zeros (or nothing) while the sources
    below it are filled: the total was never summed, and the sources are what the form really says."""
    total = form.funds.total
    for part in ("budget", "executed"):
        field = getattr(total, part) if total is not None else None
        if field is not None and field.value != 0:
            return None  # a number other than 0, or text that is no number: the total row says something
    sums = source_sums(form)
    return sums if sums is not None and sums[0] > 0 else None


def execution_rate(form: Form) -> float | None:
    """全年执行数 / 全年预算数 × 100, exactly: from the total row, or from its sources where it was left unfilled."""
    total = form.funds.total
    budget, executed = (num(total.budget), num(total.executed)) if total is not None else (None, None)
    if (budget is None or budget <= 0) and (sums := total_left_unfilled(form)) is not None:
        budget, executed = sums
    if budget is None or executed is None or budget <= 0:
        return None
    return executed / budget * 100


def figures(form: Form, profile: Profile) -> FormFigures:
    """Recompute every figure of a form once."""
    rate = execution_rate(form)
    declared_weight = num(form.funds.weight)
    exec_weight = declared_weight if declared_weight is not None else profile.execution_weight
    # Budget execution scores weight × min(rate, 100%) (财预〔2020〕10号).
    exec_score = exec_weight * min(rate, 100.0) / 100 if rate is not None else None
    # A sum with an unread part is no sum: rules that need it stay quiet (ZP003/ZP004 speak instead).
    weights = [num(ind.weight) for ind in form.indicators]
    scores = [num(ind.score) for ind in form.indicators]
    indicator_weight = None if None in weights else sum(weights)
    indicator_score = None if None in scores else sum(scores)
    total_score = exec_score + indicator_score if exec_score is not None and indicator_score is not None else None
    return FormFigures(
        profile=profile,
        precision=score_precision(form),
        scores_declared=form.total.weight is not None
        or form.total.score is not None
        or any(w is not None for w in weights)
        or any(s is not None for s in scores),
        execution_rate=rate,
        execution_weight=exec_weight,
        execution_score=exec_score,
        indicator_weight=indicator_weight,
        indicator_score=indicator_score,
        total_weight=exec_weight + indicator_weight if indicator_weight is not None else None,
        total_score=total_score,
        expectations=tuple(expectation(ind, num(ind.weight)) for ind in form.indicators),
    )
