"""Helpers shared by the rule families: number formatting and what counts as an explanation."""

from __future__ import annotations

import re

from ziping.model import Indicator, NumberField, TextField
from ziping.rules.registry import Text

# A note that says nothing ("无", "/") explains nothing.
EMPTY_NOTE = re.compile(r"^[\s/／\\—\-－无暂无不适用0.。]*$")
CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u3000]+(?=[\u4e00-\u9fff])")


def unspaced(text: str) -> str:
    """Prose without the spaces PDF extraction leaves inside Chinese words ("均已完 成" is 均已完成)."""
    if " " not in text and "\t" not in text and "\u3000" not in text:
        return text  # almost every narrative: no regex run at all
    return CJK_SPACE.sub("", text)


def fmt(value: float | None, places: int = 2) -> str:
    """A figure as messages show it: 2 decimals, thousands separators."""
    if value is None:
        return "—"
    return f"{value:,.{places}f}"


def fmt_range(low: float, high: float) -> str:
    """A recomputed figure that may be a range: 95.00, or 94.50–95.00."""
    return fmt(low) if round(low, 2) == round(high, 2) else f"{fmt(low)}–{fmt(high)}"


def fmt_plain(value: float | None) -> str:
    """A quantity without trailing zeros: 359, 99.73, 0.5."""
    if value is None:
        return "—"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text or "0"


def shown(field: TextField | NumberField | None) -> str:
    """A field's raw text as a message quotes it, or a dash when the form leaves it empty."""
    return field.raw if field is not None else "—"


def has_note(ind: Indicator) -> bool:
    """Whether the indicator carries a deviation note with content."""
    return ind.note is not None and not EMPTY_NOTE.match(ind.note.raw)


def indicator_field(index: int, part: str) -> str:
    """The JSON path of an indicator's part."""
    return f"indicators[{index}].{part}"


FUNDS_ROW_LABELS = {
    "total": Text("年度资金总额", "total funds"),
    "fiscal": Text("当年财政拨款", "current-year appropriation"),
    "carryover": Text("上年结转资金", "carry-over"),
    "other": Text("其他资金", "other funds"),
}
FUNDS_COLUMN_LABELS = {
    "initial_budget": Text("年初预算数", "initial budget"),
    "budget": Text("全年预算数", "full-year budget"),
    "executed": Text("全年执行数", "executed"),
}
