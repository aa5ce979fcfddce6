"""Indicator rows of a table whose cells come in reading order only, without rows or columns.

Text copied from a web page or flattened by a converter gives an indicator table as one run of cells
("… 数量指标 基建工程委托业务项目数量 ≥50个 50 8 8 质量指标 委托业务报告合格率 …"): empty cells left no
trace, notes run on into the next row's name. Between two level labels the cells are cut into rows
by dynamic programming: each row is a name, its values lined up with the columns (`align.place`)
and free text after the last of them as its note; the cut that costs least wins. A cell numbered
as a template row ("指标2:") always starts a row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ziping.readers import align
from ziping.readers.cells import (
    COMPARATOR,
    COMPARE,
    EMPTY,
    NUMBER,
    PERCENT,
    QUANTITY,
    TEXT,
    UNIT,
    WORD,
    Cell,
    joined,
    kind_of,
)

MAX_VALUES = 12  # cells after a row's name: a row holds at most a dozen
NAME_EXTRA = 0.1  # per extra piece of a name that ran together with numbers in it ("5000吨稻谷、500吨…")
ROW_COST = 0.2  # every row: of two cuts that read alike, the one with fewer rows
STRAY = 3.0  # a cell that belongs to no row (a heading scrambled into the table): kept as unread text
MAX_BLOCK = 500  # cells between two level labels: a few dozen rows at most; beyond that it is no table
MAX_NAME_PIECES = 5
_NUMBERED = re.compile(r"^(?:指标\s*\d+\s*[:：.、]?|[★☆])")


@dataclass(slots=True)
class ParsedRow:
    name: Cell
    placement: align.Placement | None = None  # None: a template row left empty ("指标2:", "……")
    extra: dict[str, Cell] = field(default_factory=dict)  # the unit a bare actual value is measured in

    def cells(self, pattern: frozenset[str] | None = None) -> tuple[dict[str, Cell], bool]:
        """The row's cells by column, read the table's way where it can be, and whether it stays unsure."""
        if self.placement is None:
            return {"name": self.name}, False
        placed = align.choose(self.placement.readings, pattern) if self.placement.readings else self.placement
        # Values left over, or a number where the note goes: the row's cells came out of order (a table
        # scrambled by its converter), so what was read of it is no ground for a finding.
        note = placed.cells.get("note")
        scrambled = any(kind_of(c.text) != EMPTY for c in placed.unplaced) or (
            note is not None and kind_of(note.text) in (NUMBER, PERCENT, QUANTITY, COMPARE)
        )
        return {"name": self.name, **placed.cells, **self.extra}, placed.unsure or scrambled

    def patterns(self) -> set[frozenset[str]]:
        """The column patterns among this row's equally good readings."""
        if self.placement is None or not self.placement.readings:
            return set()
        readings = [r for r in self.placement.readings if not r.failed] or self.placement.readings
        floor = min(r.cost for r in readings)
        return {r.pattern for r in readings if r.cost <= floor + align.NEAR + 1e-9}


@dataclass(slots=True)
class Segmented:
    rows: list[ParsedRow] = field(default_factory=list)
    unplaced: list[Cell] = field(default_factory=list)
    cost: float = 0.0


def _name_cost(cells: list[Cell]) -> float:
    last = kind_of(cells[-1].text)
    if last not in (WORD, TEXT):
        return align.INF
    if len(cells) == 1:
        return align.fit("name", last, cells[0].text)
    # A name that ran together with numbers in it ("5000吨稻谷、500吨成品粮储备到位率") holds quantities, never
    # a target or a rate.
    if not all(c.glued for c in cells) or any(kind_of(c.text) in (COMPARE, COMPARATOR, PERCENT) for c in cells):
        return align.INF
    return NAME_EXTRA * (len(cells) - 1)


def _merged(cells: list[Cell]) -> Cell:
    text = "".join(c.text for c in cells) if all(c.glued for c in cells) else " ".join(c.text for c in cells)
    return joined(cells, text)


def _note_merged(cells: list[Cell]) -> list[Cell] | None:
    """The row with the free text at its end as one cell: a note split at its spaces, or at a 改进措施： inside it."""
    end = len(cells)
    while end > 0 and kind_of(cells[end - 1].text) in (TEXT, WORD):
        end -= 1
    tail = cells[end:]
    if len(tail) > 1:
        return [*cells[:end], joined(tail, " ".join(c.text.strip() for c in tail))]
    return None


