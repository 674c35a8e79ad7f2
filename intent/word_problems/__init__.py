"""Everyday word problems whose arithmetic is implied, not written: the calculator's expression
for them, in the 13 languages.

"Rent is 1,450 a month; what do I pay over a 14-month lease?" -> "1450 * 14"; "a jacket costs 80
dollars and it's 35% off" -> "80 * (1 - 35/100)"; "we were five, the bill was 137,50 plus 10% tip,
what does each pay" -> "137.5 * (1 + 10/100) / 5"; "how many litres are 5 gallons if 1 gallon is
3.785 litres" -> "5 * 3.785"; "520万円の手取りが78%" -> "5200000 * 78/100".

Each kind has a reader (:data:`_READERS`); a reader answers only when the text has exactly the
numbers its kind needs, so a request it does not understand gets no expression from it. The
expression the request asks for (:func:`expression`) is the word problem's where it reads more of
the request's numbers than the arithmetic written in it does: "137,50 plus 10% Trinkgeld, was
zahlt jeder, wir waren zu fünft" is the share, not "137.5 + 10/100". These readers run only where
the calculator is already chosen; they never choose a tool.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from intent import arithmetic
from intent.numbers import words_to_digits
from intent.word_problems import counts, money, periods
from intent.word_problems.prepared import NUMBER, Text

_I = re.IGNORECASE


def _prepare(text: str) -> Text:
    plain = arithmetic.percent_words(arithmetic.separators(text))
    plain = words_to_digits(periods.lengths_in_words(plain))
    plain = periods.halves_after_digits(plain)
    return Text(plain, [float(n) for n in NUMBER.findall(plain)])


_READERS: tuple[Callable[[Text], str | None], ...] = (
    money.share,
    periods.over_time,
    counts.conversion,
    counts.stock,
    money.basket,
    money.cjk_basket,
    money.discount,
)


# Readers whose reading beats arithmetic built from loose operator words with as many numbers
_OVER_WORDS = {"share", "conversion"}


def _solve(text: str) -> tuple[str, str] | None:
    t = _prepare(text)
    if not t.numbers:
        return None
    for reader in _READERS:
        found = reader(t)
        if found is not None:
            return reader.__name__, found
    return None


def solve(text: str) -> str | None:
    """The expression of the word problem the text poses, or None."""
    solved = _solve(text)
    return None if solved is None else solved[1]


def _numbers_in(expression: str) -> int:
    """How many of the request's numbers an expression uses (not the 1 of "1 - 35/100", nor the
    100 of a percentage)."""
    bare = re.sub(r"/\s*100\b", "", re.sub(r"\(\s*1\s*[-+]", "(", expression))
    return len(re.findall(r"(?<![\d.])\d+(?:\.\d+)?", bare))


def expression(text: str) -> str | None:
    """The calculator's expression for the request: the arithmetic written in it, or the word
    problem's where that reads more of the request's numbers."""
    written = arithmetic.expression(text)
    solved = _solve(text)
    if solved is None:
        return written
    kind, problem = solved
    if written is None or _numbers_in(problem) > _numbers_in(written):
        return problem
    typed = unicodedata.normalize("NFKC", text)
    if (
        kind in _OVER_WORDS
        and _numbers_in(problem) == _numbers_in(written)
        and written not in typed
    ):
        return problem  # "7340 на 5 человек, сколько с каждого": the share, not "7340 * 5"
    return written
