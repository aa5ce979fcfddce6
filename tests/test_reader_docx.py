"""The DOCX reader: the seed forms as Word tables read to the same model and findings as the text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from ziping.checks import Checker
from ziping.readers import read_bytes, read_path
from ziping.readers.xlsx import OLE_MAGIC

from .binary_fuzz import fuzz_tests
from .conftest import FIXTURES, SEED
from .test_reader_xlsx import projection

DOCX = FIXTURES / "docx"
CHECKER = Checker.create()
TEXT_FORMS = read_path(SEED).forms
REPORT = DOCX / "longgang-2023-report.docx"


def findings(result) -> list[list[tuple[str, str]]]:
    return [sorted((f.code, f.field) for f in form.findings) for form in result.forms]


@pytest.mark.parametrize("index", [1, 2, 3])
def test_each_seed_form_reads_as_the_text_does(index):
    read = read_path(DOCX / f"longgang-2023-form{index}.docx")
    assert read.problem is None and len(read.forms) == 1
    assert projection(read.forms[0]) == projection(TEXT_FORMS[index - 1])
    assert read.forms[0].context is None  # the title paragraph is the form's, not narrative


@pytest.mark.parametrize("index", [1, 2, 3])
def test_each_seed_form_gets_the_texts_findings(index):
    from_docx = CHECKER.check_file(DOCX / f"longgang-2023-form{index}.docx")
    assert findings(from_docx) == [findings(CHECKER.check_file(SEED))[index - 1]]


def test_merged_cells_resolve_to_the_cell_holding_the_text():
    form = read_path(DOCX / "longgang-2023-form1.docx").forms[0]
    # The sheet's row 1 (the title) is a paragraph above the table: sheet row N is table row N-1.
    assert form.header.project_name.location.cell == "R1C5"  # gridSpan over two columns
    assert form.goals.expected.location.cell == "R11C1"  # gridSpan over four columns
    # vMerge: the one 数量指标 cell applies to the four rows it spans.
    quantity = [i for i in form.indicators if i.level2 == "数量指标"]
    assert [i.location.cell for i in quantity] == ["R14C3", "R15C3", "R16C3", "R17C3"]
    assert {i.level1 for i in form.indicators} == {"产出指标", "效益指标", "满意度指标"}


def test_locations_read_as_table_row_and_column():
    form = read_path(DOCX / "longgang-2023-form1.docx").forms[0]
    where = form.total.score.location
    assert (where.sheet, where.cell) == ("表格1", "R27C7")
    assert where.describe() == "表格1 第27行第7列"
    assert where.describe("en") == "table 1, row 27, column 7"
    assert form.location.describe() == "表格1 第1–27行"
    result = CHECKER.check_file(DOCX / "longgang-2023-form1.docx")
    total = next(f for f in result.forms[0].findings if f.code == "ZP304")
    assert total.location.describe() == "表格1 第27行第7列"


def test_report_with_two_forms_split_across_tables_and_a_narrative():
    read = read_path(REPORT)
    assert read.problem is None
    assert [projection(f) for f in read.forms] == [projection(f) for f in TEXT_FORMS[:2]]
    first, second = read.forms
    # Each form's header table and indicator table are joined: the form spans both.
    assert first.location.sheet == "表格1–2" and second.location.sheet == "表格3–4"
    assert first.total.score.location.sheet == "表格2" and second.header.project_name.location.sheet == "表格3"
    assert first.location.describe("en") == "tables 1–2"
    # The narrative is context, never a field: before the forms it is both forms', after a form its own.
    assert "二、绩效自评工作开展情况" in first.context and "二、绩效自评工作开展情况" in second.context
    assert "画册因制作周期顺延" in first.context and "画册因制作周期顺延" not in second.context
    assert "三、存在的问题及改进措施" in second.context and "三、存在的问题及改进措施" not in first.context
    assert "续表" not in first.context
    assert findings(CHECKER.check_file(REPORT)) == findings(CHECKER.check_file(SEED))[:2]


def test_narrative_never_becomes_a_field():
    for form in read_path(REPORT).forms:
        texts = [u.raw for u in form.unread] + [form.goals.expected.raw, form.goals.actual.raw]
        texts += [i.name.raw for i in form.indicators] + [i.note.raw for i in form.indicators if i.note]
        assert not any("自评工作小组" in t or "存在的问题" in t for t in texts)


def test_context_reaches_the_review_prompt_only_when_there_is_one():
    from ziping.llm.review import render_form

    forms = CHECKER.check_file(REPORT).forms
    prompt = render_form(forms[0].form)
    assert "表外文字" in prompt and "画册因制作周期顺延" in prompt
    seed = CHECKER.check_file(SEED).forms[0]
    assert "表外文字" not in render_form(seed.form)


def test_real_form_from_chizhou_published_as_word():
    """Anhui, 2022; the published text stops inside the 满意度指标 row (fixtures/docx/SOURCES.md)."""
    form = read_path(DOCX / "anhui-chizhou-guichi-2022-weituo.docx").forms[0]
    assert form.header.project_name.raw == "委托业务项目" and form.header.year.raw == "2022"
    assert form.header.year.location.describe() == "正文第3段"
    assert form.funds.unit == "万元"
    assert [form.funds.fiscal.budget.raw, form.funds.fiscal.executed.raw] == ["89.974", "89.974"]
    assert [(l1.name, l1.weight.raw) for l1 in form.level1] == [
        ("产出指标", "50"),
        ("效益指标", "30"),
        ("满意度指标", "10"),
    ]
    assert len(form.indicators) == 10 and form.unread == []
    assert [(p.level1, p.level2) for p in form.placeholders] == [("效益指标", "经济效益指标")]
    first = form.indicators[0]
    assert (first.name.raw, first.target.raw, first.actual.raw, first.weight.raw, first.score.raw) == (
        "基建工程委托业务项目数量",
        "≥50个",
        "50",
        "8",
        "8",
    )
    assert form.indicators[-1].level2 == "满意度指标"  # a level-2 named like its level 1
    codes = {f.code for f in CHECKER.check_file(DOCX / "anhui-chizhou-guichi-2022-weituo.docx").forms[0].findings}
    assert "ZP103" in codes  # 年度资金总额 0 while 本年财政拨款 is 90: the published form's own defect


def test_real_form_from_putuo_is_complete():
    """Shanghai, 2022: every indicator with target, actual, weight and score; total 98.62."""
    form = read_path(DOCX / "shanghai-putuo-2022-tiyu.docx").forms[0]
    rows = [(i.level2, i.name.raw, i.target.raw, i.actual.raw, i.weight.raw, i.score.raw) for i in form.indicators]
    assert rows == [
        ("数量指标", "与委托运营方结算完成率", "=100%", "100%", "10", "10"),
        ("质量指标", "合同结算条款完成率", "=100%", "100%", "20", "20"),
        ("时效指标", "费用结算及时性", "及时", "及时", "20", "20"),
        ("社会效益指标", "与委托运营方合同完成率", "=100%", "100%", "30", "30"),
        ("服务对象满意度指标", "场馆开放满意度", ">=90%", "100%", "10", "10"),
    ]
    assert (form.total.weight.raw, form.total.score.raw, form.funds.execution_rate.raw) == ("100", "98.62", "86.19%")
    result = CHECKER.check_file(DOCX / "shanghai-putuo-2022-tiyu.docx").forms[0]
    # 215457.6 / 250000 is 86.18% (printed 86.19%, within rounding): below 90% with no reason given.
    assert {f.code for f in result.findings if f.severity.value != "info"} == {"ZP106"}


def test_document_without_a_form_is_zp002(tmp_path):
    document = Document()
    document.add_paragraph("会议纪要")
    document.add_table(rows=1, cols=2).cell(0, 0).text = "出席人"
    document.save(tmp_path / "纪要.docx")
    read = read_path(tmp_path / "纪要.docx")
    assert read.problem.code == "ZP002" and "文档中没有" in read.problem.reason_zh


def test_a_document_with_the_wrong_suffix_is_still_read(tmp_path):
    (tmp_path / "自评表.txt").write_bytes((DOCX / "longgang-2023-form3.docx").read_bytes())
    assert projection(read_path(tmp_path / "自评表.txt").forms[0]) == projection(TEXT_FORMS[2])


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04" + b"\x00" * 200, "损坏"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "不是 Word 文档"),
        (_zip({"xl/workbook.xml": "<workbook/>"}), "word/document.xml"),
        (_zip({"word/document.xml": "<w:document/>"}), "损坏"),
        (OLE_MAGIC + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"), "密码"),
    ],
    ids=["corrupt-zip", "random-bytes", "workbook-zip", "no-content-types", "password"],
)
def test_bad_documents_are_zp001_in_chinese(data, reason):
    read = read_bytes(data, "坏文档.docx")
    assert read.problem is not None and read.problem.code == "ZP001"
    assert reason in read.problem.reason_zh


def test_truncated_document_is_zp001():
    data = (DOCX / "longgang-2023-form3.docx").read_bytes()
    read = read_bytes(data[: len(data) // 2], "截断.docx")
    assert read.problem.code == "ZP001" and "损坏" in read.problem.reason_zh


VALID = (DOCX / "longgang-2023-form3.docx").read_bytes()


@pytest.fixture(scope="module")
def private_tmp(tmp_path_factory) -> Path:
    """A temporary folder of these tests' own, so files other runs leave in /tmp do not count."""
    return tmp_path_factory.mktemp("tmp")


test_random_bytes_never_raise, test_truncations_never_raise, test_flipped_bytes_never_raise = fuzz_tests(
    VALID, b"PK\x03\x04", "fuzz.docx"
)


def test_a_document_ending_inside_its_form_is_cut_off_as_a_workbook_is():
    # The Chizhou table stops inside the 满意度指标 row ("公众满"): the rest of the form, its 总分 row, is missing,
    # which is ZP012, not a missing 总分 row nor weights that fall short of 100.
    result = CHECKER.check_file(DOCX / "anhui-chizhou-guichi-2022-weituo.docx").forms[0]
    assert result.form.cut_after is not None and result.form.cut_after.raw == "公众满"
    raised = {(f.code, f.field) for f in result.findings}
    assert ("ZP012", "cut_after") in raised
    assert not {code for code, field in raised if field.startswith("total")}
