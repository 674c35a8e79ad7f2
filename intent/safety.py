"""Never a confident wrong side effect, never a read the user did not ask for (issue 29).

A call that changes something (``file_write``, ``database_execute``, a writing ``api_request``)
or reads something private (``environment``, ``file_read``, ``process_list``) is made on the
intent model's word only when the user's own words back it: a verb of that change next to its
object (the side-effect grounding's rules, :func:`intent.grounding.verb_kinds`, not the model's
own choice), or, for a change chosen alone, the change written out in full (its target and
content read from the words); a file named for a read; the environment a variable named or
asked about, even alone; a second tool chosen beside the first needs its own cue (a process or
an environment variable named or asked about). And none
is made for a question *about* the thing ("should I keep tokens in env vars?", "why does Spain
use Germany's time?", "what is the difference between DELETE and TRUNCATE?") or for arithmetic
the user has already done and wants explained.

:func:`unbacked` names the chosen tools that lack that backing; the caller drops them (and asks,
rather than guesses, when nothing is left). Harmless tools (the calculator, time_now, ...) are
never dropped for lack of a cue, only for a question about a concept or a worked result (and
time_now for a question that asks no current time: a time difference, a given hour carried to
another place).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from intent import arithmetic, readers, word_problems
from intent.effect_words import HTTP_METHOD
from intent.file_asks import READ_FILE
from intent.grounding import verb_kinds
from intent.not_asked import time_converted
from intent.text import json_literals, paths
from tools.calculator import ToolError, evaluate
from tools.system import ENV_ALLOWLIST

CHANGES = {"file_write": "file", "database_execute": "database"}
PRIVATE = frozenset({"environment", "file_read", "process_list"})

ENV_CUE = re.compile(
    r"(?<![A-Za-z])env(?![A-Za-z])|\benv(?:ironment)?[\s_-]?var|environment|variabl|variabil|vari[áa]ve|umgebung|entorno|ambiente|"
    r"omgeving|окружени|переменн|ortam|değişken|degisken|środowisk|srodowisk|zmienn|"
    r"환경\s*변수|環境変数|环境变量|環境變數|\$[A-Z_]{2,}",
    re.IGNORECASE,
)
PROCESS_CUE = re.compile(
    readers.PROCESS_WORD + r"|\brunning\b|\bps\b|\btop\b|läuft|laufen|tourne|tournent|"
    r"corriendo|ejecut[aá]ndose|rodando|in\s+esecuzione|attiv[io]|draai\w*|запущен\w*|работа\w*|"
    r"çalış\w*|calis\w*|działa\w*|dziala\w*|uruchomion\w*|procesy|proces(?!s?(?:or|eur|ad))\w*|süreç\w*|surec\w*|"
    r"процесс\w*|실행\s*중|돌아가|떠\s*있|動いて|実行中|运行|執行中|跑着|任务管理|task\s*manager",
    re.IGNORECASE,
)
# A question about a thing, not a request to use it: why, the difference between, should I, is
# it safe/better/a good idea, how does ... work, explain.
_CONCEPT = re.compile(
    r"\bwhy\b|\bhow\s+come\b|\bdifference\s+between\b|\bshould\s+(?:i|we)\b|\bis\s+it\s+"
    r"(?:safe|better|ok(?:ay)?|a\s+good\s+idea|bad)\b|\bhow\s+do(?:es)?\s+\w+(?:\s+\w+)?\s+work|"
    r"\bwarum\b|\bwieso\b|\bunterschied\b|\bsollte\s+ich\b|\bpourquoi\b|\bdiff[ée]rence\s+entre\b|"
    r"\bdois[- ]je\b|\bpor\s*qu[ée]\b|\bdiferencia\s+entre\b|\bdeber[íi]a\b|\bdiferença\s+entre\b|"
    r"\bdevo\s+\w+(?:\s+\w+){0,6}\s+o\s+|\bperch[ée]\b|\bdifferenza\b|\bconviene\b|\bwaarom\b|\bverschil\b|\bmoet\s+ik\b|"
    r"\bp(?:a)?ra\s+(?:que|qu[ée])\s+serve\b|\bpara\s+qu[ée]\s+sirve\b|\b[àa]\s+quoi\s+sert\b|"
    r"\bwozu\b|\bwhat(?:'s|\s+is|\s+are)\s+(?:an?\s+|the\s+)?\w+(?:\s+\w+)?\s+(?:used\s+)?for\s*\?*\s*$|"
    r"\ba\s+cosa\s+serve\b|\bwaarvoor\b|\bwhat\s+good\s+is\b|\bwhat(?:'s|\s+is)\s+the\s+point\s+of\b|"
    r"\bwhat\s+use\s+is\b|\bwat\s+heb\s+je\s+(?:er\s+)?aan\b|\bwat\s+is\s+het\s+nut\b|\b[àa]\s+quoi\s+bon\b|"
    r"\bwas\s+bringt\b|\bpara\s+qu[ée]\s+(?:sirve|me\s+sirve)\b|зачем|\bne\s+işe\s+yarar|\bpo\s+co\b|"
    r"何の役に|有什么用|有什麼用|무슨\s*소용|"
    r"почему|разница|отличи|стоит\s+ли|\bneden\b|\bniye\b|\bfark\w*|güvenli\s+mi|guvenli\s+mi|"
    r"\bdlaczego\b|\bczemu\b|\bróżnic\w*|\broznic\w*|\bczy\s+warto\b|\bczy\s+powin|"
    # two things weighed ("SIGTERM vs SIGKILL", "env vs config.yaml"), the danger of an act, a
    # thing asked what it is, how to choose, and Russian typed in Latin letters
    r"\bvs\.?(?=\s)|\bversus\b|\bwann\s+nimmt\s+man\b|\bqu[ée]\s+es\s+eso\b|"
    r"\bis\s+it\s+(?:dangerous|risky)\b|\bist\s+es\s+(?:gef[äa]hrlich|schlimm)\b|"
    r"\bc['’]est\s+(?:dangereux|grave)\b|\bes\s+peligroso\b|\b[ée]\s+perigoso\b|"
    r"\b[èe]\s+pericoloso\b|\bis\s+het\s+(?:erg|gevaarlijk)\b|опасно\s+ли|\btehlikeli\s+mi\b|"
    r"\bczy\s+to\s+(?:niebezpieczne|gro[źz]ne)\b|\bkak\s+rabotaet\b|\bchto\s+takoe\b|"
    r"\bpochemu\b|뭔가요|뭐예요|무엇인가요|怎么选|怎麼選|哪个好|哪個好|比较好|比較好|どっちが|"
    # the advantage of a thing, asked: "was ist der Vorteil?", "pros and cons"
    r"\badvantages?\b|\bbenefits?\s+of\b|\bpros\s+and\s+cons\b|\bvorteile?\b|\bnachteile?\b|"
    r"\bavantages?\b|\binconv[ée]nients?\b|\bventajas?\b|\bdesventajas?\b|\bvantagens?\b|"
    r"\bpr[óo]s\s+e\s+contras\b|\bvantaggi\w*|\bsvantaggi\w*|\bvoordel\w*|\bnadel\w*|"
    r"преимуществ\w*|плюсы\s+и\s+минусы|\bavantaj\w*|\bdezavantaj\w*|\bzalet\w*|\bwad[ay]\b|"
    r"장점|단점|メリット|デメリット|好处|好處|优点|優點|缺点|缺點|"
    # how a thing behaves, asked ("how do env vars get inherited by child processes?")
    r"\bhow\s+(?:do|does|did)\s+(?!(?:i|we|you|u)\b)\w+|"
    r"왜|차이|해야\s*할까|해야\s*하나요|해야\s*되나요|합법|なぜ|どうして|違い|べき|为什么|為什麼|区别|區別|差别|應該|应该",
    re.IGNORECASE,
)
# "I already worked out 36 × 17 = 612, how do you do it fast?": the sum is done; the method is
# the question. A result written after an operation, and words of having done it or of a method.
_WORKED = re.compile(
    r"\d\s*[×x*+\-/÷]\s*\d+\s*(?:=|is|makes|fa|es|est|ist|é|равно|は|是|等于|가)\s*\d|"
    r"\d+\s+(?:for|für|fuer|pour|per|para|por|voor|для|için|icin|dla|za)\s+\d+\s*[×x*+\-/÷]\s*\d"
)
_DONE_OR_METHOD = re.compile(
    r"\balready\b|\bexplain\b|\bwalk\s+me\s+through\b|\bhow\s+(?:do|can|would)\b|\btrick\b|"
    r"\bmethod\b|\bcheck\w*|\bverif\w*|\bpr[üu]f\w*|\bcome\b|\bschon\b|\bbereits\b|\berkl[äa]r|\bwie\s+(?:geht|macht|rechnet)|\bd[ée]j[àa]\b|"
    r"\bexpli\w*|\bcomment\b|\bya\b|\bc[óo]mo\b|\btruco\b|\bj[áa]\b|\bcomo\b|\bgi[àa]\b|"
    r"\bspieg\w*|\bmetodo\b|\bprocedimento\b|\bal\b|\bhoe\b|\bmethode\b|\bklopt\b|\bуже\b|"
    r"\bоб[ъь]ясн\w*|\bметод\w*|\bкак\b|\bzaten\b|\bnasıl\b|\bnasil\b|\banlat\w*|\ba[çc][ıi]kla\w*|"
    r"\bmant[ıi][ğg]\w*|\bbuldum\b|\bjuż\b|\bjuz\b|\bwytłumacz\w*|\bwytlumacz\w*|\bjak\b|"
    r"\bmetod\w*|이미|벌써|요령|방법|"
    r"もう|すでに|コツ|方法|已经|已經|怎么|怎麼|技巧",
    re.IGNORECASE,
)
_PAYLOAD = re.compile(r"https?://|```|\bSELECT\b|\bINSERT\b|\bUPDATE\b|\bDELETE\s+FROM\b")


# "What does DELETE FROM users do?": a question about code the user wrote, not a request to run it.
_WHAT_DOES = re.compile(
    r"\bwhat\s+(?:does|would|will)\b.{1,80}\bdo\b|\bexplain\s+(?:this|the|what)\b|"
    r"\bwas\s+(?:bewirkt|tut)\b|\bque\s+fait\b|\bqu[ée]\s+hace\b|\bo\s+que\s+faz\b|"
    r"\bcosa\s+fa\b|\bwat\s+doet\b|что\s+делает|ne\s+yapar|\bco\s+robi\b|뭘\s*하는|뭐\s*하는|"
    # explain what a thing is: "Erklär mir kurz, was eine Fakultät ist", "explique-moi ce qu'est"
    r"\berkl[äa]r\w*(?:\s+\w+){0,3}\s*,?\s+was\b|\bexplique[sz]?(?:-moi)?\s+ce\s+qu|"
    r"\bexpl[íi]ca(?:me|-me)?\s+(?:qu[ée]|o\s+que)\b|\bspiega(?:mi)?\s+(?:cos|che)|"
    r"\bleg\s+(?:me\s+)?(?:eens\s+)?uit\s+wat\b|объясни\w*\s+что\b|\bwyja[śs]nij\s+co\b|"
    r"\bwhat\s+(?:could|would|might)\s+cause\b|"
    r"何をする|何する|做什么|做什麼|是干什么|是幹什麼",
    re.IGNORECASE | re.DOTALL,
)


# "What is a zombie process?", "what does HTTP 404 mean?", "how do environment variables actually
# work?": a definition, a meaning or a mechanism asked for, in thirteen languages. The definite
# article is left out ("what is the time in Lima?", "what is the value of PATH?" ask for a value),
# and so are the forms that also ask for one in Korean, Japanese and Chinese ("PATH 값이 뭐야",
# "HOMEって何", "PATH的值是什么"): only their definitional forms (이란, とは, 什么是) count.
_DEFINITION = re.compile(
    r"\bwhat(?:'s|\s+is|\s+are)\s+(?:an?\s|\w+s\s*\?)|\bwhat\s+(?:does|do)\b.{1,60}?\bmean\b|"
    r"\bmeaning\s+of\b|\bhow\s+do(?:es)?\b.{1,60}?\bwork\b|"
    r"\bwas\s+(?:ist|sind)\s+(?:ein|eine)\b|\bwas\s+(?:bedeutet|hei(?:ß|ss)t)\b|"
    r"\bwie\s+funktionier\w*|"
    r"\bqu['’]est[- ]ce\s+qu['’](?:un|une)\b|\bc['’]est\s+quoi\s+(?:un|une)\b|"
    r"\bque\s+(?:veut\s+dire|signifie)\b|\bveut\s+dire\s+quoi\b|\bcomment\s+(?:ça\s+)?fonctionn\w*|"
    r"\bqu[ée]\s+(?:es|son)\s+(?:un|una|unos|unas)\b|\bqu[ée]\s+(?:significa|quiere\s+decir)\b|"
    r"\bc[óo]mo\s+funciona\w*|"
    r"\bo\s+que\s+(?:é|e|s[ãa]o)\s+(?:um|uma|uns|umas)\b|\bo\s+que\s+(?:significa|quer\s+dizer)\b|"
    r"\bcomo\s+(?:é\s+que\s+)?(?:\w+\s+){0,4}?funciona\w*|"
    r"\bcos['’]?\s*[èe]\s+(?:un|una|uno|un['’])|\b(?:che\s+)?cosa\s+(?:vuol\s+dire|significa)\b|"
    r"\bcome\s+funziona\w*|"
    r"\bwat\s+(?:is|zijn)\s+(?:een|eigenlijk)\b|\bwat\s+betekent\b|\bhoe\s+werk\w*|"
    r"что\s+такое|что\s+(?:значит|означает)|как\s+(?:работа\w*|устроен\w*)|"
    r"\bne\s+demek|\banlam[ıi]\s+ne|\bnas[ıi]l\s+[çc]al[ıi][şs][ıi]r|"
    r"\bco\s+to\s+(?:jest|s[ąa])\b|\bczym\s+(?:jest|s[ąa])\b|\bco\s+(?:znaczy|oznacza)\b|"
    r"\bjak\s+dzia[łl]aj?[ąa]?\w*|"
    r"とは|どういう意味|の意味|仕組み|どうやって動|"
    r"什么是|什麼是|什么意思|什麼意思|啥意思|是啥错误|怎么工作|如何工作|怎么运作|原理|"
    r"이란|란\s*무엇|무슨\s*뜻|뜻이\s*뭐|의미가\s*뭐|어떻게\s*(?:작동|동작|돌아가|상속)|작동\s*원리|"
    # what happens when ..., is it normal that ...: asked about, in thirteen languages
    r"\bwhat\s+happens\s+(?:when|if)\b|\bwas\s+passiert\b|\bque\s+se\s+passe[- ]t[- ]il\b|"
    r"\bqu[ée]\s+pasa\s+(?:cuando|si)\b|\bo\s+que\s+acontece\b|\bcosa\s+succede\b|"
    r"\bwat\s+gebeurt\s+er\b|что\s+(?:происходит|будет),?\s+(?:когда|если)|\bne\s+olur\b|"
    r"\bco\s+si[ęe]\s+(?:dzieje|stanie)\b|どうなる|会怎样|会怎么样|會怎樣|어떻게\s*되|"
    r"\bis\s+it\s+normal\b|\bist\s+(?:es|das)\s+normal\b|\best[- ]ce\s+normal\b|\bes\s+normal\s+que\b|"
    r"\b[ée]\s+normal\s+que\b|\b[èe]\s+normale\s+che\b|\bis\s+het\s+normaal\b|нормально\s+ли|"
    r"\bnormal\s+mi\b|\bczy\s+to\s+normalne\b|普通ですか|正常吗|正常嗎|정상인가|"
    r"(?:って|とは)(?:なんですか|何ですか)",
    re.IGNORECASE | re.DOTALL,
)


@functools.lru_cache(maxsize=64)
def concept_question(text: str) -> bool:
    """A question about a concept (why, the difference, should I, what is a ..., what does ...
    mean, how does ... work) that carries no data, or about what some written code does."""
    if _WHAT_DOES.search(text) and not json_literals(text):
        return True
    asked = _CONCEPT.search(text) or _DEFINITION.search(text)
    # a file named with no verb of reading or writing it is a subject ("robots.txt는 꼭 지켜야
    # 하나요?"), not a payload
    named = bool(paths(text)) and bool(READ_FILE.search(text) or verb_kinds(text))
    return bool(asked) and not (_PAYLOAD.search(text) or json_literals(text) or named)


def _result_written(text: str) -> bool:
    """Whether the value of an expression the text writes is also written in it ("24 곱하기 15
    가 360", "el 15 % de 80 es 12"): the sum is already done, in any language."""
    found = arithmetic.expressions(text)
    if not found:
        return False
    written = {
        float(n)
        for n in re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.]\d)", arithmetic.normalise(text))
    }
    for expression in found:
        try:
            value = float(evaluate(expression))
        except (ToolError, TypeError, ValueError, OverflowError):
            continue
        # (the 100 of a percentage is no operand: "20% от 500 это 100" is done)
        bare = re.sub(r"/\s*100\b", "", expression)
        operands = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", bare)}
        if value not in operands and any(abs(value - n) < 1e-9 for n in written):
            return True
    return False


