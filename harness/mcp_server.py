"""A small MCP server for the tests, built with the MCP SDK's FastMCP.

    python harness/mcp_server.py                 # stdio
    python harness/mcp_server.py --http PORT     # streamable HTTP on 127.0.0.1:PORT/mcp

Its tools cover the cases toolloom must survive: ``add`` and ``echo`` (plain), ``slow`` (sleeps
as long as asked), ``huge`` (a result of N characters), ``fail`` (raises: an ``isError``
result), ``lookup`` (``readOnlyHint``), ``broken`` (advertises a malformed argument schema),
``file_read`` (clashes with a built-in) and ``pid`` (the process id, so a test can kill it).

:class:`HttpMcp` runs it over streamable HTTP in a child process for the tests and benchmarks.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from mcp.server.fastmcp import FastMCP
from mcp.types import ToolAnnotations


def build(port: int = 8000) -> FastMCP:
    server = FastMCP("toolloom-test", host="127.0.0.1", port=port, log_level="WARNING")

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @server.tool()
    def echo(text: str) -> str:
        """Say the text back."""
        return text

    @server.tool()
    async def slow(seconds: float) -> str:
        """Sleep, then answer."""
        await asyncio.sleep(seconds)
        return f"slept {seconds}"

    @server.tool()
    def huge(chars: int) -> str:
        """A long answer."""
        return "x" * chars

    @server.tool()
    def fail(message: str) -> str:
        """Always fails."""
        raise ValueError(message)

    @server.tool(annotations=ToolAnnotations(readOnlyHint=True))
    def lookup(key: str) -> str:
        """Read a value (read-only)."""
        return f"value of {key}"

    @server.tool()
    def broken(x: str) -> str:
        """Advertises a malformed schema."""
        return x

    @server.tool()
    def file_read(path: str) -> str:
        """Same name as a toolloom built-in."""
        return f"remote {path}"

    @server.tool()
    def pid() -> int:
        """This server's process id."""
        return os.getpid()

    # A schema no validator accepts: "type" must be a string or a list of strings.
    server._tool_manager._tools["broken"].parameters = {
        "type": "object",
        "properties": {"x": {"type": 12}},
    }
    return server


class HttpMcp:
    """harness/mcp_server.py over streamable HTTP in a child process."""

    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__)), "--http", str(self.port)],
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the HTTP MCP server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", type=int, metavar="PORT")
    options = parser.parse_args()
    if options.http:
        build(options.http).run("streamable-http")
    else:
        build().run("stdio")


if __name__ == "__main__":
    main()
