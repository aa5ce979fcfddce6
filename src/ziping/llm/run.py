"""LLM reviews for a batch: bounded concurrency, the cache, one message per run for configuration errors."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ziping.findings import Finding
from ziping.llm.cache import AnswerCache, cache_key
from ziping.llm.client import LLMError, StructuredClient
from ziping.llm.prompts import load_prompt
from ziping.llm.review import ground, render_facts, render_form
from ziping.llm.schemas import FormReview, strict_schema
from ziping.llm.settings import LLMSettings

if TYPE_CHECKING:
    from ziping.checks import FormResult

PROMPT = "review"
SYSTEM = "你是严谨的财政绩效评价审核专家。只输出 JSON。"


@dataclass(slots=True)
class LLMRun:
    """What the LLM layer did in one run, for the report's `llm` block."""

    status: str = "skipped"  # skipped | ok | partial | failed
    reason_zh: str = ""
    reason_en: str = ""
    model: str | None = None
    mode: str | None = None
    prompt_version: str | None = None
    forms: int = 0
    reviewed: int = 0
    cache_hits: int = 0
    calls: int = 0
    prompt_tokens: int | None = 0
    completion_tokens: int | None = 0
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0  # the whole review, wall clock
    call_seconds: list[float] = field(default_factory=list)  # each answered call, request to response

    def add_tokens(self, prompt: int | None, completion: int | None) -> None:
        self.prompt_tokens = None if prompt is None or self.prompt_tokens is None else self.prompt_tokens + prompt
        self.completion_tokens = (
            None if completion is None or self.completion_tokens is None else self.completion_tokens + completion
        )

    def as_json(self) -> dict[str, object]:
        calls = self.call_seconds
        return {
            "status": self.status,
            "reason": self.reason_zh or None,
            "model": self.model,
            "mode": self.mode,
            "prompt_version": self.prompt_version,
            "forms": self.forms,
            "reviewed": self.reviewed,
            "cache_hits": self.cache_hits,
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "findings_kept": self.kept,
            "findings_dropped": dict(self.dropped),
            "seconds": round(self.seconds, 3),
            "call_seconds_mean": round(sum(calls) / len(calls), 3) if calls else None,
            "call_seconds_max": round(max(calls), 3) if calls else None,
        }


def messages_for(result: FormResult) -> list[dict[str, str]]:
    """The conversation for one form."""
    prompt = load_prompt(PROMPT)
    body = prompt.render(
        form=render_form(result.form, result.figures),
        facts=render_facts(result.form, result.figures, result.findings),
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": body}]


async def review_forms(
    results: Sequence[FormResult],
    settings: LLMSettings,
    cache: AnswerCache | None,
    selected: frozenset[str] | None = None,
    on_done: Callable[[], None] | None = None,
    http_client: object = None,
) -> LLMRun:
    """Review every form; LLM findings are appended to each FormResult's findings."""
    started = time.perf_counter()
    prompt = load_prompt(PROMPT)
    run = LLMRun(status="ok", model=settings.model, prompt_version=prompt.version, forms=len(results))
    client = StructuredClient(settings, http_client=http_client)
    schema = strict_schema(FormReview)
    gate = asyncio.Semaphore(max(1, settings.concurrency))
    fatal: list[LLMError] = []

    async def one(result: FormResult) -> None:
        messages = messages_for(result)
        key = cache_key(
            model=settings.model, messages=messages, schema=schema, prompt=prompt.version, digest=prompt.digest,
            params={"temperature": 0, "max_tokens": settings.max_tokens},
        )  # fmt: skip
        hit = cache.get(key) if cache else None
        if hit is not None:
            review, prompt_tokens, completion_tokens = FormReview.model_validate(hit[0]), hit[1], hit[2]
            run.cache_hits += 1
            status = "cached"
        else:
            if fatal:
                result.llm_status = "failed"
                return
            async with gate:
                if fatal:
                    result.llm_status = "failed"
                    return
                try:
                    answer = await asyncio.wait_for(client.ask(messages, FormReview, "form_review"), settings.deadline)
                except LLMError as exc:
                    if exc.per_run:
                        fatal.append(exc)
                    result.llm_status = f"failed: {exc.kind}"
                    return
                except TimeoutError:
                    result.llm_status = "failed: deadline"
                    return
            review, usage = answer.value, answer.usage
            prompt_tokens, completion_tokens = usage.prompt_tokens, usage.completion_tokens
            run.calls += usage.calls
            run.call_seconds += usage.seconds
            run.mode = answer.mode
            status = "ok"
            if cache:
                cache.put(key, review.model_dump(), prompt_tokens, completion_tokens)
        run.add_tokens(prompt_tokens, completion_tokens)
        grounded = ground(review, result.form, result.findings, settings.model or "", prompt.version, selected)
        run.kept += len(grounded.kept)
        run.dropped.update(grounded.dropped)
        _merge(result, grounded.kept)
        run.reviewed += 1
        result.llm_status = status

    async def tracked(result: FormResult) -> None:
        try:
            await one(result)
        finally:
            if on_done:
                on_done()

    try:
        await asyncio.gather(*(tracked(r) for r in results))
    finally:
        await client.close()
    run.seconds = time.perf_counter() - started
    failed = [r.llm_status for r in results if r.llm_status.startswith("failed")]
    if fatal:
        run.status, run.reason_zh, run.reason_en = "failed", fatal[0].zh, fatal[0].en
    elif failed:
        run.status = "partial" if run.reviewed else "failed"
        run.reason_zh = f"{len(failed)} 张表的大模型检查失败（{failed[0]}），这些表只有确定性规则的结果"
        run.reason_en = f"LLM checks failed on {len(failed)} form(s) ({failed[0]}); they keep the rule findings only"
    return run


def _merge(result: FormResult, found: list[Finding]) -> None:
    result.findings.extend(found)
    result.findings.sort(key=lambda f: f.sort_key)
