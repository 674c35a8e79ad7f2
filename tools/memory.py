"""The agent's long-term memory tools: ``memory_save`` and ``memory_search``.

They read and write the graph's store (LangGraph's ``BaseStore``, given to the graph at compile
time: ``compile(store=...)``) in the run's memory namespace, which the server sets from the
caller's key (``Context.memory_namespace``): one key's memories are never another's. Both reach
the store through LangGraph's runtime of the run that calls them (``get_runtime()``); outside a
graph run (an MCP client) there is no memory, and they say so.

``memory_save`` changes something: its effect kind is ``memory`` (:mod:`tools.effects`), so
call-tool runs it only when the user's own message asked to remember something
(:mod:`intent.grounding`); a fact found in a page or a tool result is never saved by itself.

A memory is ``{"text": ...}`` under a key derived from its words (the same fact said twice is one
memory), in the namespace the user's client sees as ``("memories",)``.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from langgraph.runtime import get_runtime
from langgraph.store.base import BaseStore
from pydantic import BaseModel, Field

from tools.base import ToolError, check_input_size

SAVE = "memory_save"
SEARCH = "memory_search"
MEMORY_TOOLS = frozenset({SAVE, SEARCH})
SOURCE = "memory"
MAX_FACT_CHARS = 2000
RECALLED = 5
"""Memories recalled into a turn's prompt, and found by a search that names no limit."""


class SaveArgs(BaseModel):
    fact: str = Field(description="The fact to remember, in the user's words (one sentence).")


class SearchArgs(BaseModel):
    query: str = Field(description="What to look for among the remembered facts.")
    limit: int = Field(default=RECALLED, ge=1, le=20, description="How many facts at most.")


def memory_key(fact: str) -> str:
    """The key of a fact: the same words (case and spacing aside) give the same key."""
    normal = " ".join(fact.lower().split())
    return hashlib.sha256(normal.encode()).hexdigest()[:24]


def _scope() -> tuple[BaseStore, tuple[str, ...]]:
    try:
        runtime = get_runtime()
    except RuntimeError:
        runtime = None
    store = getattr(runtime, "store", None)
    namespace = getattr(getattr(runtime, "context", None), "memory_namespace", None)
    if store is None or not namespace:
        raise ToolError("long-term memory is not available here (it needs a run of the agent)")
    return store, tuple(namespace)


async def save_fact(store: BaseStore, namespace: tuple[str, ...], fact: str) -> dict[str, Any]:
    """Keep ``fact`` in ``namespace``; the result the model and the user see."""
    fact = " ".join(fact.split())
    if not fact:
        raise ToolError("fact: nothing to remember")
    check_input_size("fact", fact, MAX_FACT_CHARS)
    key = memory_key(fact)
    await store.aput(namespace, key, {"text": fact})
    return {"saved": fact, "id": key, "key": fact, "summary": f"I will remember that: {fact}"}


async def recall(
    store: BaseStore, namespace: tuple[str, ...], query: str | None, limit: int = RECALLED
) -> list[str]:
    """The facts kept in ``namespace``: the closest to ``query`` when the store ranks by meaning,
    else the most recent."""
    found = await store.asearch(namespace, query=query or None, limit=limit)
    return [str(item.value.get("text")) for item in found if item.value.get("text")]


async def _save(fact: str) -> dict[str, Any]:
    store, namespace = _scope()
    return await save_fact(store, namespace, fact)


async def _search(query: str, limit: int = RECALLED) -> dict[str, Any]:
    store, namespace = _scope()
    facts = await recall(store, namespace, query, limit)
    summary = "Remembered: " + "; ".join(facts) if facts else "Nothing remembered matches."
    return {"facts": facts, "summary": summary}


def build_memory_tools() -> list[BaseTool]:
    """The two memory tools (source ``memory``; ``memory_save`` has the effect ``memory``)."""
    save = StructuredTool.from_function(
        coroutine=_save,
        name=SAVE,
        description=(
            "Remember a fact about the user for later conversations. Use it only when the user "
            "asks you to remember something."
        ),
        args_schema=SaveArgs,
        metadata={"source": SOURCE, "effect": "memory", "read_only": False},
    )
    search = StructuredTool.from_function(
        coroutine=_search,
        name=SEARCH,
        description="Look up facts the user asked you to remember in earlier conversations.",
        args_schema=SearchArgs,
        metadata={"source": SOURCE, "effect": None, "read_only": True},
    )
    return [save, search]


# --- what a user asks to remember ---------------------------------------------------------------

_LEAD = re.compile(
    r"^\s*(?:please\s+|pls\s+|can\s+you\s+|could\s+you\s+)?"
    r"(?:remember|memori[sz]e|note|keep\s+in\s+mind|don'?t\s+forget|do\s+not\s+forget|"
    r"souviens-toi|retiens|n'oublie\s+pas|merk\s+dir|vergiss\s+nicht|recuerda|no\s+olvides|"
    r"lembre(?:-se)?|lembra|n[ãa]o\s+esque[çc]a)"
    r"(?:\s+(?:that|this|:|que|dass|de\s+que|of))?[\s:,]*",
    re.IGNORECASE,
)


def fact_of(message: str) -> str:
    """The fact a "remember ..." message asks to keep: the message without its lead ("remember
    that I prefer metric units" -> "I prefer metric units"), or all of it."""
    text = " ".join(message.split())
    rest = _LEAD.sub("", text, count=1).strip()
    rest = rest[:1].upper() + rest[1:] if rest else ""
    return rest.rstrip(" .!") if len(rest) >= 3 else text
