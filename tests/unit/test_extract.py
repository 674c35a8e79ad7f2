"""Argument extractors (intent/extract.py): each tool in each of the eight languages, refusal to
invent values, schema validation, multi-tool splitting, and the place table's data."""

from __future__ import annotations

import json
import math
from zoneinfo import available_timezones

import pytest

from intent import places
from intent.extract import Extraction, UnknownToolError, extract, extract_all
from intent.numbers import words_to_digits
from intent.readers import EXTRACTORS
from intent.training.build_places import ALIASES
from tools.calculator import evaluate
from tools.registry import build_tools

# --- calculator ----------------------------------------------------------------------------------

CALCULATOR = [
    ("en", "What is 23*19?", 437),
    ("en", "multiply six by seven", 42),
    ("en", "2 to the power of 10", 1024),
    ("en", "what's 15% of 80?", 12),
    ("en", "square root of 144", 12),
    ("en", "twenty one times three hundred and five", 6405),
    ("en", "seven point five times two", 15),
    ("fr", "Combien font 7 fois 8 ?", 56),
    ("fr", "combien font quatre-vingt-dix-neuf moins douze", 87),
    ("fr", "la racine carrée de 81", 9),
    ("fr", "20 pour cent de 50", 10),
    ("de", "zwölf mal drei", 36),
    ("de", "Wie viel ist zwei hoch zehn?", 1024),
    ("de", "einundzwanzig geteilt durch sieben", 3),
    ("de", "Was ist die Quadratwurzel aus 144?", 12),
    ("es", "¿Cuánto es siete por ocho?", 56),
    ("es", "la raíz cuadrada de 81", 9),
    ("es", "trescientos dos menos veintidós", 280),
    ("es", "divide 15 entre 3", 5),
    ("pt", "quanto é 15 dividido por 3", 5),
    ("pt", "Quanto é sete vezes oito?", 56),
    ("pt", "raiz quadrada de 144", 12),
    ("pt", "5 ao quadrado", 25),
    ("ko", "9 곱하기 9", 81),
    ("ko", "구 곱하기 구는?", 81),
    ("ko", "9와 3을 곱하면?", 27),
    ("ko", "144의 제곱근", 12),
    ("ko", "100의 20%는?", 20),
    ("ja", "6掛ける7", 42),
    ("ja", "3と4を足すと？", 7),
    ("ja", "12を4で割ると？", 3),
    ("ja", "2の10乗は？", 1024),
    ("zh", "七乘以八", 56),
    ("zh", "三加五等于多少", 8),
    ("zh", "2的10次方", 1024),
    ("zh", "80的百分之二十", 16),
    ("zh", "81的平方根", 9),
]


@pytest.mark.parametrize(("lang", "text", "value"), CALCULATOR)
def test_calculator_reads_arithmetic_in_each_language(lang: str, text: str, value: float) -> None:
    found = extract("calculator", text)
    assert found.complete, found
    assert math.isclose(evaluate(found.arguments["expression"]), value)


def test_calculator_expression_is_what_the_tool_accepts() -> None:
    assert extract("calculator", "Combien font 7 fois 8 ?").arguments == {"expression": "7 * 8"}
    assert extract("calculator", "la raíz cuadrada de 81").arguments == {"expression": "sqrt(81)"}
    assert extract("calculator", "5!").arguments == {"expression": "factorial(5)"}


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("zwölf", "12"),
        ("dreihundertdreiundzwanzig", "323"),
        ("quatre-vingt-dix-neuf", "99"),
        ("soixante et onze", "71"),
        ("vinte e dois", "22"),
        ("mil novecentos e oitenta", "1980"),
        ("이십삼", "23"),
        ("스물다섯", "25"),
        ("一万二千", "12000"),
        ("one two three", "1 2 3"),  # three numbers, not their sum
        ("이거 뭐야", "이거 뭐야"),  # 이 inside a word is not two
    ],
)
def test_number_words(text: str, digits: str) -> None:
    assert words_to_digits(text) == digits


# --- time_now -------------------------------------------------------------------------------------

