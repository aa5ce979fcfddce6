"""ZP5xx: numbers and claims in the 实际完成情况 narrative, checked without a model."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ziping.findings import Hit, Severity
from ziping.model import Form, Indicator
from ziping.rules.common import fmt, shown, unspaced
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
    return _reference(ind.key, ind.target_parsed.unit if ind.target_parsed else None)


@lru_cache(maxsize=4096)
def _reference(name: str, target_unit: str | None) -> tuple[str | None, str]:
    named = unit_from_name(name)
    unit = target_unit or (named[0] if named else None)
    if unit_dimension(unit) == "percent":
        unit = None  # percentages are everywhere in narratives; none names one indicator
    return unit, GENERIC.sub("", name.replace(" ", ""))


def refers_to(mention: Mention, ref: tuple[str | None, str], sole: bool = False) -> bool:
    """Whether a narrative number unambiguously names an indicator: same unit and a distinctive shared word.

    `sole`: no other indicator of the form counts in this unit, so two shared characters are enough
    ("组织培训45场" names 培训场次（场） when it is the form's only count in 场).
    """
    unit, keyword = ref
    if unit is None or unit != mention.unit:
        return False
    shared = _common(keyword, mention.context)
    if shared >= 3 or (shared >= 2 and (sole or shared == len(keyword))):
        return True
    # A count is named by two characters where no other indicator shares two with the mention ("惠及群众41258人"
    # names 受益群众人数 beside 带动就业人数): the caller says nothing unless the mention names exactly one. Amounts
    # are not: "81991元用于人员培训" is money spent on training, not 人均培训成本.
    return shared >= 2 and unit_dimension(unit) == "count"


def _table_amounts(form: Form) -> list[float]:
    """The funds table's total amounts in 元: a narrative quoting one of them quotes the table."""
    total = form.funds.total
    if total is None:
        return []
    scale = 10000.0 if form.funds.unit == "万元" else 1.0
    cells = (total.initial_budget, total.budget, total.executed)
    return [cell.value * scale for cell in cells if cell is not None and cell.value is not None]


@rule(
    "ZP501",
    "narrative-number-differs",
    Severity.WARNING,
    reads=("goals", "indicators"),
    title=Text("完成情况叙述中的数字与指标实际值不符", "Narrative number differs from the indicator"),
    message=Text(
        "实际完成情况写明“{quote}”，而指标「{name}」的实际完成值为 {actual}",
        "The narrative says “{quote}” while 「{name}」 reads {actual}",
    ),
    what=Text(
        "实际完成情况中明确指向某个指标的数字（单位相同、且与指标名称有独特的共同词语；计数单位（人、场、篇）的数字，与且只与一个指标有两个字的共同词语即可）"
        "是否等于该指标的实际完成值。与资金表预算数或执行数相同的金额是引用资金表，不算不符。",
        "Whether a narrative number that unmistakably refers to an indicator (same unit, a distinctive shared word; for a count "
        "(人, 场, 篇), two characters shared with that indicator and no other) equals its actual value. An amount equal to the funds table's "
        "budget or executed amount quotes the table and is not a mismatch.",
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
    found = mentions(unspaced(narrative.raw))
    if not found:
        return
    refs = [reference(ind) for ind in form.indicators]
    units = {unit for unit, _ in refs if unit}
    found = [m for m in found if m.unit in units]  # a number in no indicator's unit names none of them
    if not found:
        return
    # Only counts (场, 篇, 人): amounts of money and time are everywhere in a narrative, never a sole reference.
    per_unit = Counter(unit for unit, _ in refs if unit)
    sole = {unit for unit, n in per_unit.items() if n == 1 and unit_dimension(unit) == "count"}
    # links[m][k]: mention m names indicator k
    links = [[refers_to(m, ref, ref[0] in sole) for ref in refs] for m in found]
    for k, ind in enumerate(form.indicators):
        actual = ind.actual_parsed
        if actual is None or actual.kind != "quantity" or actual.value is None:
            continue
        named_by = [m for m, row in enumerate(links) if row[k]]
        if len(named_by) != 1 or sum(links[named_by[0]]) != 1:
            continue  # ambiguous: say nothing
        mention = found[named_by[0]]
        if abs(mention.value - actual.value) > 1e-6:
            if mention.unit == "元" and any(
                abs(mention.value - a) <= max(1.0, a * 0.0005) for a in _table_amounts(form)
            ):
                continue  # 申请预算资金 X 元 is the budget, a funds indicator may hold the executed amount
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
    reads=("goals", "indicators"),
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
    if narrative is None or not (claim := CLAIM.search(unspaced(narrative.raw))):
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


CLAUSES = re.compile(r"[\s，。；、,.;:：“”\"'（）()《》【】!！?？]+|\d+[.、](?!\d)")
SIMILAR = 0.9  # a restated goal beside new results stays well below this


def repeated_share(expected: str, actual: str) -> float:
    """The share of the narrative's characters that sit in clauses copied word for word from the goal."""
    # PDF extraction leaves spaces inside words ("公共文化活 动"); they are no clause boundary.
    expected, actual = unspaced(expected), unspaced(actual)
    goal = set(CLAUSES.split(expected))
    clauses = [c for c in CLAUSES.split(actual) if c]
    total = sum(len(c) for c in clauses)
    return sum(len(c) for c in clauses if c in goal) / total if total else 0.0


@rule(
    "ZP503",
    "narrative-repeats-goal",
    Severity.WARNING,
    reads=("goals",),
    title=Text("实际完成情况照抄了预期目标", "Narrative repeats the goal"),
    message=Text(
        "实际完成情况的 {ratio}% 是从预期目标一字不差抄来的句子，没有写出实际取得的结果",
        "{ratio}% of 实际完成情况 is clauses copied word for word from the goal: no result is reported",
    ),
    what=Text(
        "实际完成情况中逐字照抄预期目标的分句占到 90% 以上；在目标旁边写出新结果的不算。",
        "At least 90% of the narrative consists of clauses copied verbatim from the goal; a goal restated "
        "beside new results is fine.",
    ),
    why=Text("照抄目标等于没有报告完成情况。", "Copying the goal reports nothing."),
    bad=Example(
        {
            "goals.actual": "1.将“龙岗人大”微信公众平台打造为人大工作宣传展示的舆论阵地，借助新媒体手段，全方位、多角度、高效率、立体化做好人大宣传工作。"
            "2.运用区人大代表履职评价系统对区人大代表履职情况以量化形式直观体现，更好发挥代表作用。"
            "3.预算联网监督系统实行监督全链条管理，形成事前审查批准、事中监督提醒、事后监督追责的全程监督闭环模式，推动政府加强预算管理，提高财政资金的使用效益。"
            "4.通过信息安全相关培训，终端系统的漏洞检查、自建系统安全保障防护能力提升等工作，进一步加强区人大机关信息网络安全管理工作。"
        },
        Text("实际完成情况抄了预期目标", "the narrative is the goal copied"),
    ),  # fmt: skip
    good=Example({}, Text("写出了推文篇数等实际结果", "the narrative reports results")),
)
def narrative_repeats_goal(form: Form, fig: FormFigures) -> Iterator[Hit]:
    expected, actual = form.goals.expected, form.goals.actual
    if expected is None or actual is None or len(actual.raw) < 10:
        return
    share = repeated_share(expected.raw, actual.raw)
    if share >= SIMILAR:
        yield Hit("goals.actual", actual.location, {"ratio": f"{share * 100:.0f}"}, declared=round(share, 3))


MONEY = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*(万元|亿元|元)")
TOTAL_WORDS = re.compile(r"共|合计|总计|总额|总投资|预算资金|申请|安排|下达")
PARTS_WORDS = re.compile(r"其中|包括|用于|分别|含")
SENTENCE = re.compile(r"[。；;\n]")
SCALE = {"元": 1.0, "万元": 1e4, "亿元": 1e8}


def money_breakdowns(text: str) -> Iterator[tuple[str, float, list[float]]]:
    """Sentences that state a total amount and then list its parts: (sentence, total, parts)."""
    for sentence in SENTENCE.split(text):
        amounts = list(MONEY.finditer(sentence))
        if len(amounts) < 3:
            continue
        first = amounts[0]
        if not TOTAL_WORDS.search(sentence[: first.start()]) or not PARTS_WORDS.search(sentence[first.end() :]):
            continue
        values = [float(m.group(1).replace(",", "").replace("，", "")) * SCALE[m.group(2)] for m in amounts]
        yield sentence.strip(), values[0], values[1:]


@rule(
    "ZP504",
    "money-parts-do-not-add-up",
    Severity.WARNING,
    reads=("goals",),
    title=Text("叙述中的金额分项与合计不符", "Money parts in the text do not add up"),
    message=Text(
        "“{sentence}”：合计 {total} 元，各分项之和为 {parts} 元",
        "“{sentence}”: the total is {total}, its parts add up to {parts}",
    ),
    formula=Text("{listed} = {parts}", "{listed} = {parts}"),
    what=Text(
        "预期目标或实际完成情况中“申请预算资金X元，其中……Y元、……Z元”这样的句子，分项之和是否等于合计。",
        "In the goals or the narrative, whether a stated total (申请预算资金 X 元，其中 …) equals its listed parts.",
    ),
    why=Text(
        "叙述里的金额常被直接引用，分项对不上说明有一处写错了。",
        "Amounts in text get quoted; parts that do not add up mean one is wrong.",
    ),
    bad=Example(
        {"goals.expected": "申请预算资金661800元，其中运维费500000元、培训费100000元、安全检测费40000元。"},
        Text("分项合计 640,000 元，不是 661,800 元", "the parts make 640,000, not 661,800"),
    ),
    good=Example(
        {"goals.expected": "申请预算资金661800元，其中运维费500000元、培训费100000元、安全检测费61800元。"},
        Text("分项合计等于 661,800 元", "the parts make 661,800"),
    ),
)
def money_parts_do_not_add_up(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for path, field in (("goals.expected", form.goals.expected), ("goals.actual", form.goals.actual)):
        if field is None:
            continue
        if "元" not in field.raw:
            continue
        for sentence, total, parts in money_breakdowns(unspaced(field.raw)):
            listed = sum(parts)
            if abs(listed - total) > max(1.0, total * 0.005):
                shown = sentence if len(sentence) <= 60 else sentence[:60] + "…"
                yield Hit(
                    path,
                    field.location,
                    {
                        "sentence": shown,
                        "total": fmt(total),
                        "parts": fmt(listed),
                        "listed": " + ".join(fmt(p) for p in parts),
                    },
                    declared=total,
                    expected=listed,
                )
