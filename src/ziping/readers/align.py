"""Lining a row's values up with their columns where the source gives no geometry.

Text copied from web pages keeps the order of a row's cells but not their columns: empty cells
vanish ("年度资金总额: 880 880 880 10 10" under six headings), and text whose separators were lost
runs numbers together ("年度资金总额202010100.00%10"). A row is placed by the kinds of its values
(a percentage is a rate, a sentence a note, a weight is a number of at most 100): every placement
that keeps the cells in order is costed, and the cheapest wins. Where several are equally good, the
row's own arithmetic decides (rate = executed ÷ budget, score = weight × rate, a score within its
weight); a number that ran together is split only where exactly one split makes that arithmetic
hold. What stays ambiguous is reported as unsure, never guessed.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ziping.readers.cells import (
    AMOUNT,
    COMPARATOR,
    COMPARE,
    DATE,
    EMPTY,
    NUMBER,
    PERCENT,
    QUANTITY,
    TEXT,
    UNIT,
    WORD,
    Cell,
    kind_of,
)

INF = math.inf
_MONEY = {NUMBER: 0.0, AMOUNT: 0.0, EMPTY: 0.1, QUANTITY: 0.8}
_VALUE = {COMPARE: 0.0, QUANTITY: 0.0, PERCENT: 0.0, NUMBER: 0.1, AMOUNT: 0.0, DATE: 0.0, WORD: 0.2, TEXT: 0.6}
# How well a value of each kind fits each column: 0 is a perfect fit, INF impossible.
FIT: dict[str, dict[str, float]] = {
    "initial_budget": _MONEY,
    "budget": _MONEY,
    "executed": _MONEY,
    "weight": {NUMBER: 0.0, EMPTY: 0.1},
    "execution_weight": {NUMBER: 0.0, EMPTY: 0.1},
    "execution_rate": {PERCENT: 0.0, NUMBER: 0.3, EMPTY: 0.1},
    "execution_score": {NUMBER: 0.0, EMPTY: 0.1},
    "reason": {TEXT: 0.0, WORD: 0.0, EMPTY: 0.0},
    "name": {TEXT: 0.0, WORD: 0.0, QUANTITY: 1.5, DATE: 1.0, COMPARE: 1.5, AMOUNT: 1.5},
    "nature": {COMPARATOR: 0.0, EMPTY: 0.1},
    "target": {**_VALUE, EMPTY: 0.1},
    "unit": {UNIT: 0.0, EMPTY: 0.1},
    "actual": {**_VALUE, COMPARE: 0.3, EMPTY: 0.1},
    "score": {NUMBER: 0.0, EMPTY: 0.2, WORD: 0.9},
    "item_score": {NUMBER: 0.0, EMPTY: 0.1},
    "completion": {WORD: 0.0, EMPTY: 0.0},
    "explanation": {TEXT: 0.0, WORD: 0.1, EMPTY: 0.0},
    "review_score": {NUMBER: 0.0, EMPTY: 0.0},
    "note": {TEXT: 0.0, WORD: 0.1, EMPTY: 0.0, NUMBER: 1.0, PERCENT: 1.0, DATE: 0.5, QUANTITY: 0.8, COMPARE: 1.0},
}
# What a column left without a value costs: forms leave notes and targets empty far more often than scores.
SKIP: dict[str, float] = {
    # A lone number in a row is its weight rather than its score: templates print the weights.
    "weight": 0.9,
    "name": 3.0,
    "target": 0.4,
    # A score left empty is commoner than an actual value left empty: forms are published before scoring.
    "actual": 0.6,
    "score": 0.5,
    "note": 0.0,
    "reason": 0.0,
    "completion": 0.1,
    "explanation": 0.0,
    "review_score": 0.0,
    "execution_weight": 0.6,
}
DEFAULT_SKIP = 0.5
SPLIT_COST = 1.0  # per extra part of a number that ran together: split only where reading it whole fails
ZERO_PART = 1.5  # per part of such a split that is zero
MAX_PERCENT = 1000.0  # a rate or a completion above this is digits that ran together
UNPLACED = 2.5  # a value that fits no column at all: kept as unread text
MAX_WEIGHT = 100.0
MAX_PARTS = 5  # 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 run together
MAX_GLUED = 20  # characters: longer runs of digits are not split
_PART = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d{1,4})?$")
# Digits that may hold several numbers, with a percent sign or a unit after the last ("1020万元": 10 | 20万元).
_GLUED_NUMBER = re.compile(r"^(?P<digits>[\d.]+)(?P<unit>%|[\u4e00-\u9fff]{1,3})?$")


def fit(column: str, cell_kind: str, text: str) -> float:
    """The cost of one value in one column."""
    cost = FIT.get(column, {}).get(cell_kind, INF)
    if (
        cost < INF
        and column in ("weight", "execution_weight", "score", "item_score", "execution_score")
        and cell_kind == NUMBER
    ):
        value = _number(text)
        if value is None or value > MAX_WEIGHT:
            return INF
    if cost < INF and column == "execution_weight" and cell_kind == NUMBER:
        # Budget execution is worth whole points (10, 20, 15), and something.
        value = _number(text)
        cost += 1.0 if not value else 0.5 if value != int(value) else 0.0
    if cost < INF and cell_kind == PERCENT:
        value = _number(text.split("(")[0])
        if value is None or value > MAX_PERCENT:
            return INF
    return cost


def _number(text: str) -> float | None:
    from ziping.values import parse_number

    return parse_number(text.strip()) if text else None


@dataclass(slots=True)
class Reading:
    """One way to read a row: its values by column, what fitted nowhere, and how its arithmetic fares."""

    cells: dict[str, Cell]
    unplaced: list[Cell]
    cost: float
    passed: int = 0
    failed: int = 0
    splits: int = 0

    @property
    def pattern(self) -> frozenset[str]:
        """The columns this reading fills with a value."""
        return frozenset(c for c, cell in self.cells.items() if kind_of(cell.text) != EMPTY)


@dataclass(slots=True)
class Placement:
    """A row's values by column; `unsure` when the row could be read more than one way.

    `readings` are the readings about as good as the chosen one (`cells`): a table can choose among
    them by what its other rows do (`choose`).
    """

    cells: dict[str, Cell] = field(default_factory=dict)
    unplaced: list[Cell] = field(default_factory=list)
    unsure: bool = False
    cost: float = 0.0
    readings: list[Reading] = field(default_factory=list)


Check = Callable[[dict[str, str]], tuple[int, int]]  # texts by column -> (checks passed, checks failed)


def expansions(cell: Cell) -> list[list[str]]:
    """The ways a cell's text can be read: as it is, and, for digits that ran together, split into numbers."""
    text = cell.text.strip()
    options = [[text]]
    if not cell.glued or len(text) > MAX_GLUED or not (m := _GLUED_NUMBER.match(text)):
        return options
    if not _whole(text):
        options = []
    digits, unit = m.group("digits"), m.group("unit") or ""
    for parts in range(2, MAX_PARTS + 1):
        for cuts in _cuts(len(digits), parts):
            pieces = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)))]
            if all(_PART.match(p) for p in pieces):
                pieces[-1] += unit
                options.append(pieces)
    return options