TIME = [
    ("en", "what time is it in Seoul?", "Asia/Seoul"),
    ("en", "time in Port-au-Prince please", "America/Port-au-Prince"),
    ("en", "what's the time in LA", "America/Los_Angeles"),
    ("en", "what time is it in the US?", "America/New_York"),
    ("en", "It's 3pm in Seoul, what time is it in London?", "Europe/London"),
    ("fr", "Quelle heure est-il à Pékin ?", "Asia/Shanghai"),
    ("fr", "Quelle heure est-il à Londres", "Europe/London"),
    ("de", "Wie spät ist es in München?", "Europe/Berlin"),
    ("de", "Uhrzeit in Wien", "Europe/Vienna"),
    ("es", "¿Qué hora es en Buenos Aires?", "America/Argentina/Buenos_Aires"),
    ("es", "¿Qué hora es en Nueva York?", "America/New_York"),
    ("pt", "Que horas são em Lisboa?", "Europe/Lisbon"),
    ("pt", "Que horas são em São Paulo agora?", "America/Sao_Paulo"),
    ("pt", "que horas sao em sao paulo", "America/Sao_Paulo"),
    ("ko", "부산은 지금 몇 시야?", "Asia/Seoul"),
    ("ko", "뉴욕 시간 알려줘", "America/New_York"),
    ("ja", "ロンドンは今何時？", "Europe/London"),
    ("ja", "東京都の時間", "Asia/Tokyo"),
    ("zh", "北京现在几点", "Asia/Shanghai"),
    ("zh", "巴黎现在几点了？", "Europe/Paris"),
]


@pytest.mark.parametrize(("lang", "text", "zone"), TIME)
def test_time_now_maps_places_in_each_language(lang: str, text: str, zone: str) -> None:
    assert extract("time_now", text).arguments == {"timezone": zone}


@pytest.mark.parametrize(
    "text",
    [
        "what time is it?",
        "Quelle heure est-il ?",
        "Wie spät ist es im Moment?",
        "지금 몇 시야?",
        "今何時ですか",
        "现在几点了？",
    ],
)
def test_time_now_without_a_place_has_no_timezone(text: str) -> None:
    found = extract("time_now", text)
    assert found.arguments == {} and found.complete


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("what time is it in Atlantis?", "Atlantis"),
        ("¿Qué hora es en Narnia?", "Narnia"),
        ("아틀란티스는 지금 몇 시야?", "아틀란티스"),
        ("アトランティスは今何時？", "アトランティス"),
        ("请问亚特兰蒂斯现在几点", "亚特兰蒂斯"),
    ],
)
def test_time_now_does_not_map_an_unknown_place(text: str, written: str) -> None:
    found = extract("time_now", text)
    assert found.arguments == {}
    assert found.missing == ["timezone"]
    assert found.unresolved == {"timezone": written}


# --- files -----------------------------------------------------------------------------------------

FILE_READ = [
    ("en", "read notes/todo.md", "notes/todo.md"),
    ("en", "open the file called report.csv", "report.csv"),
    ("fr", "Ouvre le fichier « rapport.txt »", "rapport.txt"),
    ("de", "Lies bitte die Datei notizen.md", "notizen.md"),
    ("es", "muéstrame el contenido de datos.json", "datos.json"),
    ("pt", "abra o arquivo lista.txt", "lista.txt"),
    ("ko", "todo.md 파일 좀 열어서 보여줘", "todo.md"),
    ("ja", "「memo.txt」を開いて", "memo.txt"),
    ("zh", "读取一下 config.yaml 文件", "config.yaml"),
]


@pytest.mark.parametrize(("lang", "text", "path"), FILE_READ)
def test_file_read_finds_the_file_name(lang: str, text: str, path: str) -> None:
    assert extract("file_read", text).arguments == {"path": path}


FILE_WRITE = [
    ("en", "write 'buy milk' to notes/todo.md", "notes/todo.md", "buy milk", None),
    ("en", "create notes.txt that says hello world", "notes.txt", "hello world", None),
    ("en", "save to plan.md: call mom at 5", "plan.md", "call mom at 5", None),
    ("en", "append 'eggs' to list.txt", "list.txt", "eggs", "append"),
    ("fr", "écris bonjour dans salut.txt", "salut.txt", "bonjour", None),
    ("fr", "ajoute « du pain » à la fin de courses.txt", "courses.txt", "du pain", "append"),
    ("de", "schreibe Hallo Welt in gruss.txt", "gruss.txt", "Hallo Welt", None),
    ("es", "escribe hola en saludo.txt", "saludo.txt", "hola", None),
    (
        "es",
        'guarda "reunión a las 3" en agenda.txt sin sobrescribir',
        "agenda.txt",
        "reunión a las 3",
        "create",
    ),
    ("pt", "escreva olá em oi.txt", "oi.txt", "olá", None),
    ("ko", "notes.txt에 우유 사기라고 써줘", "notes.txt", "우유 사기", None),
    ("ko", "'계란' 을 list.txt 에 추가해줘", "list.txt", "계란", "append"),
    ("ja", "memo.txtに買い物と書いて", "memo.txt", "買い物", None),
    ("zh", "把买牛奶写入notes.txt", "notes.txt", "买牛奶", None),
]


