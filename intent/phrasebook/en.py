"""English phrasings: each family is one way of asking, with its paraphrases."""

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
        "+": ["{a} plus {b}", "{a} + {b}", "{a} and {b} added together"],
        "-": ["{a} minus {b}", "{a} take away {b}", "{a} less {b}"],
        "*": ["{a} times {b}", "{a} multiplied by {b}", "{a} x {b}"],
        "/": ["{a} divided by {b}", "{a} over {b}", "{a} split {b} ways"],
    },
    "numbers": [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ],
    "and": " and ",
    "content": [
        "buy milk",
        "call mom at 6",
        "meeting moved to Friday",
        "hello world",
        "remember to water the plants",
        "the wifi password is on the fridge",
        "TODO: fix the login bug",
        "pick up the kids at 3",
        "draft the quarterly report",
        "ideas for the party",
        "dentist on Tuesday",
        "pay rent",
        "finish chapter 4",
        "book flights to Lisbon",
    ],
    "subject": [
        "a calculator",
        "JSON",
        "SQL injection",
        "an API",
        "web scraping",
        "environment variables",
        "a time zone",
        "daylight saving time",
        "a database",
        "a CSV file",
        "standard deviation",
        "the median",
        "an operating system",
        "a process in Linux",
        "RAM",
        "a CPU",
        "a REST API",
        "HTML",
        "a spreadsheet",
        "a file system",
        "machine learning",
        "the Pythagorean theorem",
        "algebra",
        "Greenwich Mean Time",
        "the HTTP protocol",
        "JMESPath",
        "a text file",
        "SQL",
    ],
}

