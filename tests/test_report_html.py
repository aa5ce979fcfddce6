"""The per-form HTML report: every finding pinned where it belongs, no network, escaped, in both languages."""

from __future__ import annotations

import html
import importlib.resources
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ziping.checks import Checker, FileResult, FormResult
from ziping.cli import app
from ziping.findings import Finding, Severity
from ziping.model import Location, TextField
from ziping.reports.contract import llm_line
from ziping.reports.formview import file_view
from ziping.reports.html import render_html
from ziping.reports.pins import highlight, make_pins, place_of
from ziping.rules import REGISTRY

from .conftest import SEED
from .report_dom import Node, parse, screenshot_module

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seed_result() -> FileResult:
    return Checker.create().check_file(SEED)


@pytest.fixture(scope="module")
def seed_page(seed_result) -> Node:
    return parse(render_html(seed_result))


def _section(page: Node, index: int) -> Node:
    return page.find("section", id=f"form-{index}")


def _own_text(node: Node) -> str:
    """A cell's own text, without the badges inside it."""
    return "".join(c for c in node.children if isinstance(c, str)).strip()


def _row_of_indicator(section: Node, name: str) -> Node:
    rows = [
        tr for tr in section.find_all("tr", class_="indicator") if _own_text(tr.find("td", data_cell="name")) == name
    ]
    assert len(rows) == 1, name
    return rows[0]


def _badge(scope: Node, code: str) -> Node:
    return scope.find("a", class_="badge", data_code=code)


def _detail(section: Node, code: str) -> Node:
    return section.find("li", class_="finding", data_code=code)


def test_every_finding_has_one_detail_and_a_badge_linking_to_it(seed_result, seed_page):
    view = file_view(seed_result)
    pins = view.pins
    assert len(pins) == sum(len(form.findings) for form in seed_result.forms) == 6
    for form in view.forms:
        assert form.other == []  # every seed finding has a place of its own
    for pin in pins:
        detail = seed_page.find("li", id=pin.anchor)
        assert detail.attrs["data-code"] == pin.code
        assert html.unescape(pin.message) in detail.text
        links = seed_page.find_all("a", href=f"#{pin.anchor}")
        assert links, pin.code


def test_total_findings_sit_in_the_total_row(seed_page):
    for index in (1, 2):
        section = _section(seed_page, index)
        total = section.find("tr", data_row="total")
        assert _badge(total.find("td", data_cell="score"), "ZP304")
        assert _badge(total.find("td", data_cell="weight"), "ZP303")
        details = section.find("tr", class_="details", data_for="total")
        assert {li.attrs["data-code"] for li in details.find_all("li")} == {"ZP303", "ZP304"}
        # the recomputed figure beside the declared one, and the formula
        assert "复核" in total.find("td", data_cell="score").text
    section = _section(seed_page, 1)
    score_cell = section.find("tr", data_row="total").find("td", data_cell="score")
    assert "85.00" in score_cell.text and "95.00" in score_cell.text
    assert "计算：10.00 + 85.00 = 95.00" in _detail(section, "ZP304").text
    assert "第97行" in _detail(section, "ZP304").text


def test_indicator_findings_sit_in_their_row_and_cell(seed_page):
    form1, form3 = _section(seed_page, 1), _section(seed_page, 3)
    row = _row_of_indicator(form1, "项目完成率（%）")
    assert _badge(row.find("td", data_cell="actual"), "ZP401")
    assert row.find("td", data_cell="actual").attrs["class"] == "has-sev-warning"
    details = form1.find("tr", class_="details", data_for=row.attrs["data-row"])
    assert details.find("li").attrs["data-code"] == "ZP401"
    row = _row_of_indicator(form3, "发布信息量（条）")
    assert "应为 200" in _badge(row.find("td", data_cell="actual"), "ZP205").text
    assert "(276 − 200) ÷ 200 = 38%" in _detail(form3, "ZP205").text


