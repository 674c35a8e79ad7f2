"""French phrasings: each family is one way of asking, with its paraphrases."""

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
        "+": ["{a} plus {b}", "{a} + {b}"],
        "-": ["{a} moins {b}"],
        "*": ["{a} fois {b}", "{a} multiplié par {b}", "{a} x {b}"],
        "/": ["{a} divisé par {b}", "{a} sur {b}"],
    },
    "numbers": [
        "un",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "six",
        "sept",
        "huit",
        "neuf",
        "dix",
        "onze",
        "douze",
    ],
    "and": " et ",
    "content": [
        "acheter du lait",
        "appeler maman à 18h",
        "réunion déplacée à vendredi",
        "bonjour le monde",
        "arroser les plantes",
        "le mot de passe wifi est sur le frigo",
        "TODO : corriger le bug de connexion",
        "chercher les enfants à 15h",
        "brouillon du rapport trimestriel",
        "idées pour la fête",
        "dentiste mardi",
        "payer le loyer",
        "finir le chapitre 4",
        "réserver les vols pour Lisbonne",
    ],
    # Subjects that read well after "de", "que" and on their own.
    "subject": [
        "JSON",
        "l'injection SQL",
        "web scraping",
        "la calculatrice",
        "la base de données",
        "la mémoire vive",
        "la médiane",
        "l'écart type",
        "l'heure d'été",
        "la RAM",
        "l'algèbre",
        "l'apprentissage automatique",
        "HTML",
        "SQL",
        "HTTP",
        "Linux",
        "l'API REST",
        "l'heure de Greenwich",
        "la ligne de commande",
        "l'informatique",
        "la cybersécurité",
        "Python",
        "Excel",
        "CSV",
        "JMESPath",
        "la variable d'environnement",
        "le fuseau horaire",
        "le processeur",
    ],
}

