"""`ziping eval --corpus DIR`: how many labelled defects the deterministic rules find, and how well each format reads.

Every file of a labelled corpus (see `ziping.synth.labels`) is read and checked as `ziping check`
would. Within each form, findings are matched to expected labels by (rule code, field path); a label
matched is a true positive, a finding no label expects a false positive, a label nothing matched a
false negative. Reading accuracy compares every field the reader returns with the truth in the
labels: numbers by value, text after normalisation (full-width folded, whitespace removed).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ziping.checks import Checker, FileResult
from ziping.findings import Severity
from ziping.model import Form
from ziping.rules import REGISTRY
from ziping.synth.labels import field_values, finding_field, label_field, read_labels, same

EXAMPLES = 5  # false positives and negatives kept per rule, to show where a rule goes wrong
# The formats the targets hold for; PDF text extraction is measured and reported beside them.
TARGET_FORMATS = ("txt", "json", "xlsx")


@dataclass(slots=True)
class Reading:
    files: int = 0
    forms: int = 0
    fields: int = 0
    correct: int = 0
    wrong: Counter[str] = field(default_factory=Counter)  # field family -> misread count

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.fields if self.fields else None


@dataclass(slots=True)
class CorpusScore:
    """Counts over a whole corpus."""

    # Keyed by (format, code): the targets are judged on the text formats, PDF is reported apart.
    tp: Counter[tuple[str, str]] = field(default_factory=Counter)
    fp: Counter[tuple[str, str]] = field(default_factory=Counter)
    fn: Counter[tuple[str, str]] = field(default_factory=Counter)
    reading: dict[str, Reading] = field(default_factory=dict)
    files: int = 0
    forms: int = 0
    clean_forms: Counter[str] = field(default_factory=Counter)  # by format
    clean_flagged: Counter[str] = field(default_factory=Counter)  # clean forms with a warning or an error
    clean_codes: Counter[tuple[str, str]] = field(default_factory=Counter)  # their warnings/errors, by code
    negatives: Counter[str] = field(default_factory=Counter)
    negatives_flagged: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)  # defect kind -> labels
    kinds_found: Counter[str] = field(default_factory=Counter)
    fp_examples: dict[str, list[dict]] = field(default_factory=dict)
    fn_examples: dict[str, list[dict]] = field(default_factory=dict)
    seconds: float = 0.0

    def formats(self, pdf: bool = False) -> list[str]:
        """The formats in the corpus: the target ones, or (pdf=True) the reported ones."""
        return sorted(f for f in self.reading if (f in TARGET_FORMATS) != pdf)

    def rows(self, formats: list[str] | None = None) -> list[tuple[str, int, int, int, float | None, float | None]]:
        """(code, tp, fp, fn, precision, recall) for every deterministic rule, over the given (default: target) formats."""
        formats = self.formats() if formats is None else formats
        out = []
        for code in sorted(c for c, rule in REGISTRY.items() if rule.scope != "llm"):
            tp = sum(self.tp[f, code] for f in formats)
            fp = sum(self.fp[f, code] for f in formats)
            fn = sum(self.fn[f, code] for f in formats)
            precision = tp / (tp + fp) if tp + fp else None
            recall = tp / (tp + fn) if tp + fn else None
            out.append((code, tp, fp, fn, precision, recall))
        return out

    def clean(self, formats: list[str]) -> tuple[int, int, Counter[str]]:
        """Clean forms in these formats, how many got a warning or an error, and those findings by code."""
        codes: Counter[str] = Counter()
        for (fmt, code), n in self.clean_codes.items():
            if fmt in formats:
                codes[code] += n
        return sum(self.clean_forms[f] for f in formats), sum(self.clean_flagged[f] for f in formats), codes

    def to_json(self) -> dict[str, Any]:
        """The scores as the JSON output of `ziping eval --corpus --format json`."""

        def rules(formats: list[str]) -> list[dict[str, Any]]:
            return [
                {"code": c, "name": REGISTRY[c].name, "tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r}
                for c, tp, fp, fn, p, r in self.rows(formats)
            ]

        def clean(formats: list[str]) -> dict[str, Any]:
            forms, flagged, codes = self.clean(formats)
            return {"forms": forms, "with_warnings_or_errors": flagged, "codes": dict(sorted(codes.items()))}

        return {
            "files": self.files,
            "forms": self.forms,
            "seconds": round(self.seconds, 2),
            "formats": self.formats(),
            "rules": rules(self.formats()),
            "clean": clean(self.formats()),
            "reported_formats": self.formats(pdf=True),
            "rules_reported": rules(self.formats(pdf=True)),
            "clean_reported": clean(self.formats(pdf=True)),
            "reading": [
                {
                    "format": fmt,
                    "files": r.files,
                    "forms": r.forms,
                    "fields": r.fields,
                    "correct": r.correct,
                    "accuracy": r.accuracy,
                    "misread": dict(r.wrong.most_common(10)),
                }
                for fmt, r in sorted(self.reading.items())
            ],
            "negatives": [
                {"kind": k, "fields": n, "flagged": self.negatives_flagged[k]}
                for k, n in sorted(self.negatives.items())
            ],
            "defects": [{"kind": k, "labels": n, "found": self.kinds_found[k]} for k, n in sorted(self.kinds.items())],
            "examples": {"false_positives": self.fp_examples, "false_negatives": self.fn_examples},
        }


def _family(path: str) -> str:
    """indicators[名].note → indicators[].note: misreads grouped by the kind of field."""
    if "[" in path:
        head, _, rest = path.partition("[")
        return f"{head}[]{rest.partition(']')[2]}"
    return path


def _example(store: dict[str, list[dict]], code: str, **item: Any) -> None:
    kept = store.setdefault(code, [])
    if len(kept) < EXAMPLES:
        kept.append(item)


def score_file(score: CorpusScore, record: dict[str, Any], result: FileResult) -> None:
    """Add one checked file to the score, against its label record."""
    fmt = record["format"]
    score.files += 1
    reading = score.reading.setdefault(fmt, Reading())
    reading.files += 1
    # File-level findings (ZP001/ZP002) belong to the file, not to a form.
    file_found = [(result.error.code, "file")] if result.error is not None else []
    file_expected = [(e["code"], e["field"], e.get("kind", "")) for e in record["expected"]]
    _match(score, fmt, record["path"], None, file_expected, file_found)
    read_forms = {fr.form.index: fr for fr in result.forms}
    for label in record["forms"]:
        score.forms += 1
        reading.forms += 1
        checked = read_forms.pop(label["index"], None)
        form = checked.form if checked is not None else None
        found = [] if checked is None else [(f.code, finding_field(form, f.field)) for f in checked.findings]
        expected = [(e["code"], label_field(e["field"]), e["kind"]) for e in label["expected"]]
        unmatched = _match(score, fmt, record["path"], label["id"], expected, found)
        if not label["expected"]:
            score.clean_forms[fmt] += 1
            serious = [f for f in (checked.findings if checked else []) if f.severity is not Severity.INFO]
            if serious or checked is None:
                score.clean_flagged[fmt] += 1
                score.clean_codes.update((fmt, f.code) for f in serious)
        for negative in label["negatives"] if fmt in TARGET_FORMATS else ():
            score.negatives[negative["kind"]] += 1
            if any(f == label_field(negative["field"]) for _, f in unmatched):
                score.negatives_flagged[negative["kind"]] += 1
        _read(reading, label["truth"], form)
    for extra in read_forms.values():  # forms the reader found that no label names: all their findings are false
        found = [(f.code, finding_field(extra.form, f.field)) for f in extra.findings]
        _match(score, fmt, record["path"], f"#{extra.form.index}", [], found)


def _match(
    score: CorpusScore,
    fmt: str,
    path: str,
    form_id: str | None,
    expected: list[tuple[str, str, str]],
    found: list[tuple[str, str]],
) -> list[tuple[str, str]]:
    """Count TP/FP/FN for one form; returns the findings no label expected."""
    remaining = list(expected)
    unmatched = []
    for code, where in found:
        hit = next((e for e in remaining if e[0] == code and e[1] == where), None)
        if hit is None:
            score.fp[fmt, code] += 1
            unmatched.append((code, where))
            if fmt in TARGET_FORMATS:
                _example(score.fp_examples, code, path=path, form=form_id, field=where)
        else:
            remaining.remove(hit)
            score.tp[fmt, code] += 1
    if fmt in TARGET_FORMATS:
        score.kinds.update(kind for _, _, kind in expected)
    for code, where, kind in remaining:
        score.fn[fmt, code] += 1
        if fmt in TARGET_FORMATS:
            _example(score.fn_examples, code, path=path, form=form_id, field=where, kind=kind)
    if fmt in TARGET_FORMATS:
        matched = list(expected)
        for item in remaining:
            matched.remove(item)
        score.kinds_found.update(kind for _, _, kind in matched)
    return unmatched


def _read(reading: Reading, truth: dict[str, Any], form: Form | None) -> None:
    got = field_values(form) if form is not None else {}
    for key in truth.keys() | got.keys():
        reading.fields += 1
        if same(truth.get(key), got.get(key)):
            reading.correct += 1
        else:
            reading.wrong[_family(key)] += 1


def evaluate_corpus(directory: Path, checker: Checker | None = None, progress: Any = None) -> CorpusScore:
    """Check every labelled file of a corpus folder and score the rules and the readers.

    `progress`, when given, is told `start(files)` and `advance(files, forms)` (ziping.triage.Progress).
    """
    start = time.perf_counter()
    checker = checker or Checker.create()
    records = list(read_labels(directory))
    score = CorpusScore()
    if progress is not None:
        progress.start(len(records))
    for record in records:
        result = checker.check_file(directory / record["path"])
        score_file(score, record, result)
        if progress is not None:
            progress.advance(1, len(result.forms))
    score.seconds = time.perf_counter() - start
    return score
