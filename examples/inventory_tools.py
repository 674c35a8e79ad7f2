"""An example Python tool module for ``TOOLLOOM_TOOL_MODULES=examples.inventory_tools``.

toolloom imports the module and takes its ``tools`` list (without one, every ``@tool`` function
at module level). Each tool runs under toolloom's rules: its arguments are checked against the
schema built from the type hints, the call is stopped after ``TOOLLOOM_TOOL_TIMEOUT`` seconds,
the result is cut to ``TOOLLOOM_TOOL_OUTPUT_CHARS``, and an exception becomes a tool error the
model reads. A tool is treated as changing the world unless its metadata says
``read_only=True``.

Raise ``ToolException`` for an expected failure: its message is what the model sees.
"""

from __future__ import annotations

from langchain_core.tools import ToolException, tool

_STOCK = {"widget": 12, "gadget": 0, "gizmo": 3}
_RESERVED: dict[str, int] = {}


@tool
def stock_level(item: str) -> dict[str, int | str]:
    """How many units of an item are in stock (widget, gadget, gizmo)."""
    if item not in _STOCK:
        raise ToolException(f"unknown item {item!r}; known items: {', '.join(sorted(_STOCK))}")
    return {"item": item, "in_stock": _STOCK[item] - _RESERVED.get(item, 0)}


@tool
def reserve_item(item: str, quantity: int = 1) -> str:
    """Reserve units of an item for an order."""
    available = _STOCK.get(item, 0) - _RESERVED.get(item, 0)
    if quantity < 1 or quantity > available:
        raise ToolException(f"cannot reserve {quantity} {item}: {available} available")
    _RESERVED[item] = _RESERVED.get(item, 0) + quantity
    return f"reserved {quantity} {item}"


stock_level.metadata = {"read_only": True}  # only reads: never held back as a side effect

tools = [stock_level, reserve_item]
