r"""build_graph(llm, tools) -> StateGraph: the five nodes and the edges between them.

    START -> route -> call-tool ------> reflect -> route | respond
                  \-> detect-intent -> call-tool | respond
                  \-> respond (plain chat, or a limit reached)
    call-tool -> approve (one task per call that waits for a person) -> call-tool
    respond -> END

route first asks the learned intent model (:mod:`nodes.decision`): a confident decision whose
arguments are all in the user's words goes to call-tool with no model call; confident plain chat
goes to respond, which answers without tool schemas; anything else asks the model, shown only the
tools the intent model ranks highest.

In tool-call mode (``Context.client_tools`` set) nothing is executed: route and detect-intent
end the run with the tool calls for the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.tools import BaseTool
from langgraph.graph import END, START, StateGraph

from backends.backend import Backend
from backends.pool import BackendPool
from backends.resilience import RetryPolicy
from graph.context import Context, Deps, Joined, ToolSource, tool_source
from graph.edges import after_call_tool, after_detect_intent, after_reflect, after_route
from graph.state import InputState, State
from intent.model import IntentModel
from nodes.approve import approve
from nodes.call_tool import call_tool
from nodes.decision import shipped_model
from nodes.detect_intent import detect_intent
from nodes.reflect import reflect
from nodes.respond import respond
from nodes.route import route
from tools.memory import build_memory_tools


def build_graph(
    llm: BaseChatModel | Backend | BackendPool,
    tools: Sequence[BaseTool] | ToolSource,
    *,
    defaults: Context | None = None,
    policy: RetryPolicy | None = None,
    intent: IntentModel | Literal["shipped"] | None = "shipped",
    memory: bool = False,
) -> StateGraph[State, Context, InputState, State]:
    """The agent graph, uncompiled: callers compile it with their own checkpointer.

    ``llm`` is the chat model, a ready :class:`~backends.backend.Backend`, or several backends
    with their fallbacks (:class:`~backends.pool.BackendPool`; ``Context.model`` picks one per
    run); ``tools`` a fixed list, or a source read at every run (the server's toolbox, whose MCP
    tools come and go; see :mod:`graph.context`); ``defaults`` holds the limits used when a run
    passes no ``context`` (Studio); ``intent`` the learned intent model ("shipped": the one that
    ships with toolloom; None: the patterns only); ``policy`` the retries and circuit breaker for
    calls to a bare ``llm`` (give the model itself no retries of its own: ``max_retries=0``);
    ``memory`` adds the long-term memory tools (:mod:`tools.memory`), used by runs whose context
    names a memory namespace, with the store the graph is compiled with (:mod:`nodes.recall`).
    """
    if isinstance(llm, BackendPool):
        pool = llm
    else:
        pool = BackendPool.single(llm if isinstance(llm, Backend) else Backend(llm, policy))
    source = tool_source(tools)
    if memory:
        source = Joined(source, tuple(build_memory_tools()))
    deps = Deps(
        pool=pool,
        source=source,
        defaults=defaults or Context(),
        intent=shipped_model() if intent == "shipped" else intent,
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