def test_summary_shows_counts_figures_and_the_llm_line(seed_page):
    form1 = _section(seed_page, 1)
    counts = {span.attrs["data-severity"]: span.text for span in form1.find("p", class_="counts").find_all("span")}
    assert counts == {"error": "错误 2", "warning": "警告 1", "info": "提示 0"}
    figures = form1.find("table", class_="figures")
    total = figures.find("tr", data_row="total_score")
    assert [td.text.split()[0] for td in total.find_all("td")] == ["85.00", "95.00"]
    assert _badge(total, "ZP304")  # the summary links to the finding detailed in the table
    identity = form1.find("table", class_="identity").text
    for value in ("人大宣传", "440307210701500000827", "2023", "第2–97行"):
        assert value in identity
    assert seed_page.find("p", class_="llm").text == llm_line(None, "zh")
    toc = seed_page.find("nav", class_="toc")
    assert [a.attrs["href"] for a in toc.find_all("a")] == ["#form-1", "#form-2", "#form-3"]


def test_the_page_needs_no_network(seed_result, seed_page):
    page = render_html(seed_result)
    assert "http://" not in page and "https://" not in page
    assert "@import" not in page and "url(" not in page
    assert not seed_page.find_all("script") and not seed_page.find_all("link") and not seed_page.find_all("img")
    for node in seed_page.walk():
        assert "src" not in node.attrs
        href = node.attrs.get("href")
        assert href is None or href.startswith("#"), href
    assert seed_page.find("html").attrs["lang"] == "zh-CN"
    assert seed_page.find("meta", charset="utf-8")


def _with_goals(result: FormResult, actual: str, checker: Checker) -> FormResult:
    goals = result.form.goals.model_copy(update={"actual": TextField(raw=actual, location=Location(line=35))})
    return checker.check_form(result.form.model_copy(update={"goals": goals}))


def test_form_text_is_escaped(seed_result):
    checker = Checker.create()
    form = _with_goals(seed_result.forms[2], '<script>alert(1)</script> " onmouseover="x', checker)
    page = render_html(FileResult(str(SEED), forms=[form]))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    dom = parse(page)
    assert not dom.find_all("script")
    assert all("onmouseover" not in node.attrs for node in dom.walk())
    narrative = dom.find("div", data_row="goals-actual")
    assert "<script>alert(1)</script>" in narrative.text


def test_llm_quotes_are_highlighted_in_the_narrative(seed_result):
    result = seed_result.forms[2]
    narrative = result.form.goals.actual.raw
    quote = "共发布新媒体推文报道276篇"
    assert quote in narrative
    llm = Finding(
        code="ZP501",
        severity=Severity.WARNING,
        field="goals.actual",
        location=result.form.goals.actual.location,
        params={"quote": quote, "name": "发布信息量（条）", "actual": "276条"},
        origin="llm",
        confidence="medium",
        quote=quote,
        model="fake-model",
        prompt_version="1",
    )
    form = FormResult(result.form, result.figures, [*result.findings, llm])
    dom = parse(render_html(FileResult(str(SEED), forms=[form])))
    block = dom.find("div", data_row="goals-actual")
    marks = block.find_all("mark")
    assert [m.text for m in marks] == [quote]
    assert marks[0].attrs["data-code"] == "ZP501"
    detail = dom.find("li", id=marks[0].attrs["data-finding"])
    assert detail.attrs["data-origin"] == "llm" and quote in detail.find("q").text
    assert detail.ancestor(lambda n: n.attrs.get("data-row") == "goals-actual")


def test_llm_finding_on_an_indicator_sits_in_its_row_and_marks_the_note(seed_result):
    result = seed_result.forms[0]
    k = next(i for i, ind in enumerate(result.form.indicators) if ind.label == "人大工作纪念画册（期）")
    quote = "顺延到2024年第一季度支付"
    assert quote in result.form.indicators[k].note.raw
    code = "ZP604" if "ZP604" in REGISTRY else "ZP501"  # the LLM rules land in their own issue
    llm = Finding(
        code,
        REGISTRY[code].severity,
        f"indicators[{k}]",  # the LLM layer names the indicator, not a cell
        result.form.indicators[k].location,
        {"reasoning": "资金表执行率 100%，与顺延支付矛盾", "quote": quote, "name": "画册", "actual": "0"},
        origin="llm",
        quote=quote,
    )
    form = FormResult(result.form, result.figures, [*result.findings, llm])
    dom = parse(render_html(FileResult(str(SEED), forms=[form])))
    row = _row_of_indicator(dom, "人大工作纪念画册（期）")
    mark = row.find("td", data_cell="note").find("mark")
    assert mark.text == quote and mark.attrs["data-code"] == code
    assert _badge(row.find("td", data_cell="name"), code)  # flagged at the indicator's name
    details = dom.find("tr", class_="details", data_for=row.attrs["data-row"])
    assert details.find("li", id=mark.attrs["data-finding"]).attrs["data-origin"] == "llm"
    assert not dom.find_all("ul", class_="other")


