"""Never a confident wrong side effect, never a read the user did not ask for (issue 29), by kind
of request: the decision route makes (intent model, readers, :mod:`intent.safety`)."""

from __future__ import annotations

import pytest

from intent.evident import evident_second
from intent.grounding import asked_kinds, database_change_asked
from intent.model import IntentModel
from intent.safety import concept_question, unbacked, worked_result
from tests.unit.turn_decisions import decide_all, shipped_model, tools_of

CHANGE_OR_PRIVATE = {"file_write", "database_execute", "environment", "file_read", "process_list"}


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return shipped_model()


@pytest.mark.parametrize(
    "text",
    [
        # a concept question that names what a tool reads or changes
        "is it a good idea to put secrets in environment variables?",
        "Sollte ich Passwörter in Umgebungsvariablen speichern?",
        "why do processes get killed when memory runs out?",
        "what's the difference between a process and a thread?",
        "what does DELETE FROM users do exactly?",
        # a joke, a poem: no tool serves them
        "opowiedz mi dowcip o informatykach",
        "raconte-moi une blague sur les bases de données",
    ],
)
def test_no_change_and_no_private_read_for_a_question_about_it(
    model: IntentModel, text: str
) -> None:
    assert not tools_of(model, text) & CHANGE_OR_PRIVATE


@pytest.mark.parametrize(
    "text",
    [
        "I got 442 for 26 × 17, how do I check that quickly?",
        "Ich habe 19 × 21 = 399 schon ausgerechnet, wie geht das schneller im Kopf?",
        "已经算出 15 × 15 = 225 了，有什么口算技巧吗？",
        # the operation in words, its result written after it: the sum is done in any language
        "열여덟 곱하기 12 가 216 인 건 이미 알아, 빨리 하는 방법 알려줘",
        "Ya sé que el 20 % de 45 son 9, ¿cómo se saca rápido?",
        "Zaten 14 × 15'in 210 olduğunu buldum, nasıl kontrol ederim?",
    ],
)
def test_arithmetic_already_done_is_explained_not_recomputed(model: IntentModel, text: str) -> None:
    assert worked_result(text)
    assert "calculator" not in tools_of(model, text)


def test_a_result_that_is_not_the_sums_value_is_no_worked_result() -> None:
    assert not worked_result("how do I compute 12 times 12 quickly?")
    assert not worked_result("I need 3 times 7 for 5 people, how much is it?")


def test_a_person_and_a_table_to_add_them_to_is_not_arithmetic(model: IntentModel) -> None:
    assert "calculator" not in tools_of(model, "please add Jonas Berg, 41, to the employees table")


def test_a_change_chosen_beside_another_tool_needs_its_own_words() -> None:
    text = "how many rows are in the orders table, and how much disk is left?"
    assert "database_execute" in unbacked(["database_query", "database_execute"], text, {})
    assert "process_list" in unbacked(["system_info", "process_list"], "how much RAM is free?", {})
    assert (
        unbacked(["system_info", "process_list"], "RAM free, and the running processes?", {})
        == set()
    )


def test_a_question_about_code_grounds_no_change() -> None:
    assert concept_question("what does DELETE FROM users do exactly?")
    assert asked_kinds("what does DELETE FROM users do exactly?") == set()
    assert asked_kinds("Say hello to the cache.") == set()
    assert asked_kinds("DELETE FROM users WHERE id = 3") == {"database"}


def test_the_clarifying_question_names_the_likeliest_tools_in_the_users_language() -> None:
    from intent.clarify import clarifying_question, guess_language

    tools = ["database_query", "calculator"]
    assert clarifying_question("les chiffres d'hier, s'il te plaît", tools) == (
        "Voulez-vous une requête sur la base de données ou un calcul ?"
    )
    assert (
        clarifying_question("어제 숫자 좀 봐줘", tools)
        == "데이터베이스 조회, 계산 중 어느 쪽을 원하세요?"
    )
    assert [guess_language(t) for t in ("вчерашние цифры", "dünkü rakamlar ne durumda")] == [
        "ru",
        "tr",
    ]


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        # the model hears one ask; the other's payload is plain: a sum in words, a place's time
        (
            "Hoe laat is het in Lissabon en hoeveel is vier tot de macht tien?",
            {"time_now", "calculator"},
        ),
        (
            "сколько времени в Новосибирске, а ещё посчитай двенадцать умножить на семь",
            {"time_now", "calculator"},
        ),
    ],
)
def test_a_second_ask_with_a_plain_payload_is_not_missed(
    model: IntentModel, text: str, tools: set[str]
) -> None:
    assert tools_of(model, text) == tools


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("what is a foreign key for?", True),
        ("what's an index used for", True),
        ("Para que serve uma chave primária?", True),
        ("wozu braucht man einen Index?", True),
        # a question about what something costs or totals is a sum, not a concept
        ("what is the total for 3 items at 4.50?", False),
        ("what is the tip for 80 dollars", False),
    ],
)
def test_what_a_thing_is_for_is_a_concept(text: str, concept: bool) -> None:
    assert concept_question(text) is concept


