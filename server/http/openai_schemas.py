"""The shapes of OpenAI's chat completions API, as toolloom takes and returns them, and the
conversion between OpenAI messages and LangChain's.

Requests: OpenAI's parameters that toolloom uses are typed; its other parameters (and vLLM's
sampling extras) are accepted and ignored; an unknown field is a 400, as OpenAI itself answers.
Text with a NUL byte or a lone surrogate never reaches these models: the JSON guard
(:mod:`server.http.body_limits`) refuses it first.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.api_error import ApiError
from server.http.reasoning import REASONING_FIELDS, reasoning_in

# --- requests ------------------------------------------------------------------------------------


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
    reasoning_content: str | None = None
    """An assistant message's reasoning, sent back to a reasoning model (gpt-oss needs it after
    a tool call); ``reasoning`` is taken as well."""
    reasoning: str | None = None

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

    model: str = Field(
        default="toolloom",
        description="`toolloom` (the default model) or the name of a model `GET /v1/models` "
        "lists; an unknown name is a 400. Replies keep the name asked for; the "
        "`X-Toolloom-Model` header says which backend answered.",
    )
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


# --- responses -----------------------------------------------------------------------------------


class FunctionCallOut(BaseModel):
    name: str
    arguments: str = Field(description="The arguments as a JSON object, encoded as a string.")


class ToolCallOut(BaseModel):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCallOut


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str | None
    tool_calls: list[ToolCallOut] | None = None
    reasoning_content: str | None = None
    """Beside tool calls, the model's reasoning for them: send it back on this assistant message
    (a reasoning model such as gpt-oss needs it on the next request)."""


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop", "tool_calls", "length"]
    logprobs: None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ToolloomInfo(BaseModel):
    """toolloom's own fields: the thread (when one was used) and which detect-intent stage
    produced each tool call (native, text, analysis, structured, intent, pattern)."""

    thread_id: str | None
    call_stages: dict[str, str]
    served_by: str | None = None
    """The backend that answered the run's last model call (the ``X-Toolloom-Model`` header);
    null when no model call was needed."""


class ServedBy(BaseModel):
    served_by: str | None
    """The backend that answered the run's last model call (a stream's headers go out before
    the run, so the finishing chunk says it)."""


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    toolloom: ToolloomInfo


class ToolCallDelta(BaseModel):
    index: int
    id: str | None = None
    type: Literal["function"] | None = None
    function: dict[str, str]


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None
    tool_calls: list[ToolCallDelta] | None = None
    reasoning_content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop", "tool_calls", "length"] | None = None
    logprobs: None = None


class ChatCompletionChunk(BaseModel):
    """One ``data:`` event of a streamed completion (``[DONE]`` ends the stream)."""

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    toolloom: ServedBy | None = None
    """On the chunk with the finish_reason only."""


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str
    root: str | None = None
    """The model the backend serves under this name (as vLLM reports it)."""
    fallbacks: list[str] | None = None
    """The backends a failing step goes to next, in order (``toolloom``: the default's)."""


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]


# --- conversion ------------------------------------------------------------------------------


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
            converted.append(
                AIMessage(
                    content=text,
                    tool_calls=calls,
                    additional_kwargs=reasoning_in(
                        message.model_dump(include=set(REASONING_FIELDS))
                    ),
                )
            )
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
