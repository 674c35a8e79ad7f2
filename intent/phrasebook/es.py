"""Spanish phrasings: each family is one way of asking, with its paraphrases."""

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
        "+": ["{a} más {b}", "{a} + {b}", "{a} y {b} sumados"],
        "-": ["{a} menos {b}"],
        "*": ["{a} por {b}", "{a} multiplicado por {b}", "{a} x {b}"],
        "/": ["{a} entre {b}", "{a} dividido por {b}", "{a} dividido entre {b}"],
    },
    "numbers": [
        "uno",
        "dos",
        "tres",
        "cuatro",
        "cinco",
        "seis",
        "siete",
        "ocho",
        "nueve",
        "diez",
        "once",
        "doce",
    ],
    "and": " y ",
    "content": [
        "comprar leche",
        "llamar a mamá a las 6",
        "la reunión pasa al viernes",
        "hola mundo",
        "regar las plantas",
        "la clave del wifi está en la nevera",
        "TODO: arreglar el login",
        "recoger a los niños a las 3",
        "borrador del informe trimestral",
        "ideas para la fiesta",
        "dentista el martes",
        "pagar el alquiler",
        "terminar el capítulo 4",
        "reservar vuelos a Lisboa",
    ],
    "subject": [
        "una calculadora",
        "JSON",
        "la inyección SQL",
        "una API",
        "el web scraping",
        "las variables de entorno",
        "una zona horaria",
        "el horario de verano",
        "una base de datos",
        "un archivo CSV",
        "la desviación estándar",
        "la mediana",
        "un sistema operativo",
        "un proceso en Linux",
        "la memoria RAM",
        "una CPU",
        "una API REST",
        "HTML",
        "una hoja de cálculo",
        "un sistema de archivos",
        "el aprendizaje automático",
        "el teorema de Pitágoras",
        "el álgebra",
        "la hora de Greenwich",
        "el protocolo HTTP",
        "SQL",
        "JMESPath",
        "un archivo de texto",
    ],
}