_FIRST: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "q_symbols": [
            "what is {expr}?",
            "what's {expr}",
            "whats {expr}?",
            "what does {expr} come to?",
            "What is {expr} equal to?",
            "what's the result of {expr}",
        ],
        "imperative": [
            "calculate {expr}",
            "compute {expr} for me",
            "please calculate {expr}.",
            "can you work out {expr}?",
            "evaluate {expr}",
            "solve {expr}",
        ],
        "words": [
            "what's {calc_words}?",
            "how much is {calc_words}?",
            "what do you get for {calc_words}",
            "{calc_words}, what's that?",
            "quick one: {calc_words}",
        ],
        "terse": [
            "{expr} =",
            "{expr}=?",
            "{expr} ?",
            "quick math: {expr}",
            "calc {expr} pls",
            "{expr} equals?",
        ],
        "verbs": [
            ("add {a} and {b}", ADD),
            ("multiply {a} by {b}", MUL),
            ("divide {a} by {b} please", DIV),
            ("subtract {b} from {a}", SUB),
            ("what's the sum of {a} and {b}?", ADD),
            ("what is the product of {a} and {b}", MUL),
        ],
        "special": [
            ("what's the square root of {n}?", SQRT),
            ("{p}% of {n}?", PCT),
            ("what is {p} percent of {n}", PCT),
            ("what's {b} squared", SQUARE),
            ("{small} factorial?", FACT),
            ("how much is a {p}% tip on {n} dollars?", PCT),
        ],
    },
    "time_now": {
        "q_time_in": [
            "what time is it in {city}?",
            "what's the time in {city}",
            "whats the time in {city} rn",
            "what time is it now in {city}?",
            "do you know what time it is in {city}?",
        ],
        "current": [
            "current time in {city}",
            "time in {city} right now",
            "local time {city}",
            "{city} local time?",
            "{city} time now",
        ],
        "date": [
            "what's today's date?",
            "what day is it today?",
            "what's the date",
            "today's date in {city}?",
            "what day is it in {city} right now?",
            "what's the date today in {city}",
        ],
        "casual": [
            "is it morning in {city} now?",
            "is it late in {city} right now?",
            "tell me the time in {city}",
            "give me the current time for {city}, thanks",
            "hey, what time's it over in {city}?",
            "would my friend in {city} be asleep now? what time is it there",
        ],
        "bare": [
            "what time is it?",
            "what's the time?",
            "time now?",
            "what time is it right now",
            "got the time?",
            "clock check: what time is it",
        ],
    },
    "file_read": {
        "open_show": [
            "open {file} and show me",
            "show me {file}",
            "show me what's in {file}",
            "display the contents of {file}",
            "can you open {file}?",
        ],
        "read": [
            "read {file}",
            "read {file} for me",
            "please read the file {file}",
            "cat {file}",
            "print {file}",
            "read out {file}",
        ],
        "question": [
            "what does {file} say?",
            "what's written in {file}?",
            "what's inside {file}?",
            "what's in the file {file}?",
            "tell me what {file} contains",
        ],
        "casual": [
            "pull up {file}",
            "lemme see {file}",
            "need the contents of {file}",
            "{file} contents pls",
            "get me the text of {file}",
        ],
    },
    "file_write": {
        "write_to": [
            'write "{content}" to {file}',
            "write {content} into {file}",
            'put "{content}" in {file}',
            'save "{content}" to {file}',
        ],
        "create": [
            'create a file called {file} with the text "{content}"',
            "make a new file {file} containing {content}",
            'create {file} and write "{content}" in it',
            "new file {file}: {content}",
        ],
        "append": [
            ('append "{content}" to {file}', APPEND),
            ('add a line "{content}" at the end of {file}', APPEND),
            ('add "{content}" to {file}', APPEND),
        ],
        "note": [
            'jot down "{content}" in {file}',
            'note "{content}" in {file} please',
            "store this in {file}: {content}",
            "save a note to {file} saying {content}",
        ],
    },
    "file_list": {
        "list": [
            "list the files in {folder}",
            "list files in the {folder} folder",
            "list everything in {folder}/",
            "show the files under {folder}",
        ],
        "question": [
            "what files are in {folder}?",
            "what's in the {folder} directory?",
            "which files are in {folder}",
            "what do I have in {folder}?",
        ],
        "terse": [
            "ls {folder}",
            "ls -la {folder}",
            "dir {folder}",
            "files in {folder}?",
            "{folder} folder contents",
        ],
        "workspace": [
            "what files do I have?",
            "list my files",
            "show me the workspace",
            "what's in my workspace?",
            "which files are there?",
        ],
    },
    "system_info": {
        "os": [
            "what OS is this machine running?",
            "which operating system is this?",
            "what os are you running on",
            "what version of linux is this server?",
            "is this mac, windows or linux?",
        ],
        "memory_disk": [
            "how much RAM does this computer have?",
            "how much memory is free?",
            "how much disk space is left?",
            "is the disk full?",
            "how much free space do I have on this machine?",
        ],
        "specs": [
            "system specs please",
            "show me the system info",
            "what hardware is this running on?",
            "how many CPU cores does this box have?",
            "machine details?",
        ],
        "python": [
            "which python version is installed here?",
            "what python are you running?",
            "python version on this machine?",
            "tell me about this computer's hardware and python version",
        ],
    },
    "process_list": {
        "list": [
            "list running processes",
            "show me the running processes",
            "what processes are running?",
            "list all processes",
            "ps aux",
        ],
        "top": [
            "what's using the most CPU?",
            "which process is eating all my memory?",
            "top 5 processes by memory",
            "what's hogging the CPU right now?",
            "show the heaviest processes",
        ],
        "is_running": [
            "is {proc} running?",
            "is there a {proc} process?",
            "check if {proc} is running",
            "how many {proc} processes are running?",
            "find the {proc} process",
        ],
    },
    "environment": {
        "show_var": [
            "show me the {env} variable",
            "what is {env} set to?",
            "what's my {env}?",
            "print the value of {env}",
            "value of ${env}?",
        ],
        "list": [
            "list the environment variables",
            "show me all env vars",
            "what environment variables are set?",
            "dump the env",
            "env vars please",
        ],
        "terse": [
            "echo ${env}",
            "printenv {env}",
            "${env}?",
            "env {env}",
            "what's in the {env} env var",
        ],
    },
    "statistics": {
        "mean": [
            "what's the average of {nums}?",
            "mean of {nums}",
            "find the average of these numbers: {nums}",
            "average {nums}",
        ],
        "multi_stats": [
            "give me the mean, median and standard deviation of {nums}",
            "stats for {nums}",
            "describe these numbers: {nums}",
            "summary statistics of {nums} please",
            "min, max and mean of {nums}",
        ],
        "spread": [
            "what's the standard deviation of {nums}?",
            "variance of {nums}?",
            "median of {nums}",
            "what's the median here: {nums}",
            "quartiles of {nums}",
        ],
        "casual": [
            "my test scores were {nums}, whats my average?",
            "I ran {nums} km this week, average per day?",
            "here are my daily steps: {nums}. what's the mean?",
            "sales were {nums}, what's the median?",
        ],
    },
    "json_parse": {
        "valid": [
            "is this valid JSON? {json}",
            "check if this JSON is valid: {json}",
            "validate this json {json}",
            "does this parse? {json}",
        ],
        "pretty": [
            "pretty print this JSON: {json}",
            "format this json for me {json}",
            "can you pretty-print {json}",
            "indent this JSON: {json}",
        ],
        "parse": [
            "parse this JSON: {json}",
            "parse {json}",
            "json parse {json}",
            "read this JSON and tell me its structure: {json}",
        ],
    },
    "json_query": {
        "get": [
            "get {jpath} from {jdoc}",
            "extract {jpath} from this JSON: {jdoc}",
            "query {jdoc} with {jpath}",
            "run the JMESPath {jpath} on {jdoc}",
        ],
        "natural": [
            "from this JSON {jdoc}, what is the {key}?",
            "in {jdoc} what's the value of {key}?",
            "pull the {key} field out of {jdoc}",
            "what {key} does this JSON have? {jdoc}",
        ],
        "list": [
            "list all the {key} values in {jdoc}",
            "give me every {key} in this JSON: {jdoc}",
            "which {key} entries are in {jdoc}?",
        ],
    },
    "data_transform": {
        "sort": [
            "sort these rows by {col}: {records}",
            "order this by {col}: {records}",
            "sort {records} by {col} descending",
            "can you sort this data by {col}? {records}",
        ],
        "filter": [
            "filter {records} to rows where {ncol} > {small}",
            "keep only the rows with {ncol} over {small}: {records}",
            "from {records} remove rows where {ncol} is below {small}",
            "which rows have {ncol} above {small}? {records}",
        ],
        "convert": [
            "convert this CSV to JSON: {csv}",
            "turn this csv into json {csv}",
            "csv to json please: {csv}",
            "convert {records} to CSV",
        ],
        "group": [
            "group {records} by {col} and sum the {ncol}",
            "total {ncol} per {col}: {records}",
            "group these records by {col}: {records}",
            "count rows per {col} in {records}",
        ],
    },
    "api_request": {
        "call": [
            "call {url_api}",
            "call the API at {url_api}",
            "make a request to {url_api}",
            "hit {url_api} and show me the response",
            "query the endpoint {url_api}",
        ],
        "method": [
            "send a {method} request to {url_api}",
            "{method} {url_api}",
            "do a {method} on {url_api}",
            "{method} request to {url_api} please",
        ],
        "post": [
            ("POST {json} to {url_api}", POST),
            ("send {json} to {url_api} as a POST", POST),
            ("post this body {json} to {url_api}", POST),
        ],
        "fetch_json": [
            "fetch the JSON from {url_api}",
            "get the data from the API {url_api}",
            "what does {url_api} return?",
            "what's the response of {url_api}?",
            "check the status of {url_api}",
        ],
    },
    "web_scrape": {
        "read": [
            "read the page {url_page}",
            "read {url_page} for me",
            "open {url_page} and tell me what it says",
            "what does the page {url_page} say?",
        ],
        "summarize": [
            "summarize {url_page}",
            "give me a summary of this article: {url_page}",
            "tldr {url_page}",
            "what's this page about? {url_page}",
        ],
        "parts": [
            "what's the title of {url_page}?",
            "get all the links on {url_page}",
            "list the links from {url_page}",
            "grab the headline from {url_page}",
        ],
        "scrape": [
            "scrape {url_page}",
            "scrape the text from {url_page}",
            "extract the text of {url_page}",
            "pull the content of the website {url_page}",
        ],
    },
    "database_query": {
        "sql": [
            "run {sql_select}",
            "execute this query: {sql_select}",
            "{sql_select}",
            "query the db: {sql_select}",
            "can you run this SQL? {sql_select}",
        ],
        "show_rows": [
            ("show me all rows in the {table} table", SELECT_ALL),
            ("what's in the {table} table?", SELECT_ALL),
            ("list everything in the {table} table", SELECT_ALL),
            ("show me the {table} table from the database", SELECT_ALL),
        ],
        "count": [
            ("how many rows are in {table}?", COUNT_ALL),
            ("count the records in the {table} table", COUNT_ALL),
            ("how many {table} do we have in the database?", COUNT_ALL),
        ],
        "tables": [
            "what tables are in the database?",
            "list the tables in the db",
            "which tables exist in the database?",
            "show the database schema",
        ],
    },
    "database_execute": {
        "sql": [
            "run {sql_exec}",
            "execute {sql_exec}",
            "{sql_exec}",
            "apply this statement: {sql_exec}",
            "please run this SQL: {sql_exec}",
        ],
        "create": [
            ("create a table {table} with columns {cols}", CREATE),
            ("make a table named {table} with {cols}", CREATE),
            ("create table {table} ({cols})", CREATE),
            ("I need a new table called {table}, with {cols}", CREATE),
        ],
        "insert": [
            "insert a row into {table}",
            "add a new record to the {table} table",
            "add {name} to the {table} table",
            "insert {name} into {table}",
        ],
        "delete_update": [
            ("delete everything from {table}", DELETE_ALL),
            ("remove all rows from the {table} table", DELETE_ALL),
            "delete the row with id {small} from {table}",
            "update {table}: set the price to {small} where id is 2",
        ],
    },
    "none": {
        "greet": [
            "hi",
            "hello!",
            "hey there",
            "good morning",
            "how are you?",
            "thanks!",
            "thank you so much",
            "bye",
            "see you later",
            "what's up?",
            "yo",
            "nice to meet you",
        ],
        "about_you": [
            "what's your name?",
            "who made you?",
            "are you a robot?",
            "what can you do?",
            "do you have feelings?",
            "are you smarter than chatgpt?",
        ],
        "knowledge": [
            "why is the sky blue?",
            "who wrote Hamlet?",
            "what's the capital of Australia?",
            "how do volcanoes form?",
            "when did World War II end?",
            "how many planets are in the solar system?",
            "what causes rain?",
            "who painted the Mona Lisa?",
        ],
        "opinion": [
            "what do you think about remote work?",
            "is coffee bad for you?",
            "which is better, cats or dogs?",
            "what's your favorite movie?",
            "should I learn guitar or piano?",
            "is it worth buying an electric car?",
        ],
        "creative": [
            "write a poem about the sea",
            "tell me a joke",
            "write a short story about a dragon",
            "give me a slogan for a bakery",
            "write a haiku about autumn",
            "come up with a name for my cat",
        ],
        "mention_def": [
            "what is {subject}?",
            "what's {subject}?",
            "define {subject}",
            "what does {subject} mean?",
            "can you explain what {subject} is?",
        ],
        "mention_talk": [
            "tell me about {subject}",
            "explain {subject} in simple terms",
            "I'm curious about {subject}",
            "give me a short history of {subject}",
            "why is {subject} important?",
        ],
        "mention_tool": [
            "what does JSON stand for?",
            "who invented the calculator?",
            "is web scraping legal?",
            "what's the difference between a process and a thread?",
            "how do time zones work?",
            "why do we have daylight saving time?",
            "what's the best database for beginners?",
            "what is SQL injection and how do I prevent it?",
            "what makes a good API design?",
            "is RAM more important than CPU for gaming?",
        ],
        "city_chat": [
            "I love {city}",
            "{city} is so beautiful",
            "I'm flying to {city} next week!",
            "what's the best food in {city}?",
            "tell me about {city}",
            "how big is {city}?",
            "is {city} expensive to live in?",
        ],
        "numbers_chat": [
            "I have {small} cats",
            "my son turned {small} today!",
            "I ran {small} km this morning",
            "I was born in 1990",
            "my flight is at 10:30 tomorrow",
            "we got 3 inches of snow last night",
            "I scored 85 on my exam",
            "chapter 12 was so boring",
            "I slept only 4 hours",
        ],
        "howto_code": [
            "how do I read a file in Python?",
            "how to sort a list in JavaScript",
            "what's the syntax for a SQL join?",
            "how do I set an environment variable on Windows?",
            "how do I parse JSON in Go?",
            "how do I make an HTTP request with curl?",
            "how do I kill a process on Linux?",
        ],
        "feelings": [
            "I'm so tired today",
            "I had a rough day at work",
            "I'm bored",
            "I feel happy today",
            "I can't sleep",
            "my cat is sick",
            "ugh mondays",
        ],
    },
    "time_now+calculator": {
        "and": [
            "what time is it in {city}, and what is {expr}?",
            "time in {city} and also {expr}?",
            "calculate {expr} and tell me the time in {city}",
            "{expr}? also what's the time in {city}",
        ],
    },
    "system_info+process_list": {
        "and": [
            "show me the system info and the top processes",
            "how much RAM do I have and what's using it?",
            "give me machine specs plus the running processes",
            "os version and process list please",
        ],
    },
    "file_list+file_read": {
        "and": [
            "list the files in {folder} and open {file}",
            "what's in {folder}? also show me {file}",
            "show {file} and then list {folder}",
        ],
    },
    "calculator+file_write": {
        "and": [
            "calculate {expr} and save the result to {file}",
            "work out {expr} then write it into {file}",
            "compute {expr} and put the answer in {file}",
        ],
    },
}

