"""Workbooks read by python-calamine: the same cells, as Excel shows them, as openpyxl gave; openpyxl where calamine stops."""

from __future__ import annotations

import datetime
import io
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from ziping.readers import xlsx
from ziping.readers.calamine import BUILTIN_FORMATS, NotCovered, workbook_rows
from ziping.readers.xlsx import load_sheets, read_workbook

from .conftest import FIXTURES

XLSX = sorted((FIXTURES / "xlsx").glob("*.xlsx"))


def _plain(sheets):
    """Sheets of cells as comparable values: what each cell says and where."""
    return [(name, [(c.text, c.where, c.row, c.col, c.last_col, c.formula) for c in cells]) for name, cells in sheets]


def _calamine(data: bytes):
    """The calamine reading itself, never the openpyxl fallback."""
    return workbook_rows(data, zipfile.ZipFile(io.BytesIO(data)))


def _forms(data: bytes, backend: str) -> list[dict]:
    result = read_workbook(data, "表.xlsx", backend)
    assert result.problem is None, result.problem
    return [form.model_dump() for form in result.forms]


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _edited(data: bytes, part: str, edit) -> bytes:
    """The workbook with one part's bytes rewritten."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, edit(content) if info.filename == part else content)
    return out.getvalue()


@pytest.mark.parametrize("path", XLSX, ids=lambda p: p.name)
def test_fixtures_read_the_same_cells_and_forms(path):
    data = path.read_bytes()
    assert _plain(_calamine(data)) == _plain(load_sheets(data, "openpyxl"))
    forms = _forms(data, "calamine")
    assert forms and forms == _forms(data, "openpyxl")


NUMBER_FORMATS = [
    "General",
    "0",
    "0.00",
    "0.0000",
    "#,##0",
    "#,##0.00",
    "0%",
    "0.00%",
    "#,##0.00_);[Red](#,##0.00)",
    '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    '0.00"万元"',
    "@",
]
DATE_FORMATS = ["yyyy-mm-dd", 'yyyy"年"m"月"d"日"', "m/d/yy h:mm"]
VALUES = st.one_of(
    st.tuples(
        st.one_of(
            st.text(alphabet=st.sampled_from("项目资金总分 ab1.%\n（）"), max_size=8),
            st.integers(min_value=-(10**9), max_value=10**9),
            st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 4)),
            st.booleans(),
        ),
        st.sampled_from(NUMBER_FORMATS),
    ),
    # Under a date format, dates and numbers Excel can show as dates (outside its range Excel shows
    # "#######", and the two libraries show two different wrong things).
    st.tuples(
        st.one_of(
            st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2030, 12, 31)),
            st.integers(min_value=1, max_value=80000),
        ),
        st.sampled_from(DATE_FORMATS),
    ),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 7), VALUES), max_size=40),
    merges=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 7), st.integers(0, 2), st.integers(0, 2)), max_size=4),
)
def test_any_grid_reads_as_openpyxl_reads_it(cells, merges):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    for row, col, (value, number_format) in cells:
        cell = sheet.cell(row=row, column=col, value=value)
        cell.number_format = number_format
    taken: set[tuple[int, int]] = set()
    for row, col, down, right in merges:
        area = {(r, c) for r in range(row, row + down + 1) for c in range(col, col + right + 1)}
        if (down or right) and not area & taken:
            taken |= area
            sheet.merge_cells(start_row=row, start_column=col, end_row=row + down, end_column=col + right)
    data = _saved(workbook)
    assert _plain(_calamine(data)) == _plain(load_sheets(data, "openpyxl"))


def test_error_values_are_kept():
    workbook = Workbook()
    workbook.active["A1"] = "执行率"
    workbook.active["B1"] = 1
    data = _edited(
        _saved(workbook),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<c r="B1" t="n"><v>1</v></c>', b'<c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),
    )
    assert [c.text for _, cells in _calamine(data) for c in cells] == ["执行率", "#DIV/0!"]
    assert _plain(_calamine(data)) == _plain(load_sheets(data, "openpyxl"))


def test_a_formula_without_a_result_is_openpyxls_and_named_by_its_cell():
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"] = "总分", "=SUM(B2:B3)"
    data = _saved(workbook)
    with pytest.raises(NotCovered):
        _calamine(data)
    [(_, cells)] = load_sheets(data)
    [cell] = [c for c in cells if c.where["cell"] == "B1"]
    assert cell.formula == "=SUM(B2:B3)"


def test_a_sheet_too_sparse_for_a_dense_grid_is_openpyxls():
    workbook = Workbook()
    workbook.active["A1"] = "项目名称"
    workbook.active["XFD1048576"] = "远处"
    data = _saved(workbook)
    with pytest.raises(NotCovered):
        _calamine(data)
    texts = [c.text for _, cells in load_sheets(data) for c in cells]
    assert texts == ["项目名称", "远处"]


def test_cells_whose_attributes_come_in_another_order_or_with_a_prefix():
    workbook = Workbook()
    workbook.active["A1"] = 97.88
    workbook.active["A1"].number_format = "0.0000"
    data = _saved(workbook)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    style = xml.split(b' s="')[1].split(b'"')[0]
    reordered = _edited(
        data,
        "xl/worksheets/sheet1.xml",
        lambda x: x.replace(b'<c r="A1" s="' + style + b'" t="n">', b'<c t="n" s="' + style + b'" r="A1">'),
    )
    assert [c.text for _, cells in _calamine(reordered) for c in cells] == ["97.8800"]
    without_address = _edited(data, "xl/worksheets/sheet1.xml", lambda x: x.replace(b'r="A1" ', b""))
    with pytest.raises(NotCovered):
        _calamine(without_address)


def test_a_carriage_return_escape_shows_as_excel_shows_it():
    # openpyxl leaves "_x000D_" (how OOXML escapes a carriage return) as written; Excel and calamine show a line break.
    workbook = Workbook()
    workbook.active["A1"] = "上半年x下半年"  # openpyxl writes it as an inline string of character references
    data = _edited(_saved(workbook), "xl/worksheets/sheet1.xml", lambda x: x.replace(b";x&", b";_x000D_&"))
    assert [c.text for _, cells in _calamine(data) for c in cells] == ["上半年\n下半年"]


def test_builtin_number_formats_are_openpyxls():
    from openpyxl.styles.numbers import BUILTIN_FORMATS as OPENPYXL_BUILTINS

    assert BUILTIN_FORMATS == dict(OPENPYXL_BUILTINS)


def test_size_and_zip_bomb_checks_come_before_calamine(monkeypatch):
    data = XLSX[0].read_bytes()
    monkeypatch.setattr(xlsx, "MAX_UNZIPPED", 1000)
    result = read_workbook(data, "炸弹.xlsx")
    assert result.problem.code == "ZP001" and "解压后超过" in result.problem.reason_zh


def test_without_python_calamine_openpyxl_reads(monkeypatch):
    data = XLSX[0].read_bytes()
    expected = _forms(data, "openpyxl")
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import fails
    assert _forms(data, "calamine") == expected


def test_damaged_workbook_keeps_openpyxls_reason():
    data = _edited(XLSX[0].read_bytes(), "xl/worksheets/sheet1.xml", lambda x: x[: len(x) // 2])
    new, old = read_workbook(data, "坏.xlsx"), read_workbook(data, "坏.xlsx", "openpyxl")
    assert new.problem is not None and new.problem.code == "ZP001"
    assert new.problem.reason_zh == old.problem.reason_zh


def test_synthetic_workbooks_read_alike(tmp_path):
    """A sample of `ziping synth` workbooks (bench/check_backends.py runs 300)."""
    from ziping.synth.generate import generate_corpus

    generate_corpus(tmp_path, 15, seed=5, formats=("xlsx",))
    paths = sorted(tmp_path.glob("F*.xlsx"))
    assert len(paths) >= 12
    for path in paths:
        data = path.read_bytes()
        assert _plain(_calamine(data)) == _plain(load_sheets(data, "openpyxl")), path.name
