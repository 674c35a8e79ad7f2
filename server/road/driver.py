"""The one graph driver: every run, on every surface, is this stream of the graph.

:func:`drive` streams the compiled graph with the modes a surface asks for, always with
``values`` and ``updates`` beside them and with subgraphs, and yields ``(namespace, mode,
chunk)`` triples. On the way it keeps what the run's end needs (:class:`Drive`): the last values
of the root graph and the interrupts it stopped at. Everything else is the surface's: ``invoke``
is this stream drained (:meth:`server.road.run.Run.invoke`), a surface's stream is this stream
filtered and framed (``/v1`` chunks, the page's events, LangServe's chunks, the Agent Server's
event names in :mod:`server.agentserver.events`).

With ``events`` the graph runs under LangChain's ``astream_events`` (v2): its callback events
come through as ``((), "events", event)``, and the graph's own stream chunks, which it carries in
the root run's ``on_chain_stream`` events, come through as from a plain stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

Namespace = tuple[str, ...]
Item = tuple[Namespace, str, Any]


@dataclass
class Drive:
    """What a drive of the graph has seen so far."""

    final: dict[str, Any] = field(default_factory=dict)
    """The root graph's last values."""
    interrupts: list[Any] = field(default_factory=list)
    """The interrupts the run stopped at (``__interrupt__`` updates of the root graph)."""

    def state(self) -> dict[str, Any]:
        """The final values, with ``__interrupt__`` when the run waits (as ``ainvoke`` returns)."""
        if not self.interrupts:
            return self.final
        return {**self.final, "__interrupt__": list(self.interrupts)}

    def see(self, namespace: Namespace, mode: str, chunk: Any) -> None:
        if namespace:
            return
        if mode == "values" and isinstance(chunk, dict):
            self.final = chunk
        elif mode == "updates" and isinstance(chunk, dict):
            self.interrupts.extend(chunk.get("__interrupt__") or ())


async def drive(
    graph: Any,
    graph_input: Any,
    config: dict[str, Any],
    seen: Drive,
    *,
    context: Any,
    modes: Sequence[str] = ("values",),
    events: bool = False,
    interrupt_before: Any = None,
    interrupt_after: Any = None,
    durability: str | None = None,
) -> AsyncIterator[Item]:
    """Stream ``graph`` (see the module docstring); ``seen`` is kept up to date."""
    kwargs: dict[str, Any] = {
        "context": context,
        "stream_mode": sorted({*modes, "values", "updates"} - {"events"}),
        "subgraphs": True,
    }
    if interrupt_before:
        kwargs["interrupt_before"] = interrupt_before
    if interrupt_after:
        kwargs["interrupt_after"] = interrupt_after
    if durability:
        kwargs["durability"] = durability
    if not events:
        async for namespace, mode, chunk in graph.astream(graph_input, config, **kwargs):
            seen.see(namespace, mode, chunk)
            yield namespace, mode, chunk
        return
    root = str(config.get("run_id")) if config.get("run_id") else None
    async for event in graph.astream_events(graph_input, config, version="v2", **kwargs):
        data = event.get("data") or {}
        chunk = data.get("chunk")
        if (
            event.get("event") == "on_chain_stream"
            and (root is None or event.get("run_id") == root)
            and not event.get("parent_ids")
            and isinstance(chunk, tuple)
            and len(chunk) == 3
        ):
            namespace, mode, value = chunk
            seen.see(namespace, mode, value)
            yield namespace, mode, value
        elif "langsmith:hidden" not in (event.get("tags") or []):
            yield (), "events", event
