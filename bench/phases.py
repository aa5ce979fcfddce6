"""Where one form's time goes: file I/O, decoding, reading the layout, validation, rules.

Usage: python bench/phases.py [--count 3000]   (uses the corpus bench/throughput.py makes)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--corpus", type=Path, default=HERE / "out" / "corpus")
    args = parser.parse_args()
    from ziping.checks import Checker, tune_gc_for_batch
    from ziping.model import Form
    from ziping.readers.encoding import decode
    from ziping.readers.text import read_text

    checker = Checker.create()
    tune_gc_for_batch()
    paths = sorted(args.corpus.iterdir())[: args.count]
    spent = dict.fromkeys(("file I/O", "decoding", "reading the layout", "validation", "rules"), 0.0)
    for path in paths:
        t0 = time.perf_counter()
        data = path.read_bytes()
        t1 = time.perf_counter()
        text = decode(data)[0]
        t2 = time.perf_counter()
        raw = read_text(text, str(path))
        t3 = time.perf_counter()
        forms = [Form.model_validate(r) for r in raw]
        t4 = time.perf_counter()
        for form in forms:
            checker.check_form(form)
        t5 = time.perf_counter()
        for key, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            spent[key] += seconds
    total = sum(spent.values())
    print("| phase | µs per form | share |")
    print("|---|---:|---:|")
    for key, seconds in spent.items():
        print(f"| {key} | {seconds / len(paths) * 1e6:.0f} | {seconds / total:.0%} |")
    print(f"| total | {total / len(paths) * 1e6:.0f} | |")


if __name__ == "__main__":
    main()
