"""The model behind one narrow interface: ask for a pydantic model, get a validated answer or a typed error.

Failures have one owner each, so retries never multiply:
- transport faults (timeouts, connection errors, 408/409/429 with Retry-After, 5xx): the openai SDK's own
  retry (`transport_retries`), nowhere else;
- content faults (invalid JSON, schema violation, empty content): the tenacity loop here, which re-asks
  with the validation error, at most `reasks` times;
- a mode the endpoint rejects: the next mode, remembered for the rest of the run. Rejections come as a 400
  or 422 naming the mode, or as a 5xx naming response_format (llama-cpp-python's server answers 500 to
  json_schema; the SDK retries that 5xx first, so the fallback costs `transport_retries` extra requests
  once per run); the last mode rejected is a configuration error, not a transport fault;
- configuration faults (401, 403, 404, other 400s): never retried, one typed error.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from ziping.llm.schemas import strict_schema
from ziping.llm.settings import LLMSettings

T = TypeVar("T", bound=BaseModel)
THINK = re.compile(r"<think>.*?</think>", re.S)
FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S)
# How providers word "this structured-output mode is not supported" in a 400.
MODE_UNSUPPORTED = re.compile(
    r"response_format|json_schema|json_object|tool|function|not support|unsupported|unrecogni[sz]ed|invalid.*type",
    re.I,
)
# A 5xx is a mode rejection only when it names the request's response_format (a generic 500 is a fault).
MODE_UNSUPPORTED_5XX = re.compile(r"response_format|json_schema", re.I)


class LLMError(Exception):
    """A failure the run reports once, in Chinese and English, never carrying the API key."""

    def __init__(self, kind: str, zh: str, en: str):
        super().__init__(en)
        self.kind = kind  # auth | not_found | bad_request | transport | content | refusal | truncated
        self.zh = zh
        self.en = en

    @property
    def per_run(self) -> bool:
        """Configuration errors repeat for every form: report them once per run."""
        return self.kind in ("auth", "not_found", "bad_request")


class _ContentError(Exception):
    """An answer that is not the requested JSON; the tenacity loop re-asks."""

    def __init__(self, feedback: str, content: str):
        super().__init__(feedback)
        self.feedback = feedback
        self.content = content


@dataclass(slots=True)
class Usage:
    """Tokens over every attempt; None when the endpoint did not say (unknown is not zero)."""

    prompt_tokens: int | None = 0
    completion_tokens: int | None = 0
    calls: int = 0
    seconds: list[float] = field(default_factory=list)  # each answered call, request to response

    def add(self, usage: Any, seconds: float = 0.0) -> None:
        self.calls += 1
        self.seconds.append(seconds)
        prompt = getattr(usage, "prompt_tokens", None) if usage is not None else None
        completion = getattr(usage, "completion_tokens", None) if usage is not None else None
        self.prompt_tokens = None if prompt is None or self.prompt_tokens is None else self.prompt_tokens + prompt
        self.completion_tokens = (
            None if completion is None or self.completion_tokens is None else self.completion_tokens + completion
        )


@dataclass(slots=True)
class Answer(Generic[T]):
    value: T
    mode: str
    attempts: int
    usage: Usage = field(default_factory=Usage)


class StructuredClient:
    """Asks an OpenAI-compatible endpoint for answers that validate against a pydantic model."""

    def __init__(self, settings: LLMSettings, *, http_client: Any = None):
        from openai import AsyncOpenAI

        self.settings = settings
        self._modes = list(settings.modes())
        key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"  # local servers take any
        self._openai = AsyncOpenAI(
            api_key=key,
            base_url=settings.endpoint(),
            timeout=settings.timeout,
            max_retries=settings.transport_retries,
            http_client=http_client,
        )
        preset = settings.resolved_preset()
        self._extra_body = dict(preset.extra_body) if preset else {}
        self._schema_in_json_object = bool(preset and preset.schema_in_json_object)

    @property
    def mode(self) -> str:
        """The mode in use: the first the endpoint has not rejected."""
        return self._modes[0]

    async def close(self) -> None:
        await self._openai.close()

    async def ask(self, messages: list[dict[str, str]], answer: type[T], name: str) -> Answer[T]:
        """One validated answer; raises LLMError when it cannot be had."""
        from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, stop_after_delay

        usage = Usage()
        conversation = list(messages)
        attempts = 0
        max_tokens = self.settings.max_tokens
        last: _ContentError | None = None
        try:
            async for attempt in AsyncRetrying(
                # Re-asks stop at their count or at the form's deadline, whichever comes first.
                stop=stop_after_attempt(self.settings.reasks + 1) | stop_after_delay(self.settings.deadline),
                retry=retry_if_exception_type(_ContentError),
                reraise=True,
            ):
                with attempt:
                    attempts += 1
                    if last is not None:
                        conversation = [*conversation, *self._reask(last)]
                    try:
                        value = await self._attempt(conversation, answer, name, usage, max_tokens)
                    except _ContentError as exc:
                        last = exc
                        raise
                    return Answer(value, self.mode, attempts, usage)
        except _ContentError as exc:
            raise LLMError(
                "content",
                f"模型连续 {attempts} 次未给出符合格式的回答（最后一次：{exc.feedback}）",
                f"no valid answer after {attempts} attempts (last: {exc.feedback})",
            ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _reask(self, error: _ContentError) -> list[dict[str, str]]:
        return [
            {"role": "assistant", "content": error.content[:2000]},
            {
                "role": "user",
                "content": f"上一个回答不符合要求：{error.feedback}。请只输出一个符合给定 JSON Schema 的 JSON 对象。",
            },
        ]

    async def _attempt(
        self, conversation: list[dict[str, str]], answer: type[T], name: str, usage: Usage, max_tokens: int
    ) -> T:
        while True:
            mode = self.mode
            start = time.perf_counter()
            try:
                response = await self._openai.chat.completions.create(
                    **self._request(conversation, answer, name, mode, max_tokens)
                )
            except Exception as exc:  # noqa: BLE001 -- mapped to a typed error below
                if self._mode_rejected(exc):
                    if mode != self.mode:
                        continue  # a concurrent request already moved on to the next mode
                    if len(self._modes) > 1:
                        self._modes.pop(0)  # remembered for the rest of the run
                        continue
                    raise self._rejected(exc, mode) from None
                raise self._typed(exc) from None
            usage.add(getattr(response, "usage", None), time.perf_counter() - start)
            return self._parse(response, answer, mode)

    def _request(
        self, conversation: list[dict[str, str]], answer: type[T], name: str, mode: str, max_tokens: int
    ) -> dict[str, Any]:
        schema = strict_schema(answer)
        request: dict[str, Any] = {
            "model": self.settings.model or "default",
            "messages": conversation,
            "temperature": 0,
            "max_tokens": max_tokens,
        }
        if mode == "json_schema":
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": True},
            }
        elif mode == "json_object":
            response_format: dict[str, Any] = {"type": "json_object"}
            if self._schema_in_json_object:
                response_format["schema"] = schema
            request["response_format"] = response_format
            schema_text = json.dumps(schema, ensure_ascii=False)
            request["messages"] = [
                *conversation,
                {"role": "system", "content": f"只输出一个 JSON 对象，符合以下 JSON Schema：{schema_text}"},
            ]
        else:
            request["tools"] = [{"type": "function", "function": {"name": name, "parameters": schema, "strict": True}}]
            request["tool_choice"] = {"type": "function", "function": {"name": name}}
        # Structured-output fields go in extra_body as plain JSON: the SDK otherwise walks the whole schema
        # through its TypedDict transform on every call (about 2 ms each, the largest client cost).
        extra = {key: request.pop(key) for key in ("response_format", "tools", "tool_choice") if key in request}
        extra.update(self._extra_body)
        if extra:
            request["extra_body"] = extra
        return request

    def _mode_rejected(self, exc: Exception) -> bool:
        from openai import APIStatusError

        if not isinstance(exc, APIStatusError):
            return False
        if exc.status_code in (400, 422):
            return bool(MODE_UNSUPPORTED.search(str(exc)))
        return exc.status_code >= 500 and bool(MODE_UNSUPPORTED_5XX.search(str(exc)))

    def _rejected(self, exc: Exception, mode: str) -> LLMError:
        """The endpoint refused the only mode left: a setting to change, reported once per run."""
        status = getattr(exc, "status_code", None)
        return LLMError(
            "bad_request",
            f"端点不接受结构化输出方式 {mode}（HTTP {status}）：{_brief(exc)}；请用 --preset 或 --mode 选择端点支持的方式",
            f"the endpoint does not accept the {mode} mode (HTTP {status}): {_brief(exc)}; choose --preset or --mode",
        )

    def _parse(self, response: Any, answer: type[T], mode: str) -> T:
        choice = response.choices[0] if response.choices else None
        if choice is None:
            raise _ContentError("回答中没有内容", "")
        finish = choice.finish_reason
        message = choice.message
        if finish == "length":
            raise LLMError(
                "truncated",
                f"回答被截断（已达 max_tokens={self.settings.max_tokens}）；请调高 max_tokens",
                f"the answer was truncated at max_tokens={self.settings.max_tokens}; raise it",
            )
        if finish in ("content_filter", "sensitive") or getattr(message, "refusal", None):
            raise LLMError("refusal", "模型拒绝回答或内容被过滤", "the model refused or the content was filtered")
        if mode == "tools":
            calls = getattr(message, "tool_calls", None) or []
            content = calls[0].function.arguments if calls else (message.content or "")
        else:
            content = message.content or ""
        content = FENCE.sub(r"\1", THINK.sub("", content).strip()).strip()
        if not content:
            raise _ContentError("回答为空", content)
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise _ContentError(f"不是有效的 JSON（{exc.msg}，第{exc.pos}个字符）", content) from None
        try:
            return answer.model_validate(data)
        except ValidationError as exc:
            problems = "；".join(f"{'.'.join(map(str, e['loc'])) or '根'}：{e['msg']}" for e in exc.errors()[:5])
            raise _ContentError(f"不符合 JSON Schema（{problems}）", content) from None

    def _typed(self, exc: Exception) -> LLMError:
        import openai

        status = getattr(exc, "status_code", None)
        if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
            return LLMError(
                "auth",
                f"大模型端点拒绝了 API 密钥（HTTP {status}）：请检查 OPENAI_API_KEY",
                f"the endpoint refused the API key (HTTP {status}): check OPENAI_API_KEY",
            )
        if isinstance(exc, openai.NotFoundError):
            return LLMError(
                "not_found",
                f"端点上找不到模型“{self.settings.model}”或接口地址有误（HTTP 404）：请检查 ZIPING_MODEL 和 OPENAI_BASE_URL",
                f"model “{self.settings.model}” or the endpoint path not found (HTTP 404)",
            )
        if isinstance(exc, openai.BadRequestError):
            return LLMError("bad_request", f"端点拒绝了请求（HTTP 400）：{_brief(exc)}", f"HTTP 400: {_brief(exc)}")
        if isinstance(exc, openai.APITimeoutError):
            return LLMError("transport", "请求大模型端点超时（已重试）", "the endpoint timed out (after retries)")
        if isinstance(exc, openai.APIConnectionError):
            return LLMError(
                "transport", "无法连接大模型端点（已重试）", "cannot connect to the endpoint (after retries)"
            )
        if isinstance(exc, openai.APIStatusError):
            return LLMError(
                "transport",
                f"大模型端点出错（HTTP {status}，已重试）",
                f"the endpoint failed (HTTP {status}, after retries)",
            )
        return LLMError("transport", f"调用大模型失败：{type(exc).__name__}", f"LLM call failed: {type(exc).__name__}")


def _brief(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return str(message)[:200]
    return str(exc)[:200]
