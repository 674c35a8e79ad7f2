"""A second ask the intent model missed, where its payload leaves no doubt (issue 29).

"Hoe laat is het in Jakarta en hoeveel is drie tot de macht twaalf?": the intent model hears the
time question and misses the sum, whose words it has never seen in Dutch. But the sum is written
out (the calculator's reader turns "drie tot de macht twaalf" into ``3**12``), and a place with
a question for the time is as plain. :func:`evident_second` names such a second tool beside the
one the model chose; the caller still reads its arguments and drops it when they are not there.
Harmless tools are added this way (the calculator, time_now), and reads only where the read is
named outright (:func:`evident_read`: a variable by its name, a folder by its path, a file by its
name with a verb of reading, the system's facts or the running processes by their words), never
a change.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from intent import places, word_problems
from intent.clear import arithmetic_calls
from intent.effect_words import READ_METHOD
from intent.features import ACRONYMS
from intent.file_asks import FOLDER_WORD, READ_FILE
from intent.grounding import verb_kinds
from intent.not_asked import time_converted
from intent.readers import (
    BY_RESOURCE,
    CONSUMES,
    PROCESS_WORD,
    RESOURCE,
    TIME_AT,
    TIME_QUESTION,
    takes_resources,
)
from intent.records import STATISTIC, numbers_in
from intent.safety import ENV_CUE, PROCESS_CUE, concept_question, worked_result
from intent.table_asks import READ, named_table
from intent.text import STRONG_BOUNDARY, blank, boundaries, folders, json_literals, paths, urls

_NO_SUM_WITH = frozenset({"calculator", "statistics", "data_transform", "json_query", "json_parse"})
"""Tools whose own data holds numbers (a sum beside them is likely theirs)."""


def _plain(text: str) -> str:
    """The text without its payloads (a URL's or a file name's digits are no sum)."""
    return blank(text, [*urls(text), *paths(text), *json_literals(text)])


# a verb of calculating, in the 13 languages: beside data, a sum with one is an ask of its own
_CALCULATE = re.compile(
    r"\b(?:calculate|compute|work\s+out|multiply|divide|calcul\w*|berechne\w*|rechne\w*|"
    r"what\s+is|what'?s|was\s+ist|wie\s*viel|combien|cu[áa]nto|quanto|hoeveel|сколько|скока|"
    r"ne\s+kadar|ka[çc]|ile\s+(?:to|jest|b[eę]dzie)|"
    r"reken\w*|bereken\w*|посчитай|вычисли|сосчитай|hesapla\w*|oblicz\w*|policz\w*)\b|"
    r"계산|計算|计算|算一下|算算|帮我算|然后算|再算|算出|얼마|いくら|是多少|等于多少",
    re.IGNORECASE,
)


def _sum_of_its_own(text: str) -> bool:
    """Whether a clause of the text, with no data pasted in it, asks a calculation in so many
    words ("..., and multiply fifty by three", "그리고 1024*768 계산", "e depois calcula 2**10"):
    beside JSON or CSV, whose numbers are the data's, only such a sum is a second ask."""
    cuts = [0, *boundaries(text), len(text)]
    for start, end in itertools.pairwise(cuts):
        clause = text[start:end]
        if json_literals(clause) or "\n" in clause.strip() or "," in clause:
            continue
        if _CALCULATE.search(clause) and arithmetic_calls(_plain(clause)):
            return True
    return False


def evident_second(chosen: Sequence[str], text: str) -> str | None:
    """The harmless second tool a one-tool decision missed, when its payload is plain."""
    if len(chosen) != 1 or concept_question(text):
        return None
    first = chosen[0]
    plain = _plain(text)
    if (
        first != "database_execute"
        and first != "calculator"
        and not worked_result(text)
        and (
            (first not in _NO_SUM_WITH and arithmetic_calls(plain))
            or (first in _NO_SUM_WITH and _sum_of_its_own(text))
        )
    ):
        return "calculator"
    if (
        first != "time_now"
        and (
            TIME_QUESTION.search(plain)
            or TIME_AT.search(plain)
            or (_HOUR_THERE.search(plain) and _NOW_THERE.search(plain))
        )
        and places.find_places(plain)
        and not time_converted(text)
    ):
        return "time_now"  # "..., chissà se a Sydney è già notte fonda"
    numbers_tool = first in _NO_SUM_WITH or first == "database_query"
    if not numbers_tool and _statistic_of_its_own(text):
        return "statistics"  # "apri dati/temperature.txt; poi ... in media, di questi valori: ..."
    return None


