"""Runs coordinated across replicas: one run at a time per thread, and run leases.

One interface, :class:`Coordinator`, two implementations:

- :class:`InProcessCoordinator` (SQLite, one process): per-thread asyncio locks, and at start-up
  every run still marked running is declared interrupted (it was cut off by a crash).
- :class:`DatabaseCoordinator` (PostgreSQL, any number of replicas on one database):

  * **Thread holds are row leases** in ``tl_thread_leases``: ``INSERT ... ON CONFLICT (thread_id)
    DO UPDATE ... WHERE expires_at < now()`` takes a free or expired lease in one statement; the
    holder deletes its row when the run ends, and a heartbeat renews it meanwhile. Chosen over a
    PostgreSQL advisory lock because a session advisory lock lives on one connection, which would
    then be pinned for the whole run: 64 concurrent runs would need 64 connections per replica,
    far past the pool. A lease costs one short statement to take and one to give back, and a
    replica that dies simply stops renewing: its leases expire after ``lease`` seconds. Waiting
    is polling (25 ms doubling to 250 ms) behind a per-thread asyncio lock, so waiters inside one
    process queue in order and only the first of them polls the database; across replicas the
    order is whoever polls first after the release.
  * **Run leases**: ``Store.start_run`` records the replica id and a heartbeat; a thread of its own
    renews the heartbeat of this replica's running runs (and its thread leases) every
    ``lease / 3`` seconds; a sweeper on every replica, every ``lease / 2`` seconds, marks
    ``interrupted`` the running runs whose heartbeat is older than ``lease`` and hands their
    threads to ``on_interrupted`` (which copies their checkpointed messages to the transcript).
    A starting replica only sweeps expired runs, plus the runs of its own id's previous life, so
    it never touches another live replica's runs.

A replica that loses the database for longer than ``lease`` may find its thread's lease taken by
another replica when it comes back; the heartbeat logs it. Keep ``lease`` well above the longest
outage you want to ride out without that (30 s by default).

Wiring (in the runtime's exit stack, before the first run)::

    store = Store.open(settings)
    checkpointer = await stack.enter_async_context(open_checkpoints(settings))
    graph = compile_checkpointed(builder, checkpointer)
    coordinator = await stack.enter_async_context(
        open_coordinator(
            store, lease=settings.run_lease, on_interrupted=transcript_recovery(store, graph)
        )
    )
    async with coordinator.hold_thread(thread_id, settings.thread_busy_wait):
        ...  # store.runs.start_run, the graph run, store.runs.finish_run, prune_checkpoints
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from graph.databases import DatabaseUnavailable
from server.api_error import ApiError
from server.storage.store import Store

log = logging.getLogger(__name__)

OnInterrupted = Callable[[list[str]], Awaitable[Any]]
"""Called with the threads whose runs were just marked interrupted (to recover their transcript)."""


def busy(thread_id: str) -> ApiError:
    return ApiError(409, f"thread {thread_id!r} is busy with another run; try again")


class LocalLocks:
    """One asyncio lock per thread, created on demand and dropped when nobody uses it. Waiters
    queue in arrival order; one that cannot get the thread within ``wait`` seconds gets 409."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    def busy_threads(self) -> int:
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def hold(self, thread_id: str, wait: float) -> AsyncIterator[None]:
        lock = self._locks.setdefault(thread_id, asyncio.Lock())
        self._users[thread_id] = self._users.get(thread_id, 0) + 1
        try:
            try:
                async with asyncio.timeout(max(wait, 0.0)):  # a free lock is taken even at 0
                    await lock.acquire()
            except TimeoutError:
                raise busy(thread_id) from None
            try:
                yield
            finally:
                lock.release()
        finally:
            self._users[thread_id] -= 1
            if not self._users[thread_id]:
                del self._users[thread_id]
                self._locks.pop(thread_id, None)


