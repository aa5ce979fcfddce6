"""Why an LLM review did not happen, in words: one catalog in Chinese and English, secrets scrubbed.

A reason is a code with parameters, rendered per language where it is shown (a form's `llm_status`,
the run's summary line, a stored triage row). Everything a server said passes through `redact`
before it becomes a parameter, so an API key an endpoint echoes back is never shown, logged or stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Wording:
    """One reason in words: what happened (parameters from the failure) and what to do, per language."""

    zh: str
    en: str
    hint_zh: str = ""
    hint_en: str = ""


W = Wording
CATALOG: dict[str, Wording] = {
    "auth": W("端点拒绝了 API 密钥（HTTP {status}）", "the endpoint refused the API key (HTTP {status})",
              "请检查 OPENAI_API_KEY", "check OPENAI_API_KEY"),
    "quota": W("端点的额度或余额不足（HTTP {status}）：{detail}",
               "the endpoint's quota or balance is used up (HTTP {status}): {detail}",
               "请检查账户的余额或额度后重新运行", "check the account's balance or quota, then run again"),
    "not_found": W("端点上找不到模型“{model}”或接口地址有误（HTTP 404）",
                   "model “{model}” or the endpoint path not found (HTTP 404)",
                   "请检查 ZIPING_MODEL（--model）和 OPENAI_BASE_URL", "check ZIPING_MODEL (--model) and OPENAI_BASE_URL"),
    "bad_request": W("端点拒绝了请求（HTTP {status}）：{detail}", "the endpoint refused the request (HTTP {status}): {detail}"),
    "mode_rejected": W("端点不接受结构化输出方式 {mode}（HTTP {status}）：{detail}",
                       "the endpoint does not accept the {mode} mode (HTTP {status}): {detail}",
                       "请用 --preset 或 --mode 选择端点支持的方式", "choose a mode the endpoint accepts with --preset or --mode"),
    "rate_limited": W("HTTP {status}，端点要求 {retry_after:g} 秒后重试（超过等待上限 {bound:g} 秒）",
                      "HTTP {status} with Retry-After {retry_after:g} s (over the {bound:g} s bound)",
                      "请稍后重新运行，或用 --concurrency 减少同时进行的请求",
                      "run again later, or send fewer requests at once with --concurrency"),
    "throttled": W("HTTP {status} 限流（已重试 {retries} 次）", "HTTP {status} rate limit (after {retries} retries)",
                   "请用 --concurrency 减少同时进行的请求", "send fewer requests at once with --concurrency"),
    "server_error": W("大模型端点出错（HTTP {status}，已重试 {retries} 次）",
                      "the endpoint failed (HTTP {status}, after {retries} retries)", "请稍后重新运行", "run again later"),
    "timeout": W("请求 {seconds:g} 秒内没有完成（超时）", "timed out after {seconds:g} s",
                 "请确认端点在运行；回答较慢的端点可用 ZIPING_TIMEOUT 调高单次请求时限",
                 "check that the endpoint is up; raise ZIPING_TIMEOUT for a slow one"),
    "connection": W("无法连接大模型端点（{detail}）", "cannot connect to the endpoint ({detail})",
                    "请检查 OPENAI_BASE_URL 和网络", "check OPENAI_BASE_URL and the network"),
    "not_completion": W("端点返回的不是聊天补全（{what}）：{detail}",
                        "the endpoint answered with {what}, not a chat completion: {detail}",
                        "请检查 OPENAI_BASE_URL 是否指向 OpenAI 兼容接口（通常以 /v1 结尾）",
                        "check that OPENAI_BASE_URL points at an OpenAI-compatible API (usually ending in /v1)"),
    # The breaker's reason; its hint is that of the last failure when it has one.
    "unanswered": W("连续 {count} 次请求未得到模型的回答（最后一次：{last}）",
                    "{count} requests in a row got no answer from the model (last: {last})",
                    "请确认端点在运行、地址正确", "check that the endpoint is up and its address right"),
    "content": W("模型连续 {attempts} 次未给出符合格式的回答（最后一次：{feedback}）",
                 "no valid answer after {attempts} attempts (last: {feedback})"),
    "refusal": W("模型拒绝回答或内容被过滤", "the model refused or the content was filtered"),
    "truncated": W("回答在 max_tokens={max_tokens} 处被截断：请用 --max-tokens 调高",
                   "truncated at max_tokens {max_tokens}: raise --max-tokens"),
    "deadline": W("超过单张表的时限 {seconds:g} 秒", "over the {seconds:g} s deadline for one form",
                  "可用 ZIPING_DEADLINE 调高单张表的时限", "raise ZIPING_DEADLINE"),
    "interrupted": W("运行被中断", "the run was interrupted"),
    "internal": W("内部错误（{kind}：{detail}）", "internal error ({kind}: {detail})"),
    # What an answer that is not a chat completion was (the `what` of not_completion).
    "answer_html": W("HTML 页面", "an HTML page"),
    "answer_text": W("文本", "plain text"),
    "answer_json": W("其他 JSON", "other JSON"),
}  # fmt: skip

BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with every secret and every `Bearer …` value replaced by ***."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return BEARER.sub(r"\1 ***", text)


@dataclass(frozen=True, slots=True)
class Reason:
    """A code from CATALOG and its parameters (a parameter may itself be a Reason, rendered in the same language)."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, code: str, **params: Any) -> Reason:
        if code not in CATALOG:
            raise KeyError(code)
        return cls(code, tuple(params.items()))

    def text(self, lang: str = "zh") -> str:
        values = {key: value.text(lang) if isinstance(value, Reason) else value for key, value in self.params}
        wording = CATALOG[self.code]
        return (wording.en if lang == "en" else wording.zh).format(**values)

    def hint(self, lang: str = "zh") -> str:
        last = dict(self.params).get("last")
        if isinstance(last, Reason) and last.hint(lang):
            return last.hint(lang)  # what to do about the failures that opened the breaker
        wording = CATALOG[self.code]
        return wording.hint_en if lang == "en" else wording.hint_zh

    def covers(self, other: Reason) -> bool:
        """Whether this reason already says what `other` says (itself, or the failure it names)."""
        return other == self or other in dict(self.params).values()

    def explained(self, lang: str = "zh") -> str:
        """What happened and what to do, in one line."""
        hint = self.hint(lang)
        sep = "；" if lang == "zh" else "; "
        return self.text(lang) + (sep + hint if hint else "")


class LLMError(Exception):
    """A failure the run reports in words, never carrying the API key."""

    def __init__(self, reason: Reason):
        super().__init__(reason.text("en"))
        self.reason = reason

    @property
    def kind(self) -> str:
        return self.reason.code

    @property
    def zh(self) -> str:
        return self.reason.explained("zh")

    @property
    def en(self) -> str:
        return self.reason.explained("en")


class BreakerOpen(LLMError):
    """The run's circuit breaker is open: this form is skipped for the reason that opened it."""


def status_text(state: str, reason: Reason | None, lang: str = "zh") -> str:
    """A form's LLM status as reports show it: `ok`, `cached`, `skipped`, or `failed: <why>` / `skipped: <why>`."""
    return f"{state}: {reason.text(lang)}" if reason is not None else state
