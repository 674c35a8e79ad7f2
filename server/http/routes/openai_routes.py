"""OpenAI-compatible ``/v1/chat/completions`` and ``/v1/models``.

- **Agent mode** (no ``tools``): the whole graph runs with the built-in tools and the final
  assistant message comes back. With ``X-Thread-Id`` the server keeps the history and the client
  sends only the new message(s); without it the request's messages are the whole conversation.
- **Tool-call mode** (``tools`` given): nothing is executed. route and detect-intent produce
  ``tool_calls`` for the client's own tools (``finish_reason: "tool_calls"``); the client runs them
  and sends ``role: "tool"`` messages back, as with any OpenAI model.

``model`` picks the backend: ``toolloom`` is the default entry, any name ``/v1/models`` lists picks
that backend (its fallbacks follow), anything else is a 400 listing the valid names. The reply's
``model`` stays what the client asked (OpenAI clients compare it); the backend that answered is
the ``X-Toolloom-Model`` header (``toolloom.served_by`` in the body; in a stream, whose headers
go out before the run, ``toolloom.served_by`` on the finishing chunk).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from langchain_core.messages import AIMessage, AIMessageChunk

from backends.backend import ANSWER_TAG
from backends.messages import message_text
from server.api_error import ApiError
from server.http.answer_guard import AnswerGuard
from server.http.deps import CallerDep, RuntimeDep, ThreadIdHeader
from server.http.openai_schemas import (
    ChatCompletion,
    ChatCompletionRequest,
    ModelList,
    NamedToolChoice,
    new_messages_for_thread,
    openai_tool_calls,
    to_langchain,
)
from server.http.reasoning import reasoning_out
from server.http.sse import sse, sse_documented, sse_response
from server.road.approvals import approval_events, waiting_text
from server.road.request import (
    PUBLIC_MODEL,
    THREAD_HEADER,
    RunRequest,
    prepare,
    with_client_tools,
)
from server.road.run import Run
from server.storage.response_cache import wants_no_cache

router = APIRouter(prefix="/v1", tags=["openai"])


@router.get("/models")
async def list_models(runtime: RuntimeDep, _: CallerDep) -> ModelList:
    """``toolloom`` (the default model), then every backend by its models-file name: each runs
    the whole agent on that backend first, then on its fallbacks."""
    created = int(time.time())
    pool = runtime.pool

    def card(name: str, backend: str) -> dict[str, Any]:
        chain = [b.name for b in pool.chain(backend)]
        return {
            "id": name,
            "created": created,
            "owned_by": "toolloom",
            "root": pool.get(backend).model,
            "fallbacks": chain[1:],
        }

    cards = [card(PUBLIC_MODEL, pool.default)]
    cards += [card(name, name) for name in pool.names() if name != PUBLIC_MODEL]
    return ModelList.model_validate({"data": cards})


def check_tools(body: ChatCompletionRequest, max_tools: int) -> Any:
    """Tool-call mode's consistency (the messages are the road's to check); returns the
    tool_choice."""
    tools = body.tools or []
    if len(tools) > max_tools:
        raise ApiError(400, f"tools: more than {max_tools}", param="tools")
    names = [t.function.name for t in tools]
    if len(set(names)) != len(names):
        raise ApiError(400, "tools: function names must be unique", param="tools")
    choice: Any = body.tool_choice or "auto"
    if isinstance(choice, NamedToolChoice):
        wanted = choice.function.get("name")
        if wanted not in names:
            raise ApiError(
                400, f"tool_choice: no tool named {wanted!r} in tools", param="tool_choice"
            )
        return {"type": "function", "function": {"name": wanted}}
    if choice == "required" and not tools:
        raise ApiError(400, "tool_choice 'required' needs tools", param="tool_choice")
    return choice


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses=sse_documented(
        "A chat completion; with `stream: true`, server-sent `chat.completion.chunk` events "
        "ending with `data: [DONE]`",
        {
            "anyOf": [
                {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": {"$ref": "#/components/schemas/ChatCompletionChunk"},
                },
                {"const": "[DONE]", "description": "The stream's last event"},
            ]
        },
    ),
)
async def chat_completions(
    body: ChatCompletionRequest,
    request: Request,
    runtime: RuntimeDep,
    caller: CallerDep,
    x_thread_id: ThreadIdHeader = None,
) -> Any:
    """OpenAI chat completions: agent mode, or tool-call mode when ``tools`` are given."""
    choice = check_tools(body, runtime.settings.max_request_tools)
    messages = to_langchain(body.messages)
    context = runtime.context
    if body.tools:
        context = with_client_tools(
            context,
            [t.model_dump(exclude_none=True) for t in body.tools],
            choice,
            body.parallel_tool_calls,
        )
    if x_thread_id is not None:
        messages = new_messages_for_thread(messages)
        if not messages:
            raise ApiError(
                400, "messages: nothing new after the last assistant message", param="messages"
            )
    run = await prepare(
        runtime,
        RunRequest(
            caller,
            x_thread_id,
            messages=messages,
            model=body.model,
            context=context,
            no_cache=wants_no_cache(request.headers),
            request_state=request.state,
        ),
    )
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    headers = {THREAD_HEADER: x_thread_id} if x_thread_id else {}
    if body.stream:
        # The headers go out before the run: the backend that served it is in the last chunk.
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        chunks = Chunks(completion_id, int(time.time()), body.model, include_usage)
        return sse_response(stream_completion(run, messages, chunks), headers)

    state = await run.invoke(messages)
    final = state["messages"][-1]
    reply: dict[str, Any] = {"role": "assistant", "content": message_text(final)}
    finish = "stop"
    approvals = approval_events(state.get("__interrupt__"))
    if approvals and x_thread_id:
        # A stock OpenAI client cannot approve: say what waits, and on which thread.
        reply = {"role": "assistant", "content": waiting_text(x_thread_id, approvals)}
    elif isinstance(final, AIMessage) and final.tool_calls:
        reply = {
            "role": "assistant",
            "content": reply["content"] or None,
            "tool_calls": openai_tool_calls(final),
            **reasoning_out(final),
        }
        finish = "tool_calls"
    completion = {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.model,
        "choices": [{"index": 0, "message": reply, "finish_reason": finish, "logprobs": None}],
        "usage": run.usage.openai(),
        "toolloom": {
            "thread_id": x_thread_id,
            "call_stages": state.get("call_stages", {}),
            "served_by": run.served_by,
            **({"approvals": approvals} if approvals else {}),
        },
    }
    return JSONResponse(completion, headers={**headers, **run.served_headers()})


class Chunks:
    """Writes the ``chat.completion.chunk`` events of one streamed completion."""

    def __init__(self, completion_id: str, created: int, model: str, include_usage: bool) -> None:
        self.head = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
        }
        self.include_usage = include_usage

    def delta(
        self, delta: dict[str, Any], finish: str | None = None, served_by: str | None = None
    ) -> str:
        payload: dict[str, Any] = {
            **self.head,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }
        if self.include_usage:
            payload["usage"] = None
        if finish is not None:  # the last chunk of the answer: which backend served it
            payload["toolloom"] = {"served_by": served_by}
        return sse(payload)

    def usage(self, usage: dict[str, int]) -> str:
        return sse({**self.head, "choices": [], "usage": usage})


async def stream_completion(run: Run, messages: list[Any], chunks: Chunks) -> AsyncIterator[str]:
    """The answer's tokens as they are written (only text that can no longer turn into a tool
    call: respond's answer), then the tool calls or the rest of the answer, then ``[DONE]``."""
    yield chunks.delta({"role": "assistant", "content": ""})
    guard = AnswerGuard()  # holds back what may be a Harmony marker
    try:
        async for _, (token, metadata) in run.stream(messages, modes=["messages"]):
            if (
                isinstance(token, AIMessageChunk)
                and ANSWER_TAG in (metadata.get("tags") or [])
                and isinstance(token.content, str)
                and token.content
            ):
                part = guard.feed(token.content)
                if part:
                    yield chunks.delta({"content": part})
    except ApiError as error:  # the stream has started: report in-band, OpenAI-style
        yield sse(
            {
                "error": {
                    "message": error.message,
                    "type": error_type(error.status),
                    "code": error.status,
                }
            }
        )
        yield sse("[DONE]")
        return
    final = (run.final.get("messages") or [None])[-1]
    finish = "stop"
    approvals = approval_events(run.final.get("__interrupt__"))
    if approvals and run.thread_id:
        yield chunks.delta({"content": waiting_text(run.thread_id, approvals)})
    elif isinstance(final, AIMessage) and final.tool_calls:
        reasoning = reasoning_out(final)
        if reasoning:
            yield chunks.delta(reasoning)
        for index, call in enumerate(openai_tool_calls(final)):
            arguments = call["function"]["arguments"]
            yield chunks.delta(
                {"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                 "function": {"name": call["function"]["name"], "arguments": ""}}]}
            )  # fmt: skip
            for start in range(0, len(arguments), 32):
                yield chunks.delta(
                    {"tool_calls": [{"index": index, "function": {"arguments": arguments[start : start + 32]}}]}
                )  # fmt: skip
        finish = "tool_calls"
    elif isinstance(final, AIMessage):
        text, streamed = message_text(final), guard.streamed
        rest = (
            text[len(streamed) :]
            if text.startswith(streamed)
            else ("\n\n" + text if streamed else text)
        )
        for start in range(0, len(rest), 64):
            yield chunks.delta({"content": rest[start : start + 64]})
    yield chunks.delta({}, finish, run.served_by)
    if chunks.include_usage:
        yield chunks.usage(run.usage.openai())
    yield sse("[DONE]")


def error_type(status: int) -> str:
    return "upstream_error" if status >= 500 else "invalid_request_error"