def _whole(text: str) -> bool:
    """Digits that ran together can still be one number, unless they start with a zero that no number has ("00")."""
    m = _GLUED_NUMBER.match(text)
    return not m or bool(_PART.match(m.group("digits")))


def _cuts(length: int, parts: int) -> list[tuple[int, ...]]:
    from itertools import combinations

    return list(combinations(range(1, length), parts - 1))


NEAR = 0.3  # readings this close in cost are equally good: the row's arithmetic or the table decides
SPLIT_MARGIN = 1.0 * (MAX_PARTS - 1) + 1.0  # splits considered beyond the cheapest reading


def place(values: Sequence[Cell], columns: Sequence[str], check: Check | None = None) -> Placement:
    """The values of one row by column, in order.

    The cheapest reading wins; readings about as cheap are told apart by the row's arithmetic
    (`check`). A number that ran together is split only where a split makes the arithmetic hold
    where reading it whole does not, and only where exactly one such split is best.
    """
    values = [v for v in values if v.text.strip() or v.formula]
    if not values:
        return Placement()
    # The common case first: as many values as columns, each fitting its own.
    if len(values) == len(columns) and all(not v.glued for v in values):
        direct = [fit(c, kind_of(v.text), v.text) for c, v in zip(columns, values)]
        if all(cost == 0.0 for cost in direct):
            cells = dict(zip(columns, values))
            return Placement(cells, readings=[Reading(cells, [], 0.0)])
    splittable = any(len(expansions(v)) > 1 for v in values)
    solutions = _solve(values, columns, SPLIT_MARGIN if splittable else NEAR)
    if not solutions:
        return Placement(unplaced=list(values), unsure=True, cost=INF)
    readings = []
    seen = set()
    for cost, assign, unplaced, splits in sorted(solutions, key=lambda s: s[0]):
        # Readings that differ only in where an empty marker ("—") went read the same.
        signature = tuple(sorted((c, t) for c, (t, _) in assign.items() if kind_of(t) != EMPTY))
        if signature in seen:
            continue
        seen.add(signature)
        passed, failed = check({c: t for c, (t, _) in assign.items()}) if check else (0, 0)
        readings.append(Reading(_cells(assign), list(unplaced), cost, passed, failed, splits))
    return choose(readings)


