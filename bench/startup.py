"""Wall time of `ziping --help` and `ziping check` on the seed file, and which heavy modules load.

Usage: python bench/startup.py [--runs 15]
Runs the installed console script as a user would; prints median and max over the runs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "longgang-2023-selfeval.txt"
HEAVY = ("openai", "openpyxl", "pdfplumber", "httpx", "jinja2")


def timed(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return times


def heavy_modules(args: list[str]) -> list[str]:
    """The heavy modules a command imports (there should be none on the deterministic path)."""
    code = (
        "import sys; sys.argv = ['ziping', *sys.argv[1:]]\n"
        "from ziping.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY', [m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("HEAVY")]
    return eval(line[-1][6:]) if line else ["?"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = shutil.which("ziping") or str(Path(sys.executable).parent / "ziping")
    print("| command | median (s) | max (s) | target (s) | heavy modules loaded |")
    print("|---|---:|---:|---:|---|")
    for label, argv, target in (
        ("ziping --help", ["--help"], 0.3),
        ("ziping check <seed>", ["check", str(SEED)], 0.6),
    ):
        times = timed([exe, *argv], args.runs)
        heavy = heavy_modules(argv)
        print(
            f"| `{label}` | {statistics.median(times):.3f} | {max(times):.3f} | {target} | {', '.join(heavy) or 'none'} |"
        )


if __name__ == "__main__":
    main()
