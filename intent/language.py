"""The language a request is written in, guessed from the request alone: by script (Hangul,
kana, Han, Cyrillic), else by the commonest short words and the letters of each Latin-script
language; English when nothing decides. Good enough to answer in the user's language and to know
when the character n-grams have never seen a language (Italian, Dutch, Turkish, Polish).
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "de", "fr", "es", "pt", "it", "nl", "ru", "tr", "pl", "ko", "ja", "zh")
PHRASEBOOK_LANGUAGES = frozenset({"en", "de", "fr", "es", "pt", "ko", "ja", "zh"})
"""The languages the phrasing generator writes (the character n-grams know them)."""

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
