"""Scoring edge cases: rounding practice, upper bounds, deadlines — where false alarms hide."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ziping.checks import Checker
from ziping.ruledocs import apply_changes
from ziping.scoring import accepts, round_half_up, truncate

CHECKER = Checker.create()


def codes(changes: dict[str, str]) -> set[str]:
    return {f.code for f in CHECKER.check_form(apply_changes(changes)).findings}


@given(st.floats(min_value=0, max_value=100, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_rounded_and_truncated_values_are_always_accepted(exact, places):
    assert accepts(round_half_up(exact, places), exact, exact, 0.01, places)
    assert accepts(truncate(exact, places), exact, exact, 0.01, places)


def test_whole_number_form_rounds_honestly():
    # 20 × 95 / 100 … a form that writes whole points enters 19.8 as 20 (rounded) or 19 (truncated).
    whole = {
        "indicators[软件配置完成率].actual": "96%",
        "indicators[软件配置完成率].score": "19",
        "indicators[资金使用率].score": "10",
        "funds.execution_score": "10",
        "total.score": "99",
    }
    assert not codes(whole) & {"ZP102", "ZP202", "ZP203", "ZP304"}
    # but a point more than rounding gives is inflation
    assert "ZP202" in codes(
        {**whole, "indicators[软件配置完成率].actual": "90%", "indicators[软件配置完成率].score": "20"}
    )


def test_two_decimal_form_flags_beyond_a_cent():
    assert "ZP202" in codes({"indicators[软件配置完成率].score": "19.82"})
    assert "ZP202" not in codes({"indicators[软件配置完成率].score": "19.81"})


def test_upper_bound_missed_accepts_any_proportional_deduction():
    base = {
        "indicators[系统故障修复响应时间].target": "≤48小时",
        "indicators[系统故障修复响应时间].actual": "60小时",
        "indicators[系统故障修复响应时间].note": "原因：供应商响应慢。改进措施：加强督促。",
    }
    assert not codes({**base, "indicators[系统故障修复响应时间].score": "8"}) & {"ZP202", "ZP203"}
    assert not codes({**base, "indicators[系统故障修复响应时间].score": "5"}) & {"ZP202", "ZP203"}
    assert "ZP202" in codes({**base, "indicators[系统故障修复响应时间].score": "10"})


def test_days_convert_to_hours():
    assert "ZP207" not in codes({"indicators[系统故障修复响应时间].actual": "2天"})
    assert "ZP207" in codes({"indicators[系统故障修复响应时间].actual": "2万元"})


def test_rate_target_met_at_100_is_not_over_achievement():
    assert "ZP205" not in codes({"indicators[系统使用者满意度].target": "≥80%"})


def test_quantity_over_achievement_threshold():
    assert "ZP205" not in codes({"indicators[发布信息量].note": "", "indicators[发布信息量].actual": "240条"})
    assert "ZP205" in codes({"indicators[发布信息量].note": "", "indicators[发布信息量].actual": "241条"})


def test_deadline_met_within_the_month_and_missed_after():
    def deadline(actual: str) -> dict[str, str]:
        return {
            "indicators[系统故障修复响应时间].target": "2023年12月31日前",
            "indicators[系统故障修复响应时间].actual": actual,
            "indicators[系统故障修复响应时间].name": "项目完成时间",  # renamed last: paths select by name
        }

    assert "ZP403" not in codes(deadline("已于2023年12月份完成"))
    assert "ZP403" in codes(deadline("2024年1月完成"))


def test_a_deadline_written_into_the_name_is_a_deadline():
    # The seed forms are of 2023: a limit in 2022 written into a name is last year's form.
    assert "ZP404" in codes({"indicators[系统故障修复响应时间].name": "2022年11月30日前完成资金支付"})
    assert "ZP404" not in codes({"indicators[系统故障修复响应时间].name": "2023年11月30日前完成资金支付"})
    assert "ZP404" not in codes({"indicators[系统故障修复响应时间].name": "2022年度结转资金支付率"})


@pytest.mark.parametrize("actual", ["未发生安全事故", "已完成", "达成"])
def test_completion_words_that_are_not_partial(actual):
    assert "ZP209" not in codes({"indicators[系统故障排除率].actual": actual})


@pytest.mark.parametrize("actual", ["基本完成", "部分完成", "尚未完成", "系统试运行"])
def test_partial_completion_with_full_score(actual):
    assert "ZP209" in codes({"indicators[系统故障排除率].actual": actual})


def test_narrative_numbers_only_when_unambiguous():
    # Two numbers that could be the same indicator's: say nothing.
    assert "ZP501" not in codes({"goals.actual": "发布信息300条，其中发布信息200条为转载。"})
    # A shared generic word is not a reference.
    assert "ZP501" not in codes({"goals.actual": "系统运行良好，共300条。"})


def test_a_count_is_named_by_two_characters_it_shares_with_one_indicator_only():
    from ziping.rules.narrative import _reference, mentions, refers_to

    [people] = mentions("惠及群众41258人")
    refs = [_reference("受益群众人数（人）", None), _reference("带动就业人数（人）", None)]
    assert [refers_to(people, ref) for ref in refs] == [True, False]
    # Money is not: an amount spent on training is not the per-head training cost.
    [money] = mentions("其中81991元用于人员培训")
    assert not refers_to(money, _reference("人均培训成本（元）", None))


def test_negated_completion_claim_is_not_a_claim():
    assert "ZP502" not in codes({"goals.actual": "信息安全培训未全部完成。"})


def test_execution_rate_over_100_scores_full_weight_only():
    over = {"funds.total.executed": "700000.00", "funds.fiscal.executed": "700000.00", "funds.execution_rate": "105.77"}
    assert "ZP102" in codes({**over, "funds.execution_score": "10.58"})
    assert "ZP102" not in codes({**over, "funds.execution_score": "10"})


def test_a_goal_restated_beside_new_results_is_not_a_copy():
    from ziping.rules.narrative import repeated_share

    goal = "举办培训班，提高业务能力。完成系统升级。"
    assert repeated_share(goal, "举办培训班，提高业务能力。完成系统升级。") == 1.0
    mixed = "举办培训班，共培训学员320人次，考核合格率98%。完成系统升级，新增预警功能6项。"
    assert repeated_share(goal, mixed) < 0.5
