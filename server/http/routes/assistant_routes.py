"""Assistants (the Agent Server API): toolloom's one graph, ``agent``, as its one assistant.

The assistant's id is the one ``langgraph-api`` gives a graph's default assistant
(``uuid5(NAMESPACE_GRAPH, "agent")``), so clients and Studio that keep it find it again. Runs and
``/graph`` take the graph's name in its place; ``GET /assistants/{id}`` and ``/schemas`` take
the UUID only (422 for a name), as the reference answers. Assistants cannot be made, changed or
deleted: the graph is the server's code.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from server.agentserver.shapes import ASSISTANT_ID, GRAPH_ID, assistant, is_uuid
from server.api_error import ApiError
from server.auth.principal import Principal
from server.http.deps import CallerDep, RuntimeDep

router = APIRouter(prefix="/assistants", tags=["assistants"])


class AssistantSearch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, Any] | None = None
    graph_id: str | None = None
    name: str | None = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 10
    offset: Annotated[int, Field(ge=0)] = 0
    sort_by: Literal["assistant_id", "graph_id", "name", "created_at", "updated_at"] | None = None
    sort_order: Literal["asc", "desc"] | None = None
    select: list[str] | None = None


class AssistantCount(BaseModel):
    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, Any] | None = None
    graph_id: str | None = None
    name: str | None = None


def _matching(
    graph_id: str | None, name: str | None, metadata: dict[str, Any] | None, caller: Principal
) -> list[Any]:
    if graph_id is not None and graph_id != GRAPH_ID:
        raise ApiError(404, f"Graph '{graph_id}' not found. Expected one of: ['{GRAPH_ID}']")
    found = assistant()
    if name is not None and name != found["name"]:
        return []
    if any(found["metadata"].get(k) != v for k, v in (metadata or {}).items()):
        return []
    if not caller.allows(found["metadata"]):  # an auth handler's filter leaves it out
        return []
    return [found]


@router.post("/search")
async def search_assistants(body: AssistantSearch, caller: CallerDep) -> JSONResponse:
    """The assistants (the one of toolloom's graph), filtered; ``X-Pagination-Total`` says how
    many match."""
    found = _matching(body.graph_id, body.name, body.metadata, caller)
    page = found[body.offset : body.offset + body.limit]
    if body.select:
        page = [{k: v for k, v in a.items() if k in body.select} for a in page]
    headers = {"X-Pagination-Total": str(len(found))}
    if body.offset + body.limit < len(found):
        headers["X-Pagination-Next"] = str(body.offset + body.limit)
    return JSONResponse(page, headers=headers)


@router.post("/count")
async def count_assistants(body: AssistantCount, caller: CallerDep) -> int:
    return len(_matching(body.graph_id, body.name, body.metadata, caller))


def _by_uuid(assistant_id: str, caller: Principal) -> None:
    if not is_uuid(assistant_id):
        raise ApiError(422, "Invalid assistant ID: must be a UUID")
    if assistant_id != ASSISTANT_ID or not caller.allows(assistant()["metadata"]):
        raise ApiError(404, f"Assistant {assistant_id} not found")


@router.get("/{assistant_id}")
async def get_assistant(assistant_id: str, caller: CallerDep) -> dict[str, Any]:
    """The assistant, by its UUID."""
    _by_uuid(assistant_id, caller)
    return assistant()


@router.get("/{assistant_id}/graph")
async def get_assistant_graph(
    assistant_id: str,
    runtime: RuntimeDep,
    caller: CallerDep,
    xray: Annotated[str | None, Query(description="true, false or a depth (1, 2, ...)")] = None,
) -> dict[str, Any]:
    """The graph's nodes and edges (LangGraph's drawable graph); the graph's name is accepted in
    place of the assistant's id."""
    _by_uuid(ASSISTANT_ID if assistant_id == GRAPH_ID else assistant_id, caller)
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
    _by_uuid(assistant_id, caller)
    return _schemas(runtime.graph)


@router.get("/{assistant_id}/subgraphs")
@router.get("/{assistant_id}/subgraphs/{namespace}")
async def get_assistant_subgraphs(
    assistant_id: str, caller: CallerDep, namespace: str | None = None, recurse: bool = False
) -> dict[str, Any]:
    """toolloom's graph has no subgraphs."""
    _by_uuid(assistant_id, caller)
    return {}


@router.post("", include_in_schema=False)
@router.patch("/{assistant_id}", include_in_schema=False)
@router.delete("/{assistant_id}", include_in_schema=False)
@router.post("/{assistant_id}/versions", include_in_schema=False)
@router.post("/{assistant_id}/latest", include_in_schema=False)
async def assistants_are_fixed(_: CallerDep) -> Response:
    raise ApiError(
        405,
        "assistants cannot be created, changed or deleted on toolloom: its one assistant is "
        f"its graph '{GRAPH_ID}' (id {ASSISTANT_ID}); set a run's limits with context",
        headers={"Allow": "GET"},
    )
