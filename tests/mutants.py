"""One-defect mutants of the seed forms: the seed text with one value changed, checked to change only that field.

A mutant names the form (1-based), the field it changes (a path as findings name fields), the text to
replace inside that form's lines and what to put there. `make` applies it and verifies, by parsing the
seed and the mutant, that exactly the named field changed, so a test never mistakes a typo in a
mutant for a behaviour of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ziping.model import Form
from ziping.readers import read_bytes

from .conftest import SEED


@dataclass(frozen=True)
class Mutant:
    label: str
    form: int  # 1-based, as reports number forms
    field: str  # the one field the mutation changes, e.g. "funds.execution_score", "indicators[0].note"
    old: str  # text inside the form's lines, found exactly once
    new: str
    codes: frozenset[str]  # what the defect must raise, beside the seed form's own findings

    def __str__(self) -> str:
        return f"表{self.form} {self.label}"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def read(text: str) -> list[Form]:
    result = read_bytes(text.encode("utf-8"), str(SEED))
    assert result.problem is None, result.problem
    return result.forms


def make(mutant: Mutant, text: str | None = None) -> str:
    """The seed text with the mutation applied; fails unless it changes exactly `mutant.field`."""
    text = seed_text() if text is None else text
    forms = read(text)
    form = forms[mutant.form - 1]
    lines = text.splitlines(keepends=True)
    start, end = form.location.line - 1, form.location.end_line
    span = "".join(lines[start:end])
    assert span.count(mutant.old) == 1, f"{mutant}: {mutant.old!r} occurs {span.count(mutant.old)} times"
    mutated = "".join(lines[:start]) + span.replace(mutant.old, mutant.new) + "".join(lines[end:])
    after = read(mutated)
    assert len(after) == len(forms)
    for k, (a, b) in enumerate(zip(forms, after, strict=True)):
        changed = changed_fields(a, b)
        assert changed == ({mutant.field} if k == mutant.form - 1 else set()), f"{mutant}: changed {changed}"
    return mutated


def changed_fields(before: Form, after: Form) -> set[str]:
    """The paths of the raw values that differ between two readings of a form (locations aside)."""
    a, b = _raws(before.model_dump(mode="json")), _raws(after.model_dump(mode="json"))
    return {path for path in a.keys() | b.keys() if a.get(path) != b.get(path)}


def _raws(data: Any, path: str = "") -> dict[str, Any]:
    """Every raw value of a dumped form by its path; a field is a dict with "raw"."""
    if isinstance(data, dict):
        if "raw" in data:
            return {path: data["raw"]}
        found: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("location", "source", "parsed", "value", "decimals", "target_parsed", "actual_parsed"):
                continue
            found |= _raws(value, f"{path}.{key}" if path else key)
        return found
    if isinstance(data, list):
        found = {}
        for k, value in enumerate(data):
            found |= _raws(value, f"{path}[{k}]")
        return found
    return {path: data}
