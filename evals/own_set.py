"""toolloom's own eval set: built from templates here, written to ``evals/own.jsonl``.

Each case: ``id``, ``category`` (``tool``, ``no_tool``, ``multi``), ``lang``, ``prompt`` and
``expected``: the calls that must be made (any order), each ``{"name", "args": {param: check}}``,
or ``[]`` when no tool fits. A check is one of ``{"equals": v}``, ``{"any_of": [v, ...]}``,
``{"contains": s}``, ``{"contains_all": [s, ...]}``, ``{"endswith": s}`` (strings compared
case-insensitively, numbers by value). Parameters without a check are not scored.

Regenerate with ``uv run python -m evals.own_set`` (deterministic).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OWN_SET = Path(__file__).with_name("own.jsonl")


def call(tool: str, /, **args: Any) -> dict[str, Any]:
    return {"name": tool, "args": args}


def eq(value: Any) -> dict[str, Any]:
    return {"equals": value}


def has(*parts: str) -> dict[str, Any]:
    return {"contains_all": list(parts)} if len(parts) > 1 else {"contains": parts[0]}


def tool_cases() -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(lang, prompt, expected calls) for one tool each."""
    cases: list[tuple[str, str, list[dict[str, Any]]]] = []
    add = cases.append

    # calculator
    for a, b, op, word in [
        (23, 19, "*", "times"), (144, 12, "/", "divided by"), (987, 654, "+", "plus"),
        (1000, 337, "-", "minus"), (17, 23, "*", "multiplied by"), (2, 10, "**", "to the power of"),
    ]:  # fmt: skip
        add(("en", f"What is {a}{op}{b}?", [call("calculator", expression=has(str(a), str(b)))]))
        add(
            (
                "en",
                f"Calculate {a} {word} {b}.",
                [call("calculator", expression=has(str(a), str(b)))],
            )
        )
    add(("en", "What's the square root of 2025?", [call("calculator", expression=has("2025"))]))
    add(("en", "How much is 15% of 240?", [call("calculator", expression=has("240"))]))
    add(("ko", "23 곱하기 19는 얼마야?", [call("calculator", expression=has("23", "19"))]))
    add(("ko", "144를 12로 나누면?", [call("calculator", expression=has("144", "12"))]))
    add(("ko", "987 더하기 654 계산해줘", [call("calculator", expression=has("987", "654"))]))
    add(("ko", "1000에서 337을 빼면 얼마야?", [call("calculator", expression=has("1000", "337"))]))
    add(("ja", "23かける19はいくつですか?", [call("calculator", expression=has("23", "19"))]))
    add(("es", "¿Cuánto es 48 por 25?", [call("calculator", expression=has("48", "25"))]))
    add(("de", "Was ist 81 geteilt durch 9?", [call("calculator", expression=has("81", "9"))]))
    add(("fr", "Combien font 125 plus 375 ?", [call("calculator", expression=has("125", "375"))]))

    # time_now
    places = [
        ("Seoul", "서울", "Asia/Seoul"), ("Tokyo", "도쿄", "Asia/Tokyo"),
        ("London", "런던", "Europe/London"), ("New York", "뉴욕", "America/New_York"),
        ("Paris", "파리", "Europe/Paris"), ("Sydney", "시드니", "Australia/Sydney"),
    ]  # fmt: skip
    for en, ko, tz in places:
        add(("en", f"What time is it in {en}?", [call("time_now", timezone=eq(tz))]))
        add(("ko", f"{ko}은 지금 몇 시야?", [call("time_now", timezone=eq(tz))]))
    add(
        (
            "en",
            "What's the current UTC time?",
            [call("time_now", timezone={"any_of": ["UTC", "Etc/UTC"]})],
        )
    )
    add(("en", "What is today's date?", [call("time_now")]))
    add(
        (
            "en",
            "Tell me the time in Los Angeles right now.",
            [call("time_now", timezone=eq("America/Los_Angeles"))],
        )
    )
    add(("ko", "오늘 날짜가 뭐야?", [call("time_now")]))
    add(("ja", "東京は今何時ですか?", [call("time_now", timezone=eq("Asia/Tokyo"))]))
    add(("es", "¿Qué hora es en Madrid?", [call("time_now", timezone=eq("Europe/Madrid"))]))
    add(("de", "Wie spät ist es in Berlin?", [call("time_now", timezone=eq("Europe/Berlin"))]))

    # files
    for name in ["notes.txt", "report.md", "data/config.json", "todo.txt"]:
        add(("en", f"Read the file {name}.", [call("file_read", path={"endswith": name})]))
        add(("en", f"Show me what's in {name}", [call("file_read", path={"endswith": name})]))
    add(("ko", "notes.txt 파일 읽어줘", [call("file_read", path={"endswith": "notes.txt"})]))
    add(("ko", "report.md 내용 보여줘", [call("file_read", path={"endswith": "report.md"})]))
    add(("de", "Lies die Datei notes.txt.", [call("file_read", path={"endswith": "notes.txt"})]))
    for name, text in [
        ("hello.txt", "Hello, world"),
        ("todo.txt", "buy milk"),
        ("log.md", "done for today"),
    ]:
        add(("en", f"Write '{text}' to the file {name}.",
             [call("file_write", path={"endswith": name}, content=has(text))]))  # fmt: skip
        add(("en", f"Save the text \"{text}\" into {name}",
             [call("file_write", path={"endswith": name}, content=has(text))]))  # fmt: skip
    add(("ko", "hello.txt 파일에 '안녕하세요'라고 써줘",
         [call("file_write", path={"endswith": "hello.txt"}, content=has("안녕하세요"))]))  # fmt: skip
    add(("ko", "memo.txt에 '회의 3시'를 저장해줘",
         [call("file_write", path={"endswith": "memo.txt"}, content=has("회의 3시"))]))  # fmt: skip
    add(("es", "Escribe 'hola' en el archivo saludo.txt",
         [call("file_write", path={"endswith": "saludo.txt"}, content=has("hola"))]))  # fmt: skip
    add(("en", "List the files in the workspace.", [call("file_list")]))
    add(("en", "What files are in the data folder?", [call("file_list", path=has("data"))]))
    add(("en", "Show me the directory listing.", [call("file_list")]))
    add(("ko", "작업 폴더에 있는 파일 목록 보여줘", [call("file_list")]))
    add(("ko", "data 폴더에 무슨 파일이 있어?", [call("file_list", path=has("data"))]))
    add(("fr", "Liste les fichiers du dossier docs.", [call("file_list", path=has("docs"))]))

    # system
    for prompt, lang in [
        ("What operating system is this machine running?", "en"),
        ("How much memory does this computer have?", "en"),
        ("How many CPU cores are there on this server?", "en"),
        ("Show me the system information.", "en"),
        ("이 컴퓨터 시스템 정보 알려줘", "ko"),
        ("메모리가 얼마나 있어?", "ko"),
        ("Wie viele CPU-Kerne hat dieser Rechner?", "de"),
    ]:
        add((lang, prompt, [call("system_info")]))
    for prompt, lang, args in [
        ("List the running processes.", "en", {}),
        ("Which processes use the most memory?", "en", {"sort_by": eq("memory")}),
        ("Show the top 5 processes by CPU usage.", "en", {"sort_by": eq("cpu")}),
        ("Is there a python process running?", "en", {"name": has("python")}),
        ("실행 중인 프로세스 목록 보여줘", "ko", {}),
        ("메모리를 가장 많이 쓰는 프로세스는?", "ko", {"sort_by": eq("memory")}),
    ]:
        add((lang, prompt, [call("process_list", **args)]))
    for prompt, lang, var in [
        ("What is the value of the PATH environment variable?", "en", "PATH"),
        ("Show me the HOME environment variable.", "en", "HOME"),
        ("What's my LANG setting in the environment?", "en", "LANG"),
        ("Which shell is set in the SHELL environment variable?", "en", "SHELL"),
        ("PATH 환경 변수 값이 뭐야?", "ko", "PATH"),
        ("HOME 환경변수 보여줘", "ko", "HOME"),
    ]:
        add((lang, prompt, [call("environment", names=has(var))]))

    # statistics
    for values, _op, word in [
        ([3, 5, 7, 9, 11], "mean", "average"), ([2, 4, 4, 4, 5, 5, 7, 9], "stdev", "standard deviation"),
        ([10, 20, 30, 40], "median", "median"), ([1, 1, 2, 3, 5, 8], "mean", "mean"),
        ([4, 8, 15, 16, 23, 42], "median", "median"), ([12, 7, 3, 21], "max", "maximum"),
    ]:  # fmt: skip
        listed = ", ".join(map(str, values))
        add(("en", f"What is the {word} of {listed}?", [call("statistics", values=eq(values))]))
        add(
            (
                "en",
                f"Compute statistics for these numbers: {listed}",
                [call("statistics", values=eq(values))],
            )
        )
    add(("ko", "3, 5, 7, 9, 11의 평균을 구해줘", [call("statistics", values=eq([3, 5, 7, 9, 11]))]))
    add(("ko", "10, 20, 30, 40의 중앙값은?", [call("statistics", values=eq([10, 20, 30, 40]))]))
    add(
        (
            "ko",
            "2, 4, 4, 4, 5, 5, 7, 9의 표준편차 계산해줘",
            [call("statistics", values=eq([2, 4, 4, 4, 5, 5, 7, 9]))],
        )
    )
    add(("es", "¿Cuál es el promedio de 6, 8, 10?", [call("statistics", values=eq([6, 8, 10]))]))
    add(("fr", "Calcule la moyenne de 14, 16, 18.", [call("statistics", values=eq([14, 16, 18]))]))

    # json
    docs = [
        '{"name": "Ada", "age": 36}',
        '{"items": [1, 2, 3], "ok": true}',
        '[{"id": 1}, {"id": 2}]',
    ]
    for doc in docs:
        add(("en", f"Parse this JSON: {doc}", [call("json_parse", text=has(doc[:8]))]))
        add(("en", f"Is this valid JSON? {doc}", [call("json_parse", text=has(doc[:8]))]))
    add(
        (
            "ko",
            '이 JSON 파싱해줘: {"city": "서울", "pop": 9700000}',
            [call("json_parse", text=has("서울"))],
        )
    )
    add(
        ("ko", '이거 올바른 JSON이야? {"a": 1, "b": [2, 3]}', [call("json_parse", text=has('"b"'))])
    )
    for doc, query, word in [
        ('{"user": {"name": "Ada", "langs": ["en", "fr"]}}', "user.name", "the user's name"),
        ('{"orders": [{"id": 1, "total": 30}, {"id": 2, "total": 45}]}', "orders", "the order totals"),
        ('{"servers": [{"host": "a", "up": true}, {"host": "b", "up": false}]}', "servers", "the hosts that are up"),
    ]:  # fmt: skip
        add(("en", f"From this JSON {doc}, get {word} with a JMESPath query.",
             [call("json_query", data=has(doc[:10]), query=has(query.split(".")[0]))]))  # fmt: skip
        add(
            ("en", f"Query {doc} for {word}.", [call("json_query", query=has(query.split(".")[0]))])
        )
    add(("ko", '{"user": {"name": "민수"}} 에서 user.name 값을 JMESPath로 뽑아줘',
         [call("json_query", query=has("user"))]))  # fmt: skip

    # data_transform
    csv = "name,age\\nAda,36\\nBob,25"
    for prompt, lang in [
        (f"Sort this CSV by age: {csv}", "en"),
        (f"Convert this CSV to JSON: {csv}", "en"),
        (f"Filter this CSV to people older than 30: {csv}", "en"),
        (
            'Sort these records by price: [{"item": "pen", "price": 2}, {"item": "book", "price": 12}]',
            "en",
        ),
        (
            'Keep only the name field of each record: [{"name": "a", "x": 1}, {"name": "b", "x": 2}]',
            "en",
        ),
        (f"이 CSV를 나이순으로 정렬해줘: {csv}", "ko"),
        (f"이 CSV를 JSON으로 변환해줘: {csv}", "ko"),
    ]:
        add((lang, prompt, [call("data_transform", data=has("a"))]))

    # network
    for url in ["https://example.com/api/users", "https://api.github.com/repos/python/cpython",
                "https://httpbin.org/get"]:  # fmt: skip
        add(("en", f"Send a GET request to {url}", [call("api_request", url=eq(url))]))
        add(
            (
                "en",
                f"Call the API at {url} and show me the response.",
                [call("api_request", url=eq(url))],
            )
        )
    add(("en", 'POST {"name": "Ada"} to https://example.com/api/users',
         [call("api_request", url=eq("https://example.com/api/users"), method={"any_of": ["POST", "post"]})]))  # fmt: skip
    add(
        (
            "ko",
            "https://httpbin.org/get 에 GET 요청 보내줘",
            [call("api_request", url=eq("https://httpbin.org/get"))],
        )
    )
    for url in [
        "https://example.com",
        "https://en.wikipedia.org/wiki/Seoul",
        "https://news.ycombinator.com",
    ]:
        add(("en", f"Get the text of the web page {url}", [call("web_scrape", url=eq(url))]))
        add(("en", f"Summarise what's on {url}", [call("web_scrape", url=eq(url))]))
    add(
        (
            "ko",
            "https://example.com 웹페이지 내용 가져와줘",
            [call("web_scrape", url=eq("https://example.com"))],
        )
    )
    add(
        (
            "es",
            "Extrae el texto de la página https://example.com",
            [call("web_scrape", url=eq("https://example.com"))],
        )
    )

    # database
    for prompt, lang, parts in [
        (
            "How many users are in the database? Use SQL on the users table.",
            "en",
            ("select", "users"),
        ),
        ("Run this SQL: SELECT name FROM products WHERE price > 10", "en", ("select", "products")),
        ("Show all rows of the orders table.", "en", ("select", "orders")),
        ("Query the database for the 5 most recent orders.", "en", ("select", "orders")),
        ("List the tables in the SQLite database.", "en", ("select",)),
        ("users 테이블에 사용자가 몇 명 있어? SQL로 조회해줘", "ko", ("select", "users")),
        ("SELECT * FROM orders 실행해줘", "ko", ("select", "orders")),
    ]:
        add((lang, prompt, [call("database_query", sql=has(*parts))]))
    for prompt, lang, parts in [
        ("Create a table called notes with columns id and body.", "en", ("create", "notes")),
        ("Insert a user named Ada aged 36 into the users table.", "en", ("insert", "users")),
        ("Run this SQL: UPDATE products SET price = 12 WHERE id = 3", "en", ("update", "products")),
        ("Delete the order with id 7 from the orders table.", "en", ("delete", "orders")),
        ("notes 테이블을 만들어줘 (id, body 컬럼)", "ko", ("create", "notes")),
        ("users 테이블에 이름 민수, 나이 30 추가해줘", "ko", ("insert", "users")),
    ]:
        add((lang, prompt, [call("database_execute", sql=has(*parts))]))
    return cases


