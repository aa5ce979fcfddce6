"""Copies of one file in an inbox are separate submissions: each row names its file, has its own ID and its own
mark, and points out the copies that hold the same content."""

from __future__ import annotations

import json
import sqlite3

from typer.testing import CliRunner

from ziping.cli import app
from ziping.store import Store, absolute, form_id

from .conftest import SEED

runner = CliRunner()
FORM3 = "项目支出绩效自评表" + SEED.read_text(encoding="utf-8").split("项目支出绩效自评表")[3]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _inbox(tmp_path):
    inbox = tmp_path / "收件箱"
    for name in ("甲/自评表.txt", "乙/自评表.txt", "丙/副本.txt"):
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_text(FORM3, encoding="utf-8")
    return inbox


def _rows(tmp_path, inbox, db):
    out = tmp_path / "队列.json"
    result = run("triage", inbox, "--db", db, "--out", out, "--force")
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))["rows"], result.output


def test_copies_get_their_own_ids_and_point_at_each_other(tmp_path):
    inbox, db = _inbox(tmp_path), tmp_path / "t.db"
    rows, output = _rows(tmp_path, inbox, db)
    assert len(rows) == 3 and len({r["form_id"] for r in rows}) == 3
    by_file = {r["file"].split("收件箱/")[1]: r for r in rows}
    assert set(by_file) == {"甲/自评表.txt", "乙/自评表.txt", "丙/副本.txt"}
    assert by_file["甲/自评表.txt"]["duplicates"].count("收件箱/") == 2
    assert "乙/自评表.txt" in by_file["甲/自评表.txt"]["duplicates"]
    assert "内容相同" in output  # the terminal queue says so too


def test_marking_one_copy_marks_that_submission_only(tmp_path):
    inbox, db = _inbox(tmp_path), tmp_path / "t.db"
    rows, _ = _rows(tmp_path, inbox, db)
    target = next(r for r in rows if r["file"].endswith("乙/自评表.txt"))
    assert run("queue", "mark", target["form_id"], "returned", "--db", db).exit_code == 0
    rows, _ = _rows(tmp_path, inbox, db)
    marked = {r["file"].split("收件箱/")[1]: r["status_label"] for r in rows}
    assert marked == {"乙/自评表.txt": "已退回", "甲/自评表.txt": "待审阅", "丙/副本.txt": "待审阅"}


def test_ids_are_stable_and_change_with_the_content(tmp_path):
    inbox, db = _inbox(tmp_path), tmp_path / "t.db"
    first, _ = _rows(tmp_path, inbox, db)
    again, _ = _rows(tmp_path, inbox, db)
    assert sorted(r["form_id"] for r in first) == sorted(r["form_id"] for r in again)
    (inbox / "丙/副本.txt").write_text(FORM3.replace("99.74", "98.74"), encoding="utf-8")
    changed, _ = _rows(tmp_path, inbox, db)
    copy = next(r for r in changed if r["file"].endswith("副本.txt"))
    assert copy["form_id"] not in {r["form_id"] for r in first} and copy["duplicates"] == ""


def test_a_version_1_store_keeps_its_marks_on_every_copy(tmp_path):
    inbox, db = _inbox(tmp_path), tmp_path / "t.db"
    _rows(tmp_path, inbox, db)
    with Store(db) as store:
        entries = list(store.files().values())
    sha = entries[0].content_sha256
    # As version 1 stored it: one mark under the content's own ID.
    raw = sqlite3.connect(db)
    raw.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    raw.execute("DELETE FROM marks")
    raw.execute(
        "INSERT INTO marks (form_id, status, note, marked_at) VALUES (?, 'accepted', '已核', '2026-11-25T00:00:00+00:00')",
        (f"{sha[:10]}-1",),
    )
    raw.commit()
    raw.close()
    with Store(db) as store:
        marks = store.marks()
        assert {form_id(e.content_sha256, e.path, 1) for e in entries} == set(marks)
        assert {m.note for m in marks.values()} == {"已核"}
        assert store.form_exists(form_id(sha, absolute(inbox / "甲/自评表.txt"), 1))
        assert not store.form_exists(f"{sha[:10]}-1")
