"""One rule for every --out: a path with a file suffix is a file (one input only), missing parents are created,
nothing existing is overwritten without --force, and an input never is."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from ziping.cli import app

from .conftest import SEED

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _two_forms(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("甲.txt", "乙.txt"):
        shutil.copyfile(SEED, inbox / name)
    return inbox


def test_several_inputs_into_one_file_is_an_error_that_asks_for_a_folder(tmp_path):
    out = tmp_path / "x.html"
    result = run("check", _two_forms(tmp_path), "--format", "html", "--out", out)
    assert result.exit_code == 2
    assert "有 2 个输入文件，不能都写进一个文件" in result.output and "文件夹" in result.output
    assert not out.exists()  # no folder named x.html either


def test_a_path_without_suffix_is_a_folder_and_missing_parents_are_created(tmp_path):
    out = tmp_path / "a" / "b" / "reports"
    result = run("check", _two_forms(tmp_path), "--format", "md", "--out", out)
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["乙.md", "甲.md"]
    single = tmp_path / "c" / "d" / "报告.html"
    assert run("check", SEED, "--format", "html", "--out", single).exit_code == 1 and single.is_file()


def test_check_overwrites_nothing_without_force(tmp_path):
    out = tmp_path / "报告.html"
    out.write_text("keep", encoding="utf-8")
    result = run("check", SEED, "--format", "html", "--out", out)
    assert result.exit_code == 2 and "已存在，不会覆盖" in result.output and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "keep"
    assert run("check", SEED, "--format", "html", "--out", out, "--force").exit_code == 1
    assert "<html" in out.read_text(encoding="utf-8")


def test_a_folder_of_reports_is_planned_before_anything_is_written(tmp_path):
    inbox = _two_forms(tmp_path)
    out = tmp_path / "reports"
    out.mkdir()
    (out / "乙.md").write_text("keep", encoding="utf-8")
    result = run("check", inbox, "--format", "md", "--out", out)
    assert result.exit_code == 2 and "乙.md 已存在" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["乙.md"]  # 甲.md was not written either
    assert run("check", inbox, "--format", "md", "--out", out, "--force").exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["乙.md", "甲.md"]


def test_the_report_suffix_must_fit_the_format(tmp_path):
    result = run("check", SEED, "--format", "md", "--out", tmp_path / "r.html")
    assert result.exit_code == 2 and "应保存为 .md 文件" in result.output


def test_template_creates_missing_parents_and_overwrites_only_with_force(tmp_path):
    out = tmp_path / "新建" / "文件夹" / "自评表.xlsx"
    assert run("template", "--out", out).exit_code == 0 and out.is_file()
    before = out.read_bytes()
    refused = run("template", "--out", out)
    assert refused.exit_code == 2 and "已存在，不会覆盖" in refused.output and "--force" in refused.output
    out.write_bytes(b"changed")
    assert run("template", "--out", out, "--force").exit_code == 0
    assert out.read_bytes()[:2] == before[:2] == b"PK"


def test_triage_exports_follow_the_same_rule(tmp_path):
    inbox = _two_forms(tmp_path)
    out = tmp_path / "导出" / "队列.json"
    db = tmp_path / "t.db"
    assert run("triage", inbox, "--db", db, "--out", out).exit_code == 0 and out.is_file()
    out.write_text("keep", encoding="utf-8")
    refused = run("triage", inbox, "--db", db, "--out", out)
    assert refused.exit_code == 2 and "已存在，不会覆盖" in refused.output
    assert out.read_text(encoding="utf-8") == "keep"
    assert run("triage", inbox, "--db", db, "--out", out, "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("{")


def test_an_input_is_never_overwritten_even_with_force(tmp_path):
    form = tmp_path / "自评表.md"
    form.write_bytes(SEED.read_bytes())
    result = run("check", form, "--format", "md", "--out", form, "--force")
    assert result.exit_code == 2 and "不会覆盖输入文件" in result.output
    assert form.read_bytes() == SEED.read_bytes()
