"""toolloom's tools over MCP, through the MCP SDK's own client: ``toolloom mcp`` over stdio (a
child process) and ``/mcp`` of a running ``toolloom serve`` with API keys on (127.0.0.1).

Every call's text and error flag must equal what agent mode's call-tool produces for the same
call, so the sandboxes (workspace root, SSRF guard, SQL authoriser) hold exactly as there.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from langchain_core.tools import BaseTool
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

from backends.stub import StubLLM
from nodes.call_tool import run_tool_call
from server.runtime import tool_sources_from
from server.settings import Settings, load_settings
from tests.integration.server_process import ServerProcess
from tools.toolbox import local_tools

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).parents[2]
KEY = "mcp-test-key"
ENV = {
    "TOOLLOOM_TOOL_MODULES": "examples.inventory_tools",
    "TOOLLOOM_TOOLS_DISABLED": "web_scrape",
    "TOOLLOOM_TOOL_TIMEOUT": "5",
    "TOOLLOOM_TOOL_OUTPUT_CHARS": "2000",
}


def leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in leaves(inner)]
    return [exc]


class Client:
    """An MCP client session held open by its own task (anyio scopes stay in one task)."""

    def __init__(self, connect: Callable[[], contextlib.AbstractAsyncContextManager[Any]]) -> None:
        self.connect = connect
        self.session: ClientSession | None = None
        self._ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async with self.connect() as streams, ClientSession(streams[0], streams[1]) as session:
            await session.initialize()
            self.session = session
            self._ready.set()
            await self._stop.wait()

    async def __aenter__(self) -> ClientSession:
        self._task = asyncio.create_task(self._run())
        ready = asyncio.create_task(self._ready.wait())
        await asyncio.wait({self._task, ready}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if self._task.done():
            self._task.result()  # raises what went wrong
        assert self.session is not None, "the MCP session did not start"
        return self.session

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._task is not None
        await self._task


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mcp-serve")
    (root / "workspace").mkdir()
    (root / "secret.txt").write_text("TOP-SECRET-CONTENT")
    return root


@pytest.fixture(scope="module")
def settings(workspace: Path) -> Settings:
    return load_settings(
        workspace=workspace / "workspace",
        sandbox_db=workspace / "sandbox.db",
        tool_modules=ENV["TOOLLOOM_TOOL_MODULES"],
        tools_disabled=ENV["TOOLLOOM_TOOLS_DISABLED"],
        tool_timeout=float(ENV["TOOLLOOM_TOOL_TIMEOUT"]),
        tool_output_chars=int(ENV["TOOLLOOM_TOOL_OUTPUT_CHARS"]),
    )


@pytest.fixture(scope="module")
def tools(settings: Settings) -> list[BaseTool]:
    """The same tools, in this process: what agent mode runs."""
    return local_tools(tool_sources_from(settings))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stdio(workspace: Path) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "server.cli", "mcp"],
        env={
            **ENV,
            "PYTHONPATH": str(ROOT),
            "TOOLLOOM_WORKSPACE": str(workspace / "workspace"),
            "TOOLLOOM_SANDBOX_DB": str(workspace / "sandbox.db"),
        },
        cwd=str(workspace),
    )
    async with Client(lambda: stdio_client(params)) as session:
        yield session


@pytest.fixture(scope="module")
def http_url(workspace: Path) -> Iterator[str]:
    """A running ``toolloom serve`` (on a stub model, API keys on): its ``/mcp``."""
    with StubLLM() as stub:
        process = ServerProcess(
            workspace,
            TOOLLOOM_LLM_BASE_URL=stub.base_url,
            TOOLLOOM_API_KEYS=f"mcp-client={KEY}",
            PYTHONPATH=str(ROOT),
            **ENV,
        ).start()
        try:
            yield f"{process.url}/mcp"
        finally:
            process.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def http(http_url: str) -> AsyncIterator[ClientSession]:
    client = httpx.AsyncClient(headers={"Authorization": f"Bearer {KEY}"}, timeout=30)
    async with client, Client(lambda: streamable_http_client(http_url, http_client=client)) as s:
        yield s


@pytest.fixture(params=["stdio", "http"])
def session(request: pytest.FixtureRequest) -> ClientSession:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


async def test_lists_the_sandboxed_tools_with_their_effects(session: ClientSession) -> None:
    listed = {t.name: t for t in (await session.list_tools()).tools}
    listed.pop("agent", None)  # over HTTP the agent is a tool too (test_the_agent_is_a_tool)
    assert "web_scrape" not in listed  # TOOLLOOM_TOOLS_DISABLED holds here too
    assert len(listed) == 17 and {"stock_level", "reserve_item"} <= set(listed)
    assert listed["file_read"].annotations == types.ToolAnnotations(
        readOnlyHint=True, openWorldHint=False
    )
    assert listed["file_write"].annotations == types.ToolAnnotations(
        readOnlyHint=False, destructiveHint=True, openWorldHint=False
    )
    assert listed["api_request"].annotations is not None
    assert listed["api_request"].annotations.openWorldHint is True
    assert listed["api_request"].annotations.readOnlyHint is False
    assert listed["stock_level"].annotations is not None
    assert listed["stock_level"].annotations.readOnlyHint is True
    assert listed["reserve_item"].annotations is not None
    assert listed["reserve_item"].annotations.readOnlyHint is False
    assert listed["calculator"].inputSchema["required"] == ["expression"]


CALLS: list[tuple[str, dict[str, Any], bool]] = [
    ("calculator", {"expression": "6 * 7"}, False),
    ("calculator", {"expression": 6}, True),
    ("file_write", {"path": "notes/hello.txt", "content": "hello", "mode": "overwrite"}, False),
    ("file_read", {"path": "notes/hello.txt"}, False),
    ("file_read", {"path": "../secret.txt"}, True),
    ("file_read", {"path": "/etc/passwd"}, True),
    ("api_request", {"url": "http://127.0.0.1:9/admin"}, True),
    ("api_request", {"url": "http://169.254.169.254/latest/meta-data/"}, True),
    ("database_query", {"sql": "ATTACH DATABASE 'other.db' AS other"}, True),
    ("database_execute", {"sql": "ATTACH DATABASE 'other.db' AS other"}, True),
    ("stock_level", {"item": "widget"}, False),
    ("stock_level", {"item": "unobtainium"}, True),
    ("web_scrape", {"url": "https://example.com"}, True),
]


@pytest.mark.parametrize(
    ("name", "arguments", "refused"), CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)]
)
async def test_calls_answer_exactly_as_in_agent_mode(
    session: ClientSession,
    tools: list[BaseTool],
    settings: Settings,
    name: str,
    arguments: dict[str, Any],
    refused: bool,
) -> None:
    result = await session.call_tool(name, arguments)
    assert len(result.content) == 1 and isinstance(result.content[0], types.TextContent)
    text = result.content[0].text
    expected, status, _ = await run_tool_call(
        next((t for t in tools if t.name == name), None),
        {"name": name, "args": arguments, "id": "1", "type": "tool_call"},
        timeout=settings.tool_timeout,
        output_chars=settings.tool_output_chars,
    )
    assert (text, result.isError) == (expected, status == "error")
    assert result.isError is refused, text
    if refused:
        assert text.startswith("Error: ")
        assert "TOP-SECRET" not in text  # the file outside was never read


async def test_the_http_endpoint_needs_the_key(http_url: str, http: ClientSession) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient() as raw:
        missing = await raw.post(http_url, json=body, headers=headers)
        wrong = await raw.post(
            http_url, json=body, headers={**headers, "Authorization": "Bearer nope"}
        )
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json() == {
        "detail": "missing API key: send Authorization: Bearer KEY (or x-api-key: KEY)"
    }
    assert wrong.json() == {"detail": "invalid API key"}

    anonymous = httpx.AsyncClient(timeout=10)
    with pytest.raises(BaseExceptionGroup) as error:
        async with (
            anonymous,
            Client(lambda: streamable_http_client(http_url, http_client=anonymous)),
        ):
            pass
    statuses = [
        e.response.status_code for e in leaves(error.value) if isinstance(e, httpx.HTTPStatusError)
    ]
    assert statuses == [401]

    # with the key (the module's session), listing works: the 17 tools and the agent
    assert len((await http.list_tools()).tools) == 18


async def test_the_http_endpoint_refuses_a_foreign_host(http_url: str) -> None:
    headers = {
        "Accept": "application/json, text/event-stream",
        "Authorization": f"Bearer {KEY}",
        "Host": "evil.example:80",
    }
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    async with httpx.AsyncClient() as raw:
        response = await raw.post(http_url, json=body, headers=headers)
    assert response.status_code == 421


async def test_the_http_endpoint_keeps_the_request_limits(http_url: str) -> None:
    """The body-size limit and the JSON guard stand in front of /mcp as of every route."""
    headers = {"Accept": "application/json, text/event-stream", "Authorization": f"Bearer {KEY}"}
    call = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": "file_write", "arguments": {"path": "a.txt", "content": "a\x00b"}},
    }
    async with httpx.AsyncClient(headers=headers, timeout=30) as raw:
        nul = await raw.post(http_url, json=call)
        big = await raw.post(
            http_url,
            content=b'{"x": "' + b"a" * 1_000_001 + b'"}',
            headers={"Content-Type": "application/json"},
        )
    assert nul.status_code == 400
    assert nul.json() == {"detail": "body.params.arguments.content contains a NUL byte"}
    assert big.status_code == 413
    assert big.json() == {"detail": "request body is larger than 1000000 bytes"}
