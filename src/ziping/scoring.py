"""Deterministic scoring: execution rate and score, each indicator's earned score, totals.

Pure functions of a Form and a Profile. Where a form's practice leaves the expected value
uncertain (rounding, the formula for a missed upper bound), the expectation is a range and a
declared value is only wrong outside it: a false alarm costs a reviewer's trust.

One mistake is one finding. Where a part is itself wrong — a funds total that its sources do not add
up to, a level-1 header its indicators' weights do not add up to, a score its completion does not
earn — every figure built on that part is checked against both readings, the part as written and
the part as recomputed, and is accepted by either. So a wrong part is reported once, where it is,
and never again through the sums and rates that use it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from ziping.model import Form, Indicator, NumberField
from ziping.profiles import Profile
from ziping.values import convert, unit_dimension, unit_from_name

EPS = 1e-9
# Money is written to the fen; a sum off by less than this is how the form rounded its parts.
MONEY_TOLERANCE = 0.01
FUNDS_COLUMNS = ("initial_budget", "budget", "executed")
SOURCE_ROWS = ("fiscal", "carryover", "other")


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
class ScoreVerdict:
    """What the recomputation says of one indicator's declared score; kind None: nothing to report."""

    kind: str | None = None  # "exceeds" (ZP201), "inflated" (ZP202), "understated" (ZP203)
    expectation: Expectation | None = None  # the one the message quotes (under the declared weight)
    bound: float | None = None  # the figure the message names
    folded: float | None = None  # 单项得分 × 权重 where the declared 折算得分 is not it (ZP214)
    low: float | None = None  # the range a corrected score lies in, where the score is reported wrong
    high: float | None = None


NO_VERDICT = ScoreVerdict()


@dataclass(frozen=True, slots=True)
class ScoreSum:
    """The parts of the 总分 score: as the form declares them, and with every part reported wrong corrected."""

    execution: float  # the declared execution score, or the recomputed one where none is declared
    indicators: float  # the declared indicator scores
    execution_corrected: tuple[float, float]
    indicators_corrected: tuple[float, float]

    @property
    def declared(self) -> float:
        return self.execution + self.indicators

    @property
    def corrected(self) -> tuple[float, float]:
        return (
            self.execution_corrected[0] + self.indicators_corrected[0],
            self.execution_corrected[1] + self.indicators_corrected[1],
        )

    @property
    def disputed(self) -> bool:
        """Whether some part is reported wrong, so the corrected sum differs from the declared one."""
        low, high = self.corrected
        return abs(low - self.declared) > EPS or abs(high - self.declared) > EPS


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
    # Per amount column, the total row's amount and its source rows' (funds_sources), and each amount of the
    # total row followed by what its sources add up to where the two disagree (ZP103).
    sources: dict[str, tuple[float, tuple[float, float, float]]] = field(default_factory=dict)
    amounts: dict[str, tuple[float, ...]] = field(default_factory=dict)
    execution_rates: tuple[float, ...] = ()  # from every reading of the amounts; the first is execution_rate
    execution_scores: tuple[float, ...] = ()  # the execution score each of those rates earns
    # The indicators' weights with each level-1 header standing for its disputed group (ZP302), and per
    # indicator of such a group the weight that would make the group add up to its header.
    indicator_weight_by_headers: float | None = None
    alternative_weights: tuple[float | None, ...] = ()
    level1_sums: dict[str, float | None] = field(default_factory=dict)  # per level-1 name, its indicators' weights
    verdicts: tuple[ScoreVerdict, ...] = ()  # one per indicator
    score_sum: ScoreSum | None = None

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

    def weights(self, k: int, declared: float) -> tuple[float, ...]:
        """Indicator k's weight as declared, and as its group's header implies where the group is disputed."""
        alternative = self.alternative_weights[k] if k < len(self.alternative_weights) else None
        return (declared,) if alternative is None else (declared, alternative)

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


def budget_and_executed(form: Form) -> tuple[float | None, float | None]:
    """全年预算数 and 全年执行数 as the rate is computed from: the total row's, or its sources' where it was left unfilled."""
    total = form.funds.total
    budget, executed = (num(total.budget), num(total.executed)) if total is not None else (None, None)
    if (budget is None or budget <= 0) and (sums := total_left_unfilled(form)) is not None:
        return sums
    return budget, executed


def execution_rate(form: Form) -> float | None:
    """全年执行数 / 全年预算数 × 100, exactly: from the total row, or from its sources where it was left unfilled."""
    return _rate(*budget_and_executed(form))


def _rate(budget: float | None, executed: float | None) -> float | None:
    if budget is None or executed is None or budget <= 0:
        return None
    return executed / budget * 100


