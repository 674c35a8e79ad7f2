"""The MCP server file (``TOOLLOOM_MCP_CONFIG``): which servers to reach and how.

The file is JSON with one key, ``servers``, mapping a server name to a connection in the shape of
``langchain-mcp-adapters``' ``MultiServerMCPClient`` connections::

    {"servers": {
        "inventory": {"transport": "stdio", "command": "python", "args": ["inventory.py"],
                      "env": {"INVENTORY_DB": "/srv/inventory.db"}},
        "tickets":   {"transport": "streamable_http", "url": "https://tickets.internal/mcp",
                      "headers": {"Authorization": "Bearer ${TICKETS_TOKEN}"}}
    }}

``${VAR}`` in ``env`` and ``headers`` values is replaced from toolloom's environment (an unset
variable is an error, so a secret is never sent as the literal ``${VAR}``). A file that cannot be
read or is not such a mapping stops start-up (:class:`McpConfigError`); a server entry with a bad
field does not: that server is reported down with the error, naming the field, and the others run.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from tools.external.source_errors import McpConfigError

SERVER_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]|_(?!_)){0,31}$")
"""Letters, digits, ``-`` and single ``_`` (``__`` separates server and tool in prefixed names)."""
_VAR = re.compile(r"\$\{([^}]*)\}")
_TRANSPORT_ALIASES = {"http": "streamable_http", "streamable-http": "streamable_http"}


class StdioServer(BaseModel):
    """A server toolloom starts as a child process and talks to over stdin/stdout."""

    model_config = ConfigDict(extra="forbid")

    transport: Literal["stdio"]
    command: Annotated[str, Field(min_length=1)]
    """The executable (``python``, ``npx``, an absolute path)."""
    args: list[str] = []
    env: dict[str, str] | None = None
    """The child's environment on top of a safe default (PATH, HOME, ...); toolloom's own
    variables (API keys) are not passed on."""
    cwd: Path | None = None


class HttpServer(BaseModel):
    """A server reached over MCP's streamable HTTP transport."""

    model_config = ConfigDict(extra="forbid")

    transport: Literal["streamable_http"]
    url: AnyHttpUrl
    headers: dict[str, str] = {}
    timeout: Annotated[float, Field(gt=0, le=600)] = 30.0
    """Seconds for one HTTP exchange (the per-call timeout still applies on top)."""

    @field_validator("url")
    @classmethod
    def _http_only(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        if value.username or value.password:
            raise ValueError("put credentials in headers, not in the URL")
        return value


ServerConfig = Annotated[StdioServer | HttpServer, Field(discriminator="transport")]
_SERVER = TypeAdapter(ServerConfig)


@dataclass(frozen=True)
class ServerEntry:
    """One configured server: its adapters connection, or why its entry is unusable."""

    name: str
    transport: str
    connection: dict[str, Any] | None
    error: str | None = None


def _expand(value: str, where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ValueError(f"{where}: environment variable {name!r} is not set")
        return os.environ[name]

    return _VAR.sub(replace, value)


def _connection(server: StdioServer | HttpServer) -> dict[str, Any]:
    if isinstance(server, StdioServer):
        connection: dict[str, Any] = {
            "transport": "stdio",
            "command": server.command,
            "args": list(server.args),
        }
        if server.env is not None:
            connection["env"] = {k: _expand(v, f"env.{k}") for k, v in server.env.items()}
        if server.cwd is not None:
            connection["cwd"] = str(server.cwd)
        return connection
    return {
        "transport": "streamable_http",
        "url": str(server.url),
        "headers": {k: _expand(v, f"headers.{k}") for k, v in server.headers.items()},
        "timeout": server.timeout,
    }


def _field_errors(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        loc = [str(p) for p in error["loc"] if p not in ("stdio", "streamable_http")]
        parts.append(f"{'.'.join(loc) or '(entry)'}: {error['msg']}")
    return "; ".join(parts)


def parse_server(name: str, raw: Any) -> ServerEntry:
    """Validate one entry; an invalid one yields an entry with ``error`` naming the field."""
    transport = raw.get("transport") if isinstance(raw, dict) else None
    transport = _TRANSPORT_ALIASES.get(str(transport), transport)
    if not SERVER_NAME.match(name):
        error = (
            "invalid server name: use letters, digits, '-' and single '_' (at most 32 characters)"
        )
        return ServerEntry(name, str(transport), None, error)
    if not isinstance(raw, dict):
        return ServerEntry(name, "?", None, "the entry must be an object")
    if transport not in ("stdio", "streamable_http"):
        error = f"transport: must be 'stdio' or 'streamable_http', not {raw.get('transport')!r}"
        return ServerEntry(name, str(transport), None, error)
    try:
        server = _SERVER.validate_python({**raw, "transport": transport})
        return ServerEntry(name, transport, _connection(server))
    except ValidationError as exc:
        return ServerEntry(name, transport, None, _field_errors(exc))
    except ValueError as exc:
        return ServerEntry(name, transport, None, str(exc))


def load_mcp_config(path: Path) -> list[ServerEntry]:
    """Read the server file, in the order the servers are listed."""
    where = f"TOOLLOOM_MCP_CONFIG ({path})"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise McpConfigError(f"{where}: cannot read it: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise McpConfigError(
            f"{where}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    if not isinstance(data, dict) or set(data) != {"servers"}:
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise McpConfigError(f'{where}: expected {{"servers": {{"NAME": {{...}}}}}}, found {keys}')
    servers = data["servers"]
    if not isinstance(servers, dict):
        raise McpConfigError(f"{where}: 'servers' must map server names to connections")
    return [parse_server(str(name), raw) for name, raw in servers.items()]
