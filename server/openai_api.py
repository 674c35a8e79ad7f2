"""OpenAI-compatible ``/v1/chat/completions`` and ``/v1/models``.

(No ``from __future__ import annotations`` here: the routes are made inside ``make_router`` and
FastAPI must see their dependency annotations as objects, not strings.)

- **Agent mode** (no ``tools``): the whole graph runs with the built-in tools and the final
  assistant message comes back. With ``X-Thread-Id`` the server keeps the history and the client
  sends only the new message(s); without it the request's messages are the whole conversation.
- **Tool-call mode** (``tools`` given): nothing is executed. route and detect-intent produce
  ``tool_calls`` for the client's own tools (``finish_reason: "tool_calls"``); the client runs them
  and sends ``role: "tool"`` messages back, as with any OpenAI model.
"""

import contextlib
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, StreamingResponse
from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.context import Context
from nodes.llm_io import ANSWER_TAG, message_text
from server.auth import Principal
from server.errors import ApiError
from server.observability import usage_for
from server.runtime import AgentRuntime, context_from
from server.upstream import classify

# --- request models -------------------------------------------------------------------------------


class FunctionCall(BaseModel):
    name: str
    arguments: str = "{}"


class ToolCallIn(BaseModel):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class ChatMessageIn(BaseModel):
    """One message as OpenAI clients send it."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None
    name: str | None = None
    tool_calls: list[ToolCallIn] | None = None
    tool_call_id: str | None = None

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")


class FunctionSpec(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=64, description="Letters, digits, _ . -")

    @field_validator("name")
    @classmethod
    def _name_chars(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9_.\-]{1,64}", value):
            raise ValueError("function names use letters, digits, _ . - (at most 64)")
        return value

    description: str | None = None
    parameters: dict[str, Any] | None = None


class ToolSpecIn(BaseModel):
    type: Literal["function"] = "function"
    function: FunctionSpec


class NamedToolChoice(BaseModel):
    type: Literal["function"] = "function"
    function: dict[str, str]


class StreamOptions(BaseModel):
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """OpenAI's chat completion request. The fields toolloom uses are typed; OpenAI's other
    parameters (and vLLM's sampling extras) are accepted and ignored; an unknown field is a 400,
    as OpenAI itself answers."""

    model_config = ConfigDict(extra="forbid")

    # Accepted and ignored: OpenAI's other parameters, and the sampling extras vLLM clients send.
    audio: Any = None
    frequency_penalty: Any = None
    function_call: Any = None
    functions: Any = None
    logit_bias: Any = None
    logprobs: Any = None
    metadata: Any = None
    modalities: Any = None
    n: Any = None
    prediction: Any = None
    presence_penalty: Any = None
    prompt_cache_key: Any = None
    reasoning_effort: Any = None
    response_format: Any = None
    safety_identifier: Any = None
    seed: Any = None
    service_tier: Any = None
    stop: Any = None
    store: Any = None
    top_logprobs: Any = None
    top_p: Any = None
    verbosity: Any = None
    web_search_options: Any = None
    top_k: Any = None
    min_p: Any = None
    repetition_penalty: Any = None
    chat_template_kwargs: Any = None
    skip_special_tokens: Any = None
    min_tokens: Any = None

    model: str = "toolloom"
    messages: list[ChatMessageIn] = Field(min_length=1)
    tools: list[ToolSpecIn] | None = None
    tool_choice: Literal["auto", "none", "required"] | NamedToolChoice | None = None
    parallel_tool_calls: bool = True
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    user: str | None = None

    @field_validator("messages")
    @classmethod
    def _clean_text(cls, messages: list[ChatMessageIn]) -> list[ChatMessageIn]:
        for index, message in enumerate(messages):
            text = message.text()
            if "\x00" in text:
                raise ValueError(f"messages[{index}].content contains a NUL byte")
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(
                    f"messages[{index}].content is not valid Unicode (lone surrogate)"
                ) from None
        return messages


# --- conversion ---------------------------------------------------------------------------------------


def to_langchain(messages: list[ChatMessageIn]) -> list[BaseMessage]:
    converted: list[BaseMessage] = []
    for index, message in enumerate(messages):
        text = message.text()
        if message.role in ("system", "developer"):
            converted.append(SystemMessage(content=text))
        elif message.role == "user":
            converted.append(HumanMessage(content=text))
        elif message.role == "assistant":
            calls = []
            for call in message.tool_calls or []:
                try:
                    args = json.loads(call.function.arguments or "{}")
                except json.JSONDecodeError:
                    raise ApiError(
                        400,
                        f"messages[{index}].tool_calls: arguments are not valid JSON",
                        param=f"messages[{index}]",
                    ) from None
                if not isinstance(args, dict):
                    raise ApiError(
                        400,
                        f"messages[{index}].tool_calls: arguments must be a JSON object",
                        param=f"messages[{index}]",
                    )
                calls.append(
                    {"name": call.function.name, "args": args, "id": call.id, "type": "tool_call"}
                )
            converted.append(AIMessage(content=text, tool_calls=calls))
        else:
            if not message.tool_call_id:
                raise ApiError(
                    400,
                    f"messages[{index}]: a tool message needs tool_call_id",
                    param=f"messages[{index}].tool_call_id",
                )
            converted.append(
                ToolMessage(content=text, tool_call_id=message.tool_call_id, name=message.name)
            )
    return converted


def new_messages_for_thread(messages: list[BaseMessage]) -> list[BaseMessage]:
    """With a server-kept thread the client may send the history anyway: take what follows the
    last assistant message (the new user or tool messages)."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], AIMessage):
            return messages[index + 1 :]
    return messages


def openai_tool_calls(message: AIMessage) -> list[dict[str, Any]]:
    return [
        {
            "id": call["id"],
            "type": "function",
            "function": {
                "name": call["name"],
                "arguments": json.dumps(call["args"], ensure_ascii=False),
            },
        }
        for call in message.tool_calls
    ]


def usage_of(handler: UsageMetadataCallbackHandler) -> dict[str, int]:
    prompt = sum(u.get("input_tokens", 0) for u in handler.usage_metadata.values())
    completion = sum(u.get("output_tokens", 0) for u in handler.usage_metadata.values())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


# --- the routes ------------------------------------------------------------------------------------------


def make_router(get_runtime: Any, get_principal: Any, prepare_thread: Any) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["openai"])
    Runtime = Annotated[AgentRuntime, Depends(get_runtime)]
    Caller = Annotated[Principal, Depends(get_principal)]

    @router.get("/models")
    async def list_models(runtime: Runtime, _: Caller) -> dict[str, Any]:
        """The agent, plus the backend model it runs on."""
        created = int(time.time())
        return {
            "object": "list",
            "data": [
                {"id": "toolloom", "object": "model", "created": created, "owned_by": "toolloom"},
                {
                    "id": runtime.model,
                    "object": "model",
                    "created": created,
                    "owned_by": runtime.backend_name,
                },
            ],
        }

    @router.post(
        "/chat/completions",
        response_model=None,
        responses={
            200: {
                "description": "A chat completion, or with `stream: true` server-sent chat.completion.chunk events",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/event-stream": {
                        "schema": {"type": "object", "properties": {"data": {"type": "string"}}}
                    },
                },
            }
        },
    )
    async def chat_completions(
        body: ChatCompletionRequest,
        request: Request,
        runtime: Runtime,
        caller: Caller,
        x_thread_id: Annotated[
            str | None,
            Header(
                pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$",
                description="Keep the conversation on the server under this thread id.",
            ),
        ] = None,
    ) -> Any:
        """OpenAI chat completions: agent mode, or tool-call mode when ``tools`` are given."""
        settings = runtime.settings
        if len(body.messages) > settings.max_messages:
            raise ApiError(400, f"messages: more than {settings.max_messages}", param="messages")
        for index, message in enumerate(body.messages):
            if len(message.text()) > settings.max_message_chars:
                raise ApiError(
                    400,
                    f"messages[{index}].content: longer than {settings.max_message_chars} characters",
                    param=f"messages[{index}].content",
                )
        tools = body.tools or []
        if len(tools) > settings.max_request_tools:
            raise ApiError(400, f"tools: more than {settings.max_request_tools}", param="tools")
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
            choice = {"type": "function", "function": {"name": wanted}}
        elif choice == "required" and not tools:
            raise ApiError(400, "tool_choice 'required' needs tools", param="tool_choice")

        messages = to_langchain(body.messages)
        context = context_from(settings)
        if tools:
            context = replace(
                context,
                client_tools=[t.model_dump(exclude_none=True) for t in tools],
                tool_choice=choice,
                parallel_tool_calls=body.parallel_tool_calls,
            )
        usage = UsageMetadataCallbackHandler()
        callbacks: list[Any] = [usage, usage_for(request)]
        thread_id: str | None = None
        if x_thread_id is not None:
            thread_id = await prepare_thread(runtime, caller, x_thread_id)
            request.state.thread_id = thread_id
            messages = new_messages_for_thread(messages)
            if not messages:
                raise ApiError(
                    400, "messages: nothing new after the last assistant message", param="messages"
                )
            callbacks.append(runtime.recorder(thread_id))
            graph = runtime.graph
            config: dict[str, Any] = {
                "configurable": {"thread_id": thread_id},
                "callbacks": callbacks,
            }
        else:
            graph = runtime.stateless_graph
            config = {"callbacks": callbacks}
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        headers = {"X-Thread-Id": thread_id} if thread_id else {}
        run_input = {"messages": messages}

        if body.stream:
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            return StreamingResponse(
                stream_chunks(
                    runtime,
                    graph,
                    run_input,
                    config,
                    context,
                    usage,
                    completion_id,
                    created,
                    body.model,
                    include_usage,
                ),
                media_type="text/event-stream",
                headers={**headers, "Cache-Control": "no-cache"},
            )

        if thread_id is None:
            state = await runtime.run_graph(graph, run_input, config, context)
        else:
            async with runtime.thread_lock(thread_id):
                state = await runtime.run_graph(graph, run_input, config, context)
        final = state["messages"][-1]
        reply: dict[str, Any] = {"role": "assistant", "content": None}
        finish = "stop"
        if isinstance(final, AIMessage) and final.tool_calls:
            reply["tool_calls"] = openai_tool_calls(final)
            reply["content"] = message_text(final) or None
            finish = "tool_calls"
        else:
            reply["content"] = message_text(final)
        return JSONResponse(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": body.model,
                "choices": [
                    {"index": 0, "message": reply, "finish_reason": finish, "logprobs": None}
                ],
                "usage": usage_of(usage),
                "toolloom": {"thread_id": thread_id, "call_stages": state.get("call_stages", {})},
            },
            headers=headers,
        )

    async def stream_chunks(
        runtime: AgentRuntime,
        graph: Any,
        run_input: dict[str, Any],
        config: dict[str, Any],
        context: Context,
        usage: UsageMetadataCallbackHandler,
        completion_id: str,
        created: int,
        model: str,
        include_usage: bool,
    ) -> AsyncIterator[str]:
        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
            payload = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [
                    {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
                ],
                **extra,
            }
            if include_usage:
                payload.setdefault("usage", None)
            return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        streamed = ""
        final_state: dict[str, Any] = {}
        thread_id = (config.get("configurable") or {}).get("thread_id")
        hold = runtime.thread_lock(thread_id) if thread_id else contextlib.nullcontext()
        try:
            async with hold:  # released when the stream ends or the client goes away
                async for mode, data in graph.astream(
                    run_input, config, context=context, stream_mode=["messages", "values"]
                ):
                    if mode == "values":
                        final_state = data
                        continue
                    token, metadata = data
                    if (
                        isinstance(token, AIMessageChunk)
                        and ANSWER_TAG in (metadata.get("tags") or [])
                        and isinstance(token.content, str)
                        and token.content
                    ):
                        streamed += token.content
                        yield chunk({"content": token.content})
        except Exception as exc:  # the stream has started: report in-band, OpenAI-style
            error = stream_error(exc)
            yield f"data: {json.dumps({'error': error})}\n\n"
            yield "data: [DONE]\n\n"
            return
        final = final_state.get("messages", [None])[-1]
        finish = "stop"
        if isinstance(final, AIMessage) and final.tool_calls:
            for index, call in enumerate(openai_tool_calls(final)):
                arguments = call["function"]["arguments"]
                yield chunk(
                    {
                        "tool_calls": [
                            {
                                "index": index,
                                "id": call["id"],
                                "type": "function",
                                "function": {"name": call["function"]["name"], "arguments": ""},
                            }
                        ]
                    }
                )
                for start in range(0, len(arguments), 32):
                    yield chunk(
                        {
                            "tool_calls": [
                                {
                                    "index": index,
                                    "function": {"arguments": arguments[start : start + 32]},
                                }
                            ]
                        }
                    )
            finish = "tool_calls"
        elif isinstance(final, AIMessage):
            text = message_text(final)
            rest = (
                text[len(streamed) :]
                if text.startswith(streamed)
                else ("\n\n" + text if streamed else text)
            )
            for start in range(0, len(rest), 64):
                yield chunk({"content": rest[start : start + 64]})
        yield chunk({}, finish)
        if include_usage:
            payload = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [],
                "usage": usage_of(usage),
            }
            yield f"data: {json.dumps(payload)}\n\n"
        yield "data: [DONE]\n\n"

    return router


def stream_error(exc: Exception) -> dict[str, Any]:
    """OpenAI error fields for an exception raised mid-stream (no stack trace)."""
    status, message = classify(exc)
    return {
        "message": message,
        "type": "upstream_error" if status >= 500 else "invalid_request_error",
        "code": status,
    }
