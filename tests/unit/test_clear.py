"""Clear requests (:mod:`intent.clear`, detect-intent's pattern stage): a request clear to any
reader calls its tool, with the arguments the intent extractors read; everything else stays
quiet."""

from __future__ import annotations

import pytest

from intent.clear import clear_calls

TOOLS = {"calculator", "time_now"}


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        ("What is 23*19?", "23*19"),
        ("what's 23 x 19", "23 * 19"),
        ("Calculate (2+3)**2 please", "(2+3)**2"),
        ("What is 12 times 7?", "12 * 7"),
        ("Now add 3 to 437", "437 + 3"),
        ("What is the square root of 144?", "sqrt(144)"),
        ("What is 15% of 80?", "(15/100*80)"),
        ("23 곱하기 19는?", "23 * 19"),
        ("3와 4를 더하면?", "3 + 4"),
        ("144의 제곱근은 얼마야?", "sqrt(144)"),
        ("5 factorial?", "factorial(5)"),
    ],
)
def test_arithmetic(text: str, expression: str) -> None:
    assert clear_calls(text, TOOLS) == [("calculator", {"expression": expression})]


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("What time is it in Seoul?", "Asia/Seoul"),
        ("서울은 지금 몇 시야?", "Asia/Seoul"),
        ("지금 뉴욕은 몇 시?", "America/New_York"),
        ("What's the time in LA?", "America/Los_Angeles"),
        ("current time in Europe/Berlin", "Europe/Berlin"),
        ("도쿄 현재 시간 알려줘", "Asia/Tokyo"),
    ],
)
def test_time(text: str, zone: str) -> None:
    assert clear_calls(text, TOOLS) == [("time_now", {"timezone": zone})]


def test_time_without_place() -> None:
    assert clear_calls("What time is it?", TOOLS) == [("time_now", {})]


def test_two_intents_in_one_message() -> None:
    calls = clear_calls("What is 6*7, and what time is it in Tokyo?", TOOLS)
    assert ("calculator", {"expression": "6*7"}) in calls
    assert ("time_now", {"timezone": "Asia/Tokyo"}) in calls


@pytest.mark.parametrize(
    "text",
    [
        "Hello! How are you?",
        "Tell me a joke about cats.",
        "I was born on 1990-05-04.",
        "Call me at 555-1234.",
        "Who wrote Hamlet?",
        "안녕하세요, 반가워요",
        "I have 3 apples and 2 pears.",
        "Let's meet at la plaza.",
    ],
)
def test_no_call(text: str) -> None:
    assert clear_calls(text, TOOLS) == []


def test_only_available_tools() -> None:
    assert clear_calls("What is 2+2?", {"time_now"}) == []


ALL_TOOLS = {
    "file_read", "file_write", "file_list", "system_info", "process_list", "environment",
    "calculator", "statistics", "json_parse", "json_query", "data_transform", "api_request",
    "web_scrape", "database_query", "database_execute", "time_now",
}  # fmt: skip
CSV = "name,age,city\nAna,31,Seoul\nBen,25,Busan"