@pytest.mark.parametrize(("lang", "text", "path", "content", "mode"), FILE_WRITE)
def test_file_write_finds_name_text_and_mode(
    lang: str, text: str, path: str, content: str, mode: str | None
) -> None:
    expected = {"path": path, "content": content} | ({"mode": mode} if mode else {})
    assert extract("file_write", text).arguments == expected


FILE_LIST = [
    ("en", "list the files in the notes folder", {"path": "notes"}),
    ("en", "what files are there?", {}),
    ("en", "list everything under src/ recursively", {"path": "src", "depth": 10}),
    ("fr", "liste les fichiers du dossier src", {"path": "src"}),
    ("de", "zeige die Dateien im Ordner docs", {"path": "docs"}),
    ("es", "lista los archivos de la carpeta fotos", {"path": "fotos"}),
    ("pt", "liste os arquivos da pasta docs, 2 níveis", {"path": "docs", "depth": 2}),
    ("ko", "notes 폴더에 뭐 있어?", {"path": "notes"}),
    ("ja", "docsフォルダの中身を見せて", {"path": "docs"}),
    ("zh", "列出 data 文件夹里的文件", {"path": "data"}),
]


@pytest.mark.parametrize(("lang", "text", "arguments"), FILE_LIST)
def test_file_list_folder_and_depth(lang: str, text: str, arguments: dict[str, object]) -> None:
    assert extract("file_list", text).arguments == arguments


# --- system ------------------------------------------------------------------------------------------

PROCESSES = [
    ("en", "show the top 5 processes by memory", {"sort_by": "memory", "limit": 5}),
    ("en", "What's eating my CPU right now?", {"sort_by": "cpu"}),
    ("en", "list python processes", {"name": "python"}),
    (
        "fr",
        "montre les 3 processus qui utilisent le plus de mémoire",
        {"sort_by": "memory", "limit": 3},
    ),
    ("de", "zeige Prozesse namens nginx", {"name": "nginx"}),
    ("es", "lista los procesos ordenados por memoria", {"sort_by": "memory"}),
    ("pt", "mostre os 10 processos que mais usam memória", {"sort_by": "memory", "limit": 10}),
    ("ko", "지금 돌아가는 프로세스 목록 알려줘", {}),
    ("ko", "메모리 많이 쓰는 프로세스 상위 5개", {"sort_by": "memory", "limit": 5}),
    ("ja", "メモリを多く使っているプロセスを見せて", {"sort_by": "memory"}),
    ("zh", "列出占用内存最多的前 5 个进程", {"sort_by": "memory", "limit": 5}),
]


@pytest.mark.parametrize(("lang", "text", "arguments"), PROCESSES)
def test_process_list_options_when_said(lang: str, text: str, arguments: dict[str, object]) -> None:
    assert extract("process_list", text).arguments == arguments


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("what is PATH and $HOME?", {"names": ["PATH", "HOME"]}),
        ("show env vars", {}),
        ("환경 변수 LANG 값 알려줘", {"names": ["LANG"]}),
        ("affiche la variable TZ", {"names": ["TZ"]}),
        ("how much CPU and RAM, what OS?", {}),
    ],
)
def test_environment_names(text: str, arguments: dict[str, object]) -> None:
    assert extract("environment", text).arguments == arguments


def test_system_info_takes_no_arguments() -> None:
    assert extract("system_info", "시스템 정보 알려줘") == Extraction(
        tool="system_info", segment="시스템 정보 알려줘"
    )


# --- statistics -----------------------------------------------------------------------------------

