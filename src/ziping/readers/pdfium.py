"""PDF pages read by PDFium (pypdfium2), shaped as pdfplumber pages so pdfplumber's own table code runs on them.

pdfplumber gets its characters and ruling lines from pdfminer, which interprets every content
stream in Python: about three quarters of a page's reading time. PDFium does the same work in C.
`open_pdf` gives a document whose pages are `pdfplumber.page.Page` objects filled from PDFium:

- characters with pdfminer's boxes: PDFium's *loose* box (advance width, from the font's descent),
  one em high when the character is not rotated (PDFium's loose top follows some glyphs higher,
  and its tight glyph boxes differ per glyph: either changes which characters share a line);
  pdfminer's size (the box's height) and upright test; without the spaces and line breaks PDFium
  generates itself. PDFium orders a line's text objects left to right where pdfminer keeps the
  content stream's order; pdfplumber sorts each line by position, so the text is the same;
- the painted paths, each subpath classified as pdfminer classifies it (a single segment is a
  line, a closed axis-aligned four-cornered loop a rect, anything else a curve), in pdfminer's
  coordinates (the page's /Rotate applied, origin at the top left);
- image objects, so a scan can be told from an empty page.

Everything pdfplumber derives from those works unchanged: `find_tables` / `TableFinder`,
`Table.extract`, `.rows`, `.cells`, `.bbox`, `filter`, `crop`, `extract_words`,
`extract_text_lines`. What needs pdfminer's objects themselves (`layout`, `annots`, `to_image`,
structure trees) is not there.

PDFium is not thread-safe: every call into it (opening, loading and reading a page, closing)
holds one lock, never while a page is in the caller's hands.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.page import Page

Matrix = tuple[float, float, float, float, float, float]
_LOCK = threading.RLock()


class PdfiumPasswordError(Exception):
    """The PDF needs a password to open."""


class PdfiumPage(Page):
    """One page as pdfplumber's `Page`, its objects taken from PDFium instead of pdfminer."""

    def __init__(self, page: Any, page_number: int, initial_doctop: float) -> None:
        # pdfplumber's own __init__ reads a pdfminer page; this sets the same attributes from PDFium.
        self.pdf = None
        self.page_obj = None
        self.root_page = self
        self.page_number = page_number
        self.initial_doctop = initial_doctop
        self.rotation = page.get_rotation() % 360
        x0, y0, x1, y1 = page.get_mediabox()
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        raw = (y0, x0, y1, x1) if self.rotation in (90, 270) else (x0, y0, x1, y1)
        height = raw[3] - raw[1]
        self.mediabox = self.cropbox = self.bbox = (raw[0], height - raw[3], raw[2], height - raw[1])
        self.get_textmap = lru_cache()(self._get_textmap)
        self._pdfium_page = page
        self._device = _device_matrix(self.rotation, (x0, y0, x1, y1))

    @property
    def objects(self) -> dict[str, list[dict[str, Any]]]:
        if hasattr(self, "_objects"):
            return self._objects
        objects: dict[str, list[dict[str, Any]]] = {}
        with _LOCK:
            chars = self._chars()
            self._collect(self._pdfium_page, objects)
        if chars:
            objects["char"] = chars
        self._objects = objects
        return objects

    def close(self) -> None:
        super().close()
        with _LOCK:
            self._pdfium_page.close()

    def _to_plumber(self, x: float, y: float) -> tuple[float, float]:
        """A point in PDF user space as pdfplumber's (x, top)."""
        a, b, c, d, e, f = self._device
        dx, dy = a * x + c * y + e, b * x + d * y + f
        return dx + self.mediabox[0], (self.height - dy) + self.mediabox[1]

    def _chars(self) -> list[dict[str, Any]]:
        textpage = self._pdfium_page.get_textpage()
        try:
            return self._read_chars(textpage.raw)
        finally:
            textpage.close()

    def _read_chars(self, textpage: Any) -> list[dict[str, Any]]:
        # The hot loop of PDF reading: raw handles and local names, the transform written out.
        count = pdfium_c.FPDFText_CountChars(textpage)
        texts = _char_texts(textpage, count)
        box, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
        box_ref, matrix_ref = ctypes.byref(box), ctypes.byref(matrix)
        a, b, c, d, e, f = self._device
        shift_x, height, shift_top = self.mediabox[0], self.height, self.mediabox[1]
        doctop_shift, page_number = self.initial_doctop, self.page_number
        generated = pdfium_c.FPDFText_IsGenerated
        loose_box, font_size = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontSize
        char_matrix = pdfium_c.FPDFText_GetMatrix
        chars: list[dict[str, Any]] = []
        for index, text in enumerate(texts):
            # PDFium adds the spaces and line breaks it infers; pdfminer has only the drawn ones.
            if (text.isspace() or not text.isprintable()) and generated(textpage, index):
                continue
            if not loose_box(textpage, index, box_ref):
                continue
            # The box's corners in pdfminer's device space, then pdfplumber's (x, top).
            left, right, low, high = box.left, box.right, box.bottom, box.top
            xa, xb = a * left + c * low + e, a * right + c * high + e
            ya, yb = b * left + d * low + f, b * right + d * high + f
            x0, x1 = (xa, xb) if xa <= xb else (xb, xa)
            y0, y1 = (ya, yb) if ya <= yb else (yb, ya)
            upright = True
            if char_matrix(textpage, index, matrix_ref):
                # pdfminer's test, on the character's matrix in device space (the page's rotation applied).
                ma, mb = matrix.a * a + matrix.b * c, matrix.a * b + matrix.b * d
                mc, md = matrix.c * a + matrix.d * c, matrix.c * b + matrix.d * d
                upright = ma * md > 0 and mb * mc <= 0
                if mb == 0 and mc == 0:
                    # pdfminer's box is one em high from the descent; PDFium's reaches up to some glyphs' tops,
                    # and a top a little higher can join a character to the line above.
                    if md > 0:
                        y1 = y0 + font_size(textpage, index) * md
                    else:
                        y0 = y1 + font_size(textpage, index) * md
            top, bottom = height - y1 + shift_top, height - y0 + shift_top
            chars.append(
                {
                    "object_type": "char",
                    "page_number": page_number,
                    "text": text,
                    "x0": x0 + shift_x,
                    "x1": x1 + shift_x,
                    "top": top,
                    "bottom": bottom,
                    "doctop": top + doctop_shift,
                    "y0": y0,
                    "y1": y1,
                    "width": x1 - x0,
                    "height": y1 - y0,
                    "size": y1 - y0,  # pdfminer's size of a horizontally written character: its height
                    "upright": upright,
                }
            )
        return chars

    def _collect(self, parent: Any, objects: dict[str, list[dict[str, Any]]], outer: Matrix | None = None) -> None:
        """Paths and images of the page or of a form XObject inside it, in page coordinates."""
        if outer is None:
            count, get = pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject
        else:
            count, get = pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject
        matrix = pdfium_c.FS_MATRIX()
        for k in range(count(parent)):
            obj = get(parent, k)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_IMAGE):
                continue
            own: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            if pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
                own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            full = own if outer is None else _multiply(own, outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                self._collect(obj, objects, full)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                objects.setdefault("image", []).append(self._shape("image", _unit_square(full), obj))
            else:
                self._paths(obj, full, objects)

    def _paths(self, obj: Any, matrix: Matrix, objects: dict[str, list[dict[str, Any]]]) -> None:
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
            return
        if not fill.value and not stroke.value:
            return  # a clipping path: pdfminer paints none
        for shape, points in _subpaths(obj, matrix):
            kind = _classify(shape, points)
            item = self._shape(kind, points, obj)
            item.update(stroke=bool(stroke.value), fill=bool(fill.value))
            objects.setdefault(kind, []).append(item)

    def _shape(self, kind: str, points: Sequence[tuple[float, float]], obj: Any) -> dict[str, Any]:
        """A line, rect, curve or image as pdfplumber's dict: its box, and for paths its points."""
        pts = [self._to_plumber(x, y) for x, y in points]
        xs, tops = [p[0] for p in pts], [p[1] for p in pts]
        x0, x1, top, bottom = min(xs), max(xs), min(tops), max(tops)
        item: dict[str, Any] = {
            "object_type": kind,
            "page_number": self.page_number,
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": bottom,
            "doctop": top + self.initial_doctop,
            "y0": self.height - bottom,
            "y1": self.height - top,
            "width": x1 - x0,
            "height": bottom - top,
        }
        if kind != "image":
            item["pts"] = pts
            width = ctypes.c_float()
            item["linewidth"] = width.value if pdfium_c.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(width)) else 0.0
        return item


