"""reflect: read this step's tool results and decide whether to go back to route or answer."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, ToolMessage
from langgraph.runtime import Runtime
from pydantic import BaseModel, Field

from backends.messages import message_text
from graph.context import Context, Deps
from graph.state import Stage, State, Verdict


class Reflection(BaseModel):
    """reflect's verdict on one step."""

    next: Verdict = Field(description="'route' to take another step, 'respond' to answer now.")
    feedback: str = Field(default="", description="What went wrong, for route to fix.")
    stop_reason: str = Field(default="", description="The limit that ended the run early.")


def last_step(messages: list[Any]) -> tuple[AIMessage | None, list[ToolMessage]]:
    """The last AI message with tool calls and the tool messages that answered it."""
    results: list[ToolMessage] = []
    for message in reversed(messages):
        if isinstance(message, ToolMessage):
            results.append(message)
        elif isinstance(message, AIMessage) and message.tool_calls:
            return message, list(reversed(results))
        else:
            break
    return None, list(reversed(results))


def held(message: ToolMessage) -> bool:
    """Whether call-tool held this call back (not asked for) or a person rejected it."""
    artifact = message.artifact if isinstance(message.artifact, dict) else {}
    return bool(artifact.get("held")) or artifact.get("decision") == "rejected"


def judge(state: State, ctx: Context) -> Reflection:
    """Go back to route when the model can fix a failed call or take a next step; else respond.

    Calls from the model itself (native, written in text or on the analysis channel) may be corrected or followed by
    another step. Calls from the structured request may be corrected too. Calls from patterns
    are deterministic: asking again would give the same calls, so their results are final.
    """
    _, results = last_step(state["messages"])
    stages = state.get("call_stages", {})
    step_stages: set[Stage] = {stages.get(r.tool_call_id, "native") for r in results}
    # A call held back for the user's sake is not a mistake to correct: its tool error already
    # tells the model not to try again.
    errors = [r for r in results if r.status == "error" and not held(r)]
    steps, used = state.get("steps", 0), state.get("tool_calls_used", 0)
    limit = ""
    if steps >= ctx.max_steps:
        limit = f"the limit of {ctx.max_steps} steps"
    elif used >= ctx.max_tool_calls:
        limit = f"the limit of {ctx.max_tool_calls} tool calls"
    model_driven = bool(step_stages & {"native", "text", "analysis"})
    correctable = model_driven or "structured" in step_stages
    if errors and correctable:
        if limit:
            return Reflection(next="respond", stop_reason=limit)
        feedback = "; ".join(f"{r.name}: {message_text(r)[:300]}" for r in errors)
        return Reflection(next="route", feedback=feedback)
    if model_driven:
        # The model may want another step; at a limit it cannot have one, and the user is told.
        return (
            Reflection(next="route") if not limit else Reflection(next="respond", stop_reason=limit)
        )
    return Reflection(next="respond")


async def reflect(state: State, runtime: Runtime[Context], *, deps: Deps) -> dict[str, Any]:
    """Record the verdict; the edge after this node reads it."""
    verdict = judge(state, deps.context(runtime.context))
    return {
        "feedback": verdict.feedback,
        "stop_reason": verdict.stop_reason,
        "verdict": verdict.next,
    }
