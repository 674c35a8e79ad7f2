"""Arguments for the built-in tools, read from the user's words whatever the phrasing or language.

Once a tool is chosen (by the intent model), :func:`extract` fills its arguments from the text:
arithmetic for the calculator, a place's IANA zone for time_now, file names and the text to
write, numbers, JSON, records, SQL, URLs. The result is checked against the tool's own schema.
What cannot be found is listed in ``missing`` (so detect-intent can ask the model for that one
tool's schema), never filled with a default or a guess: every string comes from the text, every
number is one the user wrote or one computed from their words ("zwölf" -> 12).

:func:`extract_all` does the same for a request that needs several tools ("what time is it in
Seoul, and what is 3*4?"), giving each tool the part of the text that is about it.

    >>> extract("calculator", "Combien font 7 fois 8 ?").arguments
    {'expression': '7 * 8'}
    >>> extract("time_now", "¿Qué hora es en Buenos Aires?").arguments
    {'timezone': 'America/Argentina/Buenos_Aires'}
    >>> extract("file_write", "write a file").missing
    ['path', 'content']
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from intent import arithmetic, places, records, sql
from intent.text import Span, blank, boundaries, folders, json_literals, paths, quoted, urls

Found = tuple[dict[str, Any], list[str], dict[str, str]]
"""What one extractor finds: arguments, missing argument names, unresolved words by argument."""


class UnknownToolError(ValueError):
    """The tool has no extractor (it is not a built-in tool)."""


class Extraction(BaseModel):
    """The arguments found for one tool call, and what could not be found."""

    model_config = ConfigDict(frozen=True)

    tool: str = Field(description="The tool these arguments are for.")
    arguments: dict[str, Any] = Field(
        default_factory=dict,
        description="Arguments read from the text and valid for the tool's schema; only what the "
        "user said (the tool's defaults are left to the tool).",
    )
    missing: list[str] = Field(
        default_factory=list,
        description="Arguments the call needs that the text does not give (or gives in a form "
        "that could not be read); empty when the call can run as it is.",
    )
    unresolved: dict[str, str] = Field(
        default_factory=dict,
        description="Argument -> the words the user wrote for it that could not be turned into a "
        "valid value (a place the table does not know, SQL for the other database tool).",
    )
    segment: str = Field(default="", description="The part of the text the arguments came from.")

    @property
    def complete(self) -> bool:
        """Whether the call can run without asking for anything."""
        return not self.missing


# --- calculator and time_now ----------------------------------------------------------------------


def _calculator(text: str) -> Found:
    expression = arithmetic.expression(text)
    if expression is None:
        return {}, ["expression"], {}
    return {"expression": expression}, [], {}


_TIME_QUESTION = re.compile(
    r"what\s+time|the\s+time|time\s+is\s+it|quelle\s+heure|l'heure|wie\s+sp[äa]t|uhrzeit|"
    r"qu[ée]\s+hora|la\s+hora|que\s+horas|몇\s*시|시간|시각|何時|時間|時刻|几点|幾點|时间",
    re.I,
)


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
    r"폴더|디렉터리|디렉토리|フォルダ|ディレクトリ|文件夹|目录|資料夾|目錄)",
    re.I,
)
_NOT_FOLDERS = {
    "the", "my", "this", "that", "a", "workspace", "current", "le", "la", "ce", "mon", "der", "die",
    "das", "den", "mein", "meinem", "el", "mi", "este", "o", "meu", "esta", "이", "그", "현재",
    "内", "この", "当前", "该", "all", "files", "fichiers", "dateien", "archivos", "arquivos",
    "in", "of", "du", "des", "de", "dans", "im", "dem", "em", "no", "na", "do", "da", "del",
    "al", "en", "los", "las", "os", "as", "les", "une", "un", "ein", "einem", "una", "uma", "what",
    "which", "your", "ma", "mes", "meine", "mis", "meus", "minha", "そ", "その",
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
        for match in (before_word, after_word, latin):
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
_PROCESS_WORD = (
    r"(?:process(?:es)?|processus|prozesse?|procesos?|processos?|프로세스|プロセス|进程|進程)"
)
_PROCESS_COUNT = re.compile(
    rf"\btop\s+(\d+)|\b(\d+)\s+(?:\w+\s+)?{_PROCESS_WORD}|(?:상위|上位|前)\s*(\d+)|"
    rf"{_PROCESS_WORD}\S{{0,3}}?\s*(\d+)\s*(?:개|個|个|つ|件)",
    re.I,
)
_PROCESS_NAMED = re.compile(
    r"(?:named|called|nomm[ée]s?|appel[ée]s?|namens|llamad[oa]s?|chamad[oa]s?|matching|containing)\s+[`'\"“]?(?P<name>[\w.\-]+)",
    re.I,
)
_PROCESS_BEFORE = re.compile(rf"(?<![\w])(?P<name>[A-Za-z][\w.\-]*)\s*{_PROCESS_WORD}", re.I)
_PROCESS_OF = re.compile(
    rf"{_PROCESS_WORD}\s+(?:of|de|du|von|do|da)\s+[`'\"]?(?P<name>[A-Za-z][\w.\-]*)", re.I
)
_NOT_PROCESS_NAMES = {
    "running", "all", "the", "active", "current", "top", "my", "of", "list", "show", "which",
    "what", "les", "des", "tous", "alle", "laufenden", "die", "los", "todos", "os", "cpu", "memory",
    "ram", "system", "heavy", "hungry", "busy", "biggest", "largest", "other", "these", "those",
    "quels", "quelles", "mes", "ces", "welche", "meine", "diese", "qué", "que", "cuáles",
    "mis", "estos", "quais", "meus", "esses", "estes", "la", "le", "el", "a", "o", "mémoire",
    "memoria", "memória", "speicher", "en", "em", "cours", "execução", "ejecución",
}  # fmt: skip
_ENV_NAME = re.compile(r"\$?\b([A-Z][A-Z0-9_]{1,40})\b")
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
    count = _PROCESS_COUNT.search(unicodedata.normalize("NFKC", text))
    if count:
        arguments["limit"] = int(next(g for g in count.groups() if g))
    named = _PROCESS_NAMED.search(text)
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
    from tools.system import ENV_ALLOWLIST

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


# --- validation against the tools' own schemas ----------------------------------------------------


def warm() -> None:
    """Load the place table and the tools' schemas now (about a second, once per process), so
    that the first request does not pay for it. Call it from the server's lifespan."""
    places.table()
    _schemas()


