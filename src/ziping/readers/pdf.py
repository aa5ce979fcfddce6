"""PDF reader: the text layer, in the reading order of the seed's template, fed to the text reader.

Plain `extract_text` reads a table line by line across the page, so the wrapped lines of cells
that sit side by side interleave ("人大工作纪念画册 … 画册制作时间为" / "（期） … 12月份，因制作").
Where pdfplumber finds a ruled table, each cell's text is taken whole (`Table.extract`) and the
row is written out the way the text reader expects text extracted from this template: short
cells on one line, a wrapped cell on lines of its own, the deviation note after its row, a blank
line between rows. Text outside tables, and pages without ruled tables, use `extract_text_lines`.
Line numbers in locations refer to this extracted text (pages joined in order).
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ziping.model import Form
from ziping.readers.labels import PLACEHOLDER_TOKENS, is_known_label
from ziping.readers.text import read_text

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.table import Table

    from ziping.readers import ReadResult

MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 200
MAX_SECONDS = 60.0  # checked between pages: a pathological page cannot stall a batch for longer than itself
# Characters closer than this (points) belong to one word; CJK glyphs touch, so words split only at real gaps.
X_TOLERANCE = 1.5
Y_TOLERANCE = 3
NOTE_HEADINGS = ("偏差原因", "原因分析", "未完成原因")
ENCRYPTED = ("PDF 已加密（需要密码），无法读取", "the PDF is encrypted (password required)")
NO_TEXT_LAYER = (
    "PDF 没有文字层（可能是扫描件），请提供可复制文字的 PDF 或原始表格",
    "the PDF has no text layer (a scan?)",
)


class PdfUnreadable(Exception):
    """The PDF could not be turned into text: a ZP001/ZP002 with its reasons."""

    def __init__(self, code: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.code, self.reason_zh, self.reason_en = code, reason_zh, reason_en


def read_pdf(data: bytes, source: str, backend: str = "pdfium") -> ReadResult:
    """Every form in a PDF's text layer; unreadable PDFs become ZP001, scans ZP002."""
    from ziping.readers import FileProblem, ReadResult

    try:
        text = pdf_text(data, backend)
    except PdfUnreadable as exc:
        scan = (exc.reason_zh, exc.reason_en) == NO_TEXT_LAYER
        return ReadResult(source, problem=FileProblem(exc.code, exc.reason_zh, exc.reason_en, holds_form=scan))
    forms = [Form.model_validate(raw) for raw in read_text(text, source)]
    if not forms:
        return ReadResult(
            source,
            problem=FileProblem(
                "ZP002", "PDF 中没有“项目支出绩效自评表”标题", "no 项目支出绩效自评表 heading in the PDF"
            ),
        )
    return ReadResult(source, forms=forms)


def pdf_text(data: bytes, backend: str = "pdfium") -> str:
    """The text of every page in reading order; raises PdfUnreadable."""
    pages_text: list[str] = []
    carried: tuple[int, int] | None = None
    pages = iter_pages(data, backend)
    try:
        for page in pages:
            text, carried = _page_text(page, carried)
            pages_text.append(text)
    except PdfUnreadable:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged files; every one is a bad input, not a bug
        raise _unreadable(exc) from exc
    finally:
        pages.close()  # the document too, at once, whatever stopped the reading
    text = "\n".join(pages_text)
    if text.count("(cid:") * 7 > len(text) // 2:
        # Glyphs without a Unicode map: pdfminer shows "(cid:12)" for each, and the text says nothing.
        raise PdfUnreadable(
            "ZP002",
            "PDF 的文字无法解码（字体缺少字符映射），请提供可复制文字的 PDF 或原始表格",
            "the PDF's text cannot be decoded (its fonts have no character map)",
        )
    return text


def iter_pages(data: bytes, backend: str = "pdfium") -> Iterator[Page]:
    """Each page of a PDF as a pdfplumber `Page`, in order, closed once the next is asked for; raises PdfUnreadable.

    The seam between a PDF and what reads its tables: `find_tables`, `Table.extract`, `filter`,
    `extract_text_lines` … work on every page. `backend` "pdfium" reads characters and ruling lines
    with PDFium (`readers/pdfium.py`), about three times as fast; "pdfplumber" with pdfminer, the
    reader before it. A file PDFium cannot read is read by pdfminer from the page where PDFium
    stopped, so its problems keep pdfminer's reasons. The limits hold for both: 50 MB, 200 pages,
    60 s (checked between pages). A PDF without a character ends in ZP002, a scan's reason when it
    holds images.
    """
    if len(data) > MAX_BYTES:
        raise PdfUnreadable(
            "ZP001",
            f"PDF 文件过大（{len(data) / 1024 / 1024:.0f} MB，上限 {MAX_BYTES // 1024 // 1024} MB）",
            f"the PDF is too large ({len(data) / 1024 / 1024:.0f} MB, limit {MAX_BYTES // 1024 // 1024} MB)",
        )
    deadline = time.monotonic() + MAX_SECONDS
    counts = {"chars": 0, "images": 0}
    done = 0
    if backend == "pdfium":
        try:
            for page in _limited(_pdfium_pages(data), deadline, counts):
                yield page
                done += 1
        except _PdfiumFailed:
            pass  # pdfminer reads on from the page PDFium could not give
        else:
            _require_text(counts)
            return
    elif backend != "pdfplumber":
        raise ValueError(f"unknown PDF backend {backend!r}")
    for page in _limited(_pdfplumber_pages(data, skip=done), deadline, counts):
        yield page
    _require_text(counts)


