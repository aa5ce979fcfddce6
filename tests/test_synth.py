"""The synthetic corpus generator: reproducible, its labels true of the files it writes, its clean forms clean."""

from __future__ import annotations

import json
from random import Random

import pytest

from ziping.checks import Checker
from ziping.findings import Severity
from ziping.readers import read_bytes, read_path
from ziping.synth import writers
from ziping.synth.defects import DEFECTS
from ziping.synth.generate import generate_corpus, make_spec
from ziping.synth.labels import field_values, finding_field, label_field, read_labels, same
from ziping.synth.spec import to_form

TEXT_FORMATS = ("txt", "json", "xlsx")


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.create()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    generate_corpus(out, 40, seed=11, formats=TEXT_FORMATS)
    return out


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_corpus(first, 12, seed=5, formats=TEXT_FORMATS)
    generate_corpus(second, 12, seed=5, formats=TEXT_FORMATS)
    generate_corpus(other, 12, seed=6, formats=TEXT_FORMATS)
    assert _files(first) == _files(second)  # xlsx included: the save time is taken out of the zip
    assert _files(first) != _files(other)


def test_the_summary_counts_files_as_files_and_forms_as_forms(tmp_path):
    from collections import Counter

    from typer.testing import CliRunner

    from ziping.cli import app

    out = tmp_path / "corpus"
    result = CliRunner().invoke(app, ["synth", str(out), "--count", "40", "--formats", "txt,json,xlsx"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (out / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    files = Counter(r["format"] for r in records if r["forms"])
    forms = Counter()
    for r in records:
        forms[r["format"]] += len(r["forms"])
    broken = sum(1 for r in records if not r["forms"])
    assert sum(forms.values()) == 40 and files["txt"] < forms["txt"]  # several forms share a text file
    for fmt in files:
        assert f"{fmt} {files[fmt]} 个文件 {forms[fmt]} 张表" in result.output
    assert f"无法读取的文件 {broken} 个" in result.output
    assert f"已生成 40 张表、{len(records)} 个文件" in result.output


def test_every_file_reads_back_as_labelled(corpus):
    """The truth in the labels, injected defects included, is what a reader finds in the written file."""
    records = list(read_labels(corpus))
    assert sum(len(r["forms"]) for r in records) == 40
    for record in records:
        data = (corpus / record["path"]).read_bytes()
        if record["format"] == "txt":
            data.decode(record["encoding"])  # written in the encoding the label names
        read = read_bytes(data, record["path"])
        assert len(read.forms) == len(record["forms"]), record["path"]
        for label, form in zip(record["forms"], read.forms):
            got = field_values(form)
            wrong = {k: (v, got.get(k)) for k, v in label["truth"].items() if not same(v, got.get(k))}
            assert not wrong, (record["path"], wrong)
            assert set(got) == set(label["truth"])


def test_injected_values_are_in_the_file(tmp_path):
    """A label's claim is visible in the file: the misquoted number, the template hint, the stray line."""
    cases = {
        "narrative_number_changed": lambda spec: spec.narrative,
        "template_text": lambda spec: spec.narrative if spec.expects[0].field == "goals.actual" else None,
        "unplaced_text": lambda spec: spec.unread[0],
        "rate_miscomputed": lambda spec: spec.funds.rate_text,
    }
    for kind, quoted in cases.items():
        spec = next(
            s
            for n in range(50)
            if (s := make_spec(Random(f"present-{kind}-{n}"), "T1", "txt", kinds=[kind])).defects == [kind]
        )
        text = writers.write_text([to_form(spec)], [writers.Layout()], Random(1), "utf-8").decode()
        if (expected := quoted(spec)) is not None:
            assert expected in text, kind


def test_clean_forms_are_clean(checker):
    for n in range(150):
        spec = make_spec(Random(f"clean-{n}"), f"C{n}", "txt", kinds=[])
        result = checker.check_form(to_form(spec))
        serious = [(f.code, f.field) for f in result.findings if f.severity is not Severity.INFO]
        assert not serious, (n, serious)


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.kind)
def test_each_defect_is_detected_exactly(checker, defect):
    """Each kind, injected alone, raises exactly the findings its label names."""
    fmt = "json" if defect.formats is not None else "txt"
    applied = 0
    for n in range(60):
        spec = make_spec(Random(f"kind-{defect.kind}-{n}"), "K", fmt, kinds=[defect.kind])
        if spec.defects != [defect.kind]:
            continue  # this form offered the defect nothing to work on
        form = to_form(spec)
        found = sorted((f.code, finding_field(form, f.field)) for f in checker.check_form(form).findings)
        assert found == sorted((e.code, label_field(e.field)) for e in spec.expects), n
        applied += 1
        if applied == 3:
            return
    pytest.fail(f"{defect.kind} applied to only {applied} of 60 forms")


def test_noise_creates_no_finding(checker, tmp_path):
    """Wrapped cells, spaces, comment lines, full-width digits, GB18030 and CRLF: same fields, no finding."""
    layout = writers.Layout(wrapped=True, spaces=True, comments=True, level1_inline=True)
    for n in range(25):
        spec = make_spec(Random(f"noise-{n}"), f"N{n}", "txt", kinds=[])
        form = to_form(spec)
        data = writers.write_text([form], [layout], Random(n), "gb18030", crlf=True)
        path = tmp_path / f"n{n}.txt"
        path.write_bytes(data)
        read = read_path(path)
        assert read.encoding == "gb18030"
        truth, got = field_values(form), field_values(read.forms[0])
        assert all(same(v, got.get(k)) for k, v in truth.items()), n
        serious = [f.code for f in checker.check_form(read.forms[0]).findings if f.severity is not Severity.INFO]
        assert not serious, (n, serious)


def test_labels_name_the_noise_and_the_broken_files(tmp_path):
    generate_corpus(tmp_path, 30, seed=2, formats=("txt",))
    records = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r["format"] == "txt" and r["encoding"] in ("utf-8", "gb18030", "utf-8-sig") for r in records)
    assert {n for r in records for n in r["noise"]} >= {"wrapped", "comments"}


def test_pdf_is_skipped_with_a_reason_when_it_cannot_be_written(tmp_path, monkeypatch):
    monkeypatch.setattr(writers, "pdf_unavailable", lambda: "no font")
    summary = generate_corpus(tmp_path, 5, seed=1, formats=("pdf", "json"))
    assert summary.skipped == "PDF：no font"
    assert set(summary.forms_by_format) == set(summary.files_by_format) == {"json"}


def test_a_small_corpus_scores_clean(corpus):
    """Every defect in the files found at its field, nothing else said, every field read (ZP501's ambiguity aside)."""
    from ziping.synth.evaluate import evaluate_corpus

    score = evaluate_corpus(corpus)
    rows = {code: (tp, fp, fn) for code, tp, fp, fn, *_ in score.rows()}
    assert sum(tp for tp, _, _ in rows.values()) > 30
    assert all(fp == 0 for _, fp, _ in rows.values()), score.fp_examples
    # ZP501 says nothing when a paraphrase shares two characters with a name whose unit other indicators share.
    assert all(fn == 0 for code, (_, _, fn) in rows.items() if code != "ZP501"), score.fn_examples
    assert score.clean(score.formats())[1] == 0
    assert all(r.correct == r.fields for r in score.reading.values())
