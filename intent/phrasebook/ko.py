"""Korean phrasings: each family is one way of asking, with its paraphrases."""

from __future__ import annotations

from typing import Any

from intent.phrasebook.common import (
    ADD,
    APPEND,
    COUNT_ALL,
    CREATE,
    DELETE_ALL,
    DIV,
    FACT,
    MUL,
    PCT,
    POST,
    SELECT_ALL,
    SQRT,
    SQUARE,
    SUB,
    merge,
)  # fmt: skip

LEXICON: dict[str, Any] = {
    "ops": {
        "+": ["{a} 더하기 {b}", "{a} 플러스 {b}", "{a}+{b}"],
        "-": ["{a} 빼기 {b}", "{a} 마이너스 {b}"],
        "*": ["{a} 곱하기 {b}", "{a}곱하기{b}", "{a} x {b}"],
        "/": ["{a} 나누기 {b}", "{a}나누기{b}"],
    },
    "numbers": ["일", "이", "삼", "사", "오", "육", "칠", "팔", "구", "십", "십일", "십이"],
    "and": " 및 ",
    "content": [
        "우유 사기",
        "엄마한테 6시에 전화",
        "회의 금요일로 변경",
        "안녕 세상",
        "화분에 물 주기",
        "와이파이 비번은 냉장고에",
        "로그인 버그 고치기",
        "3시에 애들 데리러 가기",
        "분기 보고서 초안 작성",
        "파티 아이디어",
        "화요일 치과",
        "월세 내기",
        "4장 끝내기",
        "리스본 항공권 예약",
    ],
    "subject": [
        "계산기",
        "JSON",
        "SQL 인젝션",
        "API",
        "웹 스크래핑",
        "환경 변수",
        "시간대",
        "서머타임",
        "데이터베이스",
        "CSV 파일",
        "표준편차",
        "중앙값",
        "운영체제",
        "리눅스 프로세스",
        "램",
        "CPU",
        "REST API",
        "HTML",
        "스프레드시트",
        "파일 시스템",
        "머신러닝",
        "피타고라스 정리",
        "대수학",
        "그리니치 표준시",
        "HTTP 프로토콜",
        "SQL",
        "JMESPath",
        "텍스트 파일",
    ],
}