def test_quotes_match_across_whitespace_and_overlaps_keep_the_first():
    findings = [
        Finding("ZP501", Severity.WARNING, "goals.actual", None, {}, origin="llm", quote="发布 新媒体"),
        Finding("ZP501", Severity.INFO, "goals.actual", None, {}, origin="llm", quote="新媒体推文"),
    ]
    described = [{"name": "n", "message": "m", "formula": None}] * 2
    pins = make_pins(findings, described, 1, "zh")
    segments = highlight("共发布\n新媒体推文。", pins)
    assert [(s.text, s.anchor) for s in segments] == [
        ("共", None),
        ("发布\n新媒体", "f1-1"),
        ("推文", "f1-2"),
        ("。", None),
    ]
    assert highlight("", pins) == []


@pytest.mark.parametrize(
    ("field", "place"),
    [
        ("indicators[3].score", "ind3.score"),
        ("indicators[3].note", "ind3.note"),
        ("indicators[12].actual", "ind12.actual"),
        ("indicators[2].something_new", "ind2.row"),
        ("indicators[5]", "ind5.row"),
        ("total.score", "total.score"),
        ("total.weight", "total.weight"),
        ("total", "total.row"),
        ("funds.execution_rate", "funds.total.rate"),
        ("funds.execution_score", "funds.total.score"),
        ("funds.weight", "funds.total.weight"),
        ("funds.fiscal.budget", "funds.fiscal.budget"),
        ("funds.total.executed", "funds.total.executed"),
        ("funds.total", "funds"),
        ("level1[1].weight", "level11"),
        ("goals.actual", "goals.actual"),
        ("header.project_name", "header.project_name"),
        ("grade", "grade"),
        ("unread[0]", "unread[0]"),
    ],
)
def test_field_paths_map_to_places(field, place):
    assert place_of(field) == place


def test_unmapped_findings_are_listed_under_other(seed_result):
    result = seed_result.forms[0]
    stray = [
        Finding("ZP010", Severity.INFO, "unread[0]", Location(line=5), {"text": "无处安放的文字"}),
        Finding("ZP010", Severity.INFO, "indicators[99].actual", Location(line=6), {"text": "不存在的指标"}),
    ]
    form = FormResult(result.form, result.figures, [*result.findings, *stray])
    dom = parse(render_html(FileResult(str(SEED), forms=[form])))
    other = dom.find("ul", class_="other")
    assert [li.attrs["data-code"] for li in other.find_all("li")] == ["ZP010", "ZP010"]
    assert "无处安放的文字" in other.text and "不存在的指标" in other.text
    assert "其他问题" in dom.find("section", id="form-1").text


def test_english_rendering(seed_result):
    page = render_html(seed_result, lang="en")
    dom = parse(page)
    assert dom.find("html").attrs["lang"] == "en"
    assert "Performance indicators" in page and "年度绩效指标" not in page
    form1 = seed_result.forms[0]
    zp304 = next(f for f in form1.findings if f.code == "ZP304")
    assert REGISTRY["ZP304"].message(zp304, "en") in dom.find("li", id="f1-2").text
    assert "line 97" in dom.find("li", id="f1-2").text
    assert html.escape(llm_line(None, "en"), quote=False) in page


def test_unreadable_file_gets_a_page_saying_so(tmp_path):
    result = Checker.create().check_file(tmp_path / "缺失.txt")
    dom = parse(render_html(result))
    section = dom.find("section", class_="unreadable")
    assert "无法检查此文件" in section.text
    assert section.find("li").attrs["data-code"] == "ZP001"
    assert "文件不存在" in section.text