def _statistic_written(text: str) -> bool:
    """Whether a statistic of a list the text writes is also written after it ("la media di 12,
    15 e 18 e mi viene 15", "średnia z 4, 5, 3, 5, 3 i wyszło 4"): the sum, mean, median, lowest
    or highest of three or more numbers, written after them."""
    numbers = [
        float(n)
        for n in re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.]\d)", arithmetic.separators(text))
    ]
    for end in range(3, len(numbers)):
        values, results = numbers[:end], numbers[end:]
        ordered = sorted(values)
        middle = len(ordered) // 2
        median = (
            ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        )
        statistics = {sum(values), sum(values) / len(values), median}
        if any(abs(r - s) < 0.01 for r in results for s in statistics):
            return True
    return False


def _problem_written(text: str) -> bool:
    """Whether a word problem's value is also written ("kdv yüzde 20 ise 1200 buldum")."""
    problem = word_problems.solve(text)
    if problem is None:
        return False
    try:
        value = float(evaluate(problem))
    except (ToolError, TypeError, ValueError, OverflowError):
        return False
    written = re.findall(r"(?<![\d.])\d+(?:\.\d+)?", arithmetic.separators(text))
    return any(abs(value - float(n)) < 0.01 for n in written)


def worked_result(text: str) -> bool:
    """Arithmetic the user has already done, with a question about the method."""
    return bool(_DONE_OR_METHOD.search(text)) and bool(
        _WORKED.search(text)
        or _result_written(text)
        or _statistic_written(text)
        or _problem_written(text)
    )


