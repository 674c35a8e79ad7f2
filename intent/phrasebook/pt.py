"""Portuguese phrasings (Brazilian and European): each family is one way of asking."""

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
        "+": ["{a} mais {b}", "{a} + {b}"],
        "-": ["{a} menos {b}"],
        "*": ["{a} vezes {b}", "{a} multiplicado por {b}", "{a} x {b}"],
        "/": ["{a} dividido por {b}", "{a} a dividir por {b}"],
    },
    "numbers": [
        "um",
        "dois",
        "três",
        "quatro",
        "cinco",
        "seis",
        "sete",
        "oito",
        "nove",
        "dez",
        "onze",
        "doze",
    ],
    "and": " e ",
    "content": [
        "comprar leite",
        "ligar pra mãe às 6",
        "reunião mudou pra sexta",
        "olá mundo",
        "regar as plantas",
        "a senha do wifi está na geladeira",
        "TODO: corrigir o bug do login",
        "buscar as crianças às 3",
        "rascunho do relatório trimestral",
        "ideias pra festa",
        "dentista na terça",
        "pagar o aluguel",
        "terminar o capítulo 4",
        "reservar voos pra Lisboa",
    ],
    "subject": [
        "uma calculadora",
        "JSON",
        "injeção de SQL",
        "uma API",
        "web scraping",
        "variáveis de ambiente",
        "fuso horário",
        "horário de verão",
        "um banco de dados",
        "um arquivo CSV",
        "desvio padrão",
        "mediana",
        "um sistema operacional",
        "um processo no Linux",
        "memória RAM",
        "uma CPU",
        "API REST",
        "HTML",
        "uma planilha",
        "sistema de arquivos",
        "aprendizado de máquina",
        "o teorema de Pitágoras",
        "álgebra",
        "o horário de Greenwich",
        "o protocolo HTTP",
        "SQL",
        "JMESPath",
        "um arquivo de texto",
    ],
}