_MORE: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "how_much": [
            "how much is {expr}?",
            "how much does {expr} make",
            "how much would {expr} be?",
            "so how much is {expr} exactly",
        ],
        "help_me": [
            "help me with {expr}",
            "can you do {expr} for me?",
            "I need the answer to {expr}",
            "need help: {expr}",
            "do the math on {expr}",
        ],
        "polite": [
            "could you please calculate {calc_words}?",
            "would you mind computing {expr}?",
            "could you tell me what {calc_words} is?",
            "please work out {calc_words} for me",
        ],
        "word_problem": [
            ("I bought {a} items at {b} dollars each, what's the total?", MUL),
            ("if I have {a} boxes with {b} apples each, how many apples is that?", MUL),
            (
                "we are {b} people splitting a {a} euro bill, how much each?",
                {"calculator": {"expression": "{a}/{b}"}},
            ),
            ("I had {a} dollars and spent {b}, how much is left?", SUB),
        ],
        "result": [
            "result of {calc_words}?",
            "{calc_words} equals what?",
            "answer to {expr}?",
            "{expr} -> ?",
        ],
    },
    "time_now": {
        "clock": [
            "what does the clock say in {city}?",
            "what hour is it in {city}?",
            "what's the hour in {city} now",
            "how late is it in {city}?",
        ],
        "need_time": [
            "I need the current time in {city}",
            "check the time in {city} for me",
            "can you tell me the time in {city}?",
            "could you check what time it is in {city}",
        ],
        "zone": [
            "current time in {zone}",
            "what time is it in {zone}?",
            "time now for timezone {zone}",
            "now() in {zone}",
        ],
        "date_more": [
            "what's the date?",
            "which day of the week is it?",
            "what month is it",
            "what year is it now?",
            "is today Monday?",
        ],
    },
    "file_read": {
        "contents": [
            "show the contents of {file}",
            "contents of {file}?",
            "print out {file}",
            "output the contents of {file}",
        ],
        "look": [
            "look at {file} and tell me what it says",
            "check what's in {file}",
            "have a look inside {file}",
            "peek at {file}",
        ],
        "summarize_file": [
            "summarize {file}",
            "give me a summary of {file}",
            "what's {file} about?",
            "tl;dr of {file}",
        ],
        "load": [
            "load {file}",
            "open the file {file}",
            "get {file}",
            "fetch {file} from the workspace",
        ],
    },
    "file_write": {
        "save_file": [
            "save this to {file}: {content}",
            "save the text {content} as {file}",
            'save "{content}" into a file called {file}',
        ],
        "overwrite": [
            'overwrite {file} with "{content}"',
            "replace the content of {file} with {content}",
            'set {file} to "{content}"',
        ],
        "put_line": [
            "put the line {content} in {file}",
            'write a file {file} that says "{content}"',
            "make {file} say {content}",
        ],
        "log": [
            ('log "{content}" to {file}', APPEND),
            ("remember this in {file}: {content}", APPEND),
            ("append a note to {file}: {content}", APPEND),
        ],
    },
    "file_list": {
        "show_dir": [
            "show me the directory {folder}",
            "contents of folder {folder}",
            "show files in {folder}",
            "display the {folder} directory",
        ],
        "browse": [
            "browse {folder}",
            "what's inside the {folder} folder?",
            "peek into {folder}",
            "open the folder {folder}",
        ],
        "tree": [
            "show the folder tree of {folder}",
            "list {folder} recursively",
            "tree {folder}",
            "show everything under {folder}, subfolders too",
        ],
        "any_files": [
            "are there any files in {folder}?",
            "is {folder} empty?",
            "how many files are in {folder}?",
        ],
    },
    "system_info": {
        "machine": [
            "tell me about this machine",
            "what machine is this?",
            "info about this computer",
            "what are you running on?",
        ],
        "resources": [
            "how much memory and disk does this server have?",
            "check the free memory",
            "check disk usage",
            "how full is the disk",
        ],
        "cpu": [
            "what CPU is in this machine?",
            "how many cores do we have?",
            "processor info please",
            "what kind of processor does this computer use?",
        ],
    },
    "process_list": {
        "running_apps": [
            "what apps are running?",
            "what programs are open right now?",
            "show running programs",
            "what's running on this box?",
        ],
        "memory_usage": [
            "which processes use the most memory?",
            "sort processes by memory",
            "memory hogs?",
            "what's eating my RAM",
        ],
        "task_manager": [
            "open task manager",
            "show me top",
            "what's running, like htop",
            "process monitor please",
        ],
        "pid": [
            "what's the pid of {proc}?",
            "show the {proc} process and its pid",
            "how much CPU is {proc} using?",
            "how much memory does {proc} take?",
        ],
    },
    "environment": {
        "what_var": [
            "what's the value of the {env} environment variable?",
            "check {env}",
            "is {env} set?",
            "do I have {env} defined?",
        ],
        "env_all": [
            "show my environment",
            "what's in my environment?",
            "print all environment variables",
            "list env",
        ],
        "which_setting": [
            "which {env} am I using?",
            "how is {env} configured here?",
            "read the {env} variable for me",
        ],
    },
    "statistics": {
        "analyze": [
            "analyze these numbers: {nums}",
            "crunch these numbers {nums}",
            "run some stats on {nums}",
            "numbers: {nums}. describe them",
        ],
        "range_minmax": [
            "what's the max and min of {nums}?",
            "range of {nums}",
            "sum and mean of {nums}",
            "largest and smallest of {nums}",
        ],
        "spread_q": [
            "how spread out are {nums}?",
            "how much do {nums} vary?",
            "is {nums} a wide spread?",
        ],
        "dataset": [
            "for the data set {nums}, give me the mean",
            "dataset: {nums}. median?",
            "sample {nums} - what's the standard deviation",
        ],
    },
    "json_parse": {
        "check_syntax": [
            "check the syntax of this json {json}",
            "any errors in this JSON? {json}",
            "is {json} well-formed?",
            "lint this json: {json}",
        ],
        "structure": [
            "what's the structure of {json}?",
            "what shape does this JSON have: {json}",
            "break down this JSON for me {json}",
        ],
        "clean": ["clean up this JSON {json}", "make {json} readable", "reformat {json} nicely"],
    },
    "json_query": {
        "jmespath": [
            "jmespath {jpath} on {jdoc}",
            "evaluate {jpath} against {jdoc}",
            "{jpath} of {jdoc}?",
        ],
        "find_value": [
            "find {key} in {jdoc}",
            "look up {key} in this json {jdoc}",
            "where is {key} in {jdoc}",
        ],
        "select_field": [
            "select the {key} field from {jdoc}",
            "just the {key} from {jdoc} please",
            "I only want {key} out of {jdoc}",
        ],
    },
    "data_transform": {
        "select_cols": [
            "keep only the {col} column of {records}",
            "select {col} from these records {records}",
            "drop everything but {col}: {records}",
        ],
        "top_n": [
            "top 2 rows by {ncol} in {records}",
            "the 2 highest {ncol} in {records}",
            "which row has the biggest {ncol}? {records}",
        ],
        "to_csv": [
            "turn {records} into a CSV table",
            "export {records} as csv",
            "make a csv out of {records}",
        ],
        "aggregate": [
            "average {ncol} by {col} in {records}",
            "sum {ncol} for each {col}: {records}",
            "max {ncol} per {col} in {records}",
        ],
    },
    "api_request": {
        "endpoint": [
            "what does the endpoint {url_api} give back?",
            "ping {url_api}",
            "test the API {url_api}",
        ],
        "http_get": [
            "do an HTTP GET on {url_api}",
            "GET request {url_api} please",
            "curl {url_api}",
            "fetch {url_api}",
        ],
        "send_data": [
            ("send this JSON {json} to {url_api}", POST),
            ("submit {json} to the API at {url_api}", POST),
        ],
        "delete": [
            ("send a DELETE to {url_api}", {"api_request": {"method": "DELETE"}}),
            ("delete the resource at {url_api}", {"api_request": {"method": "DELETE"}}),
        ],
    },
    "web_scrape": {
        "website": [
            "what's on the website {url_page}?",
            "check the site {url_page}",
            "visit {url_page}",
            "go to {url_page} and tell me what's there",
        ],
        "article": [
            "read this article for me {url_page}",
            "what does this article say? {url_page}",
            "can you read {url_page} and explain it",
        ],
        "text": [
            "get the text from {url_page}",
            "fetch the page {url_page} and show the text",
            "grab the page content of {url_page}",
        ],
        "headlines": [
            "what are the headlines on {url_page}?",
            "what's new on {url_page}?",
            "top stories on {url_page}",
        ],
    },
    "database_query": {
        "sql_prefix": [
            "SQL: {sql_select}",
            "query: {sql_select}",
            "db {sql_select}",
            "sqlite> {sql_select}",
        ],
        "get_all": [
            ("get all {table} from the database", SELECT_ALL),
            ("pull every record from {table}", SELECT_ALL),
            ("dump the {table} table", SELECT_ALL),
        ],
        "look_up": [
            "look up {name} in the {table} table",
            "search the {table} table for {name}",
            "is {name} in the {table} table?",
            "find {name} in the db",
        ],
        "aggregate_db": [
            "what's the average price in the products table?",
            "what's the total amount in payments?",
            "highest salary in employees?",
            "which movie has the best rating in the database?",
        ],
    },
    "database_execute": {
        "add_row": [
            "add a row to {table} with name {name}",
            "put {name} into the {table} table",
            "record {name} in the {table} table",
            "save {name} as a new entry in {table}",
        ],
        "clear": [
            ("clear the {table} table", DELETE_ALL),
            ("wipe the {table} table", DELETE_ALL),
            ("empty out the {table} table", DELETE_ALL),
        ],
        "make_table": [
            ("set up a table {table} ({cols})", CREATE),
            ("new table {table} with fields {cols}", CREATE),
            ("add a {table} table to the database with {cols}", CREATE),
        ],
        "update": [
            "change {name}'s age to {small} in {table}",
            "set done to 1 for id {small} in {table}",
            "rename the {table} row {small} to {name}",
            "mark task {small} as done in the db",
        ],
    },
    "none": {
        "math_talk": [
            "I hate math",
            "math was my favorite subject",
            "who invented algebra?",
            "what's a prime number?",
            "is 7 a lucky number?",
            "why is dividing by zero not allowed?",
            "how do I get better at mental math?",
        ],
        "time_talk": [
            "time flies!",
            "I never have enough time",
            "what's the best time of year to visit {city}?",
            "how long is the flight to {city}?",
            "I'm always late, any tips?",
            "do you like mornings?",
        ],
        "file_talk": [
            "I lost all my files yesterday",
            "how should I organize my files?",
            "what's a good name for a folder?",
            "my hard drive is making noises",
            "is cloud storage safe?",
        ],
        "web_talk": [
            "what's your favorite website?",
            "is wikipedia reliable?",
            "how does google search work?",
            "who invented the internet?",
            "what's a good news site?",
        ],
        "db_talk": [
            "should I use postgres or mysql?",
            "what's a primary key?",
            "how do databases index data?",
            "is nosql better than sql?",
            "what's the difference between a table and a view?",
        ],
        "other_tasks": [
            "translate hello into French",
            "set an alarm for 7am",
            "send an email to Bob",
            "book a table for two tonight",
            "play some music",
            "turn off the lights",
            "remind me to call mom tomorrow",
            "order a pizza",
        ],
        "advice": [
            "how can I sleep better?",
            "tips for learning a language?",
            "how do I make pancakes?",
            "what should I cook tonight?",
            "how do I stay motivated?",
            "any tips for a job interview?",
        ],
        "followups": [
            "ok thanks",
            "cool",
            "that's wrong",
            "can you explain that again?",
            "never mind",
            "got it",
            "hmm interesting",
            "what do you mean?",
        ],
    },
    "statistics+calculator": {
        "and": [
            "average of {nums} and also {expr}",
            "what's the mean of {nums}? and {expr}?",
            "compute {expr}, then the median of {nums}",
        ],
    },
    "web_scrape+file_write": {
        "and": [
            "read {url_page} and save it to {file}",
            "scrape {url_page} and write the text into {file}",
            "summarize {url_page} and store the summary in {file}",
        ],
    },
    "database_execute+database_query": {
        "and": [
            "create table {table} ({cols}) and then show me all rows",
            "insert {name} into {table} and list the table",
            "delete everything from {table} and count what's left",
        ],
    },
}


