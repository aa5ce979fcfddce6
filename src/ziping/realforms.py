"""`ziping eval --real DIR`: how well ziping reads and checks real published forms, against hand annotations.

A folder in the real-forms layout holds `NN.txt` (or any readable file named `NN.*`) beside `NN.json`,
a hand annotation of each form in it (funds figures, indicators, verified problems), and
`expected_codes.json`, the rule codes those problems map to. Four measures, each a count:

- forms read: an annotated form whose paired parsed form has at least one indicator or funds row;
- execution rates: 全年执行数 ÷ 全年预算数 as recomputed from what was read, within 0.05 percentage points
  of the annotation's own figures;
- indicators: an annotated indicator whose name is among the paired form's parsed indicators;
- values: of the indicators found, each annotated 指标值, 实际完成值, 分值 and 得分 read as annotated (a
  number compared by value; an annotation that leaves out a unit the form writes, "50" for "50个",
  still agrees);
- problems: a code of `expected_codes.json` raised (warning or error) on some form of its file.

Beside them, every error raised on a form without verified problems is listed: the excerpts are cut
off, so such an error is either a field the excerpt lost or a false alarm a reviewer should not see.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ziping.checks import Checker, FileResult, FormResult
from ziping.chinese import to_simplified
from ziping.findings import Severity
from ziping.values import parse_number

RATE_TOLERANCE = 0.05  # percentage points
# Layout families, told apart by what the text calls itself; a form is the first family whose words it holds.
FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("部门整体支出", ("部门整体支出",)),
    ("转移支付 / 区域", ("区域绩效目标", "转移支付")),
    ("四川 部门预算", ("部门预算项目支出绩效自评表", "预算执行情况(10分)")),
    ("绩效目标自评表", ("绩效目标自评表",)),
    ("项目支出（通用）", ()),
)
_DROP = re.compile(r"[\s\u200b*＊]+")
_OCR_REMARK = re.compile(r"\s*\([^()]*OCR[^()]*\)\s*$")


class RealFormsError(Exception):
    """The folder is not in the real-forms layout."""


def key(text: str | None) -> str:
    """Text as names are compared: NFKC, simplified characters, no whitespace."""
    return _DROP.sub("", to_simplified(unicodedata.normalize("NFKC", text or "")))


def same_name(annotated: str, parsed: str) -> bool:
    """Whether a parsed indicator name is the annotated one: equal, or one holding the other with a few
    characters more (a unit in brackets, a numbering) but not a different name that happens to contain it."""
    # The annotations' own marks: a remark on OCR in brackets at the end, a long name cut short with "…".
    annotated = _OCR_REMARK.sub("", annotated)
    cut = "…" in annotated
    a, p = key(annotated.split("…")[0].rstrip("(（")), key(parsed)
    if not a or not p:
        return False
    if a == p or cut and len(a) >= 4 and p.startswith(a):
        return True
    short, long_ = sorted((a, p), key=len)
    return len(short) >= 4 and short in long_ and len(short) >= 0.6 * len(long_)


def family_of(text: str) -> str:
    """The layout family a file's text names."""
    flat = key(text).replace("（", "(").replace("）", ")")
    for name, words in FAMILIES:
        if not words or any(word in flat for word in words):
            return name
    return FAMILIES[-1][0]


@dataclass(slots=True)
class FormMeasure:
    """One annotated form against what was read of it."""

    file: str
    index: int  # the annotated form's place in its file, 1-based
    family: str
    parsed_index: int | None  # the paired parsed form, or None
    read: bool
    rate_expected: float | None
    rate_read: float | None
    indicators: int
    indicators_found: int
    missing: list[str] = field(default_factory=list)
    values: int = 0  # annotated values of the found indicators
    values_read: int = 0  # … read as annotated
    misread: list[str] = field(default_factory=list)  # "完成率 actual: 98% ≠ 96%"
    has_problems: bool = True
    errors: list[str] = field(default_factory=list)  # "ZP304 total.score" …

    @property
    def rate_ok(self) -> bool:
        return (
            self.rate_expected is not None
            and self.rate_read is not None
            and abs(self.rate_expected - self.rate_read) <= RATE_TOLERANCE
        )


