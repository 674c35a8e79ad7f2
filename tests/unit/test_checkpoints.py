"""Strict checkpoint deserialisation: a checkpoint naming an arbitrary type does not revive it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from graph.checkpoints import open_checkpointer, strict_serde

REVIVED: list[Any] = []


@dataclass
class Planted:
    """A type a hostile checkpoint names; reviving it runs its constructor."""

    payload: str = ""

    def __post_init__(self) -> None:
        REVIVED.append(self.payload)


def test_strict_serde_keeps_messages_and_refuses_other_types() -> None:
    permissive = JsonPlusSerializer(allowed_msgpack_modules=True)
    state = {"messages": [HumanMessage(content="hi"), AIMessage(content="hello")], "n": 3}
    assert strict_serde().loads_typed(permissive.dumps_typed(state)) == state

    REVIVED.clear()
    planted = permissive.dumps_typed({"x": Planted("boom")})
    assert isinstance(permissive.loads_typed(planted)["x"], Planted)  # the stock default revives it
    assert REVIVED == ["boom", "boom"]
    REVIVED.clear()
    loaded = strict_serde().loads_typed(planted)
    assert REVIVED == []  # never constructed
    assert not isinstance(loaded["x"], Planted)


async def test_the_server_checkpointer_is_strict(tmp_path: Path) -> None:
    async with open_checkpointer(tmp_path / "db.sqlite") as saver:
        planted = JsonPlusSerializer(allowed_msgpack_modules=True).dumps_typed(Planted("x"))
        REVIVED.clear()
        value = saver.serde.loads_typed(planted)
        assert REVIVED == [] and not isinstance(value, Planted)
