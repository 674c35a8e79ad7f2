"""LangGraph ``Auth`` handlers (``langgraph_sdk.Auth``) on toolloom's own server.

The same ``auth.py`` that ``langgraph dev`` and the reference server load (langgraph.json's
``auth.path``, or ``LANGGRAPH_AUTH``) governs every surface here. Its behaviour follows
langgraph-api 0.16.7 (``langgraph_api/auth/custom.py``):

- ``@auth.authenticate`` receives the parameters it names, among ``request``, ``scope``,
  ``headers`` (a dict of bytes to bytes), ``authorization`` (the header, or None), ``path``,
  ``method``, ``query_params``, ``path_params`` (empty: it runs before routing), ``scopes``
  (empty) and ``user`` (None). It returns an identity string, a dict with ``identity`` (and
  ``permissions``, ``display_name``, any other fields), an object with ``identity``, or a
  ``(permissions, user)`` pair. ``Auth.exceptions.HTTPException`` 401 or 403 refuses the request
  with that status and ``{"detail": ...}``; any other error is a 500.
- ``@auth.on.<resource>.<action>`` handlers run most specific first (resource and action, then
  resource, then action, then ``@auth.on``): ``None`` or ``True`` allows, ``False`` is a 403
  ``Forbidden``, an ``AssertionError`` a 403 with its message, an ``HTTPException`` its status,
  and a dict is a metadata filter the resource must match (else 404, or left out of a search).
  A handler may change ``value`` (``value["metadata"]["owner"] = ...``): the change is what the
  server stores. No handler for an action: allowed.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from langgraph_sdk import Auth
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import Scope

from server.auth.filters import FilterError, validate
from server.auth.mode import HandlerConfig, StartupRefused
from server.auth.principal import Principal

log = logging.getLogger(__name__)

AUTHENTICATE_PARAMETERS = frozenset(
    {"request", "body", "user", "path", "method", "scopes", "path_params", "query_params",
     "headers", "authorization", "scope"}
)  # fmt: skip
"""What ``@auth.authenticate`` may ask for (langgraph-api's ``SUPPORTED_PARAMETERS``)."""


class AuthFailure(Exception):
    """A request refused by a handler: the status and ``detail`` to answer."""

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})


class HandlerError(RuntimeError):
    """A handler failed or returned something the server cannot use (a 500; details logged)."""


class AuthUser(Mapping[str, Any]):
    """The authenticated user as handlers see it (``ctx.user``): ``identity``, ``display_name``,
    ``is_authenticated``, ``permissions``, and every other field the handler returned, by
    attribute or by key (langgraph-api's ``ProxyUser``)."""

    def __init__(self, fields: Mapping[str, Any]) -> None:
        self._fields = dict(fields)

    @property
    def identity(self) -> str:
        return str(self._fields["identity"])

    @property
    def is_authenticated(self) -> bool:
        return bool(self._fields.get("is_authenticated", True))

    @property
    def display_name(self) -> str:
        return str(self._fields.get("display_name") or self.identity)

    @property
    def permissions(self) -> list[str]:
        return list(self._fields.get("permissions") or [])

    def dict(self) -> dict[str, Any]:
        return {
            **self._fields,
            "identity": self.identity,
            "is_authenticated": self.is_authenticated,
            "display_name": self.display_name,
        }

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        return self.dict()[key]

    def __iter__(self) -> Any:
        return iter(self.dict())

    def __len__(self) -> int:
        return len(self.dict())


def _fields_of(user: Any) -> dict[str, Any]:
    if isinstance(user, str):
        return {"identity": user}
    if isinstance(user, Mapping) and "identity" in user:
        return dict(user)
    if hasattr(user, "identity"):
        fields = {k: v for k, v in vars(user).items() if not k.startswith("_")}
        fields["identity"] = user.identity
        for extra in ("display_name", "is_authenticated", "permissions"):
            if hasattr(user, extra):
                fields[extra] = getattr(user, extra)
        return fields
    raise HandlerError(
        "the authenticate handler must return an identity (str), a dict with 'identity', an "
        f"object with .identity, or (permissions, user); got {type(user).__name__}"
    )


