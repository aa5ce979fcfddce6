"""Writes fixtures/flat/: each seed form flattened to one line, as text tools make of a Word or PDF table.

Every non-empty cell of the XLSX fixture, row by row, joined by single spaces, with the line breaks
inside a cell turned into spaces too: the cell boundaries and the empty cells leave no trace, which
is what the flat reader has to cope with. Run: python scripts/make_flat_fixtures.py
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
XLSX = ROOT / "fixtures" / "xlsx"
OUT = ROOT / "fixtures" / "flat"


def flatten(path: Path) -> str:
    """The workbook's cell texts in reading order, one space apart, on one line."""
    words: list[str] = []
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            words.extend(" ".join(str(value).split()) for value in row if value is not None and str(value).strip())
    return " ".join(words) + "\n"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for number in (1, 2, 3):
        source = XLSX / f"longgang-2023-form{number}.xlsx"
        target = OUT / f"longgang-2023-form{number}.txt"
        target.write_text(flatten(source), encoding="utf-8")
        print(target.relative_to(ROOT))


if __name__ == "__main__":
    main()
