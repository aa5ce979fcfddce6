"""Rule documentation that runs: each rule's 反例 and 正例 applied to a clean example form.

The example form (example_form.txt, seed form 3 with its over-achievement explained) is clean under
every rule; an example is a few field changes to it. `ziping rules CODE` shows them with the finding
they produce, and the test suite runs every one.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from importlib.resources import files
from typing import Any

from ziping.findings import Finding
from ziping.model import Form
from ziping.profiles import load_profile
from ziping.readers.text import read_text
from ziping.rules.registry import Example, Rule
from ziping.scoring import figures

SEGMENT = re.compile(r"^(\w+)(?:\[(.+)\])?$")


class ExamplePathError(KeyError):
    """An example names a field the example form does not have."""


@lru_cache(maxsize=1)
def example_form_data() -> dict[str, Any]:
    """The clean example form as raw data."""
    text = files("ziping").joinpath("example_form.txt").read_text(encoding="utf-8")
    return Form.model_validate(read_text(text, "example_form.txt")[0]).model_dump()


def apply_changes(changes: dict[str, str]) -> Form:
    """The example form with some fields' raw text replaced ("" removes the field)."""
    data = copy.deepcopy(example_form_data())
    for path, raw in changes.items():
        _set(data, path.split("."), raw, path)
    return Form.model_validate(data)


def _set(node: Any, segments: list[str], raw: str, path: str) -> None:
    m = SEGMENT.match(segments[0])
    if not m:
        raise ExamplePathError(path)
    key, selector = m.groups()
    if selector == "+":  # append to a list: of plain strings, or of text fields
        node[key].append(
            raw
            if Form.model_fields.get(key) and Form.model_fields[key].annotation == list[str]
            else {"raw": raw, "location": None}
        )
        return
    if selector is not None:
        items = node[key]
        matches = [i for i, item in enumerate(items) if selector in _name(item)]
        if len(matches) != 1:
            raise ExamplePathError(path)
        if len(segments) == 1:
            if raw == "":
                del items[matches[0]]
                return
            raise ExamplePathError(path)
        _set(items[matches[0]], segments[1:], raw, path)
        return
    if len(segments) > 1:
        if node.get(key) is None:
            node[key] = {}
        _set(node[key], segments[1:], raw, path)
        return
    if raw == "":
        node[key] = None
        return
    old = node.get(key)
    location = old.get("location") if isinstance(old, dict) else None
    node[key] = {"raw": raw, "location": location}


def _name(item: dict[str, Any]) -> str:
    name = item.get("name")
    return name.get("raw", "") if isinstance(name, dict) else str(name)


def run_example(rule: Rule, example: Example, profile: str = "standard") -> list[Finding]:
    """The findings of one rule on the example form changed as the example says."""
    form = apply_changes(example.changes)
    return list(rule.run(form, figures(form, load_profile(profile))))
