"""The ``ChatOpenAI`` subclass every backend is reached through, and its factory.

Nothing else in the code knows which server it talks to: vLLM, llama.cpp's server (the embedded
default), or any other OpenAI-compatible API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import openai
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from backends.failures import ReplyError, StreamCutOff

DEFAULT_MODEL = "openai/gpt-oss-20b"
DEFAULT_MAX_TOKENS = 1024
EMBEDDED_MAX_TOKENS = 256


REASONING_KEYS = ("reasoning_content", "reasoning")


class ToolloomChatOpenAI(ChatOpenAI):
    """``ChatOpenAI`` that keeps a reasoning model's reasoning and sends it back.

    gpt-oss on vLLM returns its chain of thought as ``reasoning_content`` (older vLLM) or
    ``reasoning`` (newer); ChatOpenAI drops both. gpt-oss needs the reasoning of a tool-calling turn
    back in the next request, so it is kept in the message's ``additional_kwargs`` (and so in the
    checkpointed state) and written back as ``reasoning`` and ``reasoning_content`` on assistant
    messages that carry tool calls. Backends that send no reasoning see no difference.
    """

    def _create_chat_result(
        self,
        response: dict[str, Any] | openai.BaseModel,
        generation_info: dict[str, Any] | None = None,
    ) -> ChatResult:
        data = response if isinstance(response, dict) else response.model_dump()
        if isinstance(data, dict) and data.get("error") and not data.get("choices"):
            # An HTTP 200 whose body is an error (a HarmonyError passed on as the reply):
            # classified like the HTTP error it reports, not as a bug.
            raise ReplyError.from_body(data["error"])
        result = super()._create_chat_result(response, generation_info)
        for generation, choice in zip(result.generations, data.get("choices") or [], strict=False):
            message = choice.get("message") or {}
            reasoning = next((message[k] for k in REASONING_KEYS if message.get(k)), None)
            if reasoning and isinstance(generation.message, AIMessage):
                generation.message.additional_kwargs["reasoning_content"] = reasoning
        return result

    def _convert_chunk_to_generation_chunk(
        self,
        chunk: dict[str, Any],
        default_chunk_class: type,
        base_generation_info: dict[str, Any] | None,
    ) -> ChatGenerationChunk | None:
        generation = super()._convert_chunk_to_generation_chunk(
            chunk, default_chunk_class, base_generation_info
        )
        choices = chunk.get("choices") or []
        delta = (choices[0].get("delta") or {}) if choices else {}
        reasoning = next((delta[k] for k in REASONING_KEYS if delta.get(k)), None)
        if generation is not None and reasoning and isinstance(generation.message, AIMessageChunk):
            generation.message.additional_kwargs["reasoning_content"] = reasoning
        return generation

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        finished = False
        try:
            for chunk in super()._stream(*args, **kwargs):
                finished = finished or bool((chunk.generation_info or {}).get("finish_reason"))
                yield chunk
        except openai.APIError as exc:
            raise stream_error(exc) from exc
        if not finished:
            raise StreamCutOff

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        finished = False
        try:
            async for chunk in super()._astream(*args, **kwargs):
                finished = finished or bool((chunk.generation_info or {}).get("finish_reason"))
                yield chunk
        except openai.APIError as exc:
            raise stream_error(exc) from exc
        if not finished:
            raise StreamCutOff

    def _get_request_payload(
        self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        payload: dict[str, Any] = super()._get_request_payload(input_, stop=stop, **kwargs)
        messages: Sequence[BaseMessage] = self._convert_input(input_).to_messages()
        sent = payload.get("messages") or []
        if len(sent) == len(messages):
            for message, entry in zip(messages, sent, strict=True):
                reasoning = (
                    message.additional_kwargs.get("reasoning_content")
                    if isinstance(message, AIMessage)
                    else None
                )
                if reasoning and entry.get("role") == "assistant" and entry.get("tool_calls"):
                    entry["reasoning"] = reasoning
                    entry["reasoning_content"] = reasoning
        # The OpenAI SDK walks ``messages`` and ``tools`` through its TypedDict transformer before
        # sending: about 6 ms a call with the 16 built-in tools on a 2-core machine, growing with
        # the history. Both are plain JSON already, so they go in ``extra_body`` (sent as they are).
        if "response_format" not in payload or isinstance(payload["response_format"], dict):
            extra = dict(payload.get("extra_body") or {})
            for key in ("messages", "tools"):
                if key in payload:
                    extra[key] = payload.pop(key)
            payload["extra_body"] = extra
            payload.setdefault("messages", [])
        return payload


def stream_error(exc: openai.APIError) -> Exception:
    """What an error raised while reading a stream means. The OpenAI client raises a bare
    ``APIError`` for an ``{"error": ...}`` event in a stream that had started (vLLM's HarmonyError
    from the reasoning parser, an IndexError mid-arguments): that is the backend's reply failing,
    as a :class:`~backends.failures.ReplyError`. Anything else (a status, a connection) as it is."""
    if type(exc) is openai.APIError:
        return ReplyError.from_body(exc.body if exc.body is not None else exc.message)
    return exc


def make_chat_model(
    *,
    base_url: str,
    model: str | None = None,
    api_key: SecretStr | str = "not-needed",
    timeout: float = 120.0,
    temperature: float | None = None,
    max_tokens: int | None = None,
    http_async_client: Any = None,
) -> ToolloomChatOpenAI:
    """A ``ChatOpenAI`` client for one OpenAI-compatible backend, with no retries of its own
    (:class:`backends.resilience.RetryPolicy` is the one retry loop). ``http_async_client``: the
    HTTP client its requests go through (the response cache's, when one is on)."""
    limit = max_tokens or DEFAULT_MAX_TOKENS
    extra: dict[str, Any] = {}
    if http_async_client is not None:
        extra["http_async_client"] = http_async_client
    return ToolloomChatOpenAI(
        **extra,
        base_url=base_url,
        model=model or DEFAULT_MODEL,
        api_key=api_key if isinstance(api_key, SecretStr) else SecretStr(api_key),
        timeout=timeout,
        max_retries=0,
        temperature=temperature,
        max_completion_tokens=limit,
        # ChatOpenAI sends only max_completion_tokens; llama.cpp's server ignores that field and
        # generates until its context is full. Older servers read max_tokens: send both.
        extra_body={"max_tokens": limit},
        stream_usage=True,
    )
