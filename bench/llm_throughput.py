"""LLM reviews against a local fake endpoint with a fixed latency: is concurrency used, what do forms cost?

Usage: python bench/llm_throughput.py [--forms 200] [--concurrency 16] [--latency 0.2]
The endpoint is tests/fake_openai.py on 127.0.0.1 (no network); each form is one call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def serve(latency: float, chars: int, url_queue) -> None:
    """The fake endpoint, answering every form with no findings after `latency` seconds."""
    from tests.fake_openai import FakeOpenAI, Step

    server = FakeOpenAI(latency=latency).start()
    server.script = [Step(content=json.dumps({"findings": []}), usage=(chars, 12))]
    url_queue.put(server.url)
    while True:
        time.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--forms", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    from ziping.checks import Checker
    from ziping.llm.run import messages_for, review_forms
    from ziping.llm.settings import LLMSettings

    seed = Checker.create().check_file(ROOT / "fixtures" / "longgang-2023-selfeval.txt").forms
    forms = [Checker.create().check_form(seed[k % 3].form) for k in range(args.forms)]
    # What the prompt really costs: characters sent per form (a token is about 1–1.5 Chinese characters).
    messages, _ = messages_for(forms[0])
    chars = sum(len(m["content"]) for m in messages)
    # The endpoint runs in its own process, as a real one would: it must not share the client's GIL.
    url_queue: multiprocessing.Queue = multiprocessing.Queue()
    endpoint = multiprocessing.Process(target=serve, args=(args.latency, chars, url_queue), daemon=True)
    endpoint.start()
    url = url_queue.get(timeout=30)
    settings = LLMSettings(base_url=url, api_key="bench", model="fake", concurrency=args.concurrency)
    import openai  # noqa: F401  -- loaded once per run in any case; the measure is the calls themselves

    start = time.perf_counter()
    run = asyncio.run(review_forms(forms, settings, cache=None))
    elapsed = time.perf_counter() - start
    endpoint.terminate()
    ideal = args.forms * args.latency / args.concurrency
    print("| forms | concurrency | latency (s) | calls | wall (s) | ideal (s) | wall / ideal | prompt chars per form |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.forms} | {args.concurrency} | {args.latency} | {run.calls} | {elapsed:.2f} | {ideal:.2f} "
        f"| {elapsed / ideal:.2f} | {chars} |"
    )


if __name__ == "__main__":
    main()
