"""Assistants (the Agent Server API): configurations of toolloom's one graph, ``agent``.

Each assistant belongs to the key that made it (another key's is a 404, as if it did not exist)
and keeps its versions: an update makes a new version and makes it the current one; ``latest``
makes an older one current again. An assistant's ``context`` chooses the model, the enabled
tools, the side-effect policy (only tighter than the server's), the limits (only lower) and extra
instructions (:mod:`server.agentserver.assistant_config`); a run made with the assistant starts from it.

The graph's default assistant has the id ``langgraph-api`` gives a graph
(``uuid5(NAMESPACE_GRAPH, "agent")``), no owner and no settings of its own: every key sees it and
none changes it (403). Runs and ``/graph`` take the graph's name in place of its id;
``GET /assistants/{id}``, ``/schemas`` and ``/subgraphs`` take a UUID only (422 for a name), as
the reference answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from server.agentserver.assistant_config import assistant_context, check_assistant_context
from server.agentserver.shapes import ASSISTANT_ID, GRAPH_ID, is_uuid, iso
from server.api_error import ApiError
from server.auth.principal import Principal
from server.http.deps import CallerDep, RuntimeDep, WorkerDep
from server.http.routes.thread_routes import delete_thread
from server.runtime import AgentRuntime
from server.storage.assistant_store import (
    Assistant,
    AssistantExists,
    AssistantNotFound,
    AssistantStore,
    SystemAssistant,
    VersionNotFound,
)

router = APIRouter(prefix="/assistants", tags=["assistants"])

Fields = Literal["assistant_id", "graph_id", "name", "description", "config", "context",
                 "created_at", "updated_at", "metadata", "version"]  # fmt: skip


class AssistantSearch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, Any] | None = None
    graph_id: str | None = None
    name: Annotated[str | None, Field(max_length=200)] = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 10
    offset: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    sort_by: Literal["assistant_id", "graph_id", "name", "created_at", "updated_at"] | None = None
    sort_order: Literal["asc", "desc"] | None = None
    select: list[Fields] | None = None


class AssistantCount(BaseModel):
    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, Any] | None = None
    graph_id: str | None = None
    name: Annotated[str | None, Field(max_length=200)] = None


class AssistantCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    graph_id: str
    assistant_id: str | None = None
    config: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    if_exists: Literal["raise", "do_nothing"] = "raise"
    name: Annotated[str | None, Field(max_length=200)] = None
    description: Annotated[str | None, Field(max_length=2000)] = None


class AssistantPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    graph_id: str | None = None
    config: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None
    name: Annotated[str | None, Field(max_length=200)] = None
    description: Annotated[str | None, Field(max_length=2000)] = None


class VersionSearch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, Any] | None = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 10
    offset: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0


class VersionChange(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: Annotated[int, Field(ge=1)]


# --- helpers ----------------------------------------------------------------------------------------


def assistants_of(runtime: AgentRuntime) -> AssistantStore:
    if runtime.assistants is None:  # pragma: no cover - the runtime always opens it
        raise ApiError(503, "the assistants are not open")
    return runtime.assistants


def assistant_json(found: Assistant, *, version_entry: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "assistant_id": found.assistant_id,
        "graph_id": found.graph_id,
        "config": found.config,
        "context": found.context,
        "metadata": found.metadata,
        "name": found.name,
        "description": found.description,
        "version": found.version,
        "created_at": iso(found.created_at),
    }
    if not version_entry:
        body["updated_at"] = iso(found.updated_at)
    return body


def check_graph(graph_id: str | None) -> None:
    if graph_id is not None and graph_id != GRAPH_ID:
        raise ApiError(404, f"Graph '{graph_id}' not found. Expected one of: ['{GRAPH_ID}']")


def check_uuid(assistant_id: str) -> None:
    if not is_uuid(assistant_id):
        raise ApiError(422, "Invalid assistant ID: must be a UUID")


def settings_of(
    runtime: AgentRuntime, config: dict[str, Any] | None, context: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``config`` and ``context`` as an assistant keeps them (in step, as the reference keeps
    them), checked against the server (422 naming the key)."""
    config = dict(config or {})
    context = assistant_context(config, dict(context or {}))
    check_assistant_context(runtime, context)
    if context:
        config["configurable"] = context
    return config, context


async def visible(runtime: AgentRuntime, caller: Principal, assistant_id: str) -> Assistant:
    """The caller's assistant (or the default one); 404 for another's, or one an auth handler's
    filters leave out."""
    try:
        found = await asyncio.to_thread(assistants_of(runtime).get, assistant_id, caller.name)
    except AssistantNotFound:
        raise ApiError(404, f"Assistant {assistant_id} not found") from None
    if not caller.allows(found.metadata):
        raise ApiError(404, f"Assistant {assistant_id} not found")
    return found


