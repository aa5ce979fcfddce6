"""A base revision against the working tree, measured in one run: `ziping --help` start-up and parse + every rule.

Usage: python bench/versus.py --base f4e9f72 [--rounds 9] [--count 2000]
The base is exported with `git archive` into a temporary folder and imported through PYTHONPATH; each
round runs base and tree alternately, so the shared machine's drift hits both alike. The figures that
compare are the ratios (tree ÷ base) of the medians. The check corpus is bench/corpus.py's, one form per
file; the time is CPU time of the checking loop, pinned to one core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

HELP = "import sys; sys.argv = ['ziping', '--help']\nfrom ziping.cli import main\nmain()"
CHECK = """
import os, sys, time
from pathlib import Path
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from ziping.checks import Checker, tune_gc_for_batch
paths = sorted(Path(sys.argv[1]).glob("*.txt"))[: int(sys.argv[2])]
checker = Checker.create()
tune_gc_for_batch()
start = time.process_time()
forms = sum(len(checker.check_file(p).forms) for p in paths)
print(forms / (time.process_time() - start))
"""


def wall(code: str, src: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": src}, capture_output=True, check=True)
    return time.perf_counter() - start


def forms_per_s(src: str, corpus: Path, count: int) -> float:
    env = {**os.environ, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, "-c", CHECK, str(corpus), str(count)], env=env, capture_output=True, text=True
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="the git revision to compare against")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--corpus", type=Path, default=HERE / "out" / "corpus")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from corpus import make_corpus

    if not args.corpus.is_dir() or len(list(args.corpus.glob("*.txt"))) < args.count:
        make_corpus(args.corpus, args.count)
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.base, "src"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        trees = {f"base {args.base}": str(Path(tmp) / "src"), "working tree": str(ROOT / "src")}
        help_times: dict[str, list[float]] = {name: [] for name in trees}
        speeds: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, src in trees.items():
                help_times[name].append(wall(HELP, src))
                speeds[name].append(forms_per_s(src, args.corpus, args.count))
    base_help, base_speed = (statistics.median(v[f"base {args.base}"]) for v in (help_times, speeds))
    print(f"{args.rounds} rounds, {args.count} forms per check run")
    print("| tree | `ziping --help` median (s) | ratio | forms/s median (CPU, one core) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for name in trees:
        h, f = statistics.median(help_times[name]), statistics.median(speeds[name])
        print(f"| {name} | {h:.3f} | {h / base_help:.2f} | {f:.0f} | {f / base_speed:.3f} |")


if __name__ == "__main__":
    main()
