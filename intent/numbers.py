"""Numbers written in words turned into digits: "zwölf" -> 12, "quatre-vingt-dix-neuf" -> 99,
"trescientos dos" -> 302, "이십삼" -> 23, "스물다섯" -> 25, "七" -> 7, "一万二千" -> 12000,
"milleduecentotrentaquattro" -> 1234, "zevenhonderdvijfenveertig" -> 745, "семьсот восемьдесят
девять" -> 789, "bin iki yüz elli" -> 1250, "czterdzieści pięć" -> 45.

English, French, German, Spanish, Portuguese, Korean, Japanese and Chinese are read by the tables
below; German compounds, Italian and Dutch by ``text2num``, Russian by ``number-parser``
(well-kept libraries);
Turkish and Polish, which no library reads, by two small tables of their own.

:func:`words_to_digits` rewrites a text and leaves everything else as it was. It is careful where
a word is also an ordinary word: a run of two units ("one two") is two numbers, not their sum;
a Korean number must be a whole word ("이" alone, or "구를" with its particle, but never the
syllable inside "이거"). Values are only ever computed from the words the user wrote.
"""

from __future__ import annotations

import re

from number_parser import parse as _parse_numbers
from text_to_num import alpha2digit

# --- Latin-script languages ------------------------------------------------------------------

_UNITS = {
    # en
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9,
    # fr
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
    "huit": 8, "neuf": 9,
    # es
    "cero": 0, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9,
    # pt
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "quatro": 4, "sete": 7, "oito": 8,
    "nove": 9,
    # de
    "null": 0, "eins": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
    "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
    "dieciséis": 16, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "dez": 10, "doze": 12, "treze": 13, "catorze": 14, "dezesseis": 16, "dezasseis": 16,
    "dezessete": 17, "dezassete": 17, "dezoito": 18, "dezenove": 19, "dezanove": 19,
    "zehn": 10, "elf": 11, "zwölf": 12, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14,
    "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "quatre-vingt": 80, "quatre-vingts": 80, "septante": 70, "huitante": 80, "nonante": 90,
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
    "ochenta": 80, "noventa": 90,
    "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "sessenta": 60, "oitenta": 80,
    "zwanzig": 20, "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
    "siebzig": 70, "achtzig": 80, "neunzig": 90,
}  # fmt: skip
_COMPOUND = {  # Spanish 21-29 are written as one word
    "veintiuno": 21, "veintiún": 21, "veintiuna": 21, "veintidós": 22, "veintidos": 22,
    "veintitrés": 23, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25,
    "veintiséis": 26, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
}  # fmt: skip
_HUNDREDS = {
    "doscientos": 200, "doscientas": 200, "trescientos": 300, "trescientas": 300,
    "cuatrocientos": 400, "quinientos": 500, "seiscientos": 600, "setecientos": 700,
    "ochocientos": 800, "novecientos": 900,
    "duzentos": 200, "duzentas": 200, "trezentos": 300, "quatrocentos": 400, "quinhentos": 500,
    "seiscentos": 600, "setecentos": 700, "oitocentos": 800, "novecentos": 900,
}  # fmt: skip
_HUNDRED = {"hundred", "cent", "cents", "cien", "ciento", "cem", "cento", "hundert", "einhundert"}
_BIG = {
    "thousand": 1000, "mille": 1000, "mil": 1000, "tausend": 1000, "eintausend": 1000,
    "million": 10**6, "millions": 10**6, "millón": 10**6, "millones": 10**6, "milhão": 10**6,
    "milhões": 10**6, "millionen": 10**6, "billion": 10**9, "milliard": 10**9,
    "milliards": 10**9, "milliarde": 10**9, "milliarden": 10**9,
}  # fmt: skip
_CONNECTORS = {"and", "et", "y", "e", "und"}
_WORD_VALUES: dict[str, int] = {**_UNITS, **_TEENS, **_TENS, **_COMPOUND, **_HUNDREDS}
_WORD_VALUES.update({w: 100 for w in _HUNDRED})
_WORD_VALUES.update(_BIG)
# German writes numbers as one word: einhundertdreiundzwanzig = ein|hundert|drei|und|zwanzig.
_DE_PARTS = sorted(
    [w for w in _WORD_VALUES if w.isascii() or "ü" in w or "ß" in w] + ["und", "sech", "sieb"],
    key=len,
    reverse=True,
)
_DE_PART_VALUES = {**_WORD_VALUES, "sech": 6, "sieb": 7}