_FIRST: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "q_symbols": [
            "¿cuánto es {expr}?",
            "¿Cuánto da {expr}?",
            "cuanto es {expr}",
            "¿qué resultado da {expr}?",
            "¿{expr} es igual a?",
        ],
        "imperative": [
            "calcula {expr}",
            "calcúlame {expr}",
            "por favor, calcula {expr}.",
            "¿puedes resolver {expr}?",
            "haz la cuenta: {expr}",
            "evalúa {expr}",
        ],
        "words": [
            "¿cuánto es {calc_words}?",
            "{calc_words}, ¿cuánto da?",
            "¿cuánto son {calc_words}?",
            "dime cuánto es {calc_words}",
        ],
        "terse": ["{expr} =", "{expr}=?", "{expr} ?", "cuenta rápida: {expr}", "calc {expr} porfa"],
        "verbs": [
            ("suma {a} y {b}", ADD),
            ("multiplica {a} por {b}", MUL),
            ("divide {a} entre {b}", DIV),
            ("réstale {b} a {a}", SUB),
            ("¿cuál es la suma de {a} y {b}?", ADD),
            ("¿cuál es el producto de {a} y {b}?", MUL),
        ],
        "special": [
            ("¿cuál es la raíz cuadrada de {n}?", SQRT),
            ("¿el {p}% de {n}?", PCT),
            ("¿cuánto es el {p} por ciento de {n}?", PCT),
            ("{b} al cuadrado", SQUARE),
            ("factorial de {small}", FACT),
            ("¿cuánto es una propina del {p}% sobre {n} euros?", PCT),
        ],
    },
    "time_now": {
        "q_time_in": [
            "¿qué hora es en {city}?",
            "¿Qué hora es ahora en {city}?",
            "que hora es en {city}",
            "¿sabes qué hora es en {city}?",
            "¿qué hora tienen en {city}?",
        ],
        "current": [
            "hora actual en {city}",
            "la hora en {city} ahora mismo",
            "hora local de {city}",
            "¿hora local en {city}?",
            "{city} hora actual",
        ],
        "date": [
            "¿qué fecha es hoy?",
            "¿qué día es hoy?",
            "dime la fecha de hoy",
            "¿qué día es hoy en {city}?",
            "¿a qué fecha estamos en {city}?",
        ],
        "casual": [
            "¿es de mañana en {city} ahora?",
            "¿ya es de noche en {city}?",
            "dime la hora de {city}",
            "¿me das la hora actual de {city}? gracias",
            "oye, ¿qué hora es allá en {city}?",
        ],
        "bare": [
            "¿qué hora es?",
            "¿qué hora es ahora?",
            "que hora es",
            "¿tienes la hora?",
            "dime la hora",
        ],
    },
    "file_read": {
        "open_show": [
            "abre {file} y enséñamelo",
            "muéstrame {file}",
            "enséñame qué hay en {file}",
            "muestra el contenido de {file}",
            "¿puedes abrir {file}?",
        ],
        "read": [
            "lee {file}",
            "léeme {file}",
            "por favor, lee el archivo {file}",
            "cat {file}",
            "imprime {file}",
        ],
        "question": [
            "¿qué dice {file}?",
            "¿qué pone en {file}?",
            "¿qué hay dentro de {file}?",
            "¿qué contiene el archivo {file}?",
            "dime qué tiene {file}",
        ],
        "casual": [
            "ábreme {file} porfa",
            "a ver {file}",
            "necesito el contenido de {file}",
            "contenido de {file} plis",
            "pásame el texto de {file}",
        ],
    },
    "file_write": {
        "write_to": [
            'escribe "{content}" en {file}',
            "escribe {content} en el archivo {file}",
            'pon "{content}" en {file}',
            'guarda "{content}" en {file}',
        ],
        "create": [
            'crea un archivo llamado {file} con el texto "{content}"',
            "haz un archivo nuevo {file} que diga {content}",
            'crea {file} y escribe "{content}" dentro',
            "archivo nuevo {file}: {content}",
        ],
        "append": [
            ('añade "{content}" al final de {file}', APPEND),
            ('agrega una línea "{content}" a {file}', APPEND),
            ("anexa {content} a {file}", APPEND),
        ],
        "note": [
            'apunta "{content}" en {file}',
            "anota {content} en {file} por favor",
            "guarda esto en {file}: {content}",
            "guárdame una nota en {file} que diga {content}",
        ],
    },
    "file_list": {
        "list": [
            "lista los archivos de {folder}",
            "lista los ficheros de la carpeta {folder}",
            "enumera todo lo que hay en {folder}/",
            "muestra los archivos dentro de {folder}",
        ],
        "question": [
            "¿qué archivos hay en {folder}?",
            "¿qué hay en el directorio {folder}?",
            "¿qué ficheros tiene {folder}?",
            "¿qué tengo en {folder}?",
        ],
        "terse": [
            "ls {folder}",
            "ls -la {folder}",
            "dir {folder}",
            "¿archivos en {folder}?",
            "contenido de la carpeta {folder}",
        ],
        "workspace": [
            "¿qué archivos tengo?",
            "lista mis archivos",
            "muéstrame el espacio de trabajo",
            "¿qué hay en mi carpeta de trabajo?",
            "¿qué ficheros hay?",
        ],
    },
    "system_info": {
        "os": [
            "¿qué sistema operativo tiene esta máquina?",
            "¿qué SO es este?",
            "¿en qué sistema operativo corres?",
            "¿qué versión de linux tiene el servidor?",
            "¿esto es mac, windows o linux?",
        ],
        "memory_disk": [
            "¿cuánta RAM tiene este ordenador?",
            "¿cuánta memoria libre hay?",
            "¿cuánto espacio en disco queda?",
            "¿está lleno el disco?",
            "¿cuánto espacio libre tengo en esta máquina?",
        ],
        "specs": [
            "especificaciones del sistema, por favor",
            "muéstrame la información del sistema",
            "¿en qué hardware corre esto?",
            "¿cuántos núcleos de CPU tiene esta máquina?",
            "¿detalles de la máquina?",
        ],
        "python": [
            "¿qué versión de python está instalada aquí?",
            "¿qué python usas?",
            "¿versión de python en esta máquina?",
        ],
    },
    "process_list": {
        "list": [
            "lista los procesos en ejecución",
            "muéstrame los procesos que se están ejecutando",
            "¿qué procesos están corriendo?",
            "lista todos los procesos",
            "ps aux",
        ],
        "top": [
            "¿qué está usando más CPU?",
            "¿qué proceso se está comiendo la memoria?",
            "los 5 procesos que más memoria usan",
            "¿qué está acaparando la CPU ahora mismo?",
            "muestra los procesos más pesados",
        ],
        "is_running": [
            "¿está corriendo {proc}?",
            "¿hay algún proceso de {proc}?",
            "comprueba si {proc} se está ejecutando",
            "¿cuántos procesos de {proc} hay?",
            "busca el proceso {proc}",
        ],
    },
    "environment": {
        "show_var": [
            "muéstrame la variable {env}",
            "¿qué valor tiene {env}?",
            "¿cómo está configurada {env}?",
            "imprime el valor de {env}",
            "¿valor de ${env}?",
        ],
        "list": [
            "lista las variables de entorno",
            "muéstrame todas las variables de entorno",
            "¿qué variables de entorno hay definidas?",
            "vuelca el env",
            "variables de entorno, porfa",
        ],
        "terse": [
            "echo ${env}",
            "printenv {env}",
            "¿${env}?",
            "env {env}",
            "¿qué tiene la variable de entorno {env}?",
        ],
    },
    "statistics": {
        "mean": [
            "¿cuál es la media de {nums}?",
            "promedio de {nums}",
            "saca el promedio de estos números: {nums}",
            "media {nums}",
        ],
        "multi_stats": [
            "dame la media, la mediana y la desviación estándar de {nums}",
            "estadísticas de {nums}",
            "describe estos números: {nums}",
            "resumen estadístico de {nums}, por favor",
            "mínimo, máximo y media de {nums}",
        ],
        "spread": [
            "¿cuál es la desviación típica de {nums}?",
            "¿varianza de {nums}?",
            "mediana de {nums}",
            "¿cuál es la mediana aquí?: {nums}",
            "cuartiles de {nums}",
        ],
        "casual": [
            "mis notas fueron {nums}, ¿cuál es mi promedio?",
            "corrí {nums} km esta semana, ¿media por día?",
            "las ventas fueron {nums}, ¿cuál es la mediana?",
            "mis pasos diarios: {nums}. ¿la media?",
        ],
    },
    "json_parse": {
        "valid": [
            "¿es JSON válido? {json}",
            "comprueba si este JSON es válido: {json}",
            "valida este json {json}",
            "¿esto se puede parsear? {json}",
        ],
        "pretty": [
            "formatea bonito este JSON: {json}",
            "dame este json bien formateado {json}",
            "¿puedes indentar {json}?",
            "embellece este JSON: {json}",
        ],
        "parse": [
            "parsea este JSON: {json}",
            "parsea {json}",
            "json parse {json}",
            "lee este JSON y dime su estructura: {json}",
        ],
    },
    "json_query": {
        "get": [
            "obtén {jpath} de {jdoc}",
            "extrae {jpath} de este JSON: {jdoc}",
            "consulta {jdoc} con {jpath}",
            "aplica el JMESPath {jpath} a {jdoc}",
        ],
        "natural": [
            "en este JSON {jdoc}, ¿cuál es el {key}?",
            "en {jdoc} ¿qué valor tiene {key}?",
            "saca el campo {key} de {jdoc}",
            "¿qué {key} tiene este JSON? {jdoc}",
        ],
        "list": [
            "lista todos los valores de {key} en {jdoc}",
            "dame cada {key} de este JSON: {jdoc}",
            "¿qué {key} hay en {jdoc}?",
        ],
    },
    "data_transform": {
        "sort": [
            "ordena estas filas por {col}: {records}",
            "ordénalo por {col}: {records}",
            "ordena {records} por {col} de mayor a menor",
            "¿puedes ordenar estos datos por {col}? {records}",
        ],
        "filter": [
            "filtra {records} y deja las filas con {ncol} > {small}",
            "quédate solo con las filas con {ncol} mayor que {small}: {records}",
            "de {records} quita las filas con {ncol} menor que {small}",
            "¿qué filas tienen {ncol} por encima de {small}? {records}",
        ],
        "convert": [
            "convierte este CSV a JSON: {csv}",
            "pasa este csv a json {csv}",
            "csv a json por favor: {csv}",
            "convierte {records} a CSV",
        ],
        "group": [
            "agrupa {records} por {col} y suma {ncol}",
            "total de {ncol} por {col}: {records}",
            "agrupa estos registros por {col}: {records}",
            "cuenta las filas por {col} en {records}",
        ],
    },
    "api_request": {
        "call": [
            "llama a {url_api}",
            "llama a la API en {url_api}",
            "haz una petición a {url_api}",
            "consulta {url_api} y enséñame la respuesta",
            "llama al endpoint {url_api}",
        ],
        "method": [
            "envía una petición {method} a {url_api}",
            "{method} {url_api}",
            "haz un {method} a {url_api}",
            "petición {method} a {url_api}, porfa",
        ],
        "post": [
            ("haz POST de {json} a {url_api}", POST),
            ("envía {json} a {url_api} con POST", POST),
            ("postea este cuerpo {json} en {url_api}", POST),
        ],
        "fetch_json": [
            "trae el JSON de {url_api}",
            "obtén los datos de la API {url_api}",
            "¿qué devuelve {url_api}?",
            "¿cuál es la respuesta de {url_api}?",
            "comprueba el estado de {url_api}",
        ],
    },
    "web_scrape": {
        "read": [
            "lee la página {url_page}",
            "léeme {url_page}",
            "abre {url_page} y dime qué pone",
            "¿qué dice la página {url_page}?",
        ],
        "summarize": [
            "resume {url_page}",
            "hazme un resumen de este artículo: {url_page}",
            "resumen rápido de {url_page}",
            "¿de qué trata esta página? {url_page}",
        ],
        "parts": [
            "¿cuál es el título de {url_page}?",
            "saca todos los enlaces de {url_page}",
            "lista los links de {url_page}",
            "dame el titular de {url_page}",
        ],
        "scrape": [
            "scrapea {url_page}",
            "extrae el texto de {url_page}",
            "raspa el contenido de {url_page}",
            "saca el contenido de la web {url_page}",
        ],
    },
    "database_query": {
        "sql": [
            "ejecuta {sql_select}",
            "ejecuta esta consulta: {sql_select}",
            "{sql_select}",
            "consulta la bd: {sql_select}",
            "¿puedes correr este SQL? {sql_select}",
        ],
        "show_rows": [
            ("muéstrame todas las filas de la tabla {table}", SELECT_ALL),
            ("¿qué hay en la tabla {table}?", SELECT_ALL),
            ("lista todo lo de la tabla {table}", SELECT_ALL),
            ("enséñame la tabla {table} de la base de datos", SELECT_ALL),
        ],
        "count": [
            ("¿cuántas filas tiene {table}?", COUNT_ALL),
            ("cuenta los registros de la tabla {table}", COUNT_ALL),
            ("¿cuántos {table} hay en la base de datos?", COUNT_ALL),
        ],
        "tables": [
            "¿qué tablas hay en la base de datos?",
            "lista las tablas de la bd",
            "¿qué tablas existen?",
            "muestra el esquema de la base de datos",
        ],
    },
    "database_execute": {
        "sql": [
            "ejecuta {sql_exec}",
            "corre {sql_exec}",
            "{sql_exec}",
            "aplica esta sentencia: {sql_exec}",
            "por favor, ejecuta este SQL: {sql_exec}",
        ],
        "create": [
            ("crea una tabla {table} con las columnas {cols}", CREATE),
            ("haz una tabla llamada {table} con {cols}", CREATE),
            ("crea la tabla {table} ({cols})", CREATE),
            ("necesito una tabla nueva {table}, con {cols}", CREATE),
        ],
        "insert": [
            "inserta una fila en {table}",
            "añade un registro nuevo a la tabla {table}",
            "agrega a {name} a la tabla {table}",
            "inserta {name} en {table}",
        ],
        "delete_update": [
            ("borra todo de {table}", DELETE_ALL),
            ("elimina todas las filas de la tabla {table}", DELETE_ALL),
            "borra la fila con id {small} de {table}",
            "actualiza {table}: pon el precio a {small} donde id es 2",
        ],
    },
    "none": {
        "greet": [
            "hola",
            "¡hola!",
            "buenas",
            "buenos días",
            "¿cómo estás?",
            "¡gracias!",
            "muchísimas gracias",
            "adiós",
            "hasta luego",
            "¿qué tal?",
            "holi",
            "encantado de conocerte",
        ],
        "about_you": [
            "¿cómo te llamas?",
            "¿quién te creó?",
            "¿eres un robot?",
            "¿qué sabes hacer?",
            "¿tienes sentimientos?",
            "¿eres más listo que chatgpt?",
        ],
        "knowledge": [
            "¿por qué el cielo es azul?",
            "¿quién escribió Hamlet?",
            "¿cuál es la capital de Australia?",
            "¿cómo se forman los volcanes?",
            "¿cuándo terminó la Segunda Guerra Mundial?",
            "¿cuántos planetas hay en el sistema solar?",
            "¿por qué llueve?",
            "¿quién pintó la Mona Lisa?",
        ],
        "opinion": [
            "¿qué opinas del teletrabajo?",
            "¿el café es malo para la salud?",
            "¿qué es mejor, gatos o perros?",
            "¿cuál es tu película favorita?",
            "¿aprendo guitarra o piano?",
            "¿vale la pena comprar un coche eléctrico?",
        ],
        "creative": [
            "escribe un poema sobre el mar",
            "cuéntame un chiste",
            "escribe un cuento corto sobre un dragón",
            "dame un eslogan para una panadería",
            "escribe un haiku sobre el otoño",
            "ponle nombre a mi gato",
        ],
        "mention_def": [
            "¿qué es {subject}?",
            "¿qué significa {subject}?",
            "define {subject}",
            "¿me explicas qué es {subject}?",
            "{subject}, ¿qué es eso?",
        ],
        "mention_talk": [
            "háblame de {subject}",
            "explícame {subject} con palabras sencillas",
            "tengo curiosidad por {subject}",
            "dame una breve historia de {subject}",
            "¿por qué es importante {subject}?",
        ],
        "mention_tool": [
            "¿qué significan las siglas JSON?",
            "¿quién inventó la calculadora?",
            "¿es legal hacer web scraping?",
            "¿cuál es la diferencia entre un proceso y un hilo?",
            "¿cómo funcionan las zonas horarias?",
            "¿por qué existe el horario de verano?",
            "¿cuál es la mejor base de datos para principiantes?",
            "¿qué es la inyección SQL y cómo se evita?",
            "¿qué hace bueno el diseño de una API?",
            "¿para jugar importa más la RAM o la CPU?",
        ],
        "city_chat": [
            "me encanta {city}",
            "{city} es preciosa",
            "¡la semana que viene vuelo a {city}!",
            "¿qué se come bien en {city}?",
            "háblame de {city}",
            "¿qué tamaño tiene {city}?",
            "¿es caro vivir en {city}?",
        ],
        "numbers_chat": [
            "tengo {small} gatos",
            "¡mi hijo cumplió {small} años hoy!",
            "corrí {small} km esta mañana",
            "nací en 1990",
            "mi vuelo sale a las 10:30 mañana",
            "anoche cayeron 3 cm de nieve",
            "saqué un 85 en el examen",
            "el capítulo 12 fue aburridísimo",
            "solo dormí 4 horas",
        ],
        "howto_code": [
            "¿cómo leo un archivo en Python?",
            "cómo ordenar una lista en JavaScript",
            "¿cuál es la sintaxis de un JOIN en SQL?",
            "¿cómo pongo una variable de entorno en Windows?",
            "¿cómo se parsea JSON en Go?",
            "¿cómo hago una petición HTTP con curl?",
            "¿cómo mato un proceso en Linux?",
        ],
        "feelings": [
            "estoy agotado hoy",
            "tuve un día horrible en el trabajo",
            "me aburro",
            "hoy estoy feliz",
            "no puedo dormir",
            "mi gato está enfermo",
            "odio los lunes",
        ],
    },
    "time_now+calculator": {
        "and": [
            "¿qué hora es en {city} y cuánto es {expr}?",
            "hora en {city} y también {expr}",
            "calcula {expr} y dime la hora en {city}",
            "¿{expr}? y otra cosa, ¿qué hora es en {city}?",
        ],
    },
    "system_info+process_list": {
        "and": [
            "muéstrame la info del sistema y los procesos principales",
            "¿cuánta RAM tengo y qué la está usando?",
            "dame las especificaciones de la máquina y los procesos en ejecución",
            "versión del sistema operativo y lista de procesos, porfa",
        ],
    },
    "file_list+file_read": {
        "and": [
            "lista los archivos de {folder} y abre {file}",
            "¿qué hay en {folder}? y enséñame {file}",
            "muestra {file} y luego lista {folder}",
        ],
    },
    "calculator+file_write": {
        "and": [
            "calcula {expr} y guarda el resultado en {file}",
            "resuelve {expr} y escríbelo en {file}",
            "haz {expr} y pon la respuesta en {file}",
        ],
    },
}

