"""The blank 项目支出绩效自评表 workbook for drafting staff, in the seed's standard layout.

`write_form` lays a form out at any place on a sheet: blank for `ziping template`, filled from a
parsed Form for the XLSX fixtures (scripts/make_xlsx_fixtures.py). The XLSX reader reads both back.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ziping.model import Form

TITLE = "项目支出绩效自评表"
# Level-1 headers with their standard weights (财预〔2020〕10号 practice) and the template's level-2 rows.
LEVEL1_ROWS = (
    ("产出指标", "50", ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", "30", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", "10", ("服务对象满意度指标", "其他满意度指标")),
)
FUNDS_ROWS = (
    ("total", "年度资金总额"),
    ("fiscal", "其中：当年财政拨款"),
    ("carryover", "上年结转资金"),
    ("other", "其他资金"),
)
EXECUTION_WEIGHT = "10"
WIDTHS = (14, 16, 24, 16, 16, 10, 12, 40)
# Hints the district template attaches to cells (the seed's PDF shows them as stray lines).
COMMENTS = {
    "project_name": "必填；限40字以内",
    "year": "必填；四位数年份，如 2023",
    "expected": "必填；限2000字以内（新增项目年度目标为必填项）",
    "actual": "必填；限2000字以内",
    "note": "未完成或超额完成的指标必填；限200字内",
    "level2": "从下拉列表中选择",
}
_PLAIN_NUMBER = re.compile(r"^-?\d{1,15}(?:\.(\d+))?$")


class TemplateExistsError(FileExistsError):
    """The output file is already there; the template never overwrites."""


def write_template(path: str | Path, overwrite: bool = False) -> Path:
    """Write the blank template to `path`; raises TemplateExistsError rather than overwrite, unless asked to."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise TemplateExistsError(str(path))
    data = template_bytes()
    try:
        with open(path, "wb" if overwrite else "xb") as fh:  # "x": a file that appeared meanwhile is kept
            fh.write(data)
    except FileExistsError:
        raise TemplateExistsError(str(path)) from None
    return path


