"""PDF pages read by PDFium: what pdfplumber's table code sees is what pdfminer gave it, and the forms read are the same."""

from __future__ import annotations

import io
import threading

import pdfplumber
import pypdfium2 as pdfium
import pytest

from ziping.readers import pdf as pdf_reader
from ziping.readers.pdf import extract_table, iter_pages, pdf_cells, read_pdf
from ziping.readers.pdfium import PdfiumPage, open_pdf

from .conftest import FIXTURES

SEED_PDF = FIXTURES / "pdf" / "longgang-2023-selfeval.pdf"
PDFS = [SEED_PDF, *sorted((FIXTURES / "pdf" / "synth").glob("*.pdf"))]


def _cells(data: bytes, backend: str) -> tuple[list[tuple], str]:
    """What a PDF gives the assembler: every cell with its place, and the text outside the tables."""
    cells, text = pdf_cells(data, backend)
    return [(c.text, c.where, c.row, c.col, c.last_col) for c in cells or []], text


def _forms(data: bytes, backend: str) -> list[dict]:
    result = read_pdf(data, "表.pdf", backend)
    assert result.problem is None, result.problem
    return [form.model_dump() for form in result.forms]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_same_cells_and_same_forms_as_pdfminer(path):
    data = path.read_bytes()
    cells, _ = _cells(data, "pdfium")
    assert cells and (cells, _) == _cells(data, "pdfplumber")
    forms = _forms(data, "pdfium")
    assert forms and forms == _forms(data, "pdfplumber")


def _pages_side_by_side(data: bytes):
    with pdfplumber.open(io.BytesIO(data)) as old, open_pdf(data) as new:
        assert len(new.pages) == len(old.pages)
        yield from zip(old.pages, new.pages)


def test_characters_are_pdfminers():
    for before, after in _pages_side_by_side(SEED_PDF.read_bytes()):
        assert isinstance(after, PdfiumPage)
        assert after.bbox == pytest.approx(before.bbox, abs=1e-3)
        old, new = before.chars, after.chars
        assert [c["text"] for c in new] == [c["text"] for c in old]
        for a, b in zip(old, new):
            assert (b["upright"], b["object_type"]) == (a["upright"], a["object_type"])
            for key in ("top", "bottom", "doctop", "size"):
                assert b[key] == pytest.approx(a[key], abs=0.01), key
            # PDFium rounds advance widths: a line drifts by hundredths of a point, one glyph by up to 0.25.
            assert (b["x0"], b["x1"]) == pytest.approx((a["x0"], a["x1"]), abs=0.3)


def test_ruling_lines_tables_and_the_text_around_them_are_pdfminers():
    for before, after in _pages_side_by_side(SEED_PDF.read_bytes()):

        def edges(page):
            return sorted((e["orientation"], *(e[k] for k in ("x0", "top", "x1", "bottom"))) for e in page.edges)

        old_edges, new_edges = edges(before), edges(after)
        assert len(new_edges) == len(old_edges) > 0
        for a, b in zip(old_edges, new_edges):
            assert b[0] == a[0] and b[1:] == pytest.approx(a[1:], abs=0.01)
        old_tables, new_tables = before.find_tables(), after.find_tables()
        assert len(new_tables) == len(old_tables) > 0
        for a, b in zip(old_tables, new_tables):
            assert b.bbox == pytest.approx(a.bbox, abs=0.1)
            assert [len(row.cells) for row in b.rows] == [len(row.cells) for row in a.rows]
            assert extract_table(after, b) == extract_table(before, a) == a.extract(x_tolerance=1.5, y_tolerance=3)
        # The cells and the text around the tables, line by line. (Over a whole page lines can differ: rows of a
        # generated table stand exactly 3 pt apart, the tolerance, and PDFium's single-precision positions fall on
        # either side.)
        old_grid, new_grid = pdf_reader._PdfGrid(), pdf_reader._PdfGrid()
        assert new_grid.add_page(after, 1, new_tables) == old_grid.add_page(before, 1, old_tables)
        assert [(c.text, c.where, c.col, c.last_col) for c in new_grid.cells] == [
            (c.text, c.where, c.col, c.last_col) for c in old_grid.cells
        ]


