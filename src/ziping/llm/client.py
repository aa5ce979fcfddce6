"""The model behind one narrow interface: ask for a pydantic model, get a validated answer or a typed error.

Every retry happens in one tenacity loop, each kind of failure with its own budget, so they never multiply
(at most 1 + transport_retries + reasks requests a form, plus one per mode the endpoint rejects):
- transport faults (a timeout, a refused or dropped connection, 408/409/429/5xx, an answer that is not a
  chat completion): retried up to `transport_retries` times with backoff and jitter, or after the server's
  Retry-After when it is within `retry_after_max`. The SDK's own retries are off: they could neither
  consult the run's circuit breaker nor give up on a Retry-After of 30 s;
- content faults (invalid JSON, schema violation, empty content): re-asked with the validation error, at
  most `reasks` times, after one extraction step (llm/unwrap.py) that finds the JSON in what models write;
- the per-form deadline bounds both, and every request is bounded in total time (`timeout`): httpx's read
  timeout is per read, which a server trickling one byte at a time never trips;
- a mode the endpoint rejects: the next mode, remembered for the rest of the run. Rejections come as a 400
  or 422 naming the mode, or as a 5xx naming response_format (llama-cpp-python's server answers 500 to
  json_schema); the last mode rejected is a configuration error;
- configuration faults (401, 403, 404, an exhausted quota) and other 400s: never retried, one typed error;
  all but the 400s open the run's circuit breaker (llm/breaker.py), so the remaining forms are skipped at once.
"""

from __future__ import annotations

import email.utils
import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from ziping.llm.breaker import CircuitBreaker
from ziping.llm.reasons import BreakerOpen, LLMError, Reason, redact
from ziping.llm.schemas import strict_schema
from ziping.llm.settings import LLMSettings
from ziping.llm.unwrap import answer_json
from ziping.llm.usage import Usage

__all__ = ["Answer", "BreakerOpen", "LLMError", "StructuredClient", "Usage"]

T = TypeVar("T", bound=BaseModel)
# How providers word "this structured-output mode is not supported" in a 400.
MODE_UNSUPPORTED = re.compile(
    r"response_format|json_schema|json_object|tool|function|not support|unsupported|unrecogni[sz]ed|invalid.*type",
    re.I,
)
# A 5xx is a mode rejection only when it names the request's response_format (a generic 500 is a fault).
MODE_UNSUPPORTED_5XX = re.compile(r"response_format|json_schema", re.I)
CONNECT_TIMEOUT = 10.0  # seconds to open a connection; a request's whole time is `timeout`
# Backoff between transport retries: 0.5 s doubling to at most 8 s, less up to 25% jitter (the SDK's curve).
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 8.0
GATEWAY_NO_ANSWER = (502, 504)  # a gateway saying the model behind it did not answer
# A 429 that is not a rate but an exhausted account (OpenAI's insufficient_quota, DashScope's Arrearage,
# 余额/额度 in Chinese providers' messages): waiting does not help, every request of the run would meet it.
QUOTA = re.compile(r"quota|arrearage|balance|余额|额度|欠费", re.I)
TAGS = re.compile(r"<[^>]*>")


class _ContentError(Exception):
    """An answer that is not the requested JSON; the loop re-asks."""

    def __init__(self, feedback: str, content: str):
        super().__init__(feedback)
        self.feedback = feedback
        self.content = content


class _TransportFault(Exception):
    """A request that may succeed when sent again; the loop retries it."""

    def __init__(self, code: str, retry_after: float | None = None, **params: Any):
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after
        self.params = params

    def reason(self, retries: int) -> Reason:
        params = dict(self.params)
        if self.code in ("throttled", "server_error"):
            params["retries"] = retries
        return Reason.of(self.code, **params)


@dataclass(slots=True)
class Answer(Generic[T]):
    value: T
    mode: str
    attempts: int  # questions asked: 1 + re-asks (transport retries resend the same question)
    usage: Usage = field(default_factory=Usage)


