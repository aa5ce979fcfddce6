"""The real-forms measure of a base revision's reader beside the working tree's, per layout family.

Usage: python bench/real_forms.py [--base f4e9f72] [--folder fixtures/real] [--lang zh|en]

The base revision's `src/` is extracted with `git archive` and checked by this tree's measure
(`ziping/realforms.py`, copied beside it), each in its own process, so both readers are measured the
same way on the same files. The figures are counts, not timings: they do not drift with the machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEASURE = (
    "import json, sys\n"
    "from pathlib import Path\n"
    "from ziping.realforms_measure import evaluate_real\n"
    "print(json.dumps(evaluate_real(Path(sys.argv[1])).to_json()))\n"
)


def measure(src: Path, folder: Path) -> dict:
    """The measure of the reader under `src`, as `RealScore.to_json()`."""
    shutil.copy(ROOT / "src" / "ziping" / "realforms.py", src / "ziping" / "realforms_measure.py")
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(folder)],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="f4e9f72")
    parser.add_argument("--folder", type=Path, default=ROOT / "fixtures" / "real")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base_src = Path(tmp) / "base"
        base_src.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.base, "src"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(base_src)], input=archive.stdout, check=True)
        base = measure(base_src / "src", args.folder.resolve())
        work_src = Path(tmp) / "work"
        shutil.copytree(ROOT / "src", work_src)
        work = measure(work_src, args.folder.resolve())
    sys.path.insert(0, str(ROOT / "src"))
    from ziping.realforms import _LABELS

    labels = _LABELS[args.lang]
    families = list(work["families"])
    print(f"| | {labels['all']} | " + " | ".join(families) + " |")
    print("|---|---:|" + "---:|" * len(families))
    for key in ("forms", "rates", "indicators", "values", "problems", "clean_errors"):
        cells = []
        for name in (None, *families):
            before = (base["totals"] if name is None else base["families"].get(name, {})).get(key)
            after = (work["totals"] if name is None else work["families"][name])[key]
            if key == "clean_errors":
                cells.append(f"{before[0] if before else '—'} → {after[0]}")
            else:
                cells.append(f"{before[0] if before else 0} → {after[0]} / {after[1]}")
        print(f"| {labels[key]} | " + " | ".join(cells) + " |")
    print(f"\n{args.base} → working tree, on {args.folder}")


if __name__ == "__main__":
    main()
