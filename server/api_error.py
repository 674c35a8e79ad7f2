"""Errors as clients expect them: OpenAI's error JSON under /v1, FastAPI's ``{"detail": ...}``
elsewhere. No stack trace ever leaves the server."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from graph.databases import DatabaseUnavailable

log = logging.getLogger(__name__)

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "request_too_large",
    422: "invalid_request_error",
    429: "rate_limit_error",
    502: "upstream_error",
    503: "service_unavailable",
    504: "upstream_timeout",
}


AGENT_SERVER_TAGS = {"assistants", "threads", "runs", "store"}
"""Routes of the LangGraph Agent Server API: a bad request body is ``{"detail": "message"}``."""


class OpenAIErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | int | None = None


class ErrorResponse(BaseModel):
    """Errors: ``{"error": {...}}`` (OpenAI's shape) under /v1, ``{"detail": ...}`` elsewhere."""

    error: OpenAIErrorBody | None = None
    detail: Any = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in [
        (400, "Bad request: malformed JSON, a wrong type, an invalid thread id or value"),
        (401, "Missing or invalid API key"),
        (404, "No such thread for this key"),
        (409, "The thread is busy with another run"),
        (413, "Request body too large"),
        (422, "Request does not match the schema"),
        (429, "Too many requests"),
        (500, "Internal error (no details are sent)"),
        (502, "The LLM backend sent a bad reply"),
        (503, "The LLM backend is unavailable"),
        (504, "The LLM backend timed out"),
    ]
}


class ApiError(Exception):
    """An error with a status, a message for the client, and optionally the offending parameter."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers


def error_body(
    request: Request, status: int, message: str, param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    if request.url.path.startswith("/v1"):
        return {
            "error": {
                "message": message,
                "type": _TYPES.get(status, "server_error"),
                "param": param,
                "code": code,
            }
        }
    return {"detail": message}


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    errors = exc.errors()
    if not errors:
        return "invalid request", None
    first = errors[0]
    if not isinstance(first, dict):
        return str(first), None
    # Drop the body marker and pydantic's union member tags ("literal['a','b']", "list[...]").
    loc = [str(p) for p in first.get("loc", ()) if p != "body" and "[" not in str(p)]
    where = ".".join(loc) or None
    message = str(first.get("msg", "invalid value"))
    return (f"{where}: {message}" if where else message), where


def database_error(exc: DatabaseUnavailable) -> ApiError:
    """The 503 for a database that cannot be reached (the details go to the log, not the client)."""
    log.warning("database unavailable: %s", exc)
    return ApiError(
        503,
        "the database is unavailable; try again shortly",
        code="database_unavailable",
        headers={"Retry-After": "2"},
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(DatabaseUnavailable)
    async def database_unavailable(request: Request, exc: DatabaseUnavailable) -> JSONResponse:
        error = database_error(exc)
        return JSONResponse(
            error_body(request, error.status, error.message, code=error.code),
            status_code=error.status,
            headers=error.headers,
        )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            error_body(request, exc.status, exc.message, exc.param, exc.code),
            status_code=exc.status,
            headers=exc.headers,
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if request.url.path.startswith("/v1"):
            body = error_body(request, exc.status_code, str(exc.detail))
        else:
            body = {"detail": exc.detail}  # FastAPI's own shape, structured details kept
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, param = _validation_message(exc)
        status = 400 if request.url.path.startswith("/v1") else 422
        if request.url.path.startswith("/v1"):
            return JSONResponse(error_body(request, status, message, param), status_code=status)
        if AGENT_SERVER_TAGS & set(getattr(request.scope.get("route"), "tags", ()) or ()):
            # The Agent Server API's shape: one message, as langgraph-api writes it.
            return JSONResponse({"detail": message}, status_code=status)
        return JSONResponse({"detail": jsonable_errors(exc)}, status_code=status)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            error_body(request, 500, "internal error; see the server log"), status_code=500
        )


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Validation errors without the raw input (which may be huge or hold secrets)."""
    found: list[dict[str, Any]] = []
    for error in exc.errors()[:20]:
        if isinstance(error, dict):
            found.append(
                {
                    "loc": list(error.get("loc", ())),
                    "msg": str(error.get("msg", "")),
                    "type": str(error.get("type", "")),
                }
            )
        else:  # LangServe raises RequestValidationError(errors=["Invalid JSON body"])
            found.append({"loc": ["body"], "msg": str(error), "type": "value_error"})
    return found
