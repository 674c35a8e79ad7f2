"""MCP servers as tool sources, against real MCP servers (``harness/mcp_server.py``) over stdio and
streamable HTTP on 127.0.0.1: listing, prefixes, calls, and every fault with the next call working.

One toolbox for the module (each server start costs a second or two): ``alpha`` over stdio,
``web`` over HTTP (absent at start, started by a test), ``broken`` with a bad entry.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from backends.embedded import free_port
from harness.mcp_server import HttpMcp
from server.runtime import tool_sources_from
from server.settings import load_settings
from tools.base import TRUNCATION_MARKER, ToolConfig, ToolError
from tools.toolbox import McpTiming, Toolbox, open_tools

pytestmark = pytest.mark.asyncio(loop_scope="module")

SERVER = Path(__file__).parents[2] / "harness" / "mcp_server.py"
TIMEOUT = 3.0
OUTPUT = 1000
TIMING = McpTiming(
    connect_timeout=20, ping_interval=0.5, ping_timeout=3, retry_initial=0.2, retry_max=1.0
)


@dataclass
class World:
    toolbox: Toolbox
    web: HttpMcp
    changes: list[int]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    root = tmp_path_factory.mktemp("mcp-sources")
    port = free_port()
    config = root / "mcp.json"
    config.write_text(
        json.dumps(
            {
                "servers": {
                    "alpha": {
                        "transport": "stdio",
                        "command": sys.executable,
                        "args": [str(SERVER)],
                    },
                    "web": {"transport": "streamable_http", "url": f"http://127.0.0.1:{port}/mcp"},
                    "broken": {"transport": "stdio", "args": "oops"},
                }
            }
        )
    )
    settings = load_settings(
        mcp_config=config, tool_timeout=TIMEOUT, tool_output_chars=OUTPUT, tools_disabled="echo"
    )
    tool_config = ToolConfig(workspace=root / "ws", sandbox_db=root / "sandbox.db")
    web = HttpMcp(port, root / "web.log")
    try:
        sources = replace(tool_sources_from(settings, tool_config), timing=TIMING)
        async with open_tools(sources) as toolbox:
            changes: list[int] = []
            toolbox.subscribe(lambda box: changes.append(box.version))
            yield World(toolbox, web, changes)
    finally:
        web.kill()


async def call(world: World, name: str, timeout: float | None = None, **arguments: object) -> str:
    """Call a tool of the toolbox (with a longer timeout than the module's when given)."""
    tool = world.toolbox.get(name)
    assert tool is not None, f"{name} not in {[t.name for t in world.toolbox.tools]}"
    if timeout is not None:
        tool = tool.model_copy(update={"timeout": timeout})
    result = await tool.ainvoke(arguments)
    assert isinstance(result, str)
    return result


async def wait_until(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.1)


async def test_tools_are_listed_with_their_source(world: World) -> None:
    described = {d["function"]["name"]: d for d in world.toolbox.describe()}
    assert described["add"]["source"] == "mcp" and described["add"]["server"] == "alpha"
    assert described["add"]["function"]["parameters"]["required"] == ["a", "b"]
    assert described["add"]["read_only"] is False and described["add"]["effect"] == "external"
    assert described["lookup"]["read_only"] is True and described["lookup"]["effect"] is None
    clash = described["alpha__file_read"]
    assert clash["original_name"] == "file_read" and clash["server"] == "alpha"
    assert described["file_read"]["source"] == "builtin"
    assert "broken" not in described  # its schema is malformed: left out, not a crash
    assert "echo" not in described  # switched off by TOOLLOOM_TOOLS_DISABLED

    # web is retried every few tenths of a second: between attempts it is "down"
    # ("connecting" during one).
    health: dict[str, Any] = {}

    def web_down() -> bool:
        health.update(world.toolbox.health())
        return bool(health["mcp_servers"]["web"]["state"] == "down")

    await wait_until(web_down)
    assert health["status"] == "degraded"
    alpha, web, broken = (health["mcp_servers"][n] for n in ("alpha", "web", "broken"))
    assert alpha["state"] == "ok" and alpha["tools"] == 8
    assert alpha["skipped_tools"]["broken"].startswith("malformed argument schema")
    assert web["state"] == "down" and web["last_error"].startswith("ConnectError")
    assert 0 <= web["retry_in_s"] <= TIMING.retry_max
    assert broken["state"] == "down" and broken["retry_in_s"] is None
    assert "command: Field required" in broken["last_error"]


async def test_calls_bad_arguments_and_error_results(world: World) -> None:
    assert await call(world, "add", a=2, b=40) == "42"
    with pytest.raises(ToolError, match=r"^invalid arguments: a: 'two' is not of type 'integer'$"):
        await call(world, "add", a="two", b=1)
    with pytest.raises(ToolError) as error:
        await call(world, "fail", message="the printer is on fire")
    assert str(error.value) == (
        "fail on MCP server 'alpha' reported an error: "
        "Error executing tool fail: the printer is on fire"
    )
    assert await call(world, "lookup", key="k") == "value of k"


async def test_an_oversized_result_is_truncated_with_the_marker(world: World) -> None:
    result = await call(world, "huge", chars=50_000)
    assert len(result) == OUTPUT
    assert result.endswith(TRUNCATION_MARKER.format(omitted=50_000 - OUTPUT))
    assert await call(world, "add", a=1, b=1) == "2"


async def test_a_call_hanging_past_the_timeout_is_stopped(world: World) -> None:
    started = time.monotonic()
    with pytest.raises(ToolError, match=rf"^slow took longer than {TIMEOUT:g} s and was stopped$"):
        await call(world, "slow", seconds=60)
    assert time.monotonic() - started < TIMEOUT + 2
    started = time.monotonic()
    assert await call(world, "add", a=3, b=4) == "7"
    # the abandoned call still sleeps in the server; the session is not blocked by it
    assert time.monotonic() - started < TIMEOUT


async def test_a_stdio_server_killed_mid_call_is_restarted(world: World) -> None:
    pid = int(await call(world, "pid"))
    pending = asyncio.create_task(call(world, "slow", timeout=30, seconds=60))
    await asyncio.sleep(0.5)
    started = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(ToolError) as error:
        await pending
    assert time.monotonic() - started < 5  # told at once, not at the (30 s) timeout
    assert str(error.value) == (
        "MCP server 'alpha' went away during the call; it is being reconnected"
    )
    alpha = next(s for s in world.toolbox.servers if s.name == "alpha")
    await wait_until(lambda: alpha.state == "ok" and alpha.connects == 2)
    assert int(await call(world, "pid")) != pid
    assert await call(world, "add", a=5, b=5) == "10"


async def test_an_http_server_absent_at_start_joins_when_it_comes_up(world: World) -> None:
    assert world.toolbox.get("web__add") is None
    version = world.toolbox.version
    world.web.start()
    web = next(s for s in world.toolbox.servers if s.name == "web")
    await wait_until(lambda: web.state == "ok", seconds=TIMING.retry_max + 20)
    assert world.toolbox.version > version and world.changes[-1] == world.toolbox.version
    described = {d["function"]["name"]: d for d in world.toolbox.describe()}
    assert described["web__add"]["server"] == "web"
    assert described["web__add"]["original_name"] == "add"
    assert described["web__echo"]["original_name"] == "echo"  # alpha's echo is off, not web's
    assert await call(world, "web__add", a=20, b=22) == "42"
    assert world.toolbox.health()["mcp_servers"]["web"]["state"] == "ok"


async def test_an_http_server_killed_mid_call_then_back(world: World) -> None:
    web = next(s for s in world.toolbox.servers if s.name == "web")
    pending = asyncio.create_task(call(world, "web__slow", timeout=30, seconds=60))
    await asyncio.sleep(0.5)
    started = time.monotonic()
    world.web.kill()
    with pytest.raises(ToolError) as error:
        await pending
    assert str(error.value) == (
        "MCP server 'web' went away during the call; it is being reconnected"
    )
    assert time.monotonic() - started < 10  # found by the ping, long before the 30 s timeout

    await wait_until(lambda: web.state == "down")
    started = time.monotonic()
    with pytest.raises(
        ToolError, match=r"^MCP server 'web' is down \(.+\); next attempt in \d+ s$"
    ):
        await call(world, "web__add", a=1, b=2)
    assert time.monotonic() - started < 0.5
    assert world.toolbox.get("web__add") is not None  # its tools stay listed while it is down
    assert world.toolbox.health()["mcp_servers"]["web"]["state"] == "down"

    world.web.start()
    await wait_until(lambda: web.state == "ok", seconds=TIMING.retry_max + 20)
    assert await call(world, "web__add", a=2, b=2) == "4"
