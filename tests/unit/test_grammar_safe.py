"""Schemas sent to a model as a grammar lose the bounds that llama.cpp cannot build a grammar for."""

from __future__ import annotations

from backends.backend import GRAMMAR_BOUND, grammar_safe
from nodes.structured import structured_schema
from tools.registry import build_tools
from tools.specs import ToolSpec


def test_large_bounds_are_dropped_and_small_ones_kept() -> None:
    schema = {
        "type": "object",
        "properties": {
            "sql": {"type": "string", "maxLength": 20000, "minLength": 1},
            "params": {"type": "array", "maxItems": 100, "items": {"type": "string"}},
            "huge": {"type": "array", "maxItems": GRAMMAR_BOUND + 1},
            # a parameter *named* like a keyword is a property, not a bound
            "maxLength": {"type": "integer", "maximum": 100000},
        },
        "required": ["sql"],
    }
    assert grammar_safe(schema) == {
        "type": "object",
        "properties": {
            "sql": {"type": "string", "minLength": 1},
            "params": {"type": "array", "maxItems": 100, "items": {"type": "string"}},
            "huge": {"type": "array"},
            "maxLength": {"type": "integer", "maximum": 100000},
        },
        "required": ["sql"],
    }


def test_no_builtin_schema_keeps_a_bound_above_the_limit() -> None:
    specs = [ToolSpec.from_tool(tool) for tool in build_tools()]
    text = str(grammar_safe(structured_schema(specs, allow_none=True)))
    assert "20000" not in text
    for key in ("maxLength", "maxItems", "minLength", "minItems"):
        for part in text.split(f"'{key}': ")[1:]:
            assert int(part.split(",")[0].split("}")[0]) <= GRAMMAR_BOUND