def normalize(result: Any) -> tuple[list[str], AuthUser]:
    """The permissions and the user from what ``@auth.authenticate`` returned."""
    if isinstance(result, tuple):
        if len(result) != 2:
            raise HandlerError("the authenticate handler returned a tuple that is not a pair")
        permissions, user = result
    elif isinstance(result, Mapping) and "permissions" in result:
        permissions, user = result["permissions"], result
    elif not isinstance(result, Mapping) and hasattr(result, "permissions"):
        permissions, user = result.permissions, result
    else:
        permissions, user = [], result
    fields = _fields_of(user)
    if not str(fields.get("identity") or ""):
        raise HandlerError("the authenticate handler returned an empty identity")
    fields["permissions"] = list(permissions or [])
    return list(permissions or []), AuthUser(fields)


def load_auth(config: HandlerConfig) -> Auth:
    """The ``Auth`` object ``config.path`` names (``./auth.py:auth`` or ``package.module:auth``).
    StartupRefused when it cannot be loaded, is not an ``Auth``, or has no authenticate handler."""
    target = config.path
    if ":" not in target:
        raise StartupRefused(
            f"{config.source}: auth path {target!r} must be './path/to/file.py:name' or "
            "'module:name'"
        )
    module_name, attribute = target.rsplit(":", 1)
    try:
        if "/" in module_name or module_name.endswith(".py"):
            file = Path(module_name)
            file = file if file.is_absolute() else (config.base / file).resolve()
            if not file.is_file():
                raise StartupRefused(f"{config.source}: no auth file {file}")
            spec = importlib.util.spec_from_file_location(f"toolloom_auth_{abs(hash(file))}", file)
            if spec is None or spec.loader is None:
                raise StartupRefused(f"{config.source}: cannot load {file}")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(module_name)
    except StartupRefused:
        raise
    except Exception as exc:
        raise StartupRefused(f"{config.source}: loading {target} failed: {exc!r}") from exc
    found = getattr(module, attribute, None)
    if not isinstance(found, Auth):
        raise StartupRefused(
            f"{config.source}: {target} is not a langgraph_sdk.Auth object "
            f"(got {type(found).__name__})"
        )
    if found._authenticate_handler is None:
        raise StartupRefused(f"{config.source}: {target} has no @auth.authenticate handler")
    return found


