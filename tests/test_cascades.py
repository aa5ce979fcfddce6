"""One mistake is one finding: each one-defect mutant of the seed forms raises exactly the codes of its defect.

A sum whose part is itself reported wrong is checked against the recomputed part too (accepting
either), and a figure computed from a disputed input accepts either input, so no finding follows
from another. The seed forms' own findings stay as they are (test_golden.py).
"""

from __future__ import annotations

import pytest

from ziping.checks import Checker
from ziping.readers import read_bytes
from ziping.rules import REGISTRY

from .conftest import SEED
from .mutants import Mutant, make, seed_text


def M(label, form, field, old, new, *codes):
    return Mutant(label, form, field, old, new, frozenset(codes))


FUNDS_3 = "年度资金总额 661800.00 661800.00 660000.00 10 99.73 9.97"
MUTANTS = [
    # scores
    M("执行率得分 9.97→9.99", 3, "funds.execution_score", "10 99.73 9.97", "10 99.73 9.99", "ZP102"),
    M("执行率得分 9.97→10", 3, "funds.execution_score", "10 99.73 9.97", "10 99.73 10", "ZP102"),
    M("指标得分虚高 19.8→20", 3, "indicators[0].score", "100% 99% 20 19.8", "100% 99% 20 20", "ZP202"),
    M("指标得分偏低 10→8", 3, "indicators[1].score", "100% 100% 10 10", "100% 100% 10 8", "ZP203"),
    M("指标得分超过分值 10→12", 3, "indicators[1].score", "100% 100% 10 10", "100% 100% 10 12", "ZP201"),
    M("资金使用率得分 9.97→10", 3, "indicators[3].score", "99.73% 10 9.97", "99.73% 10 10", "ZP202"),
    M("指标得分偏低 10→9", 1, "indicators[0].score", "10 10 10.00 10分", "10 10 10.00 9分", "ZP203"),
    M("执行率得分 9.79→9.97", 2, "funds.execution_score", "10 97.8800 9.79", "10 97.8800 9.97", "ZP102"),
    # rates
    M("执行率 99.73→95.00", 3, "funds.execution_rate", "10 99.73 9.97", "10 95.00 9.97", "ZP101"),
    M("执行率数字颠倒 99.73→99.37", 3, "funds.execution_rate", "10 99.73 9.97", "10 99.37 9.97", "ZP101"),
    # totals
    M("总分得分 99.74→98.74", 3, "total.score", "总分 100 99.74", "总分 100 98.74", "ZP304"),
    M("总分分值 100→90", 3, "total.weight", "总分 100 99.74", "总分 90 99.74", "ZP303"),
    # weights
    M("一级指标分值 50→60", 3, "level1[0].weight", "产出指标\n(50分)", "产出指标\n(60分)", "ZP302"),
    M("指标分值 10→15（得分仍按 10）", 3, "indicators[1].weight", "100% 100% 10 10", "100% 100% 15 10", "ZP302"),
    M("指标分值 20→25（得分仍按 20）", 3, "indicators[0].weight", "100% 99% 20 19.8", "100% 99% 25 19.8", "ZP302"),
    M("指标分值 10→5（得分超过新分值）", 3, "indicators[1].weight", "100% 100% 10 10", "100% 100% 5 10", "ZP302"),
    # funds rows
    M(
        "年度资金总额执行数 660000→600000",
        3,
        "funds.total.executed",
        FUNDS_3,
        FUNDS_3.replace("660000.00", "600000.00"),
        "ZP103",
    ),
    M(
        "年度资金总额执行数 660000→700000",
        3,
        "funds.total.executed",
        FUNDS_3,
        FUNDS_3.replace("660000.00", "700000.00"),
        "ZP103",
    ),
    M(
        "年度资金总额执行数 660000→500000",
        3,
        "funds.total.executed",
        FUNDS_3,
        FUNDS_3.replace("660000.00", "500000.00"),
        "ZP103",
    ),
    M(
        "年度资金总额预算数 661800→700000",
        3,
        "funds.total.budget",
        FUNDS_3,
        FUNDS_3.replace("661800.00 660000", "700000.00 660000"),
        "ZP103",
    ),
    M(
        "年度资金总额年初数 661800→600000",
        3,
        "funds.total.initial_budget",
        FUNDS_3,
        FUNDS_3.replace("总额 661800.00", "总额 600000.00"),
        "ZP103",
    ),
    M(
        "财政拨款执行数 660000→650000",
        3,
        "funds.fiscal.executed",
        "661800.00 661800.00 660000.00 — — —",
        "661800.00 661800.00 650000.00 — — —",
        "ZP103",
    ),
    M(
        "上年结转执行数 0→10000",
        3,
        "funds.carryover.executed",
        "上年结转资金 0.00 0.00 0.00",
        "上年结转资金 0.00 0.00 10000.00",
        "ZP103",
    ),
    # notes
    M(
        "偏差说明删去",
        3,
        "indicators[0].note",
        _note
        := "偏差原因分析：龙\n岗区人大代表履职\n评价系统正处于试\n运行状态，还未正\n式运行。\n改进措施：加快推\n进系统建设，尽早\n将龙岗区人大代表\n履职评价系统投入\n正式运营。",
        "无",
        "ZP204",
    ),
    M(
        "偏差说明只写原因",
        3,
        "indicators[0].note",
        _note,
        "偏差原因分析：龙\n岗区人大代表履职\n评价系统正处于试\n运行状态，还未正\n式运行。",
        "ZP208",
    ),
]


