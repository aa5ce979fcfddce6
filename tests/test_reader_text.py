"""The seed-layout text reader against the hand-checked parse of the three seed forms."""

from __future__ import annotations

import json

import pytest

from ziping.readers import read_path
from ziping.readers.seed import Fragment, _split_cells, split_forms
from ziping.readers.streams import shape
from ziping.readers.text import read_text

from .conftest import FIXTURES, SEED

EXPECTED = json.loads((FIXTURES / "longgang-2023-selfeval.expected.json").read_text(encoding="utf-8"))


def _raw(field):
    return field.raw if field is not None else None


@pytest.fixture(scope="module")
def forms():
    result = read_path(SEED)
    assert result.problem is None
    return result.forms


def test_three_forms_with_9_6_6_indicators(forms):
    assert [len(f.indicators) for f in forms] == [9, 6, 6]
    assert [len(f.placeholders) for f in forms] == [4, 4, 4]


@pytest.mark.parametrize("k", range(3))
def test_header_funds_goals_total(forms, k):
    form, expected = forms[k], EXPECTED[k]
    header = {key: _raw(getattr(form.header, key)) for key in expected["header"]}
    assert header == expected["header"]
    for row in ("total", "fiscal", "carryover", "other"):
        got = [_raw(getattr(getattr(form.funds, row), c)) for c in ("initial_budget", "budget", "executed")]
        assert got == expected["funds"][row], row
    for key in ("weight", "execution_rate", "execution_score"):
        assert _raw(getattr(form.funds, key)) == expected["funds"][key]
    assert _raw(form.goals.expected) == expected["goals"]["expected"]
    assert _raw(form.goals.actual) == expected["goals"]["actual"]
    assert [[l1.name, _raw(l1.weight)] for l1 in form.level1] == expected["level1"]
    assert [p.level2 for p in form.placeholders] == expected["placeholders"]
    assert [_raw(form.total.weight), _raw(form.total.score)] == expected["total"]


@pytest.mark.parametrize("k", range(3))
def test_indicators(forms, k):
    got = [
        {
            "line": ind.location.line,
            "level1": ind.level1,
            "level2": ind.level2,
            **{part: _raw(getattr(ind, part)) for part in ("name", "target", "actual", "weight", "score", "note")},
        }
        for ind in forms[k].indicators
    ]
    assert got == EXPECTED[k]["indicators"]


def test_wrapped_project_name_and_missing_year_label(forms):
    # Form 3's header reads "项目名称： 信息系统运行 / 与维护 / 绩效自 / 评年 / 2023" (the 度： is lost).
    assert forms[2].title == "信息系统运行与维护"
    assert forms[2].header.year.value == 2023
    assert forms[2].header.project_name.location.line == 274
    assert forms[2].header.project_name.location.end_line == 276


def test_template_comments_are_not_read_as_content(forms):
    dumped = json.dumps([f.model_dump(mode="json") for f in forms], ensure_ascii=False)
    for comment in ("Windows 用户", "Administrator", "限200字内", "导入模板无需填写", "为必填项"):
        assert comment not in dumped


def test_locations_point_at_the_source_lines(forms, seed_text):
    lines = seed_text.splitlines()
    for form in forms:
        for ind in form.indicators:
            assert ind.score.raw in lines[ind.score.location.line - 1]
        assert form.total.score.raw in lines[form.total.score.location.line - 1]


def test_split_forms_at_each_heading(seed_text):
    spans = split_forms(seed_text.splitlines())
    assert [s + 1 for s, _ in spans] == [2, 118, 273]


def test_no_heading_no_form():
    assert read_text("年度资金总额 100 100 100 10 100 10\n") == []


def _frags(*spec):
    return [Fragment(text, k, boundary) for k, (text, boundary) in enumerate(spec)]


def test_cells_joined_by_column_shape():
    # Form 2, 成本指标: the target wraps over a blank line ("…编制预 / / 算"), the actual too.
    cells = _split_cells(
        _frags(
            ("严控经费支出", "start"),
            ("根据《深圳市人大代", "blank"),
            ("表履职经费管理办法", "newline"),
            ("》（深常办发〔2022", "newline"),
            ("〕25号）文件编制预", "newline"),
            ("算", "blank"),
            ("按照相关文", "blank"),
            ("件执行经费", "newline"),
            ("标准的执行", "newline"),
            ("率达到", "blank"),
            ("100%", "newline"),
        )
    )
    texts = ["".join(f.text for f in cell) for cell in cells]
    assert texts == [
        "严控经费支出",
        "根据《深圳市人大代表履职经费管理办法》（深常办发〔2022〕25号）文件编制预算",
        "按照相关文件执行经费标准的执行率达到100%",
    ]


