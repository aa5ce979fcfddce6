"""Labels of a synthetic corpus: what each file holds and what the checker must say about it.

`labels.jsonl` has one line per file:

    {"path": "F000001.txt", "format": "txt", "encoding": "gb18030", "noise": ["wrapped", ...],
     "expected": [...file-level findings...],
     "forms": [{"id": "F000001", "index": 1, "clean": false, "defects": ["score_inflated"],
                "expected": [{"code": "ZP202", "field": "indicators[培训场次（场）].score", "kind": ..., "description": ...}],
                "negatives": [{"field": ..., "kind": "honest_rounding", "description": ...}],
                "truth": {"header.project_name": "...", "funds.total.budget": 1350000.0, ...}}]}

Fields are named by path, indicators and level-1 headers by name rather than position, so a label
still points at the right row when a reader orders rows differently. `field_values` gives the same
paths for the generated form (the truth) and for the form a reader returns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ziping.model import Form, NumberField, TextField
from ziping.values import normalize, parse_number

LABELS = "labels.jsonl"
FUND_ROWS = ("total", "fiscal", "carryover", "other")
AMOUNTS = ("initial_budget", "budget", "executed")
_INDEXED = re.compile(r"^(indicators|level1|unread)\[(\d+)\](.*)$")


def norm_text(text: str) -> str:
    """Text as compared: full-width folded, all whitespace gone (a wrapped cell is the same cell)."""
    return "".join(normalize(text).split())


def _text(field: TextField | NumberField | None) -> str | None:
    return norm_text(field.raw) if field is not None and field.raw.strip() else None


def _number(field: NumberField | None) -> float | str | None:
    if field is None or not field.raw.strip():
        return None
    value = parse_number(field.raw)
    return value if value is not None else norm_text(field.raw)


def field_values(form: Form) -> dict[str, Any]:
    """Every field a reader reads, by path: numbers as values, text normalised; None where absent."""
    out: dict[str, Any] = {}
    h = form.header
    for name in ("project_code", "project_name", "implementing_unit", "budget_unit"):
        out[f"header.{name}"] = _text(getattr(h, name))
    out["header.year"] = _number(h.year)
    funds = form.funds
    for row in FUND_ROWS:
        fields = getattr(funds, row)
        for part in AMOUNTS:
            out[f"funds.{row}.{part}"] = _number(getattr(fields, part)) if fields is not None else None
    for name in ("weight", "execution_rate", "execution_score"):
        out[f"funds.{name}"] = _number(getattr(funds, name))
    out["goals.expected"] = _text(form.goals.expected)
    out["goals.actual"] = _text(form.goals.actual)
    for level1 in form.level1:
        out[f"level1[{level1.name}].weight"] = _number(level1.weight)
    for ind in form.indicators:
        key = f"indicators[{norm_text(ind.name.raw)}]"
        out[f"{key}.target"] = _text(ind.target)
        out[f"{key}.actual"] = _text(ind.actual)
        out[f"{key}.weight"] = _number(ind.weight)
        out[f"{key}.score"] = _number(ind.score)
        out[f"{key}.note"] = _text(ind.note)
    out["total.weight"] = _number(form.total.weight)
    out["total.score"] = _number(form.total.score)
    out["grade"] = _text(form.grade)
    return out


def same(a: Any, b: Any) -> bool:
    """Whether a read value equals the true one (numbers by value, text after normalisation)."""
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a))
    return a == b


def finding_field(form: Form | None, field: str) -> str:
    """A finding's field path with positions replaced by names: indicators[3].score → indicators[名].score."""
    m = _INDEXED.match(field)
    if m is None or form is None:
        return field
    kind, index, rest = m.group(1), int(m.group(2)), m.group(3)
    if kind == "unread":
        return "unread"
    items = form.indicators if kind == "indicators" else form.level1
    if index >= len(items):
        return field
    name = items[index].name.raw if kind == "indicators" else items[index].name
    return f"{kind}[{norm_text(name)}]{rest}"


def label_field(field: str) -> str:
    """A label's field path normalised like `finding_field` (indicator names compared normalised)."""
    m = re.match(r"^(indicators|level1)\[(.*)\](\..*)$", field)
    return f"{m.group(1)}[{norm_text(m.group(2))}]{m.group(3)}" if m else field


def write_labels(out: Path, records: list[dict[str, Any]]) -> Path:
    """labels.jsonl, one line per file, in path order."""
    path = out / LABELS
    with open(path, "w", encoding="utf-8") as fh:
        for record in sorted(records, key=lambda r: r["path"]):
            fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    return path


def read_labels(directory: Path) -> Iterator[dict[str, Any]]:
    """The records of a corpus folder's labels.jsonl; raises FileNotFoundError without one."""
    with open(directory / LABELS, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
