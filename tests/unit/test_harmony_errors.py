"""vLLM's HarmonyError comes in two kinds (issue 25): one from parsing a reply the model just
sampled (transient: the same request, sampled again, usually parses) and one from rendering the
request's history (persistent: it must be sent in another shape). A first-turn request that hits
the transient kind is tried again, never answered 502 at once."""

from __future__ import annotations

import httpx
import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from backends.backend import Backend
from backends.failures import classify, harmony_kind
from backends.resilience import CircuitBreaker, RetryPolicy
from harness.fakes import ScriptedChatModel

REQUEST = httpx.Request("POST", "http://backend/v1/chat/completions")

OUTPUT_ERRORS = [
    'HarmonyError: unexpected tokens remaining in message header: Some("to=functions.calculator")',
    "HarmonyError: Unknown role: analysis",
    "HarmonyError: Unexpected token 200012 while expecting start token 200006",
    "openai_harmony.HarmonyError: weird failure nobody has seen",
]
HISTORY_ERRORS = [
    "HarmonyError: No call message found for call_abc",
    "HarmonyError: failed to render conversation: tool message without a tool_call_id",
]


def internal_error(message: str) -> openai.InternalServerError:
    body = {"object": "error", "type": "InternalServerError", "code": 500, "message": message}
    response = httpx.Response(500, request=REQUEST, json=body)
    return openai.InternalServerError(message, response=response, body=body)


@pytest.mark.parametrize("message", OUTPUT_ERRORS)
def test_output_parse_errors_are_transient(message: str) -> None:
    assert harmony_kind(message) == "output"
    failure = classify(internal_error(message))
    assert failure.kind == "bad_output"
    assert failure.transient
    assert failure.status == 502
    assert "HarmonyError" in failure.message  # the backend's reason reaches the client


@pytest.mark.parametrize("message", HISTORY_ERRORS)
def test_history_render_errors_are_the_requests_shape(message: str) -> None:
    assert harmony_kind(message) == "history"
    failure = classify(internal_error(message))
    assert failure.kind == "request_shape"
    assert not failure.transient


def test_other_500s_are_not_harmony() -> None:
    assert harmony_kind("Internal Server Error") is None
    assert classify(internal_error("CUDA out of memory")).kind == "server_error"


def no_sleep_policy(breaker: CircuitBreaker) -> RetryPolicy:
    async def sleep(_: float) -> None:
        return None

    return RetryPolicy(attempts=3, breaker=breaker, sleep=sleep)


async def test_a_first_turn_output_error_is_retried_and_answers() -> None:
    """The regression of issue 25: no tool turns in the history, one HarmonyError, then a good
    reply; the caller gets the reply, not a 502."""
    model = ScriptedChatModel(script=[internal_error(OUTPUT_ERRORS[0]), "It is 437."])
    backend = Backend(model, no_sleep_policy(CircuitBreaker(name="t1")), name="t1")
    reply = await backend.chat([HumanMessage(content="What is 23*19?")])
    assert reply.content == "It is 437."
    assert len(model.calls) == 2


async def test_output_errors_never_open_the_circuit() -> None:
    breaker = CircuitBreaker(failures=2, name="t2")
    error = internal_error(OUTPUT_ERRORS[1])
    model = ScriptedChatModel(script=[error, error, "fine"])
    backend = Backend(model, no_sleep_policy(breaker), name="t2")
    assert (await backend.chat([HumanMessage(content="hi")])).content == "fine"
    assert breaker.state == "closed"


async def test_a_persistent_output_error_ends_in_a_clear_failure() -> None:
    model = ScriptedChatModel(default=internal_error(OUTPUT_ERRORS[0]))
    backend = Backend(model, no_sleep_policy(CircuitBreaker(name="t3")), name="t3")
    with pytest.raises(openai.InternalServerError) as raised:
        await backend.chat([HumanMessage(content="What is 23*19?")])
    assert len(model.calls) == 3  # bounded by the retry policy
    assert classify(raised.value).status == 502


async def test_a_history_error_is_sent_again_as_text_without_retrying_the_same_shape() -> None:
    history = [
        HumanMessage(content="What is 23*19?"),
        AIMessage(
            content="",
            tool_calls=[{"name": "calculator", "args": {"expression": "23*19"}, "id": "c1"}],
        ),
        ToolMessage(content="437", tool_call_id="c1", name="calculator"),
    ]
    model = ScriptedChatModel(script=[internal_error(HISTORY_ERRORS[0]), "It is 437.", "probe ok"])
    backend = Backend(model, no_sleep_policy(CircuitBreaker(name="t4")), name="t4")
    reply = await backend.chat(history)
    assert reply.content == "It is 437."
    # 1: refused in the native shape (not retried as it is), 2: the same turn as text,
    # 3: the probe of a well-formed tool history, which this backend takes.
    assert len(model.calls) == 3
    assert "tool_calls" not in str(model.calls[1]["messages"][1].additional_kwargs)
    assert backend.quirks.history == "native"