def test_space_separated_cells_are_never_joined():
    cells = _split_cells(
        _frags(
            ("系统故障修复响应时", "start"),
            ("间", "newline"),
            ("0-48小时", "space"),
            ("48小时", "space"),
            ("内", "blank"),
        )
    )
    assert ["".join(f.text for f in c) for c in cells] == ["系统故障修复响应时间", "0-48小时", "48小时内"]


def test_a_narrow_tables_rows_apart_are_rows_of_words():
    # A 区域 form's PDF: rows of 三级指标, 指标值, 完成值 a blank line apart, each row short (three words) but
    # holding three cells; one cell per line, the same rows are lines.
    rows = [
        ("药品抽验品种", "≥3", "4"),
        ("化妆品抽验批次", "≥3", "7"),
        ("医疗器械抽验批次", "≥2", "3"),
        ("药品监管企业数", "≥124", "253"),
        ("化妆品监管企业数", "≥290", "311"),
        ("医疗器械监管企业数", "≥21", "85"),
        ("药品监管人员人均培训学时", "≥90", "96"),
    ]
    lines = ["区域绩效目标自评表", "一级指标 二级指标 三级指标 指标值 完成值", "产出指标", "数量指标"]
    lines += [f"指标{k}.{name} {target} {actual}" for k, (name, target, actual) in enumerate(rows, start=1)]
    text = "\n\n".join(lines)
    assert shape(text) == "words"
    [form] = read_text(text)
    assert [(i["name"]["raw"], i["target"]["raw"], i["actual"]["raw"]) for i in form["indicators"]] == rows
    one_per_line = "\n\n".join(lines[:2] + [word for line in lines[2:] for word in line.split()])
    assert shape(one_per_line) == "lines"


REPORT_PROSE = """深圳市龙岗区人大常委会办公室2023年度项目支出绩效自评报告

一、项目基本情况
本项目为人大宣传经费，项目名称为人大宣传，实施单位为区人大常委会办公室。2023年度资金总额为50万元，全年执行数为48.5万元，执行率为97%。

二、绩效目标完成情况
按照《项目支出绩效自评表》的要求，我办对产出指标、效益指标和满意度指标逐项进行了自评。产出指标方面，数量指标完成较好；质量指标全部达标；时效指标按期完成。效益指标方面，社会效益指标达到预期。满意度指标方面，服务对象满意度达到95%以上。

三、偏差原因分析及改进措施
个别指标未完成的原因是系统试运行。下一步将加快系统建设。

四、自评结论
总分为95分，自评等级为优。
"""


def test_a_reports_prose_that_names_the_labels_is_no_table_of_errors():
    # A 自评报告's narrative names 产出指标, 数量指标 … in sentences: the pieces between them ("方面，", "完成较好；")
    # are no indicators, so nothing is reported missing from them; ZP013 says once that no table could be read.
    from ziping.checks import Checker
    from ziping.findings import Severity
    from ziping.readers import read_bytes

    result = Checker.create().check_read(read_bytes(REPORT_PROSE.encode("utf-8"), "自评报告.txt"))
    found = [f.code for form in result.forms for f in form.findings if f.severity is not Severity.INFO]
    assert found == ["ZP013"]


USAGE_NOTE = """# 使用说明

本工具检查项目支出绩效自评表。

表中应有这些栏目：

- 项目名称
- 绩效自评年度
- 年度资金总额
- 全年预算数
- 全年执行数
- 总分

填好后用 ziping check 检查。
"""


def test_a_note_that_lists_the_labels_holds_no_form():
    # Labels with nothing of a form's body read between them (no indicator, funds figure, level-1 header or
    # goal; the list's "-" bullets are no figures): not a form with six missing fields.
    from ziping.readers import read_bytes

    read = read_bytes(USAGE_NOTE.encode("utf-8"), "使用说明.md")
    assert read.problem is not None and read.problem.code == "ZP002"
    assert "既没有自评表标题" in read.problem.reason_zh
