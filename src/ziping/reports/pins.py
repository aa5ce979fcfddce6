"""Where a finding belongs in a per-form report: its field path mapped to a cell, a row or a block.

A place is a short key (`ind4.actual`, `total.score`, `funds.total.rate`, `goals.actual`); the
report builder takes the findings of each place as it draws it, and whatever no drawn place took
is listed under 其他问题, so a finding whose field the report does not know is never lost.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ziping.findings import Finding
from ziping.rules.common import fmt_plain

INDICATOR_PARTS = ("name", "target", "actual", "weight", "score", "note")
# funds.weight / .execution_rate / .execution_score are the last three cells of the 年度资金总额 row.
FUNDS_TOTAL_CELLS = {"weight": "weight", "execution_rate": "rate", "execution_score": "score"}
FUNDS_ROWS = ("total", "fiscal", "carryover", "other")
FUNDS_COLUMNS = ("initial_budget", "budget", "executed")

# LLM findings name a whole indicator ("indicators[3]"), rules one of its cells ("indicators[3].score").
_INDICATOR = re.compile(r"^indicators\[(\d+)\](?:\.(\w+))?")
_LEVEL1 = re.compile(r"^level1\[(\d+)\]")


def place_of(field: str) -> str:
    """The report place a finding's field path is pinned to (unknown paths map to themselves)."""
    if match := _INDICATOR.match(field):
        k, part = match.groups()
        return f"ind{k}.{part if part in INDICATOR_PARTS else 'row'}"
    if match := _LEVEL1.match(field):
        return f"level1{match.group(1)}"
    head, _, rest = field.partition(".")
    if head == "funds":
        if rest in FUNDS_TOTAL_CELLS:
            return f"funds.total.{FUNDS_TOTAL_CELLS[rest]}"
        row, _, column = rest.partition(".")
        if row in FUNDS_ROWS and column in FUNDS_COLUMNS:
            return f"funds.{row}.{column}"
        return "funds"
    if head == "total":
        return f"total.{rest}" if rest in ("weight", "score") else "total.row"
    # header.*, goals.*, grade and indicators (the whole table missing) are places of their own.
    return field


@dataclass(frozen=True, slots=True)
class Pin:
    """A finding as a report shows it."""

    anchor: str  # the HTML id of its detail, e.g. "f1-3"
    code: str
    name: str
    severity: str
    severity_label: str
    message: str
    formula: str | None
    where: str  # 第97行
    declared: str | None
    expected: str | None
    origin: str
    quote: str | None
    place: str


def shown_value(value: float | str | None) -> str | None:
    """A declared or expected value as a badge shows it: 95, 99.24, 1,350,000, or the text."""
    if value is None:
        return None
    if isinstance(value, float | int):
        return fmt_plain(float(value))
    return str(value)


def make_pins(findings: list[Finding], described: list[dict[str, Any]], form_index: int, lang: str) -> list[Pin]:
    """Pins for a form's findings; `described` is each finding as the JSON contract renders it."""
    pins = []
    for k, (finding, entry) in enumerate(zip(findings, described, strict=True), start=1):
        pins.append(
            Pin(
                anchor=f"f{form_index}-{k}",
                code=finding.code,
                name=entry["name"],
                severity=finding.severity.value,
                severity_label=finding.severity.label(lang),
                message=entry["message"],
                formula=entry["formula"],
                where=finding.location.describe(lang) if finding.location else "",
                declared=shown_value(finding.declared),
                expected=shown_value(finding.expected),
                origin=finding.origin,
                quote=finding.quote,
                place=place_of(finding.field),
            )
        )
    return pins


class PinBoard:
    """The pins of one form by place; drawing a place takes its pins, the rest are left over."""

    def __init__(self, pins: list[Pin]) -> None:
        self._by_place: dict[str, list[Pin]] = defaultdict(list)
        for pin in pins:
            self._by_place[pin.place].append(pin)

    def take(self, place: str) -> list[Pin]:
        """The pins of one place (each place is drawn once)."""
        return self._by_place.pop(place, [])

    def peek(self, place: str) -> list[Pin]:
        """The pins of a place without taking them (for a summary that links to them)."""
        return list(self._by_place.get(place, []))

    def left_over(self) -> list[Pin]:
        """Pins no drawn place took, in their original order."""
        rest = [pin for pins in self._by_place.values() for pin in pins]
        self._by_place.clear()
        return sorted(rest, key=lambda pin: int(pin.anchor.rsplit("-", 1)[1]))


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of narrative text; `anchor` names the LLM finding whose quote it is, if any."""

    text: str
    anchor: str | None = None
    code: str | None = None


def highlight(text: str, quoted: list[Pin]) -> list[Segment]:
    """The text cut into runs, the spans quoted by LLM findings marked with the finding's anchor.

    Quotes are found as grounding found them (llm/textfold.py), so a quote matches across the line breaks
    and spaces a PDF extraction leaves inside a narrative, and across the punctuation models swap."""
    from ziping.llm.textfold import fold, folded

    owner: list[Pin | None] = [None] * len(text)
    cell = fold(text) if quoted else None
    for pin in quoted:
        assert cell is not None
        for start, end in cell.spans(folded(pin.quote or "")):
            for i in range(start, end):
                owner[i] = owner[i] or pin
    segments: list[Segment] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or owner[i] is not owner[start]:
            pin = owner[start]
            segments.append(Segment(text[start:i], pin.anchor if pin else None, pin.code if pin else None))
            start = i
    return segments
