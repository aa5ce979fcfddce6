"""Synthetic forms as files: seed-layout text, JSON, XLSX and (when reportlab and a CJK font are there) PDF.

The text layout is the one the seed's PDF extraction shows (fixtures/longgang-2023-selfeval.txt) and
the seed reader (readers/text.py) reads: sections under their headings, one indicator row a line
ending in 分值 and 得分, deviation notes as paragraphs after their row, and — when a form is `wrapped`
— cells broken over lines the way a narrow PDF column breaks them. Every writer is deterministic:
the same forms and options give the same bytes.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from random import Random

from ziping.model import Form, Indicator
from ziping.synth.vocab import LEVEL2_ORDER

FORM_HEADING = "项目支出绩效自评表"
FUNDS_LABELS = (
    ("total", "年度资金总额"),
    ("fiscal", "其中：当年财政拨款"),
    ("carryover", "上年结转资金"),
    ("other", "其他资金"),
)
# The template's cell comments, which Word/WPS export as lines of their own (the seed ends each form so).
COMMENT_LINES = ("(限40字以内)", "Windows 用户", "导入模板无需填写", "(限2000字以内)", "新增项目年度目标为必填项", "Administrator", "限200字内")  # fmt: skip
# A wrapped line must not start like a section, a level-1 header or a template comment: the reader
# would take it for one. (A real PDF can break there too; the generator does not test that case.)
UNSAFE_START = re.compile(
    r"^(?:资金使用情况|项目目标完成情况|年度总体目标|年度绩效指标|总分|产出指标|效益指标|满意度指标|"
    r"数量指标|质量指标|时效指标|成本指标)"
)
COMMENT_LIKE = re.compile(r"^[(（]?限\s*\d+\s*字(?:以)?内[)）]?$|为必填项$")
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Layout:
    """How one form is laid out as text: the extraction habits a reader must cope with."""

    wrapped: bool = False  # cells, notes, goals and header broken over lines
    spaces: bool = False  # runs of spaces between cells, spaces at line ends and inside prose
    comments: bool = False  # the template's comment lines after the table
    level1_inline: bool = False  # "产出指标（50分）" on one line instead of two
    budget_label: str = "一级预算单位"  # or 主管部门


# --- text -----------------------------------------------------------------------------------------


def _safe(chunk: str) -> bool:
    return not UNSAFE_START.match(chunk) and not COMMENT_LIKE.search(chunk) and not chunk.endswith(FORM_HEADING)


def wrap(text: str, width: int) -> list[str]:
    """Break text into lines of about `width` characters, never starting a line the reader would misread."""
    lines: list[str] = []
    start = 0
    while len(text) - start > width:
        cut = start + width
        while cut < len(text) and cut - start < width + 6 and not (_safe(text[cut:]) and text[cut] != " "):
            cut += 1
        if cut - start >= width + 6 or cut >= len(text):
            break
        lines.append(text[start:cut])
        start = cut
    lines.append(text[start:])
    return [line for line in lines if line]


def _prose_lines(text: str, width: int | None) -> list[str]:
    out: list[str] = []
    for part in text.split("\n"):
        out.extend(wrap(part, width) if width else [part])
    return out


def _sep(rng: Random, layout: Layout) -> str:
    return rng.choice(("  ", "   ", " \t ")) if layout.spaces and rng.random() < 0.3 else " "


def _join(rng: Random, layout: Layout, cells: list[str]) -> str:
    line = cells[0]
    for cell in cells[1:]:
        line += _sep(rng, layout) + cell
    return line


def _cjk_space(rng: Random, line: str) -> str:
    """A space between two CJK characters, as PDF extraction leaves inside words."""
    spots = [k for k in range(1, len(line)) if "\u4e00" <= line[k - 1] <= "\u9fff" and "\u4e00" <= line[k] <= "\u9fff"]
    if not spots:
        return line
    k = rng.choice(spots)
    return line[:k] + " " + line[k:]


def text_form(form: Form, layout: Layout, rng: Random) -> list[str]:
    """One form in the seed's text layout, as lines."""
    h = form.header

    def raw(field) -> str:
        return field.raw if field is not None else ""

    lines = [FORM_HEADING]
    budget_label = layout.budget_label
    header = [
        f"项目编码： {raw(h.project_code)} 项目名称： {raw(h.project_name)} 绩效自评年度： {raw(h.year)}",
        f"实施单位： {raw(h.implementing_unit)} {budget_label}： {raw(h.budget_unit)}",
    ]
    for line in header:
        if layout.wrapped and rng.random() < 0.5:
            # The header is read as one run of text, so it may break anywhere a line may start.
            lines.extend(wrap(line, rng.randint(18, 30)))
        else:
            lines.append(line)
    lines += ["", "资金使用情况"]
    if layout.wrapped:
        lines += [
            "年初预算数 全年预算数 全年执行数 分值 执行率",
            "（%） 得分",
            "",
            f"项目资金（{form.funds.unit}）",
            "",
        ]
    else:
        lines += ["年初预算数 全年预算数 全年执行数 分值 执行率（%） 得分", f"项目资金（{form.funds.unit}）"]
    funds = form.funds
    for key, label in FUNDS_LABELS:
        row = getattr(funds, key)
        cells = [label] + [raw(getattr(row, part)) for part in ("initial_budget", "budget", "executed")]
        cells += (
            [raw(funds.weight), raw(funds.execution_rate), raw(funds.execution_score)] if key == "total" else ["—"] * 3
        )
        lines.append(_join(rng, layout, [c for c in cells if c]))
        if layout.wrapped:
            lines.append("")
    lines += ["", "项目目标完成情况", "", "年度总体目标", "", "预期目标 * 实际完成情况", ""]
    width = rng.randint(30, 44) if layout.wrapped else None
    for key in ("expected", "actual"):
        text = raw(getattr(form.goals, key))
        prose = _prose_lines(text, width)
        if layout.spaces:
            prose = [_cjk_space(rng, p) if rng.random() < 0.3 else p for p in prose]
        lines += prose + [""]
    lines += [
        "年度绩效指标",
        "",
        "一级指标 二级指标 三级指标 年度指标值 * 实际完成值 * 分值 * 得分 偏差原因分析及改进措施",
    ]
    lines += _table(form, layout, rng)
    lines.append(_join(rng, layout, ["总分", raw(form.total.weight), raw(form.total.score), "—"]))
    if form.grade is not None:
        lines.append(f"自评等级：{form.grade.raw}")
    for text in form.unread:
        lines.append(text.raw)
    if layout.comments:
        lines += [""] + [c for line in COMMENT_LINES for c in (line, "")]
    if layout.spaces:
        lines = [line + " " if line and rng.random() < 0.2 else line for line in lines]
    return lines + [""]


