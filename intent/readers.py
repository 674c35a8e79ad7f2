"""One reader per built-in tool: the arguments a request gives that tool, in any of the
languages, as (arguments, missing argument names, unresolved words by argument).

Each reader finds only what the user wrote (or computed from their words: "zwölf" -> 12) and
lists what it cannot find; :mod:`intent.extract` checks the result against the tool's schema and
splits a request that needs several tools. The readers of whole kinds of value live beside them:
arithmetic (:mod:`intent.arithmetic`), places (:mod:`intent.places`), records and JSON
(:mod:`intent.records`), SQL (:mod:`intent.sql`).
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from intent import places, records, sql, word_problems
from intent.numbers import words_to_digits
from intent.text import Span, blank, boundaries, folders, json_literals, paths, quoted, urls
from tools.system import ENV_ALLOWLIST

Found = tuple[dict[str, Any], list[str], dict[str, str]]
"""What one reader finds: arguments, missing argument names, unresolved words by argument."""


# --- calculator and time_now ----------------------------------------------------------------------


def _calculator(text: str) -> Found:
    expression = word_problems.expression(text)
    if expression is None:
        return {}, ["expression"], {}
    return {"expression": expression}, [], {}


TIME_QUESTION = re.compile(
    r"what\s+time|the\s+time|time\s+is\s+it|quelle\s+heure|l'heure|wie\s+sp[äa]t|uhrzeit|"
    r"qu[ée]\s+hora|\b[qk]\s+hora|la\s+hora|que\s+horas|"
    r"che\s+or[ae]\b|l'ora\b|hoe\s+laat|hoe\s+laat|который\s+час|сколько\s+(?:сейчас\s+)?времени|"
    r"\bsaat\s+ka[çc]|\bsaat\s+ne\b|kt[óo]ra\s+(?:jest\s+)?godzin|\bgodzin[aęy]\b|"
    r"몇\s*시|시간|시각|何時|時間|時刻|几点|幾點|时间",
    re.I,
)
"""A question for the time, in the 13 languages (the clause of a request that asks it)."""
TIME_AT = re.compile(
    r"\b(?:time|hora|heure|uhrzeit|ora|tijd|saat|czas|godzin[aę]|время)\s+"
    r"(?:in|at|en|em|no|na|à|a|au|aux|de|di|a|w|we|в|во)\s",
    re.I,
)
"""The time at a place, written as a noun with its preposition ("hora en Madrid", "heure à
Paris", "time in UTC"): beside another ask, the place then names the clock wanted."""
_TIME_QUESTION = TIME_QUESTION


def _time_now(text: str) -> Found:
    found = places.find_places(text)
    if len(found) > 1:
        # "It's 3pm in Seoul, what time is it in London?": the place in the clause that asks
        cuts = [0, *boundaries(text), len(text)]
        for start, end in itertools.pairwise(cuts):
            if _TIME_QUESTION.search(text[start:end]):
                asked = [p for p in found if start <= p.start < end]
                if asked:
                    return {"timezone": asked[0].zone}, [], {}
    if found:
        return {"timezone": found[0].zone}, [], {}
    unknown = places.unknown_place(text)
    if unknown:
        return {}, ["timezone"], {"timezone": unknown}
    return {}, [], {}


# --- files ------------------------------------------------------------------------------------------

_APPEND = re.compile(
    r"\bappend|\badd\s+(?:it\s+|this\s+|the\s+line\s+)?(?:to\s+the\s+end|at\s+the\s+end)|\bajoute[rz]?\b|"
    r"\bà\s+la\s+fin\b|\banh[äa]ng|\bh[äa]nge\b|\bf[üu]ge\b.*\bhinzu\b|\bans\s+ende\b|\ba[ñn]ad|\bagrega|"
    r"\banexa|\bal\s+final\b|\bacrescent|\badicion|\bno\s+final\b|\bao\s+final\b|추가|덧붙|이어\s*(?:써|쓰)|"
    r"追記|追加|末尾に|附加|追加到|添加到",
    re.I,
)
_CREATE_ONLY = re.compile(
    r"don'?t\s+overwrite|without\s+overwriting|only\s+if\s+it\s+does(?:n'?t|\s+not)\s+exist|"
    r"sans\s+[ée]craser|ne\s+pas\s+[ée]craser|nicht\s+[üu]berschreiben|ohne\s+zu\s+[üu]berschreiben|"
    r"sin\s+sobrescribir|no\s+sobrescribas|sem\s+sobrescrever|n[ãa]o\s+sobrescrev|덮어쓰지|上書きしない|"
    r"上書きせず|不要覆盖|不覆盖",
    re.I,
)
_CONTENT_PHRASES = [
    r"(?:that\s+says|saying|which\s+says|with\s+the\s+(?:text|content|contents|words?)|containing|"
    r"with\s+content|the\s+text|the\s+words?)\s*:?\s*",
    r"(?:qui\s+dit|disant|avec\s+le\s+(?:texte|contenu)|contenant|le\s+texte)\s*:?\s*",
    r"(?:mit\s+dem\s+(?:Text|Inhalt)|mit\s+Inhalt|mit\s+Text|der\s+Text|den\s+Text|das\s+sagt|mit\s+den\s+Worten)\s*:?\s*",
    r"(?:que\s+diga|que\s+dice|con\s+el\s+(?:texto|contenido)|que\s+contenga|el\s+texto)\s*:?\s*",
    r"(?:que\s+diga|que\s+diz|com\s+o\s+(?:texto|conte[úu]do)|contendo|o\s+texto)\s*:?\s*",
    r"(?:内容为|内容是|內容為|內容是|写上|寫上|写入|寫入|内容：|内容:)\s*",
]
_CONTENT = re.compile("|".join(f"(?:{p})" for p in _CONTENT_PHRASES), re.I)
_WRITE_BEFORE_PATH = re.compile(
    r"\b(?:write|save|put|store|add|append|[ée]cri[st]|[ée]crire|enregistre|mets|schreib\w*|speicher\w*|"
    r"escrib\w*|guard\w*|escrev\w*|salv\w*|grav\w*|coloque)\s+(?P<content>.+?)\s+"
    r"(?:to|in|into|dans|sur|in\s+die|en|em|no|na|ao|à)\s+(?:the\s+|a\s+|le\s+|la\s+|un\s+|die\s+|el\s+|un\s+|o\s+|a\s+)?"
    r"(?:(?:new\s+)?(?:file|fichier|datei|archivo|arquivo)\s+)?(?:called\s+|named\s+)?$",
    re.I,
)
_FILE_NAMED = re.compile(
    r"(?:file|fichier|datei|archivo|arquivo)\s+(?:called|named|nomm[ée]|appel[ée]|namens|llamado|chamado)\s+"
    r"[`'\"“]?(?P<name>[\w\-./]+)",
    re.I,
)
_FILE_NAMED_CJK = re.compile(
    r"[「『\"“]?(?P<name>[\w\-./]+?)[」』\"”]?\s*(?:이라는|라는|という|名为|叫)?\s*(?:파일|ファイル|文件|檔案)"
)
_RECURSIVE = re.compile(
    r"recursive|all\s+(?:sub)?folders|subfolders|sub-?directories|r[ée]cursi|sous-dossiers|rekursiv|"
    r"unterordner|recursiv|subcarpetas|subpastas|하위\s*폴더|재귀|サブフォルダ|再帰|递归|子文件夹|子目录",
    re.I,
)
_LEVELS = re.compile(
    r"(\d+)\s*(?:levels?|niveaux?|ebenen|niveles?|n[íi]veis|n[íi]vel|단계|레벨|階層|层|級|级)", re.I
)
_FOLDER_WORD = re.compile(
    r"(?:folder|directory|dir|dossier|r[ée]pertoire|ordner|verzeichnis|carpeta|directorio|pasta|diret[óo]rio|"
    r"cartella|map|папк[аеуи]|каталог[еа]?|klasör\w*|klasor\w*|dizin\w*|folder\w*|katalog\w*|"
    r"폴더|디렉터리|디렉토리|フォルダ|ディレクトリ|文件夹|目录|資料夾|目錄)",
    re.I,
)
_NOT_FOLDERS = {
    "the", "my", "this", "that", "a", "workspace", "current", "le", "la", "ce", "mon", "der", "die",
    "das", "den", "mein", "meinem", "el", "mi", "este", "o", "meu", "esta", "이", "그", "현재",
    "内", "この", "当前", "该", "all", "files", "fichiers", "dateien", "archivos", "arquivos",
    "in", "of", "du", "des", "de", "dans", "im", "dem", "em", "no", "na", "do", "da", "del",
    "al", "en", "los", "las", "os", "as", "les", "une", "un", "ein", "einem", "una", "uma", "what",
    "which", "your", "ma", "mes", "meine", "mis", "meus", "minha", "そ", "その", "there", "here",
    "w", "we", "z", "ze", "di", "nella", "nel", "della", "het", "mijn", "в", "во", "из",
    "moim", "mojej", "tej", "tym", "questa", "questo", "deze", "dit",
    "it", "them", "general", "total", "order", "detail", "details", "use",
}  # fmt: skip


def _file_path(text: str) -> Span | None:
    found = paths(text)
    if found:
        return found[0]
    named = _FILE_NAMED.search(text) or _FILE_NAMED_CJK.search(text)
    if named and named.group("name").lower() not in _NOT_FOLDERS:
        return Span(named.group("name"), named.start("name"), named.end("name"))
    return None


def _file_read(text: str) -> Found:
    path = _file_path(text)
    if path is None:
        return {}, ["path"], {}
    arguments: dict[str, Any] = {"path": path.text}
    offset = re.search(
        r"\b(?:offset|from\s+byte|[àa]\s+partir\s+de\s+l'octet|ab\s+Byte|desde\s+el\s+byte|a\s+partir\s+do\s+byte)\s+(\d+)",
        text,
        re.I,
    )
    if offset:
        arguments["offset"] = int(offset.group(1))
    return arguments, [], {}


def _content(text: str, path: Span) -> str | None:
    """The text to write: quoted, after a colon, after "that says", or between the verb and the path."""
    for span in quoted(text):
        if span.text.strip() and not (span.start <= path.start < span.end + 1):
            return span.text.strip()
    colon = re.search(r"[:：]\s*(?P<rest>.+)$", text[path.end :], re.S)
    if colon and colon.group("rest").strip():
        return colon.group("rest").strip()
    phrase = _CONTENT.search(text)
    if phrase:
        rest = text[phrase.end() :]
        if path.start >= phrase.end():
            ahead = text[phrase.end() : path.start]
            ahead = re.sub(
                r"\s+(?:to|in|into|dans|en|em|no|na)\s+(?:the\s+)?(?:file\s+)?$",
                "",
                ahead,
                flags=re.I,
            )
            rest = ahead if ahead.strip() else text[path.end :]
        rest = rest.strip().strip("：:").strip().rstrip(".!?。！？")
        if rest:
            return rest
    before = text[: path.start]
    verb = _WRITE_BEFORE_PATH.search(before)
    if verb:
        content = verb.group("content").strip()
        if content.lower() not in {
            "it",
            "this",
            "that",
            "something",
            "a file",
            "le",
            "ça",
            "es",
            "lo",
            "isso",
        }:
            return content
    # ko: "notes.txt에 우유 사기라고 써줘" / ja: "memo.txtに買い物と書いて" / zh: "在notes.txt中写入买牛奶"
    after = text[path.end :]
    korean = re.match(
        r"\s*(?:파일)?\s*에\s*(?P<c>.+?)\s*(?:이?라고|을|를)\s*(?:써|적어|저장|기록|작성)", after
    )
    if korean:
        return korean.group("c").strip()
    japanese = re.match(r"\s*(?:ファイル)?\s*に\s*(?P<c>.+?)\s*(?:と|を)\s*(?:書|保存|記録)", after)
    if japanese:
        return japanese.group("c").strip()
    chinese = re.search(r"(?:把|将)\s*(?P<c>.+?)\s*(?:写入|写到|保存到|寫入)\s*$", before)
    if chinese:
        return chinese.group("c").strip()
    return None


def _file_write(text: str) -> Found:
    path = _file_path(text)
    if path is None:
        content_only = quoted(text)
        return {}, ["path"] + ([] if content_only else ["content"]), {}
    arguments: dict[str, Any] = {"path": path.text}
    content = _content(text, path)
    missing: list[str] = []
    if content is None:
        missing.append("content")
    else:
        arguments["content"] = content
    if _APPEND.search(
        blank(text, [Span(content or "", 0, 0)]) if content is None else text.replace(content, " ")
    ):
        arguments["mode"] = "append"
    elif _CREATE_ONLY.search(text):
        arguments["mode"] = "create"
    return arguments, missing, {}


def _file_list(text: str) -> Found:
    arguments: dict[str, Any] = {}
    written = folders(text)
    folder: str | None = written[0].text.rstrip("/") if written else None
    if folder is None:
        for span in quoted(text):
            if re.fullmatch(r"[\w\-./가-힣\u3040-\u30ff\u4e00-\u9fff]+", span.text):
                folder = span.text
                break
    if folder is None:
        latin = re.search(
            rf"(?:in|inside|under|of|dans|du|im|in\s+dem|en|de|em|no|na|do|da)\s+(?:the\s+|le\s+|la\s+|dem\s+|el\s+|la\s+|o\s+|a\s+)?"
            rf"(?:{_FOLDER_WORD.pattern}\s+)?[`'\"]?(?P<name>[\w\-.]+)[`'\"]?(?:\s+{_FOLDER_WORD.pattern})?",
            text,
            re.I,
        )
        after_word = re.search(rf"{_FOLDER_WORD.pattern}\s+[`'\"]?(?P<name>[\w\-.]+)", text, re.I)
        before_word = re.search(
            rf"[`'\"「]?(?P<name>[\w\-.]+?)[`'\"」]?\s*(?:{_FOLDER_WORD.pattern})", text, re.I
        )
        # "show the files in invoices": a bare name that ends the request after "in"
        trailing = re.search(
            r"\b(?:in|under|inside|within)\s+(?:the\s+|my\s+)?[`'\"]?(?P<name>[\w\-./]+?)[`'\"]?"
            r"[\s.?!]*$",
            text,
            re.I,
        )
        for match in (before_word, after_word, latin, trailing):
            if match:
                name = match.group("name")
                if (
                    name.lower() not in _NOT_FOLDERS
                    and not _FOLDER_WORD.fullmatch(name)
                    and (match is not latin or _FOLDER_WORD.search(text))
                ):
                    folder = name
                    break
    if folder:
        arguments["path"] = folder
    levels = _LEVELS.search(text)
    if levels:
        arguments["depth"] = int(levels.group(1))
    elif _RECURSIVE.search(text):
        arguments["depth"] = 10  # "all levels": the most the tool allows
    return arguments, [], {}


# --- system -----------------------------------------------------------------------------------

_MEMORY = re.compile(
    r"memory|\bram\b|m[ée]moire|speicher|arbeitsspeicher|memoria|mem[óo]ria|메모리|メモリ|内存|記憶體",
    re.I,
)
_BY_NAME = re.compile(
    r"\bby\s+name|alphabetic|par\s+nom|nach\s+name|por\s+nombre|por\s+nome|이름\s*순|名前順|按名称",
    re.I,
)
_BY_PID = re.compile(r"\bby\s+pid|par\s+pid|nach\s+pid|por\s+pid|pid\s*순|pid順|按\s*pid", re.I)
PROCESS_WORD = (
    r"(?:(?:process(?:es)?|processus|prozesse?|procesos?|processos?)(?!or|eur|ad|r)|"
    r"프로세스|プロセス|进程|進程)"
)
"""The word for a process, in each language (a regular expression; not the processor: "les
processeurs", "processore", "procesor")."""
RESOURCE = re.compile(
    r"(?<![A-Za-z])(?:CPU|RAM)(?![A-Za-z])|\bcpu\b|\bmemory\b|\bm[ée]moire\b|\bmemoria\b|"
    r"\bmem[óo]ria\b|\bspeicher\b|\bgeheugen\b|памят\w*|\bпроц\w*|\bbellek\w*|\bpami[ęe][ćc]\w*|"
    r"메모리|メモリ|内存|記憶體",
    re.IGNORECASE,
)
# the processor or the memory, sorted by: "liste les process triés par cpu", "top 3 by memory"
BY_RESOURCE = re.compile(
    r"\b(?:by|par|nach|por|per|op|по|g[öo]re|wed[łl]ug|wg)\s+(?:the\s+|la\s+|le\s+|die\s+|el\s+|a\s+)?"
    r"(?:cpu|memory|m[ée]moire|memoria|mem[óo]ria|speicher\w*|ram|geheugen|памят\w*|bellek\w*|"
    r"pami[ęe]ci)\b",
    re.IGNORECASE,
)
# "how much RAM does chrome use?": memory a program takes is asked of the processes
CONSUMES = re.compile(
    r"\b(?:uses?|using|eats?|eating|hog\w*|tak(?:es?|ing)\s+up|verbrauch\w*|frisst|fressen|"
    r"zieht|mangi\w*|consomm\w*|consum\w*|bouff\w*|prend|usa(?:ndo)?|gasta\w*|ocupa\w*|gebruik\w*|vreet|"
    r"жр[её]т|использу\w*|потребля\w*|kullan\w*|yiyor|zu[żz]yw\w*|zjada\w*)\b|"
    r"잡아먹|먹는|먹고|쓰는|쓰고|사용하는|使って|食って|占用|最占|占内存|占CPU|吃",
    re.IGNORECASE,
)


def takes_resources(text: str) -> bool:
    """Whether the text asks what takes the processor or the memory ("was frisst hier so viel
    CPU", "哪个程序最占内存", "liste les process triés par cpu"): a question for the processes."""
    return bool(BY_RESOURCE.search(text)) or bool(RESOURCE.search(text) and CONSUMES.search(text))


_PROCESS_COUNT = re.compile(
    rf"\btop\s+(\d+)|\b(\d+)\s+(?:\w+\s+)?{PROCESS_WORD}|(?:상위|上位|前)\s*(\d+)|"
    rf"{PROCESS_WORD}\S{{0,3}}?\s*(\d+)\s*(?:개|個|个|つ|件)",
    re.I,
)
_PROCESS_NAMED = re.compile(
    r"(?:named|called|nomm[ée]s?|appel[ée]s?|namens|llamad[oa]s?|chamad[oa]s?|matching|containing)\s+[`'\"“]?(?P<name>[\w.\-]+)",
    re.I,
)
_PROCESS_NAMED_BEFORE = re.compile(
    r"(?<![\w])(?P<name>[A-Za-z][\w.\-]*?)\s*(?:diye|ad[ıi]nda|adl[ıi]|isimli|って名前の|という名前の|"
    r"っていう|という|이라는|라는|(?:이|라)는\s*이름의)"
)
"""The name before its word of naming: "nginx diye bir süreç", "pythonって名前のプロセス"."""
_PROCESS_BEFORE = re.compile(rf"(?<![\w])(?P<name>[A-Za-z][\w.\-]*)\s*{PROCESS_WORD}", re.I)
_PROCESS_OF = re.compile(
    rf"{PROCESS_WORD}\s+(?:of|de|du|von|do|da)\s+[`'\"]?(?P<name>[A-Za-z][\w.\-]*)", re.I
)
_NOT_PROCESS_NAMES = {
    "running", "all", "the", "active", "current", "top", "my", "of", "list", "show", "which",
    "what", "les", "des", "tous", "alle", "laufenden", "die", "los", "todos", "os", "cpu", "memory",
    "ram", "system", "heavy", "hungry", "busy", "biggest", "largest", "other", "these", "those",
    "quels", "quelles", "mes", "ces", "welche", "meine", "diese", "qué", "que", "cuáles",
    "mis", "estos", "quais", "meus", "esses", "estes", "la", "le", "el", "a", "o", "mémoire",
    "memoria", "memória", "speicher", "en", "em", "cours", "execução", "ejecución",
    # articles and pronouns before the word for a process ("ein Prozess", "un processo")
    "ein", "eine", "einen", "einem", "un", "une", "una", "uno", "um", "uma", "an", "een", "het",
    "de", "di", "il", "lo", "bir", "bu", "jaki", "jakiś", "jakis", "ten", "ta", "this", "that",
    "any", "some", "each", "every", "kill", "ubivat",
}  # fmt: skip
_ENV_NAME = re.compile(r"\$?(?<![A-Za-z0-9_])([A-Z][A-Z0-9_]{1,40})(?![A-Za-z0-9_])")
"""A variable's name, also where a CJK particle follows it unspaced ("PATHも", "HOME도")."""
_NOT_ENV = {
    "JSON",
    "CPU",
    "OS",
    "API",
    "URL",
    "SQL",
    "CSV",
    "HTTP",
    "HTTPS",
    "I",
    "OK",
    "RAM",
    "UTC",
    "ENV",
}


def _process_list(text: str) -> Found:
    arguments: dict[str, Any] = {}
    if _MEMORY.search(text):
        arguments["sort_by"] = "memory"
    elif _BY_PID.search(text):
        arguments["sort_by"] = "pid"
    elif _BY_NAME.search(text):
        arguments["sort_by"] = "name"
    elif re.search(r"\bcpu\b|processeur|prozessor|procesador|processador|씨피유|cpu", text, re.I):
        arguments["sort_by"] = "cpu"
    count = _PROCESS_COUNT.search(words_to_digits(unicodedata.normalize("NFKC", text)))
    if count:
        arguments["limit"] = int(next(g for g in count.groups() if g))
    named = _PROCESS_NAMED.search(text) or _PROCESS_NAMED_BEFORE.search(text)
    if named is not None and named.group("name").lower() in _NOT_PROCESS_NAMES:
        named = None  # "ein Prozess", "un processo": an article, not a program's name
    if named is None:
        of = _PROCESS_OF.search(text)
        if of and of.group("name").lower() not in _NOT_PROCESS_NAMES:
            named = of
    if named is None:
        for candidate in _PROCESS_BEFORE.finditer(text):
            if candidate.group("name").lower() not in _NOT_PROCESS_NAMES:
                named = candidate
                break
    if named:
        arguments["name"] = named.group("name")
    return arguments, [], {}


def _environment(text: str) -> Found:
    names = []
    for match in _ENV_NAME.finditer(text):
        name = match.group(1)
        written_as_variable = match.group(0).startswith("$") or "_" in name
        if name in _NOT_ENV or not (name in ENV_ALLOWLIST or written_as_variable):
            continue
        names.append(name)
    names = list(dict.fromkeys(names))
    return ({"names": names} if names else {}), [], {}


def _no_arguments(text: str) -> Found:
    return {}, [], {}


# --- web -----------------------------------------------------------------------------------------

_METHOD = re.compile(r"(?<![A-Za-z])(GET|POST|PUT|PATCH|DELETE|HEAD)(?![A-Za-z])")
_METHOD_WORDS: list[tuple[str, str]] = [
    (
        "DELETE",
        r"\bdelete\b|\bremove\b|\bsupprim|\bl[öo]sch|\belimin|\bborra|\bexclu|\bapag|삭제|削除|删除|刪除",
    ),
    ("PUT", r"\breplace\b|\bremplace|\bersetz|\breemplaza|\bsubstitu"),
    ("PATCH", r"\bpatch\b"),
    (
        "POST",
        r"\bpost\b|\bsend\b|\bsubmit\b|\benvo(?:ie|yer|yez)|\bschick|\bsende\b|\bsenden\b|\bübermittle|"
        r"\benv(?:i|í)a|\benviar\b|\benvie\b|보내|전송|제출|送信|送って|送る|发送|發送|提交",
    ),
]
_HEADER = re.compile(
    r"(?:header|en-tête|kopfzeile|encabezado|cabeçalho|헤더|ヘッダー?|请求头|標頭)s?\s*:?\s*([A-Za-z][\w-]*)\s*[:=]\s*([^\s,;]+)",
    re.I,
)
_WWW = re.compile(r"(?<![\w/.@])(?:www\.)[\w\-]+(?:\.[\w\-]+)+(?:/[^\s<>\"'`]*)?")


def _url(text: str) -> Span | None:
    found = urls(text)
    if found:
        return found[0]
    bare = _WWW.search(text)
    if bare:
        url = bare.group(0).rstrip(".,;:!?")
        return Span("https://" + url, bare.start(), bare.start() + len(url))
    return None


def _api_request(text: str) -> Found:
    url = _url(text)
    if url is None:
        return {}, ["url"], {}
    arguments: dict[str, Any] = {"url": url.text}
    rest = blank(text, [url])
    body = next((s for s in json_literals(rest)), None)
    if body is not None:
        arguments["json_body"] = json.loads(body.text)
        rest = blank(rest, [body])
    method = _METHOD.search(rest)
    if method:
        arguments["method"] = method.group(1)
    else:
        for name, words in _METHOD_WORDS:
            if re.search(words, rest, re.I):
                arguments["method"] = name
                break
        else:
            if body is not None:
                arguments["method"] = "POST"  # a body the user wrote is something to send
    headers = {m.group(1): m.group(2) for m in _HEADER.finditer(rest)}
    if headers:
        arguments["headers"] = headers
    return arguments, [], {}


def _web_scrape(text: str) -> Found:
    url = _url(text)
    if url is None:
        return {}, ["url"], {}
    return {"url": url.text}, [], {}


# --- data and databases ------------------------------------------------------------------------


def _statistics(text: str) -> Found:
    arguments, missing = records.statistics_arguments(text)
    return arguments, missing, {}


def _json_parse(text: str) -> Found:
    arguments, missing = records.json_parse_arguments(text)
    return arguments, missing, {}


def _json_query(text: str) -> Found:
    arguments, missing = records.json_query_arguments(text)
    return arguments, missing, {}


def _data_transform(text: str) -> Found:
    arguments, missing = records.data_transform_arguments(text)
    return arguments, missing, {}


def _database_query(text: str) -> Found:
    return sql.sql_arguments("database_query", text)


def _database_execute(text: str) -> Found:
    return sql.sql_arguments("database_execute", text)


EXTRACTORS: dict[str, Callable[[str], Found]] = {
    "file_read": _file_read,
    "file_write": _file_write,
    "file_list": _file_list,
    "system_info": _no_arguments,
    "process_list": _process_list,
    "environment": _environment,
    "calculator": _calculator,
    "statistics": _statistics,
    "json_parse": _json_parse,
    "json_query": _json_query,
    "data_transform": _data_transform,
    "api_request": _api_request,
    "web_scrape": _web_scrape,
    "database_query": _database_query,
    "database_execute": _database_execute,
    "time_now": _time_now,
}
