"""What the user's own message allows to change: the turn's *grounding* (issue #20).

From the current user message alone (never a tool result, earlier tool output or the model's
text) :func:`ground` derives

- the **kinds** of side effect the user asked for (:func:`asked_kinds`): ``file`` (write or
  change a file), ``database`` (change the sandbox database), ``network`` (send a request that
  changes something: POST, PUT, PATCH, DELETE), ``memory`` (keep a fact in the agent's long-term
  memory: "remember that ..."), in English, Korean, Japanese, Chinese, Spanish, French, German,
  Portuguese, Italian, Dutch, Russian, Turkish and Polish;
- the **tools** the user named explicitly ("use file_write", "call add_note"): a named tool is
  grounded whatever its kind (an MCP or Python tool's effect is ``external``: toolloom cannot
  tell from verbs what it does, so naming it is how a user asks for it);
- the **targets** the user named (:func:`named_targets`): file paths and folders, table names
  (in written SQL, in descriptive requests, "the orders table"), URLs and hosts.

call-tool then runs a side-effecting call only when its kind was asked for (or its tool named)
and, where the user named targets of that kind, its target is one of them
(:func:`allows`). The grounding is a plain dict so that it lives in the checkpointed state.

    >>> sorted(asked_kinds("Save the summary to notes/summary.txt"))
    ['file']
    >>> sorted(asked_kinds("Summarise https://example.com/post"))
    []
    >>> named_targets("INSERT INTO orders VALUES (1)")["tables"]
    ['orders']
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from langchain_core.tools import BaseTool
from typing_extensions import TypedDict

from intent import sql
from intent.effect_words import (
    CJK_NEGATION,
    CJK_NEGATION_BEFORE,
    DB_NOUN,
    DB_VERB,
    FILE_NOUN,
    FILE_VERB,
    HTTP_METHOD,
    MEMORY_QUESTION,
    MEMORY_VERB,
    NEGATION,
    NET_NOUN,
    NET_VERB,
    READ_METHOD,
)
from intent.extract import extract
from intent.model import shipped
from intent.not_asked import keywords_discussed, past_action, writing_asked
from intent.text import Span, blank, folders, paths, urls
from tools.effects import BUILTIN_EFFECTS, EffectKind, call_target
from tools.sql_tables import SQL_WORDS, tables_changed, tables_mentioned

# --- the kinds a message asks for (the words: :mod:`intent.effect_words`) ---------------------

_STRESS = str.maketrans("áéíóúàèìòùâêôãõÁÉÍÓÚÀÈÌÒÙÂÊÔÃÕ", "aeiouaeiouaeoaoAEIOUAEIOUAEOAO")
"""Written stress and nasal marks, which a verb takes with a pronoun after it ("bórralas",
"actualízalo", "guárdalo"): folded away before the verbs of change are matched (same length)."""


def _affirmed(regex: re.Pattern[str], text: str, folded: bool = False) -> bool:
    """Whether ``regex`` matches somewhere in ``text`` (with ``folded``, in ``text`` without
    stress marks) outside the scope of a negation."""
    for match in regex.finditer(text.translate(_STRESS) if folded else text):
        before = text[max(0, match.start() - 40) : match.start()]
        after = text[match.end() : match.end() + 8]
        if NEGATION.search(before) or CJK_NEGATION_BEFORE.search(before):
            continue
        if CJK_NEGATION.search(after) or past_action(text, match.start(), match.end()):
            continue
        return True
    return False


_NEW_TABLE = re.compile(
    r"\bnew\s+table|\bneuen?\s+tabelle|\bnouvelle\s+table|\bnueva\s+tabla|\btabela\s+nova|"
    r"\bnova\s+tabela|\bnuova\s+tabella|\bnieuwe\s+tabel|новую\s+таблиц|\byeni\s+tablo|"
    r"\bnow[aąe]\s+tabel|新表|建一?[个張张]|새\s*테이블|新しいテーブル",
    re.IGNORECASE,
)


_FOLDER_NAMED = re.compile(
    r"\b(?:folder|directory|dossier|ordner|verzeichnis|carpeta|pasta|cartella|map|папк[аеуи]|"
    r"klas[öo]r[üu]?|katalog)\s+[«\"'`]?([A-Za-z_][\w\-]*)",
    re.IGNORECASE,
)
"""A folder named after the word for one ("liste le dossier stock"): a name, not a verb."""
_NOT_VERBS = re.compile(r"\b[A-Za-z]\w*_\w+\b|'[^'\n]{1,40}'|\"[^\"\n]{1,40}\"")


def database_change_asked(text: str) -> bool:
    """Whether the text has a verb of changing a database, outside a negation (whatever its
    object: the caller knows a table is meant)."""
    plain = _without_urls(text)
    # the nouns that share a verb's letters ("count the records"), a column, a quoted value
    nouns = [
        Span(m.group(0), m.start(), m.end())
        for m in DB_NOUN.finditer(plain)
        if plain[: m.start()].strip() and plain[: m.start()].rstrip()[-1] not in ".,;:!?。，"
    ]
    nouns += [Span(m.group(0), m.start(), m.end()) for m in _NOT_VERBS.finditer(plain)]
    return _affirmed(DB_VERB, blank(plain, nouns), folded=True) or bool(_NEW_TABLE.search(plain))


def _recalled(text: str, match: re.Match[str]) -> bool:
    return past_action(text, match.start(), match.end())


def _without_urls(text: str) -> str:
    return blank(text, urls(text))


_ABOUT_CODE = re.compile(
    r"\bwhat\s+(?:does|would|will)\b.{1,80}\bdo\b|\bexplain\b|\bdifference\b|"
    r"\bwas\s+bewirkt\b|\bque\s+fait\b|\bqu[ée]\s+hace\b|\bo\s+que\s+faz\b|"
    r"\bcosa\s+fa\b|\bwat\s+doet\b|что\s+делает|ne\s+yapar|\bco\s+robi\b|\bdiff[ée]ren|"
    r"\bunterschied|\bdiferen|\bdifferenz|\bverschil|разниц|\bfark\b|\br[óo][żz]nic|차이|違い|"
    r"区别|區別",
    re.IGNORECASE | re.DOTALL,
)
"""A question about SQL the user wrote ("what does DELETE FROM t do?") asks for no change."""


def verb_kinds(text: str) -> set[EffectKind]:
    """The kinds asked for in words: a verb of change next to a cue of its object."""
    return set(_verb_kinds(text))


@functools.lru_cache(maxsize=64)
def _verb_kinds(text: str) -> frozenset[EffectKind]:
    """:func:`verb_kinds`, read once per text: one decision asks it of the same message from
    several rules (the safety rules, the file and table asks, the grounding)."""
    kinds: set[EffectKind] = set()
    # "https://x/post/12", "inventario/almacen.txt", "exports/q3.csv", "the folder exports/",
    # "created_at", 'cancelled': names and values, not verbs
    names = [*urls(text), *paths(text), *folders(text)]
    names += [Span(m.group(0), m.start(), m.end()) for m in _NOT_VERBS.finditer(text)]
    names += [Span(m.group(1), m.start(1), m.end(1)) for m in _FOLDER_NAMED.finditer(text)]
    plain = blank(text, names)
    targets = named_targets(text)
    if _affirmed(FILE_VERB, plain, folded=True) and (
        targets["paths"] or targets["folders"] or FILE_NOUN.search(plain)
    ):
        kinds.add("file")
    written = [] if _ABOUT_CODE.search(text) else sql.written_sql(text)
    if any(tables_changed(statement) is not None for statement in written) or (
        _affirmed(DB_VERB, plain, folded=True) and (DB_NOUN.search(plain) or targets["tables"])
    ):
        kinds.add("database")
    described = sql.described_sql(text)
    if described is not None and sql.first_keyword(described[0]) != "SELECT":
        kinds.add("database")
    if _affirmed(MEMORY_VERB, plain) and not MEMORY_QUESTION.search(plain):
        kinds.add("memory")
    net_cue = bool(targets["urls"] or targets["hosts"] or NET_NOUN.search(plain))
    if net_cue and (HTTP_METHOD.search(_sql_blanked(plain)) or _affirmed(NET_VERB, plain)):
        kinds.add("network")
    return frozenset(kinds)


def _sql_blanked(text: str) -> str:
    """The text without the SQL written in it ("DELETE FROM t" is not an HTTP DELETE)."""
    for statement in sql.written_sql(text):
        text = text.replace(statement, " " * len(statement))
    return text


_JSON_TOOLS = frozenset({"json_parse", "json_query", "data_transform"})
CLASSIFIED_MIN = 0.5
"""How sure the intent model must be of a side-effecting tool for its choice to ground a kind."""


def _classified_kinds(text: str) -> set[EffectKind]:
    """Kinds from the learned intent model (:mod:`intent.model`): the side-effecting built-ins
    it confidently chooses for ``text``, as effect kinds (``api_request`` only when the method the
    user's words give is not GET or HEAD). An unsure model adds nothing; a decision is read from
    the user's message alone, like every other part of the grounding."""
    decision = shipped().classify(text)
    if decision.abstain:
        return set()
    sure = {name for name, p in decision.ranked if p >= CLASSIFIED_MIN}
    kinds: set[EffectKind] = set()
    for tool in decision.tools:
        if tool not in sure:
            continue  # "Say hello to the cache." is no file write, however the model leans
        if tool == "api_request":
            method = str(extract(tool, text).arguments.get("method", "GET")).upper()
            # a POST the reader inferred from JSON that a JSON tool beside it takes ("call
            # https://x/json, and check whether this is valid JSON: {...}") is no send asked
            inferred = not HTTP_METHOD.search(text) and bool(set(decision.tools) & _JSON_TOOLS)
            if method not in ("GET", "HEAD") and not inferred:
                kinds.add("network")
        elif tool in BUILTIN_EFFECTS:
            kinds.add(BUILTIN_EFFECTS[tool])
    return kinds


def asked_kinds(user_text: str) -> set[EffectKind]:
    """The kinds of side effect the user's own message asks for: ``file``, ``database``,
    ``network`` (``external`` is asked for by naming the tool; see :func:`named_tools`).

    The one decision point for "which kinds did the user ask for": the verb-and-object rules
    in thirteen languages, joined with the learned intent model's choice (:func:`_classified_kinds`).
    """
    targets = named_targets(user_text)
    weighed = keywords_discussed(user_text) and not (
        targets["tables"] or targets["urls"] or targets["hosts"]
    )  # "POST or PUT to update a resource?", "разница между PUT и PATCH"
    if _ABOUT_CODE.search(user_text):
        # a question about SQL written in it (or about a statement, no table named): its DELETE
        # is the subject, not a verb
        about = verb_kinds(user_text) - ({"database", "network"} if weighed else set())
        return (
            about - {"database"} if sql.written_sql(user_text) or not targets["tables"] else about
        )
    said = verb_kinds(user_text)
    kinds = said | _classified_kinds(user_text)
    plain = _without_urls(user_text)
    for kind, verbs in (("file", FILE_VERB), ("database", DB_VERB)):
        if kind not in said and any(_recalled(user_text, m) for m in verbs.finditer(plain)):
            kinds.discard(kind)  # "what did I save in notes.txt?": told, not asked
    if writing_asked(user_text) and not targets["tables"]:
        kinds -= {"file", "database", "network"}  # "a SQL joke I can drop in the chat"
    if READ_METHOD.search(user_text) and not HTTP_METHOD.search(user_text):
        kinds.discard("network")  # a GET or a HEAD, sent: a read
    return kinds - {"database", "network"} if weighed else kinds


# --- the targets a message names ---------------------------------------------------------------------


class Targets(TypedDict):
    paths: list[str]
    """Files named (normalised, relative to the workspace)."""
    folders: list[str]
    """Folders named with a slash ("reports/"): a file inside one is a named target."""
    tables: list[str]
    """Tables named (lower-cased)."""
    urls: list[str]
    """URLs named: a request to one, or below its path, is a named target."""
    hosts: list[str]
    """Hosts named without a URL ("api.example.com", "127.0.0.1:8080"), lower-cased."""


_TABLE_WORD = r"(?:table|tabelle|tabla|tabela|tableau)"
_NOT_TABLES = {
    "the", "a", "an", "this", "that", "my", "our", "your", "new", "same", "whole", "entire",
    "le", "la", "les", "un", "une", "ma", "der", "die", "das", "den", "dem", "eine", "einer",
    "el", "los", "las", "una", "o", "os", "as", "um", "uma", "minha", "mi", "mis", "of", "de",
    "du", "des", "von", "do", "da", "del", "into", "in", "to", "from", "each", "every", "all",
    "called", "named", "nommée", "namens", "llamada", "chamada", "with", "and", "or", "it",
}  # fmt: skip
_TABLE_AFTER = re.compile(
    rf"\b{_TABLE_WORD}\s+(?:(?:called|named|nomm[ée]e?|appel[ée]e?|namens|llamada|chamada)\s+)?"
    r"[`'\"“«「]?(?P<name>[^\W\d][\w$]*)",
    re.IGNORECASE,
)
_TABLE_BEFORE = re.compile(
    rf"[`'\"“«「]?(?P<name>[^\W\d][\w$]*)[`'\"”»」]?\s*(?:{_TABLE_WORD}\b|테이블|テーブル|表(?![示达達现現演情格]))",
    re.IGNORECASE,
)
_HOST = re.compile(
    r"(?<![\w@/.\-])(?P<host>(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+"
    r"(?:com|org|net|io|dev|ai|co|kr|jp|cn|de|fr|es|pt|br|uk|us|eu|info|biz|gov|edu|app|local|internal|test))"
    r"(?::\d{1,5})?)(?![\w\-])",
    re.IGNORECASE,
)


def normalise_path(path: str) -> str:
    """A workspace path as call-tool compares it: forward slashes, no ``./``, no leading ``/``."""
    cleaned = posixpath.normpath(path.strip().replace("\\", "/"))
    return cleaned.lstrip("/") if cleaned not in (".", "/") else "."


def _tables(text: str) -> set[str]:
    found: set[str] = set()
    for statement in sql.written_sql(text):
        found |= tables_mentioned(statement)
    described = sql.described_sql(text)
    if described is not None:
        found |= tables_mentioned(described[0])
    for regex in (_TABLE_AFTER, _TABLE_BEFORE):
        for match in regex.finditer(text):
            name = match.group("name")
            if (
                name.lower() not in _NOT_TABLES
                and name.lower() not in SQL_WORDS
                and not re.fullmatch(_TABLE_WORD, name, re.I)
            ):
                found.add(name.lower())
    return found


def named_targets(user_text: str) -> Targets:
    """The files, folders, tables, URLs and hosts the user's message names."""
    named_urls = [span.text for span in urls(user_text)]
    rest = blank(user_text, urls(user_text))
    host_matches = list(_HOST.finditer(rest))
    hosts = {m.group("host").lower() for m in host_matches}
    # "api.example.com" is a host, not the file "api.example"
    spans: list[Span] = [
        span
        for span in paths(user_text)
        if not any(m.start() <= span.start < m.end() for m in host_matches)
    ]
    found_paths = {normalise_path(span.text) for span in spans}
    for tool in ("file_write", "file_read"):  # "a file called notes" forms
        named = extract(tool, user_text).arguments.get("path")
        if isinstance(named, str) and not any(named.lower() in host for host in hosts):
            found_paths.add(normalise_path(named))
    named_folders = {normalise_path(span.text) for span in folders(user_text)}
    return Targets(
        paths=sorted(found_paths - {"."}),
        folders=sorted(named_folders - {"."}),
        tables=sorted(_tables(user_text)),
        urls=sorted(set(named_urls)),
        hosts=sorted(hosts),
    )


# --- tools named explicitly ------------------------------------------------------------------------


def _names(tool: BaseTool) -> set[str]:
    metadata = tool.metadata or {}
    names = {tool.name}
    if isinstance(metadata.get("original_name"), str):
        names.add(metadata["original_name"])
    return names


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[\W_]+", spaced) if len(w) >= 3]


def named_tools(user_text: str, tools: Iterable[BaseTool]) -> list[str]:
    """The tools the message names: by their name ("use file_write", "call notes__add_note"), or,
    for a tool from outside (MCP, Python), by all the words of its name ("add a note" names
    ``add_note``)."""
    lowered = user_text.lower()
    text_words = re.findall(r"\w+", lowered)
    found = []
    for tool in tools:
        for name in _names(tool):
            if re.search(rf"(?<![\w]){re.escape(name.lower())}(?![\w])", lowered):
                found.append(tool.name)
                break
            source = (tool.metadata or {}).get("source", "builtin")
            words = _words(name)
            if (
                source != "builtin"
                and len(words) >= 2
                and all(any(t.startswith(w) for t in text_words) for w in words)
            ):
                found.append(tool.name)
                break
    return sorted(set(found))


# --- the grounding -----------------------------------------------------------------------------------


class Grounding(TypedDict):
    """The turn's allowed effects, derived from the user's message alone (kept in the state)."""

    message_id: str
    """The user message it was derived from."""
    kinds: list[str]
    """Effect kinds the user asked for."""
    tools: list[str]
    """Tools the user named."""
    targets: Targets


def ground(user_text: str, tools: Iterable[BaseTool], message_id: str = "") -> Grounding:
    """The grounding of one user message (see the module docstring)."""
    return Grounding(
        message_id=message_id,
        kinds=sorted(asked_kinds(user_text)),
        tools=named_tools(user_text, tools),
        targets=named_targets(user_text),
    )


_WHAT = {
    "file": "write or change a file",
    "database": "change the database",
    "network": "send a request that changes something (POST, PUT, PATCH or DELETE)",
    "external": "use this tool",
    "memory": "save something to the user's long-term memory",
}


def what(kind: str) -> str:
    """The effect in words ("write or change a file")."""
    return _WHAT.get(kind, "change something")


def _url_matches(url: str, named_urls: Iterable[str], hosts: Iterable[str]) -> bool:
    try:
        call = urlsplit(url)
        call_host, call_port = (call.hostname or "").lower(), call.port
    except ValueError:
        return False
    default = {"http": 80, "https": 443}.get(call.scheme.lower())
    for named in named_urls:
        try:
            want = urlsplit(named)
            want_port = want.port
        except ValueError:
            continue
        if (want.hostname or "").lower() != call_host:
            continue
        if (want_port or {"http": 80, "https": 443}.get(want.scheme.lower())) != (
            call_port or default
        ):
            continue
        base = want.path.rstrip("/")
        path = call.path.rstrip("/")
        if not base or path == base or path.startswith(base + "/"):
            return True
    for host in hosts:
        name, _, port = host.partition(":")
        if name == call_host and (not port or int(port) == (call_port or default)):
            return True
    return False


def target_of(tool: BaseTool, args: Mapping[str, Any]) -> str:
    """A call's target in a few words, for logs, tool errors and the approval card."""
    target = call_target(tool, args)
    if target is None:
        return ""
    if isinstance(target, set):
        return ", ".join(sorted(target))
    return target


def allows(
    grounding: Grounding, tool: BaseTool, kind: EffectKind, args: Mapping[str, Any]
) -> tuple[bool, str]:
    """Whether the grounding allows this side-effecting call, and if not, why: words that follow
    "your message" or "the user's message" ("did not ask to write or change a file")."""
    named_tool = tool.name in grounding["tools"]
    if kind not in grounding["kinds"] and not named_tool:
        if kind == "external":
            return False, f"did not name {tool.name}"
        return False, f"did not ask to {what(kind)}"
    targets = grounding["targets"]
    target = call_target(tool, args)
    if kind == "file" and (targets["paths"] or targets["folders"]):
        path = normalise_path(target) if isinstance(target, str) else None
        inside = path is not None and (
            path in targets["paths"]
            or any(path.startswith(folder.rstrip("/") + "/") for folder in targets["folders"])
        )
        if not inside:
            named = ", ".join(targets["paths"] + [f + "/" for f in targets["folders"]])
            return False, f"named only these files: {named}"
    if kind == "database" and targets["tables"]:
        tables = target if isinstance(target, set) else None
        if not tables or not tables <= set(targets["tables"]):
            return False, f"named only these tables: {', '.join(targets['tables'])}"
    if (
        kind == "network"
        and (targets["urls"] or targets["hosts"])
        and not (
            isinstance(target, str) and _url_matches(target, targets["urls"], targets["hosts"])
        )
    ):
        named = ", ".join(targets["urls"] + targets["hosts"])
        return False, f"named only these addresses: {named}"
    return True, ""