class _PdfiumFailed(Exception):
    """PDFium could not open the file or a page of it."""


def _pdfium_pages(data: bytes) -> Iterator[Page]:
    try:
        from ziping.readers.pdfium import PdfiumPasswordError, open_pdf
    except ImportError as exc:  # an install without pypdfium2: pdfminer reads everything
        raise _PdfiumFailed from exc
    try:
        with open_pdf(data) as pdf:
            _check_page_count(len(pdf.pages))
            for page in pdf.pages:
                _ = page.objects  # parsed here, so that a failure is PDFium's and pdfminer can take over
                yield page
    except PdfiumPasswordError:
        raise PdfUnreadable("ZP001", *ENCRYPTED) from None
    except PdfUnreadable:
        raise
    except Exception as exc:  # noqa: BLE001 -- pypdfium2 and ctypes raise many types on a file PDFium cannot read
        raise _PdfiumFailed from exc


def _pdfplumber_pages(data: bytes, skip: int = 0) -> Iterator[Page]:
    try:
        import pdfplumber
    except ImportError as exc:  # an install without the dependency: say so instead of a traceback
        raise PdfUnreadable("ZP001", "缺少 pdfplumber，无法读取 PDF", "pdfplumber is not installed") from exc
    import io

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            _check_page_count(len(pdf.pages))
            yield from pdf.pages[skip:]
    except PdfUnreadable:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged files; every one is a bad input, not a bug
        raise _unreadable(exc) from exc


def _check_page_count(total: int) -> None:
    if total > MAX_PAGES:
        raise PdfUnreadable(
            "ZP001", f"PDF 页数过多（{total} 页，上限 {MAX_PAGES} 页）", f"too many pages ({total}, limit {MAX_PAGES})"
        )


def _limited(pages: Iterator[Page], deadline: float, counts: dict[str, int]) -> Iterator[Page]:
    """The pages within the time limit, each closed after use; counts characters and images."""
    try:
        for page in pages:
            if time.monotonic() > deadline:
                raise PdfUnreadable(
                    "ZP001",
                    f"PDF 解析超时（超过 {MAX_SECONDS:.0f} 秒）",
                    f"PDF parsing timed out ({MAX_SECONDS:.0f} s)",
                )
            counts["chars"] += len(page.chars)
            counts["images"] += len(page.images)
            yield page
            page.close()  # frees the page's parsed objects: memory stays flat over long PDFs
    finally:
        pages.close()  # type: ignore[attr-defined]  # the document, at once, whatever stopped the reading


def _require_text(counts: dict[str, int]) -> None:
    if counts["chars"] == 0:
        if counts["images"]:
            raise PdfUnreadable("ZP002", *NO_TEXT_LAYER)
        raise PdfUnreadable("ZP002", "PDF 中没有任何文字", "the PDF holds no text")


def _unreadable(exc: Exception) -> PdfUnreadable:
    # pdfplumber wraps pdfminer's error (PDFPasswordIncorrect, PDFSyntaxError …) in PdfminerException.
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__context__ or exc
    name = type(inner).__name__
    if any("Password" in type(e).__name__ or "Encrypt" in type(e).__name__ for e in (exc, inner)):
        return PdfUnreadable("ZP001", *ENCRYPTED)
    return PdfUnreadable(
        "ZP001",
        f"PDF 文件损坏或不完整，无法解析（{name}）",
        f"the PDF is damaged or truncated and cannot be parsed ({name})",
    )


def _page_text(page: Any, carried: tuple[int, int] | None) -> tuple[str, tuple[int, int] | None]:
    """One page: its tables and the text lines outside them, ordered top to bottom.

    `carried` is the note column and column count of the last table on the previous page: a table
    split over a page break continues on the next page without its heading row.
    """
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside) if boxes else page
    blocks: list[tuple[float, list[str]]] = [
        (line["top"], [line["text"]])
        for line in rest.extract_text_lines(x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE, return_chars=False)
    ]
    for k, table in enumerate(sorted(tables, key=lambda t: t.bbox[1])):
        texts = extract_table(page, table)
        columns = max((len(row) for row in texts), default=0)
        note_column = carried[0] if carried and k == 0 and carried[1] == columns else None
        lines, note_column = _table_lines(table, texts, note_column)
        carried = (note_column, columns) if note_column is not None else None
        blocks.append((table.bbox[1], ["", *lines, ""]))
    blocks.sort(key=lambda block: block[0])
    return "\n".join(line for _, lines in blocks for line in lines), carried