_THIRD: dict[str, dict[str, list[Any]]] = {
    "environment": {
        "env_words": [
            "show me the environment",
            "what's set in the environment",
            "environment please",
            "{env} in the environment?",
            "what does my environment look like",
        ]
    },
    "database_query": {
        "find_rows": [
            "find the rows for {name} in the {table} table",
            "which rows in {table} mention {name}?",
            "show {name}'s record from the {table} table",
            "query the {table} table",
        ]
    },
    "database_execute": {
        "put_rows": [
            "insert {name} as a new row in {table}",
            "add {name} to table {table}",
            "new row in {table}: {name}",
            "enter {name} into the {table} table",
        ]
    },
    "time_now": {
        "late_early": [
            "is it late or early in {city} right now?",
            "what time have they got in {city}?",
            "time over in {city}?",
            "{city} clock?",
        ]
    },
    "process_list": {
        "whats_running": [
            "what's running right now?",
            "what processes are up?",
            "anything heavy running?",
            "is {proc} up?",
        ]
    },
    "system_info": {
        "check_machine": [
            "check the RAM",
            "how much RAM is free right now",
            "how big is the disk?",
            "what's this server's OS and memory?",
        ]
    },
    "json_query": {
        "where_is": [
            "where is {key} in {jdoc}?",
            "what's the {key} in {jdoc}?",
            "give me {key} from {jdoc}",
        ]
    },
    "none": {
        "time_words": [
            "I need more time to think",
            "it's about time!",
            "good times",
            "what a time to be alive",
            "take your time",
            "how much time do I need to learn piano?",
        ]
    },
}

_FOURTH: dict[str, dict[str, list[Any]]] = {
    "data_transform": {
        "rows_cols": [
            "only the {col} column please: {records}",
            "from these rows keep {col}: {records}",
            "group the rows of {records} by {col}",
            "how many rows per {col}? {records}",
        ]
    },
    "json_query": {
        "key_lookup": [
            "look up the key {key} in {jdoc}",
            "what value does the key {key} have in {jdoc}?",
            "read {key} out of this json: {jdoc}",
        ]
    },
}

FAMILIES: dict[str, dict[str, list[Any]]] = merge(_FIRST, _MORE, _THIRD, _FOURTH)

# Ways of joining two requests into one ("{0} and {1}"): composed two-tool requests.
CONJUNCTIONS: dict[str, list[str]] = {
    "and": ["{0} and {1}", "{0}, and {1}"],
    "then": ["{0}, then {1}", "{0} and then {1}", "first {0}, then {1}"],
    "also": ["{0}. also {1}", "{0}? also, {1}", "{0}, and also {1}"],
    "plus": ["{0}; {1}", "{0}. {1}", "{0} + {1}"],
    "after": ["{0}, after that {1}", "{0}, and after that {1}", "{0}. once done, {1}"],
}
