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

import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from langchain_core.tools import BaseTool
from typing_extensions import TypedDict

from intent import sql
from intent.extract import extract
from intent.model import shipped
from intent.not_asked import keywords_discussed, past_action, writing_asked
from intent.text import Span, blank, folders, paths, urls
from tools.effects import BUILTIN_EFFECTS, EffectKind, call_target
from tools.sql_tables import SQL_WORDS, tables_changed, tables_mentioned

# --- the kinds a message asks for --------------------------------------------------------------
#
# Each kind needs a verb of change *and* a cue of its object: "write a poem" is not a file
# effect, "add 2 and 3" is not a database change, "send me the page at URL" is (a request to a
# named URL: the target check keeps it there).

_FILE_VERB = re.compile(
    # en
    r"\b(?:writ(?:e|es|ing)|wrote|sav(?:e|es|ing|ed)|stor(?:e|es|ing)|append\w*|overwrit\w*|"
    r"record\w*|jot\w*|dump\w*|export\w*|log\s+(?:it|this|that|them)|put\w*|creat\w*|make|add\w*|"
    r"copy|copies|rename\w*|edit\w*|replace\w*|updat\w*|chang\w*|modif\w*|"
    # fr
    r"[ée]cri(?:re|s|t|vez|vons)|enregistr\w*|sauvegard\w*|ajout\w*|cr[ée]{1,2}(?:r|z|s)?|"
    r"mets|mettez|mettre|stock\w*|consign\w*|[ée]cras\w*|modifi\w*|remplac\w*|"
    # de
    r"schreib\w*|speicher\w*|sicher(?:e|n|t)?|anh[äa]ng\w*|h[äa]ng\w*|f[üu]g\w*|erstell\w*|"
    r"leg(?:e|en|t)?|notier\w*|[üu]berschreib\w*|ablegen|[äa]nder\w*|ersetz\w*|"
    # es
    r"escrib\w*|guard\w*|almacen\w*|añad\w*|anad\w*|agreg\w*|crea\w*|cree\w*|pon(?:er|ga|lo|la)?|"
    r"sobrescrib\w*|registr\w*|anot\w*|apunt\w*|modific\w*|cambi\w*|reemplaz\w*|"
    # pt
    r"escrev\w*|salv\w*|grav\w*|armazen\w*|acrescent\w*|adicion\w*|cri[ae]\w*|coloc\w*|"
    r"sobrescrev\w*|alter\w*|substitu\w*|"
    # it, nl, ru, tr, pl
    r"scriv\w*|salva\w*|memorizz\w*|aggiung\w*|crea\w*|modific\w*|sostitu\w*|annot\w*|"
    r"(?:weg|op|neer|bij|over)?schrij[fv]\w*|opslaan|sla(?:at)?|bewaar\w*|voeg\w*|toevoeg\w*|maak\w*|wijzig\w*|zet|zetten|"
    r"vervang\w*|запиш\w*|запис\w*|сохран\w*|добав\w*|созда\w*|допиш\w*|измен\w*|замен\w*|"
    r"yaz\w*|kaydet\w*|ekle\w*|oluştur\w*|olustur\w*|değiştir\w*|degistir\w*|zapisz\w*|"
    r"zapisa\w*|dopisz\w*|dodaj\w*|utwórz\w*|utworz\w*|stwórz\w*|zmień\w*|zmien\w*|zamień\w*)\b|"
    # ko, ja, zh (no word boundaries)
    r"저장|써\s*줘|써\s*주|써\s*놔|쓰고|적어|작성|기록|추가|덧붙|만들|생성|남겨|수정|바꿔|"
    r"書い|書き|書く|書込|保存|追記|追加|記録|作成|作って|残して|メモして|上書き|変更|"
    r"写入|写到|写进|写上|写个|写一|寫入|寫到|寫進|保存|存到|存入|存成|存为|存為|记录|記錄|"
    r"追加|添加|创建|創建|新建|建立|修改|覆盖|覆蓋|记到|記到|记在|記在|记进|記進",
    re.IGNORECASE,
)
_FILE_NOUN = re.compile(
    r"\b(?:files?|documents?|fichiers?|dateien?|archivos?|ficheros?|arquivos?|ficheiros?|"
    r"folder|directory|dossier|ordner|carpeta|pasta|cartell[ae]|bestand(?:en)?|map|файл\w*|"
    r"папк\w*|dosya\w*|klasör\w*|plik\w*|katalog\w*)\b|파일|ファイル|文件|檔案|档案",
    re.IGNORECASE,
)

