"""`ziping eval --gold DIR`: precision and recall of the LLM checks per code, against labelled forms.

A gold file names a source file and, per form, the ZP6xx findings a careful reviewer expects, each with
the quote it rests on. A predicted finding matches an expected one with the same code whose quote
overlaps it (one contains the other, after normalisation) or that names the same indicator.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ziping.checks import Checker, FormResult
from ziping.llm.cache import AnswerCache
from ziping.llm.run import LLMRun, review_forms
from ziping.llm.settings import LLMSettings
from ziping.llm.textfold import folded


class GoldError(ValueError):
    """A gold file that cannot be used; the message names it."""


@dataclass(slots=True)
class Expected:
    code: str
    indicator: str
    quote: str


@dataclass(slots=True)
class Score:
    """Counts per code over the whole gold set."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def rows(self) -> list[tuple[str, int, int, int, float | None, float | None]]:
        """(code, tp, fp, fn, precision, recall) per code seen anywhere."""
        out = []
        for code in sorted(set(self.tp) | set(self.fp) | set(self.fn)):
            tp, fp, fn = self.tp[code], self.fp[code], self.fn[code]
            precision = tp / (tp + fp) if tp + fp else None
            recall = tp / (tp + fn) if tp + fn else None
            out.append((code, tp, fp, fn, precision, recall))
        return out


def load_gold(directory: Path) -> list[tuple[Path, dict[int, list[Expected]]]]:
    """Every gold file in a folder: the source it labels and the expected findings per form index."""
    sets = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            source = (path.parent / data["source"]).resolve()
            forms = {
                int(form["index"]): [Expected(e["code"], e.get("indicator", ""), e["quote"]) for e in form["expected"]]
                for form in data["forms"]
            }
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise GoldError(f"标注文件 {path} 无法使用：{exc}") from None
        sets.append((source, forms))
    if not sets:
        raise GoldError(f"{directory} 中没有标注文件（*.json）")
    return sets


def _matches(result: FormResult, k: int, expected: Expected) -> bool:
    finding = result.findings[k]
    if finding.code != expected.code:
        return False
    quote, want = folded(finding.quote or ""), folded(expected.quote)
    if quote and want and (quote in want or want in quote):
        return True
    if expected.indicator and finding.field.startswith("indicators["):
        index = int(finding.field[len("indicators[") : finding.field.index("]")])
        return result.form.indicators[index].label == expected.indicator
    return False


def score_forms(results: list[tuple[FormResult, list[Expected]]]) -> Score:
    """Match predictions to expectations, each used at most once."""
    score = Score()
    for result, expected in results:
        predicted = [k for k, f in enumerate(result.findings) if f.origin == "llm"]
        unmatched = list(expected)
        for k in predicted:
            hit = next((e for e in unmatched if _matches(result, k, e)), None)
            if hit is None:
                score.fp[result.findings[k].code] += 1
            else:
                unmatched.remove(hit)
                score.tp[hit.code] += 1
        for missed in unmatched:
            score.fn[missed.code] += 1
    return score


def evaluate(directory: Path, settings: LLMSettings, cache: AnswerCache | None) -> tuple[Score, LLMRun]:
    """Run the LLM checks on every labelled form and score them."""
    checker = Checker.create()
    labelled: list[tuple[FormResult, list[Expected]]] = []
    for source, forms in load_gold(directory):
        result = checker.check_file(source)
        if result.error is not None:
            raise GoldError(f"标注的表格文件 {source} 无法读取")
        for form in result.forms:
            if form.form.index in forms:
                labelled.append((form, forms[form.form.index]))
    run = asyncio.run(review_forms([form for form, _ in labelled], settings, cache))
    return score_forms(labelled), run
