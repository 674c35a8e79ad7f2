"""German phrasings: each family is one way of asking, with its paraphrases."""

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
        "+": ["{a} plus {b}", "{a} + {b}", "{a} und {b} zusammen"],
        "-": ["{a} minus {b}", "{a} weniger {b}"],
        "*": ["{a} mal {b}", "{a} multipliziert mit {b}", "{a} x {b}"],
        "/": ["{a} geteilt durch {b}", "{a} durch {b}"],
    },
    "numbers": [
        "eins",
        "zwei",
        "drei",
        "vier",
        "fünf",
        "sechs",
        "sieben",
        "acht",
        "neun",
        "zehn",
        "elf",
        "zwölf",
    ],
    "and": " und ",
    "content": [
        "Milch kaufen",
        "Mama um 18 Uhr anrufen",
        "Meeting auf Freitag verschoben",
        "Hallo Welt",
        "Pflanzen gießen",
        "das WLAN-Passwort hängt am Kühlschrank",
        "TODO: Login-Bug beheben",
        "Kinder um 15 Uhr abholen",
        "Entwurf des Quartalsberichts",
        "Ideen für die Party",
        "Zahnarzt am Dienstag",
        "Miete zahlen",
        "Kapitel 4 fertig schreiben",
        "Flüge nach Lissabon buchen",
    ],
    # Bare nouns, so that they read well in every template.
    "subject": [
        "JSON",
        "SQL-Injection",
        "Web Scraping",
        "Umgebungsvariablen",
        "Zeitzonen",
        "Sommerzeit",
        "Datenbanken",
        "CSV",
        "Standardabweichung",
        "Median",
        "Betriebssysteme",
        "Prozesse unter Linux",
        "RAM",
        "CPUs",
        "REST-APIs",
        "HTML",
        "Tabellenkalkulation",
        "Dateisysteme",
        "maschinelles Lernen",
        "Algebra",
        "Greenwich Mean Time",
        "HTTP",
        "SQL",
        "Linux",
        "Python",
        "Taschenrechner",
        "JMESPath",
        "Textdateien",
    ],
}

