"""Whether, and how, the server requires credentials: decided once, at start, from configuration.

Three modes:

- ``custom``: a LangGraph ``Auth`` object authenticates every request and authorizes each
  resource action (:mod:`server.auth.handlers`). Named by ``LANGGRAPH_AUTH`` (JSON) or by the
  ``auth`` section of langgraph.json (``TOOLLOOM_LANGGRAPH_CONFIG``), as for ``langgraph dev``.
- ``keys``: API keys (:mod:`server.auth.api_keys`).
- ``open``: no credentials; only on a loopback address, or with ``TOOLLOOM_ALLOW_NO_AUTH``.

``TOOLLOOM_AUTH`` picks one; ``auto`` (the default) picks custom when a handler is configured,
keys when ``TOOLLOOM_API_KEYS`` is set or the keys table has ever held a key (a revoked one
counts: a database that had keys belongs to a keyed server), open otherwise. Nothing that happens
later changes the mode: revoking the last key leaves a keyed server refusing everyone.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from server.settings import Settings


class StartupRefused(RuntimeError):
    """The settings would expose the server unsafely, or name an auth handler that is missing."""


class AuthMode(StrEnum):
    KEYS = "keys"
    CUSTOM = "custom"
    OPEN = "open"


@dataclass(frozen=True)
class HandlerConfig:
    """The ``auth`` section naming a custom handler, and where its relative paths start."""

    section: dict[str, Any]
    base: Path
    source: str
    """``LANGGRAPH_AUTH`` or the config file's path (for messages)."""

    @property
    def path(self) -> str:
        return str(self.section["path"])


@dataclass(frozen=True)
class AuthDecision:
    mode: AuthMode
    reason: str
    """Why this mode (logged at start)."""
    handler: HandlerConfig | None = None


def handler_config(settings: Settings) -> HandlerConfig | None:
    """The custom handler's config: ``LANGGRAPH_AUTH`` when set, else langgraph.json's ``auth``
    (when the file exists and has one). StartupRefused for a config file that is not JSON."""
    if settings.langgraph_auth:
        return HandlerConfig(dict(settings.langgraph_auth), Path.cwd(), "LANGGRAPH_AUTH")
    path = settings.langgraph_config
    if not path.is_file():
        return None
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StartupRefused(f"cannot read {path}: {exc}") from None
    section = config.get("auth") if isinstance(config, dict) else None
    if not section:
        return None
    if not isinstance(section, dict) or not isinstance(section.get("path"), str):
        raise StartupRefused(f'{path}: "auth" must be an object with "path": "FILE.py:NAME"')
    return HandlerConfig(section, path.resolve().parent, str(path))


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def decide(settings: Settings, keys_ever_stored: bool) -> AuthDecision:
    """The auth mode for this process's lifetime. StartupRefused: ``custom`` with no handler
    configured, or an open server on a non-loopback address without TOOLLOOM_ALLOW_NO_AUTH."""
    handler = handler_config(settings)
    choice = settings.auth
    if choice == "custom" or (choice == "auto" and handler is not None):
        if handler is None:
            raise StartupRefused(
                "TOOLLOOM_AUTH=custom but no auth handler is configured: set LANGGRAPH_AUTH "
                '(JSON, {"path": "./auth.py:auth"}) or an "auth" section in '
                f"{settings.langgraph_config}"
            )
        return AuthDecision(AuthMode.CUSTOM, f"custom auth handler from {handler.source}", handler)
    if choice == "keys":
        return AuthDecision(AuthMode.KEYS, "TOOLLOOM_AUTH=keys")
    if choice == "auto" and settings.api_keys:
        return AuthDecision(AuthMode.KEYS, "TOOLLOOM_API_KEYS is set")
    if choice == "auto" and keys_ever_stored:
        return AuthDecision(AuthMode.KEYS, "the keys table holds keys")
    reason = "TOOLLOOM_AUTH=open" if choice == "open" else "no keys and no auth handler"
    if not is_loopback(settings.host) and not settings.allow_no_auth:
        raise StartupRefused(
            f"refusing to listen on {settings.host} with no API keys: set TOOLLOOM_API_KEYS, "
            "create one with 'toolloom keys create NAME', configure an auth handler, or set "
            "TOOLLOOM_ALLOW_NO_AUTH=true"
        )
    return AuthDecision(AuthMode.OPEN, reason)