_DB_VERB = re.compile(
    # en
    r"\b(?:insert\w*|add\w*|updat\w*|chang\w*|modif\w*|set|delet\w*|remov\w*|drop\w*|creat\w*|"
    r"make|renam\w*|truncat\w*|clear\w*|wip\w*|put|stor(?:e|es|ing)|record\w*|sav(?:e|es|ing)|"
    r"alter\w*|replac\w*|upsert\w*|edit\w*|fill\w*|populat\w*|empty|purg\w*|"
    # joining a table: "welcome Ana to the staff table", "enrol ...", "sign ... up"
    r"welcom\w*|onboard\w*|enrol\w*|enroll\w*|sign(?:s|ed)?\s+(?:\w+\s+)?up|hire\w*|accueill\w*|inscri\w*|"
    r"bienvenid\w*|inscrib\w*|d(?:a|ar|ale|e)\s+de\s+alta|bem-vind\w*|inscrev\w*|cadastr\w*|benvenut\w*|iscriv\w*|"
    r"welkom|inschrijv\w*|запиш\w*|зарегистр\w*|zapisz\w*|powitaj\w*|witamy|"
    # fr
    r"ins[èe]r\w*|ajout\w*|mets|mettez|mettre|modifi\w*|chang\w*|supprim\w*|effac\w*|cr[ée]{1,2}\w*|"
    r"renomm\w*|vid\w*|enregistr\w*|remplac\w*|remplis\w*|"
    # de
    r"einf[üu]g\w*|f[üu]g\w*|hinzu\w*|aktualisier\w*|[äa]nder\w*|l[öo]sch\w*|entfern\w*|"
    r"erstell\w*|leg(?:e|en|t)?|umbenenn\w*|speicher\w*|trag\w*|eintrag\w*|leer\w*|ersetz\w*|setz\w*|"
    # es
    r"insert\w*|añad\w*|anad\w*|agreg\w*|actualiz\w*|modific\w*|cambi\w*|elimin\w*|borr\w*|"
    r"quit\w*|crea\w*|cree\w*|renombr\w*|vac[íi]\w*|guard\w*|registr\w*|reemplaz\w*|"
    # pt
    r"insir\w*|inser\w*|adicion\w*|acrescent\w*|atualiz\w*|alter\w*|mud\w*|exclu\w*|apag\w*|"
    r"remov\w*|cri[ae]\w*|renome\w*|esvazi\w*|salv\w*|grav\w*|substitu\w*|"
    # it, nl, ru, tr, pl
    r"inser\w*|aggiung\w*|aggiorn\w*|cancell\w*|rimuov\w*|impost\w*|registr\w*|mete|metel[oa]s?|meter|mett[ei]\w*|coloc\w*|"
    r"limpi\w*|richte\w*|"
    r"voeg\w*|toevoeg\w*|wijzig\w*|verwijder\w*|bijwerk\w*|werk|maak\w*|zet|pas|"
    r"добав\w*|встав\w*|обнов\w*|измен\w*|удал\w*|созда\w*|поменя\w*|замен\w*|внес\w*|"
    r"очист\w*|ekle\w*|güncelle\w*|guncelle\w*|değiştir\w*|degistir\w*|sil|silin\w*|"
    r"kaydet\w*|dodaj\w*|wstaw\w*|zaktualizuj\w*|aktualizuj\w*|usuń\w*|usun\w*|skasuj\w*|"
    r"wpisz\w*|ustaw\w*|stw[óo]rz\w*|utw[óo]rz\w*|olu[şs]tur\w*|cancel\w*)\b|"
    # ko, ja, zh
    r"추가|삽입|넣어|넣고|넣어줘|수정|변경|업데이트|갱신|삭제|지워|지우|제거|만들|생성|저장|입력|바꿔|기록|등록|"
    r"加えて|加入して|追加|挿入|入れて|更新|変更|削除|消して|消す|作成|作って|保存|登録|書き換|"
    r"欢迎|歡迎|登记|登記|加上|加进|加進|插入|添加|新增|加入|更新|修改|更改|改成|改为|改為|删除|刪除|移除|创建|創建|建立|新建|保存|录入|錄入|清空|"
    # Turkish "adedini 0 yap" (set it to 0), "sıfırla" (reset)
    r"\b\d+\s+yap\b|\bs[ıi]f[ıi]rla\w*",
    re.IGNORECASE,
)
_DB_NOUN = re.compile(
    r"\b(?:tables?|rows?|records?|databases?|db|entr(?:y|ies)|columns?|sql|sqlite|"
    r"tableaux?|lignes?|enregistrements?|tabellen?|zeilen?|datens[äa]tze?|datenbank(?:en)?|"
    r"eintr[äa]ge?|tablas?|filas?|registros?|tabelas?|linhas?|registos?|tabell[ae]|righe|riga|"
    r"tabel(?:len)?|rij(?:en)?|таблиц\w*|запис\w*|строк\w*|tablo\w*|kayıt\w*|kayit\w*|"
    r"satır\w*|satir\w*|veritaban\w*|tabel[iaęe]?|wiersz\w*|rekord\w*)\b|"
    r"база\s+данных|базе\s+данных|baz[aęy]\s+danych|"
    r"base\s+de\s+donn[ée]es|base\s+de\s+datos|banco\s+de\s+dados|base\s+de\s+dados|"
    r"테이블|레코드|데이터베이스|디비|テーブル|レコード|データベース|数据库|資料庫|数据表|資料表|"
    r"表格|(?<![代发發图圖])表(?![示达達现現演情格])",
    re.IGNORECASE,
)

