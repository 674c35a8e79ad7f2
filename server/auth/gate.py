"""The one auth layer in front of every route: an ASGI middleware.

Every request but the public ones (``/health``, ``/ok``, ``/info``, ``/`` and the web page's
static files) passes here before routing, whatever serves it (FastAPI routes, LangServe's,
``/mcp``'s raw ASGI endpoint, anything added later):

1. a client address that failed too often is answered 429 (:mod:`server.auth.attempts`);
2. the caller is authenticated by the mode decided at start (:mod:`server.auth.mode`): API keys
   (``Authorization: Bearer KEY`` or ``x-api-key: KEY``), the custom handler's
   ``@auth.authenticate``, or no one (open); a failure is a 401 and counts against the address;
3. the route's rule (:mod:`server.auth.rules`) is applied: a key needs the route's scope (403);
   a custom handler's ``@auth.on`` handlers run on the resource action, may deny (403 or their
   status), change the value (its ``metadata`` becomes what is stored) or return a filter that the
   request's thread must match (404) and that searches apply;
4. the caller (:class:`~server.auth.principal.Principal`) is put on ``request.state.principal``,
   where :func:`server.http.deps.get_caller` finds it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.databases import DatabaseUnavailable
from server.api_error import error_body_for
from server.auth.api_keys import KeyRing
from server.auth.attempts import FailureLimiter
from server.auth.audit import denial
from server.auth.filters import FilterError
from server.auth.handlers import AuthFailure, CustomAuth, HandlerError
from server.auth.mode import AuthDecision, AuthMode
from server.auth.principal import ANONYMOUS, Principal
from server.auth.rules import PUBLIC, Call, RouteTable, Rule, rule_for
from server.storage.engine import ThreadNotFound

log = logging.getLogger(__name__)

ThreadLookup = Callable[[str, str], Awaitable[dict[str, Any] | None]]
"""(thread id, caller) -> the caller's thread's metadata, None when there is no such thread;
ThreadNotFound when another identity owns it."""

NO_ROUTE = Rule("read")
"""A request no route matches: authenticated callers get the app's own 404 or 405."""


