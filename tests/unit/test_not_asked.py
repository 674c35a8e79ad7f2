"""Words of change that ask for no change (issue 29), by kind: keywords weighed against each other,
a piece of writing or a translation, the user's own past action, and verb stems that are other
words ("leggi", "Slack", "environment", "public"). Each kind grounds nothing; the control beside
it, asking for the change, still grounds it."""

from __future__ import annotations

import pytest

from intent.grounding import asked_kinds
from intent.model import IntentModel
from intent.not_asked import keywords_discussed, past_action, time_converted, writing_asked
from intent.sql import described_sql
from tests.unit.turn_decisions import decide_all, shipped_model


@pytest.mark.parametrize(
    "text",
    [
        # keywords weighed against each other, no target named
        "GET vs POST for a search form that changes nothing?",
        "PATCH o PUT quando cambia un solo campo di una risorsa?",
        "UPDATE или UPSERT, что лучше для синхронизации справочника?",
        # a piece of writing or a translation
        "write a limerick about SQL I can drop into the newsletter",
        "übersetze 'Datei speichern' ins Englische",
        "schrijf een grappig gedichtje over een database die alles vergeet",
        # the user's own past action
        "what did we add to the staff table yesterday?",
        "что я сохранял в файле todo/list.txt?",
        "어제 memo.txt 파일에 뭐 저장했지?",
        # verb stems that are other words
        "leggi il file appunti/spesa.txt",
        "muéstrame la environment del servidor de la api",
        "bu https://api.github.com/orgs/acme/repos adresindeki public repo'lar hangileri?",
    ],
)
def test_no_change_asked(text: str) -> None:
    assert asked_kinds(text) & {"file", "database", "network"} == set()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('POST {"name": "x"} to https://api.example.com/items', "network"),
        ("delete the rows older than 2020 from the logs table", "database"),
        ("write the limerick to poems/sql.txt", "file"),
        ("сохрани это в файл todo/list.txt", "file"),
        ("удали из таблицы logs все строки старше года", "database"),
        ("memo.txt 파일에 회의 시간 저장해줘", "file"),
        ("salva la lista in appunti/spesa.txt", "file"),
        ('envía un POST a https://api.example.com/items con {"a": 1}', "network"),
    ],
)
def test_the_change_asked_is_still_grounded(text: str, kind: str) -> None:
    assert kind in asked_kinds(text)


def test_the_detectors_by_kind() -> None:
    assert keywords_discussed("DROP and TRUNCATE: which one keeps the table?")
    assert not keywords_discussed("DELETE FROM logs WHERE id = 3")
    assert writing_asked("tell me a joke about cron jobs")
    assert not writing_asked("save a joke to jokes/today.txt")  # a file named: not only writing
    text = "what did I save in notes.txt?"
    assert past_action(text, text.index("save"), text.index("save") + 4)
    text = "please save it in notes.txt"
    assert not past_action(text, text.index("save"), text.index("save") + 4)


def test_a_korean_folder_is_not_a_table() -> None:
    assert described_sql("내 폴더에 사진 넣어줘") is None
    assert described_sql("직원 테이블에 박서준, 41 추가해줘") == (
        'INSERT INTO "직원" VALUES (?, ?)',
        ["박서준", 41],
    )


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return shipped_model()


def _decision(model: IntentModel, text: str) -> tuple[str, set[str]]:
    decision = decide_all(model, text)
    return decision["kind"], {c["name"] for c in decision["calls"]} | set(decision["missing"])


@pytest.mark.parametrize(
    "text",
    [
        "Schreib mir einen Witz über Montage und Kaffee, höchstens drei Zeilen",
        "translate into French: the meeting moves to 3 pm on Friday",
        "напиши короткий стишок про кота, который боится пылесоса",
        "à quoi bon calculer la moyenne de 4, 8 et 15 si la médiane suffit ?",
        "what good is a standard deviation of 2, 4 and 9 when I only need the total?",
    ],
)
def test_writing_and_what_good_questions_are_chat(model: IntentModel, text: str) -> None:
    assert _decision(model, text) == ("chat", set())


