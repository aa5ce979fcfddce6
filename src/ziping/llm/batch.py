"""Running the LLM reviews for a command: settings from every layer, the cache, progress on a terminal."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ziping.llm.settings import ConfigFileError, LLMSettings

if TYPE_CHECKING:
    from ziping.checks import FileResult
    from ziping.llm.run import LLMRun


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


def review(
    results: Iterable[FileResult],
    settings: LLMSettings,
    selected: frozenset[str],
    use_cache: bool,
    show_progress: bool = True,
) -> LLMRun:
    """Review every form of the results in place; returns what the run did."""
    from ziping.llm.cache import AnswerCache
    from ziping.llm.run import review_forms

    forms = [form for result in results for form in result.forms]
    cache = AnswerCache() if use_cache else None
    progress = None
    if show_progress and sys.stderr.isatty() and forms:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        progress = Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            transient=True,
        )  # fmt: skip
    try:
        if progress is None:
            return asyncio.run(review_forms(forms, settings, cache, selected))
        with progress:
            task = progress.add_task("大模型检查", total=len(forms))
            return asyncio.run(review_forms(forms, settings, cache, selected, lambda: progress.advance(task)))
    finally:
        if cache:
            cache.close()
