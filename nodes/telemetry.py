"""Prometheus metrics the graph itself records (the server exports them at /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

REGISTRY = CollectorRegistry(auto_describe=True)
TOOL_CALLS = Counter(
    "toolloom_tool_calls_total",
    "Tool calls by tool, detect-intent stage and status",
    ["tool", "stage", "status"],
    registry=REGISTRY,
)
LLM_RETRIES = Counter(
    "toolloom_llm_retries_total",
    "LLM calls sent again after a transient failure, by the failure's kind",
    ["kind"],
    registry=REGISTRY,
)
CIRCUIT_STATE = Gauge(
    "toolloom_llm_circuit_state",
    "The LLM circuit breaker: 0 closed (calls go out), 1 open (calls refused), 2 half-open (probing)",
    ["backend"],
    registry=REGISTRY,
)
