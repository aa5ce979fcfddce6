"""Rule and reader defects the synthetic corpus found (docs/quality.md), each pinned on a small form."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from ziping.checks import Checker
from ziping.model import Form, Indicator, NumberField
from ziping.readers import read_bytes
from ziping.scoring import comparable_actual, expectation
from ziping.template import write_form

from .conftest import SEED


def _indicator(name: str, target: str, actual: str, level2: str = "成本指标", **more) -> dict:
    row = {"level1": "产出指标", "level2": level2, "name": {"raw": name}, "target": {"raw": target}}
    row["actual"] = {"raw": actual}
    row.update({key: {"raw": value} for key, value in more.items()})
    return row


def _form(indicators: list[dict], actual: str = "", expected: str = "", budget: str = "1000000.00") -> Form:
    total = {"initial_budget": {"raw": budget}, "budget": {"raw": budget}, "executed": {"raw": budget}}
    return Form.model_validate(
        {
            "funds": {"total": total, "fiscal": total},
            "goals": {"expected": {"raw": expected}, "actual": {"raw": actual}},
            "indicators": indicators,
        }
    )


def _codes(form: Form, code: str) -> list[str]:
    return [f.field for f in Checker.create([code]).check_form(form).findings]


def test_a_bare_actual_is_in_the_money_unit_its_target_or_name_is_written_in():
    # "2797.7438" under 项目资金（万元） with ≤2797.7438万元 is met exactly, not 2,797 元 against 27,977,438.
    ind = Indicator.model_validate(_indicator("项目资金（万元）", "≤2797.7438万元", "2797.7438"))
    assert comparable_actual(ind) == (27977438.0, "元")
    assert expectation(ind, 10).met is True
    short = Indicator.model_validate(_indicator("项目收入", "≥50万元", "45"))
    assert expectation(short, 10).ratio == 0.9
    form = _form([_indicator("项目资金（万元）", "≤100万元", "100")])
    assert _codes(form, "ZP402") == []


def test_a_cause_that_mentions_an_adjustment_is_no_measure():
    note = "原因分析：上级部门调整工作安排，部分活动取消。"
    form = _form([_indicator("培训场次（场）", "≥10场", "8场", "数量指标", weight="10", score="8", note=note)])
    assert _codes(form, "ZP208") == ["indicators[0].note"]
    fixed = note + "下一步及时调整工作计划。"
    form = _form([_indicator("培训场次（场）", "≥10场", "8场", "数量指标", weight="10", score="8", note=fixed)])
    assert _codes(form, "ZP208") == []


def test_a_narrative_count_names_the_only_indicator_counted_in_its_unit():
    inds = [
        _indicator("培训场次（场）", "≥40场", "39场", "数量指标"),
        _indicator("发放宣传资料数量（份）", "≥100份", "120份"),
    ]
    assert _codes(_form(inds, actual="组织培训45场，发放宣传资料120份。"), "ZP501") == ["goals.actual"]
    assert _codes(_form(inds, actual="组织培训39场，发放宣传资料120份。"), "ZP501") == []


def test_money_in_a_narrative_is_not_linked_by_two_characters():
    inds = [_indicator("人均培训成本（元）", "≤235元", "168元"), _indicator("项目资金（万元）", "≤100万元", "98万元")]
    text = "申请预算资金1000000元，其中340000元用于人员培训、660000元用于委托服务。"
    assert _codes(_form(inds, actual=text), "ZP501") == []  # the budget, and a part of it: neither contradicts


def test_spaces_inside_words_do_not_hide_a_copied_goal():
    goal = "1.围绕2022年度重点工作，统筹推进公共文化活动各项任务。\n2.加强与相关部门的沟通协调，形成工作合力。"
    copied = "1.围绕2022年度重点工作，统筹推进公共文化活 动各项任务。\n2.加 强与相关部门的沟通协调，形成工作合力。"
    assert _codes(_form([], actual=copied, expected=goal), "ZP503") == ["goals.actual"]


def _seed_form_with(old: str, new: str) -> Form:
    text = SEED.read_text(encoding="utf-8").replace(old, new, 1)
    return read_bytes(text.encode(), "seed.txt").forms[0]


def test_a_row_with_an_empty_cell_after_a_note_keeps_its_name():
    # 纪念画册's note is followed by a row whose actual is empty: the note stays the album's, the row stays whole.
    form = _seed_form_with("质量指标 项目完成率（%） 100% 100% 5.00 5分", "\n项目完成率（%） 100% 5.00 5分")
    names = [ind.name.raw for ind in form.indicators]
    assert "项目完成率（%）" in names
    album = form.indicators[names.index("人大工作纪念画册（期）")]
    assert album.note.raw.startswith("画册制作时间为12月份") and album.note.raw.endswith("尽量避开年底封账节点制作。")
    assert form.indicators[names.index("项目完成率（%）")].actual is None


def test_a_wrapped_line_that_starts_with_a_decimal_number_is_no_list_item():
    old = "围绕2023年人大各项重点工作开展传统媒体宣传和新媒\n"
    form = _seed_form_with(old, "围绕2023年人大各项重点工作开展传统媒体宣传，投入\n1350000.00元和新媒\n")
    assert "投入1350000.00元和新媒" in form.goals.actual.raw


def test_a_target_written_with_an_equals_sign_stays_text_in_a_workbook():
    form = _form([_indicator("项目验收合格率（%）", "=100%", "100%", "质量指标", weight="10", score="10")])
    workbook = Workbook()
    write_form(workbook.active, form)
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = [c.value for row in load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows() for c in row]
    assert "=100%" in cells


def test_spaces_inside_words_do_not_hide_a_claim_or_an_explanation():
    inds = [
        _indicator(
            "培训场次（场）",
            "≥40场",
            "30场",
            "数量指标",
            weight="10",
            score="7.5",
            note="原因：场地不足。措施：加强协调。",
        )
    ]
    assert _codes(_form(inds, actual="年度目标任务均已完 成。"), "ZP502") == ["goals.actual"]
    low = _form([], actual="项目完成后资 金结余。")
    low.funds.total.executed = low.funds.fiscal.executed = NumberField(raw="800000.00")  # 80% executed
    assert _codes(low, "ZP106") == []
