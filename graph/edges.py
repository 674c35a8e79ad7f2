"""The graph's conditional edges: each reads the state (and the run's mode) and names the next node."""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Send

from graph.context import Context
from graph.state import State
from nodes.common import pending_tool_calls, tools_ran_this_turn
from nodes.parsers import parse_text_tool_calls


def _client_mode(runtime: Runtime[Context]) -> bool:
    return runtime.context is not None and runtime.context.client_mode


async def after_route(
    state: State, runtime: Runtime[Context]
) -> Literal["call-tool", "detect-intent", "respond", "__end__"]:
    """Native calls run (or go back to the client in tool-call mode); a limit ends the run with
    an answer; anything else may hold a call that detect-intent recovers."""
    if state.get("stop_reason"):
        return "respond"
    decision = state.get("intent")
    if decision is not None and decision["kind"] == "chat" and not state.get("draft"):
        return "respond"  # plain chat: no tool to find
    if pending_tool_calls(state["messages"]):
        return "__end__" if _client_mode(runtime) else "call-tool"
    if tools_ran_this_turn(state["messages"]) and not parse_text_tool_calls(state.get("draft", "")):
        # After tools have run only stage 1 (calls written in the reply) applies: with none in
        # the reply there is nothing for detect-intent to do.
        return "respond"
    return "detect-intent"


async def after_detect_intent(
    state: State, runtime: Runtime[Context]
) -> Literal["call-tool", "respond", "__end__"]:
    """Recovered calls run (or go back to the client); no call means an answer."""
    if pending_tool_calls(state["messages"]):
        return "__end__" if _client_mode(runtime) else "call-tool"
    return "respond"


async def after_call_tool(state: State) -> list[Send] | Literal["reflect"]:
    """Calls that wait for a person go to approve, each as its own task (two calls waiting at
    once are two interrupts, decided together or one at a time); otherwise reflect."""
    awaiting = state.get("awaiting") or {}
    decided = state.get("decisions") or {}
    waiting = sorted(
        (
            (request.get("index", 0), call_id, request)
            for call_id, request in awaiting.items()
            if call_id not in decided
        ),
        key=lambda item: (item[0], item[1]),
    )
    if waiting:
        return [Send("approve", {"call_id": call_id, "request": r}) for _, call_id, r in waiting]
    return "reflect"


async def after_reflect(state: State) -> Literal["route", "respond"]:
    """reflect's verdict."""
    return "route" if state.get("verdict") == "route" else "respond"
