"""The triage risk score: each finding weighs what its row of WEIGHTS says; a form's score is the sum.

Pure functions of finding records (the dicts of the JSON contract), so stored results can be
re-ranked when the weights change without checking anything again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ziping.rules.registry import Text


@dataclass(frozen=True, slots=True)
class Weight:
    """One row of the weight table: which findings it matches, what each weighs, and why."""

    origin: str  # "rule" or "llm"
    codes: tuple[str, ...]  # code prefixes; () matches every code
    severity: str | None  # None matches every severity
    weight: float
    label: Text
    why: Text

    def matches(self, finding: Mapping[str, Any]) -> bool:
        return (
            finding.get("origin", "rule") == self.origin
            and (self.severity is None or finding["severity"] == self.severity)
            and (not self.codes or finding["code"].startswith(self.codes))
        )


# First matching row wins. A recomputed error in money or totals changes the evaluation's result,
# so it outweighs everything; an inflated score is the risk review exists to catch, an understated
# one costs only the unit; an LLM finding is a judgement, not a recomputation, so it counts with
# its severity but below any recomputed error.
WEIGHTS: tuple[Weight, ...] = (
    Weight(
        "llm", (), "error", 3,
        Text("大模型判断的错误", "LLM-judged error"),
        Text("大模型的结论是判断，不是复算：按级别计分，但低于任何复算出的错误", "a judgement, not a recomputation: counts, but below any recomputed error"),
    ),
    Weight(
        "llm", (), "warning", 0.5,
        Text("大模型判断的警告", "LLM-judged warning"),
        Text("同上，按警告计分", "as above, at warning level"),
    ),
    Weight(
        "llm", (), "info", 0.1,
        Text("大模型判断的提示", "LLM-judged info"),
        Text("同上，按提示计分", "as above, at info level"),
    ),
    Weight(
        "rule", ("ZP001", "ZP002", "ZP009"), None, 10,
        Text("文件无法检查", "file cannot be checked"),
        Text("整个文件没有被检查，须人工处理；这类文件总排在队列最前", "nothing in the file was checked; such files always head the queue"),
    ),
    Weight(
        "rule", ("ZP1",), "error", 10,
        Text("资金或执行率错误", "funds or execution-rate error"),
        Text("资金数额和执行率决定预算执行率得分，算错直接改变评价结果", "the funds decide the execution score: an error changes the result"),
    ),
    Weight(
        "rule", ("ZP30",), "error", 10,
        Text("总分、分值或等级错误", "total, weight or grade error"),
        Text("总分和等级就是评价结论本身", "the total and the grade are the evaluation's conclusion"),
    ),
    Weight(
        "rule", ("ZP201", "ZP202"), None, 8,
        Text("得分虚高", "inflated score"),
        Text("多给的分抬高评价结论，是审核首先要防的风险", "points given beyond what was earned raise the conclusion: what review exists to catch"),
    ),
    Weight(
        "rule", (), "error", 5,
        Text("其他复核错误", "other recomputed error"),
        Text("缺项、矛盾或缺少原因说明：表须退回补正", "a missing field, a contradiction or an unexplained shortfall: the form goes back"),
    ),
    Weight(
        "rule", ("ZP203",), None, 2,
        Text("得分偏低", "understated score"),
        Text("少给的分不抬高结论，但说明评分方法有误", "it does not raise the conclusion, but the scoring method is wrong"),
    ),
    Weight(
        "rule", ("ZP1",), "warning", 2,
        Text("资金警告", "funds warning"),
        Text("如执行数超过预算数：资金异常值得看一眼", "e.g. executed above budget: money anomalies deserve a look"),
    ),
    Weight(
        "rule", (), "warning", 1,
        Text("说明或措辞类警告", "wording or explanation warning"),
        Text("不改变分数，只影响表的质量", "does not change a score, only the form's quality"),
    ),
    Weight(
        "rule", (), "info", 0.2,
        Text("提示", "info"),
        Text("供参考，几乎不影响排序", "for reference; barely moves the ranking"),
    ),
)  # fmt: skip

FALLBACK = Weight("rule", (), None, 1, Text("其他", "other"), Text("未列出的组合", "an unlisted combination"))


def weight_of(finding: Mapping[str, Any]) -> Weight:
    """The first row of WEIGHTS that matches a finding."""
    return next((row for row in WEIGHTS if row.matches(finding)), FALLBACK)


def discrepancy(finding: Mapping[str, Any]) -> float:
    """|declared − expected| when both are numbers, else 0: the tie-breaker between equal scores."""
    declared, expected = finding.get("declared"), finding.get("expected")
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (declared, expected))
    return abs(declared - expected) if numbers else 0.0


@dataclass(frozen=True, slots=True)
class Risk:
    """A form's risk score, its tie-breaker and the rows that produced it."""

    score: float
    discrepancy: float
    parts: tuple[tuple[Weight, tuple[str, ...]], ...]  # each weight row with the codes it counted

    def explain(self, lang: str = "zh") -> str:
        """The score in one sentence: which findings weighed how much."""
        if not self.parts:
            return "未发现问题，风险分 0" if lang == "zh" else "no findings, risk 0"
        terms = []
        for row, codes in self.parts:
            counted = _counted(codes, "、" if lang == "zh" else ", ")
            if lang == "zh":
                terms.append(f"{counted} {row.label.zh} 每条 {_num(row.weight)} 分")
            else:
                terms.append(f"{counted} {row.label.en} at {_num(row.weight)} each")
        sentence = "，".join(terms) if lang == "zh" else "; ".join(terms)
        if lang == "zh":
            return f"风险分 {_num(self.score)}：{sentence}；差额合计 {self.discrepancy:.2f}"
        return f"risk {_num(self.score)}: {sentence}; total discrepancy {self.discrepancy:.2f}"


