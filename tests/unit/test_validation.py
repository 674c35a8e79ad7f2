from __future__ import annotations

from tools.registry import build_tools
from tools.specs import ToolSpec, argument_errors, match_tool

SPECS = [ToolSpec.from_tool(t) for t in build_tools()]


def test_match_tool_forgives_prefix_case_and_dashes() -> None:
    assert match_tool("calculator", SPECS).name == "calculator"  # type: ignore[union-attr]
    assert match_tool("functions.calculator", SPECS).name == "calculator"  # type: ignore[union-attr]
    assert match_tool("Time-Now", SPECS).name == "time_now"  # type: ignore[union-attr]
    assert match_tool("weather", SPECS) is None


def test_argument_errors_name_the_field() -> None:
    calculator = match_tool("calculator", SPECS)
    assert calculator is not None
    assert argument_errors(calculator, {"expression": "1+1"}) == []
    errors = argument_errors(calculator, {"expression": 5})
    assert errors and errors[0].startswith("expression:")
    assert any("required" in e for e in argument_errors(calculator, {}))


def test_openai_round_trip() -> None:
    spec = SPECS[0]
    assert ToolSpec.from_openai(spec.openai) == spec
