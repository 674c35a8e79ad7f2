"""API keys over HTTP, for operators whose server runs where the CLI is not at hand (a container):
list, create, rotate, revoke. Every route needs the ``admin`` scope (the auth gate checks it,
:mod:`server.auth.rules`). A key is shown once, when it is made or rotated; only its hash is kept.
Revoking the last key does not open the server: it refuses everyone until a key exists again.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from server.api_error import ApiError
from server.auth.audit import key_event
from server.http.deps import CallerDep, RuntimeDep
from server.storage.key_store import SCOPES, aware, parse_scopes
from server.storage.tables import utcnow

router = APIRouter(prefix="/keys", tags=["keys"])


class KeyOut(BaseModel):
    name: str
    scopes: list[str]
    state: str
    """active, expired or revoked."""
    created_at: datetime
    expires_at: datetime | None
    old_secret_until: datetime | None
    """After a rotation: until when the previous secret still works."""


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
    scopes: list[str] = list(SCOPES)
    expires_in: Annotated[float | None, Field(gt=0, le=10 * 365 * 86400)] = None
    """Seconds until the key expires; null: never."""


class KeyRotate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grace: Annotated[float | None, Field(ge=0, le=90 * 86400)] = None
    """Seconds the old secret keeps working; null: TOOLLOOM_KEY_ROTATION_GRACE."""


class KeySecret(BaseModel):
    name: str
    key: str
    """The secret: shown this once."""
    expires_at: datetime | None = None
    old_secret_until: datetime | None = None


class Revoked(BaseModel):
    name: str
    usable_keys_left: int
    """0: the server now refuses everyone until a key is made (it does not open up)."""


@router.get("")
async def list_keys(runtime: RuntimeDep, _: CallerDep) -> list[KeyOut]:
    """Every key: name, scopes, state, expiry (never the secret)."""
    keys = await asyncio.to_thread(runtime.store.keys.list_keys)
    now = utcnow()
    found = []
    for key in keys:
        state = "active"
        if key.revoked_at is not None:
            state = "revoked"
        elif key.expires_at is not None and aware(key.expires_at) <= now:
            state = "expired"
        grace = (
            key.previous_until if key.previous_until and aware(key.previous_until) > now else None
        )
        found.append(
            KeyOut(
                name=key.name,
                scopes=[s for s in key.scopes.split(",") if s],
                state=state,
                created_at=key.created_at,
                expires_at=key.expires_at,
                old_secret_until=None if key.revoked_at else grace,
            )
        )
    return found


@router.post("", status_code=201)
async def create_key(body: KeyCreate, runtime: RuntimeDep, caller: CallerDep) -> KeySecret:
    """A new key (409 when the name is taken)."""
    try:
        scopes = parse_scopes(body.scopes)
    except ValueError as exc:
        raise ApiError(422, f"scopes: {exc}") from None
    expires_at = utcnow() + timedelta(seconds=body.expires_in) if body.expires_in else None
    keys = runtime.store.keys
    try:
        raw = await asyncio.to_thread(
            lambda: keys.create(body.name, scopes=scopes, expires_at=expires_at)
        )
    except ValueError as exc:
        raise ApiError(409, str(exc)) from None
    key_event("created", body.name, count=False, by=caller.name, scopes=",".join(sorted(scopes)))
    return KeySecret(name=body.name, key=raw, expires_at=expires_at)


@router.post("/{name}/rotate")
async def rotate_key(
    name: str, runtime: RuntimeDep, caller: CallerDep, body: KeyRotate | None = None
) -> KeySecret:
    """A new secret for the key; the old one works for the grace period."""
    seconds = body.grace if body and body.grace is not None else None
    grace = timedelta(seconds=runtime.settings.key_rotation_grace if seconds is None else seconds)
    try:
        raw, until = await asyncio.to_thread(runtime.store.keys.rotate, name, grace)
    except LookupError:
        raise ApiError(404, f"no active key named {name!r}") from None
    key_event(
        "rotated", name, count=False, by=caller.name, grace_seconds=int(grace.total_seconds())
    )
    return KeySecret(name=name, key=raw, old_secret_until=until)


@router.delete("/{name}")
async def revoke_key(name: str, runtime: RuntimeDep, caller: CallerDep) -> Revoked:
    """Revoke the key (within about a second on every replica)."""
    keys = runtime.store.keys
    if not await asyncio.to_thread(keys.revoke, name):
        raise ApiError(404, f"no active key named {name!r}")
    left = await asyncio.to_thread(keys.count_usable)
    key_event("revoked", name, count=False, by=caller.name, keys_left=left)
    return Revoked(name=name, usable_keys_left=left)
