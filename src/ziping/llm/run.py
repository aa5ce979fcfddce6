"""LLM reviews of many forms: one session per run, with one client (its circuit breaker and the mode the
endpoint accepts), one bound on requests in flight, the cache, and the run's totals and reasons.

`ReviewSession` is the library object every caller shares: `check` and `triage` through
`ziping.llm.batch.Reviewer`, a web app directly on its own event loop. Whatever happens to one form's
review, its rule findings stay and its `llm_status` says what happened and why.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ziping.findings import Finding
from ziping.llm.breaker import CircuitBreaker
from ziping.llm.cache import AnswerCache, cache_key
from ziping.llm.client import StructuredClient
from ziping.llm.prompts import load_prompt
from ziping.llm.reasons import BreakerOpen, LLMError, Reason
from ziping.llm.review import FormBlock, form_block, ground, render_facts
from ziping.llm.schemas import FormReview, strict_schema
from ziping.llm.settings import LLMSettings
from ziping.llm.usage import Usage

if TYPE_CHECKING:
    from ziping.checks import FormResult

PROMPT = "review"
SYSTEM = "你是严谨的财政绩效评价审核专家。只输出 JSON。"
DONE = ("ok", "cached")  # the form states of a review that happened; failed and skipped ones are retried later


@dataclass(slots=True)
class LLMRun:
    """What the LLM layer did in one run (or one call of a session), for the report's `llm` block."""

    status: str = "skipped"  # skipped | ok | partial | failed
    model: str | None = None
    mode: str | None = None
    prompt_version: str | None = None
    forms: int = 0
    reviewed: int = 0  # ok or from the cache
    cache_hits: int = 0
    failed: int = 0
    skipped: int = 0  # not sent: the run's circuit breaker was open
    usage: Usage = field(default_factory=Usage)
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0  # wall clock
    stopped: Reason | None = None  # what opened the circuit breaker
    failures: Counter[Reason] = field(default_factory=Counter)  # why forms failed

    @property
    def calls(self) -> int:
        return self.usage.calls

    @property
    def call_seconds(self) -> list[float]:
        return self.usage.seconds

    @property
    def incomplete(self) -> int:
        """Forms whose review did not happen (failed or skipped)."""
        return self.failed + self.skipped

    def settle(self) -> None:
        """The run's status from its counts."""
        if not self.incomplete:
            self.status = "ok"
        else:
            self.status = "partial" if self.reviewed else "failed"

    def reason(self, lang: str = "zh") -> str:
        """Why the run is not complete and what to do, in one line; empty when it is."""
        en = lang == "en"
        parts = []
        if self.stopped is not None:
            parts.append(
                f"stopped: {self.stopped.explained('en')}" if en else f"已停止：{self.stopped.explained('zh')}"
            )
            if self.skipped:
                parts.append(f"{self.skipped} form(s) not reviewed" if en else f"{self.skipped} 张表未检查")
        if self.failures:
            common, _ = self.failures.most_common(1)[0]
            if self.stopped is None or not self.stopped.covers(common):
                parts.append(
                    f"{self.failed} form(s) failed ({common.explained('en')})"
                    if en
                    else f"{self.failed} 张表的大模型检查失败（{common.explained('zh')}）"
                )
        if parts:
            parts.append(
                "they keep the rule findings only; a re-run retries them"
                if en
                else "这些表只有确定性规则的结果，重新运行时会再试"
            )
        return ("; " if en else "；").join(parts)

    @property
    def reason_zh(self) -> str:
        return self.reason("zh")

    @property
    def reason_en(self) -> str:
        return self.reason("en")

    def _reason_code(self) -> str | None:
        if self.stopped is not None:
            return self.stopped.code
        return self.failures.most_common(1)[0][0].code if self.failures else None

    def merge(self, other: LLMRun) -> None:
        """Add another call's counts (a session's total over its calls)."""
        self.forms += other.forms
        self.reviewed += other.reviewed
        self.cache_hits += other.cache_hits
        self.failed += other.failed
        self.skipped += other.skipped
        self.usage.add(other.usage)
        self.kept += other.kept
        self.dropped.update(other.dropped)
        self.seconds += other.seconds
        self.failures.update(other.failures)
        self.mode = other.mode or self.mode
        self.stopped = self.stopped or other.stopped
        self.settle()

    def as_json(self, lang: str = "zh") -> dict[str, object]:
        calls = self.call_seconds
        return {
            "status": self.status,
            "reason": self.reason(lang) or None,
            "reason_code": self._reason_code(),
            "model": self.model,
            "mode": self.mode,
            "prompt_version": self.prompt_version,
            "forms": self.forms,
            "reviewed": self.reviewed,
            "cache_hits": self.cache_hits,
            "failed": self.failed,
            "skipped": self.skipped,
            "calls": self.calls,
            "prompt_tokens": self.usage.prompt_tokens,
            "completion_tokens": self.usage.completion_tokens,
            "tokens_estimated": self.usage.estimated,
            "findings_kept": self.kept,
            "findings_dropped": dict(self.dropped),
            "seconds": round(self.seconds, 3),
            "call_seconds_mean": round(sum(calls) / len(calls), 3) if calls else None,
            "call_seconds_max": round(max(calls), 3) if calls else None,
        }


