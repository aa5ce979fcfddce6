"""A synthetic form before it is text: numbers the generator knows, and the text each is written as.

The generator decides what is true here (a target, what was achieved, what it earns) with its own
arithmetic, not with ziping's parser or scoring, so a bug there cannot make a defect invisible: the
checker is measured against this, never against itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ziping.model import Form
from ziping.synth.vocab import LEVEL2_ORDER, Template

EPS = 1e-9
FUND_ROWS = ("total", "fiscal", "carryover", "other")
AMOUNT_PARTS = ("initial_budget", "budget", "executed")


def rounded(value: float, places: int, mode: str) -> float:
    """A value as a form writes it: rounded half up (四舍五入) or truncated at `places` decimals."""
    factor = 10**places
    if mode == "truncate":
        return math.floor(value * factor + EPS) / factor
    return math.floor(value * factor + 0.5 + EPS) / factor


def plain(value: float) -> str:
    """A quantity without trailing zeros: 359, 99.73, 0.5."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(slots=True)
class Style:
    """How one form writes its numbers; honest habits, none of them a defect."""

    score_format: str = "2dp"  # 2dp "19.45" | 2min "19.8" | 1dp "19.5" | whole "19"
    rounding: str = "round"  # round | truncate
    weight_format: str = "int"  # int "10" | 2dp "10.00"
    score_suffix: bool = False  # "10分" (seed form 1)
    rate_places: int = 2  # decimals of the execution rate: 2, 4 (seed form 1) or 0 (98 for 97.88)
    thousands: bool = False  # "1,350,000.00"
    money_unit: str = "元"  # the funds table's unit: 元 or 万元
    budget_label: str = "一级预算单位"  # or 主管部门

    @property
    def places(self) -> int:
        return {"2dp": 2, "2min": 2, "1dp": 1, "whole": 0}[self.score_format]

    def score(self, value: float, suffix: bool = False) -> str:
        """A declared score as this form writes it (the value must already be rounded)."""
        if self.score_format == "2dp":
            text = f"{value:.2f}"
        elif self.score_format == "1dp":
            text = f"{value:.1f}"
        elif self.score_format == "whole":
            text = f"{value:.0f}"
        else:
            text = f"{value:.2f}".rstrip("0").rstrip(".")
        if suffix and self.score_suffix and "." not in text:
            text += "分"
        return text

    def weight(self, value: float) -> str:
        return f"{value:.2f}" if self.weight_format == "2dp" else plain(value)


@dataclass(slots=True)
class Ind:
    """One indicator: what was planned and done, in numbers, and how it is written."""

    tpl: Template
    name: str
    weight: float
    unit: str | None = None
    low: float | None = None  # at_least / range low / equal
    high: float | None = None  # at_most / range high
    deadline: date | None = None
    actual: float | None = None
    done: date | None = None  # deadline indicators: the day the work was done
    target_text: str = ""
    actual_text: str = ""
    qualitative_target: str = ""
    qualitative_actual: str = ""
    note: str | None = None
    score: float | None = None  # declared, as rounded
    score_text: str | None = None
    # Set by a defect: finalize() leaves these alone.
    fixed_score: bool = False
    fixed_note: bool = False
    fixed_actual: bool = False
    fixed_target: bool = False
    over_ok: bool = False  # an over-achievement the form explains

    @property
    def level1(self) -> str:
        return self.tpl.level1

    @property
    def level2(self) -> str:
        return self.tpl.level2

    @property
    def kind(self) -> str:
        return self.tpl.kind

    def met(self) -> bool | None:
        """Whether the target was met, by the generator's own arithmetic; None when no number decides it."""
        if self.kind == "deadline":
            return None if self.done is None or self.deadline is None else self.done <= self.deadline
        if self.actual is None or self.kind == "qualitative":
            return None
        if self.kind == "at_least":
            return self.actual >= self.low - EPS
        if self.kind == "range":
            return self.actual >= self.low - EPS
        if self.kind == "at_most":
            return self.actual <= self.high + EPS
        return None

    def earned(self) -> float:
        """The exact score the completion earns (for a missed upper bound: weight × limit ÷ actual)."""
        met = self.met()
        if met is None or met:
            return self.weight
        if self.kind in ("at_least", "range"):
            return self.weight * max(0.0, self.actual) / self.low
        if self.kind == "at_most":
            return self.weight * self.high / self.actual
        return self.weight  # a late deadline earns nothing computable; forms keep the full score

    def over(self) -> float:
        """The share above the target (or a range's top), 0 when not above."""
        if self.actual is None or self.kind not in ("at_least", "range"):
            return 0.0
        if self.unit == "%" and self.kind == "at_least":
            return 0.0  # a rate of 100% against ≥80% is not over-achievement: rates stop at 100%
        top = self.high if self.kind == "range" else self.low
        if not top or self.actual <= top:
            return 0.0
        return (self.actual - top) / top


