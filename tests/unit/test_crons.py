"""Crons (server/agentserver/crons.py, server/storage/cron_store.py): the miss policy as a pure
function, and a tick fired once when several replicas' schedulers race for it, on a SQLite file
and on a real PostgreSQL (one store per replica)."""

from __future__ import annotations

import concurrent.futures
import threading
from datetime import UTC, datetime, timedelta

import pytest

from server.agentserver.crons import check_schedule, latest_tick, next_tick, plan
from server.api_error import ApiError
from server.storage.agent_tables import CronRow
from server.storage.cron_store import CronStore, Tick, TickTaken
from server.storage.store import Store

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def cron(schedule: str = "* * * * * *", next_run: datetime = T0, **fields: object) -> CronRow:
    return CronRow(
        cron_id="c1", assistant_id="a", schedule=schedule, next_run_date=next_run, **fields
    )


def test_six_fields_are_seconds_and_five_are_minutes() -> None:
    assert next_tick("* * * * * *", T0) == T0 + timedelta(seconds=1)
    assert next_tick("*/5 * * * *", T0) == T0 + timedelta(minutes=5)
    assert latest_tick("* * * * * *", T0 + timedelta(milliseconds=300)) == T0
    assert latest_tick("* * * * * *", T0) == T0  # a tick exactly now is the latest
    with pytest.raises(ApiError) as refused:
        check_schedule("every day")
    assert refused.value.status == 422


def test_a_tick_on_time_fires_alone() -> None:
    tick, fires = plan(cron(), T0 + timedelta(milliseconds=250), grace=300)
    assert fires and tick.tick_at == T0 and tick.skipped == 0
    assert tick.expected == T0 and tick.after == T0 + timedelta(seconds=1)


def test_a_scheduler_a_few_seconds_late_fires_every_due_tick_in_turn() -> None:
    now = T0 + timedelta(seconds=3, milliseconds=400)  # a busy machine: three ticks behind
    tick, fires = plan(cron(), now, grace=300)
    assert fires and tick.tick_at == T0 and tick.skipped == 0
    assert tick.after == T0 + timedelta(seconds=1)  # the next pass fires that one


def test_ticks_missed_while_down_fold_into_the_newest_within_the_grace_window() -> None:
    now = T0 + timedelta(seconds=29, milliseconds=500)  # every replica was down for 29 ticks
    tick, fires = plan(cron(), now, grace=300)
    assert fires
    assert tick.tick_at == T0 + timedelta(seconds=29) and tick.skipped == 29
    assert tick.after == T0 + timedelta(seconds=30)


def test_a_newest_tick_older_than_the_grace_window_is_skipped() -> None:
    every_minute = cron("* * * * *")
    now = T0 + timedelta(minutes=30, seconds=20)
    tick, fires = plan(every_minute, now, grace=10)
    assert not fires and tick.tick_at == T0 + timedelta(minutes=30) and tick.skipped == 30
    assert tick.after == T0 + timedelta(minutes=31)


def test_a_long_outage_is_folded_without_walking_every_tick() -> None:
    now = T0 + timedelta(days=2, milliseconds=10)  # 172,800 missed one-second ticks
    tick, fires = plan(cron(), now, grace=300)
    assert fires and tick.tick_at == T0 + timedelta(days=2) and tick.skipped >= 10_000


def test_no_tick_past_the_end_time_fires() -> None:
    ending = cron(end_time=T0 + timedelta(seconds=3))
    tick, fires = plan(ending, T0 + timedelta(seconds=40), grace=300)
    assert fires and tick.tick_at == T0 + timedelta(seconds=3)


