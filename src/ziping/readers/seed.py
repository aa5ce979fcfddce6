"""The row splitter of the seed's layout: text extracted from the PDF of a district's template.

PDF extraction keeps the reading order of cells but not the table: a cell that wraps becomes
several lines, sometimes with blank lines between them, and three cells of one row may share a
line separated by spaces. This module walks the template's sections (资金使用情况, 年度总体目标,
年度绩效指标, 总分) and, for each indicator row, chooses how the wrapped fragments join into the
row's cells by the shape of the text (column widths, punctuation, blank lines; see `_split_cells`).
What it gives back is the table again, as located cells with rows and columns: the labels in them
are read by the one assembler (`assemble.py`), as for every other format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from ziping.chinese import TRADITIONAL_HINT, convert
from ziping.model import Location
from ziping.readers.cells import Cell, join_wrapped, located
from ziping.readers.labels import FORM_HEADING, HEADER, LEVEL1_NAMES, LEVEL2_NAMES, PLACEHOLDER_TOKENS, SCORE_WORDS
from ziping.values import parse_number

LEVEL1_INITIALS = frozenset(name[0] for name in LEVEL1_NAMES)

# Comments the template attaches to cells; Word/WPS export them as lines of their own.
TEMPLATE_COMMENT = re.compile(r"^(?:[(（]?限\s*\d+\s*字(?:以)?内[)）]?|Windows\s*用户|Administrator|导入模板无需填写)$")
TEMPLATE_REQUIRED = "为必填项"  # "新增项目年度目标为必填项" and its kin
COMMENT_ENDINGS = frozenset(")）内项户r写")  # the last characters of those comments: a cheap first test
LEVEL1_WEIGHT = re.compile(r"^[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")
LEVEL1_LINE = re.compile(r"^(产出指标|效益指标|满意度指标)\s*(?:[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）])?\s*(.*)$")
# The header's labels, from the vocabulary, longest first: a label:value pair is cut at the next label.
HEADER_LABELS = re.compile(
    "(" + "|".join(re.escape(label) for label in sorted(HEADER, key=len, reverse=True) if len(label) >= 4) + ")[：:]?"
)
GRADE = re.compile(r"(?:自评等级|评价等级|绩效等级|等级)[：:]?\s*([优良中差])")
SENTENCE_END = "。；！？;!?"
# A fragment starting with one of these continues the cell before it.
CONTINUES = "（(）)》〕】」』，、。；：%,.;:"
OPENS = "《（(〔【「『"
FIRST_UNIT = re.compile(r"[0-9A-Za-z.%\-]+|.")


def width(text: str) -> int:
    """Display width: CJK and full-width characters count two."""
    # GBK encodes exactly the double-width characters these forms use in two bytes, at C speed.
    return len(text.encode("gbk", errors="replace"))


class Line:
    """One non-blank line of a form: its text as written, and the same text in simplified characters."""

    __slots__ = ("number", "text", "blank_before", "key", "tokens", "key_tokens")

    def __init__(self, number: int, text: str, blank_before: bool = False, key: str = "") -> None:
        self.number = number  # 1-based line number in the file
        self.text = text  # as written: values are taken from it
        self.blank_before = blank_before
        self.key = key or text  # labels are matched in it, position for position
        self.tokens = text.split()
        self.key_tokens = self.key.split() if self.key is not text else self.tokens


@dataclass(slots=True)
class Fragment:
    text: str
    line: int
    boundary: str  # how it is separated from the fragment before: 'start', 'space', 'newline', 'blank'


@dataclass(slots=True)
class _Row:
    level1: str
    level2: str
    cells: list[Fragment]
    terminator: Line
    weight: str
    score: str
    note: list[Line] = field(default_factory=list)
    header: str | None = None  # a level-1 or level-2 header line, not an indicator
    header_lines: tuple[int, int] | None = None
    is_level2: bool = False
    placeholder: list[str] | None = None  # a level-2 header with "0" after it: a template row left unused


def split_forms(lines: list[str]) -> list[tuple[int, int]]:
    """Line index spans [start, end) of each form, split at each 项目支出绩效自评表 heading."""
    starts = [
        i
        for i, line in enumerate(lines)
        if FORM_HEADING in line and line.replace(" ", "").rstrip().endswith(FORM_HEADING)
    ]
    return [(s, starts[k + 1] if k + 1 < len(starts) else len(lines)) for k, s in enumerate(starts)]


SEED_HEADINGS = (FORM_HEADING, "资金使用情况", "年度绩效指标")
# Each heading alone on a line, spaces allowed between its characters: a search over the whole text finds it
# several times faster than a pass over every line. `\n` alone ends a line here, so a miss is asked again
# line by line (other line ends, traditional characters); a hit is a hit either way.
_SEED_HEADING_LINES = tuple(
    re.compile(r"^[^\S\n]*" + " *".join(map(re.escape, heading)) + r"[^\S\n]*$", re.MULTILINE)
    for heading in SEED_HEADINGS
)


def is_seed_layout(text: str) -> bool:
    """Whether the text is the seed template's PDF extraction: its title and section headings on lines of their own."""
    if all(any(len(m.group().rstrip("\r")) <= 20 for m in p.finditer(text)) for p in _SEED_HEADING_LINES):
        return True
    heads = {convert(line).strip().replace(" ", "") if TRADITIONAL_HINT.search(line) else line.strip().replace(" ", "")
             for line in text.splitlines() if len(line) <= 20}  # fmt: skip
    return all(heading in heads for heading in SEED_HEADINGS)


