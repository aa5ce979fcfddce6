"""`ziping eval --corpus`: the scoring arithmetic on a hand-made label set, and the command end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ziping.checks import Checker
from ziping.cli import app
from ziping.readers import read_path
from ziping.synth.evaluate import evaluate_corpus
from ziping.synth.labels import field_values

from .conftest import SEED

runner = CliRunner()


def _label(code: str, field: str) -> dict:
    return {"code": code, "field": field, "kind": "hand", "description": ""}


@pytest.fixture
def hand_made(tmp_path):
    """The seed file labelled by hand: form 1 with one finding left out and one invented, form 3 with a misread value."""
    shutil.copy(SEED, tmp_path / "seed.txt")
    forms = read_path(SEED).forms
    truth = [field_values(form) for form in forms]
    truth[2]["funds.total.executed"] = 123.0  # a value the file does not hold: one misread field
    labels = [
        # Form 1 raises ZP303, ZP304 and ZP401; the label omits ZP401 (a false positive) and
        # expects a ZP101 the form does not raise (a false negative).
        [_label("ZP303", "total.weight"), _label("ZP304", "total.score"), _label("ZP101", "funds.execution_rate")],
        [_label("ZP303", "total.weight"), _label("ZP304", "total.score")],
        [_label("ZP205", "indicators[发布信息量（条）].actual")],
    ]
    record = {
        "path": "seed.txt",
        "format": "txt",
        "encoding": "utf-8",
        "noise": [],
        "expected": [],
        "forms": [
            {
                "id": f"S{k}",
                "index": k,
                "clean": False,
                "defects": [],
                "expected": labels[k - 1],
                "negatives": [],
                "truth": truth[k - 1],
            }
            for k in (1, 2, 3)
        ],  # fmt: skip
    }
    (tmp_path / "labels.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return tmp_path


def test_false_positive_and_false_negative_are_counted(hand_made):
    score = evaluate_corpus(hand_made, Checker.create())
    rows = {code: (tp, fp, fn, p, r) for code, tp, fp, fn, p, r in score.rows()}
    assert rows["ZP303"] == (2, 0, 0, 1.0, 1.0)
    assert rows["ZP304"] == (2, 0, 0, 1.0, 1.0)
    assert rows["ZP205"] == (1, 0, 0, 1.0, 1.0)
    assert rows["ZP401"] == (0, 1, 0, 0.0, None)  # raised, not labelled
    assert rows["ZP101"] == (0, 0, 1, None, 0.0)  # labelled, not raised
    assert score.fp_examples["ZP401"][0]["field"] == "indicators[项目完成率（%）].actual"
    assert score.fn_examples["ZP101"][0]["form"] == "S1"


def test_reading_accuracy_counts_each_field(hand_made):
    reading = evaluate_corpus(hand_made).reading["txt"]
    assert reading.forms == 3
    assert reading.fields - reading.correct == 1
    assert reading.wrong == {"funds.total.executed": 1}


def test_a_file_that_cannot_be_read_misses_every_label(tmp_path):
    (tmp_path / "gone.json").write_text("{", encoding="utf-8")
    record = {
        "path": "gone.json",
        "format": "json",
        "encoding": "utf-8",
        "noise": [],
        "expected": [{"code": "ZP001", "field": "file", "kind": "broken_file", "description": ""}],
        "forms": [],
    }
    (tmp_path / "labels.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    rows = {code: (tp, fp, fn) for code, tp, fp, fn, *_ in evaluate_corpus(tmp_path).rows()}
    assert rows["ZP001"] == (1, 0, 0)


def test_synth_then_eval_on_the_command_line(tmp_path):
    out = tmp_path / "corpus"
    made = runner.invoke(app, ["synth", str(out), "--count", "12", "--seed", "4", "--formats", "txt,json"])
    assert made.exit_code == 0, made.output
    assert "已生成 12 张表" in made.output
    assert runner.invoke(app, ["synth", str(out), "--count", "1"]).exit_code == 2  # never into a full folder
    result = runner.invoke(app, ["eval", "--corpus", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["forms"] == 12
    assert {r["format"]: r["accuracy"] for r in report["reading"]} == {"txt": 1.0, "json": 1.0}
    assert report["clean"]["with_warnings_or_errors"] == 0
    assert all(r["fp"] == 0 and r["fn"] == 0 for r in report["rules"])
    table = runner.invoke(app, ["eval", "--corpus", str(out)])
    assert table.exit_code == 0 and "ZP304" in table.output and "字段读取准确率" in table.output


def test_eval_needs_exactly_one_source(tmp_path):
    assert runner.invoke(app, ["eval"]).exit_code == 2
    assert runner.invoke(app, ["eval", "--corpus", str(tmp_path)]).exit_code == 2  # no labels.jsonl there
    assert "--gold" in runner.invoke(app, ["eval", "--help"]).output


def test_corpus_eval_imports_no_llm_client(hand_made):
    code = (
        "import sys\nfrom ziping.cli import app\n"
        f"try:\n    app(['eval', '--corpus', {str(hand_made)!r}, '--format', 'json'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('openai', 'httpx2', 'tenacity') if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]"
