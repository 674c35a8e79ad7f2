"""API keys: from the ``TOOLLOOM_API_KEYS`` setting and from the keys table, compared in constant time.

With no key configured anywhere the server is open (and then binds only to loopback unless
``TOOLLOOM_ALLOW_NO_AUTH`` says otherwise). With keys, every route but ``/health`` needs
``Authorization: Bearer KEY``; the caller is known by the key's *name*, never by the key.
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass

from pydantic import SecretStr

from graph.databases import DatabaseUnavailable
from server.storage.key_store import hash_key
from server.storage.store import Store

log = logging.getLogger(__name__)

CACHE_SECONDS = 1.0  # keys are re-read this often: a key created or revoked by `toolloom keys` on
# the shared database works, or stops working, on every replica within about a second


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name ('' when the server has no keys)."""

    name: str


ANONYMOUS = Principal("")


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
    def __init__(self, setting_keys: tuple[SecretStr, ...], store: Store) -> None:
        self.static = parse_setting_keys(setting_keys)
        self.store = store
        self._stored: dict[str, str] = {}
        self._loaded_at = 0.0

    def _known(self) -> dict[str, str]:
        now = time.monotonic()
        if now - self._loaded_at > CACHE_SECONDS:
            try:
                self._stored = self.store.keys.active_key_hashes()
            except DatabaseUnavailable:
                if not self._loaded_at:
                    raise
                # The database is away (nothing can be created or revoked meanwhile): keep the
                # keys last read, so /health stays up and a caller with a valid key gets the
                # database's 503 from the route, not a 401. Tried again after CACHE_SECONDS.
                log.warning("could not re-read the API keys; using the ones read before")
            self._loaded_at = now
        return {**self._stored, **self.static}

    @property
    def required(self) -> bool:
        return bool(self._known())

    def authenticate(self, raw: str) -> Principal | None:
        """The principal for a presented key, or None. Every known hash is compared, in constant time."""
        presented = hash_key(raw)
        match: str | None = None
        for known, name in self._known().items():
            if hmac.compare_digest(presented, known):
                match = name
        return Principal(match) if match is not None else None
