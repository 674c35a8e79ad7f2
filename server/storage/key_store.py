"""API keys, stored hashed, with their per-key limits."""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import col, select

from server.storage.engine import Database
from server.storage.tables import (
    ApiKey,
    utcnow,
)

KEY_PREFIX = "tl-"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class KeyStore:
    """API keys, stored hashed, with their per-key limits."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create_key(
        self, name: str, *, rate_limit_rpm: int | None = None, tokens_per_day: int | None = None
    ) -> str:
        """A new key for ``name``; the raw key is returned once and only its hash is stored.
        ``rate_limit_rpm`` and ``tokens_per_day`` override the settings' limits for this key
        (None: the default; 0: no limit)."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        with self.db.session() as session:
            if session.exec(select(ApiKey).where(ApiKey.name == name)).first():
                raise ValueError(f"a key named {name!r} exists already")
            session.add(
                ApiKey(
                    name=name,
                    key_hash=hash_key(raw),
                    rate_limit_rpm=rate_limit_rpm,
                    tokens_per_day=tokens_per_day,
                )
            )
            session.commit()
        return raw

    def set_key_limits(self, name: str, **limits: int | None) -> ApiKey:
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

    def key_limits(self) -> dict[str, tuple[int | None, int | None]]:
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

    def revoke_key(self, name: str) -> bool:
        with self.db.session() as session:
            key = session.exec(select(ApiKey).where(ApiKey.name == name)).first()
            if key is None or key.revoked_at is not None:
                return False
            key.revoked_at = utcnow()
            session.add(key)
            session.commit()
            return True

    def active_key_hashes(self) -> dict[str, str]:
        """hash -> key name, for every key not revoked."""
        with self.db.session() as session:
            keys = session.exec(select(ApiKey).where(col(ApiKey.revoked_at).is_(None)))
            return {key.key_hash: key.name for key in keys}