_FIRST: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "q_symbols": [
            "was ist {expr}?",
            "wie viel ist {expr}?",
            "was ergibt {expr}?",
            "was kommt bei {expr} raus?",
            "{expr} ergibt?",
        ],
        "imperative": [
            "berechne {expr}",
            "rechne mir {expr} aus",
            "bitte berechne {expr}.",
            "kannst du {expr} ausrechnen?",
            "werte {expr} aus",
            "löse {expr}",
        ],
        "words": [
            "was ist {calc_words}?",
            "wie viel ist {calc_words}?",
            "was gibt {calc_words}",
            "{calc_words}, was kommt da raus?",
        ],
        "terse": [
            "{expr} =",
            "{expr}=?",
            "{expr} ?",
            "schnell rechnen: {expr}",
            "calc {expr} bitte",
        ],
        "verbs": [
            ("addiere {a} und {b}", ADD),
            ("multipliziere {a} mit {b}", MUL),
            ("teile {a} durch {b}", DIV),
            ("ziehe {b} von {a} ab", SUB),
            ("was ist die Summe von {a} und {b}?", ADD),
            ("was ist das Produkt von {a} und {b}", MUL),
        ],
        "special": [
            ("was ist die Wurzel aus {n}?", SQRT),
            ("{p} % von {n}?", PCT),
            ("wie viel sind {p} Prozent von {n}", PCT),
            ("{b} zum Quadrat", SQUARE),
            ("Fakultät von {small}", FACT),
            ("wie viel sind {p} % Trinkgeld auf {n} Euro?", PCT),
        ],
    },
    "time_now": {
        "q_time_in": [
            "wie spät ist es in {city}?",
            "wie viel Uhr ist es in {city}?",
            "wie spät ist es gerade in {city}",
            "weißt du, wie spät es in {city} ist?",
            "wieviel uhr haben wir in {city}?",
        ],
        "current": [
            "aktuelle Uhrzeit in {city}",
            "Uhrzeit in {city} jetzt",
            "Ortszeit {city}",
            "{city} Ortszeit?",
            "{city} Uhrzeit aktuell",
        ],
        "date": [
            "welches Datum ist heute?",
            "welcher Tag ist heute?",
            "was ist das heutige Datum",
            "welches Datum haben wir in {city}?",
            "welcher Wochentag ist gerade in {city}?",
        ],
        "casual": [
            "ist es in {city} gerade morgens?",
            "ist es in {city} schon Nacht?",
            "sag mir die Uhrzeit in {city}",
            "gib mir bitte die aktuelle Zeit für {city}, danke",
            "hey, wie spät isses drüben in {city}?",
        ],
        "bare": [
            "wie spät ist es?",
            "wie viel Uhr ist es?",
            "uhrzeit?",
            "wie spät ist es gerade",
            "hast du die Uhrzeit?",
        ],
    },
    "file_read": {
        "open_show": [
            "öffne {file} und zeig es mir",
            "zeig mir {file}",
            "zeig mir, was in {file} steht",
            "zeige den Inhalt von {file} an",
            "kannst du {file} öffnen?",
        ],
        "read": [
            "lies {file}",
            "lies mir {file} vor",
            "bitte lies die Datei {file}",
            "cat {file}",
            "gib {file} aus",
        ],
        "question": [
            "was steht in {file}?",
            "was ist in {file} drin?",
            "was enthält die Datei {file}?",
            "was steht so in {file}?",
            "sag mir, was {file} enthält",
        ],
        "casual": [
            "hol mal {file} hoch",
            "lass mich {file} sehen",
            "brauche den Inhalt von {file}",
            "{file} Inhalt bitte",
            "gib mir den Text aus {file}",
        ],
    },
    "file_write": {
        "write_to": [
            'schreib "{content}" in {file}',
            "schreibe {content} in die Datei {file}",
            'pack "{content}" in {file}',
            'speichere "{content}" in {file}',
        ],
        "create": [
            'erstelle eine Datei {file} mit dem Text "{content}"',
            "leg eine neue Datei {file} an mit {content}",
            'erstelle {file} und schreib "{content}" rein',
            "neue Datei {file}: {content}",
        ],
        "append": [
            ('häng "{content}" an {file} an', APPEND),
            ('füge am Ende von {file} die Zeile "{content}" hinzu', APPEND),
            ("ergänze {content} in {file}", APPEND),
        ],
        "note": [
            'notiere "{content}" in {file}',
            "schreib dir {content} in {file} auf",
            "speicher das in {file}: {content}",
            "leg eine Notiz in {file} an: {content}",
        ],
    },
    "file_list": {
        "list": [
            "liste die Dateien in {folder} auf",
            "liste die Dateien im Ordner {folder}",
            "zeig alles in {folder}/",
            "zeige die Dateien unter {folder}",
        ],
        "question": [
            "welche Dateien sind in {folder}?",
            "was ist im Verzeichnis {folder}?",
            "welche Dateien liegen in {folder}",
            "was hab ich in {folder}?",
        ],
        "terse": [
            "ls {folder}",
            "ls -la {folder}",
            "dir {folder}",
            "Dateien in {folder}?",
            "Inhalt des Ordners {folder}",
        ],
        "workspace": [
            "welche Dateien habe ich?",
            "liste meine Dateien",
            "zeig mir den Arbeitsbereich",
            "was ist in meinem Workspace?",
            "welche Dateien gibt es?",
        ],
    },
    "system_info": {
        "os": [
            "welches Betriebssystem läuft auf dieser Maschine?",
            "was für ein OS ist das?",
            "auf welchem OS läufst du",
            "welche Linux-Version hat der Server?",
            "ist das hier Mac, Windows oder Linux?",
        ],
        "memory_disk": [
            "wie viel RAM hat dieser Rechner?",
            "wie viel Speicher ist frei?",
            "wie viel Plattenplatz ist noch frei?",
            "ist die Festplatte voll?",
            "wie viel freien Speicherplatz hab ich auf der Kiste?",
        ],
        "specs": [
            "Systemdaten bitte",
            "zeig mir die Systeminfos",
            "auf welcher Hardware läuft das?",
            "wie viele CPU-Kerne hat die Maschine?",
            "Details zum Rechner?",
        ],
        "python": [
            "welche Python-Version ist hier installiert?",
            "welches Python benutzt du?",
            "Python-Version auf diesem Rechner?",
        ],
    },
    "process_list": {
        "list": [
            "liste die laufenden Prozesse auf",
            "zeig mir die laufenden Prozesse",
            "welche Prozesse laufen gerade?",
            "liste alle Prozesse",
            "ps aux",
        ],
        "top": [
            "was verbraucht am meisten CPU?",
            "welcher Prozess frisst meinen ganzen Speicher?",
            "die 5 Prozesse mit dem meisten Speicher",
            "was zieht gerade so viel CPU?",
            "zeig die schwersten Prozesse",
        ],
        "is_running": [
            "läuft {proc}?",
            "gibt es einen {proc}-Prozess?",
            "prüf mal, ob {proc} läuft",
            "wie viele {proc}-Prozesse laufen?",
            "finde den Prozess {proc}",
        ],
    },
    "environment": {
        "show_var": [
            "zeig mir die Variable {env}",
            "worauf ist {env} gesetzt?",
            "was ist mein {env}?",
            "gib den Wert von {env} aus",
            "Wert von ${env}?",
        ],
        "list": [
            "liste die Umgebungsvariablen auf",
            "zeig mir alle Env-Variablen",
            "welche Umgebungsvariablen sind gesetzt?",
            "gib das ganze env aus",
            "Umgebungsvariablen bitte",
        ],
        "terse": [
            "echo ${env}",
            "printenv {env}",
            "${env}?",
            "env {env}",
            "was steht in der Umgebungsvariable {env}?",
        ],
    },
    "statistics": {
        "mean": [
            "was ist der Durchschnitt von {nums}?",
            "Mittelwert von {nums}",
            "berechne den Durchschnitt dieser Zahlen: {nums}",
            "Durchschnitt {nums}",
        ],
        "multi_stats": [
            "gib mir Mittelwert, Median und Standardabweichung von {nums}",
            "Statistik für {nums}",
            "beschreibe diese Zahlen: {nums}",
            "deskriptive Statistik von {nums} bitte",
            "Minimum, Maximum und Mittelwert von {nums}",
        ],
        "spread": [
            "wie groß ist die Standardabweichung von {nums}?",
            "Varianz von {nums}?",
            "Median von {nums}",
            "was ist hier der Median: {nums}",
            "Quartile von {nums}",
        ],
        "casual": [
            "meine Noten waren {nums}, was ist mein Schnitt?",
            "bin diese Woche {nums} km gelaufen, Schnitt pro Tag?",
            "die Umsätze waren {nums}, wie ist der Median?",
            "meine Schritte pro Tag: {nums}. der Mittelwert?",
        ],
    },
    "json_parse": {
        "valid": [
            "ist das gültiges JSON? {json}",
            "prüf, ob dieses JSON gültig ist: {json}",
            "validiere dieses json {json}",
            "lässt sich das parsen? {json}",
        ],
        "pretty": [
            "formatiere dieses JSON schön: {json}",
            "mach dieses json hübsch {json}",
            "kannst du {json} einrücken?",
            "pretty print für dieses JSON: {json}",
        ],
        "parse": [
            "parse dieses JSON: {json}",
            "parse {json}",
            "json parse {json}",
            "lies dieses JSON und sag mir die Struktur: {json}",
        ],
    },
    "json_query": {
        "get": [
            "hol {jpath} aus {jdoc}",
            "extrahiere {jpath} aus diesem JSON: {jdoc}",
            "frag {jdoc} mit {jpath} ab",
            "wende den JMESPath {jpath} auf {jdoc} an",
        ],
        "natural": [
            "in diesem JSON {jdoc}, was ist {key}?",
            "in {jdoc} welchen Wert hat {key}?",
            "zieh das Feld {key} aus {jdoc}",
            "welches {key} hat dieses JSON? {jdoc}",
        ],
        "list": [
            "liste alle Werte von {key} in {jdoc}",
            "gib mir jedes {key} aus diesem JSON: {jdoc}",
            "welche {key}-Werte stehen in {jdoc}?",
        ],
    },
    "data_transform": {
        "sort": [
            "sortiere diese Zeilen nach {col}: {records}",
            "ordne das nach {col}: {records}",
            "sortiere {records} absteigend nach {col}",
            "kannst du diese Daten nach {col} sortieren? {records}",
        ],
        "filter": [
            "filtere {records} auf Zeilen mit {ncol} > {small}",
            "behalte nur Zeilen mit {ncol} über {small}: {records}",
            "entferne aus {records} die Zeilen mit {ncol} unter {small}",
            "welche Zeilen haben {ncol} größer als {small}? {records}",
        ],
        "convert": [
            "wandle dieses CSV in JSON um: {csv}",
            "mach aus dem csv json {csv}",
            "csv zu json bitte: {csv}",
            "konvertiere {records} in CSV",
        ],
        "group": [
            "gruppiere {records} nach {col} und summiere {ncol}",
            "Summe von {ncol} pro {col}: {records}",
            "gruppiere diese Datensätze nach {col}: {records}",
            "zähle die Zeilen pro {col} in {records}",
        ],
    },
    "api_request": {
        "call": [
            "ruf {url_api} auf",
            "ruf die API unter {url_api} auf",
            "schick eine Anfrage an {url_api}",
            "frag {url_api} ab und zeig mir die Antwort",
            "ruf den Endpoint {url_api} auf",
        ],
        "method": [
            "schick einen {method}-Request an {url_api}",
            "{method} {url_api}",
            "mach einen {method} auf {url_api}",
            "{method}-Anfrage an {url_api} bitte",
        ],
        "post": [
            ("POST {json} an {url_api}", POST),
            ("schick {json} per POST an {url_api}", POST),
            ("poste diesen Body {json} an {url_api}", POST),
        ],
        "fetch_json": [
            "hol das JSON von {url_api}",
            "hol die Daten von der API {url_api}",
            "was liefert {url_api} zurück?",
            "was ist die Antwort von {url_api}?",
            "prüf den Status von {url_api}",
        ],
    },
    "web_scrape": {
        "read": [
            "lies die Seite {url_page}",
            "lies mir {url_page} vor",
            "öffne {url_page} und sag mir, was drinsteht",
            "was steht auf der Seite {url_page}?",
        ],
        "summarize": [
            "fasse {url_page} zusammen",
            "gib mir eine Zusammenfassung dieses Artikels: {url_page}",
            "kurz zusammengefasst: {url_page}",
            "worum geht's auf dieser Seite? {url_page}",
        ],
        "parts": [
            "wie lautet der Titel von {url_page}?",
            "hol alle Links von {url_page}",
            "liste die Links auf {url_page}",
            "gib mir die Schlagzeile von {url_page}",
        ],
        "scrape": [
            "scrape {url_page}",
            "extrahiere den Text von {url_page}",
            "zieh den Inhalt von {url_page}",
            "hol den Inhalt der Webseite {url_page}",
        ],
    },
    "database_query": {
        "sql": [
            "führe {sql_select} aus",
            "führ diese Abfrage aus: {sql_select}",
            "{sql_select}",
            "frag die DB ab: {sql_select}",
            "kannst du dieses SQL laufen lassen? {sql_select}",
        ],
        "show_rows": [
            ("zeig mir alle Zeilen der Tabelle {table}", SELECT_ALL),
            ("was steht in der Tabelle {table}?", SELECT_ALL),
            ("liste alles aus der Tabelle {table}", SELECT_ALL),
            ("zeig mir die Tabelle {table} aus der Datenbank", SELECT_ALL),
        ],
        "count": [
            ("wie viele Zeilen hat {table}?", COUNT_ALL),
            ("zähle die Einträge in der Tabelle {table}", COUNT_ALL),
            ("wie viele {table} haben wir in der Datenbank?", COUNT_ALL),
        ],
        "tables": [
            "welche Tabellen gibt es in der Datenbank?",
            "liste die Tabellen der DB",
            "welche Tabellen existieren?",
            "zeig das Datenbankschema",
        ],
    },
    "database_execute": {
        "sql": [
            "führe {sql_exec} aus",
            "lass {sql_exec} laufen",
            "{sql_exec}",
            "wende dieses Statement an: {sql_exec}",
            "bitte führ dieses SQL aus: {sql_exec}",
        ],
        "create": [
            ("erstelle eine Tabelle {table} mit den Spalten {cols}", CREATE),
            ("leg eine Tabelle namens {table} mit {cols} an", CREATE),
            ("Tabelle {table} anlegen ({cols})", CREATE),
            ("ich brauche eine neue Tabelle {table} mit {cols}", CREATE),
        ],
        "insert": [
            "füge eine Zeile in {table} ein",
            "leg einen neuen Datensatz in der Tabelle {table} an",
            "füge {name} zur Tabelle {table} hinzu",
            "trag {name} in {table} ein",
        ],
        "delete_update": [
            ("lösch alles aus {table}", DELETE_ALL),
            ("entferne alle Zeilen aus der Tabelle {table}", DELETE_ALL),
            "lösche die Zeile mit id {small} aus {table}",
            "aktualisiere {table}: Preis auf {small} setzen, wo id 2 ist",
        ],
    },
    "none": {
        "greet": [
            "hallo",
            "hi!",
            "servus",
            "guten Morgen",
            "wie geht's?",
            "danke!",
            "vielen lieben Dank",
            "tschüss",
            "bis später",
            "was geht?",
            "moin",
            "freut mich",
        ],
        "about_you": [
            "wie heißt du?",
            "wer hat dich gebaut?",
            "bist du ein Roboter?",
            "was kannst du?",
            "hast du Gefühle?",
            "bist du schlauer als ChatGPT?",
        ],
        "knowledge": [
            "warum ist der Himmel blau?",
            "wer hat Hamlet geschrieben?",
            "was ist die Hauptstadt von Australien?",
            "wie entstehen Vulkane?",
            "wann endete der Zweite Weltkrieg?",
            "wie viele Planeten hat das Sonnensystem?",
            "warum regnet es?",
            "wer hat die Mona Lisa gemalt?",
        ],
        "opinion": [
            "was hältst du von Homeoffice?",
            "ist Kaffee ungesund?",
            "was ist besser, Katzen oder Hunde?",
            "was ist dein Lieblingsfilm?",
            "soll ich Gitarre oder Klavier lernen?",
            "lohnt sich ein Elektroauto?",
        ],
        "creative": [
            "schreib ein Gedicht über das Meer",
            "erzähl mir einen Witz",
            "schreib eine kurze Geschichte über einen Drachen",
            "denk dir einen Slogan für eine Bäckerei aus",
            "schreib ein Haiku über den Herbst",
            "finde einen Namen für meine Katze",
        ],
        "mention_def": [
            "was ist {subject}?",
            "{subject} – was ist das genau?",
            "was bedeutet {subject}?",
            "definiere {subject}",
            "kannst du mir {subject} erklären?",
        ],
        "mention_talk": [
            "erzähl mir was über {subject}",
            "erklär {subject} einfach",
            "ich interessiere mich für {subject}",
            "gib mir einen kurzen geschichtlichen Überblick: {subject}",
            "warum ist {subject} wichtig?",
        ],
        "mention_tool": [
            "wofür steht JSON?",
            "wer hat den Taschenrechner erfunden?",
            "ist Web Scraping legal?",
            "was ist der Unterschied zwischen Prozess und Thread?",
            "wie funktionieren Zeitzonen?",
            "warum gibt es die Sommerzeit?",
            "welche Datenbank ist gut für Anfänger?",
            "was ist SQL-Injection und wie verhindere ich sie?",
            "was macht ein gutes API-Design aus?",
            "ist beim Zocken RAM oder CPU wichtiger?",
        ],
        "city_chat": [
            "ich liebe {city}",
            "{city} ist so schön",
            "nächste Woche fliege ich nach {city}!",
            "was isst man gut in {city}?",
            "erzähl mir von {city}",
            "wie groß ist {city}?",
            "ist es teuer, in {city} zu leben?",
        ],
        "numbers_chat": [
            "ich habe {small} Katzen",
            "mein Sohn ist heute {small} geworden!",
            "ich bin heute Morgen {small} km gelaufen",
            "ich bin 1990 geboren",
            "mein Flug geht morgen um 10:30",
            "letzte Nacht gab es 3 cm Schnee",
            "ich hab 85 Punkte in der Prüfung",
            "Kapitel 12 war so langweilig",
            "hab nur 4 Stunden geschlafen",
        ],
        "howto_code": [
            "wie lese ich eine Datei in Python?",
            "wie sortiert man eine Liste in JavaScript",
            "wie ist die Syntax für einen SQL-Join?",
            "wie setze ich eine Umgebungsvariable unter Windows?",
            "wie parse ich JSON in Go?",
            "wie mache ich einen HTTP-Request mit curl?",
            "wie beende ich einen Prozess unter Linux?",
        ],
        "feelings": [
            "ich bin heute so müde",
            "hatte einen harten Tag bei der Arbeit",
            "mir ist langweilig",
            "ich bin heute gut drauf",
            "ich kann nicht schlafen",
            "meine Katze ist krank",
            "Montage sind doof",
        ],
    },
    "time_now+calculator": {
        "and": [
            "wie spät ist es in {city}, und was ist {expr}?",
            "Uhrzeit in {city} und außerdem {expr}?",
            "berechne {expr} und sag mir die Uhrzeit in {city}",
            "{expr}? und wie spät ist es eigentlich in {city}?",
        ],
    },
    "system_info+process_list": {
        "and": [
            "zeig mir die Systeminfos und die Top-Prozesse",
            "wie viel RAM hab ich und was nutzt ihn?",
            "gib mir die Specs der Maschine und die laufenden Prozesse",
            "OS-Version und Prozessliste bitte",
        ],
    },
    "file_list+file_read": {
        "and": [
            "liste die Dateien in {folder} und öffne {file}",
            "was ist in {folder}? zeig mir auch {file}",
            "zeig {file} und dann liste {folder}",
        ],
    },
    "calculator+file_write": {
        "and": [
            "berechne {expr} und speichere das Ergebnis in {file}",
            "rechne {expr} aus und schreib es in {file}",
            "mach {expr} und leg die Antwort in {file} ab",
        ],
    },
}

