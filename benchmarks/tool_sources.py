"""What a tool's source costs through the whole server: a real ``toolloom serve`` on 127.0.0.1 and a
zero-latency stub model that calls one tool natively, then answers with its result.

The same ``/v1/chat/completions`` turn (two model calls, one tool call) with the tool being:

- ``calculator``: a built-in;
- ``stock_level``: a Python tool (``examples.inventory_tools``);
- ``add`` over stdio and ``web__add`` over streamable HTTP: MCP tools of ``harness/mcp_server.py``
  (one persistent session per server).

Reported: the median turn, and its ratio to the built-in's (the four kinds interleaved, one of
each per round, after 10 warm-up rounds). Plus the median of one ``tools/call`` of
``calculator`` through ``/mcp`` with the MCP SDK's client (toolloom's tools served to an MCP
client).

Run: uv run python benchmarks/tool_sources.py [--turns 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backends.embedded import free_port
from backends.stub import StubLLM
from benchmarks.http_bench import Server
from harness.mcp_server import HttpMcp

ROOT = Path(__file__).resolve().parents[1]
MCP_SERVER = ROOT / "harness" / "mcp_server.py"
CALLS: dict[str, dict[str, Any]] = {
    "builtin": {"name": "calculator", "arguments": {"expression": "20+22"}},
    "python": {"name": "stock_level", "arguments": {"item": "widget"}},
    "mcp_stdio": {"name": "add", "arguments": {"a": 20, "b": 22}},
    "mcp_http": {"name": "web__add", "arguments": {"a": 20, "b": 22}},
}
WARMUP = 10


def reply(request: dict[str, Any]) -> dict[str, Any]:
    """The call the user's message names (a key of CALLS), then the tool's result."""
    results = [m for m in request["messages"] if m.get("role") == "tool"]
    if results:
        return {"content": f"The tool said: {results[-1]['content']}"}
    kind = str(request["messages"][-1]["content"])
    return {"content": None, "tool_calls": [CALLS[kind]]}


async def turns_ms(server: Server, turns: int) -> dict[str, list[float]]:
    """One turn of each kind per round, interleaved (a loaded machine slows them all alike)."""
    samples: dict[str, list[float]] = {kind: [] for kind in CALLS}
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        for turn in range(turns + WARMUP):
            for kind in CALLS:
                started = time.perf_counter()
                response = await http.post(
                    "/v1/chat/completions", json={"messages": [{"role": "user", "content": kind}]}
                )
                elapsed = time.perf_counter() - started
                answer = response.json()["choices"][0]["message"]["content"]
                assert response.status_code == 200 and "Error" not in answer, answer
                if turn >= WARMUP:
                    samples[kind].append(elapsed * 1000)
    return samples


async def mcp_calls_ms(server: Server, calls: int) -> list[float]:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    samples = []
    async with (
        httpx.AsyncClient(timeout=60) as http,
        streamable_http_client(f"{server.url}/mcp", http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        for call in range(calls + WARMUP):
            started = time.perf_counter()
            result = await session.call_tool("calculator", {"expression": "20+22"})
            elapsed = time.perf_counter() - started
            assert not result.isError, result
            if call >= WARMUP:
                samples.append(elapsed * 1000)
    return samples


async def run(turns: int = 100) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_name, StubLLM(default=reply) as stub:
        tmp = Path(tmp_name)
        web = HttpMcp(free_port(), tmp / "web.log")
        web.start()
        config = tmp / "mcp.json"
        config.write_text(
            json.dumps(
                {
                    "servers": {
                        "alpha": {
                            "transport": "stdio",
                            "command": sys.executable,
                            "args": [str(MCP_SERVER)],
                        },
                        "web": {
                            "transport": "streamable_http",
                            "url": f"http://127.0.0.1:{web.port}/mcp",
                        },
                    }
                }
            )
        )
        server = Server(
            stub,
            tmp,
            TOOLLOOM_MCP_CONFIG=str(config),
            TOOLLOOM_TOOL_MODULES="examples.inventory_tools",
            PYTHONPATH=str(ROOT),
        ).ready()
        try:
            medians = {
                kind: round(statistics.median(values), 1)
                for kind, values in (await turns_ms(server, turns)).items()
            }
            mcp_call = round(statistics.median(await mcp_calls_ms(server, turns)), 2)
        finally:
            server.stop()
            web.kill()
    return {
        "turns": turns,
        "turn_p50_ms": medians,
        "ratio_to_builtin": {k: round(v / medians["builtin"], 2) for k, v in medians.items()},
        "mcp_endpoint_call_p50_ms": mcp_call,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=100)
    print(json.dumps(asyncio.run(run(parser.parse_args().turns)), indent=2))


if __name__ == "__main__":
    main()
