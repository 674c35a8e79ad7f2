"""The side-effect flag every tool carries (issue #20 item 1)."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.tools import BaseTool, tool

from tools.base import ToolConfig
from tools.effects import declared_effect, effect_of, is_read_only, mcp_effect
from tools.external.modules import guard_python_tool
from tools.registry import build_tools


@pytest.fixture(scope="module")
def builtins(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BaseTool]:
    root = tmp_path_factory.mktemp("effects")
    config = ToolConfig(workspace=root / "ws", sandbox_db=root / "sandbox.db")
    return {t.name: t for t in build_tools(config)}


def test_builtin_writers_are_side_effecting(builtins: dict[str, BaseTool]) -> None:
    assert effect_of(builtins["file_write"], {"path": "a.txt", "content": "x"}) == "file"
    assert effect_of(builtins["database_execute"], {"sql": "DELETE FROM t"}) == "database"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"url": "https://example.com"}, None),
        ({"url": "https://example.com", "method": "GET"}, None),
        ({"url": "https://example.com", "method": "head"}, None),
        ({"url": "https://example.com", "method": "POST"}, "network"),
        ({"url": "https://example.com", "method": "delete"}, "network"),
        ({"url": "https://example.com", "method": "PUT"}, "network"),
    ],
)
def test_api_request_depends_on_the_method(
    builtins: dict[str, BaseTool], args: dict[str, Any], expected: str | None
) -> None:
    assert effect_of(builtins["api_request"], args) == expected


def test_every_other_builtin_is_read_only(builtins: dict[str, BaseTool]) -> None:
    writers = {"file_write", "database_execute", "api_request"}
    for name, builtin in builtins.items():
        assert is_read_only(builtin) == (name not in writers), name
    assert len(builtins) == 16


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        (None, "external"),
        ({}, "external"),
        ({"read_only": True}, None),
        ({"side_effects": False}, None),
        ({"side_effects": True}, "external"),
        ({"side_effects": "database"}, "database"),
        ({"read_only": False}, "external"),
        ({"side_effects": "nonsense"}, "external"),
    ],
)
def test_python_tools_declare_their_effect(
    metadata: dict[str, Any] | None, expected: str | None
) -> None:
    assert declared_effect(metadata) == expected

    @tool
    def ping(host: str) -> str:
        """Ping a host."""
        return host

    ping.metadata = metadata
    guarded = guard_python_tool(ping, "tests.fake", timeout=1, output_chars=100)
    assert effect_of(guarded, {"host": "x"}) == expected
    assert guarded.metadata is not None and guarded.metadata["read_only"] == (expected is None)


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        (None, "external"),
        ({}, "external"),
        ({"readOnlyHint": True}, None),
        ({"readOnlyHint": False}, "external"),
        ({"readOnlyHint": None, "destructiveHint": False}, "external"),
        ({"destructiveHint": True}, "external"),
    ],
)
def test_mcp_tools_follow_read_only_hint(
    annotations: dict[str, Any] | None, expected: str | None
) -> None:
    assert mcp_effect(annotations) == expected


def test_a_raw_outside_tool_without_metadata_is_side_effecting() -> None:
    @tool
    def mystery() -> str:
        """Does something."""
        return "?"

    mystery.metadata = {"source": "python"}
    assert effect_of(mystery, {}) == "external"
