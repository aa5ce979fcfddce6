"""The real forms' measures at the last commit that raised them: `python tests/real_floors.py` rewrites
`fixtures/real-floors.json` from the reader as it is now. Run it when a change reads more, never to make
a failing test pass: `test_real_forms.py` fails when any file reads less than its floor."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "fixtures" / "real"
FLOORS = ROOT / "fixtures" / "real-floors.json"


def per_file(score) -> dict[str, dict[str, int]]:
    """Each file's counts: forms read, rates right, indicators found, values read, problems raised."""
    out: dict[str, dict[str, int]] = {}
    for form in score.forms:
        row = out.setdefault(form.file, {"forms": 0, "rates": 0, "indicators": 0, "values": 0, "problems": 0})
        row["forms"] += form.read
        row["rates"] += form.rate_ok
        row["indicators"] += form.indicators_found
        row["values"] += form.values_read
    for file, _code, raised in score.problems:
        out[file]["problems"] += raised
    return out


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from ziping.realforms import evaluate_real

    floors = per_file(evaluate_real(REAL))
    FLOORS.write_text(json.dumps(floors, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{FLOORS}: {len(floors)} files")


if __name__ == "__main__":
    main()
