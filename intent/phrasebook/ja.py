"""Japanese phrasings: each family is one way of asking, with its paraphrases."""

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
        "+": ["{a}足す{b}", "{a}たす{b}", "{a}プラス{b}"],
        "-": ["{a}引く{b}", "{a}ひく{b}", "{a}マイナス{b}"],
        "*": ["{a}かける{b}", "{a}掛ける{b}", "{a}×{b}"],
        "/": ["{a}割る{b}", "{a}わる{b}", "{a}÷{b}"],
    },
    "numbers": ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"],
    "and": "と",
    "content": [
        "牛乳を買う",
        "6時に母に電話",
        "会議は金曜日に変更",
        "ハローワールド",
        "植物に水をやる",
        "Wi-Fiのパスワードは冷蔵庫に",
        "TODO: ログインのバグを直す",
        "3時に子どもを迎えに行く",
        "四半期報告書の下書き",
        "パーティーのアイデア",
        "火曜日に歯医者",
        "家賃を払う",
        "第4章を終わらせる",
        "リスボン行きの航空券を予約",
    ],
    "subject": [
        "電卓",
        "JSON",
        "SQLインジェクション",
        "API",
        "ウェブスクレイピング",
        "環境変数",
        "タイムゾーン",
        "サマータイム",
        "データベース",
        "CSVファイル",
        "標準偏差",
        "中央値",
        "オペレーティングシステム",
        "Linuxのプロセス",
        "メモリ",
        "CPU",
        "REST API",
        "HTML",
        "表計算ソフト",
        "ファイルシステム",
        "機械学習",
        "ピタゴラスの定理",
        "代数",
        "グリニッジ標準時",
        "HTTPプロトコル",
        "SQL",
        "JMESPath",
        "テキストファイル",
    ],
}