@dataclass(slots=True)
class RealScore:
    """Every form's measure and every expected code's outcome."""

    forms: list[FormMeasure] = field(default_factory=list)
    problems: list[tuple[str, str, bool]] = field(default_factory=list)  # (file, code, raised)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    def totals(self, family: str | None = None) -> dict[str, tuple[int, int]]:
        """found / total for each measure, over one family or all."""
        forms = [f for f in self.forms if family is None or f.family == family]
        files = {f.file for f in forms}
        problems = [p for p in self.problems if p[0] in files]
        rated = [f for f in forms if f.rate_expected is not None]
        return {
            "forms": (sum(f.read for f in forms), len(forms)),
            "rates": (sum(f.rate_ok for f in rated), len(rated)),
            "indicators": (sum(f.indicators_found for f in forms), sum(f.indicators for f in forms)),
            "values": (sum(f.values_read for f in forms), sum(f.values for f in forms)),
            "problems": (sum(p[2] for p in problems), len(problems)),
            "clean_errors": (sum(len(f.errors) for f in forms if not f.has_problems), 0),
        }

    def families(self) -> list[str]:
        seen = Counter(f.family for f in self.forms)
        return [name for name, _ in FAMILIES if name in seen]

    def to_json(self) -> dict[str, Any]:
        return {
            "totals": {k: list(v) for k, v in self.totals().items()},
            "families": {name: {k: list(v) for k, v in self.totals(name).items()} for name in self.families()},
            "forms": [
                {
                    "file": f.file,
                    "index": f.index,
                    "family": f.family,
                    "parsed_index": f.parsed_index,
                    "read": f.read,
                    "rate_expected": f.rate_expected,
                    "rate_read": f.rate_read,
                    "indicators": [f.indicators_found, f.indicators],
                    "missing_indicators": f.missing,
                    "values": [f.values_read, f.values],
                    "misread_values": f.misread,
                    "has_problems": f.has_problems,
                    "errors": f.errors,
                }
                for f in self.forms
            ],
            "problems": [{"file": file, "code": code, "raised": raised} for file, code, raised in self.problems],
            "unreadable": [{"file": file, "reason": reason} for file, reason in self.unreadable],
        }


def _rate(annotated: dict[str, Any]) -> float | None:
    budget, executed = annotated.get("budget_full_year"), annotated.get("executed")
    if not isinstance(budget, int | float) or not isinstance(executed, int | float) or budget <= 0:
        return None
    return executed / budget * 100


def _pair_score(annotated: dict[str, Any], parsed: FormResult) -> tuple[int, int]:
    names = [ind.label for ind in parsed.form.indicators]
    found = sum(any(same_name(a["name"], n) for n in names) for a in annotated.get("indicators") or [])
    title = parsed.form.header.project_name.raw if parsed.form.header.project_name else ""
    wanted = key(annotated.get("project_name"))
    named = bool(wanted) and bool(key(title)) and (wanted in key(title) or key(title) in wanted)
    return found, int(named)


def _pair(annotated: list[dict[str, Any]], parsed: list[FormResult]) -> list[int | None]:
    """Each annotated form's parsed form: the best match by indicators and name, else the same place in order."""
    taken: set[int] = set()
    out: list[int | None] = []
    for k, form in enumerate(annotated):
        free = [j for j in range(len(parsed)) if j not in taken]
        if not free:
            out.append(None)
            continue
        best = max(free, key=lambda j: (_pair_score(form, parsed[j]), -abs(j - k)))
        taken.add(best)
        out.append(best)
    return out


_VALUE_FIELDS = ("target", "actual", "weight", "score")


def _values(wanted: list[dict[str, Any]], parsed: FormResult | None) -> tuple[int, list[str]]:
    """How many annotated values the found indicators have, and those read otherwise."""
    if parsed is None:
        return 0, []
    count, misread = 0, []
    for annotated in wanted:
        found = next((i for i in parsed.form.indicators if same_name(annotated["name"], i.label)), None)
        if found is None:
            continue
        for name in _VALUE_FIELDS:
            expected = annotated.get(name)
            if isinstance(expected, str):
                expected = _OCR_REMARK.sub("", expected) or None
            value = getattr(found, name)
            raw = value.raw if value is not None and value.raw.strip() else None
            count += 1
            if not same_value(expected, raw):
                misread.append(f"{annotated['name']} {name}: {raw} ≠ {expected}")
    return count, misread


def same_value(annotated: Any, raw: str | None) -> bool:
    """Whether a read value is the annotated one: a number by value, text as labels compare, a unit the
    annotation leaves out ("50" for "50个") not held against the reading."""
    if annotated is None or raw is None:
        return annotated is None and raw is None
    if isinstance(annotated, int | float):
        return parse_number(raw) == annotated
    a, r = key(str(annotated)), key(raw)
    if a == r:
        return True
    # "50" annotated, "50个" read: the same figure with its unit, not "500".
    return parse_number(a) is not None and r.startswith(a) and not r[len(a) : len(a) + 1].isdigit()


def _was_read(result: FormResult) -> bool:
    funds = result.form.funds
    rows = (funds.total, funds.fiscal, funds.carryover, funds.other)
    return bool(result.form.indicators) or any(
        row is not None and any(v is not None for v in (row.initial_budget, row.budget, row.executed)) for row in rows
    )


