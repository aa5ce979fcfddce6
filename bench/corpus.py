"""A benchmark corpus: the seed forms with their numbers varied, one form per file (or several, or all in one).

Usage: python bench/corpus.py OUT_DIR COUNT [--seed N] [--per-file N]
       python bench/corpus.py OUT_FILE COUNT --one-file
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "longgang-2023-selfeval.txt"
HEADING = "项目支出绩效自评表"
TOTAL_ROW = re.compile(r"^年度资金总额 (\S+) (\S+) (\S+) 10 (\S+) (\S+)$", re.M)
FISCAL_AMOUNTS = re.compile(r"^(\S*?(?:拨款)?\s*)(\d+\.\d\d) (\d+\.\d\d) (\d+\.\d\d) — — —$", re.M)
CODE = re.compile(r"项目编码： (\d+)")
COUNT_ROW = re.compile(r"^（人） (\d+) (\d+) 20\.00 (\S+) $", re.M)


def seed_forms() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    parts = text.split(HEADING)[1:]
    return [HEADING + part for part in parts]


def vary(form: str, rng: random.Random) -> str:
    """One form with a new code, new amounts (rate and score recomputed) and a new headcount."""
    budget = round(rng.uniform(1e5, 5e6), 2)
    executed = round(budget * rng.uniform(0.85, 1.0), 2)
    rate = executed / budget * 100
    score = 10 * rate / 100

    def total(m: re.Match) -> str:
        places = len(m.group(4).split(".")[1]) if "." in m.group(4) else 0
        return f"年度资金总额 {budget:.2f} {budget:.2f} {executed:.2f} 10 {rate:.{places}f} {score:.2f}"

    form = TOTAL_ROW.sub(total, form)
    form = re.sub(
        r"^(其中：当年财政拨款) \S+ \S+ \S+", rf"\1 {budget:.2f} {budget:.2f} {executed:.2f}", form, flags=re.M
    )
    form = re.sub(
        r"^(\d+\.\d\d) (\d+\.\d\d) (\d+\.\d\d) — — —$",
        f"{budget:.2f} {budget:.2f} {executed:.2f} — — —",
        form,
        count=1,
        flags=re.M,
    )
    form = CODE.sub(lambda m: "项目编码： " + "".join(rng.choice("0123456789") for _ in m.group(1)), form)
    target = rng.randint(100, 500)
    actual = target - rng.randint(0, 15)
    earned = int(20 * actual / target * 100) / 100
    return COUNT_ROW.sub(f"（人） {target} {actual} 20.00 {earned:.2f} ", form)


def varied_forms(count: int, seed: int = 2023) -> list[str]:
    """`count` forms: the seed's three in turn, each varied."""
    rng = random.Random(seed)
    forms = seed_forms()
    return [vary(forms[k % len(forms)], rng) for k in range(count)]


def make_corpus(out: Path, count: int, seed: int = 2023, per_file: int = 1) -> list[Path]:
    """Write `count` forms under `out`, `per_file` forms to a file."""
    forms = varied_forms(count, seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(0, count, per_file):
        path = out / f"form-{k:06d}.txt"
        path.write_text("".join(forms[k : k + per_file]), encoding="utf-8")
        paths.append(path)
    return paths


def make_one_file(path: Path, count: int, seed: int = 2023) -> Path:
    """The same `count` forms as make_corpus writes, all in one file (9,000 forms: about 30 MB)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(varied_forms(count, seed)), encoding="utf-8")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="a folder, or with --one-file the file")
    parser.add_argument("count", type=int, help="forms")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--per-file", type=int, default=1, help="forms to a file")
    parser.add_argument("--one-file", action="store_true", help="every form in one file")
    args = parser.parse_args()
    if args.one_file:
        make_one_file(args.out, args.count, args.seed)
    else:
        make_corpus(args.out, args.count, args.seed, args.per_file)
