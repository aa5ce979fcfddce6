"""The funds total read by its declared rate, where the headings came before their values.

Text copied from a web page or a PDF can list a funds table's column headings in a run and its values
after them, in an order that no longer says which value is whose ("全年预算数(A)全年执行数(B)执行率(B/A)
…300万元 259.45万元 86.5%"). The declared rate then says it: the budget and the executed amount are the
one pair of amounts, in reading order, whose quotient the rate states (259.45 ÷ 300 = 86.48% ≈ 86.5%).
A pair is taken only where exactly one pair of values agrees; two readings the rate cannot tell apart
(10 / 10 and 207.45 / 207.45 both make 100%) are no reading at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ziping.readers.align import funds_check
from ziping.readers.cells import AMOUNT, NUMBER, Cell, kind_of

_AMOUNT = re.compile(r"^(?P<figure>.+?)\s?(?P<unit>万元|亿元|元|万)$")
_CHECK = funds_check()
# A funds block holds a few rows of three amounts: more figures than this are some other table's, and the more
# pairs there are, the likelier one agrees with the rate by chance.
MAX_AMOUNTS = 24


@dataclass(frozen=True, slots=True)
class RateReading:
    """The total row's amounts, as figures in the table's unit, and the declared rate that confirms them."""

    budget: Cell
    executed: Cell
    rate: Cell
    budget_figure: str
    executed_figure: str


def figure(text: str, unit: str | None) -> str | None:
    """An amount as the table writes it, in its unit: "300万元" in a table in 万元 is 300; an amount in a unit
    other than the table's is no figure of it (None)."""
    text = text.strip()
    kind = kind_of(text)
    if kind == NUMBER:
        return text
    if kind != AMOUNT or not (m := _AMOUNT.match(text)):
        return None
    own = "万元" if m["unit"] == "万" else m["unit"]
    if unit is None:
        return text  # read whole, in yuan, as the table's own amounts are
    return m["figure"] if own == unit else None


def confirmed(
    amounts: Sequence[Cell],
    rates: Sequence[Cell],
    unit: str | None = None,
    budget: str | None = None,
    executed: str | None = None,
) -> RateReading | None:
    """The one (budget, executed) pair of `amounts`, budget first, whose quotient a rate of `rates` states.

    `unit`: the table's (None: amounts in yuan); `budget` / `executed`: what the total row already holds, which
    a pair must equal. None when no pair agrees, or when pairs of different values do: the rate then cannot
    tell which is meant.
    """
    known = [(text, _value(text, unit)) for text in (budget, executed)]
    money = [(c, f, v) for c in amounts if (f := figure(c.text, unit)) and (v := _value(f, unit)) is not None]
    if len(money) > MAX_AMOUNTS:
        return None
    found: list[RateReading] = []
    values: set[tuple[float, float]] = set()
    for i, (low, low_figure, low_value) in enumerate(money):
        for high, high_figure, high_value in money[i + 1 :]:
            if not all(_agrees(held, value) for held, value in zip(known, (low_value, high_value))):
                continue
            texts = {"budget": low_figure, "executed": high_figure}
            rate = next((r for r in rates if _CHECK({**texts, "execution_rate": r.text}) == (1, 0)), None)
            if rate is None:
                continue
            values.add((round(low_value, 2), round(high_value, 2)))
            found.append(RateReading(low, high, rate, low_figure, high_figure))
    if len(values) != 1:
        return None
    return found[0]


def _agrees(held: tuple[str | None, float | None], value: float) -> bool:
    """A figure agrees with what the total row holds: the same amount, or nothing held."""
    text, known = held
    return text is None or (known is not None and abs(known - value) <= 0.01)


def _value(text: str | None, unit: str | None) -> float | None:
    from ziping.values import parse_number

    written = figure(text, unit) if text is not None else None
    return parse_number(written) if written is not None else None
