"""Prometheus metrics the graph itself records (the server exports them at /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

REGISTRY = CollectorRegistry(auto_describe=True)
TOOL_CALLS = Counter(
    "toolloom_tool_calls_total",
    "Tool calls by tool, detect-intent stage and status",
    ["tool", "stage", "status"],
    registry=REGISTRY,
)
