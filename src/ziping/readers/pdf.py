"""PDF reader: each page's ruled tables as grid cells, the text around them as lines, for the one assembler.

Where PDFium (or pdfminer) and pdfplumber's table finder see a ruled table, each cell's text is
taken whole (`Table.extract`, wrapped lines joined again) and placed by the table's own grid: its
row, and the columns its edges span, numbered from the ruling lines every row of the table shares.
A table continued on the next page keeps the columns of the one before it. The text outside the
tables (the title, a header written as lines, notes) is read as text copied from a page is
(`streams.py`). Cells are named by page, table, row and column ("第2页表格1 第5行第3列"). A PDF
without any ruled table is its text layer, read as a text file.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ziping.model import Form
from ziping.readers.assemble import read_forms
from ziping.readers.cells import Cell, join_wrapped
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
    """Every form in a PDF; unreadable PDFs become ZP001, scans ZP002."""
    from ziping.readers import FileProblem, ReadResult

    try:
        cells, text = pdf_cells(data, backend)
    except PdfUnreadable as exc:
        scan = (exc.reason_zh, exc.reason_en) == NO_TEXT_LAYER
        return ReadResult(source, problem=FileProblem(exc.code, exc.reason_zh, exc.reason_en, holds_form=scan))
    if cells is not None:
        raws = read_forms(cells, source, page_region)
    else:
        raws = read_text(text, source)
    forms = [Form.model_validate(raw) for raw in raws]
    if not forms:
        return ReadResult(
            source,
            problem=FileProblem(
                "ZP002",
                "PDF 中既没有自评表标题，也没有资金或绩效指标表格",
                "neither a self-evaluation form's title nor a funds or indicator table in the PDF",
            ),
        )
    return ReadResult(source, forms=forms)


def pdf_cells(data: bytes, backend: str = "pdfium") -> tuple[list[Cell] | None, str]:
    """The cells of every page, or None when no page holds a ruled table; and the text of the pages, line by
    line (outside the tables where a page has them); raises PdfUnreadable."""
    pages_text: list[str] = []
    grid = _PdfGrid()
    pages = iter_pages(data, backend)
    try:
        for number, page in enumerate(pages, start=1):
            pages_text.append(grid.add_page(page, number, page.find_tables()))
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
    return (grid.cells if grid.tables else None), text


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


def page_region(cells: Sequence[Cell]) -> dict[str, Any]:
    """A form's pages: 第2页, or 第2–3页."""
    first, last = _page_of(cells[0]), _page_of(cells[-1])
    return {"sheet": f"第{first}页" if first == last else f"第{first}–{last}页"}


def _page_of(cell: Cell) -> int:
    return int(_PAGE.match(cell.where["sheet"]).group(1))


_PAGE = re.compile(r"第(\d+)页")
EDGE_TOLERANCE = 2.0  # points: ruling lines this close are one column edge


class _PdfGrid:
    """The cells of a PDF's pages as they are read: rows numbered across the document."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.row = 0
        self.tables = 0
        self.edges: list[float] = []  # the last table's column edges, for a table continued on the next page

    def add_page(self, page: Any, number: int, tables: list[Table]) -> str:
        """Add one page's cells; its text lines outside the tables are returned (and read as text when no page has tables)."""
        boxes = [table.bbox for table in tables]

        def outside(obj: dict) -> bool:
            if obj.get("object_type") != "char":
                return True
            x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

        rest = page.filter(outside) if boxes else page
        lines = rest.extract_text_lines(x_tolerance=X_TOLERANCE, y_tolerance=Y_TOLERANCE, return_chars=False)
        blocks: list[tuple[float, Any]] = [(line["top"], line["text"]) for line in lines]
        blocks += [(table.bbox[1], table) for table in tables]
        blocks.sort(key=lambda block: block[0])
        several = len(tables) > 1
        run: list[str] = []
        count = 0
        for _, block in blocks:
            if isinstance(block, str):
                run.append(block)
                continue
            self._lines(run, number)
            run = []
            count += 1
            self._table(page, block, f"第{number}页表格{count}" if several else f"第{number}页")
        self._lines(run, number)
        return "\n".join(line["text"] for line in lines)

    def _lines(self, lines: list[str], page: int) -> None:
        """Text outside the tables, read as text copied from a page is; each line its own row."""
        if not lines:
            return
        from ziping.readers.streams import stream

        sheet = f"第{page}页"
        for cell in stream("\n".join(lines)):
            where = {"sheet": sheet, "line": cell.where["line"], "end_line": cell.where.get("end_line")}
            self.cells.append(Cell(cell.text, where, self.row + cell.where["line"], glued=cell.glued))
        self.row += len(lines)

    def _table(self, page: Any, table: Table, sheet: str) -> None:
        texts = extract_table(page, table)
        edges = _edges(table, self.edges)
        self.edges = edges
        self.tables += 1
        for r, (row, cells) in enumerate(zip(table.rows, texts), start=1):
            self.row += 1
            for box, text in zip(row.cells, cells):
                parts = [part.strip() for part in (text or "").split("\n") if part.strip()]
                if box is None or not parts:
                    continue  # covered by a cell merged over it, or empty: the grid says where nothing is
                first, last = _column(edges, box[0]), _column(edges, box[2]) - 1
                value = _joined_parts(parts)
                self.cells.append(
                    Cell(value, {"sheet": sheet, "cell": f"R{r}C{first}"}, self.row, first, max(first, last))
                )


def _edges(table: Table, previous: list[float]) -> list[float]:
    """The table's column edges, left to right: every x where a cell of it starts or ends. A table whose
    edges are all among the previous table's (its continuation on the next page) keeps that table's."""
    xs = sorted({round(x, 1) for box in table.cells for x in (box[0], box[2])})
    edges: list[float] = []
    for x in xs:
        if not edges or x - edges[-1] > EDGE_TOLERANCE:
            edges.append(x)
    if previous and all(any(abs(x - p) <= EDGE_TOLERANCE for p in previous) for x in edges):
        return previous
    return edges


def _column(edges: list[float], x: float) -> int:
    """The 1-based column an edge at x starts (for a left edge) or the one after it ends (for a right edge)."""
    return min(range(len(edges)), key=lambda k: abs(edges[k] - x)) + 1


def _joined_parts(parts: list[str]) -> str:
    """A cell's wrapped lines as its text: a number wrapped in a narrow column ("100.0" over "0") is one number."""
    if len(parts) > 1 and NUMBER_PIECES.fullmatch(unicodedata.normalize("NFKC", "".join(parts))):
        return "".join(parts)
    return join_wrapped(parts)


# A number wrapped inside its cell: an optional comparator, digits and separators, then % or a short unit.
NUMBER_PIECES = re.compile(r"[<>≥≤=]?\d[\d.,]*(?:%|[\u4e00-\u9fff]{1,3})?")
