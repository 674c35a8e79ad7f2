"""Arithmetic written in a request, in symbols or in words of any of the eight languages, as an
expression the calculator tool accepts: "Combien font 7 fois 8 ?" -> "7 * 8", "zwölf mal drei" ->
"12 * 3", "9 곱하기 9" -> "9 * 9", "6掛ける7" -> "6 * 7", "七乘以八" -> "7 * 8", "la raíz cuadrada
de 81" -> "sqrt(81)", "2 to the power of 10" -> "2 ** 10", "15% of 80" -> "(15/100*80)".

The text goes through four steps: numbers in words become digits (:mod:`intent.numbers`);
phrases that put their operands around or after a word ("multiply 6 by 7", "9와 3을 곱하면",
"3と4を足すと", "5 squared", "20 percent of 50") become symbols; operator words between
operands ("fois", "mal", "por", "곱하기", "掛ける", "乘以") become symbols; then the longest
run of operands and operators that the calculator can evaluate is the expression.
"""

from __future__ import annotations

import re
import unicodedata

from intent.language import guess_language
from intent.numbers import words_to_digits
from tools.calculator import ToolError, evaluate

N = r"(\d+(?:\.\d+)?)"
_I = re.IGNORECASE

# Phrases whose operands sit around or after a word, in the order they are tried.
_DISCOUNT = (
    r"(?:discount|off|desconto|descuento|sconto|rabatt|remise|r[ée]duction|korting|скидк\w*|"
    r"indirim\w*|rabat\w*|할인|割引|折扣)"
)
_PHRASES: list[tuple[str, str]] = [
    # a price with a discount: "189.90 com 15% de desconto", "15% off 80" (what is left to pay)
    (
        rf"{N}\s*(?:€|\$|£|euros?|reais|dollars?|d[óo]lares|zł|tl|руб\w*)?\s*"
        rf"(?:com|con|with|mit|avec|met|z|ile|со?)\s+(?:(?:a|un|uma|una|einem|een)\s+)?{N}\s*%\s*"
        rf"(?:de\s+|di\s+|of\s+)?{_DISCOUNT}",
        r"(\1*(1-\2/100))",
    ),
    (
        rf"{N}\s*%\s*(?:de\s+|di\s+)?{_DISCOUNT}\s*(?:on|sur|auf|en|em|su|op|на|od|to)?\s+"
        rf"(?:the\s+|la\s+|le\s+|el\s+|o\s+|a\s+)?{N}",
        r"(\2*(1-\1/100))",
    ),
    # percentages: "15% of 80", "15 pour cent de 80", "22% di iva su 850", "80의 15%", "80的百分之15"
    (
        rf"{N}\s*(?:%|percent|per\s+cent|pour\s*cent|prozent|por\s*ciento|por\s*cento|percento|"
        rf"per\s+cento|procent|процент(?:а|ов)?|퍼센트|프로|パーセント)"
        rf"\s*(?:[^\W\d]+\s+){{0,2}}(?:of|on|de|des|du|sur|von|aus|auf|do|da|del|di|dei|van|op|от|od|sobre|su|sul|sulla|"
        rf"over|über|na)\s+"
        rf"(?:the\s+|la\s+|le\s+|el\s+|o\s+|a\s+)?{N}",
        r"(\1/100*\2)",
    ),
    (
        rf"{N}\s*(?:원|엔|円|元|块|달러|유로|ドル|ユーロ|美元|欧元|歐元)?\s*(?:의|の|的)\s*{N}\s*"
        rf"(?:%|퍼센트|프로|パーセント)",
        r"(\2/100*\1)",
    ),
    (rf"{N}\s*的\s*PCT\s*{N}", r"(\2/100*\1)"),
    # Turkish puts the base first: "2500'ün yüzde 18'i"
    (rf"{N}\s*'?[a-zıüöçşğ]{{0,4}}\s+y[üu]zde\s*{N}", r"(\2/100*\1)"),
    (rf"PCT\s*{N}", r"(\1/100)"),
    (
        rf"{N}\s*(?:%|percent|pour\s*cent|prozent|por\s*ciento|por\s*cento|퍼센트|パーセント)(?!\s*[\d(])",
        r"(\1/100)",
    ),
    # a quantity at a unit price: "23 Kisten à 6.49 €", "350 dólares a 17.2 pesos cada uno"
    (rf"{N}\s+(?:[^\W\d]+\s+){{0,2}}(?:à|@)\s*{N}\s*(?=€|\$|£|eur|euro|dollar|fr\b)", r"(\1*\2)"),
    (
        rf"{N}\s+(?:[^\W\d]+\s+){{0,2}}(?:at|a|zu|por|per|à)\s+{N}\s*(?:€|\$|£|[^\W\d]+\s+)?"
        rf"(?:each|apiece|cada\s+(?:un[oa]|um|uma|1)|chacun\w*|la\s+pi[èe]ce|pi[èe]ce|pro\s+st[üu]ck|das\s+st[üu]ck|"
        rf"ciascun[oa]|al\s+pezzo|per\s+stuk|elk|каждый|за\s+штуку|tanesi|za\s+sztuk[ęe])",
        r"(\1*\2)",
    ),
    # roots
    (rf"(?:the\s+)?square\s+root\s+of\s+{N}", r"sqrt(\1)"),
    (rf"(?:the\s+)?cube\s+root\s+of\s+{N}", r"cbrt(\1)"),
    (rf"(?:la\s+)?racine\s+carr[ée]e\s+de\s+{N}", r"sqrt(\1)"),
    (rf"(?:la\s+)?racine\s+cubique\s+de\s+{N}", r"cbrt(\1)"),
    (rf"(?:la\s+)?racine\s+de\s+{N}", r"sqrt(\1)"),
    (rf"(?:die\s+)?kubikwurzel\s+(?:aus|von)\s+{N}", r"cbrt(\1)"),
    (rf"(?:die\s+)?(?:quadrat)?wurzel\s+(?:aus|von)\s+{N}", r"sqrt(\1)"),
    (rf"(?:la\s+|a\s+)?ra[íi]z\s+(?:cuadrada|quadrada)\s+de\s+{N}", r"sqrt(\1)"),
    (rf"(?:la\s+|a\s+)?ra[íi]z\s+c[úu]bica\s+de\s+{N}", r"cbrt(\1)"),
    (rf"(?:la\s+|a\s+)?ra[íi]z\s+de\s+{N}", r"sqrt(\1)"),
    (rf"{N}\s*(?:의|の|的)\s*(?:세제곱근|立方根)", r"cbrt(\1)"),
    (rf"{N}\s*(?:의|の|的)\s*(?:제곱근|平方根)", r"sqrt(\1)"),
    (rf"(?:루트|ルート|根号|√|sqrt)\s*{N}", r"sqrt(\1)"),
    (rf"{N}\s*开平方", r"sqrt(\1)"),
    (rf"\b(cbrt|log10|log2|log|ln|exp|sin|cos|tan|abs)\s+{N}", r"\1(\2)"),
    # powers
    (
        rf"{N}\s*(?:to\s+the\s+power\s+of|to\s+the\s+power|raised\s+to(?:\s+the\s+power\s+of)?|"
        rf"[àa]\s+la\s+puissance|puissance|exposant|hoch|"
        rf"elevado\s+(?:a|al|à|ao)(?:\s+la|\s+a)?(?:\s+potencia|\s+potência)?(?:\s+de)?)\s*{N}",
        r"\1**\2",
    ),
    (rf"{N}\s+to\s+the\s+{N}(?:st|nd|rd|th)(?:\s+power)?", r"\1**\2"),
    (rf"{N}\s*(?:elevato\s+)?alla\s*{N}ª?", r"\1**\2"),
    (rf"{N}\s*tot\s+de\s+macht\s*{N}", r"\1**\2"),
    (rf"{N}\s*do\s+pot[ęe]gi\s*{N}", r"\1**\2"),
    (rf"{N}\s*в\s+степени\s*{N}", r"\1**\2"),
    (rf"{N}\s*'?[a-zıüöçşğ]{{0,4}}\s+karek[öo]k[üu]", r"sqrt(\1)"),
    (
        rf"{N}\s*(?:в\s+квадрате|kare(?:si)?\b|do\s+kwadratu|al\s+quadrato|in\s+het\s+kwadraat)",
        r"\1**2",
    ),
    (rf"{N}\s*(?:в\s+кубе|küp(?:ü)?|do\s+sze[śs]cianu|al\s+cubo)", r"\1**3"),
    (
        rf"(?:квадратный\s+корень\s+(?:из\s+)?|pierwiastek\s+(?:kwadratowy\s+)?z\s+|"
        rf"radice\s+(?:quadrata\s+)?di\s+|wortel\s+(?:van\s+)?){N}",
        r"sqrt(\1)",
    ),
    (rf"{N}\s*(?:squared|au\s+carr[ée]|zum\s+quadrat|al\s+cuadrado|ao\s+quadrado)", r"\1**2"),
    (rf"{N}\s*(?:cubed|au\s+cube|hoch\s+3|al\s+cubo|ao\s+cubo)", r"\1**3"),
    (rf"{N}\s*의\s*{N}\s*(?:제곱|승)(?!근)", r"\1**\2"),
    (rf"{N}\s*의?\s*세제곱(?!근)", r"\1**3"),
    (rf"{N}\s*의?\s*제곱(?!근)", r"\1**2"),
    (rf"{N}\s*の\s*{N}\s*乗", r"\1**\2"),
    (rf"{N}\s*の?\s*自乗", r"\1**2"),
    (rf"{N}\s*的\s*{N}\s*次(?:方|幂|冪)", r"\1**\2"),
    (rf"{N}\s*的\s*平方(?!根)", r"\1**2"),
    (rf"{N}\s*的\s*立方(?!根)", r"\1**3"),
    # factorials
    (
        rf"(?:the\s+)?(?:factorial|factorielle|fakult[äa]t|fatorial)\s+(?:of|de|von)\s+{N}",
        r"factorial(\1)",
    ),
    (
        rf"{N}\s*(?:의|の|的)?\s*(?:factorial|factorielle|fakult[äa]t|fatorial|팩토리얼|階乗|阶乘)",
        r"factorial(\1)",
    ),
    (rf"{N}\s*!(?!=)", r"factorial(\1)"),
    # verbs before their operands
    (rf"\badd\s+{N}\s+to\s+{N}", r"\2 + \1"),
    (rf"\badd\s+{N}\s+(?:and|plus)\s+{N}", r"\1 + \2"),
    (rf"\bsubtract\s+{N}\s+from\s+{N}", r"\2 - \1"),
    (rf"\btake\s+{N}\s+(?:away\s+)?from\s+{N}", r"\2 - \1"),
    (rf"\bmultiply\s+{N}\s+(?:by|and|with|times)\s+{N}", r"\1 * \2"),
    (rf"\bdivide\s+{N}\s+by\s+{N}", r"\1 / \2"),
    (rf"\b(?:the\s+)?sum\s+of\s+{N}\s+and\s+{N}", r"\1 + \2"),
    (rf"\b(?:the\s+)?product\s+of\s+{N}\s+and\s+{N}", r"\1 * \2"),
    (rf"\b(?:the\s+)?difference\s+(?:between|of)\s+{N}\s+and\s+{N}", r"\1 - \2"),
    (rf"\b(?:the\s+)?quotient\s+of\s+{N}\s+and\s+{N}", r"\1 / \2"),
    (rf"\badditionne[rz]?\s+{N}\s+(?:et|à|avec|plus)\s+{N}", r"\1 + \2"),
    (rf"\bsoustra(?:is|it|ire|yez)\s+{N}\s+(?:de|à)\s+{N}", r"\2 - \1"),
    (rf"\bmultiplie[rz]?\s+{N}\s+(?:par|et)\s+{N}", r"\1 * \2"),
    (rf"\bdivise[rz]?\s+{N}\s+par\s+{N}", r"\1 / \2"),
    (rf"\b(?:la\s+)?somme\s+de\s+{N}\s+et\s+(?:de\s+)?{N}", r"\1 + \2"),
    (rf"\b(?:le\s+)?produit\s+de\s+{N}\s+et\s+(?:de\s+)?{N}", r"\1 * \2"),
    (rf"\b(?:la\s+)?diff[ée]rence\s+entre\s+{N}\s+et\s+{N}", r"\1 - \2"),
    (rf"\baddier(?:e|en)?\s+{N}\s+(?:und|zu|plus)\s+{N}", r"\1 + \2"),
    (rf"\bsubtrahier(?:e|en)?\s+{N}\s+von\s+{N}", r"\2 - \1"),
    (rf"\bzieh(?:e|en)?\s+{N}\s+von\s+{N}\s+ab", r"\2 - \1"),
    (rf"\bmultiplizier(?:e|en)?\s+{N}\s+(?:mit|und)\s+{N}", r"\1 * \2"),
    (rf"\b(?:dividier|teil)(?:e|en)?\s+{N}\s+durch\s+{N}", r"\1 / \2"),
    (rf"\b(?:die\s+)?summe\s+(?:von|aus)\s+{N}\s+und\s+{N}", r"\1 + \2"),
    (rf"\b(?:das\s+)?produkt\s+(?:von|aus)\s+{N}\s+und\s+{N}", r"\1 * \2"),
    (rf"\b(?:die\s+)?differenz\s+(?:von|zwischen|aus)\s+{N}\s+und\s+{N}", r"\1 - \2"),
    (rf"\bsuma(?:r)?\s+{N}\s+(?:y|más|mas|a|con)\s+{N}", r"\1 + \2"),
    (rf"\bresta(?:r)?\s+{N}\s+(?:de|a)\s+{N}", r"\2 - \1"),
    (rf"\bmultiplica(?:r)?\s+{N}\s+(?:por|y)\s+{N}", r"\1 * \2"),
    (rf"\bdivid(?:e|ir)\s+{N}\s+(?:entre|por)\s+{N}", r"\1 / \2"),
    (rf"\b(?:la\s+)?suma\s+de\s+{N}\s+y\s+{N}", r"\1 + \2"),
    (rf"\b(?:el\s+)?producto\s+de\s+{N}\s+y\s+{N}", r"\1 * \2"),
    (rf"\b(?:la\s+)?diferencia\s+entre\s+{N}\s+y\s+{N}", r"\1 - \2"),
    (rf"\bsom(?:e|a|ar)\s+{N}\s+(?:e|com|a|mais)\s+{N}", r"\1 + \2"),
    (rf"\bsubtra(?:ia|ir|i)\s+{N}\s+de\s+{N}", r"\2 - \1"),
    (rf"\bmultipli(?:que|ca|car)\s+{N}\s+(?:por|e)\s+{N}", r"\1 * \2"),
    (rf"\bdivid(?:a|ir)\s+{N}\s+por\s+{N}", r"\1 / \2"),
    (rf"\b(?:a\s+)?soma\s+de\s+{N}\s+e\s+{N}", r"\1 + \2"),
    (rf"\b(?:o\s+)?produto\s+de\s+{N}\s+e\s+{N}", r"\1 * \2"),
    (rf"\b(?:a\s+)?diferença\s+entre\s+{N}\s+e\s+{N}", r"\1 - \2"),
    (rf"{N}\s*(?:이랑|하고|와|과|에|랑)\s*{N}\s*(?:을|를)?\s*더(?:하|해)", r"\1 + \2"),
    (rf"{N}\s*에서\s*{N}\s*(?:을|를)?\s*빼", r"\1 - \2"),
    (rf"{N}\s*(?:이랑|하고|와|과|에|랑)\s*{N}\s*(?:을|를)?\s*곱(?:하|해)", r"\1 * \2"),
    (rf"{N}\s*(?:을|를)\s*{N}\s*(?:개월|명|개|달|년|일|주)?\s*(?:으로|로)\s*나누", r"\1 / \2"),
    (rf"{N}\s*(?:와|과|하고|이랑|랑)\s*{N}\s*의\s*합", r"\1 + \2"),
    (rf"{N}\s*(?:와|과|하고|이랑|랑)\s*{N}\s*의\s*곱", r"\1 * \2"),
    (rf"{N}\s*(?:と|に)\s*{N}\s*を?\s*(?:足|た(?:す|し)|加え)", r"\1 + \2"),
    (rf"{N}\s*から\s*{N}\s*を?\s*(?:引|ひ)", r"\1 - \2"),
    (rf"{N}\s*(?:に|と)\s*{N}\s*を?\s*(?:掛|か)け", r"\1 * \2"),
    (rf"{N}\s*を\s*{N}\s*で\s*(?:割|わ)", r"\1 / \2"),
    (rf"{N}\s*と\s*{N}\s*の\s*和", r"\1 + \2"),
    (rf"{N}\s*と\s*{N}\s*の\s*積", r"\1 * \2"),
    (rf"{N}\s*(?:和|与|與|加)\s*{N}\s*的\s*(?:和|总和|總和)", r"\1 + \2"),
    (rf"{N}\s*(?:和|与|與|乘)\s*{N}\s*的\s*(?:积|乘积|積)", r"\1 * \2"),
    (rf"{N}\s*(?:和|与|與)\s*{N}\s*的\s*差", r"\1 - \2"),
]
_PHRASE_RULES = [(re.compile(pattern, _I), replacement) for pattern, replacement in _PHRASES]

