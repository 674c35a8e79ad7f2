"""calculator: arithmetic and math functions on an AST allowlist; no eval of any kind."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

from langchain_core.tools import BaseTool, tool
from pydantic import BaseModel, Field

from tools.base import ToolConfig, ToolError, check_input_size

MAX_EXPRESSION_CHARS = 500
MAX_NODES = 200
MAX_DEPTH = 30
MAX_INT_BITS = 4096  # results and operands; about 1,233 decimal digits
MAX_EXPONENT = 10_000
MAX_FACTORIAL = 1000

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
_CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}


def _factorial(n: Any) -> int:
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    if not isinstance(n, int) or n < 0:
        raise ToolError("factorial() takes a non-negative whole number")
    if n > MAX_FACTORIAL:
        raise ToolError(f"factorial({n}) is too large (limit {MAX_FACTORIAL})")
    return math.factorial(n)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": math.sqrt,
    "cbrt": lambda x: math.copysign(abs(x) ** (1 / 3), x),
    "abs": abs,
    "round": round,
    "floor": math.floor,
    "ceil": math.ceil,
    "exp": math.exp,
    "log": math.log,
    "ln": math.log,
    "log10": math.log10,
    "log2": math.log2,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "degrees": math.degrees,
    "radians": math.radians,
    "factorial": _factorial,
    "gcd": math.gcd,
    "lcm": math.lcm,
    "min": min,
    "max": max,
    "hypot": math.hypot,
}

# Symbols people type that Python spells differently.
_SPELLINGS = {"×": "*", "·": "*", "÷": "/", "−": "-", "^": "**", "√": "sqrt", "π": "pi"}


def _check_int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise ToolError(f"a number in this calculation has more than {MAX_INT_BITS} bits")
    return value


def _power(base: Any, exponent: Any) -> Any:
    if isinstance(exponent, int) and abs(exponent) > MAX_EXPONENT:
        raise ToolError(f"exponent {exponent} is too large (limit {MAX_EXPONENT})")
    # Estimate the result size before computing it.
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and exponent > 0
        and abs(base) > 1
        and base.bit_length() * exponent > MAX_INT_BITS + 64
    ):
        raise ToolError(f"{base}**{exponent} is too large to compute exactly")
    if isinstance(exponent, float) and abs(exponent) > MAX_EXPONENT:
        raise ToolError(f"exponent {exponent} is too large (limit {MAX_EXPONENT})")
    return operator.pow(base, exponent)


class _Evaluator:
    def __init__(self) -> None:
        self.nodes = 0

    def eval(self, node: ast.AST, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ToolError(f"expression is too complex (more than {MAX_NODES} parts)")
        if depth > MAX_DEPTH:
            raise ToolError(f"expression is nested too deeply (limit {MAX_DEPTH})")
        if isinstance(node, ast.Expression):
            return self.eval(node.body, depth + 1)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ToolError(f"only numbers are allowed, not {node.value!r}")
            return _check_int(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left = self.eval(node.left, depth + 1)
            right = self.eval(node.right, depth + 1)
            if isinstance(node.op, ast.Pow):
                return _check_int(_power(left, right))
            if (
                isinstance(node.op, ast.Mult)
                and isinstance(left, int)
                and isinstance(right, int)
                and left.bit_length() + right.bit_length() > MAX_INT_BITS + 1
            ):
                raise ToolError("the product is too large to compute exactly")
            return _check_int(_BINARY[type(node.op)](left, right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](self.eval(node.operand, depth + 1))
        if isinstance(node, ast.Name):
            if node.id in _CONSTANTS:
                return _CONSTANTS[node.id]
            raise ToolError(f"unknown name {node.id!r}; constants: {', '.join(_CONSTANTS)}")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
                name = node.func.id if isinstance(node.func, ast.Name) else "?"
                raise ToolError(
                    f"unknown function {name!r}; allowed: {', '.join(sorted(_FUNCTIONS))}"
                )
            if node.keywords:
                raise ToolError("functions take positional arguments only")
            args = [self.eval(arg, depth + 1) for arg in node.args]
            return _check_int(_FUNCTIONS[node.func.id](*args))
        raise ToolError(f"{type(node).__name__} is not allowed in a calculation")


def normalise_expression(expression: str) -> str:
    """Turn common typed forms (×, ÷, ^, a trailing '=') into Python syntax."""
    text = expression.strip().rstrip("=?").strip()
    for symbol, python in _SPELLINGS.items():
        text = text.replace(symbol, python)
    return text.replace(",", "") if "(" not in text else text


def evaluate(expression: str) -> int | float:
    """Evaluate an arithmetic expression safely, raising :class:`ToolError` on anything else."""
    check_input_size("expression", expression, MAX_EXPRESSION_CHARS)
    if "\x00" in expression:
        raise ToolError("expression: NUL bytes are not allowed")
    text = normalise_expression(expression)
    if not text:
        raise ToolError("expression: empty")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ToolError(f"expression: not valid arithmetic ({type(exc).__name__})") from None
    try:
        value = _Evaluator().eval(tree)
    except ToolError:
        raise
    except ZeroDivisionError:
        raise ToolError("division by zero") from None
    except OverflowError:
        raise ToolError("the result is too large") from None
    except (ValueError, TypeError) as exc:
        raise ToolError(f"math error: {exc}") from None
    if isinstance(value, complex):
        raise ToolError("the result is not a real number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("the result is too large (or not a number)")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def format_number(value: int | float) -> str:
    """Numbers as people read them: integers exact, floats to 12 significant digits."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    return f"{value:.12g}"


class CalculatorArgs(BaseModel):
    expression: str = Field(
        description="An arithmetic expression, e.g. '23*19', '(2+3)**2', 'sqrt(2)/2', "
        "'factorial(10)'. Operators: + - * / // % **. Functions: sqrt, log, sin, cos, ...",
        max_length=MAX_EXPRESSION_CHARS,
    )


def build(config: ToolConfig) -> BaseTool:
    @tool("calculator", args_schema=CalculatorArgs)
    def calculator(expression: str) -> dict[str, Any]:
        """Calculate the exact value of an arithmetic expression. Use it for any arithmetic
        instead of computing in your head."""
        value = evaluate(expression)
        shown = format_number(value)
        return {
            "expression": expression,
            "result": shown,
            "summary": f"{expression.strip().rstrip('=?').strip()} = {shown}",
            "key": shown,
        }

    return calculator
