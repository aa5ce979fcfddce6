"""Render the seed forms as PDF fixtures: fixtures/pdf/longgang-2023-selfeval.pdf, a text-less scan.pdf, an encrypted.pdf.

Needs: `pip install -e '.[dev]'` (reportlab) and the Debian package fonts-wqy-zenhei
(`apt-get install -y fonts-wqy-zenhei`). Noto CJK (fonts-noto-cjk) has PostScript (CFF) outlines,
which reportlab cannot embed, so a TrueType CJK font is used.

Run: .venv/bin/python scripts/make_pdf_fixtures.py
"""

from __future__ import annotations

import io
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "longgang-2023-selfeval.txt"
OUT = ROOT / "fixtures" / "pdf"
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
FONT = "CJK"
SIZE = 9

# Column widths (points) chosen so cells wrap about where the seed's template wrapped them:
# 三级指标 and 年度指标值 about eight or nine characters, 实际完成值 about five; labels and numbers whole.
INDICATOR_COLUMNS = (52, 94, 90, 84, 62, 38, 38, 65)
FUNDS_COLUMNS = (62, 90, 75, 75, 75, 32, 56, 38)
HEADER_COLUMNS = (70, 130, 70, 110, 62, 61)


def _need(what: str) -> None:
    sys.exit(f"make_pdf_fixtures: {what}")


def _font() -> Path:
    for path in FONT_CANDIDATES:
        if path.exists():
            return path
    _need("no TrueType CJK font found; install one: apt-get install -y fonts-wqy-zenhei")
    raise AssertionError  # unreachable: _need exits


