"""When unsure, say so usefully: a short question naming the two or three likeliest tools, in the
user's language (issue 29).

On a small local model (the embedded default picks a tool about as well as chance), a request
the intent model is unsure of gets this question instead of a guess: "Do you mean a database
query or a calculation?". The language is guessed from the request itself
(:func:`intent.language.guess_language`). The wording is data (``intent/data/clarify.json``).

    >>> clarifying_question("tabla ventas, lo de ayer", ["database_query", "calculator"])
    '¿Quieres una consulta a la base de datos o un cálculo?'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from intent.language import guess_language

DATA = Path(__file__).parent / "data" / "clarify.json"


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def clarifying_question(text: str, tools: Sequence[str], most: int = 3) -> str | None:
    """The question naming the likeliest ``tools`` (best first, at most ``most``) in the language
    of ``text``; None when fewer than one known tool is given."""
    data = _data()
    known = [tool for tool in tools if tool in data["tools"]][:most]
    if not known:
        return None
    lang = guess_language(text)
    names = [data["tools"][tool][lang] for tool in known]
    joined = data["or"][lang].join(
        [data["comma"][lang].join(names[:-1]), names[-1]] if len(names) > 1 else names
    )
    question: str = data["question"][lang].format(options=joined)
    return question
