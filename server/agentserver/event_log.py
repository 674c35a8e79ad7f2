"""The kept events of resumable runs (``stream_resumable``), for ``Last-Event-ID`` replay on any
replica.

Every event a run publishes gets a sequence number in its run (1, 2, ...; the SSE ``id:``). For a
resumable run the run worker (:class:`server.agentserver.worker.Channel`) hands each event to
:meth:`EventLog.append` (a queue, written in batches by one background task, in order) and, when
the run's channel closes, :meth:`EventLog.close` writes a last marker that says the stream is
complete. Where they are kept:

- **Redis** (``TOOLLOOM_REDIS_URL``): one stream per run (``toolloom:run-events:{run_id}``), entry
  ids ``0-{seq}``, trimmed to about ``TOOLLOOM_STREAM_EVENTS_MAX`` entries (``MAXLEN ~``) and
  expiring ``TOOLLOOM_STREAM_EVENTS_TTL`` seconds after the last write. A write Redis refuses
  (it is away) goes to the database instead, and reads merge both.
- **the database** otherwise (``tl_run_events``, :mod:`server.storage.event_store`): at most
  ``TOOLLOOM_STREAM_EVENTS_MAX`` rows per run, swept once their TTL has passed.

Reading (:meth:`EventLog.follow`): a client re-attaching with ``Last-Event-ID: N`` on the replica
that runs the run is served from the channel's own history (no gap: the history and the live
queue are taken in one step, see the worker); on any other replica, or once the run has ended,
from here: the events after ``N``, then new ones as they are written, until the end marker (or,
for a run whose replica died, until a short while after the run is seen ended).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from server.storage.event_store import DONE, EventStore
from server.storage.redis_link import RedisLink
from server.storage.store import Store

log = logging.getLogger(__name__)

Event = tuple[int, str, str]
"""``(seq, event name, JSON data)``."""
KEY = "toolloom:run-events:"
BATCH = 500
FLUSH_EVERY = 0.05
"""Seconds the writer waits to gather a batch."""
POLL = 0.2
"""Seconds between looks at the log while following a run that runs elsewhere."""
LINGER = 3.0
"""Seconds a follower waits for the end marker after the run is seen ended."""
SWEEP_EVERY = 60.0


class EventsGone(LookupError):
    """The events a client asked to replay from are no longer kept (the bound or the TTL)."""

    def __init__(self, first_kept: int | None) -> None:
        super().__init__(first_kept)
        self.first_kept = first_kept


@dataclass(frozen=True)
class _Row:
    run_id: str
    seq: int
    event: str
    data: str


class EventLog:
    """Where resumable runs' events are kept (see the module docstring)."""

    def __init__(self, store: Store, redis: Redis | None, *, max_events: int, ttl: float) -> None:
        self.db = EventStore(store.db)
        self.link = RedisLink(redis, purpose="stream replay") if redis is not None else None
        self.max_events = max_events
        self.ttl = ttl
        self._queue: asyncio.Queue[_Row | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def kind(self) -> str:
        return "redis" if self.link is not None else "database"

    # --- life ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_forever(), name="event-log-writer")
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="event-log-sweeper")

    async def stop(self) -> None:
        """Write what is queued, then stop."""
        if self._writer is not None:
            self._queue.put_nowait(None)
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._writer, 10)
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        self._writer = self._sweeper = None

    # --- writing ---------------------------------------------------------------------------

    def append(self, run_id: str, seq: int, event: str, data: str) -> None:
        """Queue one event (written within about :data:`FLUSH_EVERY` seconds, in order)."""
        self._idle.clear()
        self._queue.put_nowait(_Row(run_id, seq, event, data))

    def close(self, run_id: str, last_seq: int) -> None:
        """The run's stream is complete: queue the end marker after its last event."""
        self.append(run_id, last_seq + 1, DONE, "null")

    async def flushed(self, timeout: float = 10.0) -> None:
        """Wait until everything queued so far is written (tests, shutdown)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)

    async def _write_forever(self) -> None:
        stopping = False
        while not stopping:
            item = await self._queue.get()
            batch: list[_Row] = []
            if item is None:
                stopping = True
            else:
                batch.append(item)
                await asyncio.sleep(FLUSH_EVERY)
            while not self._queue.empty() and len(batch) < BATCH:
                more = self._queue.get_nowait()
                if more is None:
                    stopping = True
                else:
                    batch.append(more)
            try:
                await self._write(batch)
            except Exception:  # the database away: these events are lost for replay, not the run
                log.exception("could not keep %d stream events for replay", len(batch))
            if self._queue.empty():
                self._idle.set()

    async def _write(self, batch: list[_Row]) -> None:
        if not batch:
            return
        if self.link is not None:
            ok, _ = await self.link.run(lambda client: self._redis_write(client, batch))
            if ok:
                return
        await asyncio.to_thread(self.db.append, [(r.run_id, r.seq, r.event, r.data) for r in batch])
        trim = {r.run_id: r.seq for r in batch if r.seq > self.max_events and r.seq % 100 == 0}
        for run_id, seq in trim.items():
            await asyncio.to_thread(self.db.trim, run_id, seq - self.max_events + 1)

    async def _redis_write(self, client: Redis, batch: list[_Row]) -> None:
        pipe = client.pipeline(transaction=False)
        for row in batch:
            pipe.xadd(
                KEY + row.run_id,
                {"e": row.event, "d": row.data},
                id=f"0-{row.seq}",
                maxlen=self.max_events,
                approximate=True,
            )
        for run_id in {r.run_id for r in batch}:
            pipe.expire(KEY + run_id, int(self.ttl))
        results = await pipe.execute(raise_on_error=False)
        for result in results:
            # An id at or below the stream's last: the entry is there already (a retried
            # write). Anything else is Redis failing: the batch then goes to the database.
            if isinstance(result, Exception) and "equal or smaller" not in str(result):
                raise result

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            try:
                await asyncio.to_thread(self.db.sweep, self.ttl)
            except Exception as error:  # the database away: next time
                log.warning("stream events sweep skipped: %s", error)

    # --- reading ---------------------------------------------------------------------------

    async def read(self, run_id: str, after: int) -> tuple[list[Event], bool]:
        """The run's kept events after ``after``, in order, and whether its end marker was
        reached."""
        found: dict[int, tuple[str, str]] = {}
        if self.link is not None:
            ok, entries = await self.link.run(
                lambda client: client.xrange(KEY + run_id, min=f"(0-{after}", count=1000)
            )
            if ok and entries:
                for entry_id, fields in entries:
                    seq, event, data = _entry(entry_id, fields)
                    found[seq] = (event, data)
        for seq, event, data in await asyncio.to_thread(self.db.read, run_id, after):
            found.setdefault(seq, (event, data))
        events: list[Event] = []
        done = False
        for seq in sorted(found):
            event, data = found[seq]
            if event == DONE:
                done = True
                break
            events.append((seq, event, data))
        return events, done

    async def first_kept(self, run_id: str) -> int | None:
        """The lowest sequence number still kept for the run (None: none is)."""
        firsts: list[int] = []
        if self.link is not None:
            ok, entries = await self.link.run(
                lambda client: client.xrange(KEY + run_id, min="-", count=1)
            )
            if ok and entries:
                seq, event, _ = _entry(*entries[0])
                if event != DONE:
                    firsts.append(seq)
        found = await asyncio.to_thread(self.db.first_kept, run_id)
        if found is not None:
            firsts.append(found)
        return min(firsts) if firsts else None

    async def check(self, run_id: str, after: int, ended: bool) -> None:
        """Raise :class:`EventsGone` when the events after ``after`` cannot all be replayed: the
        oldest ones were dropped, or (a run that has ended) nothing is kept any more."""
        first = await self.first_kept(run_id)
        if first is not None and first > after + 1:
            raise EventsGone(first)
        if first is None and ended:
            events, done = await self.read(run_id, after)
            if not events and not done:
                raise EventsGone(None)

    async def follow(
        self, run_id: str, after: int, ended: Callable[[], Awaitable[bool]], tick: float
    ) -> AsyncIterator[Event | None]:
        """The run's events after ``after`` as they are kept, until its end marker (or
        :data:`LINGER` seconds after ``ended()`` says the run is over, for a run whose replica
        died before it wrote the marker). ``None`` every ``tick`` seconds without an event."""
        quiet = 0.0
        over_since: float | None = None
        checked = 0.0
        loop = asyncio.get_running_loop()
        while True:
            events, done = await self.read(run_id, after)
            for event in events:
                after = event[0]
                yield event
            if done:
                return
            if events:
                quiet = 0.0
                continue
            now = loop.time()
            if over_since is None and now - checked >= 1.0:
                checked = now
                if await ended():
                    over_since = now
            if over_since is not None and now - over_since >= LINGER:
                return
            await asyncio.sleep(POLL)
            quiet += POLL
            if quiet >= tick:
                quiet = 0.0
                yield None


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _entry(entry_id: Any, fields: Any) -> Event:
    """A Redis stream entry ``0-{seq}`` with fields ``e`` and ``d``."""
    fields = {_text(k): v for k, v in (fields or {}).items()}
    return int(_text(entry_id).split("-", 1)[1]), _text(fields.get("e")), _text(fields.get("d"))


def parse_last_event_id(value: str | None) -> int | None:
    """``Last-Event-ID`` as the sequence number to replay after: ``-1`` (or any negative) means
    from the start (0); None: no header. ValueError for anything else than an integer."""
    if value is None or not value.strip():
        return None
    number = int(value.strip())
    return max(number, 0)
