"""The JSON contract of `ziping check --format json`: versioned, Chinese kept readable."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from ziping import __version__
from ziping.checks import FileResult, FormResult, tally_file
from ziping.findings import Finding
from ziping.llm.reasons import status_text
from ziping.model import SCHEMA_VERSION
from ziping.rules import REGISTRY
from ziping.scoring import num

if TYPE_CHECKING:
    from ziping.llm.run import LLMRun

LLM_SKIPPED = {
    "zh": "大模型叙述检查已跳过：以上结果仅来自确定性规则（加 --llm 并设置 OPENAI_BASE_URL 与 ZIPING_MODEL 即可启用）",
    "en": "LLM narrative checks skipped: the results come from deterministic rules only "
    "(enable with --llm and OPENAI_BASE_URL, ZIPING_MODEL)",
}


LLM_NOTHING = {"zh": "大模型检查：这次运行没有需要检查的表", "en": "LLM checks: no form to review in this run"}


def llm_line(run: LLMRun | None, lang: str = "zh") -> str:
    """One line on what the LLM layer did in this run: counts, cost, and why forms were not reviewed."""
    if run is None:
        return LLM_SKIPPED[lang]
    if not run.forms:
        return LLM_NOTHING[lang]
    usage = run.usage
    dropped = sum(run.dropped.values())
    calls = run.call_seconds
    mean = f"{sum(calls) / len(calls):.1f}" if calls else "—"
    reason = run.reason(lang)
    if lang == "en":
        tokens = f"{usage.prompt_tokens}/{usage.completion_tokens}" + (" (estimated)" if usage.estimated else "")
        line = (
            f"LLM checks ({run.model}, {run.mode or '—'}): {run.status}; {run.reviewed}/{run.forms} forms reviewed, "
            f"{run.cache_hits} from cache, {run.failed} failed, {run.skipped} skipped; {run.calls} requests, "
            f"tokens in/out {tokens}, {run.kept} findings kept, {dropped} dropped, {run.seconds:.1f} s (mean {mean} s a call)"
        )
        return line + (f" — {reason}" if reason else "")
    status = {"ok": "完成", "partial": "部分完成", "failed": "失败"}.get(run.status, run.status)
    tokens = f"{usage.prompt_tokens}/{usage.completion_tokens}" + ("（估算）" if usage.estimated else "")
    line = (
        f"大模型检查（{run.model}，{run.mode or '—'}）：{status}；{run.reviewed}/{run.forms} 张表完成，"
        f"{run.cache_hits} 张来自缓存，{run.failed} 张失败，{run.skipped} 张跳过；{run.calls} 次调用，"
        f"输入/输出 token {tokens}，保留 {run.kept} 条结论，丢弃 {dropped} 条，"
        f"用时 {run.seconds:.1f} 秒（每次调用平均 {mean} 秒）"
    )
    return line + (f"——{reason}" if reason else "")


def finding_json(finding: Finding, lang: str = "zh") -> dict[str, Any]:
    """One finding as the contract shows it."""
    rule = REGISTRY[finding.code]
    location = finding.location.model_dump(exclude_none=True) if finding.location else None
    out: dict[str, Any] = {
        "code": finding.code,
        "name": rule.name,
        "severity": finding.severity.value,
        "origin": finding.origin,
        "confidence": finding.confidence,
        "field": finding.field,
        "location": location or None,
        "message": rule.message(finding, lang),
        "declared": finding.declared,
        "expected": finding.expected,
        "formula": rule.formula(finding, lang),
    }
    if finding.origin == "llm":
        out.update(quote=finding.quote, model=finding.model, prompt_version=finding.prompt_version)
    return out


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def form_json(result: FormResult, lang: str = "zh") -> dict[str, Any]:
    """One checked form: identity, declared and recomputed figures, findings."""
    form, fig = result.form, result.figures
    header = form.header
    year = num(header.year)
    return {
        "index": form.index,
        "project_code": header.project_code.raw if header.project_code else None,
        "project_name": header.project_name.raw if header.project_name else None,
        "year": int(year) if year is not None else None,
        "implementing_unit": header.implementing_unit.raw if header.implementing_unit else None,
        "contact": header.contact.raw if header.contact else None,
        "phone": header.phone.raw if header.phone else None,
        "location": form.location.model_dump(exclude_none=True) if form.location else None,
        "profile": fig.profile.name,
        "declared": {
            "execution_rate": num(form.funds.execution_rate),
            "execution_score": num(form.funds.execution_score),
            "total_weight": num(form.total.weight),
            "total_score": num(form.total.score),
            "grade": form.grade.raw if form.grade else None,
        },
        "computed": {
            "execution_rate": _round(fig.execution_rate),
            "execution_score": _round(fig.execution_score),
            "total_weight": _round(fig.total_weight),
            "total_score": _round(fig.total_score),
            "grade": fig.profile.grade_for(round(fig.total_score, 2)) if fig.total_score is not None else None,
            "scored": fig.scored,
            "precision": fig.precision,
        },
        "llm_status": status_text(result.llm_status, result.llm_reason, lang),
        "llm_reason": result.llm_reason.code if result.llm_reason else None,
        "findings": [finding_json(f, lang) for f in result.findings],
    }


def write_report(
    results: Iterable[FileResult], out: IO[str], profile: str, lang: str = "zh", llm: LLMRun | None = None
) -> Counter[str]:
    """Stream the whole report: each form is written as soon as it is checked, so a file of thousands of
    forms is never held; the summary comes last. Returns the counts by severity."""
    counts: Counter[str] = Counter()
    out.write("{\n")
    out.write(f'"schema_version": {json.dumps(SCHEMA_VERSION)},\n')
    out.write(f'"tool": {json.dumps({"name": "ziping", "version": __version__})},\n')
    out.write(f'"profile": {json.dumps(profile)},\n')
    out.write('"files": [')
    for k, result in enumerate(results):
        out.write(("," if k else "") + f'\n{{\n  "path": {json.dumps(result.path, ensure_ascii=False)},\n  "forms": [')
        written = 0
        for form in result.counted(counts).stream():
            # A form as json.dumps(indent=2) writes it, two levels in.
            text = json.dumps(form_json(form, lang), ensure_ascii=False, indent=2).replace("\n", "\n    ")
            out.write(("," if written else "") + "\n    " + text)
            out.flush()
            written += 1
        tally_file(counts, result)
        # A file's error comes after its forms: a defect met part-way through a file ends it there.
        error = finding_json(result.error, lang) if result.error else None
        # A file met in a folder that holds no form: reported, never an error.
        skipped = finding_json(result.skipped, lang) if result.skipped else None
        out.write(
            ("\n  ]" if written else "]") + f',\n  "error": {_nested(error)},\n  "skipped": {_nested(skipped)}\n}}'
        )
        out.flush()
    out.write("\n],\n")
    block = llm.as_json(lang) if llm is not None else {"status": "skipped", "reason": LLM_SKIPPED[lang]}
    out.write(f'"llm": {json.dumps(block, ensure_ascii=False)},\n')
    summary = {key: counts[key] for key in ("files", "forms", "unreadable", "skipped", "error", "warning", "info")}
    out.write(f'"summary": {json.dumps(summary)}\n}}\n')
    return counts


def _nested(value: dict[str, Any] | None) -> str:
    """A value inside a file's object, indented as json.dumps(indent=2) would indent it there."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
