"""Words of change that ask for no change: kinds of request the side-effect grounding and the
decision must read as talk, not as an order (issue 29).

- **Keywords discussed**: two SQL keywords or HTTP methods weighed against each other ("POST or
  PUT?", "DELETE vs TRUNCATE", "GET이나 POST") are the subject of a question, not verbs.
- **A piece of writing**: a joke, a poem, a story, a riddle, a song, or a translation: the answer
  is text for the user; with no file, table, address or data named, nothing is to be changed
  or run, whatever words of change or tools' subjects the request carries ("a SQL joke I can drop
  in the chat", "translate: we'll be a quarter of an hour late").
- **The user's own past action**: "what did I jot down in ...?", "что я записывал в ...",
  "data 폴더에 뭐 넣어뒀었지?", "昨日書いた議事録", "dün kaydettiğim rapor", "j'ai enregistré":
  a verb in the past tense, told of the user, recalls a change already made; it asks for none.
"""

from __future__ import annotations

import re

from intent.text import json_literals, paths, urls

_KEYWORD = (
    r"(?<![A-Za-z])(?:SELECT|INSERT|UPDATE|DELETE|DROP|TRUNCATE|ALTER|CREATE|MERGE|UPSERT|"
    r"GET|POST|PUT|PATCH|HEAD)(?![A-Za-z])"
)
_BETWEEN = (
    r"\s*(?:,|/|\bor\b|\band\b|\bvs\.?|\bversus\b|\bo\b|\by\b|\bou\b|\bet\b|\boder\b|\bund\b|"
    r"\bof\b|\ben\b|\be\b|\bed\b|\bi\b|\bили\b|\bи\b|\bveya\b|\bve\b|\bczy\b|\blub\b|"
    r"や|と|か|和|或|或者|还是|還是|이나|나|랑|와|과|하고)\s*"
)
_KEYWORD_CHOICE = re.compile(_KEYWORD + _BETWEEN + _KEYWORD)


def keywords_discussed(text: str) -> bool:
    """Whether two SQL keywords or HTTP methods are weighed against each other."""
    return bool(_KEYWORD_CHOICE.search(text))


_WRITING = re.compile(
    # a piece of writing, in thirteen languages (words that mean only that: "historia" is also
    # history, "wiersz" also a row)
    r"\b(?:jokes?|poems?|poetry|haikus?|limericks?|riddles?|songs?|lyrics|puns?|sonnets?|"
    r"bedtime\s+story|short\s+story|"
    r"witz\w*|gedicht\w*|reim\w*|lied(?:chen)?|"
    r"blagues?|po[èe]mes?|devinettes?|chansons?|comptines?|"
    r"chistes?|poemas?|cuentos?|adivinanzas?|canci[óo]n\w*|versos?|"
    r"piadas?|contos?|adivinhas?|can[çc][ãa]o\w*|"
    r"barzellett\w*|poesi\w*|raccont\w*|indovinell\w*|canzon\w*|filastrocc\w*|"
    r"grap(?:je)?|moppen?|mopje|gedichtje|verhaaltje|raadsels?|liedje|versje|"
    r"анекдот\w*|шутк\w*|стих\w*|сказк\w*|загадк\w*|песн\w*|"
    r"fıkra\w*|fikra\w*|şaka\w*|saka|şiir\w*|siir\w*|masal\w*|bilmece\w*|şarkı\w*|"
    r"żart\w*|zart\w*|dowcip\w*|wierszyk\w*|bajk\w*|zagadk\w*|piosenk\w*|"
    # a translation
    r"translat\w*|[üu]bersetz\w*|tradu[cizsç]\w*|vertaal\w*|перевед\w*|переведи|"
    r"przetłumacz\w*|przetlumacz\w*|tercüme\w*|tercume\w*)\b|"
    r"농담|동화|수수께끼|시\s*한\s*편|번역|ジョーク|冗談|詩を|俳句|なぞなぞ|翻訳|"
    r"笑话|笑話|首诗|首詩|写诗|寫詩|谜语|謎語|段子|翻译|翻譯",
    re.IGNORECASE,
)


def writing_asked(text: str) -> bool:
    """A request for a piece of writing or a translation, with no file, address or data (JSON,
    lines of CSV) in it."""
    rows = [line for line in text.splitlines() if line.count(",") or "\t" in line]
    return bool(_WRITING.search(text)) and not (
        paths(text) or urls(text) or json_literals(text) or len(rows) >= 2
    )