# Operator words between two operands.
_INFIX: list[tuple[str, str]] = [
    (
        r"\bdivided\s+by\b|\bdivis[ée]e?\s+par\b|\bgeteilt\s+durch\b|\bdividiert\s+durch\b|"
        r"\bdividido\s+(?:por|entre|em|en)\b|\bover\b|\bdurch\b|\bentre\b|\bsur\b|나누기|割る|わる|除以|÷|"
        r"\bdiviso(?:\s+per)?\b|\bgedeeld\s+door\b|(?:раз|по)?дел(?:ить|и|им)\s+на|делённое\s+на|"
        r"деленное\s+на|\bb[öo]l[üu]\b|podzielone\s+przez|podzielić\s+przez|\bprzez\b",
        " / ",
    ),
    (
        r"\bmultiplied\s+by\b|\bmultipli[ée]e?\s+par\b|\bmultipliziert\s+mit\b|\bmultiplicado\s+por\b|"
        r"\btimes\b|\bfois\b|\bmal\b|\bvezes\b|\bpor\b|곱하기|掛ける|かける|掛け|乘以|乘|×|·|"
        r"\bper\b|\bmoltiplicato\s+per\b|\bkeer\b|\bmaal\b|умножить\s+на|умноженное\s+на|"
        r"\bна\b(?=\s*\d)|\b[çc]arp[ıi]\b|\brazy\b",
        " * ",
    ),
    (
        r"\bplus\b|\bm[áa]s\b|\bmais\b|\bpiù\b|\bpiu\b|плюс|\bart[ıi]\b|더하기|플러스|足す|たす|"
        r"プラス|加上|加",
        " + ",
    ),
    (
        r"\bminus\b|\bmoins\b|\bmenos\b|\bmeno\b|\bmin\b(?=\s*\d)|минус|\beksi\b|빼기|마이너스|"
        r"引く|ひく|マイナス|减去|減去|减|減",
        " - ",
    ),
    (r"\bmod(?:ulo)?\b", " % "),
    (r"(?<=\d)\s*[xX]\s*(?=\d)", " * "),
    (r"\^", "**"),
]
_INFIX_RULES = [(re.compile(pattern, _I), replacement) for pattern, replacement in _INFIX]

