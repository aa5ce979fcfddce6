"""What pydantic found wrong with a value, in the user's words (Chinese, or English on request).

pydantic's own messages are English and name Python types ("Input should be a valid dictionary or
instance of Form"); a finance officer reading a JSON form or a command line needs "应为 JSON 对象".
One table serves every place a validation error reaches a user: the JSON reader and the command line.
"""

from __future__ import annotations

from typing import Any

# pydantic error type → (Chinese, English); {names} are filled from the error's ctx.
PROBLEMS: dict[str, tuple[str, str]] = {
    "missing": ("缺少此项", "is missing"),
    "extra_forbidden": ("不是自评表中的字段", "is not a field of the form"),
    "model_type": ("应为 JSON 对象（{{…}}）", "should be a JSON object ({{…}})"),
    "model_attributes_type": ("应为 JSON 对象（{{…}}）", "should be a JSON object ({{…}})"),
    "dict_type": ("应为 JSON 对象（{{…}}）", "should be a JSON object ({{…}})"),
    "list_type": ("应为列表（[…]）", "should be a list ([…])"),
    "tuple_type": ("应为列表（[…]）", "should be a list ([…])"),
    "string_type": ("应为文字（带引号）", "should be text (in quotes)"),
    "int_type": ("应为整数", "should be a whole number"),
    "int_parsing": ("应为整数", "should be a whole number"),
    "int_from_float": ("应为整数", "should be a whole number"),
    "float_type": ("应为数字", "should be a number"),
    "float_parsing": ("应为数字", "should be a number"),
    "bool_type": ("应为 true 或 false", "should be true or false"),
    "bool_parsing": ("应为 true 或 false", "should be true or false"),
    "greater_than": ("应大于 {gt}", "should be greater than {gt}"),
    "greater_than_equal": ("应不小于 {ge}", "should be at least {ge}"),
    "less_than": ("应小于 {lt}", "should be less than {lt}"),
    "less_than_equal": ("应不大于 {le}", "should be at most {le}"),
    "enum": ("应为 {expected} 之一", "should be one of {expected}"),
    "literal_error": ("应为 {expected} 之一", "should be one of {expected}"),
    "string_too_long": ("过长（最多 {max_length} 个字符）", "is too long (at most {max_length} characters)"),
    "too_long": ("过长（最多 {max_length} 项）", "is too long (at most {max_length} items)"),
    "date_parsing": ("应为日期（如 2023-12-31）", "should be a date (e.g. 2023-12-31)"),
    "date_from_datetime_parsing": ("应为日期（如 2023-12-31）", "should be a date (e.g. 2023-12-31)"),
}
INVALID = ("取值无效", "is not valid")


def problem(error: dict[str, Any], lang: str = "zh") -> str:
    """One pydantic error (an item of ValidationError.errors()) as words: 应为整数, should be a number."""
    zh, en = PROBLEMS.get(error.get("type", ""), INVALID)
    try:
        return (en if lang == "en" else zh).format_map(error.get("ctx") or {})
    except (KeyError, IndexError):  # a pydantic version without the ctx this wording needs
        return INVALID[1] if lang == "en" else INVALID[0]
