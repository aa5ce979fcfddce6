"""Reader for 项目支出绩效自评表 in Word documents (.docx): the form's tables read by their labels.

Each table of the document becomes rows of grid cells (a horizontally merged cell once, with its
last column; a vertically merged cell once, in its first row: where Word keeps the text), named
by table, row and grid column ("表格2", "R5C3"). The tables that hold form labels are stacked in
document order with the title paragraphs between them and read by the one assembler, so a form
split into a header table and an indicator table is one form, and several forms in one document
are several. A paragraph that is a form's title starts a new form. Every other paragraph, and every
table without form labels (a 自评报告's narrative, its own tables), is kept as the form's
`context` for the LLM checks and is never read as a field.
"""

from __future__ import annotations

import io
from typing import Any

from ziping.readers import ReadResult
from ziping.readers.assemble import FormAssembler, form_starts
from ziping.readers.cells import Cell
from ziping.readers.grid import forms_result
from ziping.readers.labels import (
    FUNDS_COLUMNS,
    HEADER,
    INDICATOR_COLUMNS,
    LEVEL2_NAMES,
    TOTAL,
    YEAR_LINE,
    level1_of,
    match_exact,
    match_prefix,
    normalize,
    split_label,
    title_of,
)
from ziping.readers.xlsx import WorkbookError, open_office_zip

# Headings that only a form's table carries: a table with one of them is read as (part of) a form.
_FORM_COLUMNS = {"budget", "executed", "name", "target", "actual"}
_DOCUMENT = ("文档", "the document")
# A table continued on the next page is announced; the words are not narrative.
_CONTINUED = {"续表", "(续表)", "续上表", "(续上表)"}


def read_docx(data: bytes, source: str) -> ReadResult:
    """Every form in a .docx file's bytes; a file that is not a readable document becomes ZP001/ZP002."""
    try:
        blocks = _load(data)
    except WorkbookError as exc:
        return forms_result(source, error=exc)
    return forms_result(source, _forms(blocks, source), container=_DOCUMENT)


def _load(data: bytes) -> list[tuple[str, int, Any]]:
    """The document's blocks in order: ("table", seq, rows), ("text", seq, str), ("title"|"year", seq, (str, paragraph))."""
    open_office_zip(data, "word/document.xml", ("Word 文档", "Word 文档", ".docx"), ("document", "a Word"))
    try:
        import docx

        return _blocks(docx.Document(io.BytesIO(data)))
    except ImportError:
        raise WorkbookError("缺少 python-docx，无法读取 Word 文档", "python-docx is not installed") from None
    except Exception as exc:  # noqa: BLE001 -- python-docx and lxml raise many types on a damaged file
        raise WorkbookError(
            f"Word 文档已损坏，无法读取（{type(exc).__name__}）", f"corrupt Word document ({type(exc).__name__})"
        ) from None


def _blocks(document) -> list[tuple[str, int, Any]]:
    from docx.table import Table

    blocks: list[tuple[str, int, Any]] = []
    tables = paragraphs = 0
    for seq, item in enumerate(document.iter_inner_content()):
        if isinstance(item, Table):
            tables += 1
            rows = _rows(item, f"表格{tables}")
            if any(_is_anchor(cell.text) for cell in rows):
                blocks.append(("table", seq, rows))
            elif rows:  # a table of the report's own (staff list, spending detail): context
                lines: dict[int, list[str]] = {}
                for cell in rows:
                    lines.setdefault(cell.row, []).append(cell.text)
                blocks.append(("text", seq, "\n".join(" | ".join(texts) for texts in lines.values())))
            continue
        paragraphs += 1
        if not (text := item.text.strip()) or normalize(text) in _CONTINUED:
            continue
        where = {"sheet": f"正文第{paragraphs}段"}
        if title_of(text) is not None:
            blocks.append(("title", seq, Cell(text, where)))
        elif YEAR_LINE.fullmatch(normalize(text)):
            blocks.append(("year", seq, Cell(text, where)))
        else:
            blocks.append(("text", seq, text))
    return blocks


def _rows(table, sheet: str) -> list[Cell]:
    """A table's cells with text, by grid position; merged cells once, where Word keeps their text."""
    from docx.table import _Cell

    cells: list[Cell] = []
    for r, tr in enumerate(table._tbl.tr_lst, start=1):
        col = tr.grid_before + 1
        for tc in tr.tc_lst:
            span = tc.grid_span
            # A vMerge="continue" cell is the same cell as the one above: its text, if any, is not shown by Word.
            if tc.vMerge != "continue" and (text := _Cell(tc, table).text.strip()):
                cells.append(Cell(text, {"sheet": sheet, "cell": f"R{r}C{col}"}, r, col, col + span - 1))
            col += span
    return cells


def _is_anchor(text: str) -> bool:
    """A label only a form's table holds."""
    key = normalize(text)
    return (
        title_of(text) is not None
        or match_exact(text, HEADER) is not None
        or split_label(text) is not None
        or match_prefix(text, INDICATOR_COLUMNS) in _FORM_COLUMNS
        or match_prefix(text, FUNDS_COLUMNS) in _FORM_COLUMNS
        or level1_of(text) is not None
        or key in LEVEL2_NAMES
        or key == TOTAL
        or key.startswith(TOTAL + "(")
    )


def _forms(blocks: list[tuple[str, int, Any]], source: str) -> list[dict[str, Any]]:
    """The document's titles and form tables as one run of cells (rows numbered through the document), read
    into forms; the rest of the document is each form's context."""
    cells: list[Cell] = []
    seqs: list[int] = []
    texts: list[tuple[int, str]] = []
    row = 0
    for k, (kind, seq, content) in enumerate(blocks):
        if kind == "year" and not (k and blocks[k - 1][0] == "title"):
            kind, content = "text", content.text
        if kind == "text":
            texts.append((seq, content))
            continue
        if kind in ("title", "year"):
            row += 1
            content.row = row
            cells.append(content)
            seqs.append(seq)
            continue
        base = row
        for cell in content:
            cell.row += base
            row = max(row, cell.row)
            cells.append(cell)
            seqs.append(seq)
    starts = form_starts(cells)
    forms = []
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(cells)
        forms.append(FormAssembler(cells[start:stop], source, k + 1, _region, last=stop == len(cells)).read())
    # The narrative before the first form concerns every form; text after a form's start is that form's.
    opened_at = [seqs[start] for start in starts]
    for form, opened in zip(forms, opened_at):
        later = [s for s in opened_at if s > opened]
        until = min(later) if later else None
        own = [t for seq, t in texts if (seq < opened_at[0]) or (opened <= seq and (until is None or seq < until))]
        if own:
            form["context"] = "\n".join(own)
    return forms


def _region(cells) -> dict[str, Any]:
    """A form's place: its table and rows (R1C1:R28C8), or the tables it spans (表格1–2)."""
    grid = [c for c in cells if c.col]
    tables = list(dict.fromkeys(c.where["sheet"] for c in grid))
    if not tables:
        return {"sheet": cells[0].where.get("sheet")}
    if len(tables) > 1:
        return {"sheet": f"{tables[0]}–{tables[-1].removeprefix('表格')}"}
    first, last = grid[0], grid[-1]
    left, right = min(c.col for c in grid), max(c.last_col for c in grid)
    first_row = first.where["cell"].split("C")[0]
    last_row = last.where["cell"].split("C")[0]
    return {"sheet": tables[0], "cell": f"{first_row}C{left}:{last_row}C{right}"}
