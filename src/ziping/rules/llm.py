"""ZP6xx: what the model judges — narratives against numbers. Declared here; found by ziping.llm.review.

Each finding quotes the form verbatim; a quote not in the form is dropped before anyone sees it.
"""

from __future__ import annotations

from ziping.findings import Severity
from ziping.rules.registry import Text, declare

MESSAGE = Text("{reasoning}（原文：“{quote}”）", "{reasoning} (quote: “{quote}”)")
WHY_GROUNDED = Text(
    "数字由确定性规则复核；只有读文字的人才能看出叙述与数字不符。每条结论都必须逐字引用表中原文，"
    "引用不在表中的结论会被丢弃。",
    "Rules re-check the numbers; only a reader of text sees a narrative that disagrees with them. Every "
    "finding quotes the form verbatim; one whose quote is not in the form is dropped.",
)

LLM_RULES = (
    (
        "ZP601", "narrative-contradicts-tables", Severity.WARNING,
        Text("完成情况叙述与表中数字矛盾", "Narrative contradicted by the tables"),
        Text("“实际完成情况”中与指标表或资金表相矛盾的说法（数字不符、夸大完成程度）。",
             "A statement in 实际完成情况 that the indicator or funds table contradicts."),
    ),
    (
        "ZP602", "shortfall-passed-over", Severity.WARNING,
        Text("叙述略过或美化了未完成的指标", "Narrative passes over a shortfall"),
        Text("叙述没有提到未完成的指标，或把它写成已完成。",
             "The narrative leaves out an indicator that fell short, or presents it as achieved."),
    ),
    (
        "ZP603", "cause-does-not-explain-gap", Severity.WARNING,
        Text("偏差原因不能解释偏差", "Deviation cause does not explain the gap"),
        Text("偏差原因分析给出的原因不足以解释偏差的大小或性质。",
             "A deviation note whose cause does not account for the size or kind of the gap."),
    ),
    (
        "ZP604", "note-contradicts-funds", Severity.ERROR,
        Text("偏差说明与资金表或其他字段矛盾", "Deviation note contradicts the funds table"),
        Text("偏差原因分析与资金表或其他字段相矛盾，例如称付款推迟到下一年，而执行率却是 100%。",
             "A deviation note that contradicts the funds table or another field (payment deferred, yet 100% executed)."),
    ),
    (
        "ZP605", "actual-measures-something-else", Severity.WARNING,
        Text("实际值与指标值口径不一致", "Actual value measures something else"),
        Text("实际完成值衡量的不是指标值所衡量的内容（如目标“推动改善民生”，实际值“满意度超过90%”）。",
             "An actual value that does not measure what its target measures."),
    ),
    (
        "ZP607", "indicator-in-wrong-category", Severity.WARNING,
        Text("指标归错了类别", "Indicator filed under the wrong category"),
        Text("指标放在了它并不衡量的类别下：成本金额放在生态效益下、事故次数放在满意度下、资金额当作产出数量等。",
             "An indicator filed under a category it does not measure (a cost under 生态效益, an incident count "
             "under 满意度, a money amount as an output quantity)."),
    ),
    (
        "ZP606", "unsupported-claim", Severity.INFO,
        Text("叙述中的说法在表中没有依据", "Claim with no support in the form"),
        Text("表中任何地方都找不到依据的说法。", "A claim with no support anywhere in the form."),
    ),
)  # fmt: skip

for code, name, severity, title, what in LLM_RULES:
    declare(code, name, severity, scope="llm", title=title, message=MESSAGE, what=what, why=WHY_GROUNDED,
            bad=None, good=None, confidence="medium")  # fmt: skip