class CustomAuth:
    """One loaded ``Auth`` object: authenticates requests and authorizes resource actions."""

    def __init__(self, auth: Auth) -> None:
        self.auth = auth
        handler = auth._authenticate_handler
        assert handler is not None
        parameters = inspect.signature(handler).parameters
        unsupported = [
            name
            for name, p in parameters.items()
            if name not in AUTHENTICATE_PARAMETERS and p.default is p.empty
        ]
        if unsupported:
            raise StartupRefused(
                f"the authenticate handler asks for unsupported parameters: "
                f"{', '.join(unsupported)} (supported: {', '.join(sorted(AUTHENTICATE_PARAMETERS))})"
            )
        self._names = {name for name in parameters if name in AUTHENTICATE_PARAMETERS}
        self._authenticate: Callable[..., Awaitable[Any]]
        if inspect.iscoroutinefunction(handler):
            self._authenticate = handler
        else:

            async def in_thread(**kwargs: Any) -> Any:
                return await asyncio.to_thread(handler, **kwargs)

            self._authenticate = in_thread
        self.uncovered = self._uncovered()

    @classmethod
    def load(cls, config: HandlerConfig) -> CustomAuth:
        return cls(load_auth(config))

    def _arguments(self, scope: Scope) -> dict[str, Any]:
        names = self._names
        headers = dict(scope.get("headers") or [])
        found: dict[str, Any] = {}
        if "scope" in names:
            found["scope"] = scope
        if "request" in names:
            found["request"] = Request(scope)
        if "user" in names:
            found["user"] = None
        if "scopes" in names:
            found["scopes"] = []
        if "path_params" in names:
            found["path_params"] = {}
        if "path" in names:
            found["path"] = scope["path"]
        if "query_params" in names:
            found["query_params"] = QueryParams(scope.get("query_string") or b"")
        if "headers" in names:
            found["headers"] = headers
        if "authorization" in names:
            value = headers.get(b"authorization")
            found["authorization"] = value.decode("latin-1") if value is not None else None
        if "method" in names:
            found["method"] = scope.get("method", "GET")
        return found

    async def authenticate(self, scope: Scope) -> Principal:
        """The caller, or AuthFailure (401/403 from the handler); HandlerError for anything else."""
        try:
            result = await self._authenticate(**self._arguments(scope))
        except Auth.exceptions.HTTPException as exc:
            if exc.status_code in (401, 403):
                raise AuthFailure(exc.status_code, str(exc.detail), exc.headers) from None
            raise HandlerError(f"the authenticate handler raised {exc!r}") from exc
        except HandlerError:
            raise
        except Exception as exc:
            raise HandlerError(f"the authenticate handler failed: {exc!r}") from exc
        permissions, user = normalize(result)
        return Principal(
            user.identity,
            scopes=frozenset(),
            kind="custom",
            permissions=tuple(permissions),
            user=user,
        )

    def _handler(self, resource: str, action: str) -> Any:
        handlers = self.auth._handlers
        for key in ((resource, action), (resource, "*"), ("*", action), ("*", "*")):
            if key in handlers:
                return handlers[key][-1]
        return self.auth._global_handlers[-1] if self.auth._global_handlers else None

    async def authorize(
        self, principal: Principal, resource: str, action: str, value: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Run the handler for ``resource.action`` on ``value`` (which it may change): None
        (allowed), a filter dict, or AuthFailure (denied)."""
        handler = self._handler(resource, action)
        if handler is None:
            return None
        context = Auth.types.AuthContext(
            user=principal.user,
            permissions=list(principal.permissions),
            resource=resource,  # type: ignore[arg-type]
            action=action,  # type: ignore[arg-type]
        )
        try:
            result = await handler(ctx=context, value=value)
        except Auth.exceptions.HTTPException as exc:
            raise AuthFailure(exc.status_code, str(exc.detail), exc.headers) from None
        except AssertionError as exc:
            raise AuthFailure(403, str(exc)) from None
        except Exception as exc:
            raise HandlerError(f"the {resource}.{action} handler failed: {exc!r}") from exc
        if result is None or result is True:
            return None
        if result is False:
            raise AuthFailure(403, "Forbidden")
        if not isinstance(result, dict):
            raise HandlerError(
                f"the {resource}.{action} handler returned {type(result).__name__}; expected a "
                "filter dict, None or a boolean"
            )
        try:
            validate(result)
        except FilterError as exc:
            raise HandlerError(str(exc)) from None
        return result or None

    def _uncovered(self) -> list[str]:
        """resource.action pairs no handler covers (allowed unchecked), for a start-up warning."""
        auth = self.auth
        if not auth._handlers and not auth._global_handlers:
            return []
        if auth._global_handlers or ("*", "*") in auth._handlers:
            return []
        missing = []
        for resource, actions in RESOURCE_ACTIONS.items():
            for action in actions:
                keys = ((resource, action), (resource, "*"), ("*", action))
                if not any(key in auth._handlers for key in keys):
                    missing.append(f"{resource}.{action}")
        return missing


RESOURCE_ACTIONS = {
    "assistants": ("create", "read", "update", "delete", "search"),
    "threads": ("create", "read", "update", "delete", "search", "create_run"),
    "crons": ("create", "read", "update", "delete", "search"),
    "store": ("put", "get", "search", "list_namespaces", "delete"),
}