@dataclass(slots=True)
class Funds:
    """Amounts in fen (integers), so every sum is exact; written in 元 or 万元."""

    rows: dict[str, list[int]]  # row -> [initial_budget, budget, executed]
    weight: float = 10
    rate_text: str = ""
    score_text: str = ""
    score: float = 0.0  # declared, as rounded
    texts: dict[str, list[str]] = field(default_factory=dict)  # row -> written amounts (after defects)
    fixed_rate: bool = False
    fixed_score: bool = False
    fixed_texts: bool = False

    def rate(self) -> float:
        budget, executed = self.rows["total"][1], self.rows["total"][2]
        return executed / budget * 100


@dataclass(slots=True)
class Expect:
    """A finding the form must raise: its rule, the field it points at, why."""

    code: str
    field: str
    kind: str
    description: str


@dataclass(slots=True)
class Negative:
    """A field that looks like a defect and is not one: no finding may point at it."""

    field: str
    kind: str
    description: str


@dataclass(slots=True)
class Spec:
    """One synthetic form."""

    id: str
    year: int
    code: str
    project: str
    implementing_unit: str
    budget_unit: str
    theme: str
    funds: Funds
    inds: list[Ind]
    style: Style
    level1_texts: dict[str, str] = field(default_factory=dict)
    expected_goal: str = ""
    narrative: str = ""
    mentions: list[tuple[int, str]] = field(default_factory=list)  # (indicator index, number as written)
    total_weight_text: str = ""
    total_score_text: str = ""
    grade: str | None = None
    unread: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)  # header fields left empty
    expects: list[Expect] = field(default_factory=list)
    negatives: list[Negative] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    fixed: set[str] = field(default_factory=set)  # form-level parts a defect wrote: narrative, totals, grade …
    used: set[str] = field(default_factory=set)  # parts a defect has claimed, so two never collide

    def ind_field(self, ind: Ind, part: str) -> str:
        return f"indicators[{ind.name}].{part}"

    def amount_text(self, fen: int) -> str:
        """An amount as the funds table writes it."""
        value = Decimal(fen) / (100 if self.style.money_unit == "元" else 1_000_000)
        text = f"{value:.2f}"
        if self.style.thousands and self.style.money_unit == "元":
            text = f"{value:,.2f}"
        return text

    def placeholders(self) -> list[tuple[str, str]]:
        """The template's level-2 rows this form leaves unused, written as 0 / 不适用 rows."""
        used = {(ind.level1, ind.level2) for ind in self.inds}
        return [(l1, l2) for l1, names in LEVEL2_ORDER.items() for l2 in names if (l1, l2) not in used]


def to_form(spec: Spec) -> Form:
    """The spec as a Form, raw text only: the ground truth a reader must reproduce."""
    header = {
        "project_code": {"raw": spec.code},
        "project_name": {"raw": spec.project},
        "year": {"raw": str(spec.year)},
        "implementing_unit": {"raw": spec.implementing_unit},
        "budget_unit": {"raw": spec.budget_unit},
    }
    for name in spec.missing:
        header.pop(name, None)
    funds: dict = {"unit": spec.style.money_unit}
    for row in FUND_ROWS:
        texts = spec.funds.texts[row]
        funds[row] = {part: {"raw": text} for part, text in zip(AMOUNT_PARTS, texts)}
    funds["weight"] = {"raw": plain(spec.funds.weight)}
    funds["execution_rate"] = {"raw": spec.funds.rate_text}
    funds["execution_score"] = {"raw": spec.funds.score_text}
    indicators = []
    for ind in spec.inds:
        row = {
            "level1": ind.level1,
            "level2": ind.level2,
            "name": {"raw": ind.name},
            "weight": {"raw": spec.style.weight(ind.weight)},
        }
        if ind.target_text:
            row["target"] = {"raw": ind.target_text}
        if ind.actual_text:
            row["actual"] = {"raw": ind.actual_text}
        if ind.score_text is not None:
            row["score"] = {"raw": ind.score_text}
        if ind.note:
            row["note"] = {"raw": ind.note}
        indicators.append(row)
    data = {
        "header": header,
        "funds": funds,
        "goals": {"expected": {"raw": spec.expected_goal}, "actual": {"raw": spec.narrative}},
        "level1": [{"name": name, "weight": {"raw": text}} for name, text in spec.level1_texts.items()],
        "indicators": indicators,
        "placeholders": [{"level1": l1, "level2": l2} for l1, l2 in spec.placeholders()],
        "total": {"weight": {"raw": spec.total_weight_text}, "score": {"raw": spec.total_score_text}},
        "unread": [{"raw": text} for text in spec.unread],
        "unverified": list(spec.unverified),
    }
    if spec.grade:
        data["grade"] = {"raw": spec.grade}
    return Form.model_validate(data)
