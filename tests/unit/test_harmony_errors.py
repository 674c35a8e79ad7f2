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
from backends.client import ToolloomChatOpenAI, stream_error
from backends.failures import ReplyError, classify, harmony_kind
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
    # bounded by the retry policy: a reply that fails to parse gets two attempts more than an
    # outage (attempts=3: 5 for bad output)
    assert len(model.calls) == 5
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


# A HarmonyError need not say "HarmonyError": servers pass on only the parser's message, with
# another status, inside a 200, or as an event in a stream that had started. Each from the
# replay corpus (backends/replays/).
WITHOUT_THE_WORD = [
    'unexpected tokens remaining in message header: ["to=functions.get_weather"]',  # sglang 400
    "Unexpected token 200002 while expecting start token 200006",  # vllm #46464, mid-stream
    "Unknown role: assistantassistant",  # tenstorrent #386, in a 200
    "Unexpected EOS while waiting for message header to complete",  # harmony #33
]


def bad_request_error(message: str) -> openai.BadRequestError:
    body = {"object": "error", "type": "invalid_request_error", "code": 400, "message": message}
    response = httpx.Response(400, request=REQUEST, json={"error": body})
    return openai.BadRequestError(message, response=response, body={"error": body})


@pytest.mark.parametrize("message", WITHOUT_THE_WORD)
def test_harmony_parser_messages_are_output_failures_without_the_word(message: str) -> None:
    assert harmony_kind(message) == "output"
    for exc in (internal_error(message), bad_request_error(message), ReplyError(message, 400)):
        failure = classify(exc)
        assert (failure.kind, failure.transient, failure.status) == ("bad_output", True, 502)
        assert message.split(":")[0] in failure.message  # the backend's reason


def test_a_400_that_is_not_harmony_is_still_the_requests_shape() -> None:
    failure = classify(
        bad_request_error("Expected 2 output messages (reasoning and final), but got 3.")
    )
    assert failure.kind == "request_shape" and not failure.transient


def test_an_error_inside_a_reply_is_classified_by_its_code() -> None:
    assert classify(ReplyError("list index out of range", 500)).kind == "server_error"
    assert classify(ReplyError("list index out of range")).kind == "server_error"  # no code: 500
    assert classify(ReplyError("bad tool schema", 400)).kind == "request_shape"
    failure = classify(ReplyError.from_body({"message": "list index out of range", "code": 500}))
    assert failure.transient and "list index out of range" in failure.message


def test_the_client_raises_a_reply_error_for_an_error_body_in_a_200() -> None:
    """tenstorrent #386: HTTP 200 whose body is the error JSON; it was a bare ValueError (an
    'internal error' 500 for the client) and is now what it reports."""
    client = ToolloomChatOpenAI(base_url="http://127.0.0.1:9/v1", api_key="none", model="m")
    body = {"error": {"message": "Unknown role: assistantassistant", "code": 400}}
    with pytest.raises(ReplyError) as raised:
        client._create_chat_result(body)
    assert classify(raised.value).kind == "bad_output"


def test_an_error_event_mid_stream_is_the_replys_failure() -> None:
    """The OpenAI client raises a bare APIError for ``data: {"error": ...}`` in a stream."""
    event = openai.APIError(
        "list index out of range", REQUEST, body={"message": "list index out of range", "code": 500}
    )
    assert isinstance(stream_error(event), ReplyError)
    assert classify(stream_error(event)).kind == "server_error"
    dropped = openai.APIConnectionError(request=REQUEST)
    assert stream_error(dropped) is dropped  # not a reply: as it was


async def test_an_error_event_mid_stream_is_retried_and_answers() -> None:
    model = ScriptedChatModel(
        script=[
            ReplyError("Unexpected token 200002 while expecting start token 200006", 500),
            "It is 437.",
        ]
    )
    backend = Backend(model, no_sleep_policy(CircuitBreaker(name="t5")), name="t5")
    reply = await backend.chat([HumanMessage(content="What is 23*19?")])
    assert reply.content == "It is 437." and len(model.calls) == 2


def test_the_output_budget_follows_the_retry_setting() -> None:
    assert RetryPolicy(attempts=3).budget("bad_output") == 5
    assert RetryPolicy(attempts=3).budget("server_error") == 3
    assert RetryPolicy(attempts=1).budget("bad_output") == 1  # retries off: off for all
    assert RetryPolicy(attempts=3, output_attempts=4).budget("bad_output") == 4


def test_a_backend_stack_trace_never_reaches_the_client() -> None:
    message = 'Traceback (most recent call last):\n  File "/vllm/x.py", line 3, in f\nboom'
    failure = classify(internal_error(message))
    assert failure.status == 502
    assert "Traceback" not in failure.message and "/vllm/x.py" not in failure.message
    assert "withheld" in failure.message