def seed_cells(text: str, offset: int = 0) -> list[Cell]:
    """Every form of the text as located cells in rows and columns, for the assembler; `offset`: the lines
    before the text (a block of a larger one), by which its line numbers are moved."""
    raw_lines = text.splitlines()
    key_lines = simplified_lines(text, raw_lines)
    grid = _Grid()
    for start, end in split_forms(key_lines):
        lines = _clean_lines(raw_lines, key_lines, start, end, offset)
        _form_cells(lines, grid)
    return grid.cells


class _Grid:
    """Cells being laid out: each `row()` call starts a table row."""

    __slots__ = ("cells", "number")

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.number = 0

    def row(self, *cells: tuple[str, int, int, int | None]) -> None:
        """One row: (text, column, first line, last line) per cell; column 0 has no place in the table."""
        self.number += 1
        number, append = self.number, self.cells.append
        for text, col, first, last in cells:
            where, location = _located_lines(first, last)
            cell = Cell(text, where, number, col, col)
            cell._location = location
            append(cell)


def simplified_lines(text: str, raw_lines: list[str]) -> list[str]:
    """The lines in simplified characters, each exactly as long as the original."""
    if not TRADITIONAL_HINT.search(text):
        return raw_lines
    return [convert(line) for line in raw_lines]


def _clean_lines(raw_lines: list[str], key_lines: list[str], start: int, end: int, offset: int = 0) -> list[Line]:
    lines: list[Line] = []
    blank = False
    same = raw_lines is key_lines
    for i in range(start, end):
        text = raw_lines[i].strip()
        key = text if same else key_lines[i].strip()
        if not key or (
            len(key) <= 24
            and key[-1] in COMMENT_ENDINGS
            and (TEMPLATE_COMMENT.match(key) or key.endswith(TEMPLATE_REQUIRED))
        ):
            blank = True
            continue
        lines.append(Line(offset + i + 1, text, blank, key))
        blank = False
    return lines


@lru_cache(maxsize=1 << 12)
def _located_lines(first: int, last: int | None) -> tuple[dict[str, int | None], Location]:
    # Shared by the cells of one line: no reader changes a cell's `where` in place.
    where = {"line": first, "end_line": last if last and last != first else None}
    return where, located(where)


SECTIONS = ("funds", "goals", "table", "total")
SECTION_HEAD = re.compile(r"(资金使用情况)|(项目目标完成情况|年度总体目标)|(年度绩效指标)|(总分)")
SECTION_INITIALS = frozenset("资项年总")
# The template's columns, in order: where the assembler finds each value.
FUNDS_VALUE_COLUMN = 2
TABLE_COLUMNS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
L1, L2, NAME, TARGET, ACTUAL, WEIGHT, SCORE, NOTE = range(1, 9)


def _sections(lines: list[Line]) -> dict[str, int]:
    """The line index where each section starts (its first occurrence, in template order)."""
    found: dict[str, int] = {}
    for i, line in enumerate(lines):
        m = SECTION_HEAD.match(line.key) if line.key[0] in SECTION_INITIALS else None
        if m is None:
            continue
        name = SECTIONS[m.lastindex - 1]
        if name not in found and (name != "total" or "table" in found):
            found[name] = i
    return found


