"""The risk score: what weighs more than what, LLM findings, the tie-break and the one-sentence reason."""

from __future__ import annotations

from ziping.risk import WEIGHTS, assess, weight_of


def f(code, severity, origin="rule", declared=None, expected=None):
    return {"code": code, "severity": severity, "origin": origin, "declared": declared, "expected": expected}


def score(*findings):
    return assess(findings).score


def test_money_and_totals_outweigh_wording():
    assert score(f("ZP101", "error")) > score(f("ZP208", "warning"), f("ZP209", "warning"), f("ZP501", "warning"))
    assert score(f("ZP304", "error")) > score(f("ZP204", "error"))
    assert weight_of(f("ZP301", "warning")).weight < weight_of(f("ZP302", "error")).weight


def test_inflated_outweighs_understated():
    assert score(f("ZP202", "error")) > score(f("ZP203", "warning")) * 3
    assert weight_of(f("ZP201", "error")) is weight_of(f("ZP202", "error"))


def test_llm_findings_count_with_severity_but_below_a_recomputed_error():
    llm_error, llm_warning = f("ZP601", "error", "llm"), f("ZP601", "warning", "llm")
    assert (
        0
        < score(llm_warning)
        < score(llm_error)
        < min(r.weight for r in WEIGHTS if r.origin == "rule" and r.severity == "error")
    )
    # An LLM finding never borrows a rule row's weight, even with a money code.
    assert weight_of(f("ZP101", "error", "llm")).origin == "llm"


def test_ties_break_by_discrepancy_and_the_reason_is_one_sentence():
    small = assess([f("ZP304", "error", declared=85.0, expected=95.0)])
    large = assess([f("ZP304", "error", declared=9.79, expected=99.24)])
    assert small.score == large.score and large.discrepancy > small.discrepancy
    mixed = assess([f("ZP303", "error", declared=90, expected=100), f("ZP304", "error"), f("ZP401", "warning")])
    assert mixed.score == 21
    assert (
        mixed.explain()
        == "风险分 21：ZP303、ZP304 总分、分值或等级错误 每条 10 分，ZP401 说明或措辞类警告 每条 1 分；差额合计 10.00"
    )
    assert mixed.explain("en").startswith("risk 21: ZP303, ZP304 total, weight or grade error at 10 each; ZP401")
    assert assess([]).explain() == "未发现问题，风险分 0"
