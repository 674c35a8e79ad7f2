"""The one retry loop for calls to the LLM backend, and a circuit breaker in front of it.

The OpenAI client's own retries are off (``max_retries=0``): every retry happens here, so a
failing backend sees at most ``attempts`` requests per call, not retries stacked on retries.

- **Transient** failures are retried with exponential backoff and jitter: connection refused or
  reset, timeouts, HTTP 429 (honouring ``Retry-After`` up to a cap), 500, 502, 503, 504.
- Anything else (a 400, a reply that cannot be read) is not retried: sending it again would get
  the same answer.
- The **circuit breaker** counts transient failures in a row. At ``failures`` it opens: calls fail
  at once with :class:`CircuitOpen` (the client gets a 503 with ``Retry-After``) instead of
  hammering a dead backend. After ``reset_after`` seconds one call is let through (half-open); its
  success closes the circuit, its failure opens it again.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

import httpx
import openai

from nodes.telemetry import CIRCUIT_STATE, LLM_RETRIES

log = logging.getLogger(__name__)

T = TypeVar("T")
State = Literal["closed", "open", "half_open"]
STATE_VALUES: dict[State, int] = {"closed": 0, "open": 1, "half_open": 2}


class CircuitOpen(Exception):
    """The backend failed too often in a row; calls are refused until ``retry_after`` passes."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(
            f"the LLM backend is failing; toolloom stopped calling it for {retry_after:.0f} s"
        )
        self.retry_after = retry_after


def is_transient(exc: BaseException) -> bool:
    """A failure that may go away if the same request is sent again later."""
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError):
        return True
    if isinstance(exc, httpx.TimeoutException | httpx.TransportError | TimeoutError):
        return True
    if getattr(exc, "transient", False):  # e.g. server.llm.StreamCutOff
        return True
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429:
            return True
        if exc.status_code in (500, 502, 503, 504):
            # A 500 about the request's shape (vLLM's HarmonyError, a validation error) is not an
            # outage; the caller may reshape the request instead.
            text = str(exc).lower()
            return not any(w in text for w in ("validation", "harmony", "input should", "schema"))
    return False


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's ``Retry-After`` (seconds or an HTTP date), if it sent one."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class CircuitBreaker:
    failures: int = 5
    reset_after: float = 30.0
    clock: Callable[[], float] = time.monotonic
    name: str = "llm"
    _state: State = field(default="closed", init=False)
    _count: int = field(default=0, init=False)
    _opened_at: float = field(default=0.0, init=False)
    _probing: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        CIRCUIT_STATE.labels(self.name).set(0)

    @property
    def state(self) -> State:
        if self._state == "open" and self.clock() - self._opened_at >= self.reset_after:
            return "half_open"
        return self._state

    def _set(self, state: State) -> None:
        if state != self._state:
            log.warning("circuit %s: %s -> %s", self.name, self._state, state)
        self._state = state
        CIRCUIT_STATE.labels(self.name).set(STATE_VALUES[state])

    def before_call(self) -> None:
        """Raise :class:`CircuitOpen` unless a call may go out now."""
        if self._state == "closed":
            return
        waited = self.clock() - self._opened_at
        if self._state == "open" and waited < self.reset_after:
            raise CircuitOpen(self.reset_after - waited)
        if self._probing:  # one probe at a time while half-open
            raise CircuitOpen(1.0)
        self._set("half_open")
        self._probing = True

    def record_success(self) -> None:
        self._count = 0
        self._probing = False
        self._set("closed")

    def record_failure(self) -> None:
        self._count += 1
        if self._state == "half_open" or self._count >= self.failures:
            self._opened_at = self.clock()
            self._probing = False
            self._set("open")

    def retry_after(self) -> float:
        return max(0.0, self.reset_after - (self.clock() - self._opened_at))


@dataclass
class RetryPolicy:
    """How often and how patiently to call the backend. ``attempts`` counts the first call."""

    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0
    breaker: CircuitBreaker | None = field(default_factory=CircuitBreaker)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    def delay(self, attempt: int, exc: BaseException) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None when waiting is pointless."""
        told = retry_after_seconds(exc)
        if told is not None:
            return told if told <= self.max_retry_after else None
        backoff: float = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return backoff * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security

    async def run(self, call: Callable[[int], Awaitable[T]]) -> T:
        """``call(attempt)`` until it succeeds, fails for good, or the attempts run out."""
        attempt = 1
        while True:
            if self.breaker is not None:
                self.breaker.before_call()
            try:
                result = await call(attempt)
            except (asyncio.CancelledError, KeyboardInterrupt):
                if self.breaker is not None:
                    self.breaker._probing = False
                raise
            except Exception as exc:
                transient = is_transient(exc)
                if self.breaker is not None:
                    if transient:
                        self.breaker.record_failure()
                    else:  # the backend answered: it is up
                        self.breaker.record_success()
                if not transient or attempt >= self.attempts:
                    raise
                if self.breaker is not None and self.breaker.state == "open":
                    raise
                wait = self.delay(attempt, exc)
                if wait is None:
                    raise
                LLM_RETRIES.labels(type(exc).__name__).inc()
                log.info(
                    "llm call failed (%s); retry %d of %d in %.2f s",
                    type(exc).__name__,
                    attempt,
                    self.attempts - 1,
                    wait,
                )
                await self.sleep(wait)
                attempt += 1
                continue
            if self.breaker is not None:
                self.breaker.record_success()
            return result
