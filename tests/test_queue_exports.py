"""Queue exports: escaping, CJK widths, the CSV BOM, English headers, and parallel runs giving the same rows."""

from __future__ import annotations

import json

from ziping.checks import Checker
from ziping.reports.queue import display_width, write
from ziping.store import Store
from ziping.triage import run, sources, triage_rows

from .triage_corpus import make_corpus


def test_display_width_counts_cjk_twice():
    assert display_width("人大宣传") == 8 and display_width("ZP304") == 5 and display_width("（％）") == 6


def test_html_escapes_what_forms_contain(tmp_path, seed_text):
    hostile = seed_text.replace("人大宣传", "<script>alert(1)</script>人大宣传", 1)
    path = tmp_path / "hostile.txt"
    path.write_text(hostile, encoding="utf-8")
    checker = Checker.create()
    with Store(tmp_path / "t.db") as store:
        batch = sources([path])
        run(batch, store, checker)
        rows = triage_rows(batch, store, checker, "zh")
    write(rows, tmp_path / "q.html")
    page = (tmp_path / "q.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;人大宣传" in page


def test_csv_has_a_bom_and_english_headers(tmp_path, seed_path):
    checker = Checker.create()
    with Store(tmp_path / "t.db") as store:
        batch = sources([seed_path])
        run(batch, store, checker)
        rows = triage_rows(batch, store, checker, "en")
    write(rows, tmp_path / "q.csv", "en")
    raw = (tmp_path / "q.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.startswith("rank,ID,risk,why this risk,")
    assert ",skipped,pending," in text


def test_two_workers_give_the_same_queue_as_one(tmp_path):
    corpus = make_corpus(tmp_path / "inbox", 120)
    checker = Checker.create()
    outputs = []
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.db") as store:
            batch = sources([corpus.root])
            stats = run(batch, store, checker, workers)
            assert stats.workers == workers and stats.checked_files == 120 + len(corpus.unreadable)
            rows = triage_rows(batch, store, checker, "zh")
        write(rows, tmp_path / f"w{workers}.json")
        data = json.loads((tmp_path / f"w{workers}.json").read_text(encoding="utf-8"))
        outputs.append(data["rows"])
    assert outputs[0] == outputs[1]