def _source_file(folder: Path, stem: str) -> Path | None:
    for candidate in sorted(folder.glob(f"{stem}.*")):
        if candidate.suffix.lower() != ".json" and candidate.is_file():
            return candidate
    return None


def evaluate_real(folder: Path, checker: Checker | None = None) -> RealScore:
    """Read and check every annotated file of a real-forms folder; raises RealFormsError for a folder in no such layout."""
    annotations = sorted(p for p in folder.glob("*.json") if p.stem != "expected_codes")
    if not annotations:
        raise RealFormsError(f"{folder} 中没有标注文件（NN.json）")
    codes_path = folder / "expected_codes.json"
    expected: dict[str, list[str]] = {}
    if codes_path.is_file():
        expected = {
            k: v for k, v in json.loads(codes_path.read_text(encoding="utf-8")).items() if not k.startswith("_")
        }
    checker = checker or Checker.create()
    score = RealScore()
    for path in annotations:
        try:
            annotation = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise RealFormsError(f"{path}：标注文件无法读取（{exc}）") from None
        source = _source_file(folder, path.stem)
        if source is None:
            raise RealFormsError(f"{path}：旁边没有同名的表格文件（{path.stem}.txt 等）")
        result: FileResult = checker.check_file(source)
        if result.error is not None:
            score.unreadable.append((path.stem, str(result.error.params.get("reason", result.error.code))))
        family = family_of(source.read_text(encoding="utf-8", errors="replace") if source.suffix == ".txt" else "")
        forms = annotation.get("forms") or []
        pairs = _pair(forms, result.forms)
        for k, (form, j) in enumerate(zip(forms, pairs), start=1):
            parsed = result.forms[j] if j is not None else None
            wanted = form.get("indicators") or []
            names = [ind.label for ind in parsed.form.indicators] if parsed else []
            missing = [a["name"] for a in wanted if not any(same_name(a["name"], n) for n in names)]
            values, misread = _values(wanted, parsed)
            score.forms.append(
                FormMeasure(
                    file=path.stem,
                    index=k,
                    family=family,
                    parsed_index=j + 1 if j is not None else None,
                    read=parsed is not None and _was_read(parsed),
                    rate_expected=_rate(form),
                    rate_read=parsed.figures.execution_rate if parsed else None,
                    indicators=len(wanted),
                    indicators_found=len(wanted) - len(missing),
                    missing=missing,
                    values=values,
                    values_read=values - len(misread),
                    misread=misread,
                    has_problems=bool(form.get("problems")),
                    errors=[f"{f.code} {f.field}" for f in parsed.findings if f.severity is Severity.ERROR]
                    if parsed
                    else [],
                )
            )
        raised = {
            f.code for form in result.forms for f in form.findings if f.severity in (Severity.ERROR, Severity.WARNING)
        }
        for code in expected.get(path.stem, []):
            score.problems.append((path.stem, code, code in raised))
    return score


_LABELS = {
    "zh": {
        "forms": "读出的表（至少一个指标或资金行）",
        "rates": "预算执行率（由读出的数计算，误差 ≤ 0.05 个百分点）",
        "indicators": "标注的指标（名称在读出的指标中）",
        "values": "读出指标的值（指标值、实际值、分值、得分与标注一致）",
        "problems": "核实的问题以正确代码报出",
        "clean_errors": "无核实问题的表上的错误",
        "family": "版式",
        "all": "合计",
    },
    "en": {
        "forms": "forms read (an indicator or funds row)",
        "rates": "execution rates (from what was read, within 0.05 points)",
        "indicators": "annotated indicators (name among those read)",
        "values": "values of the indicators found (target, actual, weight, score as annotated)",
        "problems": "verified problems raised with the right code",
        "clean_errors": "errors on forms without verified problems",
        "family": "layout",
        "all": "all",
    },
}


def render_table(score: RealScore, lang: str = "zh") -> str:
    """The measures as a Markdown table: one column for all forms, one per layout family."""
    labels = _LABELS[lang]
    families = score.families()
    heads = [labels["all"], *families]
    lines = [f"| | {' | '.join(heads)} |", "|---|" + "---:|" * len(heads)]
    per = [score.totals(), *(score.totals(name) for name in families)]
    for measure in ("forms", "rates", "indicators", "values", "problems", "clean_errors"):
        cells = []
        for totals in per:
            found, total = totals[measure]
            cells.append(str(found) if measure == "clean_errors" else f"{found} / {total}")
        lines.append(f"| {labels[measure]} | {' | '.join(cells)} |")
    return "\n".join(lines)
