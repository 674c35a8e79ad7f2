"""route: ask the model for the next step with the tools bound."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from backends.backend import BACKEND_KEY, DRAFT_TAG
from backends.failures import classify
from backends.messages import message_text
from graph.context import Context, Deps
from graph.state import Decision, Stage, State
from intent.clarify import clarifying_question
from intent.clear import clear_calls
from intent.grounding import ground
from nodes.common import new_call_id
from nodes.conversation import last_user_text, tool_list_text, window
from nodes.decision import RANKED_TOOLS, decide_turn, known_tools
from nodes.detect_intent import analysis_calls
from nodes.parsers import without_calls
from nodes.prompts import ROUTE_FEEDBACK, ROUTE_SYSTEM
from nodes.recall import extra_system, memory_specs, recall_for_turn, remember_call
from nodes.structured import complete_parallel_calls
from tools.specs import ToolSpec, argument_errors, resolve_tool

log = logging.getLogger(__name__)

REASONING = "reasoning_content"  # where backends.client keeps a reply's reasoning


async def route(state: State, runtime: Runtime[Context], *, deps: Deps) -> dict[str, Any]:
    """Ask the model what to do; keep well-formed native tool calls, else leave a draft."""
    ctx = deps.context(runtime.context)
    messages = state["messages"]
    new_turn = isinstance(messages[-1], HumanMessage)
    steps = 0 if new_turn else state.get("steps", 0)
    used = 0 if new_turn else state.get("tool_calls_used", 0)
    reset: dict[str, Any] = {
        "steps": steps + 1,
        "tool_calls_used": used,
        "draft": "",
        "draft_by": "",
        "feedback": "",  # consumed here
    }
    if new_turn:
        reset["stop_reason"] = ""
        # What this turn may change is decided here, from the user's message alone, before any
        # tool runs; nothing later in the turn writes it. Approvals of an earlier turn (one the
        # user moved on from without deciding) are dropped.
        if not ctx.client_mode:  # tool-call mode runs nothing
            reset["grounding"] = ground(
                message_text(messages[-1]), deps.tools.values(), str(messages[-1].id or "")
            )
        reset["memories"] = await recall_for_turn(runtime.store, ctx, message_text(messages[-1]))
        reset["awaiting"] = dict.fromkeys(state.get("awaiting") or {})
        reset["decisions"] = dict.fromkeys(state.get("decisions") or {})
        reset["answered"] = dict.fromkeys(state.get("answered") or {})
    if steps >= ctx.max_steps:
        return {**reset, "steps": steps, "stop_reason": f"the limit of {ctx.max_steps} steps"}

    specs = deps.run_specs(ctx)
    tool_choice = ctx.tool_choice if ctx.client_mode else "auto"
    decision = state.get("intent")
    memories = reset["memories"] if new_turn else state.get("memories") or []
    if new_turn:
        # "Remember that ...": saved from the user's own words, no model call.
        remembered = remember_call(reset.get("grounding"), ctx, deps, message_text(messages[-1]))
        if remembered is not None:
            return {**reset, **remembered}
        # In a thread: the intent model is numpy work (its encoder, when asked, tens of ms; its
        # first load about a second), and on the event loop it would stall every other request
        # and the replicas' lease heartbeat with it.
        decision = await asyncio.to_thread(
            decide_turn, deps.intent, deps.run_builtin_specs(ctx), specs, ctx.client_mode,
            last_user_text(messages),
        )  # fmt: skip
        reset["intent"] = decision
        if decision is not None and tool_choice in ("auto", "required"):
            if decision["kind"] == "call":
                # Confident, every argument found in the user's words: no model call can
                # change this outcome, so none is made.
                return {**reset, **intent_calls(decision, ctx)}
            if decision["kind"] == "chat" and tool_choice == "auto":
                return reset  # plain chat: respond answers without tool schemas
            if decision["kind"] == "unsure" and tool_choice == "auto" and not ctx.client_mode:
                asked = ask_instead(deps, ctx, specs, decision, last_user_text(messages))
                if asked is not None:
                    return {**reset, **asked}
    feedback = state.get("feedback", "") if not new_turn else ""
    offered = [] if tool_choice == "none" else narrowed(specs, decision, ctx)
    if tool_choice != "none":
        grounding = reset.get("grounding") if new_turn else state.get("grounding")
        offered += memory_specs(ctx, deps, memories, grounding)
    system = ROUTE_SYSTEM.format(
        today=datetime.now(UTC).strftime("%Y-%m-%d"),
        tool_list=tool_list_text(offered) or "(none)",
        feedback=ROUTE_FEEDBACK.format(feedback=feedback) if feedback else "",
    ) + extra_system(ctx, memories)
    try:
        reply = await deps.backend_for(ctx).chat(
            [SystemMessage(content=system), *window(messages, ctx.history_messages)],
            tools=[spec.openai for spec in offered],
            tool_choice=tool_choice,
            tags=(DRAFT_TAG,),
        )
    except Exception as exc:
        if not offered or classify(exc).kind != "request_shape":
            raise
        # The backend refuses this request with tools in it, whatever was sampled (vLLM 0.10.1:
        # "Expected 2 output messages" on every tool call): detect-intent asks again in another
        # shape, a JSON object and no tools. If that is refused too, the run fails clearly.
        log.info("route: the backend refused the request with tools (%s); asking without", exc)
        return reset

    reasoning = str(reply.additional_kwargs.get(REASONING) or "")
    mentions = f"{message_text(reply)}\n{reasoning}"
    good: list[Any] = []
    bad: list[dict[str, Any]] = []
    for call in reply.tool_calls:
        spec = resolve_tool(call["name"], call["args"], offered, mentions)
        if spec is not None and not argument_errors(spec, call["args"]):
            good.append({**call, "name": spec.name})
        else:
            bad.append({"name": call["name"], "arguments": call["args"]})
    stages: dict[str, Stage] = {call["id"]: "native" for call in good}
    if not good and not bad and not reply.invalid_tool_calls and reasoning and offered:
        # gpt-oss wrote its call on the analysis channel: the backend handed it over as
        # reasoning. It is a call (never text for the user), and not part of the reasoning that
        # goes back to the model.
        found, reasoning = analysis_calls(reasoning, offered)
        for name, args, _ in found:
            call_id = new_call_id()
            good.append({"name": name, "args": args, "id": call_id, "type": "tool_call"})
            stages[call_id] = "analysis"
    # Native calls that do not fit go to detect-intent as text, where stage 1 may mend a
    # near miss (a "functions." prefix, different case) and stage 2 may ask again.
    bad.extend(
        {"name": c.get("name"), "arguments": c.get("args")} for c in reply.invalid_tool_calls
    )
    if good and not bad:
        if not ctx.parallel_tool_calls:
            good = good[:1]
        elif ctx.client_mode and len(good) == 1:
            # Tool-call mode hands every call back at once: fill in what a one-call-per-turn
            # backend left out ("weather in Seoul and Tokyo").
            for name, args in await complete_parallel_calls(
                deps.backend_for(ctx), messages, offered, good, ctx.history_messages
            ):
                call_id = new_call_id()
                good.append({"name": name, "args": args, "id": call_id, "type": "tool_call"})
                stages[call_id] = "structured"
        kept = {
            k: v for k, v in reply.additional_kwargs.items() if k not in ("tool_calls", REASONING)
        }
        if reasoning:
            kept[REASONING] = reasoning
        message = AIMessage(
            # What the model wrote beside its calls, without the calls written out again
            # (vLLM #25560 echoes the arguments in content) and without Harmony tokens.
            content=without_calls(message_text(reply), [call["args"] for call in good]),
            tool_calls=good,
            id=reply.id,
            additional_kwargs=kept,
            response_metadata=reply.response_metadata,
            usage_metadata=reply.usage_metadata,
        )
        return {
            **reset,
            "messages": [message],
            "call_stages": {call["id"]: stages[call["id"]] for call in good},
        }
    draft = message_text(reply)
    if bad:
        written = [{"name": c["name"], "arguments": c["args"]} for c in good] + bad
        draft = (draft + "\n" + json.dumps(written, ensure_ascii=False, default=str)).strip()
    return {**reset, "draft": draft, "draft_by": reply.response_metadata.get(BACKEND_KEY, "")}


def ask_instead(
    deps: Deps, ctx: Context, specs: list[ToolSpec], decision: Decision, text: str
) -> dict[str, Any] | None:
    """On a small local model (which picks among tools about as well as chance), a request the
    intent model is unsure of is not handed to it: a clear request still gets its calls (from
    detect-intent, with no model call), anything else a short question naming the likeliest
    tools, in the user's language, unless no tool is likely enough to ask about (then it is
    chat). A capable backend, or a request that shares words with the
    operator's own tools, goes to the model as before (None)."""
    if not deps.backend_for(ctx).answer_from_results or decision.get("others"):
        return None
    if clear_calls(text, known_tools(deps.builtin_specs, specs, ctx.client_mode)):
        return {}  # detect-intent makes the clear request's calls
    if decision.get("tool_odds", 1.0) < WORTH_ASKING:
        # No tool is nearly as likely as none ("Tell me one short fact about the sea."): a
        # question about tools would puzzle the user; plain chat, with no tool schemas.
        return {"intent": {**decision, "kind": "chat"}}
    question = clarifying_question(text, decision["ranked"])
    if question is None:
        return None
    return {"intent": {**decision, "kind": "ask"}, "draft": question, "draft_by": ASKED_BY}