def extract_table(page: Page, table: Table) -> list[list[str | None]]:
    """Each cell's text, row by row, as `table.extract` gives it, reading only the characters inside the table.

    `Table.extract` tests every character of the page against every row; a page holds several
    tables, so most of those tests are of characters elsewhere. A character belongs to a cell when
    its centre lies inside it, and every cell lies inside the table's box: the texts are the same.
    """
    from pdfplumber.table import Table

    x0, top, x1, bottom = table.bbox

    def inside(obj: dict) -> bool:
        return (
            obj.get("object_type") == "char"
            and x0 <= (obj["x0"] + obj["x1"]) / 2 <= x1
            and top <= (obj["top"] + obj["bottom"]) / 2 <= bottom
        )

    return Table(page.filter(inside), table.cells).extract(x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE)


def _table_lines(table: Any, texts: list[list[str | None]], note_column: int | None) -> tuple[list[str], int | None]:
    """A ruled table written out row by row, as text extracted from the template reads."""
    out: list[str] = []
    for row, cells in zip(table.rows, texts):
        for col, cell in enumerate(cells):
            if cell and any(heading in cell.replace("\n", "") for heading in NOTE_HEADINGS):
                note_column = col
        boxes = [box for box in row.cells if box is not None]
        row_bottom = min(box[3] for box in boxes) if boxes else 0.0
        out.extend(_row_lines(cells, row.cells, row_bottom, note_column))
        out.append("")
    return out, note_column


SHORT_PHRASE = 24  # characters: names, targets and actual values; goals and notes are longer
ENUMERATED = re.compile(r"(?:^|\D)\d[.、．]")
# A number wrapped inside its cell: an optional comparator, digits and separators, then % or a short unit.
NUMBER_PIECES = re.compile(r"[<>≥≤=]?\d[\d.,]*(?:%|[\u4e00-\u9fff]{1,3})?")


def _short_phrase(text: str) -> bool:
    """A cell short enough to be a name or a value, with no sentence or list in it."""
    return len(text) <= SHORT_PHRASE and not any(mark in text for mark in "。；;：:") and not ENUMERATED.search(text)


def _wrapped_label(text: str) -> bool:
    """A label ("其中:当年财政拨款"): its colon aside a short phrase, and one the vocabulary knows."""
    return _short_phrase(text.replace(":", "").replace("：", "")) and is_known_label(text)


def _row_lines(cells: list[str | None], boxes: list, row_bottom: float, note_column: int | None) -> list[str]:
    lines: list[str] = []
    current: list[str] = []
    previous_wrapped = False
    prose_row = len(cells) <= 2  # 预期目标 | 实际完成情况: two texts side by side, never one run-on line

    def flush() -> None:
        if current:
            lines.append(" ".join(current))
            current.clear()

    for col, (cell, box) in enumerate(zip(cells, boxes)):
        parts = [part.strip() for part in (cell or "").split("\n") if part.strip()]
        if not parts:
            continue
        joined = "".join(parts)
        if len(parts) > 1 and (
            NUMBER_PIECES.fullmatch(unicodedata.normalize("NFKC", joined))
            or _short_phrase(joined)
            or _wrapped_label(joined)
        ):
            # A number wrapped in a narrow column ("100.0" over "0") is one number, a short name or value
            # wrapped in its cell ("示范点建设数量（" over "个）") one phrase, and a label ("其中:当年财政" over
            # "拨款") one label: on lines of their own, the pieces could be read as the end of the note above
            # them, or as a piece of label and a stray word.
            parts = [joined]
        if col == note_column and joined not in PLACEHOLDER_TOKENS:
            # The note is free text after the row's score; on the score's line it would hide the score.
            flush()
            lines.extend(["", *parts])
            previous_wrapped = True
            continue
        if box is not None and box[3] > row_bottom + 1:
            # A label merged down several rows (一级指标, 二级指标, 项目资金) heads them on a line of its own;
            # it is a name, so its wrapped lines are one word again.
            flush()
            lines.append("".join(parts))
            previous_wrapped = False
            continue
        if len(parts) == 1 and previous_wrapped and (prose_row or not _short_phrase(parts[0])):
            # Prose on one line beside a wrapped cell (实际完成情况 beside a long 预期目标) is a cell of its own,
            # not the run-on end of the cell before it.
            flush()
            lines.extend(["", parts[0]])
            continue
        if len(parts) == 1:
            current.append(parts[0])
            previous_wrapped = False
            continue
        # A wrapped cell: its lines stand alone, its last line runs on with the short cells after it.
        flush()
        if previous_wrapped:
            lines.append("")
        lines.extend(parts[:-1])
        current.append(parts[-1])
        previous_wrapped = True
    flush()
    return lines
