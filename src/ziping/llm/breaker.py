"""The run's circuit breaker: once the endpoint has shown it will not serve this run, stop asking it.

One breaker belongs to one client, and one client serves a whole run (every form of `check`, every
chunk and worker of `triage`, every request of a web session). It opens on
- a configuration the endpoint refuses (401/403/404, an exhausted quota, the only structured-output mode
  rejected),
- a Retry-After longer than `retry_after_max` (waiting would hold the whole run),
- `failures` requests in a row that got no answer (timeouts, refused or dropped connections, gateway
  errors, pages that are not chat completions) with no answer in between.
Once open, requests in flight are cancelled and every form not yet reviewed is skipped for the reason
that opened it, at once. A shorter Retry-After pauses every request of the run, not only the one
that received it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ziping.llm.reasons import BreakerOpen, Reason

R = TypeVar("R")


class CircuitBreaker:
    """Shared by every request of a run; lives on one event loop."""

    def __init__(self, retry_after_max: float = 10.0, failures: int = 3):
        self.retry_after_max = retry_after_max
        self.failures = max(1, failures)
        self.reason: Reason | None = None
        self._unanswered = 0
        self._resume_at = 0.0
        self._opened: asyncio.Future[None] | None = None

    @property
    def is_open(self) -> bool:
        return self.reason is not None

    def open(self, reason: Reason) -> None:
        """Stop the run's requests for this reason (the first reason stays)."""
        if self.reason is None:
            self.reason = reason
            if self._opened is not None and not self._opened.done():
                self._opened.set_result(None)

    def answered(self) -> None:
        """An answer came back: the endpoint is alive."""
        self._unanswered = 0

    def unanswered(self, reason: Reason) -> None:
        """A request got no answer; enough of them in a row open the breaker."""
        self._unanswered += 1
        if self._unanswered >= self.failures:
            self.open(Reason.of("unanswered", count=self._unanswered, last=reason))

    def retry_after(self, status: int, seconds: float) -> Reason | None:
        """A server asked to wait: over the bound the run stops (the reason is returned), within it every
        request of the run waits."""
        if seconds > self.retry_after_max:
            reason = Reason.of("rate_limited", status=status, retry_after=seconds, bound=self.retry_after_max)
            self.open(reason)
            return reason
        self._resume_at = max(self._resume_at, time.monotonic() + seconds)
        return None

    def _signal(self) -> asyncio.Future[None]:
        if self._opened is None:
            self._opened = asyncio.get_running_loop().create_future()
            if self.reason is not None:
                self._opened.set_result(None)
        return self._opened

    def check(self) -> None:
        """Raise BreakerOpen when the breaker is open."""
        if self.reason is not None:
            raise BreakerOpen(self.reason)

    async def ready(self) -> None:
        """Return when a request may be sent: not before a pause ends; raise BreakerOpen once open."""
        while True:
            self.check()
            delay = self._resume_at - time.monotonic()
            if delay <= 0:
                return
            await asyncio.wait({self._signal()}, timeout=delay)

    async def bounded(self, request: Callable[[], Awaitable[R]], seconds: float) -> R:
        """The request's result within `seconds` in total (TimeoutError after), cancelled when the breaker opens."""
        self.check()
        task = asyncio.ensure_future(request())
        try:
            done, _ = await asyncio.wait({task, self._signal()}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not task.done():
                task.cancel()
        if task in done:
            return task.result()
        await asyncio.wait({task})  # let the cancelled request close its connection
        self.check()
        raise TimeoutError