_FIRST: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "q_symbols": [
            "combien fait {expr} ?",
            "ça fait combien {expr} ?",
            "c'est quoi {expr}",
            "quel est le résultat de {expr} ?",
            "{expr} ça donne quoi ?",
        ],
        "imperative": [
            "calcule {expr}",
            "calcule-moi {expr}",
            "peux-tu calculer {expr} ?",
            "s'il te plaît, calcule {expr}.",
            "évalue {expr}",
            "résous {expr}",
        ],
        "words": [
            "combien font {calc_words} ?",
            "{calc_words}, ça fait combien ?",
            "combien fait {calc_words}",
            "dis-moi combien font {calc_words}",
        ],
        "terse": ["{expr} =", "{expr}=?", "{expr} ?", "calcul rapide : {expr}", "calc {expr} stp"],
        "verbs": [
            ("additionne {a} et {b}", ADD),
            ("multiplie {a} par {b}", MUL),
            ("divise {a} par {b}", DIV),
            ("soustrais {b} de {a}", SUB),
            ("quelle est la somme de {a} et {b} ?", ADD),
            ("quel est le produit de {a} et {b} ?", MUL),
        ],
        "special": [
            ("quelle est la racine carrée de {n} ?", SQRT),
            ("{p} % de {n} ?", PCT),
            ("combien font {p} pour cent de {n} ?", PCT),
            ("{b} au carré", SQUARE),
            ("factorielle de {small}", FACT),
            ("un pourboire de {p} % sur {n} euros, ça fait combien ?", PCT),
        ],
    },
    "time_now": {
        "q_time_in": [
            "quelle heure est-il à {city} ?",
            "il est quelle heure à {city} ?",
            "quelle heure il est à {city}",
            "tu sais quelle heure il est à {city} ?",
            "quelle heure est-il en ce moment à {city} ?",
        ],
        "current": [
            "heure actuelle à {city}",
            "l'heure à {city} maintenant",
            "heure locale {city}",
            "{city} heure locale ?",
            "{city} heure actuelle",
        ],
        "date": [
            "quelle est la date d'aujourd'hui ?",
            "on est quel jour ?",
            "c'est quoi la date",
            "quelle date est-on à {city} ?",
            "on est quel jour à {city} en ce moment ?",
        ],
        "casual": [
            "c'est le matin à {city} là ?",
            "il fait nuit à {city} maintenant ?",
            "donne-moi l'heure à {city}",
            "tu peux me donner l'heure actuelle de {city}, merci",
            "dis, il est quelle heure là-bas à {city} ?",
        ],
        "bare": [
            "quelle heure est-il ?",
            "il est quelle heure ?",
            "l'heure ?",
            "quelle heure il est là",
            "tu as l'heure ?",
        ],
    },
    "file_read": {
        "open_show": [
            "ouvre {file} et montre-le-moi",
            "montre-moi {file}",
            "montre-moi ce qu'il y a dans {file}",
            "affiche le contenu de {file}",
            "tu peux ouvrir {file} ?",
        ],
        "read": [
            "lis {file}",
            "lis-moi {file}",
            "merci de lire le fichier {file}",
            "cat {file}",
            "affiche {file}",
        ],
        "question": [
            "que dit {file} ?",
            "qu'est-ce qui est écrit dans {file} ?",
            "qu'y a-t-il dans {file} ?",
            "c'est quoi le contenu de {file} ?",
            "dis-moi ce que contient {file}",
        ],
        "casual": [
            "sors-moi {file}",
            "fais voir {file}",
            "j'ai besoin du contenu de {file}",
            "contenu de {file} stp",
            "donne-moi le texte de {file}",
        ],
    },
    "file_write": {
        "write_to": [
            'écris "{content}" dans {file}',
            "écris {content} dans le fichier {file}",
            'mets "{content}" dans {file}',
            'enregistre "{content}" dans {file}',
        ],
        "create": [
            'crée un fichier {file} avec le texte "{content}"',
            "fais un nouveau fichier {file} qui contient {content}",
            'crée {file} et écris "{content}" dedans',
            "nouveau fichier {file} : {content}",
        ],
        "append": [
            ('ajoute "{content}" à la fin de {file}', APPEND),
            ('ajoute une ligne "{content}" dans {file}', APPEND),
            ("rajoute {content} à {file}", APPEND),
        ],
        "note": [
            'note "{content}" dans {file}',
            "prends note de {content} dans {file} stp",
            "garde ça dans {file} : {content}",
            "enregistre une note dans {file} qui dit {content}",
        ],
    },
    "file_list": {
        "list": [
            "liste les fichiers de {folder}",
            "liste les fichiers du dossier {folder}",
            "énumère tout ce qu'il y a dans {folder}/",
            "montre les fichiers sous {folder}",
        ],
        "question": [
            "quels fichiers y a-t-il dans {folder} ?",
            "qu'est-ce qu'il y a dans le répertoire {folder} ?",
            "quels fichiers contient {folder}",
            "j'ai quoi dans {folder} ?",
        ],
        "terse": [
            "ls {folder}",
            "ls -la {folder}",
            "dir {folder}",
            "fichiers dans {folder} ?",
            "contenu du dossier {folder}",
        ],
        "workspace": [
            "j'ai quels fichiers ?",
            "liste mes fichiers",
            "montre-moi l'espace de travail",
            "qu'est-ce qu'il y a dans mon espace de travail ?",
            "quels fichiers sont là ?",
        ],
    },
    "system_info": {
        "os": [
            "quel système d'exploitation tourne sur cette machine ?",
            "c'est quel OS ici ?",
            "tu tournes sur quel os",
            "quelle version de linux a ce serveur ?",
            "c'est un mac, un windows ou un linux ?",
        ],
        "memory_disk": [
            "combien de RAM a cet ordinateur ?",
            "combien de mémoire libre reste-t-il ?",
            "combien d'espace disque reste-t-il ?",
            "le disque est plein ?",
            "combien d'espace libre sur cette machine ?",
        ],
        "specs": [
            "les specs du système stp",
            "montre-moi les infos système",
            "ça tourne sur quel matériel ?",
            "combien de cœurs CPU a cette machine ?",
            "détails de la machine ?",
        ],
        "python": [
            "quelle version de python est installée ici ?",
            "tu utilises quel python ?",
            "version de python sur cette machine ?",
        ],
    },
    "process_list": {
        "list": [
            "liste les processus en cours",
            "montre-moi les processus qui tournent",
            "quels processus sont en cours d'exécution ?",
            "liste tous les processus",
            "ps aux",
        ],
        "top": [
            "qu'est-ce qui utilise le plus de CPU ?",
            "quel processus bouffe toute ma mémoire ?",
            "les 5 processus qui consomment le plus de mémoire",
            "qu'est-ce qui monopolise le processeur là ?",
            "montre les processus les plus lourds",
        ],
        "is_running": [
            "est-ce que {proc} tourne ?",
            "y a-t-il un processus {proc} ?",
            "vérifie si {proc} est lancé",
            "combien de processus {proc} tournent ?",
            "trouve le processus {proc}",
        ],
    },
    "environment": {
        "show_var": [
            "montre-moi la variable {env}",
            "quelle est la valeur de {env} ?",
            "{env} est réglé sur quoi ?",
            "affiche la valeur de {env}",
            "valeur de ${env} ?",
        ],
        "list": [
            "liste les variables d'environnement",
            "montre-moi toutes les variables d'env",
            "quelles variables d'environnement sont définies ?",
            "affiche tout l'env",
            "les variables d'environnement stp",
        ],
        "terse": [
            "echo ${env}",
            "printenv {env}",
            "${env} ?",
            "env {env}",
            "qu'y a-t-il dans la variable d'environnement {env} ?",
        ],
    },
    "statistics": {
        "mean": [
            "quelle est la moyenne de {nums} ?",
            "moyenne de {nums}",
            "calcule la moyenne de ces nombres : {nums}",
            "moyenne {nums}",
        ],
        "multi_stats": [
            "donne-moi la moyenne, la médiane et l'écart type de {nums}",
            "stats de {nums}",
            "décris ces nombres : {nums}",
            "statistiques descriptives de {nums} svp",
            "min, max et moyenne de {nums}",
        ],
        "spread": [
            "quel est l'écart type de {nums} ?",
            "variance de {nums} ?",
            "médiane de {nums}",
            "c'est quoi la médiane ici : {nums}",
            "quartiles de {nums}",
        ],
        "casual": [
            "mes notes sont {nums}, c'est quoi ma moyenne ?",
            "j'ai couru {nums} km cette semaine, moyenne par jour ?",
            "les ventes étaient de {nums}, quelle médiane ?",
            "mes pas par jour : {nums}. la moyenne ?",
        ],
    },
    "json_parse": {
        "valid": [
            "est-ce du JSON valide ? {json}",
            "vérifie si ce JSON est valide : {json}",
            "valide ce json {json}",
            "ça se parse ? {json}",
        ],
        "pretty": [
            "formate joliment ce JSON : {json}",
            "mets en forme ce json {json}",
            "tu peux indenter {json} ?",
            "embellis ce JSON : {json}",
        ],
        "parse": [
            "parse ce JSON : {json}",
            "parse {json}",
            "json parse {json}",
            "lis ce JSON et décris sa structure : {json}",
        ],
    },
    "json_query": {
        "get": [
            "récupère {jpath} dans {jdoc}",
            "extrais {jpath} de ce JSON : {jdoc}",
            "interroge {jdoc} avec {jpath}",
            "applique le JMESPath {jpath} à {jdoc}",
        ],
        "natural": [
            "dans ce JSON {jdoc}, c'est quoi le {key} ?",
            "dans {jdoc} quelle est la valeur de {key} ?",
            "sors le champ {key} de {jdoc}",
            "quel {key} a ce JSON ? {jdoc}",
        ],
        "list": [
            "liste toutes les valeurs de {key} dans {jdoc}",
            "donne-moi chaque {key} de ce JSON : {jdoc}",
            "quels {key} y a-t-il dans {jdoc} ?",
        ],
    },
    "data_transform": {
        "sort": [
            "trie ces lignes par {col} : {records}",
            "classe ça par {col} : {records}",
            "trie {records} par {col} décroissant",
            "tu peux trier ces données par {col} ? {records}",
        ],
        "filter": [
            "filtre {records} pour garder les lignes où {ncol} > {small}",
            "garde seulement les lignes avec {ncol} au-dessus de {small} : {records}",
            "dans {records} enlève les lignes où {ncol} est sous {small}",
            "quelles lignes ont {ncol} supérieur à {small} ? {records}",
        ],
        "convert": [
            "convertis ce CSV en JSON : {csv}",
            "transforme ce csv en json {csv}",
            "csv vers json stp : {csv}",
            "convertis {records} en CSV",
        ],
        "group": [
            "regroupe {records} par {col} et fais la somme de {ncol}",
            "total de {ncol} par {col} : {records}",
            "groupe ces enregistrements par {col} : {records}",
            "compte les lignes par {col} dans {records}",
        ],
    },
    "api_request": {
        "call": [
            "appelle {url_api}",
            "appelle l'API {url_api}",
            "fais une requête à {url_api}",
            "interroge {url_api} et montre-moi la réponse",
            "appelle l'endpoint {url_api}",
        ],
        "method": [
            "envoie une requête {method} à {url_api}",
            "{method} {url_api}",
            "fais un {method} sur {url_api}",
            "requête {method} vers {url_api} stp",
        ],
        "post": [
            ("fais un POST de {json} sur {url_api}", POST),
            ("envoie {json} à {url_api} en POST", POST),
            ("poste ce corps {json} vers {url_api}", POST),
        ],
        "fetch_json": [
            "récupère le JSON de {url_api}",
            "va chercher les données de l'API {url_api}",
            "que renvoie {url_api} ?",
            "quelle est la réponse de {url_api} ?",
            "vérifie le statut de {url_api}",
        ],
    },
    "web_scrape": {
        "read": [
            "lis la page {url_page}",
            "lis-moi {url_page}",
            "ouvre {url_page} et dis-moi ce qu'il y a dessus",
            "que dit la page {url_page} ?",
        ],
        "summarize": [
            "résume {url_page}",
            "fais-moi un résumé de cet article : {url_page}",
            "résumé rapide de {url_page}",
            "de quoi parle cette page ? {url_page}",
        ],
        "parts": [
            "quel est le titre de {url_page} ?",
            "récupère tous les liens de {url_page}",
            "liste les liens de {url_page}",
            "donne-moi le gros titre de {url_page}",
        ],
        "scrape": [
            "scrape {url_page}",
            "extrais le texte de {url_page}",
            "aspire le contenu de {url_page}",
            "récupère le contenu du site {url_page}",
        ],
    },
    "database_query": {
        "sql": [
            "exécute {sql_select}",
            "lance cette requête : {sql_select}",
            "{sql_select}",
            "interroge la base : {sql_select}",
            "tu peux lancer ce SQL ? {sql_select}",
        ],
        "show_rows": [
            ("montre-moi toutes les lignes de la table {table}", SELECT_ALL),
            ("qu'y a-t-il dans la table {table} ?", SELECT_ALL),
            ("liste tout le contenu de la table {table}", SELECT_ALL),
            ("affiche la table {table} de la base", SELECT_ALL),
        ],
        "count": [
            ("combien de lignes dans {table} ?", COUNT_ALL),
            ("compte les enregistrements de la table {table}", COUNT_ALL),
            ("combien de {table} a-t-on dans la base ?", COUNT_ALL),
        ],
        "tables": [
            "quelles tables y a-t-il dans la base ?",
            "liste les tables de la bdd",
            "quelles tables existent ?",
            "montre le schéma de la base de données",
        ],
    },
    "database_execute": {
        "sql": [
            "exécute {sql_exec}",
            "lance {sql_exec}",
            "{sql_exec}",
            "applique cette instruction : {sql_exec}",
            "exécute ce SQL stp : {sql_exec}",
        ],
        "create": [
            ("crée une table {table} avec les colonnes {cols}", CREATE),
            ("fais une table nommée {table} avec {cols}", CREATE),
            ("crée la table {table} ({cols})", CREATE),
            ("il me faut une nouvelle table {table}, avec {cols}", CREATE),
        ],
        "insert": [
            "insère une ligne dans {table}",
            "ajoute un nouvel enregistrement à la table {table}",
            "ajoute {name} à la table {table}",
            "insère {name} dans {table}",
        ],
        "delete_update": [
            ("supprime tout de {table}", DELETE_ALL),
            ("efface toutes les lignes de la table {table}", DELETE_ALL),
            "supprime la ligne d'id {small} de {table}",
            "mets à jour {table} : prix à {small} pour l'id 2",
        ],
    },
    "none": {
        "greet": [
            "salut",
            "bonjour !",
            "coucou",
            "bonsoir",
            "ça va ?",
            "merci !",
            "merci beaucoup",
            "au revoir",
            "à plus tard",
            "quoi de neuf ?",
            "hello",
            "enchanté",
        ],
        "about_you": [
            "comment tu t'appelles ?",
            "qui t'a créé ?",
            "tu es un robot ?",
            "qu'est-ce que tu sais faire ?",
            "tu as des sentiments ?",
            "tu es plus intelligent que chatgpt ?",
        ],
        "knowledge": [
            "pourquoi le ciel est bleu ?",
            "qui a écrit Hamlet ?",
            "quelle est la capitale de l'Australie ?",
            "comment se forment les volcans ?",
            "quand s'est terminée la Seconde Guerre mondiale ?",
            "combien de planètes dans le système solaire ?",
            "pourquoi il pleut ?",
            "qui a peint la Joconde ?",
        ],
        "opinion": [
            "que penses-tu du télétravail ?",
            "le café est-il mauvais pour la santé ?",
            "c'est mieux les chats ou les chiens ?",
            "c'est quoi ton film préféré ?",
            "je devrais apprendre la guitare ou le piano ?",
            "ça vaut le coup d'acheter une voiture électrique ?",
        ],
        "creative": [
            "écris un poème sur la mer",
            "raconte-moi une blague",
            "écris une petite histoire de dragon",
            "trouve un slogan pour une boulangerie",
            "écris un haïku sur l'automne",
            "trouve un nom pour mon chat",
        ],
        "mention_def": [
            "c'est quoi {subject} ?",
            "qu'est-ce que c'est, {subject} ?",
            "définis {subject}",
            "que veut dire {subject} ?",
            "tu peux m'expliquer {subject} ?",
        ],
        "mention_talk": [
            "parle-moi de {subject}",
            "explique {subject} simplement",
            "je suis curieux : {subject}",
            "fais-moi un bref historique : {subject}",
            "à quoi sert {subject} ?",
        ],
        "mention_tool": [
            "JSON, ça veut dire quoi ?",
            "qui a inventé la calculatrice ?",
            "le web scraping, c'est légal ?",
            "quelle est la différence entre un processus et un thread ?",
            "comment fonctionnent les fuseaux horaires ?",
            "pourquoi on a l'heure d'été ?",
            "quelle base de données pour débuter ?",
            "c'est quoi l'injection SQL et comment s'en protéger ?",
            "qu'est-ce qu'une bonne conception d'API ?",
            "pour jouer, la RAM ou le CPU, c'est quoi le plus important ?",
        ],
        "city_chat": [
            "j'adore {city}",
            "{city} est tellement belle",
            "je pars à {city} la semaine prochaine !",
            "qu'est-ce qu'on mange de bon à {city} ?",
            "parle-moi de {city}",
            "{city}, c'est grand comment ?",
            "c'est cher de vivre à {city} ?",
        ],
        "numbers_chat": [
            "j'ai {small} chats",
            "mon fils a eu {small} ans aujourd'hui !",
            "j'ai couru {small} km ce matin",
            "je suis né en 1990",
            "mon vol est à 10h30 demain",
            "il est tombé 3 cm de neige cette nuit",
            "j'ai eu 15 sur 20 à l'examen",
            "le chapitre 12 était ennuyeux",
            "j'ai dormi seulement 4 heures",
        ],
        "howto_code": [
            "comment lire un fichier en Python ?",
            "comment trier une liste en JavaScript",
            "c'est quoi la syntaxe d'une jointure SQL ?",
            "comment définir une variable d'environnement sous Windows ?",
            "comment parser du JSON en Go ?",
            "comment faire une requête HTTP avec curl ?",
            "comment tuer un processus sous Linux ?",
        ],
        "feelings": [
            "je suis crevé aujourd'hui",
            "j'ai eu une journée difficile au boulot",
            "je m'ennuie",
            "je suis content aujourd'hui",
            "je n'arrive pas à dormir",
            "mon chat est malade",
            "vivement vendredi",
        ],
    },
    "time_now+calculator": {
        "and": [
            "quelle heure est-il à {city}, et combien fait {expr} ?",
            "l'heure à {city} et aussi {expr} ?",
            "calcule {expr} et dis-moi l'heure à {city}",
            "{expr} ? et sinon il est quelle heure à {city} ?",
        ],
    },
    "system_info+process_list": {
        "and": [
            "montre-moi les infos système et les principaux processus",
            "combien j'ai de RAM et qu'est-ce qui l'utilise ?",
            "donne-moi les specs de la machine et les processus en cours",
            "version de l'OS et liste des processus stp",
        ],
    },
    "file_list+file_read": {
        "and": [
            "liste les fichiers de {folder} et ouvre {file}",
            "qu'y a-t-il dans {folder} ? montre-moi aussi {file}",
            "affiche {file} puis liste {folder}",
        ],
    },
    "calculator+file_write": {
        "and": [
            "calcule {expr} et enregistre le résultat dans {file}",
            "résous {expr} puis écris-le dans {file}",
            "fais {expr} et mets la réponse dans {file}",
        ],
    },
}

