"""API keys: from the ``TOOLLOOM_API_KEYS`` setting and from the keys table, compared in constant
time.

Used when the server's auth mode is ``keys`` (:mod:`server.auth.mode`, decided once at start).
The table is re-read every :data:`CACHE_SECONDS`, so a key created, rotated or revoked by
``toolloom keys`` on the shared database works, or stops working, on every replica within about a
second; what the table holds never turns auth off: with no usable key, everyone is refused.

Keys from the setting have every scope; stored keys have their own (``runs``, ``read``,
``admin``) and may expire. The caller is known by the key's *name*, never by the key.
"""

from __future__ import annotations

import hmac
import logging
import time
from datetime import datetime

from pydantic import SecretStr

from graph.databases import DatabaseUnavailable
from server.auth.audit import key_event
from server.auth.principal import ANONYMOUS, Principal
from server.storage.key_store import SCOPES, ActiveKey, KeyStore, aware, hash_key
from server.storage.tables import utcnow

log = logging.getLogger(__name__)

CACHE_SECONDS = 1.0
__all__ = ["ANONYMOUS", "CACHE_SECONDS", "KeyRing", "Principal", "parse_setting_keys"]


def parse_setting_keys(keys: tuple[SecretStr, ...]) -> dict[str, str]:
    """hash -> name for ``name=key`` or bare ``key`` entries (bare keys are named key1, key2, ...)."""
    found: dict[str, str] = {}
    for index, entry in enumerate(keys, 1):
        raw = entry.get_secret_value().strip()
        name, sep, key = raw.partition("=")
        if not sep:
            name, key = f"key{index}", raw
        if key:
            found[hash_key(key.strip())] = name.strip() or f"key{index}"
    return found


class KeyRing:
    """The secrets that authenticate now: the setting's keys and the table's active ones."""

    def __init__(self, setting_keys: tuple[SecretStr, ...], keys: KeyStore) -> None:
        self.static = [
            ActiveKey(digest, name, frozenset(SCOPES), None)
            for digest, name in parse_setting_keys(setting_keys).items()
        ]
        self.keys = keys
        self._stored: list[ActiveKey] = []
        self._loaded_at = 0.0
        self._seen: dict[str, tuple[str, datetime | None]] | None = None
        self._expired: set[str] = set()

    def _known(self) -> list[ActiveKey]:
        now = time.monotonic()
        if now - self._loaded_at > CACHE_SECONDS:
            try:
                stored = self.keys.active()
            except DatabaseUnavailable:
                if not self._loaded_at:
                    raise
                # The database is away (nothing can be created or revoked meanwhile): keep the
                # keys last read, so a caller with a valid key gets the database's 503 from the
                # route, not a 401. Tried again after CACHE_SECONDS.
                log.warning("could not re-read the API keys; using the ones read before")
            else:
                self._note_changes(stored)
                self._stored = stored
            self._loaded_at = now
        return [*self._stored, *self.static]

    def _note_changes(self, stored: list[ActiveKey]) -> None:
        """Count and log what changed since the last read (the CLI changes keys from another
        process): keys that appeared, went away, or got a new secret."""
        current = {k.name: (k.key_hash, k.expires_at) for k in stored if k.until is None}
        seen, self._seen = self._seen, current
        if seen is None:
            return
        for name, (digest, _) in current.items():
            if name not in seen:
                key_event("created", name, seen_by="server")
            elif seen[name][0] != digest:
                key_event("rotated", name, seen_by="server")
        for name in seen.keys() - current.keys():
            key_event("revoked", name, seen_by="server")
        now = utcnow()
        for name, (_, expires_at) in current.items():
            if expires_at is not None and aware(expires_at) <= now and name not in self._expired:
                self._expired.add(name)
                key_event("expired", name, seen_by="server")

    def usable(self) -> int:
        """How many keys authenticate now (the setting's and the table's, unexpired)."""
        now = utcnow()
        return len({k.name for k in self._known() if k.valid(now)})

    def authenticate(self, raw: str) -> Principal | None:
        """The principal for a presented key, or None. Every known hash is compared, in constant
        time; an expired key (or an old secret past its grace period) authenticates no one."""
        presented = hash_key(raw)
        match: ActiveKey | None = None
        for known in self._known():
            if hmac.compare_digest(presented, known.key_hash):
                match = known
        if match is None or not match.valid(utcnow()):
            return None
        return Principal(match.name, scopes=match.scopes, kind="key")
