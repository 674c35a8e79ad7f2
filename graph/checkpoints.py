"""The SQLite checkpointer, with strict deserialisation.

LangGraph's serializer revives any Python type named in a checkpoint unless told otherwise: a
checkpoint file that someone else could write would then run their code on load. toolloom's
saver only revives the types in ``SAFE_MSGPACK_TYPES`` (datetimes, UUIDs, LangChain messages, ...),
which is what ``LANGGRAPH_STRICT_MSGPACK=true`` does, set here explicitly so it does not depend on
an environment variable being set before LangGraph is imported.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver


def strict_serde() -> JsonPlusSerializer:
    """Msgpack revival limited to LangGraph's safe list; no pickle; no JSON-module revival."""
    return JsonPlusSerializer(pickle_fallback=False, allowed_msgpack_modules=None)


@contextlib.asynccontextmanager
async def open_checkpointer(path: Path) -> AsyncIterator[AsyncSqliteSaver]:
    path.parent.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
        saver.serde = strict_serde()
        await saver.setup()
        yield saver