_FUNCS = r"(?:sqrt|cbrt|log10|log2|log|ln|exp|sin|cos|tan|abs|factorial|floor|ceil|round)"
_NUMBER = r"(?:\d+(?:\.\d+)?|pi)"
_OPERAND = rf"(?:{_FUNCS}\s*\(\s*|\(\s*|-\s*)*{_NUMBER}(?:\s*\))*"
_OPERATOR = r"(?:\*\*|//|[-+*/%])"
# (a number may follow a Japanese or Chinese character directly: "算一下99 * 99")
_EXPRESSION = re.compile(
    rf"(?<![A-Za-z0-9_.\u00c0-\u024f\u0400-\u04ff]){_OPERAND}(?:\s*{_OPERATOR}\s*{_OPERAND})*"
)
_HAS_OPERATION = re.compile(rf"{_NUMBER}\)*\s*{_OPERATOR}\s*[-(\w]|{_FUNCS}\s*\(")
_KO_OPERATORS = re.compile(
    r"(곱하기|더하기|빼기|나누기|세제곱근|제곱근|세제곱|제곱|루트|팩토리얼|퍼센트)"
)


_PL_ORDINALS = {
    "drugiej": 2, "trzeciej": 3, "czwartej": 4, "piątej": 5, "piatej": 5, "szóstej": 6,
    "szostej": 6, "siódmej": 7, "siodmej": 7, "ósmej": 8, "osmej": 8, "dziewiątej": 9,
    "dziewiatej": 9, "dziesiątej": 10, "dziesiatej": 10,
}  # fmt: skip
_PL_POWER = re.compile(rf"do\s+pot[ęe]gi\s+({'|'.join(_PL_ORDINALS)})", re.IGNORECASE)
# Turkish writes case endings onto numbers: "2500'ün", "144un", "18'i".
_TR_NUMBER_SUFFIX = re.compile(
    r"(?<=\d)'?(?:n[ıiuü]n|[ıiuü]n|y[ıiuü]|[ıiuü]|d[ae]|t[ae])(?![^\W\d_])"
)