def template_bytes() -> bytes:
    """The blank template as an .xlsx file's bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    write_form(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_form(ws: Worksheet, form: Form | None = None, top: int = 1, left: int = 1) -> int:
    """Lay out one form with its top-left corner at (top, left), blank or filled; returns the next free row."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    col = [get_column_letter(left + k) for k in range(8)]  # the form's columns A..H, shifted by `left`
    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    numbers.error, numbers.errorTitle = "请填写不小于 0 的数值", "数值无效"
    ws.add_data_validation(numbers)

    def put(row: int, c: int, value: object = None, *, to: int | None = None, bold: bool = False, hint: str = ""):
        cell = ws[f"{col[c]}{row}"]
        if value not in (None, ""):
            _set(cell, value)
        if to is not None and to != c:
            ws.merge_cells(f"{col[c]}{row}:{col[to]}{row}")
        for k in range(c, (to if to is not None else c) + 1):
            ws[f"{col[k]}{row}"].border = border
        cell.alignment = wrap
        if bold:
            cell.font = Font(bold=True)
        if hint:
            cell.comment = Comment(hint, "ziping")
        return cell

    def raw(field) -> str | None:
        return field.raw if field is not None else None

    header = form.header if form else None
    r = top
    put(r, 0, TITLE, to=7, bold=True).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[r].height = 28
    r += 1
    put(r, 0, "项目编码：", bold=True)
    put(r, 1, raw(header.project_code) if header else None, to=2)
    put(r, 3, "项目名称：", bold=True)
    put(r, 4, raw(header.project_name) if header else None, to=5, hint=COMMENTS["project_name"])
    put(r, 6, "绩效自评年度：", bold=True)
    put(r, 7, raw(header.year) if header else None, hint=COMMENTS["year"])
    r += 1
    put(r, 0, "实施单位：", bold=True)
    put(r, 1, raw(header.implementing_unit) if header else None, to=3)
    put(r, 4, "一级预算单位：", bold=True)
    put(r, 5, raw(header.budget_unit) if header else None, to=7)
    r += 1
    put(r, 0, "资金使用情况", to=7, bold=True)
    r += 1
    unit = form.funds.unit if form else "元"
    put(r, 0, f"项目资金（{unit}）", to=1, bold=True)
    for k, heading in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率（%）", "得分"), start=2):
        put(r, k, heading, bold=True)
    for key, label in FUNDS_ROWS:
        r += 1
        put(r, 0, label, to=1)
        row = getattr(form.funds, key) if form else None
        for k, part in enumerate(("initial_budget", "budget", "executed"), start=2):
            put(r, k, raw(getattr(row, part)) if row else None)
        numbers.add(f"{col[2]}{r}:{col[4]}{r}")
        if key == "total":
            funds = form.funds if form else None
            put(r, 5, raw(funds.weight) if funds else EXECUTION_WEIGHT)
            put(r, 6, raw(funds.execution_rate) if funds else None)
            put(r, 7, raw(funds.execution_score) if funds else None)
            numbers.add(f"{col[5]}{r}:{col[7]}{r}")
        else:
            for k in (5, 6, 7):
                put(r, k, "—")
    r += 1
    put(r, 0, "年度总体目标", to=7, bold=True)
    r += 1
    put(r, 0, "预期目标", to=3, bold=True)
    put(r, 4, "实际完成情况", to=7, bold=True)
    r += 1
    goals = form.goals if form else None
    put(r, 0, raw(goals.expected) if goals else None, to=3, hint=COMMENTS["expected"])
    put(r, 4, raw(goals.actual) if goals else None, to=7, hint=COMMENTS["actual"])
    ws.row_dimensions[r].height = 150
    r += 1
    put(r, 0, "年度绩效指标", to=7, bold=True)
    r += 1
    headings = (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值 *",
        "实际完成值 *",
        "分值 *",
        "得分",
        "偏差原因分析及改进措施",
    )
    for k, heading in enumerate(headings):
        put(r, k, heading, bold=True, hint=COMMENTS["note"] if k == 7 else "")
    for name, weight, level2_names in _level1_blocks(form):
        level2_list = DataValidation(type="list", formula1='"' + ",".join(level2_names) + '"', allow_blank=True)
        level2_list.prompt, level2_list.promptTitle = COMMENTS["level2"], "二级指标"
        ws.add_data_validation(level2_list)
        first = r + 1
        for level2, rows in _level2_rows(form, name, level2_names):
            for k, ind in enumerate(rows):
                r += 1
                put(r, 1, level2 if k == 0 else None)
                level2_list.add(f"{col[1]}{r}")
                numbers.add(f"{col[5]}{r}:{col[6]}{r}")
                if ind is None:
                    for c in range(2, 8):
                        put(r, c)
                    continue
                values = (ind.name, ind.target, ind.actual, ind.weight, ind.score, ind.note)
                for c, field in enumerate(values, start=2):
                    put(r, c, raw(field))
            if len(rows) > 1:
                ws.merge_cells(f"{col[1]}{r - len(rows) + 1}:{col[1]}{r}")
        put(first, 0, f"{name}\n（{weight}分）", bold=True)
        if r > first:
            ws.merge_cells(f"{col[0]}{first}:{col[0]}{r}")
        for k in range(first, r + 1):
            ws[f"{col[0]}{k}"].border = border
    r += 1
    total = form.total if form else None
    put(r, 0, "总分", to=4, bold=True)
    put(r, 5, raw(total.weight) if total else None)
    put(r, 6, raw(total.score) if total else None)
    put(r, 7, "—")
    numbers.add(f"{col[5]}{r}:{col[6]}{r}")
    for k, width in enumerate(WIDTHS):
        ws.column_dimensions[col[k]].width = width
    return r + 1


def _level1_blocks(form: Form | None) -> list[tuple[str, str, tuple[str, ...]]]:
    """The level-1 headers: the standard three, with the form's declared weights where it has them."""
    declared = {l1.name: l1.weight.raw for l1 in form.level1 if l1.weight} if form else {}
    return [(name, declared.get(name, weight), names) for name, weight, names in LEVEL1_ROWS]


def _level2_rows(form: Form | None, level1: str, names: tuple[str, ...]) -> list[tuple[str, list]]:
    """Each level-2 label with its indicators (None for a row left empty), in template order, then any others."""
    if form is None:
        return [(name, [None]) for name in names]
    mine = [ind for ind in form.indicators if ind.level1 == level1]
    order = list(names) + [ind.level2 for ind in mine if ind.level2 not in names]
    out = []
    for name in dict.fromkeys(order):
        rows = [ind for ind in mine if ind.level2 == name]
        placeholder = any(p.level1 == level1 and p.level2 == name for p in form.placeholders)
        if rows:
            out.append((name, rows))
        elif placeholder or name in names:
            out.append((name, [None]))
    return out


def _set(cell, value: object) -> None:
    """A plain number becomes a number cell showing the same digits; any other text stays text."""
    text = str(value)
    if (m := _PLAIN_NUMBER.match(text)) is None:
        cell.value = text
        if text.startswith("="):
            cell.data_type = "s"  # a target written "=100%" is text, not a formula openpyxl would store
        return
    places = len(m.group(1) or "")
    cell.value = int(text) if not places else float(text)
    cell.number_format = "0" if not places else "0." + "0" * places