def test_the_template_ships_inside_the_package():
    template = importlib.resources.files("ziping.reports").joinpath("templates", "form.html.j2")
    assert template.is_file() and "<!DOCTYPE html>" in template.read_text(encoding="utf-8")


runner = CliRunner()


def test_cli_html_needs_out(seed_path):
    result = runner.invoke(app, ["check", str(seed_path), "--format", "html"])
    assert result.exit_code == 2
    assert "--out" in result.output and "HTML 报告" in result.output


def test_cli_writes_one_page_and_keeps_the_exit_code(seed_path, tmp_path):
    out = tmp_path / "报告.html"
    result = runner.invoke(app, ["check", str(seed_path), "--format", "html", "--out", str(out)])
    assert result.exit_code == 1  # the seed forms have errors, as with --format text
    dom = parse(out.read_text(encoding="utf-8"))
    assert len(dom.find_all("section", class_="form")) == 3


def test_cli_refuses_to_overwrite_an_input(tmp_path):
    form = tmp_path / "自评表.txt"
    form.write_bytes(SEED.read_bytes())
    for fmt in ("html", "md"):
        result = runner.invoke(app, ["check", str(form), "--format", fmt, "--out", str(form)])
        assert result.exit_code == 2
        assert "不会覆盖输入文件" in result.output
    assert form.read_bytes() == SEED.read_bytes()


def test_cli_several_inputs_write_one_report_each_into_a_folder(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    for name in ("甲.txt", "sub/甲.txt", "乙.txt"):
        (inbox / name).write_bytes(SEED.read_bytes())
    (inbox / "坏.xlsx").write_bytes(b"not a workbook")
    (inbox / "空.txt").write_bytes(b"")  # holds no form: skipped, with no report of its own
    out = tmp_path / "reports"
    result = runner.invoke(app, ["check", str(inbox), "--format", "html", "--out", str(out)])
    assert result.exit_code == 2  # an unreadable file, as with --format text
    assert sorted(p.name for p in out.iterdir()) == sorted(["乙.html", "坏.html", "甲.html", "甲-2.html"])
    assert "无法检查此文件" in (out / "坏.html").read_text(encoding="utf-8")
    assert "已跳过" in result.output and "空.txt" in result.output
    # writing into the input folder itself: a report named like an input (a.txt → a.md) is refused
    clash = tmp_path / "clash"
    clash.mkdir()
    for name in ("a.txt", "a.md"):
        (clash / name).write_bytes(SEED.read_bytes())
    result = runner.invoke(app, ["check", str(clash), "--format", "md", "--out", str(clash)])
    assert result.exit_code == 2 and "不会覆盖输入文件" in result.output
    assert all((clash / name).read_bytes() == SEED.read_bytes() for name in ("a.txt", "a.md"))
    assert sorted(p.name for p in clash.iterdir()) == ["a.md", "a.txt"]


def test_out_only_with_html_or_md(seed_path, tmp_path):
    result = runner.invoke(app, ["check", str(seed_path), "--format", "json", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "--out" in result.output


def test_help_does_not_load_jinja2():
    code = (
        "import sys\nfrom ziping.cli import app\ntry:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('jinja2' in sys.modules, 'ziping.reports.html' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


@pytest.mark.skipif(screenshot_module().find_chromium() is None, reason="chromium is not installed")
def test_a_real_browser_renders_the_indicator_tables(tmp_path, seed_result):
    shot = screenshot_module()
    page = shot.render_report(SEED, tmp_path / "report.html")
    dom = parse(shot.dump_dom(page))
    sections = dom.find_all("section", class_="form")
    assert len(sections) == 3
    for section, result in zip(sections, seed_result.forms):
        table = section.find("table", class_="indicators")
        names = [_own_text(tr.find("td", data_cell="name")) for tr in table.find_all("tr", class_="indicator")]
        assert names == [ind.label for ind in result.form.indicators]
        assert table.find("tr", data_row="total")
    assert _badge(_row_of_indicator(sections[2], "发布信息量（条）"), "ZP205")
    png = shot.screenshot(page, tmp_path / "report.png", 1000, 800)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