# Where a comma is the decimal mark, a dot groups thousands ("1.200 Euro", "R$ 2.450"), and a
# comma before three digits is still a decimal ("3,785 Liter"); Spanish writes both ways, so only
# its dot is read as grouping.
_COMMA_DECIMAL = frozenset({"de", "fr", "pt", "it", "nl", "tr", "pl", "ru"})
_DOT_GROUPS = _COMMA_DECIMAL | {"es"}
_SPACE_GROUPS = frozenset({"fr", "ru", "pl"})
_DOT_THOUSANDS = re.compile(r"(?<![\d.,])([1-9]\d{0,2})((?:\.\d{3})+)(?!\d|[.,]\d)")


_CURRENCY_BEFORE_OPERATOR = re.compile(
    r"(\d)\s*(?:ドル|円|元|块钱?|원|달러|유로|ユーロ|€|\$|£|zł|euros?|dollars?|eur|usd|tl)\s*"
    r"(?=(?:\*\*|[-+*/%])\s*\d)",
    re.IGNORECASE,
)


def separators(text: str) -> str:
    """Digits with their grouping marks removed and a decimal comma made a dot, as the request's
    language writes them: "1,450" and "1.450" (de) are 1450, "3,5" and "3,785" (de) decimals."""
    text = unicodedata.normalize("NFKC", text)
    language = guess_language(text)
    if language in _DOT_GROUPS:
        text = _DOT_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(".", ""), text)
    text = re.sub(r"(?<![\d,])(\d+),(?=\d{4,}(?![\d,]))", r"\1.", text)  # 0,45359237
    if language in _SPACE_GROUPS:  # "2 380" (fr, ru, pl), not a list of numbers
        text = re.sub(
            r"(?<![\d.,] )(?<![\d.,])(\d{1,3})[ \u00a0\u202f](\d{3})(?![\d.,]| \d)", r"\1\2", text
        )
    if language in _COMMA_DECIMAL:
        text = re.sub(r"(?<![\d,])(\d{1,3}),(?=\d{3}(?![\d,]))", r"\1.", text)  # 3,785
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 1,000
    return re.sub(r"(?<=\d),(?=\d{1,2}(?!\d|,\d))", ".", text)  # 3,5 (decimal comma)


