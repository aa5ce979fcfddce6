"""The incremental store: what is re-checked, --since, the key, WAL, and two processes writing at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from datetime import UTC, datetime

import pytest

from ziping.checks import Checker
from ziping.store import SCHEMA_VERSION, Checked, Store, StoreError
from ziping.triage import key_parts, run, select_rows, sources, triage_rows

from .triage_corpus import make_corpus


@pytest.fixture
def folder(tmp_path):
    return make_corpus(tmp_path / "inbox", 24)


def test_only_the_changed_file_is_checked_again(tmp_path, folder):
    checker = Checker.create()
    with Store(tmp_path / "t.db") as store:
        first = run(sources([folder.root]), store, checker)
        assert first.checked_files == 24 + len(folder.unreadable) and first.reused_files == 0
        assert run(sources([folder.root]), store, checker).checked_files == 0
        before = datetime.now(UTC)
        time.sleep(0.01)
        changed = folder.clean[0]
        changed.write_bytes(changed.read_bytes().replace(b"\n", b"\n\n", 1))
        again = run(sources([folder.root]), store, checker)
        assert (again.checked_files, again.reused_files) == (1, first.checked_files - 1)
        rows = triage_rows(sources([folder.root]), store, checker, "zh")
        new = select_rows(rows, since=before)
        assert len(new) == 1 and new[0].file.endswith(changed.name)


def test_the_key_covers_rules_and_profile(tmp_path, folder):
    full, fewer = Checker.create(), Checker.create(ignore_codes=["ZP205"])
    assert key_parts(full).ruleset != key_parts(fewer).ruleset
    assert key_parts(full).profile.startswith("standard@")
    with Store(tmp_path / "t.db") as store:
        run(sources([folder.root]), store, full)
        # Another rule set is other results: every file is checked again, and both stay stored.
        assert run(sources([folder.root]), store, fewer).checked_files == 24 + len(folder.unreadable)
        assert run(sources([folder.root]), store, full).checked_files == 0


def test_store_is_wal_and_reports_bad_files_in_chinese(tmp_path):
    with Store(tmp_path / "t.db") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="不是 ziping 结果库"):
        Store(junk)


def _writer(db: str, name: str, count: int) -> None:
    parts = {"ruleset": "r", "profile": "p", "prompt_versions": "", "model": ""}
    with Store(db) as store:
        for k in range(count):
            sha = f"{name}{k:08d}".ljust(64, "0")
            store.put([Checked(f"/{name}/{k}.txt", sha, f"{name}-{k}", 1, '{"error":null,"forms":[]}')], parts)
            store.mark(f"{sha[:10]}-1", "reviewed", f"{name} {k}")


def test_two_processes_write_one_store(tmp_path):
    db = str(tmp_path / "shared.db")
    Store(db).close()
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(db, name, 150)) for name in ("a", "b")]
    for process in writers:
        process.start()
    for process in writers:
        process.join(60)
        assert process.exitcode == 0
    with Store(db) as store:
        assert store.integrity() == "ok"
        assert len(store.files()) == 300
        assert len(store.marks()) == 300
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT COUNT(*) FROM results").fetchone()[0] == 300
    connection.close()


def test_a_result_not_final_is_shown_but_not_reused(tmp_path):
    parts = {"ruleset": "r", "profile": "p", "prompt_versions": "v", "model": "m"}
    data = '{"error":null,"forms":[]}'
    with Store(tmp_path / "t.db") as store:
        store.put(
            [Checked("/a.txt", "a" * 64, "ka", 1, data, final=False), Checked("/b.txt", "b" * 64, "kb", 1, data)], parts
        )
        assert store.known_keys({"ka", "kb"}) == {"kb"} and store.forms_of({"ka", "kb"}) == {"kb": 1}
        assert set(store.files()) == {"/a.txt", "/b.txt"}  # both in the queue
        store.put([Checked("/a.txt", "a" * 64, "ka", 1, data)], parts)  # reviewed on the next run
        assert store.known_keys({"ka", "kb"}) == {"ka", "kb"}


def test_a_store_of_schema_1_is_upgraded_in_place(tmp_path):
    db = tmp_path / "old.db"
    old = sqlite3.connect(db)
    old.executescript(
        "CREATE TABLE results (key TEXT PRIMARY KEY, content_sha256 TEXT NOT NULL, ruleset TEXT NOT NULL,"
        " profile TEXT NOT NULL, prompt_versions TEXT NOT NULL, model TEXT NOT NULL, forms INTEGER NOT NULL,"
        " payload TEXT NOT NULL, checked_at TEXT NOT NULL);"
        "INSERT INTO results VALUES ('k', 'c', 'r', 'p', '', '', 2, '{}', 't');"
    )
    old.close()
    with Store(db) as store:
        assert store.known_keys({"k"}) == {"k"}  # what schema 1 stored was final
        assert store.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(
            SCHEMA_VERSION
        )


SCHEMA_3 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '3');
CREATE TABLE results (key TEXT PRIMARY KEY, content_sha256 TEXT NOT NULL, ruleset TEXT NOT NULL, profile TEXT NOT NULL,
    prompt_versions TEXT NOT NULL, model TEXT NOT NULL, forms INTEGER NOT NULL, payload TEXT NOT NULL,
    checked_at TEXT NOT NULL, final INTEGER NOT NULL DEFAULT 1);
CREATE TABLE files (path TEXT PRIMARY KEY, content_sha256 TEXT NOT NULL, result_key TEXT NOT NULL, changed_at TEXT NOT NULL);
CREATE TABLE marks (form_id TEXT PRIMARY KEY, status TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', marked_at TEXT NOT NULL);
INSERT INTO marks VALUES ('aaaaaaaaaa-1', 'returned', '总分漏计', '2026-11-25T01:00:00.000000+00:00');
INSERT INTO marks VALUES ('bbbbbbbbbb-2', 'accepted', '', '2026-11-25T02:00:00.000000+00:00');
"""


def test_a_store_of_schema_3_keeps_its_marks_and_starts_their_history(tmp_path):
    db = tmp_path / "v3.db"
    old = sqlite3.connect(db)
    old.executescript(SCHEMA_3)
    old.close()
    with Store(db) as store:
        assert store.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(
            SCHEMA_VERSION
        )
        marks = store.marks()
        assert {k: (m.status, m.note, m.reviewer) for k, m in marks.items()} == {
            "aaaaaaaaaa-1": ("returned", "总分漏计", ""),
            "bbbbbbbbbb-2": ("accepted", "", ""),
        }
        assert [(m.status, m.marked_at) for m in store.history("aaaaaaaaaa-1")] == [
            ("returned", "2026-11-25T01:00:00.000000+00:00")
        ]
        store.mark("aaaaaaaaaa-1", "accepted", "已改正", reviewer="王芳")
    with Store(db) as store:  # opening again migrates nothing twice
        history = store.history("aaaaaaaaaa-1")
        assert [(m.status, m.reviewer) for m in history] == [("returned", ""), ("accepted", "王芳")]
        assert store.marks()["aaaaaaaaaa-1"].reviewer == "王芳"


def test_marking_several_forms_is_one_transaction(tmp_path):
    with Store(tmp_path / "t.db") as store:
        with pytest.raises(ValueError):
            store.mark_many(["a-1", "b-1"], "done")
        store.mark_many(["a-1", "b-1"], "reviewed", "批量", reviewer="李")
        assert set(store.marks()) == {"a-1", "b-1"}
        assert store.db.execute("SELECT COUNT(*) FROM mark_history").fetchone()[0] == 2
