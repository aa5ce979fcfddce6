"""A funds block whose headings came in a run before their values (text copied from web pages, PDF and sheet
extractions): the total row read where the declared rate confirms the amounts, and only there."""

from __future__ import annotations

import pytest

from ziping.checks import Checker
from ziping.findings import Severity
from ziping.readers import funds_rate
from ziping.readers.cells import Cell

# Cells run together, the headings in a run, then the values on lines of their own after the row labels.
WEB = """马铃薯种苗推广项目绩效目标自评表(2022年度)
项目名称种苗推广项目实施单位某县农技中心资金情况(万元)年度资金总额全年预算数(A)全年执行数(B)执行率(B/A)其中中央补助自治区补助120万元
96.6万元
{rate}市县资金年度总体目标推广良种面积500亩绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及改进措施产出指标(50分)数量指标指标1推广面积50500亩500亩50效益指标(50分)社会效益指标指标1农户受益50100户100户50
"""
# A sheet's text in a scrambled order: the headings, then the total row's and the next row's values mixed.
SHEET = """某县项目支出绩效自评表 (2021年度) 项目名称 乡村卫生服务 主管部门 某县卫生健康局 年初预算 数 0 项目资金 (万元) \
年度资金总额 实施单位 某镇卫生院 {heads} 0 150.25 10 100% 10 150.25 — 100% — 其中:当年财政拨款 上年结转资金 其他资金 \
年度 总体 目标 一级 指标 — 卫生服务 卫生服务 年度 实际 指标值 完成值 指标1:健康档案 3000人 3000人 50 50
"""


def _check(text: str):
    [result] = Checker.create().check_bytes(text.encode("utf-8"), "form.txt").forms
    return result


def _errors(result) -> set[str]:
    return {f.code for f in result.findings if f.severity is Severity.ERROR}


def test_amounts_after_their_headings_are_read_where_the_declared_rate_confirms_them():
    result = _check(WEB.format(rate="80.5%"))
    total = result.form.funds.total
    assert (total.budget.raw, total.executed.raw) == ("120", "96.6")  # in the table's unit, 万元
    assert result.form.funds.execution_rate.raw == "80.5%"
    assert round(result.figures.execution_rate, 2) == 80.5
    # The source rows came out empty because their values went elsewhere: no finding rests on them.
    assert "funds.fiscal" in result.form.unsure
    assert not {"ZP101", "ZP103"} & _errors(result)


def test_amounts_the_declared_rate_does_not_confirm_are_not_read():
    result = _check(WEB.format(rate="75%"))  # 96.6 ÷ 120 is 80.5%
    total = result.form.funds.total
    assert total is None or (total.budget is None or total.executed is None)
    assert result.figures.execution_rate is None
    assert not {"ZP101", "ZP102", "ZP103", "ZP104"} & _errors(result)


def test_points_under_the_weight_and_score_headings_are_not_amounts():
    result = _check(SHEET.format(heads="全年预算数 全年执行数 分值 执行率 得分"))
    total = result.form.funds.total
    # 10 / 10 is 100% as well, but the headings put them under 分值 and 得分, and 10 × 100% = 10 confirms it.
    assert (total.budget.raw, total.executed.raw) == ("150.25", "150.25")
    assert result.figures.execution_rate == 100


def test_two_pairs_the_rate_cannot_tell_apart_leave_the_funds_unread():
    # Without 分值 / 得分 headings nothing says the 10s are points: 10 / 10 and 150.25 / 150.25 both make 100%.
    result = _check(SHEET.format(heads="全年预算数 全年执行数 执行率"))
    total = result.form.funds.total
    assert total is None or (total.budget is None and total.executed is None)
    assert result.figures.execution_rate is None


def _cells(*texts: str) -> list[Cell]:
    return [Cell(t, {}) for t in texts]


@pytest.mark.parametrize(
    ("amounts", "rates", "unit", "known", "expected"),
    [
        (("300万元", "259.45万元"), ("86.5%",), "万元", (None, None), ("300", "259.45")),
        # The total row's budget read beside its label, the pair after the headings: they must agree.
        (("300", "300万元", "259.45万元"), ("86.5%",), "万元", ("300", None), ("300", "259.45")),
        (("280万元", "259.45万元"), ("86.5%",), "万元", ("300", None), None),
        # Executed before the budget is no pair: a funds row lists the budget first.
        (("259.45", "300"), ("86.5%",), None, (None, None), None),
        # An amount in yuan in a table in 万元 is no figure of it.
        (("300", "2594500元"), ("86.5%",), "万元", (None, None), None),
        # A rate of 0% confirms nothing spent, not a pair of zeros or anything else.
        (("0", "0"), ("0%",), None, (None, None), None),
    ],
)
def test_confirmed_pairs(amounts, rates, unit, known, expected):
    reading = funds_rate.confirmed(_cells(*amounts), _cells(*rates), unit, *known)
    got = None if reading is None else (reading.budget_figure, reading.executed_figure)
    assert got == expected


def test_a_block_of_many_figures_is_no_funds_row():
    amounts = _cells(*(str(n) for n in range(1, funds_rate.MAX_AMOUNTS)), "300", "259.45")
    assert funds_rate.confirmed(amounts, _cells("86.5%")) is None
    assert funds_rate.confirmed(amounts[-funds_rate.MAX_AMOUNTS :], _cells("86.5%")) is not None
