"""The Agent Server API's shapes (server/agentserver/shapes.py) on a graph that waits on an ``interrupt()``,
as issue #20's approvals will: the state shows the pending interrupt where the reference shows
it (``interrupts``, ``tasks[].interrupts``, the thread's ``interrupts`` by task), and a
``command`` resumes it."""

from __future__ import annotations

import json
import uuid

from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Send, interrupt
from typing_extensions import TypedDict

from server.agentserver.shapes import ASSISTANT_ID, thread_state
from server.road.approvals import command_of
from server.road.encoding import dumps, pending_interrupts


class Approval(TypedDict):
    asked: str
    answer: str


def ask(state: Approval) -> dict[str, str]:
    return {"answer": interrupt({"action": state["asked"]})}


def approvals() -> object:
    graph = StateGraph(Approval)
    graph.add_node("ask", ask)
    graph.add_edge(START, "ask")
    graph.add_edge("ask", END)
    return graph.compile(checkpointer=InMemorySaver())


async def test_a_pending_interrupt_shows_in_the_state_and_a_command_resumes_it() -> None:
    graph = approvals()
    config = {"configurable": {"thread_id": "t"}}
    await graph.ainvoke({"asked": "write notes.txt"}, config)  # type: ignore[attr-defined]
    snapshot = await graph.aget_state(config)  # type: ignore[attr-defined]
    state = json.loads(dumps(thread_state(snapshot)))
    [pending] = state["interrupts"]
    assert pending["value"] == {"action": "write notes.txt"} and pending["id"]
    assert state["next"] == ["ask"]
    assert state["tasks"][0]["name"] == "ask" and state["tasks"][0]["interrupts"] == [pending]
    assert state["checkpoint"]["thread_id"] == "t" and state["checkpoint_id"]
    assert pending_interrupts(snapshot) == {state["tasks"][0]["id"]: [pending]}

    resumed = await graph.ainvoke(command_of({"resume": "approved"}), config)  # type: ignore[attr-defined]
    assert resumed == {"asked": "write notes.txt", "answer": "approved"}
    after = await graph.aget_state(config)  # type: ignore[attr-defined]
    assert thread_state(after)["interrupts"] == [] and pending_interrupts(after) == {}


def test_an_empty_thread_has_an_empty_state() -> None:
    state = thread_state(None)
    assert (state["values"], state["next"], state["checkpoint"]) == ({}, [], None)


def test_commands_as_the_reference_maps_them() -> None:
    command = command_of(
        {"goto": {"node": "respond", "input": {"x": 1}}, "update": [["messages", []]]}
    )
    assert command.goto == [Send("respond", {"x": 1})]
    assert command.update == [("messages", [])]
    assert command_of({"goto": "route"}).goto == ["route"]


def test_json_of_messages_interrupts_and_ids() -> None:
    text = dumps({"m": AIMessage("hi", id="a1"), "u": uuid.UUID(ASSISTANT_ID), "s": {1}})
    data = json.loads(text)
    assert data["m"]["type"] == "ai" and data["m"]["content"] == "hi"
    assert data["u"] == ASSISTANT_ID and data["s"] == [1]
    assert (
        str(uuid.uuid5(uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8"), "agent")) == ASSISTANT_ID
    )