NO_TOOL = [
    ("en", "Hi! How are you today?"), ("en", "Thanks, that was helpful."),
    ("en", "Tell me a joke about cats."), ("en", "Who wrote Romeo and Juliet?"),
    ("en", "What is the capital of France?"), ("en", "Explain what photosynthesis is in one sentence."),
    ("en", "Write a haiku about autumn."), ("en", "What does HTTP stand for?"),
    ("en", "Give me three tips for better sleep."), ("en", "Who painted the Mona Lisa?"),
    ("en", "What is the difference between a list and a tuple in Python?"),
    ("en", "Translate 'good morning' into Spanish."), ("en", "Good night!"),
    ("en", "What is your name?"), ("en", "Recommend a good book about history."),
    ("en", "Why is the sky blue?"), ("en", "What's a synonym for happy?"),
    ("en", "How do I make a cup of tea?"), ("en", "Can you help me write a birthday message for my mom?"),
    ("en", "What is the largest planet in our solar system?"), ("en", "Summarise the plot of Cinderella."),
    ("en", "What language is spoken in Brazil?"), ("en", "I feel a bit tired today."),
    ("en", "What is machine learning?"), ("en", "Say hello in Korean."),
    ("ko", "안녕하세요! 반가워요."), ("ko", "고마워요, 도움이 됐어요."),
    ("ko", "고양이에 관한 농담 하나 해줘."), ("ko", "프랑스의 수도는 어디야?"),
    ("ko", "광합성이 뭔지 한 문장으로 설명해줘."), ("ko", "가을에 대한 짧은 시를 써줘."),
    ("ko", "잠을 잘 자는 방법 세 가지 알려줘."), ("ko", "모나리자를 그린 사람은 누구야?"),
    ("ko", "오늘 기분이 좀 우울해."), ("ko", "너는 누구야?"),
    ("ko", "하늘은 왜 파란색이야?"), ("ko", "좋은 역사책 추천해줘."),
    ("ko", "머신러닝이 뭐야?"), ("ko", "생일 축하 메시지 써줘."),
    ("ja", "こんにちは、元気ですか?"), ("ja", "日本の首都はどこですか?"),
    ("es", "¡Hola! ¿Cómo estás?"), ("es", "¿Quién escribió Don Quijote?"),
    ("de", "Guten Morgen! Wie geht's?"), ("de", "Was ist die Hauptstadt von Deutschland?"),
    ("fr", "Bonjour, comment ça va ?"), ("fr", "Qui a écrit Les Misérables ?"),
    ("en", "Is it better to learn Python or JavaScript first?"),
    ("en", "What's the opposite of 'ancient'?"), ("en", "Describe a sunset in two sentences."),
    ("en", "Can you explain recursion like I'm five?"), ("en", "What are the primary colours?"),
    ("en", "Write a limerick about a programmer."), ("en", "How many continents are there?"),
    ("en", "What's the best way to learn a new language?"), ("en", "Who was Albert Einstein?"),
    ("en", "Suggest a name for my new puppy."), ("en", "What is the boiling point of water in Celsius?"),
    ("en", "Okay, bye for now."), ("en", "Please rephrase: 'the meeting got moved'."),
    ("ko", "세종대왕은 어떤 사람이야?"), ("ko", "김치찌개 만드는 법 알려줘."),
    ("ko", "영어 공부 잘하는 방법 있어?"), ("ko", "강아지 이름 추천해줘."),
    ("ko", "잘 자요!"), ("ko", "재귀 함수가 뭔지 쉽게 설명해줘."),
    ("ja", "ありがとうございます。"), ("es", "Cuéntame un chiste."),
    ("de", "Erzähl mir einen Witz."), ("fr", "Quelle est la couleur du ciel ?"),
]  # fmt: skip