_MORE: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "how_much": [
            "ça donne combien, {expr} ?",
            "{expr}, ça fait combien exactement ?",
            "et {expr}, combien ?",
            "combien ça ferait, {expr} ?",
        ],
        "help_me": [
            "aide-moi avec {expr}",
            "tu peux me faire {expr} ?",
            "j'ai besoin du résultat de {expr}",
            "besoin d'aide : {expr}",
            "fais le calcul de {expr}",
        ],
        "polite": [
            "pourriez-vous calculer {calc_words}, s'il vous plaît ?",
            "ça te dérangerait de calculer {expr} ?",
            "tu pourrais me dire combien font {calc_words} ?",
            "merci de me résoudre {calc_words}",
        ],
        "word_problem": [
            ("j'ai acheté {a} articles à {b} euros pièce, ça fait combien au total ?", MUL),
            ("si j'ai {a} boîtes de {b} pommes, ça fait combien de pommes ?", MUL),
            ("on est {b} à partager une addition de {a} euros, combien chacun ?", DIV),
            ("j'avais {a} euros et j'en ai dépensé {b}, il me reste combien ?", SUB),
        ],
        "result": [
            "résultat de {calc_words} ?",
            "{calc_words} égale quoi ?",
            "réponse à {expr} ?",
            "{expr} -> ?",
        ],
    },
    "time_now": {
        "clock": [
            "qu'indique l'horloge à {city} ?",
            "il est quelle heure pile à {city} ?",
            "il doit être quelle heure à {city} ?",
            "il est tard à {city} ?",
        ],
        "need_time": [
            "j'ai besoin de l'heure actuelle à {city}",
            "regarde l'heure à {city} pour moi",
            "tu peux me dire l'heure à {city} ?",
            "vérifie quelle heure il est à {city}",
        ],
        "zone": [
            "heure actuelle en {zone}",
            "quelle heure est-il en {zone} ?",
            "heure maintenant pour le fuseau {zone}",
            "now() en {zone}",
        ],
        "date_more": [
            "on est le combien ?",
            "quel jour de la semaine on est ?",
            "on est en quel mois ?",
            "on est en quelle année ?",
            "on est lundi aujourd'hui ?",
        ],
    },
    "file_read": {
        "contents": [
            "montre le contenu de {file}",
            "contenu de {file} ?",
            "imprime {file}",
            "sors le contenu de {file}",
        ],
        "look": [
            "regarde {file} et dis-moi ce qu'il dit",
            "vérifie ce qu'il y a dans {file}",
            "jette un œil dans {file}",
            "survole {file}",
        ],
        "summarize_file": [
            "résume {file}",
            "fais-moi un résumé de {file}",
            "{file} parle de quoi ?",
            "tl;dr de {file}",
        ],
        "load": [
            "charge {file}",
            "ouvre le fichier {file}",
            "récupère {file}",
            "va chercher {file} dans l'espace de travail",
        ],
    },
    "file_write": {
        "save_file": [
            "enregistre ça dans {file} : {content}",
            "sauvegarde le texte {content} sous {file}",
            'enregistre "{content}" dans un fichier nommé {file}',
        ],
        "overwrite": [
            'écrase {file} avec "{content}"',
            "remplace le contenu de {file} par {content}",
            'mets {file} à "{content}"',
        ],
        "put_line": [
            "mets la ligne {content} dans {file}",
            'écris un fichier {file} qui dit "{content}"',
            "fais que {file} dise {content}",
        ],
        "log": [
            ('consigne "{content}" dans {file}', APPEND),
            ("retiens ça dans {file} : {content}", APPEND),
            ("ajoute une note à {file} : {content}", APPEND),
        ],
    },
    "file_list": {
        "show_dir": [
            "montre-moi le répertoire {folder}",
            "contenu du répertoire {folder}",
            "affiche les fichiers de {folder}",
            "déplie le dossier {folder}",
        ],
        "browse": [
            "parcours {folder}",
            "qu'est-ce qu'il y a dans le dossier {folder} ?",
            "jette un œil à {folder}",
            "ouvre le dossier {folder}",
        ],
        "tree": [
            "montre l'arborescence de {folder}",
            "liste {folder} récursivement",
            "tree {folder}",
            "affiche tout sous {folder}, sous-dossiers compris",
        ],
        "any_files": [
            "il y a des fichiers dans {folder} ?",
            "{folder} est vide ?",
            "combien de fichiers dans {folder} ?",
        ],
    },
    "system_info": {
        "machine": [
            "parle-moi de cette machine",
            "c'est quelle machine ?",
            "infos sur cet ordinateur",
            "tu tournes sur quoi ?",
        ],
        "resources": [
            "combien de mémoire et de disque a ce serveur ?",
            "vérifie la mémoire libre",
            "vérifie l'utilisation du disque",
            "le disque est rempli à combien ?",
        ],
        "cpu": [
            "quel CPU a cette machine ?",
            "on a combien de cœurs ?",
            "infos processeur stp",
            "quel processeur utilise cet ordi ?",
        ],
    },
    "process_list": {
        "running_apps": [
            "quelles applis sont ouvertes ?",
            "quels programmes tournent là ?",
            "montre les programmes en cours",
            "qu'est-ce qui tourne sur cette machine ?",
        ],
        "memory_usage": [
            "quels processus utilisent le plus de mémoire ?",
            "trie les processus par mémoire",
            "qui mange la mémoire ?",
            "qu'est-ce qui bouffe ma RAM ?",
        ],
        "task_manager": [
            "ouvre le gestionnaire de tâches",
            "montre-moi top",
            "ce qui tourne, façon htop",
            "moniteur de processus stp",
        ],
        "pid": [
            "c'est quoi le pid de {proc} ?",
            "montre le processus {proc} avec son pid",
            "combien de CPU utilise {proc} ?",
            "combien de mémoire prend {proc} ?",
        ],
    },
    "environment": {
        "what_var": [
            "quelle est la valeur de la variable d'environnement {env} ?",
            "vérifie {env}",
            "{env} est défini ?",
            "j'ai {env} de configuré ?",
        ],
        "env_all": [
            "montre mon environnement",
            "qu'y a-t-il dans mon environnement ?",
            "affiche toutes les variables d'environnement",
            "liste l'env",
        ],
        "which_setting": [
            "j'utilise quel {env} ?",
            "comment est réglé {env} ici ?",
            "lis-moi la variable {env}",
        ],
    },
    "statistics": {
        "analyze": [
            "analyse ces nombres : {nums}",
            "traite ces données {nums}",
            "fais des stats sur {nums}",
            "nombres : {nums}. décris-les",
        ],
        "range_minmax": [
            "quels sont le max et le min de {nums} ?",
            "étendue de {nums}",
            "somme et moyenne de {nums}",
            "le plus grand et le plus petit de {nums}",
        ],
        "spread_q": [
            "à quel point {nums} sont dispersés ?",
            "combien varient {nums} ?",
            "y a-t-il beaucoup de dispersion dans {nums} ?",
        ],
        "dataset": [
            "pour le jeu de données {nums}, donne-moi la moyenne",
            "données : {nums}. médiane ?",
            "échantillon {nums} : écart type ?",
        ],
    },
    "json_parse": {
        "check_syntax": [
            "vérifie la syntaxe de ce json {json}",
            "y a-t-il des erreurs dans ce JSON ? {json}",
            "{json} est bien formé ?",
            "lint ce json : {json}",
        ],
        "structure": [
            "quelle est la structure de {json} ?",
            "quelle forme a ce JSON : {json}",
            "décortique ce JSON {json}",
        ],
        "clean": ["nettoie ce JSON {json}", "rends {json} lisible", "reformate {json} proprement"],
    },
    "json_query": {
        "jmespath": [
            "jmespath {jpath} sur {jdoc}",
            "évalue {jpath} sur {jdoc}",
            "{jpath} de {jdoc} ?",
        ],
        "find_value": [
            "trouve {key} dans {jdoc}",
            "cherche {key} dans ce json {jdoc}",
            "où est {key} dans {jdoc} ?",
        ],
        "select_field": [
            "sélectionne le champ {key} de {jdoc}",
            "juste le {key} de {jdoc} stp",
            "je veux seulement {key} dans {jdoc}",
        ],
    },
    "data_transform": {
        "select_cols": [
            "garde seulement la colonne {col} de {records}",
            "sélectionne {col} dans ces enregistrements {records}",
            "enlève tout sauf {col} : {records}",
        ],
        "top_n": [
            "les 2 lignes avec le plus de {ncol} dans {records}",
            "les 2 {ncol} les plus élevés de {records}",
            "quelle ligne a le plus grand {ncol} ? {records}",
        ],
        "to_csv": [
            "transforme {records} en tableau CSV",
            "exporte {records} en csv",
            "fais un csv à partir de {records}",
        ],
        "aggregate": [
            "moyenne de {ncol} par {col} dans {records}",
            "additionne {ncol} pour chaque {col} : {records}",
            "max de {ncol} par {col} dans {records}",
        ],
    },
    "api_request": {
        "endpoint": [
            "que renvoie l'endpoint {url_api} ?",
            "ping {url_api}",
            "teste l'API {url_api}",
        ],
        "http_get": [
            "fais un HTTP GET sur {url_api}",
            "requête GET {url_api} stp",
            "curl {url_api}",
            "télécharge {url_api}",
        ],
        "send_data": [
            ("envoie ce JSON {json} à {url_api}", POST),
            ("soumets {json} à l'API {url_api}", POST),
        ],
        "delete": [
            ("envoie un DELETE à {url_api}", {"api_request": {"method": "DELETE"}}),
            ("supprime la ressource à {url_api}", {"api_request": {"method": "DELETE"}}),
        ],
    },
    "web_scrape": {
        "website": [
            "qu'y a-t-il sur le site {url_page} ?",
            "regarde le site {url_page}",
            "visite {url_page}",
            "va sur {url_page} et dis-moi ce qu'il y a",
        ],
        "article": [
            "lis-moi cet article {url_page}",
            "que dit cet article ? {url_page}",
            "tu peux lire {url_page} et me l'expliquer ?",
        ],
        "text": [
            "récupère le texte de {url_page}",
            "télécharge la page {url_page} et montre le texte",
            "prends le contenu de la page {url_page}",
        ],
        "headlines": [
            "quels sont les gros titres de {url_page} ?",
            "quoi de neuf sur {url_page} ?",
            "les principales infos de {url_page}",
        ],
    },
    "database_query": {
        "sql_prefix": [
            "SQL : {sql_select}",
            "requête : {sql_select}",
            "bdd {sql_select}",
            "sqlite> {sql_select}",
        ],
        "get_all": [
            ("sors tous les {table} de la base", SELECT_ALL),
            ("récupère tous les enregistrements de {table}", SELECT_ALL),
            ("dump la table {table}", SELECT_ALL),
        ],
        "look_up": [
            "cherche {name} dans la table {table}",
            "recherche {name} dans la table {table}",
            "{name} est dans {table} ?",
            "trouve {name} dans la bdd",
        ],
        "aggregate_db": [
            "quel est le prix moyen dans la table products ?",
            "quel est le total de payments ?",
            "le salaire le plus élevé dans employees ?",
            "quel film a la meilleure note dans la base ?",
        ],
    },
    "database_execute": {
        "add_row": [
            "ajoute une ligne à {table} avec le nom {name}",
            "mets {name} dans la table {table}",
            "enregistre {name} dans la table {table}",
            "sauvegarde {name} comme nouvelle entrée dans {table}",
        ],
        "clear": [
            ("vide la table {table}", DELETE_ALL),
            ("nettoie la table {table}", DELETE_ALL),
            ("efface le contenu de la table {table}", DELETE_ALL),
        ],
        "make_table": [
            ("monte une table {table} ({cols})", CREATE),
            ("nouvelle table {table} avec les champs {cols}", CREATE),
            ("ajoute à la base une table {table} avec {cols}", CREATE),
        ],
        "update": [
            "change l'âge de {name} à {small} dans {table}",
            "mets done à 1 pour l'id {small} dans {table}",
            "renomme la ligne {small} de {table} en {name}",
            "marque la tâche {small} comme faite dans la bdd",
        ],
    },
    "none": {
        "math_talk": [
            "je déteste les maths",
            "les maths étaient ma matière préférée",
            "qui a inventé l'algèbre ?",
            "c'est quoi un nombre premier ?",
            "7 est un chiffre porte-bonheur ?",
            "pourquoi on ne peut pas diviser par zéro ?",
            "comment progresser en calcul mental ?",
        ],
        "time_talk": [
            "le temps passe vite !",
            "je n'ai jamais assez de temps",
            "quelle est la meilleure période pour visiter {city} ?",
            "combien dure le vol pour {city} ?",
            "je suis toujours en retard, des conseils ?",
            "tu aimes le matin ?",
        ],
        "file_talk": [
            "j'ai perdu tous mes fichiers hier",
            "comment organiser mes fichiers ?",
            "quel nom donner à un dossier ?",
            "mon disque dur fait des bruits bizarres",
            "le stockage en ligne, c'est sûr ?",
        ],
        "web_talk": [
            "c'est quoi ton site préféré ?",
            "wikipédia est fiable ?",
            "comment marche la recherche google ?",
            "qui a inventé internet ?",
            "tu me conseilles quel site d'infos ?",
        ],
        "db_talk": [
            "postgres ou mysql ?",
            "c'est quoi une clé primaire ?",
            "comment les bases de données indexent-elles les données ?",
            "le nosql est mieux que le sql ?",
            "quelle différence entre une table et une vue ?",
        ],
        "other_tasks": [
            "traduis bonjour en anglais",
            "mets un réveil à 7h",
            "envoie un mail à Bob",
            "réserve une table pour deux ce soir",
            "mets de la musique",
            "éteins la lumière",
            "rappelle-moi d'appeler maman demain",
            "commande une pizza",
        ],
        "advice": [
            "comment mieux dormir ?",
            "des conseils pour apprendre une langue ?",
            "comment faire des crêpes ?",
            "je cuisine quoi ce soir ?",
            "comment rester motivé ?",
            "des conseils pour un entretien d'embauche ?",
        ],
        "followups": [
            "ok merci",
            "cool",
            "c'est faux",
            "tu peux réexpliquer ?",
            "laisse tomber",
            "compris",
            "hmm intéressant",
            "comment ça ?",
        ],
    },
    "statistics+calculator": {
        "and": [
            "moyenne de {nums} et aussi {expr}",
            "c'est quoi la moyenne de {nums} ? et {expr} ?",
            "calcule {expr} puis la médiane de {nums}",
        ],
    },
    "web_scrape+file_write": {
        "and": [
            "lis {url_page} et enregistre-le dans {file}",
            "scrape {url_page} et écris le texte dans {file}",
            "résume {url_page} et garde le résumé dans {file}",
        ],
    },
    "database_execute+database_query": {
        "and": [
            "crée la table {table} ({cols}) puis montre toutes les lignes",
            "insère {name} dans {table} et liste la table",
            "supprime tout de {table} et compte ce qui reste",
        ],
    },
}


