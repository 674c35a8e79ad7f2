"""Tool sources without a network: the MCP config file, Python tool modules, names, switching
tools off, and the rules every outside tool runs under (validation, timeout, cap, errors)."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.tools import StructuredTool, tool
from langchain_mcp_adapters.client import MultiServerMCPClient

from server.runtime import tool_sources_from
from server.settings import SettingsError, load_settings
from tools.base import TRUNCATION_MARKER, ToolConfig, ToolError
from tools.external.guard import GuardedTool, schema_validator
from tools.external.mcp_config import load_mcp_config, parse_server
from tools.external.mcp_servers import McpServer, RemoteTool
from tools.external.modules import guard_python_tool, load_tool_modules
from tools.external.source_errors import McpConfigError, ToolModuleError, ToolNameError
from tools.registry import build_tools
from tools.toolbox import Toolbox, local_tools

# --- the MCP config file ----------------------------------------------------------------------


def write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_config_in_the_adapters_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETS_TOKEN", "s3cret")
    config = write(
        tmp_path / "mcp.json",
        {
            "servers": {
                "inventory": {
                    "transport": "stdio",
                    "command": "python",
                    "args": ["inv.py"],
                    "env": {"DB": "${TICKETS_TOKEN}-db"},
                },
                "tickets": {
                    "transport": "streamable_http",
                    "url": "https://tickets.example/mcp",
                    "headers": {"Authorization": "Bearer ${TICKETS_TOKEN}"},
                },
                "alias": {"transport": "http", "url": "http://127.0.0.1:9/mcp"},
            }
        },
    )
    entries = load_mcp_config(config)
    assert [e.name for e in entries] == ["inventory", "tickets", "alias"]
    assert all(e.error is None for e in entries)
    assert entries[0].connection == {
        "transport": "stdio",
        "command": "python",
        "args": ["inv.py"],
        "env": {"DB": "s3cret-db"},
    }
    assert entries[1].connection == {
        "transport": "streamable_http",
        "url": "https://tickets.example/mcp",
        "headers": {"Authorization": "Bearer s3cret"},
        "timeout": 30.0,
    }
    assert entries[2].transport == "streamable_http"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[]", 'expected {"servers"'),
        ('{"mcpServers": {}}', "found ['mcpServers']"),
        ('{"servers": []}', "'servers' must map"),
    ],
)
def test_an_unusable_file_stops_startup(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path / "mcp.json", text)
    with pytest.raises(McpConfigError) as error:
        load_mcp_config(path)
    assert "TOOLLOOM_MCP_CONFIG" in str(error.value) and str(path) in str(error.value)
    assert expected in str(error.value)


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("a", {"transport": "stdio", "args": []}, "command: Field required"),
        (
            "a",
            {"transport": "stdio", "command": "x", "args": "y"},
            "args: Input should be a valid list",
        ),
        ("a", {"transport": "stdio", "command": "x", "comand": "y"}, "comand: Extra inputs"),
        ("a", {"transport": "streamable_http", "url": "ftp://x"}, "url: URL scheme"),
        (
            "a",
            {"transport": "streamable_http", "url": "http://u:p@h/mcp"},
            "credentials in headers",
        ),
        ("a", {"command": "x"}, "transport: must be 'stdio' or 'streamable_http'"),
        ("a", {"transport": "sse", "url": "http://h"}, "not 'sse'"),
        ("a", "python", "must be an object"),
        ("a__b", {"transport": "stdio", "command": "x"}, "invalid server name"),
        ("has space", {"transport": "stdio", "command": "x"}, "invalid server name"),
        (
            "a",
            {"transport": "streamable_http", "url": "http://h", "headers": {"X": "${NOPE_UNSET}"}},
            "headers.X: environment variable 'NOPE_UNSET' is not set",
        ),
    ],
)
def test_a_bad_server_entry_names_the_field(name: str, raw: Any, expected: str) -> None:
    entry = parse_server(name, raw)
    assert entry.connection is None and entry.error is not None
    assert expected in entry.error


async def test_a_misconfigured_server_is_down_and_the_others_run(tmp_path: Path) -> None:
    entry = parse_server("broken", {"transport": "stdio", "args": 3})
    server = McpServer(entry, MultiServerMCPClient({}))
    server.start()
    await server.first_attempt(1)
    status = server.status()
    assert status["state"] == "down" and status["retry_in_s"] is None
    assert "invalid configuration: command: Field required" in status["last_error"]
    with pytest.raises(ToolError, match="MCP server 'broken' is down"):
        await server.call("anything", {})


def test_settings_for_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tmp_path / "mcp.json", {"servers": {}})
    monkeypatch.setenv("TOOLLOOM_MCP_CONFIG", str(config))
    monkeypatch.setenv("TOOLLOOM_TOOL_MODULES", " pkg.one , pkg.two ")
    monkeypatch.setenv("TOOLLOOM_TOOLS_DISABLED", "web_scrape,api_request")
    settings = load_settings()
    assert settings.mcp_config == config
    assert settings.tool_modules == ("pkg.one", "pkg.two")
    assert settings.tools_disabled == ("web_scrape", "api_request")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TOOLLOOM_MCP_CONFIG", "/no/such/mcp.json"),
        ("TOOLLOOM_TOOL_MODULES", "ok.mod,not-a.module"),
    ],
)
def test_bad_source_settings_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert name in str(error.value)


# --- Python tool modules -----------------------------------------------------------------------


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path for throwaway tool modules (removed from sys.modules afterwards)."""
    folder = tmp_path / "mods"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    before = set(sys.modules)
    yield folder
    for name in set(sys.modules) - before:
        del sys.modules[name]