def _subpaths(obj: Any, matrix: Matrix) -> Iterator[tuple[str, list[tuple[float, float]]]]:
    """Each subpath as pdfminer sees it: its operators (m, l, c, h) and the end point of each, in user space."""
    x, y = ctypes.c_float(), ctypes.c_float()
    shape: list[str] = []
    points: list[tuple[float, float]] = []
    bezier = 0
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = _apply(matrix, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if shape:
                yield "".join(shape), points
            shape, points, bezier = ["m"], [point], 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            # PDFium lists a curve's two control points and its end as three segments; pdfminer keeps the end.
            bezier += 1
            if bezier < 3:
                continue
            bezier = 0
            shape.append("c")
            points.append(point)
        else:
            shape.append("l")
            points.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(segment) and shape:
            shape.append("h")
            points.append(points[0])
    if shape:
        yield "".join(shape), points


def _classify(shape: str, points: list[tuple[float, float]]) -> str:
    """pdfminer's classification of one painted subpath (its `paint_path`): line, rect or curve."""
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        # A closing "l" back to the start and then "h": one corner, not two (PDFium writes `re` so).
        shape = shape[:-2] + "h"
        points.pop()
    if shape in ("mlh", "ml"):
        return "line"
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = points
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if points[0] == points[4] and square:
            return "rect"
    return "curve"


def _char_texts(textpage: Any, count: int) -> list[str]:
    """Each character's text, read in one call; one by one when a character lies outside UTF-16's basic plane."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
    text = bytes(buffer)[: max(written - 1, 0) * 2].decode("utf-16-le", errors="surrogatepass")
    if len(text) == count and not any("\ud800" <= ch <= "\udfff" for ch in text):
        return list(text)
    return [_char(pdfium_c.FPDFText_GetUnicode(textpage, index)) for index in range(count)]


def _char(code: int) -> str:
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return "\ufffd"


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n, PDF's row-vector convention."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _unit_square(m: Matrix) -> list[tuple[float, float]]:
    """An image's corners: images are drawn into the unit square of their matrix."""
    return [_apply(m, x, y) for x, y in ((0, 0), (1, 0), (1, 1), (0, 1))]


def _device_matrix(rotation: int, mediabox: tuple[float, float, float, float]) -> Matrix:
    """pdfminer's initial CTM for a page: user space to the rotated page's space (`process_page`)."""
    x0, y0, x1, y1 = mediabox
    if rotation == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotation == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


class PdfiumDocument:
    """A PDF's pages, each made when it is reached: `len(doc.pages)`, `for page in doc.pages`."""

    def __init__(self, document: Any) -> None:
        self._document = document
        self.pages = _Pages(document)  # counts the pages: called under the caller's lock

    def close(self) -> None:
        with _LOCK:
            self._document.close()


class _Pages(Sequence):
    def __init__(self, document: Any) -> None:
        self._document = document
        self._count = len(document)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        doctop = 0.0
        for k in range(index):  # pdfplumber's doctop: the heights of the pages before
            before = self._page(k, 0.0)
            doctop += before.height
            before.close()
        return self._page(index, doctop)

    def __iter__(self) -> Iterator[PdfiumPage]:
        doctop = 0.0
        for index in range(self._count):
            page = self._page(index, doctop)
            doctop += page.height
            yield page

    def _page(self, index: int, doctop: float) -> PdfiumPage:
        with _LOCK:
            return PdfiumPage(self._document[index], index + 1, doctop)


@contextmanager
def open_pdf(data: bytes) -> Iterator[PdfiumDocument]:
    """A PDF's bytes opened by PDFium; raises PdfiumPasswordError, or pypdfium2's PdfiumError when it cannot load."""
    try:
        with _LOCK:
            document = PdfiumDocument(pdfium.PdfDocument(data))
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise PdfiumPasswordError(str(exc)) from exc
        raise
    try:
        yield document
    finally:
        document.close()