_FIRST: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "q_symbols": [
            "quanto é {expr}?",
            "quanto dá {expr}?",
            "qto é {expr}",
            "qual o resultado de {expr}?",
            "{expr} dá quanto?",
        ],
        "imperative": [
            "calcula {expr}",
            "calcule {expr}",
            "por favor, calcule {expr}.",
            "você consegue resolver {expr}?",
            "faz a conta: {expr}",
            "avalia {expr}",
        ],
        "words": [
            "quanto é {calc_words}?",
            "{calc_words}, dá quanto?",
            "quanto são {calc_words}?",
            "me diz quanto é {calc_words}",
        ],
        "terse": ["{expr} =", "{expr}=?", "{expr} ?", "conta rápida: {expr}", "calc {expr} pfv"],
        "verbs": [
            ("soma {a} e {b}", ADD),
            ("multiplica {a} por {b}", MUL),
            ("divide {a} por {b}", DIV),
            ("subtrai {b} de {a}", SUB),
            ("qual é a soma de {a} e {b}?", ADD),
            ("qual é o produto de {a} e {b}?", MUL),
        ],
        "special": [
            ("qual é a raiz quadrada de {n}?", SQRT),
            ("{p}% de {n}?", PCT),
            ("quanto é {p} por cento de {n}?", PCT),
            ("{b} ao quadrado", SQUARE),
            ("fatorial de {small}", FACT),
            ("quanto dá uma gorjeta de {p}% sobre {n} reais?", PCT),
        ],
    },
    "time_now": {
        "q_time_in": [
            "que horas são em {city}?",
            "que horas são agora em {city}?",
            "q horas sao em {city}",
            "você sabe que horas são em {city}?",
            "que hora é em {city}?",
        ],
        "current": [
            "hora atual em {city}",
            "a hora em {city} agora",
            "horário local de {city}",
            "{city} horário local?",
            "{city} hora agora",
        ],
        "date": [
            "que dia é hoje?",
            "qual é a data de hoje?",
            "me diz a data de hoje",
            "que dia é hoje em {city}?",
            "qual a data agora em {city}?",
        ],
        "casual": [
            "já é de manhã em {city}?",
            "já é noite em {city}?",
            "me diz a hora em {city}",
            "pode me passar o horário atual de {city}? valeu",
            "ei, que horas são lá em {city}?",
        ],
        "bare": [
            "que horas são?",
            "que horas são agora?",
            "q horas sao",
            "tem horas?",
            "me diz as horas",
        ],
    },
    "file_read": {
        "open_show": [
            "abre {file} e me mostra",
            "me mostra {file}",
            "mostra o que tem em {file}",
            "exibe o conteúdo de {file}",
            "pode abrir {file}?",
        ],
        "read": [
            "lê {file}",
            "leia {file} pra mim",
            "por favor, leia o arquivo {file}",
            "cat {file}",
            "imprime {file}",
        ],
        "question": [
            "o que diz {file}?",
            "o que está escrito em {file}?",
            "o que tem dentro de {file}?",
            "qual é o conteúdo do arquivo {file}?",
            "me conta o que {file} contém",
        ],
        "casual": [
            "puxa {file} aí",
            "deixa eu ver {file}",
            "preciso do conteúdo de {file}",
            "conteúdo de {file} pfv",
            "me passa o texto de {file}",
        ],
    },
    "file_write": {
        "write_to": [
            'escreve "{content}" em {file}',
            "escreva {content} no arquivo {file}",
            'coloca "{content}" em {file}',
            'salva "{content}" em {file}',
        ],
        "create": [
            'cria um arquivo chamado {file} com o texto "{content}"',
            "faz um arquivo novo {file} contendo {content}",
            'cria {file} e escreve "{content}" nele',
            "arquivo novo {file}: {content}",
        ],
        "append": [
            ('acrescenta "{content}" no final de {file}', APPEND),
            ('adiciona uma linha "{content}" em {file}', APPEND),
            ("anexa {content} a {file}", APPEND),
        ],
        "note": [
            'anota "{content}" em {file}',
            "registra {content} em {file} por favor",
            "guarda isso em {file}: {content}",
            "salva uma nota em {file} dizendo {content}",
        ],
    },
    "file_list": {
        "list": [
            "lista os arquivos de {folder}",
            "lista os arquivos da pasta {folder}",
            "enumera tudo que tem em {folder}/",
            "mostra os arquivos dentro de {folder}",
        ],
        "question": [
            "quais arquivos tem em {folder}?",
            "o que tem no diretório {folder}?",
            "quais arquivos estão em {folder}",
            "o que eu tenho em {folder}?",
        ],
        "terse": [
            "ls {folder}",
            "ls -la {folder}",
            "dir {folder}",
            "arquivos em {folder}?",
            "conteúdo da pasta {folder}",
        ],
        "workspace": [
            "quais arquivos eu tenho?",
            "lista meus arquivos",
            "me mostra o espaço de trabalho",
            "o que tem na minha pasta de trabalho?",
            "que arquivos existem aí?",
        ],
    },
    "system_info": {
        "os": [
            "qual sistema operacional roda nesta máquina?",
            "que SO é esse?",
            "em qual sistema você está rodando?",
            "qual a versão do linux deste servidor?",
            "isso é mac, windows ou linux?",
        ],
        "memory_disk": [
            "quanta RAM tem este computador?",
            "quanta memória livre tem?",
            "quanto espaço em disco sobrou?",
            "o disco está cheio?",
            "quanto espaço livre tenho nesta máquina?",
        ],
        "specs": [
            "especificações do sistema, por favor",
            "me mostra as informações do sistema",
            "em que hardware isso roda?",
            "quantos núcleos de CPU essa máquina tem?",
            "detalhes da máquina?",
        ],
        "python": [
            "qual versão do python está instalada aqui?",
            "que python você usa?",
            "versão do python nesta máquina?",
        ],
    },
    "process_list": {
        "list": [
            "lista os processos em execução",
            "me mostra os processos rodando",
            "quais processos estão rodando?",
            "lista todos os processos",
            "ps aux",
        ],
        "top": [
            "o que está usando mais CPU?",
            "qual processo está comendo toda a memória?",
            "os 5 processos que mais usam memória",
            "o que está travando a CPU agora?",
            "mostra os processos mais pesados",
        ],
        "is_running": [
            "o {proc} está rodando?",
            "tem algum processo do {proc}?",
            "verifica se o {proc} está em execução",
            "quantos processos do {proc} estão rodando?",
            "acha o processo {proc}",
        ],
    },
    "environment": {
        "show_var": [
            "me mostra a variável {env}",
            "qual o valor de {env}?",
            "como está configurado o {env}?",
            "imprime o valor de {env}",
            "valor de ${env}?",
        ],
        "list": [
            "lista as variáveis de ambiente",
            "me mostra todas as variáveis de ambiente",
            "quais variáveis de ambiente estão definidas?",
            "despeja o env",
            "variáveis de ambiente, pfv",
        ],
        "terse": [
            "echo ${env}",
            "printenv {env}",
            "${env}?",
            "env {env}",
            "o que tem na variável de ambiente {env}?",
        ],
    },
    "statistics": {
        "mean": [
            "qual é a média de {nums}?",
            "média de {nums}",
            "tira a média desses números: {nums}",
            "média {nums}",
        ],
        "multi_stats": [
            "me dá a média, a mediana e o desvio padrão de {nums}",
            "estatísticas de {nums}",
            "descreve esses números: {nums}",
            "resumo estatístico de {nums}, por favor",
            "mínimo, máximo e média de {nums}",
        ],
        "spread": [
            "qual o desvio padrão de {nums}?",
            "variância de {nums}?",
            "mediana de {nums}",
            "qual é a mediana aqui: {nums}",
            "quartis de {nums}",
        ],
        "casual": [
            "minhas notas foram {nums}, qual minha média?",
            "corri {nums} km essa semana, média por dia?",
            "as vendas foram {nums}, qual a mediana?",
            "meus passos diários: {nums}. a média?",
        ],
    },
    "json_parse": {
        "valid": [
            "isso é JSON válido? {json}",
            "verifica se esse JSON é válido: {json}",
            "valida esse json {json}",
            "isso faz parse? {json}",
        ],
        "pretty": [
            "formata bonito esse JSON: {json}",
            "deixa esse json formatado {json}",
            "pode indentar {json}?",
            "embeleza esse JSON: {json}",
        ],
        "parse": [
            "faz o parse desse JSON: {json}",
            "parseia {json}",
            "json parse {json}",
            "lê esse JSON e me diz a estrutura: {json}",
        ],
    },
    "json_query": {
        "get": [
            "pega {jpath} de {jdoc}",
            "extrai {jpath} desse JSON: {jdoc}",
            "consulta {jdoc} com {jpath}",
            "aplica o JMESPath {jpath} em {jdoc}",
        ],
        "natural": [
            "nesse JSON {jdoc}, qual é o {key}?",
            "em {jdoc} qual o valor de {key}?",
            "tira o campo {key} de {jdoc}",
            "qual {key} esse JSON tem? {jdoc}",
        ],
        "list": [
            "lista todos os valores de {key} em {jdoc}",
            "me dá cada {key} desse JSON: {jdoc}",
            "quais {key} tem em {jdoc}?",
        ],
    },
    "data_transform": {
        "sort": [
            "ordena essas linhas por {col}: {records}",
            "ordena isso por {col}: {records}",
            "ordena {records} por {col} decrescente",
            "consegue ordenar esses dados por {col}? {records}",
        ],
        "filter": [
            "filtra {records} pras linhas com {ncol} > {small}",
            "mantém só as linhas com {ncol} acima de {small}: {records}",
            "de {records} tira as linhas com {ncol} abaixo de {small}",
            "quais linhas têm {ncol} maior que {small}? {records}",
        ],
        "convert": [
            "converte esse CSV pra JSON: {csv}",
            "transforma esse csv em json {csv}",
            "csv pra json por favor: {csv}",
            "converte {records} pra CSV",
        ],
        "group": [
            "agrupa {records} por {col} e soma {ncol}",
            "total de {ncol} por {col}: {records}",
            "agrupa esses registros por {col}: {records}",
            "conta as linhas por {col} em {records}",
        ],
    },
    "api_request": {
        "call": [
            "chama {url_api}",
            "chama a API em {url_api}",
            "faz uma requisição pra {url_api}",
            "bate em {url_api} e me mostra a resposta",
            "chama o endpoint {url_api}",
        ],
        "method": [
            "manda uma requisição {method} pra {url_api}",
            "{method} {url_api}",
            "faz um {method} em {url_api}",
            "requisição {method} pra {url_api}, pfv",
        ],
        "post": [
            ("faz POST de {json} em {url_api}", POST),
            ("envia {json} pra {url_api} via POST", POST),
            ("posta esse corpo {json} em {url_api}", POST),
        ],
        "fetch_json": [
            "busca o JSON de {url_api}",
            "pega os dados da API {url_api}",
            "o que {url_api} retorna?",
            "qual é a resposta de {url_api}?",
            "verifica o status de {url_api}",
        ],
    },
    "web_scrape": {
        "read": [
            "lê a página {url_page}",
            "lê {url_page} pra mim",
            "abre {url_page} e me diz o que tem lá",
            "o que diz a página {url_page}?",
        ],
        "summarize": [
            "resume {url_page}",
            "faz um resumo desse artigo: {url_page}",
            "resumão de {url_page}",
            "do que se trata essa página? {url_page}",
        ],
        "parts": [
            "qual é o título de {url_page}?",
            "pega todos os links de {url_page}",
            "lista os links de {url_page}",
            "me dá a manchete de {url_page}",
        ],
        "scrape": [
            "faz scraping de {url_page}",
            "extrai o texto de {url_page}",
            "raspa o conteúdo de {url_page}",
            "puxa o conteúdo do site {url_page}",
        ],
    },
    "database_query": {
        "sql": [
            "executa {sql_select}",
            "roda essa consulta: {sql_select}",
            "{sql_select}",
            "consulta o banco: {sql_select}",
            "pode rodar esse SQL? {sql_select}",
        ],
        "show_rows": [
            ("me mostra todas as linhas da tabela {table}", SELECT_ALL),
            ("o que tem na tabela {table}?", SELECT_ALL),
            ("lista tudo da tabela {table}", SELECT_ALL),
            ("mostra a tabela {table} do banco de dados", SELECT_ALL),
        ],
        "count": [
            ("quantas linhas tem {table}?", COUNT_ALL),
            ("conta os registros da tabela {table}", COUNT_ALL),
            ("quantos {table} temos no banco?", COUNT_ALL),
        ],
        "tables": [
            "quais tabelas existem no banco de dados?",
            "lista as tabelas do banco",
            "que tabelas tem?",
            "mostra o esquema do banco de dados",
        ],
    },
    "database_execute": {
        "sql": [
            "executa {sql_exec}",
            "roda {sql_exec}",
            "{sql_exec}",
            "aplica esse comando: {sql_exec}",
            "por favor, executa esse SQL: {sql_exec}",
        ],
        "create": [
            ("cria uma tabela {table} com as colunas {cols}", CREATE),
            ("faz uma tabela chamada {table} com {cols}", CREATE),
            ("cria a tabela {table} ({cols})", CREATE),
            ("preciso de uma tabela nova {table}, com {cols}", CREATE),
        ],
        "insert": [
            "insere uma linha em {table}",
            "adiciona um registro novo na tabela {table}",
            "adiciona {name} na tabela {table}",
            "insere {name} em {table}",
        ],
        "delete_update": [
            ("apaga tudo de {table}", DELETE_ALL),
            ("remove todas as linhas da tabela {table}", DELETE_ALL),
            "apaga a linha com id {small} de {table}",
            "atualiza {table}: põe o preço em {small} onde id é 2",
        ],
    },
    "none": {
        "greet": [
            "oi",
            "olá!",
            "e aí",
            "bom dia",
            "tudo bem?",
            "obrigado!",
            "muito obrigada",
            "tchau",
            "até mais",
            "beleza?",
            "opa",
            "prazer em te conhecer",
        ],
        "about_you": [
            "qual é o seu nome?",
            "quem te criou?",
            "você é um robô?",
            "o que você sabe fazer?",
            "você tem sentimentos?",
            "você é mais esperto que o chatgpt?",
        ],
        "knowledge": [
            "por que o céu é azul?",
            "quem escreveu Hamlet?",
            "qual é a capital da Austrália?",
            "como se formam os vulcões?",
            "quando terminou a Segunda Guerra Mundial?",
            "quantos planetas tem o sistema solar?",
            "por que chove?",
            "quem pintou a Mona Lisa?",
        ],
        "opinion": [
            "o que você acha do home office?",
            "café faz mal?",
            "o que é melhor, gato ou cachorro?",
            "qual é o seu filme favorito?",
            "devo aprender violão ou piano?",
            "vale a pena comprar um carro elétrico?",
        ],
        "creative": [
            "escreve um poema sobre o mar",
            "me conta uma piada",
            "escreve uma historinha sobre um dragão",
            "cria um slogan pra uma padaria",
            "escreve um haicai sobre o outono",
            "sugere um nome pro meu gato",
        ],
        "mention_def": [
            "o que é {subject}?",
            "o que significa {subject}?",
            "define {subject}",
            "pode me explicar o que é {subject}?",
            "{subject}, o que é isso?",
        ],
        "mention_talk": [
            "me fala sobre {subject}",
            "explica {subject} de um jeito simples",
            "tenho curiosidade sobre {subject}",
            "me dá uma breve história de {subject}",
            "por que {subject} é importante?",
        ],
        "mention_tool": [
            "o que significa a sigla JSON?",
            "quem inventou a calculadora?",
            "web scraping é legal?",
            "qual a diferença entre processo e thread?",
            "como funcionam os fusos horários?",
            "por que existe horário de verão?",
            "qual o melhor banco de dados pra iniciantes?",
            "o que é injeção de SQL e como evitar?",
            "o que faz um bom design de API?",
            "pra jogar, RAM ou CPU importa mais?",
        ],
        "city_chat": [
            "eu amo {city}",
            "{city} é linda demais",
            "semana que vem vou pra {city}!",
            "o que comer de bom em {city}?",
            "me fala de {city}",
            "qual o tamanho de {city}?",
            "é caro morar em {city}?",
        ],
        "numbers_chat": [
            "tenho {small} gatos",
            "meu filho fez {small} anos hoje!",
            "corri {small} km hoje de manhã",
            "nasci em 1990",
            "meu voo é às 10:30 amanhã",
            "caiu 3 cm de neve ontem à noite",
            "tirei 85 na prova",
            "o capítulo 12 foi muito chato",
            "dormi só 4 horas",
        ],
        "howto_code": [
            "como leio um arquivo em Python?",
            "como ordenar uma lista em JavaScript",
            "qual a sintaxe de um JOIN em SQL?",
            "como definir uma variável de ambiente no Windows?",
            "como fazer parse de JSON em Go?",
            "como faço uma requisição HTTP com curl?",
            "como matar um processo no Linux?",
        ],
        "feelings": [
            "tô muito cansado hoje",
            "tive um dia difícil no trabalho",
            "tô entediado",
            "hoje estou feliz",
            "não consigo dormir",
            "meu gato está doente",
            "odeio segunda-feira",
        ],
    },
    "time_now+calculator": {
        "and": [
            "que horas são em {city} e quanto é {expr}?",
            "hora em {city} e também {expr}?",
            "calcula {expr} e me diz a hora em {city}",
            "{expr}? e outra coisa, que horas são em {city}?",
        ],
    },
    "system_info+process_list": {
        "and": [
            "me mostra as infos do sistema e os principais processos",
            "quanta RAM eu tenho e o que está usando?",
            "me dá as especificações da máquina e os processos rodando",
            "versão do SO e lista de processos, pfv",
        ],
    },
    "file_list+file_read": {
        "and": [
            "lista os arquivos de {folder} e abre {file}",
            "o que tem em {folder}? me mostra também {file}",
            "mostra {file} e depois lista {folder}",
        ],
    },
    "calculator+file_write": {
        "and": [
            "calcula {expr} e salva o resultado em {file}",
            "resolve {expr} e escreve em {file}",
            "faz {expr} e põe a resposta em {file}",
        ],
    },
}

