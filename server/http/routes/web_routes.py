"""The web chat page at ``/`` and the event stream it reads, ``POST /ui/chat``.

The page is one static HTML file (no build step, no CDN: it works offline). It talks to the same
API as every other client (``/health``, the Agent Server API's ``POST /threads/search`` and
toolloom's ``GET /threads/{id}/transcript``) plus one stream made for it: ``/ui/chat`` runs the
agent on a thread and sends server-sent events, one JSON object each:

- ``{"type": "token", "text": ..., "draft": bool}``: answer text as the model writes it; a draft
  (route's reply) may still be replaced by tool calls and the final answer;
- ``{"type": "tool_call", "id", "name", "args", "stage"}``: a call the graph decided on, and which
  detect-intent stage found it (native, text, structured, pattern);
- ``{"type": "tool_result", "id", "name", "status", "content", "duration_ms"}``;
- ``{"type": "done", "content", "thread_id", "model"}``: the final answer (it may differ from the
  streamed tokens when respond fell back to the tool results) and the backend that answered the
  run's last model call (null when none was needed);
- ``{"type": "waiting", "thread_id", "approvals": [...]}``: the run waits for a person to
  approve, edit or reject calls (policy ``ask`` or TOOLLOOM_APPROVE_TOOLS); each approval has
  ``interrupt_id``, ``tool_call_id``, ``name``, ``args``, ``description``, ``allowed_decisions``;
- ``{"type": "error", "status", "message"}``: the run failed (LLM down, timeout, thread busy).

A tool result held back because the user did not ask for it carries ``held`` (kind, target,
why); one a person rejected or edited carries ``decision``.

The page answers an approval with ``POST /ui/resume`` (``{"thread_id", "resume": {INTERRUPT_ID:
decision}}``, or ``{"decisions": [...]}`` for all pending calls in order), which streams the same
events as ``/ui/chat``; ``GET /ui/approvals/{thread_id}`` lists what a thread waits for (a page
reloaded while a card was open). These two routes are the page's own until the Agent Server API
(``/threads/{id}/runs/wait`` with ``command``) serves every client; both resume through
:meth:`server.road.run.Run.resume`.

"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from pydantic import BaseModel, ConfigDict, Field, field_validator

from backends.backend import ANSWER_TAG, DRAFT_TAG
from backends.messages import message_text
from server.api_error import ApiError
from server.http.deps import CallerDep, ModelHeader, RuntimeDep, ThreadIdPath
from server.http.sse import sse, sse_documented, sse_response
from server.road.approvals import approval_events
from server.road.request import (
    MODEL_HEADER,
    THREAD_HEADER,
    THREAD_ID_PATTERN,
    RunRequest,
    owned,
    prepare,
)
from server.road.run import Resume, Run, RunInput
from server.storage.response_cache import wants_no_cache

router = APIRouter(tags=["web"])
STATIC = Path(__file__).parent.parent / "static"
ASSETS = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
SECURITY_HEADERS = {
    # Defence in depth behind the page's own escaping: no inline or foreign script ever runs.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
RESULT_PREVIEW_CHARS = 4000


class WebChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thread_id: str = Field(pattern=THREAD_ID_PATTERN)
    message: str = Field(min_length=1)

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message is empty")
        return value


class WebResumeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thread_id: str = Field(pattern=THREAD_ID_PATTERN)
    resume: dict[str, Any] = Field(min_length=1)
    """``{"decisions": [...]}`` (one per pending call, in order) or ``{INTERRUPT_ID: decision}``."""


class PendingApprovals(BaseModel):
    thread_id: str
    approvals: list[dict[str, Any]]


_files: dict[str, str] = {}


def static_file(name: str) -> str:
    """A file of the page, read once."""
    if name not in _files:
        _files[name] = (STATIC / name).read_text(encoding="utf-8")
    return _files[name]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index() -> HTMLResponse:
    return HTMLResponse(static_file("index.html"), headers=SECURITY_HEADERS)


@router.get("/ui/{name}", include_in_schema=False)
async def asset(name: str) -> Response:
    if name not in ASSETS:
        raise ApiError(404, f"no file {name!r}")
    return Response(
        static_file(name),
        media_type=ASSETS[name],
        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
    )


@router.post(
    "/ui/chat",
    response_model=None,
    responses=sse_documented("Server-sent events: token, tool_call, tool_result, done, error"),
)
async def ui_chat(
    body: WebChatRequest,
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    x_model: ModelHeader = None,
) -> StreamingResponse:
    """Run the agent on a thread for the web page, streaming tokens and tool calls as events;
    the model comes from the ``X-Model`` header (the page's selector)."""
    message = HumanMessage(content=body.message)
    run = await prepare(
        runtime,
        RunRequest(
            caller,
            body.thread_id,
            messages=[message],
            model=x_model,
            model_param=MODEL_HEADER,
            messages_param="message",
            no_cache=wants_no_cache(request.headers),
            request_state=request.state,
        ),
    )
    return sse_response(web_events(run, message), {THREAD_HEADER: body.thread_id})


@router.post(
    "/ui/resume",
    response_model=None,
    responses=sse_documented(
        "Server-sent events, as /ui/chat: tool_call, tool_result, token, done, waiting, error"
    ),
)
async def ui_resume(
    body: WebResumeRequest, request: Request, runtime: RuntimeDep, caller: CallerDep
) -> StreamingResponse:
    """Answer the approvals a thread waits for (approve, edit, reject) and stream the rest of the
    run. A wrong answer is a 400 and an answered one a 409, before the stream starts."""
    # Checked now for a clear 4xx, and again once the run holds the thread (a second answer
    # racing this one then gets its 409 in the stream).
    run = await prepare(
        runtime,
        RunRequest(
            caller,
            body.thread_id,
            resume=body.resume,
            resuming=True,
            create_thread=False,
            request_state=request.state,
        ),
    )
    return sse_response(web_events(run, Resume(body.resume)), {THREAD_HEADER: body.thread_id})


@router.get("/ui/approvals/{thread_id}", response_model=PendingApprovals)
async def ui_approvals(
    thread_id: ThreadIdPath, runtime: RuntimeDep, caller: CallerDep
) -> PendingApprovals:
    """What the thread waits for: the calls a person must approve, edit or reject."""
    if not await owned(runtime, caller, thread_id, runtime.store.threads.thread_exists):
        raise ApiError(404, f"no thread {thread_id!r}")
    snapshot = await runtime.graph.aget_state({"configurable": {"thread_id": thread_id}})
    return PendingApprovals(thread_id=thread_id, approvals=approval_events(snapshot.interrupts))


class Draft:
    """route's reply, shown as it is written unless it looks like a tool call being written."""

    def __init__(self) -> None:
        self.step: Any = None
        self.text = ""
        self.shown: bool | None = None

    def add(self, step: Any, text: str) -> str | None:
        """The text to show now, if any."""
        if step != self.step:  # a new route call: a new draft
            self.step, self.text, self.shown = step, "", None
        self.text += text
        if self.shown is None and self.text.strip():
            # JSON, Harmony or XML-ish text is a tool call being written: hold it.
            self.shown = self.text.lstrip()[0] not in "{[<`"
            return self.text if self.shown else None
        return text if self.shown else None


async def web_events(run: Run, given: HumanMessage | RunInput) -> AsyncIterator[str]:
    """The page's events for one run (see the module docstring)."""
    final = ""
    stages: dict[str, str] = {}
    announced: set[str] = set()
    draft = Draft()
    waiting: list[Any] = []
    run_input: RunInput = [given] if isinstance(given, HumanMessage) else given
    try:
        async for mode, data in run.stream(run_input, modes=["messages", "updates"]):
            if mode == "messages":
                token, metadata = data
                if not (
                    isinstance(token, AIMessageChunk)
                    and isinstance(token.content, str)
                    and token.content
                ):
                    continue
                tags = metadata.get("tags") or []
                if ANSWER_TAG in tags:
                    yield sse({"type": "token", "text": token.content})
                elif DRAFT_TAG in tags:
                    shown = draft.add(metadata.get("langgraph_step"), token.content)
                    if shown:
                        yield sse({"type": "token", "text": shown, "draft": True})
                continue
            interrupts = (data or {}).get("__interrupt__")
            if interrupts:
                waiting.extend(interrupts)
                continue
            for update in (data or {}).values():
                if not isinstance(update, dict):
                    continue
                stages.update(update.get("call_stages") or {})
                for item in update.get("messages") or []:
                    if isinstance(item, AIMessage) and item.tool_calls:
                        for call in item.tool_calls:
                            call_id = call.get("id") or ""
                            if call_id not in announced:
                                announced.add(call_id)
                                yield sse(tool_call_event(call, stages.get(call_id, "native")))
                    elif isinstance(item, ToolMessage):
                        yield sse(tool_result_event(item))
                    elif isinstance(item, AIMessage):
                        final = message_text(item)
    except ApiError as error:  # the stream has started: report in-band
        yield sse({"type": "error", "status": error.status, "message": error.message})
        return
    if waiting:
        yield sse(
            {"type": "waiting", "thread_id": run.thread_id, "approvals": approval_events(waiting)}
        )
        return
    yield sse(
        {"type": "done", "content": final, "thread_id": run.thread_id, "model": run.served_by}
    )


def tool_call_event(call: Any, stage: str) -> dict[str, Any]:
    return {
        "type": "tool_call",
        "id": call.get("id") or "",
        "name": call["name"],
        "args": call["args"],
        "stage": stage,
    }


def tool_result_event(message: ToolMessage) -> dict[str, Any]:
    artifact = message.artifact if isinstance(message.artifact, dict) else {}
    content = message_text(message)
    return {
        "type": "tool_result",
        "id": message.tool_call_id,
        "name": message.name,
        "status": message.status,
        "content": content[:RESULT_PREVIEW_CHARS],
        "truncated": len(content) > RESULT_PREVIEW_CHARS,
        "duration_ms": artifact.get("duration_ms"),
        "held": artifact.get("held"),
        "decision": artifact.get("decision"),
    }
