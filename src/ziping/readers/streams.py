"""Text copied from web pages and documents as cells in reading order, for the assembler.

Published forms reach us as text in a few shapes, told apart by the text itself:

- cells separated by pipes or tabs (a web page's table, Markdown), a row per line or broken anywhere;
- one cell per line, lines apart (a web page's table with its markup stripped);
- words separated by spaces, a whole form sometimes on one line (a Word or PDF table flattened);
- cells run together with no separator at all, spaces scattered inside words (OCR, careless
  converters): `glued.py` cuts them at the labels.

Whatever the shape, page furniture (site banners, 会员分享 lines, publication metadata, page markers
of document-sharing sites) is dropped, pinyin annotations are removed, and labels broken over lines
("年初" / "预算数") are joined again. Each cell keeps its line.
"""

from __future__ import annotations

import re
from typing import Any

from ziping.readers.cells import MAX_LABEL, Cell
from ziping.readers.glued import split_at_labels
from ziping.readers.labels import (
    CLOSING_LABELS,
    FUNDS_COLUMNS,
    FUNDS_ROWS,
    GOALS,
    GOALS_HEADING,
    HEADER,
    INDICATOR_COLUMNS,
    OTHER_HEADER,
    SECTION_TITLES,
    TOTAL_LABELS,
    funds_heading,
    level1_of,
    level2_of,
    table_heading,
    title_of,
)
from ziping.readers.labels import (
    key as label_key,
)

MAX_CELLS = 200_000  # a bound on the work per file: forms hold a few hundred cells
MAX_LINE_WORDS = 40  # a line of more words is a form flattened onto it: words get their column
# Pinyin a converter put after each character: "項(xiàng)目".
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)"
)
# Page furniture: never a field, wherever it stands.
_FURNITURE = re.compile(
    r"由会员分享|可在线阅读.{0,80}请在|^(?:发布时间|发布日期|发文日期|浏览次数|【?字体|索引号|发布机构|公开方式|主题\s*词|"
    r"主题分类|统一登记号|信息时效性|今天是|时间|時間|来源|來源|文本内容|字号|分享到|填报日期|单位领导审签)[:：]|"
    r"^您现在所在的位置|^详情见附件|^政府信息公开$|^最新[资資][讯訊]$|\d{4}-\d\d-\d\dT\d\d:\d\d|^附件\d*[:：]?$|"
    r"^【?打印】?$|^\[\s*\]$|^【关闭】$|\.(?:docx?|xlsx?|pdf|wps)》?$|^\(盖章\)$|https?://|^#\s*source:"
)
# A page marker of a document-sharing site, at the start of each page's text: "1、", "2、" …
_PAGE_MARKER = re.compile(r"^(\d{1,3})、")
# A word that only qualifies the label before it: "项目支出绩效自评表 (2022年度)", "项目资金 (万元)", "(50)".
_QUALIFIER = re.compile(r"^\(?[^()（）]{0,12}[)）]$|^[（(][^()（）]{1,12}[)）]$")
_WORD = re.compile(r"\S+")
_COMMON_LABEL = re.compile(
    r"项目名称|主管部门|实施单位|年度资金总额|一级指标|二级指标|三级指标|年度指标值|实际完成值|全年实际值|产出指标|效益指标|"
    r"满意度指标|数量指标|质量指标|时效指标|成本指标|社会效益指标|可持续影响指标|服务对象满意度指标|全年预算数|全年执行数"
)
_JOIN_MAX = 4  # cells joined into one label at most
_PIECE_MAX = 7  # characters: a label broken over lines breaks into short pieces


def clean(text: str) -> str:
    """The text without pinyin annotations."""
    return _PINYIN.sub("", text) if "(" in text else text


_FURNITURE_MAX = 200  # characters: furniture is a banner or a line of metadata, never a paragraph of the form


def is_furniture(text: str) -> bool:
    """A piece of the page around the form, not of the form."""
    text = text.strip()
    return len(text) <= _FURNITURE_MAX and bool(_FURNITURE.search(text))


