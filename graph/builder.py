r"""build_graph(llm, tools) -> StateGraph: the five nodes and the edges between them.

    START -> route -> call-tool ------> reflect -> route | respond
                  \-> detect-intent -> call-tool | respond
                  \-> respond (limit reached)
    call-tool -> approve (one task per call that waits for a person) -> call-tool
    respond -> END

In tool-call mode (``Context.client_tools`` set) nothing is executed: route and detect-intent
end the run with the tool calls for the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from langchain_core.language_models import BaseChatModel
from langchain_core.tools import BaseTool
from langgraph.graph import END, START, StateGraph

from backends.backend import Backend
from backends.resilience import RetryPolicy
from graph.context import Context, Deps, ToolSource, tool_source
from graph.edges import after_call_tool, after_detect_intent, after_reflect, after_route
from graph.state import InputState, State
from nodes.approve import approve
from nodes.call_tool import call_tool
from nodes.detect_intent import detect_intent
from nodes.reflect import reflect
from nodes.respond import respond
from nodes.route import route


def build_graph(
    llm: BaseChatModel | Backend,
    tools: Sequence[BaseTool] | ToolSource,
    *,
    defaults: Context | None = None,
    policy: RetryPolicy | None = None,
) -> StateGraph[State, Context, InputState, State]:
    """The agent graph, uncompiled: callers compile it with their own checkpointer.

    ``llm`` is the chat model (or a ready :class:`~backends.backend.Backend`); ``tools`` a fixed
    list, or a source read at every run (the server's toolbox, whose MCP tools come and go; see
    :mod:`graph.context`); ``defaults`` holds the limits used when a run passes no ``context``
    (Studio); ``policy`` the retries and circuit breaker for calls to ``llm`` (give the model
    itself no retries of its own: ``max_retries=0``).
    """
    deps = Deps(
        backend=llm if isinstance(llm, Backend) else Backend(llm, policy),
        source=tool_source(tools),
        defaults=defaults or Context(),
    )

    builder = StateGraph(State, context_schema=Context, input_schema=InputState)
    builder.add_node("route", partial(route, deps=deps))
    builder.add_node("detect-intent", partial(detect_intent, deps=deps))
    builder.add_node("call-tool", partial(call_tool, deps=deps))
    builder.add_node("approve", approve)
    builder.add_node("reflect", partial(reflect, deps=deps))
    builder.add_node("respond", partial(respond, deps=deps))

    builder.add_edge(START, "route")
    builder.add_conditional_edges("route", after_route)
    builder.add_conditional_edges("detect-intent", after_detect_intent)
    builder.add_conditional_edges("call-tool", after_call_tool, ["approve", "reflect"])
    builder.add_edge("approve", "call-tool")
    builder.add_conditional_edges("reflect", after_reflect)
    builder.add_edge("respond", END)
    return builder