def _join_targets(cells: list[Cell]) -> tuple[list[Cell], Cell | None]:
    """指标性质 | 指标值 | 度量单位 ("≥", "90", "%") as one target cell, and the unit, which a bare actual
    value is measured in."""
    for i, cell in enumerate(cells):
        kind = kind_of(cell.text)
        if kind == COMPARATOR and i + 1 < len(cells) and kind_of(cells[i + 1].text) in (NUMBER, PERCENT, WORD):
            end = i + 2
        elif kind == NUMBER and i + 1 < len(cells) and kind_of(cells[i + 1].text) == UNIT:
            end = i + 1
        else:
            continue
        unit = cells[end] if end < len(cells) and kind_of(cells[end].text) == UNIT else None
        group = cells[i : end + (unit is not None)]
        target = joined(group)
        return [*cells[:i], target, *cells[i + len(group) :]], unit
    return cells, None


def segment(cells: list[Cell], layout: list[str]) -> Segmented:
    """The rows of one block of cells (between level labels), each lined up with `layout` (the columns
    after the name). Where the layout has 指标性质 and 度量单位 columns, they are read with the target."""
    parts = "nature" in layout or "unit" in layout
    if parts:
        layout = [c for c in layout if c not in ("nature", "unit")]
    n = len(cells)
    if not n:
        return Segmented()
    if n > MAX_BLOCK:
        return Segmented(unplaced=list(cells), cost=align.INF)
    kinds = [kind_of(c.text) for c in cells]
    forced = [
        bool(_NUMBERED.match(c.text.strip())) or kinds[k] == EMPTY and bool(c.text.strip()) for k, c in enumerate(cells)
    ]
    check = align.indicator_check
    cost: list[float] = [align.INF] * (n + 1)
    back: list[tuple[int, int] | None] = [None] * (n + 1)  # the step that reached j: (i, q)
    cost[0] = 0.0
    placements: dict[tuple[int, int, int], tuple[align.Placement, Cell | None]] = {}

    def relax(i: int, j: int, q: int, total: float) -> None:
        if total < cost[j] - 1e-9:
            cost[j], back[j] = total, (i, q)

    for i in range(n):
        base = cost[i]
        if base == align.INF:
            continue
        relax(i, i + 1, -1, base + STRAY)
        # An empty marker or a bare numbering stands alone: a template row left empty.
        if kinds[i] == EMPTY or (forced[i] and not _NUMBERED.sub("", cells[i].text.strip())):
            relax(i, i + 1, 0, base + 0.05)
            continue
        for q in range(1, MAX_NAME_PIECES + 1):
            if i + q > n or (q > 1 and (forced[i + q - 1] or not cells[i + q - 1].glued)):
                break
            name_cost = _name_cost(cells[i : i + q])
            if name_cost == align.INF:
                continue
            values_seen = 0
            for j in range(i + q, min(n, i + q + MAX_VALUES) + 1):
                if j > i + q and forced[j - 1]:
                    break
                if j > i + q and kinds[j - 1] not in (TEXT, WORD):
                    values_seen += 1
                    if values_seen > len(layout) + 1:
                        break  # more values than the row has columns: the next row has begun
                values = cells[i + q : j]
                unit = None
                if parts:
                    values, unit = _join_targets(values)
                placed = align.place(values, layout, check) if values else align.Placement(cost=_skip_all(layout))
                if "note" in layout and (merged := _note_merged(values)) is not None:
                    as_note = align.place(merged, layout, check)
                    if as_note.cost < placed.cost:
                        placed = as_note
                if values and not placed.cells and placed.unplaced:
                    continue
                placements[(i, q, j)] = (placed, unit)
                relax(i, j, q, base + ROW_COST + name_cost + placed.cost)
    out = Segmented()
    if cost[n] == align.INF:
        return Segmented(unplaced=list(cells), cost=align.INF)
    steps: list[tuple[int, int, int]] = []
    j = n
    while j > 0:
        i, q = back[j]  # type: ignore[misc]
        steps.append((i, q, j))
        j = i
    out.cost = cost[n]
    for i, q, j in reversed(steps):
        if q == -1:
            out.unplaced.append(cells[i])
            continue
        if q == 0:
            out.rows.append(ParsedRow(cells[i]))
            continue
        placed, unit = placements[(i, q, j)]
        name = cells[i] if q == 1 else _merged(cells[i : i + q])
        out.rows.append(ParsedRow(name, placed, {"actual_unit": unit} if unit is not None else {}))
        out.unplaced.extend(placed.unplaced)
    return out


def _skip_all(layout: list[str]) -> float:
    return sum(align.SKIP.get(c, align.DEFAULT_SKIP) for c in layout)
