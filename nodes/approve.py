"""approve: one call waits for a person (policy ``ask``, or a tool in TOOLLOOM_APPROVE_TOOLS).

call-tool leaves the calls that need a person in ``awaiting``; the edge after it sends each to
this node as its own task (``Send``), so two calls waiting at once are two interrupts with
distinct ids, answered together or one at a time. The decided calls of a step run together, in
call-tool, once every call of that step is decided (a call answered first waits for the others). The interrupt's value has the shape of
LangChain's human-in-the-loop middleware (``action_requests``, ``review_configs``); the answer
too: ``{"decisions": [decision]}`` (or the bare decision), where a decision is
``{"type": "approve"}``, ``{"type": "edit", "edited_action": {"name": ..., "args": {...}}}``
(``arguments`` is accepted for ``args``) or ``{"type": "reject", "message": "..."}``.

LangGraph checks an answer against :data:`ANSWER` before it is saved (a bad one raises
``pydantic.ValidationError`` and the interrupt can be answered again). The decision goes to
``decisions``; call-tool then runs, edits or rejects the call.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from langgraph.config import get_config
from langgraph.types import Interrupt, interrupt
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, TypeAdapter
from typing_extensions import TypedDict


class Approve(BaseModel):
    """Run the call as it is."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["approve"]


class EditedAction(BaseModel):
    """The call to run instead: a tool name and its arguments."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    name: str = Field(min_length=1, max_length=200)
    args: dict[str, Any] = Field(validation_alias=AliasChoices("args", "arguments"))


class Edit(BaseModel):
    """Run the call with other arguments (or as another tool); they are validated again."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["edit"]
    edited_action: EditedAction


class Reject(BaseModel):
    """Do not run the call; ``message`` tells the model why."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["reject"]
    message: str | None = Field(default=None, max_length=2000)


Decision = Annotated[Approve | Edit | Reject, Field(discriminator="type")]


class Decisions(BaseModel):
    """LangChain's ``HITLResponse`` for one pending call: ``{"decisions": [decision]}``."""

    model_config = ConfigDict(extra="forbid")
    decisions: list[Decision] = Field(min_length=1, max_length=1)


ANSWER: Any = Decisions | Decision
"""What resumes one approval interrupt: ``{"decisions": [decision]}`` or the bare decision."""
DECISION = TypeAdapter[Approve | Edit | Reject](Decision)


def as_decision(answer: Any) -> dict[str, Any]:
    """One validated answer as the plain decision dict kept in the state."""
    if isinstance(answer, Decisions):
        answer = answer.decisions[0]
    if not isinstance(answer, BaseModel):
        answer = TypeAdapter(ANSWER).validate_python(answer)
        if isinstance(answer, Decisions):
            answer = answer.decisions[0]
    return answer.model_dump(exclude_none=True)


class ApprovalTask(TypedDict):
    """What the edge after call-tool sends to this node for one waiting call."""

    call_id: str
    request: dict[str, Any]


async def approve(state: ApprovalTask) -> dict[str, Any]:
    """Wait for a person's decision on one call (``state`` is what the edge after call-tool
    sent for it); record it for call-tool."""
    answer = interrupt(state["request"], response_schema=ANSWER)
    namespace = str(get_config()["configurable"].get("checkpoint_ns", ""))
    interrupt_id = Interrupt.from_ns(None, namespace).id
    return {
        "decisions": {state["call_id"]: as_decision(answer)},
        "answered": {interrupt_id: state["call_id"]},
    }
