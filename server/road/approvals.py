"""Resuming a run that waits for a person: what is pending, whether an answer fits, and the value
for ``Command(resume=...)``.

A thread waits when call-tool left calls for approval (:mod:`nodes.approve`): one LangGraph
interrupt per call, each with its own id, its value in the shape of LangChain's
human-in-the-loop middleware (``action_requests``, ``review_configs``) plus toolloom's
``tool_call_id``, ``index``, ``kind``, ``grounded``, ``reason`` and ``target``.

An answer (the ``resume`` of a command) is either

- ``{"decisions": [decision, ...]}``: one decision per pending call, in the order of the calls
  (LangChain's ``HITLResponse``); or
- ``{interrupt_id: {"decisions": [decision]} | decision, ...}``: some of the pending
  interrupts by id (the others keep waiting): how parallel calls are decided separately,

where a decision is ``{"type": "approve"}``, ``{"type": "edit", "edited_action": {"name": ...,
"args": {...}}}`` (``arguments`` is accepted for ``args``) or ``{"type": "reject", "message":
"..."}``.

Any route that resumes (the web page's ``/ui/resume``, the Agent Server API's
``/threads/{id}/runs/wait`` with ``command``) goes through :meth:`server.road.run.Run.resume`,
which holds the thread, then calls :func:`check_resume` on the thread's current state (so two
resumes cannot both pass) and runs ``Command(resume=resume_value(...))``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from langgraph.types import Command, Send, StateSnapshot
from pydantic import TypeAdapter, ValidationError

from nodes.approve import ANSWER, DECISION, Decisions
from server.api_error import ApiError

_ANSWER: TypeAdapter[Any] = TypeAdapter(ANSWER)


def pending(snapshot: Any) -> list[dict[str, Any]]:
    """The approvals a thread waits for, in the order of their calls: ``{"id": interrupt id,
    "value": the request}`` each. ``snapshot`` is the graph's ``StateSnapshot`` (``aget_state``)."""
    found = []
    for item in getattr(snapshot, "interrupts", ()) or ():
        value = getattr(item, "value", None)
        if isinstance(value, dict) and "action_requests" in value:
            found.append({"id": item.id, "value": value})
    return sorted(found, key=lambda p: (p["value"].get("index", 0), p["id"]))


def _answered(snapshot: Any) -> dict[str, str]:
    values = getattr(snapshot, "values", None) or {}
    answered = values.get("answered") if isinstance(values, dict) else None
    return answered if isinstance(answered, dict) else {}


def _describe(waiting: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{p['value']['action_requests'][0]['name']} (interrupt {p['id']})" for p in waiting
    )


def _check_decision(answer: Any, where: str, request: dict[str, Any]) -> None:
    """One answer for one pending call: ``{"decisions": [decision]}`` or a bare decision, of a
    type the request allows."""
    try:
        if isinstance(answer, dict) and "decisions" in answer:
            parsed: Any = Decisions.model_validate(answer).decisions[0]
        else:
            parsed = DECISION.validate_python(answer)
    except ValidationError as exc:
        raise ApiError(400, f"{where}: {_plain(exc)}", param=where) from None
    allowed = request.get("review_configs", [{}])[0].get("allowed_decisions") or []
    if allowed and parsed.type not in allowed:
        raise ApiError(
            400, f"{where}.type: {parsed.type!r} is not allowed here; use {', '.join(allowed)}"
        )


_TAGS = {"approve", "edit", "reject"}


def _plain(exc: ValidationError) -> str:
    """The first validation error in words, naming the field."""
    error = exc.errors()[0]
    loc = [str(p) for p in error["loc"] if str(p) not in _TAGS]
    if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
        got = error.get("input", {}).get("type") if isinstance(error.get("input"), dict) else None
        seen = f" (got {got!r})" if got is not None else ""
        return f"{'.'.join([*loc, 'type'])} must be one of approve, edit, reject{seen}"
    where = ".".join(loc)
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def check_resume(state_snapshot: Any, resume: Any) -> None:
    """Raise :class:`ApiError` unless ``resume`` answers what the thread waits for: 400 for an
    answer of the wrong shape or count, an unknown decision type or interrupt id, or a thread
    that waits for nothing; 409 for an interrupt that was already answered."""
    waiting = pending(state_snapshot)
    answered = _answered(state_snapshot)
    if not isinstance(resume, dict) or not resume:
        raise ApiError(
            400,
            'resume must be {"decisions": [...]} (one decision per pending call, in order) or '
            "{INTERRUPT_ID: decision, ...}",
            param="resume",
        )
    by_id = "decisions" not in resume
    if by_id:
        stale = [key for key in resume if key in answered]
        if stale:
            raise ApiError(409, f"interrupt {stale[0]} was already answered", code="answered")
    if not waiting:
        if answered:
            raise ApiError(
                409,
                "the approvals of this thread were already answered; nothing waits now",
                code="answered",
            )
        raise ApiError(400, "nothing on this thread waits for approval", param="resume")
    if by_id:
        known = {p["id"]: p for p in waiting}
        for key, answer in resume.items():
            if key not in known:
                raise ApiError(
                    400,
                    f"no pending interrupt {key!r}; waiting: {_describe(waiting)}",
                    param="resume",
                )
            _check_decision(answer, f"resume.{key}", known[key]["value"])
        return
    extra = sorted(set(resume) - {"decisions"})
    if extra:
        raise ApiError(400, f"resume: unknown field(s) {', '.join(extra)}", param="resume")
    decisions = resume["decisions"]
    if not isinstance(decisions, list):
        raise ApiError(400, "resume.decisions must be a list", param="resume.decisions")
    if len(decisions) != len(waiting):
        raise ApiError(
            400,
            f"resume.decisions: {len(decisions)} decision(s) for {len(waiting)} pending "
            f"call(s): {_describe(waiting)}; send one per pending call, in that order",
            param="resume.decisions",
        )
    for index, (decision, item) in enumerate(zip(decisions, waiting, strict=True)):
        _check_decision(decision, f"resume.decisions[{index}]", item["value"])


