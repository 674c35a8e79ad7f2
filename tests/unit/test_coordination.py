"""Runs coordinated across replicas, on a real PostgreSQL (two coordinators on two stores are two
replicas on one database) and in one process on SQLite: one run at a time per thread, wait then
409, a dead holder's lease expiring, run leases swept by a live replica, keys on every replica."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage
from pydantic import SecretStr

from server.api_error import ApiError
from server.auth.api_keys import KeyRing
from server.storage.coordination import (
    DatabaseCoordinator,
    InProcessCoordinator,
    make_coordinator,
    open_coordinator,
)
from server.storage.store import Store


@pytest.fixture
def replicas(postgres_url: str):  # type: ignore[no-untyped-def]
    """Two stores on one PostgreSQL database, as two replicas have."""
    stores = [Store(postgres_url, replica_id="a"), Store(postgres_url, replica_id="b")]
    yield stores
    for store in stores:
        store.close()


async def _hammer(coordinators: list, thread_id: str, runs: int) -> tuple[int, list[int]]:  # type: ignore[type-arg]
    inside, most, order = 0, 0, []

    async def one(index: int) -> None:
        nonlocal inside, most
        async with coordinators[index % len(coordinators)].hold_thread(thread_id, 30):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.005)
            order.append(index)
            inside -= 1

    await asyncio.gather(*(one(i) for i in range(runs)))
    return most, order


async def test_one_run_at_a_time_per_thread_across_replicas(replicas: list[Store]) -> None:
    coordinators = [DatabaseCoordinator(store, lease=10) for store in replicas]
    most, order = await _hammer(coordinators, "t", 20)
    assert most == 1 and sorted(order) == list(range(20))
    # waiters on one replica keep their arrival order
    assert [i for i in order if i % 2 == 0] == list(range(0, 20, 2))
    assert [i for i in order if i % 2 == 1] == list(range(1, 20, 2))
    # every hold was given back; other threads were never blocked
    assert all(not c.held() for c in coordinators)
    async with coordinators[0].hold_thread("t", 0), coordinators[1].hold_thread("other", 0):
        pass


async def test_a_busy_thread_waits_then_gets_409(replicas: list[Store]) -> None:
    first, second = (DatabaseCoordinator(store, lease=10) for store in replicas)
    async with first.hold_thread("t", 1):
        started = time.monotonic()
        with pytest.raises(ApiError) as refused:
            async with second.hold_thread("t", 0.4):
                pass
        waited = time.monotonic() - started
        assert refused.value.status == 409
        assert refused.value.message == "thread 't' is busy with another run; try again"
        assert 0.4 <= waited < 2
    async with second.hold_thread("t", 0):  # released: taken at once
        pass


async def test_a_waiter_gets_the_thread_when_the_holder_releases(replicas: list[Store]) -> None:
    first, second = (DatabaseCoordinator(store, lease=10) for store in replicas)
    release = asyncio.Event()

    async def hold() -> None:
        async with first.hold_thread("t", 1):
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0.1)
    asyncio.get_running_loop().call_later(0.3, release.set)
    started = time.monotonic()
    async with second.hold_thread("t", 5):
        waited = time.monotonic() - started
    await holder
    assert 0.25 <= waited < 1.5


async def test_a_dead_holders_lease_expires_and_a_live_one_is_renewed(
    replicas: list[Store],
) -> None:
    dead = DatabaseCoordinator(replicas[0], lease=1.0)  # never started: no heartbeat
    other = DatabaseCoordinator(replicas[1], lease=1.0)
    hold = dead.hold_thread("t", 1)
    await hold.__aenter__()  # and never released: the process "died" holding it
    started = time.monotonic()
    async with other.hold_thread("t", 5):
        waited = time.monotonic() - started
    assert 0.8 <= waited < 3

    async with open_coordinator(replicas[0], lease=1.0) as live:
        async with live.hold_thread("u", 1):
            with pytest.raises(ApiError):  # held 2.5 leases long thanks to the heartbeat
                async with other.hold_thread("u", 2.5):
                    pass
        async with other.hold_thread("u", 0):
            pass


async def test_runs_of_a_replica_that_stops_heartbeating_are_interrupted_by_another(
    replicas: list[Store], postgres_url: str
) -> None:
    recovered: list[list[str]] = []
    swept = asyncio.Event()

    async def recover(threads: list[str]) -> None:
        recovered.append(threads)
        swept.set()

    first, second = replicas
    dying = DatabaseCoordinator(first, lease=1.0)
    assert await dying.start() == []
    async with open_coordinator(second, lease=1.0, on_interrupted=recover):
        for store, thread in ((first, "on-a"), (second, "on-b")):
            store.threads.claim_thread(thread, "")
            store.runs.start_run(thread, [HumanMessage("hello", id=f"{thread}-1")])
        third = Store(postgres_url, replica_id="c")
        try:  # a replica starting now leaves both live replicas' runs alone
            starting = make_coordinator(third, lease=1.0)
            assert await starting.start() == []
            await starting.stop()
        finally:
            third.close()
        assert first.runs.last_run("on-a").status == "running"  # type: ignore[union-attr]
        await dying.stop()  # replica a stops renewing (as if SIGKILLed)
        stopped = time.monotonic()
        await asyncio.wait_for(swept.wait(), timeout=6)
        noticed = time.monotonic() - stopped
        await asyncio.sleep(1.5)  # b's own run outlives several leases
        assert second.runs.last_run("on-b").status == "running"  # type: ignore[union-attr]
    assert recovered == [["on-a"]]
    assert 0.5 < noticed < 3  # lease 1 s, sweeps every 0.5 s
    run = first.runs.last_run("on-a")
    assert run is not None and run.status == "interrupted"
    assert run.error == "the replica running it stopped renewing its lease"


async def test_a_replica_restarted_with_its_id_takes_back_its_own_runs(postgres_url: str) -> None:
    before = Store(postgres_url, replica_id="r1")
    before.threads.claim_thread("x", "")
    before.runs.start_run("x")
    before.close()  # crashed
    after = Store(postgres_url, replica_id="r1")
    recovered: list[list[str]] = []

    async def recover(threads: list[str]) -> None:
        recovered.append(threads)

    try:
        restarted = DatabaseCoordinator(after, recover, lease=30)
        assert await restarted.start() == ["x"]
        await restarted.stop()
        assert recovered == [["x"]]
        assert after.runs.last_run("x").status == "interrupted"  # type: ignore[union-attr]
    finally:
        after.close()


async def test_one_process_on_sqlite(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.threads.claim_thread("x", "")
    store.runs.start_run("x")
    recovered: list[list[str]] = []

    async def recover(threads: list[str]) -> None:
        recovered.append(threads)

    try:
        async with open_coordinator(store, on_interrupted=recover) as coordinator:
            assert isinstance(coordinator, InProcessCoordinator)
            assert recovered == [["x"]]  # at start, every running run is a crash's
            most, order = await _hammer([coordinator], "t", 10)
            assert most == 1 and order == list(range(10))
            async with coordinator.hold_thread("t", 0):
                with pytest.raises(ApiError) as refused:
                    async with coordinator.hold_thread("t", 0.2):
                        pass
                assert refused.value.status == 409
    finally:
        store.close()


def _wait_until(condition, limit: float) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < limit, "not within the limit"
        time.sleep(0.05)
    return time.monotonic() - started


def test_keys_made_or_revoked_on_the_shared_database_reach_every_replica_within_2s(
    replicas: list[Store], postgres_url: str
) -> None:
    rings = [KeyRing((SecretStr("static=boot"),), store) for store in replicas]
    assert all(ring.authenticate("nope") is None for ring in rings)  # loaded, cached
    cli = Store(postgres_url)  # `toolloom keys create` on another machine
    try:
        raw = cli.keys.create_key("ops")
        took = _wait_until(lambda: all(r.authenticate(raw) is not None for r in rings), 2.0)
        assert [r.authenticate(raw).name for r in rings] == ["ops", "ops"]  # type: ignore[union-attr]
        assert cli.keys.revoke_key("ops")
        took = max(took, _wait_until(lambda: all(r.authenticate(raw) is None for r in rings), 2.0))
    finally:
        cli.close()
    assert took < 2.0


def test_mark_interrupted_on_a_shared_database_spares_other_replicas(
    replicas: list[Store],
) -> None:
    first, second = replicas
    for store, thread in ((first, "mine"), (second, "theirs")):
        store.threads.claim_thread(thread, "")
        store.runs.start_run(thread)
    assert first.leases.mark_interrupted() == ["mine"]
    assert second.runs.last_run("theirs").status == "running"  # type: ignore[union-attr]


def test_a_replica_with_a_slow_clock_starts_runs_that_are_not_expired(
    replicas: list[Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Leases are compared on the database's clock: a replica whose own clock is a minute behind
    does not start runs that another replica's sweep takes for dead."""
    import datetime as dt

    from server.storage import run_store as store_module

    first, second = replicas
    first.threads.claim_thread("skewed", "")
    real = store_module.utcnow
    monkeypatch.setattr(store_module, "utcnow", lambda: real() - dt.timedelta(minutes=1))
    first.runs.start_run("skewed")
    monkeypatch.setattr(store_module, "utcnow", real)
    assert second.leases.sweep_expired_runs(30) == []
    assert first.runs.last_run("skewed").status == "running"  # type: ignore[union-attr]