_FIRST: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "q_symbols": [
            "{expr}は？",
            "{expr}はいくつ？",
            "{expr}は何ですか？",
            "{expr}っていくら？",
            "{expr}の答えは？",
        ],
        "imperative": [
            "{expr}を計算して",
            "{expr}を計算してください",
            "{expr}計算してくれる？",
            "{expr}を解いて",
            "{expr}の値を求めて",
        ],
        "words": [
            "{calc_words}は？",
            "{calc_words}はいくつですか？",
            "{calc_words}っていくつ？",
            "{calc_words}の答え教えて",
        ],
        "terse": ["{expr} =", "{expr}=?", "{expr} ？", "計算：{expr}", "{expr} 計算よろ"],
        "verbs": [
            ("{a}と{b}を足すと？", ADD),
            ("{a}に{b}を掛けたら？", MUL),
            ("{a}から{b}を引くといくつ？", SUB),
            ("{a}を{b}で割って", DIV),
            ("{a}と{b}の合計は？", ADD),
            ("{a}と{b}の積は？", MUL),
        ],
        "special": [
            ("{n}の平方根は？", SQRT),
            ("{n}の{p}%はいくら？", PCT),
            ("{b}の二乗は？", SQUARE),
            ("{small}の階乗を計算して", FACT),
            ("{n}円の{p}パーセントは？", PCT),
        ],
    },
    "time_now": {
        "q_time_in": [
            "{city}は今何時？",
            "{city}は今何時ですか？",
            "今{city}は何時？",
            "{city}って今何時かな",
            "{city}の時刻は今何時？",
        ],
        "current": [
            "{city}の現在時刻",
            "{city}の今の時間を教えて",
            "{city}の現地時間は？",
            "{city} 現在時刻",
            "{city}の時間",
        ],
        "date": [
            "今日は何日？",
            "今日の日付を教えて",
            "今日は何曜日？",
            "{city}は今日何日？",
            "{city}では今何曜日ですか？",
        ],
        "casual": [
            "{city}って今朝？",
            "{city}の友達もう寝てるかな？向こう何時？",
            "{city}は今夜中？",
            "{city}何時よ",
            "{city}の時間知りたい",
        ],
        "bare": ["今何時？", "今何時ですか？", "いま何時", "現在の時刻は？", "時間教えて"],
    },
    "file_read": {
        "open_show": [
            "{file}を開いて見せて",
            "{file}を表示して",
            "{file}の中身を見せて",
            "{file}開いてくれる？",
            "{file}の内容を表示してください",
        ],
        "read": [
            "{file}を読んで",
            "{file}を読み込んで",
            "ファイル{file}を読んでください",
            "cat {file}",
            "{file}読み上げて",
        ],
        "question": [
            "{file}には何て書いてある？",
            "{file}の中身は何？",
            "{file}に何が入ってる？",
            "{file}の内容は？",
            "{file}には何が書かれていますか？",
        ],
        "casual": [
            "{file}ちょっと見せて",
            "{file}の中身ちょうだい",
            "{file}チェックして",
            "{file}のテキストを取ってきて",
            "{file}見たい",
        ],
    },
    "file_write": {
        "write_to": [
            "{file}に「{content}」と書いて",
            "「{content}」を{file}に書き込んで",
            "{file}に{content}って保存して",
            "「{content}」を{file}に保存",
        ],
        "create": [
            "「{content}」という内容で{file}を作って",
            "新しいファイル{file}を作って{content}と書いて",
            "新規ファイル{file}：{content}",
            "{file}を作成して「{content}」を入れて",
        ],
        "append": [
            ("{file}の最後に「{content}」を追加して", APPEND),
            ("{file}に{content}を一行追記して", APPEND),
            ("「{content}」を{file}に追記", APPEND),
        ],
        "note": [
            "{file}にメモして：{content}",
            "「{content}」って{file}にメモ",
            "{file}に{content}と記録しておいて",
            "これを{file}に保存：{content}",
        ],
    },
    "file_list": {
        "list": [
            "{folder}フォルダのファイル一覧を見せて",
            "{folder}の中のファイルを一覧表示して",
            "{folder}ディレクトリのファイルリスト",
            "{folder}にあるファイルを表示",
        ],
        "question": [
            "{folder}フォルダに何がある？",
            "{folder}にはどんなファイルがある？",
            "{folder}ディレクトリには何が入っていますか？",
            "{folder}にファイル何個ある？",
        ],
        "terse": [
            "ls {folder}",
            "ls -la {folder}",
            "{folder}フォルダの中身",
            "{folder}のファイル？",
            "dir {folder}",
        ],
        "workspace": [
            "私のファイル一覧を見せて",
            "作業フォルダに何がある？",
            "ワークスペースのファイルを表示",
            "どんなファイルがある？",
            "ファイルリストちょうだい",
        ],
    },
    "system_info": {
        "os": [
            "このマシンのOSは何？",
            "このサーバーのオペレーティングシステムは？",
            "どのOSで動いてる？",
            "Linuxのバージョンは？",
            "これってMac？Windows？Linux？",
        ],
        "memory_disk": [
            "このパソコンのメモリは何GB？",
            "空きメモリはどれくらい？",
            "ディスクの空き容量は？",
            "ディスクいっぱい？",
            "ストレージの残りはどのくらい？",
        ],
        "specs": [
            "システムのスペックを教えて",
            "システム情報を表示して",
            "このマシンのハードウェア情報",
            "CPUのコア数は？",
            "PCのスペック見せて",
        ],
        "python": [
            "ここに入ってるPythonのバージョンは？",
            "Pythonのバージョンを確認して",
            "このマシンのPythonは何バージョン？",
        ],
    },
    "process_list": {
        "list": [
            "実行中のプロセスを表示して",
            "動いているプロセスの一覧",
            "プロセス一覧ちょうだい",
            "今動いているプログラムを教えて",
            "ps aux",
        ],
        "top": [
            "CPUを一番使っているのは何？",
            "メモリを食ってるプロセスはどれ？",
            "メモリ使用量上位5つのプロセス",
            "何がCPUを占領してるの？",
            "一番重いプロセスを見せて",
        ],
        "is_running": [
            "{proc}は動いてる？",
            "{proc}のプロセスある？",
            "{proc}が実行中か確認して",
            "{proc}のプロセスはいくつ動いてる？",
            "{proc}起動してる？",
        ],
    },
    "environment": {
        "show_var": [
            "環境変数{env}を見せて",
            "{env}の値は何？",
            "{env}はどう設定されてる？",
            "{env}変数の値を教えて",
            "${env}の値は？",
        ],
        "list": [
            "環境変数の一覧を表示して",
            "環境変数を全部見せて",
            "設定されている環境変数は？",
            "envを全部出力して",
            "環境変数ちょうだい",
        ],
        "terse": ["echo ${env}", "printenv {env}", "${env}?", "env {env}", "{env}の環境変数？"],
    },
    "statistics": {
        "mean": [
            "{nums}の平均は？",
            "{nums}の平均を出して",
            "この数字の平均を教えて：{nums}",
            "平均：{nums}",
        ],
        "multi_stats": [
            "{nums}の平均、中央値、標準偏差を教えて",
            "{nums}の統計を出して",
            "次の数値の要約統計：{nums}",
            "{nums}の記述統計を見せて",
            "{nums}の最小値、最大値、平均",
        ],
        "spread": [
            "{nums}の標準偏差は？",
            "{nums}の分散を計算して",
            "{nums}の中央値は？",
            "中央値を教えて：{nums}",
            "{nums}の四分位数",
        ],
        "casual": [
            "テストの点数が{nums}だったけど平均は？",
            "今週{nums}km走った、1日平均は？",
            "売上が{nums}だった、中央値は？",
            "毎日の歩数：{nums}。平均出して",
        ],
    },
    "json_parse": {
        "valid": [
            "これは正しいJSON？ {json}",
            "このJSONが有効か確認して：{json}",
            "JSONのバリデーション：{json}",
            "{json} これパースできる？",
        ],
        "pretty": [
            "このJSONを整形して：{json}",
            "{json}を見やすく整形して",
            "JSONフォーマットして {json}",
            "{json}をインデントして表示",
        ],
        "parse": [
            "このJSONをパースして：{json}",
            "{json}をパース",
            "jsonパース {json}",
            "このJSONの構造を教えて：{json}",
        ],
    },
    "json_query": {
        "get": [
            "{jdoc}から{jpath}を取り出して",
            "このJSONから{jpath}を抽出：{jdoc}",
            "{jdoc}に{jpath}でクエリして",
            "JMESPath {jpath}を{jdoc}に適用して",
        ],
        "natural": [
            "このJSON {jdoc} の{key}は何？",
            "{jdoc} ここの{key}の値を教えて",
            "{jdoc}から{key}フィールドだけ抜き出して",
            "{key}の値を探して：{jdoc}",
        ],
        "list": [
            "{jdoc}にある{key}を全部リストアップして",
            "このJSONのすべての{key}：{jdoc}",
            "{jdoc}から{key}だけ一覧で",
        ],
    },
    "data_transform": {
        "sort": [
            "このデータを{col}で並べ替えて：{records}",
            "{records}を{col}順にソート",
            "{col}の降順でソートして {records}",
            "{records}を{col}の順に並べてくれる？",
        ],
        "filter": [
            "{records}から{ncol}が{small}より大きい行だけ残して",
            "{ncol}が{small}以上のものだけフィルタ：{records}",
            "{records}のうち{ncol}が{small}未満の行は除いて",
            "{ncol}が{small}を超える行だけ見せて {records}",
        ],
        "convert": [
            "このCSVをJSONに変換して：{csv}",
            "csvをjsonに変換 {csv}",
            "{csv} をJSONにして",
            "{records}をCSVに変換して",
        ],
        "group": [
            "{records}を{col}ごとにグループ化して{ncol}を合計して",
            "{col}ごとの{ncol}の合計：{records}",
            "{records}を{col}でグループ化",
            "{col}ごとに件数を数えて：{records}",
        ],
    },
    "api_request": {
        "call": [
            "{url_api}を呼び出して",
            "{url_api}のAPIを叩いて",
            "{url_api}にリクエストを送って",
            "{url_api}を叩いてレスポンスを見せて",
            "このエンドポイントを呼んで {url_api}",
        ],
        "method": [
            "{url_api}に{method}リクエストを送って",
            "{method} {url_api}",
            "{url_api}へ{method}して",
            "{method}リクエストお願い {url_api}",
        ],
        "post": [
            ("{url_api}に{json}をPOSTして", POST),
            ("{json}を{url_api}にPOSTで送って", POST),
            ("このボディ{json}を{url_api}にpost", POST),
        ],
        "fetch_json": [
            "{url_api}からJSONを取得して",
            "{url_api}のAPIデータを取ってきて",
            "{url_api}のレスポンスは？",
            "{url_api}のステータスを確認して",
            "{url_api}は何を返す？",
        ],
    },
    "web_scrape": {
        "read": [
            "{url_page}のページを読んで",
            "{url_page}読んでくれる？",
            "{url_page}を開いて何が書いてあるか教えて",
            "{url_page}のページの内容は？",
        ],
        "summarize": [
            "{url_page}を要約して",
            "この記事を要約して：{url_page}",
            "{url_page}を3行でまとめて",
            "{url_page} このページは何について？",
        ],
        "parts": [
            "{url_page}のタイトルは？",
            "{url_page}のリンクを全部取ってきて",
            "{url_page}のリンク一覧",
            "{url_page}の見出しを抜き出して",
        ],
        "scrape": [
            "{url_page}をスクレイピングして",
            "{url_page}のテキストを取ってきて",
            "{url_page}の本文を抽出して",
            "ウェブサイト{url_page}の内容を取得",
        ],
    },
    "database_query": {
        "sql": [
            "{sql_select}を実行して",
            "このクエリを実行して：{sql_select}",
            "{sql_select}",
            "DBにクエリ：{sql_select}",
            "このSQL実行してくれる？ {sql_select}",
        ],
        "show_rows": [
            ("{table}テーブルを全部見せて", SELECT_ALL),
            ("{table}テーブルには何が入ってる？", SELECT_ALL),
            ("{table}テーブルのデータを全件表示して", SELECT_ALL),
            ("DBの{table}テーブルを参照して", SELECT_ALL),
        ],
        "count": [
            ("{table}テーブルは何行ある？", COUNT_ALL),
            ("{table}のレコード数を数えて", COUNT_ALL),
            ("データベースに{table}は何件ある？", COUNT_ALL),
        ],
        "tables": [
            "データベースにはどんなテーブルがある？",
            "DBのテーブル一覧",
            "テーブルが何があるか教えて",
            "DBのスキーマを見せて",
        ],
    },
    "database_execute": {
        "sql": [
            "{sql_exec}を実行して",
            "{sql_exec}を流して",
            "{sql_exec}",
            "このステートメントを適用して：{sql_exec}",
            "このSQLを実行お願い：{sql_exec}",
        ],
        "create": [
            ("{cols}の列で{table}テーブルを作って", CREATE),
            ("{table}テーブルを作成して（{cols}）", CREATE),
            ("{table}というテーブルを作って、列は{cols}", CREATE),
            ("新しいテーブル{table}を作成。カラム：{cols}", CREATE),
        ],
        "insert": [
            "{table}テーブルに1行追加して",
            "{table}に新しいレコードを入れて",
            "{name}を{table}テーブルに追加して",
            "{table}に{name}を挿入して",
        ],
        "delete_update": [
            ("{table}テーブルのデータを全部削除して", DELETE_ALL),
            ("{table}の全行を消して", DELETE_ALL),
            "{table}からidが{small}の行を削除して",
            "{table}の価格を{small}に更新して（id 2）",
        ],
    },
    "none": {
        "greet": [
            "こんにちは",
            "おはよう！",
            "やあ",
            "おはようございます",
            "元気？",
            "ありがとう！",
            "本当にありがとうございます",
            "バイバイ",
            "またね",
            "何してる？",
            "こんばんは",
            "はじめまして",
        ],
        "about_you": [
            "あなたの名前は？",
            "誰があなたを作ったの？",
            "あなたはロボット？",
            "何ができるの？",
            "感情はあるの？",
            "ChatGPTより賢い？",
        ],
        "knowledge": [
            "空はなぜ青いの？",
            "ハムレットを書いたのは誰？",
            "オーストラリアの首都はどこ？",
            "火山はどうやってできるの？",
            "第二次世界大戦はいつ終わった？",
            "太陽系には惑星がいくつある？",
            "雨はなぜ降るの？",
            "モナリザを描いたのは誰？",
        ],
        "opinion": [
            "リモートワークについてどう思う？",
            "コーヒーは体に悪い？",
            "猫と犬どっちが好き？",
            "好きな映画は何？",
            "ギターとピアノどっちを習うべき？",
            "電気自動車は買う価値ある？",
        ],
        "creative": [
            "海についての詩を書いて",
            "何か面白い冗談言って",
            "ドラゴンの短い物語を書いて",
            "パン屋のキャッチコピーを考えて",
            "秋の俳句を詠んで",
            "うちの猫の名前を考えて",
        ],
        "mention_def": [
            "{subject}とは何ですか？",
            "{subject}って何？",
            "{subject}の定義は？",
            "{subject}の意味は？",
            "{subject}とは何か説明してくれる？",
        ],
        "mention_talk": [
            "{subject}について教えて",
            "{subject}を簡単に説明して",
            "{subject}に興味があります",
            "{subject}の歴史を簡単に教えて",
            "{subject}はなぜ重要なの？",
        ],
        "mention_tool": [
            "JSONって何の略？",
            "電卓を発明したのは誰？",
            "ウェブスクレイピングって合法？",
            "プロセスとスレッドの違いは？",
            "タイムゾーンってどういう仕組み？",
            "なぜサマータイムがあるの？",
            "初心者におすすめのデータベースは？",
            "SQLインジェクションとは何で、どう防ぐ？",
            "良いAPI設計とは？",
            "ゲームにはメモリとCPUどっちが大事？",
        ],
        "city_chat": [
            "{city}が大好き",
            "{city}って本当にきれい",
            "来週{city}に行くんだ！",
            "{city}でおすすめの食べ物は？",
            "{city}について教えて",
            "{city}の人口はどれくらい？",
            "{city}は物価が高い？",
        ],
        "numbers_chat": [
            "猫を{small}匹飼ってる",
            "息子が今日{small}歳になった！",
            "今朝{small}キロ走った",
            "1990年生まれです",
            "明日のフライトは10時30分",
            "昨夜は雪が3センチ積もった",
            "試験で85点取った",
            "第12章はつまらなかった",
            "4時間しか寝てない",
        ],
        "howto_code": [
            "Pythonでファイルを読む方法は？",
            "JavaScriptで配列をソートする方法",
            "SQLのJOINの書き方は？",
            "Windowsで環境変数を設定するには？",
            "GoでJSONをパースするには？",
            "curlでHTTPリクエストを送る方法",
            "Linuxでプロセスをkillする方法",
        ],
        "feelings": [
            "今日はすごく疲れた",
            "仕事で大変な一日だった",
            "暇だなあ",
            "今日は気分がいい",
            "眠れない",
            "うちの猫が病気なの",
            "月曜日やだ",
        ],
    },
    "time_now+calculator": {
        "and": [
            "{city}は今何時？あと{expr}は？",
            "{expr}を計算して、{city}の時間も教えて",
            "{city}の現在時刻と{expr}の答えを教えて",
            "{expr}っていくつ？それと{city}は何時？",
        ],
    },
    "system_info+process_list": {
        "and": [
            "システム情報と上位のプロセスを見せて",
            "メモリは何GBで、何が使ってる？",
            "PCのスペックと実行中のプロセスを教えて",
            "OSのバージョンとプロセス一覧ちょうだい",
        ],
    },
    "file_list+file_read": {
        "and": [
            "{folder}のファイル一覧を見せて、{file}も開いて",
            "{folder}に何がある？{file}も表示して",
            "{file}を見せて、それから{folder}の一覧も",
        ],
    },
    "calculator+file_write": {
        "and": [
            "{expr}を計算して結果を{file}に保存して",
            "{expr}を解いて{file}に書いて",
            "{expr}の計算結果を{file}に記録して",
        ],
    },
}

