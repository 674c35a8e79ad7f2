"""A second ask named outright (issue 29), by kind: a variable by its name, the system's facts or
the processes by their words, a folder by its path, a file by its name with a verb of reading;
and a joining word inside a number written in words is no cut between two asks."""

from __future__ import annotations

import pytest

from intent.evident import evident_read, evident_single, machine_not_processes
from intent.model import IntentModel
from intent.text import boundaries
from nodes.decision import decide_turn
from tests.unit.turn_decisions import SPECS, decide_all, shipped_model


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return shipped_model()


@pytest.mark.parametrize(
    ("chosen", "text", "second"),
    [
        (["file_list"], "wat staat er in muziek/ en wat is EDITOR?", "environment"),
        (["process_list"], "welke processen lopen er, en geef de systeeminfo", "system_info"),
        (["calculator"], "kaç süreç çalışıyor ve 12*7 kaç eder?", "process_list"),
        (["calculator"], "leggi ricette/torta.txt e quanto fa 250*3?", "file_read"),
        (["time_now"], "co jest w folderze zdjecia/lato i która jest godzina w Oslo?", "file_list"),
    ],
)
def test_a_read_named_outright_is_added(chosen: list[str], text: str, second: str) -> None:
    assert evident_read(chosen, text) == second


@pytest.mark.parametrize(
    ("chosen", "text"),
    [
        (["time_now"], "what time is it in Europe/Lisbon?"),  # a time zone, not a folder
        (["calculator"], "what is 318/6?"),  # a division, not a folder
        (["calculator"], "why is PATH searched left to right? 3*4"),  # a concept question
        (["file_read"], "read notes/a.txt and list docs/"),  # a file tool chose already
        (["calculator"], "mention notes/a.txt in the answer to 2+2"),  # no verb of reading
    ],
)
def test_no_read_without_its_own_words(chosen: list[str], text: str) -> None:
    assert evident_read(chosen, text) is None


def test_a_two_part_request_gets_both_tools(model: IntentModel) -> None:
    decision = decide_turn(
        model, SPECS, SPECS, False, "leggi ricette/torta.txt e quanto fa duecento per tre?"
    )
    assert decision is not None
    assert {c["name"] for c in decision["calls"]} == {"file_read", "calculator"}
    calc = next(c for c in decision["calls"] if c["name"] == "calculator")
    assert calc["args"]["expression"].replace(" ", "") == "200*3"


def test_a_joining_word_inside_a_number_is_no_cut() -> None:
    assert boundaries("quanto é dois mil e trezentos menos nove") == []
    assert boundaries("calcula ciento y cinco por dos") == []
    assert boundaries("what is three and what is four") != []


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("TZ ortam değişkeni neye ayarlı?", "environment"),
        ("hangi süreçler en çok bellek kullanıyor, göster", "process_list"),
        ("tu peux me lister ce qui se trouve dans devis/2023 ?", "file_list"),
    ],
)
def test_one_read_named_outright_where_the_model_chose_none(
    model: IntentModel, text: str, tool: str
) -> None:
    decision = decide_all(model, text)
    assert {c["name"] for c in decision["calls"]} | set(decision["missing"]) == {tool}


@pytest.mark.parametrize(
    "text",
    [
        "wie beende ich einen Prozess unter Linux?",  # how-to
        "explain what the TZ environment variable is for",  # an explanation
        "should PATH be an environment variable or a config entry?",  # a concept
        "Süreç ve iş parçacığı arasındaki fark nedir?",  # a difference
    ],
)
def test_no_single_read_for_a_question_about_it(text: str) -> None:
    assert evident_single(text) is None


def test_a_page_to_look_at_beside_a_computation() -> None:
    text = "durchschnitt von 4, 9, 11 und schau auf https://example.org/tips was empfohlen wird"
    assert evident_read(["statistics"], text) == "web_scrape"
    # no word of looking, or a first tool whose arguments may hold the URL: nothing added
    assert evident_read(["statistics"], "durchschnitt von 4, 9, 11 https://example.org/x") is None
    assert evident_read(["file_write"], "lies https://example.org/x und speichere a/b.txt") is None


def test_a_two_part_request_with_a_page(model: IntentModel) -> None:
    text = "12, 18, 30 的平均值是多少？再帮我看看 https://example.org/guide 上怎么说"
    decision = decide_all(model, text)
    assert {c["name"] for c in decision["calls"]} == {"statistics", "web_scrape"}