def _statistic_of_its_own(text: str) -> bool:
    """Whether a clause with no data pasted in it names a statistic of three or more numbers it
    writes ("медиана 1200, 850, 430, 990", "maksimum z 3 17 9 21 4"); clauses are cut at
    sentence ends and words of "then" only, not at the commas between the numbers."""
    cuts = [0, *(m.end() for m in STRONG_BOUNDARY.finditer(text)), len(text)]
    for start, end in itertools.pairwise(cuts):
        clause = _plain(text[start:end])
        if json_literals(text[start:end]) or "\n" in clause.strip():
            continue
        if STATISTIC.search(clause) and len(numbers_in(clause)) >= 3:
            return True
    return False


_VARIABLES = re.compile(
    r"(?<![A-Za-z0-9_$])(?:LANG|LANGUAGE|LC_ALL|TZ|SHELL|PATH|HOME|PYTHONPATH|VIRTUAL_ENV|EDITOR|"
    r"TMPDIR|HOSTNAME)(?![A-Za-z0-9_])"
)


_UPPER_NAME = re.compile(r"(?<![A-Za-z0-9_$])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*(?![A-Za-z0-9_])")
"""A name in capitals, also against Japanese or Chinese text ("NODE_ENVの値")."""


def variable_named(text: str) -> bool:
    """A variable named outright: a well-known one (PATH, LANG, TZ...), or any name in capitals
    (DOCKER_HOST, PGDATA) beside the word for a variable ("la variabile", "переменную",
    "değişkenini", "zmienną")."""
    if _VARIABLES.search(text):
        return True
    if not ENV_CUE.search(text):
        return False
    return any(
        (len(m.group(0)) >= 4 or "_" in m.group(0)) and m.group(0) not in ACRONYMS
        for m in _UPPER_NAME.finditer(text)
    )


# the machine's parts, beside another ask ("quante CPU ha la macchina che ore sono a Istanbul")
_HARDWARE = re.compile(
    r"(?<![A-Za-z])(?:CPUs?|RAM)(?![A-Za-z])|\bcores?\b|\bkerne\b|\bc[œo]urs\b|\bn[úu]cleos\b|"
    r"\bcore\b|\bkernen\b|\bядер\w*|\b[çc]ekirdek\w*|\brdze[nń]\w*|\bgeheugen\b|\bschijfruimte\b|"
    r"\bmemoria\b|\bmem[óo]ria\b|\bm[ée]moire\b|\bmemory\b|\bpami[ęe][ćc]\w*|\bпамят\w*|\bbellek\b|"
    r"코어|メモリ|コア数|内存|核心数",
    re.IGNORECASE,
)
_SYSTEM = re.compile(
    r"\bsystem\s*info\w*|\bsysteeminfo\w*|\bsysteminformati\w*|\binformazioni\s+(?:di|del)\s+sistema|"
    r"\binfo(?:rmations?)?\s+(?:sur\s+le\s+|du\s+)?syst[eè]me|\bsistem\s+bilgi\w*|"
    r"информаци\w*\s+о\s+систем\w*|\binformacj\w*\s+o\s+systemie|\bdisk\s+space|\bfree\s+disk|"
    r"\bspeicherplatz|\bespace\s+disque|\bespacio\s+(?:libre\s+)?en\s+disco|\bespa[çc]o\s+em\s+disco|"
    r"\bspazio\s+(?:libero\s+)?su\s+disco|\bschijfruimte|место\s+на\s+диске|\bdisk\s+alan\w*|"
    r"\bmiejsc\w*\s+na\s+dysku|시스템\s*정보|디스크\s*(?:남은\s*)?(?:공간|용량)|システム情報|ディスク(?:容量|の空き)|"
    r"系统信息|系統資訊|磁盘空间|磁盤空間|硬盘空间|"
    # the machine's facts by other names: "info sistema", "infos de la machine", "na jakim
    # systemie to stoi", the Python version of this machine
    r"\binfo\s+sistema\b|\binfos?\s+(?:de\s+|sur\s+)?la\s+machine\b|\bna\s+jakim\s+systemie\b|"
    r"\bpython\s+(?:version|versi[óo]n|vers[ãa]o|versione|versie|s[üu]r[üu]m\w*|wersj\w*|верси\w*)|"
    r"\b(?:version|versi[óo]n|vers[ãa]o|versione|versie|wersj\w*|верси\w*)\s+(?:(?:de|do|di|van|of|z)\s+)?"
    r"python\b|\bpython\s+ka[çc]\b|python\s*(?:버전|バージョン|版本)",
    re.IGNORECASE,
)
# how much of the machine's memory or disk is left, or its total: its facts, not a process's
_LEFT_OR_TOTAL = re.compile(
    r"\b(?:left|remaining|free|total|frei\w*|gesamt\w*|reste|restant\w*|libre|disponible|livre|"
    r"restante|totale?|libero|vrij|totaal|свободн\w*|всего|осталось|bo[şs]|toplam|kalan|wolne?|"
    r"[łl][ąa]czn\w*)\b|남은|총|残量|空き|合計|总|總|剩余|剩下",
    re.IGNORECASE,
)


