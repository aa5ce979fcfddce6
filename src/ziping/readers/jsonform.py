"""JSON input: a form, a list of forms, or the output of `ziping parse --format json`.

Valid JSON is not yet a form: a document none of whose objects carries a form's fields (header, funds,
indicators …) is ZP002, and a form whose fields do not validate is ZP001 naming the field as the form
names it (年度绩效指标第2行·分值), with pydantic's complaint told in words (validation.py).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ziping.model import Form
from ziping.validation import problem

if TYPE_CHECKING:
    from ziping.readers import FileProblem, ReadResult

# The fields that make an object a form; source and index alone are bookkeeping any record may carry.
CONTENT_FIELDS = frozenset(Form.model_fields) - {"source", "index", "location"}

# How the form names each field, by the key above it (None: the top of a form).
FIELD_NAMES: dict[str | None, dict[str, tuple[str, str]]] = {
    None: {
        "header": ("表头", "header"),
        "funds": ("资金使用情况", "funds"),
        "goals": ("年度总体目标", "goals"),
        "level1": ("一级指标", "level-1 headers"),
        "indicators": ("年度绩效指标", "indicators"),
        "placeholders": ("模板行", "placeholder rows"),
        "total": ("总分行", "total row"),
        "grade": ("自评等级", "grade"),
        "unread": ("未读取的内容", "unread content"),
        "profile_hint": ("评分标准提示", "profile hint"),
        "context": ("表外说明", "context"),
        "unverified": ("未核实的字段", "unverified fields"),
        "source": ("来源文件", "source"),
        "index": ("表序号", "index"),
    },
    "header": {
        "project_code": ("项目编码", "project code"),
        "project_name": ("项目名称", "project name"),
        "year": ("绩效自评年度", "year"),
        "implementing_unit": ("实施单位", "implementing unit"),
        "budget_unit": ("一级预算单位", "budget unit"),
        "contact": ("项目负责人", "contact"),
        "phone": ("联系电话", "phone"),
    },
    "funds": {
        "total": ("年度资金总额", "total funds"),
        "fiscal": ("当年财政拨款", "appropriation"),
        "carryover": ("上年结转资金", "carry-over"),
        "other": ("其他资金", "other funds"),
        "weight": ("分值", "weight"),
        "execution_rate": ("执行率", "execution rate"),
        "execution_score": ("得分", "execution score"),
        "unit": ("金额单位", "unit"),
    },
    "row": {
        "initial_budget": ("年初预算数", "initial budget"),
        "budget": ("全年预算数", "full-year budget"),
        "executed": ("全年执行数", "executed"),
    },
    "goals": {"expected": ("预期目标", "expected"), "actual": ("实际完成情况", "actual")},
    "level1": {"name": ("名称", "name"), "weight": ("分值", "weight")},
    "indicators": {
        "level1": ("一级指标", "level 1"),
        "level2": ("二级指标", "level 2"),
        "name": ("三级指标", "name"),
        "target": ("年度指标值", "target"),
        "actual": ("实际完成值", "actual"),
        "weight": ("分值", "weight"),
        "score": ("得分", "score"),
        "item_score": ("单项得分", "item score"),
        "note": ("偏差原因分析及改进措施", "deviation note"),
    },
    "total": {"weight": ("分值", "weight"), "score": ("得分", "score")},
}
FIELD_NAMES["placeholders"] = FIELD_NAMES["indicators"]
SHARED = {"location": ("位置", "location"), "raw": ("", "")}  # raw is the field's own text


def read_json(text: str, source: str, encoding: str) -> ReadResult:
    """Every form in a JSON document; never raises for bad input."""
    from ziping.readers import FileProblem, ReadResult

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return ReadResult(
            source,
            problem=FileProblem(
                "ZP001",
                f"JSON 格式错误（第{exc.lineno}行第{exc.colno}列：{exc.msg}）",
                f"invalid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                exc.lineno,
            ),
            encoding=encoding,
        )
    items = _items(data)
    if not any(_is_form(item) for item in items):
        return ReadResult(source, problem=_no_form(data), encoding=encoding)
    forms: list[Form] = []
    for k, raw in enumerate(items, start=1):
        if not _is_form(raw):
            what = ("第{k}项不是自评表（没有表头、资金使用情况、年度绩效指标等字段）", "item {k} is not a form")
            problem = FileProblem("ZP001", what[0].format(k=k), what[1].format(k=k))
            return ReadResult(source, problem=problem, encoding=encoding)
        try:
            form = Form.model_validate(raw)
        except ValidationError as exc:
            return ReadResult(source, problem=_invalid(k, exc), encoding=encoding)
        forms.append(form.model_copy(update={"source": source, "index": k}))
    return ReadResult(source, forms=forms, encoding=encoding)


def _items(data: Any) -> list[Any]:
    """The objects that should be forms: `ziping parse` output, {"forms": [...]}, a list, or one object."""
    if isinstance(data, dict) and isinstance(data.get("files"), list):
        return [form for file in data["files"] if isinstance(file, dict) for form in _list(file.get("forms"))]
    if isinstance(data, dict) and "forms" in data:
        return _list(data["forms"])
    if isinstance(data, list):
        return data
    return [data] if isinstance(data, dict) else []


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_form(item: Any) -> bool:
    return isinstance(item, dict) and not CONTENT_FIELDS.isdisjoint(item)


def _no_form(data: Any) -> FileProblem:
    from ziping.readers import FileProblem

    if isinstance(data, dict) and data:
        keys = "、".join(list(map(str, data))[:6])
        return FileProblem(
            "ZP002",
            f"JSON 中没有自评表：找到的是 {keys} 等字段，自评表应有 header、funds、indicators 等字段",
            f"no form in the JSON: its fields are {keys.replace('、', ', ')}; a form has header, funds, indicators …",
        )
    return FileProblem(
        "ZP002",
        "JSON 中没有自评表：应为一张表（JSON 对象）、表的列表，或 ziping parse 的输出",
        "no form in the JSON: expected a form (an object), a list of forms, or ziping parse output",
    )


def field_name(loc: tuple[int | str, ...], lang: str = "zh") -> str:
    """A pydantic location as the form names it: 年度绩效指标第2行·分值, 资金使用情况·年度资金总额·全年预算数."""
    en = lang == "en"
    words: list[str] = []
    keys: list[str] = []
    for part in loc:
        if isinstance(part, int):
            if words:
                words[-1] += f" row {part + 1}" if en else f"第{part + 1}行"
            continue
        table = FIELD_NAMES["row"] if keys[-2:-1] == ["funds"] else FIELD_NAMES.get(keys[-1] if keys else None, {})
        name = table.get(part) or SHARED.get(part) or (part, part)
        if name[en]:
            words.append(name[en])
        keys.append(part)
    return "·".join(words)


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text.removesuffix(".raw")


def _invalid(k: int, exc: ValidationError) -> FileProblem:
    from ziping.readers import FileProblem

    errors = exc.errors()
    first = errors[0]
    loc = tuple(first["loc"])
    more_zh = f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else ""
    more_en = f" ({len(errors) - 1} more)" if len(errors) > 1 else ""
    return FileProblem(
        "ZP001",
        f"第{k}张表的{field_name(loc)}（{_path(loc)}）{problem(first)}{more_zh}",
        f"form {k}, {field_name(loc, 'en')} ({_path(loc)}) {problem(first, 'en')}{more_en}",
    )
