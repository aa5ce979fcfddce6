"""Forms in traditional characters read like the seed: labels matched in simplified, raw text kept as written."""

from __future__ import annotations

import pytest
from opencc import OpenCC

from ziping.checks import Checker
from ziping.chinese import to_simplified

from .conftest import SEED


@pytest.fixture(scope="module")
def traditional(tmp_path_factory):
    text = OpenCC("s2t").convert(SEED.read_text(encoding="utf-8"))
    assert "數量指標" in text and "項目支出績效自評表" in text
    path = tmp_path_factory.mktemp("trad") / "繁體.txt"
    path.write_text(text, encoding="utf-8")
    return Checker.create().check_file(path)


def test_same_findings_as_the_simplified_seed(traditional):
    original = Checker.create().check_file(SEED)
    shape = lambda result: [[(f.code, f.field, f.declared, f.expected) for f in form.findings] for form in result.forms]  # noqa: E731
    assert shape(traditional) == shape(original)


def test_raw_values_keep_the_traditional_characters(traditional):
    form1 = traditional.forms[0].form
    album = form1.indicators[3]
    assert album.label == "人大工作紀念畫冊（期）"  # as written
    assert album.level1 == "产出指标" and album.level2 == "数量指标"  # labels, normalised
    assert "順延到2024年第一季度支付" in album.note.raw
    assert form1.header.budget_unit.raw.startswith("深圳市龍崗區")


def test_conversion_keeps_positions():
    assert to_simplified("偏差原因分析及改進措施") == "偏差原因分析及改进措施"
    assert to_simplified("纸媒版面数量（个）") == "纸媒版面数量（个）"  # simplified text is left alone