def choose(readings: list[Reading], pattern: frozenset[str] | None = None) -> Placement:
    """The reading to keep: none whose arithmetic fails; a split only where it makes more checks hold;
    among readings as cheap as the best, the table's usual `pattern`, then the most checks holding."""
    holding = [r for r in readings if not r.failed] or readings
    if any(r.splits for r in holding):
        top = max(r.passed for r in holding)
        pool = [r for r in holding if r.passed == top]
        if top == 0:
            pool = [r for r in pool if not r.splits] or pool
        floor = min(r.cost for r in pool)
        # Splits as cheap as the best and as well checked are as likely: the row stays unsure.
        pool = [r for r in pool if r.cost <= floor + NEAR + 1e-9]
    else:
        floor = min(r.cost for r in holding)
        pool = [r for r in holding if r.cost <= floor + NEAR + 1e-9]
        if pattern is not None and any(r.pattern == pattern for r in pool):
            pool = [r for r in pool if r.pattern == pattern]
        top = max(r.passed for r in pool)
        pool = [r for r in pool if r.passed == top]
        floor = min(r.cost for r in pool)
        pool = [r for r in pool if r.cost <= floor + 1e-9]
    pool.sort(key=lambda r: r.cost)
    chosen = pool[0]
    return Placement(chosen.cells, chosen.unplaced, unsure=len(pool) > 1, cost=chosen.cost, readings=readings)


def _cells(assign: dict[str, tuple[str, Cell]]) -> dict[str, Cell]:
    return {
        column: source if text == source.text.strip() else _part(source, text)
        for column, (text, source) in assign.items()
    }


def _part(source: Cell, text: str) -> Cell:
    return Cell(text, source.where, source.row, source.col, source.last_col, glued=False, parts=(source,))


MAX_READINGS = 512  # readings kept within the margin: a run of five numbers has a few hundred


def _split_cost(option: list[str]) -> float:
    """What reading a value as these parts costs: each extra part, and more for a part that is zero."""
    if len(option) == 1:
        return 0.0
    # "3030101|0|0%": a zero carved out of a run of digits is an accident of the cut far more often than a
    # figure: nothing spent of a budget is rare, and its rate is written 0.00%.
    zeros = sum(1 for part in option if _number(part) == 0)
    return SPLIT_COST * (len(option) - 1) + ZERO_PART * zeros


def _solve(values: Sequence[Cell], columns: Sequence[str], margin: float) -> list[tuple[float, dict, list[Cell], int]]:
    """Every placement of the values (with their splits) into the columns, in order, within `margin` of the
    cheapest. The cheapest cost of placing what remains is computed first, so the search only walks readings
    that can still come within the margin."""

    options: list[list[tuple[list[str], float]]] = [
        [(option, _split_cost(option)) for option in expansions(v)] for v in values
    ]
    kinds = [[[kind_of(part) for part in option] for option, _ in opts] for opts in options]
    n, k = len(values), len(columns)
    skips = [SKIP.get(c, DEFAULT_SKIP) for c in columns]
    tail_skip = [sum(skips[j:]) for j in range(k + 1)]

    @functools.cache
    def rest(i: int, j: int) -> float:
        """The cheapest cost of placing values[i:] into columns[j:]."""
        if i == n:
            return tail_skip[j]
        best = UNPLACED + rest(i + 1, j)
        for o, (_, split) in enumerate(options[i]):
            best = min(best, split + parts_rest(i, o, 0, j))
        return best

    @functools.cache
    def parts_rest(i: int, o: int, p: int, j: int) -> float:
        option = options[i][o][0]
        if p == len(option):
            return rest(i + 1, j)
        best = INF
        skipped = 0.0
        for col in range(j, k):
            c = fit(columns[col], kinds[i][o][p], option[p])
            if c < INF:
                best = min(best, skipped + c + parts_rest(i, o, p + 1, col + 1))
            skipped += skips[col]
        return best

    floor = rest(0, 0)
    if floor == INF:
        return []
    limit = floor + margin + 1e-9
    found: list[tuple[float, dict, list[Cell], int]] = []
    assign: dict[str, tuple[str, Cell]] = {}
    unplaced: list[Cell] = []
    splits = [0]

    def walk(i: int, j: int, cost: float) -> None:
        if len(found) >= MAX_READINGS or cost + rest(i, j) > limit:
            return
        if i == n:
            found.append((cost + tail_skip[j], dict(assign), list(unplaced), splits[0]))
            return
        for o, (option, split) in enumerate(options[i]):
            splits[0] += len(option) - 1
            place_parts(i, o, 0, j, cost + split)
            splits[0] -= len(option) - 1
        unplaced.append(values[i])  # the value fits nowhere: kept unplaced
        walk(i + 1, j, cost + UNPLACED)
        unplaced.pop()

    def place_parts(i: int, o: int, p: int, j: int, cost: float) -> None:
        option = options[i][o][0]
        if cost + parts_rest(i, o, p, j) > limit:
            return
        if p == len(option):
            walk(i + 1, j, cost)
            return
        skipped = 0.0
        for col in range(j, k):
            column = columns[col]
            c = fit(column, kinds[i][o][p], option[p])
            if c < INF and column not in assign:
                assign[column] = (option[p], values[i])
                place_parts(i, o, p + 1, col + 1, cost + skipped + c)
                del assign[column]
            skipped += skips[col]
            if cost + skipped > limit:
                break

    walk(0, 0, 0.0)
    return found