def _table(form: Form, layout: Layout, rng: Random) -> list[str]:
    weights = {level.name: level.weight.raw for level in form.level1 if level.weight is not None}
    placeholders = {(p.level1, p.level2) for p in form.placeholders}
    lines: list[str] = []
    for level1, names in LEVEL2_ORDER.items():
        weight = weights.get(level1)
        if weight is None:
            lines.append(level1)
        elif layout.level1_inline:
            lines.append(f"{level1}（{weight}分）")
        else:
            lines += ["", level1, f"({weight}分)", ""]
        extra = [i.level2 for i in form.indicators if i.level1 == level1 and i.level2 not in names]
        for level2 in (*names, *dict.fromkeys(extra)):
            rows = [ind for ind in form.indicators if ind.level1 == level1 and ind.level2 == level2]
            if not rows:
                if (level1, level2) in placeholders:
                    lines += [rng.choice((f"{level2} 0", f"{level2} 不适用 0 0")), ""]
                continue
            for k, ind in enumerate(rows):
                lines += _row(ind, level2 if k == 0 else None, layout, rng)
    return lines


def _row(ind: Indicator, level2: str | None, layout: Layout, rng: Random) -> list[str]:
    """One indicator row, its cells wrapped as a narrow column wraps them, then its note."""
    name = ind.name.raw
    target = ind.target.raw if ind.target else ""
    actual = ind.actual.raw if ind.actual else ""
    tail = [ind.weight.raw if ind.weight else "", ind.score.raw if ind.score else ""]
    cells = [c for c in (name, target, actual) if c]
    lines: list[str] = []
    bracket = name.rfind("（")
    split = next((k for k in (8, 7, 9, 6) if k < len(name) and _safe(name[k:])), None)
    if layout.wrapped and level2 and split and rng.random() < 0.3 and len(name) > 9:
        # Seed form 2: each cell wrapped in its column, the columns one after another, blank lines
        # between them, and the row's 分值 and 得分 on a line of their own.
        lines.append(f"{level2} {name[:split]}")
        lines += wrap(name[split:], 8) + [""]
        for cell in cells[1:]:
            lines += wrap(cell, 7) + [""]
        lines.append(_join(rng, layout, tail))
    elif layout.wrapped and bracket > 0 and rng.random() < 0.5:
        # Seed form 1: the name's unit in brackets falls to the next line, beside the other cells.
        first = name[:bracket]
        lines.append(f"{level2} {first}" if level2 else first)
        lines.append(_join(rng, layout, [name[bracket:], *cells[1:], *tail]))
    else:
        lines.append(_join(rng, layout, ([level2] if level2 else []) + cells + tail))
    if ind.note is not None:
        width = rng.randint(9, 14) if layout.wrapped else None
        lines += [""] + _prose_lines(ind.note.raw, width) + [""]
    return lines