_NET_VERB = re.compile(
    # en
    r"\b(?:post\w*|send\w*|sent|submit\w*|upload\w*|push\w*|publish\w*|notify\w*|put|patch\w*|"
    r"delet\w*|remov\w*|updat\w*|creat\w*|register\w*|report\w*|forward\w*|"
    # fr
    r"envo[iy]\w*|publi(?:e[rz]?|es|ons|é)|soumet\w*|soumettr\w*|t[ée]l[ée]vers\w*|supprim\w*|poste[rz]?|"
    r"transmet\w*|cr[ée]{1,2}\w*|"
    # de
    r"schick\w*|send\w*|[üu]bermittl\w*|[üu]bermittel\w*|[üu]bertrag\w*|hochlad\w*|lad\w*|"
    r"ver[öo]ffentlich\w*|l[öo]sch\w*|poste\w*|aktualisier\w*|erstell\w*|"
    # es
    r"env[ií][aeoó]\w*|publi(?:c[aoáq]|qu)\w*|sub[ea]\w*|elimin\w*|borr\w*|actualiz\w*|crea\w*|postea\w*|mand\w*|"
    # pt
    r"envi[aeo]\w*|publi(?:c[aoáq]|qu)\w*|submet\w*|carreg\w*|exclu\w*|apag\w*|atualiz\w*|cri[ae]\w*|mand\w*|"
    # it, nl, ru, tr, pl
    r"invi\w*|pubblic\w*|carica\w*|cancell\w*|aggiorn\w*|stuur\w*|verstuur\w*|verzend\w*|"
    r"verwijder\w*|отправ\w*|отошл\w*|пошл\w*|опубликуй\w*|загрузи\w*|удали\w*|обнови\w*|"
    r"gönder\w*|gonder\w*|yolla\w*|yükle\w*|yukle\w*|güncelle\w*|wyślij\w*|wyslij\w*|"
    r"prześlij\w*|przeslij\w*|opublikuj\w*|usuń\w*|usun\w*|zaktualizuj\w*)\b|"
    # ko, ja, zh
    r"보내|전송|제출|업로드|게시|올려|삭제|등록|"
    r"送信|送って|送る|送り|投稿|アップロード|削除|登録|ポスト|"
    r"发送|發送|提交|上传|上傳|发布|發布|删除|刪除|推送|发到|發到|传到|傳到|发给|發給",
    re.IGNORECASE,
)
_NET_NOUN = re.compile(
    r"\b(?:api|apis|endpoints?|webhooks?|servers?|urls?|hosts?|serveur|servidor|service)\b|"
    r"엔드포인트|서버|웹훅|サーバー?|エンドポイント|ウェブフック|服务器|伺服器|接口|端点|端點",
    re.IGNORECASE,
)
# "remember that I prefer metric units", "n'oublie pas que ...", "merk dir, dass ...",
# "기억해 줘", "覚えておいて", "记住": asking the agent to keep something in its long-term memory.
_MEMORY_VERB = re.compile(
    r"\b(?:remember|memori[sz]e|keep\s+in\s+mind|don'?t\s+forget|do\s+not\s+forget|"
    r"make\s+a\s+note|take\s+note|note\s+(?:that|down)|"
    r"souviens[-\s]toi|rappelle[-\s]toi|retiens|m[ée]moris\w*|n'oublie\s+pas|"
    r"merk\s+dir|merke\s+dir|vergiss\s+nicht|denk\s+daran|"
    r"recuerd[ae]|no\s+olvides|memoriz\w*|ten\s+en\s+cuenta|"
    r"lembr[ae](?:-se)?|n[ãa]o\s+esque[çc]a|guarde\s+(?:isso|que))\b|"
    r"기억해|기억\s*해\s*줘|기억하고|잊지\s*마|명심해|"
    r"覚えて|覚えておいて|忘れないで|記憶して|"
    r"记住|記住|别忘了|別忘了|记得|記得",
    re.IGNORECASE,
)
_MEMORY_QUESTION = re.compile(
    r"\b(?:do|did|can|could)\s+you\s+remember\b.*\?\s*$|\bwhat\s+do\s+you\s+remember\b",
    re.IGNORECASE,
)