_MORE: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "how_much": [
            "{expr}はいくらになる？",
            "{expr}っていくつになる？",
            "{expr}だといくら？",
            "{expr}は正確にはいくつ？",
        ],
        "help_me": [
            "{expr}を手伝って",
            "{expr}の答えを教えて",
            "{expr}の答えが知りたい",
            "算数お願い：{expr}",
            "{expr}の計算お願い",
        ],
        "polite": [
            "{calc_words}を計算していただけますか？",
            "{expr}を計算してもらえますか？",
            "{calc_words}がいくつか教えてください",
            "{calc_words}を解いてください",
        ],
        "word_problem": [
            ("{b}円の商品を{a}個買ったら合計いくら？", MUL),
            ("りんごが{b}個入った箱が{a}箱あると、りんごは全部で何個？", MUL),
            ("{a}円を{b}人で割り勘すると一人いくら？", DIV),
            ("{a}円持っていて{b}円使った。残りはいくら？", SUB),
        ],
        "result": [
            "{calc_words}の結果は？",
            "{calc_words}はいくつ？",
            "{expr}の答え？",
            "{expr} -> ?",
        ],
    },
    "time_now": {
        "clock": [
            "{city}の時計では今何時？",
            "{city}は今何時何分？",
            "{city}は今だいたい何時？",
            "{city}はもう遅い時間？",
        ],
        "need_time": [
            "{city}の現在時刻が必要",
            "{city}の時間を確認して",
            "{city}の時刻を教えてもらえる？",
            "{city}が今何時か調べて",
        ],
        "zone": [
            "{zone}の現在時刻",
            "{zone}では今何時？",
            "タイムゾーン{zone}の時間",
            "{zone}基準の今の時刻",
        ],
        "date_more": [
            "今日の日付は？",
            "今日は何曜日だっけ？",
            "今何月？",
            "今年は何年？",
            "今日って月曜日？",
        ],
    },
    "file_read": {
        "contents": [
            "{file}の内容を出力して",
            "{file}の中身？",
            "{file}を出力",
            "{file}の中身を全部見せて",
        ],
        "look": [
            "{file}を見て何が書いてあるか教えて",
            "{file}に何があるか確認して",
            "{file}の中を見てみて",
            "{file}をちらっと見て",
        ],
        "summarize_file": [
            "{file}を要約して",
            "{file}の内容をまとめて",
            "{file}は何についてのファイル？",
            "{file}を一行で要約",
        ],
        "load": [
            "{file}を読み込んで",
            "ファイル{file}を開く",
            "{file}を取ってきて",
            "ワークスペースから{file}を持ってきて",
        ],
    },
    "file_write": {
        "save_file": [
            "これを{file}に保存して：{content}",
            "{content}を{file}として保存",
            "「{content}」を{file}というファイルに保存して",
        ],
        "overwrite": [
            "{file}を「{content}」で上書きして",
            "{file}の内容を{content}に置き換えて",
            "{file}の中身を「{content}」にして",
        ],
        "put_line": [
            "{file}に{content}という一行を入れて",
            "「{content}」と書かれた{file}を作って",
            "{file}に{content}と書いておいて",
        ],
        "log": [
            ("{file}に「{content}」をログとして残して", APPEND),
            ("{file}にこれを覚えておいて：{content}", APPEND),
            ("{file}にメモを追加：{content}", APPEND),
        ],
    },
    "file_list": {
        "show_dir": [
            "{folder}ディレクトリを見せて",
            "{folder}フォルダの中身一覧",
            "{folder}にあるファイルを見せて",
            "{folder}ディレクトリを表示",
        ],
        "browse": [
            "{folder}を見て回って",
            "{folder}フォルダの中に何が入ってる？",
            "{folder}をのぞいてみて",
            "{folder}フォルダを開いて",
        ],
        "tree": [
            "{folder}のフォルダツリーを見せて",
            "{folder}をサブフォルダまで一覧にして",
            "tree {folder}",
            "{folder}以下を全部表示",
        ],
        "any_files": [
            "{folder}にファイルはある？",
            "{folder}は空？",
            "{folder}フォルダにファイルは何個ある？",
        ],
    },
    "system_info": {
        "machine": [
            "このマシンについて教えて",
            "これはどんなコンピューター？",
            "このPCの情報",
            "あなたは何の上で動いてるの？",
        ],
        "resources": [
            "このサーバーのメモリとディスクはどれくらい？",
            "空きメモリを確認して",
            "ディスク使用量を確認",
            "ディスクはどれくらい埋まってる？",
        ],
        "cpu": [
            "このマシンのCPUは何？",
            "コアはいくつある？",
            "プロセッサの情報を教えて",
            "このパソコンはどんなプロセッサを使ってる？",
        ],
    },
    "process_list": {
        "running_apps": [
            "今動いてるアプリは何？",
            "今開いているプログラムは？",
            "実行中のプログラムを見せて",
            "このマシンで何が動いてる？",
        ],
        "memory_usage": [
            "メモリを一番使っているプロセスは？",
            "プロセスをメモリ順に並べて",
            "メモリ食いはどれ？",
            "何がRAMを食いつぶしてる？",
        ],
        "task_manager": [
            "タスクマネージャーを見せて",
            "topを見せて",
            "htopみたいに何が動いてるか",
            "プロセスモニターお願い",
        ],
        "pid": [
            "{proc}のPIDは？",
            "{proc}のプロセスとPIDを表示して",
            "{proc}はCPUをどれくらい使ってる？",
            "{proc}のメモリ使用量は？",
        ],
    },
    "environment": {
        "what_var": [
            "環境変数{env}の値は？",
            "{env}を確認して",
            "{env}は設定されてる？",
            "{env}は定義されてる？",
        ],
        "env_all": [
            "私の環境を見せて",
            "環境変数には何がある？",
            "全部の環境変数を出力して",
            "envの一覧",
        ],
        "which_setting": [
            "今どの{env}を使ってる？",
            "ここの{env}はどうなってる？",
            "{env}変数を読んで",
        ],
    },
    "statistics": {
        "analyze": [
            "この数字を分析して：{nums}",
            "{nums}の数値を分析して",
            "{nums}で統計を取って",
            "数値：{nums}。説明して",
        ],
        "range_minmax": [
            "{nums}の最大値と最小値は？",
            "{nums}の範囲",
            "{nums}の合計と平均",
            "{nums}で一番大きいのと小さいの",
        ],
        "spread_q": [
            "{nums}はどのくらいばらついてる？",
            "{nums}の散らばり具合は？",
            "{nums}のばらつきは大きい？",
        ],
        "dataset": [
            "データ{nums}の平均を出して",
            "データセット：{nums}。中央値は？",
            "標本{nums}の標準偏差は",
        ],
    },
    "json_parse": {
        "check_syntax": [
            "このjsonの文法をチェックして {json}",
            "このJSONにエラーはある？ {json}",
            "{json}は正しい形式？",
            "jsonリント：{json}",
        ],
        "structure": [
            "{json}の構造はどうなってる？",
            "このJSONの形を教えて：{json}",
            "このJSONを分解して説明して {json}",
        ],
        "clean": [
            "このJSONをきれいにして {json}",
            "{json}を読みやすくして",
            "{json}をきれいに整形し直して",
        ],
    },
    "json_query": {
        "jmespath": [
            "jmespath {jpath}を{jdoc}で実行",
            "{jdoc}に対して{jpath}を評価して",
            "{jdoc}の{jpath}は？",
        ],
        "find_value": [
            "{jdoc}の中から{key}を探して",
            "このjson {jdoc} で{key}を調べて",
            "{jdoc}のどこに{key}がある？",
        ],
        "select_field": [
            "{jdoc}から{key}フィールドを選んで",
            "{jdoc}の{key}だけちょうだい",
            "{jdoc}から{key}だけ欲しい",
        ],
    },
    "data_transform": {
        "select_cols": [
            "{records}の{col}列だけ残して",
            "このレコードから{col}だけ選んで {records}",
            "{col}以外は消して：{records}",
        ],
        "top_n": [
            "{records}で{ncol}の上位2行",
            "{records}のうち{ncol}が一番高い2つ",
            "{ncol}が最大の行はどれ？ {records}",
        ],
        "to_csv": [
            "{records}をCSVの表にして",
            "{records}をcsvでエクスポート",
            "{records}からcsvを作って",
        ],
        "aggregate": [
            "{records}で{col}ごとの{ncol}の平均",
            "{col}ごとに{ncol}を合計して：{records}",
            "{records}の{col}別の{ncol}最大値",
        ],
    },
    "api_request": {
        "endpoint": [
            "エンドポイント{url_api}は何を返す？",
            "{url_api}にpingして",
            "{url_api}のAPIをテストして",
        ],
        "http_get": [
            "{url_api}にHTTP GETして",
            "GETリクエスト{url_api}お願い",
            "curl {url_api}",
            "{url_api}をフェッチして",
        ],
        "send_data": [
            ("このJSON {json} を{url_api}に送って", POST),
            ("{json}を{url_api}のAPIに送信して", POST),
        ],
        "delete": [
            ("{url_api}にDELETEを送って", {"api_request": {"method": "DELETE"}}),
            (
                "{url_api}のリソースを削除するリクエストを送って",
                {"api_request": {"method": "DELETE"}},
            ),
        ],
    },
    "web_scrape": {
        "website": [
            "{url_page}のウェブサイトには何がある？",
            "{url_page}のサイトを確認して",
            "{url_page}にアクセスして",
            "{url_page}に行って何があるか教えて",
        ],
        "article": [
            "この記事を読んで {url_page}",
            "この記事は何て言ってる？ {url_page}",
            "{url_page}を読んで説明してくれる？",
        ],
        "text": [
            "{url_page}からテキストを取得して",
            "{url_page}のページを取ってきてテキストを見せて",
            "{url_page}のページ内容を取って",
        ],
        "headlines": [
            "{url_page}のヘッドラインは？",
            "{url_page}の新着は？",
            "{url_page}のトップニュース",
        ],
    },
    "database_query": {
        "sql_prefix": [
            "SQL：{sql_select}",
            "クエリ：{sql_select}",
            "db {sql_select}",
            "sqlite> {sql_select}",
        ],
        "get_all": [
            ("データベースから{table}を全部取ってきて", SELECT_ALL),
            ("{table}の全レコードを抽出して", SELECT_ALL),
            ("{table}テーブルをダンプして", SELECT_ALL),
        ],
        "look_up": [
            "{table}テーブルで{name}を探して",
            "{table}テーブルから{name}を検索",
            "{name}は{table}にいる？",
            "DBで{name}を探して",
        ],
        "aggregate_db": [
            "productsテーブルの平均価格は？",
            "paymentsの合計金額は？",
            "employeesで一番高い給料は？",
            "データベースで評価が一番高い映画は？",
        ],
    },
    "database_execute": {
        "add_row": [
            "{table}に名前が{name}の行を追加して",
            "{name}を{table}テーブルに入れて",
            "{table}テーブルに{name}を記録して",
            "{name}を{table}の新しいエントリとして保存して",
        ],
        "clear": [
            ("{table}テーブルを空にして", DELETE_ALL),
            ("{table}テーブルをきれいに消して", DELETE_ALL),
            ("{table}テーブルの中身を全部消去", DELETE_ALL),
        ],
        "make_table": [
            ("{table}テーブルを用意して（{cols}）", CREATE),
            ("フィールドが{cols}の新しいテーブル{table}", CREATE),
            ("DBに{cols}を持つ{table}テーブルを追加して", CREATE),
        ],
        "update": [
            "{table}で{name}の年齢を{small}に変えて",
            "{table}のid {small}のdoneを1にして",
            "{table}の{small}番の行の名前を{name}に変更",
            "DBでタスク{small}を完了にして",
        ],
    },
    "none": {
        "math_talk": [
            "数学が嫌い",
            "数学が一番好きな科目だった",
            "代数を考えたのは誰？",
            "素数って何？",
            "7はラッキーナンバー？",
            "なぜゼロで割ってはいけないの？",
            "暗算が上手くなる方法は？",
        ],
        "time_talk": [
            "時間が経つのは早いね",
            "いつも時間が足りない",
            "{city}に行くのに一番いい季節はいつ？",
            "{city}までのフライトは何時間？",
            "いつも遅刻しちゃう、コツある？",
            "朝は好き？",
        ],
        "file_talk": [
            "昨日ファイルを全部なくした",
            "ファイルの整理はどうするのがいい？",
            "フォルダの名前どうしよう",
            "ハードディスクから変な音がする",
            "クラウドストレージって安全？",
        ],
        "web_talk": [
            "好きなウェブサイトは？",
            "ウィキペディアは信頼できる？",
            "Google検索の仕組みは？",
            "インターネットを発明したのは誰？",
            "いいニュースサイトを教えて",
        ],
        "db_talk": [
            "postgresとmysqlどっちを使うべき？",
            "主キーって何？",
            "データベースのインデックスはどう動くの？",
            "NoSQLはSQLより優れてる？",
            "テーブルとビューの違いは？",
        ],
        "other_tasks": [
            "こんにちはをフランス語に訳して",
            "朝7時にアラームをセットして",
            "ボブにメールを送って",
            "今夜2名で予約して",
            "音楽をかけて",
            "電気を消して",
            "明日お母さんに電話するようリマインドして",
            "ピザを注文して",
        ],
        "advice": [
            "よく眠るにはどうしたらいい？",
            "語学学習のコツは？",
            "パンケーキの作り方は？",
            "今夜何を作ろう？",
            "モチベーションを保つには？",
            "面接のコツを教えて",
        ],
        "followups": [
            "OKありがとう",
            "いいね",
            "それ間違ってる",
            "もう一回説明して？",
            "やっぱりいいや",
            "了解",
            "へえ面白い",
            "どういう意味？",
        ],
    },
    "statistics+calculator": {
        "and": [
            "{nums}の平均と、{expr}も計算して",
            "{nums}の平均は？あと{expr}は？",
            "{expr}を計算して、{nums}の中央値も",
        ],
    },
    "web_scrape+file_write": {
        "and": [
            "{url_page}を読んで{file}に保存して",
            "{url_page}をスクレイピングしてテキストを{file}に書いて",
            "{url_page}を要約して{file}に保存",
        ],
    },
    "database_execute+database_query": {
        "and": [
            "{table}テーブルを作って（{cols}）全行を見せて",
            "{name}を{table}に入れてテーブルを表示して",
            "{table}を全部消して残りの件数を数えて",
        ],
    },
}


