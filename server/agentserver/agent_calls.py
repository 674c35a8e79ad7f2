"""The agent asked by another agent: one message in, the agent's answer out, as a stored run.

A2A (:mod:`server.agentserver.a2a`) and the agent's tool on toolloom's MCP server
(:mod:`server.agentserver.agent_tool`) both make their run here, through
:func:`server.road.run.prepare_agent_run` (so the caller's key, its limits, the worker,
tool-call recovery and the side-effect rules apply as to any run), on the caller's thread when
they name one (made if new) or on a thread of its own otherwise, and read the answer from what
the run streamed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from server.agentserver.shapes import GRAPH_ID
from server.agentserver.stored_runs import AgentRunRequest, StoredRun, prepare_agent_run, run_result
from server.agentserver.worker import RunWorker
from server.auth.api_keys import Principal
from server.runtime import AgentRuntime


@dataclass
class Answer:
    """How the agent's run ended."""

    run_id: str
    thread_id: str
    status: str
    """``success``, ``error``, ``interrupted`` (or ``pending`` / ``running`` when not waited)."""
    text: str = ""
    """The last AI message's text (the error's message for a failed run)."""
    values: dict[str, Any] = field(default_factory=dict)
    interrupts: list[dict[str, Any]] = field(default_factory=list)


def message_text(message: Any) -> str:
    """A message's content as text (content blocks joined)."""
    content = (
        message.get("content") if isinstance(message, dict) else getattr(message, "content", "")
    )
    if isinstance(content, str):
        return content
    parts = []
    for block in content or []:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)


def last_ai_text(values: Any) -> str:
    messages = values.get("messages") if isinstance(values, dict) else None
    for message in reversed(messages or []):
        kind = message.get("type") if isinstance(message, dict) else getattr(message, "type", "")
        if kind in ("ai", "AIMessage", "AIMessageChunk"):
            return message_text(message)
    return ""


async def start(
    runtime: AgentRuntime,
    worker: RunWorker,
    caller: Principal,
    text: str,
    *,
    thread_id: str | None = None,
    assistant_id: str = GRAPH_ID,
    stream_mode: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
    listen: bool = True,
) -> StoredRun:
    """Store the run of one user message (4xx :class:`~server.api_error.ApiError` as for any
    run: a bad assistant, another key's thread, the key's limits)."""
    request = AgentRunRequest(
        assistant_id=assistant_id,
        input={"messages": [{"role": "user", "content": text}]},
        metadata=metadata or {},
        stream_mode=stream_mode or ["values"],
        if_not_exists="create",
        on_completion="delete",
    )
    return await prepare_agent_run(runtime, worker, caller, thread_id, request, listen=listen)


async def events(run: StoredRun) -> AsyncIterator[tuple[str, Any]]:
    """The run's events (name, decoded data) until it ends."""
    listener = run.events
    try:
        async for item in listener.events(fresh=True):
            if item is not None:
                yield item[0], json.loads(item[1])
    finally:
        listener.close()


async def finish(runtime: AgentRuntime, run: StoredRun) -> Answer:
    """How the run ended, once it has (its events drained first)."""
    outcome = run.events.outcome if run.events is not None else None
    row = await asyncio.to_thread(runtime.store.runs.find_run, run.run_id)
    status = row.status if row is not None else "success"
    body = outcome.body() if outcome is not None else None
    if body is None:
        body = await run_result(runtime, row, None)
    answer = Answer(run.run_id, run.thread_id, status)
    if isinstance(body, dict) and "__error__" in body:
        answer.status = "error"
        answer.text = str(body["__error__"].get("message") or "the run failed")
        return answer
    if isinstance(body, dict):
        answer.interrupts = list(body.pop("__interrupt__", []) or [])
        answer.values = body
        answer.text = last_ai_text(body)
    return answer


async def ask(
    runtime: AgentRuntime,
    worker: RunWorker,
    caller: Principal,
    text: str,
    *,
    thread_id: str | None = None,
    assistant_id: str = GRAPH_ID,
) -> Answer:
    """Run one message to the end and return the answer."""
    run = await start(runtime, worker, caller, text, thread_id=thread_id, assistant_id=assistant_id)
    async for _ in events(run):
        pass
    return await finish(runtime, run)