STATISTICS = [
    ("en", "what is the mean and median of 3, 5, 8, 13", [3, 5, 8, 13], ["mean", "median"]),
    ("en", "standard deviation of 2.5, -1 and 4", [2.5, -1, 4], ["stdev"]),
    ("fr", "la moyenne de 4, 8 et 15", [4, 8, 15], ["mean"]),
    ("fr", "la médiane de dix, vingt et trente", [10, 20, 30], ["median"]),
    ("de", "Durchschnitt von 1, 2, 3", [1, 2, 3], ["mean"]),
    ("es", "el promedio de 10, 20 y 30", [10, 20, 30], ["mean"]),
    ("pt", "a média e o desvio padrão de 2, 4, 6", [2, 4, 6], ["mean", "stdev"]),
    ("ko", "3, 5, 8의 평균", [3, 5, 8], ["mean"]),
    ("ja", "3、5、8の平均は？", [3, 5, 8], ["mean"]),
    ("zh", "3、5、8的平均值和中位数", [3, 5, 8], ["mean", "median"]),
]


@pytest.mark.parametrize(("lang", "text", "values", "operations"), STATISTICS)
def test_statistics_numbers_and_operations(
    lang: str, text: str, values: list[float], operations: list[str]
) -> None:
    assert extract("statistics", text).arguments == {"values": values, "operations": operations}


def test_statistics_correlation_of_two_lists() -> None:
    found = extract("statistics", "correlation between [1, 2, 3] and [2, 4, 7]")
    assert found.arguments == {"values": [1, 2, 3], "other": [2, 4, 7]}


# --- JSON -------------------------------------------------------------------------------------------

PEOPLE = '{"people": [{"name": "Ann", "age": 31}, {"name": "Bo", "age": 25}]}'

JSON_QUERY = [
    ("en", f"from {PEOPLE} get the names", "people[*].name"),
    ("en", f"run the query `people[?age > `30`].name` on {PEOPLE}", "people[?age > `30`].name"),
    ("fr", f"donne-moi les noms dans {PEOPLE}", "people[*].name"),
    ("de", f"Extrahiere das Alter aus {PEOPLE}", "people[*].age"),
    ("es", f"saca los nombres de {PEOPLE}", "people[*].name"),
    ("pt", f"consulta 'people[0].name' em {PEOPLE}", "people[0].name"),
    ("ko", f"{PEOPLE} 에서 이름만 뽑아줘", "people[*].name"),
    ("ja", f"{PEOPLE} から名前を取り出して", "people[*].name"),
    ("zh", f"从 {PEOPLE} 中提取年龄", "people[*].age"),
]


@pytest.mark.parametrize(("lang", "text", "query"), JSON_QUERY)
def test_json_query_data_and_query(lang: str, text: str, query: str) -> None:
    assert extract("json_query", text).arguments == {"data": PEOPLE, "query": query}


@pytest.mark.parametrize(
    "text",
    [
        'is this valid json? {"a": 1, "b": [1, 2]}',
        'est-ce du JSON valide : {"a": 1, "b": [1, 2]}',
        'Ist das gültiges JSON? {"a": 1, "b": [1, 2]}',
        '¿es JSON válido? {"a": 1, "b": [1, 2]}',
        'isto é um JSON válido? {"a": 1, "b": [1, 2]}',
        '{"a": 1, "b": [1, 2]} 이거 유효한 JSON이야?',
        '{"a": 1, "b": [1, 2]} は正しいJSONですか',
        '{"a": 1, "b": [1, 2]} 是有效的JSON吗',
    ],
)
def test_json_parse_takes_the_literal(text: str) -> None:
    assert extract("json_parse", text).arguments == {"text": '{"a": 1, "b": [1, 2]}'}


def test_json_parse_with_a_schema_and_with_broken_json() -> None:
    found = extract("json_parse", 'validate {"a": 1} against the schema {"type": "object"}')
    assert found.arguments == {"text": '{"a": 1}', "json_schema": {"type": "object"}}
    broken = extract("json_parse", "is this valid JSON: '{a: 1,}'")
    assert broken.arguments == {"text": "{a: 1,}"}


# --- data_transform ----------------------------------------------------------------------------------

ROWS = '[{"item": "a", "price": 3, "qty": 5}, {"item": "b", "price": 1, "qty": 9}]'
SORT_PRICE = [{"op": "sort", "field": "price", "descending": False}]

