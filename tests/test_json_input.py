"""JSON that is valid but not a form is ZP002; a form whose fields do not validate is ZP001 naming the field in Chinese."""

from __future__ import annotations

import json

import pytest

from ziping.checks import Checker
from ziping.readers import read_bytes

from .conftest import FIXTURES

CHECKER = Checker.create()


def _read(data) -> object:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return read_bytes(text.encode("utf-8"), "x.json")


@pytest.mark.parametrize(
    "data",
    [{"name": "张三", "age": 3}, [1, 2, 3], '"hello"', {"forms": [{"name": 1}]}, {"files": [1]}, [], {}],
    ids=["person", "numbers", "string", "forms-of-junk", "files-of-junk", "empty-list", "empty-object"],
)
def test_json_without_form_fields_is_no_form(data):
    result = _read(data)
    assert result.forms == [] and result.problem.code == "ZP002"
    assert "JSON 中没有自评表" in result.problem.reason_zh


def test_the_gold_labels_are_not_a_form():
    result = CHECKER.check_file(FIXTURES / "gold" / "longgang-2023.json")
    assert result.forms == [] and result.error.code == "ZP002"
    assert "about、source、forms" in result.error.params["reason"]


@pytest.mark.parametrize(
    ("data", "zh", "en"),
    [
        (
            {"header": "x"},
            "第1张表的表头（header）应为 JSON 对象（{…}）",
            "form 1, header (header) should be a JSON object",
        ),
        (
            {
                "indicators": [
                    {"level1": "产出指标", "level2": "数量指标", "name": {"raw": "x"}, "weight": {"raw": [1]}}
                ]
            },
            "第1张表的年度绩效指标第1行·分值（indicators[0].weight）应为文字（带引号）",
            "form 1, indicators row 1·weight (indicators[0].weight) should be text",
        ),
        (
            [{"header": {}}, {"funds": {"total": {"budget": {"raw": {}}}}}],
            "第2张表的资金使用情况·年度资金总额·全年预算数（funds.total.budget）应为文字（带引号）",
            "form 2, funds·total funds·full-year budget (funds.total.budget) should be text",
        ),
        ([{"header": {}}, 3], "第2项不是自评表", "item 2 is not a form"),
    ],
)
def test_invalid_fields_are_named_as_the_form_names_them(data, zh, en):
    problem = _read(data).problem
    assert problem.code == "ZP001"
    assert zh in problem.reason_zh and en in problem.reason_en
    assert "Input should" not in problem.reason_zh + problem.reason_en


def test_a_form_keeps_reading():
    result = _read({"header": {"project_name": {"raw": "示例项目"}}, "index": 7})
    assert result.problem is None and result.forms[0].title == "示例项目"
