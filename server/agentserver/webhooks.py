"""Webhooks: when a run made with ``webhook`` ends, POST its result there, signed, with retries.

- **The URL** passes the network tools' SSRF guard (:mod:`tools.net`, the same as
  ``api_request``): ``http``/``https`` only, no credentials, only ``TOOLLOOM_NET_ALLOWED_HOSTS``
  when set, and no loopback, private, link-local or reserved address unless
  ``TOOLLOOM_NET_ALLOW_PRIVATE`` allows them. It is checked when the run (or cron) is made (a
  422) and again at every attempt, on the address actually connected to (a name that now
  resolves to a private address is refused, not sent). Redirects are not followed.
- **The body** is the reference's (``langgraph_api/webhook.py:call_webhook``): the ``Run`` with
  its final ``status``, ``run_started_at``, ``run_ended_at``, ``webhook_sent_at``, the thread's
  final ``values`` and, for a failed run, ``error``.
- **The signature**: with ``TOOLLOOM_WEBHOOK_SECRET`` set, ``X-Toolloom-Signature:
  sha256=<hex>`` is the HMAC-SHA256 of ``<X-Toolloom-Timestamp>.<body>`` under the secret
  (:func:`signature`); ``X-Toolloom-Webhook-Id`` is the same for every attempt at one delivery,
  so a receiver can drop a repeat.
- **Delivery** is at least once: the delivery is stored with its run
  (:mod:`server.storage.webhook_store`), any replica's :class:`WebhookSender` sends it once the
  run has ended, retries a failure (a non-2xx answer, a timeout, a refused connection) after
  ``TOOLLOOM_WEBHOOK_BACKOFF`` seconds doubling (at most 10 minutes, with jitter) up to
  ``TOOLLOOM_WEBHOOK_ATTEMPTS`` times, and records every attempt. A replica that dies mid-attempt
  leaves the delivery to another once its claim expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import random
import time
from datetime import timedelta
from typing import Any

from prometheus_client import Counter

from backends.telemetry import REGISTRY
from server.agentserver.shapes import run_json
from server.agentserver.stored_runs import run_result
from server.api_error import ApiError
from server.road.encoding import iso, jsonable
from server.runtime import AgentRuntime
from server.settings import Settings
from server.storage.agent_tables import WebhookDelivery
from server.storage.tables import RunRow, utcnow
from server.storage.webhook_store import WebhookStore
from tools.base import ToolConfig, ToolError
from tools.net import check_url, fetch, resolve_checked

log = logging.getLogger(__name__)

ATTEMPTS = Counter(
    "toolloom_webhook_attempts",
    "Webhook delivery attempts by outcome (delivered, retry, failed, refused)",
    ["outcome"],
    registry=REGISTRY,
)
SIGNATURE_HEADER = "X-Toolloom-Signature"
TIMESTAMP_HEADER = "X-Toolloom-Timestamp"
ID_HEADER = "X-Toolloom-Webhook-Id"
MAX_BACKOFF = 600.0
POLL = 0.5
ORPHAN_AFTER = 10.0
"""Seconds a run may have ended without its delivery's result being written before another
replica writes it (its own replica died in between)."""
CONCURRENCY = 8


def guard_config(settings: Settings) -> ToolConfig:
    """The network tools' guard, as it applies to webhooks: POST only, no redirects."""
    return ToolConfig(
        net_timeout=settings.webhook_timeout,
        net_max_bytes=65_536,
        net_max_redirects=0,
        net_methods=("POST",),
        net_allowed_hosts=settings.net_allowed_hosts,
        net_allow_private=settings.net_allow_private,
    )


