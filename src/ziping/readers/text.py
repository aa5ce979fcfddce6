"""Text forms as located cells: the seed's layout by its own row splitter, anything else as a stream."""

from __future__ import annotations

from ziping.readers.cells import Cell


def text_cells(text: str) -> list[Cell]:
    """The cells of a text form, for the assembler: the seed template's PDF text in rows and columns where
    the text is laid out that way, otherwise the cells in reading order (`streams.py`)."""
    from ziping.readers.seed import is_seed_layout, seed_cells

    if is_seed_layout(text):
        cells = seed_cells(text)
        if cells:
            return cells
    from ziping.readers.streams import stream

    return stream(text)


def read_text(text: str, source: str | None = None) -> list[dict]:
    """Every form in a text, as raw dicts ready for `Form.model_validate`."""
    from ziping.readers.assemble import read_forms

    return read_forms(text_cells(text), source)
