"""Scoring variants as profiles: weighted tables (单项得分 × 权重 = 折算得分) and budget execution worth no
points, each detected only from unambiguous markers, always named in the report, and overridable."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ziping.checks import Checker
from ziping.cli import app
from ziping.readers import read_bytes

WEIGHTED = "\n".join(
    [
        "项目支出绩效自评表（2023年度）",
        "项目名称 | 社区养老服务补助",
        "主管部门 | 某区民政局",
        "项目负责人 | 王五 | 联系电话 | 0755-88888888",
        "项目资金（万元） | 全年预算数（A） | 全年执行数（B） | 执行率（B/A）",
        "年度资金总额 | 200 | 190 | 95%",
        "一级指标 | 二级指标 | 三级指标 | 指标值 | 实际完成值 | 权重（%） | 单项得分 | 折算得分 | 偏差原因分析",
        "产出指标 | 数量指标 | 服务老人人数（人） | ≥1000人 | 950人 | 40 | 95 | 38 | 部分老人迁出，下一步加强摸底",
        "产出指标 | 质量指标 | 服务合格率 | ≥95% | 98% | 30 | 100 | 30 | ",
        "效益指标 | 社会效益指标 | 老人生活质量 | 明显改善 | 明显改善 | 20 | 100 | 20 | ",
        "满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% | 92% | 10 | 100 | 10 | ",
        "总分 | 100 | 98",
    ]
)
# The same form in a template that keeps 分值/得分 columns but gives the execution rate no points.
NO_EXECUTION = (
    WEIGHTED.replace(" | 权重（%） | 单项得分 | 折算得分 |", " | 分值 | 得分 |")
    .replace(" | 40 | 95 | 38 |", " | 40 | 38 |")
    .replace(" | 30 | 100 | 30 |", " | 30 | 30 |")
    .replace(" | 20 | 100 | 20 |", " | 20 | 20 |")
    .replace(" | 10 | 100 | 10 |", " | 10 | 10 |")
)


def _check(text: str, profile: str | None = None):
    result = Checker.create(profile=profile).check_bytes(text.encode("utf-8"), "form.txt")
    (form,) = result.forms
    return form


def _codes(text: str, profile: str | None = None) -> list[str]:
    return sorted(f.code for f in _check(text, profile).findings)


def test_weighted_table_reads_item_scores_and_contact():
    (form,) = read_bytes(WEIGHTED.encode("utf-8"), "form.txt").forms
    first = form.indicators[0]
    assert (first.weight.value, first.item_score.value, first.score.value) == (40, 95, 38)
    assert (form.header.contact.raw, form.header.phone.raw) == ("王五", "0755-88888888")
    assert form.profile_hint == "weighted"


def test_weighted_table_is_scored_by_its_profile_and_is_clean():
    form = _check(WEIGHTED)
    assert form.figures.profile.name == "weighted"
    assert (form.figures.total_weight, form.figures.total_score) == (100, 98)
    assert _codes(WEIGHTED) == []


def test_a_wrong_product_is_reported_with_its_formula():
    text = WEIGHTED.replace(" | 40 | 95 | 38 |", " | 40 | 90 | 38 |")  # 90 × 40% = 36, not 38
    form = _check(text)
    [hit] = [f for f in form.findings if f.code == "ZP214"]
    assert (hit.field, hit.declared, hit.expected) == ("indicators[0].score", 38, 36)
    assert _codes(text) == ["ZP214"]  # the folded score itself still fits the completion (950/1000 × 40)


def test_an_inflated_folded_score_breaks_the_product_and_the_completion():
    text = WEIGHTED.replace(" | 40 | 95 | 38 |", " | 40 | 95 | 40 |").replace("总分 | 100 | 98", "总分 | 100 | 100")
    assert _codes(text) == ["ZP202", "ZP214"]


def test_forcing_the_standard_profile_on_a_weighted_table_changes_the_total():
    # The standard practice adds 10 points for budget execution: the declared 100 no longer adds up.
    assert "ZP303" in _codes(WEIGHTED, "standard")


def test_execution_worth_no_points_is_detected_from_the_form_itself():
    form = _check(NO_EXECUTION)
    assert form.figures.profile.name == "no-execution"
    assert form.figures.execution_weight == 0 and form.figures.total_score == 98
    assert _codes(NO_EXECUTION) == []
    assert "ZP303" in _codes(NO_EXECUTION, "standard")


def test_a_form_with_an_execution_weight_keeps_the_standard_profile():
    with_weight = NO_EXECUTION.replace("执行率（B/A）", "执行率（B/A） | 分值 | 得分").replace(
        "| 95%", "| 95% | 10 | 9.5"
    )
    assert _check(with_weight).figures.profile.name == "standard"


def test_the_report_names_the_profile():
    runner = CliRunner()
    out = runner.invoke(app, ["check", "-", "--format", "json"], input=WEIGHTED.encode("utf-8")).output
    assert [f["profile"] for f in json.loads(out)["files"][0]["forms"]] == ["weighted"]
    text = runner.invoke(app, ["check", "-"], input=NO_EXECUTION.encode("utf-8")).output
    assert "no-execution" in text or "预算执行率不计分" in text


def test_a_weighted_workbook_is_read_and_scored_like_the_text(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in WEIGHTED.splitlines()[:-1]:
        sheet.append([cell.strip() or None for cell in line.split("|")])
    sheet.append(["总分", None, None, None, None, 100, None, 98])  # under 权重 and 折算得分, as a sheet has it
    sheet.insert_rows(2)
    sheet["A2"], sheet["B2"] = "绩效自评年度", 2023
    path = tmp_path / "weighted.xlsx"
    workbook.save(path)
    result = Checker.create().check_file(path)
    (form,) = result.forms
    assert form.figures.profile.name == "weighted"
    assert [(i.item_score.value, i.score.value) for i in form.form.indicators] == [
        (95, 38),
        (100, 30),
        (100, 20),
        (100, 10),
    ]
    assert [f.code for f in form.findings] == []