def _left_or_total(text: str) -> bool:
    """Whether a word of what is left or of the total stands next to the memory or the disk
    ("arbeitsspeicher frei", "총 메모리", "combien de ram il me reste"), not "total langsam"."""
    return any(
        abs(left.start() - part.start()) <= 12
        for part in _STORAGE.finditer(text)
        for left in _LEFT_OR_TOTAL.finditer(text)
    )


_STORAGE = re.compile(
    _HARDWARE.pattern
    + r"|speicher\w*|\bdis(?:k|que|co)\b|\bdysk\w*|диск\w*|디스크|ディスク|磁盘|硬盘",
    re.IGNORECASE,
)


_PROCESSES = re.compile(
    PROCESS_WORD + r"|\bprocessi\b|\bprocessen\b|\bprocesy\b|\bprocesów\b|\bsüreç\w*|процесс\w*",
    re.IGNORECASE,
)
_FILE_TOOLS = frozenset({"file_read", "file_list", "file_write"})
_BESIDE_A_PAGE = frozenset(
    {
        "calculator",
        "statistics",
        "time_now",
        "system_info",
        "database_query",
        "process_list",
        "environment",
        "json_parse",
        "json_query",
        "data_transform",
        "file_read",
        "file_list",
    }
)
"""First tools whose own arguments never hold a URL: a URL beside them is an ask of its own."""
_LOOK = re.compile(
    r"\b(?:look\s+at|check|read|see|open|visit|lies|schau\w*|regarde\w*|lis|mira|lee|olh[ae]|"
    r"guarda|leggi|bekijk|kijk|lees|посмотри|прочитай|открой|bak|oku|a[çc]|zobacz|sprawd[źz]|przeczytaj|"
    # what a page says, asked: "di cosa parla https://...", "что написано на", "co jest na"
    r"di\s+cosa\s+parla|cosa\s+dice|глянь|что\s+(?:написано|там)|wat\s+staat\s+er|"
    r"was\s+steht\s+(?:auf|da|drauf)|de\s+quoi\s+parle|ce\s+que\s+dit|de\s+qu[ée]\s+(?:trata|habla)|"
    r"sobre\s+o\s+que|co\s+jest\s+na|ne\s+yaz[ıi]yor|what'?s\s+on|what\s+(?:it|the\s+page)\s+says)\b|"
    r"봐|읽어|열어|見て|読んで|開いて|看看|看一下|查看|读一下|打开",
    re.IGNORECASE,
)
# a verb of listing, in the 13 languages
_LIST = re.compile(
    r"\b(?:list|liste[rnz]?|listar?|elenca|wylistuj|listele|toon|zeig\w*|montre|mostra\w*|"
    r"g[öo]ster|покажи)\b|ne\s+var|一覧|列出|목록",
    re.IGNORECASE,
)
# what is in a file, asked: "wat er in todo.md staat", "what's in notes.txt", "co jest w a.txt"
_WHATS_IN = re.compile(
    r"\b(?:what'?s\s+in|what\s+is\s+in|was\s+(?:steht|ist)\s+in|qu['’]y\s+a[- ]t[- ]il\s+dans|"
    r"ce\s+qu['’]il\s+y\s+a\s+dans|qu[ée]\s+hay\s+en|o\s+que\s+(?:tem|h[áa])\s+(?:em|no|na)|"
    r"cosa\s+c['’][èe]\s+(?:in|nel|nella)|leggimi|wat\s+er\s+in|что\s+(?:в|лежит\s+в)|"
    r"co\s+jest\s+w|ne\s+var|ne\s+yaz[ıi]yor)\b",
    re.IGNORECASE,
)


