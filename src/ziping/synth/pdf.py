"""Forms as a PDF of ruled tables, the way scripts/make_pdf_fixtures.py renders the seed forms.

Needs reportlab (the dev extra) and a TrueType CJK font; the generator asks `writers.pdf_unavailable`
first. Output is reproducible (`invariant=1`).
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

from ziping.model import Form
from ziping.synth.vocab import LEVEL2_ORDER

FONT = "CJK"
SIZE = 9
# Column widths (points) chosen so cells wrap about where the seed's template wrapped them:
# 三级指标 and 年度指标值 about eight or nine characters, 实际完成值 about five; labels and numbers whole.
INDICATOR_COLUMNS = (52, 94, 90, 84, 62, 38, 38, 65)
FUNDS_COLUMNS = (62, 90, 75, 75, 75, 32, 56, 38)
HEADER_COLUMNS = (70, 130, 70, 110, 62, 61)
_registered = False


def render(forms: list[Form], font: Path, title: str = "") -> bytes:
    """The forms, one after another with a page break between them, as PDF bytes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    global _registered
    if not _registered:
        pdfmetrics.registerFont(TTFont(FONT, str(font), subfontIndex=0))
        _registered = True
    cell_style = ParagraphStyle("cell", fontName=FONT, fontSize=SIZE, leading=SIZE * 1.35, wordWrap="CJK")
    title_style = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1)
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("FONTSIZE", (0, 0), (-1, -1), SIZE),
        ]
    )

    def cell(text: str | None):
        # Paragraph cells wrap long text inside the column, as the template's cells do.
        return Paragraph(escape(text or "").replace("\n", "<br/>"), cell_style) if text else ""

    def table(rows, widths, spans=()) -> Table:
        t = Table([[cell(c) if isinstance(c, str | None) else c for c in row] for row in rows], colWidths=widths)
        t.setStyle(grid)
        t.setStyle(TableStyle([("SPAN", a, b) for a, b in spans]))
        return t

    story: list = []
    for k, form in enumerate(forms):
        if k:
            story.append(PageBreak())
        story += [Paragraph("项目支出绩效自评表", title_style), Spacer(1, 6)]
        story += [_header(form, table), Spacer(1, 6), _funds(form, table), Spacer(1, 6)]
        goals = form.goals
        story.append(
            table(
                [["项目目标完成情况", None], ["年度总体目标", None], ["预期目标", "实际完成情况"], [_raw(goals.expected), _raw(goals.actual)]],
                (261, 262),
                spans=[((0, 0), (1, 0)), ((0, 1), (1, 1))],
            )
        )  # fmt: skip
        story += [Spacer(1, 6), _indicators(form, table)]
        tail = ([["自评等级", form.grade.raw]] if form.grade else []) + [[u.raw, None] for u in form.unread]
        if tail:
            story += [Spacer(1, 6), table(tail, (100, 423))]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36, invariant=1
    )
    doc.title = title
    doc.build(story)
    return buffer.getvalue()


def _raw(field) -> str:
    return field.raw if field is not None else ""


def _header(form: Form, table):
    h = form.header
    rows = [
        ["项目编码：", _raw(h.project_code), "项目名称：", _raw(h.project_name), "绩效自评年度：", _raw(h.year)],
        ["实施单位：", _raw(h.implementing_unit), "一级预算单位：", _raw(h.budget_unit), None, None],
    ]
    return table(rows, HEADER_COLUMNS, spans=[((3, 1), (5, 1))])


def _funds(form: Form, table):
    f = form.funds
    rows = [
        ["资金使用情况"] + [None] * 7,
        [None, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率（%）", "得分"],
    ]
    labels = (
        ("total", "年度资金总额"),
        ("fiscal", "其中：当年财政拨款"),
        ("carryover", "上年结转资金"),
        ("other", "其他资金"),
    )
    for n, (key, label) in enumerate(labels):
        row = getattr(f, key)
        amounts = [_raw(row.initial_budget), _raw(row.budget), _raw(row.executed)] if row else ["", "", ""]
        tail = [_raw(f.weight), _raw(f.execution_rate), _raw(f.execution_score)] if key == "total" else ["—"] * 3
        rows.append([f"项目资金（{f.unit}）" if n == 0 else None, label, *amounts, *tail])
    return table(rows, FUNDS_COLUMNS, spans=[((0, 0), (-1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 5))])


def _indicators(form: Form, table):
    """年度绩效指标: level-1 and level-2 cells merged down their rows, as in the template."""
    heading = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    rows: list[list] = [["年度绩效指标"] + [None] * 7, heading]
    spans = [((0, 0), (-1, 0))]
    weights = {level.name: level.weight.raw for level in form.level1 if level.weight is not None}
    placeholders = {(p.level1, p.level2) for p in form.placeholders}
    for level1, names in LEVEL2_ORDER.items():
        first1 = len(rows)
        for level2 in names:
            entries = [i for i in form.indicators if i.level1 == level1 and i.level2 == level2]
            if not entries and (level1, level2) not in placeholders:
                continue
            first2 = len(rows)
            for ind in entries or [None]:
                if ind is None:
                    cells = ["", "不适用", "", "0", "0", ""]
                else:
                    cells = [
                        ind.name.raw,
                        _raw(ind.target),
                        _raw(ind.actual),
                        _raw(ind.weight),
                        _raw(ind.score),
                        _raw(ind.note),
                    ]
                rows.append([None, level2 if len(rows) == first2 else None, *cells])
            if len(rows) - first2 > 1:
                spans.append(((1, first2), (1, len(rows) - 1)))
        if len(rows) > first1:
            w = weights.get(level1)
            rows[first1][0] = f"{level1}\n({w}分)" if w else level1
            if len(rows) - first1 > 1:
                spans.append(((0, first1), (0, len(rows) - 1)))
    end = len(rows)
    rows.append(["总分", None, None, None, None, _raw(form.total.weight), _raw(form.total.score), "—"])
    spans.append(((0, end), (4, end)))
    return table(rows, INDICATOR_COLUMNS, spans=spans)