_LATIN_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _segment_german(word: str) -> list[str] | None:
    parts: list[str] = []
    rest = word
    while rest:
        for part in _DE_PARTS:
            if rest.startswith(part):
                parts.append(part)
                rest = rest[len(part) :]
                break
        else:
            return None
    return parts


def _kind(value: int) -> str:
    if value >= 1000:
        return "big"
    if value == 100:
        return "hundred"
    if value >= 200 and value % 100 == 0:
        return "hundreds"
    if value >= 20:
        return "tens" if value % 10 == 0 else "compound"
    if value >= 10:
        return "teen"
    return "unit"


class _Number:
    """A number being read word by word, with the rule for which word may come next."""

    def __init__(self) -> None:
        self.total = 0
        self.current = 0
        self.words = 0
        self.last_kind = ""
        self.last_value = -1

    @property
    def value(self) -> int:
        return self.total + self.current

    def accepts(self, value: int, joiner: str) -> bool:
        if self.words == 0:
            return True
        kind, cur = _kind(value), self.current
        if self.last_kind == "zero" or value == 0:
            return False
        if kind == "big":
            return self.last_kind != "big" or cur > 0
        if kind == "hundred":
            return 0 < cur < 20 and self.last_kind in {"unit", "teen"}
        if kind == "hundreds":
            return cur == 0
        if kind in {"tens", "compound"}:
            # after a hundred, or German "vier und zwanzig"
            return cur % 100 == 0 or (joiner == "und" and self.last_kind == "unit")
        if kind == "teen":
            return cur % 100 == 0 or cur % 100 in {60, 80}  # soixante-dix, quatre-vingt-dix
        # a unit: after a ten ("twenty one", "vingt et un"), or "dix-sept" written with a hyphen
        return (
            (cur % 10 == 0 and cur % 100 not in {0, 10} and self.last_kind == "tens")
            or (cur % 100 == 0 and self.last_kind in {"hundred", "hundreds", "big"})
            or (self.last_value == 10 and joiner == "-")
        )

    def add(self, value: int) -> None:
        if value == 100:
            self.current = (self.current or 1) * 100
        elif value >= 1000:
            self.total += (self.current or 1) * value
            self.current = 0
        else:
            self.current += value
        self.words += 1
        self.last_kind = "zero" if value == 0 else _kind(value)
        self.last_value = value


def _latin_value(word: str) -> list[int] | None:
    """The values of one written word: [12] for "zwölf", [3, 100, 3, 20] for "dreihundertdreiundzwanzig"."""
    lowered = word.lower()
    if lowered in {"quatre-vingt", "quatre-vingts"}:
        return [80]
    if lowered in _WORD_VALUES:
        return [_WORD_VALUES[lowered]]
    if len(lowered) > 5:
        parts = _segment_german(lowered)
        if parts is None and ("ue" in lowered or "oe" in lowered):
            # umlauts typed as two letters: "neunhundertachtundfuenfzig", "zwoelfhundert"
            parts = _segment_german(lowered.replace("ue", "ü").replace("oe", "ö"))
        if parts and len(parts) > 1:
            return [_DE_PART_VALUES[p] for p in parts if p != "und"]
    return None


def _read_german_compound(values: list[int]) -> int:
    number = _Number()
    for value in values:
        number.add(value)
    return number.value


