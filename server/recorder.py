"""Keeps the append-only transcript: after every run on a thread, the new messages go to the store."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from langchain_core.messages import BaseMessage
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph.state import CompiledStateGraph

from graph.checkpoints import prune_checkpoints
from server.callbacks import RootRunHandler
from server.store import Store

log = logging.getLogger(__name__)


class TranscriptRecorder(RootRunHandler):
    """When a run on the thread ends (or fails), copy the thread's new messages to the store.

    It reads the checkpointed state, so it works the same for invoke, batch, stream and
    stream_events, and keeps the user's message even when the model failed mid-run.
    """

    def __init__(
        self,
        store: Store,
        graph: CompiledStateGraph[Any, Any, Any, Any],
        thread_id: str,
        keep_checkpoints: int = 0,
    ) -> None:
        self.store = store
        self.graph = graph
        self.thread_id = thread_id
        self.keep_checkpoints = keep_checkpoints
        self.run_id: int | None = None
        self.done = asyncio.Event()

    async def root_started(self, inputs: Any = None) -> None:
        """Record the run and the messages it was given, before anything else happens: runs
        checkpoint once, at their end (durability "exit"), so a crash mid-run must not be able to
        lose the user's message."""
        try:
            given = inputs.get("messages") if isinstance(inputs, dict) else None
            if not (isinstance(given, list) and all(isinstance(m, BaseMessage) for m in given)):
                given = []
            for message in given:
                if message.id is None:  # add_messages keeps an id that is already set
                    message.id = str(uuid.uuid4())
            self.run_id = await asyncio.to_thread(self.store.start_run, self.thread_id, given)
        except Exception:
            log.exception("could not record the start of a run on thread %s", self.thread_id)

    async def root_finished(self, error: BaseException | None = None, outputs: Any = None) -> None:
        try:
            # A finished run's output is its final state; after an error, read the checkpoint.
            if error is None and isinstance(outputs, dict) and "messages" in outputs:
                values = outputs
            else:
                state = await self.graph.aget_state({"configurable": {"thread_id": self.thread_id}})
                values = state.values or {}
            text = None
            if error is not None:
                from server.upstream import classify

                text = f"{type(error).__name__}: {classify(error)[1]}"
            await asyncio.to_thread(
                self.store.finish_run,
                self.run_id,
                self.thread_id,
                values.get("messages", []),
                values.get("call_stages", {}),
                text,
            )
            saver = self.graph.checkpointer
            if self.keep_checkpoints and isinstance(saver, AsyncSqliteSaver):
                await prune_checkpoints(saver, self.thread_id, self.keep_checkpoints)
        except Exception:
            log.exception("could not record the transcript of thread %s", self.thread_id)
        finally:
            self.done.set()

    async def sync(self) -> None:
        """Copy the checkpointed messages the transcript does not have yet."""
        state = await self.graph.aget_state({"configurable": {"thread_id": self.thread_id}})
        values = state.values or {}
        await asyncio.to_thread(
            self.store.append_messages,
            self.thread_id,
            values.get("messages", []),
            values.get("call_stages", {}),
        )


async def recover_interrupted(store: Store, graph: CompiledStateGraph[Any, Any, Any, Any]) -> int:
    """At start-up: mark the runs a crash cut off as interrupted, and copy what their checkpoints
    hold (at least the user's message) into the transcript. Returns how many threads."""
    threads = await asyncio.to_thread(store.mark_interrupted)
    for thread_id in threads:
        try:
            await TranscriptRecorder(store, graph, thread_id).sync()
        except Exception:
            log.exception("could not recover the transcript of thread %s", thread_id)
    if threads:
        log.warning("marked the last run of %d thread(s) as interrupted: %s", len(threads), threads)
    return len(threads)