DATA_TRANSFORM = [
    ("en", f"Order these rows by price: {ROWS}", SORT_PRICE),
    (
        "en",
        f"sort {ROWS} by price, highest first",
        [{"op": "sort", "field": "price", "descending": True}],
    ),
    (
        "en",
        f"only rows where price > 2 from {ROWS}",
        [{"op": "filter", "field": "price", "cmp": ">", "value": 2}],
    ),
    ("fr", f"trie par prix : {ROWS}", SORT_PRICE),
    ("de", f"nach Preis sortieren: {ROWS}", SORT_PRICE),
    ("es", f"ordena por precio: {ROWS}", SORT_PRICE),
    ("pt", f"ordene por preço: {ROWS}", SORT_PRICE),
    ("ko", f"가격순으로 정렬해줘 {ROWS}", SORT_PRICE),
    (
        "ko",
        f"가격 내림차순으로 정렬 {ROWS}",
        [{"op": "sort", "field": "price", "descending": True}],
    ),
    ("ja", f"価格順に並べ替えて {ROWS}", SORT_PRICE),
    ("zh", f"按价格排序 {ROWS}", SORT_PRICE),
]


@pytest.mark.parametrize(("lang", "text", "operations"), DATA_TRANSFORM)
def test_data_transform_records_and_operations(
    lang: str, text: str, operations: list[dict[str, object]]
) -> None:
    assert extract("data_transform", text).arguments == {"data": ROWS, "operations": operations}


def test_data_transform_csv_group_select_limit_and_format() -> None:
    csv_text = "group by city and count:\ncity,name\nSeoul,a\nParis,b\nSeoul,c"
    found = extract("data_transform", csv_text)
    assert found.arguments == {
        "data": "city,name\nSeoul,a\nParis,b\nSeoul,c\n",
        "operations": [{"op": "group", "by": "city", "aggregate": "count"}],
    }
    top = extract("data_transform", f"top 1 by price as csv {ROWS}")
    assert top.arguments == {
        "data": ROWS,
        "operations": [
            {"op": "sort", "field": "price", "descending": True},
            {"op": "limit", "n": 1},
        ],
        "output_format": "csv",
    }
    keep = extract("data_transform", f"keep only item and qty: {ROWS}")
    assert keep.arguments["operations"] == [{"op": "select", "fields": ["item", "qty"]}]


# --- databases -------------------------------------------------------------------------------------

CREATE = [
    ("en", "Make a table named people with name and age", "CREATE TABLE people (name, age)"),
    ("en", "create a table called orders with id and item", "CREATE TABLE orders (id, item)"),
    ("fr", "crée une table clients avec nom et âge", 'CREATE TABLE clients (nom, "âge")'),
    ("de", "Erstelle eine Tabelle kunden mit name und alter", "CREATE TABLE kunden (name, alter)"),
    (
        "es",
        "crea una tabla productos con nombre y precio",
        "CREATE TABLE productos (nombre, precio)",
    ),
    ("pt", "crie uma tabela produtos com nome e preço", 'CREATE TABLE produtos (nome, "preço")'),
    ("ko", "orders 테이블을 만들어줘 (id, item)", "CREATE TABLE orders (id, item)"),
    ("ja", "ordersというテーブルを作成（id, item）", "CREATE TABLE orders (id, item)"),
    ("zh", "创建一个名为 orders 的表，包含 id 和 item", "CREATE TABLE orders (id, item)"),
]


@pytest.mark.parametrize(("lang", "text", "sql"), CREATE)
def test_database_execute_builds_create_table(lang: str, text: str, sql: str) -> None:
    assert extract("database_execute", text).arguments == {"sql": sql}


SELECT_ALL = [
    ("en", "show all rows of people"),
    ("fr", "affiche toutes les lignes de la table people"),
    ("de", "Zeige alle Zeilen aus der Tabelle people"),
    ("es", "muestra todas las filas de la tabla people"),
    ("pt", "mostre todas as linhas da tabela people"),
    ("ko", "people 테이블의 모든 행을 보여줘"),
    ("ja", "peopleテーブルの全件を表示して"),
    ("zh", "显示 people 表的所有行"),
]


