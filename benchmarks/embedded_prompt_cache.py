"""Route-prompt latency of the embedded model with and without llama.cpp's prompt cache.

Starts two llama.cpp servers side by side (same model, 2 threads each, run one after the other
per request), sends route's real system prompt (16 tools) with five user messages, each followed
by a short respond-style prompt that evicts the route prefix from the context, and prints the
median route latency of each. Run: uv run python benchmarks/embedded_prompt_cache.py
"""

from __future__ import annotations

import statistics
import time

import httpx

from backends.embedded import EmbeddedServer
from nodes.conversation import tool_list_text
from nodes.prompts import ROUTE_SYSTEM
from tools.registry import build_tools
from tools.specs import ToolSpec

QUESTIONS = [
    "What is 2+2?",
    "Show me the system info",
    "Hello!",
    "Read notes.txt",
    "List the files",
]


def main() -> None:
    import asyncio

    system = ROUTE_SYSTEM.format(
        today="2026-01-01",
        tool_list=tool_list_text([ToolSpec.from_tool(t) for t in build_tools()]),
        feedback="",
    )
    results = {}
    for cache in (False, True):
        server = EmbeddedServer(threads=2, cache=cache)
        asyncio.run(server.start(progress=lambda _: None))
        try:
            url = server.base_url + "/chat/completions"
            times = []
            for question in QUESTIONS:
                started = time.perf_counter()
                reply = httpx.post(
                    url,
                    json={
                        "messages": [
                            {"role": "system", "content": system},
                            {"role": "user", "content": question},
                        ],
                        "max_tokens": 32,
                    },
                    timeout=300,
                )
                times.append(time.perf_counter() - started)
                httpx.post(
                    url,
                    json={
                        "messages": [
                            {"role": "system", "content": "Answer briefly."},
                            {"role": "user", "content": question},
                        ],
                        "max_tokens": 32,
                    },
                    timeout=300,
                )
            results[cache] = times
            print(
                f"cache={cache!s:5} prompt_tokens={reply.json()['usage']['prompt_tokens']} "
                f"median={statistics.median(times):.2f}s runs={[round(t, 2) for t in times]}"
            )
        finally:
            server.stop()
    print(
        f"ratio cached/uncached: {statistics.median(results[True]) / statistics.median(results[False]):.2f}"
    )


if __name__ == "__main__":
    main()
