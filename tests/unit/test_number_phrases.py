"""Arithmetic written in words (issue 29), by kind: French numbers with hyphens read whole (not as
minus signs), a price with a discount, a percentage with a noun between it and its base."""

from __future__ import annotations

import pytest

from intent import arithmetic
from intent.clear import arithmetic_calls
from intent.numbers import words_to_digits
from tools.calculator import evaluate


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("deux cent quatre-vingt-dix-neuf plus mille trois cent vingt-deux", "299 plus 1322"),
        ("soixante-dix-huit moins vingt-et-un", "78 moins 21"),
        ("quatre-vingts fois trois", "80 fois 3"),
    ],
)
def test_french_hyphenated_numbers_are_read_whole(text: str, digits: str) -> None:
    assert words_to_digits(text) == digits


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("combien font soixante-dix-huit moins vingt-et-un ?", 57),
        ("quanto fica 249,90 com 20% de desconto?", 199.92),
        ("what is 15% off 80?", 68),
        ("20% discount on 150 dollars, how much?", 120),
        ("quant'è il 10% di mancia su 64 euro?", 6.4),
        ("was sind 19% MwSt auf 200 Euro?", 38),
        ("what is 15% of 80?", 12),
    ],
)
def test_the_sum_written_in_words_is_computed(text: str, value: float) -> None:
    calls = arithmetic_calls(text)
    assert len(calls) == 1
    assert float(evaluate(calls[0][1]["expression"])) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Wir haben 12 Flaschen Saft à 2,99 € gekauft. Was kostet das?", 35.88),
        ("cuánto son 40 cuadernos a 3,5 euros cada uno", 140),
        ("quanto custam 6 cadernos a 4 reais cada um?", 24),
        ("how much is 18 tickets at 12.50 each?", 225),
    ],
)
def test_a_quantity_at_a_unit_price(text: str, value: float) -> None:
    calls = arithmetic_calls(text)
    assert len(calls) == 1
    assert float(evaluate(calls[0][1]["expression"])) == pytest.approx(value)


@pytest.mark.parametrize("text", ["passe de 10 à 15 minutes", "de 3 à 5 personnes"])
def test_a_range_is_no_unit_price(text: str) -> None:
    assert arithmetic_calls(text) == []


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("sold 14 scarves at $18.50 each and 6 hats at $25 each, total?", 409.0),
        (
            "Wir haben 30 Brezeln zu je 1,20 € und 8 Kuchen zu je 14 € verkauft. Wie viel insgesamt?",
            148.0,
        ),
        ("j'ai vendu 12 bouquets à 7,50 € et 5 plantes à 19 €, ça fait combien ?", 185.0),
        ("vendimos 20 cafés a 1,80 € y 9 tartas a 22 €: ¿cuánto en total?", 234.0),
        ("ho venduto 40 biglietti a 3,50 € e 10 magliette a 15 €, quanto ho incassato?", 290.0),
        ("10 boxes at 2.25 each, how much?", 22.5),
    ],
)
def test_quantities_at_a_unit_price_make_a_total(text: str, total: float) -> None:
    (found,) = arithmetic.expressions(text)
    assert float(evaluate(found)) == pytest.approx(total)


def test_one_quantity_at_a_price_needs_each_and_an_hour_is_no_price() -> None:
    assert arithmetic.priced_sum("meet me at 5 at the station") is None
    assert arithmetic.priced_sum("I have 3 kids at 2 schools") is None
    assert arithmetic.priced_sum("we bought 3 chairs at 40") is None  # one, not said to be each
