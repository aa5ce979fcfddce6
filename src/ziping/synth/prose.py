"""The free text of a synthetic form: goals, the 实际完成情况 narrative, deviation notes."""

from __future__ import annotations

from random import Random

from ziping.synth import vocab
from ziping.synth.spec import Ind, Spec, plain

# Units a narrative number can carry and still name one indicator (ZP501 reads these).
MENTION_UNITS = frozenset("个期人名条篇次项场份户家册本套台件批所") | {"小时", "天"}


def note(rng: Random, *, funds: bool = False, over: bool = False, measure: bool = True) -> str:
    """A deviation note: a cause, then (unless `measure` is False) an improvement measure."""
    cause_label, measure_label = rng.choice(vocab.CAUSE_LABELS)
    if over:
        cause = rng.choice(vocab.OVER_CAUSES)
        remedy = rng.choice(vocab.OVER_MEASURES)
    else:
        cause = rng.choice(vocab.FUNDS_CAUSES if funds else vocab.CAUSES)
        remedy = rng.choice(vocab.MEASURES)
    text = f"{cause_label}{cause}。"
    return f"{text}\n{measure_label}{remedy}。" if measure else text


def money(fen: int) -> str:
    """An amount of yuan as prose writes it: whole yuan without decimals."""
    return f"{fen // 100}元" if fen % 100 == 0 else f"{fen / 100:.2f}元"


def breakdown(rng: Random, total_fen: int, off_by: int = 0) -> str:
    """申请预算资金 X 元，其中 … : parts that add up to the total (or miss it by `off_by` fen)."""
    cut1 = rng.randint(20, 50) * total_fen // 100 // 100 * 100
    cut2 = rng.randint(20, 40) * total_fen // 100 // 100 * 100
    parts = [cut1, cut2, total_fen - cut1 - cut2 + off_by]
    uses = rng.sample(("项目实施", "设备采购", "宣传推广", "人员培训", "运行维护", "委托服务"), 3)
    listed = "、".join(f"{money(p)}用于{use}" for p, use in zip(parts, uses))
    return f"申请预算资金{money(total_fen)}，其中{listed}。"


def expected_goal(rng: Random, spec: Spec, with_breakdown: bool, years: tuple[int, ...] | None = None) -> str:
    """年度总体目标·预期目标: two to four clauses, numbered or one paragraph, naming the evaluation year."""
    clauses = rng.sample(vocab.GOAL_CLAUSES, rng.randint(2, 4))
    if not any("{year}" in c for c in clauses):
        clauses[0] = vocab.GOAL_CLAUSES[0]
    words = {"project": spec.project, "theme": spec.theme}
    texts = []
    for k, clause in enumerate(clauses):
        year = years[k % len(years)] if years else spec.year
        texts.append(clause.format(year=year, **words))
    if with_breakdown:
        texts.append(breakdown(rng, spec.funds.rows["total"][1])[:-1])
    return _join(rng, texts)


def mentionable(ind: Ind) -> bool:
    """Whether a narrative can report this indicator's number so that it names the indicator alone."""
    return (
        bool(ind.tpl.phrase)
        and ind.kind in ("at_least", "range")
        and ind.actual is not None
        and ind.unit in MENTION_UNITS
    )


def narrative(rng: Random, spec: Spec, funds_note: bool, claim: bool) -> tuple[str, list[tuple[int, str]]]:
    """实际完成情况: some indicators' results in words, general results, and what the funds did."""
    candidates = [k for k, ind in enumerate(spec.inds) if mentionable(ind)]
    chosen = sorted(rng.sample(candidates, min(len(candidates), rng.randint(1, 3)))) if candidates else []
    mentions = []
    clauses = []
    for k in chosen:
        ind = spec.inds[k]
        number = plain(ind.actual)
        clauses.append(ind.tpl.phrase.format(n=number, u=ind.unit))
        mentions.append((k, number))
    words = {"project": spec.project, "theme": spec.theme}
    clauses += [c.format(**words) for c in rng.sample(vocab.RESULT_CLAUSES, rng.randint(1, 2))]
    if funds_note:
        clauses.append(rng.choice(vocab.FUNDS_EXPLANATIONS))
    if claim:
        clauses.append(rng.choice(vocab.CLAIMS))
    return _join(rng, clauses), mentions


def _join(rng: Random, clauses: list[str]) -> str:
    """Numbered items one per line (1.…。), or one paragraph."""
    if rng.random() < 0.5:
        return "\n".join(f"{k}.{c}。" for k, c in enumerate(clauses, start=1))
    return "，".join(clauses) + "。"