def _latin_to_digits(text: str) -> str:
    out: list[str] = []
    position = 0
    tokens = list(re.finditer(r"[^\W\d_]+", text))
    index = 0
    while index < len(tokens):
        token = tokens[index]
        # French "quatre-vingt(s)" is one number word written as two
        word = token.group(0)
        end = token.end()
        if (
            word.lower() == "quatre"
            and index + 1 < len(tokens)
            and text[end : tokens[index + 1].start()] == "-"
            and tokens[index + 1].group(0).lower() in {"vingt", "vingts"}
        ):
            values: list[int] | None = [80]
            consumed = 2
        else:
            values = _latin_value(word)
            consumed = 1
        if values is None or (word.lower() in _CONNECTORS):
            index += 1
            continue
        number = _Number()
        if len(values) > 1:
            number.add(_read_german_compound(values))
            number.last_kind = _kind(values[-1]) if values[-1] else "zero"
        else:
            number.add(values[0])
        start = token.start()
        last_end = tokens[index + consumed - 1].end()
        index += consumed
        while index < len(tokens):
            gap = text[last_end : tokens[index].start()]
            joiner = "-" if gap == "-" else ""
            nxt = index
            if not re.fullmatch(r"[ \t-]*", gap):
                break
            if tokens[nxt].group(0).lower() in _CONNECTORS:
                if nxt + 1 >= len(tokens) or not re.fullmatch(
                    r"[ \t-]+", text[tokens[nxt].end() : tokens[nxt + 1].start()]
                ):
                    break
                joiner = tokens[nxt].group(0).lower()
                nxt += 1
            following = _latin_value(tokens[nxt].group(0))
            if following is None:
                break
            value = following[0] if len(following) == 1 else _read_german_compound(following)
            if not number.accepts(value, joiner):
                break
            number.add(value)
            last_end = tokens[nxt].end()
            index = nxt + 1
        out.append(text[position:start])
        out.append(str(number.value))
        position = last_end
    out.append(text[position:])
    return "".join(out)


# --- Korean, Japanese, Chinese -------------------------------------------------------------------

_CJK_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_BIG = {"万": 10**4, "萬": 10**4, "億": 10**8, "亿": 10**8}
_KO_DIGITS = {
    "영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6, "칠": 7,
    "팔": 8, "구": 9,
}  # fmt: skip
_KO_UNITS = {"십": 10, "백": 100, "천": 1000}
_KO_BIG = {"만": 10**4, "억": 10**8}
_KO_NATIVE_TENS = {
    "열": 10, "스물": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80,
    "아흔": 90,
}  # fmt: skip
_KO_NATIVE_UNITS = {
    "하나": 1, "둘": 2, "셋": 3, "넷": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
}  # fmt: skip
_KO_PARTICLES = (
    "이랑", "에서", "으로", "하고", "은", "는", "을", "를", "와", "과", "에", "의", "로", "랑", "도",
    "가", "이",
)  # fmt: skip


_KO_COUNTERS = ("원", "명", "개")
_KO_NOT_NUMBERS = {"사과", "사과를", "사과가", "사과는"}  # an apple, an apology: not "4과"


def read_sino(
    text: str,
    digits: dict[str, int],
    units: dict[str, int],
    big: dict[str, int],
    short: bool = False,
) -> int | None:
    """A Sino-Korean or Chinese-character number ("이십삼", "一万二千"), or None. With ``short``
    (Chinese), a last digit right after a unit counts in the next unit down: "两千五" is 2500,
    "三百五" 350, "一万五" 15000 ("两千零五" is 2005)."""
    if not text:
        return None
    total = section = 0
    current: int | None = None
    last_unit = 0
    for char in text:
        if char in "零〇" and current is None and (section or total):
            continue  # "两千零五": the zero only marks the missing hundreds
        if char in digits:
            if current is not None:
                return None  # two digits in a row ("이삼") is not one number
            current = digits[char]
        elif char in units:
            section += (1 if current is None else current) * units[char]
            current, last_unit = None, units[char]
        elif char in big:
            total += (section + (current or 0) or 1) * big[char]
            section, current, last_unit = 0, None, big[char]
        else:
            return None
    if short and current and last_unit >= 100 and text[-2] not in "零〇":
        current *= last_unit // 10
    return total + section + (current or 0)