_VERSION = re.compile(
    r"\bversions?\b|\bversi[óo]n\b|\bvers[ãa]o\b|\bversione\b|\bversie\b|\bверси\w*|"
    r"\bs[üu]r[üu]m\w*|\bwersj\w*|버전|バージョン|版本",
    re.IGNORECASE,
)


def resource_consumers(text: str) -> bool:
    """Whether the text asks what takes the processor or the memory ("was frisst hier so viel
    CPU", "qu'est-ce qui bouffe toute la mémoire", "哪个程序最占内存", "le serveur rame, liste les
    process triés par cpu"): the running processes, not the machine's specification."""
    plain = _plain(text)
    rest = RESOURCE.sub(" ", BY_RESOURCE.sub(" ", plain))
    if _SYSTEM.search(plain) or _SPECS.search(rest) or _VERSION.search(rest):
        return (
            False  # "quanta memoria ha e che sistema operativo usa", "... y la versión de python"
        )
    return takes_resources(plain)


def processes_not_machine(chosen: Sequence[str], text: str) -> list[str] | None:
    """``["process_list"]`` (with any other tool kept) where the machine's facts were chosen
    for what takes its processor or memory (:func:`resource_consumers`); or None."""
    if "system_info" not in chosen or not resource_consumers(text) or concept_question(text):
        return None
    tools = ["process_list" if tool == "system_info" else tool for tool in chosen]
    return list(dict.fromkeys(tools))


def evident_read(chosen: Sequence[str], text: str) -> str | None:
    """The read a one-tool decision missed, when the request names it outright: a variable by
    its name, the system's facts or the processes by their words, a folder by its path, a file
    by its name and a verb of reading."""
    if len(chosen) != 1 or concept_question(text):
        return None
    first = chosen[0]
    data = json_literals(text)
    pages = [u for u in urls(text) if not any(d.start <= u.start < d.end for d in data)]
    named = paths(blank(text, [*urls(text), *data]))
    # "cours/plan.txt" names no cores; a JSON value's words are data, not an ask
    plain = blank(text, [*urls(text), *named, *data])
    if first != "environment" and variable_named(plain):
        return "environment"
    if first != "system_info" and _SYSTEM.search(plain):
        return "system_info"
    if first not in ("process_list", "system_info") and (
        _PROCESSES.search(plain) or resource_consumers(plain)
    ):
        return "process_list"
    if first not in ("process_list", "system_info", "environment") and _HARDWARE.search(plain):
        return "system_info"
    if first == "process_list" and _left_or_total(plain):
        return "system_info"  # "top 5 processes by cpu, and how much RAM is left in total"
    if first in _BESIDE_A_PAGE and len(pages) == 1 and READ_METHOD.search(plain):
        return "api_request"  # "GET a https://httpbin.org/uuid y cuenta filas de la tabla tickets"
    if first in _BESIDE_A_PAGE and len(pages) == 1 and _LOOK.search(plain):
        return "web_scrape"  # "..., and look at https://x/y for what it recommends"
    if first in ("file_write", "file_read") and _folder_listed_apart(text):
        return "file_list"  # "écris ... dans notes/rappels.txt puis montre moi le dossier notes"
    if first in _FILE_TOOLS:
        return None
    if (
        len(named) == 1
        and (READ_FILE.search(plain) or _WHATS_IN.search(plain))
        and "file" not in verb_kinds(text)
    ):
        return "file_read"  # "pretty print {...} ook wil ik weten wat er in todo.md staat"
    in_files = [
        f
        for f in folders(plain)
        if not any(p.start <= f.start < p.end for p in named)
        and re.fullmatch(r"[a-z0-9_\-./~]*[a-z][a-z0-9_\-./~]*", f.text)  # not 116/4, Asia/Tokyo
    ]
    if not named and len(in_files) == 1:
        return "file_list"
    return None


def _folder_listed_apart(text: str) -> bool:
    """Whether a clause that names no file asks to see a folder by the word for one ("puis
    montre moi le dossier notes", "そのあと memo フォルダの一覧を見せて", "notlar klasorunu goster")."""
    cuts = [0, *boundaries(text), len(text)]
    for start, end in itertools.pairwise(cuts):
        clause = text[start:end]
        if paths(clause) or urls(clause):
            continue
        if FOLDER_WORD.search(clause) and READ.search(clause):
            return True
    return False