@lru_cache(maxsize=1)
def _schemas() -> dict[str, tuple[type[BaseModel] | None, frozenset[str]]]:
    """Each built-in tool's argument model and its required fields, built once."""
    from tools.registry import build_tools

    schemas: dict[str, tuple[type[BaseModel] | None, frozenset[str]]] = {}
    for tool in build_tools():
        schema = tool.args_schema
        model = schema if isinstance(schema, type) and issubclass(schema, BaseModel) else None
        required = frozenset(
            name
            for name, info in (model.model_fields.items() if model else [])
            if info.is_required()
        )
        schemas[tool.name] = (model, required)
    return schemas


def _validate(tool: str, found: Found) -> Found:
    arguments, missing, unresolved = dict(found[0]), list(found[1]), dict(found[2])
    model, required = _schemas().get(tool, (None, frozenset()))
    if model is None:
        return arguments, missing, unresolved
    for _ in range(len(arguments) + 1):
        try:
            model.model_validate(arguments)
            break
        except ValidationError as exc:
            bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            bad &= set(arguments)
            if not bad:
                break
            for name in bad:
                unresolved[name] = json.dumps(arguments.pop(name), ensure_ascii=False)[:200]
                if name in required:
                    missing.append(name)
    missing += [name for name in sorted(required) if name not in arguments and name not in missing]
    order = list(model.model_fields)
    missing = sorted(dict.fromkeys(missing), key=lambda n: order.index(n) if n in order else 99)
    return arguments, missing, unresolved


