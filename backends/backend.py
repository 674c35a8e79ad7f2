"""A backend: a chat model plus what this process has learnt about the server behind it.

The nodes make two kinds of model call, both through here: a chat completion (with tools or
without) and a JSON object constrained by a schema. Every call goes through the one retry loop
and circuit breaker (:mod:`backends.resilience`).

Backends differ in what request shapes they accept, and nothing here is told which server it
talks to: it learns. A backend that refuses tool messages in the history (llama.cpp refuses
``content: null`` beside ``tool_calls``; vLLM answers some histories with a 500 ``HarmonyError``)
gets the history as plain text; one that refuses ``response_format: json_schema`` (llama.cpp
answers 500) gets ``json_object`` with a schema, and one that refuses both gets the schema in
the prompt.

vLLM's ``HarmonyError`` comes in two kinds (:func:`backends.failures.harmony_kind`): one from
parsing a sampled reply, which the retry loop sends again as it is (the next sample usually
parses), and one from rendering the request's history, which is sent again in another shape.

A refusal may also be the request's own fault: in tool-call mode a client can send a malformed
tool history or a tool schema the backend cannot compile. So a refused request is always sent
again in the next shape (that request is served), but the process switches the shape for every
later request only when a **probe**, a small well-formed request of the same shape, is refused
too. One client's bad request never changes the format for everyone else.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from backends.failures import classify
from backends.messages import flatten_tool_history, has_tool_turns, loads_first, message_text
from backends.resilience import CircuitBreaker, RetryPolicy
from backends.telemetry import LLMCallLog

log = logging.getLogger(__name__)

# What a model call's tokens are for; surfaces that stream read these tags.
INTERNAL_TAG = "toolloom:internal"  # never shown as it is written
ANSWER_TAG = "toolloom:answer"  # the answer, streamed token by token
BACKEND_KEY = "toolloom_backend"
"""In a reply's ``response_metadata`` and in the callbacks' metadata: the backend that answered."""
# route's reply: the answer if no tool is needed, but it may still turn into a tool call, so a
# surface that streams it must be able to take it back (the web page does; /v1 does not).
DRAFT_TAG = "toolloom:draft"

StructuredMode = Literal["json_schema", "json_object", "prompt"]
STRUCTURED_MODES: tuple[StructuredMode, ...] = ("json_schema", "json_object", "prompt")
HistoryShape = Literal["unknown", "native", "text"]

_PROBE_TOOL = {
    "type": "function",
    "function": {
        "name": "calculator",
        "description": "Evaluate an arithmetic expression.",
        "parameters": {
            "type": "object",
            "properties": {"expression": {"type": "string"}},
            "required": ["expression"],
        },
    },
}
_PROBE_HISTORY: list[BaseMessage] = [
    HumanMessage(content="What is 1+1?"),
    AIMessage(
        content="",
        tool_calls=[
            {
                "name": "calculator",
                "args": {"expression": "1+1"},
                "id": "call_probe",
                "type": "tool_call",
            }
        ],
    ),
    ToolMessage(content="2", tool_call_id="call_probe", name="calculator"),
]
_PROBE_SCHEMA = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
}
_PROBE_JSON_PROMPT: list[BaseMessage] = [HumanMessage(content='Reply with the JSON {"ok": true}.')]


@dataclass
class Quirks:
    """What this process has learnt about one backend, each fact confirmed by a probe."""

    history: HistoryShape = "unknown"
    """How tool calls and results in the history are sent: as OpenAI tool messages (native) or
    as plain text (the backend refused a well-formed tool history)."""
    structured: dict[StructuredMode, bool] = field(default_factory=dict)
    """For each structured-output mode tried: whether the backend accepts it."""


GRAMMAR_BOUND = 256
"""Largest length or item bound a schema keeps when it becomes a grammar for the model."""

_BOUNDS = ("maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties")


def grammar_safe(schema: Any) -> Any:
    """``schema`` without length and count bounds above :data:`GRAMMAR_BOUND`.

    llama.cpp turns ``"maxLength": N`` into N nested grammar rules, and its server crashes (a stack
    overflow in ``libllama``, the process gone) on a bound of a few thousand: SmolLM2 asked to fill
    ``database_execute`` (``sql`` up to 20000 characters) took the embedded model down. The
    reply's token budget bounds it anyway, and the arguments are validated against the tool's
    full schema after the reply.
    """
    if isinstance(schema, list):
        return [grammar_safe(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {
        key: grammar_safe(value)
        for key, value in schema.items()
        if not (
            key in _BOUNDS
            and isinstance(value, int)
            and not isinstance(value, bool)
            and value > GRAMMAR_BOUND
        )
    }


class Backend:
    """A chat model plus its quirks, behind the retry loop and the circuit breaker."""

    def __init__(
        self,
        llm: BaseChatModel,
        policy: RetryPolicy | None = None,
        *,
        name: str = "llm",
        base_url: str | None = None,
        answer_from_results: bool = False,
    ) -> None:
        self.llm = llm
        self.policy = policy or RetryPolicy(breaker=CircuitBreaker(name=name))
        self.name = name
        """The backend's name (its models-file entry): in metrics, logs and replies."""
        self.base_url = base_url
        """Where it is reached (None for an in-process model)."""
        self.answer_from_results = answer_from_results
        """Write the answer from a tool result that answers the question by itself (a sum, the
        time) instead of asking this backend to phrase it: right for a small local model."""
        self.model = str(
            getattr(llm, "model_name", None) or getattr(llm, "model", None) or type(llm).__name__
        )
        self.quirks = Quirks()
        self._probing = asyncio.Lock()
        callbacks = llm.callbacks if isinstance(llm.callbacks, list) else []
        if not any(isinstance(c, LLMCallLog) for c in callbacks):
            llm.callbacks = [*callbacks, LLMCallLog(name, self.model)]

    # --- the two calls the nodes make ---------------------------------------------------------

    async def chat(
        self,
        messages: Sequence[BaseMessage],
        *,
        tools: Sequence[dict[str, Any]] = (),
        tool_choice: Any = None,
        tags: Sequence[str] = (INTERNAL_TAG,),
    ) -> AIMessage:
        """One chat completion. ``tools`` are OpenAI tool definitions (converted once per run by
        the caller). A history the backend refuses is sent again as plain text."""
        model: Any = self.llm
        if tools:
            kwargs: dict[str, Any] = {}
            if tool_choice not in (None, "auto"):
                kwargs["tool_choice"] = tool_choice
            model = model.bind_tools(list(tools), **kwargs)
        model = model.with_config(tags=list(tags))
        as_text = self.quirks.history == "text"  # the shape this request is sent in
        try:
            reply = await self._invoke(model, messages, as_text=as_text)
        except Exception as exc:
            # Decided by what *this* request sent: a concurrent request may have switched the
            # shape meanwhile, and this one must still be sent again in the other shape.
            # A refused shape, or a reply that failed to parse on every retry: a history in
            # another shape may render (and sample) where this one did not.
            kind = classify(exc).kind
            if (
                as_text
                or kind not in ("request_shape", "bad_output")
                or not has_tool_turns(messages)
            ):
                raise
            log.info(
                "backend %s refused a tool history (%s); sending it as text",
                self.name,
                type(exc).__name__,
            )
            reply = await self._invoke(
                model, messages, as_text=True
            )  # a different shape, not a retry
            await self._probe_history()
        if not isinstance(reply, AIMessage):
            reply = AIMessage(content=message_text(reply))
        reply.response_metadata[BACKEND_KEY] = self.name
        return reply

    async def json_object(
        self,
        messages: Sequence[BaseMessage],
        schema: dict[str, Any],
        max_tokens: int | None = None,
    ) -> dict[str, Any] | None:
        """A JSON object from the model, constrained by ``schema`` where the backend allows.
        ``max_tokens`` bounds the reply (sized by the caller to what the schema can need: a small
        model that rambles is cut early instead of writing until the backend's own limit).

        Returns the decoded object or None (no usable reply); the caller validates it.
        """
        schema = grammar_safe(schema)
        known = [m for m in STRUCTURED_MODES if self.quirks.structured.get(m) is True]
        untried = [m for m in STRUCTURED_MODES if self.quirks.structured.get(m) is None]
        for mode in [*known, *untried]:
            try:
                reply = await self._invoke(
                    self._structured_model(mode, schema, max_tokens),
                    self._structured_prompt(mode, messages, schema),
                )
            except openai.LengthFinishReasonError:
                # The reply hit max_tokens before the JSON was complete (a small model rambling):
                # no structured answer, not a failed request.
                log.info("structured reply cut at the token limit (mode %s)", mode)
                self.quirks.structured[mode] = True
                return None
            except Exception as exc:
                if classify(exc).kind != "request_shape":
                    raise
                log.info(
                    "backend %s refused structured mode %s (%s)",
                    self.name,
                    mode,
                    type(exc).__name__,
                )
                if self.quirks.structured.get(mode) is None:
                    await self._probe_structured(mode)
                continue  # this request tries the next mode, whatever the probe found
            self.quirks.structured[mode] = True
            value = loads_first(message_text(reply).strip().strip("`").removeprefix("json"))
            return value if isinstance(value, dict) else None
        return None

    # --- internals -----------------------------------------------------------------------------

    async def _invoke(
        self, model: Any, messages: Sequence[BaseMessage], *, as_text: bool | None = None
    ) -> Any:
        """One call through the retry loop and the circuit breaker (the attempt number goes to
        the callbacks' metadata, so the LLM log line shows retries)."""
        if as_text is None:
            as_text = self.quirks.history == "text"
        prepared = flatten_tool_history(messages) if as_text else list(messages)

        async def attempt(n: int) -> Any:
            metadata = {"toolloom_attempt": n, BACKEND_KEY: self.name}
            return await model.with_config(metadata=metadata).ainvoke(prepared)

        return await self.policy.run(attempt)

    def _structured_model(
        self, mode: StructuredMode, schema: dict[str, Any], max_tokens: int | None = None
    ) -> Any:
        model: Any = self.llm
        limit = getattr(model, "max_tokens", None)
        if max_tokens is not None and (not isinstance(limit, int) or max_tokens < limit):
            # Both spellings, as the client sends its own limit (llama.cpp reads max_tokens).
            model = model.bind(max_tokens=max_tokens, extra_body={"max_tokens": max_tokens})
        if mode == "json_schema":
            model = model.bind(
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "tool_choice", "schema": schema},
                }
            )
        elif mode == "json_object":
            model = model.bind(response_format={"type": "json_object", "schema": schema})
        return model.with_config(tags=[INTERNAL_TAG])

    @staticmethod
    def _structured_prompt(
        mode: StructuredMode, messages: Sequence[BaseMessage], schema: dict[str, Any]
    ) -> list[BaseMessage]:
        prompt = list(messages)
        if mode == "prompt":
            prompt.append(
                SystemMessage(content="Reply with JSON only, matching: " + json.dumps(schema))
            )
        return prompt

    async def _probe_history(self) -> None:
        """Does the backend refuse a well-formed tool history? Then send histories as text."""
        async with self._probing:
            if self.quirks.history != "unknown":
                return
            model = self.llm.bind_tools([_PROBE_TOOL]).with_config(tags=[INTERNAL_TAG])
            try:
                await self._invoke(model, _PROBE_HISTORY, as_text=False)
            except Exception as exc:
                if classify(exc).kind != "request_shape":
                    log.info(
                        "history probe of %s failed (%s); nothing learnt",
                        self.name,
                        type(exc).__name__,
                    )
                    return
                log.info(
                    "backend %s refuses tool messages; tool turns go as text from now on", self.name
                )
                self.quirks.history = "text"
                return
            log.info(
                "backend %s takes tool messages; the refused history was the request's own",
                self.name,
            )
            self.quirks.history = "native"

    async def _probe_structured(self, mode: StructuredMode) -> None:
        """Does the backend refuse ``mode`` with a trivial schema too? Then never use it again."""
        async with self._probing:
            if self.quirks.structured.get(mode) is not None:
                return
            try:
                await self._invoke(
                    self._structured_model(mode, _PROBE_SCHEMA),
                    self._structured_prompt(mode, _PROBE_JSON_PROMPT, _PROBE_SCHEMA),
                )
            except openai.LengthFinishReasonError:
                self.quirks.structured[mode] = True
                return
            except Exception as exc:
                if classify(exc).kind != "request_shape":
                    log.info(
                        "structured probe of %s failed (%s); nothing learnt",
                        self.name,
                        type(exc).__name__,
                    )
                    return
                log.info("backend %s does not take structured mode %s", self.name, mode)
                self.quirks.structured[mode] = False
                return
            self.quirks.structured[mode] = True