_MORE: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "how_much": [
            "¿cuánto sale {expr}?",
            "¿cuánto daría {expr}?",
            "y {expr}, ¿cuánto es exactamente?",
            "¿a cuánto sale {expr}?",
        ],
        "help_me": [
            "ayúdame con {expr}",
            "¿me haces {expr}?",
            "necesito el resultado de {expr}",
            "ayuda: {expr}",
            "haz las cuentas de {expr}",
        ],
        "polite": [
            "¿podrías calcular {calc_words}, por favor?",
            "¿te importaría calcular {expr}?",
            "¿me podrías decir cuánto es {calc_words}?",
            "por favor, resuélveme {calc_words}",
        ],
        "word_problem": [
            ("compré {a} cosas a {b} euros cada una, ¿cuánto es en total?", MUL),
            ("si tengo {a} cajas con {b} manzanas cada una, ¿cuántas manzanas son?", MUL),
            ("somos {b} para pagar una cuenta de {a} euros, ¿cuánto pone cada uno?", DIV),
            ("tenía {a} euros y gasté {b}, ¿cuánto me queda?", SUB),
        ],
        "result": [
            "¿resultado de {calc_words}?",
            "{calc_words} es igual a ¿qué?",
            "¿respuesta a {expr}?",
            "{expr} -> ?",
        ],
    },
    "time_now": {
        "clock": [
            "¿qué marca el reloj en {city}?",
            "¿qué hora será ahora en {city}?",
            "¿a qué hora están en {city}?",
            "¿es muy tarde en {city}?",
        ],
        "need_time": [
            "necesito la hora actual de {city}",
            "mira la hora de {city}",
            "¿me puedes decir la hora en {city}?",
            "consulta qué hora es en {city}",
        ],
        "zone": [
            "hora actual en {zone}",
            "¿qué hora es en {zone}?",
            "hora ahora en la zona horaria {zone}",
            "now() en {zone}",
        ],
        "date_more": [
            "¿a qué fecha estamos?",
            "¿qué día de la semana es?",
            "¿en qué mes estamos?",
            "¿en qué año estamos?",
            "¿hoy es lunes?",
        ],
    },
    "file_read": {
        "contents": [
            "enséñame el contenido de {file}",
            "¿contenido de {file}?",
            "imprime el contenido de {file}",
            "saca por pantalla {file}",
        ],
        "look": [
            "mira {file} y dime qué pone",
            "revisa qué hay en {file}",
            "échale un vistazo a {file}",
            "ojea {file}",
        ],
        "summarize_file": [
            "resume {file}",
            "hazme un resumen de {file}",
            "¿de qué va {file}?",
            "resumen rápido de {file}",
        ],
        "load": [
            "carga {file}",
            "abre el archivo {file}",
            "tráeme {file}",
            "saca {file} del espacio de trabajo",
        ],
    },
    "file_write": {
        "save_file": [
            "guarda esto en {file}: {content}",
            "guarda el texto {content} como {file}",
            'guarda "{content}" en un archivo llamado {file}',
        ],
        "overwrite": [
            'sobrescribe {file} con "{content}"',
            "reemplaza el contenido de {file} por {content}",
            'deja {file} con el texto "{content}"',
        ],
        "put_line": [
            "pon la línea {content} en {file}",
            'escribe un archivo {file} que diga "{content}"',
            "haz que {file} diga {content}",
        ],
        "log": [
            ('registra "{content}" en {file}', APPEND),
            ("recuerda esto en {file}: {content}", APPEND),
            ("agrega una nota a {file}: {content}", APPEND),
        ],
    },
    "file_list": {
        "show_dir": [
            "muéstrame el directorio {folder}",
            "contenido del directorio {folder}",
            "enseña los archivos de {folder}",
            "despliega la carpeta {folder}",
        ],
        "browse": [
            "explora {folder}",
            "¿qué hay dentro de la carpeta {folder}?",
            "echa un ojo a {folder}",
            "abre la carpeta {folder}",
        ],
        "tree": [
            "muestra el árbol de carpetas de {folder}",
            "lista {folder} de forma recursiva",
            "tree {folder}",
            "enséñame todo lo que cuelga de {folder}",
        ],
        "any_files": [
            "¿hay archivos en {folder}?",
            "¿está vacía {folder}?",
            "¿cuántos archivos hay en {folder}?",
        ],
    },
    "system_info": {
        "machine": [
            "háblame de esta máquina",
            "¿qué máquina es esta?",
            "información de este ordenador",
            "¿sobre qué estás corriendo?",
        ],
        "resources": [
            "¿cuánta memoria y disco tiene este servidor?",
            "revisa la memoria libre",
            "comprueba el uso del disco",
            "¿cómo de lleno está el disco?",
        ],
        "cpu": [
            "¿qué CPU tiene esta máquina?",
            "¿cuántos núcleos tenemos?",
            "info del procesador, porfa",
            "¿qué procesador usa este ordenador?",
        ],
    },
    "process_list": {
        "running_apps": [
            "¿qué aplicaciones están abiertas?",
            "¿qué programas hay abiertos ahora?",
            "enséñame los programas en marcha",
            "¿qué está corriendo en esta máquina?",
        ],
        "memory_usage": [
            "¿qué procesos usan más memoria?",
            "ordena los procesos por memoria",
            "¿quién se come la memoria?",
            "¿qué me está chupando la RAM?",
        ],
        "task_manager": [
            "abre el administrador de tareas",
            "enséñame top",
            "¿qué está corriendo? tipo htop",
            "monitor de procesos, porfa",
        ],
        "pid": [
            "¿cuál es el pid de {proc}?",
            "muestra el proceso {proc} con su pid",
            "¿cuánta CPU usa {proc}?",
            "¿cuánta memoria consume {proc}?",
        ],
    },
    "environment": {
        "what_var": [
            "¿cuál es el valor de la variable de entorno {env}?",
            "revisa {env}",
            "¿está definida {env}?",
            "¿tengo {env} configurada?",
        ],
        "env_all": [
            "muéstrame mi entorno",
            "¿qué hay en mi entorno?",
            "imprime todas las variables de entorno",
            "lista el env",
        ],
        "which_setting": [
            "¿qué {env} estoy usando?",
            "¿cómo está puesta {env} aquí?",
            "léeme la variable {env}",
        ],
    },
    "statistics": {
        "analyze": [
            "analiza estos números: {nums}",
            "procesa estos datos {nums}",
            "sácame estadísticas de {nums}",
            "números: {nums}. descríbelos",
        ],
        "range_minmax": [
            "¿cuál es el máximo y el mínimo de {nums}?",
            "rango de {nums}",
            "suma y media de {nums}",
            "el mayor y el menor de {nums}",
        ],
        "spread_q": [
            "¿qué tan dispersos están {nums}?",
            "¿cuánto varían {nums}?",
            "¿hay mucha dispersión en {nums}?",
        ],
        "dataset": [
            "para el conjunto de datos {nums}, dame la media",
            "datos: {nums}. ¿mediana?",
            "muestra {nums}: ¿desviación estándar?",
        ],
    },
    "json_parse": {
        "check_syntax": [
            "revisa la sintaxis de este json {json}",
            "¿tiene errores este JSON? {json}",
            "¿está bien formado {json}?",
            "lint de este json: {json}",
        ],
        "structure": [
            "¿qué estructura tiene {json}?",
            "¿qué forma tiene este JSON?: {json}",
            "desglósame este JSON {json}",
        ],
        "clean": ["limpia este JSON {json}", "haz legible {json}", "reformatea {json} bien bonito"],
    },
    "json_query": {
        "jmespath": [
            "jmespath {jpath} sobre {jdoc}",
            "evalúa {jpath} contra {jdoc}",
            "¿{jpath} de {jdoc}?",
        ],
        "find_value": [
            "busca {key} en {jdoc}",
            "consulta {key} en este json {jdoc}",
            "¿dónde está {key} en {jdoc}?",
        ],
        "select_field": [
            "selecciona el campo {key} de {jdoc}",
            "solo el {key} de {jdoc}, porfa",
            "quiero solo {key} de {jdoc}",
        ],
    },
    "data_transform": {
        "select_cols": [
            "deja solo la columna {col} de {records}",
            "selecciona {col} de estos registros {records}",
            "quita todo menos {col}: {records}",
        ],
        "top_n": [
            "las 2 filas con más {ncol} en {records}",
            "los 2 {ncol} más altos de {records}",
            "¿qué fila tiene el {ncol} más grande? {records}",
        ],
        "to_csv": [
            "convierte {records} en una tabla CSV",
            "exporta {records} como csv",
            "hazme un csv con {records}",
        ],
        "aggregate": [
            "media de {ncol} por {col} en {records}",
            "suma {ncol} para cada {col}: {records}",
            "máximo de {ncol} por {col} en {records}",
        ],
    },
    "api_request": {
        "endpoint": [
            "¿qué devuelve el endpoint {url_api}?",
            "haz ping a {url_api}",
            "prueba la API {url_api}",
        ],
        "http_get": [
            "haz un HTTP GET a {url_api}",
            "petición GET a {url_api}, porfa",
            "curl {url_api}",
            "descarga {url_api}",
        ],
        "send_data": [
            ("envía este JSON {json} a {url_api}", POST),
            ("manda {json} a la API en {url_api}", POST),
        ],
        "delete": [
            ("manda un DELETE a {url_api}", {"api_request": {"method": "DELETE"}}),
            ("borra el recurso en {url_api}", {"api_request": {"method": "DELETE"}}),
        ],
    },
    "web_scrape": {
        "website": [
            "¿qué hay en la web {url_page}?",
            "revisa el sitio {url_page}",
            "visita {url_page}",
            "entra en {url_page} y dime qué hay",
        ],
        "article": [
            "léeme este artículo {url_page}",
            "¿qué dice este artículo? {url_page}",
            "¿puedes leer {url_page} y explicármelo?",
        ],
        "text": [
            "saca el texto de {url_page}",
            "descarga la página {url_page} y enséñame el texto",
            "coge el contenido de la página {url_page}",
        ],
        "headlines": [
            "¿cuáles son los titulares de {url_page}?",
            "¿qué hay de nuevo en {url_page}?",
            "noticias principales de {url_page}",
        ],
    },
    "database_query": {
        "sql_prefix": [
            "SQL: {sql_select}",
            "consulta: {sql_select}",
            "bd {sql_select}",
            "sqlite> {sql_select}",
        ],
        "get_all": [
            ("saca todos los {table} de la base de datos", SELECT_ALL),
            ("trae todos los registros de {table}", SELECT_ALL),
            ("vuelca la tabla {table}", SELECT_ALL),
        ],
        "look_up": [
            "busca a {name} en la tabla {table}",
            "busca {name} en la tabla {table} de la bd",
            "¿está {name} en {table}?",
            "encuentra a {name} en la bd",
        ],
        "aggregate_db": [
            "¿cuál es el precio medio en la tabla products?",
            "¿cuál es el total de payments?",
            "¿el salario más alto en employees?",
            "¿qué película tiene la mejor nota en la base de datos?",
        ],
    },
    "database_execute": {
        "add_row": [
            "añade una fila a {table} con el nombre {name}",
            "mete a {name} en la tabla {table}",
            "registra a {name} en la tabla {table}",
            "guarda a {name} como entrada nueva en {table}",
        ],
        "clear": [
            ("vacía la tabla {table}", DELETE_ALL),
            ("limpia la tabla {table}", DELETE_ALL),
            ("deja la tabla {table} vacía", DELETE_ALL),
        ],
        "make_table": [
            ("monta una tabla {table} ({cols})", CREATE),
            ("tabla nueva {table} con los campos {cols}", CREATE),
            ("añade a la base de datos una tabla {table} con {cols}", CREATE),
        ],
        "update": [
            "cambia la edad de {name} a {small} en {table}",
            "pon done a 1 para el id {small} en {table}",
            "renombra la fila {small} de {table} a {name}",
            "marca la tarea {small} como hecha en la bd",
        ],
    },
    "none": {
        "math_talk": [
            "odio las matemáticas",
            "las mates eran mi asignatura favorita",
            "¿quién inventó el álgebra?",
            "¿qué es un número primo?",
            "¿el 7 es un número de la suerte?",
            "¿por qué no se puede dividir entre cero?",
            "¿cómo mejoro en cálculo mental?",
        ],
        "time_talk": [
            "¡cómo pasa el tiempo!",
            "nunca tengo tiempo suficiente",
            "¿cuál es la mejor época para visitar {city}?",
            "¿cuánto dura el vuelo a {city}?",
            "siempre llego tarde, ¿algún consejo?",
            "¿te gustan las mañanas?",
        ],
        "file_talk": [
            "ayer perdí todos mis archivos",
            "¿cómo organizo mis archivos?",
            "¿qué nombre le pongo a una carpeta?",
            "mi disco duro hace ruidos raros",
            "¿es seguro el almacenamiento en la nube?",
        ],
        "web_talk": [
            "¿cuál es tu página web favorita?",
            "¿es fiable la wikipedia?",
            "¿cómo funciona el buscador de google?",
            "¿quién inventó internet?",
            "¿qué periódico digital me recomiendas?",
        ],
        "db_talk": [
            "¿uso postgres o mysql?",
            "¿qué es una clave primaria?",
            "¿cómo indexan los datos las bases de datos?",
            "¿es mejor nosql que sql?",
            "¿qué diferencia hay entre una tabla y una vista?",
        ],
        "other_tasks": [
            "traduce hola al francés",
            "pon una alarma a las 7",
            "envía un correo a Bob",
            "reserva mesa para dos esta noche",
            "pon música",
            "apaga las luces",
            "recuérdame llamar a mamá mañana",
            "pide una pizza",
        ],
        "advice": [
            "¿cómo puedo dormir mejor?",
            "¿consejos para aprender un idioma?",
            "¿cómo se hacen las tortitas?",
            "¿qué cocino esta noche?",
            "¿cómo me mantengo motivado?",
            "¿consejos para una entrevista de trabajo?",
        ],
        "followups": [
            "vale, gracias",
            "genial",
            "eso está mal",
            "¿me lo explicas otra vez?",
            "déjalo",
            "entendido",
            "mmm interesante",
            "¿a qué te refieres?",
        ],
    },
    "statistics+calculator": {
        "and": [
            "media de {nums} y además {expr}",
            "¿cuál es la media de {nums}? ¿y {expr}?",
            "calcula {expr} y luego la mediana de {nums}",
        ],
    },
    "web_scrape+file_write": {
        "and": [
            "lee {url_page} y guárdalo en {file}",
            "scrapea {url_page} y escribe el texto en {file}",
            "resume {url_page} y guarda el resumen en {file}",
        ],
    },
    "database_execute+database_query": {
        "and": [
            "crea la tabla {table} ({cols}) y luego enséñame todas las filas",
            "inserta a {name} en {table} y lista la tabla",
            "borra todo de {table} y cuenta lo que queda",
        ],
    },
}