def read_native_korean(word: str) -> int | None:
    """Native Korean numbers: "아홉" -> 9, "열둘" -> 12, "스물다섯" -> 25."""
    for tens, value in _KO_NATIVE_TENS.items():
        if word == tens:
            return value
        if word.startswith(tens) and word[len(tens) :] in _KO_NATIVE_UNITS:
            return value + _KO_NATIVE_UNITS[word[len(tens) :]]
    return _KO_NATIVE_UNITS.get(word)


def _korean_word_value(word: str) -> tuple[int, str] | None:
    """A whole Korean word that is a number, with the particle that followed it."""
    if word in _KO_NOT_NUMBERS:
        return None
    candidates = [(word, "")]
    for particle in _KO_PARTICLES:
        if word.endswith(particle) and len(word) > len(particle):
            candidates.append((word[: -len(particle)], particle))
    for stem, particle in list(candidates):
        # a counter after the number: "사천원" (won), "여섯명이" (people), "세개" (things)
        if stem[-1:] in _KO_COUNTERS and len(stem) > 2:
            candidates.append((stem[:-1], stem[-1] + particle))
    for stem, particle in candidates:
        value = read_native_korean(stem)
        if value is None:
            value = read_sino(stem, _KO_DIGITS, _KO_UNITS, _KO_BIG)
        if value is not None:
            return value, particle
    return None


def _mixed_value(match: re.Match[str], scale: dict[str, int]) -> str:
    """Digits with unit characters after them ("8万2千" 82000, "2.5万" 25000, "65만" 650000)."""
    total = section = 0.0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*(\D?)", match.group(0)):
        value = float(number)
        if unit and scale[unit] >= 10**4:
            total += (section + value) * scale[unit]
            section = 0.0
        elif unit:
            section += value * scale[unit]
        else:
            section += value
    result = total + section
    return str(int(result)) if result == int(result) else str(result)


_KO_SCALE = {"십": 10, "백": 100, "천": 1000, "만": 10**4, "억": 10**8}
_CJK_SCALE = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "萬": 10**4, "億": 10**8, "亿": 10**8}
_KO_MIXED = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?[천만억](?:\s?\d+(?:\.\d+)?[천백십만]?)*(?![\d천백십만])"
)
_CJK_MIXED = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?[千万萬億亿](?:\d+(?:\.\d+)?[千百十万萬]?)*(?![\d千百十万萬〇零一二三四五六七八九])"
)
# "삼십이만 사천원": a number in two words, split after its ten thousands.
_KO_SPLIT = re.compile(r"(?<![가-힣])([가-힣]+[만억])\s+([가-힣]+)(?![가-힣])")


def _korean_to_digits(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        found = _korean_word_value(match.group(0))
        if found is None:
            return match.group(0)
        value, particle = found
        return f"{value}{particle}"

    def join(match: re.Match[str]) -> str:
        first, second = match.group(1), match.group(2)
        if _korean_word_value(first) is None or _korean_word_value(first + second) is None:
            return match.group(0)
        return first + second

    text = _KO_SPLIT.sub(join, text)
    text = _KO_MIXED.sub(lambda m: _mixed_value(m, _KO_SCALE), text)
    return re.sub(r"(?<![가-힣])[가-힣]+(?![가-힣])", replace, text)


def _cjk_to_digits(text: str) -> str:
    chars = "".join([*_CJK_DIGITS, *_CJK_UNITS, *_CJK_BIG])

    def replace(match: re.Match[str]) -> str:
        value = read_sino(match.group(0), _CJK_DIGITS, _CJK_UNITS, _CJK_BIG, short=True)
        return match.group(0) if value is None else str(value)

    # "3万" -> 30000, "8万2千" -> 82000, before the characters are read on their own
    text = _CJK_MIXED.sub(lambda m: _mixed_value(m, _CJK_SCALE), text)
    # "一下", "一共", "一起", "一样": a word with 一 in it, not the number one
    text = re.sub(r"一(?=[下共起样樣些直定般切旦边邊同致])", "\ue010", text)
    return re.sub(rf"[{chars}]+", replace, text).replace("\ue010", "一")


# --- languages read by libraries: Italian and Dutch (text2num), Russian (number-parser) ----------

_CYRILLIC_RUN = re.compile(r"[А-Яа-яЁё]+(?:[\s-]+[А-Яа-яЁё]+)*")
_ITALIAN = re.compile(
    r"(?:uno|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|venti|trenta|quaranta|"
    r"cinquanta|sessanta|settanta|ottanta|novanta|cento|mille|mila)",
    re.IGNORECASE,
)
_DUTCH = re.compile(
    r"(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|tig|honderd|duizend)",
    re.IGNORECASE,
)


_GERMAN = re.compile(
    r"[äöüß]|\b(?:und|ist|was|wie|viel|der|die|das|ich|mit|von|für|fuer|bitte|ergibt|macht)\b",
    re.IGNORECASE,
)


_FRENCH_COMPOUND = re.compile(
    r"\b(?:vingt|trente|quarante|cinquante|soixante|quatre-vingts?|dix)-(?:et-)?"
    r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingts?)\b",
    re.IGNORECASE,
)
"""French numbers written with hyphens ("quatre-vingt-dix-sept"): read whole by ``text2num``,
before a hyphen can be taken for a minus."""