# --- the arithmetic of a row ---------------------------------------------------------------------------


def _decimals(text: str) -> int:
    head, _, tail = text.rstrip("%").partition(".")
    return len(tail)


def _close(declared_text: str, exact: float) -> bool:
    """A declared figure as a form writes the exact one: rounded or truncated at its own precision."""
    declared = _number(declared_text)
    if declared is None:
        return False
    places = _decimals(declared_text)
    step = 10.0**-places
    return (
        abs(declared - exact) <= step / 2 + 1e-6
        or -1e-9 <= exact - declared < step - 1e-9
        or abs(declared - exact) <= 0.01
    )


def funds_check(bounds: dict[str, float] | None = None) -> Check:
    """The arithmetic of a funds row: rate = executed ÷ budget, score = weight × rate, parts within the total."""

    def check(texts: dict[str, str]) -> tuple[int, int]:
        passed = failed = 0
        budget, executed = _number(texts.get("budget", "")), _number(texts.get("executed", ""))
        rate, weight = texts.get("execution_rate"), _number(texts.get("execution_weight", ""))
        exact = executed / budget * 100 if budget and executed is not None else None
        # What holds of zeros holds of any cut ("2|0|2|0": nothing spent, nothing scored): only a check that
        # could have failed for a figure other than zero counts as passed.
        if rate is not None and exact is not None:
            # A rate of 0% agrees only with nothing spent: "303010|10|0%" is digits cut wrongly, not a rate rounded.
            agrees = _close(rate, exact) and not (_number(rate) == 0 and exact > 0)
            if not agrees:
                failed += 1
            elif exact > 0:
                passed += 1
        if rate is not None and exact is None and _number(rate) is not None:
            exact = _number(rate)
        score = texts.get("execution_score")
        if score is not None and weight is not None and exact is not None:
            expected = weight * min(exact, 100.0) / 100
            if not _close(score, expected):
                failed += 1
            elif expected > 0:
                passed += 1
        if score is not None and weight is not None and (_number(score) or 0) > weight + 0.01:
            failed += 1
        for column, limit in (bounds or {}).items():
            value = _number(texts.get(column, ""))
            if value is None:
                continue
            # Within the total is what any part is; equal to it is what a row that is the only source is.
            if value > limit + 0.01:
                failed += 1
            elif abs(value - limit) <= 0.01:
                passed += 1
        return passed, failed

    return check


def indicator_check(texts: dict[str, str]) -> tuple[int, int]:
    """The arithmetic of an indicator row: a score within its weight."""
    weight, score = _number(texts.get("weight", "")), _number(texts.get("score", ""))
    if weight is None or score is None:
        return 0, 0
    return (1, 0) if score <= weight + 0.01 else (0, 1)


def total_check(texts: dict[str, str]) -> tuple[int, int]:
    """The arithmetic of a 总分 row: the weights make 100, and the score is within them."""
    weight = _number(texts.get("weight", ""))
    passed, failed = indicator_check(texts)
    if weight is not None and abs(weight - 100) < 1e-9:
        passed += 1
    return passed, failed