_FIRST: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "q_symbols": [
            "{expr}는 얼마야?",
            "{expr} 얼마예요?",
            "{expr}은 뭐야?",
            "{expr} 값이 뭐지?",
            "{expr}의 결과는?",
        ],
        "imperative": [
            "{expr} 계산해줘",
            "{expr} 계산해 주세요",
            "{expr} 좀 계산해줄래?",
            "{expr} 풀어줘",
            "{expr} 값 구해줘",
        ],
        "words": [
            "{calc_words}는?",
            "{calc_words}는 얼마야?",
            "{calc_words} 하면 몇이야?",
            "{calc_words} 몇이에요?",
        ],
        "terse": ["{expr} =", "{expr}=?", "{expr} ?", "{expr} ㄱㄱ", "계산: {expr}"],
        "verbs": [
            ("{a}에 {b}를 곱하면?", MUL),
            ("{a}와 {b}를 더하면 얼마야?", ADD),
            ("{a}에서 {b}를 빼면?", SUB),
            ("{a}를 {b}로 나누면?", DIV),
            ("{a}랑 {b} 더한 값 알려줘", ADD),
            ("{a}하고 {b} 곱한 거 얼마야", MUL),
        ],
        "special": [
            ("{n}의 제곱근은?", SQRT),
            ("{n}의 {p}%는 얼마야?", PCT),
            ("{b}의 제곱은?", SQUARE),
            ("{small} 팩토리얼 계산해줘", FACT),
            ("{n}원의 {p}퍼센트는?", PCT),
        ],
    },
    "time_now": {
        "q_time_in": [
            "{city} 지금 몇 시야?",
            "지금 {city} 몇 시예요?",
            "{city} 시간 지금 몇 시지?",
            "{city}에서는 지금 몇 시인가요?",
            "{city} 몇시임?",
        ],
        "current": [
            "{city} 현재 시간",
            "{city} 현재 시각 알려줘",
            "지금 {city} 시간 좀 알려줄래?",
            "{city}의 현지 시간은?",
            "{city} 시간 알려줘",
        ],
        "date": [
            "오늘 며칠이야?",
            "오늘 날짜 알려줘",
            "오늘 무슨 요일이야?",
            "{city} 오늘 날짜가 어떻게 돼?",
            "지금 {city} 무슨 요일이야?",
        ],
        "casual": [
            "{city} 지금 아침이야?",
            "{city}에 있는 친구 지금 자고 있을까? 거기 몇 시야",
            "{city} 지금 밤이야?",
            "{city} 시간 좀",
            "{city} 몇 시인지 궁금해",
        ],
        "bare": ["지금 몇 시야?", "몇 시예요?", "지금 몇시", "현재 시각은?", "지금 시간 좀 알려줘"],
    },
    "file_read": {
        "open_show": [
            "{file} 열어줘",
            "{file} 보여줘",
            "{file} 내용 보여줘",
            "{file} 파일 열어봐",
            "{file} 좀 띄워줘",
        ],
        "read": [
            "{file} 읽어줘",
            "{file} 파일 읽어 주세요",
            "{file} 내용 읽어줄래?",
            "{file} 읽어봐",
            "cat {file}",
        ],
        "question": [
            "{file}에 뭐라고 써 있어?",
            "{file} 안에 뭐가 있어?",
            "{file} 내용이 뭐야?",
            "{file}에 뭐 적혀 있지?",
            "{file}에는 무슨 내용이 있나요?",
        ],
        "casual": [
            "{file} 내용 좀",
            "{file} 좀 볼 수 있을까?",
            "{file} 확인해줘",
            "{file} 텍스트 가져와줘",
            "{file} 한번 까봐",
        ],
    },
    "file_write": {
        "write_to": [
            '{file}에 "{content}" 써줘',
            "{file}에 {content}라고 적어줘",
            '"{content}"를 {file}에 저장해줘',
            "{file} 파일에 {content} 저장",
        ],
        "create": [
            '"{content}" 내용으로 {file} 파일 만들어줘',
            "{file} 파일을 새로 만들고 {content}라고 써줘",
            "새 파일 {file}: {content}",
            '{file} 생성해서 "{content}" 넣어줘',
        ],
        "append": [
            ('{file} 끝에 "{content}" 추가해줘', APPEND),
            ("{file}에 {content} 한 줄 덧붙여줘", APPEND),
            ('"{content}"를 {file}에 이어서 써줘', APPEND),
        ],
        "note": [
            "{file}에 메모해줘: {content}",
            '"{content}" {file}에 메모',
            "{file}에 {content}라고 기록해 둬",
            "이거 {file}에 저장해: {content}",
        ],
    },
    "file_list": {
        "list": [
            "{folder} 폴더의 파일 목록 보여줘",
            "{folder} 안의 파일 나열해줘",
            "{folder} 디렉토리 파일 리스트",
            "{folder}에 있는 파일들 보여줘",
        ],
        "question": [
            "{folder} 폴더에 뭐 있어?",
            "{folder}에 어떤 파일이 있어?",
            "{folder} 디렉터리에는 뭐가 들어 있나요?",
            "{folder}에 파일 몇 개 있어?",
        ],
        "terse": [
            "ls {folder}",
            "ls -la {folder}",
            "{folder} 폴더 내용",
            "{folder} 파일들?",
            "dir {folder}",
        ],
        "workspace": [
            "내 파일 목록 보여줘",
            "작업 폴더에 뭐 있어?",
            "워크스페이스 파일 보여줘",
            "무슨 파일들 있어?",
            "파일 리스트 좀",
        ],
    },
    "system_info": {
        "os": [
            "이 컴퓨터 운영체제가 뭐야?",
            "이 서버 OS 뭐예요?",
            "지금 어떤 OS에서 돌아가?",
            "리눅스 버전이 뭐야?",
            "여기 맥이야 윈도우야 리눅스야?",
        ],
        "memory_disk": [
            "이 컴퓨터 램 몇 기가야?",
            "메모리 얼마나 남았어?",
            "디스크 공간 얼마나 남았어?",
            "디스크 꽉 찼어?",
            "저장 공간 여유 있어?",
        ],
        "specs": [
            "시스템 사양 알려줘",
            "시스템 정보 보여줘",
            "이 머신 하드웨어 정보",
            "CPU 코어 몇 개야?",
            "컴퓨터 스펙 좀",
        ],
        "python": [
            "여기 설치된 파이썬 버전이 뭐야?",
            "파이썬 버전 확인해줘",
            "이 머신 파이썬 몇 버전?",
        ],
    },
    "process_list": {
        "list": [
            "실행 중인 프로세스 보여줘",
            "프로세스 리스트 좀",
            "지금 실행되고 있는 프로그램들 알려줘",
            "ps aux",
            "모든 프로세스 나열해줘",
        ],
        "top": [
            "CPU 제일 많이 쓰는 게 뭐야?",
            "메모리 많이 먹는 프로세스 뭐야?",
            "메모리 사용량 상위 5개 프로세스",
            "뭐가 CPU를 잡아먹고 있어?",
            "제일 무거운 프로세스 보여줘",
        ],
        "is_running": [
            "{proc} 실행 중이야?",
            "{proc} 프로세스 있어?",
            "{proc} 돌아가고 있는지 확인해줘",
            "{proc} 프로세스 몇 개 떠 있어?",
            "{proc} 켜져 있어?",
        ],
    },
    "environment": {
        "show_var": [
            "{env} 환경 변수 보여줘",
            "{env} 값이 뭐야?",
            "{env} 어떻게 설정돼 있어?",
            "{env} 변수 값 알려줘",
            "${env} 값?",
        ],
        "list": [
            "환경 변수 목록 보여줘",
            "환경변수 전부 보여줘",
            "설정된 환경 변수 뭐 있어?",
            "env 전체 출력해줘",
            "환경 변수 좀",
        ],
        "terse": ["echo ${env}", "printenv {env}", "${env}?", "env {env}", "{env} 환경변수?"],
    },
    "statistics": {
        "mean": [
            "{nums}의 평균은?",
            "{nums} 평균 구해줘",
            "이 숫자들 평균 알려줘: {nums}",
            "평균: {nums}",
        ],
        "multi_stats": [
            "{nums}의 평균, 중앙값, 표준편차 알려줘",
            "{nums} 통계 내줘",
            "다음 숫자들 요약 통계: {nums}",
            "{nums} 기술통계 보여줘",
            "{nums} 최솟값 최댓값 평균",
        ],
        "spread": [
            "{nums}의 표준편차는?",
            "{nums} 분산 구해줘",
            "{nums} 중앙값?",
            "중앙값 알려줘: {nums}",
            "{nums}의 사분위수",
        ],
        "casual": [
            "내 시험 점수가 {nums}인데 평균 몇이야?",
            "이번 주에 {nums} km 뛰었어, 하루 평균은?",
            "매출이 {nums}였는데 중앙값은?",
            "하루 걸음 수: {nums}. 평균 좀",
        ],
    },
    "json_parse": {
        "valid": [
            "이거 유효한 JSON이야? {json}",
            "이 JSON 맞는지 확인해줘: {json}",
            "json 유효성 검사: {json}",
            "{json} 파싱 되나?",
        ],
        "pretty": [
            "이 JSON 예쁘게 출력해줘: {json}",
            "{json} 보기 좋게 정렬해줘",
            "json 포맷팅 해줘 {json}",
            "{json} 들여쓰기 해서 보여줘",
        ],
        "parse": [
            "이 JSON 파싱해줘: {json}",
            "{json} 파싱",
            "json 파싱 {json}",
            "이 JSON 구조 알려줘: {json}",
        ],
    },
    "json_query": {
        "get": [
            "{jdoc}에서 {jpath} 가져와줘",
            "이 JSON에서 {jpath} 추출해줘: {jdoc}",
            "{jdoc}에 {jpath} 쿼리 실행",
            "JMESPath {jpath}를 {jdoc}에 적용해줘",
        ],
        "natural": [
            "이 JSON {jdoc}에서 {key} 값이 뭐야?",
            "{jdoc} 여기서 {key} 값 알려줘",
            "{jdoc}에서 {key} 필드만 뽑아줘",
            "{key} 값 찾아줘: {jdoc}",
        ],
        "list": [
            "{jdoc}에 있는 {key} 전부 나열해줘",
            "이 JSON의 모든 {key} 값: {jdoc}",
            "{jdoc}에서 {key}들만 리스트로",
        ],
    },
    "data_transform": {
        "sort": [
            "이 데이터를 {col} 기준으로 정렬해줘: {records}",
            "{records} {col}순으로 정렬",
            "{col} 내림차순으로 정렬해줘 {records}",
            "{records}를 {col} 순서대로 정리해줄래?",
        ],
        "filter": [
            "{records}에서 {ncol}가 {small}보다 큰 행만 남겨줘",
            "{ncol} {small} 이상인 것만 필터링: {records}",
            "{records} 중 {ncol}이 {small} 미만인 행은 빼줘",
            "{ncol}가 {small} 넘는 행만 보여줘 {records}",
        ],
        "convert": [
            "이 CSV를 JSON으로 바꿔줘: {csv}",
            "csv를 json으로 변환 {csv}",
            "{csv} json으로 변환해줘",
            "{records} CSV로 변환해줘",
        ],
        "group": [
            "{records}를 {col}별로 그룹화해서 {ncol} 합계 내줘",
            "{col}별 {ncol} 합계: {records}",
            "{records} {col}로 그룹핑",
            "{col}별로 몇 개인지 세줘: {records}",
        ],
    },
    "api_request": {
        "call": [
            "{url_api} 호출해줘",
            "{url_api} API 호출",
            "{url_api}에 요청 보내줘",
            "{url_api} 쳐보고 응답 보여줘",
            "이 엔드포인트 호출해줘 {url_api}",
        ],
        "method": [
            "{url_api}에 {method} 요청 보내줘",
            "{method} {url_api}",
            "{url_api}로 {method} 요청",
            "{method} 요청 날려줘 {url_api}",
        ],
        "post": [
            ("{url_api}에 {json} POST 해줘", POST),
            ("{json}을 {url_api}로 POST로 보내줘", POST),
            ("이 바디 {json} {url_api}에 post", POST),
        ],
        "fetch_json": [
            "{url_api}에서 JSON 받아와줘",
            "{url_api} API 데이터 가져와",
            "{url_api} 응답이 뭐야?",
            "{url_api} 상태 확인해줘",
            "{url_api} 뭐 반환해?",
        ],
    },
    "web_scrape": {
        "read": [
            "{url_page} 페이지 읽어줘",
            "{url_page} 읽어주라",
            "{url_page} 열어서 뭐라고 써 있는지 알려줘",
            "{url_page} 페이지 내용이 뭐야?",
        ],
        "summarize": [
            "{url_page} 요약해줘",
            "이 기사 요약 좀: {url_page}",
            "{url_page} 세 줄 요약",
            "{url_page} 이 페이지 무슨 내용이야?",
        ],
        "parts": [
            "{url_page} 제목이 뭐야?",
            "{url_page}에 있는 링크 다 가져와줘",
            "{url_page} 링크 목록",
            "{url_page} 헤드라인 뽑아줘",
        ],
        "scrape": [
            "{url_page} 스크래핑해줘",
            "{url_page} 텍스트 긁어와줘",
            "{url_page} 본문 추출해줘",
            "웹사이트 {url_page} 내용 가져와",
        ],
    },
    "database_query": {
        "sql": [
            "{sql_select} 실행해줘",
            "이 쿼리 돌려줘: {sql_select}",
            "{sql_select}",
            "DB에 쿼리: {sql_select}",
            "이 SQL 실행해 줄래? {sql_select}",
        ],
        "show_rows": [
            ("{table} 테이블 전체 보여줘", SELECT_ALL),
            ("{table} 테이블에 뭐 있어?", SELECT_ALL),
            ("{table} 테이블 데이터 다 보여줘", SELECT_ALL),
            ("DB에서 {table} 테이블 조회해줘", SELECT_ALL),
        ],
        "count": [
            ("{table} 테이블에 행이 몇 개야?", COUNT_ALL),
            ("{table} 레코드 수 세줘", COUNT_ALL),
            ("데이터베이스에 {table} 몇 건 있어?", COUNT_ALL),
        ],
        "tables": [
            "데이터베이스에 어떤 테이블 있어?",
            "DB 테이블 목록",
            "테이블 뭐뭐 있는지 알려줘",
            "DB 스키마 보여줘",
        ],
    },
    "database_execute": {
        "sql": [
            "{sql_exec} 실행해줘",
            "{sql_exec} 돌려줘",
            "{sql_exec}",
            "이 구문 적용해줘: {sql_exec}",
            "이 SQL 실행 부탁해: {sql_exec}",
        ],
        "create": [
            ("{cols} 컬럼으로 {table} 테이블 만들어줘", CREATE),
            ("{table} 테이블 생성해줘 ({cols})", CREATE),
            ("{table}이라는 테이블 만들어, 컬럼은 {cols}", CREATE),
            ("새 테이블 {table} 만들어줘. 컬럼: {cols}", CREATE),
        ],
        "insert": [
            "{table} 테이블에 행 하나 추가해줘",
            "{table}에 새 레코드 넣어줘",
            "{name}을 {table} 테이블에 추가해줘",
            "{table}에 {name} 삽입해줘",
        ],
        "delete_update": [
            ("{table} 테이블 데이터 전부 삭제해줘", DELETE_ALL),
            ("{table}에서 모든 행 지워줘", DELETE_ALL),
            "{table}에서 id가 {small}인 행 삭제해줘",
            "{table} 가격을 {small}로 업데이트해줘 (id 2)",
        ],
    },
    "none": {
        "greet": [
            "안녕",
            "안녕하세요!",
            "하이",
            "좋은 아침이에요",
            "잘 지내?",
            "고마워!",
            "정말 감사합니다",
            "잘 가",
            "나중에 봐",
            "뭐해?",
            "ㅎㅇ",
            "반가워요",
        ],
        "about_you": [
            "너 이름이 뭐야?",
            "누가 너를 만들었어?",
            "너 로봇이야?",
            "넌 뭘 할 수 있어?",
            "너도 감정이 있어?",
            "너 챗GPT보다 똑똑해?",
        ],
        "knowledge": [
            "하늘은 왜 파래?",
            "햄릿은 누가 썼어?",
            "호주의 수도는 어디야?",
            "화산은 어떻게 생겨?",
            "2차 세계대전은 언제 끝났어?",
            "태양계에 행성이 몇 개야?",
            "비는 왜 내려?",
            "모나리자는 누가 그렸어?",
        ],
        "opinion": [
            "재택근무 어떻게 생각해?",
            "커피가 몸에 나빠?",
            "고양이랑 강아지 중에 뭐가 더 좋아?",
            "제일 좋아하는 영화가 뭐야?",
            "기타랑 피아노 중에 뭘 배울까?",
            "전기차 살 만해?",
        ],
        "creative": [
            "바다에 대한 시 써줘",
            "재미있는 농담 해줘",
            "용에 대한 짧은 이야기 써줘",
            "빵집 슬로건 만들어줘",
            "가을에 대한 하이쿠 써줘",
            "우리 고양이 이름 지어줘",
        ],
        "mention_def": [
            "{subject} 뭐야?",
            "{subject}의 정의가 뭐야?",
            "{subject} 뜻이 뭐예요?",
            "{subject}에 대해 설명해 줄래?",
            "{subject} 개념 알려줘",
        ],
        "mention_talk": [
            "{subject}에 대해 알려줘",
            "{subject} 쉽게 설명해줘",
            "{subject}에 대해 궁금해",
            "{subject}의 역사를 간단히 알려줘",
            "{subject}는 왜 중요해?",
        ],
        "mention_tool": [
            "JSON은 무슨 약자야?",
            "계산기는 누가 발명했어?",
            "웹 스크래핑 합법이야?",
            "프로세스랑 스레드 차이가 뭐야?",
            "시간대는 어떻게 작동해?",
            "서머타임은 왜 있는 거야?",
            "초보자한테 좋은 데이터베이스 뭐야?",
            "SQL 인젝션이 뭐고 어떻게 막아?",
            "좋은 API 설계란 뭘까?",
            "게임할 때 램이 중요해 CPU가 중요해?",
        ],
        "city_chat": [
            "{city} 너무 좋아",
            "{city} 정말 아름다워",
            "다음 주에 {city} 가!",
            "{city} 맛집 추천해줘",
            "{city}에 대해 알려줘",
            "{city} 인구가 얼마나 돼?",
            "{city} 물가 비싸?",
        ],
        "numbers_chat": [
            "나 고양이 {small}마리 키워",
            "우리 아들 오늘 {small}살 됐어!",
            "오늘 아침에 {small}km 뛰었어",
            "나 1990년생이야",
            "내일 비행기 10시 30분이야",
            "어젯밤에 눈이 3cm 왔어",
            "시험에서 85점 받았어",
            "12장 너무 지루했어",
            "4시간밖에 못 잤어",
        ],
        "howto_code": [
            "파이썬에서 파일 읽는 법 알려줘",
            "자바스크립트로 리스트 정렬하는 방법",
            "SQL 조인 문법이 뭐야?",
            "윈도우에서 환경 변수 설정하는 법",
            "Go에서 JSON 파싱 어떻게 해?",
            "curl로 HTTP 요청 보내는 법",
            "리눅스에서 프로세스 죽이는 법",
        ],
        "feelings": [
            "오늘 너무 피곤해",
            "회사에서 힘든 하루였어",
            "심심해",
            "오늘 기분 좋아",
            "잠이 안 와",
            "우리 고양이가 아파",
            "월요일 싫다",
        ],
    },
    "time_now+calculator": {
        "and": [
            "{city} 지금 몇 시야? 그리고 {expr}는?",
            "{expr} 계산하고 {city} 시간도 알려줘",
            "{city} 현재 시간이랑 {expr} 결과 알려줘",
            "{expr} 얼마야? 그리고 {city} 몇 시?",
        ],
    },
    "system_info+process_list": {
        "and": [
            "시스템 정보랑 상위 프로세스 보여줘",
            "램 몇 기가고 뭐가 쓰고 있어?",
            "컴퓨터 사양이랑 실행 중인 프로세스 알려줘",
            "OS 버전하고 프로세스 목록 좀",
        ],
    },
    "file_list+file_read": {
        "and": [
            "{folder} 파일 목록 보여주고 {file} 열어줘",
            "{folder}에 뭐 있어? {file}도 보여줘",
            "{file} 보여주고 {folder} 목록도",
        ],
    },
    "calculator+file_write": {
        "and": [
            "{expr} 계산해서 결과를 {file}에 저장해줘",
            "{expr} 풀고 {file}에 써줘",
            "{expr} 계산 결과 {file}에 적어줘",
        ],
    },
}

