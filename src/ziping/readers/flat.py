"""Reader for a form flattened into a line of words: every cell boundary became a single space.

Text taken from a .doc attachment or a PDF by tools that drop the table structure arrives as one
long line ("… 产出指标(50分) 数量指标 基建工程委托业务项目数量 ≥50个 50 8 8 质量指标 …"). Empty
cells left no trace, so rows cannot be counted off by column; they are told apart by what they
hold instead: a funds row is its label and the numbers after it, an indicator row ends at the
weight and score (two numbers in their columns), and what follows the score up to the next row
is its deviation note. The words are then handed, grouped into rows, to the cell reader.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from ziping.readers.cells import (
    CLOSING_LABELS,
    EMPTY,
    FUNDS_HEADING,
    HEADING,
    MAX_CELLS,
    MAX_LABEL,
    TABLE_HEADING,
    TOTAL_LABELS,
    Cell,
    read_cell_list,
)
from ziping.readers.labels import (
    FUNDS_COLUMNS,
    FUNDS_ROWS,
    GOALS,
    HEADER,
    INDICATOR_COLUMNS,
    LEVEL2_NAMES,
    canonical,
    level1_of,
    match_prefix,
    normalize,
)
from ziping.values import parse_number

# A word that only qualifies the word before it: "项目支出绩效自评表 (2022年度)", "项目资金 (万元)".
QUALIFIER = re.compile(r"^[(（][^()（）]{1,12}[)）]$")
ENUMERATION_START = re.compile(r"^(?:1[.、．]|[(（]1[)）]|一、)")
WORD = re.compile(r"\S+")
MIN_WORDS = 40  # a flattened form has hundreds of words; a short line is just a line
DROPPED = -1


def looks_flat(text: str) -> bool:
    """Whether most of the text's words sit on a few very long lines that hold a form's table labels."""
    lines = text.splitlines()
    long_words = total = 0
    for line in lines[:5000]:
        count = len(line.split())
        total += count
        if count >= MIN_WORDS:
            long_words += count
    return long_words >= MIN_WORDS and long_words * 5 >= total * 4 and "三级指标" in text and "绩效自评表" in text


def read_flat(text: str, source: str | None = None) -> list[dict[str, Any]]:
    """Every form in the flattened text, as raw dicts ready for `Form.model_validate`."""
    return read_cell_list(_rows(_words(text)), source)


def _words(text: str) -> list[Cell]:
    words: list[Cell] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in WORD.finditer(line):
            word = match.group()
            # A qualifier or a required-field asterisk belongs to the label before it ("年度指标值 *").
            if (QUALIFIER.match(word) or word in ("*", "＊")) and words and words[-1].line == number:
                words[-1].text += word
                continue
            words.append(Cell(word, number, 0, column=match.start() + 1))
            if len(words) >= MAX_CELLS:
                break
    for cell in words:
        cell.key = canonical(normalize(cell.text)) if len(cell.text) <= MAX_LABEL else ""
    return words


def _is_value(cell: Cell) -> bool:
    """A number, a percentage or an empty-cell marker: what fills a funds or total row."""
    return cell.key in EMPTY or parse_number(cell.text) is not None


def _funds_label(cell: Cell) -> bool:
    key = cell.key.rstrip(":")
    key = key[3:] if key.startswith("其中:") else key
    return key in FUNDS_ROWS


def _rows(words: list[Cell]) -> list[Cell]:
    """Each word with its row: a number shared by the words of one table row, a fresh one otherwise."""
    new_row = itertools.count(1).__next__
    n = len(words)
    k = 0
    funds_columns = 0
    columns: list[str] = []
    while k < n:
        cell = words[k]
        key = cell.key
        cell.row = new_row()
        if key.endswith(":") and _funds_label(cell):
            cell.text = cell.text.rstrip(":：")  # "年度资金总额:" is the row label, not a header label
            cell.key = key.rstrip(":")
        if bool(FUNDS_HEADING.match(key)):
            funds_columns = 0
            k += 1
            while k < n and words[k].key and match_prefix(words[k].key, FUNDS_COLUMNS) is not None:
                words[k].row = cell.row
                funds_columns += 1
                k += 1
        elif key.rstrip(":") in GOALS:
            k = _goals(words, k, cell.row)
        elif _funds_label(cell) and funds_columns:
            k = _join(words, k + 1, cell.row, funds_columns, _is_value)
        elif key in TOTAL_LABELS:
            k = _join(words, k + 1, cell.row, 2, _is_value)
        elif TABLE_HEADING.match(key) or key == "一级指标":
            k += 0 if key == "一级指标" else 1
            columns = []
            while k < n and words[k].key in INDICATOR_COLUMNS:
                words[k].row = cell.row
                columns.append(INDICATOR_COLUMNS[words[k].key])
                k += 1
            if columns:
                k = _indicator_rows(words, k, columns, new_row)
        else:
            k += 1
    return [cell for cell in words if cell.row != DROPPED]


def _goals(words: list[Cell], k: int, row: int) -> int:
    """预期目标 实际完成情况, then their texts: one text each, told apart where an enumeration restarts."""
    labels = 0
    while k < len(words) and words[k].key.rstrip(":") in GOALS:
        words[k].row = row
        labels += 1
        k += 1
    end = k
    while end < len(words) and not _ends_goals(words[end]):
        end += 1
    texts = words[k:end]
    if len(texts) > labels:
        # "1.… 2.… 1.… 2.…": the second goal starts where the numbering starts again.
        restarts = [j for j in range(1, len(texts)) if ENUMERATION_START.match(texts[j].text)]
        cuts = [0, *restarts[: labels - 1]]
        cuts += [len(texts)] * (labels + 1 - len(cuts))
        for a, b in zip(cuts, cuts[1:]):
            if a < b:
                _merge(texts[a:b])
    return end


def _ends_goals(cell: Cell) -> bool:
    key = cell.key
    return bool(key) and (
        _starts_section(cell) or bool(TABLE_HEADING.match(key)) or key in INDICATOR_COLUMNS or key.rstrip(":") in HEADER
    )


def _merge(cells: list[Cell]) -> None:
    """The words of one cell become that cell again; the words merged in leave the sequence."""
    first = cells[0]
    for cell in cells[1:]:
        first.text += " " + cell.text
        cell.row = DROPPED
    first.key = normalize(first.text) if len(first.text) <= MAX_LABEL else ""


def _join(words: list[Cell], k: int, row: int, limit: int, accept: Callable[[Cell], bool]) -> int:
    taken = 0
    while k < len(words) and taken < limit and accept(words[k]):
        words[k].row = row
        taken += 1
        k += 1
    return k


def _starts_section(cell: Cell) -> bool:
    key = cell.key
    return bool(key) and (
        key in TOTAL_LABELS or key in CLOSING_LABELS or bool(HEADING.match(key)) or bool(FUNDS_HEADING.match(key))
    )


def _indicator_rows(words: list[Cell], k: int, columns: list[str], new_row: Callable[[], int]) -> int:
    """Indicator rows: [level 1] [level 2] name and the columns after it, then a note up to the next row."""
    if "name" not in columns:
        return k
    tail = [c for c in columns[columns.index("name") + 1 :] if c != "note"]
    numeric = [pos + 1 for pos, column in enumerate(tail) if column in ("weight", "score", "item_score")]
    has_note = "note" in columns
    n = len(words)

    def row_at(j: int) -> bool:
        """Whether a full row (name, …, weight, score) starts at word j."""
        if j + len(tail) >= n or _is_value(words[j]) or _row_marker(words[j]):
            return False
        if any(_row_marker(words[j + pos]) for pos in range(1, len(tail) + 1)):
            return False  # "改进措施：… 质量指标 …" is a note's second part before the next group, not a row
        return all(parse_number(words[j + pos].text) is not None for pos in numeric)

    while k < n:
        cell = words[k]
        if _starts_section(cell):
            return k
        row = new_row()
        if _level1(cell):
            cell.row = row
            k += 1
            if k < n and words[k].key in LEVEL2_NAMES:
                words[k].row = row
                k += 1
        elif cell.key in LEVEL2_NAMES:
            cell.row = row
            k += 1
        # A group with no indicator of its own ("经济效益指标" straight before the next level 1).
        if k >= n or _starts_section(words[k]) or _level1(words[k]):
            continue
        if words[k].key in LEVEL2_NAMES:
            continue
        end = min(n, k + 1 + len(tail))
        for j in range(k, end):
            words[j].row = row
        k = end
        if has_note and k < n and not row_at(k) and not _row_marker(words[k]):
            start = k
            while k < n and not row_at(k) and not _row_marker(words[k]):
                words[k].row = row
                k += 1
            _merge(words[start:k])
    return k


def _level1(cell: Cell) -> bool:
    return level1_of(cell.key) is not None


def _row_marker(cell: Cell) -> bool:
    """A word that can only begin a row: a level-1 or level-2 name, a total, a closing block or a heading."""
    return _starts_section(cell) or cell.key in LEVEL2_NAMES or (_level1(cell))
