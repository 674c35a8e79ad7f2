"""What route decides for one request with every built-in allowed: shared by the intent tests."""

from __future__ import annotations

from functools import cache

from graph.state import Decision
from intent.model import IntentModel
from nodes.decision import decide_turn
from tools.registry import build_tools
from tools.specs import ToolSpec

SPECS = [ToolSpec.from_tool(tool) for tool in build_tools()]


@cache
def shipped_model() -> IntentModel:
    """The shipped intent model, loaded once for the whole session."""
    return IntentModel.load()


def decide_all(model: IntentModel, text: str) -> Decision:
    """Route's decision for ``text``, every built-in tool offered and allowed."""
    decision = decide_turn(model, SPECS, SPECS, False, text)
    assert decision is not None
    return decision


def tools_of(model: IntentModel, text: str) -> set[str]:
    """The tools the decision calls or asks the arguments of."""
    decision = decide_all(model, text)
    return {call["name"] for call in decision["calls"]} | set(decision["missing"])