def _form_cells(lines: list[Line], grid: _Grid) -> None:
    at = _sections(lines)
    funds_at, goals_at, table_at, total_at = (at.get(name) for name in SECTIONS)
    n = len(lines)

    starts = sorted(i for i in (funds_at, goals_at, table_at, total_at) if i is not None)

    def section_end(start: int) -> int:
        """Where the section starting at `start` ends: at the next section, in whatever order they came."""
        return next((i for i in starts if i > start), n)

    title = lines[0]
    grid.row((title.text, 1, title.number, None))
    _header_cells(lines[1 : section_end(0)], grid)
    if funds_at is not None:
        head = lines[funds_at]
        grid.row((head.text, 1, head.number, None))
        _funds_cells(lines[funds_at + 1 : section_end(funds_at)], grid)
    if goals_at is not None:
        _goals_cells(lines[goals_at : section_end(goals_at)], grid)
    if table_at is not None:
        head = lines[table_at]
        grid.row(*((label, col, head.number, None) for col, label in enumerate(TABLE_COLUMNS, start=1)))
        _indicator_cells(lines[table_at + 1 : section_end(table_at)], grid)
    if total_at is not None:
        _total_cells(lines[total_at], grid)
        for line in lines[total_at + 1 :]:
            if m := GRADE.search(line.key):
                grid.row(("自评等级", 1, line.number, None), (line.text[m.start(1) : m.end(1)], 2, line.number, None))
            else:
                grid.row((line.text, 0, line.number, None))


def _joined(lines: list[Line]) -> tuple[str, str, list[int]]:
    """The lines' text and key with all whitespace removed, and the line number of each character."""
    chars: list[str] = []
    keys: list[str] = []
    owners: list[int] = []
    for line in lines:
        text = "".join(line.tokens)
        chars.append(text)
        keys.append("".join(line.key_tokens))
        owners.extend([line.number] * len(text))
    return "".join(chars), "".join(keys), owners


def _header_cells(lines: list[Line], grid: _Grid) -> None:
    """Each label with its value ("项目名称：人大宣传"), the value located on its own lines."""
    text, key_text, owners = _joined(lines)
    matches = list(HEADER_LABELS.finditer(key_text))
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        value = text[m.end() : end]
        if not value:
            continue
        start = m.end()
        grid.row((f"{m.group(1)}：{value}", 1, owners[start], owners[start + len(value) - 1]))


def _is_cell_value(token: str) -> bool:
    return token in PLACEHOLDER_TOKENS or parse_number(token) is not None


def _funds_cells(lines: list[Line], grid: _Grid) -> None:
    """The column headings, then each row: its label and its values, one column each."""
    from ziping.readers.labels import FUNDS_COLUMNS, FUNDS_ROWS, match_prefix

    heading: list[tuple[str, int]] = []
    label: list[tuple[str, int]] = []
    values: list[tuple[str, int]] = []

    def flush() -> None:
        if label and values:
            first = label[0][1]
            grid.row(
                ("".join(t for t, _ in label), 1, first, label[-1][1]),
                *((raw, FUNDS_VALUE_COLUMN + k, number, None) for k, (raw, number) in enumerate(values)),
            )
        elif label:
            grid.row(("".join(t for t, _ in label), 1, label[0][1], label[-1][1]))
        label.clear()
        values.clear()

    for line in lines:
        for token, token_key in zip(line.tokens, line.key_tokens):
            if _is_cell_value(token_key):
                if label:
                    values.append((token, line.number))
                continue
            if values:
                flush()
            if match_prefix(token_key, FUNDS_COLUMNS) is not None and not values and not label:
                heading.append((token, line.number))
            elif heading and not label and re.fullmatch(r"[（(][^）)]*[）)]", token_key):
                heading[-1] = (heading[-1][0] + token, heading[-1][1])  # "执行率" "（%）"
            else:
                if heading:
                    grid.row(*((t, FUNDS_VALUE_COLUMN + k, number, None) for k, (t, number) in enumerate(heading)))
                    heading.clear()
                if label and match_prefix(token_key, FUNDS_ROWS) is not None:
                    flush()  # "项目资金（元）" before "年度资金总额": a cell of its own
                label.append((token, line.number))
    if heading:
        grid.row(*((t, FUNDS_VALUE_COLUMN + k, number, None) for k, (t, number) in enumerate(heading)))
    flush()