def assess(findings: Iterable[Mapping[str, Any]]) -> Risk:
    """Score one form (or one unreadable file) from its findings."""
    by_row: dict[int, list[str]] = {}
    rows: dict[int, Weight] = {}
    score = gap = 0.0
    for finding in findings:
        row = weight_of(finding)
        score += row.weight
        gap += discrepancy(finding)
        by_row.setdefault(id(row), []).append(finding["code"])
        rows[id(row)] = row
    parts = sorted(((rows[k], tuple(codes)) for k, codes in by_row.items()), key=lambda p: -p[0].weight)
    return Risk(round(score, 2), round(gap, 2), tuple(parts))


def _counted(codes: tuple[str, ...], sep: str) -> str:
    seen: dict[str, int] = {}
    for code in codes:
        seen[code] = seen.get(code, 0) + 1
    return sep.join(code if n == 1 else f"{code}×{n}" for code, n in seen.items())


def _num(value: float) -> str:
    return f"{value:g}"


def formula(lang: str = "zh") -> str:
    """The whole scoring rule, as `ziping triage --explain` prints it."""
    severity = {"zh": {"error": "错误", "warning": "警告", "info": "提示", None: "任意"}, "en": {None: "any"}}[lang]
    origin = {"zh": {"rule": "规则复算", "llm": "大模型"}, "en": {"rule": "rule", "llm": "LLM"}}[lang]
    if lang == "zh":
        lines = [
            "风险分 = 该表每条问题的权重之和；每条问题取下表中第一条匹配的行。",
            "分数相同时，按差额 Σ|填报值 − 复核值|（所有带数值的问题）从大到小排列；无法读取的文件始终排在最前。",
            "",
            "来源\t代码\t级别\t权重\t类别\t理由",
        ]
    else:
        lines = [
            "risk = the sum of the weights of the form's findings; each finding takes the first matching row below.",
            "Equal scores are ordered by the discrepancy Σ|declared − recomputed| over the numeric findings, largest first;",
            "files that could not be read always come first.",
            "",
            "origin\tcodes\tseverity\tweight\tcategory\twhy",
        ]
    for row in WEIGHTS:
        codes = ",".join(f"{c}*" if len(c) < 5 else c for c in row.codes) or ("全部" if lang == "zh" else "all")
        sev = severity.get(row.severity, row.severity)
        cells = (origin[row.origin], codes, sev, _num(row.weight), row.label.get(lang), row.why.get(lang))
        lines.append("\t".join(cells))
    return "\n".join(lines)