def main() -> None:
    try:
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    except ImportError:
        _need("reportlab is missing; install the dev extra: .venv/bin/pip install -e '.[dev]'")

    from ziping.readers import read_path

    pdfmetrics.registerFont(TTFont(FONT, str(_font()), subfontIndex=0))
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

    def cell(text: str | None) -> Paragraph | str:
        # Paragraph cells wrap long text inside the column, as the template's cells do.
        return Paragraph(escape(text or "").replace("\n", "<br/>"), cell_style) if text else ""

    def raw(field) -> str:
        return field.raw if field is not None else ""

    def table(rows, widths, spans=()) -> Table:
        t = Table([[cell(c) if isinstance(c, str | None) else c for c in row] for row in rows], colWidths=widths)
        t.setStyle(grid)
        t.setStyle(TableStyle([("SPAN", a, b) for a, b in spans]))
        return t

    result = read_path(SEED)
    if result.problem is not None:
        _need(f"cannot read the seed {SEED}: {result.problem.reason_en}")
    story = []
    for k, form in enumerate(result.forms):
        if k:
            story.append(PageBreak())
        h = form.header
        story.append(Paragraph("项目支出绩效自评表", title_style))
        story.append(Spacer(1, 6))
        story.append(
            table(
                [
                    [
                        "项目编码：",
                        raw(h.project_code),
                        "项目名称：",
                        raw(h.project_name),
                        "绩效自评年度：",
                        raw(h.year),
                    ],
                    ["实施单位：", raw(h.implementing_unit), "一级预算单位：", raw(h.budget_unit), None, None],
                ],
                HEADER_COLUMNS,
                spans=[((3, 1), (5, 1))],
            )
        )
        story.append(Spacer(1, 6))
        f = form.funds
        funds_rows = [["资金使用情况"] + [None] * 7]
        funds_rows.append([None, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率（%）", "得分"])
        labels = (
            ("total", "年度资金总额"),
            ("fiscal", "其中：当年财政拨款"),
            ("carryover", "上年结转资金"),
            ("other", "其他资金"),
        )
        for n, (key, label) in enumerate(labels):
            row = getattr(f, key)
            amounts = [raw(row.initial_budget), raw(row.budget), raw(row.executed)] if row else ["", "", ""]
            tail = [raw(f.weight), raw(f.execution_rate), raw(f.execution_score)] if key == "total" else ["—"] * 3
            funds_rows.append([f"项目资金（{f.unit}）" if n == 0 else None, label, *amounts, *tail])
        story.append(table(funds_rows, FUNDS_COLUMNS, spans=[((0, 0), (-1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 5))]))
        story.append(Spacer(1, 6))
        g = form.goals
        story.append(
            table(
                [
                    ["项目目标完成情况", None],
                    ["年度总体目标", None],
                    ["预期目标", "实际完成情况"],
                    [raw(g.expected), raw(g.actual)],
                ],
                (261, 262),
                spans=[((0, 0), (1, 0)), ((0, 1), (1, 1))],
            )
        )
        story.append(Spacer(1, 6))
        story.append(_indicator_table(form, table))
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "longgang-2023-selfeval.pdf"
    doc = SimpleDocTemplate(
        str(target), pagesize=A4, leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36, invariant=1
    )
    doc.title = "项目支出绩效自评表（龙岗 2023，种子表格的 PDF 版）"
    doc.build(story)
    print(f"wrote {target.relative_to(ROOT)}")
    _scan(target)
    _encrypted()


def _indicator_table(form, table):
    """年度绩效指标: level-1 and level-2 cells merged down their rows, as in the template."""
    heading = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    rows: list[list] = [["年度绩效指标"] + [None] * 7, heading]
    spans = [((0, 0), (-1, 0))]
    weights = {level.name: level.weight.raw for level in form.level1 if level.weight is not None}
    entries = [(ind.location.line, ind) for ind in form.indicators] + [(p.location.line, p) for p in form.placeholders]
    entries.sort(key=lambda pair: pair[0])
    level1_start = level2_start = len(rows)
    previous: tuple[str, str] | None = None
    for _, entry in entries:
        key = (entry.level1, entry.level2)
        row_no = len(rows)
        l1 = l2 = None
        if previous is None or key[0] != previous[0]:
            if row_no - level1_start > 1:
                spans.append(((0, level1_start), (0, row_no - 1)))
            level1_start = row_no
            w = weights.get(entry.level1)
            l1 = f"{entry.level1}\n({w}分)" if w else entry.level1
        if previous is None or key != previous:
            if row_no - level2_start > 1:
                spans.append(((1, level2_start), (1, row_no - 1)))
            level2_start = row_no
            l2 = entry.level2
        previous = key
        if hasattr(entry, "name"):
            cells = [entry.name.raw, *(x.raw if x else "" for x in (entry.target, entry.actual, entry.weight))]
            cells += [entry.score.raw if entry.score else "", entry.note.raw if entry.note else ""]
        else:
            cells = ["", "不适用", "", "0", "0", ""]
        rows.append([l1, l2, *cells])
    end = len(rows)
    for col, start in ((0, level1_start), (1, level2_start)):
        if end - start > 1:
            spans.append(((col, start), (col, end - 1)))
    total = form.total
    rows.append(["总分", None, None, None, None, total.weight.raw, total.score.raw, "—"])
    spans.append(((0, end), (4, end)))
    return table(rows, INDICATOR_COLUMNS, spans=spans)


def _scan(text_pdf: Path) -> None:
    """scan.pdf: the first page of the text PDF as a picture only, like a scanned paper form."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    try:
        import pypdfium2
    except ImportError:
        _need("pypdfium2 is missing (it comes with pdfplumber): .venv/bin/pip install -e '.[dev]'")
    page = pypdfium2.PdfDocument(str(text_pdf))[0]
    image = page.render(scale=100 / 72).to_pil().convert("L")  # 100 dpi greyscale keeps the file small
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    target = OUT / "scan.pdf"
    c = canvas.Canvas(str(target), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    print(f"wrote {target.relative_to(ROOT)}")


def _encrypted() -> None:
    """encrypted.pdf: one line of the form behind a user password, which a reader must refuse clearly."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    target = OUT / "encrypted.pdf"
    c = canvas.Canvas(str(target), pagesize=A4, invariant=1, encrypt=StandardEncryption("secret", canPrint=0))
    c.setFont(FONT, 16)
    c.drawString(72, 760, "项目支出绩效自评表")
    c.showPage()
    c.save()
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
