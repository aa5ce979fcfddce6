"""Deterministic triage of a corpus into a fresh store: wall time by workers, peak memory, store size.

Usage: python bench/triage.py [--count 10000] [--workers 1,2] [--corpus bench/out/corpus]
Each run is a fresh process with a fresh store, so its peak RSS (ru_maxrss of the parent and,
separately, of the largest worker) is that run's alone. A second pass over the unchanged
folder shows what a re-run costs (hashing only, no checking).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_one(corpus: Path, count: int, workers: int, db: Path) -> dict[str, float]:
    """Triage the first `count` files of the corpus into `db`, then once more unchanged."""
    from ziping.checks import Checker
    from ziping.store import Store
    from ziping.triage import run, sources, triage_rows

    paths = [str(p) for p in sorted(corpus.iterdir())[:count]]
    checker = Checker.create()
    start = time.perf_counter()
    with Store(db) as store:
        batch = sources(paths)
        stats = run(batch, store, checker, workers)
        checked = time.perf_counter() - start
        rows = triage_rows(batch, store, checker, "zh")
    ranked = time.perf_counter() - start
    start = time.perf_counter()
    with Store(db) as store:
        again = run(sources(paths), store, checker, workers)
    rerun = time.perf_counter() - start
    size = sum(f.stat().st_size for f in db.parent.iterdir() if f.name.startswith(db.name))
    kib = 1024  # ru_maxrss is in KiB on Linux
    return {
        "files": stats.files,
        "forms": stats.checked_forms,
        "rows": len(rows),
        "workers": stats.workers,
        "check_s": round(checked, 2),
        "check_and_rank_s": round(ranked, 2),
        "forms_per_s": round(stats.checked_forms / checked, 1),
        "rerun_s": round(rerun, 2),
        "rerun_checked": again.checked_files,
        "parent_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kib, 1),
        "worker_peak_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib, 1),
        "store_mib": round(size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--corpus", type=Path, default=HERE / "out" / "corpus")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.corpus, args.count, args.one, args.db)))
        return
    sys.path.insert(0, str(HERE))
    from corpus import make_corpus

    existing = len(list(args.corpus.glob("*.txt"))) if args.corpus.is_dir() else 0
    if existing < args.count:
        make_corpus(args.corpus, args.count)
    print(
        "| workers | forms | check into store (s) | forms/s | + rank the queue (s) | re-run, unchanged (s) | "
        "re-checked on re-run | parent peak RSS (MiB) | largest worker peak RSS (MiB) | store size (MiB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workers in (int(w) for w in args.workers.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(workers), "--count", str(args.count),
                 "--corpus", str(args.corpus), "--db", os.path.join(tmp, "triage.db")],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
        r = json.loads(out)
        worker_peak = r["worker_peak_mib"] if r["workers"] > 1 else "—"
        print(
            f"| {r['workers']} | {r['forms']} | {r['check_s']} | {r['forms_per_s']} | {r['check_and_rank_s']} "
            f"| {r['rerun_s']} | {r['rerun_checked']} | {r['parent_peak_mib']} | {worker_peak} | {r['store_mib']} |"
        )


if __name__ == "__main__":
    main()
