"""`check --llm` and `triage --llm` end to end against the fake endpoint: consent, reports, cache, no key leaks."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from ziping.cli import app

from .conftest import LLM_KEY, SEED
from .fake_openai import Step

KEY = LLM_KEY
runner = CliRunner()
ANSWER = Step(
    content=json.dumps(
        {
            "findings": [
                {
                    "code": "ZP605",
                    "indicator_id": "I5",
                    "quote": "民众满意度超过90%",
                    "reasoning": "满意度不衡量改善民生。",
                }
            ]
        },
        ensure_ascii=False,
    )
)


@pytest.fixture
def server(llm_server):
    llm_server.script = [ANSWER]
    return llm_server


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_a_key_in_the_environment_is_not_consent(server):
    result = run("check", SEED, "--format", "json")
    assert json.loads(result.output)["llm"]["status"] == "skipped"
    assert server.requests == []


def test_check_with_llm_reports_findings_and_usage_without_the_key(server):
    result = run("check", SEED, "--llm", "--format", "json")
    data = json.loads(result.output)
    assert data["llm"]["status"] == "ok" and data["llm"]["calls"] == 3 and data["llm"]["model"] == "fake-model"
    forms = data["files"][0]["forms"]
    assert [f["llm_status"] for f in forms] == ["ok", "ok", "ok"]
    llm = [f for f in forms[1]["findings"] if f["origin"] == "llm"]
    assert (
        llm[0]["code"] == "ZP605" and llm[0]["quote"] == "民众满意度超过90%" and llm[0]["prompt_version"] == "review-v3"
    )
    # the same answer comes back for forms 1 and 3, whose text holds no such quote: dropped, not shown
    assert data["llm"]["findings_dropped"] == {"quote_not_found": 2}
    assert KEY not in result.output
    # the second run is served from the cache: nothing sent
    again = json.loads(run("check", SEED, "--llm", "--format", "json").output)
    assert again["llm"]["cache_hits"] == 3 and len(server.requests) == 3


def test_config_file_turns_the_llm_on(server, tmp_path):
    (tmp_path / "ziping.toml").write_text("llm = true\n", encoding="utf-8")
    result = run("check", SEED)
    assert "大模型检查（fake-model" in result.output and len(server.requests) == 3
    # the run's time and the mean time a call took are on the same line
    assert re.search(r"用时 \d+\.\d 秒（每次调用平均 \d+\.\d 秒）", result.output)
    assert run("check", SEED, "--no-llm", "--format", "json").exit_code == 1  # the flag wins


def test_missing_model_is_one_clear_message(server, monkeypatch):
    monkeypatch.delenv("ZIPING_MODEL")
    result = run("check", SEED, "--llm")
    assert result.exit_code == 2 and "ZIPING_MODEL" in result.output and server.requests == []


def test_wrong_key_fails_the_llm_part_only(server):
    server.script = [Step(status=401, error={"message": "bad key"})]
    result = run("check", SEED, "--llm", "--format", "json")
    data = json.loads(result.output)
    assert data["llm"]["status"] == "failed" and "OPENAI_API_KEY" in data["llm"]["reason"]
    assert data["summary"]["error"] == 4  # every rule finding is still there
    assert result.exit_code == 1 and KEY not in result.output


def test_html_report_highlights_the_quote(server, tmp_path):
    out = tmp_path / "report.html"
    result = run("check", SEED, "--llm", "--format", "html", "--out", out)
    assert result.exit_code == 1
    page = out.read_text(encoding="utf-8")
    assert "<mark" in page and "民众满意度超过90%" in page and KEY not in page


def test_triage_with_llm_stores_results_under_their_own_key(server, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEED.read_bytes())
    out = tmp_path / "q.json"
    first = run("triage", folder, "--llm", "--out", out)
    assert first.exit_code == 0, first.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    rows = rows["rows"] if isinstance(rows, dict) else rows
    assert {r["llm_status"] for r in rows} == {"已完成"}
    assert len(server.requests) == 3
    run("triage", folder, "--llm")  # unchanged: nothing checked, nothing sent
    assert len(server.requests) == 3
    run("triage", folder, "--out", out, "--force")  # without the LLM: a different key, re-checked by rules only
    rows = json.loads(out.read_text(encoding="utf-8"))
    rows = rows["rows"] if isinstance(rows, dict) else rows
    assert {r["llm_status"] for r in rows} == {"未启用"} and len(server.requests) == 3
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_llm_ping_and_cache_clear(server):
    server.script = [Step(content='{"ok": true, "echo": "自评"}')]
    result = run("llm", "ping")
    assert result.exit_code == 0 and "json_schema" in result.output and "fake-model" in result.output
    server.script = [ANSWER]
    run("check", SEED, "--llm")
    assert "已清除 3 条" in run("cache", "clear").output


@pytest.mark.parametrize("flag", [["--preset", "nowhere"], ["--mode", "xml"]])
def test_unknown_preset_or_mode_is_refused_before_anything_is_sent(server, flag):
    result = run("check", SEED, "--llm", *flag)
    assert result.exit_code == 2 and "未知的" in result.output and server.requests == []
