"""Warnings and errors a tree raises on a folder of forms, per file and in all: how many findings a reviewer reads.

Usage: python bench/findings.py fixtures/real [--json OUT]
`PYTHONPATH=<git archive of REV>/src python bench/findings.py DIR` counts that revision's. Counts, not timings:
they do not drift with the machine. Set beside the verified problems a folder's annotations hold (`ziping
eval --real`), fewer findings with the same problems raised is fewer findings a reviewer reads for nothing.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

SUFFIXES = (".txt", ".xlsx", ".xls", ".docx", ".pdf")


def count(folder: Path) -> dict[str, dict[str, int]]:
    """Each file's warnings and errors by code."""
    from ziping.checks import Checker

    checker = Checker.create()
    out: dict[str, dict[str, int]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES):
        result = checker.check_file(path)
        codes = Counter(
            f.code for form in result.forms for f in form.findings if f.severity.value in ("error", "warning")
        )
        out[str(path.relative_to(folder))] = dict(sorted(codes.items()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", type=Path, help="write the per-file counts here too")
    args = parser.parse_args()
    counts = count(args.folder)
    for name, codes in counts.items():
        print(f"{name}\t{sum(codes.values())}\t" + " ".join(f"{c}×{n}" for c, n in codes.items()))
    print(f"all\t{sum(sum(c.values()) for c in counts.values())}")
    if args.json:
        args.json.write_text(json.dumps(counts, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
