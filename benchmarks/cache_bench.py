"""Response cache: the cost of a model call answered from the cache against one that misses,
through LangChain's ``ChatOpenAI`` with the 16 built-in tools bound (the size of a real route
request), against the zero-latency stub model on 127.0.0.1; side by side in one run (calls
interleaved), in process and, when a Redis URL is given, through Redis.

- ``no_cache``: the plain client, no cache transport (the baseline).
- ``miss``: a new question each call: the cache lookup, the stub's reply, the store.
- ``hit``: the same question again: answered from the cache, the stub never sees it.

Run: uv run python benchmarks/cache_bench.py [--calls 300] [--redis redis://127.0.0.1:6379/0]
(with ``--redis auto`` a private redis-server is started for the run).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.messages import HumanMessage
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_openai import ChatOpenAI

from backends.stub import StubLLM
from server.storage.redis_link import make_redis
from server.storage.response_cache import ResponseCache, cached_http_client
from tools.registry import build_tools

WARM_UP = 10


def _model(stub: StubLLM, http_async_client: Any = None) -> Any:
    llm = ChatOpenAI(
        base_url=stub.base_url,
        model="stub",
        api_key="not-needed",  # type: ignore[arg-type]
        temperature=0,
        max_retries=0,
        http_async_client=http_async_client,
    )
    return llm.bind_tools([convert_to_openai_tool(tool) for tool in build_tools()])


async def _timed(llm: Any, text: str) -> float:
    started = time.perf_counter()
    await llm.ainvoke([HumanMessage(content=text)])
    return time.perf_counter() - started


async def run(calls: int = 300, redis_url: str | None = None) -> dict[str, Any]:
    """Median milliseconds per call: no cache, miss and hit (in process; and Redis if given)."""
    with StubLLM(default={"content": "23*19 = 437"}) as stub:
        redis = make_redis(redis_url) if redis_url else None
        caches: dict[str, ResponseCache] = {"memory": ResponseCache(3600, max_entries=100_000)}
        if redis is not None:
            caches["redis"] = ResponseCache(3600, redis=redis, prefix=f"bench:{uuid.uuid4().hex}:")
        plain = _model(stub)
        cached = {
            name: _model(stub, cached_http_client(c, backend="stub")) for name, c in caches.items()
        }
        times: dict[str, list[float]] = {"no_cache": []}
        for name in cached:
            times[f"{name}_miss"] = []
            times[f"{name}_hit"] = []
        for llm in cached.values():
            await llm.ainvoke([HumanMessage(content="What is 23*19?")])  # the entry hits use
        try:
            for call in range(calls + WARM_UP):
                sample: dict[str, float] = {
                    "no_cache": await _timed(plain, f"What is 23*19? ({call} plain)")
                }
                for name, llm in cached.items():
                    sample[f"{name}_miss"] = await _timed(llm, f"What is 23*19? ({call} {name})")
                    sample[f"{name}_hit"] = await _timed(llm, "What is 23*19?")
                if call >= WARM_UP:
                    for key, value in sample.items():
                        times[key].append(value)
        finally:
            if redis is not None:
                await redis.aclose()
        requests = len(stub.requests)
    result: dict[str, Any] = {
        f"{key}_ms": round(statistics.median(values) * 1000, 2) for key, values in times.items()
    }
    result["calls"] = calls
    # the stub saw: warm-up entries + every plain call + every miss; never a hit
    result["stub_requests"] = requests
    result["expected_stub_requests"] = len(cached) + (calls + WARM_UP) * (1 + len(cached))
    return result


def format_result(result: dict[str, Any]) -> str:
    lines = [f"response cache, medians over {result['calls']} calls each (16 tools bound):"]
    lines.append(f"  no cache      {result['no_cache_ms']:7.2f} ms")
    for name in ("memory", "redis"):
        if f"{name}_hit_ms" in result:
            lines.append(
                f"  {name:<6} miss   {result[f'{name}_miss_ms']:7.2f} ms   "
                f"hit {result[f'{name}_hit_ms']:7.2f} ms"
            )
    lines.append(
        f"  the stub saw {result['stub_requests']} requests "
        f"(expected {result['expected_stub_requests']}: no hit reached it)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--redis", default=None, help="a Redis URL, or 'auto' for a private one")
    args = parser.parse_args()
    if args.redis == "auto":
        from harness.redis_server import RedisServer

        with tempfile.TemporaryDirectory() as tmp, RedisServer(Path(tmp)) as server:
            result = asyncio.run(run(args.calls, server.url))
    else:
        result = asyncio.run(run(args.calls, args.redis))
    print(format_result(result))


if __name__ == "__main__":
    main()