def percent_words(text: str) -> str:
    """ "per cento", "pour cent", "百分之" as a percent sign, before "cento" can be read as 100."""
    text = text.replace("百分之", " PCT ")
    return re.sub(r"\b(?:pour|por|per)\s*(?:cent|ciento|cento)\b", "%", text, flags=_I)


def normalise(text: str) -> str:
    """The text with numbers as digits and operator words as symbols (before the search)."""
    text = separators(text)
    text = _TR_NUMBER_SUFFIX.sub("", text)
    text = _PL_POWER.sub(lambda m: f"do potęgi {_PL_ORDINALS[m.group(1).lower()]}", text)
    text = percent_words(text)
    text = _KO_OPERATORS.sub(r" \1 ", text)
    text = words_to_digits(text)
    # "seven point five", "sept virgule cinq", "칠 점 오", "七点五" -> 7.5
    text = re.sub(
        r"(\d+)\s*(?:\bpoint\b|\bvirgule\b|\bkomma\b|\bcoma\b|\bv[íi]rgula\b|\bpunto\b|\bponto\b|점|点)\s*(\d+)",
        r"\1.\2",
        text,
        flags=_I,
    )
    for rule, replacement in _PHRASE_RULES:
        text = rule.sub(replacement, text)
    for rule, replacement in _INFIX_RULES:
        text = rule.sub(replacement, text)
    # a currency between a number and its operator: "189ドル * 4", "12 € + 5"
    return _CURRENCY_BEFORE_OPERATOR.sub(r"\1 ", text)