_HTTP_METHOD = re.compile(r"(?<![A-Za-z])(?:POST|PUT|PATCH|DELETE)(?![A-Za-z])")

# "don't write anything", "ne rien écrire", "nicht speichern", "no guardes", "não salve": a verb
# in the scope of a negation does not ask for its effect.
_NEGATION = re.compile(
    r"\b(?:don'?t|do\s+not|never|without|no\s+need\s+to|not|ne|n'|pas|nicht|kein\w*|ohne|no|nunca|"
    r"sin|n[ãa]o|sem|nem|non|niet|geen|не|nie)\b[^.,;!?\n]{0,24}$",
    re.IGNORECASE,
)
_CJK_NEGATION = re.compile(r"^\s*(?:지\s*마|하지\s*마|지\s*않|しないで|ないで|せず)")
_CJK_NEGATION_BEFORE = re.compile(r"(?:不要|别|別|不用|无需|無需|절대)\s*$")


_STRESS = str.maketrans("áéíóúàèìòùâêôãõÁÉÍÓÚÀÈÌÒÙÂÊÔÃÕ", "aeiouaeiouaeoaoAEIOUAEIOUAEOAO")
"""Written stress and nasal marks, which a verb takes with a pronoun after it ("bórralas",
"actualízalo", "guárdalo"): folded away before the verbs of change are matched (same length)."""


def _affirmed(regex: re.Pattern[str], text: str, folded: bool = False) -> bool:
    """Whether ``regex`` matches somewhere in ``text`` (with ``folded``, in ``text`` without
    stress marks) outside the scope of a negation."""
    for match in regex.finditer(text.translate(_STRESS) if folded else text):
        before = text[max(0, match.start() - 40) : match.start()]
        after = text[match.end() : match.end() + 8]
        if _NEGATION.search(before) or _CJK_NEGATION_BEFORE.search(before):
            continue
        if _CJK_NEGATION.search(after) or past_action(text, match.start(), match.end()):
            continue
        return True
    return False