@pytest.mark.parametrize(("lang", "text"), SELECT_ALL)
def test_database_query_builds_select_all(lang: str, text: str) -> None:
    assert extract("database_query", text).arguments == {"sql": "SELECT * FROM people"}


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        (
            "insert Alice, 30 into people",
            {"sql": "INSERT INTO people VALUES (?, ?)", "params": ["Alice", 30]},
        ),
        (
            "people 테이블에 Alice, 30 추가해줘",
            {"sql": "INSERT INTO people VALUES (?, ?)", "params": ["Alice", 30]},
        ),
        (
            "peopleにBob, 41を追加して",
            {"sql": "INSERT INTO people VALUES (?, ?)", "params": ["Bob", 41]},
        ),
        (
            "INSERT INTO people (name, age) VALUES ('Bob', 41)",
            {"sql": "INSERT INTO people (name, age) VALUES ('Bob', 41)"},
        ),
    ],
)
def test_database_execute_insert(text: str, arguments: dict[str, object]) -> None:
    assert extract("database_execute", text).arguments == arguments


@pytest.mark.parametrize(
    ("text", "sql"),
    [
        (
            "run SELECT name FROM people WHERE age > 30 please",
            "SELECT name FROM people WHERE age > 30",
        ),
        ("Run this: `SELECT * FROM t;` thanks", "SELECT * FROM t"),
        ("SELECT * FROM people 를 실행해줘", "SELECT * FROM people"),
        # the sentence goes on in Korean: not an alias named 쿼리
        ("SELECT name FROM people 쿼리 좀 돌려줘", "SELECT name FROM people"),
        ("SELECT id FROM orders 見せて", "SELECT id FROM orders"),
        ("how many rows are in people?", "SELECT COUNT(*) FROM people"),
        ("list the tables", "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
    ],
)
def test_database_query_written_and_described(text: str, sql: str) -> None:
    assert extract("database_query", text).arguments == {"sql": sql}


# --- web ----------------------------------------------------------------------------------------------

API = [
    ("en", "get https://api.example.com/items", {"url": "https://api.example.com/items"}),
    (
        "en",
        'POST {"a": 1} to https://api.example.com/items',
        {"url": "https://api.example.com/items", "json_body": {"a": 1}, "method": "POST"},
    ),
    (
        "en",
        "delete https://api.example.com/items/3",
        {"url": "https://api.example.com/items/3", "method": "DELETE"},
    ),
    (
        "fr",
        'envoie {"a": 1} à https://api.example.com/x',
        {"url": "https://api.example.com/x", "json_body": {"a": 1}, "method": "POST"},
    ),
    (
        "de",
        "rufe die API https://api.example.com/status auf",
        {"url": "https://api.example.com/status"},
    ),
    (
        "es",
        'envía {"x": 2} a https://api.example.com/x',
        {"url": "https://api.example.com/x", "json_body": {"x": 2}, "method": "POST"},
    ),
    (
        "pt",
        "chame a API https://api.example.com/v1/users",
        {"url": "https://api.example.com/v1/users"},
    ),
    (
        "ko",
        'https://api.example.com/x 로 {"x": 2} 보내줘',
        {"url": "https://api.example.com/x", "json_body": {"x": 2}, "method": "POST"},
    ),
    (
        "ja",
        "https://api.example.com/items にGETリクエストを送って",
        {"url": "https://api.example.com/items", "method": "GET"},
    ),
    ("zh", "调用 https://api.example.com/items 接口", {"url": "https://api.example.com/items"}),
]


@pytest.mark.parametrize(("lang", "text", "arguments"), API)
def test_api_request_url_method_and_body(
    lang: str, text: str, arguments: dict[str, object]
) -> None:
    assert extract("api_request", text).arguments == arguments


@pytest.mark.parametrize(
    "text",
    [
        "summarise https://example.com/page.",
        "résume la page https://example.com/page",
        "Fasse https://example.com/page zusammen",
        "resume https://example.com/page",
        "leia https://example.com/page",
        "https://example.com/page 요약해줘",
        "https://example.com/page を要約して",
        "总结一下 https://example.com/page。",
    ],
)
def test_web_scrape_url(text: str) -> None:
    assert extract("web_scrape", text).arguments == {"url": "https://example.com/page"}


# --- never a value the user did not write ------------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "text", "missing"),
    [
        ("calculator", "can you calculate something for me?", ["expression"]),
        ("calculator", "calcule ça", ["expression"]),
        ("calculator", "계산 좀 해줘", ["expression"]),
        ("statistics", "what's the average?", ["values"]),
        ("statistics", "평균 구해줘", ["values"]),
        ("file_write", "write a file", ["path", "content"]),
        ("file_write", "écris un fichier", ["path", "content"]),
        ("file_write", "save notes.txt", ["content"]),
        ("file_read", "read the file", ["path"]),
        ("file_read", "ファイルを読んで", ["path"]),
        ("json_query", f"look something up in {PEOPLE}", ["query"]),
        ("json_query", "query people[0]", ["data"]),
        ("json_parse", "validate my json", ["text"]),
        ("data_transform", "sort the rows by price", ["data"]),
        ("data_transform", f"sort {ROWS} by colour", ["operations"]),
        ("api_request", "call the weather API", ["url"]),
        ("web_scrape", "read that page", ["url"]),
        ("database_query", "query the database", ["sql"]),
        ("database_execute", "make a table", ["sql"]),
    ],
)
def test_missing_instead_of_invented(tool: str, text: str, missing: list[str]) -> None:
    found = extract(tool, text)
    assert found.missing == missing
    assert not found.complete
    assert not set(missing) & set(found.arguments)


