"""The structured client against a real fake endpoint on loopback: modes, fallbacks, re-asks, faults."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time

import pytest

from ziping.llm.breaker import CircuitBreaker
from ziping.llm.client import BreakerOpen, LLMError, StructuredClient, retry_after
from ziping.llm.reasons import Reason, redact
from ziping.llm.schemas import Ping, strict_schema
from ziping.llm.settings import LLMSettings
from ziping.llm.unwrap import answer_json

from .fake_openai import FakeOpenAI, Step

KEY = "sk-test-0123456789abcdef"
GOOD = json.dumps({"ok": True, "echo": "自评"}, ensure_ascii=False)


@pytest.fixture
def server():
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


def ask(server, *steps: Step, **settings):
    server.script = list(steps)
    options = {"base_url": server.url, "api_key": KEY, "model": "fake-model", "timeout": 5.0, **settings}

    async def run():
        client = StructuredClient(LLMSettings(**options))
        try:
            return await client.ask([{"role": "user", "content": "ping"}], Ping, "ping"), client
        finally:
            await client.close()

    return asyncio.run(run())


def test_strict_schema_requires_everything_and_forbids_extras():
    schema = strict_schema(Ping)
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["ok", "echo"]


def test_json_schema_mode(server):
    answer, _ = ask(server, Step(content=GOOD))
    assert answer.value == Ping(ok=True, echo="自评") and answer.mode == "json_schema" and answer.attempts == 1
    fmt = server.requests[0].body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True


def test_json_object_mode_puts_the_schema_in_the_prompt(server):
    answer, _ = ask(server, Step(content=GOOD), mode="json_object")
    body = server.requests[0].body
    assert body["response_format"] == {"type": "json_object"}
    assert '"echo"' in body["messages"][-1]["content"]
    assert answer.value.echo == "自评"


def test_llamacpp_preset_sends_the_schema_as_a_grammar(server):
    ask(server, Step(content=GOOD), preset="llamacpp")
    assert server.requests[0].body["response_format"]["schema"]["required"] == ["ok", "echo"]


def test_tools_mode(server):
    answer, _ = ask(server, Step(tool_arguments=GOOD), mode="tools")
    assert server.requests[0].body["tool_choice"]["function"]["name"] == "ping"
    assert answer.value.ok is True


def test_rejected_mode_falls_back_and_is_remembered(server):
    rejected = Step(
        status=400, error={"message": "response_format json_schema is not supported", "type": "invalid_request_error"}
    )
    server.script = [rejected, Step(content=GOOD)]

    async def run():
        client = StructuredClient(LLMSettings(base_url=server.url, api_key=KEY, model="m"))
        first = await client.ask([{"role": "user", "content": "a"}], Ping, "ping")
        second = await client.ask([{"role": "user", "content": "b"}], Ping, "ping")
        await client.close()
        return first, second

    first, second = asyncio.run(run())
    assert first.mode == second.mode == "json_object"
    modes = [r.body["response_format"]["type"] for r in server.requests]
    assert modes == ["json_schema", "json_object", "json_object"]  # not asked in json_schema again


# What llama-cpp-python's server (0.3.x) answers to response_format json_schema: HTTP 500, not 400.
LLAMACPP_500 = Step(
    status=500,
    error={
        "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
        "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}",
        "type": "internal_server_error",
    },
)


def test_a_500_naming_response_format_falls_back_to_the_next_mode(server):
    answer, _ = ask(server, LLAMACPP_500, Step(content=GOOD), transport_retries=1)
    assert answer.value.ok and answer.mode == "json_object"
    modes = [r.body["response_format"]["type"] for r in server.requests]
    assert modes == ["json_schema", "json_object"]  # the next mode at once: no transport retry of a rejection


def test_a_500_rejecting_the_only_mode_is_a_setting_to_change_not_a_transport_fault(server):
    with pytest.raises(LLMError) as err:
        ask(server, LLAMACPP_500, mode="json_schema", transport_retries=0)
    assert err.value.kind == "mode_rejected"
    assert "json_schema" in err.value.zh and "HTTP 500" in err.value.zh and "--preset" in err.value.zh
    assert len(server.requests) == 1


def test_a_500_that_names_no_mode_stays_a_transport_fault(server):
    with pytest.raises(LLMError) as err:
        ask(
            server,
            Step(status=500, error={"message": "CUDA out of memory in function ggml_alloc"}),
            transport_retries=0,
        )
    assert err.value.kind == "server_error" and len(server.requests) == 1


def test_concurrent_rejections_move_on_one_mode_only(server):
    rejected = Step(status=400, error={"message": "response_format json_schema is not supported"})
    server.script = [rejected, rejected, Step(content=GOOD)]
    server.latency = 0.2  # both requests are in flight before either is rejected

    async def run():
        client = StructuredClient(LLMSettings(base_url=server.url, api_key=KEY, model="m"))
        try:
            return await asyncio.gather(*(client.ask([{"role": "user", "content": c}], Ping, "ping") for c in "ab"))
        finally:
            await client.close()

    answers = asyncio.run(run())
    assert [a.mode for a in answers] == ["json_object", "json_object"]  # not "tools" for the second
    assert [r.body["response_format"]["type"] for r in server.requests].count("json_object") == 2


def test_each_call_is_timed(server):
    answer, _ = ask(server, Step(content="x", delay=0.2), Step(content=GOOD))
    assert len(answer.usage.seconds) == answer.usage.calls == 2
    assert answer.usage.seconds[0] >= 0.2 and 0 < answer.usage.seconds[1] < answer.usage.seconds[0]


@pytest.mark.parametrize(
    "bad, feedback",
    [("这不是JSON", "不是有效的 JSON"), (json.dumps({"ok": "maybe"}), "不符合 JSON Schema"), ("", "回答为空")],
)
def test_bad_content_is_reasked_with_the_error(server, bad, feedback):
    answer, _ = ask(server, Step(content=bad), Step(content=GOOD))
    assert answer.attempts == 2
    reask = server.requests[1].body["messages"][-1]["content"]
    assert feedback in reask


def test_too_many_bad_answers_fail_with_a_typed_error(server):
    with pytest.raises(LLMError) as err:
        ask(server, Step(content="{"), reasks=2)
    assert err.value.kind == "content" and "3 次" in err.value.zh
    assert len(server.requests) == 3


def test_think_block_and_fence_are_stripped(server):
    answer, _ = ask(server, Step(content="<think>先想一想……</think>\n```json\n" + GOOD + "\n```"))
    assert answer.value.echo == "自评" and answer.attempts == 1


def test_truncation_is_reported_not_reasked(server):
    with pytest.raises(LLMError) as err:
        ask(server, Step(content='{"ok": tr', finish_reason="length"))
    assert err.value.kind == "truncated" and "max_tokens" in err.value.zh
    assert len(server.requests) == 1


def test_refusal_is_recorded_as_such(server):
    with pytest.raises(LLMError) as err:
        ask(server, Step(content="", finish_reason="content_filter"))
    assert err.value.kind == "refusal"


def test_429_honours_retry_after(server):
    start = time.monotonic()
    answer, _ = ask(server, Step(status=429, headers={"Retry-After": "1"}), Step(content=GOOD))
    gap = server.requests[1].at - server.requests[0].at
    assert answer.value.ok and gap >= 0.95 and time.monotonic() - start < 5


def test_500_then_success(server):
    answer, _ = ask(server, Step(status=500), Step(content=GOOD))
    assert answer.value.ok and len(server.requests) == 2 and answer.attempts == 1


def test_timeout_then_success(server):
    answer, _ = ask(server, Step(content=GOOD, delay=1.5), Step(content=GOOD), timeout=0.5)
    assert answer.value.ok and len(server.requests) == 2


def test_transport_retries_are_bounded(server):
    with pytest.raises(LLMError) as err:
        ask(server, Step(status=503), transport_retries=1)
    assert err.value.kind == "server_error" and len(server.requests) == 2  # one try + one retry, no more
    assert "HTTP 503" in err.value.zh and "已重试 1 次" in err.value.zh


def test_wrong_key_gives_one_clear_message_without_the_key(server):
    with pytest.raises(LLMError) as err:
        ask(server, Step(status=401, error={"message": "Incorrect API key provided", "type": "invalid_request_error"}))
    assert err.value.kind == "auth"
    assert "OPENAI_API_KEY" in err.value.zh
    assert KEY not in err.value.zh + err.value.en + str(err.value)
    assert len(server.requests) == 1  # never retried


def test_unknown_model_is_not_retried(server):
    with pytest.raises(LLMError) as err:
        ask(server, Step(status=404, error={"message": "model not found"}))
    assert err.value.kind == "not_found" and len(server.requests) == 1


def test_usage_is_summed_over_attempts_and_unreported_tokens_are_estimated(server):
    answer, _ = ask(server, Step(content="x", usage=(50, 5)), Step(content=GOOD, usage=(60, 6)))
    usage = answer.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.calls, usage.estimated) == (110, 11, 2, False)
    answer, _ = ask(server, Step(content=GOOD, usage=None))
    # "ping" is one token at four ASCII characters a token; the answer holds 2 CJK characters and 24 others
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens, answer.usage.estimated) == (1, 2 + 6, True)


def test_key_comes_from_the_environment_and_never_shows(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    settings = LLMSettings()
    assert settings.api_key.get_secret_value() == KEY
    assert KEY not in repr(settings) and KEY not in settings.model_dump_json()


@pytest.mark.parametrize(
    "content",
    [
        GOOD,
        "好的。\n</think>\n" + GOOD,
        "<think>{not json}</think>" + GOOD,
        "结果如下：\n```json\n" + GOOD + "\n```\n还有问题吗？",
        "```\n" + GOOD + "\n```",
        GOOD + "\n以上。",
        "说明 {x} 之后：" + GOOD + " 完。",
    ],
)
def test_the_json_is_found_where_models_put_it(content):
    assert json.loads(answer_json(content)) == {"ok": True, "echo": "自评"}


@pytest.mark.parametrize("content", ["这不是JSON", '{"ok": tr', ""])
def test_no_json_leaves_the_answer_for_the_validation_error(content):
    assert answer_json(content) == content.strip()


def test_secrets_and_bearer_tokens_are_scrubbed():
    text = f"bad header Authorization: Bearer abc.def-123 and key {KEY} again; bearer\tXYZ"
    assert redact(text, [KEY]) == "bad header Authorization: Bearer *** and key *** again; bearer ***"


@pytest.mark.parametrize(
    "headers, seconds",
    [({"retry-after": "30"}, 30.0), ({"retry-after-ms": "1500"}, 1.5), ({"retry-after": "soon"}, None), ({}, None)],
)
def test_retry_after_is_read_as_seconds(headers, seconds):
    assert retry_after(headers) == seconds


def test_an_http_date_retry_after_is_read_too():
    stamp = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 18 <= retry_after({"retry-after": stamp}) <= 20


def test_the_breaker_opens_after_requests_in_a_row_without_an_answer():
    breaker = CircuitBreaker(failures=3)
    timeout = Reason.of("timeout", seconds=60)
    breaker.unanswered(timeout)
    breaker.unanswered(timeout)
    breaker.answered()  # an answer in between: the endpoint is alive
    breaker.unanswered(timeout)
    breaker.unanswered(timeout)
    assert not breaker.is_open
    breaker.unanswered(timeout)
    assert breaker.reason == Reason.of("unanswered", count=3, last=timeout)
    breaker.open(Reason.of("auth", status=401))  # the first reason stays
    assert breaker.reason.code == "unanswered"


def test_a_pause_holds_every_request_and_opening_ends_it_early():
    async def run():
        breaker = CircuitBreaker(retry_after_max=30)
        assert breaker.retry_after(429, 0.3) is None
        start = time.monotonic()
        await breaker.ready()
        held = time.monotonic() - start
        assert breaker.retry_after(503, 30) is None
        asyncio.get_running_loop().call_later(0.1, breaker.open, Reason.of("interrupted"))
        start = time.monotonic()
        with pytest.raises(BreakerOpen):
            await breaker.ready()
        return held, time.monotonic() - start

    held, opened = asyncio.run(run())
    assert 0.25 <= held < 1 and opened < 1


def test_an_open_breaker_sends_nothing(server):
    server.script = [Step(content=GOOD)]

    async def run():
        client = StructuredClient(LLMSettings(base_url=server.url, api_key=KEY, model="m"))
        client.breaker.open(Reason.of("auth", status=401))
        try:
            with pytest.raises(BreakerOpen) as err:
                await client.ask([{"role": "user", "content": "a"}], Ping, "ping")
            return err.value
        finally:
            await client.close()

    assert asyncio.run(run()).reason.code == "auth" and server.requests == []


def test_retries_and_reasks_have_separate_budgets_that_never_multiply(server):
    with pytest.raises(LLMError) as err:
        ask(server, Step(status=503), Step(content="x"), Step(status=503), Step(content="x"), Step(content="x"),
            transport_retries=2, reasks=2)  # fmt: skip
    assert err.value.kind == "content" and len(server.requests) == 5  # 1 + 2 transport retries + 2 re-asks


def test_the_deadline_stops_retries(server):
    start = time.monotonic()
    with pytest.raises(LLMError) as err:
        ask(server, Step(status=503, headers={"Retry-After": "1"}), transport_retries=5, deadline=1.5)
    assert err.value.kind == "deadline" and len(server.requests) == 2 and time.monotonic() - start < 2.5


@pytest.mark.parametrize(
    "step",
    [
        Step(status=429, error={"message": "You exceeded your current quota", "code": "insufficient_quota"}),
        Step(status=402, error={"message": "Insufficient Balance"}),
    ],
)
def test_an_exhausted_quota_is_not_retried_and_stops_the_run(server, step):
    server.script = [step]

    async def run():
        client = StructuredClient(LLMSettings(base_url=server.url, api_key=KEY, model="m"))
        try:
            with pytest.raises(LLMError) as err:
                await client.ask([{"role": "user", "content": "a"}], Ping, "ping")
            return err.value, client.breaker.is_open
        finally:
            await client.close()

    error, stopped = asyncio.run(run())
    assert error.kind == "quota" and stopped and len(server.requests) == 1 and "余额或额度" in error.zh


def test_every_reason_names_the_same_parameters_in_both_languages():
    from string import Formatter

    from ziping.llm.reasons import CATALOG

    def names(template: str) -> set[str]:
        return {field for _, field, _, _ in Formatter().parse(template) if field}

    for code, wording in CATALOG.items():
        assert names(wording.zh) == names(wording.en), code
        assert not names(wording.hint_zh) and not names(wording.hint_en), code
        assert bool(wording.hint_zh) == bool(wording.hint_en), code
