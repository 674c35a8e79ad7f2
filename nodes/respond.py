"""respond: write the final answer from the conversation and this turn's tool results.

The answer must carry what the tools found. A reply from the model that leaves out a tool's
key result (the embedded 135M model often writes "23*19 is 87") is replaced by a plain answer
built from the results, so a correct tool result is never lost to a weak model.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any, cast

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
)
from langgraph.runtime import Runtime

from backends.backend import ANSWER_TAG, BACKEND_KEY, INTERNAL_TAG
from backends.messages import CALLED_MARK, RESULT_MARK, message_text
from backends.pool import ChatBackend
from graph.context import Context, Deps
from graph.state import State
from nodes.conversation import current_turn, last_user_text, trim_to_window, window
from nodes.decision import SELF_ANSWERING
from nodes.parsers import HARMONY_TOKEN, parse_text_tool_calls, strip_harmony
from nodes.prompts import (
    FALLBACK_LIMIT,
    FALLBACK_NO_ANSWER,
    FALLBACK_TOOL_FAILED,
    HELD_LINE,
    HELD_NOTICE,
    RESPOND_PLAIN_SYSTEM,
    RESPOND_SYSTEM,
)
from nodes.recall import extra_system
from nodes.reflect import held
from tools.base import ToolResult

log = logging.getLogger(__name__)


def _result_dict(message: ToolMessage) -> ToolResult | None:
    """A tool message's JSON result, read for the fields of :class:`tools.base.ToolResult`."""
    try:
        value = json.loads(message_text(message))
    except ValueError:
        return None
    return cast(ToolResult, value) if isinstance(value, dict) else None


def _normalise(text: str) -> str:
    return "".join(text.split()).replace(",", "").lower()


def key_facts(results: Sequence[ToolMessage]) -> list[str]:
    """The values an answer must contain: each successful result's ``key``."""
    keys = []
    for message in results:
        if message.status == "error":
            continue
        value = _result_dict(message)
        if value and isinstance(value.get("key"), str | int | float):
            keys.append(str(value["key"]))
    return keys


def covers(answer: str, keys: Sequence[str]) -> bool:
    text = _normalise(answer)
    return all(_normalise(key) in text for key in keys)


_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def plain_answer(results: Sequence[ToolMessage], user_text: str = "") -> str:
    """An answer built from the tool results alone, one line per call (Korean where the user
    wrote Korean and the tool gives a Korean summary)."""
    summary_key = "summary_ko" if _HANGUL.search(user_text) else "summary"
    lines = []
    for message in results:
        if message.status == "error":
            error = message_text(message).removeprefix("Error: ")
            lines.append(FALLBACK_TOOL_FAILED.format(tool=message.name or "tool", error=error))
            continue
        value = _result_dict(message)
        summary = value.get(summary_key, value.get("summary")) if value else None
        if isinstance(summary, str):
            lines.append(summary)
        else:
            lines.append(f"{message.name}: {message_text(message)}")
    return "\n".join(lines)


_ECHOES = (CALLED_MARK, RESULT_MARK, '{"')


FROM_RESULTS = "tool results"
"""Who wrote an answer that toolloom wrote from the tool results (no model call)."""


def answers_itself(results: Sequence[ToolMessage]) -> bool:
    """Every result succeeded and is of a tool whose result answers the question by itself."""
    return bool(results) and all(m.status != "error" and m.name in SELF_ANSWERING for m in results)


def usable(text: str) -> bool:
    """A reply that can be shown as an answer: not empty, not a tool call, no control tokens,
    no echo of the raw tool transcript."""
    stripped = text.strip()
    return (
        bool(stripped)
        and not parse_text_tool_calls(stripped)
        and not HARMONY_TOKEN.search(stripped)
        and not any(echo in stripped for echo in _ECHOES)
    )


async def generate(
    backend: ChatBackend, system: str, history: Sequence[BaseMessage], *, verified: bool
) -> tuple[str, str | None]:
    """The model's answer, and the backend that wrote it. One that will be checked against tool
    results is not streamed to the user as it is written (it may be replaced); a plain answer
    is, token by token (ANSWER_TAG)."""
    tag = INTERNAL_TAG if verified else ANSWER_TAG
    reply = await backend.chat([SystemMessage(content=system), *history], tags=(tag,))
    return strip_harmony(message_text(reply)).strip(), reply.response_metadata.get(BACKEND_KEY)