_EN_PAST = re.compile(r"\b(?:did|have|had)\s+(?:i|we)\s+(?:\w+\s+)?$", re.IGNORECASE)
_EN_TOLD = re.compile(r"\b(?:i|we)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_RU_PAST = re.compile(r"(?:л|ла|ло|лся|лась|лось)$", re.IGNORECASE)  # not -ли: "удали"
_KO_PAST = re.compile(r"^[가-힣]?(?:었|았|였|뒀|놨|했|됐|둔\s|놓은|한\s)")
# Japanese and Chinese: a past form or a relative clause after the verb ("昨日書いた議事録",
# "保存しておいたファイル", "我昨天保存的文件"); not the request ("書いて", "保存して", "保存一下")
_JA_PAST = re.compile(r"^(?:た|だ|した|しておいた|しといた|してある|してた|された)(?!ら|い)")
_ZH_PAST = re.compile(r"^(?:了|过|過)?的")
# Turkish: the participle or the past of the first person ("kaydettiğim rapor", "yazdım")
_TR_PAST = re.compile(r"[dt][ıiuü][gğ](?:[ıiuü]m|[ıiuü]m[ıiuü]z)$|[dt][ıiuü]m$", re.IGNORECASE)
# Polish: the past of the first person ("zapisałem", "dodałam", "zapisaliśmy")
_PL_PAST = re.compile(r"(?:łem|łam|lem|lam|liśmy|lismy|łyśmy|lysmy)$", re.IGNORECASE)
# Romance languages: an auxiliary of the first person before a participle ("j'ai enregistré",
# "he guardado", "ho salvato"), or the preterite of the first person ("guardé", "salvei")
_ROMANCE_AUX = re.compile(
    r"(?:\bj['’]ai|\bj['’]avais|\bnous\s+avons|\bon\s+a|\bhe|\bhemos|\bhab[íi]a|\btinha|\btenho|"
    r"\bho|\bavevo|\babbiamo)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_PARTICIPLE = re.compile(r"(?:é|ée|és|ées|i|it|ado|ada|ido|ida|ato|ata|uto|ito|o)$", re.IGNORECASE)
_PRETERITE = re.compile(r"\w{3,}(?:é|ei)$", re.IGNORECASE)
_ADJECTIVE_PARTICIPLE = re.compile(r"\w{3,}(?:ados|adas|idos|idas|ées|és)", re.IGNORECASE)


def past_action(text: str, start: int, end: int) -> bool:
    """Whether the verb at ``text[start:end]`` tells of something already done by the user
    ("did I save", "I wrote", "я записывал", "넣어뒀었지"), not asked for."""
    word = text[start:end]
    before = text[max(0, start - 30) : start]
    if _EN_PAST.search(before):
        return True
    if (word.lower() == "wrote" or word.lower().endswith("ed")) and _EN_TOLD.search(before):
        return True
    if re.fullmatch(r"[а-яё]+", word, re.IGNORECASE) and _RU_PAST.search(word):
        return True
    if _TR_PAST.search(word) or _PL_PAST.search(word) or _PRETERITE.fullmatch(word):
        return True
    if _ADJECTIVE_PARTICIPLE.fullmatch(word):
        return True  # "os clientes cadastrados", "los pedidos borrados": a state, not an order
    if _ROMANCE_AUX.search(before) and _PARTICIPLE.search(word):
        return True
    after = text[end : end + 6]
    return bool(_KO_PAST.search(after) or _JA_PAST.search(after) or _ZH_PAST.search(after))


_TIME_DIFFERENCE = re.compile(
    r"\btime\s+difference|\bhours?\s+(?:ahead|behind)\b|\bzeit(?:unterschied|verschiebung)|"
    r"\bd[ée]calage\s+horaire|\bdiferencia\s+(?:horaria|de\s+horas?)|\bhoras\s+de\s+diferen|"
    r"\bdiferen[çc]a\s+(?:de\s+)?(?:hor|fuso)|\bfuso\s+hor[áa]rio\s+de\s+diferen|"
    r"\bdifferenza\s+(?:di\s+)?(?:fuso|ora)|\bore\s+di\s+differenza|\btijdsverschil|"
    r"разниц\w*\s+во\s+времени|\bsaat\s+fark|\br[óo][żz]nic\w*\s+czasu|時差|时差|시차|"
    r"差几个小时|差幾個小時|时间差|時間差|몇\s*시간\s*차이",
    re.IGNORECASE,
)
_CLOCK = (
    r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|h\b|uhr|uur|heures?|horas?|ore|часов|час|"
    r"saat|godz\w*|時|点|點|시)|\d{1,2}:\d{2}|(?:saat|las|as|le|om|o)\s+\d{1,2}\b|"
    # noon and midnight, named
    r"\bnoon\b|\bmidday\b|\bmidnight\b|\bmittags?\b|\bmitternacht\b|\bmidi\b|\bminuit\b|"
    r"\bmediod[íi]a\b|\bmedianoche\b|\bmeio[- ]dia\b|\bmeia[- ]noite\b|\bmezzogiorno\b|"
    r"\bmezzanotte\b|\bmiddag\b|\bmiddernacht\b|полд[её]н\w*|полноч\w*|\b[öo][ğg]len?\b|"
    r"\bpo[łl]udni\w*|\bp[óo][łl]noc\w*|正午|真夜中|中午|午夜|정오|자정)"
)
_IF_CLOCK = re.compile(
    r"(?:\bif\b|\bwhen\b|\bwenn\b|\bfalls\b|\bsi\b|s['’]il|\bquand\b|\bcuando\b|\bquando\b|"
    r"\bwanneer\b|\bkogda\b|\bкогда\b|\bkiedy\b|\bse\b|\bals\b|\bесли\b|\beğer\b|\beger\b|"
    r"\bjeśli\b|\bjesli\b|\bgdy\b|もし|如果|要是|만약)[^?？.。]{0,40}?"
    + _CLOCK
    + r"|"
    + _CLOCK
    + r"[^?？.。]{0,12}?(?:\bise\b|なら|のとき|の時|的时候|的時候|(?:이|가)?면\b|일\s*때)",
    re.IGNORECASE,
)


def time_converted(text: str) -> bool:
    """A question about time zones that asks for no current time: the difference between two
    places ("Zeitunterschied", "時差"), or a given hour carried to another place ("if it's 9am in
    New York, what time is it in London?"). The answer is arithmetic on the zones, not a clock."""
    return bool(_TIME_DIFFERENCE.search(text) or _IF_CLOCK.search(text))