_MORE: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "how_much": [
            "{expr} 하면 얼마야?",
            "{expr} 하면 몇이 나와?",
            "{expr}면 얼마지?",
            "{expr} 정확히 얼마예요?",
        ],
        "help_me": [
            "{expr} 좀 도와줘",
            "{expr} 답 좀 알려줘",
            "{expr} 답이 뭐야",
            "수학 좀: {expr}",
            "{expr} 계산 부탁",
        ],
        "polite": [
            "{calc_words} 계산해 주실 수 있나요?",
            "{expr} 좀 계산해 주시겠어요?",
            "{calc_words}가 얼마인지 알려주세요",
            "{calc_words} 좀 풀어 주세요",
        ],
        "word_problem": [
            ("{b}원짜리 물건을 {a}개 샀는데 총 얼마야?", MUL),
            ("사과가 {b}개씩 든 상자가 {a}개면 사과는 몇 개야?", MUL),
            ("{a}원을 {b}명이 나누면 한 사람당 얼마야?", DIV),
            ("{a}원 있었는데 {b}원 썼어. 얼마 남았지?", SUB),
        ],
        "result": ["{calc_words} 결과는?", "{calc_words}는 몇?", "{expr} 답?", "{expr} -> ?"],
    },
    "time_now": {
        "clock": [
            "{city} 시계로 지금 몇 시야?",
            "{city} 지금 몇 시 몇 분이야?",
            "{city}는 지금 몇 시쯤이야?",
            "{city} 지금 늦은 시간이야?",
        ],
        "need_time": [
            "{city} 현재 시간이 필요해",
            "{city} 시간 좀 확인해줘",
            "{city} 시간 알려줄 수 있어?",
            "{city} 지금 몇 시인지 확인해 줄래",
        ],
        "zone": [
            "{zone} 현재 시간",
            "{zone} 지금 몇 시야?",
            "타임존 {zone} 시간",
            "{zone} 기준 지금 시각",
        ],
        "date_more": [
            "오늘 날짜가 뭐야?",
            "오늘 무슨 요일이지?",
            "지금 몇 월이야?",
            "올해가 몇 년도야?",
            "오늘 월요일이야?",
        ],
    },
    "file_read": {
        "contents": [
            "{file} 내용 출력해줘",
            "{file} 내용?",
            "{file} 출력",
            "{file} 안의 내용 전부 보여줘",
        ],
        "look": [
            "{file} 보고 뭐라고 써 있는지 알려줘",
            "{file}에 뭐 있는지 확인해봐",
            "{file} 안 좀 봐줘",
            "{file} 살짝 봐줘",
        ],
        "summarize_file": [
            "{file} 요약해줘",
            "{file} 내용 요약 좀",
            "{file}은 무슨 내용이야?",
            "{file} 한 줄 요약",
        ],
        "load": [
            "{file} 불러와줘",
            "{file} 파일 열기",
            "{file} 가져와",
            "워크스페이스에서 {file} 가져와줘",
        ],
    },
    "file_write": {
        "save_file": [
            "이거 {file}에 저장해줘: {content}",
            "{content}를 {file}로 저장해",
            '"{content}"를 {file}라는 파일에 저장해줘',
        ],
        "overwrite": [
            '{file}을 "{content}"로 덮어써줘',
            "{file} 내용을 {content}로 바꿔줘",
            '{file} 내용을 "{content}"로 설정해',
        ],
        "put_line": [
            "{file}에 {content} 한 줄 넣어줘",
            '"{content}"라고 적힌 {file} 파일 만들어줘',
            "{file}에 {content}라고 써 놔",
        ],
        "log": [
            ('{file}에 "{content}" 로그 남겨줘', APPEND),
            ("{file}에 이거 기억해 둬: {content}", APPEND),
            ("{file}에 메모 추가: {content}", APPEND),
        ],
    },
    "file_list": {
        "show_dir": [
            "{folder} 디렉토리 보여줘",
            "{folder} 폴더 내용물",
            "{folder}에 있는 파일 보여줘",
            "{folder} 디렉터리 표시해줘",
        ],
        "browse": [
            "{folder} 둘러봐",
            "{folder} 폴더 안에 뭐 있어?",
            "{folder} 좀 들여다봐",
            "{folder} 폴더 열어봐",
        ],
        "tree": [
            "{folder} 폴더 트리 보여줘",
            "{folder} 하위 폴더까지 다 나열해",
            "tree {folder}",
            "{folder} 아래 전부 보여줘",
        ],
        "any_files": [
            "{folder}에 파일 있어?",
            "{folder} 비어 있어?",
            "{folder} 폴더에 파일이 몇 개야?",
        ],
    },
    "system_info": {
        "machine": [
            "이 머신에 대해 알려줘",
            "이거 어떤 컴퓨터야?",
            "이 컴퓨터 정보",
            "너 어디서 돌아가?",
        ],
        "resources": [
            "이 서버 메모리랑 디스크 얼마나 돼?",
            "남은 메모리 확인해줘",
            "디스크 사용량 확인",
            "디스크 얼마나 찼어",
        ],
        "cpu": [
            "이 머신 CPU 뭐야?",
            "코어 몇 개야?",
            "프로세서 정보 알려줘",
            "이 컴퓨터 무슨 프로세서 써?",
        ],
    },
    "process_list": {
        "running_apps": [
            "지금 켜져 있는 앱 뭐야?",
            "지금 열려 있는 프로그램 뭐 있어?",
            "실행 중인 프로그램 보여줘",
            "이 머신에서 뭐 돌고 있어?",
        ],
        "memory_usage": [
            "메모리 제일 많이 쓰는 프로세스들?",
            "프로세스 메모리 순으로 정렬",
            "램 잡아먹는 거 뭐야?",
            "뭐가 램을 다 먹고 있어",
        ],
        "task_manager": [
            "작업 관리자 보여줘",
            "top 보여줘",
            "htop처럼 뭐 돌고 있는지",
            "프로세스 모니터 좀",
        ],
        "pid": [
            "{proc} pid 뭐야?",
            "{proc} 프로세스랑 pid 보여줘",
            "{proc}가 CPU 얼마나 써?",
            "{proc} 메모리 얼마나 먹어?",
        ],
    },
    "environment": {
        "what_var": [
            "{env} 환경 변수 값이 뭐야?",
            "{env} 확인해줘",
            "{env} 설정돼 있어?",
            "{env} 정의돼 있나?",
        ],
        "env_all": [
            "내 환경 보여줘",
            "환경 변수 뭐뭐 있어?",
            "모든 환경 변수 출력해줘",
            "env 목록",
        ],
        "which_setting": [
            "지금 어떤 {env} 쓰고 있어?",
            "여기 {env} 어떻게 돼 있어?",
            "{env} 변수 읽어줘",
        ],
    },
    "statistics": {
        "analyze": [
            "이 숫자들 분석해줘: {nums}",
            "{nums} 숫자 좀 분석해",
            "{nums}로 통계 좀 돌려줘",
            "숫자: {nums}. 설명해줘",
        ],
        "range_minmax": [
            "{nums}의 최댓값이랑 최솟값?",
            "{nums} 범위",
            "{nums} 합계랑 평균",
            "{nums} 중 제일 큰 거랑 작은 거",
        ],
        "spread_q": ["{nums} 얼마나 퍼져 있어?", "{nums} 편차가 얼마나 돼?", "{nums} 분포 넓어?"],
        "dataset": [
            "데이터 {nums}의 평균 알려줘",
            "데이터셋: {nums}. 중앙값은?",
            "표본 {nums} 표준편차 얼마야",
        ],
    },
    "json_parse": {
        "check_syntax": [
            "이 json 문법 확인해줘 {json}",
            "이 JSON에 오류 있어? {json}",
            "{json} 형식 맞아?",
            "json 린트: {json}",
        ],
        "structure": [
            "{json} 구조가 어떻게 돼?",
            "이 JSON 모양 좀 알려줘: {json}",
            "이 JSON 분석해줘 {json}",
        ],
        "clean": [
            "이 JSON 정리해줘 {json}",
            "{json} 읽기 쉽게 만들어줘",
            "{json} 깔끔하게 다시 포맷해줘",
        ],
    },
    "json_query": {
        "jmespath": [
            "jmespath {jpath} {jdoc}에 돌려줘",
            "{jdoc}에 대해 {jpath} 평가해줘",
            "{jdoc}의 {jpath}는?",
        ],
        "find_value": [
            "{jdoc}에서 {key} 찾아줘",
            "이 json {jdoc}에서 {key} 조회",
            "{jdoc}에서 {key} 어디 있어",
        ],
        "select_field": [
            "{jdoc}에서 {key} 필드만 선택해줘",
            "{jdoc}에서 {key}만 줘",
            "{jdoc}에서 {key}만 필요해",
        ],
    },
    "data_transform": {
        "select_cols": [
            "{records}에서 {col} 열만 남겨줘",
            "이 레코드에서 {col}만 선택해줘 {records}",
            "{col} 빼고 다 지워: {records}",
        ],
        "top_n": [
            "{records}에서 {ncol} 상위 2개 행",
            "{records} 중 {ncol} 제일 높은 2개",
            "{ncol}가 제일 큰 행은? {records}",
        ],
        "to_csv": [
            "{records}를 CSV 표로 만들어줘",
            "{records} csv로 내보내기",
            "{records}로 csv 만들어",
        ],
        "aggregate": [
            "{records}에서 {col}별 {ncol} 평균",
            "{col}마다 {ncol} 합쳐줘: {records}",
            "{records} {col}별 {ncol} 최댓값",
        ],
    },
    "api_request": {
        "endpoint": [
            "{url_api} 엔드포인트가 뭘 돌려줘?",
            "{url_api} 핑 해봐",
            "{url_api} API 테스트해줘",
        ],
        "http_get": [
            "{url_api}에 HTTP GET 해줘",
            "GET 요청 {url_api} 부탁해",
            "curl {url_api}",
            "{url_api} 가져와",
        ],
        "send_data": [
            ("이 JSON {json}을 {url_api}로 보내줘", POST),
            ("{json}을 {url_api} API에 제출해줘", POST),
        ],
        "delete": [
            ("{url_api}에 DELETE 요청 보내줘", {"api_request": {"method": "DELETE"}}),
            ("{url_api} 리소스 삭제 요청해줘", {"api_request": {"method": "DELETE"}}),
        ],
    },
    "web_scrape": {
        "website": [
            "{url_page} 웹사이트에 뭐 있어?",
            "{url_page} 사이트 확인해줘",
            "{url_page} 방문해봐",
            "{url_page} 들어가서 뭐 있는지 알려줘",
        ],
        "article": [
            "이 기사 읽어줘 {url_page}",
            "이 기사 뭐라고 해? {url_page}",
            "{url_page} 읽고 설명해줄래",
        ],
        "text": [
            "{url_page}에서 텍스트 가져와줘",
            "{url_page} 페이지 가져와서 텍스트 보여줘",
            "{url_page} 페이지 내용 긁어줘",
        ],
        "headlines": [
            "{url_page} 헤드라인 뭐야?",
            "{url_page}에 새로운 거 뭐 있어?",
            "{url_page} 주요 뉴스",
        ],
    },
    "database_query": {
        "sql_prefix": [
            "SQL: {sql_select}",
            "쿼리: {sql_select}",
            "db {sql_select}",
            "sqlite> {sql_select}",
        ],
        "get_all": [
            ("DB에서 {table} 전부 가져와", SELECT_ALL),
            ("{table}에서 모든 레코드 뽑아줘", SELECT_ALL),
            ("{table} 테이블 덤프해줘", SELECT_ALL),
        ],
        "look_up": [
            "{table} 테이블에서 {name} 찾아줘",
            "{table} 테이블에서 {name} 검색",
            "{name} {table}에 있어?",
            "DB에서 {name} 찾아봐",
        ],
        "aggregate_db": [
            "products 테이블 평균 가격이 얼마야?",
            "payments 총액이 얼마야?",
            "employees에서 최고 연봉은?",
            "DB에서 평점 제일 높은 영화 뭐야?",
        ],
    },
    "database_execute": {
        "add_row": [
            "{table}에 이름이 {name}인 행 추가해줘",
            "{name}을 {table} 테이블에 넣어",
            "{table} 테이블에 {name} 기록해줘",
            "{name}을 {table}에 새 항목으로 저장해",
        ],
        "clear": [
            ("{table} 테이블 비워줘", DELETE_ALL),
            ("{table} 테이블 싹 지워", DELETE_ALL),
            ("{table} 테이블 내용 전부 비우기", DELETE_ALL),
        ],
        "make_table": [
            ("{table} 테이블 세팅해줘 ({cols})", CREATE),
            ("필드가 {cols}인 새 테이블 {table}", CREATE),
            ("DB에 {cols} 있는 {table} 테이블 추가해줘", CREATE),
        ],
        "update": [
            "{table}에서 {name} 나이를 {small}로 바꿔줘",
            "{table}에서 id {small}의 done을 1로 설정해",
            "{table}의 {small}번 행 이름을 {name}으로 변경",
            "DB에서 {small}번 작업 완료로 표시해",
        ],
    },
    "none": {
        "math_talk": [
            "수학 싫어",
            "수학이 제일 좋아하는 과목이었어",
            "대수학은 누가 만들었어?",
            "소수가 뭐야?",
            "7은 행운의 숫자야?",
            "왜 0으로 나누면 안 돼?",
            "암산 잘하는 법 있어?",
        ],
        "time_talk": [
            "시간 진짜 빨리 간다",
            "항상 시간이 부족해",
            "{city} 가기 제일 좋은 계절이 언제야?",
            "{city}까지 비행기로 얼마나 걸려?",
            "맨날 지각해, 팁 좀",
            "아침 좋아해?",
        ],
        "file_talk": [
            "어제 파일 다 날렸어",
            "파일 정리 어떻게 하는 게 좋아?",
            "폴더 이름 뭐로 하지?",
            "하드디스크에서 소리 나",
            "클라우드 저장소 안전해?",
        ],
        "web_talk": [
            "좋아하는 웹사이트 있어?",
            "위키백과 믿을 만해?",
            "구글 검색은 어떻게 작동해?",
            "인터넷은 누가 발명했어?",
            "괜찮은 뉴스 사이트 추천해줘",
        ],
        "db_talk": [
            "postgres랑 mysql 중에 뭐 써?",
            "기본 키가 뭐야?",
            "데이터베이스 인덱스는 어떻게 작동해?",
            "NoSQL이 SQL보다 나아?",
            "테이블이랑 뷰 차이가 뭐야?",
        ],
        "other_tasks": [
            "안녕을 프랑스어로 번역해줘",
            "아침 7시 알람 맞춰줘",
            "밥한테 이메일 보내줘",
            "오늘 저녁 2명 예약해줘",
            "음악 틀어줘",
            "불 꺼줘",
            "내일 엄마한테 전화하라고 알려줘",
            "피자 주문해줘",
        ],
        "advice": [
            "잠 잘 자는 법 알려줘",
            "외국어 공부 팁 있어?",
            "팬케이크 어떻게 만들어?",
            "오늘 저녁 뭐 해 먹지?",
            "동기 부여 어떻게 유지해?",
            "면접 팁 좀",
        ],
        "followups": [
            "ㅇㅋ 고마워",
            "좋아",
            "그거 틀렸어",
            "다시 설명해 줄래?",
            "됐어",
            "알겠어",
            "흠 재밌네",
            "무슨 뜻이야?",
        ],
    },
    "statistics+calculator": {
        "and": [
            "{nums} 평균이랑 {expr}도 계산해줘",
            "{nums}의 평균은? 그리고 {expr}는?",
            "{expr} 계산하고 {nums} 중앙값도",
        ],
    },
    "web_scrape+file_write": {
        "and": [
            "{url_page} 읽어서 {file}에 저장해줘",
            "{url_page} 긁어서 텍스트를 {file}에 써줘",
            "{url_page} 요약해서 {file}에 저장",
        ],
    },
    "database_execute+database_query": {
        "and": [
            "{table} 테이블 만들고 ({cols}) 전체 행 보여줘",
            "{name}을 {table}에 넣고 테이블 보여줘",
            "{table} 다 지우고 남은 개수 세줘",
        ],
    },
}