_THIRD: dict[str, dict[str, list[Any]]] = {
    "environment": {
        "env_mots": [
            "montre-moi l'environnement",
            "qu'est-ce qui est défini dans l'environnement ?",
            "l'environnement stp",
            "{env} dans l'environnement ?",
            "à quoi ressemble mon environnement ?",
        ]
    },
    "database_query": {
        "lignes": [
            "trouve les lignes de {name} dans la table {table}",
            "quelles lignes de {table} parlent de {name} ?",
            "montre l'enregistrement de {name} dans la table {table}",
            "interroge la table {table}",
        ]
    },
    "database_execute": {
        "inserer": [
            "insère {name} comme nouvelle ligne dans {table}",
            "mets {name} dans la table {table}",
            "nouvelle ligne dans {table} : {name}",
            "ajoute {name} dans la table {table}",
        ]
    },
    "time_now": {
        "horloge": [
            "il est tard ou tôt à {city} là ?",
            "quelle heure ont-ils à {city} ?",
            "l'heure là-bas à {city} ?",
            "horloge de {city} ?",
        ]
    },
    "process_list": {
        "tourne": [
            "qu'est-ce qui tourne en ce moment ?",
            "quels processus sont actifs ?",
            "un truc lourd qui tourne ?",
            "{proc} tourne encore ?",
        ]
    },
    "system_info": {
        "verifier": [
            "vérifie la RAM",
            "combien de RAM libre là ?",
            "quelle taille fait le disque ?",
            "quel OS et combien de mémoire sur ce serveur ?",
        ]
    },
    "json_query": {
        "ou_est": [
            "où est {key} dans {jdoc} ?",
            "c'est quoi le {key} dans {jdoc} ?",
            "donne-moi {key} de {jdoc}",
        ]
    },
    "none": {
        "temps": [
            "j'ai besoin de temps pour réfléchir",
            "il était temps !",
            "le bon vieux temps",
            "prends ton temps",
            "quel temps fait-il à Paris ?",
            "combien de temps pour apprendre le piano ?",
        ]
    },
}

