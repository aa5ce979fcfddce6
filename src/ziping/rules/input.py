"""ZP0xx: input and parsing — files that cannot be read, forms without required fields or numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ziping.findings import Hit, Severity
from ziping.model import Form, NumberField, TextField
from ziping.rules.common import FUNDS_COLUMN_LABELS, FUNDS_ROW_LABELS
from ziping.rules.registry import Example, Text, declare, rule, touches
from ziping.scoring import FormFigures

declare(
    "ZP001",
    "unreadable-file",
    Severity.ERROR,
    title=Text("文件无法读取", "File cannot be read"),
    message={
        "default": Text("无法读取文件：{reason}", "Cannot read the file: {reason_en}"),
    },
    what=Text(
        "文件不存在、不是普通文件、无法打开，或其内容不是 UTF-8 / GB18030 编码的文本。",
        "The path does not exist, is not a regular file, cannot be opened, or is not UTF-8 / GB18030 text.",
    ),
    why=Text(
        "读不到的文件无法检查；批量检查时它单独列出，不影响其他文件。",
        "A file that cannot be read cannot be checked; in a batch it is listed on its own and the others go on.",
    ),
    bad=None,
    good=None,
)

declare(
    "ZP002",
    "no-form",
    Severity.ERROR,
    title=Text("文件中没有自评表", "No form in the file"),
    message=Text("未能从文件中读出自评表：{reason}", "No form could be read from the file: {reason_en}"),
    what=Text(
        "文件可以读取，但其中没有以“项目支出绩效自评表”为标题的表格。",
        "The file reads, but holds no table headed 项目支出绩效自评表.",
    ),
    why=Text(
        "把空结果当作“没有问题”会放过整张表；没有找到表必须明确说出来。",
        "Reporting an empty result as 'no problems' would pass a whole form unchecked.",
    ),
    bad=None,
    good=None,
)

declare(
    "ZP009",
    "internal-error",
    Severity.ERROR,
    title=Text("检查该文件时出现内部错误", "Internal error while checking the file"),
    message=Text(
        "ziping 检查此文件时出现内部错误（{reason}），其他文件不受影响；请将此文件反馈给开发者",
        "ziping failed internally on this file ({reason_en}); other files are unaffected; please report this file",
    ),
    what=Text(
        "读取或检查某个文件时程序自身出错。这是 ziping 的缺陷，不是表格的问题。",
        "The program itself failed on one file: a defect of ziping, not of the form.",
    ),
    why=Text(
        "批量检查中一个文件出错不能中断其他文件；出错的文件单独列出，便于反馈。",
        "In a batch one failure must not stop the others; the file is listed on its own so it can be reported.",
    ),
    bad=None,
    good=None,
)

REQUIRED = {
    "header.project_name": Text("项目名称", "project name"),
    "header.year": Text("绩效自评年度", "evaluation year"),
    "funds.total.budget": Text("年度资金总额的全年预算数", "full-year budget of the total funds"),
    "funds.total.executed": Text("年度资金总额的全年执行数", "full-year executed amount of the total funds"),
    "indicators": Text("年度绩效指标", "performance indicators"),
    "total": Text("总分行", "总分 (total) row"),
}


def _missing(form: Form) -> Iterator[str]:
    funds = form.funds.total
    present = {
        "header.project_name": form.header.project_name is not None and form.header.project_name.raw.strip() != "",
        "header.year": form.header.year is not None,
        "funds.total.budget": funds is not None and funds.budget is not None,
        "funds.total.executed": funds is not None and funds.executed is not None,
        "indicators": bool(form.indicators),
        # A template without 分值/得分 columns has no 总分 row either: only a scored form must have one.
        "total": form.total.weight is not None
        or form.total.score is not None
        or bool(form.indicators)
        and not any(ind.weight or ind.score for ind in form.indicators),
    }
    yield from (path for path, ok in present.items() if not ok)


@rule(
    "ZP003",
    "required-field-missing",
    Severity.ERROR,
    title=Text("缺少必填字段", "Required field missing"),
    message={
        "default": Text(
            "未读到{label_zh}：表中缺少该项或无法识别", "{label_en} not found: missing from the form or unreadable"
        ),
        "empty": Text("{label_zh}的分值和得分都未填写", "The {label_en} has neither weight nor score filled in"),
    },
    what=Text(
        "项目名称、自评年度、全年预算数、全年执行数、绩效指标、总分行是否都已填写。",
        "Whether project name, year, full-year budget, executed amount, indicators and the 总分 row are present.",
    ),
    why=Text(
        "缺少这些字段，执行率和总分都无法复核；表格被截断时也是这样表现的。",
        "Without them neither the execution rate nor the total can be re-checked; a truncated form shows this way.",
    ),
    bad=Example({"header.project_name": ""}, Text("删去项目名称", "the project name is removed")),
    good=Example({}, Text("各必填字段齐全", "every required field is present")),
)
def required_fields(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for path in _missing(form):
        label = REQUIRED[path]
        params = {"label_zh": label.zh, "label_en": label.en}
        if path == "total" and form.total.location is not None:  # the row is there, its cells are empty
            yield Hit(path, form.total.location, params, variant="empty")
        else:
            yield Hit(path, form.location, params)


def _number_fields(form: Form) -> Iterator[tuple[str, NumberField | None]]:
    """Every field that must hold a number, with its path."""
    funds = form.funds
    for key in FUNDS_ROW_LABELS:
        row = getattr(funds, key)
        if row is not None:
            yield f"funds.{key}.initial_budget", row.initial_budget
            yield f"funds.{key}.budget", row.budget
            yield f"funds.{key}.executed", row.executed
    yield "funds.weight", funds.weight
    yield "funds.execution_rate", funds.execution_rate
    yield "funds.execution_score", funds.execution_score
    for k, level1 in enumerate(form.level1):
        yield f"level1[{k}].weight", level1.weight
    for k, ind in enumerate(form.indicators):
        yield f"indicators[{k}].weight", ind.weight
        yield f"indicators[{k}].score", ind.score
    yield "total.weight", form.total.weight
    yield "total.score", form.total.score


FIXED_NUMBER_LABELS = {
    "funds.weight": Text("预算执行率分值", "execution weight"),
    "funds.execution_rate": Text("执行率", "execution rate"),
    "funds.execution_score": Text("预算执行率得分", "execution score"),
    "total.weight": Text("总分分值", "total weight"),
    "total.score": Text("总分得分", "total score"),
}


def _number_label(form: Form, path: str) -> Text:
    """How a message names a number field (built only for a field that fails)."""
    if path in FIXED_NUMBER_LABELS:
        return FIXED_NUMBER_LABELS[path]
    head, _, part = path.rpartition(".")
    if head.startswith("funds."):
        row, col = FUNDS_ROW_LABELS[head[len("funds.") :]], FUNDS_COLUMN_LABELS[part]
        return Text(row.zh + col.zh, f"{row.en} {col.en}")
    index = int(head[head.index("[") + 1 : -1])
    if head.startswith("level1"):
        name = form.level1[index].name
        return Text(f"{name}分值", f"weight of {name}")
    name = form.indicators[index].label
    return Text(f"指标「{name}」{'分值' if part == 'weight' else '得分'}", f"{part} of 「{name}」")


@rule(
    "ZP012",
    "form-cut-off",
    Severity.WARNING,
    title=Text("表格不完整：文本中断", "Form cut off"),
    message={
        "after": Text(
            "文本在“{edge}”处中断，表格后面的部分缺失（摘录不完整或缺页）{missing_zh}；缺失部分所涉的合计未核对",
            "The text breaks off at “{edge}”: the rest of the form is missing (an excerpt, or a page lost)"
            "{missing_en}; the sums that involve the missing part were not checked",
        ),
        "before": Text(
            "文本从表中“{edge}”处开始，表格前面的部分缺失（摘录不完整或缺页）{missing_zh}；缺失部分所涉的合计未核对",
            "The text begins inside the form at “{edge}”: its beginning is missing (an excerpt, or a page lost)"
            "{missing_en}; the sums that involve the missing part were not checked",
        ),
    },
    what=Text(
        "表格是否只读到一部分：文本从表格中间开始，或在表格中间结束（网页摘录、文档缺页）。缺失的部分在这里报一次，"
        "不再逐项报为缺少必填字段，也不把残缺的合计当作计算错误。",
        "Whether only part of the form was read: the text begins or ends inside it (a web excerpt, a lost page). "
        "What is missing is reported here once, not field by field, and partial sums are not taken for errors.",
    ),
    why=Text(
        "截断的表格里，缺失部分会让合计“对不上”；把它报成计算错误是误报，审核人员需要知道的是表格不完整。",
        "In a cut-off form the sums cannot match; reporting that as miscalculation would be a false alarm — the "
        "reviewer needs to know the form is incomplete.",
    ),
    bad=Example(
        {"cut_after": "媒体受众满意度"}, Text("文本在满意度指标处中断", "the text ends in the satisfaction block")
    ),
    good=Example({}, Text("表格完整", "the form is complete")),
)
def cut_off(form: Form, fig: FormFigures) -> Iterator[Hit]:
    # Only what the cut could have taken: a field missing elsewhere is ZP003's, said once there.
    cut = form.beyond_cut()
    missing = [REQUIRED[path] for path in _missing(form) if touches(path, cut)]
    params = {
        "missing_zh": "，未读到：" + "、".join(t.zh for t in missing) if missing else "",
        "missing_en": "; not read: " + ", ".join(t.en for t in missing) if missing else "",
    }
    for variant, edge in (("before", form.cut_before), ("after", form.cut_after)):
        if edge is not None:
            text = edge.raw if len(edge.raw) <= 20 else edge.raw[:20] + "…"
            yield Hit(f"cut_{variant}", edge.location, {**params, "edge": text}, variant=variant)


@rule(
    "ZP013",
    "form-garbled",
    Severity.WARNING,
    title=Text("表格文字顺序错乱，无法可靠读取", "Form garbled: cells out of order"),
    message=Text(
        "表格的单元格在转换中被打乱（从 PDF、网页或文档分享站复制时常见），多处内容对不上栏目；"
        "这张表没有做数值复核，请对照原件人工核对，或提供原始表格文件",
        "The form's cells came out of order in conversion (common when copied from a PDF, a web page or a "
        "document-sharing site) and much of it matches no column; its figures were not re-checked — compare "
        "with the original by hand, or supply the original file",
    ),
    what=Text(
        "读到的指标行里有多处是句子的碎片（“分；”“分，没有不得分。”），分值、得分栏里是文字（“15%及其以”），"
        "或者五行里有四行无法唯一读出：说明转换工具打乱了单元格的顺序。",
        "Whether many of the indicator rows read are fragments of sentences, weights and scores are words "
        "(“15%及其以”), or four rows in five cannot be read one way: signs the converter scrambled the cells.",
    ),
    why=Text(
        "顺序错乱的表格无法可靠对应数值；据此报出的“错误”大多是误报，审核人员需要的是去看原件。",
        "Numbers cannot be matched to their columns in a scrambled form; findings drawn from it would mostly be "
        "false — the reviewer needs to see the original.",
    ),
    bad=Example({"unsure[+]": "*"}, Text("指标表读成了碎片", "the indicator table came out in fragments")),
    good=Example({}, Text("表格顺序正常", "the cells are in order")),
    confidence="high",
)
def garbled(form: Form, fig: FormFigures) -> Iterator[Hit]:
    if "*" in form.unsure:
        yield Hit("form", form.location, {})


@rule(
    "ZP004",
    "not-a-number",
    Severity.WARNING,
    title=Text("数值无法识别", "Value is not a number"),
    message=Text(
        "{label_zh}应为数值，填报为“{raw}”，无法识别", "{label_en} must be a number; “{raw}” cannot be read as one"
    ),
    what=Text(
        "金额、分值、得分、执行率等必须是数值的单元格能否解析为数字（允许千分位、全角数字、中文数字、“分”“%”“元”）。",
        "Whether amounts, weights, scores and rates parse as numbers (thousands separators, full-width and "
        "Chinese digits, 分 / % / 元 are accepted).",
    ),
    why=Text(
        "无法解析的数值使相关的复核全部跳过，必须让填报人知道。",
        "An unreadable number silently disables every check that depends on it.",
    ),
    bad=Example({"indicators[系统故障排除率].score": "满分"}, Text("得分写成“满分”", "the score is written 满分")),
    good=Example({"indicators[系统故障排除率].score": "１０"}, Text("全角数字也能识别", "full-width digits are read")),
)
def unparsable_numbers(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for path, field in _number_fields(form):
        if field is not None and field.value is None and field.raw.strip() not in ("", "—", "-", "/", "——"):
            text = _number_label(form, path)
            yield Hit(
                path, field.location, {"label_zh": text.zh, "label_en": text.en, "raw": field.raw}, declared=field.raw
            )


@rule(
    "ZP010",
    "unplaced-text",
    Severity.INFO,
    title=Text("有内容未能归入任何字段", "Text not placed in any field"),
    message=Text(
        "表中这段内容未能归入任何字段：“{text}”，请核对是否有字段漏读或填错位置",
        "This text was not placed in any field: “{text}”; check whether a field was missed or misplaced",
    ),
    what=Text(
        "读取器在表中发现、却无法归入任何字段的文字（如指标表第一行之前的文字、总分行之后的非模板内容）。",
        "Text the reader found but could not place (before the first indicator row, after the 总分 row, …).",
    ),
    why=Text(
        "读取器从不悄悄丢弃内容：放错位置的得分或说明会让复核结果不完整。",
        "The reader never drops text silently: a misplaced score or note would make the check incomplete.",
    ),
    bad=Example(
        {"unread[+]": "项目负责人意见：同意"}, Text("总分行之后多出一行意见", "an extra line after the 总分 row")
    ),
    good=Example({}, Text("所有内容都已归入字段", "everything was placed")),
    confidence="high",
)
def unplaced_text(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for k, field in enumerate(form.unread):
        text = field.raw if len(field.raw) <= 40 else field.raw[:40] + "…"
        yield Hit(f"unread[{k}]", field.location, {"text": text}, declared=field.raw)


@rule(
    "ZP011",
    "unverified-extraction",
    Severity.WARNING,
    title=Text("大模型提取的数值在原文中找不到", "Extracted value not found in the source"),
    message=Text(
        "字段 {field} 由大模型从原文提取，其中的数字在原文中找不到，请人工核对",
        "Field {field} was extracted by a model and carries a number the source text does not; check it by hand",
    ),
    what=Text(
        "用大模型读取未知版式（parse --extract llm）时，每个字段里的数字都必须出现在原文中；找不到的字段标为未核实。",
        "With model-assisted reading (parse --extract llm) every number in a field must occur in the source; "
        "fields where one does not are marked unverified.",
    ),
    why=Text(
        "模型可能抄错或编造数字；未经核实的数字不能作为复核依据。",
        "A model can miscopy or invent a number; an unverified number cannot ground a check.",
    ),
    bad=Example(
        {"unverified[+]": "funds.total.executed"},
        Text("执行数在原文中找不到", "the executed amount is not in the source"),
    ),
    good=Example({}, Text("所有数字都能在原文中找到", "every number occurs in the source")),
)
def unverified_extraction(form: Form, fig: FormFigures) -> Iterator[Hit]:
    for path in form.unverified:
        yield Hit(path, None, {"field": path})


# The template's own instructions, left in place of content (as published forms show them).
TEMPLATE_TEXT = re.compile(
    r"[（(]\s*(?:限)?\s*\d+\s*字(?:以)?内\s*[)）]|对照年度目标|说明相关任务目标的完成情况|请(?:填写|简要说明|据实填写|说明)|填报说明|填写说明|此处填写"
)


FREE_TEXT_PARTS = (("target", "指标值"), ("actual", "实际完成值"), ("note", "偏差原因分析"))


def _free_text_fields(form: Form) -> Iterator[tuple[str, TextField]]:
    if form.goals.expected:
        yield "goals.expected", form.goals.expected
    if form.goals.actual:
        yield "goals.actual", form.goals.actual
    for k, ind in enumerate(form.indicators):
        for part, _ in FREE_TEXT_PARTS:
            field = getattr(ind, part)
            if field is not None:
                yield f"indicators[{k}].{part}", field


def _free_text_label(form: Form, path: str) -> str:
    if path.startswith("goals."):
        return "预期目标" if path.endswith("expected") else "实际完成情况"
    index, part = path[len("indicators[") :].split("].")
    return f"指标「{form.indicators[int(index)].label}」的{dict(FREE_TEXT_PARTS)[part]}"


@rule(
    "ZP005",
    "template-text-left-in",
    Severity.WARNING,
    title=Text("栏目里还是模板的填写说明", "Template instructions left in a field"),
    message=Text(
        "{label}填的是模板的填写说明“{text}”，不是实际内容",
        "{label_en} holds the template's instruction “{text}”, not content",
    ),
    what=Text(
        "预期目标、实际完成情况、指标值、实际值、偏差原因分析中出现“对照年度目标，说明……（100字以内）”之类模板提示语。",
        "Goals, values and notes that still hold the template's hints (对照年度目标,说明… (100字以内)).",
    ),
    why=Text(
        "留着提示语说明该栏目没有填写，审核时等于缺项。",
        "A hint left in place means the field was never filled in.",
    ),
    bad=Example(
        {"goals.actual": "对照年度目标,说明相关任务目标的完成情况(100字以内)"},
        Text("实际完成情况里是模板提示语", "the narrative is the template's hint"),
    ),
    good=Example({}, Text("写的是实际完成情况", "the narrative reports results")),
    confidence="high",
)
def template_text_left_in(form: Form, fig: FormFigures) -> Iterator[Hit]:
    fields = list(_free_text_fields(form))
    if not TEMPLATE_TEXT.search("\n".join(field.raw for _, field in fields)):
        return  # one search over the whole form; almost every form stops here
    for path, field in fields:
        if m := TEMPLATE_TEXT.search(field.raw):
            text = field.raw if len(field.raw) <= 40 else field.raw[:40] + "…"
            label = _free_text_label(form, path)
            yield Hit(
                path, field.location, {"label": label, "label_en": path, "text": text, "hint": m.group(0)}, field.raw
            )