_MORE: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "how_much": [
            "wie viel macht {expr}?",
            "wie viel wäre {expr}?",
            "und {expr}, wie viel genau?",
            "was macht {expr} zusammen?",
        ],
        "help_me": [
            "hilf mir bei {expr}",
            "kannst du {expr} für mich machen?",
            "ich brauche das Ergebnis von {expr}",
            "Hilfe: {expr}",
            "rechne {expr} durch",
        ],
        "polite": [
            "könnten Sie bitte {calc_words} berechnen?",
            "würdest du {expr} ausrechnen?",
            "kannst du mir sagen, was {calc_words} ist?",
            "bitte rechne mir {calc_words} aus",
        ],
        "word_problem": [
            ("ich habe {a} Artikel zu je {b} Euro gekauft, was macht das zusammen?", MUL),
            ("wenn ich {a} Kisten mit je {b} Äpfeln habe, wie viele Äpfel sind das?", MUL),
            ("wir sind {b} Leute und teilen eine Rechnung von {a} Euro, wie viel pro Person?", DIV),
            ("ich hatte {a} Euro und habe {b} ausgegeben, wie viel bleibt übrig?", SUB),
        ],
        "result": [
            "Ergebnis von {calc_words}?",
            "{calc_words} ist gleich was?",
            "Antwort auf {expr}?",
            "{expr} -> ?",
        ],
    },
    "time_now": {
        "clock": [
            "was zeigt die Uhr in {city}?",
            "wie viel Uhr genau ist es in {city}?",
            "wie spät dürfte es in {city} sein?",
            "ist es in {city} schon spät?",
        ],
        "need_time": [
            "ich brauche die aktuelle Uhrzeit in {city}",
            "schau mal nach der Uhrzeit in {city}",
            "kannst du mir die Uhrzeit in {city} sagen?",
            "prüf, wie spät es in {city} ist",
        ],
        "zone": [
            "aktuelle Uhrzeit in {zone}",
            "wie spät ist es in {zone}?",
            "Uhrzeit jetzt für die Zeitzone {zone}",
            "now() in {zone}",
        ],
        "date_more": [
            "den Wievielten haben wir?",
            "welcher Wochentag ist heute?",
            "welchen Monat haben wir?",
            "welches Jahr haben wir?",
            "ist heute Montag?",
        ],
    },
    "file_read": {
        "contents": [
            "zeig den Inhalt von {file}",
            "Inhalt von {file}?",
            "druck {file} aus",
            "gib den Inhalt von {file} aus",
        ],
        "look": [
            "schau in {file} und sag mir, was drinsteht",
            "prüf, was in {file} ist",
            "wirf einen Blick in {file}",
            "überflieg {file}",
        ],
        "summarize_file": [
            "fasse {file} zusammen",
            "gib mir eine Zusammenfassung von {file}",
            "worum geht's in {file}?",
            "tl;dr von {file}",
        ],
        "load": [
            "lade {file}",
            "öffne die Datei {file}",
            "hol {file}",
            "hol {file} aus dem Arbeitsbereich",
        ],
    },
    "file_write": {
        "save_file": [
            "speicher das in {file}: {content}",
            "sichere den Text {content} als {file}",
            'speichere "{content}" in einer Datei namens {file}',
        ],
        "overwrite": [
            'überschreibe {file} mit "{content}"',
            "ersetze den Inhalt von {file} durch {content}",
            'setz {file} auf "{content}"',
        ],
        "put_line": [
            "schreib die Zeile {content} in {file}",
            'schreib eine Datei {file}, in der "{content}" steht',
            "lass in {file} {content} stehen",
        ],
        "log": [
            ('protokolliere "{content}" in {file}', APPEND),
            ("merk dir das in {file}: {content}", APPEND),
            ("füge {file} eine Notiz hinzu: {content}", APPEND),
        ],
    },
    "file_list": {
        "show_dir": [
            "zeig mir das Verzeichnis {folder}",
            "Inhalt des Verzeichnisses {folder}",
            "zeig die Dateien in {folder}",
            "stell den Ordner {folder} dar",
        ],
        "browse": [
            "durchsuche {folder}",
            "was steckt im Ordner {folder}?",
            "guck mal in {folder}",
            "öffne den Ordner {folder}",
        ],
        "tree": [
            "zeig den Verzeichnisbaum von {folder}",
            "liste {folder} rekursiv",
            "tree {folder}",
            "zeig alles unter {folder}, auch Unterordner",
        ],
        "any_files": [
            "gibt es Dateien in {folder}?",
            "ist {folder} leer?",
            "wie viele Dateien sind in {folder}?",
        ],
    },
    "system_info": {
        "machine": [
            "erzähl mir was über diese Maschine",
            "was für ein Rechner ist das?",
            "Infos zu diesem Computer",
            "worauf läufst du?",
        ],
        "resources": [
            "wie viel Speicher und Platte hat dieser Server?",
            "prüf den freien Arbeitsspeicher",
            "prüf die Festplattenbelegung",
            "wie voll ist die Platte?",
        ],
        "cpu": [
            "welche CPU steckt in der Maschine?",
            "wie viele Kerne haben wir?",
            "Prozessor-Infos bitte",
            "welchen Prozessor nutzt dieser Rechner?",
        ],
    },
    "process_list": {
        "running_apps": [
            "welche Apps laufen gerade?",
            "welche Programme sind gerade offen?",
            "zeig die laufenden Programme",
            "was läuft auf dieser Kiste?",
        ],
        "memory_usage": [
            "welche Prozesse brauchen am meisten Speicher?",
            "sortiere die Prozesse nach Speicher",
            "Speicherfresser?",
            "was frisst meinen RAM?",
        ],
        "task_manager": [
            "öffne den Task-Manager",
            "zeig mir top",
            "was läuft, so wie htop",
            "Prozessmonitor bitte",
        ],
        "pid": [
            "was ist die PID von {proc}?",
            "zeig den Prozess {proc} mit PID",
            "wie viel CPU braucht {proc}?",
            "wie viel Speicher belegt {proc}?",
        ],
    },
    "environment": {
        "what_var": [
            "was ist der Wert der Umgebungsvariable {env}?",
            "prüf {env}",
            "ist {env} gesetzt?",
            "hab ich {env} definiert?",
        ],
        "env_all": [
            "zeig meine Umgebung",
            "was ist in meiner Umgebung?",
            "gib alle Umgebungsvariablen aus",
            "env auflisten",
        ],
        "which_setting": [
            "welches {env} benutze ich?",
            "wie ist {env} hier eingestellt?",
            "lies mir die Variable {env} vor",
        ],
    },
    "statistics": {
        "analyze": [
            "analysiere diese Zahlen: {nums}",
            "werte diese Daten aus {nums}",
            "mach Statistik über {nums}",
            "Zahlen: {nums}. beschreib sie",
        ],
        "range_minmax": [
            "was sind Maximum und Minimum von {nums}?",
            "Spannweite von {nums}",
            "Summe und Mittelwert von {nums}",
            "die größte und die kleinste Zahl in {nums}",
        ],
        "spread_q": [
            "wie stark streuen {nums}?",
            "wie sehr schwanken {nums}?",
            "gibt es viel Streuung in {nums}?",
        ],
        "dataset": [
            "für den Datensatz {nums} bitte den Mittelwert",
            "Daten: {nums}. Median?",
            "Stichprobe {nums}: Standardabweichung?",
        ],
    },
    "json_parse": {
        "check_syntax": [
            "prüf die Syntax von diesem json {json}",
            "hat dieses JSON Fehler? {json}",
            "ist {json} wohlgeformt?",
            "lint dieses json: {json}",
        ],
        "structure": [
            "welche Struktur hat {json}?",
            "wie ist dieses JSON aufgebaut: {json}",
            "zerleg mir dieses JSON {json}",
        ],
        "clean": [
            "räum dieses JSON auf {json}",
            "mach {json} lesbar",
            "formatier {json} sauber neu",
        ],
    },
    "json_query": {
        "jmespath": [
            "jmespath {jpath} auf {jdoc}",
            "werte {jpath} gegen {jdoc} aus",
            "{jpath} von {jdoc}?",
        ],
        "find_value": [
            "finde {key} in {jdoc}",
            "schlag {key} in diesem json nach {jdoc}",
            "wo steht {key} in {jdoc}?",
        ],
        "select_field": [
            "wähle das Feld {key} aus {jdoc}",
            "nur {key} aus {jdoc} bitte",
            "ich will nur {key} aus {jdoc}",
        ],
    },
    "data_transform": {
        "select_cols": [
            "behalte nur die Spalte {col} von {records}",
            "wähle {col} aus diesen Datensätzen {records}",
            "lösch alles außer {col}: {records}",
        ],
        "top_n": [
            "die 2 Zeilen mit dem höchsten {ncol} in {records}",
            "die 2 größten {ncol} aus {records}",
            "welche Zeile hat das größte {ncol}? {records}",
        ],
        "to_csv": [
            "mach aus {records} eine CSV-Tabelle",
            "exportiere {records} als csv",
            "erzeug ein csv aus {records}",
        ],
        "aggregate": [
            "Durchschnitt von {ncol} je {col} in {records}",
            "summiere {ncol} für jedes {col}: {records}",
            "maximales {ncol} pro {col} in {records}",
        ],
    },
    "api_request": {
        "endpoint": [
            "was liefert der Endpoint {url_api}?",
            "ping {url_api}",
            "teste die API {url_api}",
        ],
        "http_get": [
            "mach einen HTTP GET auf {url_api}",
            "GET-Request an {url_api} bitte",
            "curl {url_api}",
            "lade {url_api}",
        ],
        "send_data": [
            ("schick dieses JSON {json} an {url_api}", POST),
            ("übermittle {json} an die API unter {url_api}", POST),
        ],
        "delete": [
            ("schick ein DELETE an {url_api}", {"api_request": {"method": "DELETE"}}),
            ("lösch die Ressource unter {url_api}", {"api_request": {"method": "DELETE"}}),
        ],
    },
    "web_scrape": {
        "website": [
            "was steht auf der Website {url_page}?",
            "schau dir die Seite {url_page} an",
            "besuch {url_page}",
            "geh auf {url_page} und sag mir, was da ist",
        ],
        "article": [
            "lies mir diesen Artikel vor {url_page}",
            "was sagt dieser Artikel? {url_page}",
            "kannst du {url_page} lesen und erklären?",
        ],
        "text": [
            "hol den Text von {url_page}",
            "lade die Seite {url_page} und zeig den Text",
            "nimm den Seiteninhalt von {url_page}",
        ],
        "headlines": [
            "was sind die Schlagzeilen auf {url_page}?",
            "was gibt's Neues auf {url_page}?",
            "Top-Meldungen von {url_page}",
        ],
    },
    "database_query": {
        "sql_prefix": [
            "SQL: {sql_select}",
            "Abfrage: {sql_select}",
            "db {sql_select}",
            "sqlite> {sql_select}",
        ],
        "get_all": [
            ("hol alle {table} aus der Datenbank", SELECT_ALL),
            ("zieh jeden Datensatz aus {table}", SELECT_ALL),
            ("dump die Tabelle {table}", SELECT_ALL),
        ],
        "look_up": [
            "such {name} in der Tabelle {table}",
            "durchsuche die Tabelle {table} nach {name}",
            "ist {name} in {table}?",
            "finde {name} in der DB",
        ],
        "aggregate_db": [
            "was ist der Durchschnittspreis in der Tabelle products?",
            "wie hoch ist die Summe in payments?",
            "höchstes Gehalt in employees?",
            "welcher Film hat die beste Bewertung in der Datenbank?",
        ],
    },
    "database_execute": {
        "add_row": [
            "füge {table} eine Zeile mit dem Namen {name} hinzu",
            "pack {name} in die Tabelle {table}",
            "erfasse {name} in der Tabelle {table}",
            "speichere {name} als neuen Eintrag in {table}",
        ],
        "clear": [
            ("leere die Tabelle {table}", DELETE_ALL),
            ("wisch die Tabelle {table} leer", DELETE_ALL),
            ("räum die Tabelle {table} komplett leer", DELETE_ALL),
        ],
        "make_table": [
            ("richte eine Tabelle {table} ein ({cols})", CREATE),
            ("neue Tabelle {table} mit den Feldern {cols}", CREATE),
            ("füg der Datenbank eine Tabelle {table} mit {cols} hinzu", CREATE),
        ],
        "update": [
            "ändere das Alter von {name} in {table} auf {small}",
            "setz done auf 1 für id {small} in {table}",
            "benenne Zeile {small} in {table} in {name} um",
            "markiere Aufgabe {small} in der DB als erledigt",
        ],
    },
    "none": {
        "math_talk": [
            "ich hasse Mathe",
            "Mathe war mein Lieblingsfach",
            "wer hat die Algebra erfunden?",
            "was ist eine Primzahl?",
            "ist 7 eine Glückszahl?",
            "warum darf man nicht durch null teilen?",
            "wie werde ich besser im Kopfrechnen?",
        ],
        "time_talk": [
            "die Zeit vergeht so schnell!",
            "ich habe nie genug Zeit",
            "wann ist die beste Reisezeit für {city}?",
            "wie lange fliegt man nach {city}?",
            "ich komme immer zu spät, Tipps?",
            "magst du Morgen?",
        ],
        "file_talk": [
            "ich habe gestern alle meine Dateien verloren",
            "wie organisiere ich meine Dateien am besten?",
            "wie soll ich einen Ordner nennen?",
            "meine Festplatte macht komische Geräusche",
            "ist Cloud-Speicher sicher?",
        ],
        "web_talk": [
            "was ist deine Lieblingswebsite?",
            "ist Wikipedia zuverlässig?",
            "wie funktioniert die Google-Suche?",
            "wer hat das Internet erfunden?",
            "welche Nachrichtenseite empfiehlst du?",
        ],
        "db_talk": [
            "soll ich postgres oder mysql nehmen?",
            "was ist ein Primärschlüssel?",
            "wie indizieren Datenbanken Daten?",
            "ist NoSQL besser als SQL?",
            "was ist der Unterschied zwischen Tabelle und View?",
        ],
        "other_tasks": [
            "übersetze hallo ins Französische",
            "stell einen Wecker auf 7 Uhr",
            "schick Bob eine E-Mail",
            "reservier heute Abend einen Tisch für zwei",
            "spiel Musik ab",
            "mach das Licht aus",
            "erinnere mich morgen daran, Mama anzurufen",
            "bestell eine Pizza",
        ],
        "advice": [
            "wie kann ich besser schlafen?",
            "Tipps zum Sprachenlernen?",
            "wie mache ich Pfannkuchen?",
            "was koche ich heute Abend?",
            "wie bleibe ich motiviert?",
            "Tipps fürs Vorstellungsgespräch?",
        ],
        "followups": [
            "ok danke",
            "cool",
            "das ist falsch",
            "kannst du das nochmal erklären?",
            "vergiss es",
            "verstanden",
            "hmm interessant",
            "wie meinst du das?",
        ],
    },
    "statistics+calculator": {
        "and": [
            "Mittelwert von {nums} und außerdem {expr}",
            "was ist der Durchschnitt von {nums}? und {expr}?",
            "berechne {expr} und dann den Median von {nums}",
        ],
    },
    "web_scrape+file_write": {
        "and": [
            "lies {url_page} und speichere es in {file}",
            "scrape {url_page} und schreib den Text in {file}",
            "fasse {url_page} zusammen und leg die Zusammenfassung in {file} ab",
        ],
    },
    "database_execute+database_query": {
        "and": [
            "erstelle die Tabelle {table} ({cols}) und zeig dann alle Zeilen",
            "füg {name} in {table} ein und liste die Tabelle",
            "lösch alles aus {table} und zähl, was übrig ist",
        ],
    },
}


