"""`ziping llm ping`: one tiny structured call, to see that the endpoint, key, model and a mode work."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from ziping.llm.client import StructuredClient, Usage
from ziping.llm.schemas import Ping
from ziping.llm.settings import LLMSettings


@dataclass(slots=True)
class PingResult:
    mode: str
    seconds: float
    usage: Usage
    echo_ok: bool


def ping(settings: LLMSettings) -> PingResult:
    """Ask for {"ok": true, "echo": "自评"}; raises LLMError when the endpoint cannot give it."""

    async def run() -> PingResult:
        client = StructuredClient(settings)
        try:
            start = time.perf_counter()
            answer = await client.ask(
                [{"role": "user", "content": "这是连通性测试。请输出 JSON：ok 为 true，echo 为“自评”。"}], Ping, "ping"
            )
            return PingResult(answer.mode, time.perf_counter() - start, answer.usage, answer.value.echo == "自评")
        finally:
            await client.close()

    return asyncio.run(run())
