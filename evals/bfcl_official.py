"""BFCL's own AST checker, run from the pinned ``bfcl-eval`` wheel without installing bfcl-eval.

``pip install bfcl-eval`` would bring heavy, pinned dependencies (numpy==1.26.4, torch through
sentence-transformers, faiss-cpu, tree-sitter, the anthropic, cohere, mistralai, google-genai and
writer SDKs, ...). The checker does not need them:

- ``bfcl_eval/eval_checker/ast_eval/ast_checker.py`` imports only the standard library and four
  small modules of its package (``constants.enums``, ``constants.type_mappings`` and the Java and
  JavaScript type converters). They are all imported from the wheel as they are.
- Its fifth import, ``constants.model_config``, imports every model handler (and so every SDK).
  The checker reads one thing from it: ``MODEL_CONFIG_MAPPING[model].underscore_to_dot``, whether a
  model's calls name a dotted function with underscores. toolloom's calls carry the original names
  (the eval maps the renamed tools back), so that one entry is given: ``toolloom``, False.
- Irrelevance is BFCL's ``is_empty_output`` (with ``is_function_calling_format_output``) from
  ``bfcl_eval/utils.py``. Importing that file creates directories beside the package and needs
  ``filelock``, so these two pure functions are compiled from its source alone.

The import is isolated: afterwards neither ``sys.modules`` nor ``sys.path`` holds anything of it.
"""

from __future__ import annotations

import ast
import importlib
import sys
import types
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODEL_NAME = "toolloom"
PACKAGE = "bfcl_eval"
CHECKER_MODULE = "bfcl_eval.eval_checker.ast_eval.ast_checker"
UTILS_FUNCTIONS = ("is_function_calling_format_output", "is_empty_output")


# BFCL's own words for the verdicts its eval runner gives outside ``ast_checker``
# (``bfcl_eval/eval_checker/eval_runner.py``: ``_evaluate_single_relevance_entry`` and
# ``_evaluate_single_ast_entry``); that file imports every model handler, so it is not loaded.
IRRELEVANCE_ERROR = (
    "irrelevance_error:decoder_success",
    "Valid syntax. Successfully decode AST when it should not.",
)
FORMAT_ERROR = (
    "ast_decoder:decoder_wrong_output_format",
    "Did not output in the specified format.",
)
# Not BFCL's: its runner would stop on an exception from the checker; here that one case fails.
RAISED = "toolloom:checker_raised"


@dataclass(frozen=True)
class Verdict:
    """BFCL's verdict on one case: ``valid``, and for an invalid one BFCL's ``error_type`` (such as
    ``type_error:simple``) and ``error`` (its messages, as the checker returns them)."""

    valid: bool
    error_type: str | None = None
    error: list[Any] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """One line: ``valid``, or the error type and the first message."""
        if self.valid:
            return "valid"
        first = self.error[0] if self.error else ""
        return f"{self.error_type}: {first}"[:300]

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "error_type": self.error_type, "error": self.error}


@dataclass(frozen=True)
class OfficialChecker:
    """The official functions, and the wheel they were loaded from."""

    ast_checker: Callable[..., dict[str, Any]]
    python: Any  # bfcl_eval.constants.enums.Language.PYTHON
    is_function_calling_format_output: Callable[[Any], bool]
    is_empty_output: Callable[[Any], bool]
    wheel: Path

    def check(self, case: dict[str, Any], calls: list[dict[str, Any]]) -> Verdict:
        """Score calls ``[{"name", "args"}]`` as BFCL's eval runner scores a decoded model output:
        ``[{name: args}, ...]``, irrelevance by ``is_empty_output``, the rest by ``ast_checker``
        with the case's category, its functions and its ground truth."""
        category = case["category"]
        output = [{call["name"]: call["args"]} for call in calls]
        if "irrelevance" in category:
            if self.is_empty_output(output):
                return Verdict(True)
            return Verdict(False, IRRELEVANCE_ERROR[0], [IRRELEVANCE_ERROR[1]])
        if not self.is_function_calling_format_output(output):
            return Verdict(False, FORMAT_ERROR[0], [FORMAT_ERROR[1]])
        try:
            result = self.ast_checker(
                case["function"], output, case["answers"], self.python, category, MODEL_NAME
            )
        except Exception as exc:
            return Verdict(False, RAISED, [f"{type(exc).__name__}: {exc}"[:300]])
        if result["valid"]:
            return Verdict(True)
        return Verdict(False, str(result.get("error_type")), list(result.get("error") or []))


def _ours(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


@contextmanager
def _isolated_import(wheel: Path) -> Iterator[None]:
    """``bfcl_eval`` importable from the wheel, with the one-entry model config, only inside."""
    saved = {name: module for name, module in sys.modules.items() if _ours(name)}
    for name in saved:
        del sys.modules[name]
    config = types.ModuleType(f"{PACKAGE}.constants.model_config")
    config.MODEL_CONFIG_MAPPING = {  # type: ignore[attr-defined]
        MODEL_NAME: types.SimpleNamespace(underscore_to_dot=False)
    }
    sys.modules[config.__name__] = config
    entry = str(wheel)
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        sys.path.remove(entry)
        sys.path_importer_cache.pop(entry, None)
        for name in [name for name in sys.modules if _ours(name)]:
            del sys.modules[name]
        sys.modules.update(saved)


def _utils_functions(wheel: Path) -> dict[str, Any]:
    """``UTILS_FUNCTIONS`` compiled from ``bfcl_eval/utils.py``'s source, without its imports."""
    name = f"{PACKAGE}/utils.py"
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(name).decode("utf-8")
    tree = ast.parse(source)
    wanted = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in UTILS_FUNCTIONS]
    missing = set(UTILS_FUNCTIONS) - {n.name for n in wanted}
    if missing:
        raise ImportError(f"{name} has no {', '.join(sorted(missing))}")
    namespace: dict[str, Any] = {}
    code = compile(ast.Module(body=list(wanted), type_ignores=[]), f"{wheel}/{name}", "exec")
    exec(code, namespace)  # noqa: S102 - the pinned wheel's own source, as an import would run it
    return namespace


def load(wheel: Path) -> OfficialChecker:
    """The official checker from ``wheel``; raises when the wheel does not provide it."""
    if not wheel.is_file():
        raise FileNotFoundError(wheel)
    with _isolated_import(wheel):
        module = importlib.import_module(CHECKER_MODULE)
        enums = importlib.import_module(f"{PACKAGE}.constants.enums")
    utils = _utils_functions(wheel)
    return OfficialChecker(
        ast_checker=module.ast_checker,
        python=enums.Language.PYTHON,
        is_function_calling_format_output=utils["is_function_calling_format_output"],
        is_empty_output=utils["is_empty_output"],
        wheel=wheel,
    )