# One plain-language request per built-in tool (English and Korean), and the call it must make.
REQUESTS: list[tuple[str, str, dict]] = [
    ("Read the file notes/todo.txt", "file_read", {"path": "notes/todo.txt"}),
    ("memo.txt 파일 읽어줘", "file_read", {"path": "memo.txt"}),
    ("Write 'buy milk' to shopping.txt", "file_write", {"path": "shopping.txt", "content": "buy milk"}),
    ("'회의는 3시' 라고 meeting.txt 파일에 저장해줘", "file_write", {"path": "meeting.txt", "content": "회의는 3시"}),
    ("Create a file called hello.md with the text 'hi there'", "file_write", {"path": "hello.md", "content": "hi there"}),
    ("List the files in the workspace", "file_list", {}),
    ("파일 목록 보여줘", "file_list", {}),
    ("Show me the system info", "system_info", {}),
    ("시스템 정보 알려줘", "system_info", {}),
    ("What processes are running? Show the running processes", "process_list", {}),
    ("메모리를 많이 쓰는 프로세스 보여줘", "process_list", {"sort_by": "memory"}),
    ("What are my environment variables?", "environment", {}),
    ("Show the environment variable LANG", "environment", {"names": ["LANG"]}),
    ("What is the mean and median of 3, 5, 8, 10?", "statistics", {"values": [3, 5, 8, 10], "operations": ["mean", "median"]}),
    ("4, 8, 15, 16, 23, 42의 평균은?", "statistics", {"values": [4, 8, 15, 16, 23, 42], "operations": ["mean"]}),
    ('Is this valid JSON? {"a": [1, 2]}', "json_parse", {"text": '{"a": [1, 2]}'}),
    ('Get `people[0].name` from {"people": [{"name": "Ana"}]}', "json_query", {"data": '{"people": [{"name": "Ana"}]}', "query": "people[0].name"}),
    (f"Sort these by age descending:\n{CSV}", "data_transform", {"data": CSV + "\n", "operations": [{"op": "sort", "field": "age", "descending": True}]}),
    (f"Convert this CSV to JSON:\n{CSV}", "data_transform", {"data": CSV + "\n", "operations": []}),
    ("GET https://api.example.com/users/1", "api_request", {"url": "https://api.example.com/users/1", "method": "GET"}),
    ("Call the API at https://api.example.com/status", "api_request", {"url": "https://api.example.com/status"}),
    ("Summarize the page https://example.com/blog/post", "web_scrape", {"url": "https://example.com/blog/post"}),
    ("https://example.com 페이지 요약해줘", "web_scrape", {"url": "https://example.com"}),
    ("Run SELECT name, age FROM people WHERE age > 30", "database_query", {"sql": "SELECT name, age FROM people WHERE age > 30"}),
    ("What tables are in the database? List the tables", "database_query", {"sql": "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"}),
    ("Execute: CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "database_execute", {"sql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"}),
    ("INSERT INTO notes (body) VALUES ('hello')", "database_execute", {"sql": "INSERT INTO notes (body) VALUES ('hello')"}),
    ("What is 23*19?", "calculator", {"expression": "23*19"}),
    ("What time is it in Seoul?", "time_now", {"timezone": "Asia/Seoul"}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "tool", "args"), REQUESTS)
def test_each_builtin_tool_has_a_clear_request(text: str, tool: str, args: dict) -> None:
    assert clear_calls(text, ALL_TOOLS) == [(tool, args)]


def test_every_builtin_tool_is_covered() -> None:
    assert {tool for _, tool, _ in REQUESTS} == ALL_TOOLS


@pytest.mark.parametrize(
    "text",
    [
        "Write a poem about the sea.",
        "I read a good book yesterday.",
        "What is an API?",
        "Explain what JSON is.",
        "How do I select a good laptop?",
        "The average person sleeps 8 hours.",
        "Tell me about the files of the X-Files show.",
    ],
)
def test_everyday_sentences_with_tool_words_make_no_call(text: str) -> None:
    assert clear_calls(text, ALL_TOOLS) == []


def test_data_in_a_request_is_not_also_arithmetic() -> None:
    assert clear_calls("Write '2+2' to sum.txt", ALL_TOOLS) == [
        ("file_write", {"path": "sum.txt", "content": "2+2"})
    ]


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("Combien font 7 fois 8 ?", ("calculator", {"expression": "7 * 8"})),
        ("un pourboire de 12 % sur 622 euros, ça fait combien ?", ("calculator", {"expression": "(12/100*622)"})),
        ("36원의 75퍼센트는?", ("calculator", {"expression": "(75/100*36)"})),
        ("590 ÷ 59っていくら？", ("calculator", {"expression": "590 / 59"})),
        ("show files in invoices", ("file_list", {"path": "invoices"})),
        ("show me メモ.txt", ("file_read", {"path": "メモ.txt"})),
        ("ejecuta delete from customers where country = 'Atlantis'", ("database_execute", {"sql": "delete from customers where country = 'Atlantis'"})),
        ('{"a": 1}을 https://httpbin.org/post로 POST로 보내줘', ("api_request", {"url": "https://httpbin.org/post", "json_body": {"a": 1}, "method": "POST"})),
    ],
)  # fmt: skip
def test_clear_requests_in_other_languages_and_shapes(text: str, call: tuple) -> None:
    assert clear_calls(text, ALL_TOOLS) == [call]


def test_a_statistic_of_records_fields_is_not_a_statistics_call() -> None:
    text = "max salary per dept in employee,dept,salary\nAna,ops,5200\nBo,dev,6100"
    assert "statistics" not in [name for name, _ in clear_calls(text, ALL_TOOLS)]
