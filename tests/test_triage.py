"""`ziping triage` over a folder of 300+ varied forms: ranking, exports, incremental re-runs, marks."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ziping.cli import app
from ziping.store import Store

from .triage_corpus import make_corpus

runner = CliRunner()
FORMATS = ("xlsx", "csv", "json", "html")


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def triaged(tmp_path_factory):
    """The corpus, triaged once into all four formats."""
    root = tmp_path_factory.mktemp("triage")
    corpus = make_corpus(root / "收件箱", 300)
    outs = {fmt: root / f"队列.{fmt}" for fmt in FORMATS}
    db = root / "triage.db"
    result = run("triage", corpus.root, "--db", db, *[a for p in outs.values() for a in ("--out", p)])
    return corpus, outs, db, result


class TableReader(HTMLParser):
    """The cells of <table id="queue">, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.inside = self.cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.inside = dict(attrs).get("id") == "queue"
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = False
        elif tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.cell:
            self.rows[-1][-1] += data


def norm(value) -> str:
    """One cell compared across formats: empty is empty, numbers by value."""
    if value is None or value == "":
        return ""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def read_back(outs: dict[str, Path]) -> dict[str, list[list[str]]]:
    from openpyxl import load_workbook

    sheet = load_workbook(outs["xlsx"]).worksheets[0]
    tables = {"xlsx": [[norm(v) for v in row] for row in sheet.iter_rows(values_only=True)]}
    with outs["csv"].open(encoding="utf-8-sig", newline="") as fh:
        tables["csv"] = [[norm(v) for v in row] for row in csv.reader(fh)]
    data = json.loads(outs["json"].read_text(encoding="utf-8"))
    keys = [c["key"] for c in data["columns"]]
    tables["json"] = [[c["label"] for c in data["columns"]]] + [[norm(r[k]) for k in keys] for r in data["rows"]]
    reader = TableReader()
    reader.feed(outs["html"].read_text(encoding="utf-8"))
    tables["html"] = [[norm(v) for v in row] for row in reader.rows]
    return tables


def test_every_export_holds_the_same_rows_in_the_same_order(triaged):
    corpus, outs, _, result = triaged
    assert result.exit_code == 2, result.output  # unreadable files are reported, as `check` does
    tables = read_back(outs)
    assert tables["xlsx"][0][:3] == ["序号", "编号", "风险分"]
    for fmt in ("csv", "json", "html"):
        assert tables[fmt] == tables["xlsx"], fmt
    rows = tables["xlsx"][1:]
    assert len(rows) == corpus.forms + len(corpus.unreadable)
    assert [r[0] for r in rows] == [str(k) for k in range(1, len(rows) + 1)]


def test_unreadable_first_then_defective_above_clean(triaged):
    corpus, outs, _, _ = triaged
    data = json.loads(outs["json"].read_text(encoding="utf-8"))["rows"]
    unreadable = len(corpus.unreadable)
    assert all(r["form_index"] == 0 and r["errors"] == 1 for r in data[:unreadable])
    assert {Path(r["file"]).name for r in data[:unreadable]} == {p.name for p in corpus.unreadable}
    forms = data[unreadable:]
    clean = {p.name for p in corpus.clean}
    ranks = {"clean": [], "defective": []}
    for row in forms:
        ranks["clean" if Path(row["file"]).name in clean else "defective"].append(row["rank"])
    assert len(ranks["clean"]) == len(corpus.clean) and ranks["defective"]
    assert max(ranks["defective"]) < min(ranks["clean"])
    # Within the queue the score never rises, and equal scores fall by discrepancy.
    risks = [r["risk"] for r in forms]
    assert risks == sorted(risks, reverse=True)
    inflated = [r for r in forms if "ZP202" in r["explanation"]]
    assert inflated and all("得分虚高 每条 8 分" in r["explanation"] for r in inflated)
    assert all(r["llm_status"] == "未启用" and r["status_label"] == "待审阅" for r in data)


def test_counts_and_top_findings(triaged):
    corpus, outs, _, _ = triaged
    data = json.loads(outs["json"].read_text(encoding="utf-8"))
    rows = data["rows"]
    assert data["summary"]["forms"] == corpus.forms and data["summary"]["unreadable"] == len(corpus.unreadable)
    for row in rows:
        severities = [f["severity"] for f in row["findings"]]
        assert (row["errors"], row["warnings"], row["infos"]) == tuple(
            severities.count(s) for s in ("error", "warning", "info")
        )
        tops = [row[k] for k in ("top1", "top2", "top3") if row[k]]
        assert len(tops) == min(3, len(row["findings"]))
    seed_form_1 = next(r for r in rows if r["project_name"] == "人大宣传" and r["declared_total"] == 85)
    assert seed_form_1["computed_total"] == 95 and seed_form_1["computed_grade"] == "优"
    assert seed_form_1["top1"].startswith("错误 ZP30") and "（第" in seed_form_1["top1"]