_MORE: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "how_much": [
            "quanto sai {expr}?",
            "quanto daria {expr}?",
            "e {expr}, quanto é exatamente?",
            "{expr} fica quanto?",
        ],
        "help_me": [
            "me ajuda com {expr}",
            "faz {expr} pra mim?",
            "preciso do resultado de {expr}",
            "ajuda: {expr}",
            "faz as contas de {expr}",
        ],
        "polite": [
            "você poderia calcular {calc_words}, por favor?",
            "se importa de calcular {expr}?",
            "pode me dizer quanto é {calc_words}?",
            "por favor, resolve {calc_words} pra mim",
        ],
        "word_problem": [
            ("comprei {a} itens a {b} reais cada, quanto deu no total?", MUL),
            ("se eu tenho {a} caixas com {b} maçãs cada, quantas maçãs são?", MUL),
            ("somos {b} pessoas pra dividir uma conta de {a} reais, quanto fica pra cada?", DIV),
            ("eu tinha {a} reais e gastei {b}, quanto sobrou?", SUB),
        ],
        "result": [
            "resultado de {calc_words}?",
            "{calc_words} é igual a quê?",
            "resposta de {expr}?",
            "{expr} -> ?",
        ],
    },
    "time_now": {
        "clock": [
            "o que o relógio marca em {city}?",
            "que horas devem ser em {city}?",
            "que horas são exatamente em {city}?",
            "já é tarde em {city}?",
        ],
        "need_time": [
            "preciso da hora atual em {city}",
            "vê a hora em {city} pra mim",
            "pode me dizer a hora em {city}?",
            "confere que horas são em {city}",
        ],
        "zone": [
            "hora atual em {zone}",
            "que horas são em {zone}?",
            "hora agora no fuso {zone}",
            "now() em {zone}",
        ],
        "date_more": [
            "que dia é hoje mesmo?",
            "que dia da semana é hoje?",
            "em que mês estamos?",
            "em que ano estamos?",
            "hoje é segunda?",
        ],
    },
    "file_read": {
        "contents": [
            "mostra o conteúdo de {file}",
            "conteúdo de {file}?",
            "imprime o conteúdo de {file}",
            "joga na tela o {file}",
        ],
        "look": [
            "olha {file} e me diz o que está escrito",
            "confere o que tem em {file}",
            "dá uma olhada em {file}",
            "espia {file}",
        ],
        "summarize_file": [
            "resume {file}",
            "faz um resumo de {file}",
            "{file} é sobre o quê?",
            "resumão de {file}",
        ],
        "load": [
            "carrega {file}",
            "abre o arquivo {file}",
            "pega {file}",
            "busca {file} no espaço de trabalho",
        ],
    },
    "file_write": {
        "save_file": [
            "salva isso em {file}: {content}",
            "salva o texto {content} como {file}",
            'salva "{content}" num arquivo chamado {file}',
        ],
        "overwrite": [
            'sobrescreve {file} com "{content}"',
            "substitui o conteúdo de {file} por {content}",
            'deixa {file} com "{content}"',
        ],
        "put_line": [
            "põe a linha {content} em {file}",
            'escreve um arquivo {file} que diga "{content}"',
            "faz {file} dizer {content}",
        ],
        "log": [
            ('registra "{content}" no log {file}', APPEND),
            ("lembra disso em {file}: {content}", APPEND),
            ("adiciona uma nota em {file}: {content}", APPEND),
        ],
    },
    "file_list": {
        "show_dir": [
            "me mostra o diretório {folder}",
            "conteúdo do diretório {folder}",
            "mostra os arquivos em {folder}",
            "exibe a pasta {folder}",
        ],
        "browse": [
            "navega em {folder}",
            "o que tem dentro da pasta {folder}?",
            "dá uma espiada em {folder}",
            "abre a pasta {folder}",
        ],
        "tree": [
            "mostra a árvore de pastas de {folder}",
            "lista {folder} recursivamente",
            "tree {folder}",
            "mostra tudo debaixo de {folder}, subpastas também",
        ],
        "any_files": [
            "tem arquivos em {folder}?",
            "{folder} está vazia?",
            "quantos arquivos tem em {folder}?",
        ],
    },
    "system_info": {
        "machine": [
            "me fala dessa máquina",
            "que máquina é essa?",
            "informações deste computador",
            "você está rodando em quê?",
        ],
        "resources": [
            "quanta memória e disco esse servidor tem?",
            "confere a memória livre",
            "verifica o uso do disco",
            "o disco está cheio até onde?",
        ],
        "cpu": [
            "qual CPU essa máquina tem?",
            "quantos núcleos a gente tem?",
            "info do processador, pfv",
            "que processador esse computador usa?",
        ],
    },
    "process_list": {
        "running_apps": [
            "quais apps estão abertos?",
            "que programas estão abertos agora?",
            "mostra os programas rodando",
            "o que está rodando nessa máquina?",
        ],
        "memory_usage": [
            "quais processos usam mais memória?",
            "ordena os processos por memória",
            "quem está devorando a memória?",
            "o que está comendo minha RAM?",
        ],
        "task_manager": [
            "abre o gerenciador de tarefas",
            "me mostra o top",
            "o que está rodando, tipo htop",
            "monitor de processos, pfv",
        ],
        "pid": [
            "qual é o pid do {proc}?",
            "mostra o processo {proc} com o pid",
            "quanto de CPU o {proc} está usando?",
            "quanta memória o {proc} ocupa?",
        ],
    },
    "environment": {
        "what_var": [
            "qual o valor da variável de ambiente {env}?",
            "confere {env}",
            "{env} está definida?",
            "eu tenho {env} configurada?",
        ],
        "env_all": [
            "mostra meu ambiente",
            "o que tem no meu ambiente?",
            "imprime todas as variáveis de ambiente",
            "lista o env",
        ],
        "which_setting": [
            "qual {env} eu estou usando?",
            "como está o {env} aqui?",
            "lê a variável {env} pra mim",
        ],
    },
    "statistics": {
        "analyze": [
            "analisa esses números: {nums}",
            "processa esses dados {nums}",
            "tira estatísticas de {nums}",
            "números: {nums}. descreve eles",
        ],
        "range_minmax": [
            "qual o máximo e o mínimo de {nums}?",
            "amplitude de {nums}",
            "soma e média de {nums}",
            "o maior e o menor de {nums}",
        ],
        "spread_q": [
            "quão dispersos estão {nums}?",
            "quanto variam {nums}?",
            "tem muita dispersão em {nums}?",
        ],
        "dataset": [
            "pro conjunto de dados {nums}, me dá a média",
            "dados: {nums}. mediana?",
            "amostra {nums}: desvio padrão?",
        ],
    },
    "json_parse": {
        "check_syntax": [
            "verifica a sintaxe desse json {json}",
            "esse JSON tem erro? {json}",
            "{json} está bem formado?",
            "lint desse json: {json}",
        ],
        "structure": [
            "qual a estrutura de {json}?",
            "que formato tem esse JSON: {json}",
            "destrincha esse JSON pra mim {json}",
        ],
        "clean": ["limpa esse JSON {json}", "deixa {json} legível", "reformata {json} bonitinho"],
    },
    "json_query": {
        "jmespath": [
            "jmespath {jpath} em {jdoc}",
            "avalia {jpath} contra {jdoc}",
            "{jpath} de {jdoc}?",
        ],
        "find_value": [
            "acha {key} em {jdoc}",
            "procura {key} nesse json {jdoc}",
            "onde está {key} em {jdoc}?",
        ],
        "select_field": [
            "seleciona o campo {key} de {jdoc}",
            "só o {key} de {jdoc}, pfv",
            "quero só {key} de {jdoc}",
        ],
    },
    "data_transform": {
        "select_cols": [
            "deixa só a coluna {col} de {records}",
            "seleciona {col} desses registros {records}",
            "tira tudo menos {col}: {records}",
        ],
        "top_n": [
            "as 2 linhas com mais {ncol} em {records}",
            "os 2 maiores {ncol} de {records}",
            "qual linha tem o maior {ncol}? {records}",
        ],
        "to_csv": [
            "transforma {records} numa tabela CSV",
            "exporta {records} como csv",
            "faz um csv a partir de {records}",
        ],
        "aggregate": [
            "média de {ncol} por {col} em {records}",
            "soma {ncol} pra cada {col}: {records}",
            "máximo de {ncol} por {col} em {records}",
        ],
    },
    "api_request": {
        "endpoint": [
            "o que o endpoint {url_api} devolve?",
            "dá um ping em {url_api}",
            "testa a API {url_api}",
        ],
        "http_get": [
            "faz um HTTP GET em {url_api}",
            "requisição GET pra {url_api}, pfv",
            "curl {url_api}",
            "baixa {url_api}",
        ],
        "send_data": [
            ("manda esse JSON {json} pra {url_api}", POST),
            ("envia {json} pra API em {url_api}", POST),
        ],
        "delete": [
            ("manda um DELETE pra {url_api}", {"api_request": {"method": "DELETE"}}),
            ("apaga o recurso em {url_api}", {"api_request": {"method": "DELETE"}}),
        ],
    },
    "web_scrape": {
        "website": [
            "o que tem no site {url_page}?",
            "dá uma olhada no site {url_page}",
            "visita {url_page}",
            "entra em {url_page} e me diz o que tem",
        ],
        "article": [
            "lê esse artigo pra mim {url_page}",
            "o que esse artigo diz? {url_page}",
            "consegue ler {url_page} e me explicar?",
        ],
        "text": [
            "pega o texto de {url_page}",
            "baixa a página {url_page} e mostra o texto",
            "puxa o conteúdo da página {url_page}",
        ],
        "headlines": [
            "quais são as manchetes de {url_page}?",
            "o que tem de novo em {url_page}?",
            "principais notícias de {url_page}",
        ],
    },
    "database_query": {
        "sql_prefix": [
            "SQL: {sql_select}",
            "consulta: {sql_select}",
            "db {sql_select}",
            "sqlite> {sql_select}",
        ],
        "get_all": [
            ("pega todos os {table} do banco", SELECT_ALL),
            ("traz todos os registros de {table}", SELECT_ALL),
            ("despeja a tabela {table}", SELECT_ALL),
        ],
        "look_up": [
            "procura {name} na tabela {table}",
            "busca {name} na tabela {table}",
            "{name} está em {table}?",
            "acha {name} no banco",
        ],
        "aggregate_db": [
            "qual o preço médio na tabela products?",
            "qual o total de payments?",
            "o maior salário em employees?",
            "qual filme tem a melhor nota no banco de dados?",
        ],
    },
    "database_execute": {
        "add_row": [
            "adiciona uma linha em {table} com o nome {name}",
            "coloca {name} na tabela {table}",
            "registra {name} na tabela {table}",
            "salva {name} como novo registro em {table}",
        ],
        "clear": [
            ("esvazia a tabela {table}", DELETE_ALL),
            ("limpa a tabela {table}", DELETE_ALL),
            ("deixa a tabela {table} vazia", DELETE_ALL),
        ],
        "make_table": [
            ("monta uma tabela {table} ({cols})", CREATE),
            ("tabela nova {table} com os campos {cols}", CREATE),
            ("adiciona no banco uma tabela {table} com {cols}", CREATE),
        ],
        "update": [
            "muda a idade de {name} pra {small} em {table}",
            "põe done = 1 pro id {small} em {table}",
            "renomeia a linha {small} de {table} pra {name}",
            "marca a tarefa {small} como feita no banco",
        ],
    },
    "none": {
        "math_talk": [
            "odeio matemática",
            "matemática era minha matéria favorita",
            "quem inventou a álgebra?",
            "o que é um número primo?",
            "7 é um número da sorte?",
            "por que não dá pra dividir por zero?",
            "como melhorar no cálculo mental?",
        ],
        "time_talk": [
            "como o tempo voa!",
            "nunca tenho tempo suficiente",
            "qual a melhor época pra visitar {city}?",
            "quanto tempo dura o voo pra {city}?",
            "vivo atrasado, alguma dica?",
            "você gosta de manhãs?",
        ],
        "file_talk": [
            "perdi todos os meus arquivos ontem",
            "como organizo meus arquivos?",
            "que nome dou pra uma pasta?",
            "meu HD está fazendo barulho estranho",
            "armazenamento na nuvem é seguro?",
        ],
        "web_talk": [
            "qual seu site favorito?",
            "a wikipédia é confiável?",
            "como funciona a busca do google?",
            "quem inventou a internet?",
            "que site de notícias você recomenda?",
        ],
        "db_talk": [
            "uso postgres ou mysql?",
            "o que é chave primária?",
            "como os bancos de dados indexam os dados?",
            "nosql é melhor que sql?",
            "qual a diferença entre tabela e view?",
        ],
        "other_tasks": [
            "traduz olá pro francês",
            "coloca um despertador pras 7",
            "manda um email pro Bob",
            "reserva uma mesa pra dois hoje à noite",
            "toca uma música",
            "apaga as luzes",
            "me lembra de ligar pra minha mãe amanhã",
            "pede uma pizza",
        ],
        "advice": [
            "como dormir melhor?",
            "dicas pra aprender um idioma?",
            "como faz panqueca?",
            "o que eu cozinho hoje?",
            "como me manter motivado?",
            "dicas pra entrevista de emprego?",
        ],
        "followups": [
            "ok valeu",
            "show",
            "isso está errado",
            "pode explicar de novo?",
            "deixa pra lá",
            "entendi",
            "hmm interessante",
            "como assim?",
        ],
    },
    "statistics+calculator": {
        "and": [
            "média de {nums} e também {expr}",
            "qual a média de {nums}? e {expr}?",
            "calcula {expr} e depois a mediana de {nums}",
        ],
    },
    "web_scrape+file_write": {
        "and": [
            "lê {url_page} e salva em {file}",
            "faz scraping de {url_page} e escreve o texto em {file}",
            "resume {url_page} e guarda o resumo em {file}",
        ],
    },
    "database_execute+database_query": {
        "and": [
            "cria a tabela {table} ({cols}) e depois mostra todas as linhas",
            "insere {name} em {table} e lista a tabela",
            "apaga tudo de {table} e conta o que sobrou",
        ],
    },
}