_THIRD: dict[str, dict[str, list[Any]]] = {
    "environment": {
        "entorno": [
            "enséñame el entorno",
            "¿qué hay definido en el entorno?",
            "entorno, porfa",
            "¿{env} en el entorno?",
            "¿cómo está mi entorno?",
        ]
    },
    "database_query": {
        "filas": [
            "busca las filas de {name} en la tabla {table}",
            "¿qué filas de {table} tienen a {name}?",
            "enséñame el registro de {name} en la tabla {table}",
            "consulta la tabla {table}",
        ]
    },
    "database_execute": {
        "meter": [
            "inserta a {name} como fila nueva en {table}",
            "mete a {name} en la tabla {table}",
            "fila nueva en {table}: {name}",
            "registra a {name} en la tabla {table}",
        ]
    },
    "time_now": {
        "reloj": [
            "¿qué hora marcan en {city}?",
            "¿hora en {city}?",
            "reloj de {city}",
            "¿es tarde o temprano en {city} ahora?",
        ]
    },
    "process_list": {
        "corriendo": [
            "¿qué está corriendo ahora?",
            "¿qué procesos hay activos?",
            "¿hay algo pesado ejecutándose?",
            "¿sigue vivo {proc}?",
        ]
    },
    "system_info": {
        "revisar": [
            "revisa la RAM",
            "¿cuánta RAM libre queda?",
            "¿qué tamaño tiene el disco?",
            "¿qué SO y memoria tiene este servidor?",
        ]
    },
    "json_query": {
        "donde": [
            "¿dónde está {key} en {jdoc}?",
            "¿cuál es el {key} en {jdoc}?",
            "dame {key} de {jdoc}",
        ]
    },
    "none": {
        "tiempo": [
            "necesito más tiempo para pensar",
            "¡ya era hora!",
            "qué buenos tiempos",
            "tómate tu tiempo",
            "¿cuánto tiempo se tarda en aprender piano?",
            "hace buen tiempo hoy",
        ]
    },
}