def test_sql_for_the_other_database_tool_is_not_used() -> None:
    found = extract("database_query", "INSERT INTO people VALUES (1)")
    assert found.arguments == {} and found.missing == ["sql"]
    assert found.unresolved == {"sql": "INSERT INTO people VALUES (1)"}


def test_values_the_schema_refuses_are_dropped_and_reported() -> None:
    found = extract("process_list", "show the top 500 processes")
    assert "limit" not in found.arguments and found.unresolved == {"limit": "500"}
    assert found.complete  # limit is optional: the tool's default applies


def test_every_string_argument_comes_from_the_text() -> None:
    cases = [(tool, text) for _, text, *_ in FILE_WRITE for tool in ("file_write",)]
    cases += [("json_query", text) for _, text, _ in JSON_QUERY]
    for tool, text in cases:
        for name, value in extract(tool, text).arguments.items():
            if isinstance(value, str) and name not in {"mode", "query"}:
                assert value in text, (tool, name, value)


def test_unknown_tool_is_a_clear_error() -> None:
    with pytest.raises(UnknownToolError, match="no extractor for tool 'nope'"):
        extract("nope", "hello")
    with pytest.raises(UnknownToolError):
        extract_all(["calculator", "nope"], "hello")


def test_every_built_in_tool_has_an_extractor() -> None:
    assert {tool.name for tool in build_tools()} == set(EXTRACTORS)


# --- several tools in one request -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tools", "text", "arguments"),
    [
        (
            ["time_now", "calculator"],
            "what time is it in Seoul, and what is 3*4?",
            [{"timezone": "Asia/Seoul"}, {"expression": "3*4"}],
        ),
        (
            ["calculator", "statistics"],
            "what is 3+4 and the average of 5, 6, 7",
            [{"expression": "3+4"}, {"values": [5, 6, 7], "operations": ["mean"]}],
        ),
        (
            ["calculator", "calculator"],
            "what is 3*4 and 5+6?",
            [{"expression": "3*4"}, {"expression": "5+6"}],
        ),
        (
            ["database_execute", "database_query"],
            "create a table called orders with id and item, and show all rows of people",
            [{"sql": "CREATE TABLE orders (id, item)"}, {"sql": "SELECT * FROM people"}],
        ),
        (
            ["calculator", "time_now"],
            "서울은 몇 시야? 그리고 3 곱하기 4는?",
            [{"expression": "3 * 4"}, {"timezone": "Asia/Seoul"}],
        ),
        (
            ["calculator", "file_read"],
            "calcule 3+4 puis lis notes.txt",
            [{"expression": "3+4"}, {"path": "notes.txt"}],
        ),
        (
            ["time_now", "time_now"],
            "東京とロンドンは今何時？",
            [{"timezone": "Asia/Tokyo"}, {"timezone": "Europe/London"}],
        ),
    ],
)
def test_extract_all_gives_each_tool_its_part(
    tools: list[str], text: str, arguments: list[dict[str, object]]
) -> None:
    found = extract_all(tools, text)
    assert [e.tool for e in found] == tools
    assert [e.arguments for e in found] == arguments


def test_extract_all_on_a_long_text_stays_bounded() -> None:
    text = "what is 3*4? " + "; ".join(f"item {i}, note {i} and more" for i in range(40))
    text += ". And what time is it in Paris?"
    found = extract_all(["calculator", "time_now"], text)
    assert [e.arguments for e in found] == [{"expression": "3*4"}, {"timezone": "Europe/Paris"}]


# --- the place table ---------------------------------------------------------------------------------