def messages_for(result: FormResult) -> tuple[list[dict[str, str]], FormBlock]:
    """The conversation for one form, and the form's text exactly as sent (what quotes are checked against)."""
    prompt = load_prompt(PROMPT)
    sent = form_block(result.form)
    facts = render_facts(result.form, result.figures, result.findings)
    body = prompt.render(form=sent.text, boundary=sent.boundary, facts=facts)
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": body}], sent


class ReviewSession:
    """Reviews forms for one run; lives on one event loop. Every call shares the breaker, the mode learnt,
    the bound on requests in flight and the totals (`total`)."""

    def __init__(
        self,
        settings: LLMSettings,
        cache: AnswerCache | None = None,
        selected: frozenset[str] | None = None,
        http_client: object = None,
    ):
        self.settings = settings
        self.cache = cache
        self.selected = selected
        self.client = StructuredClient(settings, http_client=http_client)
        self.prompt = load_prompt(PROMPT)
        self._gate = asyncio.Semaphore(settings.concurrency)
        self._schema = strict_schema(FormReview)
        self.total = self._new_run()

    @property
    def breaker(self) -> CircuitBreaker:
        return self.client.breaker

    def _new_run(self) -> LLMRun:
        return LLMRun(model=self.settings.model, prompt_version=self.prompt.version)

    def stop(self, reason: Reason) -> None:
        """Stop the run: requests in flight are cancelled, forms not yet reviewed are skipped."""
        self.breaker.open(reason)

    async def close(self) -> None:
        await self.client.close()

    async def review(self, results: Sequence[FormResult], on_done: Callable[[], None] | None = None) -> LLMRun:
        """Review the forms (LLM findings are added to each FormResult); what this call did."""
        started = time.perf_counter()
        run = self._new_run()
        run.forms = len(results)

        async def tracked(result: FormResult) -> None:
            try:
                await self._one(result, run)
            finally:
                if on_done:
                    on_done()

        await asyncio.gather(*(tracked(r) for r in results))
        run.seconds = time.perf_counter() - started
        run.stopped = self.breaker.reason if run.incomplete else None
        run.settle()
        self.total.merge(run)
        return run

    async def _one(self, result: FormResult, run: LLMRun) -> None:
        usage = Usage()
        reason: Reason | None = None
        try:
            state = await self._review(result, run, usage)
        except BreakerOpen as exc:
            state, reason = "skipped", exc.reason
        except LLMError as exc:
            state, reason = "failed", exc.reason
        except Exception as exc:  # noqa: BLE001 -- a defect must cost one form its review, never the report
            detail = self.client.redact(str(exc))[:200]
            state, reason = "failed", Reason.of("internal", kind=type(exc).__name__, detail=detail)
        run.usage.add(usage)
        result.llm_status, result.llm_reason = state, reason
        if state == "failed":
            run.failed += 1
            run.failures[reason] += 1
        elif state == "skipped":
            run.skipped += 1
        else:
            run.reviewed += 1
            run.cache_hits += state == "cached"

    async def _review(self, result: FormResult, run: LLMRun, usage: Usage) -> str:
        """ok or cached, with the form's LLM findings added; raises what stopped it."""
        settings = self.settings
        messages, sent = messages_for(result)
        key = cache_key(
            model=settings.model, messages=messages, schema=self._schema, prompt=self.prompt.version,
            digest=self.prompt.digest, params={"temperature": 0, "max_tokens": settings.max_tokens},
        )  # fmt: skip
        hit = self.cache.get(key) if self.cache else None
        if hit is not None:
            review, state = FormReview.model_validate(hit[0]), "cached"
        else:
            self.breaker.check()
            async with self._gate:
                answer = await self.client.ask(messages, FormReview, "form_review", usage)
            review, state = answer.value, "ok"
            run.mode = answer.mode
            if self.cache:
                self.cache.put(key, review.model_dump(), usage.prompt_tokens, usage.completion_tokens)
        model = settings.model or ""
        grounded = ground(review, result.form, sent, result.findings, model, self.prompt.version, self.selected)
        run.kept += len(grounded.kept)
        run.dropped.update(grounded.dropped)
        _merge(result, grounded.kept)
        return state


async def review_forms(
    results: Sequence[FormResult],
    settings: LLMSettings,
    cache: AnswerCache | None,
    selected: frozenset[str] | None = None,
    on_done: Callable[[], None] | None = None,
    http_client: object = None,
) -> LLMRun:
    """Review every form in one session of its own (LLM findings are appended to each FormResult's findings)."""
    session = ReviewSession(settings, cache, selected, http_client)
    try:
        return await session.review(results, on_done)
    finally:
        await session.close()


def _merge(result: FormResult, found: list[Finding]) -> None:
    result.findings.extend(found)
    result.findings.sort(key=lambda f: f.sort_key)
