"""Crons: a run request made on a schedule, each tick a stored run through the one road.

A cron (``POST /runs/crons`` for a new thread per run, ``POST /threads/{id}/runs/crons`` for one
thread) keeps the run request it was made with (``payload``, as ``langgraph-api`` keeps it) and
its schedule, parsed by ``croniter``: five fields (minute hour day month weekday), or six with
seconds last (``* * * * * *``: every second), in UTC unless ``timezone`` names an IANA zone.

**Each tick is a stored run** made by :func:`server.road.run.prepare_agent_run` for the key that
made the cron, as if that key had sent it: the same checks and limits (requests per minute,
tokens per day), the same double-texting strategy, the same worker, tool-call recovery and
side-effect rules. The run's metadata carries ``cron_id`` and ``cron_tick`` (the tick's time).

**Which replica fires.** Every replica runs a :class:`CronScheduler`; firing a tick is one
transaction (a compare-and-set on ``next_run_date``, the tick's row with ``ON CONFLICT DO
NOTHING``, the run: :mod:`server.storage.cron_store`), so whichever replica gets there first
fires it and the others' transactions roll back: a tick fires once, however many replicas there
are and whichever of them dies. On SQLite the one process fires.

**Late and missed ticks.** A cron at most 10 seconds behind (a busy machine, a scheduler
that woke late, a replica restarting) fires each due tick in turn: none is lost to a hiccup.
Further behind (every replica was down), its due ticks are folded: the newest fires if it is at
most ``TOOLLOOM_CRON_GRACE`` seconds old (300 by default), the earlier ones are recorded in its
tick row (``skipped``) and never fired; when even the newest is older than the grace window,
nothing fires and a ``skipped`` row records it. So after an outage a cron fires at most once,
never once per missed tick, and never twice for one tick. A tick whose run cannot be stored (the thread is gone, busy under ``reject``, the key
over its limits) is recorded ``refused`` with the reason, and the cron goes on to its next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from server.agentserver.stored_runs import AgentRunRequest, prepare_agent_run
from server.agentserver.worker import RunWorker
from server.api_error import ApiError
from server.auth.api_keys import Principal
from server.road.encoding import iso
from server.runtime import AgentRuntime
from server.storage.agent_tables import CronRow, CronTick
from server.storage.cron_store import CronStore, Tick, TickTaken, aware

log = logging.getLogger(__name__)

MAX_SLEEP = 1.0
"""Longest the scheduler sleeps: a cron made or changed on another replica is seen within it."""
MIN_SLEEP = 0.05
FOLD_LIMIT = 10_000
"""Missed ticks counted one by one; beyond, the newest is found directly."""
CATCH_UP = 10.0
"""Seconds a cron may be behind and still fire each due tick in turn (see :func:`plan`)."""
"""Missed ticks counted one by one; beyond, the newest is found directly."""
TICKS_KEPT = timedelta(days=7)
PRUNE_EVERY = 3600.0


# --- schedules ----------------------------------------------------------------------------------


def check_schedule(schedule: str) -> str:
    """The schedule if ``croniter`` reads it, else a 422 that shows the form."""
    if not isinstance(schedule, str) or not croniter.is_valid(schedule):
        raise ApiError(
            422,
            f"Invalid cron schedule: '{schedule}'. Use the cron format: minute hour "
            "day_of_month month day_of_week (e.g. '*/5 * * * *'), optionally with seconds as a "
            "sixth field ('* * * * * *': every second)",
        )
    return schedule


def check_timezone(timezone: str | None) -> str | None:
    if timezone is None:
        return None
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, KeyError):
        raise ApiError(
            422,
            f"Invalid timezone: '{timezone}'. Use an IANA name (e.g. 'America/New_York').",
        ) from None
    return timezone


def next_tick(schedule: str, after: datetime, timezone: str | None = None) -> datetime:
    """The first tick strictly after ``after`` (UTC)."""
    base = after.astimezone(ZoneInfo(timezone)) if timezone else after.astimezone(UTC)
    found: datetime = croniter(schedule, base).get_next(datetime)
    return found.astimezone(UTC)


def latest_tick(schedule: str, until: datetime, timezone: str | None = None) -> datetime:
    """The last tick at or before ``until`` (UTC)."""
    base = until.astimezone(ZoneInfo(timezone)) if timezone else until.astimezone(UTC)
    itr = croniter(schedule, base + timedelta(microseconds=1))
    found: datetime = itr.get_prev(datetime)
    return found.astimezone(UTC)


def plan(row: CronRow, now: datetime, grace: float) -> tuple[Tick, bool]:
    """What to do about a due cron: the tick to handle and whether it fires (False: older than
    the grace window, recorded as skipped). A cron at most :data:`CATCH_UP` seconds behind (a
    busy machine, a scheduler that slept late) fires its oldest due tick alone, and the next
    pass the one after: no tick is lost to a hiccup. Further behind (every replica was down),
    the due ticks are folded into the newest, which fires once if it is within ``grace``."""
    expected = aware(row.next_run_date)
    assert expected is not None
    if (now - expected).total_seconds() <= CATCH_UP:
        return Tick(
            row.cron_id, expected, expected, next_tick(row.schedule, expected, row.timezone)
        ), True
    until = now
    end = aware(row.end_time)
    if end is not None:
        until = min(until, end)
    newest, folded = expected, 0
    while folded < FOLD_LIMIT:
        following = next_tick(row.schedule, newest, row.timezone)
        if following > until:
            break
        newest, folded = following, folded + 1
    else:
        newest = max(newest, latest_tick(row.schedule, until, row.timezone))
    after = next_tick(row.schedule, max(newest, now), row.timezone)
    fires = (now - newest).total_seconds() <= grace
    return Tick(row.cron_id, expected, newest, after, skipped=folded), fires


# --- the run a tick makes -----------------------------------------------------------------------


def request_of(row: CronRow, tick_at: datetime) -> AgentRunRequest:
    """The stored run request of a tick (the payload was checked when the cron was made)."""
    payload: dict[str, Any] = json.loads(row.payload_json)
    metadata = {
        **json.loads(row.metadata_json),
        **(payload.get("metadata") or {}),
        "cron_id": row.cron_id,
        "cron_tick": iso(tick_at),
    }
    modes = payload.get("stream_mode") or ["values"]
    durability = payload.get("durability")
    if durability is None and payload.get("checkpoint_during") is not None:
        durability = "async" if payload["checkpoint_during"] else "exit"
    config = dict(payload.get("config") or {})
    if payload.get("context"):  # the cron's id rides in configurable, which context excludes
        configurable = dict(config.get("configurable") or {})
        configurable.pop("cron_id", None)
        config["configurable"] = configurable
    return AgentRunRequest(
        assistant_id=str(payload.get("assistant_id") or row.assistant_id),
        input=payload.get("input"),
        metadata=metadata,
        config=config,
        context=dict(payload.get("context") or {}),
        stream_mode=[modes] if isinstance(modes, str) else list(modes),
        interrupt_before=payload.get("interrupt_before"),
        interrupt_after=payload.get("interrupt_after"),
        multitask_strategy=payload.get("multitask_strategy") or "enqueue",
        if_not_exists="reject",
        on_completion=row.on_run_completed or "delete",
        stream_subgraphs=bool(payload.get("stream_subgraphs")),
        stream_resumable=bool(payload.get("stream_resumable")),
        durability=durability,
        webhook=payload.get("webhook"),
    )


def cron_json(row: CronRow) -> dict[str, Any]:
    """A ``Cron`` as the reference answers it."""
    return {
        "cron_id": row.cron_id,
        "assistant_id": row.assistant_id,
        "thread_id": row.thread_id,
        "on_run_completed": row.on_run_completed,
        "end_time": iso(row.end_time),
        "schedule": row.schedule,
        "timezone": row.timezone,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "user_id": row.owner,
        "payload": json.loads(row.payload_json),
        "next_run_date": iso(row.next_run_date),
        "metadata": json.loads(row.metadata_json),
        "enabled": row.enabled,
    }


def tick_json(tick: CronTick) -> dict[str, Any]:
    return {
        "tick_at": iso(tick.tick_at),
        "status": tick.status,
        "run_id": tick.run_id,
        "thread_id": tick.thread_id,
        "replica": tick.replica,
        "skipped": tick.skipped,
        "detail": tick.detail,
        "created_at": iso(tick.created_at),
    }


# --- the scheduler ------------------------------------------------------------------------------


@dataclass
class Fired:
    """What one pass did (for logs and tests)."""

    fired: int = 0
    refused: int = 0
    skipped: int = 0
    lost: int = 0
    """Ticks another replica handled first."""


class CronScheduler:
    """Fires due ticks (every replica runs one; see the module docstring)."""

    def __init__(self, runtime: AgentRuntime, worker: RunWorker) -> None:
        self.runtime = runtime
        self.worker = worker
        self.crons = CronStore(runtime.store.db)
        self._task: asyncio.Task[None] | None = None
        self._pruned = 0.0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._forever(), name="cron-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _forever(self) -> None:
        loop = asyncio.get_running_loop()
        self._pruned = loop.time()  # the first prune an hour after start
        while True:
            pause = MAX_SLEEP
            try:
                await self.pass_once()
                if loop.time() - self._pruned > PRUNE_EVERY:
                    self._pruned = loop.time()
                    await asyncio.to_thread(self.crons.prune_ticks, datetime.now(UTC) - TICKS_KEPT)
                earliest = await asyncio.to_thread(self.crons.earliest)
                if earliest is not None:
                    wait = (earliest - datetime.now(UTC)).total_seconds()
                    pause = min(max(wait, MIN_SLEEP), MAX_SLEEP)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database away: try again shortly
                log.warning("cron scheduler pass skipped: %s", error)
            # A little jitter, so replicas woken by the same tick do not all race for it.
            await asyncio.sleep(pause + random.uniform(0, 0.02))  # noqa: S311

    async def pass_once(self) -> Fired:
        """Handle every due cron once."""
        result = Fired()
        now = await asyncio.to_thread(self.crons.now)
        for row in await asyncio.to_thread(self.crons.due, now):
            try:
                await self._handle(row, now, result)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("cron %s: tick not handled (tried again next pass)", row.cron_id)
        return result

    async def _handle(self, row: CronRow, now: datetime, result: Fired) -> None:
        tick, fires = plan(row, now, self.runtime.settings.cron_grace)
        if not fires:
            detail = f"older than TOOLLOOM_CRON_GRACE ({self.runtime.settings.cron_grace:g} s)"
            if await asyncio.to_thread(self.crons.settle_tick, tick, "skipped", detail):
                result.skipped += 1 + tick.skipped
                log.warning("cron %s: tick %s skipped (%s)", row.cron_id, iso(tick.tick_at), detail)
            return
        if not await asyncio.to_thread(self.crons.still_due, tick):
            result.lost += 1
            return
        try:
            await prepare_agent_run(
                self.runtime,
                self.worker,
                Principal(row.owner),
                row.thread_id,
                request_of(row, tick.tick_at),
                on_store=self.crons.tick_hook(tick),
            )
        except TickTaken:
            result.lost += 1
            return
        except ApiError as error:
            if await asyncio.to_thread(self.crons.settle_tick, tick, "refused", error.message):
                result.refused += 1
                log.warning(
                    "cron %s: tick %s refused (%s)", row.cron_id, iso(tick.tick_at), error.message
                )
            return
        result.fired += 1
        if tick.skipped:
            log.warning(
                "cron %s: %d missed tick(s) folded into %s", row.cron_id, tick.skipped,
                iso(tick.tick_at),
            )  # fmt: skip