@pytest.mark.parametrize(
    "text",
    [
        # what is a ..., what does ... mean, how does ... work: asked about, not asked to use
        "what is a orphan process, in plain words?",
        "Was ist eine Umgebungsvariable eigentlich?",
        "qu'est-ce qu'un processus démon ?",
        "¿qué significa el código HTTP 503?",
        "o que quer dizer erro 418 no HTTP?",
        "come funzionano le variabili d'ambiente nei container?",
        "wat betekent exit code 137 bij een proces?",
        "что такое переменная окружения PATH?",
        "ortam değişkenleri nasıl çalışır?",
        "co to jest proces zombie?",
        "プロセスとは何ですか",
        "什么是环境变量？",
        "환경변수란 무엇인가요?",
    ],
)
def test_definitions_meanings_and_mechanisms_are_concept_questions(text: str) -> None:
    assert concept_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "what is the value of PATH?",
        "what is the time in Lima?",
        "what is 17 times 23?",
        "welche Prozesse laufen gerade?",
        "¿qué hay en notas/lista.txt?",
    ],
)
def test_asking_for_a_value_is_not_a_concept_question(text: str) -> None:
    assert not concept_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "Le client veut la fiche de la machine : système, processeurs, mémoire.",
        "podaj mi liczbę rdzeni i model procesora",
        "quanti core ha il processore di questa macchina?",
    ],
)
def test_the_processor_is_not_a_process(text: str) -> None:
    # the word for the CPU is no cue of the running processes, beside the machine's facts
    assert evident_second(["system_info"], text) is None
    assert unbacked(["system_info", "process_list"], text, {}) == {"process_list"}
    decision = decide_all(shipped_model(), text)
    assert "process_list" not in {c["name"] for c in decision["calls"]} | set(decision["missing"])


@pytest.mark.parametrize(
    "text",
    [
        "what happens if a process ignores SIGTERM?",
        "was passiert, wenn ein Prozess keinen Elternprozess mehr hat?",
        "is it normal that my laptop shows 300 processes?",
        "é normal que o Postgres abra tantos processos?",
        "デーモンってなんですか",
    ],
)
def test_what_happens_and_is_it_normal_are_concept_questions(text: str) -> None:
    assert concept_question(text)


def test_the_environment_alone_needs_a_variable_named_or_asked_about() -> None:
    assert unbacked(["environment"], 'CALL stock_level {"item": "gizmo"}', {}) == {"environment"}
    assert unbacked(["environment"], "qual è il valore di SENTRY_DSN?", {}) == set()
    assert unbacked(["environment"], "mostra le variabili d'ambiente", {}) == set()
    assert unbacked(["environment"], "what is my PATH?", {}) == set()


def test_env_written_against_cjk_text_is_the_word_for_the_variables() -> None:
    assert unbacked(["environment"], "envの中身を見せて", {}) == set()
    assert unbacked(["environment"], "看看env", {}) == set()


@pytest.mark.parametrize(
    "text",
    [
        "ho già calcolato la media di 10, 20 e 30 e mi viene 20, mi spieghi il procedimento?",
        "policzyłam już sumę 4, 6 i 10, wyszło 20, wytłumacz jak to się liczy",
        "ik had uitgerekend dat 21% btw op 200 euro 42 is, klopt de methode?",
        "я посчитал, что 20% от 500 это 100, обьясни метод",  # "объясни" typed with ь
    ],
)
def test_a_statistic_or_a_percentage_already_worked_out_is_explained(text: str) -> None:
    assert worked_result(text)


def test_a_list_whose_statistic_is_not_written_is_no_worked_result() -> None:
    assert not worked_result("wytłumacz, jaka jest średnia z 4, 6 i 10?")


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("show rows from the users table where created_at is this week", False),  # a column
        ("how many orders in the orders table have status 'cancelled'?", False),  # a value
        ("stok tablosunda urun_id 7 olanin adedini 0 yap", True),  # Turkish "set it to 0"
        ("cancel the order 5 in the orders table", True),
    ],
)
def test_a_column_or_a_quoted_value_is_not_a_verb_of_change(text: str, asked: bool) -> None:
    assert database_change_asked(text) is asked


def test_a_second_time_needs_a_word_for_the_time() -> None:
    # a city beside a page is the weather there, not its clock
    text = "ruf https://wttr.in/Paris auf und sag mir, wie kalt es grad in Paris ist"
    assert "time_now" in unbacked(["api_request", "time_now"], text, {})
    assert "time_now" not in unbacked(
        ["api_request", "time_now"], "ruf https://wttr.in/Paris auf, wie spät ist es in Paris?", {}
    )


def test_a_tool_without_arguments_asked_by_its_own_words_stays_beside_another() -> None:
    # "디스크 남은 용량" asks the machine; it is not an echo of the clock read from the same words
    assert tools_of(shipped_model(), "도쿄 지금 몇 시야 디스크 남은 용량도 알려줘") == {
        "time_now",
        "system_info",
    }