@pytest.mark.parametrize(
    ("chosen", "text", "added"),
    [
        # a variable in capitals beside the word for a variable, whatever its name
        (
            ["process_list"],
            "elenca i processi python e poi la variabile CELERY_BROKER",
            "environment",
        ),
        (["file_list"], "pokaż pliki w logs/ i zmienną SENTRY_DSN", "environment"),
        (["time_now"], "saat kaç Ankara'da, bir de KAFKA_HOME değişkenini göster", "environment"),
        # the machine's parts beside another ask
        (["time_now"], "hoeveel cores heeft deze server hoe laat is het in Lima", "system_info"),
        (["calculator"], "ile pamięci ma ten komputer i ile to 12 razy 14", "system_info"),
    ],
)
def test_a_read_named_outright_beside_another_ask(chosen: list[str], text: str, added: str) -> None:
    assert evident_read(chosen, text) == added


def test_capitals_alone_or_the_cpu_beside_the_processes_add_nothing() -> None:
    # capitals with no word for a variable (an acronym), the CPU beside the processes
    assert evident_read(["time_now"], "what time is it in NYC and is the SLA met?") is None
    assert evident_read(["process_list"], "top 5 processes by CPU") is None
    assert evident_read(["process_list"], "which processes eat the most RAM?") is None


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("otwórz config/nginx.conf", "file_read"),
        ("открой, пожалуйста, deploy/run.sh", "file_read"),
        ("mostrami cosa c'è in appunti/idee.md", "file_read"),
        ("ortam değişkeni SENTRY_DSN tanımlı mı, bakar mısın", "environment"),
    ],
)
def test_one_read_named_outright_where_the_model_chose_nothing(text: str, tool: str) -> None:
    assert evident_single(text) == tool


def test_a_file_with_a_verb_of_writing_is_not_read_outright() -> None:
    assert evident_single("otwórz i zapisz w notatki/a.txt: mleko") is None


def test_the_machines_specification_is_not_its_processes() -> None:
    assert machine_not_processes(["process_list"], "wie viele CPU-Kerne hat der Server?") == [
        "system_info"
    ]
    assert machine_not_processes(["process_list"], "サーバーのスペックを教えて") == ["system_info"]
    # a process or running named: the processes stand
    assert machine_not_processes(["process_list"], "which processes use the most cores?") is None


def test_the_time_with_a_place_named_is_read_outright_unless_it_is_a_difference() -> None:
    assert evident_single("che ore sono ora a Lisbona?") == "time_now"
    assert evident_single("hoe laat is het nu in Lissabon?") == "time_now"
    assert evident_single("se a Lisbona sono le 10, che ore sono a Tokyo?") is None


@pytest.mark.parametrize(
    "text",
    [
        "ile pamięci i rdzeni ma ten serwer?",
        "на каком проце и сколько памяти у этого ноута?",
        "hoeveel geheugen heeft deze computer eigenlijk?",
    ],
)
def test_what_this_machine_has_is_read_outright(text: str) -> None:
    assert evident_single(text) == "system_info"


@pytest.mark.parametrize(
    "text",
    [
        "is het slecht voor het geheugen van mijn computer als ik veel tabs open heb?",  # a judgement
        "what is RAM?",  # no machine asked about
    ],
)
def test_a_judgement_a_programs_use_or_a_definition_is_not_the_machines_figures(
    text: str,
) -> None:
    assert evident_single(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "mijn collega zit in Tokio, slaapt hij nu al?",
        "dzwonię do kolegi w Sydney, czy tam już nie jest za późno?",
        "Lizbon'daki arkadaşımı arayacağım, orada şimdi erken mi?",
    ],
)
def test_the_hour_at_a_place_asked_without_the_word_for_time(text: str) -> None:
    assert evident_single(text) == "time_now"


def test_too_late_for_a_trip_is_not_the_hour_there() -> None:
    assert evident_single("is it too late to book a trip to Lisbon for May?") is None


@pytest.mark.parametrize(
    "text",
    [
        "il conto è 120 euro e siamo in tre, quanto a testa?",
        "аренда 30000 в месяц, сколько выйдет за 6 месяцев?",
        "hesap 900 TL geldi 3 kisiyiz kisi basi kac",
    ],
)
def test_a_word_problem_with_a_question_is_a_calculation(text: str) -> None:
    assert evident_single(text) == "calculator"


def test_a_rate_with_no_duration_is_no_calculation() -> None:
    assert evident_single("my rent is 900 a month, is that a lot?") is None
