"""Reader for 项目支出绩效自评表 in Word documents (.docx): the form's tables read by their labels.

Each table of the document becomes rows of grid cells (a horizontally merged cell once, with its
last column; a vertically merged cell once, in its first row: where Word keeps the text), named
by table, row and grid column ("表格2", "R5C3"). The tables that hold form labels are stacked in
document order and read by the same label logic as a worksheet (`grid.py`), so a form split into
a header table and an indicator table is one form, and several forms in one document are several.
A paragraph that is a 项目支出绩效自评表 title starts a new form. Every other paragraph, and every
table without form labels (a 自评报告's narrative, its own tables), is kept as the form's
`context` for the LLM checks and is never read as a field.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from ziping.readers import ReadResult
from ziping.readers.grid import Cell, Row, form_starts, forms_result, read_form
from ziping.readers.labels import (
    FORM_HEADING,
    FUNDS_COLUMNS,
    HEADER,
    INDICATOR_COLUMNS,
    LEVEL2_NAMES,
    TOTAL,
    level1_of,
    match_exact,
    match_prefix,
    normalize,
    split_label,
)
from ziping.readers.xlsx import WorkbookError, open_office_zip

# A title paragraph is short; a sentence that merely mentions the form ("现将项目支出绩效自评表报送如下。") is not one.
_TITLE_MAX = 40
_SENTENCE_END = ("。", ";", ",", ":", "!", "?")
# Headings that only a form's table carries: a table with one of them is read as (part of) a form.
_FORM_COLUMNS = {"budget", "executed", "name", "target", "actual"}
_DOCUMENT = ("文档", "the document")
# "（2022年度）" printed under the title; the year in a title ("2023年度项目支出绩效自评表").
_YEAR_LINE = re.compile(r"\(?(?:\d{4})年度?\)?")
_YEAR_IN_TITLE = re.compile(r"(\d{4})年度?")
# A table continued on the next page is announced; the words are not narrative.
_CONTINUED = {"续表", "(续表)", "续上表", "(续上表)"}


@dataclass(slots=True)
class _Segment:
    """Form tables after one title paragraph (or before the first): one form or several."""

    title_seq: int | None
    year: dict[str, Any] | None = None  # from the title ("2023年度项目支出绩效自评表") or the line under it
    rows: list[Row] = field(default_factory=list)
    row_seq: list[int] = field(default_factory=list)  # the document position of each row's table


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
            if any(_is_anchor(cell.text) for _, cells in rows for cell in cells):
                blocks.append(("table", seq, rows))
            elif rows:  # a table of the report's own (staff list, spending detail): context
                blocks.append(("text", seq, "\n".join(" | ".join(c.text for c in cells) for _, cells in rows)))
            continue
        paragraphs += 1
        if not (text := item.text.strip()) or normalize(text) in _CONTINUED:
            continue
        if _is_title(text):
            blocks.append(("title", seq, (text, paragraphs)))
        elif _YEAR_LINE.fullmatch(normalize(text)):
            blocks.append(("year", seq, (text, paragraphs)))
        else:
            blocks.append(("text", seq, text))
    return blocks


def _rows(table, sheet: str) -> list[Row]:
    """A table's cells with text, by grid position; merged cells once, where Word keeps their text."""
    from docx.table import _Cell

    rows: list[Row] = []
    for r, tr in enumerate(table._tbl.tr_lst, start=1):
        col = tr.grid_before + 1
        cells: list[Cell] = []
        for tc in tr.tc_lst:
            span = tc.grid_span
            # A vMerge="continue" cell is the same cell as the one above: its text, if any, is not shown by Word.
            if tc.vMerge != "continue" and (text := _Cell(tc, table).text.strip()):
                cells.append(Cell(r, col, col + span - 1, f"R{r}C{col}", text, sheet=sheet))
            col += span
        if cells:
            rows.append((r, cells))
    return rows


def _is_title(text: str) -> bool:
    key = normalize(text)
    return FORM_HEADING in key and len(key) <= _TITLE_MAX and not key.endswith(_SENTENCE_END)


def _is_anchor(text: str) -> bool:
    """A label only a form's table holds."""
    key = normalize(text)
    return (
        key.endswith(FORM_HEADING)
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
    segments: list[_Segment] = []
    texts: list[tuple[int, str]] = []
    for kind, seq, content in blocks:
        if kind == "title":
            segments.append(_Segment(seq, _year(*content)))
        elif kind == "year" and segments and not segments[-1].rows and segments[-1].year is None:
            segments[-1].year = _year(*content)  # "（2022年度）" under the title
        elif kind in ("text", "year"):
            texts.append((seq, content if kind == "text" else content[0]))
        else:
            if not segments:
                segments.append(_Segment(None))
            segments[-1].rows.extend(content)
            segments[-1].row_seq.extend([seq] * len(content))
    parts: list[tuple[int, list[Row], dict | None]] = []  # (where the form starts in the document, its rows, year)
    for segment in segments:
        if not segment.rows:
            continue  # a title with no table after it: a heading in the narrative
        starts = form_starts(segment.rows)
        if segment.title_seq is not None and (not starts or starts[0] != 0):
            starts = [0, *starts]  # the title paragraph opens the form, whatever its first table holds
        for k, start in enumerate(starts):
            stop = starts[k + 1] if k + 1 < len(starts) else len(segment.rows)
            titled = k == 0 and segment.title_seq is not None
            opened = segment.title_seq if titled else segment.row_seq[start]
            parts.append((opened, segment.rows[start:stop], segment.year if titled else None))
    forms = []
    for index, (_, rows, year) in enumerate(parts, start=1):
        form = read_form("", rows, source, index, _region)
        if year is not None and "year" not in form["header"]:
            form["header"]["year"] = year
        forms.append(form)
    # The narrative before the first form concerns every form; text after a form's start is that form's.
    opened_at = [opened for opened, _, _ in parts]
    for form, (opened, _, _) in zip(forms, parts):
        later = [s for s in opened_at if s > opened]
        until = min(later) if later else None
        own = [t for seq, t in texts if (seq < opened_at[0]) or (opened <= seq and (until is None or seq < until))]
        if own:
            form["context"] = "\n".join(own)
    return forms


def _year(text: str, paragraph: int) -> dict[str, Any] | None:
    """The year a title paragraph or the line under it gives, as a header field located at that paragraph."""
    if not (m := _YEAR_IN_TITLE.search(normalize(text))):
        return None
    return {"raw": m.group(1), "location": {"sheet": f"正文第{paragraph}段"}}


def _region(_: str, rows: list[Row]) -> dict[str, str]:
    """A form's place: its table and rows (R1C1:R28C8), or the tables it spans (表格1–2)."""
    cells = [c for _, row in rows for c in row]
    tables = list(dict.fromkeys(c.sheet for c in cells if c.sheet))
    if len(tables) > 1:
        return {"sheet": f"{tables[0]}–{tables[-1].removeprefix('表格')}"}
    left, right = min(c.col for c in cells), max(c.last_col for c in cells)
    return {"sheet": tables[0], "cell": f"R{cells[0].row}C{left}:R{cells[-1].row}C{right}"}