def shape(text: str) -> str:
    """How the text separates its cells: "pipes", "lines", "words" or "glued"."""
    lines = [ln for ln in text.splitlines()[:5000] if ln.strip()]
    if not lines:
        return "words"
    marked = sum(1 for ln in lines if "|" in ln or "\t" in ln)
    if marked >= 3 and marked * 5 >= len(lines):
        return "pipes"
    all_lines = text.splitlines()[:5000]
    apart = sum(1 for a, b in zip(all_lines, all_lines[1:]) if a.strip() and not b.strip())
    short = sum(1 for ln in lines if len(ln.split()) <= 3)
    # Most lines one cell: a narrow table's rows ("指标1.药品抽验品种 ≥3 4", a PDF's rows apart) are short too.
    single = sum(1 for ln in lines if len(ln.split()) == 1)
    if apart * 2 >= len(lines) and short * 4 >= len(lines) * 3 and single * 4 >= len(lines) * 3 and len(lines) >= 10:
        return "lines"
    # Labels run straight into what follows them ("项目名称中江县", "得分年度资金总额") where separators were lost.
    run_on = spaced = 0
    for m in _COMMON_LABEL.finditer(text):
        after = text[m.end() : m.end() + 1]
        if after in "(（":
            continue  # "全年预算数(A)": the label's own suffix says nothing of separators
        if not after or after.isspace() or after in "|:：)）,，、;；。":
            spaced += 1
        else:
            run_on += 1
    # Mostly run on, or run on with nothing apart: a short form whose few labels all run into their values.
    if run_on >= 5 and run_on * 5 >= (run_on + spaced) * 3 or run_on >= 3 and not spaced:
        return "glued"
    return "words"


def stream(text: str) -> list[Cell]:
    """Every cell of the text in reading order, with its line; furniture dropped, broken labels joined."""
    text = clean(text)
    kind = shape(text)
    if kind == "glued":
        cells = _glued(text)
    elif kind == "pipes":
        cells = _separated(text)
    elif kind == "lines":
        cells = _per_line(text)
    else:
        cells = _words(text)
    return _join_labels(_split_leading_labels(cells))


def _where(line: int, column: int | None = None) -> dict[str, Any]:
    where: dict[str, Any] = {"line": line, "end_line": None}
    if column is not None:
        where["column"] = column
    return where


def _separated(text: str) -> list[Cell]:
    cells: list[Cell] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or is_furniture(stripped):
            continue
        parts = re.split(r"\s*[|\t]\s*", stripped)
        for part in parts:
            part = part.strip()
            if not part or (set(part) <= set("-: ") and "-" in part):
                continue  # an empty cell, or a Markdown separator row "|---|---|"
            if is_furniture(part):
                continue
            cells.append(Cell(part, _where(number)))
            if len(cells) >= MAX_CELLS:
                return cells
    return cells


def _per_line(text: str) -> list[Cell]:
    cells: list[Cell] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not is_furniture(stripped):
            cells.append(Cell(stripped, _where(number)))
            if len(cells) >= MAX_CELLS:
                break
    return cells


def _words(text: str) -> list[Cell]:
    cells: list[Cell] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or is_furniture(line):
            continue
        long_line = len(line.split()) >= MAX_LINE_WORDS
        for match in _WORD.finditer(line):
            word = match.group()
            # A qualifier or a required-field asterisk belongs to the label before it ("年度指标值 *").
            if (
                cells
                and cells[-1].where["line"] == number
                and (
                    (_QUALIFIER.match(word) and _is_label_key(label_key(cells[-1].text + word))) or word in ("*", "＊")
                )
            ):
                prev = cells[-1]
                cells[-1] = Cell(prev.text + word, prev.where)
                continue
            if is_furniture(word):
                continue
            cells.append(Cell(word, _where(number, match.start() + 1 if long_line else None)))
            if len(cells) >= MAX_CELLS:
                return cells
    return cells


def _glued(text: str) -> list[Cell]:
    """Glued text: page markers of document-sharing sites removed and the pages joined, then cut at labels."""
    lines = text.splitlines()
    expected = 1
    paged: set[int] = set()
    for i, line in enumerate(lines):
        if (m := _PAGE_MARKER.match(line.strip())) and int(m.group(1)) == expected:
            paged.add(i)  # "1、", "2、" … in order at the start of lines: the pages of a document-sharing site
            expected += 1
    cells: list[Cell] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or is_furniture(stripped):
            continue
        if number - 1 in paged:
            stripped = _PAGE_MARKER.sub("", stripped, count=1)
        parts = split_at_labels(stripped, _where(number))
        cells.extend(c for c in parts if not is_furniture(c.text))
        if len(cells) >= MAX_CELLS:
            break
    return cells