_THIRD: dict[str, dict[str, list[Any]]] = {
    "environment": {
        "ambiente": [
            "me mostra o ambiente",
            "o que está definido no ambiente?",
            "ambiente, pfv",
            "{env} no ambiente?",
            "como está meu ambiente?",
        ]
    },
    "database_query": {
        "linhas": [
            "acha as linhas de {name} na tabela {table}",
            "quais linhas de {table} têm {name}?",
            "mostra o registro de {name} na tabela {table}",
            "consulta a tabela {table}",
        ]
    },
    "database_execute": {
        "inserir": [
            "insere {name} como linha nova em {table}",
            "coloca {name} na tabela {table}",
            "linha nova em {table}: {name}",
            "cadastra {name} na tabela {table}",
        ]
    },
    "time_now": {
        "relogio": [
            "é tarde ou cedo em {city} agora?",
            "que horas eles têm em {city}?",
            "hora lá em {city}?",
            "relógio de {city}?",
        ]
    },
    "process_list": {
        "rodando": [
            "o que está rodando agora?",
            "quais processos estão ativos?",
            "tem algo pesado rodando?",
            "o {proc} ainda está rodando?",
        ]
    },
    "system_info": {
        "verificar": [
            "verifica a RAM",
            "quanta RAM livre tem agora?",
            "qual o tamanho do disco?",
            "qual SO e quanta memória tem esse servidor?",
        ]
    },
    "json_query": {
        "onde": ["onde está {key} em {jdoc}?", "qual é o {key} em {jdoc}?", "me dá {key} de {jdoc}"]
    },
    "none": {
        "tempo": [
            "preciso de mais tempo pra pensar",
            "já não era sem tempo!",
            "bons tempos",
            "leva o tempo que precisar",
            "quanto tempo leva pra aprender piano?",
            "o tempo está bom hoje",
        ]
    },
}

