"""One form's LLM review: the prompt built from parsed numbers and facts, the answer grounded in the form.

The model never re-does arithmetic: it receives the recomputed figures and the deterministic findings
as facts. It can add findings but never remove or change a deterministic one, and every finding it adds
must quote the form verbatim and name an indicator that exists.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ziping.findings import Finding
from ziping.llm.prompts import boundary, unforgeable
from ziping.llm.schemas import FormReview, ModelFinding
from ziping.llm.textfold import Folded, fold, folded
from ziping.model import Form, Location, NumberField, TextField
from ziping.rules import REGISTRY
from ziping.rules.common import fmt
from ziping.scoring import FormFigures

CONTEXT_CHARS = 2000
FORM_DELIMITER = "表格[数數][据據]"  # the word of prompts/review.md's delimiters, as `unforgeable` finds forgeries
# An LLM finding that says what a rule already said is merged into the rule's finding.
DUPLICATES = {"ZP601": {"ZP501", "ZP502"}, "ZP602": {"ZP502", "ZP401"}, "ZP604": {"ZP402"}}


def indicator_id(k: int) -> str:
    return f"I{k + 1}"


@dataclass(frozen=True, slots=True)
class FormBlock:
    """The form's text exactly as the model receives it, the boundary of its delimiters, and where in the
    text the form's own values are (the rest is ziping's labels, which no quote may consist of alone)."""

    text: str
    boundary: str
    values: tuple[tuple[int, int], ...]

    def value_at(self, start: int, end: int) -> bool:
        """Whether the span holds any of the form's own text."""
        return any(a < end and start < b for a, b in self.values)


class _Writer:
    """Builds the block from ziping's labels and the form's values, each value made unforgeable."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.values: list[tuple[int, int]] = []
        self.at = 0

    def label(self, text: str) -> None:
        self.parts.append(text)
        self.at += len(text)

    def value(self, field: TextField | NumberField | str | None) -> None:
        raw = field if isinstance(field, str) else field.raw if field is not None else None
        if not raw:
            self.label("—")
            return
        text = unforgeable(raw, FORM_DELIMITER)
        self.values.append((self.at, self.at + len(text)))
        self.label(text)


def form_block(form: Form) -> FormBlock:
    """The form as the model reads it: a compact table, Chinese kept as it is."""
    header, funds, total = form.header, form.funds, form.funds.total
    w = _Writer()
    w.label("项目：")
    w.value(header.project_name or "（未命名项目）")
    w.label("（编码 ")
    w.value(header.project_code)
    w.label("），")
    w.value(header.year)
    w.label("年度，实施单位：")
    w.value(header.implementing_unit)
    w.label(f"\n资金（{funds.unit}）：全年预算数 ")
    w.value(total.budget if total else None)
    w.label("；全年执行数 ")
    w.value(total.executed if total else None)
    w.label("；填报执行率 ")
    w.value(funds.execution_rate)
    w.label("；填报得分 ")
    w.value(funds.execution_score)
    w.label("\n预期目标：")
    w.value(form.goals.expected)
    w.label("\n实际完成情况：")
    w.value(form.goals.actual)
    w.label("\n绩效指标（编号 | 一级/二级 | 三级指标 | 指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施）：")
    for k, ind in enumerate(form.indicators):
        w.label(f"\n{indicator_id(k)} | ")
        w.value(ind.level1)
        w.label("/")
        w.value(ind.level2)
        for part in (ind.label, ind.target, ind.actual, ind.weight, ind.score, ind.note):
            w.label(" | ")
            w.value(part)
    w.label("\n总分：分值 ")
    w.value(form.total.weight)
    w.label("，得分 ")
    w.value(form.total.score)
    if form.context:
        # A Word report's narrative around the tables: background only, cut so it never crowds out the form.
        w.label("\n表外文字（自评报告叙述，仅供参考，不是表中字段）：")
        w.value(form.context[:CONTEXT_CHARS])
        if len(form.context) > CONTEXT_CHARS:
            w.label("…")
    text = "".join(w.parts)
    return FormBlock(text, boundary(text), tuple(w.values))


def render_form(form: Form) -> str:
    """The form's text as the model receives it."""
    return form_block(form).text


