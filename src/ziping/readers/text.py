"""Reader for text extracted from the PDF of a district's 项目支出绩效自评表 template.

PDF extraction keeps the reading order of cells but not the table: a cell that wraps becomes
several lines, sometimes with blank lines between them, and three cells of one row may share a
line separated by spaces. The reader walks the form section by section and, for each indicator
row, chooses how the wrapped fragments join into the row's cells by the shape of the text
(column widths, punctuation, blank lines); see `_split_cells`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from ziping.chinese import TRADITIONAL_HINT, convert
from ziping.values import parse_number

FORM_HEADING = "项目支出绩效自评表"

LEVEL1_NAMES = ("产出指标", "效益指标", "满意度指标")
LEVEL1_INITIALS = frozenset(name[0] for name in LEVEL1_NAMES)
LEVEL2_NAMES = frozenset(
    {
        "数量指标", "质量指标", "时效指标", "成本指标",
        "经济成本指标", "社会成本指标", "生态环境成本指标",
        "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
        "服务对象满意度指标", "其他满意度指标", "满意度指标",
    }
)  # fmt: skip
SCORE_WORDS = frozenset({"满分", "零分", "不得分", "—", "-", "/", "无"})
PLACEHOLDER_TOKENS = frozenset({"0", "0.00", "不适用", "无", "/", "—", "-", "——"})

# Comments the template attaches to cells; Word/WPS export them as lines of their own.
TEMPLATE_COMMENT = re.compile(r"^(?:[(（]?限\s*\d+\s*字(?:以)?内[)）]?|Windows\s*用户|Administrator|导入模板无需填写)$")
TEMPLATE_REQUIRED = "为必填项"  # "新增项目年度目标为必填项" and its kin
COMMENT_ENDINGS = frozenset(")）内项户r写")  # the last characters of those comments: a cheap first test
LEVEL1_WEIGHT = re.compile(r"^[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")
LEVEL1_LINE = re.compile(r"^(产出指标|效益指标|满意度指标)\s*(?:[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）])?\s*(.*)$")
HEADER_LABELS = re.compile(
    r"(项目编码|项目名称|绩效自评年度?|实施单位|一级预算单位|主管部门|项目负责人|联系电话)[：:]?"
)
GRADE = re.compile(r"(?:自评等级|评价等级|绩效等级|等级)[：:]?\s*([优良中差])")
# Labels that start a new part of a deviation note; the rest of a wrapped cell joins its line.
NOTE_LABEL = re.compile(r"^(?:偏差)?(?:原因分析|改进措施|整改措施|原因|措施|下一步[\u4e00-\u9fff]{0,4})[：:]")
# "3." starts an item; "7455872.63元" at the start of a wrapped line is a number, not an item.
ENUMERATED = re.compile(r"(?:\d+[.、．](?!\d)|[（(]\d+[)）]|[一二三四五六七八九十]+、)")
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


def split_forms(lines: list[str]) -> list[tuple[int, int]]:
    """Line index spans [start, end) of each form, split at each 项目支出绩效自评表 heading."""
    starts = [
        i
        for i, line in enumerate(lines)
        if FORM_HEADING in line and line.replace(" ", "").rstrip().endswith(FORM_HEADING)
    ]
    return [(s, starts[k + 1] if k + 1 < len(starts) else len(lines)) for k, s in enumerate(starts)]


def read_text(text: str, source: str | None = None) -> list[dict[str, Any]]:
    """Every form in the text, as raw dicts ready for `Form.model_validate`."""
    raw_lines = text.splitlines()
    key_lines = simplified_lines(text, raw_lines)
    forms = []
    for index, (start, end) in enumerate(split_forms(key_lines), start=1):
        lines = _clean_lines(raw_lines, key_lines, start, end)
        forms.append(_read_form(lines, source, index, start + 1, end))
    return forms


def simplified_lines(text: str, raw_lines: list[str]) -> list[str]:
    """The lines in simplified characters, each exactly as long as the original."""
    if not TRADITIONAL_HINT.search(text):
        return raw_lines
    return [convert(line) for line in raw_lines]


def _clean_lines(raw_lines: list[str], key_lines: list[str], start: int, end: int) -> list[Line]:
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
        lines.append(Line(i + 1, text, blank, key))
        blank = False
    return lines


def _loc(first: int, last: int | None = None) -> dict[str, int]:
    return {"line": first, "end_line": last if last and last != first else None}


SECTIONS = ("funds", "goals", "table", "total")
SECTION_HEAD = re.compile(r"(资金使用情况)|(项目目标完成情况|年度总体目标)|(年度绩效指标)|(总分)")
SECTION_INITIALS = frozenset("资项年总")


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


def _read_form(lines: list[Line], source: str | None, index: int, first: int, last: int) -> dict[str, Any]:
    form: dict[str, Any] = {"source": source, "index": index, "location": _loc(first, last)}
    at = _sections(lines)
    funds_at, goals_at, table_at, total_at = (at.get(name) for name in SECTIONS)
    n = len(lines)

    def section_end(*candidates: int | None) -> int:
        return min([c for c in candidates if c is not None] + [n])

    header_end = section_end(funds_at, goals_at, table_at, total_at)
    form["header"] = _read_header(lines[1:header_end])
    if funds_at is not None:
        funds_end = section_end(goals_at, table_at, total_at)
        form["funds"] = _read_funds(lines[funds_at + 1 : funds_end])
    if goals_at is not None:
        form["goals"] = _read_goals(lines[goals_at + 1 : section_end(table_at, total_at)])
    unread: list[Line] = []
    if table_at is not None:
        level1, indicators, placeholders, skipped = _read_indicators(lines[table_at + 1 : section_end(total_at)])
        form.update(level1=level1, indicators=indicators, placeholders=placeholders)
        unread += skipped
    if total_at is not None:
        form["total"] = _read_total(lines[total_at])
        for line in lines[total_at + 1 :]:
            if m := GRADE.search(line.key):
                form["grade"] = {"raw": line.text[m.start(1) : m.end(1)], "location": _loc(line.number)}
            else:
                unread.append(line)
    form["unread"] = [{"raw": line.text, "location": _loc(line.number)} for line in unread]
    return form


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


HEADER_FIELDS = {
    "项目编码": "project_code",
    "项目名称": "project_name",
    "绩效自评年度": "year",
    "绩效自评年": "year",
    "实施单位": "implementing_unit",
    "一级预算单位": "budget_unit",
    "主管部门": "budget_unit",
    "项目负责人": "contact",
    "联系电话": "phone",
}


def _read_header(lines: list[Line]) -> dict[str, Any]:
    text, key_text, owners = _joined(lines)
    header: dict[str, Any] = {}
    matches = list(HEADER_LABELS.finditer(key_text))
    for k, m in enumerate(matches):
        key = HEADER_FIELDS.get(m.group(1))
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        value = text[m.end() : end]
        if key is None or not value:
            continue
        if key == "year":
            if not (year := re.match(r"\d{4}", value)):
                continue
            value = year.group(0)
        start = m.end()
        header[key] = {"raw": value, "location": _loc(owners[start], owners[start + len(value) - 1])}
    return header


FUNDS_ROWS = (
    ("total", re.compile(r"(?:年度资金总额|资金总额|合计)$")),
    ("fiscal", re.compile(r"(?:当年财政拨款|财政拨款)$")),
    ("carryover", re.compile(r"上年结转(?:资金)?$")),
    ("other", re.compile(r"其他资金$")),
)
AMOUNT_UNIT = re.compile(r"[（(](万?元)[)）]")


def _is_cell_value(token: str) -> bool:
    return token in PLACEHOLDER_TOKENS or parse_number(token) is not None


def _read_funds(lines: list[Line]) -> dict[str, Any]:
    funds: dict[str, Any] = {}
    label = ""
    key: str | None = None
    values: list[tuple[str, int]] = []

    def flush() -> None:
        if key is None:
            return
        row: dict[str, Any] = {"location": _loc(values[0][1] if values else 0)}
        for name, (raw, number) in zip(("initial_budget", "budget", "executed"), values):
            row[name] = {"raw": raw, "location": _loc(number)}
        funds[key] = row
        if key == "total":
            for name, (raw, number) in zip(("weight", "execution_rate", "execution_score"), values[3:6]):
                funds[name] = {"raw": raw, "location": _loc(number)}

    for line in lines:
        for token, token_key in zip(line.tokens, line.key_tokens):
            if _is_cell_value(token_key):
                if key is not None:
                    values.append((token, line.number))
                continue
            if values:
                flush()
                key, values, label = None, [], ""
            label += token_key
            if unit := AMOUNT_UNIT.search(label):
                funds["unit"] = unit.group(1)
            for name, pattern in FUNDS_ROWS:
                if pattern.search(label):
                    key, label = name, ""
                    break
    flush()
    return funds


def _read_goals(lines: list[Line]) -> dict[str, Any]:
    body = [ln for ln in lines if not ("预期目标" in ln.key and "实际完成" in ln.key) and ln.key != "年度总体目标"]
    paragraphs: list[list[Line]] = []
    for line in body:
        if line.blank_before or not paragraphs:
            paragraphs.append([])
        paragraphs[-1].append(line)
    goals: dict[str, Any] = {}
    if paragraphs:
        goals["expected"] = _text_field(paragraphs[0])
    if len(paragraphs) > 1:
        goals["actual"] = _text_field([ln for p in paragraphs[1:] for ln in p])
    return goals


def _join_lines(texts: list[str]) -> str:
    """Join wrapped lines of one cell: no space between CJK text, a newline before numbered items."""
    out = ""
    for text in texts:
        if out and (ENUMERATED.match(text) or NOTE_LABEL.match(text)):
            out += "\n"
        elif out and out[-1].isascii() and out[-1].isalpha() and text[0].isascii() and text[0].isalpha():
            out += " "
        out += text
    return out


def _text_field(lines: list[Line]) -> dict[str, Any]:
    return {"raw": _join_lines([ln.text for ln in lines]), "location": _loc(lines[0].number, lines[-1].number)}


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


def _read_indicators(lines: list[Line]) -> tuple[list[dict], list[dict], list[dict], list[Line]]:
    level1: list[dict[str, Any]] = []
    placeholders: list[dict[str, Any]] = []
    rows: list[_Row] = []
    current_l1 = ""
    current_l2 = ""
    pending: list[Fragment] = []  # fragments since the last row ended
    pending_lines: list[Line] = []
    row_started = False  # the pending fragments began at a level-2 label, so none of them is a note

    unread: list[Line] = []

    def flush_note() -> None:
        nonlocal pending, pending_lines, row_started
        (rows[-1].note if rows else unread).extend(pending_lines)
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
            entry: dict[str, Any] = {"name": current_l1, "location": _loc(line.number)}
            if weight is None and i + 1 < len(lines) and (w := LEVEL1_WEIGHT.match(lines[i + 1].key.strip())):
                weight = w.group(1)
                i += 1
            if weight is not None:
                entry["weight"] = {"raw": weight, "location": _loc(lines[i].number)}
            level1.append(entry)
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
                placeholders.append({"level1": current_l1, "level2": current_l2, "location": _loc(line.number)})
                i += 1
                continue
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
        if rows and not row_started:
            cells, note_lines = _claim_row(pending, pending_lines, line, lead)
            rows[-1].note.extend(note_lines)
        else:
            cells = list(pending)
            _add_fragments(cells, line, lead)
        rows.append(_Row(current_l1, current_l2, cells, line, weight, score))
        pending, pending_lines, row_started = [], [], False
        i += 1
    flush_note()
    return level1, [_indicator(row) for row in rows], placeholders, unread


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
        fits_at = self.fits_at
        for b in range(a + 1, len(self.widths) + 1):
            widest = max(widest, self.widths[b - 1])
            if b - 1 > a:
                joined += self.joins[b - 1]
            fitted = sum(1 for k in range(a + 1, b) if fits_at[k] <= widest)
            cost = joined + 5.0 * fitted
            if a == 0 and b - a > 2:
                cost += 2.0 * (b - a - 2)  # names are short: a long first cell is a target swallowed
            self.memo[a, b] = cost


def _cell_text(cell: list[Fragment]) -> str:
    return _join_lines([f.text for f in cell]) if cell else ""


def _indicator(row: _Row) -> dict[str, Any]:
    cells = _split_cells(row.cells)
    names = ("name", "target", "actual")
    out: dict[str, Any] = {"level1": row.level1, "level2": row.level2}
    first_line = row.cells[0].line if row.cells else row.terminator.number
    for key, cell in zip(names, cells):
        out[key] = {"raw": _cell_text(cell), "location": _loc(cell[0].line, cell[-1].line)}
    if "name" not in out:
        out["name"] = {"raw": "", "location": _loc(row.terminator.number)}
    out["weight"] = {"raw": row.weight, "location": _loc(row.terminator.number)}
    out["score"] = {"raw": row.score, "location": _loc(row.terminator.number)}
    if row.note:
        out["note"] = _text_field(row.note)
    out["location"] = _loc(first_line, row.note[-1].number if row.note else row.terminator.number)
    return out


def _read_total(line: Line) -> dict[str, Any]:
    after = line.key.find("总分") + len("总分")
    tokens = line.text[after:].split()
    while tokens and tokens[-1] in PLACEHOLDER_TOKENS - {"0", "0.00"}:
        tokens.pop()  # the 偏差 column of the 总分 row holds a dash
    total: dict[str, Any] = {"location": _loc(line.number)}
    for key, raw in zip(("weight", "score"), tokens):
        total[key] = {"raw": raw, "location": _loc(line.number)}
    return total
