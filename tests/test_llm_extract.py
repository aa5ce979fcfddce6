"""`parse --extract llm`: a model reads an unknown layout; numbers not in the source are marked unverified."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ziping.checks import Checker
from ziping.cli import app
from ziping.llm.extract import unverified_numbers

from .fake_openai import FakeOpenAI, Step

runner = CliRunner()
SOURCE = """2023年度项目绩效自评（网页版）
项目名称：社区养老服务  年度：2023  主管部门：某区民政局
全年预算数（万元）：120.5 | 全年执行数：118.2 | 执行率：98.09% | 得分：9.81
产出指标(50分) | 数量指标 | 服务老人人次 | ≥3,000人次 | 3200人次 | 50 | 50
效益指标(30分) | 社会效益 | 老人满意度 | ≥90% | 95% | 30 | 30
满意度指标(10分) | 服务对象满意度 | 家属满意度 | ≥90% | 92% | 10 | 10
总分 100 | 99.81
"""


def extracted(executed: str) -> str:
    def indicator(l1: str, l2: str, name: str, target: str, actual: str, weight: str) -> dict[str, str]:
        return {"level1": l1, "level2": l2, "name": name, "target": target, "actual": actual,
                "weight": weight, "score": weight, "note": ""}  # fmt: skip

    form = {
        "project_code": "", "project_name": "社区养老服务", "year": "2023", "implementing_unit": "",
        "budget_unit": "某区民政局", "initial_budget": "", "budget": "120.5万元", "executed": executed,
        "execution_weight": "10", "execution_rate": "98.09%", "execution_score": "9.81",
        "expected_goal": "", "actual_goal": "",
        "level1_weights": [{"name": "产出指标", "weight": "50"}, {"name": "效益指标", "weight": "30"}, {"name": "满意度指标", "weight": "10"}],
        "indicators": [
            indicator("产出指标", "数量指标", "服务老人人次", "≥3,000人次", "3200人次", "50"),
            indicator("效益指标", "社会效益指标", "老人满意度", "≥90%", "95%", "30"),
            indicator("满意度指标", "服务对象满意度指标", "家属满意度", "≥90%", "92%", "10"),
        ],
        "total_weight": "100", "total_score": "99.81",
    }  # fmt: skip
    return json.dumps({"forms": [form]}, ensure_ascii=False)


@pytest.fixture
def server(monkeypatch, tmp_path):
    fake = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    monkeypatch.setenv("ZIPING_MODEL", "fake")
    yield fake
    fake.stop()


def test_numbers_are_checked_against_the_source():
    source = "全年执行数：1,182,000.00 元"
    assert not unverified_numbers("1182000.00", source.replace(",", ""))
    assert unverified_numbers("1190000", source.replace(",", ""))


def parse_then_check(tmp_path, server, executed):
    server.script = [Step(content=extracted(executed))]
    src = tmp_path / "web.txt"
    src.write_text(SOURCE, encoding="utf-8")
    parsed = runner.invoke(app, ["parse", str(src), "--extract", "llm"])
    assert parsed.exit_code == 0, parsed.output
    out = tmp_path / "parsed.json"
    out.write_text(parsed.output, encoding="utf-8")
    return Checker.create().check_file(out).forms[0]


def test_faithful_extraction_is_checked_like_any_form(tmp_path, server):
    form = parse_then_check(tmp_path, server, "118.2万元")
    assert form.form.unverified == []
    assert round(form.figures.execution_rate, 2) == 98.09 and round(form.figures.total_score, 2) == 99.81
    assert not [f for f in form.findings if f.severity.value in ("error", "warning")]
    assert "form_extraction" in json.dumps(server.requests[0].body, ensure_ascii=False)


def test_an_invented_number_is_marked_unverified(tmp_path, server):
    form = parse_then_check(tmp_path, server, "119.9万元")
    assert form.form.unverified == ["funds.total.executed"]
    assert {f.code for f in form.findings} >= {"ZP011", "ZP101"}


def test_extract_needs_an_endpoint(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("ZIPING_MODEL", raising=False)
    src = tmp_path / "web.txt"
    src.write_text(SOURCE, encoding="utf-8")
    result = runner.invoke(app, ["parse", str(src), "--extract", "llm"])
    assert result.exit_code == 2 and "端点" in result.output
