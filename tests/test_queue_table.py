"""The queue table: the rows, ranks and filters of `ziping triage`'s queue, kept current by whoever writes."""

from __future__ import annotations

import json

from ziping import queue_table
from ziping.checks import Checker
from ziping.store import Checked, Store
from ziping.triage import queue_rows, run, sources

from .triage_corpus import make_corpus


def test_pages_hold_the_queue_in_rank_order(tmp_path):
    corpus = make_corpus(tmp_path / "inbox", count=40)
    with Store(tmp_path / "t.db") as store:
        run(sources([corpus.root]), store, Checker.create())
        expected = queue_rows(store.files().values(), store.marks())
        page = queue_table.page(store, size=1000)
        assert [r.form_id for r in page.rows] == [r.form_id for r in expected]
        assert [r.rank for r in page.rows] == list(range(1, len(expected) + 1))
        assert [r.top for r in page.rows] == [r.top for r in expected]  # the very rows every export shows
        assert page.total == len(expected) and page.errors == sum(r.errors for r in expected)


def test_only_changes_to_files_and_results_rebuild_it(tmp_path):
    corpus = make_corpus(tmp_path / "inbox", count=6)
    with Store(tmp_path / "t.db") as store:
        run(sources([corpus.root]), store, Checker.create())
        assert queue_table.refresh(store) > 0
        assert queue_table.refresh(store) == 0
        store.mark(queue_table.page(store).rows[0].form_id, "reviewed")
        assert queue_table.refresh(store) == 0  # a mark is not a change of the queue's rows
        # A result stored again under its own key (an LLM review that failed, then succeeded) is a change.
        entry = next(e for e in store.files().values() if json.loads(e.payload)["forms"])
        data = json.loads(entry.payload)
        data["forms"][0]["project_name"] = "复核后的名称"
        parts = {"ruleset": "r", "profile": "p", "prompt_versions": "", "model": ""}
        store.put([Checked(entry.path, entry.content_sha256, entry.result_key, 1, json.dumps(data))], parts)
        assert queue_table.refresh(store) == 1
        names = [r.project_name for r in queue_table.page(store, queue_table.Filters(q="复核后")).rows]
        assert names == ["复核后的名称"]
    with Store(tmp_path / "t.db") as other:  # another connection (the CLI) sees the table current
        assert queue_table.refresh(other) == 0