class StructuredClient:
    """Asks an OpenAI-compatible endpoint for answers that validate against a pydantic model."""

    def __init__(self, settings: LLMSettings, *, http_client: Any = None, breaker: CircuitBreaker | None = None):
        from openai import AsyncOpenAI, Timeout

        self.settings = settings
        self.breaker = breaker or CircuitBreaker(settings.retry_after_max, settings.breaker_failures)
        self._modes = list(settings.modes())
        key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"  # local servers take any
        self._secrets = (key,)
        self._openai = AsyncOpenAI(
            api_key=key,
            base_url=settings.endpoint(),
            timeout=Timeout(settings.timeout, connect=min(CONNECT_TIMEOUT, settings.timeout)),
            max_retries=0,  # retries are this module's loop (see the docstring)
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

    def redact(self, text: str) -> str:
        """What a server or an exception says, without the API key or any bearer token."""
        return redact(text, self._secrets)

    async def ask(
        self, messages: list[dict[str, str]], answer: type[T], name: str, usage: Usage | None = None
    ) -> Answer[T]:
        """One validated answer; raises LLMError (BreakerOpen when the run has stopped) when it cannot be had.

        `usage` collects every request and its tokens, those of a failed ask too."""
        from tenacity import AsyncRetrying, retry_if_exception_type, stop_any, stop_before_delay

        settings = self.settings
        usage = usage if usage is not None else Usage()
        started = time.monotonic()
        failures: Counter[str] = Counter()
        last: Reason | None = None  # why the latest attempt failed
        conversation = list(messages)

        def budget_spent(state: Any) -> bool:
            return spent(state.outcome.exception())

        def spent(exc: BaseException | None) -> bool:
            if isinstance(exc, _ContentError):
                return failures["content"] > settings.reasks
            return failures["transport"] > settings.transport_retries

        def wait(state: Any) -> float:
            exc = state.outcome.exception()
            if not isinstance(exc, _TransportFault):
                return 0.0  # a re-ask goes at once
            if exc.retry_after is not None:
                return exc.retry_after
            backoff = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (failures["transport"] - 1))
            return backoff * (1 - 0.25 * random.random())

        try:
            async for attempt in AsyncRetrying(
                stop=stop_any(budget_spent, stop_before_delay(settings.deadline)),
                wait=wait,
                retry=retry_if_exception_type((_ContentError, _TransportFault)),
                reraise=True,
            ):
                with attempt:
                    try:
                        await self.breaker.ready()
                    except BreakerOpen:
                        if last is None:
                            raise
                        # This form was answered and would be asked again: it failed for its own reason.
                        raise LLMError(last) from None
                    try:
                        value = await self._attempt(conversation, answer, name, usage, started)
                    except _ContentError as exc:
                        failures["content"] += 1
                        last = Reason.of("content", attempts=failures["content"], feedback=exc.feedback)
                        conversation = [*conversation, *self._reask(exc)]
                        raise
                    except _TransportFault as exc:
                        failures["transport"] += 1
                        last = exc.reason(failures["transport"] - 1)
                        raise
                    return Answer(value, self.mode, failures["content"] + 1, usage)
        except (_ContentError, _TransportFault) as exc:
            # The loop stopped at the failure's budget (the last failure says why) or at the deadline.
            raise LLMError(last if spent(exc) and last else Reason.of("deadline", seconds=settings.deadline)) from None
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
        self, conversation: list[dict[str, str]], answer: type[T], name: str, usage: Usage, started: float
    ) -> T:
        settings = self.settings
        while True:
            mode = self.mode
            left = settings.deadline - (time.monotonic() - started)
            if left <= 0:
                raise LLMError(Reason.of("deadline", seconds=settings.deadline))
            seconds = min(settings.timeout, left)
            request = self._request(conversation, answer, name, mode)
            usage.sent()
            start = time.perf_counter()
            try:
                response = await self.breaker.bounded(
                    lambda request=request: self._openai.chat.completions.create(**request), seconds
                )
            except BreakerOpen:
                raise
            except TimeoutError:
                raise self._unanswered("timeout", seconds=seconds) from None
            except Exception as exc:  # noqa: BLE001 -- mapped to a typed error below
                if self._mode_rejected(exc):
                    if mode != self.mode:
                        continue  # a concurrent request already moved on to the next mode
                    if len(self._modes) > 1:
                        self._modes.pop(0)  # remembered for the rest of the run
                        continue
                    raise self._stop(self._rejected(exc, mode)) from None
                raise self._typed(exc) from None
            message, finish = self._message(response)
            self.breaker.answered()
            content = self._content(message, mode)
            usage.answered(getattr(response, "usage", None), time.perf_counter() - start, request["messages"], content)
            return self._parse(message, finish, content, answer)

    def _request(self, conversation: list[dict[str, str]], answer: type[T], name: str, mode: str) -> dict[str, Any]:
        schema = strict_schema(answer)
        request: dict[str, Any] = {
            "model": self.settings.model or "default",
            "messages": conversation,
            "temperature": 0,
            "max_tokens": self.settings.max_tokens,
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

    def _rejected(self, exc: Exception, mode: str) -> Reason:
        """The endpoint refused the only mode left: a setting to change, for the whole run."""
        status = getattr(exc, "status_code", None)
        return Reason.of("mode_rejected", mode=mode, status=status, detail=self._brief(exc))

    def _stop(self, reason: Reason) -> LLMError:
        """A failure every request of the run would meet: open the breaker, fail this form."""
        self.breaker.open(reason)
        return LLMError(reason)

    def _unanswered(self, code: str, **params: Any) -> _TransportFault:
        fault = _TransportFault(code, **params)
        self.breaker.unanswered(fault.reason(0))
        return fault

    def _message(self, response: Any) -> tuple[Any, str | None]:
        """The first choice's message and finish reason; anything that is not a chat completion is a fault."""
        choices = None if isinstance(response, str | bytes | list | dict) else getattr(response, "choices", None)
        if isinstance(choices, list) and not choices:
            raise _ContentError("回答中没有内容", "")
        message = getattr(choices[0], "message", None) if isinstance(choices, list) else None
        if message is None:
            kind, snippet = _describe(response)
            raise self._unanswered("not_completion", what=Reason.of(f"answer_{kind}"), detail=self.redact(snippet))
        return message, getattr(choices[0], "finish_reason", None)

    def _content(self, message: Any, mode: str) -> str:
        """The answer's text: a tool call's arguments, else content, else the reasoning when content is empty."""
        if mode == "tools":
            calls = getattr(message, "tool_calls", None) or []
            if calls:
                return calls[0].function.arguments or ""
        content = message.content or ""
        if not answer_json(content):
            content = getattr(message, "reasoning_content", None) or content
        return content

    def _parse(self, message: Any, finish: str | None, content: str, answer: type[T]) -> T:
        if finish == "length":
            raise LLMError(Reason.of("truncated", max_tokens=self.settings.max_tokens))
        if finish in ("content_filter", "sensitive") or getattr(message, "refusal", None):
            raise LLMError(Reason.of("refusal"))
        text = answer_json(content)
        if not text:
            raise _ContentError("回答为空", content)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _ContentError(f"不是有效的 JSON（{exc.msg}，第{exc.pos}个字符）", content) from None
        try:
            return answer.model_validate(data)
        except ValidationError as exc:
            problems = "；".join(f"{'.'.join(map(str, e['loc'])) or '根'}：{e['msg']}" for e in exc.errors()[:5])
            raise _ContentError(f"不符合 JSON Schema（{problems}）", content) from None

    def _typed(self, exc: Exception) -> Exception:
        """A request's exception as a retryable fault or a final typed error."""
        import openai

        if isinstance(exc, openai.APITimeoutError):
            return self._unanswered("timeout", seconds=self.settings.timeout)
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__ or exc
            return self._unanswered("connection", detail=type(cause).__name__)
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            if status in (401, 403):
                return self._stop(Reason.of("auth", status=status))
            if status == 404:
                return self._stop(Reason.of("not_found", model=self.settings.model))
            if status == 402 or (status == 429 and QUOTA.search(self._brief(exc))):
                return self._stop(Reason.of("quota", status=status, detail=self._brief(exc)))
            if status in (408, 409, 429) or status >= 500:
                return self._retryable_status(status, retry_after(exc.response.headers))
            return LLMError(Reason.of("bad_request", status=status, detail=self._brief(exc)))
        if isinstance(exc, ValueError):  # a JSON content type whose body is not JSON
            return self._unanswered("not_completion", what=Reason.of("answer_text"), detail="")
        return exc  # a defect of ours: the form records it as an internal error

    def _retryable_status(self, status: int, wait: float | None) -> Exception:
        stopped = self.breaker.retry_after(status, wait) if wait is not None else None
        if stopped is not None:
            return LLMError(stopped)
        if status in GATEWAY_NO_ANSWER:
            fault = self._unanswered("server_error", status=status)
            fault.retry_after = wait
            return fault
        return _TransportFault("throttled" if status == 429 else "server_error", wait, status=status)

    def _brief(self, exc: Exception) -> str:
        """What the server said, short, with the API key and any bearer token scrubbed."""
        body = getattr(exc, "body", None)
        text = str(exc)
        if isinstance(body, dict):
            error = body.get("error")
            message = body.get("message") or (error.get("message") if isinstance(error, dict) else None)
            if message:
                text = str(message)
        return self.redact(text)[:200]


def retry_after(headers: Any) -> float | None:
    """Seconds a response asks to wait (retry-after-ms, retry-after in seconds or as an HTTP date), or None."""
    for header, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        value = headers.get(header) if headers is not None else None
        if value is None:
            continue
        try:
            return max(0.0, float(value) / divisor)
        except ValueError:
            pass
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError, OverflowError):
            continue
    return None


def _describe(response: Any) -> tuple[str, str]:
    """What an answer that is not a chat completion was: html, text or json, with its first words."""
    if isinstance(response, bytes):
        response = response.decode("utf-8", "replace")
    if isinstance(response, str):
        kind = "html" if response.lstrip().startswith("<") else "text"
        words = " ".join(TAGS.sub(" ", response).split())
        return kind, words[:80]
    try:
        shown = json.dumps(response if isinstance(response, list | dict) else response.model_dump(exclude_none=True))
    except Exception:  # noqa: BLE001 -- only a description
        shown = type(response).__name__
    return "json", shown[:80]
