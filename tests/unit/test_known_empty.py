"""The memory store's shortcut for "is anything kept here?" (server/storage/known_empty.py): an
empty namespace is answered from memory for a moment, never after a put through it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from langgraph.store.base import Op, Result
from langgraph.store.memory import InMemoryStore

from server.storage.known_empty import KnownEmpty
from server.storage.memory_store import open_memory_store

NAMESPACE = ("tl~alice", "memories")


class Counted(InMemoryStore):
    """LangGraph's in-memory store, counting the batches it answers; ``hold`` delays an answer
    (after it was read)."""

    def __init__(self) -> None:
        super().__init__()
        self.batches = 0
        self.hold: asyncio.Event | None = None

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        self.batches += 1
        hold = self.hold
        results = await super().abatch(list(ops))
        if hold is not None:
            await hold.wait()
        return results


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_an_empty_namespace_is_asked_once_a_moment() -> None:
    inner, clock = Counted(), Clock()
    store = KnownEmpty(inner, ttl=1.0, clock=clock)
    assert await store.asearch(NAMESPACE, limit=1) == []
    assert await store.asearch(NAMESPACE, limit=1) == []
    assert inner.batches == 1
    # Other searches are never answered from memory.
    assert await store.asearch(NAMESPACE, limit=5) == []
    assert inner.batches == 2
    # Another process's put (here: straight into the store) is seen once the moment has passed.
    await inner.aput(NAMESPACE, "units", {"fact": "metric"})
    assert await store.asearch(NAMESPACE, limit=1) == []
    clock.now += 1.5
    found = await store.asearch(NAMESPACE, limit=1)
    assert [item.value for item in found] == [{"fact": "metric"}]


async def test_a_put_through_it_is_seen_at_once() -> None:
    inner = Counted()
    store = KnownEmpty(inner, ttl=60.0)
    assert await store.asearch(NAMESPACE, limit=1) == []
    await store.aput(NAMESPACE, "units", {"fact": "metric"})
    found = await store.asearch(NAMESPACE, limit=1)
    assert [item.key for item in found] == ["units"]
    # A put under a longer namespace empties the shorter one's answer too.
    assert await store.asearch(("tl~bob",), limit=1) == []
    await store.aput(("tl~bob", "notes"), "a", {"x": 1})
    assert [item.key for item in await store.asearch(("tl~bob",), limit=1)] == ["a"]


async def test_an_answer_overtaken_by_a_put_is_not_kept() -> None:
    inner = Counted()
    store = KnownEmpty(inner, ttl=60.0)
    release = inner.hold = asyncio.Event()
    probe = asyncio.create_task(store.asearch(NAMESPACE, limit=1))
    await asyncio.sleep(0.01)  # it has read: nothing yet
    inner.hold = None
    await store.aput(NAMESPACE, "units", {"fact": "metric"})
    release.set()
    assert await probe == []  # it read before the put ...
    found = await store.asearch(NAMESPACE, limit=1)  # ... and is not remembered
    assert [item.key for item in found] == ["units"]


def test_it_passes_the_rest_through() -> None:
    inner = Counted()
    store: Any = KnownEmpty(inner)
    store.put(NAMESPACE, "k", {"v": 1})
    assert store.get(NAMESPACE, "k").value == {"v": 1}
    assert store.list_namespaces() == [NAMESPACE]
    assert store.supports_ttl == inner.supports_ttl


async def test_the_sqlite_store_behind_it_keeps_its_own_rules(tmp_path: Path) -> None:
    """TTLs, sweeping and search go to LangGraph's SQLite store as they are."""
    async with open_memory_store(tmp_path / "store.db") as inner:
        store: Any = KnownEmpty(inner)
        assert await store.asearch(NAMESPACE, limit=1) == []
        await store.aput(NAMESPACE, "units", {"fact": "metric"}, ttl=5)
        item = await store.aget(NAMESPACE, "units")
        assert item is not None and item.value == {"fact": "metric"}
        assert [i.key for i in await store.asearch(NAMESPACE, limit=1)] == ["units"]
        assert await store.sweep_ttl() == 0
        with pytest.raises(ValueError):
            await store.aput((), "bad", {})