FILTERED_PAGE = 10_000
"""With an auth handler's filters, the assistants are filtered here: at most this many read."""


async def _search(
    runtime: AgentRuntime, caller: Principal, **query: Any
) -> tuple[list[Assistant], int]:
    """One page of the caller's assistants; an auth handler's filters apply to each."""
    store = assistants_of(runtime)
    if not caller.filters:
        return await asyncio.to_thread(store.search, caller.name, **query)
    limit, offset = query.pop("limit"), query.pop("offset")
    found, _ = await asyncio.to_thread(
        store.search, caller.name, **query, limit=FILTERED_PAGE, offset=0
    )
    allowed = [a for a in found if caller.allows(a.metadata)]
    return allowed[offset : offset + limit], len(allowed)


@contextlib.contextmanager
def _writing(assistant_id: str) -> Any:
    try:
        yield
    except AssistantNotFound:
        raise ApiError(404, f"Assistant {assistant_id} not found") from None
    except SystemAssistant:
        raise ApiError(
            403,
            f"the default assistant ({GRAPH_ID}) is the graph as the server's settings make it; "
            "it cannot be changed or deleted: create an assistant of your own",
        ) from None


# --- assistants -------------------------------------------------------------------------------------


@router.post("")
async def create_assistant(body: AssistantCreate, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """A new assistant of the caller's (version 1); an id that exists is a 409 (or, with
    ``if_exists="do_nothing"``, the caller's existing assistant unchanged)."""
    assistant_id = body.assistant_id or str(uuid.uuid4())
    check_uuid(assistant_id)
    check_graph(body.graph_id)
    config, context = settings_of(runtime, body.config, body.context)
    try:
        made = await asyncio.to_thread(
            assistants_of(runtime).create,
            assistant_id,
            caller.name,
            graph_id=body.graph_id,
            config=config,
            context=context,
            metadata=body.metadata or {},
            name=body.name or "Untitled",
            description=body.description,
            if_exists=body.if_exists,
        )
    except AssistantExists:
        raise ApiError(409, f"Assistant {assistant_id} already exists") from None
    return assistant_json(made)


@router.post("/search")
async def search_assistants(body: AssistantSearch, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """The caller's assistants and the default one, filtered (``name``: part of the name,
    any case; ``metadata``: each key equal); ``X-Pagination-Total`` says how many match."""
    check_graph(body.graph_id)
    found, total = await _search(
        runtime,
        caller,
        graph_id=body.graph_id,
        name=body.name,
        metadata=body.metadata,
        limit=body.limit,
        offset=body.offset,
        sort_by=body.sort_by,
        sort_order=body.sort_order,
    )
    page = [assistant_json(a) for a in found]
    if body.select:
        page = [{k: v for k, v in a.items() if k in body.select} for a in page]
    headers = {"X-Pagination-Total": str(total)}
    if body.offset + body.limit < total:
        headers["X-Pagination-Next"] = str(body.offset + body.limit)
    return JSONResponse(page, headers=headers)


@router.post("/count")
async def count_assistants(body: AssistantCount, runtime: RuntimeDep, caller: CallerDep) -> int:
    check_graph(body.graph_id)
    if caller.filters:
        _, total = await _search(
            runtime,
            caller,
            graph_id=body.graph_id,
            name=body.name,
            metadata=body.metadata,
            limit=1,
            offset=0,
        )
        return total
    return await asyncio.to_thread(
        assistants_of(runtime).count,
        caller.name,
        graph_id=body.graph_id,
        name=body.name,
        metadata=body.metadata,
    )


@router.get("/{assistant_id}")
async def get_assistant(assistant_id: str, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """The assistant, by its UUID."""
    check_uuid(assistant_id)
    return assistant_json(await visible(runtime, caller, assistant_id))


@router.patch("/{assistant_id}")
async def patch_assistant(
    assistant_id: str, body: AssistantPatch, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    """A new version: the given fields replace the current ones (``metadata`` is merged)."""
    check_uuid(assistant_id)
    check_graph(body.graph_id)
    config = context = None
    if body.config is not None or body.context is not None:
        config, context = settings_of(runtime, body.config, body.context)
    with _writing(assistant_id):
        updated = await asyncio.to_thread(
            assistants_of(runtime).update,
            assistant_id,
            caller.name,
            graph_id=body.graph_id,
            config=config,
            context=context,
            metadata=body.metadata,
            name=body.name,
            description=body.description,
        )
    return assistant_json(updated)


@router.delete("/{assistant_id}", status_code=204)
async def delete_assistant(
    assistant_id: str,
    runtime: RuntimeDep,
    caller: CallerDep,
    worker: WorkerDep,
    delete_threads: bool = False,
) -> Response:
    """Delete the assistant and its versions (with ``delete_threads=true`` also the caller's
    threads whose metadata names it). Runs already made with it keep their settings."""
    check_uuid(assistant_id)
    with _writing(assistant_id):
        await asyncio.to_thread(assistants_of(runtime).delete, assistant_id, caller.name)
    if delete_threads:
        threads, _ = await asyncio.to_thread(
            runtime.store.threads.search_threads,
            caller.name,
            metadata={"assistant_id": assistant_id},
            limit=10_000,
        )
        for thread in threads:
            with contextlib.suppress(ApiError):
                await delete_thread(thread.id, runtime, caller, worker)
    return Response(status_code=204)


@router.post("/{assistant_id}/versions")
async def assistant_versions(
    assistant_id: str, body: VersionSearch, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    """Its versions, newest first."""
    check_uuid(assistant_id)
    try:
        found = await asyncio.to_thread(
            assistants_of(runtime).versions,
            assistant_id,
            caller.name,
            body.metadata,
            body.limit,
            body.offset,
        )
    except AssistantNotFound:
        found = []
    if not found and body.offset == 0:
        raise ApiError(404, f"Assistant {assistant_id} not found")
    return [assistant_json(v, version_entry=True) for v in found]


@router.post("/{assistant_id}/latest")
async def set_latest_version(
    assistant_id: str, body: VersionChange, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    """Make one of its versions the current one."""
    check_uuid(assistant_id)
    try:
        with _writing(assistant_id):
            changed = await asyncio.to_thread(
                assistants_of(runtime).set_latest, assistant_id, caller.name, body.version
            )
    except VersionNotFound:
        raise ApiError(
            404, f"Version {body.version} not found for assistant {assistant_id}"
        ) from None
    return assistant_json(changed)


# --- the graph ----------------------------------------------------------------------------------


@router.get("/{assistant_id}/graph")
async def get_assistant_graph(
    assistant_id: str,
    runtime: RuntimeDep,
    caller: CallerDep,
    xray: Annotated[str | None, Query(description="true, false or a depth (1, 2, ...)")] = None,
) -> dict[str, Any]:
    """The graph's nodes and edges (LangGraph's drawable graph); the graph's name is accepted in
    place of the assistant's id."""
    assistant_id = ASSISTANT_ID if assistant_id == GRAPH_ID else assistant_id
    check_uuid(assistant_id)
    await visible(runtime, caller, assistant_id)
    depth: bool | int = False
    if xray in ("true", "True"):
        depth = True
    elif xray not in (None, "", "false", "False"):
        try:
            depth = int(xray or "")
        except ValueError:
            raise ApiError(422, "Invalid xray value") from None
        if depth <= 0:
            raise ApiError(422, "Invalid xray value")
    drawn: dict[str, Any] = runtime.graph.get_graph(xray=depth).to_json()
    for node in drawn.get("nodes", []):
        if isinstance(node.get("data"), dict):
            node["data"].pop("id", None)
    return drawn


@functools.cache
def _schemas(graph: Any) -> dict[str, Any]:
    context = graph.get_context_jsonschema()
    fields: dict[str, Any] = {}
    for key in graph.stream_channels_list:
        fields[key] = (graph.channels[key].UpdateType, None)
    try:
        state = create_model(graph.get_name("State"), **fields).model_json_schema()
    except Exception:  # a channel whose type pydantic cannot describe
        state = None
    return {
        "graph_id": GRAPH_ID,
        "input_schema": graph.get_input_jsonschema(),
        "output_schema": graph.get_output_jsonschema(),
        "state_schema": state,
        "config_schema": context,
        "context_schema": context,
    }


@router.get("/{assistant_id}/schemas")
async def get_assistant_schemas(
    assistant_id: str, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, Any]:
    """The graph's input, output, state and context JSON Schemas (the context is the run's
    limits and tool-call mode; ``config_schema`` repeats it, as LangGraph >= 0.6 does)."""
    check_uuid(assistant_id)
    await visible(runtime, caller, assistant_id)
    return _schemas(runtime.graph)


@router.get("/{assistant_id}/subgraphs")
@router.get("/{assistant_id}/subgraphs/{namespace}")
async def get_assistant_subgraphs(
    assistant_id: str,
    runtime: RuntimeDep,
    caller: CallerDep,
    namespace: str | None = None,
    recurse: bool = False,
) -> dict[str, Any]:
    """toolloom's graph has no subgraphs."""
    check_uuid(assistant_id)
    await visible(runtime, caller, assistant_id)
    return {}
