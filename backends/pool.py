"""Several backends by name, and the fallback chain that sends a failing step on.

- :class:`BackendPool`: the process's backends by entry name (each a
  :class:`~backends.backend.Backend` with its own retry policy, circuit breaker and learned
  quirks), the default one, and each one's **chain**: itself, then its fallbacks in order, each
  followed by its own fallbacks (depth first), every backend once.
- :class:`Routed`: one chain behind the two calls the nodes make (``chat`` and ``json_object``).
  A call goes to the first backend; when that fails in a way that is not the request's fault
  (:func:`falls_back`), the **same call** goes to the next backend of the chain, within the same
  run. The nodes never know: they call ``deps.backend_for(ctx)`` and get a :class:`Routed`.

**The fallback decision** (:func:`falls_back`) reads the one classifier,
:func:`backends.failures.classify`: a connection refused or dropped, a timeout, a 5xx that is not
about the request's shape, a 429 the retry loop would not (or no longer) wait for, a stream cut
off, an open circuit. Never a ``request_shape`` failure (400, 422, a 500 that says validation):
the next backend would refuse the same request, and a client's bad request must stay a clear
error, not a tour of every backend. An unreadable reply or a bug is not sent on either.

Each backend has already retried on its own (its :class:`~backends.resilience.RetryPolicy`)
before the step moves on; with its circuit open the move is immediate. Every reply says which
backend wrote it (``response_metadata["toolloom_backend"]``, set by the backend), the LLM log
line names the backend, and ``toolloom_llm_fallbacks_total{from_backend,to_backend,kind}``
counts the moves.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from langchain_core.messages import AIMessage, BaseMessage

from backends.backend import INTERNAL_TAG, Backend
from backends.failures import TRANSIENT, FailureKind, classify
from backends.telemetry import LLM_FALLBACKS

log = logging.getLogger(__name__)

T = TypeVar("T")

FALLBACK_KINDS: frozenset[FailureKind] = TRANSIENT | {"circuit_open"}
"""Failures that send a step to the next backend: the backend's fault, not the request's."""


def falls_back(exc: BaseException) -> bool:
    """Should the step that raised ``exc`` go to the next backend of its chain?"""
    return classify(exc).kind in FALLBACK_KINDS


class UnknownModel(LookupError):
    """A client asked for a model name no backend has (the API answers 400 listing ``valid``)."""

    def __init__(self, name: str, valid: Sequence[str]) -> None:
        super().__init__(f"unknown model {name!r}; valid models: {', '.join(valid)}")
        self.name = name
        self.valid = list(valid)


class Routed:
    """One chain of backends behind the calls the nodes make."""

    @property
    def answer_from_results(self) -> bool:
        """Whether the chosen backend (the chain's head) has answers written from results."""
        return self.chain[0].answer_from_results

    def __init__(self, chain: Sequence[Backend]) -> None:
        if not chain:
            raise ValueError("a chain needs at least one backend")
        self.chain = tuple(chain)

    @property
    def name(self) -> str:
        """The backend asked first (the entry the run chose)."""
        return self.chain[0].name

    async def chat(
        self,
        messages: Sequence[BaseMessage],
        *,
        tools: Sequence[dict[str, Any]] = (),
        tool_choice: Any = None,
        tags: Sequence[str] = (INTERNAL_TAG,),
    ) -> AIMessage:
        """:meth:`Backend.chat` on the first backend that answers (see the module docstring)."""
        return await self._first(
            lambda b: b.chat(messages, tools=tools, tool_choice=tool_choice, tags=tags)
        )

    async def json_object(
        self,
        messages: Sequence[BaseMessage],
        schema: dict[str, Any],
        max_tokens: int | None = None,
    ) -> dict[str, Any] | None:
        """:meth:`Backend.json_object` on the first backend that answers."""
        return await self._first(lambda b: b.json_object(messages, schema, max_tokens))

    async def _first(self, call: Callable[[Backend], Awaitable[T]]) -> T:
        last = len(self.chain) - 1
        for position, backend in enumerate(self.chain):
            try:
                return await call(backend)
            except Exception as exc:
                if position == last or not falls_back(exc):
                    raise
                following = self.chain[position + 1]
                kind = classify(exc).kind
                LLM_FALLBACKS.labels(backend.name, following.name, kind).inc()
                log.warning(
                    "backend %s failed (%s: %s); the step goes to %s",
                    backend.name,
                    kind,
                    type(exc).__name__,
                    following.name,
                )
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


ChatBackend = Backend | Routed
"""What a node calls: one backend, or a chain of them."""


class BackendPool:
    """The backends by name, the default, and the fallback chains."""

    def __init__(
        self,
        backends: Sequence[Backend],
        *,
        default: str | None = None,
        fallbacks: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        if not backends:
            raise ValueError("a pool needs at least one backend")
        self.backends: dict[str, Backend] = {}
        for backend in backends:
            if backend.name in self.backends:
                raise ValueError(f"two backends are named {backend.name!r}")
            self.backends[backend.name] = backend
        self.default = default or backends[0].name
        if self.default not in self.backends:
            raise ValueError(f"the default {self.default!r} is not a backend")
        self.fallbacks = {name: tuple((fallbacks or {}).get(name, ())) for name in self.backends}
        for name, names in self.fallbacks.items():
            missing = [n for n in names if n not in self.backends]
            if missing:
                raise ValueError(f"backend {name!r} falls back to unknown {missing}")
        self._routed = {name: Routed(self._chain(name)) for name in self.backends}

    @classmethod
    def single(cls, backend: Backend) -> BackendPool:
        return cls([backend])

    def names(self) -> list[str]:
        """Every backend's name, the default first."""
        return [self.default, *(n for n in self.backends if n != self.default)]

    def resolve(self, name: str | None) -> str:
        """The backend a request that names ``name`` runs on (None or empty: the default);
        :class:`UnknownModel` if there is none."""
        if not name:
            return self.default
        if name not in self.backends:
            raise UnknownModel(name, self.names())
        return name

    def get(self, name: str | None = None) -> Backend:
        return self.backends[self.resolve(name)]

    def chain(self, name: str | None = None) -> list[Backend]:
        """The backend, then its fallbacks (depth first, each once): the order a step tries."""
        return list(self._routed[self.resolve(name)].chain)

    def routed(self, name: str | None = None) -> Routed:
        """The chain for ``name`` as one backend (what the nodes call)."""
        return self._routed[self.resolve(name)]

    def _chain(self, name: str) -> list[Backend]:
        order: list[Backend] = []
        seen: set[str] = set()

        def visit(current: str) -> None:
            if current in seen:
                return
            seen.add(current)
            order.append(self.backends[current])
            for following in self.fallbacks[current]:
                visit(following)

        visit(name)
        return order
