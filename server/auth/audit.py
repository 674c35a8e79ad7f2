"""Auth events an operator can see: one structured log line and one Prometheus sample each.

- ``toolloom_key_events_total{event}``: a key ``created``, ``revoked`` or ``rotated``, counted by
  each server when its key ring sees the change (within a second, whoever made it: the CLI, the
  ``/keys`` routes, another replica). The process that made the change logs it too, with who
  did it (``by``).
- ``toolloom_auth_denials_total{reason}``: a request refused: ``missing`` or ``invalid``
  credentials (401), ``no_keys`` (a keyed server with no usable key: 401), ``scope`` or
  ``handler`` (403), ``throttled`` (429: the client address failed too often).
"""

from __future__ import annotations

import logging
from typing import Any

from prometheus_client import Counter

from backends.telemetry import REGISTRY, log_event

auth_log = logging.getLogger("toolloom.auth")

KEY_EVENTS = Counter(
    "toolloom_key_events_total",
    "API key creations, revocations, rotations and expiries",
    ["event"],
    registry=REGISTRY,
)
DENIALS = Counter(
    "toolloom_auth_denials_total",
    "Requests refused by authentication or authorization",
    ["reason"],
    registry=REGISTRY,
)


def key_event(event: str, name: str, *, count: bool = True, **fields: Any) -> None:
    """A key was created, revoked or rotated: a log line, and (``count``) the metric."""
    if count:
        KEY_EVENTS.labels(event).inc()
    log_event(auth_log, f"key {event}", key=name, **fields)


def denial(reason: str, status: int, **fields: Any) -> None:
    """A request was refused (never logs the credentials themselves)."""
    DENIALS.labels(reason).inc()
    log_event(auth_log, "auth denied", reason=reason, status=status, **fields)
