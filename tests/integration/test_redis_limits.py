"""Per-key limits on a real Redis: exact across two limiters (two replicas), and what happens when
Redis goes away and comes back."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from harness.redis_server import RedisServer
from server.storage.rate_limits import KeyLimits, RateLimiter
from server.storage.redis_link import make_redis


@pytest.fixture
def prefix() -> str:
    return f"test:{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[list[Redis]]:
    """Two clients with their own connections, as two replicas would have."""
    made = [make_redis(redis_url), make_redis(redis_url)]
    yield made
    for client in made:
        await client.aclose()


async def test_the_sixth_request_in_a_minute_is_refused(clients: list[Redis], prefix: str) -> None:
    limiter = RateLimiter(KeyLimits(requests_per_minute=5), redis=clients[0], prefix=prefix)
    assert [(await limiter.check("alice")).allowed for _ in range(5)] == [True] * 5
    refused = await limiter.check("alice")
    assert not refused.allowed and refused.limit == "requests_per_minute"
    assert 58.0 < refused.retry_after <= 60.0 and refused.retry_after_header == "60"
    assert (await limiter.check("bob")).allowed
    # the counts are in Redis, not in the process
    assert await clients[1].zcard(f"{prefix}{{alice}}:rpm") == 5
    assert limiter._local.hits == {}


async def test_two_limiters_sharing_redis_accept_exactly_the_limit(
    clients: list[Redis], prefix: str
) -> None:
    first, second = (
        RateLimiter(KeyLimits(requests_per_minute=5), redis=client, prefix=prefix)
        for client in clients
    )
    decisions = await asyncio.gather(
        *(limiter.check("alice") for _ in range(10) for limiter in (first, second))
    )
    assert sum(d.allowed for d in decisions) == 5
    assert all(d.limit == "requests_per_minute" for d in decisions if not d.allowed)
    assert not (await first.check("alice")).allowed
    assert not (await second.check("alice")).allowed


async def test_tokens_counted_by_one_limiter_refuse_on_the_other(
    clients: list[Redis], prefix: str
) -> None:
    first, second = (
        RateLimiter(KeyLimits(tokens_per_day=1000), redis=client, prefix=prefix)
        for client in clients
    )
    assert (await second.check("alice")).allowed
    await first.add_tokens("alice", 700)
    await second.add_tokens("alice", 400)
    assert await first.tokens_used("alice") == 1100
    refused = await second.check("alice")
    assert not refused.allowed and refused.limit == "tokens_per_day"
    assert 0 < refused.retry_after <= 86400
    ttl = await clients[0].ttl(second._tokens_key("alice", time.strftime("%Y%m%d", time.gmtime())))
    assert 86400 < ttl <= 2 * 86400  # the day's count cleans itself up


async def test_redis_going_away_falls_back_to_in_process_counts_and_back(
    own_redis: RedisServer, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="server.storage.redis_link")
    client = make_redis(own_redis.url, timeout=0.5)
    watcher = make_redis(own_redis.url)
    limiter = RateLimiter(
        KeyLimits(requests_per_minute=3), redis=client, prefix=prefix, retry_interval=0.2
    )
    try:
        assert (await limiter.check("alice")).allowed
        assert await watcher.zcard(f"{prefix}{{alice}}:rpm") == 1

        own_redis.stop()
        started = time.monotonic()
        decisions = [await limiter.check("alice") for _ in range(4)]
        assert time.monotonic() - started < 2.0  # a dead Redis costs little
        # counted in process from zero: three accepted, the fourth refused, nothing raised
        assert [d.allowed for d in decisions] == [True, True, True, False]
        await asyncio.sleep(0.25)  # past the retry interval: Redis is tried again, still down
        assert not (await limiter.check("alice")).allowed
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "Redis unavailable for rate limits" in warnings[0].message
        assert limiter.link is not None and limiter.link.down

        own_redis.start()  # an empty Redis on the same port
        await asyncio.sleep(0.25)
        assert (await limiter.check("alice")).allowed  # counted in Redis again
        assert await watcher.zcard(f"{prefix}{{alice}}:rpm") == 1
        assert not limiter.link.down
        assert "Redis is back for rate limits" in caplog.text
        assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    finally:
        await client.aclose()
        await watcher.aclose()
