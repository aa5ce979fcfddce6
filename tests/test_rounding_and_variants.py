"""Issue 6's variants: whole-point forms, forms without scores, repeated sub-row scores."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ziping.checks import Checker
from ziping.cli import app
from ziping.rules import REGISTRY

from .conftest import SEED

CHECKER = Checker.create()


def whole_point_form(score: str) -> str:
    """Seed form 3 written in whole points, as many counties do; one indicator's score given."""
    text = SEED.read_text(encoding="utf-8").split("项目支出绩效自评表")[3]
    text = "项目支出绩效自评表" + text
    text = text.replace("100% 99% 20 19.8", "100% 97% 20 " + score)  # 20 × 97% = 19.4
    text = text.replace("10 99.73 9.97", "10 99.73 10").replace("10 9.97\n", "10 10\n")
    return text.replace("总分 100 99.74", "总分 100 99")


def codes(text: str, tmp_path) -> set[str]:
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    return {f.code for f in CHECKER.check_file(path).forms[0].findings}


def test_whole_point_form_with_honest_rounding_raises_no_score_finding(tmp_path):
    assert not codes(whole_point_form("19"), tmp_path) & {"ZP102", "ZP202", "ZP203", "ZP304"}


def test_whole_point_form_with_a_wrong_whole_number_is_flagged(tmp_path):
    path = tmp_path / "wrong.txt"
    path.write_text(whole_point_form("20"), encoding="utf-8")  # 19.4 rounds to 19, not 20
    result = CHECKER.check_file(path).forms[0]
    inflated = next(f for f in result.findings if f.code == "ZP202")
    assert result.figures.precision["scores"] == 0
    assert "保留 0 位小数" in REGISTRY["ZP202"].message(inflated)


def test_form_without_scores_is_not_flagged_for_them(tmp_path):
    form = {
        "header": {"project_name": {"raw": "示例项目"}, "year": {"raw": "2023"}},
        "funds": {"total": {"budget": {"raw": "100000"}, "executed": {"raw": "95000"}}},
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": {"raw": "培训人数"}, "target": {"raw": "≥100人"}, "actual": {"raw": "120人"}},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": {"raw": "学员满意度"}, "target": {"raw": "≥90%"}, "actual": {"raw": "95%"}},
        ],
    }  # fmt: skip
    path = tmp_path / "unscored.json"
    path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    data = json.loads(result.output)["files"][0]["forms"][0]
    assert data["computed"]["scored"] is False
    assert {f["code"] for f in data["findings"]} <= {"ZP205"}  # 120 of ≥100 is 20% above: not more
    text = CliRunner().invoke(app, ["check", str(path)]).output
    assert "得分类检查未进行" in text


def test_scores_repeated_on_the_sub_rows_are_not_counted_twice(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace(
        "其中：当年财政拨款 1350000.00 1350000.00 1350000.00 — — —",
        "其中：当年财政拨款 1350000.00 1350000.00 1350000.00 10 100.0000 10.00",
    )
    path = tmp_path / "repeated.txt"
    path.write_text(text, encoding="utf-8")
    form1 = CHECKER.check_file(path).forms[0]
    assert form1.form.funds.execution_score.raw == "10.00"
    total = next(f for f in form1.findings if f.code == "ZP304")
    assert total.expected == 95.0  # 10 + 85, not 20 + 85
    assert {f.code for f in form1.findings} == {"ZP303", "ZP304", "ZP401"}