def extract(tool: str, text: str) -> Extraction:
    """The arguments for one call of ``tool`` that ``text`` gives, checked against its schema."""
    if tool not in EXTRACTORS:
        raise UnknownToolError(
            f"no extractor for tool {tool!r}; built-in tools: {', '.join(EXTRACTORS)}"
        )
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    arguments, missing, unresolved = _validate(tool, EXTRACTORS[tool](text))
    return Extraction(
        tool=tool, arguments=arguments, missing=missing, unresolved=unresolved, segment=text
    )


# --- several tools in one request ------------------------------------------------------------------

_CUES: dict[str, str] = {
    "calculator": r"\d\s*[-+*/×÷^%]\s*[\d(]|\b(?:plus|minus|times|fois|mal|por|vezes|menos|m[áa]s|mais|moins|divided|divis|geteilt|dividido|squared|root|racine|wurzel|ra[íi]z|power|puissance|hoch|elevado|percent|pour\s*cent|prozent|por\s*ciento|por\s*cento|factorial|multipl|add|subtract|sum\s+of|product|somme|summe|suma|soma|calcul|rechne|quanto|cu[áa]nto|combien|how\s+much|wie\s*viel)\b|곱하기|더하기|빼기|나누기|제곱|掛け|かけ|足す|引く|割る|乗|乘|加|减|除以|次方|平方根|계산|計算|计算",
    "time_now": r"\btime\b|\bdate\b|\bheure\b|\buhr\b|\bsp[äa]t\b|\bdatum\b|\bhora\b|\bfecha\b|\bhoras\b|\bdata\b|몇\s*시|시간|시각|날짜|何時|時間|時刻|日付|几点|幾點|时间|日期",
    "statistics": "|".join(records.STAT_WORDS.values()),
    "file_read": r"\.[A-Za-z]\w{0,7}\b|\bread\b|\bopen\b|\blis\b|\blies\b|\blee\b|\bleia\b|\bouvre\b|\b[öo]ffne\b|\babre\b|읽|열어|読|開|读|打开",
    "file_write": r"\.[A-Za-z]\w{0,7}\b|\bwrite\b|\bsave\b|[ée]cri|schreib|speicher|escrib|escrev|guard|salv|저장|써|書|保存|写|寫",
    "file_list": r"\bfiles\b|\bfolder|\bdirector|\bfichiers\b|\bdossier|\bdateien\b|\bordner|\barchivos\b|\bcarpeta|\barquivos\b|\bpasta|파일\s*목록|폴더|ファイル一覧|フォルダ|文件列表|文件夹|目录",
    "system_info": r"\bsystem\b|\bmachine\b|\bos\b|\bcpu|\bmemory|\bram\b|\bdisk|syst[èe]me|système|sistema|시스템|メモリ|システム|系统|内存|磁盘",
    "process_list": _PROCESS_WORD + r"|\brunning\b",
    "environment": r"\benv|environment|environnement|umgebung|entorno|ambiente|환경\s*변수|環境変数|环境变量|\$[A-Z]",
    "json_parse": r"[{\[]|\bjson\b",
    "json_query": r"[{\[]|\bjson\b|jmespath",
    "data_transform": r"[{\[]|\n.*,|\bsort|\border|\bfilter|\bgroup|\btri|\bsortier|\bordena|정렬|並べ|排序",
    "api_request": r"https?://|\bapi\b|\bendpoint\b",
    "web_scrape": r"https?://|www\.",
    "database_query": r"\bSELECT\b|\btables?\b|\brows?\b|테이블|テーブル|表",
    "database_execute": r"\b(?:CREATE|INSERT|UPDATE|DELETE)\b|\btables?\b|테이블|テーブル|表",
}


def _anchors(tool: str, text: str) -> list[int]:
    """Where the text talks about ``tool``: the positions of its cue words."""
    return [m.start() for m in re.finditer(_CUES.get(tool, r"(?!x)x"), text, re.I)]