_THIRD: dict[str, dict[str, list[Any]]] = {
    "file_write": {
        "jeojang": [
            '"{content}" {file}에 저장해 둬',
            "{file}에 저장: {content}",
            "{content}를 {file} 파일에 저장해 주세요",
            "{file}로 {content} 저장",
        ],
        "sseugi": [
            '{file}에 "{content}"라고 써 줘',
            "{content}를 {file}에 적어",
            "{file} 파일에 다음 내용 써줘: {content}",
        ],
    },
    "file_read": {
        "bogi": [
            "{file} 파일 좀 보여줄래",
            "{file} 내용 좀 보여줘",
            "{file} 열어서 내용 확인",
            "{file} 파일 안에 뭐 적혀 있는지 보여줘",
        ],
    },
    "system_info": {
        "sayang": [
            "이 PC 사양 어때?",
            "시스템 버전 뭐야?",
            "메모리 남은 거 얼마야?",
            "디스크 용량 확인해줘",
            "시스템 정보 좀 보여줘",
        ],
    },
    "time_now": {
        "naljja": [
            "오늘 몇 월 며칠이야?",
            "오늘이 무슨 요일이지?",
            "{city}는 오늘 며칠이야?",
            "{city} 지금 무슨 요일이야?",
        ],
        "sigak": [
            "{city} 현재 시각은?",
            "{city} 지금 몇 시인지 알려줘",
            "{city} 시간 확인",
            "{city}는 몇 시?",
        ],
    },
    "process_list": {
        "dolgo": [
            "지금 무슨 프로세스 돌고 있어?",
            "실행 중인 프로그램 목록",
            "백그라운드에서 뭐 돌아가?",
            "{proc} 아직 돌고 있어?",
        ],
    },
    "environment": {
        "byeonsu": [
            "환경 변수 좀 보여줘",
            "{env}에 뭐 들어 있어?",
            "{env} 내용 출력해줘",
            "{env} 설정값이 뭐야?",
        ],
    },
    "none": {
        "japdam": [
            "오늘 날씨 좋다",
            "주말에 뭐 해?",
            "책 추천해 줄래?",
            "어떤 음악 좋아해?",
            "배고파",
            "재밌는 얘기 해줘",
            "부산 겨울 추워?",
            "한국어 어려워?",
        ],
        "jisik2": [
            "메모리가 뭐야?",
            "JSON 형식은 어디에 써?",
            "데이터베이스랑 엑셀 차이가 뭐야?",
            "시간대는 왜 있어?",
            "계산기는 어떻게 작동해?",
            "웹페이지는 어떻게 만들어?",
        ],
    },
    "calculator+file_write": {
        "jeojang": [
            "{expr} 계산하고 답을 {file}에 저장",
            "{expr} 결과를 {file}에 써줘",
            "{expr} 계산한 거 {file}에 메모해",
        ],
    },
}

