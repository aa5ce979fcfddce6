"""Parse + every rule over a corpus on one core, with peak memory, at growing counts.

Usage: python bench/throughput.py [--counts 1000,2500,5000,10000] [--corpus bench/out/corpus]
Each count runs in its own process pinned to one core, so peak RSS is that run's alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def current_rss_mib() -> float:
    """Resident memory now (not the peak), from /proc."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_one(corpus: Path, count: int) -> dict[str, float]:
    """Check the first `count` files of the corpus, streaming; returns forms/s and memory."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from ziping.checks import Checker, tune_gc_for_batch

    checker = Checker.create()
    # The file list is the benchmark's, not the checker's: built before memory is measured.
    paths = [str(p) for p in sorted(corpus.iterdir())[:count]]
    tune_gc_for_batch()  # as `ziping check` does
    rss_before = current_rss_mib()
    forms = findings = 0
    start = time.perf_counter()
    for path in paths:
        result = checker.check_file(path)
        forms += len(result.forms)
        findings += sum(1 for _ in result.findings)
    elapsed = time.perf_counter() - start
    return {
        "count": count,
        "forms": forms,
        "findings": findings,
        "seconds": round(elapsed, 3),
        "forms_per_s": round(forms / elapsed, 1),
        "rss_before_mib": round(rss_before, 1),
        "rss_after_mib": round(current_rss_mib(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", default="1000,2500,5000,10000")
    parser.add_argument("--corpus", type=Path, default=HERE / "out" / "corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs per count; the median is shown")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.corpus, args.one)))
        return
    counts = [int(c) for c in args.counts.split(",")]
    sys.path.insert(0, str(HERE))
    from corpus import make_corpus

    existing = len(list(args.corpus.glob("*.txt"))) if args.corpus.is_dir() else 0
    if existing < max(counts):
        make_corpus(args.corpus, max(counts))
    print(
        "| forms | forms/s, median (one core) | slowest – fastest run | seconds (median run) | findings | RSS before checking (MiB) | RSS after (MiB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for count in counts:
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(count), "--corpus", str(args.corpus)],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            runs.append(json.loads(out))
        runs.sort(key=lambda r: r["forms_per_s"])
        r = runs[len(runs) // 2]
        print(
            f"| {r['forms']} | {r['forms_per_s']} | {runs[0]['forms_per_s']} – {runs[-1]['forms_per_s']} | {r['seconds']} "
            f"| {r['findings']} | {r['rss_before_mib']} | {r['rss_after_mib']} |"
        )


if __name__ == "__main__":
    main()
