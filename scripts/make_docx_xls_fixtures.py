"""Write the DOCX and XLS fixtures: the seed forms in the template layout, a 自评报告, two real forms.

Run from the repository root: `.venv/bin/python scripts/make_docx_xls_fixtures.py`. It overwrites
fixtures/docx/*.docx and fixtures/xls/*.xls (the files are committed so the tests need only the
readers). The seed forms are laid out exactly as for the XLSX fixtures (`ziping.template.write_form`
on an in-memory sheet, as scripts/make_xlsx_fixtures.py does) and that sheet is copied cell by cell:
into a Word table (title as a paragraph above it, merged ranges merged, each value as Excel shows
it) and into an .xls sheet with xlwt (values, number formats, merged ranges). The real forms are
rebuilt from their published text (fixtures/docx/SOURCES.md) as Word tables.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_xlsx_fixtures import ROOT, SEED  # noqa: E402 -- the same seed, read the same way

from ziping.readers import read_path  # noqa: E402
from ziping.readers.xlsx import render  # noqa: E402
from ziping.template import write_form  # noqa: E402

DOCX = ROOT / "fixtures" / "docx"
XLS = ROOT / "fixtures" / "xls"
# The report's form tables break where the indicator table starts, as a 自评报告 prints them on two pages.
INDICATOR_HEADING = "年度绩效指标"


def _laid_out(form) -> object:
    """The form on an openpyxl sheet, in the template layout (the XLSX fixtures' layout)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    write_form(sheet, form)
    return sheet


def _title_row(sheet) -> int:
    return next(r for (r, _), cell in sorted(sheet._cells.items()) if isinstance(cell.value, str) and cell.value)


def _row_of(sheet, text: str) -> int:
    return next(r for (r, _), cell in sheet._cells.items() if cell.value == text)


# --- Word -----------------------------------------------------------------------------------------


def _new_document():
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    # Fixed properties (and zip entry times, in _save) make a re-run write the same bytes.
    document.core_properties.created = document.core_properties.modified = datetime(2024, 1, 1)
    document.core_properties.author = "ziping fixtures"
    return document


def _save(document, path: Path) -> None:
    buffer = io.BytesIO()
    document.save(buffer)
    fixed_zip(buffer.getvalue(), path)


FIXED = (2024, 1, 1, 0, 0, 0)
_CORE_DATE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def fixed_zip(data: bytes, path: Path) -> None:
    """An Office file (.docx, .xlsx) written again with fixed zip entry times and document dates (openpyxl stamps
    the save time into docProps/core.xml): a re-run writes the same bytes."""
    stamp = datetime(*FIXED).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _CORE_DATE.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(item.filename, date_time=FIXED)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)


def _title(document, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).bold = True


def _sheet_table(document, sheet, first: int, last: int) -> None:
    """Rows first..last of the sheet as one Word table: merged ranges merged, values as Excel shows them."""
    columns = sheet.max_column
    table = document.add_table(rows=last - first + 1, cols=columns)
    table.style = "Table Grid"
    for merged in sheet.merged_cells.ranges:
        top, bottom = max(merged.min_row, first), min(merged.max_row, last)
        if top > bottom or (top == bottom and merged.min_col == merged.max_col):
            continue
        table.cell(top - first, merged.min_col - 1).merge(table.cell(bottom - first, merged.max_col - 1))
    for (r, c), cell in sorted(sheet._cells.items()):
        if first <= r <= last and cell.value is not None:
            table.cell(r - first, c - 1).text = render(cell.value, cell.number_format)


def _form_in_document(document, form, split: bool = False) -> None:
    sheet = _laid_out(form)
    title = _title_row(sheet)
    _title(document, sheet.cell(title, 1).value)
    if not split:
        _sheet_table(document, sheet, title + 1, sheet.max_row)
        return
    break_at = _row_of(sheet, INDICATOR_HEADING)
    _sheet_table(document, sheet, title + 1, break_at - 1)
    document.add_paragraph("（续表）")
    _sheet_table(document, sheet, break_at, sheet.max_row)


def merged_spans(rows: list[list[str]]) -> tuple[list[list[str]], dict[tuple[int, int], tuple[int, int]]]:
    """Rows of cell texts ("<" merges into the cell on the left, "^" into the cell above, short rows padded
    with "<") as a rectangular grid, and each cell's top-left (row, col) → its bottom-right, 0-based."""
    width = max(len(row) for row in rows)
    grid = [row + ["<"] * (width - len(row)) for row in rows]
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text == "<":
                origin[(r, c)] = origin[(r, c - 1)]
            elif text == "^":
                origin[(r, c)] = origin[(r - 1, c)]
            else:
                origin[(r, c)] = (r, c)
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for (r, c), top_left in origin.items():
        end = spans.get(top_left, top_left)
        spans[top_left] = (max(end[0], r), max(end[1], c))
    return grid, spans


