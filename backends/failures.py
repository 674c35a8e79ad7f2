"""The one classifier of backend failures.

Every question the rest of the code asks about an exception raised while talking to a model
backend is answered here, from one table:

- is it **transient** (the same request may succeed later: retry it, count it against the
  circuit breaker)?
- did the backend refuse the **shape** of the request (a 400/422, or a 500 about validation or
  Harmony): not an outage, and something a different shape of the same request may fix?
- which **HTTP status** and plain words should a client see (502, 503, 504)?
"""

from __future__ import annotations

import email.utils
import json
import math
import re
import time
from dataclasses import dataclass
from typing import Literal

import httpx
import openai

FailureKind = Literal[
    "connection",  # refused, reset, dropped
    "timeout",  # no answer in time
    "rate_limited",  # 429
    "unavailable",  # 502, 503, 504
    "server_error",  # another 5xx, not about the request's shape
    "cut_off",  # a streamed reply ended before its finish_reason
    "circuit_open",  # toolloom stopped calling a failing backend for a while
    "request_shape",  # the backend refused the request's shape (400, 422, a 500 about validation)
    "bad_output",  # the backend could not parse its own sampled output (vLLM's HarmonyError)
    "unreadable",  # a reply that could not be decoded
    "internal",  # not a backend failure at all: a bug
]

TRANSIENT: frozenset[FailureKind] = frozenset(
    {
        "connection",
        "timeout",
        "rate_limited",
        "unavailable",
        "server_error",
        "cut_off",
        "bad_output",
    }
)
OUTAGE: frozenset[FailureKind] = TRANSIENT - {"bad_output"}
"""Transient failures that say the backend is down or overloaded: they count against the
circuit breaker. A ``bad_output`` does not: the backend answered, it only sampled badly."""

# A 500 whose text says the request's shape was refused (a validation error, a history the
# Harmony renderer cannot build).
_SHAPE_WORDS = ("validation", "input should", "schema")
# vLLM's gpt-oss path raises ``HarmonyError`` in two places. Parsing the tokens the model just
# sampled (``parse_messages_from_completion_tokens``): the same request, sampled again, usually
# parses, so it is retried. Rendering the request's history into Harmony tokens: every retry of
# the same history fails the same way, so it must be sent in another shape.
_HARMONY_OUTPUT_WORDS = (
    "remaining in message header",
    "unknown role",
    "unexpected token",
    "while expecting",
    "unexpected end",
    "unexpected eof",
    "incomplete",
    "unknown channel",
    "failed to parse",
)
_HARMONY_HISTORY_WORDS = (
    "no call message found",
    "render",
    "conversation",
    "tool_call_id",
    "tool call id",
    "expected a string",
    "unsupported content",
)


# openai-harmony's own parser messages. A server that passes on only the message (vLLM's streaming
# path as an error event, SGLang as a 400, a server that answers 200 with the error as the body)
# never says "HarmonyError", yet it is the same failure.
_HARMONY_MESSAGES = (
    "remaining in message header",
    "while expecting start token",
    "while waiting for message header",
    "unknown role:",
)


def harmony_kind(text: str) -> Literal["output", "history"] | None:
    """Which Harmony failure a backend's error text reports: ``output`` (parsing a sampled
    reply: transient), ``history`` (rendering the request: persistent), or None (not Harmony).
    A HarmonyError that names neither is taken for an output failure: sending the request again
    costs one call, and a history failure then still gets its other shape (see
    :meth:`backends.backend.Backend.chat`)."""
    lowered = text.lower()
    if "harmony" not in lowered and not any(m in lowered for m in _HARMONY_MESSAGES):
        return None
    if any(word in lowered for word in _HARMONY_HISTORY_WORDS):
        return "history"
    return "output"


class CircuitOpen(Exception):
    """The backend failed too often in a row; calls are refused until ``retry_after`` passes."""

    def __init__(self, retry_after: float, backend: str = "llm") -> None:
        super().__init__(
            f"the LLM backend is failing; toolloom stopped calling it for {retry_after:.0f} s"
        )
        self.retry_after = retry_after
        self.backend = backend


class StreamCutOff(Exception):
    """A streamed reply ended before the backend said it was finished (no ``finish_reason``):
    the connection dropped mid-answer. The retry loop sends the request again."""

    def __init__(self) -> None:
        super().__init__("the LLM backend's streamed reply was cut off mid-answer")


