"""A callback base for what must happen once per run: when the graph's root run starts and ends."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from langchain_core.callbacks import AsyncCallbackHandler


class RootRunHandler(AsyncCallbackHandler):
    """Calls :meth:`root_started` and :meth:`root_finished` for the root run only (ended or failed)."""

    raise_error = False

    async def root_started(self, inputs: Any = None) -> None:
        """The run began with ``inputs``."""

    async def root_finished(self, error: BaseException | None = None, outputs: Any = None) -> None:
        """The run ended, normally (``error`` None, ``outputs`` its output) or with an error."""

    async def on_chain_start(
        self,
        serialized: dict[str, Any] | None,
        inputs: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        if parent_run_id is None:
            await self.root_started(inputs)

    async def on_chain_end(
        self, outputs: Any, *, run_id: UUID, parent_run_id: UUID | None = None, **kwargs: Any
    ) -> None:
        if parent_run_id is None:
            await self.root_finished(None, outputs)

    async def on_chain_error(
        self,
        error: BaseException,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        if parent_run_id is None:
            await self.root_finished(error)
