"""Forms written in the style of published ones (fixtures/published-style): each raises exactly its findings."""

from __future__ import annotations

import json

import pytest

from ziping.checks import Checker
from ziping.findings import Severity

from .conftest import FIXTURES

FOLDER = FIXTURES / "published-style"
EXPECTED = json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_findings(name):
    [form] = Checker.create().check_file(FOLDER / name).forms
    found = {f.code for f in form.findings if f.severity is not Severity.INFO}
    info = {f.code for f in form.findings if f.severity is Severity.INFO}
    assert found == set(EXPECTED[name]["warnings_and_errors"])
    assert info == set(EXPECTED[name]["info"])


def test_whole_points_are_inferred_and_reported():
    [form] = Checker.create().check_file(FOLDER / "city-2023-whole-points.txt").forms
    assert form.figures.precision["scores"] == 0
    assert round(form.figures.total_score, 2) == 97.69  # 10 declared for 9.69 is honest rounding
