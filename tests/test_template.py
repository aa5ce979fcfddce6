"""`ziping template`: the blank workbook, its validation and comments, and a round trip through check."""

from __future__ import annotations

from openpyxl import load_workbook
from typer.testing import CliRunner

from ziping.checks import Checker
from ziping.cli import app
from ziping.readers import read_path
from ziping.readers.labels import normalize

from .conftest import SEED

runner = CliRunner()
CHECKER = Checker.create()


def _template(tmp_path):
    out = tmp_path / "自评表.xlsx"
    result = runner.invoke(app, ["template", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_template_refuses_to_overwrite(tmp_path):
    out = _template(tmp_path)
    before = out.read_bytes()
    result = runner.invoke(app, ["template", "--out", str(out)])
    assert result.exit_code == 2 and "已存在" in result.output
    assert out.read_bytes() == before


def test_template_has_validation_and_comments(tmp_path):
    sheet = load_workbook(_template(tmp_path)).active
    validations = sheet.data_validations.dataValidation
    lists = [v for v in validations if v.type == "list"]
    assert any("数量指标" in v.formula1 for v in lists) and any("社会效益指标" in v.formula1 for v in lists)
    decimals = [v for v in validations if v.type == "decimal"]
    assert decimals and decimals[0].operator == "greaterThanOrEqual" and decimals[0].formula1 == "0"
    comments = [cell.comment.text for row in sheet.iter_rows() for cell in row if cell.comment]
    assert any("限2000字以内" in text for text in comments) and any("必填" in text for text in comments)
    texts = {normalize(str(cell.value)) for row in sheet.iter_rows() for cell in row if cell.value}
    assert {"产出指标(50分)", "效益指标(30分)", "满意度指标(10分)", "总分"} <= texts


def test_blank_template_reads_back_as_an_empty_form(tmp_path):
    result = CHECKER.check_file(_template(tmp_path))
    assert result.error is None and len(result.forms) == 1
    missing = {f.field for f in result.forms[0].findings if f.code == "ZP003"}
    assert missing == {
        "header.project_name",
        "header.year",
        "funds.total.budget",
        "funds.total.executed",
        "indicators",
        "total",
    }


def test_blank_template_adds_nothing_up_and_finds_its_total_row(tmp_path):
    """A blank form has no indicators to add up (no ZP302 "0 = 0"), and its 总分 row is there, only empty."""
    form = CHECKER.check_file(_template(tmp_path)).forms[0]
    assert not [f for f in form.findings if f.code == "ZP302"]
    [total] = [f for f in form.findings if f.field == "total"]
    assert total.variant == "empty" and total.location.cell == "A25"
    from ziping.rules import REGISTRY

    assert REGISTRY["ZP003"].message(total) == "总分行的分值和得分都未填写"


def test_a_level1_header_without_indicators_in_a_filled_form_is_still_reported():
    """Beside indicators elsewhere, a header with none under it is a real gap, worded as one."""
    from ziping.readers import read_bytes

    text = SEED.read_text(encoding="utf-8").replace("服务对象满意度指标 系统使用者满意度\n（%） ≥95% 100% 10 10", "")
    form = CHECKER.check_read(read_bytes(text.encode("utf-8"), str(SEED))).forms[2]
    [finding] = [f for f in form.findings if f.code == "ZP302"]
    from ziping.rules import REGISTRY

    assert REGISTRY["ZP302"].message(finding) == "满意度指标标注 10 分，但其下没有填写任何指标"
    assert "0 = 0" not in (REGISTRY["ZP302"].formula(finding) or "")


def _right_of(sheet, label: str):
    """The value cell to the right of a label, past the label's merged range."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and normalize(cell.value).rstrip(":") == label:
                last = next((r.max_col for r in sheet.merged_cells.ranges if cell.coordinate in r), cell.column)
                return sheet.cell(row=cell.row, column=last + 1)
    raise AssertionError(label)


def _row_of(sheet, label: str, column: int = 1) -> int:
    for row in sheet.iter_rows(min_col=column, max_col=column):
        if isinstance(row[0].value, str) and normalize(row[0].value) == label:
            return row[0].row
    raise AssertionError(label)


def test_template_filled_by_script_gives_the_seed_forms_findings(tmp_path):
    """Drafting staff fill the template in; form 3 of the seed filled in gives form 3's findings."""
    out = _template(tmp_path)
    form = read_path(SEED).forms[2]
    workbook = load_workbook(out)
    sheet = workbook.active
    header = form.header
    for label, field in (
        ("项目编码", header.project_code),
        ("项目名称", header.project_name),
        ("绩效自评年度", header.year),
        ("实施单位", header.implementing_unit),
        ("一级预算单位", header.budget_unit),
    ):
        _right_of(sheet, label).value = field.raw
    funds = form.funds
    for label, row in (
        ("年度资金总额", funds.total),
        ("其中:当年财政拨款", funds.fiscal),
        ("上年结转资金", funds.carryover),
        ("其他资金", funds.other),
    ):
        r = _row_of(sheet, label)
        # Amounts typed as numbers, as a person types them.
        for column, field in zip("CDE", (row.initial_budget, row.budget, row.executed)):
            sheet[f"{column}{r}"] = float(field.raw)
    total_row = _row_of(sheet, "年度资金总额")
    sheet[f"G{total_row}"] = float(form.funds.execution_rate.raw)
    sheet[f"H{total_row}"] = float(form.funds.execution_score.raw)
    goals_row = _row_of(sheet, "预期目标") + 1
    sheet[f"A{goals_row}"] = form.goals.expected.raw
    sheet[f"E{goals_row}"] = form.goals.actual.raw
    for ind in form.indicators:  # form 3 has one indicator per level-2 row of the template
        r = _row_of(sheet, ind.level2, column=2)
        for column, field in zip("CDEFGH", (ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.note)):
            if field is not None:
                sheet[f"{column}{r}"] = field.raw
    total = _row_of(sheet, "总分")
    sheet[f"F{total}"] = float(form.total.weight.raw)
    sheet[f"G{total}"] = float(form.total.score.raw)
    workbook.save(out)

    filled = CHECKER.check_file(out)
    seed = CHECKER.check_file(SEED).forms[2]
    assert {f.code for f in filled.forms[0].findings} == {"ZP205"}
    assert [(f.code, f.field) for f in filled.forms[0].findings] == [(f.code, f.field) for f in seed.findings]