_FRENCH_THOUSANDS = re.compile(
    r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|vingt|cent|cents)\s+mille\b|"
    r"\bmille\s+(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
    r"quinze|seize|vingt|trente|quarante|cinquante|soixante|cents?)\b",
    re.IGNORECASE,
)
"""French thousands ("deux mille quatre cent douze"): read by ``text2num`` in French before
Italian, whose "mille" is the same word, can split them."""


def _library_to_digits(text: str) -> str:
    if _FRENCH_COMPOUND.search(text) or _FRENCH_THOUSANDS.search(text):
        text = alpha2digit(text, "fr")
    if _GERMAN.search(text):
        text = alpha2digit(text, "de")  # the compounds the tables miss ("achthundertzwölf")
    if _CYRILLIC_RUN.search(text):
        text = _CYRILLIC_RUN.sub(lambda m: _parse_numbers(m.group(0), language="ru"), text)
    if _ITALIAN.search(text):
        text = alpha2digit(text, "it")
    if _DUTCH.search(text):
        text = alpha2digit(text, "nl")
    return text


# --- Turkish and Polish: no library reads them -------------------------------------------------

_TR_UNITS = {
    "bir": 1, "iki": 2, "üç": 3, "uc": 3, "dört": 4, "dort": 4, "beş": 5, "bes": 5, "altı": 6,
    "alti": 6, "yedi": 7, "sekiz": 8, "dokuz": 9, "on": 10, "yirmi": 20, "otuz": 30, "kırk": 40,
    "kirk": 40, "elli": 50, "altmış": 60, "altmis": 60, "yetmiş": 70, "yetmis": 70, "seksen": 80,
    "doksan": 90,
}  # fmt: skip
_TR_SCALES = {"yüz": 100, "yuz": 100, "bin": 1000, "milyon": 10**6}
_PL_UNITS = {
    "jeden": 1, "jedna": 1, "jedno": 1, "dwa": 2, "dwie": 2, "trzy": 3, "cztery": 4, "pięć": 5,
    "piec": 5, "sześć": 6, "szesc": 6, "siedem": 7, "osiem": 8, "dziewięć": 9, "dziewiec": 9,
    "dziesięć": 10, "dziesiec": 10, "jedenaście": 11, "jedenascie": 11, "dwanaście": 12,
    "dwanascie": 12, "trzynaście": 13, "trzynascie": 13, "czternaście": 14, "czternascie": 14,
    "piętnaście": 15, "pietnascie": 15, "szesnaście": 16, "szesnascie": 16, "siedemnaście": 17,
    "siedemnascie": 17, "osiemnaście": 18, "osiemnascie": 18, "dziewiętnaście": 19,
    "dziewietnascie": 19, "dwadzieścia": 20, "dwadziescia": 20, "trzydzieści": 30,
    "trzydziesci": 30, "czterdzieści": 40, "czterdziesci": 40, "pięćdziesiąt": 50,
    "piecdziesiat": 50, "sześćdziesiąt": 60, "szescdziesiat": 60, "siedemdziesiąt": 70,
    "siedemdziesiat": 70, "osiemdziesiąt": 80, "osiemdziesiat": 80, "dziewięćdziesiąt": 90,
    "dziewiecdziesiat": 90, "sto": 100, "dwieście": 200, "dwiescie": 200, "trzysta": 300,
    "czterysta": 400, "pięćset": 500, "piecset": 500, "sześćset": 600, "szescset": 600,
    "siedemset": 700, "osiemset": 800, "dziewięćset": 900, "dziewiecset": 900,
}  # fmt: skip
_PL_SCALES = {
    "tysiąc": 1000, "tysiac": 1000, "tysiące": 1000, "tysiace": 1000, "tysięcy": 1000,
    "tysiecy": 1000, "milion": 10**6, "miliony": 10**6, "milionów": 10**6, "milionow": 10**6,
}  # fmt: skip
# Turkish writes a suffix onto the last number word: "beşin" (of five), "altıyı", "144'ün".
_TR_SUFFIX = re.compile(
    r"^(.+?)(?:'?(?:[ıiuü]n|n[ıiuü]n|[ıiuü]|y[ıiuü]|d[ae]|t[ae]|[ae]|y[ae]|l[ıiuü]k|l[ıiuü]kl[ae]r))$"
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _read_additive(words: list[str], units: dict[str, int], scales: dict[str, int]) -> int | None:
    total, current = 0, 0
    for word in words:
        if word in units:
            current += units[word]
        elif word in scales:
            scale = scales[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            return None
    return total + current


def _additive_to_digits(
    text: str, units: dict[str, int], scales: dict[str, int], suffixed: bool
) -> str:
    """Runs of number words read additively ("bin iki yüz elli" = 1000 + 2 * 100 + 50). A lone
    "bir"/"jeden" stays a word (it is also "a"/"one" the article)."""

    def known(word: str) -> str | None:
        lowered = word.lower()
        if lowered in ("yüzde", "yuzde"):  # "percent", not "in a hundred"
            return None
        if lowered in units or lowered in scales:
            return lowered
        if suffixed:
            match = _TR_SUFFIX.match(lowered)
            if match and (match.group(1) in units or match.group(1) in scales):
                return match.group(1)
        return None

    out: list[str] = []
    position = 0
    matches = list(_WORD.finditer(text))
    i = 0
    while i < len(matches):
        run: list[str] = []
        j = i
        while j < len(matches):
            word = known(matches[j].group(0))
            gap = text[matches[j - 1].end() : matches[j].start()] if j > i else ""
            if word is None or (j > i and gap.strip()):
                break
            run.append(word)
            j += 1
            if word != matches[j - 1].group(0).lower():
                break  # a suffix ends the number
        if run and not (len(run) == 1 and run[0] in ("bir", "jeden", "jedna", "jedno", "on")):
            value = _read_additive(run, units, scales)
            if value is not None:
                out.append(text[position : matches[i].start()])
                out.append(str(value))
                position = matches[j - 1].end()
                i = j
                continue
        i = max(j, i + 1)
    out.append(text[position:])
    return "".join(out)


_TURKISH = re.compile(
    r"[ğışİ]|\b(?:kaç|kac|nedir|eder|yüzde|yuzde|ve|çarpı|carpi|artı|arti|eksi)\b", re.I
)
_POLISH = re.compile(r"[ąćęłńśźż]|\b(?:ile|jest|oraz|razy|plus|minus|przez|liczb)\b", re.I)


def words_to_digits(text: str) -> str:
    """``text`` with every number written in words replaced by its digits."""
    text = _library_to_digits(text)
    text = _latin_to_digits(text)
    text = _korean_to_digits(text)
    text = _cjk_to_digits(text)
    if _TURKISH.search(text):
        text = _additive_to_digits(text, _TR_UNITS, _TR_SCALES, suffixed=True)
    if _POLISH.search(text):
        text = _additive_to_digits(text, _PL_UNITS, _PL_SCALES, suffixed=False)
    return text
