"""Model outputs for real BFCL cases, each with the verdict BFCL's rules give it by construction:
outputs built from BFCL's ground truth (right), and the usual ways of getting a call wrong (wrong
function, wrong argument value, missing required argument, wrong type, extra argument, wrong
number of calls). The unit tests put every one of them through the official checker.

A wrong output changes one thing in the first call, chosen so that the changed call fits none of
the case's expected calls (for parallel cases, not another expected call of the same function
either); the verdict is then "invalid" whatever else the checker looks at, and the error type
it gives is known for the single-call categories.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Calls = list[dict[str, Any]]

# The Python type each BFCL type wants, as BFCL's checker compares them with type().
PYTHON: dict[str, type] = {
    "string": str, "integer": int, "float": float, "boolean": bool, "array": list,
    "tuple": list, "dict": dict, "any": str,
}  # fmt: skip


@dataclass(frozen=True)
class Output:
    """One model output for a case: ``valid`` is BFCL's verdict by construction; ``error`` is the
    start of the error type the checker must give an invalid one (None: not pinned down)."""

    what: str
    calls: Calls
    valid: bool
    error: str | None = None


def type_fits(value: Any, kind: str | None) -> bool:
    """Whether ``value`` has the schema type ``kind`` (an int passes for a float, as in BFCL)."""
    wanted = PYTHON.get(kind or "")
    if wanted is None:
        return True
    return type(value) is wanted or (wanted is float and type(value) is int)


def concrete(option: Any) -> Any:
    """A value from an accepted option: nested dicts in BFCL's {key: [accepted]} form unwrapped."""
    if isinstance(option, dict):
        out = {}
        for key, accepted in option.items():
            if not isinstance(accepted, list):
                out[key] = accepted  # a few answers give a nested value as it is
            elif accepted and accepted[0] != "":
                out[key] = concrete(accepted[0])
        return out
    if isinstance(option, list):
        return [concrete(item) for item in option]
    return option


def _given(options: Any) -> list[Any]:
    """The accepted values of a parameter that are values (``""`` marks "may be left out")."""
    return [o for o in options if o != ""] if isinstance(options, list) else []


def accepted_call(
    answer: dict[str, Any], functions: dict[str, Any], pick: int = 0
) -> dict[str, Any]:
    """A call built from BFCL's ground truth: for each parameter the ``pick``-th accepted value
    (0 the first, -1 the last) of the schema's type, else (the ground truth then names a variable,
    of its own type) the first accepted value as it is; left out where ``""`` is the only one, and
    where the function has no such parameter (a few ground truths name one of another function)."""
    ((name, params),) = answer.items()
    properties = functions[name]["parameters"].get("properties", {})
    args = {}
    for key, options in params.items():
        given = _given(options)
        if not given or key not in properties:
            continue
        kind = properties.get(key, {}).get("type")
        fitting = [o for o in given if type_fits(concrete(o), kind)]
        args[key] = concrete(fitting[pick] if fitting else given[0])
    return {"name": name, "args": args}


def right_calls(case: dict[str, Any], pick: int = 0) -> Calls:
    functions = {f["name"]: f for f in case["function"]}
    return [accepted_call(answer, functions, pick) for answer in case["answers"]]


def unanswerable(case: dict[str, Any]) -> str | None:
    """Why no output can pass this case's ground truth (BFCL's data has a few), or None: a
    required parameter with no accepted value, or a parameter the function does not have that the
    ground truth does not let be left out."""
    functions = {f["name"]: f for f in case["function"]}
    for answer in case["answers"]:
        ((name, params),) = answer.items()
        if name not in functions:
            return f"the ground truth calls {name}, which is not offered"
        schema = functions[name]["parameters"]
        for key in schema.get("required", []):
            if not _given(params.get(key)):
                return f"{name}: required {key} has no accepted value"
        for key, options in params.items():
            if key not in schema.get("properties", {}) and "" not in options:
                return f"{name}: the ground truth wants {key}, which the function does not have"
    return None


def _answer_type(options: list[Any]) -> type | None:
    given = _given(options)
    return type(given[0]) if given else None


def _wrong_type(kind: str | None, answer_types: set[type | None]) -> Any:
    """A value of neither the schema's type nor any accepted value's type."""
    wanted = PYTHON.get(kind or "")
    for candidate in (7, "zq", [7], {"zq": 7}, True):
        if type(candidate) in answer_types or type(candidate) is wanted:
            continue
        if wanted is float and type(candidate) is int:
            continue  # BFCL takes an int for a float
        return candidate
    raise AssertionError(f"no wrong type for {kind}")


