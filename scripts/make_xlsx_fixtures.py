"""Write the XLSX fixtures from the seed text: each form in the template layout, and two realistic variants.

Run from the repository root: `.venv/bin/python scripts/make_xlsx_fixtures.py`. It overwrites
fixtures/xlsx/*.xlsx; the files are committed so the tests need nothing but openpyxl.
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

from ziping.readers import read_path
from ziping.template import write_form

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "longgang-2023-selfeval.txt"
OUT = ROOT / "fixtures" / "xlsx"


def _save(workbook: Workbook, name: str) -> None:
    # Re-running gives the same cells; the bytes differ (openpyxl stamps the save time into the zip).
    path = OUT / name
    workbook.save(path)
    print(path.relative_to(ROOT))


def main() -> int:
    read = read_path(SEED)
    if read.problem is not None:
        print(f"{SEED}: {read.problem.reason_zh}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for form in read.forms:
        workbook = Workbook()
        write_form(workbook.active, form)
        workbook.active.title = "自评表"
        _save(workbook, f"longgang-2023-form{form.index}.xlsx")

    # All three on one sheet, as a unit's export stacks them: a blank row between forms, and the
    # second form shifted one column right (a column inserted before it).
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "汇总"
    row = 1
    for form in read.forms:
        row = write_form(sheet, form, top=row, left=2 if form.index == 2 else 1) + 1
    _save(workbook, "longgang-2023-stacked.xlsx")

    # One form per sheet, named by project.
    workbook = Workbook()
    workbook.remove(workbook.active)
    for form in read.forms:
        write_form(workbook.create_sheet(form.title[:31]), form)
    _save(workbook, "longgang-2023-per-sheet.xlsx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
