"""The event log of resumable runs (server/agentserver/event_log.py): in the database (SQLite
and a real PostgreSQL) and in a real Redis, bounded, read back after any id with its end marker;
a Redis that goes away sends the events to the database, and reads merge both."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from harness.redis_server import RedisServer
from server.agentserver.event_log import EventLog, EventsGone, parse_last_event_id
from server.storage.redis_link import make_redis
from server.storage.store import Store


@pytest.fixture
async def db_log(database_url: str) -> AsyncIterator[EventLog]:
    store = Store(database_url)
    log = EventLog(store, None, max_events=250, ttl=60)
    log.start()
    yield log
    await log.stop()
    store.close()


def publish(log: EventLog, run_id: str, count: int, start: int = 1) -> list[tuple[int, str, str]]:
    events = [(seq, f"values{seq % 3}", f'{{"n":{seq}}}') for seq in range(start, start + count)]
    for seq, event, data in events:
        log.append(run_id, seq, event, data)
    return events


async def test_events_are_read_back_after_any_id_then_the_end(db_log: EventLog) -> None:
    events = publish(db_log, "run-1", 40)
    await db_log.flushed()
    assert await db_log.read("run-1", 0) == (events, False)
    assert await db_log.read("run-1", 17) == (events[17:], False)
    db_log.close("run-1", 40)
    await db_log.flushed()
    assert await db_log.read("run-1", 40) == ([], True)
    assert await db_log.read("run-1", 39) == (events[39:], True)
    assert await db_log.read("run-2", 0) == ([], False)


async def test_a_follower_gets_every_event_once_until_the_end(db_log: EventLog) -> None:
    publish(db_log, "run-3", 5)

    async def never_ended() -> bool:
        return False

    seen: list[int] = []
    follower = db_log.follow("run-3", 2, never_ended, tick=30)
    async for found in follower:
        assert found is not None
        seen.append(found[0])
        if found[0] == 5:
            publish(db_log, "run-3", 3, start=6)
            db_log.close("run-3", 8)
    assert seen == [3, 4, 5, 6, 7, 8]


async def test_the_bound_drops_the_oldest_and_says_so(db_log: EventLog) -> None:
    publish(db_log, "run-4", 400)
    await db_log.flushed()
    first = await db_log.first_kept("run-4")
    assert first is not None and 150 <= first <= 151  # trimmed to 250 in steps of 100
    with pytest.raises(EventsGone):
        await db_log.check("run-4", 10, ended=False)
    await db_log.check("run-4", 200, ended=False)  # still all there


async def test_in_redis_and_in_the_database_when_redis_is_away(
    tmp_path: Path, own_redis: RedisServer
) -> None:
    store = Store(tmp_path / "events.db")
    redis = make_redis(own_redis.url)
    log = EventLog(store, redis, max_events=1000, ttl=60)
    log.start()
    try:
        events = publish(log, "run-5", 10)
        await log.flushed()
        assert await redis.xlen("toolloom:run-events:run-5") == 10
        assert 0 < await redis.ttl("toolloom:run-events:run-5") <= 60
        assert await log.read("run-5", 4) == (events[4:], False)
        own_redis.stop()
        later = publish(log, "run-5", 5, start=11)
        log.close("run-5", 15)
        await log.flushed()
        assert await log.read("run-5", 10) == (later, True)  # from the database
        own_redis.start()  # empty again (no persistence): what was in Redis is gone
        assert await log.read("run-5", 10) == (later, True)
        assert await log.read("run-5", 0) == (later, True)  # the first ten went with Redis
    finally:
        await log.stop()
        await redis.aclose()
        store.close()


def test_last_event_id() -> None:
    assert parse_last_event_id(None) is None and parse_last_event_id(" ") is None
    assert parse_last_event_id("-1") == 0 and parse_last_event_id("12") == 12
    with pytest.raises(ValueError):
        parse_last_event_id("1700000000000-0")
