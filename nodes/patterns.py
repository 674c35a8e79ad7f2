"""Stage 3 of detect-intent: deterministic patterns for clear requests to built-in tools.

A pattern fires only on a request that is unambiguous to a reader (an arithmetic expression
with a question around it, "what time is it in Seoul", "서울은 지금 몇 시야?"). It never guesses:
anything less clear is left to the model, and no call is better than a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tools.calculator import ToolError, evaluate
from tools.time_now import PLACES, resolve_zone

PatternCall = tuple[str, dict[str, Any]]

_FUNCS = r"(?:sqrt|cbrt|log10|log2|log|ln|exp|sin|cos|tan|abs|factorial|floor|ceil|round)"
_NUMBER = r"\d+(?:[.,]\d+)*"
_OPERAND = rf"(?:{_FUNCS}\s*\(\s*|\(\s*|-\s*)*{_NUMBER}(?:\s*\))*"
_OPERATOR = r"(?:\*\*|[-+*/%^×÷])"
_EXPRESSION = re.compile(rf"(?<![\w.]){_OPERAND}(?:\s*{_OPERATOR}\s*{_OPERAND})*")

# Words for operators, applied before the expression is searched for (English, Korean).
_WORDS: list[tuple[str, str]] = [
    (r"\bsquare root of\s+", "sqrt "),
    (r"\bcube root of\s+", "cbrt "),
    (rf"({_NUMBER})\s*의\s*제곱근", r"sqrt(\1)"),
    (rf"루트\s*({_NUMBER})", r"sqrt(\1)"),
    (rf"\bsqrt\s+({_NUMBER})", r"sqrt(\1)"),
    (rf"\bcbrt\s+({_NUMBER})", r"cbrt(\1)"),
    (rf"\bfactorial of\s+({_NUMBER})", r"factorial(\1)"),
    (rf"({_NUMBER})\s*(?:factorial\b|팩토리얼|!(?!=))", r"factorial(\1)"),
    (rf"({_NUMBER})\s*(?:percent|%)\s*of\s*({_NUMBER})", r"(\1/100*\2)"),
    (rf"({_NUMBER})\s*(?:squared|의\s*제곱(?!근))", r"\1**2"),
    (rf"({_NUMBER})\s*(?:cubed|의\s*세제곱)", r"\1**3"),
    (r"\b(?:to the power of|raised to(?: the power of)?)\b", "**"),
    (rf"\badd\s+({_NUMBER})\s+(?:to|and)\s+({_NUMBER})", r"\2 + \1"),
    (rf"\bsubtract\s+({_NUMBER})\s+from\s+({_NUMBER})", r"\2 - \1"),
    (rf"\bmultiply\s+({_NUMBER})\s+(?:by|and|with)\s+({_NUMBER})", r"\1 * \2"),
    (rf"\bdivide\s+({_NUMBER})\s+by\s+({_NUMBER})", r"\1 / \2"),
    (rf"\b(?:the\s+)?sum of\s+({_NUMBER})\s+and\s+({_NUMBER})", r"\1 + \2"),
    (rf"\b(?:the\s+)?product of\s+({_NUMBER})\s+and\s+({_NUMBER})", r"\1 * \2"),
    (rf"({_NUMBER})\s*(?:와|과|에)\s*({_NUMBER})\s*(?:을|를)?\s*더하(?:면|기|고)", r"\1 + \2"),
    (rf"({_NUMBER})\s*(?:와|과|에)\s*({_NUMBER})\s*(?:을|를)?\s*곱하(?:면|기|고)", r"\1 * \2"),
    (r"\b(?:multiplied by|times)\b|곱하기|\s[x×]\s", " * "),
    (r"\bdivided by\b|나누기", " / "),
    (r"\bplus\b|더하기", " + "),
    (r"\bminus\b|빼기", " - "),
    (r"\bmod(?:ulo)?\b", " % "),
]
_CALC_CUES = re.compile(
    r"\b(?:what(?:'s| is)|calculate|compute|evaluate|how much|solve|result of|equals?|add|subtract|multiply|divide|sum|product)\b|"
    r"계산|얼마|몇이|값은|[=?]|결과",
    re.IGNORECASE,
)
_STRONG_OPERATOR = re.compile(r"\*\*|[*+^×÷%]|[a-z]\(")


def arithmetic(text: str) -> list[PatternCall]:
    """Calculator calls for arithmetic written in the text, in digits or in words."""
    normalised = text
    for pattern, replacement in _WORDS:
        normalised = re.sub(pattern, replacement, normalised, flags=re.IGNORECASE)
    calls: list[PatternCall] = []
    cued = bool(_CALC_CUES.search(text))
    for match in _EXPRESSION.finditer(normalised):
        expression = re.sub(r"\s+", " ", match.group(0)).strip()
        has_operator = re.search(rf"\d\s*{_OPERATOR}\s*[-(\w]", expression) or re.search(
            rf"{_FUNCS}\s*\(", expression
        )
        if not has_operator:
            continue
        # "2024-01-15" or "3/4 cup" without a question around them are not requests.
        if not cued and not _STRONG_OPERATOR.search(expression):
            continue
        expression = _balance(expression)
        try:
            evaluate(expression)
        except ToolError as exc:
            if "not valid arithmetic" in str(exc):
                continue  # not an expression after all; a real one that fails still goes through
        calls.append(("calculator", {"expression": expression}))
    return calls[:4]


def _balance(expression: str) -> str:
    opened = expression.count("(") - expression.count(")")
    if opened > 0:
        expression += ")" * opened
    while opened < 0 and expression.endswith(")"):
        expression, opened = expression[:-1].rstrip(), opened + 1
    return expression


_TIME_EN = re.compile(
    r"\b(?:what(?:'s| is)? the (?:current )?(?:time|date)|what time|time is it|current time|"
    r"time now|local time|the time in|time (?:in|at)\b|today'?s date|what day is|date today|"
    r"date (?:in|at)\b|what(?:'s| is) the day)",
    re.IGNORECASE,
)
_TIME_KO = re.compile(
    r"몇\s*시|현재\s*시(?:간|각)|지금\s*시(?:간|각)|시간\s*(?:알려|좀|이)|오늘\s*(?:날짜|며칠)|무슨\s*요일|몇\s*월\s*며칠|날짜"
)
_IANA = re.compile(
    r"\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Za-z_]+(?:/[A-Za-z_]+)?\b"
)
_ASCII_PLACES = sorted((p for p in PLACES if p.isascii()), key=len, reverse=True)
_OTHER_PLACES = sorted((p for p in PLACES if not p.isascii()), key=len, reverse=True)
_AMBIGUOUS = {"la", "uk", "est", "ist", "edt", "pst", "pdt", "jst", "kst", "gmt", "utc"}


def find_place(text: str) -> str | None:
    """The first zone or place named in ``text``, as the user wrote it."""
    iana = _IANA.search(text)
    if iana:
        return iana.group(0)
    lowered = text.lower()
    best: tuple[int, str] | None = None
    for place in _ASCII_PLACES:
        flags = 0 if place in _AMBIGUOUS else re.IGNORECASE
        needle = place.upper() if place in _AMBIGUOUS else place
        match = re.search(rf"(?<![A-Za-z]){re.escape(needle)}(?![A-Za-z])", text, flags)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), place)
    for place in _OTHER_PLACES:
        index = lowered.find(place)
        if index >= 0 and (best is None or index < best[0]):
            best = (index, place)
    return best[1] if best else None


def current_time(text: str) -> list[PatternCall]:
    """A time_now call for "what time is it (in PLACE)" and its Korean forms."""
    if not (_TIME_EN.search(text) or _TIME_KO.search(text)):
        return []
    place = find_place(text)
    if not place:
        return [("time_now", {})]
    try:
        return [("time_now", {"timezone": resolve_zone(place)})]
    except ToolError:
        return [("time_now", {"timezone": place})]


# Every pattern, in the order they are tried; each returns calls for its own tools.
PATTERNS: list[Callable[[str], list[PatternCall]]] = [arithmetic, current_time]


def match_patterns(text: str, available: set[str]) -> list[PatternCall]:
    """Calls that the deterministic patterns find in ``text`` for the tools in ``available``."""
    calls: list[PatternCall] = []
    for pattern in PATTERNS:
        for name, args in pattern(text):
            if name in available and (name, args) not in calls:
                calls.append((name, args))
    return calls