def _rotated_copy(rotation: int, turn_content: bool) -> bytes:
    """The seed PDF with /Rotate set; with `turn_content` its content is turned the other way, so it reads upright."""
    source = pdfium.PdfDocument(SEED_PDF)
    target = pdfium.PdfDocument.new()
    for index in range(len(source)):
        width, height = source[index].get_size()
        if turn_content:
            page = target.new_page(height, width)
            content = source.page_as_xobject(index, target).as_pageobject()
            turn = (0, 1, -1, 0, height, 0) if rotation == 90 else (0, -1, 1, 0, 0, width)
            content.set_matrix(pdfium.PdfMatrix(*turn))
            page.insert_obj(content)
            page.gen_content()
        else:
            target.import_pages(source, [index])
            page = target[index]
        page.set_rotation(rotation)
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("rotation, turn_content", [(90, False), (180, False), (270, False), (90, True), (270, True)])
def test_rotated_pages_read_as_pdfminer_reads_them(rotation, turn_content):
    data = _rotated_copy(rotation, turn_content)
    assert _cells(data, "pdfium") == _cells(data, "pdfplumber")
    if turn_content:  # upright again: the forms themselves
        assert len(_forms(data, "pdfium")) == 3
        assert _forms(data, "pdfium") == _forms(data, "pdfplumber")


def test_a_page_pdfium_cannot_read_is_read_by_pdfminer_from_there_on(monkeypatch):
    data = SEED_PDF.read_bytes()
    expected = _cells(data, "pdfplumber")
    objects = PdfiumPage.objects.fget

    def failing_on_page_3(page):
        if page.page_number == 3:
            raise RuntimeError("PDFium gave up")
        return objects(page)

    monkeypatch.setattr(PdfiumPage, "objects", property(failing_on_page_3))
    backends = [type(page).__name__ for page in iter_pages(data)]
    assert backends == ["PdfiumPage", "PdfiumPage", "Page", "Page", "Page", "Page"]
    assert _cells(data, "pdfium") == expected


def test_without_pypdfium2_pdfminer_reads_everything(monkeypatch):
    import sys

    data = SEED_PDF.read_bytes()
    monkeypatch.setitem(sys.modules, "ziping.readers.pdfium", None)  # import fails
    assert [type(page).__name__ for page in iter_pages(data)] == ["Page"] * 6
    assert _cells(data, "pdfium") == _cells(data, "pdfplumber")


@pytest.mark.parametrize("backend", ["pdfium", "pdfplumber"])
def test_encrypted_and_scanned_pdfs_keep_their_reasons(backend):
    encrypted = read_pdf((FIXTURES / "pdf" / "encrypted.pdf").read_bytes(), "密.pdf", backend)
    assert (encrypted.problem.code, encrypted.problem.reason_zh) == ("ZP001", pdf_reader.ENCRYPTED[0])
    scan = read_pdf((FIXTURES / "pdf" / "scan.pdf").read_bytes(), "扫描.pdf", backend)
    assert (scan.problem.code, scan.problem.reason_zh) == ("ZP002", pdf_reader.NO_TEXT_LAYER[0])


def test_a_damaged_pdf_gets_pdfminers_reason():
    data = SEED_PDF.read_bytes()[:5000]
    new, old = read_pdf(data, "坏.pdf"), read_pdf(data, "坏.pdf", "pdfplumber")
    assert new.problem.code == "ZP001" and "损坏或不完整" in new.problem.reason_zh
    assert new.problem.reason_zh == old.problem.reason_zh


def test_limits_hold_for_pdfium(monkeypatch):
    data = SEED_PDF.read_bytes()
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 5)
    assert "页数过多" in read_pdf(data, "长.pdf").problem.reason_zh
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 200)
    monkeypatch.setattr(pdf_reader, "MAX_SECONDS", -1.0)
    assert "超时" in read_pdf(data, "慢.pdf").problem.reason_zh


def test_threads_reading_at_once_get_whole_answers():
    data = SEED_PDF.read_bytes()
    expected = _cells(data, "pdfium")
    results: list[tuple] = []

    def read() -> None:
        results.append(_cells(data, "pdfium"))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_synthetic_pdfs_read_alike(tmp_path):
    """A sample of `ziping synth` PDFs (bench/check_backends.py runs 300)."""
    from ziping.synth import writers
    from ziping.synth.generate import generate_corpus

    if why := writers.pdf_unavailable():
        pytest.skip(why)
    generate_corpus(tmp_path, 12, seed=7, formats=("pdf",))
    paths = sorted(tmp_path.glob("*.pdf"))
    assert len(paths) >= 10
    for path in paths:
        data = path.read_bytes()
        assert _cells(data, "pdfium") == _cells(data, "pdfplumber"), path.name
