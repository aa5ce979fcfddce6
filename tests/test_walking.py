"""Walking folders: a file there that holds no form is skipped once, not an error; links that point nowhere or
round in a loop are reported with the reason in Chinese; a path named by the user keeps its error."""

from __future__ import annotations

import json
import os
import shutil

from typer.testing import CliRunner

from ziping.checks import check_paths
from ziping.cli import app

from .conftest import FIXTURES, SEED

runner = CliRunner()


def _inbox(tmp_path):
    inbox = tmp_path / "收件箱"
    (inbox / "说明").mkdir(parents=True)
    shutil.copyfile(SEED, inbox / "自评表.txt")
    (inbox / "README.md").write_text("# 收件箱\n把自评表放在这里。\n", encoding="utf-8")
    (inbox / "说明" / "SOURCES.md").write_text("来源：区财政局\n", encoding="utf-8")
    shutil.copyfile(FIXTURES / "gold" / "longgang-2023.json", inbox / "gold.json")
    return inbox


def _json(*args):
    result = runner.invoke(app, ["check", *map(str, args), "--format", "json"])
    return result.exit_code, json.loads(result.output)


def test_a_folders_non_forms_are_skipped_once_and_change_no_exit_code(tmp_path):
    code, data = _json(_inbox(tmp_path))
    assert code == 1  # the seed forms' errors, not 2
    skipped = sorted(f["path"].rsplit("/", 1)[-1] for f in data["files"] if f["skipped"])
    assert skipped == ["README.md", "SOURCES.md", "gold.json"]
    assert all(f["error"] is None for f in data["files"])
    assert data["summary"]["skipped"] == 3 and data["summary"]["unreadable"] == 0 and data["summary"]["files"] == 1
    text = runner.invoke(app, ["check", str(tmp_path / "收件箱")]).output
    assert text.count("README.md") == 1 and "已跳过" in text and "另跳过 3 个不是自评表的文件" in text


def test_a_scan_in_a_folder_is_a_form_that_cannot_be_read_not_skipped(tmp_path):
    inbox = _inbox(tmp_path)
    shutil.copyfile(FIXTURES / "pdf" / "scan.pdf", inbox / "扫描件.pdf")
    code, data = _json(inbox)
    scan = next(f for f in data["files"] if f["path"].endswith("扫描件.pdf"))
    assert code == 2 and scan["skipped"] is None and scan["error"]["code"] == "ZP002"
    assert "扫描件" in scan["error"]["message"]


def test_the_fixtures_folders_markdown_is_skipped_not_unreadable():
    results = {r.path: r for r in check_paths([FIXTURES / "published"])}
    sources = next(r for path, r in results.items() if path.endswith("SOURCES.md"))
    assert sources.error is None and sources.skipped.code == "ZP002"


def test_a_named_non_form_is_still_an_error(tmp_path):
    readme = _inbox(tmp_path) / "README.md"
    code, data = _json(readme)
    assert code == 2 and data["files"][0]["error"]["code"] == "ZP002" and data["files"][0]["skipped"] is None


def test_links_that_point_nowhere_or_loop_are_reported_in_chinese(tmp_path):
    inbox = _inbox(tmp_path)
    os.symlink(inbox / "不存在.txt", inbox / "断开的链接.txt")
    os.symlink(inbox / "环b.txt", inbox / "环a.txt")
    os.symlink(inbox / "环a.txt", inbox / "环b.txt")
    os.symlink(inbox, inbox / "说明" / "回到上级")  # a folder link back up: walked once, reported, no endless walk
    code, data = _json(inbox)
    errors = {f["path"].rsplit("/", 1)[-1]: f["error"]["message"] for f in data["files"] if f["error"]}
    assert code == 2
    assert "符号链接指向的文件不存在" in errors["断开的链接.txt"]
    assert "符号链接循环" in errors["环a.txt"] and "符号链接循环" in errors["环b.txt"]
    assert "符号链接循环" in errors["回到上级"]
    assert not any("Too many levels" in m or "No such file" in m for m in errors.values())
    assert sum(1 for f in data["files"] if f["forms"]) == 1  # the seed, once


def test_a_named_loop_is_worded_in_chinese(tmp_path):
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    code, data = _json(tmp_path / "a.txt")
    assert code == 2 and data["files"][0]["error"]["message"].endswith("无法打开（符号链接循环）")


def test_triage_queues_no_row_for_a_folders_non_forms(tmp_path):
    inbox = _inbox(tmp_path)
    os.symlink(inbox / "不存在.txt", inbox / "断开的链接.txt")
    out = tmp_path / "队列.json"
    result = runner.invoke(app, ["triage", str(inbox), "--db", str(tmp_path / "t.db"), "--out", str(out)])
    assert result.exit_code == 2  # the dangling link is reported, at the top of the queue
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    files = [r["file"].rsplit("/", 1)[-1] for r in rows]
    assert files[0] == "断开的链接.txt" and files.count("自评表.txt") == 3
    assert not {"README.md", "SOURCES.md", "gold.json"} & set(files)
    assert "另跳过文件夹中 3 个不是自评表的文件" in result.output
    listed = runner.invoke(app, ["queue", "list", "--db", str(tmp_path / "t.db")]).output
    assert "README.md" not in listed