_SNAKE_NAME = re.compile(r"(?<![A-Za-z0-9_$])[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_])")
"""A name in capitals with an underscore (JAVA_HOME, NODE_OPTIONS): a variable's, as named."""


def _env_named(text: str) -> bool:
    return any(
        re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text)
        for name in ENV_ALLOWLIST
    )


def unbacked(
    tools: Iterable[str],
    text: str,
    args: dict[str, dict[str, object]],
    complete: Iterable[str] = (),
) -> set[str]:
    """The chosen ``tools`` that the user's words do not back (see the module docstring).
    ``args`` holds each tool's arguments as read so far (an ``api_request``'s method);
    ``complete`` names the tools whose every argument was read from the words (a change whose
    target and content the user wrote is backed by them)."""
    chosen = list(tools)
    if worked_result(text):
        return set(chosen)
    if concept_question(text):
        return set(chosen)
    done = set(complete)
    extra = len(chosen) > 1  # a second tool must show its own cue
    kinds = verb_kinds(text) if any(t in CHANGES or t == "api_request" for t in chosen) else set()
    out: set[str] = set()
    for tool in chosen:
        if tool in CHANGES:
            if CHANGES[tool] not in kinds and (extra or tool not in done):
                out.add(tool)
        elif tool == "api_request":
            method = str(args.get(tool, {}).get("method", "GET")).upper()
            if method not in ("GET", "HEAD") and not (
                "network" in kinds or HTTP_METHOD.search(text)
            ):
                out.add(tool)
        elif tool == "environment":
            # even alone: the variables are private ('CALL stock_level {...}' is no such ask)
            if not (ENV_CUE.search(text) or _env_named(text) or _SNAKE_NAME.search(text)):
                out.add(tool)
        elif tool == "process_list":
            if extra and not (PROCESS_CUE.search(text) or readers.takes_resources(text)):
                out.add(tool)
        elif tool == "file_read" and not paths(text):
            out.add(tool)
        elif tool == "time_now" and time_converted(text):
            out.add(tool)  # a time difference, a given hour carried over: no clock wanted
        elif (
            tool == "time_now"
            and extra
            and not (readers.TIME_QUESTION.search(text) or readers.TIME_AT.search(text))
        ):
            out.add(tool)  # "..., wie warm es grad in Berlin ist": a place, but no time asked
    return out