_THIRD: dict[str, dict[str, list[Any]]] = {
    "environment": {
        "umgebung": [
            "zeig mir die Umgebung",
            "was ist in der Umgebung gesetzt?",
            "Umgebung bitte",
            "{env} in der Umgebung?",
            "wie sieht meine Umgebung aus?",
        ]
    },
    "database_query": {
        "zeilen": [
            "finde die Zeilen zu {name} in der Tabelle {table}",
            "welche Zeilen in {table} enthalten {name}?",
            "zeig den Datensatz von {name} aus der Tabelle {table}",
            "frag die Tabelle {table} ab",
        ]
    },
    "database_execute": {
        "eintragen": [
            "füge {name} als neue Zeile in {table} ein",
            "trag {name} in die Tabelle {table} ein",
            "neue Zeile in {table}: {name}",
            "nimm {name} in die Tabelle {table} auf",
        ]
    },
    "time_now": {
        "uhr": [
            "ist es in {city} gerade spät oder früh?",
            "welche Uhrzeit haben die in {city}?",
            "Uhrzeit drüben in {city}?",
            "Uhr in {city}?",
        ]
    },
    "process_list": {
        "laeuft": [
            "was läuft gerade?",
            "welche Prozesse sind aktiv?",
            "läuft was Schweres?",
            "läuft {proc} noch?",
        ]
    },
    "system_info": {
        "pruefen": [
            "prüf den RAM",
            "wie viel RAM ist gerade frei?",
            "wie groß ist die Festplatte?",
            "welches OS und wie viel Speicher hat der Server?",
        ]
    },
    "json_query": {
        "wo_ist": [
            "wo steht {key} in {jdoc}?",
            "was ist {key} in {jdoc}?",
            "gib mir {key} aus {jdoc}",
        ]
    },
    "none": {
        "zeit": [
            "ich brauche mehr Zeit zum Nachdenken",
            "wurde auch Zeit!",
            "das waren schöne Zeiten",
            "lass dir Zeit",
            "wie lange braucht man, um Klavier zu lernen?",
            "wie ist das Wetter in Berlin?",
        ]
    },
}