WORTH_ASKING = 0.25
"""An unsure request gets the clarifying question only when its likeliest tool is at least a
quarter as likely as no tool at all; below that it is chat."""

ASKED_BY = "toolloom"
"""Who wrote a clarifying question (no model call)."""


def intent_calls(decision: Decision, ctx: Context) -> dict[str, Any]:
    """The intent model's calls as the AI message that asks for them."""
    calls = [
        {"name": call["name"], "args": call["args"], "id": new_call_id(), "type": "tool_call"}
        for call in decision["calls"]
    ]
    if not ctx.parallel_tool_calls:
        calls = calls[:1]
    stages: dict[str, Stage] = {call["id"]: "intent" for call in calls}
    return {"messages": [AIMessage(content="", tool_calls=calls)], "call_stages": stages}


def narrowed(specs: list[ToolSpec], decision: Decision | None, ctx: Context) -> list[ToolSpec]:
    """The tools the model is shown: where the intent model ranked the built-ins, only its best
    few (the chosen ones first), and the operator's own tools that share words with the request;
    the client's own tools in tool-call mode all of them."""
    if decision is None:
        return specs
    wanted = [*decision["missing"], *decision["ranked"]]
    by_name = {spec.name: spec for spec in specs}
    picked = list(dict.fromkeys(name for name in wanted if name in by_name))[:RANKED_TOOLS]
    picked += [name for name in decision.get("others", []) if name in by_name]
    if isinstance(ctx.tool_choice, dict) and ctx.client_mode:
        named = (ctx.tool_choice.get("function") or {}).get("name")
        if named in by_name and named not in picked:
            picked.append(named)
    return [by_name[name] for name in picked] or specs