class Coordinator(abc.ABC):
    """How runs are serialised per thread and how dead runs are found."""

    def __init__(self, store: Store, on_interrupted: OnInterrupted | None = None) -> None:
        self.store = store
        self.on_interrupted = on_interrupted
        self._local = LocalLocks()

    @property
    def replica_id(self) -> str:
        return self.store.replica_id

    @abc.abstractmethod
    def hold_thread(
        self, thread_id: str, wait: float
    ) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold the thread for one run: wait up to ``wait`` seconds for the run before it (on any
        replica), then raise ApiError 409. Raises DatabaseUnavailable when the database is away."""

    @abc.abstractmethod
    async def start(self) -> list[str]:
        """Recover what a crash left behind and start the background tasks. Returns the threads
        whose runs were marked interrupted (``on_interrupted`` has been called with them).
        Call it before this process starts any run: runs under this replica id that exist at
        start belong to a previous life of the process."""

    async def stop(self) -> None:
        """Stop the background tasks (thread holds in progress keep working until released)."""
        return None

    async def sweep(self) -> list[str]:
        """Mark the runs whose lease expired as interrupted, now. Returns their threads."""
        return []

    async def _interrupted(self, threads: list[str], why: str) -> None:
        if not threads:
            return
        log.warning(
            "marked the last run of %d thread(s) as interrupted (%s): %s",
            len(threads),
            why,
            threads,
        )
        if self.on_interrupted is not None:
            try:
                await self.on_interrupted(threads)
            except Exception:
                log.exception("could not recover the interrupted runs of %s", threads)


class InProcessCoordinator(Coordinator):
    """One process on a SQLite file: asyncio locks; at start every running run is a crash's."""

    def hold_thread(
        self, thread_id: str, wait: float
    ) -> contextlib.AbstractAsyncContextManager[None]:
        return self._local.hold(thread_id, wait)

    async def start(self) -> list[str]:
        threads = await asyncio.to_thread(self.store.leases.mark_interrupted)
        await self._interrupted(threads, "the server stopped during them")
        return threads