def funds_sources(form: Form) -> dict[str, tuple[float, tuple[float, float, float]]]:
    """Per amount column: the 年度资金总额 row's amount and its three source rows' amounts, where all can be read.

    An empty cell in a source row counts as nothing from that source; a cell that holds text that is no
    number leaves the column out (ZP004 reports the cell).
    """
    funds = form.funds
    total = funds.total
    if total is None or funds.fiscal is None:
        return {}
    rows = (funds.fiscal, funds.carryover, funds.other)
    found = {}
    for part in FUNDS_COLUMNS:
        cell = getattr(total, part)
        if cell is None or cell.value is None:
            continue
        parts = []
        for row in rows:
            source = getattr(row, part) if row is not None else None
            parts.append(0.0 if source is None else source.value)
        if None not in parts:
            found[part] = (cell.value, (parts[0], parts[1], parts[2]))
    return found


def _amounts(form: Form, sources: dict[str, tuple[float, tuple[float, float, float]]]) -> dict[str, tuple[float, ...]]:
    """Each total-row amount, then the sources' sum where it differs: the total row or a source may be the wrong one."""
    if form.funds.total is None:
        return {}
    readings = {}
    for part, (total, parts) in sources.items():
        added = sum(parts)
        readings[part] = (total,) if abs(added - total) <= MONEY_TOLERANCE + EPS else (total, added)
    for part in FUNDS_COLUMNS:  # a column whose sources cannot be read has the total row's reading alone
        if part not in readings and (value := num(getattr(form.funds.total, part))) is not None:
            readings[part] = (value,)
    return readings


def _level1_sums(form: Form, weights: list[float | None]) -> dict[str, float | None]:
    """Per level-1 name, the sum of its indicators' weights; None where one of them cannot be read."""
    sums: dict[str, float | None] = {}
    for ind, weight in zip(form.indicators, weights):
        total = sums.get(ind.level1, 0.0)
        sums[ind.level1] = None if total is None or weight is None else total + weight
    return sums


def _alternative_weights(
    form: Form, weights: list[float | None], sums: dict[str, float | None], profile: Profile, tolerance: float
) -> tuple[list[float | None] | None, float]:
    """Per indicator, the weight it would have if its group's weights added up to the group's header.

    Where a header and its indicators disagree (ZP302) any one indicator's weight may be the mistake,
    unless the indicators already add up to the profile's weight (then the header is). Returns those
    weights (None when no group is disputed) and how much the disputed groups' sums exceed their headers.
    """
    alternatives: list[float | None] | None = None
    excess = 0.0
    for level1 in form.level1:
        header, total = num(level1.weight), sums.get(level1.name)
        if header is None or total is None or abs(total - header) <= tolerance:
            continue
        standard = profile.level1_weights.get(level1.name)
        if standard is not None and abs(total - standard) <= tolerance:
            continue
        off = total - header
        excess += off
        alternatives = alternatives or [None] * len(weights)
        for k, ind in enumerate(form.indicators):
            weight = weights[k]
            if ind.level1 == level1.name and weight is not None and weight - off >= -EPS:
                alternatives[k] = weight - off
    return alternatives, excess


def _verdict(
    ind: Indicator,
    score: float | None,
    weight: float | None,
    exp: Expectation,
    alt_weight: float | None,
    tol: float,
    places: int,
) -> ScoreVerdict:
    """Whether a declared score is what its completion earns, under the declared weight or the alternative one."""
    if score is None or weight is None:
        return NO_VERDICT
    folded = _folded(ind, score, weight, tol, places) if ind.item_score is not None else None
    computed = exp.low is not None and exp.high is not None
    if score > weight + tol + EPS and (alt_weight is None or score > alt_weight + tol + EPS):
        low, high = (exp.low, exp.high) if computed else (0.0, weight)
        return ScoreVerdict("exceeds", exp, weight, folded, low, high)
    if computed and accepts(score, exp.low, exp.high, tol, places):
        return NO_VERDICT if folded is None else ScoreVerdict(folded=folded, low=folded, high=folded)
    alternative = expectation(ind, alt_weight) if alt_weight is not None else None
    if alternative is not None and alternative.low is not None and alternative.high is not None:
        if accepts(score, alternative.low, alternative.high, tol, places) or not computed:
            return NO_VERDICT if folded is None else ScoreVerdict(folded=folded, low=folded, high=folded)
        low, high = min(exp.low, alternative.low), max(exp.high, alternative.high)
    elif not computed:
        return NO_VERDICT if folded is None else ScoreVerdict(folded=folded, low=folded, high=folded)
    else:
        low, high = exp.low, exp.high
    if score > exp.high:
        return ScoreVerdict("inflated", exp, exp.high, folded, low, high)
    return ScoreVerdict("understated", exp, exp.low, folded, low, high)