_EXPLAIN = re.compile(
    r"\bexplain|\bwhat\s+(?:is|are|does)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:for|mean)|erkl[äa]r|expli|"
    r"spieg|uitleg|leg\s+uit|объясн|что\s+такое|açıkla|nedir|wyjaśnij|wyjasnij|co\s+to\s+jest|"
    r"설명|뭐야\s*\?*$|説明|とは|解释|解釋|是什么|"
    r"\bshould\b|\bsollte\w*|\bdevrai\w*|\bdeber[íi]a\w*|\bdeveria\w*|\bdovrebb\w*|\bдолж\w*|"
    r"\bpowinn\w*|\bmeli\b|"
    # how-to: "wie beende ich einen Prozess?", "how do I kill a process?"
    r"\bhow\s+(?:do|can|to|should)\b|\bwie\s+\w+\s+(?:ich|man)\b|\bcomment\b|\bc[óo]mo\b|"
    r"\bcome\s+(?:si|posso|faccio)\b|\bhoe\b|\bкак\b|\bnas[ıi]l\b|\bjak\b|어떻게|どうやって|怎么|怎麼|如何",
    re.IGNORECASE,
)


# The hour at a place asked without the word for time: awake, asleep, too early, too late, night.
_HOUR_THERE = re.compile(
    r"\b(?:awake|asleep|up\s+yet|still\s+up|too\s+early|too\s+late|middle\s+of\s+the\s+night|"
    r"wach|schl[äa]ft|zu\s+fr[üu]h|zu\s+sp[äa]t|mitten\s+in\s+der\s+nacht|r[ée]veill[ée]e?s?|dort|"
    r"trop\s+t[ôo]t|trop\s+tard|en\s+pleine\s+nuit|despiert[oa]s?|dormid[oa]s?|duerme|muy\s+temprano|"
    r"demasiado\s+(?:temprano|tarde)|madrugada|acordad[oa]s?|dormindo|cedo\s+demais|tarde\s+demais|"
    r"muito\s+cedo|svegli[oa]?|dorme|troppo\s+(?:presto|tardi)|notte\s+fonda|piena\s+notte|wakker|"
    r"slaapt|te\s+vroeg|te\s+laat|midden\s+in\s+de\s+nacht|спит|проснул\w*|рано|поздно|ночь|"
    r"середин\w*\s+ночи|office\s+hours|orario\s+d['’]ufficio|b[üu]rozeit\w*|heures\s+de\s+bureau|"
    r"horario\s+(?:de\s+oficina|laboral)|hor[áa]rio\s+comercial|kantoor(?:tijd|uren)|avond|"
    r"рабоч\w+\s+врем\w*|mesai|godzin\w*\s+pracy|uyuyor\w*|uyan[ıi]k|erken|ge[çc]\s+mi|gece\s+yar[ıi]s[ıi]|[śs]pi|"
    r"obudzi\w*|za\s+wcze[śs]nie|za\s+p[óo][źz]no|[śs]rod\w*\s+nocy)\b|"
    r"자고\s*있|일어났|깼|너무\s*이른|너무\s*늦|새벽|起きて|寝て|早すぎ|遅すぎ|夜中|深夜|醒了|睡了|太早|太晚|半夜",
    re.IGNORECASE,
)
_NOW_THERE = re.compile(
    r"\b(?:now|yet|already|there|jetzt|schon|dort|da\s+dr[üu]ben|maintenant|d[ée]j[àa]|l[àa]-bas|ahora|"
    r"ya|all[íi]|agora|j[áa]|l[áa]|adesso|ora|gi[àa]|l[àa]|nu|al|daar|сейчас|уже|там|[şs]imdi|[şs]u\s+an|"
    r"orada|teraz|ju[żz]|tam|u\s+nich)\b|지금|거기|今|向こう|现在|現在|那边|那邊",
    re.IGNORECASE,
)
_HOW_MUCH = re.compile(
    r"\bhow\s+(?:much|many)\b|\btotal\b|\beach\b|\bwie\s*viel\w*|\bwas\s+(?:zahl|kost|macht)\w*|"
    r"\bcombien\b|\bcu[áa]nt[oa]s?\b|\bquant[oaie]s?\b|\bqto\b|\bhoeveel\b|\bwat\s+kost\w*|"
    r"сколько|скока|почём|\bne\s+kadar\b|\bka[çc]\b|\bile\b|얼마|몇|いくら|何円|多少|[?？]",
    re.IGNORECASE,
)