def test_the_time_zone_sets_the_wall_clock() -> None:
    nine_in_seoul = cron("0 9 * * *", next_run=datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    nine_in_seoul.timezone = "Asia/Seoul"
    assert next_tick("0 9 * * *", T0, "Asia/Seoul") == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


# --- exactly once ----------------------------------------------------------------------------


def _fire(store: Store, crons: CronStore, thread_id: str, tick: Tick) -> str:
    try:
        row, _ = store.runs.create_run(
            thread_id,
            "alice",
            create=False,
            assistant_id="a",
            strategy="enqueue",
            kwargs={},
            metadata={},
            thread_metadata={},
            on_store=crons.tick_hook(tick),
        )
    except TickTaken:
        return "lost"
    return row.run_id


@pytest.mark.parametrize("replicas", [1, 4])
def test_a_tick_raced_for_by_many_schedulers_fires_once(database_url: str, replicas: int) -> None:
    stores = [Store(database_url, replica_id=f"r{i}") for i in range(replicas)]
    try:
        stores[0].threads.claim_thread("t", "alice")
        crons = [CronStore(s.db) for s in stores]
        crons[0].create(
            "alice",
            cron_id="c1",
            assistant_id="a",
            thread_id="t",
            schedule="* * * * * *",
            timezone=None,
            end_time=None,
            enabled=True,
            on_run_completed=None,
            payload={},
            metadata={},
            next_run_date=T0,
        )
        fired: list[str] = []
        for second in range(5):  # five ticks, each raced for by 16 attempts
            due = T0 + timedelta(seconds=second)
            tick = Tick("c1", due, due, due + timedelta(seconds=1))
            barrier = threading.Barrier(16)

            def attempt(index: int, tick: Tick = tick, barrier: threading.Barrier = barrier) -> str:
                barrier.wait()
                store = stores[index % replicas]
                return _fire(store, crons[index % replicas], "t", tick)

            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                results = list(pool.map(attempt, range(16)))
            won = [r for r in results if r != "lost"]
            assert len(won) == 1, results
            fired.extend(won)
        runs = stores[0].runs.list_runs("t", limit=100)
        assert sorted(r.run_id for r in runs) == sorted(fired)
        ticks = crons[0].ticks("c1")
        assert [t.status for t in ticks] == ["fired"] * 5
        assert {t.run_id for t in ticks} == set(fired)
        assert crons[0].find("c1").next_run_date is not None  # type: ignore[union-attr]
        # A tick already fired cannot be recorded again, as fired or otherwise.
        again = Tick("c1", T0 + timedelta(seconds=5), T0, T0 + timedelta(seconds=6))
        assert _fire(stores[0], crons[0], "t", again) == "lost"
        assert len(stores[0].runs.list_runs("t", limit=100)) == 5
    finally:
        for store in stores:
            store.close()


def test_a_refused_tick_is_recorded_once_and_the_cron_moves_on(database_url: str) -> None:
    store = Store(database_url)
    try:
        crons = CronStore(store.db)
        crons.create(
            "alice",
            cron_id="c2",
            assistant_id="a",
            thread_id=None,
            schedule="* * * * *",
            timezone=None,
            end_time=None,
            enabled=True,
            on_run_completed="delete",
            payload={},
            metadata={"team": "ops"},
            next_run_date=T0,
        )
        tick = Tick("c2", T0, T0, T0 + timedelta(minutes=1))
        assert crons.settle_tick(tick, "refused", "over the key's requests per minute")
        assert not crons.settle_tick(tick, "refused", "again")
        [row] = crons.ticks("c2")
        assert (row.status, row.detail) == ("refused", "over the key's requests per minute")
        found = crons.find("c2")
        assert found is not None and found.next_run_date is not None
        assert crons.due(T0 + timedelta(seconds=30)) == []
        assert crons.earliest() == T0 + timedelta(minutes=1)
        crons.update("c2", "alice", {"end_time": T0 + timedelta(seconds=30)})
        assert crons.earliest() is None  # past its end: the scheduler does not wake for it
        assert crons.due(T0 + timedelta(minutes=1)) == []
        crons.update("c2", "alice", {"end_time": None})
        assert [c.cron_id for c in crons.due(T0 + timedelta(minutes=1))] == ["c2"]
        rows, total = crons.search("alice", metadata={"team": "ops"})
        assert total == 1 and rows[0].cron_id == "c2"
        assert crons.search("bob")[1] == 0 and crons.get("c2", "bob") is None
    finally:
        store.close()
