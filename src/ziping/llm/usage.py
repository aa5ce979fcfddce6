"""What requests cost: every request counted, tokens as the server reports them or estimated and marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def tokens_of(text: str) -> int:
    """Estimated tokens of a text: a CJK character counts as one token and four other characters as one,
    which errs on the high side for the Chinese tokenizers of DeepSeek, Qwen and GLM."""
    cjk = sum(1 for ch in text if ch >= "\u2e80")
    return cjk + (len(text) - cjk + 3) // 4


@dataclass(slots=True)
class Usage:
    """Requests and tokens; `estimated` when some answer's tokens were not reported by the server."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False
    calls: int = 0  # every request sent, answered or not
    seconds: list[float] = field(default_factory=list)  # each answered request, request to response

    def sent(self) -> None:
        self.calls += 1

    def answered(self, reported: Any, seconds: float, messages: list[dict[str, Any]], completion: str) -> None:
        """An answer came back; its tokens as reported, else estimated from the texts sent and received."""
        self.seconds.append(seconds)
        prompt_tokens = getattr(reported, "prompt_tokens", None) if reported is not None else None
        completion_tokens = getattr(reported, "completion_tokens", None) if reported is not None else None
        if not isinstance(prompt_tokens, int) or not isinstance(completion_tokens, int):
            prompt = "".join(str(message.get("content") or "") for message in messages)
            prompt_tokens, completion_tokens = tokens_of(prompt), tokens_of(completion)
            self.estimated = True
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.estimated = self.estimated or other.estimated
        self.calls += other.calls
        self.seconds += other.seconds