def test_the_same_numbers_asked_for_are_still_a_call(model: IntentModel) -> None:
    assert _decision(model, "calcule la moyenne de 4, 8 et 15")[1] == {"statistics"}
    assert _decision(model, "translate this CSV to JSON:\nname,age\nAna,31\nBo,45")[1] == {
        "data_transform"
    }


def test_spanish_noting_down_in_a_file_grounds_a_file_change() -> None:
    assert "file" in asked_kinds("apunta en diario/junio.txt que el gato ya está vacunado")


@pytest.mark.parametrize(
    "text",
    [
        # a past form or a relative clause after the verb, in languages with no "did I"
        "先週書いたレポート reports/weekly.md を表示してください",
        "지난주에 저장해둔 notes/plan.txt 내용 좀 보여줘",
        "我上周保存的 notes/plan.txt 里面写了什么？",
        "geçen hafta kaydettiğim notlar/plan.txt dosyasını göster",
        "zapisałem wczoraj notatki/plan.txt, pokaż mi co tam jest",
        "j'ai enregistré notes/plan.txt hier, tu peux me le montrer ?",
        "guardé notas/plan.txt ayer, ¿me lo enseñas?",
        "salvei notas/plano.txt ontem, mostra o que tem",
        "ho salvato appunti/piano.txt ieri, me lo fai vedere?",
    ],
)
def test_a_change_told_in_the_past_grounds_nothing(text: str) -> None:
    assert asked_kinds(text) & {"file", "database"} == set()


@pytest.mark.parametrize(
    "text",
    [
        "reports/weekly.md に今日の進捗を書いてください",
        "notes/plan.txt에 회의 시간 저장해줘",
        "把会议时间保存到 notes/plan.txt",
        "notlar/plan.txt dosyasına toplantı saatini kaydet",
        "zapisz godzinę spotkania w notatki/plan.txt",
        "enregistre l'heure de la réunion dans notes/plan.txt",
        "guarda la hora de la reunión en notas/plan.txt",
        "zet de vergadertijd in notities/plan.txt",
    ],
)
def test_the_same_change_asked_now_is_grounded(text: str) -> None:
    assert "file" in asked_kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "How many hours ahead is Sydney compared to Chicago?",
        "Wie groß ist die Zeitverschiebung zwischen Hamburg und Bangkok?",
        "quel décalage horaire entre Lyon et Montréal ?",
        "se a Milano sono le 15, che ore sono a Los Angeles?",
        "als het in Utrecht 8 uur 's ochtends is, hoe laat is het dan in Jakarta?",
        "파리랑 시카고 시차가 몇 시간이야?",
        "悉尼和芝加哥的时差是多少？",
    ],
)
def test_a_time_difference_or_a_given_hour_calls_no_clock(model: IntentModel, text: str) -> None:
    assert "time_now" not in _decision(model, text)[1]


@pytest.mark.parametrize(
    "text",
    ["what time is it in Sydney right now?", "hoe laat is het nu in Jakarta?", "芝加哥现在几点？"],
)
def test_the_current_time_asked_is_still_a_call(model: IntentModel, text: str) -> None:
    assert _decision(model, text)[1] == {"time_now"}


def test_a_participle_describing_rows_is_no_order() -> None:
    # "the registered customers", "los pedidos borrados": a state of the rows, not a change asked
    assert asked_kinds("quantos fornecedores temos cadastrados na tabela fornecedores?") == set()
    assert asked_kinds("¿cuántos pedidos borrados hay en la tabla pedidos?") == set()
    assert "database" in asked_kinds("cadastra a fornecedora Ana na tabela fornecedores")


def test_a_chinese_record_to_a_file_is_a_write() -> None:
    assert "file" in asked_kinds("把今天的销售额记到 reports/sales.txt")


def test_hours_apart_in_chinese_is_a_time_difference() -> None:
    assert time_converted("上海和纽约夏天差几个小时？")
    assert not time_converted("上海现在几点？")