def resume_value(state_snapshot: Any, resume: Any) -> dict[str, Any]:
    """The value for ``Command(resume=...)``: a map from interrupt id to that call's answer
    (LangGraph needs ids when several interrupts wait). Call :func:`check_resume` first."""
    if "decisions" not in resume:
        return dict(resume)
    waiting = pending(state_snapshot)
    return {
        item["id"]: {"decisions": [decision]}
        for item, decision in zip(waiting, resume["decisions"], strict=True)
    }


def approval_events(interrupts: Any) -> list[dict[str, Any]]:
    """Pending approvals as JSON for clients (streams, the web page, ``/v1`` replies): the
    interrupt id, the tool call id, the call, why it waits, and the decisions allowed."""
    found = []
    for item in interrupts or ():
        value = getattr(item, "value", None)
        if not (isinstance(value, dict) and "action_requests" in value):
            continue
        action = value["action_requests"][0]
        found.append(
            {
                "interrupt_id": item.id,
                "tool_call_id": value.get("tool_call_id", ""),
                "name": action["name"],
                "args": action["args"],
                "description": action.get("description", ""),
                "kind": value.get("kind"),
                "target": value.get("target", ""),
                "allowed_decisions": value["review_configs"][0]["allowed_decisions"],
                "index": value.get("index", 0),
            }
        )
    return sorted(found, key=lambda a: (a["index"], a["interrupt_id"]))


def interrupts_json(interrupts: Any) -> list[dict[str, Any]]:
    """LangGraph interrupts as plain JSON (``{"id", "value"}``), as LangGraph's API shows them."""
    return [{"id": item.id, "value": item.value} for item in interrupts or ()]


WAITING = (
    "Waiting for approval on thread {thread}: {calls}. Nothing was done yet. Approve, edit or "
    "reject it in toolloom's web page (thread {thread}), or resume the thread with a command: "
    '{{"resume": {{"decisions": [{{"type": "approve"}}]}}}} (one decision per waiting call, in '
    "order; LangGraph's Agent Server API, POST /threads/{thread}/runs/wait)."
)


def waiting_text(thread_id: str, approvals: list[dict[str, Any]]) -> str:
    """The answer a client that cannot approve gets (``/v1``): what waits, and where to decide."""
    calls = "; ".join(f"{a['name']} ({a['description']})" for a in approvals)
    return WAITING.format(thread=thread_id, calls=calls)


def validate_resume(snapshot: StateSnapshot | None, resume: Any, thread_id: str) -> Any:
    """A resume needs something to resume: a pending interrupt, or a run stopped before or after
    a node (``interrupt_before`` / ``interrupt_after``); else 409. Where approvals wait,
    :func:`check_resume` decides (a wrong count: 400, a second resume of the same interrupt:
    409), and the answer is returned as the graph takes it (by interrupt id, :func:`resume_value`);
    otherwise the resume goes to the graph as it was sent. The one check of a resume, for every
    surface: before a response starts and again once the run holds the thread."""
    waiting = snapshot is not None and (bool(snapshot.next) or bool(snapshot.interrupts))
    if not waiting:
        if snapshot is not None and _answered(snapshot):
            check_resume(snapshot, resume)  # 409: its approvals were answered already
        raise ApiError(
            409,
            f"nothing to resume on thread {thread_id}: no interrupt is pending "
            "(send input instead of command.resume)",
        )
    if snapshot is not None and pending(snapshot):
        check_resume(snapshot, resume)
        return resume_value(snapshot, resume)
    return resume


def command_of(command: Mapping[str, Any]) -> Command[Any]:
    """A run's ``command`` (``resume``, ``goto`` (a node, a ``{node, input}`` send, or a list),
    ``update`` (values, or ``[key, value]`` pairs)) as LangGraph's ``Command``."""
    goto = command.get("goto")
    if goto is not None and not isinstance(goto, list):
        goto = [goto]
    update = command.get("update")
    if isinstance(update, list | tuple) and all(
        isinstance(pair, list | tuple) and len(pair) == 2 and isinstance(pair[0], str)
        for pair in update
    ):
        update = [tuple(pair) for pair in update]
    return Command(
        update=update,
        goto=[g if isinstance(g, str) else Send(g["node"], g.get("input")) for g in goto]
        if goto
        else (),
        resume=command.get("resume"),
    )
