"""The long-term memory store of the Agent Server API (``/store/items``, ``/store/items/search``,
``/store/namespaces``): not served. toolloom's graph keeps no long-term memory (no node reads or
writes a LangGraph ``BaseStore``), so every route answers 501 and says so, rather than keeping
items nothing would ever read."""

from __future__ import annotations

from fastapi import APIRouter, Response

from server.api_error import ApiError
from server.http.deps import CallerDep

router = APIRouter(prefix="/store", tags=["store"])

MISSING = (
    "the store is not served by toolloom: its graph uses no long-term memory (no LangGraph "
    "BaseStore), so there is nothing to put, get, search or list; keep conversation state in "
    "threads"
)


@router.put("/items", include_in_schema=False)
@router.get("/items", include_in_schema=False)
@router.delete("/items", include_in_schema=False)
@router.post("/items/search", include_in_schema=False)
@router.post("/namespaces", include_in_schema=False)
async def not_served(_: CallerDep) -> Response:
    raise ApiError(501, MISSING)