_THIRD: dict[str, dict[str, list[Any]]] = {
    "file_write": {
        "hozon": [
            "「{content}」を{file}に保存しておいて",
            "{file}に保存：{content}",
            "{content}を{file}ファイルに保存してください",
            "{file}へ「{content}」を保存",
        ],
        "kakikomi": [
            "{file}に「{content}」と書き込んで",
            "{content}を{file}に書いて",
            "{file}へ{content}を書き込み",
            "{file}に次の内容を書いて：{content}",
        ],
    },
    "file_read": {
        "miru": [
            "{file}見せて",
            "{file}に何て書いてあるか見て",
            "{file}を開いて中を見せて",
            "{file}の内容が見たい",
        ],
    },
    "system_info": {
        "spec": [
            "このPCのスペックは？",
            "マシンの構成を教えて",
            "OSのバージョンは？",
            "メモリの空きはどれくらい？",
            "ディスク容量を確認して",
            "システム情報を見せて",
        ],
    },
    "time_now": {
        "hiduke": [
            "今日は何月何日？",
            "今日って何曜日？",
            "今日の日付を教えてください",
            "{city}は今日何月何日？",
            "{city}は今何曜日？",
        ],
        "jikoku": [
            "{city}の今の時刻は？",
            "{city}は現在何時ですか",
            "{city}の時間を調べて",
            "{city}、今何時？",
        ],
    },
    "process_list": {
        "ugoiteru": [
            "今何のプロセスが動いてる？",
            "実行中のプログラムの一覧",
            "バックグラウンドで何が動いてる？",
            "{proc}はまだ動いてる？",
        ],
    },
    "environment": {
        "hensuu": [
            "環境変数を見せて",
            "{env}って何が入ってる？",
            "{env}の中身を表示して",
            "{env}の設定値は？",
        ],
    },
    "database_query": {
        "sansho": [
            ("{table}テーブルを見せて", SELECT_ALL),
            ("{table}テーブルの中身を表示して", SELECT_ALL),
            ("{table}テーブルのレコードを全部取得して", SELECT_ALL),
        ],
    },
    "calculator": {
        "keisan": [
            "{expr}を計算",
            "{expr}はいくつ？計算して",
            "{calc_words}を計算して",
            "{calc_words}は何？",
        ],
    },
    "none": {
        "zatsudan": [
            "今日はいい天気だね",
            "週末の予定は？",
            "おすすめの本ある？",
            "どんな音楽が好き？",
            "お腹すいた",
            "何か話をして",
            "東京の冬は寒い？",
            "日本語って難しい？",
        ],
        "chishiki2": [
            "メモリって何？",
            "JSON形式は何に使うの？",
            "データベースと表計算の違いは？",
            "なぜタイムゾーンがあるの？",
            "電卓はどうやって動くの？",
            "ウェブページはどうやって作るの？",
        ],
    },
    "calculator+file_write": {
        "hozon": [
            "{expr}を計算して、答えを{file}に保存",
            "{expr}の結果を{file}に書き込んで",
            "{expr}を計算したら{file}にメモして",
        ],
    },
    "system_info+process_list": {
        "spec": [
            "PCのスペックと動いてるプロセスを見せて",
            "システム情報とプロセス一覧をちょうだい",
            "メモリは何GB？どのプロセスが使ってる？",
        ],
    },
}

