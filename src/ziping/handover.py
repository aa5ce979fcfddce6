"""Items handed over one at a time: a reader's forms, a checked file's results."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Handover(Generic[T]):
    """Items a producer hands over as they are asked for: `stream()` takes them one at a time and keeps none
    (how a file of thousands of forms is read, checked and written), `all()` takes the rest and keeps them.
    Items streamed are gone: they can be streamed once."""

    __slots__ = ("_kept", "_pending")

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._kept: list[T] | None = items if isinstance(items, list) else None
        self._pending: Iterator[T] | None = None if isinstance(items, list) else iter(items)

    def all(self) -> list[T]:
        """Every item (those not yet produced are produced now)."""
        if self._kept is None:
            self._kept = []
            self._kept.extend(self._take())
        return self._kept

    def stream(self) -> Iterator[T]:
        """The items one at a time, none kept once handed over."""
        return iter(self._kept) if self._kept is not None else self._take()

    def _take(self) -> Iterator[T]:
        pending, self._pending = self._pending, None
        if pending is None:
            raise RuntimeError("these items were streamed already")
        return pending
