"""The XLSX reader: the seed forms as workbooks read to the same model and findings as the text."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from ziping.checks import Checker, expand
from ziping.readers import read_bytes, read_path
from ziping.readers.labels import INDICATOR_COLUMNS, match_prefix, normalize
from ziping.readers.xlsx import OLE_MAGIC, render
from ziping.template import write_form

from .conftest import FIXTURES, SEED

XLSX = FIXTURES / "xlsx"
CHECKER = Checker.create()
TEXT_FORMS = read_path(SEED).forms


def raw(field) -> str | None:
    return field.raw if field is not None else None


def projection(form) -> dict:
    """Everything a form says, as raw text, without locations."""
    funds = form.funds
    rows = {
        key: [raw(getattr(row, part)) for part in ("initial_budget", "budget", "executed")] if row else None
        for key, row in (("total", funds.total), ("fiscal", funds.fiscal), ("carryover", funds.carryover))
    }
    return {
        "header": {key: raw(getattr(form.header, key)) for key in type(form.header).model_fields},
        "funds": rows | {"other": [raw(getattr(funds.other, p)) for p in ("initial_budget", "budget", "executed")]},
        "funds_total": [raw(funds.weight), raw(funds.execution_rate), raw(funds.execution_score), funds.unit],
        "goals": [raw(form.goals.expected), raw(form.goals.actual)],
        "level1": [(l1.name, raw(l1.weight)) for l1 in form.level1],
        "indicators": [
            (i.level1, i.level2, i.name.raw, raw(i.target), raw(i.actual), raw(i.weight), raw(i.score), raw(i.note))
            for i in form.indicators
        ],
        "placeholders": sorted((p.level1, p.level2) for p in form.placeholders),
        "total": [raw(form.total.weight), raw(form.total.score)],
        "unread": [u.raw for u in form.unread],
    }


def findings(result) -> list[list[tuple[str, str]]]:
    return [sorted((f.code, f.field) for f in form.findings) for form in result.forms]


@pytest.mark.parametrize("index", [1, 2, 3])
def test_each_seed_form_reads_as_the_text_does(index):
    read = read_path(XLSX / f"longgang-2023-form{index}.xlsx")
    assert read.problem is None and len(read.forms) == 1
    assert projection(read.forms[0]) == projection(TEXT_FORMS[index - 1])


@pytest.mark.parametrize("index", [1, 2, 3])
def test_each_seed_form_gets_the_texts_findings(index):
    from_xlsx = CHECKER.check_file(XLSX / f"longgang-2023-form{index}.xlsx")
    from_text = CHECKER.check_file(SEED)
    assert findings(from_xlsx) == [findings(from_text)[index - 1]]


@pytest.mark.parametrize("name", ["longgang-2023-stacked.xlsx", "longgang-2023-per-sheet.xlsx"])
def test_several_forms_in_one_workbook(name):
    read = read_path(XLSX / name)
    assert [form.index for form in read.forms] == [1, 2, 3]
    assert [projection(f) for f in read.forms] == [projection(f) for f in TEXT_FORMS]
    assert findings(CHECKER.check_file(XLSX / name)) == findings(CHECKER.check_file(SEED))


def test_per_sheet_locations_name_their_sheet():
    forms = read_path(XLSX / "longgang-2023-per-sheet.xlsx").forms
    assert [f.total.score.location.sheet for f in forms] == ["人大宣传", "代表工作", "信息系统运行与维护"]


def test_stacked_forms_keep_their_own_columns_and_rows():
    forms = read_path(XLSX / "longgang-2023-stacked.xlsx").forms
    weight_columns = [re.match(r"[A-Z]+", f.indicators[0].weight.location.cell).group(0) for f in forms]
    assert weight_columns == ["F", "G", "F"]  # the second form sits one column to the right
    assert forms[1].location.describe() == "汇总!B30:I54"
    assert forms[2].total.location.cell == "A80"


def test_merged_cells_resolve_to_the_cell_holding_the_text():
    form = read_path(XLSX / "longgang-2023-form1.xlsx").forms[0]
    assert form.header.project_name.location.cell == "E2"  # E2:F2 merged
    assert form.goals.expected.location.cell == "A12"  # A12:D12 merged
    # B15:B18 merged: the one 数量指标 label applies to all four rows below it.
    quantity = [i for i in form.indicators if i.level2 == "数量指标"]
    assert [i.location.cell for i in quantity] == ["C15", "C16", "C17", "C18"]
    assert form.indicators[-1].level1 == "满意度指标"


def test_added_rows_and_shifted_columns(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet["A1"] = "说明：本表由单位财务科填写"  # a note above the form, outside it
    write_form(sheet, TEXT_FORMS[2], top=4, left=4)  # three rows down, three columns right
    workbook.save(tmp_path / "moved.xlsx")
    read = read_path(tmp_path / "moved.xlsx")
    assert len(read.forms) == 1
    assert projection(read.forms[0])["indicators"] == projection(TEXT_FORMS[2])["indicators"]
    assert read.forms[0].total.score.location.cell == "J28"
    assert findings(CHECKER.check_file(tmp_path / "moved.xlsx")) == [findings(CHECKER.check_file(SEED))[2]]


def test_forms_without_title_split_at_each_header_block(tmp_path):
    workbook = load_workbook(XLSX / "longgang-2023-stacked.xlsx")
    sheet = workbook.active
    for row in (1, 30, 56):
        sheet.unmerge_cells(f"{'B' if row == 30 else 'A'}{row}:{'I' if row == 30 else 'H'}{row}")
        for cell in sheet[row]:
            cell.value = None
    workbook.save(tmp_path / "untitled.xlsx")
    read = read_path(tmp_path / "untitled.xlsx")
    assert [projection(f) for f in read.forms] == [projection(f) for f in TEXT_FORMS]


def _cell_of(path: Path, predicate) -> str:
    form = read_path(path).forms[0]
    return predicate(form).location.cell


def test_formula_without_cached_value_is_reported_with_its_cell(tmp_path):
    source = XLSX / "longgang-2023-form3.xlsx"
    executed = _cell_of(source, lambda f: f.funds.total.executed)
    workbook = load_workbook(source)
    workbook.active[executed] = "=D6-1800"  # written by a program, never calculated: no cached value
    workbook.save(tmp_path / "formula.xlsx")
    form = read_path(tmp_path / "formula.xlsx").forms[0]
    assert form.funds.total.executed is None
    [diagnostic] = form.unread
    assert diagnostic.location.cell == executed and diagnostic.location.sheet == "自评表"
    assert "未计算的公式" in diagnostic.raw and f"自评表!{executed}" in diagnostic.raw
    codes = {(f.code, f.field) for f in CHECKER.check_file(tmp_path / "formula.xlsx").forms[0].findings}
    assert ("ZP003", "funds.total.executed") in codes and ("ZP010", "unread[0]") in codes


def test_formula_with_cached_value_reads_the_value(tmp_path):
    source = XLSX / "longgang-2023-form3.xlsx"
    executed = _cell_of(source, lambda f: f.funds.total.executed)
    workbook = load_workbook(source)
    workbook.active[executed] = "=D6-1800"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Excel stores the result beside the formula; write it the way Excel does.
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(tmp_path / "cached.xlsx", "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes the empty result as <v /> or, with lxml installed, <v></v>.
                data = re.sub(rb"<f>D6-1800</f><v(?: ?/>|></v>)", b"<f>D6-1800</f><v>660000</v>", data)
                assert b"<f>D6-1800</f><v>660000</v>" in data
            dst.writestr(item, data)
    form = read_path(tmp_path / "cached.xlsx").forms[0]
    assert form.funds.total.executed.raw == "660000.00" and form.unread == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04" + b"\x00" * 200, "损坏"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "不是 Excel 工作簿"),
        (OLE_MAGIC + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"), "密码"),
        (OLE_MAGIC + b"\x00" * 512, ".xls"),
    ],
    ids=["corrupt-zip", "random-bytes", "password", "legacy-xls"],
)
def test_bad_workbooks_are_zp001_in_chinese(data, reason):
    read = read_bytes(data, "坏表.xlsx")
    assert read.problem is not None and read.problem.code == "ZP001"
    assert reason in read.problem.reason_zh


def test_truncated_workbook_is_zp001():
    data = (XLSX / "longgang-2023-form3.xlsx").read_bytes()
    read = read_bytes(data[: len(data) // 2], "截断.xlsx")
    assert read.problem.code == "ZP001" and "损坏" in read.problem.reason_zh


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    read = read_bytes(buffer.getvalue(), "文档.xlsx")
    assert read.problem.code == "ZP001" and "xl/workbook.xml" in read.problem.reason_zh


def test_oversized_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "大表.xlsx"
    with open(big, "wb") as fh:
        fh.truncate(51 * 1024 * 1024)  # sparse: nothing is written, nothing is read
    read = read_path(big)
    assert read.problem.code == "ZP001" and "过大" in read.problem.reason_zh and "50 MB" in read.problem.reason_zh


def test_oversized_bytes_are_refused():
    read = read_bytes(b"PK\x03\x04" + bytes(51 * 1024 * 1024), "大表.xlsx")
    assert read.problem.code == "ZP001" and "过大" in read.problem.reason_zh


def test_workbook_without_a_form_is_zp002(tmp_path):
    workbook = Workbook()
    workbook.active["A1"] = "会议签到表"
    workbook.save(tmp_path / "签到.xlsx")
    read = read_path(tmp_path / "签到.xlsx")
    assert read.problem.code == "ZP002"


def test_a_workbook_with_the_wrong_suffix_is_still_read(tmp_path):
    (tmp_path / "自评表.txt").write_bytes((XLSX / "longgang-2023-form3.xlsx").read_bytes())
    read = read_path(tmp_path / "自评表.txt")
    assert projection(read.forms[0]) == projection(TEXT_FORMS[2])


def test_folders_yield_workbooks():
    assert XLSX / "longgang-2023-form1.xlsx" in [found.path for found in expand([XLSX])]


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (1350000, "General", "1350000"),
        (97.88, "General", "97.88"),
        (0.1 + 0.2, "General", "0.3"),
        (1350000, "0.00", "1350000.00"),
        (1350000, "#,##0.00_ ", "1,350,000.00"),
        (0.9788, "0.00%", "97.88%"),
        (9.785, "0.00", "9.79"),
        (19.45, '0.00"分"', "19.45"),
        (date(2023, 12, 31), "yyyy-mm-dd", "2023年12月31日"),
        ("  有效提高\r\n", "General", "有效提高"),
    ],
)
def test_render_shows_what_excel_shows(value, number_format, shown):
    assert render(value, number_format) == shown


def test_labels_ignore_spaces_width_and_asterisks():
    assert normalize("年度指标值 *") == "年度指标值"
    assert match_prefix("实际完成\n值 ＊", INDICATOR_COLUMNS) == "actual"
    assert match_prefix("偏差原因分析及改进措施", INDICATOR_COLUMNS) == "note"
    assert match_prefix("权重（％）", INDICATOR_COLUMNS) == "weight"


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID = (XLSX / "longgang-2023-form3.xlsx").read_bytes()


def _never_raises(data: bytes) -> None:
    result = CHECKER.check_bytes(data, "fuzz.xlsx")
    assert result.error is None or result.error.code in ("ZP001", "ZP002")


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data):
    _never_raises(b"PK\x03\x04" + data)
    _never_raises(data)


@FUZZ
@given(st.integers(min_value=0, max_value=len(VALID)))
def test_truncations_never_raise(cut):
    _never_raises(VALID[:cut])


@FUZZ
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(VALID) - 1), st.integers(0, 255)), max_size=8))
def test_flipped_bytes_never_raise(flips):
    data = bytearray(VALID)
    for at, byte in flips:
        data[at] = byte
    _never_raises(bytes(data))


def test_a_header_claiming_an_unknown_zip_version_is_zp001():
    # Found by the test above: one flipped byte in the central directory makes zipfile raise
    # NotImplementedError ("zip file version 6.4") rather than BadZipFile.
    data = bytearray(VALID)
    data[9565] = 64
    result = CHECKER.check_bytes(bytes(data), "damaged.xlsx")
    assert result.error is not None and result.error.code == "ZP001"
    assert "损坏" in str(result.error.params)  # said to be damaged, not a traceback


def test_funds_written_as_labels_with_their_values_beside_them(tmp_path):
    # 转移支付区域 forms: "转移支付预算数(A) | 5.8万 | 预算执行率(B/A) | 100%" and "转移支付执行数(B) | 5.8万", a
    # label and its value side by side, not a row of column headings.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2021年中央对地方专项转移支付区域绩效目标自评表"])
    sheet.append(["单位名称", "遂宁市市场监督管理局经开区分局"])
    sheet.append(["预算执行情况(万元)", "转移支付预算数(A)", "5.8万", "预算执行率(B/A)", "100%"])
    sheet.append([None, "转移支付执行数(B)", "5.8万"])
    sheet.merge_cells("A3:A4")
    sheet.append(["一级指标", "二级指标", "三级指标", "指标值", "完成值"])
    sheet.append(["产出指标", "数量指标", "药品抽验品种", "≥3", "4"])
    workbook.save(tmp_path / "quyu.xlsx")
    result = CHECKER.check_file(tmp_path / "quyu.xlsx").forms[0]
    funds = result.form.funds
    assert (funds.total.budget.raw, funds.total.executed.raw, funds.execution_rate.raw) == ("5.8万", "5.8万", "100%")
    assert funds.total.budget.location.cell == "C3" and funds.total.executed.location.cell == "C4"
    assert result.form.unread == [] and result.figures.execution_rate == pytest.approx(100.0)
