"""Golden tests on the seed forms: exactly the defects a careful reader finds (DESIGN.md §6), nothing false."""

from __future__ import annotations

import pytest

from ziping.checks import Checker
from ziping.findings import Severity
from ziping.rules import REGISTRY

EXPECTED = [{"ZP303", "ZP304", "ZP401"}, {"ZP303", "ZP304"}, {"ZP205"}]


def _codes(result, k):
    return {f.code for f in result.forms[k].findings if f.severity is not Severity.INFO}


@pytest.fixture(scope="module")
def result():
    from .conftest import SEED

    return Checker.create().check_file(SEED)


@pytest.mark.parametrize("k", range(3))
def test_warnings_and_errors_exactly(result, k):
    assert _codes(result, k) == EXPECTED[k]


def test_form1_total_leaves_out_execution_points(result):
    findings = {f.code: f for f in result.forms[0].findings}
    total = findings["ZP304"]
    assert (total.declared, total.expected) == (85.0, 95.0)
    assert total.variant == "execution_left_out"
    message = REGISTRY["ZP304"].message(total)
    assert "85.00" in message and "95.00" in message and "漏计了预算执行率得分" in message
    assert REGISTRY["ZP304"].formula(total) == "10.00 + 85.00 = 95.00"
    weight = findings["ZP303"]
    assert (weight.declared, weight.expected) == (90.0, 100.0)
    assert total.location.line == 97


def test_form1_completion_rate_names_the_album(result):
    finding = next(f for f in result.forms[0].findings if f.code == "ZP401")
    assert "人大工作纪念画册" in REGISTRY["ZP401"].message(finding)


def test_form2_figures(result):
    fig = result.forms[1].figures
    assert fig.execution_rate == pytest.approx(97.8809, abs=1e-4)
    assert fig.execution_score == pytest.approx(9.7881, abs=1e-4)
    assert round(fig.total_score, 2) == 99.24
    total = next(f for f in result.forms[1].findings if f.code == "ZP304")
    assert total.expected == 99.24 and total.variant == "execution_only"


def test_form2_truncated_score_is_not_a_finding(result):
    # 359 / 369 × 20 = 19.458, entered truncated as 19.45.
    ind = result.forms[1].form.indicators[0]
    assert ind.score.value == 19.45
    exp = result.forms[1].figures.expectations[0]
    assert exp.low == pytest.approx(19.4580, abs=1e-4)
    assert not [f for f in result.forms[1].findings if f.field.startswith("indicators[0]")]


def test_form3_every_figure_holds(result):
    fig = result.forms[2].figures
    assert round(fig.execution_rate, 2) == 99.73
    assert round(fig.execution_score, 2) == 9.97
    assert round(fig.total_score, 2) == 99.74
    over = next(f for f in result.forms[2].findings if f.code == "ZP205")
    assert over.params["over"] == "38"
    assert over.location.line == 387