def module(folder: Path, name: str, source: str) -> str:
    (folder / f"{name}.py").write_text(textwrap.dedent(source))
    return name


LISTED = """
    from langchain_core.tools import ToolException, tool

    @tool
    def double(n: int) -> int:
        '''Double a number.'''
        return n * 2

    @tool
    def oops(n: int) -> int:
        '''Fails.'''
        raise ToolException(f"no luck with {n}")

    @tool
    def crash(n: int) -> int:
        '''Crashes.'''
        return 1 // 0

    @tool
    async def nap(seconds: float) -> str:
        '''Sleeps.'''
        import asyncio
        await asyncio.sleep(seconds)
        return "awake"

    @tool
    def big(n: int) -> str:
        '''A long answer.'''
        return "y" * n

    @tool
    def unlisted() -> str:
        '''Not in the tools list.'''
        return "?"

    double.metadata = {"read_only": True}
    tools = [double, oops, crash, nap, big]
"""


async def test_a_module_tools_list_loads_and_runs_under_the_rules(modules: Path) -> None:
    name = module(modules, "listed_tools", LISTED)
    loaded = {t.name: t for t in load_tool_modules([name], timeout=0.5, output_chars=300)}
    assert list(loaded) == ["double", "oops", "crash", "nap", "big"]
    double = loaded["double"]
    assert double.metadata is not None
    assert double.metadata["source"] == "python" and double.metadata["module"] == name
    assert double.metadata["read_only"] is True and loaded["oops"].metadata["read_only"] is False  # type: ignore[index]

    assert await double.ainvoke({"n": 21}) == "42"
    with pytest.raises(ToolError, match="no luck with 3"):
        await loaded["oops"].ainvoke({"n": 3})
    with pytest.raises(ToolError, match=r"crash failed \(ZeroDivisionError"):
        await loaded["crash"].ainvoke({"n": 1})
    with pytest.raises(ToolError, match=r"nap took longer than 0.5 s and was stopped"):
        await loaded["nap"].ainvoke({"seconds": 5})
    result = await loaded["big"].ainvoke({"n": 1000})
    marker = TRUNCATION_MARKER.format(omitted=700)
    assert len(result) == 300 and result.endswith(marker)
    assert await double.ainvoke({"n": 1}) == "2"  # the next call works


def test_a_module_without_a_list_offers_its_tool_attributes(modules: Path) -> None:
    name = module(
        modules,
        "loose_tools",
        """
        from langchain_core.tools import tool

        @tool
        def first(x: str) -> str:
            '''First.'''
            return x

        @tool
        def second(x: str) -> str:
            '''Second.'''
            return x

        helper = 3
        """,
    )
    loaded = load_tool_modules([name], timeout=1, output_chars=100)
    assert [t.name for t in loaded] == ["first", "second"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "raise RuntimeError('database password missing')",
            "importing {name!r} failed: RuntimeError: database password missing",
        ),
        ("import no_such_dependency_xyz", "No module named 'no_such_dependency_xyz'"),
        ("x = 1", "{name} defines no tools"),
        ("tools = 'nope'", "{name}.tools must be a list"),
        ("tools = [len]", "{name}.tools holds things that are not LangChain tools"),
    ],
)
def test_a_module_that_cannot_be_used_names_itself(
    modules: Path, source: str, expected: str
) -> None:
    name = module(modules, f"bad_{abs(hash(source))}", source)
    with pytest.raises(ToolModuleError) as error:
        load_tool_modules([name], timeout=1, output_chars=100)
    assert str(error.value).startswith("TOOLLOOM_TOOL_MODULES: ")
    assert expected.format(name=name) in str(error.value)