def held_notice(results: Sequence[ToolMessage]) -> str:
    """What the answer must say about calls held back because the user did not ask for them
    (written here, not by the model: a weak model would leave it out)."""
    lines = []
    for message in results:
        artifact = message.artifact if isinstance(message.artifact, dict) else {}
        detail = artifact.get("held")
        if not isinstance(detail, dict):
            continue
        target = f" ({detail['target']})" if detail.get("target") else ""
        why = str(detail.get("why") or "did not ask for it")
        line = HELD_LINE.format(tool=message.name or "tool", target=target, why=why)
        if line not in lines:
            lines.append(line)
    return HELD_NOTICE.format(lines="\n".join(lines)) if lines else ""


async def respond(state: State, runtime: Runtime[Context], *, deps: Deps) -> dict[str, Any]:
    """Write the answer; check it against the tool results; fall back to them if needed."""
    ctx = deps.context(runtime.context)
    messages = state["messages"]
    everything = [m for m in current_turn(messages) if isinstance(m, ToolMessage)]
    # Calls held back or rejected carry no result to report; the notice below tells the user.
    results = [m for m in everything if not held(m)]
    draft = strip_harmony(state.get("draft", "")).strip()
    history = window(messages, ctx.history_messages)
    backend = deps.backend_for(ctx)
    # who wrote the answer: the backend whose words it is, or toolloom from the tool results
    written_by: str | None = state.get("draft_by") or None
    extra = extra_system(ctx, state.get("memories"))
    if results:
        keys = key_facts(results)
        if backend.answer_from_results and answers_itself(results):
            # The result is the answer (a sum, the time, a listing): a model call could only
            # restate it, slower, or get it wrong.
            answer, written_by = plain_answer(results, last_user_text(messages)), FROM_RESULTS
        else:
            answer = draft if usable(draft) and covers(draft, keys) else ""
        if not answer:
            listing = "\n".join(
                f"- {m.name} ({m.status}): {message_text(m)[:2000]}" for m in results
            )
            answer, written_by = await generate(
                backend,
                RESPOND_SYSTEM.format(results=listing) + extra,
                history,
                verified=True,
            )
        if written_by != FROM_RESULTS and (
            not usable(answer)
            or not covers(answer, keys)
            or (not keys and all(m.status == "error" for m in results))
        ):
            log.info("respond: the model's answer misses the tool results; using them directly")
            answer, written_by = plain_answer(results, last_user_text(messages)), FROM_RESULTS
    elif usable(draft):
        answer = draft
    else:
        answer, written_by = await generate(
            backend, RESPOND_PLAIN_SYSTEM + extra, history, verified=False
        )
        if not usable(answer):
            answer, written_by = FALLBACK_NO_ANSWER, None
    notice = held_notice(everything)
    if notice:
        answer = f"{answer}\n\n{notice}"
    reason = state.get("stop_reason", "")
    if reason:
        answer = f"{FALLBACK_LIMIT.format(reason=reason)}\n\n{answer}"
    # The transcript says who wrote the answer: a backend, or toolloom from the tool results.
    final = AIMessage(
        content=answer, response_metadata={BACKEND_KEY: written_by} if written_by else {}
    )
    dropped = trim_to_window([*messages, final], ctx.history_messages)
    gone = set(dropped)
    kept_calls = {
        call_id
        for m in messages
        if str(m.id) not in gone
        for call_id in ([c["id"] for c in m.tool_calls] if isinstance(m, AIMessage) else [])
        + ([m.tool_call_id] if isinstance(m, ToolMessage) else [])
    }
    return {
        "messages": [*(RemoveMessage(id=i) for i in dropped), final],
        # The stages of calls that left the window go too: the state stays bounded.
        "call_stages": {
            call_id: None for call_id in state.get("call_stages", {}) if call_id not in kept_calls
        },
        "draft": "",
        "draft_by": "",
        "feedback": "",
        "intent": None,
    }
