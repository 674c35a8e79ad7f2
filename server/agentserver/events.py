"""A stored run's events, as the Agent Server API names them.

The run goes through the road's one driver (:meth:`server.road.run.Run.events`); this module only
gives its items the API's names, for the modes the run asked (``stream_mode``):

``metadata`` first (``run_id``, ``attempt``), then ``values`` (the state after each step),
``updates`` (``{node: update}``; an interrupt as ``{"__interrupt__": [...]}``, sent as a ``values``
event when ``updates`` was not asked, as the reference does), ``messages-tuple`` (``messages``:
``[chunk, metadata]``), ``messages`` (``messages/metadata`` once per message, then
``messages/partial`` with the message so far or ``messages/complete``), ``events`` (LangChain's
``astream_events`` v2), ``debug`` (checkpoint payloads carry ``checkpoint`` /
``parent_checkpoint``), ``tasks``, ``checkpoints``, ``custom``. With ``subgraphs`` an event of a
subgraph is named ``mode|namespace``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from langchain_core.messages import BaseMessage, BaseMessageChunk, message_chunk_to_message
from langgraph.version import __version__ as langgraph_version

from server.agentserver.calls import GraphCall
from server.agentserver.shapes import ASSISTANT_ID, GRAPH_ID, checkpoint_of
from server.road.run import NotClaimed, Run


def agent_config(run: Run, call: GraphCall) -> dict[str, Any]:
    """The graph's config for a stored run: the run's id (in the checkpoints' metadata, so a
    rollback finds them), its metadata, the client's configurable, tags and recursion limit;
    never an API key."""
    assert run.record is not None
    client = call.config
    config: dict[str, Any] = {
        "configurable": dict(client.get("configurable") or {}),
        "metadata": {
            **(client.get("metadata") or {}),
            "run_id": run.record,
            "thread_id": run.thread_id,
            "graph_id": GRAPH_ID,
            "assistant_id": (client.get("metadata") or {}).get("assistant_id", ASSISTANT_ID),
            "run_attempt": 1,
            "langgraph_version": langgraph_version,
        },
        "run_id": UUID(run.record),
    }
    for key in ("tags", "recursion_limit"):
        if client.get(key) is not None:
            config[key] = client[key]
    return config


async def stored_run_events(run: Run, call: GraphCall) -> AsyncIterator[tuple[str, Any]]:
    """Execute the stored run on the road and yield its events (see the module docstring).
    Yields nothing when the run is not this replica's to run now."""
    asked = set(call.stream_mode)
    modes = {m for m in asked if m not in ("events", "messages-tuple")}
    if "messages-tuple" in asked:
        modes.add("messages")
    partial: dict[str, BaseMessageChunk | BaseMessage] = {}
    started = False
    items = run.events(
        call.run_input(),
        agent_config(run, call),
        modes=sorted(modes),
        events="events" in asked,
        interrupt_before=call.interrupt_before,
        interrupt_after=call.interrupt_after,
        durability=call.durability,
    )
    try:
        async for namespace, mode, chunk in items:
            if not started:  # the run was claimed: it is this replica's
                started = True
                yield "metadata", {"run_id": run.record, "attempt": 1}
            if mode == "events":
                yield "events", chunk
                continue
            if namespace and not call.subgraphs:
                continue
            for event in _named(asked, namespace, mode, chunk, partial):
                yield event
    except NotClaimed:
        return


def _named(
    asked: set[str],
    namespace: tuple[str, ...],
    mode: str,
    chunk: Any,
    partial: dict[str, BaseMessageChunk | BaseMessage],
) -> list[tuple[str, Any]]:
    """The API's event(s) for one item of the driver."""
    suffix = "|" + "|".join(namespace) if namespace else ""
    if mode == "values":
        return [("values" + suffix, chunk)] if "values" in asked else []
    if mode == "updates":
        if "updates" in asked:
            return [("updates" + suffix, chunk)]
        found = chunk.get("__interrupt__") if isinstance(chunk, dict) else None
        return [("values" + suffix, chunk)] if found else []
    if mode == "messages":
        out: list[tuple[str, Any]] = []
        if "messages-tuple" in asked:
            out.append(("messages" + suffix, chunk))
        if "messages" in asked:
            message, metadata = chunk
            key = str(message.id)
            if key in partial:
                partial[key] = partial[key] + message
            else:
                partial[key] = message
                out.append(("messages/metadata", {key: {"metadata": metadata}}))
            whole = message_chunk_to_message(partial[key])
            if isinstance(message, BaseMessageChunk):
                out.append(("messages/partial", [whole]))
            else:
                out.append(("messages/complete", [whole]))
        return out
    if mode == "debug":
        return [("debug" + suffix, debug_payload(chunk))] if "debug" in asked else []
    return [(mode + suffix, chunk)] if mode in asked else []


def debug_payload(chunk: dict[str, Any]) -> dict[str, Any]:
    """A debug event; a checkpoint's carries ``checkpoint`` and ``parent_checkpoint`` as the
    reference adds them, and its tasks their ``checkpoint`` instead of a config."""
    if chunk.get("type") != "checkpoint" or not isinstance(chunk.get("payload"), dict):
        return chunk
    payload = dict(chunk["payload"])
    payload["checkpoint"] = checkpoint_of(payload.get("config"))
    payload["parent_checkpoint"] = checkpoint_of(payload.get("parent_config"))
    tasks = []
    for task in payload.get("tasks") or []:
        state = task.get("state") if isinstance(task, dict) else None
        if isinstance(state, dict) and state.get("configurable"):
            task = {k: v for k, v in task.items() if k != "state"}
            task["checkpoint"] = state["configurable"]
        tasks.append(task)
    payload["tasks"] = tasks
    return {**chunk, "payload": payload}