async def test_a_cancelled_run_gives_the_thread_back(replicas: list[Store]) -> None:
    """A client that disconnects cancels its run: the lease goes with it, not after the lease."""
    first, second = (DatabaseCoordinator(store, lease=30) for store in replicas)
    entered = asyncio.Event()

    async def run() -> None:
        async with first.hold_thread("t", 1):
            entered.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(run())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with second.hold_thread("t", 0):
        pass
    assert first.held() == {}


async def test_interrupted_runs_get_their_checkpointed_messages_in_the_transcript(
    database_url: str,
) -> None:
    """What a crashed run's checkpoint holds reaches the transcript when its run is marked
    interrupted (at start on SQLite; by the sweeper of any replica on PostgreSQL)."""
    from graph.builder import build_graph
    from graph.checkpoints import compile_checkpointed, open_checkpointer
    from harness.fakes import ScriptedChatModel
    from server.storage.coordination import transcript_recovery

    crashed = Store(database_url, replica_id="crashed")
    crashed.threads.claim_thread("t", "")
    async with open_checkpointer(database_url) as saver:
        graph = compile_checkpointed(build_graph(ScriptedChatModel(default="answer"), []), saver)
        given = [HumanMessage("question", id="q")]
        crashed.runs.start_run("t", given)
        await graph.ainvoke({"messages": given}, {"configurable": {"thread_id": "t"}})
        crashed.close()  # died before finish_run
        restarted = Store(database_url, replica_id="crashed")
        try:
            async with open_coordinator(
                restarted, lease=30, on_interrupted=transcript_recovery(restarted, graph)
            ):
                assert [m.content for m in restarted.transcript.messages("t")] == [
                    "question",
                    "answer",
                ]
                assert restarted.runs.last_run("t").status == "interrupted"  # type: ignore[union-attr]
        finally:
            restarted.close()