def _folded(ind: Indicator, score: float, weight: float, tol: float, places: int) -> float | None:
    """单项得分 × 权重 ÷ 100 where the declared 折算得分 is not it (ZP214); None otherwise."""
    item = num(ind.item_score)
    if item is None:
        return None
    expected = item * weight / 100
    return None if accepts(score, expected, expected, tol, places) else expected


def _score_sum(
    form: Form,
    scores: list[float | None],
    exec_scores: tuple[float, ...],
    verdicts: tuple[ScoreVerdict, ...],
    tol: float,
    places: int,
) -> ScoreSum | None:
    """The 总分 score's parts, declared and corrected; None where a part cannot be read."""
    declared_exec = num(form.funds.execution_score)
    if None in scores or (declared_exec is None and not exec_scores):
        return None
    execution = declared_exec if declared_exec is not None else exec_scores[0]
    if (
        declared_exec is not None
        and exec_scores
        and not any(accepts(declared_exec, e, e, tol, places) for e in exec_scores)
    ):
        execution_corrected = (min(exec_scores), max(exec_scores))  # ZP102 reports the declared one
    else:
        execution_corrected = (execution, execution)
    declared = sum(scores)
    low = high = declared
    for score, verdict in zip(scores, verdicts):
        if verdict.low is not None:
            low += verdict.low - score
            high += verdict.high - score
    return ScoreSum(execution, declared, execution_corrected, (low, high))


def figures(form: Form, profile: Profile) -> FormFigures:
    """Recompute every figure of a form once."""
    rate = execution_rate(form)
    declared_weight = num(form.funds.weight)
    exec_weight = declared_weight if declared_weight is not None else profile.execution_weight
    tolerance, precision = profile.thresholds.tolerance, score_precision(form)
    sources = funds_sources(form)
    amounts = _amounts(form, sources)
    if (unfilled := total_left_unfilled(form)) is not None:
        # A total row never summed is no reading of the amounts: its sources are (ZP103 says so, once).
        amounts = {**amounts, "budget": (unfilled[0],), "executed": (unfilled[1],)}
    declared_rate = form.funds.execution_rate
    if rate is not None and declared_rate is not None and declared_rate.value is not None:
        if accepts(declared_rate.value, rate, rate, tolerance, declared_rate.decimals):
            # The form's own rate follows its total row: that row is right, and a source row that disagrees
            # with it is the mistake (ZP103), so the sources' sum is no reading of the budget or the spending.
            amounts = {**amounts, "budget": amounts["budget"][:1], "executed": amounts["executed"][:1]}
    rates = [
        _rate(budget, executed) for budget in amounts.get("budget", ()) for executed in amounts.get("executed", ())
    ]
    execution_rates = tuple(dict.fromkeys(r for r in rates if r is not None))  # the total row's own rate first
    # Budget execution scores weight × min(rate, 100%) (财预〔2020〕10号).
    execution_scores = tuple(exec_weight * min(r, 100.0) / 100 for r in execution_rates)
    exec_score = execution_scores[0] if rate is not None else None
    # A sum with an unread part is no sum: rules that need it stay quiet (ZP003/ZP004 speak instead).
    weights = [num(ind.weight) for ind in form.indicators]
    scores = [num(ind.score) for ind in form.indicators]
    indicator_weight = None if None in weights else sum(weights)
    indicator_score = None if None in scores else sum(scores)
    total_score = exec_score + indicator_score if exec_score is not None and indicator_score is not None else None
    places = precision.get("scores")
    sums = _level1_sums(form, weights)
    alt_weights, excess = _alternative_weights(form, weights, sums, profile, tolerance)
    expectations = tuple(expectation(ind, weight) for ind, weight in zip(form.indicators, weights))
    alternatives = alt_weights or [None] * len(weights)
    verdicts = tuple(
        _verdict(ind, score, weight, exp, alt, tolerance, places)
        for ind, score, weight, exp, alt in zip(form.indicators, scores, weights, expectations, alternatives)
    )
    return FormFigures(
        profile=profile,
        precision=precision,
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
        expectations=expectations,
        sources=sources,
        amounts=amounts,
        execution_rates=execution_rates,
        execution_scores=execution_scores,
        indicator_weight_by_headers=indicator_weight - excess if indicator_weight is not None else None,
        alternative_weights=tuple(alt_weights) if alt_weights else (),
        level1_sums=sums,
        verdicts=verdicts,
        score_sum=_score_sum(form, scores, execution_scores, verdicts, tolerance, places),
    )
