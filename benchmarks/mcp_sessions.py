"""MCP session strategy: the cost of one tool call with a persistent session per server (what
toolloom does) against a new session per call (``MultiServerMCPClient.get_tools()``'s default),
over stdio and over streamable HTTP on 127.0.0.1, against ``harness/mcp_server.py``.

Both paths call ``add`` through a LangChain tool: toolloom's through its toolbox (argument
validation, timeout, output cap included), the other through the adapters' tool, which opens a
session (stdio: starts the server process), initializes it, calls and closes it every time.

Run: uv run python benchmarks/mcp_sessions.py [--calls 200] [--fresh-calls 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langchain_mcp_adapters.client import MultiServerMCPClient

from backends.embedded import free_port
from server.runtime import tool_sources_from
from server.settings import load_settings
from tools.base import ToolConfig
from tools.toolbox import McpTiming, open_tools

SERVER = Path(__file__).resolve().parents[1] / "harness" / "mcp_server.py"


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))] * 1000, 2),
        "calls": len(ordered),
    }


async def timed(call: Any, times: int) -> list[float]:
    samples = []
    for i in range(times):
        started = time.perf_counter()
        result = await call({"a": i, "b": 1})
        samples.append(time.perf_counter() - started)
        assert str(result).strip() == str(i + 1), result
    return samples


def start_http_server(port: int) -> subprocess.Popen[bytes]:
    web = subprocess.Popen(  # noqa: S603 - our own test server
        [sys.executable, str(SERVER), "--http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return web
        except OSError:
            assert time.monotonic() < deadline, "the HTTP server did not start"
            time.sleep(0.1)


async def run(calls: int, fresh_calls: int) -> dict[str, Any]:
    port = free_port()
    web = await asyncio.to_thread(start_http_server, port)
    try:
        connections: dict[str, Any] = {
            "stdio": {"transport": "stdio", "command": sys.executable, "args": [str(SERVER)]},
            "http": {"transport": "streamable_http", "url": f"http://127.0.0.1:{port}/mcp"},
        }
        results: dict[str, Any] = {}
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "mcp.json"
            config.write_text(json.dumps({"servers": connections}))
            settings = load_settings(mcp_config=config)
            tool_config = ToolConfig(workspace=Path(tmp) / "ws", sandbox_db=Path(tmp) / "db")
            sources = replace(tool_sources_from(settings, tool_config), timing=McpTiming())
            async with open_tools(sources) as toolbox:
                for transport, name in (("stdio", "add"), ("http", "http__add")):
                    tool = toolbox.get(name)
                    assert tool is not None
                    await timed(tool.ainvoke, 5)  # warm up
                    results[f"persistent_{transport}"] = summary(await timed(tool.ainvoke, calls))
        client = MultiServerMCPClient(connections)
        for transport in ("stdio", "http"):
            tools = await client.get_tools(server_name=transport)
            add = next(t for t in tools if t.name == "add")

            async def call(args: dict[str, Any], add: Any = add) -> Any:
                content = await add.ainvoke(args)
                return content[0]["text"] if isinstance(content, list) else content

            await timed(call, 1)
            results[f"per_call_{transport}"] = summary(await timed(call, fresh_calls))
        return results
    finally:
        web.kill()
        web.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--fresh-calls", type=int, default=10)
    options = parser.parse_args()
    results = asyncio.run(run(options.calls, options.fresh_calls))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
