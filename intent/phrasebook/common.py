"""Slot values that do not depend on the language: places, files, URLs, JSON, SQL, names.

Places carry their name in every supported language (en, ko, ja, zh, es, fr, de, pt) and the IANA
zone a request about them means.
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("en", "ko", "ja", "zh", "es", "fr", "de", "pt")

# (IANA zone, names in LANGS order).
PLACES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Asia/Seoul", ("Seoul", "서울", "ソウル", "首尔", "Seúl", "Séoul", "Seoul", "Seul")),
    ("Asia/Seoul", ("Busan", "부산", "釜山", "釜山", "Busan", "Busan", "Busan", "Busan")),
    ("Asia/Tokyo", ("Tokyo", "도쿄", "東京", "东京", "Tokio", "Tokyo", "Tokio", "Tóquio")),
    ("Asia/Tokyo", ("Osaka", "오사카", "大阪", "大阪", "Osaka", "Osaka", "Osaka", "Osaka")),
    ("Asia/Shanghai", ("Beijing", "베이징", "北京", "北京", "Pekín", "Pékin", "Peking", "Pequim")),
    (
        "Asia/Shanghai",
        ("Shanghai", "상하이", "上海", "上海", "Shanghái", "Shanghai", "Shanghai", "Xangai"),
    ),
    (
        "Asia/Hong_Kong",
        ("Hong Kong", "홍콩", "香港", "香港", "Hong Kong", "Hong Kong", "Hongkong", "Hong Kong"),
    ),
    ("Asia/Taipei", ("Taipei", "타이베이", "台北", "台北", "Taipéi", "Taipei", "Taipeh", "Taipé")),
    (
        "Asia/Singapore",
        (
            "Singapore",
            "싱가포르",
            "シンガポール",
            "新加坡",
            "Singapur",
            "Singapour",
            "Singapur",
            "Singapura",
        ),
    ),
    (
        "Asia/Bangkok",
        ("Bangkok", "방콕", "バンコク", "曼谷", "Bangkok", "Bangkok", "Bangkok", "Banguecoque"),
    ),
    (
        "Asia/Kolkata",
        ("Mumbai", "뭄바이", "ムンバイ", "孟买", "Bombay", "Bombay", "Mumbai", "Mumbai"),
    ),
    (
        "Asia/Kolkata",
        (
            "New Delhi",
            "뉴델리",
            "ニューデリー",
            "新德里",
            "Nueva Delhi",
            "New Delhi",
            "Neu-Delhi",
            "Nova Délhi",
        ),
    ),
    ("Asia/Dubai", ("Dubai", "두바이", "ドバイ", "迪拜", "Dubái", "Dubaï", "Dubai", "Dubai")),
    (
        "Europe/Moscow",
        ("Moscow", "모스크바", "モスクワ", "莫斯科", "Moscú", "Moscou", "Moskau", "Moscou"),
    ),
    (
        "Europe/Istanbul",
        (
            "Istanbul",
            "이스탄불",
            "イスタンブール",
            "伊斯坦布尔",
            "Estambul",
            "Istanbul",
            "Istanbul",
            "Istambul",
        ),
    ),
    (
        "Europe/London",
        ("London", "런던", "ロンドン", "伦敦", "Londres", "Londres", "London", "Londres"),
    ),
    ("Europe/Paris", ("Paris", "파리", "パリ", "巴黎", "París", "Paris", "Paris", "Paris")),
    (
        "Europe/Berlin",
        ("Berlin", "베를린", "ベルリン", "柏林", "Berlín", "Berlin", "Berlin", "Berlim"),
    ),
    (
        "Europe/Berlin",
        ("Munich", "뮌헨", "ミュンヘン", "慕尼黑", "Múnich", "Munich", "München", "Munique"),
    ),
    (
        "Europe/Madrid",
        ("Madrid", "마드리드", "マドリード", "马德里", "Madrid", "Madrid", "Madrid", "Madri"),
    ),
    (
        "Europe/Madrid",
        (
            "Barcelona",
            "바르셀로나",
            "バルセロナ",
            "巴塞罗那",
            "Barcelona",
            "Barcelone",
            "Barcelona",
            "Barcelona",
        ),
    ),
    (
        "Europe/Lisbon",
        ("Lisbon", "리스본", "リスボン", "里斯本", "Lisboa", "Lisbonne", "Lissabon", "Lisboa"),
    ),
    ("Europe/Lisbon", ("Porto", "포르투", "ポルト", "波尔图", "Oporto", "Porto", "Porto", "Porto")),
    ("Europe/Rome", ("Rome", "로마", "ローマ", "罗马", "Roma", "Rome", "Rom", "Roma")),
    ("Europe/Vienna", ("Vienna", "빈", "ウィーン", "维也纳", "Viena", "Vienne", "Wien", "Viena")),
    (
        "Europe/Zurich",
        ("Zurich", "취리히", "チューリッヒ", "苏黎世", "Zúrich", "Zurich", "Zürich", "Zurique"),
    ),
    (
        "Europe/Amsterdam",
        (
            "Amsterdam",
            "암스테르담",
            "アムステルダム",
            "阿姆斯特丹",
            "Ámsterdam",
            "Amsterdam",
            "Amsterdam",
            "Amesterdão",
        ),
    ),
    (
        "Europe/Brussels",
        (
            "Brussels",
            "브뤼셀",
            "ブリュッセル",
            "布鲁塞尔",
            "Bruselas",
            "Bruxelles",
            "Brüssel",
            "Bruxelas",
        ),
    ),
    (
        "Europe/Athens",
        ("Athens", "아테네", "アテネ", "雅典", "Atenas", "Athènes", "Athen", "Atenas"),
    ),
    (
        "Africa/Cairo",
        ("Cairo", "카이로", "カイロ", "开罗", "El Cairo", "Le Caire", "Kairo", "Cairo"),
    ),
    (
        "Africa/Johannesburg",
        (
            "Johannesburg",
            "요하네스버그",
            "ヨハネスブルグ",
            "约翰内斯堡",
            "Johannesburgo",
            "Johannesburg",
            "Johannesburg",
            "Joanesburgo",
        ),
    ),
    (
        "America/New_York",
        (
            "New York",
            "뉴욕",
            "ニューヨーク",
            "纽约",
            "Nueva York",
            "New York",
            "New York",
            "Nova York",
        ),
    ),
    (
        "America/Los_Angeles",
        (
            "Los Angeles",
            "로스앤젤레스",
            "ロサンゼルス",
            "洛杉矶",
            "Los Ángeles",
            "Los Angeles",
            "Los Angeles",
            "Los Angeles",
        ),
    ),
    (
        "America/Los_Angeles",
        (
            "San Francisco",
            "샌프란시스코",
            "サンフランシスコ",
            "旧金山",
            "San Francisco",
            "San Francisco",
            "San Francisco",
            "São Francisco",
        ),
    ),
    (
        "America/Chicago",
        ("Chicago", "시카고", "シカゴ", "芝加哥", "Chicago", "Chicago", "Chicago", "Chicago"),
    ),
    (
        "America/Toronto",
        ("Toronto", "토론토", "トロント", "多伦多", "Toronto", "Toronto", "Toronto", "Toronto"),
    ),
    (
        "America/Vancouver",
        (
            "Vancouver",
            "밴쿠버",
            "バンクーバー",
            "温哥华",
            "Vancouver",
            "Vancouver",
            "Vancouver",
            "Vancouver",
        ),
    ),
    (
        "America/Mexico_City",
        (
            "Mexico City",
            "멕시코시티",
            "メキシコシティ",
            "墨西哥城",
            "Ciudad de México",
            "Mexico",
            "Mexiko-Stadt",
            "Cidade do México",
        ),
    ),
    (
        "America/Sao_Paulo",
        (
            "São Paulo",
            "상파울루",
            "サンパウロ",
            "圣保罗",
            "São Paulo",
            "São Paulo",
            "São Paulo",
            "São Paulo",
        ),
    ),
    (
        "America/Sao_Paulo",
        (
            "Rio de Janeiro",
            "리우데자네이루",
            "リオデジャネイロ",
            "里约热内卢",
            "Río de Janeiro",
            "Rio de Janeiro",
            "Rio de Janeiro",
            "Rio de Janeiro",
        ),
    ),
    (
        "America/Argentina/Buenos_Aires",
        (
            "Buenos Aires",
            "부에노스아이레스",
            "ブエノスアイレス",
            "布宜诺斯艾利斯",
            "Buenos Aires",
            "Buenos Aires",
            "Buenos Aires",
            "Buenos Aires",
        ),
    ),
    ("America/Lima", ("Lima", "리마", "リマ", "利马", "Lima", "Lima", "Lima", "Lima")),
    (
        "America/Bogota",
        ("Bogotá", "보고타", "ボゴタ", "波哥大", "Bogotá", "Bogota", "Bogotá", "Bogotá"),
    ),
    (
        "America/Santiago",
        (
            "Santiago",
            "산티아고",
            "サンティアゴ",
            "圣地亚哥",
            "Santiago de Chile",
            "Santiago",
            "Santiago de Chile",
            "Santiago",
        ),
    ),
    (
        "Australia/Sydney",
        ("Sydney", "시드니", "シドニー", "悉尼", "Sídney", "Sydney", "Sydney", "Sydney"),
    ),
    (
        "Pacific/Auckland",
        (
            "Auckland",
            "오클랜드",
            "オークランド",
            "奥克兰",
            "Auckland",
            "Auckland",
            "Auckland",
            "Auckland",
        ),
    ),
    (
        "Pacific/Honolulu",
        (
            "Honolulu",
            "호놀룰루",
            "ホノルル",
            "檀香山",
            "Honolulu",
            "Honolulu",
            "Honolulu",
            "Honolulu",
        ),
    ),
    ("Asia/Tokyo", ("Japan", "일본", "日本", "日本", "Japón", "Japon", "Japan", "Japão")),
    ("Asia/Seoul", ("Korea", "한국", "韓国", "韩国", "Corea", "Corée", "Korea", "Coreia")),
    (
        "America/Sao_Paulo",
        ("Brazil", "브라질", "ブラジル", "巴西", "Brasil", "Brésil", "Brasilien", "Brasil"),
    ),
    (
        "Europe/Berlin",
        ("Germany", "독일", "ドイツ", "德国", "Alemania", "Allemagne", "Deutschland", "Alemanha"),
    ),
    (
        "Europe/Paris",
        ("France", "프랑스", "フランス", "法国", "Francia", "France", "Frankreich", "França"),
    ),
    (
        "Europe/Madrid",
        ("Spain", "스페인", "スペイン", "西班牙", "España", "Espagne", "Spanien", "Espanha"),
    ),
    ("Asia/Shanghai", ("China", "중국", "中国", "中国", "China", "Chine", "China", "China")),
    ("UTC", ("UTC", "UTC", "UTC", "UTC", "UTC", "UTC", "UTC", "UTC")),
)

FILES: tuple[str, ...] = (
    "todo.md",
    "notes.txt",
    "README.md",
    "report.csv",
    "config.yaml",
    "data/sales.csv",
    "src/main.py",
    "logs/app.log",
    "meeting-notes.txt",
    "shopping_list.txt",
    "draft.md",
    "settings.json",
    "docs/intro.md",
    "ideas.txt",
    "budget.xlsx",
    "letter.txt",
    "index.html",
    "requirements.txt",
    "notes/2024-05-01.md",
    "diary.txt",
    "recipes/pancakes.md",
    "memo.txt",
    "changelog.md",
    "plan.txt",
    "contacts.csv",
    "tasks.json",
    "poem.txt",
    "story.md",
    "メモ.txt",
    "笔记.md",
    "메모.txt",
    "notas.txt",
    "rapport.txt",
    "bericht.md",
    "lista.txt",
)

FOLDERS: tuple[str, ...] = (
    "docs",
    "src",
    "data",
    "logs",
    "notes",
    "images",
    "reports",
    "downloads",
    "projects",
    "backup",
    "tests",
    "notes/2024",
    "src/utils",
    "assets",
    "archive",
    "tmp",
    "music",
    "photos",
)

URLS_API: tuple[str, ...] = (
    "https://api.github.com/repos/python/cpython",
    "https://httpbin.org/get",
    "https://jsonplaceholder.typicode.com/todos/1",
    "https://api.example.com/v1/users/42",
    "https://api.open-meteo.com/v1/forecast?latitude=52.52&longitude=13.41",
    "https://httpbin.org/post",
    "https://api.coindesk.com/v1/bpi/currentprice.json",
    "https://reqres.in/api/users?page=2",
    "http://localhost:8080/api/health",
    "https://api.example.org/orders",
    "https://dummyjson.com/products/1",
    "https://api.agify.io?name=michael",
    "https://catfact.ninja/fact",
    "https://api.ipify.org?format=json",
    "https://pokeapi.co/api/v2/pokemon/ditto",
    "https://api.spacexdata.com/v4/launches/latest",
)

URLS_PAGE: tuple[str, ...] = (
    "https://en.wikipedia.org/wiki/Seoul",
    "https://news.ycombinator.com",
    "https://www.python.org/about/",
    "https://example.com",
    "https://blog.example.org/post/42",
    "https://www.bbc.com/news",
    "https://docs.python.org/3/tutorial/index.html",
    "https://www.gutenberg.org/ebooks/1342",
    "https://de.wikipedia.org/wiki/Berlin",
    "https://fr.wikipedia.org/wiki/Paris",
    "https://www.lemonde.fr",
    "https://ja.wikipedia.org/wiki/東京",
    "https://www.nytimes.com/section/technology",
    "https://github.com/langchain-ai/langgraph",
    "https://www.rust-lang.org",
    "example.org",
    "https://medium.com/@someone/my-first-post",
    "https://stackoverflow.com/questions/11227809",
)

METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")

JSON_DOCS: tuple[str, ...] = (
    '{"name": "Ana", "age": 31}',
    '{"user": {"id": 7, "name": "Kim", "tags": ["admin", "dev"]}}',
    "[1, 2, 3, 4]",
    '{"items": [{"id": 1, "price": 9.5}, {"id": 2, "price": 3}]}',
    '{"city": "Lisboa", "temp": 21.5, "sunny": true}',
    '{"people": [{"name": "Bo", "age": 40}, {"name": "Cy", "age": 25}]}',
    '{"ok": true, "count": 3}',
    '{"a": {"b": {"c": [1, 2]}}}',
    '{"title": "Dune", "author": "Herbert", "year": 1965}',
    '{"name": "Léa", age: 29}',
    "{'id': 5, 'status': 'open'}",
    '{"orders": [{"id": 11, "total": 30}, {"id": 12, "total": 45}], "currency": "EUR"}',
    '[{"name": "x", "price": 2}, {"name": "y", "price": 5}]',
    '{"config": {"debug": false, "port": 8080}}',
    '{"lang": "ko", "greeting": "안녕"}',
    '{"product": "カメラ", "stock": 12}',
    '{"empty": null, "list": []}',
    '{"version": "1.2.3", "deps": {"numpy": ">=1.26"}}',
)

# (JSON text, a key in it, a JMESPath that means something in it).
JSON_QUERIES: tuple[tuple[str, str, str], ...] = (
    (
        '{"people": [{"name": "Bo", "age": 40}, {"name": "Cy", "age": 25}]}',
        "name",
        "people[?age > `30`].name",
    ),
    ('{"items": [{"id": 1, "price": 9.5}, {"id": 2, "price": 3}]}', "price", "items[0].price"),
    ('{"user": {"id": 7, "name": "Kim", "tags": ["admin", "dev"]}}', "tags", "user.tags"),
    ('{"orders": [{"id": 11, "total": 30}, {"id": 12, "total": 45}]}', "total", "orders[*].total"),
    ('{"city": "Lisboa", "temp": 21.5}', "temp", "temp"),
    ('{"config": {"debug": false, "port": 8080}}', "port", "config.port"),
    (
        '{"books": [{"title": "Dune", "year": 1965}, {"title": "Emma", "year": 1815}]}',
        "title",
        "books[*].title",
    ),
    ('{"data": {"results": [{"score": 7}, {"score": 9}]}}', "score", "data.results[*].score"),
    ('{"team": {"lead": "Ana", "members": ["Bo", "Cy"]}}', "members", "team.members"),
    ('{"weather": {"today": {"max": 24, "min": 15}}}', "max", "weather.today.max"),
    ('[{"id": 1, "email": "a@x.io"}, {"id": 2, "email": "b@x.io"}]', "email", "[*].email"),
    ('{"product": {"name": "lamp", "price": 19.9, "stock": 4}}', "stock", "product.stock"),
)

# (records as JSON or CSV, their columns, a numeric column).
RECORDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        '[{"name": "apple", "price": 3}, {"name": "pear", "price": 2}, {"name": "kiwi", "price": 5}]',
        ("name", "price"),
        "price",
    ),
    (
        '[{"city": "Oslo", "pop": 700}, {"city": "Rome", "pop": 2800}, {"city": "Lima", "pop": 9700}]',
        ("city", "pop"),
        "pop",
    ),
    (
        '[{"item": "pen", "qty": 10, "cost": 1.5}, {"item": "ink", "qty": 2, "cost": 7}]',
        ("item", "qty", "cost"),
        "qty",
    ),
    (
        '[{"student": "Mia", "score": 88}, {"student": "Leo", "score": 72}, {"student": "Zoe", "score": 95}]',
        ("student", "score"),
        "score",
    ),
    (
        '[{"team": "red", "points": 4}, {"team": "blue", "points": 9}, {"team": "red", "points": 6}]',
        ("team", "points"),
        "points",
    ),
    (
        '[{"product": "tv", "stock": 3, "price": 400}, {"product": "radio", "stock": 12, "price": 30}]',
        ("product", "stock", "price"),
        "price",
    ),
    ("name,price\napple,3\npear,2\nkiwi,5", ("name", "price"), "price"),
    ("city,temp\nOslo,4\nCairo,31\nLima,19", ("city", "temp"), "temp"),
    ("id,amount,status\n1,30,paid\n2,45,open\n3,12,paid", ("id", "amount", "status"), "amount"),
    (
        "employee,dept,salary\nAna,ops,5200\nBo,dev,6100\nCy,dev,5800",
        ("employee", "dept", "salary"),
        "salary",
    ),
    ("title,year\nDune,1965\nEmma,1815\nUlysses,1922", ("title", "year"), "year"),
    ("country,population\nPeru,34\nChile,19\nBrazil,216", ("country", "population"), "population"),
)

TABLES: tuple[str, ...] = (
    "orders",
    "users",
    "people",
    "products",
    "employees",
    "books",
    "customers",
    "tasks",
    "invoices",
    "students",
    "movies",
    "cities",
    "notes",
    "events",
    "inventory",
    "payments",
)

COLUMNS: tuple[tuple[str, ...], ...] = (
    ("id", "item"),
    ("name", "age"),
    ("title", "author", "year"),
    ("id", "name", "price"),
    ("name", "email"),
    ("id", "total"),
    ("city", "country"),
    ("task", "done"),
    ("title", "rating"),
    ("sku", "qty"),
    ("first_name", "last_name"),
    ("date", "amount"),
)

SQL_SELECT: tuple[str, ...] = (
    "SELECT * FROM orders",
    "select name from users where age > 30",
    "SELECT COUNT(*) FROM products",
    "SELECT title, year FROM books ORDER BY year DESC LIMIT 5",
    "select * from customers where country = 'Peru'",
    "SELECT AVG(price) FROM products",
    "SELECT name FROM sqlite_master WHERE type='table'",
    "select id, total from invoices where total > 100",
    "SELECT city, COUNT(*) FROM people GROUP BY city",
    "WITH t AS (SELECT * FROM tasks WHERE done = 0) SELECT COUNT(*) FROM t",
    "SELECT MAX(salary) FROM employees",
    "select * from movies order by rating desc",
    "SELECT DISTINCT dept FROM employees",
    "select sum(amount) from payments",
)

SQL_EXEC: tuple[str, ...] = (
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)",
    "INSERT INTO users (name, age) VALUES ('Ana', 31)",
    "UPDATE products SET price = 10 WHERE id = 2",
    "DELETE FROM orders WHERE id = 5",
    "create table people (name text, age int)",
    "insert into tasks (task, done) values ('buy milk', 0)",
    "CREATE TABLE IF NOT EXISTS notes (id INTEGER, body TEXT)",
    "update employees set salary = salary * 1.1 where dept = 'dev'",
    "delete from customers where country = 'Atlantis'",
    "INSERT INTO books (title, author) VALUES ('Dune', 'Herbert')",
    "CREATE TABLE events (day TEXT, name TEXT)",
    "update tasks set done = 1 where id = 3",
    "INSERT INTO payments (date, amount) VALUES ('2024-05-01', 42.5)",
    "DELETE FROM events",
)

PERSON_NAMES: tuple[str, ...] = (
    "Ana",
    "Bo",
    "Kim",
    "Yuki",
    "Wei",
    "Lucía",
    "Chloé",
    "Jonas",
    "João",
    "Minji",
    "Sam",
    "Omar",
)

ENV_VARS: tuple[str, ...] = (
    "PATH",
    "HOME",
    "LANG",
    "TZ",
    "SHELL",
    "USER",
    "PYTHONPATH",
    "JAVA_HOME",
    "EDITOR",
    "TERM",
    "PWD",
    "LC_ALL",
    "HOSTNAME",
    "VIRTUAL_ENV",
    "TMPDIR",
    "GOPATH",
)

PROCESSES: tuple[str, ...] = (
    "python",
    "chrome",
    "postgres",
    "nginx",
    "node",
    "java",
    "firefox",
    "docker",
    "redis-server",
    "code",
    "slack",
    "zoom",
    "sshd",
    "mysqld",
    "spotify",
    "ollama",
)


# Argument templates the language modules attach to templates whose arguments are implied, each a
# format string over the raw slot values.
def calc(expression: str) -> dict[str, dict[str, str]]:
    """The calculator call a template implies."""
    return {"calculator": {"expression": expression}}


ADD = calc("{a}+{b}")
SUB = calc("{a}-{b}")
MUL = calc("{a}*{b}")
DIV = calc("{a}/{b}")
SQRT = calc("sqrt({n})")
PCT = calc("{p}/100*{n}")
SQUARE = calc("{b}**2")
FACT = calc("factorial({small})")
SELECT_ALL = {"database_query": {"sql": "SELECT * FROM {table}"}}
COUNT_ALL = {"database_query": {"sql": "SELECT COUNT(*) FROM {table}"}}
CREATE = {"database_execute": {"sql": "CREATE TABLE {table} ({cols})"}}
DELETE_ALL = {"database_execute": {"sql": "DELETE FROM {table}"}}
APPEND = {"file_write": {"mode": "append"}}
POST = {"api_request": {"method": "POST"}}


def merge(*parts: dict[str, dict[str, list[object]]]) -> dict[str, dict[str, list[object]]]:
    """Join family dicts (label key -> family name -> templates); a family may not repeat."""
    out: dict[str, dict[str, list[object]]] = {}
    for part in parts:
        for key, named in part.items():
            target = out.setdefault(key, {})
            for name, templates in named.items():
                if name in target:
                    raise ValueError(f"family {key}.{name} defined twice")
                target[name] = templates
    return out