def _goals_cells(lines: list[Line], grid: _Grid) -> None:
    """预期目标 | 实际完成情况 over the two texts: the first paragraph, and the rest."""
    labels = next((ln for ln in lines if "预期目标" in ln.key and "实际完成" in ln.key), None)
    body = [ln for ln in lines[1:] if ln is not labels and ln.key != "年度总体目标"]
    paragraphs: list[list[Line]] = []
    for line in body:
        if line.blank_before or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line)
    where = labels.number if labels is not None else lines[0].number
    grid.row(("预期目标", 1, where, None), ("实际完成情况", 2, where, None))
    texts = [paragraphs[0]] if paragraphs else []
    if len(paragraphs) > 1:
        texts.append([ln for p in paragraphs[1:] for ln in p])
    grid.row(
        *(
            (join_wrapped([ln.text for ln in text]), col, text[0].number, text[-1].number)
            for col, text in enumerate(texts, 1)
        )
    )


def _terminator(line: Line) -> tuple[list[str], str, str] | None:
    """A line that ends an indicator row: its leading cell tokens, the weight and the score."""
    tokens = _merge_comparators(line.tokens)
    if len(tokens) < 2 or parse_number(tokens[-2]) is None:
        return None
    # The score may be a word ("满分") that ZP004 reports; the weight before it is always a number.
    if parse_number(tokens[-1]) is not None or line.key_tokens[-1] in SCORE_WORDS:
        return tokens[:-2], tokens[-2], tokens[-1]
    return None


COMPARATORS = frozenset(("≥", "≤", ">", "<", "＞", "＜", "=", "≧", "≦"))


def _merge_comparators(tokens: list[str]) -> list[str]:
    """'≥ 95%' is one cell, not two."""
    if COMPARATORS.isdisjoint(tokens):
        return tokens
    out: list[str] = []
    for token in tokens:
        if out and out[-1] in COMPARATORS:
            out[-1] += token
        else:
            out.append(token)
    return out


def _indicator_cells(lines: list[Line], grid: _Grid) -> None:
    """Each level-1 header, level-2 header and indicator row as a row of the table; lines that belong to none
    as cells of no column."""
    rows: list[_Row] = []
    current_l1 = ""
    current_l2 = ""
    pending: list[Fragment] = []  # fragments since the last row ended
    pending_lines: list[Line] = []
    row_started = False  # the pending fragments began at a level-2 label, so none of them is a note

    unread: list[Line] = []

    def flush_note() -> None:
        nonlocal pending, pending_lines, row_started
        previous = next((r for r in reversed(rows) if r.header is None), None)
        (previous.note if previous is not None else unread).extend(pending_lines)
        pending, pending_lines, row_started = [], [], False

    i = 0
    started = False
    while i < len(lines):
        line = lines[i]
        m = LEVEL1_LINE.match(line.key) if line.key[0] in LEVEL1_INITIALS else None
        if m:
            flush_note()
            started = True
            current_l1, weight = m.group(1), m.group(2)
            rest, rest_key = line.text[m.start(3) :], m.group(3)
            first = line.number
            if weight is None and i + 1 < len(lines) and (w := LEVEL1_WEIGHT.match(lines[i + 1].key.strip())):
                weight = w.group(1)
                i += 1
            rows.append(
                _Row(current_l1, "", [], line, "", "", header=f"{current_l1}({weight}分)" if weight else current_l1)
            )
            rows[-1].header_lines = (first, lines[i].number)
            i += 1
            if not rest:
                continue
            line = Line(line.number, rest, False, rest_key)
        if not started:  # the column headings of the table
            i += 1
            continue
        tokens = line.tokens
        if tokens and line.key_tokens[0] in LEVEL2_NAMES:
            flush_note()
            current_l2 = line.key_tokens[0]
            rest, rest_key = tokens[1:], line.key_tokens[1:]
            if rest and all(t in PLACEHOLDER_TOKENS for t in rest_key):
                grid_row = _Row(current_l1, current_l2, [], line, "", "", header=line.key_tokens[0])
                grid_row.placeholder = rest
                rows.append(grid_row)
                i += 1
                continue
            rows.append(_Row(current_l1, current_l2, [], line, "", "", header=line.key_tokens[0], is_level2=True))
            row_started = True
            line = Line(line.number, " ".join(rest), line.blank_before, " ".join(rest_key))
            if not rest:
                i += 1
                continue
            tokens = line.tokens
        end = _terminator(line)
        if end is None:
            pending_lines.append(line)
            _add_fragments(pending, line, _merge_comparators(tokens))
            i += 1
            continue
        lead, weight, score = end
        previous = next((r for r in reversed(rows) if r.header is None), None)
        if previous is not None and not row_started:
            cells, note_lines = _claim_row(pending, pending_lines, line, lead)
            previous.note.extend(note_lines)
        else:
            cells = list(pending)
            _add_fragments(cells, line, lead)
        rows.append(_Row(current_l1, current_l2, cells, line, weight, score))
        pending, pending_lines, row_started = [], [], False
        i += 1
    flush_note()
    pending: _Row | None = None  # a level-2 header: its cell goes in the next indicator's row
    for row in rows:
        if row.is_level2:
            if pending is not None:
                grid.row((pending.header, 0, pending.terminator.number, None))
            pending = row
            continue
        if row.header is not None and pending is not None:
            grid.row((pending.header, 0, pending.terminator.number, None))
            pending = None
        _row_cells(row, grid, pending if row.header is None else None)
        if row.header is None:
            pending = None
    if pending is not None:
        grid.row((pending.header, 0, pending.terminator.number, None))
    for line in unread:
        grid.row((line.text, 0, line.number, None))


