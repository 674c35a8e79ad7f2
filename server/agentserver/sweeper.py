"""The sweeper: every ``TOOLLOOM_SWEEP_SECONDS`` it deletes the store's expired items and handles
the threads whose TTL ran out.

A thread is swept once it has been idle (no run, no state update) for its ``ttl`` minutes:
``delete`` removes it as ``DELETE /threads/{id}`` does (its runs, transcript, checkpoints and TTL);
``keep_latest`` deletes all its checkpoints but the latest (the thread, its transcript and its
current state stay) and is due again after another ``ttl`` minutes. A thread that is busy, or was
used since it became due, is due again ``ttl`` minutes after its last activity.

Several replicas may sweep at once: each thread is claimed by one of them
(:meth:`server.storage.thread_ttl_store.ThreadTtls.claim`, ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL); expired store items are deleted by a single ``DELETE`` that any replica may run.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore

from graph.checkpoints import prune_checkpoints
from server.api_error import ApiError
from server.storage.coordination import Coordinator
from server.storage.engine import ThreadNotFound
from server.storage.memory_store import sweep_store
from server.storage.store import Store
from server.storage.tables import utcnow
from server.storage.thread_ttl_store import Due, ThreadTtls

log = logging.getLogger(__name__)


class Sweeper:
    """Expired store items and thread TTLs, swept in the background (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        ttls: ThreadTtls,
        checkpointer: BaseCheckpointSaver[Any],
        memory: BaseStore | None,
        interval: float,
        coordinator: Coordinator | None = None,
    ) -> None:
        self.store = store
        self.ttls = ttls
        self.checkpointer = checkpointer
        self.memory = memory
        self.interval = interval
        self.coordinator = coordinator
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._forever(), name="ttl-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _forever(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.sweep_once()
            except Exception:
                log.exception("the TTL sweep failed; trying again in %.0f s", self.interval)

    async def sweep_once(self) -> tuple[int, int]:
        """One pass: (store items deleted, threads swept)."""
        items = await sweep_store(self.memory) if self.memory is not None else 0
        swept = 0
        while True:
            due = await asyncio.to_thread(self.ttls.claim)
            for thread in due:
                swept += await self._sweep(thread)
            if len(due) < 100:
                break
        if items or swept:
            log.info("TTL sweep: %d store items, %d threads", items, swept)
        return items, swept

    async def _sweep(self, due: Due) -> int:
        ttl = timedelta(minutes=due.ttl_minutes)
        idle_until = due.idle_since + ttl
        if due.status == "busy" or idle_until > utcnow():
            later = max(idle_until, utcnow() + timedelta(seconds=self.interval))
            await asyncio.to_thread(self.ttls.due_again, due.thread_id, later)
            return 0
        hold = (
            self.coordinator.hold_thread(due.thread_id, 0)
            if self.coordinator is not None
            else contextlib.nullcontext()
        )
        try:
            async with hold:  # no run starts on it meanwhile (a 409 if one just did)
                if due.strategy == "keep_latest":
                    await prune_checkpoints(self.checkpointer, due.thread_id, 1)
                    await asyncio.to_thread(self.ttls.due_again, due.thread_id, utcnow() + ttl)
                    return 1
                with contextlib.suppress(ThreadNotFound):
                    await asyncio.to_thread(
                        self.store.threads.delete_thread, due.thread_id, due.owner
                    )
                await self.checkpointer.adelete_thread(due.thread_id)
                await asyncio.to_thread(self.ttls.forget, due.thread_id)
                return 1
        except ApiError:  # a run holds it: look again once it may be idle
            later = utcnow() + max(ttl, timedelta(seconds=self.interval))
            await asyncio.to_thread(self.ttls.due_again, due.thread_id, later)
            return 0