_NEW_TABLE = re.compile(
    r"\bnew\s+table|\bneuen?\s+tabelle|\bnouvelle\s+table|\bnueva\s+tabla|\btabela\s+nova|"
    r"\bnova\s+tabela|\bnuova\s+tabella|\bnieuwe\s+tabel|новую\s+таблиц|\byeni\s+tablo|"
    r"\bnow[aąe]\s+tabel|新表|建一?[个張张]|새\s*테이블|新しいテーブル",
    re.IGNORECASE,
)


_NOT_VERBS = re.compile(r"\b[A-Za-z]\w*_\w+\b|'[^'\n]{1,40}'|\"[^\"\n]{1,40}\"")


def database_change_asked(text: str) -> bool:
    """Whether the text has a verb of changing a database, outside a negation (whatever its
    object: the caller knows a table is meant)."""
    plain = _without_urls(text)
    # the nouns that share a verb's letters ("count the records"), a column, a quoted value
    nouns = [
        Span(m.group(0), m.start(), m.end())
        for m in _DB_NOUN.finditer(plain)
        if plain[: m.start()].strip() and plain[: m.start()].rstrip()[-1] not in ".,;:!?。，"
    ]
    nouns += [Span(m.group(0), m.start(), m.end()) for m in _NOT_VERBS.finditer(plain)]
    return _affirmed(_DB_VERB, blank(plain, nouns), folded=True) or bool(_NEW_TABLE.search(plain))


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
    kinds: set[EffectKind] = set()
    plain = _without_urls(text)  # "https://x/post/12" names no verb
    targets = named_targets(text)
    if _affirmed(_FILE_VERB, plain) and (
        targets["paths"] or targets["folders"] or _FILE_NOUN.search(plain)
    ):
        kinds.add("file")
    written = [] if _ABOUT_CODE.search(text) else sql.written_sql(text)
    if any(tables_changed(statement) is not None for statement in written) or (
        _affirmed(_DB_VERB, plain, folded=True) and (_DB_NOUN.search(plain) or targets["tables"])
    ):
        kinds.add("database")
    described = sql.described_sql(text)
    if described is not None and sql.first_keyword(described[0]) != "SELECT":
        kinds.add("database")
    if _affirmed(_MEMORY_VERB, plain) and not _MEMORY_QUESTION.search(plain):
        kinds.add("memory")
    net_cue = bool(targets["urls"] or targets["hosts"] or _NET_NOUN.search(plain))
    if net_cue and (_HTTP_METHOD.search(_sql_blanked(plain)) or _affirmed(_NET_VERB, plain)):
        kinds.add("network")
    return kinds


def _sql_blanked(text: str) -> str:
    """The text without the SQL written in it ("DELETE FROM t" is not an HTTP DELETE)."""
    for statement in sql.written_sql(text):
        text = text.replace(statement, " " * len(statement))
    return text


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
            if method not in ("GET", "HEAD"):
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
    if _ABOUT_CODE.search(user_text):
        # a question about SQL written in it (or about a statement, no table named): its DELETE
        # is the subject, not a verb
        about = verb_kinds(user_text)
        return (
            about - {"database"} if sql.written_sql(user_text) or not targets["tables"] else about
        )
    said = verb_kinds(user_text)
    kinds = said | _classified_kinds(user_text)
    plain = _without_urls(user_text)
    for kind, verbs in (("file", _FILE_VERB), ("database", _DB_VERB)):
        if kind not in said and any(_recalled(user_text, m) for m in verbs.finditer(plain)):
            kinds.discard(kind)  # "what did I save in notes.txt?": told, not asked
    if writing_asked(user_text) and not targets["tables"]:
        kinds -= {"file", "database", "network"}  # "a SQL joke I can drop in the chat"
    if keywords_discussed(user_text) and not (
        targets["tables"] or targets["urls"] or targets["hosts"]
    ):
        kinds -= {"database", "network"}  # "POST or PUT to update a resource?"
    return kinds


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
