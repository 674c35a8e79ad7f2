"""Webhooks (server/agentserver/webhooks.py, server/storage/webhook_store.py): the signature a
receiver checks, the network guard on the URL, the backoff, and deliveries claimed by one
replica at a time (two stores on one database, SQLite and a real PostgreSQL)."""

from __future__ import annotations

import concurrent.futures
import hashlib
import hmac
from datetime import timedelta

import pytest

from server.agentserver.webhooks import backoff, check_webhook_url, signature
from server.api_error import ApiError
from server.settings import load_settings
from server.storage.store import Store
from server.storage.tables import utcnow
from server.storage.webhook_store import WebhookStore, delivery_hook


def test_the_signature_is_hmac_sha256_of_timestamp_and_body() -> None:
    body = b'{"run_id":"r","status":"success"}'
    expected = hmac.new(b"k3y", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("k3y", "1700000000", body) == "sha256=" + expected
    assert signature("k3y", "1700000001", body) != signature("k3y", "1700000000", body)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.0.0.5/hook",
        "http://2130706433/hook",  # 127.0.0.1 spelt as a number
        "http://169.254.169.254/latest/meta-data/",
        "http://user:pw@example.com/hook",
        "ftp://example.com/hook",
    ],
)
async def test_private_and_odd_urls_are_refused(url: str) -> None:
    with pytest.raises(ApiError) as refused:
        await check_webhook_url(load_settings(), url)
    assert refused.value.status == 422 and refused.value.message.startswith("webhook: url:")


async def test_loopback_is_allowed_only_when_private_addresses_are() -> None:
    allowed = load_settings(net_allow_private=True)
    assert await check_webhook_url(allowed, "http://127.0.0.1:8080/hook")
    with pytest.raises(ApiError):  # link-local stays refused
        await check_webhook_url(allowed, "http://169.254.169.254/")
    only = load_settings(net_allow_private=True, net_allowed_hosts="hooks.internal")
    with pytest.raises(ApiError):
        await check_webhook_url(only, "http://127.0.0.1:8080/hook")


def test_backoff_doubles_with_jitter_up_to_a_cap() -> None:
    settings = load_settings(webhook_backoff=2)
    for attempt, base in [(1, 2), (2, 4), (3, 8)]:
        delays = [backoff(settings, attempt) for _ in range(50)]
        assert all(base / 2 <= d <= base for d in delays)
    assert backoff(settings, 40) <= 600


def test_a_pending_delivery_is_claimed_by_one_replica(database_url: str) -> None:
    first, second = Store(database_url, replica_id="a"), Store(database_url, replica_id="b")
    try:
        first.threads.claim_thread("t", "alice")
        run_ids = []
        for _ in range(20):
            row, _ = first.runs.create_run(
                "t",
                "alice",
                create=False,
                assistant_id="x",
                strategy="enqueue",
                kwargs={},
                metadata={},
                thread_metadata={},
                on_store=delivery_hook("https://example.com/hook", "alice"),
            )
            run_ids.append(row.run_id)
        deliveries = [WebhookStore(first.db), WebhookStore(second.db)]
        assert deliveries[0].claim(50, 30) == []  # waiting: no run has ended
        for run_id in run_ids:
            assert deliveries[0].ready(run_id, {"run_id": run_id}) == 1

        def claim(index: int) -> list[int]:
            return [d.id or 0 for d in deliveries[index % 2].claim(3, 30)]

        claimed: list[int] = []
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            for _ in range(10):  # rounds of 16 racing claims, until all are taken
                claimed += [i for batch in pool.map(claim, range(16)) for i in batch]
        assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 20
        [[delivery, _]] = deliveries[1].for_run(run_ids[0])
        assert delivery.attempts == 1 and delivery.claimed_by in ("a", "b")
        store = deliveries[0] if delivery.claimed_by == "a" else deliveries[1]
        store.record(
            delivery,
            outcome="retry",
            status_code=500,
            error="HTTP 500",
            duration_ms=3.0,
            started_at=utcnow(),
            retry_at=utcnow() - timedelta(seconds=1),
        )
        [again] = deliveries[0].claim(50, 30)  # the retry is due, and its claim was let go
        assert again.id == delivery.id and again.attempts == 2
        [[_, attempts]] = deliveries[0].for_run(run_ids[0])
        assert [(a.attempt, a.outcome, a.status_code) for a in attempts] == [(1, "retry", 500)]
    finally:
        first.close()
        second.close()
