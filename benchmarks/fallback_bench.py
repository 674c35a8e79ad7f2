"""Fallback: what it costs when a step's first backend is down and the step goes to the next one,
against a step whose backend answers. One model call as route makes it (the 16 built-in tools
bound), through toolloom's own client and the fallback chain (backends/pool.py), against the
zero-latency stub model on 127.0.0.1; calls interleaved, medians side by side from one run.

- ``direct``: the chain's first backend answers.
- ``refused``: the first backend refuses the connection (nothing listens on its port), no
  retries: the switch itself.
- ``circuit_open``: the first backend's circuit is open: refused without a connection attempt.
- ``refused_default_retries``: the first backend refuses, with the default retry policy
  (``TOOLLOOM_LLM_MAX_RETRIES=2``, backoff from 0.5 s, jittered): what a step pays while the
  circuit is still closed (fewer calls: each waits out the backoff).

Run: uv run python benchmarks/fallback_bench.py [--calls 300] [--retry-calls 20]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_core.messages import HumanMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

from backends.backend import BACKEND_KEY, Backend
from backends.client import make_chat_model
from backends.embedded import free_port
from backends.pool import BackendPool
from backends.resilience import CircuitBreaker, RetryPolicy
from backends.stub import StubLLM
from tools.registry import build_tools

WARM_UP = 10
QUESTION = [HumanMessage(content="What is 23*19?")]


def _backend(name: str, url: str, policy: RetryPolicy) -> Backend:
    llm = make_chat_model(base_url=url, model="stub", timeout=10, temperature=0)
    return Backend(llm, policy, name=name)


async def run(calls: int = 300, retry_calls: int = 20) -> dict[str, Any]:
    """Median milliseconds per model call: direct, after a refused connection, with the first
    backend's circuit open, and after a refusal with the default retries."""
    logging.getLogger("backends.pool").setLevel(logging.ERROR)  # one warning per switch
    logging.getLogger("backends.resilience").setLevel(logging.ERROR)
    tools = [convert_to_openai_tool(tool) for tool in build_tools()]
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens here
    with StubLLM(default={"content": "23*19 = 437"}) as stub:
        once = RetryPolicy(attempts=1, breaker=None)
        pool = BackendPool(
            [
                _backend("up", stub.base_url, once),
                _backend("down", dead, once),
                _backend(
                    "open",
                    dead,
                    RetryPolicy(
                        attempts=1,
                        breaker=CircuitBreaker(failures=1, reset_after=3600, name="bench-open"),
                    ),
                ),
                _backend(
                    "retrying",
                    dead,
                    RetryPolicy(
                        attempts=3,
                        base_delay=0.5,
                        breaker=CircuitBreaker(failures=10**9, name="bench-retrying"),
                    ),
                ),
            ],
            default="up",
            fallbacks={"down": ["up"], "open": ["up"], "retrying": ["up"]},
        )
        chains = {"direct": "up", "refused": "down", "circuit_open": "open"}

        async def timed(model: str) -> float:
            started = time.perf_counter()
            reply = await pool.routed(model).chat(QUESTION, tools=tools)
            elapsed = time.perf_counter() - started
            assert reply.response_metadata[BACKEND_KEY] == "up"  # served by the fallback
            return elapsed

        await timed("open")  # opens the circuit: from now on "open" is refused without a call
        times: dict[str, list[float]] = {name: [] for name in chains}
        for call in range(calls + WARM_UP):
            sample = {name: await timed(model) for name, model in chains.items()}
            if call >= WARM_UP:
                for name, value in sample.items():
                    times[name].append(value)
        retried = [await timed("retrying") for _ in range(retry_calls)]
    result: dict[str, Any] = {
        f"{name}_ms": round(statistics.median(values) * 1000, 2) for name, values in times.items()
    }
    result["refused_default_retries_ms"] = round(statistics.median(retried) * 1000, 1)
    result["switch_extra_ms"] = round(result["refused_ms"] - result["direct_ms"], 2)
    result["circuit_open_extra_ms"] = round(result["circuit_open_ms"] - result["direct_ms"], 2)
    result["calls"] = calls
    result["retry_calls"] = retry_calls
    return result


def format_result(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"fallback switch, medians over {result['calls']} calls each (16 tools bound):",
            f"  direct (first backend answers)       {result['direct_ms']:8.2f} ms",
            f"  first refuses the connection          {result['refused_ms']:8.2f} ms"
            f"  (+{result['switch_extra_ms']} ms)",
            f"  first's circuit is open               {result['circuit_open_ms']:8.2f} ms"
            f"  (+{result['circuit_open_extra_ms']} ms)",
            f"  first refuses, default retries (2)    {result['refused_default_retries_ms']:8.1f} ms"
            f"  (median of {result['retry_calls']})",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--retry-calls", type=int, default=20)
    args = parser.parse_args()
    print(format_result(asyncio.run(run(args.calls, args.retry_calls))))


if __name__ == "__main__":
    main()