def asked_outright(tool: str, text: str) -> bool:
    """Whether a tool that takes no argument from the words is asked for by its own words ("디스크
    남은 용량", "the processes", "what time", a variable named): beside another tool read from
    the same words, it is a second ask, not an echo of the first."""
    plain = _plain(text)
    if tool == "system_info":
        return bool(_SYSTEM.search(plain) or _HARDWARE.search(plain))
    if tool == "process_list":
        return bool(_PROCESSES.search(plain) or PROCESS_CUE.search(plain))
    if tool == "time_now":
        return bool(TIME_QUESTION.search(plain) or TIME_AT.search(plain))
    if tool == "database_query":
        # "users 테이블 row 수 세고 지금 UTC 시간도": a table named, and a word of seeing or counting
        return named_table(plain) is not None and bool(READ.search(plain))
    return False


def evident_single(text: str) -> str | None:
    """The one read a request names outright where the intent model chose nothing (a language
    its phrasebooks lack): a variable by its name and the word for one, the time with a place
    named, a file with a verb of reading, the processes or a folder's path with a word of
    showing or asking. Never for a concept or an explanation."""
    if concept_question(text) or worked_result(text):
        return None
    plain = blank(text, [*urls(text), *json_literals(text)])
    if TIME_QUESTION.search(plain) and places.find_places(plain) and not time_converted(text):
        return "time_now"  # "che ore sono adesso a Lisbona?", "hoe laat is het in ...?"
    if _HOUR_THERE.search(plain) and _NOW_THERE.search(plain) and places.find_places(plain):
        return "time_now"  # "is my sister in New York awake yet?": the hour there, asked
    if _HOW_MUCH.search(plain) and word_problems.solve(plain) is not None:
        return "calculator"  # "siamo in quattro, il conto è 187,60: quanto a testa?"
    if not json_literals(text) and _statistic_of_its_own(text):
        return "statistics"  # "mediana z liczb jedenaście, czternaście, osiem, dwadzieścia..."
    if _EXPLAIN.search(text):
        return None
    pages = urls(text)
    if len(pages) == 1 and not json_literals(text) and _LOOK.search(plain):
        # "Прочитай https://ru.wikipedia.org/wiki/Пельмени и кратко перескажи": a page read
        return "api_request" if READ_METHOD.search(plain) else "web_scrape"
    if variable_named(plain) and ENV_CUE.search(plain):
        return "environment"
    named = paths(plain)
    if (
        len(named) == 1
        and (READ_FILE.search(plain) or READ.search(plain))
        and "file" not in verb_kinds(text)
        and all(named[0].start <= f.start < named[0].end for f in folders(plain))
    ):
        return "file_read"  # "открой scripts/backup.sh": one file, a verb of reading
    if resource_consumers(plain) and (READ.search(plain) or CONSUMES.search(plain)):
        return "process_list"  # "뭐가 CPU를 제일 많이 쓰는지 보여주세요"
    if not READ.search(plain):
        return None
    if _PROCESSES.search(plain):
        return "process_list"
    if (
        _SPECS.search(plain)
        and _THIS_MACHINE.search(plain)
        and _WHICH_OR_HOW_MUCH.search(plain)
        and not (PROCESS_CUE.search(plain) or CONSUMES.search(plain) or _JUDGED.search(plain))
    ):
        return "system_info"  # "ile ten komp ma rdzeni i ramu?": this machine, asked about
    in_files = [
        f
        for f in folders(plain)
        if not any(p.start <= f.start < p.end for p in named)
        and re.fullmatch(r"[a-z0-9_\-./~]*[a-z][a-z0-9_\-./~]*", f.text)
    ]
    if not named and len(in_files) == 1:
        return "file_list"
    folder_words = [m for m in FOLDER_WORD.finditer(plain) if m.group(0).lower() != "dir"]
    if not named and folder_words and (_WHATS_IN.search(plain) or _LIST.search(plain)):
        return "file_list"  # "raporlar klasöründe ne vardı, bir bakar mısın?"
    return None