def _add_fragments(fragments: list[Fragment], line: Line, tokens: list[str]) -> None:
    for k, token in enumerate(tokens):
        if k:
            boundary = "space"
        elif not fragments:
            boundary = "start"
        else:
            boundary = "blank" if line.blank_before else "newline"
        fragments.append(Fragment(token, line.number, boundary))


def _claim_row(
    pending: list[Fragment], pending_lines: list[Line], terminator: Line, lead: list[str]
) -> tuple[list[Fragment], list[Line]]:
    """Split the lines since the previous row into that row's note and this row's cells."""
    # A row that starts its own line after a blank line is whole even with an empty cell (name and target
    # only): the paragraph before it is the previous row's note, not this row's wrapped name.
    complete = bool(lead) and lead[0][0] not in CONTINUES and (len(lead) >= 3 or terminator.blank_before)
    if complete:
        own_lines: list[Line] = []
    else:
        # The row's own wrapped cells are the last paragraph before its terminator.
        cut = len(pending_lines)
        while cut > 0:
            cut -= 1
            if pending_lines[cut].blank_before:
                break
        own_lines = pending_lines[cut:]
    note_lines = pending_lines[: len(pending_lines) - len(own_lines)]
    own_numbers = {ln.number for ln in own_lines}
    cells = [f for f in pending if f.line in own_numbers]
    if cells:
        cells[0].boundary = "start"
    _add_fragments(cells, terminator, lead)
    return cells, note_lines


def _split_cells(fragments: list[Fragment], count: int = 3) -> list[list[Fragment]]:
    """Group a row's fragments into `count` cells (name, target, actual), choosing the likeliest wrapping."""
    if not fragments:
        return []
    forced = [k for k in range(1, len(fragments)) if fragments[k].boundary == "space"]
    free = [
        k
        for k in range(1, len(fragments))
        if fragments[k].boundary in ("newline", "blank")
        and fragments[k].text[0] not in CONTINUES
        and fragments[k - 1].text[-1] not in OPENS
    ]
    need = count - 1 - len(forced)
    if need <= 0:
        # More space-separated tokens than cells: the surplus joins the last cell.
        return _cut(fragments, forced[: count - 1])
    if need > len(free):
        return _cut(fragments, sorted(forced + free))
    n = len(fragments)
    cut_costs = {k: _cut_cost(fragments, k) for k in forced + free}
    cell_cost = _CellCosts(fragments)
    best: tuple[float, list[int]] | None = None
    for chosen in combinations(free, need):
        cuts = sorted((*forced, *chosen)) if forced else list(chosen)
        total = 0.0
        a = 0
        for b in (*cuts, n):
            total += cell_cost(a, b) + (cut_costs[b] if b < n else 0.0)
            a = b
        if best is None or total < best[0]:
            best = (total, cuts)
    return _cut(fragments, best[1])


