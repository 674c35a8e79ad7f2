"""A tiny MCP server for the example config (``examples/mcp/servers.json``).

It keeps notes in a JSON file (``NOTES_FILE``, default ``notes.json``). Run it alone with
``python examples/mcp/notes_server.py`` (stdio) or ``--http 8765`` (streamable HTTP on
127.0.0.1:8765/mcp). ``list_notes`` and ``search_notes`` are marked read-only
(``readOnlyHint``); ``add_note`` is not, so toolloom treats it as a side effect.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from mcp.server.fastmcp import FastMCP
from mcp.types import ToolAnnotations

NOTES = Path(os.environ.get("NOTES_FILE", "notes.json"))


def _load() -> list[str]:
    return json.loads(NOTES.read_text()) if NOTES.exists() else []


def build(port: int = 8765) -> FastMCP:
    server = FastMCP("notes", host="127.0.0.1", port=port, log_level="WARNING")

    @server.tool()
    def add_note(text: str) -> str:
        """Save a note."""
        notes = [*_load(), text]
        NOTES.write_text(json.dumps(notes))
        return f"saved note {len(notes)}"

    @server.tool(annotations=ToolAnnotations(readOnlyHint=True))
    def list_notes() -> list[str]:
        """All saved notes, oldest first."""
        return _load()

    @server.tool(annotations=ToolAnnotations(readOnlyHint=True))
    def search_notes(query: str) -> list[str]:
        """Notes that contain the query (case-insensitive)."""
        return [note for note in _load() if query.lower() in note.lower()]

    return server


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", type=int, metavar="PORT")
    options = parser.parse_args()
    if options.http:
        build(options.http).run("streamable-http")
    else:
        build().run("stdio")
