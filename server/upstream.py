"""What a failure of the LLM backend means for the client: 502, 503 or 504, in plain words."""

from __future__ import annotations

import json
import math

import httpx
import openai

from nodes.resilience import CircuitOpen, retry_after_seconds
from server.errors import ApiError


def classify(exc: BaseException) -> tuple[int, str]:
    """(status, message) for an exception raised while the graph talked to the backend."""
    if isinstance(exc, ApiError):
        return exc.status, exc.message
    if isinstance(exc, CircuitOpen):
        return 503, f"{exc}; try again in {math.ceil(exc.retry_after)} s"
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        return 504, "the LLM backend did not answer in time"
    if isinstance(exc, openai.APIConnectionError | httpx.ConnectError):
        return 503, "the LLM backend is unavailable (connection failed)"
    if isinstance(exc, openai.RateLimitError):
        return 503, "the LLM backend is overloaded (429); try again later"
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code in (502, 503, 504):
            return 503, f"the LLM backend is unavailable (HTTP {exc.status_code})"
        return 502, f"the LLM backend failed (HTTP {exc.status_code})"
    if getattr(exc, "transient", False):  # StreamCutOff
        return 502, str(exc)
    if isinstance(exc, json.JSONDecodeError | openai.APIResponseValidationError):
        return 502, "the LLM backend sent a reply that could not be read"
    return 500, "internal error; see the server log"


def as_api_error(exc: BaseException) -> ApiError:
    status, message = classify(exc)
    wait = None
    if isinstance(exc, CircuitOpen):
        wait = exc.retry_after
    elif status == 503:
        wait = retry_after_seconds(exc)
    headers = {"Retry-After": str(max(1, math.ceil(wait)))} if wait is not None else None
    return ApiError(status, message, headers=headers)
