"""The metrics registry (the server exports it at ``/metrics``), the LLM metrics, and the one log
line per model call."""

from __future__ import annotations

import logging
import time
from typing import Any
from uuid import UUID

from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.outputs import LLMResult
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

LLM_RETRIES = Counter(
    "toolloom_llm_retries_total",
    "LLM calls sent again after a transient failure, by backend and the failure's kind",
    ["backend", "kind"],
    registry=REGISTRY,
)
CIRCUIT_STATE = Gauge(
    "toolloom_llm_circuit_state",
    "The LLM circuit breaker: 0 closed (calls go out), 1 open (calls refused), 2 half-open (probing)",
    ["backend"],
    registry=REGISTRY,
)
LLM_SECONDS = Histogram(
    "toolloom_llm_request_duration_seconds",
    "LLM call latency, by backend (the models-file entry) and the model it serves",
    ["backend", "model"],
    registry=REGISTRY,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120),
)
LLM_ERRORS = Counter(
    "toolloom_llm_errors_total",
    "LLM call failures by backend and kind",
    ["backend", "kind"],
    registry=REGISTRY,
)
LLM_TOKENS = Counter(
    "toolloom_llm_tokens_total", "Tokens used, by backend", ["backend", "kind"], registry=REGISTRY
)
LLM_FALLBACKS = Counter(
    "toolloom_llm_fallbacks_total",
    "Model calls sent on to the next backend of their chain, by the backend that failed, the one "
    "tried next, and the failure's kind",
    ["from_backend", "to_backend", "kind"],
    registry=REGISTRY,
)


def log_event(logger: logging.Logger, message: str, **fields: Any) -> None:
    """One log record with structured fields (the server's formatters print them)."""
    logger.info(message, extra={"fields": fields})


llm_log = logging.getLogger("toolloom.llm")


def token_counts(response: LLMResult) -> tuple[int, int]:
    """(prompt, completion) tokens of one model call, from the backend's usage report."""
    usage = (response.llm_output or {}).get("token_usage") or {}
    if usage:
        return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    prompt = completion = 0
    for generations in response.generations:
        for generation in generations:
            meta = getattr(getattr(generation, "message", None), "usage_metadata", None) or {}
            prompt += int(meta.get("input_tokens") or 0)
            completion += int(meta.get("output_tokens") or 0)
    return prompt, completion


class LLMCallLog(AsyncCallbackHandler):
    """Logs each LLM call: backend, model, duration, tokens, error kind and attempt (2 and up are
    retries by the retry loop); feeds the LLM metrics."""

    raise_error = False

    def __init__(self, backend: str, model: str) -> None:
        self.backend = backend
        self.model = model
        self.started: dict[UUID, float] = {}
        self.attempts: dict[UUID, int] = {}  # 1 for a first call, 2 for its first retry, ...

    async def on_chat_model_start(
        self, serialized: dict[str, Any], messages: Any, *, run_id: UUID, **kwargs: Any
    ) -> None:
        self.started[run_id] = time.perf_counter()
        self.attempts[run_id] = int((kwargs.get("metadata") or {}).get("toolloom_attempt") or 1)

    async def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        duration = time.perf_counter() - self.started.pop(run_id, time.perf_counter())
        prompt, completion = token_counts(response)
        LLM_SECONDS.labels(self.backend, self.model).observe(duration)
        LLM_TOKENS.labels(self.backend, "prompt").inc(prompt)
        LLM_TOKENS.labels(self.backend, "completion").inc(completion)
        log_event(
            llm_log,
            "llm call",
            backend=self.backend,
            model=self.model,
            status="ok",
            duration_ms=round(duration * 1000, 1),
            prompt_tokens=prompt,
            completion_tokens=completion,
            attempt=self.attempts.pop(run_id, 1),
        )

    async def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        duration = time.perf_counter() - self.started.pop(run_id, time.perf_counter())
        kind = type(error).__name__
        LLM_ERRORS.labels(self.backend, kind).inc()
        log_event(
            llm_log,
            "llm call",
            backend=self.backend,
            model=self.model,
            status="error",
            duration_ms=round(duration * 1000, 1),
            error_kind=kind,
            attempt=self.attempts.pop(run_id, 1),
        )
