"""The memory store, answering "is anything kept here?" from memory for a moment.

At the start of every turn the agent asks the store whether the caller has any memories (a
search of one item in the caller's namespace, :func:`nodes.recall.recall_for_turn`); for most
callers the answer is no, and asking costs a database round trip (on SQLite several trips to the
store's connection thread) on every turn. :class:`KnownEmpty` wraps the store and remembers, for
``ttl`` seconds, the namespaces such a search found empty; a put through this process forgets
them at once (and an answer that a put overtook is not remembered), so on one process (SQLite)
the answer is always what the store holds. Another replica's put (PostgreSQL) is seen within
``ttl`` seconds. Every call goes to the store's own method, with the store's own checks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from langgraph.store.base import BaseStore, Item, Op, PutOp, Result, SearchItem


class KnownEmpty(BaseStore):
    """``store``, with empty one-item searches remembered for ``ttl`` seconds (see the module
    docstring)."""

    def __init__(
        self, store: BaseStore, ttl: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store = store
        self.ttl = ttl
        self._clock = clock
        self._empty: dict[tuple[str, ...], float] = {}
        self._puts = 0
        """Puts begun or ended: an empty answer is remembered only if none came in between."""
        self.supports_ttl = store.supports_ttl
        self.ttl_config = store.ttl_config

    def __getattr__(self, name: str) -> Any:  # index_config, sweep_ttl, setup, conn, ...
        return getattr(self.store, name)

    # --- what is remembered ----------------------------------------------------------------

    def _known_empty(self, namespace: tuple[str, ...]) -> bool:
        until = self._empty.get(tuple(namespace))
        return until is not None and self._clock() < until

    def _found(
        self, namespace: tuple[str, ...], found: list[SearchItem], puts: int
    ) -> list[SearchItem]:
        if not found and puts == self._puts:
            self._empty[tuple(namespace)] = self._clock() + self.ttl
        return found

    def _wrote(self, namespace: tuple[str, ...]) -> None:
        self._puts += 1
        for prefix in [p for p in self._empty if tuple(namespace[: len(p)]) == p]:
            del self._empty[prefix]

    def _writes(self, ops: Iterable[Op]) -> list[Op]:
        listed = list(ops)
        for op in listed:
            if isinstance(op, PutOp):
                self._wrote(op.namespace)
        return listed

    @staticmethod
    def _probe(limit: int, offset: int, query: str | None, filter: Any) -> bool:
        """A search that only asks whether anything is kept under a namespace."""
        return limit == 1 and not offset and query is None and not filter

    # --- the store's methods -----------------------------------------------------------------

    async def asearch(
        self,
        namespace_prefix: tuple[str, ...],
        /,
        *,
        query: str | None = None,
        filter: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
        refresh_ttl: bool | None = None,
    ) -> list[SearchItem]:
        probe = self._probe(limit, offset, query, filter)
        if probe and self._known_empty(namespace_prefix):
            return []
        puts = self._puts
        found = await self.store.asearch(
            namespace_prefix,
            query=query,
            filter=filter,
            limit=limit,
            offset=offset,
            refresh_ttl=refresh_ttl,
        )
        return self._found(namespace_prefix, found, puts) if probe else found

    async def aput(self, namespace: tuple[str, ...], *args: Any, **kwargs: Any) -> None:
        self._wrote(namespace)
        try:
            await self.store.aput(namespace, *args, **kwargs)
        finally:
            self._wrote(namespace)

    def put(self, namespace: tuple[str, ...], *args: Any, **kwargs: Any) -> None:
        self._wrote(namespace)
        try:
            self.store.put(namespace, *args, **kwargs)
        finally:
            self._wrote(namespace)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        listed = self._writes(ops)
        try:
            return await self.store.abatch(listed)
        finally:
            self._writes(listed)

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        listed = self._writes(ops)
        try:
            return self.store.batch(listed)
        finally:
            self._writes(listed)

    async def aget(self, *args: Any, **kwargs: Any) -> Item | None:
        return await self.store.aget(*args, **kwargs)

    async def adelete(self, *args: Any, **kwargs: Any) -> None:
        await self.store.adelete(*args, **kwargs)

    async def alist_namespaces(self, *args: Any, **kwargs: Any) -> list[tuple[str, ...]]:
        return await self.store.alist_namespaces(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Item | None:
        return self.store.get(*args, **kwargs)

    def search(self, *args: Any, **kwargs: Any) -> list[SearchItem]:
        return self.store.search(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> None:
        self.store.delete(*args, **kwargs)

    def list_namespaces(self, *args: Any, **kwargs: Any) -> list[tuple[str, ...]]:
        return self.store.list_namespaces(*args, **kwargs)
