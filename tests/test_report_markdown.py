"""The per-form Markdown report: the HTML page's findings, in tables a reply can carry."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from ziping.checks import Checker, FileResult, FormResult
from ziping.cli import app
from ziping.findings import Finding, Severity
from ziping.model import Location, TextField
from ziping.reports.formview import file_view
from ziping.reports.markdown import escape, render_markdown

from .conftest import SEED

# A table cell boundary is a pipe not preceded by a backslash.
CELL_EDGE = re.compile(r"(?<!\\)\|")


@pytest.fixture(scope="module")
def seed_result() -> FileResult:
    return Checker.create().check_file(SEED)


@pytest.fixture(scope="module")
def seed_md(seed_result) -> str:
    return render_markdown(seed_result)


def _form(md: str, index: int) -> str:
    parts = re.split(r"^## ", md, flags=re.M)
    return next(part for part in parts if part.startswith(f"表 {index} "))


def _line(md: str, start: str) -> str:
    lines = [line for line in md.splitlines() if line.startswith(start)]
    assert len(lines) == 1, start
    return lines[0]


def test_every_finding_of_the_html_is_in_the_markdown(seed_result, seed_md):
    pins = file_view(seed_result).pins
    assert len(pins) == 6
    for pin in pins:
        assert f"**{pin.severity_label} {pin.code}**" in seed_md
        assert escape(pin.message) in seed_md
        if pin.formula:
            assert escape(pin.formula) in seed_md


def test_findings_are_marked_in_their_rows(seed_md):
    form1, form3 = _form(seed_md, 1), _form(seed_md, 3)
    total = _line(form1, "| 总分 |")
    cells = [c.strip() for c in CELL_EDGE.split(total)[1:-1]]
    assert len(cells) == 7
    assert cells[4].startswith("90.00") and "**ZP303 应为 100**" in cells[4]
    assert cells[5].startswith("85.00（复核 95.00）") and "**ZP304 应为 95**" in cells[5]
    assert "**ZP401**" in _line(form1, "| 质量指标 | 项目完成率（%） |")
    assert "| 276条 **ZP205 应为 200** |" in _line(form3, "| 社会效益指标 | 发布信息量（条） |")
    assert "- **错误 ZP304** 总分 · 得分：" in form1
    assert "（第97行）" in form1
    assert "计算：10.00 + 85.00 = 95.00" in form1


def test_summary_lines(seed_md):
    assert seed_md.startswith("# 绩效自评表复核报告\n")
    assert "大模型叙述检查已跳过" in seed_md
    assert "发现问题：错误 2 · 警告 1 · 提示 0" in _form(seed_md, 1)
    assert _line(_form(seed_md, 2), "| 总分得分 |").startswith("| 总分得分 | 9.79 **ZP304 应为 99.24** | 99.24 |")


def test_pipes_and_markup_in_form_text_are_escaped(seed_result):
    checker = Checker.create()
    result = seed_result.forms[2]
    k = next(i for i, ind in enumerate(result.form.indicators) if ind.note is not None)
    note = TextField(raw="原因 | 见附件 <script>alert(1)</script> *全部*", location=Location(line=1))
    indicators = list(result.form.indicators)
    indicators[k] = indicators[k].model_copy(update={"note": note})
    form = checker.check_form(result.form.model_copy(update={"indicators": indicators}))
    md = render_markdown(FileResult(str(SEED), forms=[form]))
    row = next(line for line in md.splitlines() if "见附件" in line)
    assert "原因 \\| 见附件 \\<script\\>alert(1)\\</script\\> \\*全部\\*" in row
    assert len(CELL_EDGE.split(row)) - 2 == 7  # the pipe in the note did not add a column
    assert "<script>" not in md


def test_llm_quotes_are_bold_and_listed(seed_result):
    result = seed_result.forms[2]
    quote = "共发布新媒体推文报道276篇"
    llm = Finding(
        "ZP501",
        Severity.WARNING,
        "goals.actual",
        result.form.goals.actual.location,
        {"quote": quote, "name": "发布信息量（条）", "actual": "276条"},
        origin="llm",
        quote=quote,
    )
    md = render_markdown(
        FileResult(str(SEED), forms=[FormResult(result.form, result.figures, [*result.findings, llm])])
    )
    assert f"**{quote}**" in md
    assert f"引文：「{quote}」" in md


def test_english_and_unreadable(seed_result, tmp_path):
    md = render_markdown(seed_result, lang="en")
    assert "### Performance indicators" in md and "**error ZP304** Total (总分) · Score: " in md
    missing = render_markdown(Checker.create().check_file(tmp_path / "none.txt"))
    assert "## 无法检查此文件" in missing and "**错误 ZP001**" in missing


def test_cli_markdown_to_stdout(seed_path):
    result = CliRunner().invoke(app, ["check", str(seed_path), "--format", "md"])
    assert result.exit_code == 1
    assert result.output.count("\n## 表 ") == 3
    assert "**ZP304 应为 95**" in result.output


def test_cli_markdown_to_a_file(seed_path, tmp_path):
    out = tmp_path / "回复.md"
    result = CliRunner().invoke(app, ["check", str(seed_path), "--format", "md", "--out", str(out), "--lang", "en"])
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8").startswith("# Self-evaluation form review\n")
