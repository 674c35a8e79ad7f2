"""Tools from outside, through the whole server: a real ``toolloom serve`` on a stub model that
calls tools natively, with two MCP servers from ``harness/mcp_server.py`` (``alpha`` over stdio,
``web`` over streamable HTTP on 127.0.0.1, absent at start), a Python tool module
(``examples.inventory_tools``) and switched-off tools of every source; API keys on.

The stub calls a tool only when the request offers it (``CALL name {json}`` in the user's message),
so a tool the model was not given is never called: what reaches the model is what is asserted.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from playwright.sync_api import expect, sync_playwright

from backends.embedded import free_port
from backends.stub import StubLLM
from harness.mcp_server import HttpMcp
from tests.integration.server_process import ServerProcess

ROOT = Path(__file__).parents[2]
MCP_SERVER = ROOT / "harness" / "mcp_server.py"
KEY = "tl-outside-key-4c1d"
AUTH = {"Authorization": f"Bearer {KEY}"}
CHROMIUM = "/usr/bin/chromium"
CALL = re.compile(r"CALL (\S+) (\{.*\})", re.DOTALL)
NO_TOOL = "There is no tool for that."


def stub_reply(request: dict[str, Any]) -> dict[str, Any]:
    """Call the tool the user names if it is on offer; after a tool result, say what it was."""
    messages = request["messages"]
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    results = [m for m in messages[last_user + 1 :] if m["role"] == "tool"]
    if results:
        return {"content": f"The tool said: {results[-1]['content']}"}
    found = CALL.search(str(messages[last_user]["content"]))
    offered = {t["function"]["name"] for t in request.get("tools") or []}
    if found and found.group(1) in offered:
        return {"tool_calls": [{"name": found.group(1), "arguments": json.loads(found.group(2))}]}
    return {"content": NO_TOOL}


@dataclass
class World:
    toolloom: ServerProcess
    stub: StubLLM
    web: HttpMcp

    def get(self, path: str) -> Any:
        response = httpx.get(self.toolloom.url + path, headers=AUTH, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def invoke(self, text: str) -> dict[str, Any]:
        response = httpx.post(
            f"{self.toolloom.url}/agent/invoke",
            json={"input": {"messages": [{"type": "human", "content": text}]}},
            headers=AUTH,
            timeout=60,
        )
        assert response.status_code == 200, response.text
        output: dict[str, Any] = response.json()["output"]
        return output

    def chat(self, text: str) -> str:
        client = openai.OpenAI(base_url=f"{self.toolloom.url}/v1", api_key=KEY, max_retries=0)
        reply = client.chat.completions.create(
            model="toolloom", messages=[{"role": "user", "content": text}]
        )
        return reply.choices[0].message.content or ""

    def server_state(self, name: str) -> str:
        state: str = self.get("/health")["tools"]["mcp_servers"][name]["state"]
        return state

    def wait_for(self, name: str, state: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.server_state(name) != state:
            assert time.monotonic() < deadline, (
                f"{name} never became {state}: {self.get('/health')}"
            )
            time.sleep(0.3)


def tool_results(output: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in output["messages"] if m["type"] == "tool"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("outside")
    port = free_port()
    config = root / "mcp.json"
    config.write_text(
        json.dumps(
            {
                "servers": {
                    "alpha": {
                        "transport": "stdio",
                        "command": sys.executable,
                        "args": [str(MCP_SERVER)],
                    },
                    "web": {"transport": "streamable_http", "url": f"http://127.0.0.1:{port}/mcp"},
                }
            }
        )
    )
    web = HttpMcp(port, root / "web.log")
    with StubLLM(default=stub_reply) as stub:
        toolloom = ServerProcess(
            root,
            TOOLLOOM_LLM_BASE_URL=stub.base_url,
            TOOLLOOM_API_KEYS=f"outside={KEY}",
            TOOLLOOM_MCP_CONFIG=str(config),
            TOOLLOOM_MCP_RETRY_MAX="1",
            TOOLLOOM_MCP_CONNECT_TIMEOUT="30",
            TOOLLOOM_TOOL_MODULES="examples.inventory_tools",
            TOOLLOOM_TOOLS_DISABLED="web_scrape,echo,reserve_item",
            PYTHONPATH=str(ROOT),
        ).start()
        try:
            yield World(toolloom, stub, web)
        finally:
            toolloom.stop()
            web.kill()


def test_tools_lists_every_source_and_health_each_server(world: World) -> None:
    assert httpx.get(world.toolloom.url + "/tools", timeout=10).status_code == 401
    tools = {t["function"]["name"]: t for t in world.get("/tools")["tools"]}
    assert {"web_scrape", "echo", "reserve_item"}.isdisjoint(tools)  # switched off, each source
    assert not [name for name in tools if name.startswith("web__")]  # web is not up yet
    assert {k: tools["calculator"][k] for k in ("source", "server", "module", "read_only")} == {
        "source": "builtin",
        "server": None,
        "module": None,
        "read_only": True,
    }
    stock = tools["stock_level"]
    assert (stock["source"], stock["module"], stock["read_only"]) == (
        "python",
        "examples.inventory_tools",
        True,
    )
    add = tools["add"]
    assert (add["source"], add["server"], add["original_name"], add["prefix"]) == (
        "mcp",
        "alpha",
        "add",
        None,
    )
    assert (add["read_only"], add["effect"], add["available"]) == (False, "external", True)
    assert add["function"]["parameters"]["required"] == ["a", "b"]
    assert tools["lookup"]["read_only"] is True  # readOnlyHint
    renamed = tools["alpha__file_read"]  # a built-in has the name
    assert (renamed["original_name"], renamed["prefix"]) == ("file_read", "alpha__")
    assert "broken" not in tools  # a malformed schema is left out

    health = httpx.get(world.toolloom.url + "/health", timeout=10).json()  # no key needed
    assert health["status"] == "ok" and health["tools"]["status"] == "degraded"
    alpha, web = health["tools"]["mcp_servers"]["alpha"], health["tools"]["mcp_servers"]["web"]
    assert (alpha["state"], alpha["transport"]) == ("ok", "stdio")
    assert "malformed argument schema" in alpha["skipped_tools"]["broken"]
    assert (web["state"], web["transport"]) == ("down", "streamable_http")
    assert web["last_error"]
    assert health["tools"]["disabled"] == ["echo", "reserve_item", "web_scrape"]


def test_an_mcp_tool_result_reaches_the_answer_through_v1_and_agent_invoke(world: World) -> None:
    text = 'CALL add {"a": 19, "b": 23}'
    assert world.chat(text) == "The tool said: 42"
    first = next(r for r in world.stub.requests if r["messages"][-1]["content"] == text)
    offered = {t["function"]["name"] for t in first["tools"]}
    # The model is shown the few tools that fit the request: the MCP tool it names among them.
    assert "add" in offered
    assert {"web_scrape", "echo", "reserve_item"}.isdisjoint(offered)  # not in the graph either

    output = world.invoke('CALL add {"a": 1, "b": 2}')
    (result,) = tool_results(output)
    assert (result["name"], result["status"], result["content"]) == ("add", "success", "3")
    assert output["messages"][-1]["content"] == "The tool said: 3"


def test_a_python_tool_is_called_through_v1(world: World) -> None:
    # The stub echoes the JSON result; respond then writes it out as the tool's own line.
    answer = world.chat('CALL stock_level {"item": "widget"}')
    assert answer == 'stock_level: {"item":"widget","in_stock":12}'


def test_a_server_absent_at_start_comes_up_is_used_and_going_down_is_a_tool_error(
    world: World,
) -> None:
    # Absent: down in /health, its tools unknown to the model; requests work.
    assert world.server_state("web") == "down"
    assert world.chat('CALL web__add {"a": 2, "b": 2}') == NO_TOOL

    # Started: reconnected in the background (within TOOLLOOM_MCP_RETRY_MAX), its tools join
    # the running graph, prefixed where alpha's have the names.
    world.web.start()
    world.wait_for("web", "ok")
    web_add = {t["function"]["name"]: t for t in world.get("/tools")["tools"]}["web__add"]
    assert (web_add["server"], web_add["original_name"], web_add["prefix"]) == (
        "web",
        "add",
        "web__",
    )
    assert world.chat('CALL web__add {"a": 2, "b": 2}') == "The tool said: 4"

    # Gone: /health says down; a call to its tool is a tool error that says so, not a failed run.
    world.web.kill()
    world.wait_for("web", "down")
    output = world.invoke('CALL web__add {"a": 5, "b": 5}')
    (result,) = tool_results(output)
    assert result["status"] == "error"
    assert result["content"].startswith("Error: MCP server 'web' is down (")
    assert "MCP server 'web' is down" in output["messages"][-1]["content"]

    # The next request, to another server's tool, works.
    assert world.chat('CALL add {"a": 40, "b": 2}') == "The tool said: 42"


def test_the_web_page_shows_where_a_tool_comes_from(world: World) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing (scripts/test.sh installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(world.toolloom.url)
            page.fill("#api-key", KEY)
            page.click("#save-key")
            # The stub echoes a JSON result; respond writes that out as the tool's own line.
            for text, answer in (
                ('CALL add {"a": 1, "b": 1}', "The tool said: 2"),
                (
                    'CALL stock_level {"item": "gizmo"}',
                    'stock_level: {"item":"gizmo","in_stock":3}',
                ),
            ):
                page.fill("#input", text)
                page.press("#input", "Enter")
                expect(page.locator(".msg.assistant:not(.pending)").last).to_contain_text(
                    answer, timeout=30_000
                )
            add = page.locator(".tool[data-tool=add] .source")
            expect(add).to_have_text("mcp · alpha")
            expect(add).to_have_attribute("title", "tool add of MCP server alpha")
            expect(page.locator(".tool[data-tool=stock_level] .source")).to_have_text(
                "python · examples.inventory_tools"
            )
        finally:
            browser.close()


def test_a_module_that_fails_to_import_stops_serve_and_chat(tmp_path: Path) -> None:
    (tmp_path / "ticket_tools.py").write_text(
        "import os\nTOKEN = os.environ['TICKETS_TOKEN']\n", encoding="utf-8"
    )
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("TOOLLOOM_") and k != "TICKETS_TOKEN"
        },
        "PYTHONPATH": str(tmp_path),
        "TOOLLOOM_TOOL_MODULES": "ticket_tools",
        "TOOLLOOM_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "TOOLLOOM_DB": str(tmp_path / "t.db"),
    }
    for command in (["serve", "--port", str(free_port())], ["chat", "hello"]):
        done = subprocess.run(
            [sys.executable, "-m", "server.cli", *command],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().splitlines()[-1] == (
            "toolloom: TOOLLOOM_TOOL_MODULES: importing 'ticket_tools' failed: "
            "KeyError: 'TICKETS_TOKEN'"
        )
        assert "Uvicorn running" not in done.stderr + done.stdout
    assert not (tmp_path / "t.db").exists()  # stopped before anything was opened


def test_a_disabled_name_no_tool_has_stops_serve_once_the_servers_listed(tmp_path: Path) -> None:
    config = tmp_path / "mcp.json"
    config.write_text(
        json.dumps(
            {
                "servers": {
                    "alpha": {
                        "transport": "stdio",
                        "command": sys.executable,
                        "args": [str(MCP_SERVER)],
                    }
                }
            }
        )
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")},
        "TOOLLOOM_MCP_CONFIG": str(config),
        "TOOLLOOM_TOOLS_DISABLED": "echo,no_such_tool",
        "TOOLLOOM_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "TOOLLOOM_DB": str(tmp_path / "t.db"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(free_port())],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "toolloom: TOOLLOOM_TOOLS_DISABLED: no tool is named 'no_such_tool'"
    )


def test_the_eval_runner_offers_the_configured_tools(tmp_path: Path) -> None:
    """``toolloom eval``: the own set offers the Python tools and not the switched-off ones, and
    a case that expects a switched-off tool is left out."""
    from typer.testing import CliRunner

    from evals.own_set import load_own_set
    from server.cli import app

    with StubLLM(default={"content": NO_TOOL}) as stub:
        env = {
            "TOOLLOOM_LLM_BASE_URL": stub.base_url,
            "TOOLLOOM_TOOL_MODULES": "examples.inventory_tools",
            "TOOLLOOM_TOOLS_DISABLED": "calculator,time_now",
            "TOOLLOOM_WORKSPACE": str(tmp_path / "ws"),
            "TOOLLOOM_SANDBOX_DB": str(tmp_path / "sandbox.db"),
        }
        out = str(tmp_path / "out")
        args = ["eval", "--suite", "own", "--limit", "40", "--systems", "toolloom", "--out", out]
        done = CliRunner().invoke(app, args, env=env)
        assert done.exit_code == 0, done.output
        offered = [
            {t["function"]["name"] for t in r["tools"]} for r in stub.requests if "tools" in r
        ]
    assert offered and all("stock_level" in names and "reserve_item" in names for names in offered)
    assert not any({"calculator", "time_now"} & names for names in offered)
    rows = [json.loads(line) for line in (tmp_path / "out" / "own" / "cases.jsonl").open()]
    possible = {
        row["id"]
        for row in load_own_set()
        if not {"calculator", "time_now"} & {call["name"] for call in row["expected"]}
    }
    assert len(rows) == 40 and {row["id"] for row in rows} <= possible