_SPECS = re.compile(
    r"\bspecs?\b|\bspecifications?\b|\bspezifikation\w*|\bsp[ée]cifications?\b|\bespecifica\w*|"
    r"\bspecifiche\b|\bspecificaties\b|\bspecyfikacj\w*|характеристик\w*|\b[öo]zellik\w*|"
    r"\bcores?\b|\bkerne\b|\bc[œo]urs\b|\bn[úu]cleos\b|\bkernen\b|\bядер\b|\b[çc]ekirdek\w*|"
    r"\brdze[nń]\w*|スペック|コア数|规格|規格|配置|核心数|사양|스펙|코어|"
    # its memory, processor and operating system
    r"(?<![A-Za-z])(?:RAM(?:s|ie|u)?|OS)(?![A-Za-z])|\bram(?:u|ie)?\b|\bmemory\b|\bspeicher\b|\bm[ée]moire\b|"
    r"\bmem[óo]ria\b|\bgeheugen\b|памят\w*|\bpami[ęe][ćc]\w*|\bbellek\b|메모리|メモリ|内存|"
    r"\bproc\b|\bпроц\b|процессор\w*|\bprocessor\b|\bprozessor\b|\bprocesseur\b|\bprocesador\b|"
    r"\bprocessador\b|\bprocessore\b|\bi[şs]lemci\b|\bprocesor\b|\bось\b|\bbetriebssystem\b|"
    r"\boperating\s+system\b|\bsistema\s+operativo\b|\bsyst[èe]me\s+d'exploitation\b|"
    r"\bbesturingssysteem\b|\bi[şs]letim\s+sistemi\b|\bsystem\s+operacyjny\b|операционн\w*",
    re.IGNORECASE,
)


_THIS_MACHINE = re.compile(
    r"\b(?:computer|machine|server|laptop|pc|box|host|rechner|ordinateur|ordi|computadora|ordenador|"
    r"computador|m[áa]quina|macchina|komp\w*|komputer\w*|сервак\w*|сервер\w*|комп\w*|машин\w*|"
    r"ноут\w*|bilgisayar\w*|makine\w*|sunucu\w*|notebook|"
    r"my|this|mein\w*|dies\w*|mon|ma|ce|cette|mi|este|esta|meu|minha|esse|essa|mio|mia|questo|questa|"
    r"mijn|deze|dit|мой|моя|мо[её]м|этот|эта|этом|benim|bu|m[óo]j|moja|ten|ta|tym)\b|"
    r"컴퓨터|서버|노트북|내\s|이\s*(?:컴|서버|노트북|기계)|パソコン|マシン|サーバー|この|电脑|電腦|服务器|伺服器|本机|这台|這台|我的",
    re.IGNORECASE,
)
# what the machine has, asked: how much, which, enough
_WHICH_OR_HOW_MUCH = re.compile(
    r"\b(?:how\s+(?:much|many|big)|which|what|enough|wie\s*viel\w*|welche\w*|genug|combien|quel\w*|"
    r"assez|cu[áa]nt[oa]s?|cu[áa]l\w*|suficiente|quant[oaie]s?|qual\w*|abbastanza|hoeveel|welke|"
    r"genoeg|ile|jaki\w*|wystarcz\w*|сколько|скока|как(?:ой|ая|ие)|на\s+ч[её]м|хватит|хватает|"
    r"ne\s+kadar|ka[çc]|hangi|yeterli)\b|얼마|몇|무슨|충분|どれ|何|いくつ|足り|多少|几|什么|哪|够",
    re.IGNORECASE,
)
# "is it bad for the memory?", "c'est normal ?": a judgement, not the figures
_JUDGED = re.compile(
    r"\b(?:bad|normal|ok(?:ay)?|harmful|dangerous|schlimm|schlecht|normal|grave|mauvais|malo|"
    r"normale?|ruim|slecht|normaal|плохо|нормально|vredno|k[öo]t[üu]|zararl[ıi]|normal\s+mi|"
    r"[źz]le|normalne|szkodliw\w*)\b|나쁜|정상|悪い|普通|正常|不好",
    re.IGNORECASE,
)


def machine_not_processes(chosen: Sequence[str], text: str) -> list[str] | None:
    """``["system_info"]`` where the processes were chosen for the machine's specification or
    its cores ("cpu kerne?", "このマシンのスペック教えて"), with no word of a process or of running;
    or None."""
    if tuple(chosen) != ("process_list",) or not _SPECS.search(text):
        return None
    if PROCESS_CUE.search(text) or _PROCESSES.search(text) or CONSUMES.search(text):
        return None
    return ["system_info"]