WRAPPERS = ("Could you help me with this? {p}", "Quick question: {p}", "Hey, {p}")


def multi_cases() -> list[tuple[str, str, list[dict[str, Any]]]]:
    seoul = call("time_now", timezone=eq("Asia/Seoul"))
    tokyo = call("time_now", timezone=eq("Asia/Tokyo"))
    london = call("time_now", timezone=eq("Europe/London"))
    mul = call("calculator", expression=has("23", "19"))
    add_ = call("calculator", expression=has("987", "654"))
    return [
        ("en", "What is 23*19, and what time is it in Seoul?", [mul, seoul]),
        ("en", "What time is it in Tokyo and in London?", [tokyo, london]),
        ("en", "Calculate 987+654 and also tell me the time in Tokyo.", [add_, tokyo]),
        ("en", "What is 23*19 and what is 987+654?", [mul, add_]),
        ("en", "Read notes.txt and list the files in the workspace.",
         [call("file_read", path={"endswith": "notes.txt"}), call("file_list")]),
        ("en", "Show me the system information and the running processes.",
         [call("system_info"), call("process_list")]),
        ("en", "What's the average of 3, 5, 7 and what is 23*19?",
         [call("statistics", values=eq([3, 5, 7])), mul]),
        ("en", "Tell me the time in Seoul, then compute 987+654.", [seoul, add_]),
        ("en", "Get the page https://example.com and also call the API at https://httpbin.org/get",
         [call("web_scrape", url=eq("https://example.com")), call("api_request", url=eq("https://httpbin.org/get"))]),
        ("en", "Write 'hello' to hello.txt and read notes.txt.",
         [call("file_write", path={"endswith": "hello.txt"}, content=has("hello")),
          call("file_read", path={"endswith": "notes.txt"})]),
        ("en", "Show the PATH environment variable and the system info.",
         [call("environment", names=has("PATH")), call("system_info")]),
        ("en", "How many users are in the users table, and what time is it in London?",
         [call("database_query", sql=has("select", "users")), london]),
        ("en", "What time is it in Seoul, Tokyo and London?", [seoul, tokyo, london]),
        ("en", "Compute 23*19, 987+654 and the time in Seoul.", [mul, add_, seoul]),
        ("en", "Calculate 144/12 and give me the median of 10, 20, 30, 40.",
         [call("calculator", expression=has("144", "12")), call("statistics", values=eq([10, 20, 30, 40]))]),
        ("ko", "23 곱하기 19는 얼마고, 서울은 지금 몇 시야?", [mul, seoul]),
        ("ko", "도쿄랑 런던은 지금 몇 시야?", [tokyo, london]),
        ("ko", "987 더하기 654 계산하고 도쿄 시간도 알려줘", [add_, tokyo]),
        ("ko", "notes.txt 읽고 파일 목록도 보여줘",
         [call("file_read", path={"endswith": "notes.txt"}), call("file_list")]),
        ("ko", "시스템 정보랑 실행 중인 프로세스 보여줘", [call("system_info"), call("process_list")]),
        ("ko", "3, 5, 7의 평균이랑 23 곱하기 19 알려줘", [call("statistics", values=eq([3, 5, 7])), mul]),
        ("ko", "서울, 도쿄, 런던 지금 몇 시야?", [seoul, tokyo, london]),
        ("ko", "users 테이블 사용자 수 조회하고 서울 시간 알려줘",
         [call("database_query", sql=has("select", "users")), seoul]),
        ("ko", "PATH 환경 변수랑 시스템 정보 보여줘", [call("environment", names=has("PATH")), call("system_info")]),
        ("ja", "23かける19と、東京の今の時刻を教えて", [mul, tokyo]),
        ("es", "¿Qué hora es en Tokio y en Londres?", [tokyo, london]),
        ("de", "Berechne 23*19 und sag mir die Uhrzeit in Seoul.", [mul, seoul]),
        ("fr", "Calcule 987+654 et donne l'heure à Tokyo.", [add_, tokyo]),
        ("en", "Run SELECT * FROM orders and also list the running processes.",
         [call("database_query", sql=has("select", "orders")), call("process_list")]),
        ("en", "What is 1000-337, and what's the time in New York?",
         [call("calculator", expression=has("1000", "337")), call("time_now", timezone=eq("America/New_York"))]),
    ]  # fmt: skip


def build() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    singles = tool_cases()
    # The same requests as people also open them: every other English one again, wrapped.
    english = [c for c in singles if c[0] == "en"][::2]
    singles += [
        (lang, WRAPPERS[i % len(WRAPPERS)].format(p=prompt), expected)
        for i, (lang, prompt, expected) in enumerate(english)
    ]
    for index, (lang, prompt, expected) in enumerate(singles):
        rows.append({"id": f"tool-{index:03d}", "category": "tool", "lang": lang, "prompt": prompt, "expected": expected})  # fmt: skip
    for index, (lang, prompt) in enumerate(NO_TOOL):
        rows.append({"id": f"none-{index:03d}", "category": "no_tool", "lang": lang, "prompt": prompt, "expected": []})  # fmt: skip
    for index, (lang, prompt, expected) in enumerate(multi_cases()):
        rows.append({"id": f"multi-{index:03d}", "category": "multi", "lang": lang, "prompt": prompt, "expected": expected})  # fmt: skip
    return rows


def load_own_set(path: Path = OWN_SET) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main() -> None:
    rows = build()
    with OWN_SET.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} cases to {OWN_SET}")


if __name__ == "__main__":
    main()
