"""Custom auth with JWTs signed by a shared secret (HS256): one ``auth.py`` for toolloom and for
``langgraph dev`` alike.

Point either server at it::

    export AUTH_JWT_SECRET="$(openssl rand -hex 32)"     # the secret your identity provider signs with
    export LANGGRAPH_AUTH='{"path": "examples/auth/jwt_auth.py:auth"}'
    toolloom serve                                       # or: "auth": {"path": ...} in langgraph.json

A caller sends ``Authorization: Bearer <JWT>`` (or the same JWT in a ``session`` cookie, as a
browser would). The token must carry ``sub`` (the user's identity) and ``exp``; ``permissions``
(a list) says what the user may do, and an optional ``project`` claim narrows what they see:

- ``threads:write``: create threads (owned by the user, and tagged with the token's project);
- ``runs:create``: run the agent (on every surface: the Agent Server API, ``/v1``, ``/agent``,
  the web page, MCP tool calls);
- ``assistants:read``: list and read the assistant.

Everything else is denied (``@auth.on`` below). A user reads, changes and deletes only their own
threads, and with a ``project`` claim only that project's: the handlers return a metadata filter
and a thread that does not match it is a 404. The store is the user's own namespace only.

Minting a token for a test (the same secret)::

    import jwt, time
    jwt.encode({"sub": "alice", "exp": int(time.time()) + 3600,
                "permissions": ["threads:write", "runs:create", "assistants:read"]},
               SECRET, algorithm="HS256")
"""

from __future__ import annotations

import os
from http.cookies import SimpleCookie
from typing import Any

import jwt
from langgraph_sdk import Auth

SECRET = os.environ.get("AUTH_JWT_SECRET", "")
if len(SECRET) < 32:
    raise RuntimeError("set AUTH_JWT_SECRET to the shared signing secret (32 characters or more)")

auth = Auth()


def _token(authorization: str | None, headers: dict[bytes, bytes]) -> str | None:
    """The JWT from ``Authorization: Bearer`` or, failing that, the ``session`` cookie."""
    if authorization:
        scheme, _, token = authorization.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    cookie = headers.get(b"cookie")
    if cookie:
        morsel = SimpleCookie(cookie.decode("latin-1")).get("session")
        if morsel is not None and morsel.value:
            return morsel.value
    return None


@auth.authenticate
async def authenticate(
    authorization: str | None, headers: dict[bytes, bytes]
) -> Auth.types.MinimalUserDict:
    token = _token(authorization, headers)
    if token is None:
        raise Auth.exceptions.HTTPException(
            status_code=401, detail="missing token: send Authorization: Bearer JWT"
        )
    try:
        claims = jwt.decode(
            token, SECRET, algorithms=["HS256"], options={"require": ["sub", "exp"]}
        )
    except jwt.ExpiredSignatureError:
        raise Auth.exceptions.HTTPException(status_code=401, detail="token expired") from None
    except jwt.InvalidTokenError:
        raise Auth.exceptions.HTTPException(status_code=401, detail="invalid token") from None
    user: dict[str, Any] = {
        "identity": str(claims["sub"]),
        "display_name": str(claims.get("name") or claims["sub"]),
        "permissions": [str(p) for p in claims.get("permissions") or []],
    }
    if claims.get("project"):
        user["project"] = str(claims["project"])
    return user  # type: ignore[return-value]


def _mine(ctx: Auth.types.AuthContext) -> Auth.types.FilterType:
    """The filter every read, change and search applies: the user's threads (in their project)."""
    found: dict[str, Any] = {"owner": ctx.user.identity}
    project = ctx.user.get("project") if hasattr(ctx.user, "get") else None
    if project:
        found["project"] = project
    return found


def _tag(ctx: Auth.types.AuthContext, value: dict[str, Any]) -> None:
    """What a new thread (or run) records about its maker."""
    metadata = value.get("metadata")
    if not isinstance(metadata, dict):
        metadata = value["metadata"] = {}
    metadata.update(_mine(ctx))


@auth.on
async def deny_by_default(ctx: Auth.types.AuthContext, value: Any) -> bool:
    return False


@auth.on.threads.create
async def create_thread(
    ctx: Auth.types.AuthContext, value: Auth.types.on.threads.create.value
) -> bool | None:
    if "threads:write" not in ctx.permissions:
        return False
    _tag(ctx, value)  # type: ignore[arg-type]
    return None


@auth.on.threads.read
async def read_thread(
    ctx: Auth.types.AuthContext, value: Auth.types.on.threads.read.value
) -> Auth.types.FilterType:
    return _mine(ctx)


@auth.on.threads.update
async def update_thread(
    ctx: Auth.types.AuthContext, value: Auth.types.on.threads.update.value
) -> Auth.types.FilterType:
    return _mine(ctx)


@auth.on.threads.delete
async def delete_thread(
    ctx: Auth.types.AuthContext, value: Auth.types.on.threads.delete.value
) -> Auth.types.FilterType:
    return _mine(ctx)


@auth.on.threads.search
async def search_threads(
    ctx: Auth.types.AuthContext, value: Auth.types.on.threads.search.value
) -> Auth.types.FilterType:
    return _mine(ctx)


@auth.on.threads.create_run
async def create_run(
    ctx: Auth.types.AuthContext, value: Auth.types.on.threads.create_run.value
) -> Auth.types.FilterType | bool:
    if "runs:create" not in ctx.permissions:
        return False
    _tag(ctx, value)  # type: ignore[arg-type]
    return _mine(ctx)


@auth.on.assistants.read
async def read_assistant(
    ctx: Auth.types.AuthContext, value: Auth.types.on.assistants.read.value
) -> bool:
    return "assistants:read" in ctx.permissions


@auth.on.assistants.search
async def search_assistants(
    ctx: Auth.types.AuthContext, value: Auth.types.on.assistants.search.value
) -> bool:
    return "assistants:read" in ctx.permissions


@auth.on.store
async def own_namespace(ctx: Auth.types.AuthContext, value: Any) -> None:
    namespace = tuple(value.get("namespace") or ())
    if not namespace or namespace[0] != ctx.user.identity:
        raise Auth.exceptions.HTTPException(
            status_code=403, detail="the store's namespace must start with your identity"
        )
