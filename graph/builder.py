r"""build_graph(llm, tools) -> StateGraph: the five nodes and the edges between them.

    START -> route -> call-tool ------> reflect -> route | respond
                  \-> detect-intent -> call-tool | respond
                  \-> respond (limit reached)
    respond -> END

In tool-call mode (``Context.client_tools`` set) nothing is executed: route and detect-intent
end the run with the tool calls for the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.tools import BaseTool
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from graph.context import Context
from graph.state import InputState, State
from nodes.call_tool import make_call_tool
from nodes.common import pending_tool_calls, tools_ran_this_turn
from nodes.detect_intent import make_detect_intent
from nodes.llm_io import Backend
from nodes.parsers import parse_text_tool_calls
from nodes.reflect import make_reflect
from nodes.resilience import RetryPolicy
from nodes.respond import make_respond
from nodes.route import make_route
from nodes.validation import ToolSpec

NODES = ("route", "detect-intent", "call-tool", "reflect", "respond")


def build_graph(
    llm: BaseChatModel,
    tools: Sequence[BaseTool],
    *,
    defaults: Context | None = None,
    policy: RetryPolicy | None = None,
) -> StateGraph[State, Context, InputState, State]:
    """The agent graph, uncompiled: callers compile it with their own checkpointer.

    ``defaults`` holds the limits used when a run passes no ``context`` (LangServe, Studio);
    ``policy`` the retries and circuit breaker for calls to ``llm`` (give the model itself no
    retries of its own: ``max_retries=0``).
    """
    defaults = defaults or Context()
    backend = Backend(llm, policy)
    specs = [ToolSpec.from_tool(tool) for tool in tools]

    def client_mode(runtime: Runtime[Context]) -> bool:
        return (runtime.context or defaults).client_tools is not None

    def after_route(
        state: State, runtime: Runtime[Context]
    ) -> Literal["call-tool", "detect-intent", "respond", "__end__"]:
        if state.get("stop_reason"):
            return "respond"
        if pending_tool_calls(state["messages"]):
            return "__end__" if client_mode(runtime) else "call-tool"
        if tools_ran_this_turn(state["messages"]) and not parse_text_tool_calls(
            state.get("draft", "")
        ):
            # After tools have run only stage 1 (calls written in the reply) applies: with none
            # in the reply there is nothing for detect-intent to do.
            return "respond"
        return "detect-intent"

    def after_detect_intent(
        state: State, runtime: Runtime[Context]
    ) -> Literal["call-tool", "respond", "__end__"]:
        if pending_tool_calls(state["messages"]):
            return "__end__" if client_mode(runtime) else "call-tool"
        return "respond"

    def after_reflect(state: State) -> Literal["route", "respond"]:
        return "route" if state.get("verdict") == "route" else "respond"

    builder = StateGraph(State, context_schema=Context, input_schema=InputState)
    builder.add_node("route", make_route(backend, specs, defaults))
    builder.add_node("detect-intent", make_detect_intent(backend, specs, defaults))
    builder.add_node("call-tool", make_call_tool(tools, defaults))
    builder.add_node("reflect", make_reflect(defaults))
    builder.add_node("respond", make_respond(backend, defaults))

    builder.add_edge(START, "route")
    builder.add_conditional_edges("route", after_route)
    builder.add_conditional_edges("detect-intent", after_detect_intent)
    builder.add_edge("call-tool", "reflect")
    builder.add_conditional_edges("reflect", after_reflect)
    builder.add_edge("respond", END)
    return builder
