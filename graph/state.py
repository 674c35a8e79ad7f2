"""The graph's state: what callers send (:class:`InputState`) and what the nodes add (:class:`State`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from typing_extensions import TypedDict

from intent.grounding import Grounding

Stage = Literal["native", "text", "analysis", "structured", "intent", "pattern"]
"""Which stage produced a tool call: ``native`` (the backend returned well-formed tool_calls),
``text`` (written into the reply: Harmony, Hermes, JSON), ``analysis`` (written on gpt-oss's
analysis channel, which the backend handed over as reasoning), ``structured`` (a constrained JSON
request to the model), ``intent`` (the learned intent model and the argument extractors, for the
built-in tools), ``pattern`` (deterministic patterns, when the intent model is unsure)."""

Verdict = Literal["route", "respond"]
"""reflect's decision: take another step (route) or answer now (respond)."""


def merge_dicts(left: dict[str, Any] | None, right: dict[str, Any] | None) -> dict[str, Any]:
    """Reducer: later keys win; a key set to ``None`` is removed; ``None`` on either side is empty."""
    merged = {**(left or {}), **(right or {})}
    return {key: value for key, value in merged.items() if value is not None}


class Decision(TypedDict):
    """The intent model's decision for a turn, as the state keeps it (plain JSON)."""

    kind: str
    """``call`` (every argument found), ``fill`` (tools chosen, some argument missing), ``chat``
    (confidently no tool), ``unsure``, or ``ask`` (unsure, on a small local model: the user is
    asked which tool they mean)."""
    calls: list[dict[str, Any]]
    """The complete calls: ``{"name", "args"}``."""
    missing: dict[str, list[str]]
    """Chosen tools with arguments the user's words did not give: tool -> argument names."""
    known: dict[str, dict[str, Any]]
    """For those tools, the arguments that were found."""
    ranked: list[str]
    """The tools the intent model ranks highest, best first."""
    tool_odds: NotRequired[float]
    """On an unsure decision: how much likelier the best-ranked tool is than no tool (its
    probability over the probability of none). Below :data:`nodes.route.WORTH_ASKING` no tool is
    worth a question ("Tell me one short fact about the sea.")."""
    others: NotRequired[list[str]]
    """Tools the intent model does not know (MCP and Python tools) that share words with the
    request, best first (BM25, :mod:`nodes.ranking`): the model is shown them too."""


class InputState(TypedDict):
    """What a caller sends: the new message(s) of the conversation."""

    messages: Annotated[list[AnyMessage], add_messages]
    """The conversation. A caller sends the new user message; the checkpoint holds the rest."""


class State(InputState):
    """The working state of a run, as the checkpointer saves it."""

    call_stages: NotRequired[Annotated[dict[str, Stage], merge_dicts]]
    """tool_call_id -> the detect-intent stage that produced the call (native, text, structured,
    pattern), for the calls still in the working state (respond drops the others with the messages)."""
    intent: NotRequired[Decision | None]
    """The intent model's decision for the current turn (made once, when the user's message
    arrives): the calls it found, the tools it chose with missing arguments, plain chat, or
    unsure; None where it does not apply (tool-call mode with tools it does not know)."""
    draft: NotRequired[str]
    """route's plain-text reply when it made no tool call; respond may use it as the answer."""
    draft_by: NotRequired[str]
    """The backend that wrote the draft (after fallbacks), for the answer's record."""
    steps: NotRequired[int]
    """Passes through route in the current run (reset at each new user message)."""
    tool_calls_used: NotRequired[int]
    """Tool calls made in the current run (reset at each new user message)."""
    feedback: NotRequired[str]
    """reflect's note to route about a failed call it can fix; empty when there is none."""
    verdict: NotRequired[Verdict]
    """reflect's decision, read by the edge after it."""
    stop_reason: NotRequired[str]
    """Why the run stopped early (a limit), for respond to tell the user; empty otherwise."""
    grounding: NotRequired[Grounding]
    """The turn's allowed side effects (kinds, tools and targets the user's own message asked
    for), derived by route when the user's message arrives; nothing a tool returns changes it."""
    awaiting: NotRequired[Annotated[dict[str, dict[str, Any]], merge_dicts]]
    """tool_call_id -> the approval request (the interrupt's value) of a call that waits for a
    person (policy ``ask``, or a tool in TOOLLOOM_APPROVE_TOOLS); removed once it is decided."""
    decisions: NotRequired[Annotated[dict[str, dict[str, Any]], merge_dicts]]
    """tool_call_id -> the person's decision (approve, edit, reject) for this turn's calls."""
    memories: NotRequired[list[str]]
    """Facts recalled from the user's long-term memory for the current turn (route recalls them
    when the user's message arrives; the prompts of the turn show them)."""
    answered: NotRequired[Annotated[dict[str, str], merge_dicts]]
    """interrupt id -> tool_call_id of this turn's answered approvals (a second answer is a 409)."""