class DatabaseCoordinator(Coordinator):
    """Several replicas on one PostgreSQL database: thread leases and run leases in tables (see
    the module docstring for why leases and not advisory locks)."""

    def __init__(
        self,
        store: Store,
        on_interrupted: OnInterrupted | None = None,
        *,
        lease: float = 30.0,
        poll: tuple[float, float] = (0.025, 0.25),
    ) -> None:
        super().__init__(store, on_interrupted)
        if lease <= 0:
            raise ValueError("lease must be positive")
        self.lease = lease
        self.poll = poll
        self._held: dict[str, str] = {}  # holder -> thread id
        self._tasks: list[asyncio.Task[None]] = []
        self._beating: threading.Thread | None = None
        self._stop_beating = threading.Event()

    def held(self) -> dict[str, str]:
        """holder -> thread id of the thread leases this replica holds now."""
        return dict(self._held)

    @contextlib.asynccontextmanager
    async def hold_thread(self, thread_id: str, wait: float) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        async with self._local.hold(thread_id, wait):
            holder = f"{self.replica_id}:{uuid.uuid4().hex}"
            delay = self.poll[0]
            while not await asyncio.to_thread(
                self.store.leases.try_lease_thread, thread_id, holder, self.lease
            ):
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise busy(thread_id)
                await asyncio.sleep(min(delay, remaining))
                delay = min(delay * 2, self.poll[1])
            self._held[holder] = thread_id
            try:
                yield
            finally:
                self._held.pop(holder, None)
                try:
                    await asyncio.to_thread(
                        self.store.leases.release_thread_lease, thread_id, holder
                    )
                except DatabaseUnavailable as error:
                    log.warning(
                        "could not release thread %s (%s); its lease expires in %.0f s",
                        thread_id,
                        error,
                        self.lease,
                    )

    async def start(self) -> list[str]:
        own = await asyncio.to_thread(self.store.leases.interrupt_replica_runs, self.replica_id)
        await self._interrupted(own, f"replica {self.replica_id} restarted")
        expired = await self.sweep()
        # The heartbeat is an OS thread of its own, not a task: a lease says "this replica is
        # alive", and must not lapse because the event loop was busy for a few seconds (on a
        # loaded machine another replica then took the thread mid-run and two runs' messages
        # interleaved). The sweeper may run late: it only marks other replicas' runs.
        self._stop_beating.clear()
        self._beating = threading.Thread(
            target=self._beat_until_stopped, name="lease-heartbeat", daemon=True
        )
        self._beating.start()
        self._tasks = [
            asyncio.create_task(self._every(self.lease / 2, self.sweep), name="run-sweeper"),
        ]
        return sorted({*own, *expired})

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        self._stop_beating.set()
        if self._beating is not None:
            await asyncio.to_thread(self._beating.join, self.lease)
            self._beating = None

    def _beat_until_stopped(self) -> None:
        while not self._stop_beating.wait(self.lease / 3):
            try:
                self.heartbeat()
            except DatabaseUnavailable as error:
                log.warning("heartbeat skipped: %s", error)
            except Exception:
                log.exception("heartbeat failed")

    def heartbeat(self) -> None:
        """Renew this replica's running runs and thread leases once (blocking: the heartbeat's
        own thread calls it)."""
        held = dict(self._held)  # one copy: the event loop adds and removes holders meanwhile
        renewed = self.store.leases.renew_leases(self.replica_id, list(held), self.lease)
        for holder, thread_id in held.items():
            if holder not in renewed and holder in self._held:
                log.warning(
                    "lost the lease of thread %s (the database was out of reach longer than "
                    "TOOLLOOM_RUN_LEASE); another run may have started on it",
                    thread_id,
                )

    async def sweep(self) -> list[str]:
        threads = await asyncio.to_thread(self.store.leases.sweep_expired_runs, self.lease)
        await self._interrupted(threads, "their replica stopped renewing the lease")
        return threads

    async def _every(self, seconds: float, job: Callable[[], Awaitable[Any]]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await job()
            except DatabaseUnavailable as error:
                log.warning("%s skipped: %s", getattr(job, "__name__", "job"), error)
            except Exception:
                log.exception("%s failed", getattr(job, "__name__", "job"))


def transcript_recovery(store: Store, graph: Any) -> OnInterrupted:
    """An ``on_interrupted`` that copies what each thread's checkpoint holds (at least the user's
    message, recorded when the run started) into the transcript. ``graph`` is the compiled graph
    with the checkpointer."""

    async def recover(threads: list[str]) -> None:
        for thread_id in threads:
            try:
                state = await graph.aget_state({"configurable": {"thread_id": thread_id}})
                values = state.values or {}
                await asyncio.to_thread(
                    store.transcript.append_messages,
                    thread_id,
                    values.get("messages", []),
                    values.get("call_stages", {}),
                )
            except Exception:
                log.exception("could not recover the transcript of thread %s", thread_id)

    return recover


def make_coordinator(
    store: Store, *, lease: float = 30.0, on_interrupted: OnInterrupted | None = None
) -> Coordinator:
    """The coordinator for the store's backend: database leases on PostgreSQL, locks on SQLite."""
    if store.shared:
        return DatabaseCoordinator(store, on_interrupted, lease=lease)
    return InProcessCoordinator(store, on_interrupted)


@contextlib.asynccontextmanager
async def open_coordinator(
    store: Store, *, lease: float = 30.0, on_interrupted: OnInterrupted | None = None
) -> AsyncIterator[Coordinator]:
    """A started coordinator (start-up recovery done, heartbeat and sweeper running), stopped on
    exit. ``lease`` is TOOLLOOM_RUN_LEASE."""
    coordinator = make_coordinator(store, lease=lease, on_interrupted=on_interrupted)
    await coordinator.start()
    try:
        yield coordinator
    finally:
        await coordinator.stop()
