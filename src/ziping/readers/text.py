"""Text forms as located cells: the seed's layout by its own row splitter, anything else as a stream.

A text in the seed's layout is read block by block: a block is a run of whole forms (cut only at a
form's 项目支出绩效自评表 heading, where the seed's splitter cuts too), so a file of thousands of forms
never holds more than one block's cells and forms at a time, and gives the very forms it would give
read whole. Other layouts are read whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ziping.readers.cells import Cell

# Characters of text per block: about twenty forms of the seed's layout. Small enough that a block's cells
# cost little memory and the first form comes at once, large enough that a file of a few forms is one
# block, read exactly as before.
BLOCK_CHARS = 1 << 15


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
    return list(text_forms(text, source))


def text_forms(text: str, source: str | None = None) -> Iterator[dict]:
    """Every form in a text, one at a time (see the module doc)."""
    if len(text) <= BLOCK_CHARS:
        from ziping.readers.assemble import read_forms

        return read_forms(text_cells(text), source)
    return line_forms(split_lines(text), source, lambda: text)


def line_forms(lines: Iterable[str], source: str | None, whole: Callable[[], str]) -> Iterator[dict]:
    """The forms of a text given line by line, block by block where the text is in the seed's layout;
    `whole()` gives the whole text for any other layout, which is read at once."""
    from ziping.readers.assemble import read_forms
    from ziping.readers.seed import is_seed_layout, seed_cells

    blocks = _blocks(lines)
    _, block = next(blocks)  # the first block starts the text
    # More text only adds headings, so a first block in the seed's layout makes the whole text one.
    cells = seed_cells(block) if is_seed_layout(block) else []
    if not cells:
        yield from read_forms(text_cells(whole()), source)
        return
    # A block whose spans hold no cells adds nothing, as in the whole text; one block is read ahead, so
    # the last form knows the text ends with it (a form the text ends inside is cut off).
    # Each block's cells numbered as lines of the whole text (the first block starts it).
    celled = (cells for start, block in blocks if (cells := seed_cells(block, start)))
    current: list[Cell] | None = cells
    index = 1
    while current is not None:
        following = next(celled, None)
        for form in read_forms(current, source, first=index, ends=following is None):
            index += 1
            yield form
        current = following


def _blocks(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Runs of whole forms, each (the number of lines before it, its text), cut at a form heading once a
    run holds BLOCK_CHARS; the first run also holds what comes before the first heading."""
    block: list[str] = []
    start = size = 0
    for n, line in enumerate(lines):
        if size >= BLOCK_CHARS and _is_heading(line):
            yield start, "\n".join(block)
            block, start, size = [], n, 0
        block.append(line)
        size += len(line) + 1
    yield start, "\n".join(block)


def _is_heading(line: str) -> bool:
    """A line the seed's splitter starts a form at (`seed.split_forms`)."""
    from ziping.chinese import TRADITIONAL_HINT, convert
    from ziping.readers.seed import split_forms

    return bool(split_forms([convert(line) if TRADITIONAL_HINT.search(line) else line]))


def split_lines(text: str, chunk: int = BLOCK_CHARS) -> Iterator[str]:
    """`text.splitlines()` one line at a time, without a list of every line of a large text."""
    pos = 0
    while pos < len(text):
        cut = text.find("\n", pos + chunk)
        end = len(text) if cut < 0 else cut + 1  # cut after a newline: lines (and \r\n) stay whole
        yield from text[pos:end].splitlines()
        pos = end