_FOURTH: dict[str, dict[str, list[Any]]] = {
    "data_transform": {
        "rows_cols": [
            "juste la colonne {col} stp : {records}",
            "de ces lignes garde {col} : {records}",
            "regroupe les lignes de {records} par {col}",
            "combien de lignes par {col} ? {records}",
        ]
    },
    "json_query": {
        "key_lookup": [
            "cherche la clé {key} dans {jdoc}",
            "quelle valeur a la clé {key} dans {jdoc} ?",
            "lis {key} dans ce json : {jdoc}",
        ]
    },
}

FAMILIES: dict[str, dict[str, list[Any]]] = merge(_FIRST, _MORE, _THIRD, _FOURTH)

# Ways of joining two requests into one ("{0} and {1}"): composed two-tool requests.
CONJUNCTIONS: dict[str, list[str]] = {
    "et": ["{0} et {1}", "{0}, et {1}"],
    "puis": ["{0}, puis {1}", "{0} et ensuite {1}", "d'abord {0}, ensuite {1}"],
    "aussi": ["{0}. aussi, {1}", "{0} ? et aussi {1}", "{0}, et en plus {1}"],
    "plus": ["{0} ; {1}", "{0}. {1}", "{0} + {1}"],
    "apres": ["{0}, après ça {1}", "{0}. une fois fini, {1}", "{0}, et après {1}"],
}
