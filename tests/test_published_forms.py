"""Real forms published by Sichuan counties (and controls from elsewhere) read as their hand-written goldens say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ziping.checks import Checker
from ziping.readers import read_path

from .conftest import FIXTURES

PUBLISHED = FIXTURES / "published"
CASES = sorted(PUBLISHED.glob("*.txt"))


def _raw(field):
    return None if field is None else field.raw


def _summary(form) -> dict:
    """The fields a golden names, as raw text: what the published form says, not what we make of it."""
    header = form.header
    funds = form.funds
    return {
        "header": {
            name: _raw(getattr(header, name))
            for name in ("project_code", "project_name", "year", "budget_unit", "implementing_unit")
        },
        "funds": {
            "unit": funds.unit,
            "weight": _raw(funds.weight),
            "execution_rate": _raw(funds.execution_rate),
            "execution_score": _raw(funds.execution_score),
            **{
                row: {
                    part: _raw(getattr(getattr(funds, row), part)) for part in ("initial_budget", "budget", "executed")
                }
                for row in ("total", "fiscal")
                if getattr(funds, row) is not None
            },
        },
        "goals": {"expected": _raw(form.goals.expected), "actual": _raw(form.goals.actual)},
        "indicators": [
            {
                "level1": ind.level1,
                "level2": ind.level2,
                "name": ind.name.raw,
                "target": _raw(ind.target),
                "actual": _raw(ind.actual),
                "weight": _raw(ind.weight),
                "score": _raw(ind.score),
            }
            for ind in form.indicators
        ],
        "total": {"weight": _raw(form.total.weight), "score": _raw(form.total.score)},
    }


def _golden(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_read_as_golden(path):
    expected = _golden(path)
    result = read_path(path)
    if "problem" in expected:
        assert result.problem is not None and result.problem.code == expected["problem"]
        return
    assert result.problem is None
    got = [_summary(form) for form in result.forms]
    want = [{**form, "header": {k: form["header"].get(k) for k in got[0]["header"]}} for form in expected["forms"]]
    assert got == want


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_sources_recorded(path):
    assert f"`{path.name}`" in (PUBLISHED / "SOURCES.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("profile", ["standard", "sichuan"])
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_findings_plausible(path, profile):
    result = Checker.create(profile=profile).check_file(path)
    codes = {f.code for form in result.forms for f in form.findings}
    assert "ZP009" not in codes  # no internal error
    # The level-1 headers of the Sichuan template carry no weights: nothing to compare or to add up.
    assert not codes & {"ZP301", "ZP302"}
    if path.name.startswith("sichuan-qingshen"):
        # The published form leaves 完成值 empty: each indicator is reported for it, and nothing is invented.
        assert [f.code for f in result.forms[0].findings if f.code == "ZP206"] == ["ZP206", "ZP206"]
        # ...and its 年度目标完成情况 still holds the template's hint, the habit ZP005 was written for.
        assert "ZP005" in codes


def test_sichuan_layout_is_scored_by_its_profile_unless_one_is_asked_for():
    import json

    from typer.testing import CliRunner

    from ziping.cli import app

    path = FIXTURES / "published" / "sichuan-qingshen-2023-wages.txt"
    runner = CliRunner()
    auto = json.loads(runner.invoke(app, ["check", str(path), "--format", "json"]).output)
    chosen = json.loads(runner.invoke(app, ["check", str(path), "--format", "json", "--profile", "standard"]).output)
    assert [f["profile"] for f in auto["files"][0]["forms"]] == ["sichuan"]
    assert [f["profile"] for f in chosen["files"][0]["forms"]] == ["standard"]
    assert "评分标准" in runner.invoke(app, ["check", str(path)]).output
