"""Text whose cell boundaries were lost: cut at the form's labels, then into values and words.

Some published forms reach us with every cell run together ("项目名称中江县…资金情况(万元)全年预算数(A)
全年执行数(B)分值执行率(B/A)得分年度资金总额:202010100.00%10…"), from OCR or a careless converter,
spaces sometimes inside words rather than between cells. The labels of the vocabulary are found in
the text (whitespace ignored, traditional characters matched as simplified) and become cells of their
own; what lies between them stays one glued cell, which the sections that need it cut further into
values and words (`atoms`), and which the aligner may split into numbers where a row's arithmetic says
exactly how.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from ziping.chinese import to_simplified
from ziping.readers.cells import DATE, TEXT, WORD, Cell, kind_of
from ziping.readers.labels import (
    CLOSING_LABELS,
    FUNDS_COLUMNS,
    FUNDS_ROWS,
    GOALS,
    GOALS_HEADING,
    HEADER,
    INDICATOR_COLUMNS,
    LEVEL1_ALIASES,
    LEVEL2_NAMES,
    OTHER_FUNDS_ROWS,
    OTHER_HEADER,
    TOTAL_LABELS,
)

# Labels long enough to be found inside running text without cutting a name in two.
_LONG = 4
_SUFFIX = r"(?:\((?:[A-Za-z/]{1,3}|%|万?元|\d+(?:\.\d+)?分?|盖章)\))?:?"
_SHORT = ("分值", "得分", "权重", "执行率", "总分", "合计", "原因", "年度")
_UNITS = (
    r"(?:万元|亿元|千元|元|万亩|亩|公顷|万人次|人次|人|户|家|个|件|次|期|条|篇|项|场|批次|批|份|所|台套|台|套|辆|吨|"
    r"公斤|千克|万粒|粒|株|头|只|米|公里|千米|平方米|厘米|小时|天|日|分钟|卷|册|本|间|座|处|起|例|种|学时|TB|GB|百分比|%)"
)
_DATE = r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|末|前|之前|以前|份|内)?|\d{1,2}月(?:\d{1,2}日)?(?:底|末|前|份)?"
_VALUE = re.compile(rf"(?:{_DATE})|(?:≥|≤|>=|<=|≧|≦|＞|＜|>|<|=|﹦|═)?\d[\d.,]*(?:{_UNITS})?(?:以上|以内|以下)?")
_NUMBERED_ROW = re.compile(r"指标\d+[:：]?")
# A row's own number: one or two digits, "指标12021年11月30日前…" being 指标1 before a date.
_ROW_NUMBER = re.compile(r"指标\d{1,2}[:：]?(?=\d{4}年)|指标\d{1,2}(?!\d)[:：]?")
_TITLE = re.compile(r"[^,。;:()]{0,24}?(?:绩效)?(?:目标)?自评价?表(?:\(\d{4}\s*年度?\))?")


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern[str]:
    labels = {
        *HEADER, *OTHER_HEADER, *FUNDS_COLUMNS, *FUNDS_ROWS, *OTHER_FUNDS_ROWS, *GOALS, *GOALS_HEADING,
        *INDICATOR_COLUMNS, *LEVEL2_NAMES, *LEVEL1_ALIASES, *CLOSING_LABELS, *TOTAL_LABELS,
        "年度总体目标", "绩效指标", "预算执行情况", "资金情况", "项目资金", "年度资金总额", "其中:", "注:",
    }  # fmt: skip
    long = sorted(
        (label for label in labels if len(label) >= _LONG or label in ("总分", "合计", "注:")), key=len, reverse=True
    )
    alternation = "|".join(re.escape(label) for label in long)
    return re.compile(rf"(?:{alternation}){_SUFFIX}")


@lru_cache(maxsize=1)
def _short_pattern() -> re.Pattern[str]:
    alternation = "|".join(re.escape(label) for label in sorted(_SHORT, key=len, reverse=True))
    return re.compile(rf"(?:{alternation}){_SUFFIX}")


def _normalized(text: str) -> tuple[str, list[int]]:
    """The text as labels are matched (NFKC, no whitespace, simplified), and each character's place in `text`."""
    chars: list[str] = []
    owner: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch)
        for f in folded:
            if f.isspace() or f in "\u200b\ufeff":
                continue
            chars.append(f)
            owner.append(i)
    return to_simplified("".join(chars)), owner


