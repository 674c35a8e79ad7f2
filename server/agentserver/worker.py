"""The run worker: executes the stored runs of the Agent Server API, and lets clients listen.

A run made through ``/threads/{id}/runs...`` or ``/runs...`` is first a row in ``tl_runs``
(``pending``, with its request; :func:`server.agentserver.stored_runs.prepare_agent_run`), then
executed here, on the one road (:class:`server.road.run.Run`: the thread's hold, the claim, the
transcript, the status), its events named by :mod:`server.agentserver.events`. Runs on one thread
execute in the order they were made (one drain task per thread); runs on different threads run
side by side.

- **After a restart** the pending runs are executed (a run that was running when the process
  died is marked ``interrupted`` by the coordinator; never silently lost). A graceful shutdown
  stops the running runs and marks them ``interrupted``; pending ones wait for the next start.
- **Several replicas (PostgreSQL)**: a replica executes the runs it stored; its heartbeat keeps
  them (pending and running) leased. A pending run whose replica stopped renewing it for
  ``TOOLLOOM_RUN_LEASE`` seconds is claimed by whichever replica polls first (every second). A
  cancel answered by another replica reaches the one that runs it through ``tl_runs.cancel``
  (read by the same poll).
- **Listening**: a ``wait`` or ``stream`` request subscribes before the run starts and receives
  every event (:class:`Listener`); ``join`` and ``join_stream`` subscribe to a run in progress.
  A run this replica does not execute (another replica's) is followed through its status.
- **Replay**: every event gets a sequence number in its run (the SSE ``id`` of a resumable
  run). A resumable run's events are kept (:mod:`server.agentserver.event_log`, handed over in
  :meth:`Channel.publish`), so ``join_stream`` with ``Last-Event-ID`` replays from there: from the
  channel's history on this replica (:meth:`RunWorker.replay`), from the event log on any other.
- **Webhooks**: when a run made with ``webhook`` ends, :attr:`RunWorker.on_webhook` (the
  webhook sender's, :mod:`server.agentserver.webhooks`) is told, before a stateless run's
  thread goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from server.agentserver.calls import GraphCall, context_of
from server.agentserver.event_log import EventLog, EventsGone
from server.agentserver.events import stored_run_events
from server.api_error import ApiError
from server.auth.api_keys import Principal
from server.road.encoding import dumps, interrupt_json, jsonable
from server.road.run import Run
from server.runtime import AgentRuntime
from server.storage.tables import ACTIVE, RunRow, Stopped

log = logging.getLogger(__name__)

HEARTBEAT = 5.0
"""Seconds between keep-alives of a ``wait`` body (a newline) or an event stream (a comment)."""
CHECK = 1.0
"""Seconds between looks at the row of a run this replica does not execute."""


@dataclass
class Outcome:
    """How a run ended, for the ``wait`` / ``join`` body: the error, the interrupts it streamed,
    its last values."""

    values: Any = None
    interrupts: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, str] | None = None

    def body(self) -> Any:
        """The reference's precedence: an error, then values with ``__interrupt__``, then the
        values (None: nothing was seen; the caller falls back to the thread's values)."""
        if self.error is not None:
            return {"__error__": self.error}
        if self.interrupts:
            return {**(self.values or {}), "__interrupt__": self.interrupts}
        return self.values


Item = tuple[str, str, int]
"""A published event: its name, its JSON, its sequence number in the run (the SSE ``id``)."""


class Channel:
    """One run's events, fanned out to its listeners; a resumable run's are also kept (its own
    history here, bounded, and the event log for the other replicas)."""

    def __init__(self) -> None:
        self.queues: set[asyncio.Queue[Item | None]] = set()
        self.done = asyncio.Event()
        self.outcome: Outcome | None = None
        self.seq = 0
        self.run_id = ""
        self.log: EventLog | None = None
        self.history: deque[tuple[int, str, str]] = deque()

    @property
    def resumable(self) -> bool:
        return self.log is not None

    def keep(self, run_id: str, log: EventLog) -> None:
        """Keep this run's events for replay (a ``stream_resumable`` run)."""
        self.run_id, self.log = run_id, log
        self.history = deque(self.history, maxlen=log.max_events)

    def publish(self, event: str, data: Any) -> None:
        self.seq += 1
        if not self.queues and self.log is None:
            return
        text = dumps(data)
        if self.log is not None:
            self.history.append((self.seq, event, text))
            self.log.append(self.run_id, self.seq, event, text)
        for queue in self.queues:
            queue.put_nowait((event, text, self.seq))

    def close(self, outcome: Outcome | None) -> None:
        self.outcome = outcome
        self.done.set()
        if self.log is not None:
            self.log.close(self.run_id, self.seq)
        for queue in self.queues:
            queue.put_nowait(None)


class Listener:
    """A client's subscription to one run: its events as they come, then the end."""

    def __init__(self, worker: RunWorker, run_id: str, channel: Channel) -> None:
        self.worker = worker
        self.run_id = run_id
        self.channel = channel
        self.queue: asyncio.Queue[Item | None] = asyncio.Queue()
        channel.queues.add(self.queue)

    def close(self) -> None:
        self.channel.queues.discard(self.queue)
        self.worker.forget(self.run_id)

    async def events(
        self, tick: float = HEARTBEAT, *, fresh: bool = False
    ) -> AsyncIterator[Item | None]:
        """``(event, json, seq)``; ``None`` every ``tick`` seconds without one (a keep-alive).
        Ends when the run has ended: its channel closed, or its row is no longer pending or
        running (a run that had ended already, one another replica executes, or one stopped
        before it started; checked at once, unless the run was just stored (``fresh``), then
        every second)."""
        if not fresh and await self.worker.ended(self.run_id):
            return
        quiet = 0.0
        while not self.channel.done.is_set() or not self.queue.empty():
            try:
                item = await asyncio.wait_for(self.queue.get(), CHECK)
            except TimeoutError:
                quiet += CHECK
                if await self.worker.ended(self.run_id):
                    return
                if quiet >= tick:
                    quiet = 0.0
                    yield None
                continue
            if item is None:
                return
            quiet = 0.0
            yield item

    @property
    def outcome(self) -> Outcome | None:
        return self.channel.outcome


class RunWorker:
    """Executes stored runs on this replica (see the module docstring)."""

    def __init__(self, runtime: AgentRuntime, *, poll: float | None = None) -> None:
        self.runtime = runtime
        self.store = runtime.store
        self.poll = poll if poll is not None else (1.0 if runtime.store.shared else 5.0)
        self.channels: dict[str, Channel] = {}
        self.draining: dict[str, asyncio.Task[None]] = {}
        self.active: dict[str, tuple[asyncio.Task[None], Run]] = {}
        self._again: set[str] = set()
        self._poller: asyncio.Task[None] | None = None
        self._closing = False
        self._started = False
        settings = runtime.settings
        self.log = EventLog(
            runtime.store,
            runtime.redis,
            max_events=settings.stream_events_max,
            ttl=settings.stream_events_ttl,
        )
        """Where resumable runs' events are kept."""
        self.on_webhook: Callable[[str, Outcome | None], Awaitable[None]] | None = None
        """Told when a run made with ``webhook`` has ended (the webhook sender's)."""

    # --- life --------------------------------------------------------------------------------

    async def start(self) -> None:
        """Execute what is pending (a restart's leftovers), then poll."""
        self._started = True
        self.log.start()
        await self.poll_once()
        self._poller = asyncio.create_task(self._poll_forever(), name="run-worker-poll")

    async def stop(self) -> None:
        """Stop the running runs (marked ``interrupted``); pending ones wait for the next start."""
        self._closing = True
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        for task, run in list(self.active.values()):
            run.stop = run.stop or "shutdown"
            task.cancel()
        drains = list(self.draining.values())
        if drains:
            await asyncio.wait(drains, timeout=30)
        for channel in self.channels.values():
            if not channel.done.is_set():
                channel.close(None)
        await self.log.stop()

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(self.poll)
            try:
                await self.poll_once()
            except Exception as error:  # the database away: try again at the next poll
                log.warning("run worker poll skipped: %s", error)

    async def poll_once(self) -> None:
        """Start draining threads with runs this replica may claim; pass on stop requests that
        another replica answered."""
        stale = self.runtime.road.run_lease if self.store.shared else None
        for thread_id in await asyncio.to_thread(self.store.runs.claimable_threads, stale):
            self.kick(thread_id)
        if self.store.shared:
            for stop in await asyncio.to_thread(self.store.runs.stop_requests):
                self.stop_here(stop)

    # --- executing ---------------------------------------------------------------------------

    def kick(self, thread_id: str) -> None:
        """Make sure the thread's pending runs are being executed here (once started)."""
        if self._closing or not self._started:
            return
        task = self.draining.get(thread_id)
        if task is not None and not task.done():
            self._again.add(thread_id)
            return
        self.draining[thread_id] = asyncio.create_task(
            self._drain(thread_id), name=f"runs-of-{thread_id}"
        )

    def _mine(self, row: RunRow) -> bool:
        """Whether this replica may execute the pending run: one process, its own, or one whose
        replica stopped renewing it (the claim checks again, on the database's clock)."""
        if not self.store.shared or row.replica == self.store.replica_id:
            return True
        beat = row.heartbeat_at or row.created_at
        if beat.tzinfo is None:
            beat = beat.replace(tzinfo=UTC)
        return (datetime.now(UTC) - beat).total_seconds() > self.runtime.road.run_lease

    async def _drain(self, thread_id: str) -> None:
        """Execute the thread's pending runs, oldest first, until none is left for this replica."""
        me = asyncio.current_task()
        try:
            while not self._closing:
                self._again.discard(thread_id)
                found = await asyncio.to_thread(self.store.runs.next_pending, thread_id)
                if found is None or not self._mine(found[0]):
                    if thread_id in self._again:
                        continue
                    return
                if await self._execute(*found) or thread_id in self._again:
                    continue
                row = await asyncio.to_thread(self.store.runs.find_run, found[0].run_id)
                if row is not None and row.status == "pending":
                    return  # not claimable now (a run running elsewhere): the poll comes back
                # else it was cancelled while it waited: on to the next one
        except Exception:
            log.exception("the runs of thread %s stopped", thread_id)
        finally:
            if self.draining.get(thread_id) is me:
                del self.draining[thread_id]

    async def _execute(self, row: RunRow, owner: str) -> bool:
        """Execute one stored run (of ``owner``'s thread); False when it was not claimed."""
        call = GraphCall.from_kwargs(json.loads(row.kwargs_json or "{}"))
        run = Run(
            self.runtime,
            row.thread_id,
            context_of(self.runtime.context, call.context),
            Principal(owner),
            record=row.run_id,
        )
        channel = self.channels.setdefault(row.run_id, Channel())
        if call.resumable:
            channel.keep(row.run_id, self.log)
        task = asyncio.create_task(self._consume(run, call, channel), name=f"run-{row.run_id}")
        self.active[row.run_id] = (task, run)
        try:
            await asyncio.wait([task])
        finally:
            self.active.pop(row.run_id, None)
        if run.run_id is None and not run.stop:
            return False
        if call.webhook and self.on_webhook is not None:
            await self.on_webhook(row.run_id, channel.outcome)
        if call.temporary:
            await self._drop_thread(row.thread_id, owner)
        return True

    async def _consume(self, run: Run, call: GraphCall, channel: Channel) -> None:
        """Run it, publishing its events; the channel closes once its end is stored."""
        outcome = Outcome()
        try:
            async for event, data in stored_run_events(run, call):
                if event == "values" and "values" not in call.stream_mode:
                    continue  # an interrupt sent as "values" when updates were not asked
                channel.publish(event, data)
        except ApiError as error:
            outcome.error = {"error": run.failure or "Error", "message": error.message}
            channel.publish("error", outcome.error)
        except asyncio.CancelledError:
            if run.stop == "rollback":
                outcome.error = {"error": "RunRolledBack", "message": "the run was rolled back"}
        except Exception as error:  # pragma: no cover - a bug; the run's end is recorded
            log.exception("run %s failed", run.record)
            outcome.error = {"error": type(error).__name__, "message": "internal error"}
            channel.publish("error", outcome.error)
        finally:
            if run.run_id is not None or run.stop:
                outcome.values = jsonable(run.final) if run.final else None
                outcome.interrupts = [interrupt_json(i) for i in run.interrupts]
                channel.close(outcome)
                self.channels.pop(run.record or "", None)

    async def _drop_thread(self, thread_id: str, owner: str) -> None:
        """A stateless run's own thread goes when the run ends."""
        try:
            await asyncio.to_thread(self.store.threads.delete_thread, thread_id, owner)
            await self.runtime.checkpointer.adelete_thread(thread_id)
        except Exception:
            log.exception("could not delete the temporary thread %s", thread_id)

    # --- stopping ----------------------------------------------------------------------------

    def stop_here(self, stop: Stopped) -> None:
        """Stop a run this replica runs (a cancel, or a newer run's interrupt / rollback)."""
        found = self.active.get(stop.run_id)
        if found is None:
            return
        task, run = found
        if run.stop is None:
            run.stop = stop.action
            task.cancel()

    async def wait_stopped(self, run_ids: list[str], timeout: float = 10.0) -> None:
        """Wait until these runs no longer run here (their end, or their rollback, recorded)."""
        tasks = [self.active[r][0] for r in run_ids if r in self.active]
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)

    def stopped_pending(self, run_id: str) -> None:
        """A pending run was cancelled before it ran: its listeners are told."""
        channel = self.channels.pop(run_id, None)
        if channel is not None:
            channel.close(None)

    # --- listening ---------------------------------------------------------------------------

    def listen(self, run_id: str) -> Listener:
        return Listener(self, run_id, self.channels.setdefault(run_id, Channel()))

    def replay(self, run_id: str, after: int) -> Listener | LogListener:
        """A listener that first gets the events after ``after`` of a resumable run: for a run
        executing here, its history and its live queue taken together (no gap, no repeat);
        otherwise the event log (:class:`LogListener`). EventsGone: the history here no longer
        reaches back that far."""
        channel = self.channels.get(run_id)
        if run_id not in self.active or channel is None or not channel.resumable:
            return LogListener(self, run_id, after)
        if channel.history and channel.history[0][0] > after + 1:
            raise EventsGone(channel.history[0][0])
        listener = Listener(self, run_id, channel)
        for seq, event, text in channel.history:
            if seq > after:
                listener.queue.put_nowait((event, text, seq))
        return listener

    def forget(self, run_id: str) -> None:
        """Drop a channel nobody listens to any more, unless a run here will still close it."""
        channel = self.channels.get(run_id)
        if channel is not None and not channel.queues and run_id not in self.active:
            self.channels.pop(run_id, None)

    async def ended(self, run_id: str) -> bool:
        """Whether the run is over (by its row: another replica's runs, runs stopped while
        pending); a run executing here is followed by its channel instead."""
        if run_id in self.active:
            return False
        row = await asyncio.to_thread(self.store.runs.find_run, run_id)
        return row is None or row.status not in ACTIVE


class LogListener:
    """A resumable run followed through the event log (it runs on another replica, or has
    ended): the events after ``after``, then new ones, until its stream is complete."""

    outcome = None

    def __init__(self, worker: RunWorker, run_id: str, after: int) -> None:
        self.worker = worker
        self.run_id = run_id
        self.after = after

    def close(self) -> None:
        return None

    async def events(
        self, tick: float = HEARTBEAT, *, fresh: bool = False
    ) -> AsyncIterator[Item | None]:
        worker = self.worker

        async def ended() -> bool:
            return await worker.ended(self.run_id)

        async for found in worker.log.follow(self.run_id, self.after, ended, tick):
            if found is None:
                yield None
            else:
                seq, event, data = found
                yield event, data, seq
