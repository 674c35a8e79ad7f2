"""Word problems whose arithmetic is implied (intent.word_problems), by kind and language.

The sentences are written for these tests (not taken from any evaluation set); each is evaluated
by the calculator tool, so a test checks the value the user would get, not one spelling of it.
"""

from __future__ import annotations

import pytest

from intent import word_problems
from intent.numbers import words_to_digits
from tools.calculator import evaluate


def value(text: str) -> float:
    expression = word_problems.expression(text)
    assert expression is not None, text
    return float(evaluate(expression))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a rate per period over a duration
        ("my gym is 35 a month, how much is that over 2 years?", 840),
        ("Die Versicherung kostet 42 Euro im Monat. Was zahle ich in anderthalb Jahren?", 756),
        ("l'abonnement fait 12 € par mois, combien sur 3 ans ?", 432),
        ("la cuota es de 60 euros al mes, ¿cuánto pago en un año y medio?", 1080),
        ("o plano custa 1.200 por mês, quanto dá em 10 meses?", 12000),
        ("駐車場が月1万5千円なら2年でいくら？", 360000),
        ("관리비가 월 12만원이면 3년이면 총 얼마야", 4320000),
        ("每月还 2,500，还 5 年一共多少", 150000),
        ("aidat ayda 750 lira, 3 yillik toplam ne kadar", 27000),
        ("abonament 90 zl miesiecznie, ile to za caly rok", 1080),
        ("Stundenlohn 14,20 und 30 Stunden gearbeitet, wie viel ist das", 426),
        # a bill shared, with a tip or a charge
        ("we were 6 at dinner, the bill came to 240 plus 15% tip, how much each?", 46),
        ("wir waren zu viert, Rechnung 96 Euro und 8 Euro Trinkgeld, was zahlt jeder", 26),
        ("nous étions 3, l'addition fait 75 €, combien par personne ?", 25),
        ("somos 4 amigos, a conta deu 180 reais mais 10% de serviço, quanto cada um paga?", 49.5),
        ("siamo in 5, il conto è 150 euro, quanto a testa?", 30),
        ("rekening is 90 euro en we zijn met z'n drieën, hoeveel p.p.?", 30),
        ("счёт 4500 на 3 человек, сколько с каждого?", 1500),
        ("焼肉の会計が3万6千円で、6人で割り勘したら一人いくら？", 6000),
        ("저녁값이 총 십오만 원인데 다섯 명이서 나누면 한 명당 얼마?", 30000),
        ("我们四个人吃火锅花了 600 元，AA 每人多少", 150),
        # a discount, a charge, what is left
        ("a lamp costs 60 dollars and it's 25% off, what do I pay?", 45),
        ("Die Jacke kostet 1.500 Euro, es gibt 20 Prozent Rabatt. Was kostet sie dann?", 1200),
        ("le vélo coûte 400 € avec une remise de 15 %, je paie combien ?", 340),
        ("la tele cuesta 800 euros y tiene un 10% de descuento", 720),
        ("原价 1200 的耳机打八折多少钱", 960),
        ("meu salário é 2.000 e vou ter 5% de aumento, quanto fica?", 2100),
        ("зарплата 80000, налог 13 процентов, сколько останется на руки?", 69600),
        ("cuanto es 1.000 menos el 30%", 700),
        # a conversion whose factor is given
        ("how many km are 10 miles if 1 mile is 1.609 km?", 16.09),
        ("wie viele Kilo sind 20 Pfund, wenn 1 Pfund 0,4536 Kilo sind?", 9.072),
        ("1달러 1,300원이면 40달러는 몇 원이야", 52000),
        # a basket: quantities at a price, a single item, the change from a note
        ("bought 4 notebooks at 2.50 each and one pen for 1.20, what did I spend in total?", 11.2),
        ("ich kaufe 3 Brote zu je 2,80 und einen Kuchen für 12,50, was macht das zusammen", 20.9),
        (
            "j'achète 2 kg de cerises à 6,50 € le kilo, je paie avec un billet de 20, combien on me rend ?",
            7,
        ),
        ("купил 5 тетрадей по 60 руб, сколько всего", 300),
        ("6 tane defter aldim tanesi 12,50 TL, toplam ne kadar", 75),
        ("1個120円のおにぎりを3個と、1本150円のお茶を2本買ったら合計いくら？", 660),
        ("라면 3개 1,200원씩이랑 물 800원 샀는데 총 얼마야", 4400),
        ("买了2斤葡萄每斤12元，还有一瓶水3元，一共多少钱", 27),
        # stock: a count, what came in, what went out
        ("we had 500 boxes, 120 were sold and 80 arrived, how many are left?", 460),
        ("im Lager waren 300 Flaschen, 45 wurden verkauft, wie viele sind noch übrig", 255),
        ("tenía 200 tornillos, vendí 75 y me llegaron 40, cuántos quedan", 165),
        ("在庫が500個あって、120個売れて60個入荷した、今いくつ？", 440),
        ("仓库里有 300 箱，卖掉了 90 箱，又进了 50 箱，现在有多少", 260),
    ],
)
def test_word_problem_value(text: str, expected: float) -> None:
    assert value(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "what is 15 times 4",  # written arithmetic stays as written
        "combien font 7 fois 8",
    ],
)
def test_written_arithmetic_is_kept(text: str) -> None:
    from intent import arithmetic

    assert word_problems.expression(text) == arithmetic.expression(text)


@pytest.mark.parametrize(
    "text",
    [
        "my rent is 900 a month",  # a rate with no duration: no total
        "we were 4 at dinner last night, it was lovely",  # no amount to share
        "1 mile is about 1.6 km",  # a factor with nothing to convert
        "I sold 40 cakes yesterday",  # one count, no change asked
    ],
)
def test_no_reading_without_the_numbers_a_kind_needs(text: str) -> None:
    assert word_problems.solve(text) is None


def test_the_share_beats_arithmetic_read_from_a_loose_word() -> None:
    # "на" is "times" between numbers; with people and "each" it is the share
    assert value("счёт 6000 на 4 человек, сколько с каждого?") == pytest.approx(1500)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("deux mille quatre cent douze", "2412"),  # French thousands, not Italian "mille"
        ("neunhundertachtundfuenfzig", "958"),  # an umlaut typed as "ue"
        ("8万2千円", "82000円"),  # digits with unit characters
        ("2.5万", "25000"),
        ("65만원", "650000원"),
        ("삼십이만 사천원", "324000원"),  # a Korean number in two words, with its counter
        ("사과 세 개", "사과 세 개"),  # an apple, not "4과"
    ],
)
def test_numbers_in_words_and_units(text: str, expected: str) -> None:
    assert words_to_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Was ist 1.200 mal 2?", "1200 * 2"),  # a dot groups thousands in German
        ("wie viel ist 3,785 mal 5", "3.785 * 5"),  # and a comma is the decimal mark
        ("what is 1,450 times 14", "1450 * 14"),  # in English the comma groups
        ("what is 0,45359237 times 150", "0.45359237 * 150"),  # no group has four digits
        ("тысяча пятьсот делить на двенадцать", "1500 / 12"),  # "делить на" divides
    ],
)
def test_separators_and_operators(text: str, expected: str) -> None:
    from intent import arithmetic

    assert arithmetic.expression(text) == expected
