"""`eval` scoring and `ping`, against the fake endpoint: the pipeline, never what a model finds."""

from __future__ import annotations

import json

import pytest

from ziping.llm.evaluate import GoldError, evaluate, load_gold
from ziping.llm.ping import ping
from ziping.llm.settings import LLMSettings

from .conftest import FIXTURES
from .fake_openai import FakeOpenAI, Step

GOLD = FIXTURES / "gold"


@pytest.fixture
def server():
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


def reply(*findings):
    return Step(
        content=json.dumps(
            {"findings": [dict(zip(("code", "indicator_id", "quote", "reasoning"), f)) for f in findings]},
            ensure_ascii=False,
        )
    )


def test_gold_set_labels_the_seed_forms_with_a_negative_control():
    [(source, forms)] = load_gold(GOLD)
    assert source.name == "longgang-2023-selfeval.txt"
    assert {k: sorted(e.code for e in v) for k, v in forms.items()} == {1: ["ZP602", "ZP604"], 2: ["ZP605"], 3: []}


def test_precision_and_recall_per_code(server):
    server.script = [
        # form 1: one right (quote overlaps), one wrong code
        reply(("ZP604", "I4", "顺延到2024年第一季度支付", "…"), ("ZP606", "", "人大宣传", "…")),
        # form 2: the expected ZP605 found by its indicator, with a shorter quote
        reply(("ZP605", "I5", "民众满意度", "…")),
        # form 3 (negative control): a false alarm
        reply(("ZP601", "", "共发布新媒体推文报道276篇", "…")),
    ]
    settings = LLMSettings(base_url=server.url, api_key="k", model="fake", concurrency=1)
    score, run = evaluate(GOLD, settings, cache=None)
    rows = {code: (tp, fp, fn) for code, tp, fp, fn, _, _ in score.rows()}
    assert rows == {"ZP601": (0, 1, 0), "ZP602": (0, 0, 1), "ZP604": (1, 0, 0), "ZP605": (1, 0, 0), "ZP606": (0, 1, 0)}
    assert run.reviewed == 3


def test_missing_gold_folder_is_a_clear_error(tmp_path):
    with pytest.raises(GoldError, match="没有标注文件"):
        load_gold(tmp_path)


def test_ping_reports_mode_latency_and_tokens(server):
    server.script = [
        Step(status=400, error={"message": "json_schema is not supported"}),
        Step(content='{"ok": true, "echo": "自评"}', usage=(30, 8)),
    ]
    result = ping(LLMSettings(base_url=server.url, api_key="k", model="fake"))
    assert result.mode == "json_object" and result.echo_ok and result.usage.prompt_tokens == 30 and result.seconds > 0
