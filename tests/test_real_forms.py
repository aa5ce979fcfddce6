"""Real published forms (fixtures/real: 26 files from 9 provinces, hand-annotated) read and checked.

Each file's measures (forms read, execution rates right, annotated indicators found, their values read as
annotated, verified problems raised) may not fall below `fixtures/real-floors.json`; no form without a
verified problem may carry an error. A few layouts are also pinned field by field, so a failure says what
was misread rather than only that a count fell.
"""

from __future__ import annotations

import json

import pytest

from ziping.checks import Checker
from ziping.findings import Severity
from ziping.readers import read_path
from ziping.readers.encoding import decode
from ziping.readers.streams import shape
from ziping.realforms import evaluate_real, render_table, same_name, same_value
from ziping.rules import REGISTRY

from .conftest import FIXTURES
from .real_floors import per_file

REAL = FIXTURES / "real"
FLOORS = json.loads((FIXTURES / "real-floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def score():
    return evaluate_real(REAL)


@pytest.mark.parametrize("file", sorted(FLOORS))
def test_no_file_reads_less_than_its_floor(score, file):
    measured = per_file(score)[file]
    fallen = {k: (measured[k], floor) for k, floor in FLOORS[file].items() if measured[k] < floor}
    form = next(f for f in score.forms if f.file == file)
    assert not fallen, f"{file}: {fallen} (missing indicators {form.missing}; misread {form.misread[:5]})"


def test_no_error_on_a_form_without_verified_problems(score):
    # The excerpts are cut off and scrambled: what they lost is ZP012/unsure, never an error.
    errors = {(f.file, f.index): f.errors for f in score.forms if not f.has_problems and f.errors}
    assert errors == {}


def test_totals_as_the_table_reports_them(score):
    totals = score.totals()
    assert totals["forms"] == (28, 28)
    assert totals["indicators"][1] == 210 and totals["problems"][1] == 30
    table = render_table(score)
    found, total = totals["indicators"]
    assert f"{found} / {total}" in table and "读出指标的值" in table


def _form(name: str, index: int = 0):
    return Checker.create().check_file(REAL / name).forms[index]


def _indicator(result, name: str):
    return next(i for i in result.form.indicators if same_name(name, i.label))


def test_glued_form_with_spaces_inside_its_labels():
    # 衡山县 (湖南): a .docx on a document-sharing site, every cell run together, spaces only inside labels
    # ("年度 总体 目标", "产 出 指 标"): glued, not words.
    text, _ = decode((REAL / "13.txt").read_bytes())
    assert shape(text) == "glued"
    result = _form("13.txt")
    assert result.figures.execution_rate == pytest.approx(100.0)
    first = _indicator(result, "5000吨稻谷、500吨成品粮储备到位率")
    assert (first.level1, first.level2, first.target.raw, first.actual.raw) == ("产出指标", "数量指标", "100%", "100%")
    assert _indicator(result, "因粮食市场波动引起的粮食安全事件发生数").target.raw == "0起"


def test_numbered_glued_rows_keep_their_numbering_out_of_the_values():
    # 原州区 (宁夏), OCR: "指标1免费发放原原种8550万粒550万粒8" is name, weight 8, target, actual, score 8.
    result = _form("18.txt")
    row = _indicator(result, "免费发放原原种")
    assert (row.target.raw, row.actual.raw, row.weight.raw, row.score.raw) == ("550万粒", "550万粒", "8", "8")
    assert row.name.raw == "免费发放原原种"


def test_transfer_payment_funds_in_wan():
    # 遂宁经开区 (四川) 转移支付区域表: "转移支付预算数(A) 5.8万" — 万 for 万元.
    result = _form("17.txt")
    assert result.figures.execution_rate == pytest.approx(100.0)
    assert not [f for f in result.findings if f.code == "ZP004"]


def test_form_without_its_title_has_no_missing_year_error():
    # 新洲区 (湖北): the second form of the page starts at 项目名称; its title (and year) is not in the text.
    forms = read_path(REAL / "20.txt").forms
    assert len(forms) == 2 and "header.year" in forms[1].unsure
    second = Checker.create().check_form(forms[1])
    assert not [f for f in second.findings if f.field == "header.year" and f.severity is Severity.ERROR]


def test_a_table_whose_weights_and_scores_are_words_is_one_scrambled_table_finding():
    # 苏州 (江苏), a PDF's text: the 权重 and 自评分 columns hold pieces of sentences ("15%及其以", "现情况(80"):
    # its cells were shuffled, so the form gets ZP013 once, not an error for every row it seemed to lack.
    result = _form("24.txt")
    assert [f.code for f in result.findings if f.severity is not Severity.INFO] == ["ZP013"]


@pytest.mark.parametrize(
    ("weight", "score", "worded"),
    [
        ("25%", "6.25", False),  # 权重占比 written as a percentage
        ("10分", "满分", False),
        ("十", "十", False),  # Chinese numerals
        ("10", "不适用", False),
        ("15%及其以", "1", True),
        ("1", "现情况(80", True),
    ],
)
def test_words_in_the_number_columns_are_words_not_figures_in_another_writing(weight, score, worded):
    from ziping.readers.assemble import _words_in_numbers
    from ziping.readers.cells import Cell

    cells = {"weight": Cell(weight, {"line": 1}), "score": Cell(score, {"line": 1})}
    assert _words_in_numbers(cells) is worded


def test_a_table_most_of_whose_rows_read_unsure_is_scrambled():
    # 银川 (宁夏), an OCR'd document: 20 of its 22 rows could not be read one way; the two that could are no
    # surer ("预算执行率" with no values, a date as a name). No ZP206 or ZP003 on them: ZP013 says it once.
    result = _form("09.txt")
    assert sorted(f.code for f in result.findings if f.severity is not Severity.INFO) == ["ZP012", "ZP013"]


def test_a_row_without_target_and_actual_is_one_finding():
    # 天长市 (安徽): six indicators with neither 年度指标值 nor 实际完成值 are six ZP206, each naming both.
    result = _form("12.txt")
    missing = [f for f in result.findings if f.code == "ZP206"]
    assert len(missing) == 6
    assert all(REGISTRY["ZP206"].message(f) == f"指标「{f.params['name']}」缺少年度指标值和实际完成值" for f in missing)
    assert len({f.location for f in missing}) == 6


def test_a_field_missing_above_the_cut_is_said_once_by_its_own_finding():
    # 安居区 (四川): the excerpt ends inside the table, and the title has no year. The year is ZP003's; ZP012
    # names only what the cut took (the 总分 row), not the year a second time.
    result = _form("16.txt")
    [cut] = [f for f in result.findings if f.code == "ZP012"]
    assert "总分行" in REGISTRY["ZP012"].message(cut) and "绩效自评年度" not in REGISTRY["ZP012"].message(cut)
    assert [f.field for f in result.findings if f.code == "ZP003"] == ["header.year"]


def test_run_together_words_that_may_be_target_and_actual_ground_no_missing_value():
    # 原州区 (宁夏), OCR run together: "…产业衔接8是基本达到7" holds 是 | 基本达到 (target | actual) as one piece of
    # words; which of the two is missing cannot be told, so the row grounds no ZP206.
    result = _form("18.txt")
    assert not [f for f in result.findings if f.code == "ZP206"]
    # A figure is one value: a 四川 form copied by a media site, "足额保障率=100%22.5", has a target and no actual.
    assert [f.code for f in _form("07.txt").findings].count("ZP206") == 4


def test_a_copied_target_column_is_one_finding():
    # 四川 衔接资金 form: all nine actuals are their targets word for word ("≥266米" …); that copy is one ZP210,
    # not one more for every actual that carries the target's ≥.
    result = _form("03.txt")
    assert [f.variant for f in result.findings if f.code == "ZP210"] == ["copied"]


@pytest.mark.parametrize(
    ("annotated", "read", "same"),
    [
        (8, "8", True),
        (6.25, "6.25", True),
        ("50", "50个", True),
        ("50", "500", False),
        ("≥95%", "≥ 95%", True),
        ("100%", "90%", False),
        (None, None, True),
        ("有效", None, False),
    ],
)
def test_same_value(annotated, read, same):
    assert same_value(annotated, read) is same


def test_same_name_reads_the_annotations_marks():
    assert same_name("持续完善马铃薯种薯繁育体系…", "持续完善马铃薯种薯繁育体系,保障脱毒马铃薯种薯供应")
    assert same_name("望新点胸艮必具 (OCR noise)", "望新点胸艮必具")
    assert not same_name("持续完善马铃薯种薯繁育体系…", "持续推进")