_FOURTH: dict[str, dict[str, list[Any]]] = {
    "data_transform": {
        "rows_cols": [
            "nur die Spalte {col} bitte: {records}",
            "aus diesen Zeilen nur {col} behalten: {records}",
            "fasse die Zeilen von {records} nach {col} zusammen",
            "wie viele Zeilen pro {col}? {records}",
        ]
    },
    "json_query": {
        "key_lookup": [
            "schlag den Schlüssel {key} in {jdoc} nach",
            "welchen Wert hat der Schlüssel {key} in {jdoc}?",
            "lies {key} aus diesem json: {jdoc}",
        ]
    },
}

FAMILIES: dict[str, dict[str, list[Any]]] = merge(_FIRST, _MORE, _THIRD, _FOURTH)

# Ways of joining two requests into one ("{0} and {1}"): composed two-tool requests.
CONJUNCTIONS: dict[str, list[str]] = {
    "und": ["{0} und {1}", "{0}, und {1}"],
    "dann": ["{0}, dann {1}", "{0} und dann {1}", "erst {0}, dann {1}"],
    "ausserdem": ["{0}. außerdem {1}", "{0}? und außerdem {1}", "{0}, und auch {1}"],
    "plus": ["{0}; {1}", "{0}. {1}", "{0} + {1}"],
    "danach": ["{0}, danach {1}", "{0}. wenn fertig, {1}", "{0}, und anschließend {1}"],
}