def _cut(fragments: list[Fragment], cuts: list[int]) -> list[list[Fragment]]:
    bounds = [0, *cuts, len(fragments)]
    return [fragments[a:b] for a, b in zip(bounds, bounds[1:])]


def _cut_cost(fragments: list[Fragment], k: int) -> float:
    """How unlikely a cell boundary is before fragment k."""
    head, prev = fragments[k], fragments[k - 1]
    cost = 0.0
    if head.text[0] in CONTINUES:
        cost += 10
    if head.boundary == "newline":
        cost += 1
    if prev.text[-1] in OPENS:
        cost += 10
    return cost


class _CellCosts:
    """How unlikely it is that fragments[a:b] are one wrapped cell, memoised per row.

    A wrapped cell fills its column before wrapping: a line followed by a word that would have fitted
    on it ends the cell. Blank lines and sentence ends inside a cell are less likely than not.
    """

    __slots__ = ("widths", "joins", "fits_at", "memo")

    def __init__(self, fragments: list[Fragment]) -> None:
        self.widths = [width(f.text) for f in fragments]
        self.joins = [0.0] * len(fragments)  # cost of joining fragment k to k-1
        self.fits_at = [10**6] * len(fragments)  # the column width at which fragment k would have fitted
        for k in range(1, len(fragments)):
            prev, frag = fragments[k - 1], fragments[k]
            if prev.text[-1] in OPENS:
                continue
            self.joins[k] = (3.0 if frag.boundary == "blank" else 0.0) + (4.0 if prev.text[-1] in SENTENCE_END else 0.0)
            if frag.text[0] not in CONTINUES:
                self.fits_at[k] = self.widths[k - 1] + width(FIRST_UNIT.match(frag.text).group(0)) + 2
        self.memo: dict[tuple[int, int], float] = {}

    def __call__(self, a: int, b: int) -> float:
        cost = self.memo.get((a, b))
        if cost is None:
            self._fill(a)
            cost = self.memo[a, b]
        return cost

    def _fill(self, a: int) -> None:
        """Every cell starting at fragment a, in one pass: the column only widens as the cell grows."""
        widest = 0
        joined = 0.0
        fitted = 0
        fits_at, widths = self.fits_at, self.widths
        for b in range(a + 1, len(widths) + 1):
            if b - 1 > a:
                joined += self.joins[b - 1]
            if widths[b - 1] > widest:
                widest = widths[b - 1]  # a wider column: lines before may now have had room for their next word
                fitted = sum(1 for k in range(a + 1, b) if fits_at[k] <= widest)
            elif b - 1 > a and fits_at[b - 1] <= widest:
                fitted += 1
            cost = joined + 5.0 * fitted
            if a == 0 and b - a > 2:
                cost += 2.0 * (b - a - 2)  # names are short: a long first cell is a target swallowed
            self.memo[a, b] = cost


def _cell_text(cell: list[Fragment]) -> str:
    return join_wrapped([f.text for f in cell]) if cell else ""


def _row_cells(row: _Row, grid: _Grid, level2: _Row | None) -> None:
    if row.placeholder is not None:
        number = row.terminator.number
        grid.row(
            (row.header, L2, number, None), *((t, TARGET + k, number, None) for k, t in enumerate(row.placeholder))
        )
        return
    if row.header is not None:
        first, last = row.header_lines or (row.terminator.number, None)
        grid.row((row.header, L1, first, last))
        return
    cells = _split_cells(row.cells)
    out = [(level2.header, L2, level2.terminator.number, None)] if level2 is not None else []
    out += [
        (_cell_text(cell), col, cell[0].line, cell[-1].line) for col, cell in zip((NAME, TARGET, ACTUAL), cells) if cell
    ]
    if not cells:
        out.append(("", NAME, row.terminator.number, None))
    out.append((row.weight, WEIGHT, row.terminator.number, None))
    out.append((row.score, SCORE, row.terminator.number, None))
    if row.note:
        out.append((join_wrapped([ln.text for ln in row.note]), NOTE, row.note[0].number, row.note[-1].number))
    grid.row(*out)


def _total_cells(line: Line, grid: _Grid) -> None:
    after = line.key.find("总分") + len("总分")
    tokens = line.text[after:].split()
    cells = [("总分", 1, line.number, None)]
    for col, raw in zip((WEIGHT, SCORE, NOTE), tokens):
        cells.append((raw, col, line.number, None))
    grid.row(*cells)