_FOURTH: dict[str, dict[str, list[Any]]] = {
    "data_transform": {
        "rows_cols": [
            "só a coluna {col}, pfv: {records}",
            "dessas linhas fica só com {col}: {records}",
            "agrupa as linhas de {records} por {col}",
            "quantas linhas por {col}? {records}",
        ]
    },
    "json_query": {
        "key_lookup": [
            "consulta a chave {key} em {jdoc}",
            "qual o valor da chave {key} em {jdoc}?",
            "lê {key} desse json: {jdoc}",
        ]
    },
}

FAMILIES: dict[str, dict[str, list[Any]]] = merge(_FIRST, _MORE, _THIRD, _FOURTH)

# Ways of joining two requests into one ("{0} and {1}"): composed two-tool requests.
CONJUNCTIONS: dict[str, list[str]] = {
    "e": ["{0} e {1}", "{0}, e {1}"],
    "depois": ["{0}, depois {1}", "{0} e depois {1}", "primeiro {0}, depois {1}"],
    "tambem": ["{0}. também {1}", "{0}? e também {1}", "{0}, e além disso {1}"],
    "plus": ["{0}; {1}", "{0}. {1}", "{0} + {1}"],
    "em_seguida": ["{0}, em seguida {1}", "{0}. quando terminar, {1}", "{0}, e aí {1}"],
}
