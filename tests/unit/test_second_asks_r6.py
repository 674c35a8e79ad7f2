"""Round 6 of issue 29: the kinds of request a fifth author's requests found wrong, by kind (not
their sentences): what takes the processor or memory is asked of the processes, a second ask
beside data or a table is kept, words inside a file's name ground no change, folders are
listed, and the verbs of change the grounding lacked in Chinese, Japanese, Spanish and Polish."""

from __future__ import annotations

import pytest

from intent.clear import arithmetic_calls
from intent.evident import (
    asked_outright,
    evident_read,
    evident_second,
    evident_single,
    processes_not_machine,
)
from intent.extract import extract
from intent.file_asks import file_tools, read_beside_write
from intent.grounding import asked_kinds, database_change_asked, verb_kinds
from intent.json_asks import json_tools
from intent.model import shipped
from intent.not_asked import time_converted
from intent.safety import concept_question
from intent.table_asks import table_tools
from intent.text import paths
from nodes.decision import decide_turn
from tests.unit.turn_decisions import SPECS


@pytest.mark.parametrize(
    "text",
    [
        "what's hogging the CPU on the build server right now",
        "qu'est-ce qui consomme autant de mémoire sur mon portable ?",
        "welches Programm zieht so viel Speicher, alles hängt",
        "哪个进程最占内存啊",
        "list the processes sorted by memory, the box is crawling",
    ],
)
def test_what_takes_the_processor_or_memory_is_the_processes(text: str) -> None:
    assert processes_not_machine(["system_info"], text) == ["process_list"]


@pytest.mark.parametrize(
    "text",
    [
        "how much memory does this computer have and which OS does it run?",
        "quanta memoria ha questo portatile e che sistema operativo usa?",
        "top 5 processes by memory and the python version",
        "why does chrome use so much memory?",
    ],
)
def test_the_machines_own_facts_or_a_why_stay_as_chosen(text: str) -> None:
    assert processes_not_machine(["system_info", "process_list"], text) is None


def test_a_programs_use_asked_outright_reads_the_processes() -> None:
    assert evident_single("how much RAM does firefox use on this laptop?") == "process_list"
    assert evident_single("뭐가 메모리를 제일 많이 쓰는지 알려줘") == "process_list"
    assert evident_single("is RAM faster than an SSD?") is None


def test_a_sum_asked_in_its_own_clause_beside_json_is_a_second_ask() -> None:
    assert evident_second(["json_parse"], 'validate {"a": 2} and then calculate 12*12') == (
        "calculator"
    )
    assert evident_second(["json_parse"], '{"k": [4, 5]} 유효한지 보고 그리고 300*4 계산') == (
        "calculator"
    )
    # the data's own numbers, in the clause that pastes them: no second ask
    assert evident_second(["json_query"], 'calculate 3*4 from [{"price": 3}, {"price": 4}]') is None
    assert evident_second(["data_transform"], "sort by price\nitem,price\npen,3\ncup,4") is None


def test_the_time_at_a_place_written_as_a_noun_is_a_second_ask() -> None:
    assert evident_second(["system_info"], "memoria libre y hora en Lima") == "time_now"
    assert evident_second(["process_list"], "top 3 processus et heure a Dakar") == "time_now"
    assert asked_outright("time_now", "the ids from it, also time in UTC")
    assert evident_second(["statistics"], "median of these response times 2.1 2.4 1.9") is None


def test_a_page_or_an_api_beside_a_table_is_its_own_ask() -> None:
    text = "GET https://httpbin.org/uuid and count the rows of table tickets"
    assert evident_read(["database_query"], text) == "api_request"
    text = "look at https://example.com/news y cuenta las filas de la tabla noticias"
    assert evident_read(["database_query"], text) == "web_scrape"
    assert asked_outright("database_query", "users 테이블 row 수 세고 지금 시간도")


