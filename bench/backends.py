"""PDF and XLSX reading, new backends against the previous ones, side by side in one run: ratios and parse identity.

Usage: python bench/backends.py [--corpus DIR ...] [--files 300] [--rounds 7] [--repeat 1]
  DIR: a folder of .pdf and .xlsx files, e.g. `ziping synth DIR --count 300 --formats pdf` (repeat
  --corpus for several); without it, the PDF and XLSX fixtures.

First every file is read by both backends of its format and the parses compared (each form's
`Form.model_dump()`, or the file's problem): the ratio is only reported for identical parses.
Then, in each round, each backend reads every file (bytes in memory → forms, the label reader
included), the order of the two alternating from round to round; a ratio is old CPU time ÷ new
CPU time within the round, and the median of the rounds is reported with their range. One
process pinned to one core; CPU time, not wall time, because the machine is shared.

  PDF:  pdfium (PDFium's characters and lines, pdfplumber's tables) vs pdfplumber (pdfminer), per page
  XLSX: calamine (python-calamine + styles.xml) vs openpyxl, per file
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, action="append", help="folder of .pdf and .xlsx files (default: the fixtures)"
    )
    parser.add_argument("--files", type=int, default=300, help="at most this many files of each format")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="read the files this many times a round (a few files)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from ziping.readers.pdf import read_pdf
    from ziping.readers.xlsx import read_workbook

    if args.corpus:
        pdfs = sorted(path for folder in args.corpus for path in folder.glob("*.pdf"))
        workbooks = sorted(path for folder in args.corpus for path in folder.glob("*.xlsx"))
    else:
        pdfs = [ROOT / "fixtures/pdf/longgang-2023-selfeval.pdf", *sorted((ROOT / "fixtures/pdf/synth").glob("*.pdf"))]
        workbooks = sorted((ROOT / "fixtures/xlsx").glob("*.xlsx"))
    report = {
        "machine": f"{_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "pdf": _compare("PDF", pdfs[: args.files], read_pdf, ("pdfplumber", "pdfium"), args, _pages),
        "xlsx": _compare("XLSX", workbooks[: args.files], read_workbook, ("openpyxl", "calamine"), args, None),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


def _compare(
    name: str,
    paths: list[Path],
    read: Callable,
    backends: tuple[str, str],
    args: argparse.Namespace,
    units: Callable[[bytes], int] | None,
) -> dict:
    old, new = backends
    files = [(str(path), path.read_bytes()) for path in paths]
    differing = []
    forms = unreadable = 0
    for source, data in files:  # the parses first: also warms imports and caches outside the timing
        before, after = read(data, source, old), read(data, source, new)
        if _parse(before) != _parse(after):
            differing.append(source)
        forms += len(after.forms)
        unreadable += after.problem is not None
    count = (sum(units(data) for _, data in files) if units else len(files)) * args.repeat
    seconds: dict[str, list[float]] = {old: [], new: []}
    for k in range(args.rounds):
        for backend in backends if k % 2 == 0 else backends[::-1]:
            started = time.process_time()
            for source, data in files * args.repeat:
                read(data, source, backend)
            seconds[backend].append(time.process_time() - started)
    ratios = [a / b for a, b in zip(seconds[old], seconds[new])]
    unit = "page" if units else "file"
    return {
        "files": len(files),
        unit + "s read a round": count,
        "forms": forms,
        "unreadable files": unreadable,
        "parses identical": f"{len(files) - len(differing)} of {len(files)}",
        "differing": differing,
        f"{old} ms per {unit} (median)": round(statistics.median(seconds[old]) * 1000 / count, 2),
        f"{new} ms per {unit} (median)": round(statistics.median(seconds[new]) * 1000 / count, 2),
        f"{name} ratio {old}/{new} (median of {args.rounds} rounds)": round(statistics.median(ratios), 2),
        "ratio range": [round(min(ratios), 2), round(max(ratios), 2)],
    }


def _parse(result) -> object:
    """What a reader gave: every form as data, or the file's problem."""
    if result.problem is not None:
        return ("problem", result.problem.code, result.problem.reason_zh)
    return [form.model_dump() for form in result.forms]


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            return next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.machine()


def _pages(data: bytes) -> int:
    import pypdfium2

    try:
        with pypdfium2.PdfDocument(data) as document:
            return len(document)
    except pypdfium2.PdfiumError:
        return 0  # damaged or encrypted: read (and refused) by both, no page counted


if __name__ == "__main__":
    main()