class ReplyError(Exception):
    """An error the backend reported inside a reply that began as a success: the JSON error body
    of an HTTP 200, or an error event in a stream that had already started (vLLM's reasoning
    parser failing mid-stream). Classified as an HTTP error of its ``code`` would be."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if isinstance(code, int) and 400 <= code < 600 else 500

    @classmethod
    def from_body(cls, error: object) -> ReplyError:
        """From the ``error`` member of a reply (an object with a message and a code, or text)."""
        if isinstance(error, dict):
            code = error.get("code")
            return cls(str(error.get("message") or error), code if isinstance(code, int) else None)
        return cls(str(error))


@dataclass(frozen=True)
class Failure:
    """What a backend failure means."""

    kind: FailureKind
    status: int
    """The HTTP status a client should get: 502, 503, 504 (500 for a bug)."""
    message: str
    """Plain words for the client; never a stack trace."""
    retry_after: float | None = None
    """Seconds the client should wait, when known (an open circuit, a backend's Retry-After)."""

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT


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


def _reason(exc: openai.APIStatusError | ReplyError, limit: int = 200) -> str:
    """The backend's own words for a failure (its error ``message``), shortened, one line."""
    message: object = None
    if isinstance(exc, ReplyError):
        message = exc.message
    else:
        body = exc.body
        if isinstance(body, dict):
            inner = body.get("error")
            message = inner.get("message") if isinstance(inner, dict) else body.get("message")
        message = message or exc.message
    text = " ".join(str(message or "").split())
    if _INTERNALS.search(text):  # a backend that answers with its own stack: not the client's
        return "(the backend's message is withheld: it holds a stack trace)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


_INTERNALS = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")


def _status_failure(exc: openai.APIStatusError | ReplyError) -> Failure:
    code = exc.code if isinstance(exc, ReplyError) else exc.status_code
    if code == 429:
        return Failure(
            "rate_limited",
            503,
            "the LLM backend is overloaded (429); try again later",
            retry_after_seconds(exc),
        )
    text = str(exc)
    # A Harmony parser failure comes as a 500 from vLLM's chat path, but as a 400 from SGLang
    # and from vLLM's streaming path: the request was fine, the sampled output was not.
    harmony = harmony_kind(text) if code in (400, 500) else None
    if harmony == "output":
        return Failure(
            "bad_output",
            502,
            f"the LLM backend failed to parse its own reply (HTTP {code}): {_reason(exc)}",
        )
    if (
        code in (400, 422)
        or harmony == "history"
        or (code == 500 and any(w in text.lower() for w in _SHAPE_WORDS))
    ):
        return Failure(
            "request_shape",
            502,
            f"the LLM backend refused the request (HTTP {code}): {_reason(exc)}",
        )
    if code in (502, 503, 504):
        return Failure(
            "unavailable",
            503,
            f"the LLM backend is unavailable (HTTP {code})",
            retry_after_seconds(exc),
        )
    reason = _reason(exc)
    said = f": {reason}" if reason else ""
    if code >= 500:
        return Failure("server_error", 502, f"the LLM backend failed (HTTP {code}){said}")
    return Failure("request_shape", 502, f"the LLM backend failed (HTTP {code}){said}")


def classify(exc: BaseException) -> Failure:
    """What ``exc``, raised while a run talked to a backend, means (see the module docstring)."""
    if isinstance(exc, CircuitOpen):
        return Failure(
            "circuit_open",
            503,
            f"{exc}; try again in {math.ceil(exc.retry_after)} s",
            exc.retry_after,
        )
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        return Failure("timeout", 504, "the LLM backend did not answer in time")
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError):
        return Failure("connection", 503, "the LLM backend is unavailable (connection failed)")
    if isinstance(exc, openai.APIStatusError | ReplyError):
        return _status_failure(exc)
    if isinstance(exc, StreamCutOff):
        return Failure("cut_off", 502, str(exc))
    if isinstance(exc, json.JSONDecodeError | openai.APIResponseValidationError):
        return Failure("unreadable", 502, "the LLM backend sent a reply that could not be read")
    return Failure("internal", 500, "internal error; see the server log")
