"""The XLS reader: the seed forms as legacy workbooks read to the same model and findings as the text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xlwt

from ziping.checks import Checker
from ziping.readers import read_bytes, read_path
from ziping.readers.cells import Cell
from ziping.readers.xls import load_xls
from ziping.readers.xlsx import OLE_MAGIC

from .binary_fuzz import fuzz_tests
from .conftest import FIXTURES, SEED
from .test_reader_xlsx import projection

XLS = FIXTURES / "xls"
CHECKER = Checker.create()
TEXT_FORMS = read_path(SEED).forms


def findings(result) -> list[list[tuple[str, str]]]:
    return [sorted((f.code, f.field) for f in form.findings) for form in result.forms]


@pytest.mark.parametrize("index", [1, 2, 3])
def test_each_seed_form_reads_as_the_text_does(index):
    read = read_path(XLS / f"longgang-2023-form{index}.xls")
    assert read.problem is None and len(read.forms) == 1
    assert projection(read.forms[0]) == projection(TEXT_FORMS[index - 1])


@pytest.mark.parametrize("index", [1, 2, 3])
def test_each_seed_form_gets_the_texts_findings(index):
    from_xls = CHECKER.check_file(XLS / f"longgang-2023-form{index}.xls")
    assert findings(from_xls) == [findings(CHECKER.check_file(SEED))[index - 1]]


def test_same_cells_as_the_xlsx_twin():
    """Merged ranges from xlrd's merged_cells read like openpyxl's: the same addresses."""
    from_xls = read_path(XLS / "longgang-2023-form1.xls").forms[0]
    from_xlsx = read_path(FIXTURES / "xlsx" / "longgang-2023-form1.xlsx").forms[0]
    assert from_xls.header.project_name.location.cell == "E2"  # E2:F2 merged
    assert from_xls.goals.expected.location.cell == "A12"  # A12:D12 merged
    assert [i.location for i in from_xls.indicators] == [i.location for i in from_xlsx.indicators]
    assert from_xls.location == from_xlsx.location


def test_one_form_per_sheet():
    forms = read_path(XLS / "longgang-2023-per-sheet.xls").forms
    assert [f.index for f in forms] == [1, 2, 3]
    assert [projection(f) for f in forms] == [projection(f) for f in TEXT_FORMS]
    assert [f.total.score.location.sheet for f in forms] == ["人大宣传", "代表工作", "信息系统运行与维护"]


def test_an_xls_with_the_wrong_suffix_is_still_read(tmp_path):
    (tmp_path / "自评表.txt").write_bytes((XLS / "longgang-2023-form3.xls").read_bytes())
    assert projection(read_path(tmp_path / "自评表.txt").forms[0]) == projection(TEXT_FORMS[2])


def test_an_xls_named_xlsx_is_read(tmp_path):
    (tmp_path / "自评表.xlsx").write_bytes((XLS / "longgang-2023-form3.xls").read_bytes())
    assert projection(read_path(tmp_path / "自评表.xlsx").forms[0]) == projection(TEXT_FORMS[2])


def test_an_xlsx_named_xls_is_read(tmp_path):
    (tmp_path / "自评表.xls").write_bytes((FIXTURES / "xlsx" / "longgang-2023-form3.xlsx").read_bytes())
    assert projection(read_path(tmp_path / "自评表.xls").forms[0]) == projection(TEXT_FORMS[2])


def test_cells_show_what_excel_shows(tmp_path):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("格式")
    sheet.write(0, 0, 1350000, xlwt.easyxf(num_format_str="#,##0.00"))
    sheet.write(0, 1, 0.9788, xlwt.easyxf(num_format_str="0.00%"))
    sheet.write(0, 2, date(2023, 12, 31), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    sheet.write(0, 3, True)
    sheet.write(0, 4, 97.88)
    sheet.write_merge(1, 2, 0, 3, "合并的单元格")
    sheet.write(1, 4, "  有效提高\n")
    book.save(tmp_path / "格式.xls")
    [(name, cells)] = load_xls((tmp_path / "格式.xls").read_bytes())
    assert name == "格式"
    assert [c.text for c in cells if c.row == 1] == ["1,350,000.00", "97.88%", "2023年12月31日", "TRUE", "97.88"]
    merged = next(c for c in cells if c.row == 2)
    assert isinstance(merged, Cell) and (merged.where["cell"], merged.col, merged.last_col) == ("A2", 1, 4)
    assert [c.text for c in cells if c.row == 2] == ["合并的单元格", "有效提高"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (OLE_MAGIC + b"\x00" * 512, ".xls"),
        (OLE_MAGIC + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"), "密码"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "不是旧版 Excel"),
        ((XLS / "longgang-2023-form3.xls").read_bytes()[:3000], "损坏"),
    ],
    ids=["ole-not-xls", "password", "random-bytes", "truncated"],
)
def test_bad_xls_files_are_zp001_in_chinese(data, reason):
    read = read_bytes(data, "坏表.xls")
    assert read.problem is not None and read.problem.code == "ZP001"
    assert reason in read.problem.reason_zh


def test_workbook_without_a_form_is_zp002(tmp_path):
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("Sheet1").write(0, 0, "会议签到表")
    book.save(tmp_path / "签到.xls")
    assert read_path(tmp_path / "签到.xls").problem.code == "ZP002"


VALID = (XLS / "longgang-2023-form3.xls").read_bytes()


@pytest.fixture(scope="module")
def private_tmp(tmp_path_factory) -> Path:
    """A temporary folder of these tests' own, so files other runs leave in /tmp do not count."""
    return tmp_path_factory.mktemp("tmp")


test_random_bytes_never_raise, test_truncations_never_raise, test_flipped_bytes_never_raise = fuzz_tests(
    VALID, OLE_MAGIC, "fuzz.xls"
)