@pytest.mark.parametrize(
    "text",
    [
        "abre el archivo bodega/almacen.txt",  # almacenar: to store
        "read backups/exports.csv please",  # export
        "ouvre cours/sauvegarde.md stp",  # sauvegarder: to save
    ],
)
def test_words_inside_a_files_name_ground_no_change(text: str) -> None:
    assert verb_kinds(text) == set()


def test_a_change_still_grounds_beside_a_file_name() -> None:
    assert verb_kinds("guarda 'hola' en bodega/almacen.txt") == {"file"}
    assert verb_kinds("notes/plan.txt dosyasina merhaba yaz") == {"file"}
    assert verb_kinds("notes/plan.txt de ne yaziyordu hatirlamiyorum") == set()  # what was written


@pytest.mark.parametrize(
    "text",
    [
        "往 users 表里插一条记录 名字 李四",
        "把 orders 表里 id 为 3 的删掉",
        "ついでに sales テーブルにその合計を記録して",
        "apunta en la tabla turnos la entrada de hoy",
        "zaloz tabele zdarzenia (id, opis)",
    ],
)
def test_verbs_of_changing_a_table_in_more_languages(text: str) -> None:
    assert database_change_asked(text)


def test_a_folder_named_with_the_word_for_one_is_listed_not_read() -> None:
    # the listing the model chose stands (before round 6 it was turned into a read)
    assert file_tools(["file_list"], "what's inside the folder `data/2023`") is None
    assert file_tools(["file_list"], "o que tem na pasta `fotos/natal`") is None
    assert file_tools(["file_list"], "show me notes/todo.txt") == ["file_read"]


@pytest.mark.parametrize(
    "text",
    [
        "how does PATH get passed down to child processes?",
        "what are the advantages of keeping recipes in a database instead of Word?",
        "Rezepte in einer Tabelle statt in Word: was ist der Vorteil?",
        "CSV ou JSON pra uma API? prós e contras",
    ],
)
def test_a_mechanism_or_an_advantage_is_a_concept(text: str) -> None:
    assert concept_question(text)


def test_a_how_do_i_request_is_not_made_a_concept_by_the_mechanism_rule() -> None:
    assert not concept_question("how do I get the rows of table users?")


def test_a_percentage_of_nothing_is_no_calculation() -> None:
    assert arithmetic_calls("my drive is like 90% full, is that why it's slow?") == []
    assert arithmetic_calls("they mix up 20% off and 20% of, how do I explain it?") == []
    assert arithmetic_calls("what is 20% of 150?") == [
        ("calculator", {"expression": "(20/100*150)"})
    ]


def test_noon_or_midnight_carried_to_another_place_asks_no_clock() -> None:
    assert time_converted("when it's noon in Paris what time is it in Montreal usually?")
    assert time_converted("quando é meio-dia em Lisboa, que horas são em São Paulo?")
    assert time_converted("als het middernacht is in Amsterdam, hoe laat is het dan in Tokio?")
    assert not time_converted("what time is it in Montreal right now?")


@pytest.mark.parametrize(
    "text",
    [
        "welche dateien sind in export/? und aus dem json hier alle namen",  # export: a folder
        "groupe par rayon puis liste le dossier stock",  # stocker: to store
        "сделай select из таблицы users где created_at за последнюю неделю",  # a column
        "workspace'te hangi dosyalar var bi bakıver",  # hangi (which), not hängen
        "quante righe in orders con status 'cancelled'?",  # a quoted value
    ],
)
def test_names_columns_and_values_ground_no_change(text: str) -> None:
    assert verb_kinds(text) == set()


def test_a_verb_beside_those_names_still_grounds() -> None:
    assert verb_kinds("häng 'fertig' an notes.txt an") == {"file"}
    assert verb_kinds("lösche in der tabelle kunden alle mit created_at vor 2020") == {"database"}


def test_a_post_read_from_json_another_tool_takes_is_no_send_asked() -> None:
    text = 'call https://httpbin.org/json, and check whether this is valid JSON: {"a": 1}'
    assert "network" not in asked_kinds(text)
    assert "network" in asked_kinds('POST {"a": 1} to https://httpbin.org/post')


