"""API keys in the database: stored hashed, with scopes, an optional expiry, rotation with a
grace period, per-key limits, and revocation.

A key is known by its *name* (logs, usage, thread owners), never by the key. The raw key is shown
once, when it is made; only its SHA-256 is kept. :meth:`KeyStore.rotate` gives a key a new secret
and keeps the old one working until ``previous_until`` (the grace period), so clients can move
over without an outage. Keys made before scopes existed keep every right (migration 0005 sets
their scopes to all of :data:`SCOPES`).

Which keys exist never decides *whether* the server needs a key: that is decided once, at start
(:mod:`server.auth.mode`). A keyed server whose last key is revoked refuses everyone until a key
exists again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import col, func, select

from server.storage.engine import Database
from server.storage.tables import ALL_SCOPES, SCOPES, ApiKey, utcnow

KEY_PREFIX = "tl-"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ActiveKey:
    """One secret that authenticates now: a key's current one, or its previous one during the
    grace period after a rotation (``until``)."""

    key_hash: str
    name: str
    scopes: frozenset[str]
    expires_at: datetime | None
    until: datetime | None = None

    def valid(self, now: datetime) -> bool:
        for end in (self.expires_at, self.until):
            if end is not None and aware(end) <= now:
                return False
        return True


def aware(moment: datetime) -> datetime:
    """A datetime read back from SQLite has lost its zone: it was written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_scopes(text: str | Iterable[str]) -> frozenset[str]:
    """``"runs,read"`` (or an iterable of names) as a set; ValueError naming an unknown scope."""
    names = text.split(",") if isinstance(text, str) else list(text)
    found = frozenset(n.strip().lower() for n in names if n.strip())
    unknown = sorted(found - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(unknown)}; the scopes are {ALL_SCOPES}")
    if not found:
        raise ValueError(f"at least one scope: {ALL_SCOPES}")
    return found


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


class KeyStore:
    """The keys table, on the store's database (SQLite file or PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(
        self,
        name: str,
        *,
        scopes: Iterable[str] = SCOPES,
        expires_at: datetime | None = None,
        rate_limit_rpm: int | None = None,
        tokens_per_day: int | None = None,
    ) -> str:
        """A new key for ``name``; the raw key is returned once and only its hash is stored.
        ``rate_limit_rpm`` and ``tokens_per_day`` override the settings' limits for this key
        (None: the default; 0: no limit). ValueError: the name is taken."""
        chosen = parse_scopes(scopes)
        raw = new_secret()
        with self.db.session() as session:
            if session.exec(select(ApiKey).where(ApiKey.name == name)).first():
                raise ValueError(f"a key named {name!r} exists already")
            session.add(
                ApiKey(
                    name=name,
                    key_hash=hash_key(raw),
                    scopes=",".join(sorted(chosen)),
                    expires_at=expires_at,
                    rate_limit_rpm=rate_limit_rpm,
                    tokens_per_day=tokens_per_day,
                )
            )
            session.commit()
        return raw

    def rotate(self, name: str, grace: timedelta) -> tuple[str, datetime]:
        """A new secret for the active key ``name``; the current one keeps working for ``grace``
        (until the returned time). LookupError: no active key of that name."""
        raw = new_secret()
        now = utcnow()
        with self.db.session() as session:
            key = session.exec(
                select(ApiKey).where(ApiKey.name == name, col(ApiKey.revoked_at).is_(None))
            ).first()
            if key is None:
                raise LookupError(f"no active key named {name!r}")
            key.previous_hash = key.key_hash
            key.previous_until = now + grace
            key.key_hash = hash_key(raw)
            key.rotated_at = now
            session.add(key)
            session.commit()
        return raw, now + grace

    def revoke(self, name: str) -> bool:
        """Revoke the key, its previous secret too. False: no active key of that name."""
        with self.db.session() as session:
            key = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
            if key is None or key.revoked_at is not None:
                return False
            key.revoked_at = utcnow()
            key.previous_until = None
            session.add(key)
            session.commit()
            return True

    def count_usable(self) -> int:
        """Keys that are not revoked and not expired."""
        now = utcnow()
        return sum(1 for key in self.active() if key.until is None and key.valid(now))

    def exists(self) -> bool:
        """Whether any key was ever made here (revoked ones too): a database that has had keys
        belongs to a keyed server."""
        with self.db.session() as session:
            return bool(session.exec(select(func.count()).select_from(ApiKey)).one())

    def set_limits(self, name: str, **limits: int | None) -> ApiKey:
        """Set a key's overrides: ``rate_limit_rpm`` and/or ``tokens_per_day`` (None: back to
        the default; 0: no limit). Fields not given are left as they are. LookupError: no
        such key."""
        unknown = set(limits) - {"rate_limit_rpm", "tokens_per_day"}
        if unknown:
            raise TypeError(f"unknown limits: {sorted(unknown)}")
        with self.db.session() as session:
            key = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
            if key is None:
                raise LookupError(f"no key named {name!r}")
            for field, value in limits.items():
                setattr(key, field, value)
            session.add(key)
            session.commit()
            session.refresh(key)
            return key

    def limits(self) -> dict[str, tuple[int | None, int | None]]:
        """name -> (requests per minute, tokens per day) for every active key with an override."""
        with self.db.session() as session:
            rows = session.exec(
                select(ApiKey.name, ApiKey.rate_limit_rpm, ApiKey.tokens_per_day).where(
                    col(ApiKey.revoked_at).is_(None),
                    col(ApiKey.rate_limit_rpm).is_not(None)
                    | col(ApiKey.tokens_per_day).is_not(None),
                )
            )
            return {name: (rpm, tpd) for name, rpm, tpd in rows}

    def list_keys(self) -> list[ApiKey]:
        with self.db.session() as session:
            return list(session.exec(select(ApiKey).order_by(col(ApiKey.name))))

    def get(self, name: str) -> ApiKey | None:
        with self.db.session() as session:
            return session.exec(select(ApiKey).where(ApiKey.name == name)).first()

    def active(self) -> list[ActiveKey]:
        """Every secret not revoked: each key's current one, and its previous one while its grace
        period lasts (expired ones are listed too; :meth:`ActiveKey.valid` tells)."""
        now = utcnow()
        found: list[ActiveKey] = []
        with self.db.session() as session:
            for key in session.exec(select(ApiKey).where(col(ApiKey.revoked_at).is_(None))):
                scopes = frozenset(s for s in key.scopes.split(",") if s)
                found.append(ActiveKey(key.key_hash, key.name, scopes, key.expires_at))
                if key.previous_hash and key.previous_until and aware(key.previous_until) > now:
                    found.append(
                        ActiveKey(
                            key.previous_hash, key.name, scopes, key.expires_at, key.previous_until
                        )
                    )
        return found

    def active_hashes(self) -> dict[str, str]:
        """hash -> key name, for every secret that authenticates now."""
        now = utcnow()
        return {key.key_hash: key.name for key in self.active() if key.valid(now)}

    def import_keys(self, keys: Sequence[ApiKey]) -> int:
        """Add the keys whose names are not here yet (``toolloom db copy``). Returns how many
        were added."""
        return self.db.insert_missing(ApiKey, keys, ["name"])