def _table_from_spec(document, rows: list[list[str]]) -> None:
    """A Word table from rows of cell texts: "<" merges into the cell on the left, "^" into the cell above."""
    grid, spans = merged_spans(rows)
    table = document.add_table(rows=len(grid), cols=len(grid[0]))
    table.style = "Table Grid"
    for (r, c), (r2, c2) in spans.items():
        if (r, c) != (r2, c2):
            table.cell(r, c).merge(table.cell(r2, c2))
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text not in ("<", "^") and text:
                table.cell(r, c).text = text


# --- XLS ------------------------------------------------------------------------------------------


def _xls_sheet(book, name: str, sheet) -> None:
    import xlwt

    out = book.add_sheet(name)
    styles: dict[str, object] = {}
    merged = {(m.min_row, m.min_col): m for m in sheet.merged_cells.ranges}
    for (r, c), cell in sorted(sheet._cells.items()):
        if cell.value is None:
            continue
        fmt = cell.number_format or "General"
        style = styles.setdefault(fmt, xlwt.easyxf("align: wrap on, vert centre", num_format_str=fmt))
        if (r, c) in merged:
            m = merged[(r, c)]
            out.write_merge(r - 1, m.max_row - 1, c - 1, m.max_col - 1, cell.value, style)
        else:
            out.write(r - 1, c - 1, cell.value, style)


# --- The real forms (fixtures/docx/SOURCES.md) ----------------------------------------------------