def test_the_hour_there_asked_beside_another_ask_is_a_second_ask() -> None:
    assert evident_second(
        ["calculator"], "quanto fa 1250 diviso 8, chissà se a Sydney è già notte fonda"
    ) == ("time_now")
    assert evident_second(
        ["file_read"], "mi fornitor è a Shanghai, è orario d'ufficio lì adesso?"
    ) == ("time_now")


def test_a_statistic_in_its_own_clause_is_a_second_ask() -> None:
    assert evident_second(["file_list"], "медиана 1200, 850, 430, 990 и покажи папку data") == (
        "statistics"
    )
    assert evident_second(["file_read"], "lies a.txt; dann den Durchschnitt von 4, 8, 15") == (
        "statistics"
    )
    assert evident_second(["data_transform"], "sort by age\nname,age\nA,3\nB,4\nC,5") is None


@pytest.mark.parametrize(
    "text",
    [
        "min en max van 14 3 27 9. kan deze bak python 3.12 aan, welke python versie?",
        "puana gore sirala, bu makinede python kac surumu var",
        "sortuj to, a potem na jakim systemie to w ogole stoi",
    ],
)
def test_the_machines_facts_by_other_names_are_a_second_ask(text: str) -> None:
    assert evident_read(["statistics"], text) == "system_info"


def test_a_folder_shown_in_a_clause_of_its_own_beside_a_file() -> None:
    text = "écris 'farine' dans notes/rappels.txt puis montre moi le dossier notes"
    assert evident_read(["file_write"], text) == "file_list"
    assert evident_read(["file_read"], "lis notes/a.txt dans le dossier notes") is None


def test_the_french_article_le_is_no_verb_of_reading() -> None:
    text = "fais un GET sur https://httpbin.org/json puis sauve le resultat dans data/sample.json"
    assert evident_read(["api_request"], text) is None
    assert evident_read(["calculator"], "2*3 e lê o arquivo notas/a.txt") == "file_read"


def test_a_variable_named_beside_a_query_survives_the_models_dropped_tool() -> None:
    # the model heard a sum beside the query; the sum went, the variable named outright stays
    decision = decide_turn(
        shipped(), SPECS, SPECS, False, "sdelai select count(*) from sessions i kakoi u menya PATH?"
    )
    assert decision is not None
    names = [call["name"] for call in decision["calls"]] + list(decision["missing"])
    assert sorted(names) == ["database_query", "environment"]


def test_a_key_taken_out_of_records_is_a_query_a_kept_row_a_transform() -> None:
    people = '[{"nom":"Zoe","ville":"Lyon"},{"nom":"Hugo","ville":"Nantes"}]'
    assert json_tools(["data_transform"], f"recupere les villes: {people}") == ["json_query"]
    assert json_tools(["data_transform"], f"取出 ville 字段 {people}") == ["json_query"]
    towns = '[{"ville":"Paris","hab":2100000},{"ville":"Lille","hab":230000}]'
    assert (
        json_tools(["data_transform"], f"garde seulement les villes de plus de 1000 {towns}")
        is None
    )
    rows = '[{"pais":"Chile","n":1},{"pais":"Peru","n":2}]'
    assert json_tools(["data_transform"], f"quédate solo con los de Chile: {rows}") is None
    scores = '[{"n":"a","score":91},{"n":"b","score":67}]'
    assert json_tools(["data_transform"], f"score > 80 {scores}") is None  # compared: rows kept


def test_a_file_named_as_the_subject_of_a_concept_question() -> None:
    assert concept_question("웹 스크래핑은 합법인가요? robots.txt는 꼭 지켜야 하나요")
    assert not concept_question("why is notes.txt empty? read it to me")  # a read asked
    assert concept_question("Erklär mir kurz, was eine Fakultät in der Mathematik ist.")
    assert concept_question("I ran SELECT COUNT(*) and got 0. What could cause that?")


