"""Keeps the append-only transcript: after every run on a thread, the new messages go to the store."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from server.callbacks import RootRunHandler
from server.store import Store

log = logging.getLogger(__name__)


class TranscriptRecorder(RootRunHandler):
    """When a run on the thread ends (or fails), copy the thread's new messages to the store.

    It reads the checkpointed state, so it works the same for invoke, batch, stream and
    stream_events, and keeps the user's message even when the model failed mid-run.
    """

    def __init__(
        self, store: Store, graph: CompiledStateGraph[Any, Any, Any, Any], thread_id: str
    ) -> None:
        self.store = store
        self.graph = graph
        self.thread_id = thread_id
        self.done = asyncio.Event()

    async def root_finished(self) -> None:
        try:
            state = await self.graph.aget_state({"configurable": {"thread_id": self.thread_id}})
            values = state.values or {}
            await asyncio.to_thread(
                self.store.append_messages,
                self.thread_id,
                values.get("messages", []),
                values.get("call_stages", {}),
            )
        except Exception:
            log.exception("could not record the transcript of thread %s", self.thread_id)
        finally:
            self.done.set()