def _balance(expression: str) -> str:
    opened = expression.count("(") - expression.count(")")
    if opened > 0:
        expression += ")" * opened
    while opened < 0 and expression.endswith(")"):
        expression, opened = expression[:-1].rstrip(), opened + 1
    return expression


_FACTORIAL_WRITTEN = re.compile(
    r"\d\s*!|factorial|factorielle|fakult[äa]t|fatorial|팩토리얼|階乗|阶乘|silni|faktöriyel|факториал",
    re.IGNORECASE,
)


# "I sold 37 mugs at $12.50 each and 18 t-shirts at $22 each", "45 Gläser Honig zu je 7,80 €",
# "42 kilos de naranjas a 1,35 €", "52 bossen tulpen à € 4,95": quantities at a unit price.
_PRICED = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s+(?:\S+\s+){1,6}?"
    r"(at|@|à|a|zu\s+je|zu|je|f[üu]r\s+je|por|da|voor|по|po)\s+"
    r"(?:(?:[$€£¥₩]|r\$|us\$)\s*)?(\d+(?:\.\d+)?)(?!\d|\.\d)",
    re.IGNORECASE,
)
_EACH = re.compile(
    r"\beach\b|\bapiece\b|\bje\b|\bchacun\w*|\bpi[èe]ce\b|\bcada\b|\bciascun\w*|\bl['’]uno\b|"
    r"\bper\s+(?:stuk|fles|kilo|doos|pak|stuks)\b|\bза\s+штуку\b|\bza\s+sztuk[eę]\b|\btanesi\b|"
    r"\bl['’]una\b|\bcadauno\b|\bcadauna\b|\bst[üu]ck\b",
    re.IGNORECASE,
)