def write_text(forms: list[Form], layouts: list[Layout], rng: Random, encoding: str, crlf: bool = False) -> bytes:
    """A text file holding the forms one after another, in the given encoding."""
    lines: list[str] = []
    for form, layout in zip(forms, layouts):
        lines += text_form(form, layout, rng) + [""]
    text = ("\r\n" if crlf else "\n").join(lines)
    if encoding == "utf-8-sig":
        return text.encode("utf-8-sig")
    return text.encode(encoding)


# --- JSON -----------------------------------------------------------------------------------------


def write_json(forms: list[Form]) -> bytes:
    """The forms as the model dumps them (raw text and locations; derived values left out)."""
    data = [form.model_dump(mode="json", exclude_none=True, exclude_computed_fields=True) for form in forms]
    payload = data[0] if len(data) == 1 else {"forms": data}
    return (json.dumps(payload, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------------------


def write_xlsx(forms: list[Form]) -> bytes:
    """Each form on its own sheet in the template layout (ziping.template.write_form), grade and stray text below."""
    from openpyxl import Workbook

    from ziping.template import write_form

    workbook = Workbook()
    workbook.remove(workbook.active)
    for k, form in enumerate(forms, start=1):
        sheet = workbook.create_sheet(f"自评表{k}")
        row = write_form(sheet, form)
        if form.grade is not None:
            sheet.cell(row=row, column=1, value="自评等级")
            sheet.cell(row=row, column=2, value=form.grade.raw)
            row += 1
        for text in form.unread:
            sheet.cell(row=row, column=1, value=text.raw)
            row += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same workbook with its save time removed, so a corpus is byte for byte reproducible."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------------

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)


def pdf_unavailable() -> str | None:
    """Why PDFs cannot be written here (no reportlab, no TrueType CJK font), or None when they can."""
    try:
        import reportlab  # noqa: F401
    except ImportError:
        return "未安装 reportlab（pip install -e '.[dev]'）/ reportlab is not installed"
    if not any(p.exists() for p in FONT_CANDIDATES):
        return "没有 TrueType 中文字体（apt-get install fonts-wqy-zenhei）/ no TrueType CJK font"
    return None


def write_pdf(forms: list[Form]) -> bytes:
    """The forms as a PDF of ruled tables, like scripts/make_pdf_fixtures.py renders the seed."""
    from ziping.synth.pdf import render

    return render(forms, next(p for p in FONT_CANDIDATES if p.exists()))
