"""When unsure, say so usefully: a short question naming the two or three likeliest tools, in the
user's language (issue 29).

On a small local model (the embedded default picks a tool about as well as chance), a request
the intent model is unsure of gets this question instead of a guess: "Do you mean a database
query or a calculation?". The language is guessed from the request itself: by script (Hangul,
kana, Han, Cyrillic), else by the commonest short words of each Latin-script language; English
when nothing decides. The wording is data (``intent/data/clarify.json``).

    >>> clarifying_question("tabla ventas, lo de ayer", ["database_query", "calculator"])
    '¿Quieres una consulta a la base de datos o un cálculo?'
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "clarify.json"

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "a",
            "an",
            "is",
            "are",
            "what",
            "how",
            "to",
            "of",
            "and",
            "my",
            "me",
            "please",
            "can",
            "you",
            "do",
            "in",
            "it",
            "this",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "ich",
            "mir",
            "mich",
            "nicht",
            "ein",
            "eine",
            "was",
            "wie",
            "bitte",
            "mit",
            "von",
            "zu",
            "im",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "et",
            "est",
            "je",
            "moi",
            "un",
            "une",
            "des",
            "du",
            "que",
            "quoi",
            "comment",
            "avec",
            "pour",
            "pas",
            "ce",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "y",
            "es",
            "yo",
            "me",
            "un",
            "una",
            "que",
            "qué",
            "cómo",
            "con",
            "para",
            "por",
            "del",
            "lo",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "os",
            "as",
            "e",
            "é",
            "eu",
            "me",
            "um",
            "uma",
            "que",
            "como",
            "com",
            "para",
            "do",
            "da",
            "não",
            "você",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "lo",
            "la",
            "gli",
            "le",
            "e",
            "è",
            "io",
            "mi",
            "un",
            "una",
            "che",
            "come",
            "con",
            "per",
            "del",
            "della",
            "non",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "is",
            "ik",
            "mij",
            "mijn",
            "wat",
            "hoe",
            "met",
            "voor",
            "van",
            "niet",
            "je",
            "dit",
        ]
    ),
    "tr": frozenset(
        [
            "bir",
            "ve",
            "bu",
            "ne",
            "nasıl",
            "için",
            "ile",
            "mi",
            "mı",
            "mu",
            "bana",
            "şu",
            "da",
            "de",
            "ki",
        ]
    ),
    "pl": frozenset(
        [
            "i",
            "w",
            "na",
            "jest",
            "to",
            "co",
            "jak",
            "z",
            "do",
            "się",
            "nie",
            "mi",
            "ten",
            "czy",
            "proszę",
        ]
    ),
}
_DIACRITICS = {
    "de": "äß", "fr": "àâçèêëîïôûù", "es": "ñ¿¡", "pt": "ãõ",
    "it": "àèìòù", "tr": "ğışİ", "pl": "ąćęłńśźż",
}  # fmt: skip


def guess_language(text: str) -> str:
    """The request's language, as one of the 13 codes of ``clarify.json`` (``en`` by default)."""
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    if re.search(r"[А-Яа-яЁё]", text):
        return "ru"
    words = re.findall(r"[^\W\d_]+", text.lower())
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    lowered = text.lower()
    for lang, marks in _DIACRITICS.items():
        scores[lang] += 2 * sum(lowered.count(c) for c in marks)
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] > 0 else "en"


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
