"""ZP5xx: numbers and claims in the 实际完成情况 narrative, checked without a model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ziping.findings import Hit, Severity
from ziping.model import Form, Indicator
from ziping.rules.common import shown
from ziping.rules.registry import Example, Text, rule
from ziping.scoring import FormFigures
from ziping.values import parse_quantity, unit_dimension, unit_from_name

CLAUSE = re.compile(r"[，。；;,、！？\n]")
# A number with its unit; years (2023年) and list numbers (1.) are not quantities.
MENTION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(%|万元|亿元|元|[个期人名条篇次项场份户家册本套台件批所]|小时|天)")
GENERIC = re.compile(r"[（(].*?[)）]|数量|个数|次数|人数|完成|指标|情况|项目|工作|[数量率度值]$")
CLAIM = re.compile(
    r"(?<![未没尚])(?:全部完成|圆满完成|全面完成|均已完成|均按时完成|已全部完成|100%完成|全部达到|全部实现|各项[^，。；]{0,12}均[^，。；]{0,6}完成)"
)


@dataclass(frozen=True, slots=True)
class Mention:
    value: float
    unit: str
    context: str
    text: str


def mentions(narrative: str) -> list[Mention]:
    """Each number-with-unit in a narrative, with the words around it up to the neighbouring numbers."""
    found: list[Mention] = []
    for clause in CLAUSE.split(narrative):
        matches = list(MENTION.finditer(clause))
        for k, m in enumerate(matches):
            if m.group(2) == "年":
                continue
            start = matches[k - 1].end() if k else 0
            end = matches[k + 1].start() if k + 1 < len(matches) else len(clause)
            quantity = parse_quantity(m.group(0))
            if quantity is None:
                continue
            found.append(Mention(quantity.value, quantity.unit or m.group(2), clause[start:end], m.group(0)))
    return found


def _keyword(ind: Indicator) -> str:
    return GENERIC.sub("", ind.label.replace(" ", ""))


def _common(a: str, b: str) -> int:
    """Length of the longest common substring (both strings are short)."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


def reference(ind: Indicator) -> tuple[str | None, str]:
    """What a narrative number must share with an indicator to name it: the unit and the distinctive words."""
    named = unit_from_name(ind.label)
    unit = (ind.target_parsed.unit if ind.target_parsed else None) or (named[0] if named else None)
    if unit_dimension(unit) == "percent":
        unit = None  # percentages are everywhere in narratives; none names one indicator
    return unit, _keyword(ind)


def refers_to(mention: Mention, ref: tuple[str | None, str]) -> bool:
    """Whether a narrative number unambiguously names an indicator: same unit and a distinctive shared word."""
    unit, keyword = ref
    if unit is None or unit != mention.unit:
        return False
    shared = _common(keyword, mention.context)
    return shared >= 3 or (shared >= 2 and shared == len(keyword))


@rule(
    "ZP501",
    "narrative-number-differs",
    Severity.WARNING,
    title=Text("完成情况叙述中的数字与指标实际值不符", "Narrative number differs from the indicator"),
    message=Text(
        "实际完成情况写明“{quote}”，而指标「{name}」的实际完成值为 {actual}",
        "The narrative says “{quote}” while 「{name}」 reads {actual}",
    ),
    what=Text(
        "实际完成情况中明确指向某个指标的数字（单位相同、且与指标名称有独特的共同词语）是否等于该指标的实际完成值。",
        "Whether a narrative number that unmistakably refers to an indicator (same unit, a distinctive shared word) equals its actual value.",
    ),
    why=Text(
        "叙述与表格不一致时，至少有一处是错的；只检查指向明确的数字，避免误报。",
        "When text and table disagree one of them is wrong; only unmistakable references are checked, to avoid false alarms.",
    ),
    bad=Example(
        {"goals.actual": "全年发布信息300条，系统运行稳定。"},
        Text("叙述 300 条，指标 276 条", "300 in the text, 276 in the table"),
    ),
    good=Example({"goals.actual": "全年发布信息276条，系统运行稳定。"}, Text("数字一致", "the numbers agree")),
    confidence="high",
)
def narrative_number_differs(form: Form, fig: FormFigures) -> Iterator[Hit]:
    narrative = form.goals.actual
    if narrative is None:
        return
    found = mentions(narrative.raw)
    if not found:
        return
    refs = [reference(ind) for ind in form.indicators]
    # links[m][k]: mention m names indicator k
    links = [[refers_to(m, ref) for ref in refs] for m in found]
    for k, ind in enumerate(form.indicators):
        actual = ind.actual_parsed
        if actual is None or actual.kind != "quantity" or actual.value is None:
            continue
        named_by = [m for m, row in enumerate(links) if row[k]]
        if len(named_by) != 1 or sum(links[named_by[0]]) != 1:
            continue  # ambiguous: say nothing
        mention = found[named_by[0]]
        if abs(mention.value - actual.value) > 1e-6:
            yield Hit(
                "goals.actual",
                narrative.location,
                {"quote": mention.context.strip() or mention.text, "name": ind.label, "actual": ind.actual.raw},
                declared=mention.value,
                expected=actual.value,
            )


@rule(
    "ZP502",
    "narrative-claims-completion",
    Severity.WARNING,
    title=Text("叙述称全部完成，但有指标未完成", "Narrative claims full completion while an indicator falls short"),
    message=Text(
        "实际完成情况称“{claim}”，但指标「{name}」未完成（目标 {target}，实际 {actual}）",
        "The narrative claims “{claim}”, but 「{name}」 falls short (target {target}, actual {actual})",
    ),
    what=Text(
        "实际完成情况中“全部完成”“圆满完成”“均已完成”等表述，是否与未完成的指标矛盾。",
        "Whether claims such as 全部完成 / 圆满完成 contradict an indicator that was missed.",
    ),
    why=Text(
        "夸大完成情况的叙述会误导审核和使用评价结果的人。",
        "An overstated narrative misleads reviewers and users of the result.",
    ),
    bad=Example(
        {"goals.actual": "全年各项工作全部完成。"},
        Text("称全部完成，软件配置完成率 99%", "claims all done; 软件配置完成率 is 99%"),
    ),
    good=Example({}, Text("叙述未夸大", "no overstated claim")),
    confidence="high",
)
def narrative_claims_completion(form: Form, fig: FormFigures) -> Iterator[Hit]:
    narrative = form.goals.actual
    if narrative is None or not (claim := CLAIM.search(narrative.raw)):
        return
    for ind, exp in zip(form.indicators, fig.expectations):
        if exp.met is False:
            yield Hit(
                "goals.actual",
                narrative.location,
                {
                    "claim": claim.group(0),
                    "name": ind.label,
                    "target": shown(ind.target),
                    "actual": shown(ind.actual),
                },
                declared=claim.group(0),
            )
            return