# 安徽省池州市贵池区棠溪镇人民政府, 委托业务项目, 2022: published as a Word (.doc) attachment; the
# stored text stops inside the 满意度指标 row ("公众满"), so the table stops there too.
# fmt: off
CHIZHOU = [
    ["项目名称", "<", "委托业务项目", "<", "<", "<", "<", "<"],
    ["主管部门", "<", "219-池州市贵池区棠溪镇人民政府", "<", "<", "实施单位", "219001-池州市贵池区棠溪镇人民政府", "<"],
    ["项目资金\n（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["^", "年度资金总额：", "0", "0", "0", "10", "0", "0"],
    ["^", "其中：本年财政拨款", "90", "89.974", "89.974", "—", "", "—"],
    ["^", "上年结转资金", "", "", "", "—", "", "—"],
    ["^", "其他资金", "", "", "", "—", "", "—"],
    ["年度总体目标", "预期目标", "<", "<", "实际完成情况", "<", "<", "<"],
    [
        "^",
        "本项目共申请预算资金90万元。其中：30万元用于基建工程项目预算编制；30万元用于基建工程项目审计；"
        "30万元用于基建工程项目设计、规划、测绘。",
        "<",
        "<",
        "本项目共完成预算资金89.97万元。其中：30万元用于基建工程项目预算编制；30万元用于基建工程项目审计；"
        "29.99万元用于基建工程项目设计、规划、测绘。",
        "<",
        "<",
        "<",
    ],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["^", "产出指标（50分）", "数量指标", "基建工程委托业务项目数量", "≥50个", "50", "8", "8", ""],
    ["^", "^", "质量指标", "委托业务报告合格率", "≥100百分比", "100", "8", "8", ""],
    ["^", "^", "^", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", "8", "8", ""],
    ["^", "^", "时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", "8", "8", ""],
    ["^", "^", "成本指标", "项目总成本", "≤90万元", "90", "8", "8", ""],
    ["^", "^", "^", "单项业务成本", "符合相关规定", "达成预期指标", "10", "10", ""],
    ["^", "效益指标（30分）", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", "10", "10", ""],
    ["^", "^", "生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", "10", "10", ""],
    [
        "^",
        "^",
        "可持续影响指标",
        "对推动基建项目“四项制度”健全和落实的持续性影响",
        "效果明显",
        "达成预期指标",
        "10",
        "10",
        "",
    ],
    ["^", "^", "经济效益指标", "", "", "", "", "", ""],
    ["^", "满意度指标（10分）", "满意度指标", "公众满", "", "", "", "", ""],
]

# 上海市普陀区体育事业管理中心, 普陀体育中心与委托运营方结算费用, 2022: published as a PDF
# (上海市普陀区体育事业管理中心2022年度项目自评价.pdf); its text has every value of the form.
PUTUO = [
    ["项目名称", "<", "普陀体育中心与委托运营方结算费用", "<", "<", "<", "<", "<"],
    ["主管部门", "<", "上海市普陀区体育局", "<", "实施单位", "<", "上海市普陀区体育事业管理中心", "<"],
    ["项目资金\n（元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["^", "年度资金总额", "250000.00", "250000.00", "215,457.6", "10", "86.19%", "8.62"],
    ["^", "其中：当年财政拨款", "250000.00", "250000.00", "215457.6", "—", "", "—"],
    ["^", "上年结转资金", "0", "0", "", "—", "", "—"],
    ["^", "其他资金", "0", "0", "", "—", "", "—"],
    ["年度总体目标", "预期目标", "<", "<", "实际完成情况", "<", "<", "<"],
    ["^", "", "<", "<", "已完成普陀体育中心与委托运营方费用结算。", "<", "<", "<"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["^", "产出指标", "数量指标", "与委托运营方结算完成率", "=100%", "100%", "10", "10", ""],
    ["^", "^", "质量指标", "合同结算条款完成率", "=100%", "100%", "20", "20", ""],
    ["^", "^", "时效指标", "费用结算及时性", "及时", "及时", "20", "20", ""],
    ["^", "效益指标", "社会效益指标", "与委托运营方合同完成率", "=100%", "100%", "30", "30", ""],
    ["^", "满意度指标", "服务对象满意度指标", "场馆开放满意度", ">=90%", "100%", "10", "10", ""],
    ["总分", "<", "<", "<", "<", "<", "100", "98.62", ""],
]
# fmt: on

NARRATIVE_BEFORE = [
    "龙岗区人大常委会办公室2023年度项目支出绩效自评报告",
    "一、项目基本情况",
    "2023年度本单位共实施项目3个，本报告对其中2个项目开展绩效自评。项目资金全部为当年财政拨款，"
    "资金管理执行《深圳市龙岗区区级财政专项资金管理办法》。",
    "二、绩效自评工作开展情况",
    "按照区财政局的统一部署，单位成立自评工作小组，对照年初设定的绩效目标逐项核实完成情况，形成自评结论如下表。",
]
NARRATIVE_BETWEEN = "人大宣传项目全年开展宣传活动，画册因制作周期顺延至次年1月交付，其余指标均已完成。"
NARRATIVE_AFTER = [
    "三、存在的问题及改进措施",
    "个别指标设置偏重产出数量，效益指标量化不足；下一年度将细化可衡量的效益指标，并加强项目执行进度监控。",
]


def main() -> int:
    read = read_path(SEED)
    if read.problem is not None:
        print(f"{SEED}: {read.problem.reason_zh}", file=sys.stderr)
        return 1
    import xlwt

    DOCX.mkdir(parents=True, exist_ok=True)
    XLS.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for form in read.forms:
        document = _new_document()
        _form_in_document(document, form)
        written.append(DOCX / f"longgang-2023-form{form.index}.docx")
        _save(document, written[-1])

        book = xlwt.Workbook(encoding="utf-8")
        _xls_sheet(book, "自评表", _laid_out(form))
        written.append(XLS / f"longgang-2023-form{form.index}.xls")
        book.save(written[-1])

    # One form per sheet, named by project, as in the XLSX fixtures.
    book = xlwt.Workbook(encoding="utf-8")
    for form in read.forms:
        _xls_sheet(book, form.title[:31], _laid_out(form))
    written.append(XLS / "longgang-2023-per-sheet.xls")
    book.save(written[-1])

    # A 自评报告: narrative, then two forms, each printed as two tables (header, then indicators).
    document = _new_document()
    for text in NARRATIVE_BEFORE:
        document.add_paragraph(text)
    _form_in_document(document, read.forms[0], split=True)
    document.add_paragraph(NARRATIVE_BETWEEN)
    _form_in_document(document, read.forms[1], split=True)
    for text in NARRATIVE_AFTER:
        document.add_paragraph(text)
    written.append(DOCX / "longgang-2023-report.docx")
    _save(document, written[-1])

    document = _new_document()
    document.add_paragraph("附件：")
    _title(document, "项目支出绩效自评表")
    _title(document, "（2022年度）")
    _table_from_spec(document, CHIZHOU)
    written.append(DOCX / "anhui-chizhou-guichi-2022-weituo.docx")
    _save(document, written[-1])

    document = _new_document()
    _title(document, "财政项目支出绩效自评表")
    _title(document, "（2022年度）")
    _table_from_spec(document, PUTUO)
    written.append(DOCX / "shanghai-putuo-2022-tiyu.docx")
    _save(document, written[-1])

    for path in written:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
