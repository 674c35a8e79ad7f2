"""The web chat page at ``/`` and the event stream it reads, ``POST /ui/chat``.

The page is one static HTML file (no build step, no CDN: it works offline). It talks to the same
API as every other client (``/health``, ``/threads``, ``/threads/{id}``) plus one stream made for
it: ``/ui/chat`` runs the agent on a thread and sends server-sent events, one JSON object each:

- ``{"type": "token", "text": ..., "draft": bool}``: answer text as the model writes it; a draft
  (route's reply) may still be replaced by tool calls and the final answer;
- ``{"type": "tool_call", "id", "name", "args", "stage"}``: a call the graph decided on, and which
  detect-intent stage found it (native, text, structured, pattern);
- ``{"type": "tool_result", "id", "name", "status", "content", "duration_ms"}``;
- ``{"type": "done", "content", "thread_id"}``: the final answer (it may differ from the streamed
  tokens when respond fell back to the tool results);
- ``{"type": "error", "status", "message"}``: the run failed (LLM down, timeout, thread busy).

(No ``from __future__ import annotations``: FastAPI reads the route annotations at run time.)
"""

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from pydantic import BaseModel, ConfigDict, Field, field_validator

from nodes.llm_io import ANSWER_TAG, DRAFT_TAG, message_text
from server.auth import Principal
from server.errors import ApiError
from server.observability import usage_for
from server.runtime import AgentRuntime, context_from
from server.upstream import classify

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
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

    thread_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$")
    message: str = Field(min_length=1)

    @field_validator("message")
    @classmethod
    def _clean(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message is empty")
        if "\x00" in value:
            raise ValueError("message contains a NUL byte")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("message is not valid Unicode (lone surrogate)") from None
        return value


def event(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def make_web_router(get_runtime: Any, get_principal: Any, prepare_thread: Any) -> APIRouter:
    router = APIRouter(tags=["web"])
    Runtime = Annotated[AgentRuntime, Depends(get_runtime)]
    Caller = Annotated[Principal, Depends(get_principal)]
    files = {name: (STATIC / name).read_text(encoding="utf-8") for name in ["index.html", *ASSETS]}

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(files["index.html"], headers=SECURITY_HEADERS)

    @router.get("/ui/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in ASSETS:
            raise ApiError(404, f"no file {name!r}")
        return Response(
            files[name],
            media_type=ASSETS[name],
            headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
        )

    @router.post(
        "/ui/chat",
        response_model=None,
        responses={
            200: {
                "description": "Server-sent events: token, tool_call, tool_result, done, error",
                "content": {
                    "text/event-stream": {
                        "schema": {"type": "object", "properties": {"data": {"type": "string"}}}
                    }
                },
            }
        },
    )
    async def ui_chat(
        body: WebChatRequest, request: Request, runtime: Runtime, caller: Caller
    ) -> StreamingResponse:
        """Run the agent on a thread for the web page, streaming tokens and tool calls as events."""
        if len(body.message) > runtime.settings.max_message_chars:
            raise ApiError(
                400,
                f"message: longer than {runtime.settings.max_message_chars} characters",
                param="message",
            )
        thread_id = await prepare_thread(runtime, caller, body.thread_id)
        request.state.thread_id = thread_id
        config = {
            "configurable": {"thread_id": thread_id},
            "callbacks": [usage_for(request), runtime.recorder(thread_id)],
        }
        run_input = {"messages": [HumanMessage(content=body.message)]}
        return StreamingResponse(
            web_events(runtime, run_input, config, thread_id),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Thread-Id": thread_id},
        )

    return router


async def web_events(
    runtime: AgentRuntime, run_input: dict[str, Any], config: dict[str, Any], thread_id: str
) -> AsyncIterator[str]:
    context = context_from(runtime.settings)
    final = ""
    stages: dict[str, str] = {}
    announced: set[str] = set()
    draft_step: Any = None
    draft_text = ""
    draft_shown: bool | None = None
    try:
        graph: Any = runtime.graph
        async with runtime.thread_lock(thread_id):
            async for mode, data in graph.astream(
                run_input, config, context=context, stream_mode=["messages", "updates"]
            ):
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
                        yield event({"type": "token", "text": token.content})
                    elif DRAFT_TAG in tags:
                        step = metadata.get("langgraph_step")
                        if step != draft_step:  # a new route call: a new draft
                            draft_step, draft_text, draft_shown = step, "", None
                        draft_text += token.content
                        if draft_shown is None and draft_text.strip():
                            # JSON, Harmony or XML-ish text is a tool call being written: hold it.
                            draft_shown = draft_text.lstrip()[0] not in "{[<`"
                            if draft_shown:
                                yield event({"type": "token", "text": draft_text, "draft": True})
                        elif draft_shown:
                            yield event({"type": "token", "text": token.content, "draft": True})
                    continue
                for update in (data or {}).values():
                    if not isinstance(update, dict):
                        continue
                    stages.update(update.get("call_stages") or {})
                    for message in update.get("messages") or []:
                        if isinstance(message, AIMessage) and message.tool_calls:
                            for call in message.tool_calls:
                                call_id = call.get("id") or ""
                                if call_id in announced:
                                    continue
                                announced.add(call_id)
                                yield event(
                                    {
                                        "type": "tool_call",
                                        "id": call_id,
                                        "name": call["name"],
                                        "args": call["args"],
                                        "stage": stages.get(call_id, "native"),
                                    }
                                )
                        elif isinstance(message, ToolMessage):
                            artifact = (
                                message.artifact if isinstance(message.artifact, dict) else {}
                            )
                            content = message_text(message)
                            yield event(
                                {
                                    "type": "tool_result",
                                    "id": message.tool_call_id,
                                    "name": message.name,
                                    "status": message.status,
                                    "content": content[:RESULT_PREVIEW_CHARS],
                                    "truncated": len(content) > RESULT_PREVIEW_CHARS,
                                    "duration_ms": artifact.get("duration_ms"),
                                }
                            )
                        elif isinstance(message, AIMessage):
                            final = message_text(message)
    except Exception as exc:  # the stream has started: report in-band
        status, text = classify(exc)
        if status == 500:
            log.exception("web chat run failed on thread %s", thread_id)
        yield event({"type": "error", "status": status, "message": text})
        return
    yield event({"type": "done", "content": final, "thread_id": thread_id})
