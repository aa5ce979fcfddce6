"""The deterministic path against the floor, in one run: how many times the cost of merely reading the files.

Usage: python bench/floor.py [--count 2000] [--rounds 7] [--corpus bench/out/corpus]

The floor is what no checker of these files can avoid: read each file, decode it (ziping's own decoding)
and make one regex pass over the text (every number in it). The deterministic path is what `ziping check`
does to each file: read, decode, read the forms, validate them, run every rule; and the same with the JSON
report written (to a sink that keeps nothing). Both go over the same files (bench/corpus.py, one form
per file) on one pinned core, in rounds that alternate which goes first; the figure is the ratio of CPU
times within each round, median and range. Machines drift; ratios measured in one run compare.
`PYTHONPATH=<another tree>/src python bench/floor.py` measures that tree's code (e.g. a `git archive` of an
earlier commit) against the same floor.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")


class Sink(io.TextIOBase):
    """A stream that keeps nothing: what a report costs to make, not to store."""

    def write(self, text: str) -> int:
        return len(text)


def floor(paths: list[str]) -> int:
    from ziping.readers.encoding import decode

    numbers = 0
    for path in paths:
        with open(path, "rb") as fh:
            text, _ = decode(fh.read())
        numbers += len(NUMBER.findall(text))
    return numbers


def checked(paths: list[str], report: bool) -> int:
    # Only what every version since the seed offers, so PYTHONPATH=<an older tree>/src measures that one.
    from ziping.checks import Checker
    from ziping.reports.contract import write_report

    checker = Checker.create()
    if report:
        return write_report((checker.check_file(path) for path in paths), Sink(), "standard")["forms"]
    return sum(len(checker.check_file(path).forms) for path in paths)


def cpu(run, *args) -> float:
    start = time.process_time()
    run(*args)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="one-form files")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=HERE / "out" / "corpus")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from corpus import make_corpus

    if len(list(args.corpus.glob("*.txt"))) < args.count:
        make_corpus(args.corpus, args.count)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from ziping.checks import tune_gc_for_batch

    paths = [str(p) for p in sorted(args.corpus.glob("*.txt"))[: args.count]]
    tune_gc_for_batch()  # as `ziping check` does
    checked(paths[:20], True)  # imports and caches outside the timing
    floor(paths[:20])
    ratios: dict[str, list[float]] = {"check": [], "check + JSON report": []}
    seconds: dict[str, list[float]] = {"floor": [], "check": [], "check + JSON report": []}
    for k in range(args.rounds):
        order = [("floor", floor, ()), ("check", checked, (False,)), ("check + JSON report", checked, (True,))]
        if k % 2:
            order.reverse()
        spent = {name: cpu(run, paths, *extra) for name, run, extra in order}
        for name, value in spent.items():
            seconds[name].append(value)
        for name in ratios:
            ratios[name].append(spent[name] / spent["floor"])
    n = len(paths)
    print(f"{n} one-form files, {args.rounds} rounds, one core, CPU time")
    print("| path | µs per form, median | ratio to the floor, median (range) |")
    print("|---|---:|---:|")
    print(f"| floor: read + decode + one regex pass | {statistics.median(seconds['floor']) / n * 1e6:.0f} | 1 |")
    for name, values in ratios.items():
        per_form = statistics.median(seconds[name]) / n * 1e6
        print(
            f"| {name} | {per_form:.0f} | **{statistics.median(values):.1f}×** ({min(values):.1f}–{max(values):.1f}) |"
        )


if __name__ == "__main__":
    main()
