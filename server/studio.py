"""Entry points for ``langgraph.json``: the graph for LangGraph Studio (``langgraph dev``) and a
factory for its SQLite checkpointer.

``langgraph dev`` imports this module to find ``graph``, so building it here, at import, is the
point; it lives in the server layer so that importing ``graph/`` never builds anything.

Studio compiles nothing itself and rejects a graph compiled with a checkpointer, so the graph is
compiled bare here and the server attaches the checkpointer from ``checkpointer.path``. The model
is the one ``TOOLLOOM_LLM_BASE_URL`` names; for the embedded model run ``toolloom embedded`` in
another terminal and point ``TOOLLOOM_LLM_BASE_URL`` at the URL it prints.

The tools are the built-ins and the ``TOOLLOOM_TOOL_MODULES`` tools, minus the disabled ones.
MCP servers' tools are not offered here: this graph is built at import, with no event loop to
keep their sessions in.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from graph.builder import build_graph
from graph.checkpoints import open_checkpointer
from server.runtime import context_from, llm_from, policy_from, tool_sources_from
from server.settings import load_settings
from tools.toolbox import local_tools

_settings = load_settings()
if _settings.llm_base_url is None:
    raise RuntimeError(
        "LangGraph Studio needs TOOLLOOM_LLM_BASE_URL: run `toolloom embedded` in another terminal "
        "and set it to the URL printed there (or point it at vLLM)"
    )

graph = build_graph(
    llm_from(_settings),
    local_tools(tool_sources_from(_settings)),
    defaults=context_from(_settings),
    policy=policy_from(_settings),
).compile(name="toolloom")


@contextlib.asynccontextmanager
async def checkpointer() -> AsyncIterator[AsyncSqliteSaver]:
    """The same SQLite checkpoints as ``toolloom serve`` (``TOOLLOOM_DB``)."""
    async with open_checkpointer(_settings.db) as saver:
        yield saver