_MAX_SEGMENTS = 12


def _segments(text: str) -> list[tuple[int, int]]:
    cuts = [0, *boundaries(text), len(text)]
    if len(cuts) > _MAX_SEGMENTS + 1:  # a long text: cut at sentence ends and joining words only
        cuts = [0, *boundaries(text, weak=False), len(text)]
    return [(a, b) for a, b in itertools.pairwise(cuts) if text[a:b].strip()]


_MAX_SPLITS = 400  # partitions x orders tried before falling back to one tool at a time


def _useful(tool: str, extraction: Extraction) -> bool:
    return extraction.complete and (bool(extraction.arguments) or not _needs_arguments(tool))


def extract_all(tools: Sequence[str], text: str) -> list[Extraction]:
    """One :class:`Extraction` per tool in ``tools`` (in that order), each from its part of the text.

    The text is cut into clauses (at sentence ends and words like "and", "puis", "그리고", "然后"),
    and the clauses are shared out in order, one contiguous run per tool: the split where every
    call is complete wins, preferring runs that hold their tool's own cue words and then the
    fullest arguments ("a table with id and item, and show ..." keeps "and item" for the table).
    A tool named twice ("what is 3*4 and 5+6?") gets a different run each time.
    """
    for tool in tools:
        if tool not in EXTRACTORS:
            raise UnknownToolError(
                f"no extractor for tool {tool!r}; built-in tools: {', '.join(EXTRACTORS)}"
            )
    if len(tools) <= 1:
        return [extract(tool, text) for tool in tools]
    segments = _segments(text)
    count = len(tools)
    if len(segments) >= count:
        cache: dict[tuple[str, int, int], Extraction] = {}

        def run(tool: str, lo: int, hi: int) -> Extraction:
            key = (tool, lo, hi)
            if key not in cache:
                piece = text[segments[lo][0] : segments[hi][1]]
                cache[key] = extract(tool, piece).model_copy(update={"segment": piece.strip()})
            return cache[key]

        anchors = {tool: _anchors(tool, text) for tool in set(tools)}
        best: tuple[tuple[int, int], list[Extraction]] | None = None
        tried = 0
        for cuts in itertools.combinations(range(1, len(segments)), count - 1):
            bounds = list(zip((0, *cuts), (*(c - 1 for c in cuts), len(segments) - 1), strict=True))
            for order in itertools.permutations(range(count)):
                tried += 1
                if tried > _MAX_SPLITS:
                    break
                found: list[Extraction | None] = [None] * count
                anchored = size = 0
                for group, tool_index in zip(bounds, order, strict=True):
                    tool = tools[tool_index]
                    extraction = run(tool, *group)
                    if not _useful(tool, extraction):
                        break
                    found[tool_index] = extraction
                    start, end = segments[group[0]][0], segments[group[1]][1]
                    anchored += any(start <= a < end for a in anchors[tool])
                    size += len(json.dumps(extraction.arguments, ensure_ascii=False))
                else:
                    score = (anchored, size)
                    if best is None or score > best[0]:
                        best = (score, [e for e in found if e is not None])
        if best is not None:
            return best[1]
    return [_alone(tool, tools[:index].count(tool), text) for index, tool in enumerate(tools)]


def _alone(tool: str, occurrence: int, text: str) -> Extraction:
    """The call for a tool when the text cannot be split: the n-th expression or place for the
    n-th calculator or time_now, otherwise what the whole text gives."""
    if tool == "calculator":
        found = arithmetic.expressions(text)
        if occurrence < len(found):
            return Extraction(tool=tool, arguments={"expression": found[occurrence]}, segment=text)
    if tool == "time_now":
        named = places.find_places(text)
        if occurrence < len(named):
            return Extraction(
                tool=tool, arguments={"timezone": named[occurrence].zone}, segment=text
            )
    return extract(tool, text)


def _needs_arguments(tool: str) -> bool:
    return tool not in {"system_info", "process_list", "environment", "file_list", "time_now"}