def _wrong_value(value: Any) -> Any:
    """A value of the same type that no ground truth lists."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 100_003
    if isinstance(value, float):
        return value + 1000.25
    if isinstance(value, str):
        return value + " zq"
    if isinstance(value, list):
        return [*value, value[-1]] if value else ["zq"]
    if isinstance(value, dict):
        return {**value, "zq": 1}
    return "zq"


def outputs(case: dict[str, Any]) -> Iterator[Output]:
    """Right and wrong outputs for one case, with their verdicts."""
    category = case["category"]
    functions = {f["name"]: f for f in case["function"]}
    if not case["answers"]:  # irrelevance: only no call is right
        yield Output("no call", [], True)
        wrong = "irrelevance_error:decoder_success"
        first = (case["function"] or [{"name": "zq_unoffered", "parameters": {}}])[0]
        schema = first["parameters"]
        properties = schema.get("properties", {})
        args = {key: "x" for key in schema.get("required", []) if key in properties}
        yield Output("a call", [{"name": first["name"], "args": args}], False, wrong)
        yield Output(
            "a call without arguments", [{"name": first["name"], "args": {}}], False, wrong
        )
        yield Output("two calls", [{"name": first["name"], "args": args}] * 2, False, wrong)
        return
    if unanswerable(case):
        return

    parallel = "parallel" in category
    checker = (
        "parallel_function_checker_no_order"
        if parallel
        else "multiple_function_checker"
        if "multiple" in category
        else "simple_function_checker"
    )

    def error(single: str) -> str:
        """The error type for a wrong first call: ``single`` where one call is expected."""
        return f"{checker}:cannot_find_match" if parallel else single

    right = right_calls(case)
    yield Output("ground truth", right, True)
    yield Output("last accepted values", right_calls(case, pick=-1), True)
    expected_names = [next(iter(answer)) for answer in case["answers"]]
    if len(right) > 1 and len(set(expected_names)) == len(expected_names):
        yield Output("ground truth, calls reversed", right[::-1], True)
    yield Output("no call", [], False, f"{checker}:wrong_count")
    yield Output("one call more", [*right, right[-1]], False, f"{checker}:wrong_count")
    if len(right) > 1:
        yield Output("one call fewer", right[:-1], False, f"{checker}:wrong_count")

    name, args = right[0]["name"], right[0]["args"]
    schema = functions[name]["parameters"]
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    # every expected call of this function: a changed first call must fit none of them
    answers = [answer[name] for answer in case["answers"] if name in answer]

    def first_call(new_args: dict[str, Any], new_name: str = name) -> Calls:
        return [{"name": new_name, "args": new_args}, *copy.deepcopy(right[1:])]

    others = [f for f in functions if f not in expected_names]
    yield Output(
        "wrong function",
        first_call(args, others[0] if others else name + "_v2"),
        False,
        error("simple_function_checker:wrong_func_name"),
    )
    for key in required:
        yield Output(
            f"missing required: {key}",
            first_call({k: v for k, v in args.items() if k != key}),
            False,
            error("simple_function_checker:missing_required"),
        )
    unexpected = error("simple_function_checker:unexpected_param")
    yield Output("extra argument", first_call({**args, "zq_extra": "x"}), False, unexpected)
    left_out = [k for k in properties if all(k not in answer for answer in answers)]
    if left_out:  # in the schema, but no ground truth has it
        yield Output(f"argument the answer has not: {left_out[0]}",
                     first_call({**args, left_out[0]: "x"}), False, unexpected)  # fmt: skip

    for key, value in args.items():
        kind = properties.get(key, {}).get("type")
        options = [answer.get(key, []) for answer in answers]
        answer_types = {_answer_type(o) for o in options}
        if kind not in PYTHON:
            continue
        yield Output(
            f"wrong type: {key}",
            first_call({**args, key: _wrong_type(kind, answer_types)}),
            False,
            error("type_error:"),
        )
        variable = _answer_type(options[0]) is not PYTHON[kind] and not (
            kind == "float" and _answer_type(options[0]) is int
        )
        if variable:  # the ground truth names a variable: its own type and value pass
            continue
        changed = _wrong_value(value)
        if value != [] and all(changed not in o for o in options):
            yield Output(f"wrong value: {key}", first_call({**args, key: changed}), False,
                         error("value_error:"))  # fmt: skip
        if kind == "integer" and float not in answer_types:
            yield Output(f"float for an integer: {key}", first_call({**args, key: float(value)}),
                         False, error("type_error:"))  # fmt: skip
        if kind in ("integer", "float") and bool not in answer_types:
            yield Output(f"boolean for a number: {key}", first_call({**args, key: True}), False,
                         error("type_error:"))  # fmt: skip
        if kind == "float" and isinstance(value, float) and value.is_integer():
            yield Output(f"int for a float: {key}", first_call({**args, key: int(value)}), True)
        if kind == "string" and value.upper().lower() == value.lower():
            restyled = " " + value.upper().replace(" ", "-") + "."
            yield Output(f"string restyled: {key}", first_call({**args, key: restyled}), True)
    for key, options in answers[0].items() if len(answers) == 1 else ():
        if key in args and "" in options and key not in required:
            yield Output(f"optional left out: {key}",
                         first_call({k: v for k, v in args.items() if k != key}), True)  # fmt: skip