# "по 749 руб", "zu je 7,49", "à 2,40 €": the price of one, whatever follows
_DISTRIBUTIVE = {"по", "zu je", "je", "für je", "fur je", "à", "@"}


def priced_sum(text: str) -> str | None:
    """The total of quantities at a unit price ("37*12.5 + 18*22"): two or more of them, or one
    said to be each; None when the text has none."""
    plain = separators(text)
    found = list(_PRICED.finditer(plain))
    pairs = [(m.group(1), m.group(3)) for m in found]
    distributive = any(m.group(2).lower() in _DISTRIBUTIVE for m in found)
    if not pairs or (len(pairs) == 1 and not _EACH.search(plain) and not distributive):
        return None
    return " + ".join(f"{quantity} * {price}" for quantity, price in pairs)


def expressions(text: str) -> list[str]:
    """Every arithmetic expression written in ``text`` that the calculator can read, in order.
    One the user typed as it stands ("23*19") is kept as typed; one built from words is tidied.
    Where none is written, quantities at a unit price make one (:func:`priced_sum`)."""
    found: list[str] = []
    typed = unicodedata.normalize("NFKC", text)
    for match in _EXPRESSION.finditer(normalise(text)):
        expression = _balance(re.sub(r"\s+", " ", match.group(0)).strip())
        if not _HAS_OPERATION.search(expression):
            continue
        if "factorial(" in expression and not _FACTORIAL_WRITTEN.search(typed):
            continue  # "grazie mille!" is thanks, not 1000!
        try:
            evaluate(expression)
        except ToolError as exc:
            if "not valid arithmetic" in str(exc):
                continue  # not arithmetic after all; one that fails (1/0) is still what was asked
        found.append(expression if expression in typed else _tidy(expression))
    priced = priced_sum(text)
    if priced and priced.count("+") + 1 >= len(found):
        return [priced]  # "28 pots à 6,50 € et 15 miels à 9 €": the total, not "15 à 9"
    return found


def _tidy(expression: str) -> str:
    expression = re.sub(r"\s*(\*\*|//|[-+*/%])\s*", r" \1 ", expression)
    expression = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", expression))
    expression = re.sub(r"\s+\*\*\s+", "**", expression)
    expression = re.sub(r"(\d)\s*/\s*100\s*\*\s*", r"\1/100*", expression).strip()
    return re.sub(r"(^|[(*/%+\-]\s?)-\s(?=[\d(a-z])", r"\1-", expression)  # unary minus


def expression(text: str) -> str | None:
    """The expression the request asks for: the one with the most operations (the first of equals)."""
    found = expressions(text)
    if not found:
        return None
    return max(found, key=lambda e: len(re.findall(rf"{_OPERATOR}|{_FUNCS}\(", e)))
