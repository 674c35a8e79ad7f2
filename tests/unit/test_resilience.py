"""The one retry loop and the circuit breaker (backends/resilience.py), with a fake clock and sleep."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx
import openai
import pytest

from backends.failures import CircuitOpen, StreamCutOff, classify
from backends.resilience import CircuitBreaker, RetryPolicy
from backends.telemetry import CIRCUIT_STATE, LLM_RETRIES
from server.road.run import as_api_error

REQUEST = httpx.Request("POST", "http://llm/v1/chat/completions")


def status_error(status: int, headers: dict[str, str] | None = None, text: str = "x") -> Exception:
    response = httpx.Response(status, request=REQUEST, headers=headers or {})
    cls: Any = {
        400: openai.BadRequestError,
        429: openai.RateLimitError,
        500: openai.InternalServerError,
        503: openai.InternalServerError,
    }[status]
    return cls(text, response=response, body=None)  # type: ignore[no-any-return]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def policy(clock: Clock, attempts: int = 3, failures: int = 100, reset: float = 30) -> RetryPolicy:
    return RetryPolicy(
        attempts=attempts,
        base_delay=0.5,
        breaker=CircuitBreaker(failures=failures, reset_after=reset, clock=clock, name="test"),
        sleep=clock.sleep,
    )


class Backend:
    """A call that fails with the scripted errors, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[int] = []

    async def __call__(self, attempt: int) -> str:
        self.calls.append(attempt)
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (openai.APIConnectionError(request=REQUEST), True),
        (openai.APITimeoutError(request=REQUEST), True),
        (httpx.ReadError("reset"), True),
        (status_error(429), True),
        (status_error(500), True),
        (status_error(503), True),
        # vLLM parsing its own sampled reply: the next sample usually parses (issue 25)
        (status_error(500, text="HarmonyError: unexpected token"), True),
        # vLLM rendering the request's history: the same request fails the same way
        (status_error(500, text="HarmonyError: No call message found for call_1"), False),
        (status_error(400), False),
        (StreamCutOff(), True),
        (ValueError("nonsense"), False),
    ],
)
def test_what_is_transient(error: Exception, transient: bool) -> None:
    assert classify(error).transient is transient


async def test_transient_failures_are_retried_with_growing_backoff() -> None:
    clock = Clock()
    before = LLM_RETRIES.labels("test", "connection")._value.get()
    backend = Backend(openai.APIConnectionError(request=REQUEST), status_error(503))
    assert await policy(clock, attempts=3).run(backend) == "ok"
    assert backend.calls == [1, 2, 3]
    assert len(clock.slept) == 2
    assert 0.25 <= clock.slept[0] <= 0.5 and 0.5 <= clock.slept[1] <= 1.0  # 0.5 * 2**n, jittered
    assert LLM_RETRIES.labels("test", "connection")._value.get() == before + 1


async def test_attempts_are_bounded_and_the_last_error_is_raised() -> None:
    clock = Clock()
    backend = Backend(*(status_error(503) for _ in range(10)))
    with pytest.raises(openai.InternalServerError):
        await policy(clock, attempts=3).run(backend)
    assert backend.calls == [1, 2, 3]


async def test_a_request_error_is_not_retried() -> None:
    clock = Clock()
    backend = Backend(status_error(400))
    with pytest.raises(openai.BadRequestError):
        await policy(clock).run(backend)
    assert backend.calls == [1] and clock.slept == []


async def test_retry_after_is_honoured_in_seconds_and_as_a_date() -> None:
    clock = Clock()
    backend = Backend(status_error(429, {"Retry-After": "3"}))
    assert await policy(clock).run(backend) == "ok"
    assert clock.slept == [3.0]

    clock = Clock()
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    backend = Backend(status_error(429, {"Retry-After": when}))
    assert await policy(clock).run(backend) == "ok"
    assert 3.0 <= clock.slept[0] <= 5.0


async def test_a_retry_after_beyond_the_cap_is_not_waited_for() -> None:
    clock = Clock()
    backend = Backend(status_error(429, {"Retry-After": "3600"}))
    with pytest.raises(openai.RateLimitError) as caught:
        await policy(clock).run(backend)
    assert backend.calls == [1] and clock.slept == []
    error = as_api_error(caught.value)
    assert error.status == 503 and error.headers == {"Retry-After": "3600"}


async def test_circuit_opens_refuses_then_probes_and_closes() -> None:
    clock = Clock()
    retry = policy(clock, attempts=1, failures=3, reset=30)
    breaker = retry.breaker
    assert breaker is not None
    for _ in range(3):
        with pytest.raises(openai.APIConnectionError):
            await retry.run(Backend(openai.APIConnectionError(request=REQUEST)))
    assert breaker.state == "open"
    assert CIRCUIT_STATE.labels("test")._value.get() == 1

    refused = Backend()
    with pytest.raises(CircuitOpen) as caught:
        await retry.run(refused)
    assert refused.calls == []  # nothing reached the backend
    error = as_api_error(caught.value)
    assert error.status == 503 and error.headers == {"Retry-After": "30"}
    assert "try again in 30 s" in error.message

    clock.now += 30  # half-open: one probe goes out; its failure opens the circuit again
    assert breaker.state == "half_open"
    probe = Backend(status_error(503))
    with pytest.raises(openai.InternalServerError):
        await retry.run(probe)
    assert probe.calls == [1] and breaker.state == "open"

    clock.now += 30  # the next probe succeeds: closed
    assert await retry.run(Backend()) == "ok"
    assert breaker.state == "closed"
    assert CIRCUIT_STATE.labels("test")._value.get() == 0


async def test_a_success_or_a_request_error_resets_the_count() -> None:
    clock = Clock()
    retry = policy(clock, attempts=1, failures=2)
    assert retry.breaker is not None
    with pytest.raises(openai.APIConnectionError):
        await retry.run(Backend(openai.APIConnectionError(request=REQUEST)))
    with pytest.raises(openai.BadRequestError):  # the backend answered: it is up
        await retry.run(Backend(status_error(400)))
    with pytest.raises(openai.APIConnectionError):
        await retry.run(Backend(openai.APIConnectionError(request=REQUEST)))
    assert retry.breaker.state == "closed"


async def test_retries_stop_when_the_circuit_opens() -> None:
    clock = Clock()
    backend = Backend(*(status_error(503) for _ in range(10)))
    with pytest.raises(openai.InternalServerError):
        await policy(clock, attempts=5, failures=2).run(backend)
    assert backend.calls == [1, 2]  # the second failure opened the circuit: no third try
