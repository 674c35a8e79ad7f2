"""Each assistant as a tool of toolloom's MCP server (``/mcp``), beside the sandboxed tools.

A tool is named after its assistant (``agent`` for the graph's default one; the caller's own
assistants under their names, made tool names) and takes
``message`` (the user's turn) and, optionally, ``thread_id`` (a thread of the caller's to continue,
made when new; without one the run has a thread of its own, deleted afterwards). A call is a
stored run of the assistant for the key that called ``/mcp`` (:mod:`server.agentserver.agent_calls`:
the same keys, limits, tool-call recovery and side-effect rules as every run); the result's text
is the agent's answer, and its structured content says which run and thread it was.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mcp import types

from server.agentserver import agent_calls
from server.agentserver.shapes import ASSISTANT_ID, GRAPH_ID
from server.agentserver.worker import RunWorker
from server.api_error import ApiError
from server.auth.api_keys import Principal
from server.runtime import AgentRuntime

DESCRIPTION = (
    "Ask toolloom's agent. It answers in plain words and uses its own sandboxed tools when the "
    "request needs them (calculator, current time, files in its workspace, a sandbox database, "
    "public HTTP APIs and web pages). Pass thread_id to continue a conversation."
)
INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "What to ask the agent.", "minLength": 1},
        "thread_id": {
            "type": "string",
            "description": "A conversation to continue (made if new); omit for a one-off.",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9_.:\\-]{0,127}$",
        },
    },
    "required": ["message"],
    "additionalProperties": False,
}
OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "status": {"type": "string"},
        "run_id": {"type": "string"},
        "thread_id": {"type": ["string", "null"]},
    },
    "required": ["answer", "status", "run_id"],
}


@dataclass(frozen=True)
class AgentToolSpec:
    """One assistant offered as a tool."""

    name: str
    assistant_id: str
    description: str = DESCRIPTION


MAX_ASSISTANT_TOOLS = 100


def tool_name(name: str, taken: set[str], assistant_id: str) -> str:
    """An assistant's name as a tool name (letters, digits, ``_`` and ``-``, at most 64), made
    unique with the start of its id when another tool has it."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")[:55] or "assistant"
    return cleaned if cleaned not in taken else f"{cleaned}_{assistant_id[:8]}"


class AgentTools:
    """The assistants' tools for the MCP server: the graph's default assistant as ``agent``, and
    each of the caller's own assistants under its name; ``running()`` gives the running
    server's runtime and run worker."""

    def __init__(self, running: Callable[[], tuple[AgentRuntime, RunWorker] | None]) -> None:
        self.running = running

    async def specs(self, caller: Principal, taken: set[str]) -> list[AgentToolSpec]:
        """The tools, for this caller (``taken``: the names other tools have)."""
        found = [AgentToolSpec(GRAPH_ID, ASSISTANT_ID)]
        running = self.running()
        if running is None or running[0].assistants is None:
            return found
        assistants, _ = await asyncio.to_thread(
            running[0].assistants.search, caller.name, limit=MAX_ASSISTANT_TOOLS
        )
        names = set(taken) | {GRAPH_ID}
        for assistant in assistants:
            if assistant.assistant_id == ASSISTANT_ID:
                continue
            name = tool_name(assistant.name, names, assistant.assistant_id)
            names.add(name)
            about = assistant.description or f"the assistant {assistant.name!r}"
            description = (
                f"Ask {about} (a configuration of toolloom's agent). Pass thread_id to "
                "continue a conversation."
            )
            found.append(AgentToolSpec(name, assistant.assistant_id, description))
        return found

    @staticmethod
    def definitions(specs: list[AgentToolSpec]) -> list[types.Tool]:
        return [
            types.Tool(
                name=spec.name,
                description=spec.description,
                inputSchema=INPUT_SCHEMA,
                outputSchema=OUTPUT_SCHEMA,
                annotations=types.ToolAnnotations(
                    readOnlyHint=False, destructiveHint=False, openWorldHint=True
                ),
            )
            for spec in specs
        ]

    async def call(
        self, spec: AgentToolSpec, arguments: dict[str, Any], caller: Principal
    ) -> types.CallToolResult:
        """Run the assistant on the message; a refused run (a bad thread, the key's limits) is
        an error result with the reason, as a failed tool call is."""
        running = self.running()
        message = arguments.get("message")
        thread_id = arguments.get("thread_id")
        if running is None:
            return _error("the server is starting")
        runtime, worker = running
        if not isinstance(message, str) or not message.strip():
            return _error("message: a non-empty string is required")
        if thread_id is not None and not isinstance(thread_id, str):
            return _error("thread_id: a string is required")
        try:
            answer = await agent_calls.ask(
                runtime,
                worker,
                caller,
                message,
                thread_id=thread_id,
                assistant_id=spec.assistant_id,
            )
        except ApiError as error:
            return _error(error.message)
        structured = {
            "answer": answer.text,
            "status": answer.status,
            "run_id": answer.run_id,
            "thread_id": thread_id,
        }
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=answer.text or f"({answer.status})")],
            structuredContent=structured,
            isError=answer.status == "error",
        )


def _error(text: str) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=f"Error: {text}")], isError=True
    )