def test_xlsx_layout(triaged):
    from openpyxl import load_workbook

    _, outs, _, _ = triaged
    book = load_workbook(outs["xlsx"])
    queue, details = book.worksheets
    assert (queue.title, details.title) == ("审核队列", "问题明细")
    assert queue.freeze_panes == "C2" and queue.auto_filter.ref == queue.dimensions
    header = [c.value for c in queue[1]]
    # Widths fit Chinese: the unit column is at least twice the length of its longest value.
    unit = header.index("实施单位") + 1
    longest = max(len(str(c.value)) for c in queue[queue.cell(1, unit).column_letter][1:] if c.value)
    assert queue.column_dimensions[queue.cell(1, unit).column_letter].width >= 2 * longest
    # Each form's ID links to its first finding on the second sheet, and that row names the form.
    id_col = header.index("编号") + 1
    for row in (2, 10, queue.max_row):
        cell = queue.cell(row, id_col)
        sheet, target = cell.hyperlink.location.split("!")
        assert sheet.strip("'") == "问题明细"
        assert details[target].value == queue.cell(row, 1).value  # the rank
        assert details.cell(details[target].row, 2).value == cell.value
    errors = queue.cell(2, header.index("错误") + 1)
    assert errors.value == 1 and errors.fill.fgColor.rgb.endswith("F8CBAD")
    # Every finding is on the second sheet.
    total = sum(queue.cell(r, c).value for r in range(2, queue.max_row + 1) for c in (15, 16, 17))
    assert details.max_row - 1 == total


def test_html_is_self_contained(triaged):
    _, outs, _, _ = triaged
    page = outs["html"].read_text(encoding="utf-8")
    assert "<style>" in page and "http://" not in page and "https://" not in page and "<script" not in page
    assert 'href="#f1"' in page and 'id="f1"' in page


def test_rerun_does_no_work_and_keeps_marks(triaged, tmp_path):
    corpus, outs, db, _ = triaged
    first = json.loads(outs["json"].read_text(encoding="utf-8"))["rows"]
    target = first[len(corpus.unreadable)]
    marked = run(
        "queue", "mark", target["form_id"], "returned", "--note", "总分漏计执行率分值", "--by", "王芳", "--db", db
    )
    assert marked.exit_code == 0 and "已退回" in marked.output
    with Store(db) as store:
        assert [(m.status, m.reviewer) for m in store.history(target["form_id"])] == [("returned", "王芳")]
    again = {fmt: tmp_path / f"again.{fmt}" for fmt in FORMATS}
    result = run("triage", corpus.root, "--db", db, *[a for p in again.values() for a in ("--out", p)])
    assert "本次检查 0 个（0 张表）" in result.output
    rows = json.loads(again["json"].read_text(encoding="utf-8"))["rows"]
    assert [r["form_id"] for r in rows] == [r["form_id"] for r in first]
    row = next(r for r in rows if r["form_id"] == target["form_id"])
    assert (row["status_label"], row["note"]) == ("已退回", "总分漏计执行率分值")
    tables = read_back(again)
    assert all(tables[fmt] == tables["xlsx"] for fmt in FORMATS)
    assert any("总分漏计执行率分值" in r for r in tables["html"][1:] for r in r)
    listed = run("queue", "list", "--status", "returned", "--db", db)
    assert listed.exit_code == 0 and target["form_id"] in listed.output and len(listed.output.splitlines()) == 2


def test_explain_prints_the_formula():
    zh = run("triage", "--explain")
    assert zh.exit_code == 0
    assert "风险分 = 该表每条问题的权重之和" in zh.output and "Σ|填报值 − 复核值|" in zh.output
    assert "ZP201,ZP202\t任意\t8" in zh.output and "ZP203\t任意\t2" in zh.output
    en = run("triage", "--explain", "--lang", "en")
    assert "risk = the sum of the weights" in en.output and "inflated score" in en.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["triage"], "请给出要审核的文件或文件夹"),
        (["triage", "{tmp}", "--out", "{tmp}/队列.pdf"], "不支持的导出格式“.pdf”"),
        (["triage", "{tmp}", "--since", "昨天"], "无法识别时间“昨天”"),
        (["triage", "{tmp}", "--workers", "0"], "--workers 须为正整数"),
        (["triage", "{tmp}", "--select", "ZP999"], "没有规则代码为 ZP999 的规则"),
        (["triage", "{tmp}", "--db", "{tmp}"], "无法打开结果库"),
        (["queue", "list", "--db", "{tmp}/没有.db"], "结果库 "),
        (["queue", "mark", "abc", "done", "--db", "{tmp}/x.db"], "审阅状态须为 reviewed"),
        (["triage", "{tmp}/不存在.txt", "--db", "{tmp}/x.db"], "1 个文件无法读取"),
    ],
)
def test_bad_input_exits_2_in_chinese(tmp_path, args, message):
    result = run(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_unknown_form_id(tmp_path, seed_path):
    db = tmp_path / "t.db"
    run("triage", seed_path, "--db", db)
    result = run("queue", "mark", "0123456789-1", "accepted", "--db", db)
    assert result.exit_code == 2 and "没有编号为 0123456789-1 的表" in result.output


def test_console_script_missing_path_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "ziping", "triage", str(tmp_path / "不存在"), "--db", str(tmp_path / "t.db")],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "文件不存在" in proc.stdout and "无法读取" in proc.stderr


def test_help_loads_no_export_libraries():
    code = (
        "import sys\nfrom ziping.cli import app\ntry:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pydantic', 'openpyxl', 'jinja2', 'ziping.triage', 'ziping.store') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "[]"