def test_the_machines_memory_left_or_total_beside_the_processes() -> None:
    assert evident_read(["process_list"], "top 5 processes by cpu and total memory size") == (
        "system_info"
    )
    assert evident_read(["process_list"], "combien de ram il me reste, montre les processus") == (
        "system_info"
    )
    # "total" of the slowness, not of the memory
    assert (
        evident_read(["process_list"], "was frisst so viel CPU, der rechner ist total langsam")
        is None
    )


def test_a_question_for_a_sum_in_its_own_clause_beside_json() -> None:
    text = '{"a":[{"p":4}]} hol die p raus. Außerdem: was ist 15% von 480?'
    assert evident_second(["json_query"], text) == "calculator"
    assert evident_second(["process_list"], "procesos de postgres y q hora es en madrid") == (
        "time_now"
    )


def test_one_page_read_statistics_in_words_and_a_folder_asked_alone() -> None:
    assert evident_single("Прочитай https://example.org/wiki/Борщ и кратко перескажи") == (
        "web_scrape"
    )
    assert evident_single("GET https://httpbin.org/uuid, zobacz co zwraca") == "api_request"
    assert evident_single("mediana z liczb jedenaście, czternaście, osiem i siedemnaście?") == (
        "statistics"
    )
    assert evident_single("belgeler klasöründe ne vardı, bir bakar mısın?") == "file_list"
    assert evident_single("Guten Morgen! Wie geht's dir heute?") is None  # "dir": no folder
    text = "help me word a note saying the class photos folder will be deleted"
    assert evident_single(text) is None


def test_italian_devo_is_should_i_only_before_a_choice() -> None:
    assert concept_question("devo usare Postgres o SQLite per un progetto piccolo?")
    assert not concept_question(
        "Devo preparare i bonus. Quali dipendenti della tabella staff guadagnano più di 3000?"
    )


@pytest.mark.parametrize(
    "text",
    [
        "SIGTERM vs SIGKILL: wann nimmt man was, wenn ein Prozess hängt?",
        "è pericoloso fare kill -9 su un processo del database?",
        "Is het erg als ik een process met kill -9 afschiet?",
        "kak rabotaet SIGTERM? mozhno li ubivat process",
        "작업 관리자에 '프로세스'가 잔뜩 뜨던데 그게 뭔가요?",
        "env 和 config.yaml 到底怎么选？",
    ],
)
def test_questions_about_processes_and_settings_are_concepts(text: str) -> None:
    assert concept_question(text)


def test_an_article_is_no_process_name() -> None:
    assert "name" not in extract("process_list", "zeig mir ein Prozess der hängt").arguments
    assert extract("process_list", "list the processes named nginx").arguments["name"] == "nginx"


def test_an_email_address_is_no_file() -> None:
    assert paths("zet het adres op pieter.devries@example.nl") == []
    assert [p.text for p in paths("mail notes.txt to a.b@example.com")] == ["notes.txt"]


def test_a_verb_of_writing_with_accents_grounds_the_write() -> None:
    assert verb_kinds("guárdame un resumen en tareas/frida.txt") == {"file"}


def test_a_read_beside_a_write_of_the_same_file_is_the_pages_read() -> None:
    text = "scrape https://example.org/weer en zet de verwachting in weer/vandaag.txt"
    assert read_beside_write(["file_write", "file_read"], text) == ["web_scrape", "file_write"]
    text = "lees weer/gisteren.txt en zet de verwachting in weer/vandaag.txt"
    assert read_beside_write(["file_write", "file_read"], text) is None  # two files


def test_a_table_written_with_no_file_named_writes_no_file() -> None:
    text = "zet in de tabel leden het emailadres van lid 7 op a@example.nl"
    assert table_tools(["file_write"], text) == ["database_execute"]
    text = "odczytaj plik nowi.txt i dopisz Jana z tego pliku do tabeli klienci"
    assert table_tools(["database_execute", "file_write"], text) == [
        "database_execute",
        "file_read",
    ]
