"""Answers as models actually write them: the JSON inside a reasoning prefix, a fence, or prose.

One step before validation. Reasoning models served with the newer chat templates start their content
with the reasoning and `</think>`, often without the opening tag; chat models put the JSON in a
```json fence with a sentence before it, or add a sentence after it. Only when no JSON value can be
found this way does the answer go back to the model (with the validation error).
"""

from __future__ import annotations

import json
import re

THINK_END = "</think>"
FENCE = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.S)
MAX_STARTS = 64  # candidate openings tried in prose before giving up (an answer is short; prose is not JSON)
_DECODER = json.JSONDecoder()


def answer_json(content: str) -> str:
    """The JSON text of an answer, or the answer stripped when none can be found (validation says why)."""
    end = content.find(THINK_END)
    text = (content[end + len(THINK_END) :] if end >= 0 else content).strip()
    if not text:
        return ""
    value = _first_value(text, at_start_only=True)
    if value is not None:
        return value
    for fenced in FENCE.findall(text):
        fenced = fenced.strip()
        if _first_value(fenced, at_start_only=True) is not None:
            return fenced
    return _first_value(text) or text


def _first_value(text: str, at_start_only: bool = False) -> str | None:
    """The first complete JSON object or array in the text (prose after it is ignored)."""
    starts = [0] if at_start_only else [m.start() for m in re.finditer(r"[{\[]", text)][:MAX_STARTS]
    for start in starts:
        if start >= len(text) or text[start] not in "{[":
            continue
        try:
            _, end = _DECODER.raw_decode(text, start)
        except ValueError:
            continue
        return text[start:end]
    return None