def test_a_missing_module_names_itself_with_a_hint(modules: Path) -> None:
    with pytest.raises(ToolModuleError) as error:
        load_tool_modules(["nowhere_pkg.tools"], timeout=1, output_chars=100)
    assert "cannot import 'nowhere_pkg.tools'" in str(error.value)
    assert "PYTHONPATH" in str(error.value)


def test_two_modules_with_the_same_tool_name(modules: Path) -> None:
    source = "from langchain_core.tools import tool\n@tool\ndef same() -> str:\n    '''x'''\n    return ''\n"
    one, two = module(modules, "dup_one", source), module(modules, "dup_two", source)
    with pytest.raises(
        ToolModuleError, match=r"two tools are named 'same' \(in dup_one and dup_two\)"
    ):
        load_tool_modules([one, two], timeout=1, output_chars=100)


# --- names and switching off ------------------------------------------------------------------


@pytest.fixture(scope="module")
def builtins(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    root = tmp_path_factory.mktemp("builtins")
    return build_tools(ToolConfig(workspace=root / "ws", sandbox_db=root / "db.sqlite"))


def python_tool(name: str) -> GuardedTool:
    def fn(x: str) -> str:
        return x

    inner = StructuredTool.from_function(fn, name=name, description=f"{name} tool")
    return guard_python_tool(inner, "tests.fake", timeout=1, output_chars=100)


def fake_server(name: str, *tool_names: str, connected: bool = True) -> McpServer:
    """A server whose listing is filled in directly (no connection)."""
    server = McpServer(
        parse_server(name, {"transport": "stdio", "command": "x"}), MultiServerMCPClient({})
    )
    schema = {"type": "object", "properties": {"x": {"type": "string"}}}
    server.tools = {
        t: RemoteTool(t, f"{t} from {name}", schema, {}, schema_validator(schema), python_tool("x"))
        for t in tool_names
    }
    server.connects = 1 if connected else 0
    server.state = "ok" if connected else "down"
    return server


def test_names_clashing_with_builtins_or_earlier_servers_are_prefixed(builtins: list[Any]) -> None:
    alpha = fake_server("alpha", "echo", "file_read", "tickets.search")
    beta = fake_server("beta", "echo", "unique")
    box = Toolbox(builtins, [python_tool("mine")], [alpha, beta])
    names = [t.name for t in box.tools]
    assert names[:16] == [t.name for t in builtins]
    assert names[16:] == [
        "mine",
        "echo",
        "alpha__file_read",
        "tickets_search",
        "beta__echo",
        "unique",
    ]
    described = {d["function"]["name"]: d for d in box.describe()}
    assert described["beta__echo"]["server"] == "beta"
    assert described["beta__echo"]["original_name"] == "echo"
    assert described["beta__echo"]["prefix"] == "beta__"
    assert described["tickets_search"]["original_name"] == "tickets.search"
    assert described["tickets_search"]["prefix"] is None  # only characters were replaced
    assert described["echo"]["prefix"] is None
    assert described["alpha__file_read"]["source"] == "mcp"
    assert described["file_read"]["source"] == "builtin" and described["file_read"]["read_only"]
    assert described["mine"]["source"] == "python" and described["mine"]["module"] == "tests.fake"
    assert described["echo"]["function"]["parameters"]["properties"] == {"x": {"type": "string"}}


def test_a_python_tool_may_not_take_a_builtin_name(builtins: list[Any]) -> None:
    with pytest.raises(ToolNameError, match="'calculator', the name of a built-in"):
        Toolbox(builtins, [python_tool("calculator")])


def test_disabled_tools_are_gone_from_every_list(builtins: list[Any]) -> None:
    alpha = fake_server("alpha", "echo", "other")
    box = Toolbox(
        builtins,
        [python_tool("mine")],
        [alpha],
        disabled=["web_scrape", "api_request", "mine", "alpha__other"],
    )
    box.check_disabled()
    names = {t.name for t in box.tools}
    assert {"web_scrape", "api_request", "mine", "other"}.isdisjoint(names)
    assert "echo" in names and len(names) == 15
    assert {d["function"]["name"] for d in box.describe()} == names
    assert "web_scrape" not in {t.name for t in box.local_tools}


def test_an_unknown_disabled_name_is_an_error(builtins: list[Any]) -> None:
    box = Toolbox(builtins, [], [fake_server("alpha", "echo")], disabled=["web_scrap"])
    with pytest.raises(
        ToolNameError, match="TOOLLOOM_TOOLS_DISABLED: no tool is named 'web_scrap'"
    ):
        box.check_disabled()


def test_an_unknown_disabled_name_waits_for_a_server_not_listed_yet(
    builtins: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    late = fake_server("late", connected=False)
    box = Toolbox(builtins, [], [late], disabled=["ticket_delete"])
    box.check_disabled()
    assert "ticket_delete match no tool yet; MCP servers late" in caplog.text
    late.tools = fake_server("late", "ticket_delete", "ticket_read").tools
    late.connects, late.state = 1, "ok"
    box._rebuild()
    assert "ticket_read" in {t.name for t in box.tools}
    assert "ticket_delete" not in {t.name for t in box.tools}


def test_local_tools_from_settings(
    modules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = module(modules, "listed_for_settings", LISTED)
    settings = load_settings(
        workspace=tmp_path / "ws",
        sandbox_db=tmp_path / "db.sqlite",
        tool_modules=name,
        tools_disabled="web_scrape,crash",
    )
    config = ToolConfig(workspace=tmp_path / "ws", sandbox_db=tmp_path / "db.sqlite")
    names = [t.name for t in local_tools(tool_sources_from(settings, config))]
    assert names[-4:] == ["double", "oops", "nap", "big"]
    assert "web_scrape" not in names and "crash" not in names and len(names) == 19
    with pytest.raises(ToolNameError, match="'nope'"):
        local_tools(tool_sources_from(load_settings(tools_disabled="nope"), config))


# --- the guard for MCP tools -----------------------------------------------------------------


async def test_arguments_are_checked_against_the_json_schema_before_the_call() -> None:
    calls: list[dict[str, Any]] = []

    async def runner(arguments: dict[str, Any]) -> Any:
        calls.append(arguments)
        return {"ok": True}

    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer"}, "tag": {"enum": ["a", "b"]}},
        "required": ["n"],
    }
    guarded = GuardedTool(
        name="remote", description="d", args_schema=schema, runner=runner,
        validator=schema_validator(schema), timeout=1, output_chars=100,
    )  # fmt: skip
    with pytest.raises(ToolError) as error:
        await guarded.ainvoke({"tag": "c"})
    assert str(error.value) == (
        "invalid arguments: (arguments): 'n' is a required property; "
        "tag: 'c' is not one of ['a', 'b']"
    )
    assert calls == []
    assert await guarded.ainvoke({"n": 1}) == '{"ok":true}'
    assert calls == [{"n": 1}]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"x": {"type": 12}}},
        {"type": "string"},
        {"type": "object", "required": "x"},
    ],
)
def test_malformed_schemas_are_recognised(schema: dict[str, Any]) -> None:
    from jsonschema.exceptions import SchemaError

    with pytest.raises(SchemaError):
        schema_validator(schema)


async def test_timeout_and_cap_apply_to_any_runner() -> None:
    async def slow(arguments: dict[str, Any]) -> str:
        await asyncio.sleep(5)
        return ""

    guarded = GuardedTool(
        name="slow", description="d", args_schema={"type": "object"}, runner=slow, timeout=0.2
    )
    with pytest.raises(ToolError, match=r"^slow took longer than 0.2 s and was stopped$"):
        await guarded.ainvoke({})


def test_sync_use_is_refused_clearly() -> None:
    @tool
    def f(x: str) -> str:
        """F."""
        return x

    guarded = guard_python_tool(f, "m", timeout=1, output_chars=10)
    with pytest.raises(ToolError, match="only be called asynchronously"):
        guarded.invoke({"x": "a"})


# --- the command line ---------------------------------------------------------------------------


def test_toolloom_mcp_stops_with_the_module_named(
    modules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from server.cli import app

    name = module(modules, "explodes_on_import", "raise KeyError('DB_URL')")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["mcp"], env={"TOOLLOOM_TOOL_MODULES": name, "TOOLLOOM_WORKSPACE": str(tmp_path)}
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"toolloom: TOOLLOOM_TOOL_MODULES: importing {name!r} failed: KeyError: 'DB_URL'"
    )