def render_facts(form: Form, fig: FormFigures, findings: list[Finding]) -> str:
    """The recomputed figures and the deterministic findings, which the model must not re-derive."""
    facts = [
        f"- 复核执行率 {fmt(fig.execution_rate)}%，执行率得分 {fmt(fig.execution_score)}；"
        f"复核总分 {fmt(fig.total_score)} / {fmt(fig.total_weight, 0)}"
    ]
    for k, (ind, exp) in enumerate(zip(form.indicators, fig.expectations)):
        if exp.met is not None:
            facts.append(f"- {indicator_id(k)}「{ind.label}」{'已达到' if exp.met else '未达到'}指标值")
    facts += [f"- {f.code}：{REGISTRY[f.code].message(f)}" for f in findings]
    return "\n".join(facts)


@dataclass(slots=True)
class Grounding:
    """What grounding kept and what it dropped, and why."""

    kept: list[Finding] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)


def ground(
    review: FormReview,
    form: Form,
    sent: FormBlock,
    deterministic: list[Finding],
    model: str,
    prompt_version: str,
    selected: frozenset[str] | None = None,
) -> Grounding:
    """Keep the model's findings that quote the text it was sent (categories, names, code, year, notes,
    narratives, not ziping's labels alone) and name real indicators; drop and count the rest. A kept
    finding's quote is the form's own words at the place it matched."""
    out = Grounding()
    haystack = fold(sent.text) if review.findings else Folded("", [])
    fired = {(f.code, _indicator_of(f.field)) for f in deterministic}
    seen: set[tuple[str, str, str]] = set()
    for item in review.findings:
        quote = folded(item.quote)
        spans = [span for span in haystack.spans(quote) if sent.value_at(*span)]
        reason = _reject(item, quote, bool(spans), form, fired, seen, selected)
        if reason:
            out.dropped[reason] += 1
            continue
        seen.add((item.code, item.indicator_id, quote))
        start, end = spans[0]
        out.kept.append(_finding(item, sent.text[start:end], form, model, prompt_version))
    return out


def _reject(
    item: ModelFinding,
    quote: str,
    found: bool,
    form: Form,
    fired: set[tuple[str, int | None]],
    seen: set[tuple[str, str, str]],
    selected: frozenset[str] | None,
) -> str | None:
    if selected is not None and item.code not in selected:
        return "not_selected"
    if not quote or not found:
        return "quote_not_found"
    index = _index(item.indicator_id, form)
    if item.indicator_id and index is None:
        return "unknown_indicator"
    if any((code, index) in fired or (code, None) in fired for code in DUPLICATES.get(item.code, ())):
        return "duplicate_of_rule"
    if (item.code, item.indicator_id, quote) in seen:
        return "repeated"
    return None


def _index(indicator: str, form: Form) -> int | None:
    if not re.fullmatch(r"I\d+", indicator):
        return None
    k = int(indicator[1:]) - 1
    return k if 0 <= k < len(form.indicators) else None


def _indicator_of(field_path: str) -> int | None:
    m = re.match(r"indicators\[(\d+)\]", field_path)
    return int(m.group(1)) if m else None


def _finding(item: ModelFinding, quote: str, form: Form, model: str, prompt_version: str) -> Finding:
    rule = REGISTRY[item.code]
    k = _index(item.indicator_id, form)
    if k is not None:
        field_path, location = f"indicators[{k}]", form.indicators[k].location
    else:
        field_path, location = "goals.actual", form.goals.actual.location if form.goals.actual else None
    return Finding(
        code=rule.code,
        severity=rule.severity,
        field=field_path,
        location=location if isinstance(location, Location) else None,
        params={"reasoning": item.reasoning, "quote": quote},
        origin="llm",
        confidence=rule.confidence,
        quote=quote,
        model=model,
        prompt_version=prompt_version,
    )