def _codes(result, form: int) -> set[str]:
    return {f.code for f in result.forms[form - 1].findings}


@pytest.fixture(scope="module")
def checker():
    return Checker.create()


@pytest.fixture(scope="module")
def seed(checker):
    return checker.check_file(SEED)


@pytest.mark.parametrize("mutant", MUTANTS, ids=str)
def test_one_defect_raises_exactly_its_codes(mutant, checker, seed):
    result = checker.check_read(read_bytes(make(mutant).encode("utf-8"), str(SEED)))
    for form in (1, 2, 3):
        expected = _codes(seed, form) | (mutant.codes if form == mutant.form else set())
        assert _codes(result, form) == expected, (
            form,
            [REGISTRY[f.code].message(f) for f in result.forms[form - 1].findings],
        )


def test_the_defect_is_reported_where_it_is():
    """The issue's own example: 9.99 for 9.97 is one ZP102 on the funds row, and the total stays unreported."""
    checker = Checker.create()
    result = checker.check_read(read_bytes(make(MUTANTS[0]).encode("utf-8"), str(SEED)))
    [finding] = [f for f in result.forms[2].findings if f.severity.value == "error"]
    assert finding.code == "ZP102" and finding.field == "funds.execution_score" and finding.expected == 9.97


def test_a_total_wrong_beside_a_wrong_part_is_still_reported():
    """Two defects, two findings: the total matches neither the declared nor the recomputed parts."""
    text = make(MUTANTS[0])
    text = text.replace("总分 100 99.74", "总分 100 97.00")
    result = Checker.create().check_read(read_bytes(text.encode("utf-8"), str(SEED)))
    found = {f.code: f for f in result.forms[2].findings}
    assert {"ZP102", "ZP304"} <= set(found)
    # The expected total is computed from the corrected part, so following both findings leaves the form right.
    assert found["ZP304"].expected == 99.74


def test_every_mutant_is_one_change_of_the_seed():
    text = seed_text()
    for mutant in MUTANTS:
        assert make(mutant, text) != text


def test_an_over_budget_total_row_its_own_rate_confirms_is_still_over_budget():
    """The total row says 700,000 spent at 105.77% (its own rate agrees); a source row saying 660,000 is ZP103's
    mistake and does not make the spending fit the budget."""
    text = seed_text().replace(FUNDS_3, "年度资金总额 661800.00 661800.00 700000.00 10 105.77 10")
    result = Checker.create().check_read(read_bytes(text.encode("utf-8"), str(SEED)))
    assert {"ZP103", "ZP104"} <= _codes(result, 3)
