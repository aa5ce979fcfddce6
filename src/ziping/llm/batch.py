"""Running the LLM reviews for a command: settings from every layer, one session for the whole run, progress.

A command makes one `Reviewer` and calls it once (`check`), once per file (`check --format html`) or once
per chunk (`triage`, whose worker processes only run the rules): every call goes through the same
`ReviewSession` on the same event loop, so the circuit breaker, the mode the endpoint accepts and the
bound on requests in flight hold for the whole run.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ziping.llm.settings import ConfigFileError, LLMSettings

if TYPE_CHECKING:
    from ziping.checks import FileResult
    from ziping.llm.reasons import Reason
    from ziping.llm.run import LLMRun, ReviewSession


class LLMSetupError(ValueError):
    """The LLM checks were asked for but cannot run; the message (Chinese) says what to set."""


def load_settings(**flags: Any) -> LLMSettings:
    """Settings from flags > environment > ziping.toml > [tool.ziping]; flags left as None do not count."""
    try:
        return LLMSettings(**{key: value for key, value in flags.items() if value is not None})
    except ConfigFileError as exc:
        raise LLMSetupError(str(exc)) from None
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors())
        raise LLMSetupError(f"大模型设置有误：{problems}") from None


def check_ready(settings: LLMSettings) -> None:
    """Refuse to start without an endpoint and a model, before any form is read."""
    missing = []
    if not settings.endpoint():
        missing.append("端点地址（OPENAI_BASE_URL、--base-url 或 --preset）")
    if not settings.model:
        missing.append("模型名称（ZIPING_MODEL 或 --model）")
    if missing:
        raise LLMSetupError("已要求大模型检查，但缺少" + "、".join(missing))


class Reviewer:
    """Reviews checked files in place, one call at a time, all calls in one session (see the module doc)."""

    def __init__(
        self,
        settings: LLMSettings,
        selected: frozenset[str] | None = None,
        use_cache: bool = True,
        show_progress: bool = True,
        http_client: object = None,
    ):
        self.settings = settings
        self.selected = selected
        self.use_cache = use_cache
        self.show_progress = show_progress
        self._http_client = http_client
        self._runner: asyncio.Runner | None = None
        self._session: ReviewSession | None = None

    def _start(self) -> ReviewSession:
        if self._session is None:
            from ziping.llm.cache import AnswerCache
            from ziping.llm.run import ReviewSession

            self._runner = asyncio.Runner()
            cache = AnswerCache() if self.use_cache else None
            self._session = ReviewSession(self.settings, cache, self.selected, self._http_client)
        return self._session

    @property
    def total(self) -> LLMRun:
        """What every call so far did together."""
        from ziping.llm.run import LLMRun

        return self._session.total if self._session is not None else LLMRun(model=self.settings.model)

    def __call__(self, results: Iterable[FileResult]) -> LLMRun:
        """Review every form of the results in place; what this call did."""
        session = self._start()
        assert self._runner is not None
        forms = [form for result in results for form in result.forms]
        if not (self.show_progress and sys.stderr.isatty() and forms):
            return self._runner.run(session.review(forms))
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        progress = Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            transient=True,
        )  # fmt: skip
        with progress:
            task = progress.add_task("大模型检查", total=len(forms))
            return self._runner.run(session.review(forms, lambda: progress.advance(task)))

    def stop(self, reason: Reason) -> None:
        """Stop the run between calls: later calls mark their forms skipped for this reason, sending nothing."""
        if self._session is not None:
            self._session.stop(reason)

    def close(self) -> None:
        """Close the endpoint's connections, the cache and the event loop."""
        if self._session is None or self._runner is None:
            return
        try:
            self._runner.run(self._session.close())
        finally:
            if self._session.cache is not None:
                self._session.cache.close()
            self._runner.close()
            self._session = self._runner = None
