"""Ranking the offered tools against a request, for tools the intent model does not know.

Client tools in tool-call mode, BFCL's functions, MCP and Python tools: stage 2 asks the model to
fill **one** known schema instead of choosing among many (a small model fills one schema far
better than it picks among sixteen). The candidates are ranked by BM25 (the ``bm25s`` library)
over each tool's name (split at ``_``, ``.``, ``-`` and camelCase), description and parameter
names and descriptions; a tool no word of the request matches scores 0 and is never a candidate.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import bm25s

from tools.specs import ToolSpec

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _split_name(name: str) -> str:
    return _CAMEL.sub(" ", name).replace("_", " ").replace(".", " ").replace("-", " ")


def tool_document(spec: ToolSpec) -> str:
    """The words a tool is found by."""
    words = [_split_name(spec.name)]
    words.append(spec.description)
    for name, schema in (spec.parameters.get("properties") or {}).items():
        words.append(_CAMEL.sub(" ", name).replace("_", " "))
        if isinstance(schema, dict) and isinstance(schema.get("description"), str):
            words.append(schema["description"])
    return " ".join(words).lower()


@functools.lru_cache(maxsize=64)
def _index(documents: tuple[str, ...]) -> Any:
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(list(documents), show_progress=False), show_progress=False)
    return retriever


def rank_tools(text: str, specs: Sequence[ToolSpec]) -> list[tuple[ToolSpec, float]]:
    """The tools that share words with ``text``, best first, with their BM25 scores."""
    if not specs or not text.strip():
        return []
    # A tool named in the request ("web__add", "stockLevel") is found by its name's parts.
    query = bm25s.tokenize([_split_name(text).lower()], show_progress=False)
    if not query.vocab:  # nothing but stopwords
        return []
    retriever = _index(tuple(tool_document(spec) for spec in specs))
    found, scores = retriever.retrieve(query, k=len(specs), show_progress=False, n_threads=1)
    ranked = [
        (specs[int(index)], float(score))
        for index, score in zip(found[0], scores[0], strict=True)
        if score > 0
    ]
    return ranked