_FOURTH: dict[str, dict[str, list[Any]]] = {
    "data_transform": {
        "rows_cols": [
            "solo la columna {col}, porfa: {records}",
            "de estas filas quédate con {col}: {records}",
            "agrupa las filas de {records} por {col}",
            "¿cuántas filas hay por {col}? {records}",
        ]
    },
    "json_query": {
        "key_lookup": [
            "consulta la clave {key} en {jdoc}",
            "¿qué valor tiene la clave {key} en {jdoc}?",
            "lee {key} de este json: {jdoc}",
        ]
    },
}

FAMILIES: dict[str, dict[str, list[Any]]] = merge(_FIRST, _MORE, _THIRD, _FOURTH)

# Ways of joining two requests into one ("{0} and {1}"): composed two-tool requests.
CONJUNCTIONS: dict[str, list[str]] = {
    "y": ["{0} y {1}", "{0}, y {1}"],
    "luego": ["{0}, y luego {1}", "{0}, después {1}", "primero {0}, después {1}"],
    "tambien": ["{0}. también {1}", "{0}? y también {1}", "{0}, y además {1}"],
    "plus": ["{0}; {1}", "{0}. {1}", "{0} + {1}"],
    "despues": ["{0}; además {1}", "{0}. cuando acabes, {1}", "{0}, y a continuación {1}"],
}