class Refusal(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        reason: str,
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.reason, self.code = status, message, reason, code
        self.headers = dict(headers or {})


@dataclass
class Authenticator:
    """The auth decided at start, with what it needs (built in the app's lifespan)."""

    decision: AuthDecision
    keyring: KeyRing | None
    custom: CustomAuth | None
    failures: FailureLimiter
    threads: ThreadLookup
    routes: RouteTable

    @property
    def mode(self) -> AuthMode:
        return self.decision.mode

    async def authenticate(self, scope: Scope, headers: Mapping[str, str]) -> Principal:
        """The caller, or a Refusal (401/403)."""
        if self.mode is AuthMode.OPEN:
            return ANONYMOUS
        if self.custom is not None:
            try:
                return await self.custom.authenticate(scope)
            except AuthFailure as failure:
                reason = "invalid" if failure.status == 401 else "handler"
                raise Refusal(
                    failure.status, failure.detail, reason, headers=failure.headers
                ) from None
        assert self.keyring is not None
        bearer_header = headers.get("authorization", "")
        scheme, _, bearer = bearer_header.partition(" ")
        bearer = bearer.strip() if scheme.lower() == "bearer" else ""
        api_key = headers.get("x-api-key", "").strip()
        challenge = {"WWW-Authenticate": "Bearer"}
        if bearer and api_key and bearer != api_key:
            raise Refusal(401, "two different API keys (Authorization and x-api-key): send one",
                          "invalid", code="invalid_api_key", headers=challenge)  # fmt: skip
        key = bearer or api_key
        keyring = self.keyring
        if not key:
            raise Refusal(401, "missing API key: send Authorization: Bearer KEY (or x-api-key: "
                          "KEY)", "missing", code="missing_api_key", headers=challenge)  # fmt: skip
        principal = await asyncio.to_thread(keyring.authenticate, key)
        if principal is not None:
            return principal
        if not await asyncio.to_thread(keyring.usable):
            raise Refusal(401, "this server requires an API key and has none: create one with "
                          "'toolloom keys create NAME'", "no_keys", code="invalid_api_key",
                          headers=challenge)  # fmt: skip
        raise Refusal(401, "invalid API key", "invalid", code="invalid_api_key", headers=challenge)

    def permitted(self, principal: Principal, rule: Rule) -> bool:
        """Whether the caller may use a route of ``rule``'s scope: a key by its scopes; a custom
        user needs the ``admin`` permission for admin routes (the handlers decide the rest)."""
        if self.mode is AuthMode.OPEN:
            return True
        if principal.kind == "custom":
            return rule.scope != "admin" or "admin" in principal.permissions
        return rule.scope in principal.scopes


CREDENTIAL_HEADERS = ("authorization", "x-api-key", "cookie")
"""Where a request carries what it authenticates with (a key, a token, a session cookie)."""


def presented_credentials(refusal: Refusal, headers: Mapping[str, str]) -> bool:
    """Whether a 401 answered a credential that was tried (a failed attempt, counted against the
    address), not a request that carried none: the web page opened on a keyed server asks for
    its status before the user has typed a key, and must not lock the user out for a minute."""
    if refusal.reason == "missing":
        return False
    return any(headers.get(name, "").strip() for name in CREDENTIAL_HEADERS)


class AuthGate:
    """The middleware. ``public`` is the set of (method, path) answered without credentials;
    ``authenticator`` returns the running app's :class:`Authenticator` (None while starting)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        authenticator: Callable[[Scope], Authenticator | None],
        public: frozenset[tuple[str, str]] = PUBLIC,
    ) -> None:
        self.app = app
        self.authenticator = authenticator
        self.public = public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # the server has none: a socket added later is refused
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        path = scope["path"]
        if ("GET" if method == "HEAD" else method, path) in self.public:
            await self.app(scope, receive, send)
            return
        auth = self.authenticator(scope)
        if auth is None:
            await _answer(send, scope, Refusal(503, "the server is starting", "starting"))
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        address = (scope.get("client") or ("unknown", 0))[0]
        matched = auth.routes.match(method, path)
        template, path_params = matched if matched else (None, {})
        rule = rule_for(method, template) if template else NO_ROUTE
        try:
            principal, receive = await self._admit(auth, scope, receive, headers, address,
                                                   rule, path_params)  # fmt: skip
        except Refusal as refusal:
            fields = {"client": address, "method": method, "route": template or path}
            denial(refusal.reason, refusal.status, **fields)
            if template:  # the request log and metrics name the route the request was for
                scope["route"] = SimpleNamespace(path=template)
            await _answer(send, scope, refusal)
            return
        except DatabaseUnavailable:
            await _answer(send, scope, Refusal(503, "the database is unavailable; try again "
                          "shortly", "database", code="database_unavailable",
                          headers={"Retry-After": "2"}))  # fmt: skip
            return
        except (HandlerError, FilterError) as exc:
            log.error("auth handler error on %s %s: %s", method, template or path, exc)
            await _answer(send, scope, Refusal(500, "internal error; see the server log", "error"))
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    async def _admit(
        self,
        auth: Authenticator,
        scope: Scope,
        receive: Receive,
        headers: Mapping[str, str],
        address: str,
        rule: Rule,
        path_params: dict[str, str],
    ) -> tuple[Principal, Receive]:
        if auth.failures.enabled and (wait := await auth.failures.blocked(address)):
            raise Refusal(429, f"too many failed authentications from this address; try again "
                          f"in {math.ceil(wait)} s", "throttled", code="auth_throttled",
                          headers={"Retry-After": str(max(1, math.ceil(wait)))})  # fmt: skip
        try:
            principal = await auth.authenticate(scope, headers)
        except Refusal as refusal:
            if refusal.status == 401 and presented_credentials(refusal, headers):
                await auth.failures.failed(address)
            raise
        if not auth.permitted(principal, rule):
            what = "permission" if principal.kind == "custom" else "scope"
            raise Refusal(403, f"this {'user' if what == 'permission' else 'key'} lacks the "
                          f"'{rule.scope}' {what}", "scope", code="insufficient_scope")  # fmt: skip
        if auth.custom is None or not rule.checks:
            return principal, receive
        body, raw = None, b""
        if rule.body:
            raw = await _read_body(receive)
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None  # the route answers the bad JSON with its own 4xx
        call = Call(path_params, QueryParams(scope.get("query_string") or b""), headers, body)
        principal, body = await _authorize(auth, principal, rule, call, body)
        if rule.body:
            if rule.metadata_to_body and isinstance(body, (dict, list)):
                raw = json.dumps(body).encode()
                _set_length(scope, len(raw))
            receive = _replay(raw, receive)
        return principal, receive


async def _authorize(
    auth: Authenticator, principal: Principal, rule: Rule, call: Call, body: Any
) -> tuple[Principal, Any]:
    """Run the rule's handler checks (once per item of a batch); returns the caller with its
    filters and new-thread metadata, and the body with the handlers' metadata written back."""
    custom = auth.custom
    assert custom is not None
    filters: dict[str, Any] | None = None
    created: dict[str, Any] | None = None
    items = body if isinstance(body, list) else [body]
    for index, check in enumerate(rule.checks):
        for item in items:
            value = check.value(replace(call, body=item))
            found = await _guarded(custom.authorize(principal, check.resource, check.action, value))
            metadata = value.get("metadata")
            if index == 0 and filters is None:
                filters = found
            if index == 0 and check.action == "create_run" and created is None:
                created = dict(metadata) if isinstance(metadata, dict) else {}
            if rule.metadata_to_body and isinstance(item, dict) and isinstance(metadata, dict):
                item["metadata"] = metadata
    principal = replace(principal, filters=filters, new_thread_metadata=created or {})
    if filters and rule.thread is not None:
        await _check_thread(auth, principal, rule, call)
    return principal, body


async def _guarded(pending: Awaitable[dict[str, Any] | None]) -> dict[str, Any] | None:
    try:
        return await pending
    except AuthFailure as failure:
        reason = "handler"
        raise Refusal(failure.status, failure.detail, reason, headers=failure.headers) from None


async def _check_thread(auth: Authenticator, principal: Principal, rule: Rule, call: Call) -> None:
    """A thread the request names must be the caller's and match the filters: else 404."""
    if rule.thread == "path":
        thread_id = call.path.get("thread_id")
    elif rule.thread == "header":
        thread_id = call.headers.get("x-thread-id")
    else:
        thread_id = call.field("thread_id")
    if not isinstance(thread_id, str) or not thread_id:
        return
    hidden = Refusal(404, f"Thread with ID {thread_id} not found", "filtered")
    try:
        metadata = await auth.threads(thread_id, principal.name)
    except ThreadNotFound:  # another identity's
        raise hidden from None
    if metadata is not None and not principal.allows(metadata):
        raise hidden


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _set_length(scope: Scope, length: int) -> None:
    scope["headers"] = [
        *(h for h in scope["headers"] if h[0].lower() != b"content-length"),
        (b"content-length", str(length).encode()),
    ]


async def _answer(send: Send, scope: Scope, refusal: Refusal) -> None:
    body = json.dumps(error_body_for(scope["path"], refusal.status, refusal.message,
                                     code=refusal.code)).encode()  # fmt: skip
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in refusal.headers.items()]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