def split_at_labels(text: str, where: dict[str, Any], row: int = 0) -> list[Cell]:
    """One line (or page) of glued text as cells: each label a cell, what lies between a glued cell."""
    norm, owner = _normalized(text)
    if not norm:
        return []
    cuts: list[tuple[int, int, bool]] = []  # (start, end, is_label) in normalised positions
    for m in _TITLE.finditer(norm):
        cuts.append((m.start(), m.end(), True))
    for m in _label_pattern().finditer(norm):
        cuts.append((m.start(), m.end(), True))
    for m in _NUMBERED_ROW.finditer(norm):
        cuts.append((m.start(), m.start(), False))  # a row starts here: cut before it, keep it with the name
    cuts.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    pieces: list[tuple[int, int, bool]] = []
    pos = 0
    for start, end, is_label in cuts:
        if start < pos:
            continue
        if start > pos:
            pieces.extend(_gap(norm, pos, start))
        if end > start:
            pieces.append((start, end, is_label))
        pos = max(pos, end if end > start else start)
    if pos < len(norm):
        pieces.extend(_gap(norm, pos, len(norm)))
    cells: list[Cell] = []
    for start, end, is_label in pieces:
        if end <= start:
            continue
        raw = text[owner[start] : owner[end - 1] + 1]
        raw = re.sub(r"\s+", "", raw) if not is_label else raw.strip()
        if raw:
            cells.append(Cell(raw, where, row, glued=not is_label))
    return cells


def _gap(norm: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Text between two labels: short labels where it is made of them alone ("分值执行率(B/A)得分"), else one piece."""
    gap = norm[start:end]
    pattern = _short_pattern()
    pieces: list[tuple[int, int, bool]] = []
    pos = 0
    while pos < len(gap):
        m = pattern.match(gap, pos)
        if not m or m.end() == pos:
            return [(start, end, False)]
        pieces.append((start + m.start(), start + m.end(), True))
        pos = m.end()
    return pieces


_DOUBLED = re.compile(r"^(.+?)\1$")


def atoms(cell: Cell) -> list[Cell]:
    """A glued cell cut into values ("≥266米", "100.00%", digits that may hold several numbers) and the
    words between them; a word written twice ("显著提升显著提升": target and actual alike) is two."""
    text = cell.text
    out: list[Cell] = []
    pos = 0
    if numbered := _ROW_NUMBER.match(text):
        # "指标1免费发放原原种…": the row's numbering belongs to its name, it is not a value; so does a date the
        # name opens with ("指标12021年11月30日前完成资金支付…").
        rest = atoms(Cell(text[numbered.end() :], cell.where, cell.row, glued=True))
        if not rest:
            return [cell]  # "指标2:" alone: a template row left empty
        end = 0
        while end < len(rest) and kind_of(rest[end].text) in (DATE, WORD, TEXT):
            end += 1
        while end and kind_of(rest[end - 1].text) == DATE:
            end -= 1
        if end:
            name = numbered.group(0) + "".join(a.text for a in rest[:end])
            return [Cell(name, cell.where, cell.row, glued=True), *rest[end:]]
    for m in _VALUE.finditer(text):
        if m.start() > pos:
            out.extend(_words(text[pos : m.start()], cell))
        out.append(Cell(m.group(0), cell.where, cell.row, glued=True))
        pos = m.end()
    if pos < len(text):
        out.extend(_words(text[pos:], cell))
    return out


def _words(text: str, cell: Cell) -> list[Cell]:
    text = text.strip()
    if not text:
        return []
    if (m := _DOUBLED.match(text)) and len(text) >= 2:
        return [Cell(m.group(1), cell.where, cell.row, glued=True), Cell(m.group(1), cell.where, cell.row, glued=True)]
    return [Cell(text, cell.where, cell.row, glued=True)]
