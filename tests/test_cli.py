"""The command line: output, exit codes, bad input, and a batch where one bad file stops nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ziping.cli import app

from .conftest import SEED

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_check_text_report(seed_path):
    result = run("check", seed_path)
    assert result.exit_code == 1
    out = result.output
    assert "总分得分填报为 85.00，按 预算执行率得分 10.00 + 指标得分合计 85.00 计算应为 95.00" in out
    assert "第97行" in out
    assert "大模型叙述检查已跳过" in out
    # errors come before warnings within a form
    form1 = out.split("表 2")[0]
    assert form1.index("ZP303") < form1.index("ZP401")


def test_check_json_contract(seed_path):
    result = run("check", seed_path, "--format", "json")
    data = json.loads(result.output)
    assert data["schema_version"] == "1.0"
    assert data["summary"] == {
        "files": 1,
        "forms": 3,
        "unreadable": 0,
        "skipped": 0,
        "error": 4,
        "warning": 2,
        "info": 0,
    }
    assert data["llm"]["status"] == "skipped"
    file = data["files"][0]
    assert file["error"] is None
    form2 = file["forms"][1]
    assert form2["project_code"] == "440307230011558705001"
    assert form2["year"] == 2023
    assert form2["declared"]["total_score"] == 9.79
    assert form2["computed"] == {
        "execution_rate": 97.88,
        "execution_score": 9.79,
        "total_weight": 100.0,
        "total_score": 99.24,
        "grade": "优",
        "scored": True,
        "precision": {"scores": 2, "execution_rate": 4},
    }
    finding = form2["findings"][1]
    assert set(finding) >= {
        "code",
        "severity",
        "field",
        "location",
        "message",
        "declared",
        "expected",
        "formula",
        "origin",
        "confidence",
    }
    assert finding["origin"] == "rule" and finding["confidence"] == "certain"
    # Chinese stays readable in the contract.
    assert "总分得分" in result.output


def test_english_catalog(seed_path):
    result = run("check", seed_path, "--lang", "en", "--format", "json")
    messages = [f["message"] for form in json.loads(result.output)["files"][0]["forms"] for f in form["findings"]]
    assert any("execution points are left out" in m for m in messages)


def test_select_ignore_and_fail_on(seed_path):
    assert run("check", seed_path, "--select", "ZP205").exit_code == 0  # a warning only
    assert run("check", seed_path, "--select", "ZP205", "--fail-on", "warning").exit_code == 1
    assert run("check", seed_path, "--ignore", "ZP3,ZP4", "--fail-on", "never").exit_code == 0
    data = json.loads(run("check", seed_path, "--ignore", "ZP303,ZP304", "--format", "json").output)
    assert data["summary"]["error"] == 0


def test_unknown_rule_code_is_a_usage_error(seed_path):
    result = run("check", seed_path, "--select", "ZP999")
    assert result.exit_code == 2
    assert "ZP999" in result.output and "ziping rules" in result.output


def test_unknown_profile(seed_path):
    result = run("check", seed_path, "--profile", "nowhere")
    assert result.exit_code == 2
    assert "standard" in result.output


def test_rules_listing_and_explanation():
    listing = run("rules")
    assert listing.exit_code == 0
    assert "ZP304" in listing.output and "ZP001" in listing.output
    explained = run("rules", "zp304")
    assert explained.exit_code == 0
    for heading in ("检查内容", "为什么", "反例", "正例"):
        assert heading in explained.output
    assert "计算应为 99.74" in explained.output
    assert run("rules", "ZP999").exit_code == 2


def test_schema_is_json_schema():
    data = json.loads(run("schema").output)
    assert data["title"] == "Form"
    assert "indicators" in data["properties"]


def test_parse_json_round_trips(tmp_path, seed_path):
    parsed = run("parse", seed_path)
    assert parsed.exit_code == 0
    path = tmp_path / "parsed.json"
    path.write_text(parsed.output, encoding="utf-8")
    original = json.loads(run("check", seed_path, "--format", "json").output)
    again = json.loads(run("check", path, "--format", "json").output)
    strip = lambda data: [[f["findings"] for f in file["forms"]] for file in data["files"]]  # noqa: E731
    assert strip(again) == strip(original)
    assert run("parse", path).output == parsed.output.replace(str(seed_path), str(path))


def test_parse_text_table(seed_path):
    result = run("parse", seed_path, "--format", "text")
    assert result.exit_code == 0
    assert "人大工作纪念画册（期）" in result.output


def test_console_script_runs_without_traceback(tmp_path):
    missing = tmp_path / "不存在.txt"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "ziping", "check", str(SEED), str(missing)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "文件不存在" in proc.stdout
    assert "信息系统运行与维护" in proc.stdout  # the good file is fully reported


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "xml", "x"], ["nonsense"]])
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_help_loads_neither_pydantic_nor_the_rules():
    code = "import sys\nfrom ziping.cli import app\ntry:\n    app(['--help'])\nexcept SystemExit:\n    pass\nprint(sorted(m for m in ('pydantic', 'ziping.model', 'ziping.rules', 'openai') if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_profile_from_a_toml_file(tmp_path, seed_path):
    from ziping.profiles import PROFILE_DIR

    text = (PROFILE_DIR / "standard.toml").read_text(encoding="utf-8")
    custom = tmp_path / "local.toml"
    custom.write_text(
        text.replace('name = "standard"', 'name = "local"').replace('"产出指标" = 50', '"产出指标" = 40'),
        encoding="utf-8",
    )
    data = json.loads(run("check", seed_path, "--profile", custom, "--format", "json").output)
    assert data["profile"] == str(custom)
    off = [f for form in data["files"][0]["forms"] for f in form["findings"] if f["code"] == "ZP301"]
    assert len(off) == 3 and "“local”标准应为 40" in off[0]["message"]


def test_profile_with_an_unknown_key_is_refused(tmp_path, seed_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "x"\nexecution_weight = 10\ntotal_weight = 100\nlevel1_weights = {}\ngrades = {}\ncolour = "red"\n',
        encoding="utf-8",
    )
    result = run("check", seed_path, "--profile", bad)
    assert result.exit_code == 2
    assert "colour" in result.output


def test_minimal_hand_written_json_form(tmp_path):
    """An integrator sends raw text only; values are parsed exactly as from a file."""
    form = {
        "header": {"project_name": {"raw": "示例项目"}, "year": {"raw": "2024"}},
        "funds": {
            "total": {"initial_budget": {"raw": "100,000.00"}, "budget": {"raw": "100,000.00"}, "executed": {"raw": "90,000.00"}},
            "weight": {"raw": "10"},
            "execution_rate": {"raw": "90%"},
            "execution_score": {"raw": "9"},
        },
        "level1": [{"name": "产出指标", "weight": {"raw": "90"}}],
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": {"raw": "培训人数（人）"},
             "target": {"raw": "≥100人"}, "actual": {"raw": "80人"}, "weight": {"raw": "90"}, "score": {"raw": "90"}},
        ],
        "total": {"weight": {"raw": "100"}, "score": {"raw": "99"}},
    }  # fmt: skip
    path = tmp_path / "form.json"
    path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    data = json.loads(run("check", path, "--format", "json").output)
    codes = {f["code"] for f in data["files"][0]["forms"][0]["findings"]}
    # 80 of ≥100 earns 72 of 90, not 90; and there is no note for the shortfall.
    assert {"ZP202", "ZP204"} <= codes
    assert "ZP101" not in codes and "ZP304" not in codes


def test_check_without_llm_loads_no_openai():
    code = (
        "import sys\nfrom ziping.cli import app\ntry:\n"
        f"    app(['check', {str(SEED)!r}])\nexcept SystemExit:\n    pass\n"
        # rich too: off a terminal the text report is written plainly.
        "print(sorted(m for m in ('openai', 'httpx2', 'tenacity', 'openpyxl', 'jinja2', 'docx', 'xlrd', 'rich')"
        " if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == "[]"
    assert "大模型叙述检查已跳过" in proc.stdout and "--llm" in proc.stdout  # says how to enable them
