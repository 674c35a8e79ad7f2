"""What every built-in tool shares: the error type, result shaping and size limits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typing_extensions import TypedDict

TRUNCATION_MARKER = "…[truncated: {omitted} more characters]"


class ToolResult(TypedDict, total=False):
    """The fields of a tool's JSON result that the respond step relies on. Tools add their own
    fields beside these; every built-in gives at least ``summary``."""

    summary: str
    """One line for the user, in English: what the tool found or did."""
    summary_ko: str
    """The same line in Korean, where the tool has one (time_now)."""
    key: str | int | float | None
    """The value an answer must contain (the calculator's result, the time, a mean): an answer
    written by the model without it is replaced by ``summary``."""


class ToolError(Exception):
    """A clear, expected failure of a tool call; its message goes back to the model."""


def check_input_size(field: str, value: str, limit: int) -> None:
    """Refuse an argument longer than ``limit`` characters, naming the field."""
    if len(value) > limit:
        raise ToolError(f"{field}: {len(value)} characters is over the limit of {limit}")


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, ending with a marker that says how much was cut."""
    if len(text) <= limit:
        return text
    marker = TRUNCATION_MARKER.format(omitted=len(text) - limit)
    return text[: max(0, limit - len(marker))] + marker


def dump_result(result: Any, limit: int) -> str:
    """Serialise a tool result for the model: compact JSON (strings as they are), truncated."""
    text = (
        result
        if isinstance(result, str)
        else json.dumps(result, ensure_ascii=False, default=str, separators=(",", ":"))
    )
    return truncate(text, limit)


@dataclass(frozen=True)
class ToolConfig:
    """Server-side settings the tools need; never visible to the model."""

    workspace: Path = Path("workspace")
    sandbox_db: Path = Path("sandbox.db")
    timeout: float = 15.0
    output_chars: int = 8000
    input_chars: int = 1_000_000
    """Longest text argument a tool accepts (file content, JSON, CSV, SQL)."""
    file_max_bytes: int = 1_000_000
    """Largest file read or written."""
    list_max_entries: int = 500
    list_max_depth: int = 5
    db_max_rows: int = 200
    db_time_limit: float = 2.0
    """Seconds one SQL statement may run before it is interrupted."""
    net_timeout: float = 10.0
    """Total seconds for one HTTP request, redirects included."""
    net_max_bytes: int = 2_000_000
    net_max_redirects: int = 5
    net_methods: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
    net_allowed_hosts: tuple[str, ...] = ()
    """When not empty, the only hosts api_request and web_scrape may reach."""
    net_allow_private: bool = False
    """Allow loopback and private addresses (tests, intranets). Off: only global addresses."""