_FOURTH: dict[str, dict[str, list[Any]]] = {
    "data_transform": {
        "rows_cols": [
            "{col}列だけ表示して：{records}",
            "この行から{col}だけ残して：{records}",
            "{records}の行を{col}でまとめて",
            "{col}ごとの行数は？ {records}",
        ]
    },
    "json_query": {
        "key_lookup": [
            "{jdoc}のキー{key}の値を調べて",
            "{jdoc}でキー{key}の値は？",
            "このjsonから{key}を読み取って：{jdoc}",
        ]
    },
}

FAMILIES: dict[str, dict[str, list[Any]]] = merge(_FIRST, _MORE, _THIRD, _FOURTH)

# Ways of joining two requests into one ("{0} and {1}"): composed two-tool requests.
CONJUNCTIONS: dict[str, list[str]] = {
    "sorekara": ["{0}。それから{1}", "{0}、それから{1}"],
    "ato": ["{0}。あと{1}", "{0}？あと、{1}", "{0}。あとついでに{1}"],
    "soshite": ["{0}、そして{1}", "{0}。そして{1}", "まず{0}、そして{1}"],
    "plus": ["{0}；{1}", "{0}。{1}", "{0} + {1}"],
    "tsugi": ["{0}。次に{1}", "{0}。終わったら{1}", "{0}。その後{1}"],
}