def _is_label_key(k: str) -> bool:
    """A whole cell that is a label of the vocabulary (not merely starting like one)."""
    k = k.rstrip(":")
    bare = re.sub(r"\([^()]*\)?$", "", k)
    return bool(k) and (
        k in HEADER or bare in HEADER or k in OTHER_HEADER or k in GOALS or k in GOALS_HEADING or k in TOTAL_LABELS
        or k in CLOSING_LABELS or k in SECTION_TITLES or bare in FUNDS_COLUMNS or bare in INDICATOR_COLUMNS
        or bare in FUNDS_ROWS or level1_of(k) is not None or level2_of(k) is not None
        or funds_heading(k) is not None and funds_heading(k).end() == len(k)
        or table_heading(k) is not None or title_of(k) is not None
    )  # fmt: skip


def _join_labels(cells: list[Cell]) -> list[Cell]:
    """Labels broken over lines ("年初" / "预算数", "经济效" / "益指标", "产出指标" / "(50)") joined again."""
    out: list[Cell] = []
    i = 0
    n = len(cells)
    while i < n:
        cell = cells[i]
        joined = _joined_label(cells, i) if len(cell.text) <= _PIECE_MAX * 2 and not cell.glued else None
        if joined is None:
            out.append(cell)
            i += 1
            continue
        m, text = joined
        group = cells[i : i + m]
        where = dict(group[0].where)
        last = group[-1].where.get("line")
        if last is not None and last != where.get("line"):
            where["end_line"] = last
        out.append(Cell(text, where, group[0].row))
        i += m
    return out


def _joined_label(cells: list[Cell], i: int) -> tuple[int, str] | None:
    """The longest run of short cells from i that reads as one label, with how many cells it takes."""
    for m in range(_JOIN_MAX, 1, -1):
        group = cells[i : i + m]
        if len(group) < m or any(len(c.text) > _PIECE_MAX * 2 or c.glued for c in group):
            continue
        pieces = [c.text.strip() for c in group]
        # Each piece short, or a qualifier after a label: "(50)", "30分)" (its opening bracket lost).
        if not all(len(p) <= _PIECE_MAX or _QUALIFIER.match(p) for p in pieces):
            continue
        if _QUALIFIER.match(pieces[-1]) and "(" not in pieces[-1] and "（" not in pieces[-1]:
            pieces[-1] = "(" + pieces[-1]
        text = "".join(pieces)
        if _is_label_key(label_key(text)):
            return m, text
    return None


_LEADING = re.compile(
    r"^(产出指标|效益指标|满意度指标|效果指标|数量指标|质量指标|时效指标|成本指标|经济效益指标|社会效益指标|生态效益指标|"
    r"可持续影响指标|服务对象满意度指标|评价结论|存在问题|改进措施|合计|总分)(?:\(\d+分?\))?"
)


# A word that is a name with its value run on ("科目调整次数≤10次", "足额保障率=100%"): glued.
_RUN_ON_VALUE = re.compile(r"^.*[\u4e00-\u9fff)）](?:≥|≤|=|<|>|≧|≦|﹦)\s*\d[\d.,]*\S{0,4}$")


def _split_leading_labels(cells: list[Cell]) -> list[Cell]:
    """A cell that starts with a level, total or closing label and runs on ("产出指标数量指标足额保障率=100%",
    "合计100"): the label is a cell of its own and the rest glued text after it."""
    out: list[Cell] = []
    for cell in cells:
        text = cell.text
        if cell.glued or len(text) > 200 or not _LEADING.match(label_key(text[:MAX_LABEL])):
            if not cell.glued and len(text) <= MAX_LABEL and _RUN_ON_VALUE.match(text):
                cell.glued = True
            out.append(cell)
            continue
        if _is_label_key(cell.key or "§"):
            out.append(cell)
            continue
        out.extend(split_at_labels(text, cell.where, cell.row))
    return out