_FOURTH: dict[str, dict[str, list[Any]]] = {
    "data_transform": {
        "rows_cols": [
            "{col} 열만 보여줘: {records}",
            "이 행들에서 {col}만 남겨: {records}",
            "{records} 행을 {col} 기준으로 묶어줘",
            "{col}별 행 개수는? {records}",
        ]
    },
    "json_query": {
        "key_lookup": [
            "{jdoc}에서 키 {key} 값 조회해줘",
            "{jdoc}에서 {key} 키의 값은?",
            "이 json에서 {key} 읽어줘: {jdoc}",
        ]
    },
}

FAMILIES: dict[str, dict[str, list[Any]]] = merge(_FIRST, _MORE, _THIRD, _FOURTH)

# Ways of joining two requests into one ("{0} and {1}"): composed two-tool requests.
CONJUNCTIONS: dict[str, list[str]] = {
    "geurigo": ["{0} 그리고 {1}", "{0}. 그리고 {1}"],
    "daeum": ["{0}, 그 다음 {1}", "{0}. 다음으로 {1}", "먼저 {0}, 그 다음에 {1}"],
    "tto": ["{0}. 또 {1}", "{0}? 또 {1}", "{0}. 그리고 또 {1}"],
    "plus": ["{0}; {1}", "{0}. {1}", "{0} + {1}"],
    "chuga": ["{0}. 추가로 {1}", "{0}. 그리고 나서 {1}", "{0}. 끝나면 {1}"],
}