async def check_webhook_url(settings: Settings, url: str | None) -> str | None:
    """The URL if the guard lets it through (resolving its host), else a 422 that says why."""
    if url is None:
        return None
    config = guard_config(settings)
    try:
        parsed = check_url(config, url)
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        await resolve_checked(config, parsed.host, port)
    except ToolError as exc:
        raise ApiError(422, f"webhook: {exc}") from None
    return url


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``timestamp.body`` under ``secret``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def backoff(settings: Settings, attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: doubling from the setting, capped, jittered."""
    delay = min(settings.webhook_backoff * 2 ** (attempt - 1), MAX_BACKOFF)
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret


def payload(row: RunRow, values: Any, error: dict[str, Any] | None) -> dict[str, Any]:
    """The body the reference POSTs (without ``webhook_sent_at``, set per attempt)."""
    body: dict[str, Any] = {
        **run_json(row),
        "run_started_at": iso(row.started_at),
        "run_ended_at": iso(row.finished_at or row.updated_at),
        "values": values,
    }
    if error is not None:
        body["error"] = error
    return body


class WebhookSender:
    """Sends the stored deliveries whose time has come (every replica runs one)."""

    def __init__(self, runtime: AgentRuntime) -> None:
        self.runtime = runtime
        self.deliveries = WebhookStore(runtime.store.db)
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._sending: set[asyncio.Task[None]] = set()
        self._limit = asyncio.Semaphore(CONCURRENCY)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._forever(), name="webhook-sender")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._sending:
            await asyncio.wait(list(self._sending), timeout=self.runtime.settings.webhook_timeout)

    async def run_ended(self, run_id: str, outcome: Any) -> None:
        """The run ended here: write its result into its deliveries and send them now."""
        try:
            row = await asyncio.to_thread(self.runtime.store.runs.find_run, run_id)
            if row is None:
                return
            values = getattr(outcome, "values", None)
            error = getattr(outcome, "error", None)
            if values is None and error is None:
                values = await run_result(self.runtime, row, None)
            body = payload(row, jsonable(values), error)
            if await asyncio.to_thread(self.deliveries.ready, run_id, body):
                self._wake.set()
        except Exception:  # the sweep of orphans writes it later
            log.exception("could not prepare the webhook of run %s", run_id)

    async def _forever(self) -> None:
        last_orphans = 0.0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL)
            self._wake.clear()
            try:
                if time.monotonic() - last_orphans > ORPHAN_AFTER / 2:
                    last_orphans = time.monotonic()
                    await self._adopt_orphans()
                await self.send_due()
            except Exception as error:  # the database away: next round
                log.warning("webhook sender round skipped: %s", error)

    async def _adopt_orphans(self) -> None:
        for delivery in await asyncio.to_thread(self.deliveries.orphans, ORPHAN_AFTER):
            row = await asyncio.to_thread(self.runtime.store.runs.find_run, delivery.run_id)
            if row is None:  # the run is gone (a stateless run's thread): its row alone
                await asyncio.to_thread(
                    self.deliveries.ready, delivery.run_id, {"run_id": delivery.run_id}
                )
                continue
            await self.run_ended(delivery.run_id, None)

    async def send_due(self) -> int:
        """Claim and send what is due; returns how many were claimed."""
        hold = self.runtime.settings.webhook_timeout * 2 + 5
        claimed = await asyncio.to_thread(self.deliveries.claim, CONCURRENCY * 2, hold)
        for delivery in claimed:
            task = asyncio.create_task(self._send(delivery), name=f"webhook-{delivery.id}")
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)
        return len(claimed)

    async def _send(self, delivery: WebhookDelivery) -> None:
        async with self._limit:
            settings = self.runtime.settings
            body_json = json.loads(delivery.payload_json or "{}")
            body_json["webhook_sent_at"] = iso(utcnow())
            body = json.dumps(body_json, ensure_ascii=False, default=str).encode()
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "User-Agent": "toolloom-webhooks",
                ID_HEADER: str(delivery.id),
                TIMESTAMP_HEADER: timestamp,
            }
            if settings.webhook_secret is not None:
                secret = settings.webhook_secret.get_secret_value()
                headers[SIGNATURE_HEADER] = signature(secret, timestamp, body)
            started = utcnow()
            clock = time.perf_counter()
            status_code: int | None = None
            error: str | None = None
            try:
                answer = await fetch(
                    guard_config(settings), delivery.url, "POST", headers=headers, body=body
                )
                status_code = answer.status
                outcome = "delivered" if 200 <= answer.status < 300 else "retry"
                if outcome == "retry":
                    error = f"HTTP {answer.status}"
            except ToolError as exc:
                error = str(exc)
                refused = "refused" in error or "allowed" in error or "url:" in error
                outcome = "refused" if refused else "retry"
            except Exception as exc:  # pragma: no cover - a bug; retried like a failure
                error = f"{type(exc).__name__}: {exc}"
                outcome = "retry"
            if outcome == "retry" and delivery.attempts >= settings.webhook_attempts:
                outcome = "failed"
            retry_at = None
            if outcome == "retry":
                retry_at = utcnow() + timedelta(seconds=backoff(settings, delivery.attempts))
            ATTEMPTS.labels(outcome).inc()
            if outcome != "delivered":
                log.warning(
                    "webhook delivery %s (run %s) attempt %d: %s (%s)",
                    delivery.id,
                    delivery.run_id,
                    delivery.attempts,
                    outcome,
                    error,
                )
            try:
                await asyncio.to_thread(
                    self.deliveries.record,
                    delivery,
                    outcome=outcome,
                    status_code=status_code,
                    error=error,
                    duration_ms=(time.perf_counter() - clock) * 1000,
                    started_at=started,
                    retry_at=retry_at,
                )
            except Exception:  # the claim expires and another attempt follows
                log.exception("could not record webhook delivery %s", delivery.id)
