"""One file of many forms against the same forms in many small files, in one run: memory, first result, time.

Usage: python bench/bigfile.py [--forms 9000] [--per-file 3] [--rounds 3] [--formats json,text] [--triage]
       [--ziping "CMD"]

The forms are bench/corpus.py's (the seed's three, varied): `--forms` of them in one file (9,000 forms make
about 30 MB of the seed's text layout) and the very same forms `--per-file` to a file in a folder. Each
round runs the console script on both, one after the other (alternating which goes first), its stdout a
pipe this script reads, as a user's `| less` or `> report` would be: peak RSS of the process, seconds until
the first form's result has been written (for text its "表 1 ·" line, for JSON its "index"), CPU seconds
(user + system) and wall seconds; peak RSS and CPU are measured by GNU time. The figures that compare are
the ratios (one file ÷ many files) within a round: median and range.
`--triage` measures `ziping triage --workers 1` into a fresh store the same way (peak RSS and CPU).
The text report is also run with FORCE_COLOR=1 (drawn by rich, as on a terminal) against plain writes.
`--ziping` runs another version's console script (e.g. a previous commit's, for before-and-after figures).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST = {"json": b'"index"', "text": "表 1 ·".encode()}
TIME = "/usr/bin/time"  # GNU time (Debian package `time`)


def run(command: list[str], marker: bytes | None, env: dict[str, str] | None = None) -> dict[str, float]:
    """Run a command with its stdout read through a pipe: peak RSS (MiB), first marker and total (s), CPU (s).

    Measured by GNU time, the command's parent: a process's peak RSS is kept across exec, so a child forked
    from this script would count this script's memory as its own."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as measured:
        start = time.perf_counter()
        timed = [TIME, "-f", "%M %U %S", "-o", measured.name, *command]
        proc = subprocess.Popen(timed, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        first = None
        tail = b""
        assert proc.stdout is not None
        while chunk := proc.stdout.read1(1 << 16):
            if first is None and marker is not None:
                tail = tail[-64:] + chunk
                if marker in tail:
                    first = time.perf_counter() - start
        status = proc.wait()
        total = time.perf_counter() - start
        kib, user, system = measured.read().split()[-3:]
    return {
        "rss": int(kib) / 1024,
        "first": first if first is not None else float("nan"),
        "total": total,
        "cpu": float(user) + float(system),
        "status": status,
    }


def median_range(values: list[float], digits: int = 2) -> str:
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=9000)
    parser.add_argument("--per-file", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--formats", default="json,text")
    parser.add_argument("--triage", action="store_true", help="also triage both into a fresh store")
    parser.add_argument("--ziping", help="the console script to run (default: this interpreter's ziping)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from corpus import make_corpus, make_one_file

    big = args.out / f"one-file-{args.forms}.txt"
    small = args.out / f"files-{args.forms}-by-{args.per_file}"
    if not big.is_file():
        make_one_file(big, args.forms)
    if len(list(small.glob("*.txt"))) * args.per_file < args.forms:
        make_corpus(small, args.forms, per_file=args.per_file)
    ziping = shlex.split(args.ziping) if args.ziping else [sys.executable, "-m", "ziping"]
    print(f"one file: {big} ({big.stat().st_size / 1024 / 1024:.1f} MB, {args.forms} forms); "
          f"many files: {small} ({len(list(small.glob('*.txt')))} files)")  # fmt: skip

    rows = []
    for fmt in args.formats.split(","):
        ratios: dict[str, list[float]] = {"rss": [], "cpu": []}
        seen: dict[str, list[dict[str, float]]] = {"one": [], "many": []}
        for k in range(args.rounds):
            order = [("one", big), ("many", small)]
            for name, path in order if k % 2 == 0 else order[::-1]:
                seen[name].append(run([*ziping, "check", str(path), "--format", fmt], FIRST[fmt]))
            for key in ratios:
                ratios[key].append(seen["one"][-1][key] / seen["many"][-1][key])
        rows.append((f"check --format {fmt}", seen, ratios))
    if "text" in args.formats.split(","):
        styled: dict[str, list[float]] = {"cpu": []}
        plain_cpu, rich_cpu = [], []
        for _ in range(args.rounds):
            plain = run([*ziping, "check", str(big)], FIRST["text"])
            rich = run([*ziping, "check", str(big)], FIRST["text"], env={**os.environ, "FORCE_COLOR": "1"})
            plain_cpu.append(plain["cpu"])
            rich_cpu.append(rich["cpu"])
            styled["cpu"].append(rich["cpu"] / plain["cpu"])
    if args.triage:
        ratios = {"rss": [], "cpu": []}
        seen = {"one": [], "many": []}
        for k in range(args.rounds):
            order = [("one", big), ("many", small)]
            for name, path in order if k % 2 == 0 else order[::-1]:
                with tempfile.TemporaryDirectory(prefix="ziping-bench-bigfile-") as tmp:
                    command = [*ziping, "triage", str(path), "--db", str(Path(tmp) / "t.db"), "--workers", "1"]
                    seen[name].append(run(command, None))
            for key in ratios:
                ratios[key].append(seen["one"][-1][key] / seen["many"][-1][key])
        rows.append(("triage --workers 1", seen, ratios))

    print(f"\n{args.rounds} rounds; median (range)\n")
    print("| command | peak RSS, one file (MiB) | peak RSS, many files (MiB) | **RSS ratio** | first form written, one file (s) "
          "| first form written, many files (s) | CPU s, one file | CPU s, many files | CPU ratio | wall s, one file |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, seen, ratios in rows:
        one, many = seen["one"], seen["many"]
        cells = [
            median_range([r["rss"] for r in one], 0),
            median_range([r["rss"] for r in many], 0),
            f"**{median_range(ratios['rss'])}**",
            median_range([r["first"] for r in one]) if "triage" not in name else "—",
            median_range([r["first"] for r in many]) if "triage" not in name else "—",
            median_range([r["cpu"] for r in one], 1),
            median_range([r["cpu"] for r in many], 1),
            median_range(ratios["cpu"]),
            median_range([r["total"] for r in one], 1),
        ]
        print(f"| `{name}` | " + " | ".join(cells) + " |")
    if "text" in args.formats.split(","):
        print(f"\ntext report of the one file, CPU seconds: plain (stdout a pipe) {median_range(plain_cpu, 1)}, "
              f"drawn by rich (FORCE_COLOR=1) {median_range(rich_cpu, 1)}: rich ÷ plain **{median_range(styled['cpu'])}**")  # fmt: skip


if __name__ == "__main__":
    main()
