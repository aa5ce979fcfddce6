"""The PDF reader: the seed forms as PDF read and check like their text; scans and broken PDFs are reported."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ziping.checks import Checker
from ziping.readers import SUPPORTED_SUFFIXES, read_bytes, read_path
from ziping.readers.pdf import NO_TEXT_LAYER, _joined_parts

from .conftest import FIXTURES, SEED

PDF = FIXTURES / "pdf" / "longgang-2023-selfeval.pdf"
SCAN = FIXTURES / "pdf" / "scan.pdf"
PDF_BYTES = PDF.read_bytes()
CHECKER = Checker.create()


@pytest.fixture(scope="module")
def both():
    text, pdf = read_path(SEED), read_path(PDF)
    assert text.problem is None and pdf.problem is None, pdf.problem
    assert len(text.forms) == len(pdf.forms) == 3
    return list(zip(text.forms, pdf.forms))


def _raw(field):
    return field.raw if field is not None else None


def test_pdf_is_supported():
    assert ".pdf" in SUPPORTED_SUFFIXES


@pytest.mark.parametrize("k", range(3))
def test_same_header_funds_and_totals(both, k):
    text, pdf = both[k]
    for name in ("project_code", "project_name", "year", "implementing_unit", "budget_unit"):
        assert _raw(getattr(pdf.header, name)) == _raw(getattr(text.header, name)), name
    for row in ("total", "fiscal", "carryover", "other"):
        for cell in ("initial_budget", "budget", "executed"):
            assert _raw(getattr(getattr(pdf.funds, row), cell)) == _raw(getattr(getattr(text.funds, row), cell))
    for name in ("weight", "execution_rate", "execution_score"):
        assert _raw(getattr(pdf.funds, name)) == _raw(getattr(text.funds, name)), name
    assert pdf.funds.unit == text.funds.unit
    assert (_raw(pdf.total.weight), _raw(pdf.total.score)) == (_raw(text.total.weight), _raw(text.total.score))
    assert [(lv.name, _raw(lv.weight)) for lv in pdf.level1] == [(lv.name, _raw(lv.weight)) for lv in text.level1]


@pytest.mark.parametrize("k", range(3))
def test_same_indicators_goals_and_notes(both, k):
    text, pdf = both[k]

    def rows(form):
        return [
            (
                i.level1,
                i.level2,
                *(_raw(getattr(i, c)) for c in ("name", "target", "actual", "weight", "score", "note")),
            )
            for i in form.indicators
        ]

    assert rows(pdf) == rows(text)
    assert [(p.level1, p.level2) for p in pdf.placeholders] == [(p.level1, p.level2) for p in text.placeholders]
    # The PDF's cells wrap at other widths than the seed's, yet the joined narratives are the same text.
    assert (_raw(pdf.goals.expected), _raw(pdf.goals.actual)) == (_raw(text.goals.expected), _raw(text.goals.actual))


def _findings(result):
    return [[(f.code, f.field, f.declared, f.expected) for f in form.findings] for form in result.forms]


def test_same_findings_as_the_text():
    text, pdf = CHECKER.check_file(SEED), CHECKER.check_file(PDF)
    assert pdf.error is None
    assert _findings(pdf) == _findings(text)
    assert any(codes for codes in _findings(pdf))  # the seed's defects are found, not an empty agreement


def test_locations_name_the_page_and_the_cell():
    result = CHECKER.check_file(PDF)
    places = [f.location for form in result.forms for f in form.findings if f.location]
    assert places and all(loc.sheet and loc.sheet.startswith("第") and "页" in loc.sheet for loc in places)
    # The 总分 row sits at the top of page 2, in a table of its own: its 分值 is the sixth column.
    wrong_total = next(f for f in result.forms[0].findings if f.code == "ZP303")
    assert wrong_total.location.describe() == "第2页 第3行第6列"
    assert wrong_total.location.describe("en") == "page 2, row 3, column 6"
    assert result.forms[0].form.location.describe() == "第1–2页"


def test_scan_has_no_text_layer():
    result = read_path(SCAN)
    assert result.problem is not None
    assert (result.problem.code, result.problem.reason_zh) == ("ZP002", NO_TEXT_LAYER[0])


@pytest.mark.parametrize(
    "data, words",
    [
        (PDF_BYTES[: len(PDF_BYTES) // 3], "损坏或不完整"),
        (PDF_BYTES[:2000], "损坏或不完整"),
        (b"%PDF-1.7\n" + os.urandom(4000), "损坏或不完整"),
        (os.urandom(4000), "损坏或不完整"),
        (b"this is not a pdf at all", "损坏或不完整"),
    ],
)
def test_broken_pdf_is_zp001_in_chinese(data, words):
    result = read_bytes(data, "坏文件.pdf")
    assert result.problem is not None and result.problem.code == "ZP001"
    assert words in result.problem.reason_zh


def test_pdf_recognised_by_magic_bytes_without_suffix():
    result = read_bytes(PDF_BYTES, "无后缀")
    assert result.problem is None and len(result.forms) == 3


def test_encrypted_pdf_is_zp001():
    result = read_path(FIXTURES / "pdf" / "encrypted.pdf")
    assert result.problem is not None
    assert (result.problem.code, result.problem.reason_zh) == ("ZP001", "PDF 已加密（需要密码），无法读取")


def test_oversized_pdf_is_refused_without_parsing(monkeypatch):
    from ziping.readers import pdf

    monkeypatch.setattr(pdf, "MAX_BYTES", 1000)
    result = read_bytes(PDF_BYTES, "大.pdf")
    assert result.problem.code == "ZP001" and "过大" in result.problem.reason_zh


def test_too_many_pages_is_refused(monkeypatch):
    from ziping.readers import pdf

    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    result = read_bytes(PDF_BYTES, "长.pdf")
    assert result.problem.code == "ZP001" and "页数过多" in result.problem.reason_zh


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(
    cut=st.integers(min_value=0, max_value=len(PDF_BYTES)),
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(PDF_BYTES) - 1), st.binary(min_size=1, max_size=8)), max_size=6
    ),
)
def test_mutated_pdf_never_raises(cut, edits):
    data = bytearray(PDF_BYTES)
    for at, patch in edits:
        data[at : at + len(patch)] = patch
    started = time.monotonic()
    result = CHECKER.check_bytes(bytes(data[:cut] if cut else data), "变异.pdf")
    assert time.monotonic() - started < 20
    if result.error is not None:
        assert result.error.code in ("ZP001", "ZP002")


def test_cli_check_pdf_exit_1_with_the_seed_findings():
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "ziping", "check", str(PDF)], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    for code in ("ZP303", "ZP304", "ZP401"):
        assert code in proc.stdout
    assert "信息系统运行与维护" in proc.stdout


def test_pdfs_whose_cells_wrap_read_as_their_labels_say():
    """Numbers wrapped in narrow cells, short names wrapped after a note, goals side by side (fixtures/pdf/synth)."""
    from ziping.synth.evaluate import evaluate_corpus

    score = evaluate_corpus(FIXTURES / "pdf" / "synth").to_json()
    [reading] = score["reading"]
    assert (reading["forms"], reading["correct"], reading["fields"]) == (4, 292, 292)
    assert [(r["code"], r["fp"], r["fn"]) for r in score["rules_reported"] if r["fp"] or r["fn"]] == []
    assert score["clean_reported"]["with_warnings_or_errors"] == 0
    # The two injected defects are found: the template's hint as 实际完成情况, a rate counted in heads.
    assert [(r["code"], r["tp"]) for r in score["rules_reported"] if r["tp"]] == [("ZP005", 1), ("ZP213", 1)]


def test_a_label_wrapped_in_its_cell_is_one_label():
    # "其中:当年财政拨款" in a narrow first column is one cell, one label, whatever its lines.
    assert _joined_parts(["其中:当年财政", "拨款"]) == "其中:当年财政拨款"
    # A note's parts stay apart: 改进措施 starts a line of its own.
    note = _joined_parts(["偏差原因分析：系统正处于试运行状态。", "改进措施：加快推进。"])
    assert note == "偏差原因分析：系统正处于试运行状态。\n改进措施：加快推进。"
    # A number wrapped in a narrow column is one number.
    assert _joined_parts(["100.0", "0"]) == "100.00"
