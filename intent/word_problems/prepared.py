"""What the word-problem readers share: the prepared text, its numbers, amounts of money."""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE
NUM = r"(\d+(?:\.\d+)?)"
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d])")

CURRENCY = (
    r"(?:[€$£¥₩]|euros?|eur|dollars?|d[óo]lares|reais|r\$|zł|zl|pln|tl|lira|руб\w*|円|원|元|块)"
)


@dataclass(frozen=True)
class Text:
    """The request with numbers as digits, and the numbers in it."""

    plain: str
    numbers: list[float]


def fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def without(numbers: list[float], *used: float) -> list[float]:
    rest = list(numbers)
    for value in used:
        if value in rest:
            rest.remove(value)
    return rest
