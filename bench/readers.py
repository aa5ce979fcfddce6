"""Reading speed of the PDF, XLSX, DOCX and XLS readers: forms per second over a fixture copied to N files.

Usage: python bench/readers.py [--files 500] [--pdf fixtures/pdf/longgang-2023-selfeval.pdf]
       python bench/readers.py --files 500 --xlsx fixtures/xlsx/longgang-2023-stacked.xlsx
       python bench/readers.py --files 500 --docx fixtures/docx/longgang-2023-report.docx
       python bench/readers.py --files 500 --xls fixtures/xls/longgang-2023-per-sheet.xls
One process, one core; the copies live in a temporary folder, so the OS cache holds them all.
Reading only (bytes → forms): the rules cost the same whatever the format (see throughput.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--pdf", type=Path, default=ROOT / "fixtures" / "pdf" / "longgang-2023-selfeval.pdf")
    parser.add_argument("--xlsx", type=Path, help="measure this workbook instead of the PDF")
    parser.add_argument(
        "--docx", type=Path, help="measure this Word document (.docx, or .doc through LibreOffice) instead of the PDF"
    )
    parser.add_argument("--xls", type=Path, help="measure this legacy workbook instead of the PDF")
    args = parser.parse_args()
    source = args.xlsx or args.docx or args.xls or args.pdf
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from ziping.readers import read_path

    with tempfile.TemporaryDirectory(prefix="ziping-bench-readers-") as tmp:
        paths = []
        for k in range(args.files):
            path = Path(tmp) / f"form-{k:06d}{source.suffix}"
            shutil.copyfile(source, path)
            paths.append(path)
        read_path(paths[0])  # imports pdfplumber/openpyxl/python-docx/xlrd outside the timing
        forms = 0
        started = time.perf_counter()
        for path in paths:
            result = read_path(path)
            if result.problem is not None:
                raise SystemExit(f"{path}: {result.problem.reason_en}")
            forms += len(result.forms)
        elapsed = time.perf_counter() - started
    if source is not args.pdf:
        print(f"files {args.files}  forms {forms}  seconds {elapsed:.2f}  forms/s {forms / elapsed:.1f}")
        return
    pages = _pages(args.pdf)
    print(f"files {args.files}  forms {forms}  pages {pages * args.files}  seconds {elapsed:.2f}")
    print(
        f"forms/s {forms / elapsed:.1f}  files/s {args.files / elapsed:.1f}  ms/page {elapsed * 1000 / (pages * args.files):.1f}"
    )


def _pages(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)


if __name__ == "__main__":
    main()