def test_place_table_zones_all_exist() -> None:
    table = places.table()
    zones = available_timezones()
    assert len(table.names) > 3000
    assert {zone for zone in table.names.values()} <= zones
    assert set(table.exact.values()) <= zones


def test_every_capital_and_hand_kept_alias_is_in_the_table() -> None:
    aliases = json.loads(ALIASES.read_text(encoding="utf-8"))
    built = json.loads(places.DATA.read_text(encoding="utf-8"))
    left_out = {places.fold(n) for n in aliases["exclude"]} | set(built["ambiguous"])
    for zone, names in aliases["zones"].items():
        for name in names:
            key = places.fold(name)
            if key not in left_out:
                assert built["names"].get(key) == zone, (name, zone)
    capitals = [c for c in aliases["capitals"].values() if places.fold(c) not in left_out]
    assert len(capitals) > 180
    for capital in capitals:
        assert places.resolve(capital), capital


@pytest.mark.parametrize(
    ("text", "expression"),
    [("What is 23*19?", "23*19"), ("Combien font 7 fois 8 ?", "7 * 8"), ("3 + 4 = ?", "3 + 4")],
)
def test_an_expression_typed_as_it_stands_is_kept_as_typed(text: str, expression: str) -> None:
    """The answer echoes the user's own spelling ("23*19 = 437"); words become tidy symbols."""
    assert extract("calculator", text).arguments == {"expression": expression}


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("dreihundertzwölf und achtundvierzig", "312 und 48"),  # the tables (de)
        ("novecentoquarantadue meno diciassette", "942 meno 17"),  # text2num (it)
        ("achthonderdzesentwintig en negen", "826 en 9"),  # text2num (nl)
        ("шестьсот сорок три и восемь", "643 и 8"),  # number-parser (ru)
        ("dört yüz otuz yedi ve iki", "437 ve 2"),  # own table (tr)
        ("trzysta dwadzieścia jeden i pięć", "321 i 5"),  # own table (pl)
    ],
)
def test_numbers_in_words_per_language(text: str, digits: str) -> None:
    assert words_to_digits(text) == digits


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Was ergibt achthundertzwölf minus siebenundachtzig?", 725),
        ("quanto fa duecentodiciotto per tre?", 654),
        ("hoeveel is negenhonderd gedeeld door twaalf?", 75),
        ("сколько будет триста двадцать плюс сорок пять?", 365),
        ("altı yüz kırk çarpı üç kaç eder?", 1920),
        ("ile to czterysta minus osiemdziesiąt siedem?", 313),
        ("1800'ün yüzde 15'i ne kadar?", 270),
        ("dziewięć do potęgi trzeciej", 729),
    ],
)
def test_the_calculator_reads_numbers_in_words(text: str, value: float) -> None:
    from tools.calculator import evaluate

    assert evaluate(extract("calculator", text).arguments["expression"]) == value


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Voici mes notes : 14, 11.5, 16, 9. C'est quoi ma moyenne ?", [14, 11.5, 16, 9]),
        ("mediana z liczb jedenaście, czternaście, osiem i dwadzieścia?", [11, 14, 8, 20]),
        ("какая медиана у чисел три, девять, двадцать один и шесть?", [3, 9, 21, 6]),
    ],
)
def test_statistics_reads_every_number_a_sentence_ends_with_and_numbers_in_words(
    text: str, values: list[float]
) -> None:
    assert extract("statistics", text).arguments["values"] == values


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("ktora godzina w dubaju", "Asia/Dubai"),  # pl: -u
        ("która godzina jest w Krakowie?", "Europe/Warsaw"),  # pl: -owie
        ("сколько сейчас времени в Москве?", "Europe/Moscow"),  # ru: -а -> -е
        ("londrada saat kaç", "Europe/London"),  # tr: -da without an apostrophe
    ],
)
def test_a_place_written_with_a_case_ending_is_found(text: str, zone: str) -> None:
    assert extract("time_now", text).arguments == {"timezone": zone}


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("两千五", "2500"),  # zh: the last digit counts in the next unit down
        ("三百五", "350"),
        ("两千零五", "2005"),
        ("算一下", "算一下"),  # 一下 is a word, not one
        ("一共", "一共"),
    ],
)
def test_chinese_numbers_as_people_say_them(text: str, digits: str) -> None:
    assert words_to_digits(text) == digits
