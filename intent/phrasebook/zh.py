"""Chinese (simplified) phrasings: each family is one way of asking, with its paraphrases."""

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
        "+": ["{a}加{b}", "{a}加上{b}", "{a}+{b}"],
        "-": ["{a}减{b}", "{a}减去{b}"],
        "*": ["{a}乘以{b}", "{a}乘{b}", "{a}×{b}"],
        "/": ["{a}除以{b}", "{a}÷{b}"],
    },
    "numbers": ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"],
    "and": "和",
    "content": [
        "买牛奶",
        "6点给妈妈打电话",
        "会议改到周五",
        "你好世界",
        "记得给植物浇水",
        "WiFi密码在冰箱上",
        "TODO：修复登录bug",
        "3点接孩子",
        "起草季度报告",
        "派对点子",
        "周二看牙医",
        "交房租",
        "写完第4章",
        "订去里斯本的机票",
    ],
    "subject": [
        "计算器",
        "JSON",
        "SQL注入",
        "API",
        "网页爬虫",
        "环境变量",
        "时区",
        "夏令时",
        "数据库",
        "CSV文件",
        "标准差",
        "中位数",
        "操作系统",
        "Linux进程",
        "内存",
        "CPU",
        "REST API",
        "HTML",
        "电子表格",
        "文件系统",
        "机器学习",
        "勾股定理",
        "代数",
        "格林尼治标准时间",
        "HTTP协议",
        "SQL",
        "JMESPath",
        "文本文件",
    ],
}

_FIRST: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "q_symbols": [
            "{expr}等于多少？",
            "{expr}是多少",
            "{expr}得几？",
            "{expr}的结果是什么？",
            "请问{expr}等于几？",
        ],
        "imperative": [
            "计算{expr}",
            "帮我算一下{expr}",
            "请计算{expr}。",
            "算算{expr}",
            "求{expr}的值",
        ],
        "words": [
            "{calc_words}等于多少？",
            "{calc_words}是多少？",
            "{calc_words}得几",
            "{calc_words}的答案是？",
        ],
        "terse": ["{expr} =", "{expr}=?", "{expr} ？", "算：{expr}", "{expr} 多少"],
        "verbs": [
            ("{a}和{b}的和是多少？", ADD),
            ("{a}和{b}的乘积是多少", MUL),
            ("用{a}减去{b}", SUB),
            ("把{a}除以{b}", DIV),
            ("{a}与{b}相加", ADD),
            ("{a}跟{b}相乘是多少", MUL),
        ],
        "special": [
            ("{n}的平方根是多少？", SQRT),
            ("{n}的{p}%是多少", PCT),
            ("{b}的平方是多少", SQUARE),
            ("算一下{small}的阶乘", FACT),
            ("{n}块钱的百分之{p}是多少？", PCT),
        ],
    },
    "time_now": {
        "q_time_in": [
            "{city}现在几点？",
            "{city}现在几点了",
            "现在{city}是几点？",
            "{city}那边几点了？",
            "请问{city}现在是几点钟？",
        ],
        "current": [
            "{city}的当前时间",
            "告诉我{city}现在的时间",
            "{city}当地时间是多少？",
            "{city} 现在时间",
            "{city}时间",
        ],
        "date": [
            "今天几号？",
            "今天是几月几号",
            "今天星期几？",
            "{city}今天几号？",
            "{city}现在是星期几？",
        ],
        "casual": [
            "{city}现在是早上吗？",
            "{city}的朋友现在睡了吗？那边几点",
            "{city}现在是半夜吗？",
            "{city}几点啦",
            "想知道{city}现在几点",
        ],
        "bare": ["现在几点？", "现在几点了", "几点了", "现在的时间是？", "告诉我时间"],
    },
    "file_read": {
        "open_show": [
            "打开{file}给我看看",
            "显示{file}",
            "给我看{file}的内容",
            "能打开{file}吗？",
            "请显示{file}的内容",
        ],
        "read": ["读一下{file}", "读取{file}", "请读取文件{file}", "cat {file}", "把{file}读出来"],
        "question": [
            "{file}里写了什么？",
            "{file}的内容是什么？",
            "{file}里面有什么？",
            "{file}文件里是啥？",
            "{file}中写了些什么内容？",
        ],
        "casual": [
            "{file}给我瞅瞅",
            "要{file}的内容",
            "查看一下{file}",
            "把{file}的文本拿来",
            "想看看{file}",
        ],
    },
    "file_write": {
        "write_to": [
            "在{file}里写上“{content}”",
            "把“{content}”写入{file}",
            "把{content}保存到{file}",
            "“{content}”存到{file}",
        ],
        "create": [
            "新建一个文件{file}，内容是“{content}”",
            "创建{file}并写入{content}",
            "新文件{file}：{content}",
            "建一个{file}，里面写“{content}”",
        ],
        "append": [
            ("在{file}末尾追加“{content}”", APPEND),
            ("往{file}里加一行{content}", APPEND),
            ("把“{content}”追加到{file}", APPEND),
        ],
        "note": [
            "在{file}里记一下：{content}",
            "“{content}” 记到{file}",
            "把{content}记录在{file}里",
            "把这个存进{file}：{content}",
        ],
    },
    "file_list": {
        "list": [
            "列出{folder}文件夹里的文件",
            "显示{folder}下的所有文件",
            "{folder}目录的文件列表",
            "把{folder}里的文件列出来",
        ],
        "question": [
            "{folder}文件夹里有什么？",
            "{folder}里有哪些文件？",
            "{folder}目录下都有什么？",
            "{folder}里有几个文件？",
        ],
        "terse": [
            "ls {folder}",
            "ls -la {folder}",
            "{folder}文件夹内容",
            "{folder}的文件？",
            "dir {folder}",
        ],
        "workspace": [
            "列出我的文件",
            "工作目录里有什么？",
            "显示工作区的文件",
            "都有哪些文件？",
            "给我文件列表",
        ],
    },
    "system_info": {
        "os": [
            "这台机器是什么操作系统？",
            "这个服务器的OS是什么？",
            "现在运行在哪个系统上？",
            "Linux版本是多少？",
            "这是Mac、Windows还是Linux？",
        ],
        "memory_disk": [
            "这台电脑有多少内存？",
            "还剩多少内存？",
            "磁盘还剩多少空间？",
            "硬盘满了吗？",
            "存储空间还够吗？",
        ],
        "specs": [
            "告诉我系统配置",
            "显示系统信息",
            "这台机器的硬件信息",
            "CPU有几个核？",
            "电脑配置看一下",
        ],
        "python": [
            "这里装的Python是哪个版本？",
            "查一下Python版本",
            "这台机器的Python版本是多少？",
        ],
    },
    "process_list": {
        "list": [
            "显示正在运行的进程",
            "运行中的进程列表",
            "给我进程列表",
            "现在有哪些程序在运行？",
            "ps aux",
        ],
        "top": [
            "哪个进程CPU占用最高？",
            "哪个进程最吃内存？",
            "内存占用前5的进程",
            "什么东西在占用CPU？",
            "显示最耗资源的进程",
        ],
        "is_running": [
            "{proc}在运行吗？",
            "有{proc}进程吗？",
            "检查一下{proc}是否在运行",
            "有几个{proc}进程在跑？",
            "{proc}启动了没？",
        ],
    },
    "environment": {
        "show_var": [
            "显示环境变量{env}",
            "{env}的值是什么？",
            "{env}是怎么设置的？",
            "告诉我{env}变量的值",
            "${env}的值？",
        ],
        "list": [
            "列出环境变量",
            "显示所有环境变量",
            "设置了哪些环境变量？",
            "把env全部输出",
            "环境变量给我看看",
        ],
        "terse": ["echo ${env}", "printenv {env}", "${env}?", "env {env}", "{env}环境变量？"],
    },
    "statistics": {
        "mean": [
            "{nums}的平均值是多少？",
            "求{nums}的平均数",
            "这些数的平均值：{nums}",
            "平均：{nums}",
        ],
        "multi_stats": [
            "告诉我{nums}的平均数、中位数和标准差",
            "统计一下{nums}",
            "下面这些数的汇总统计：{nums}",
            "{nums}的描述性统计",
            "{nums}的最小值、最大值和平均值",
        ],
        "spread": [
            "{nums}的标准差是多少？",
            "计算{nums}的方差",
            "{nums}的中位数？",
            "中位数是多少：{nums}",
            "{nums}的四分位数",
        ],
        "casual": [
            "我的考试成绩是{nums}，平均分多少？",
            "这周跑了{nums}公里，每天平均多少？",
            "销售额是{nums}，中位数是多少？",
            "每天的步数：{nums}。算个平均",
        ],
    },
    "json_parse": {
        "valid": [
            "这是合法的JSON吗？{json}",
            "检查这个JSON是否有效：{json}",
            "JSON校验：{json}",
            "{json} 能解析吗？",
        ],
        "pretty": [
            "格式化这个JSON：{json}",
            "把{json}美化一下",
            "JSON格式化 {json}",
            "把{json}缩进显示",
        ],
        "parse": [
            "解析这个JSON：{json}",
            "解析{json}",
            "json解析 {json}",
            "告诉我这个JSON的结构：{json}",
        ],
    },
    "json_query": {
        "get": [
            "从{jdoc}中取出{jpath}",
            "从这个JSON提取{jpath}：{jdoc}",
            "用{jpath}查询{jdoc}",
            "对{jdoc}执行JMESPath {jpath}",
        ],
        "natural": [
            "这个JSON {jdoc} 里的{key}是什么？",
            "{jdoc} 这里{key}的值是多少？",
            "从{jdoc}里把{key}字段取出来",
            "找出{key}的值：{jdoc}",
        ],
        "list": [
            "列出{jdoc}里所有的{key}",
            "这个JSON里所有的{key}：{jdoc}",
            "从{jdoc}里只列出{key}",
        ],
    },
    "data_transform": {
        "sort": [
            "把这些数据按{col}排序：{records}",
            "{records} 按{col}排一下",
            "按{col}降序排列 {records}",
            "能把{records}按{col}排好吗？",
        ],
        "filter": [
            "从{records}中只保留{ncol}大于{small}的行",
            "筛选{ncol}在{small}以上的：{records}",
            "去掉{records}里{ncol}小于{small}的行",
            "只显示{ncol}超过{small}的行 {records}",
        ],
        "convert": [
            "把这个CSV转成JSON：{csv}",
            "csv转json {csv}",
            "{csv} 转换成JSON",
            "把{records}转成CSV",
        ],
        "group": [
            "把{records}按{col}分组并对{ncol}求和",
            "每个{col}的{ncol}合计：{records}",
            "{records}按{col}分组",
            "按{col}统计行数：{records}",
        ],
    },
    "api_request": {
        "call": [
            "调用{url_api}",
            "调一下{url_api}这个API",
            "给{url_api}发个请求",
            "请求{url_api}并显示响应",
            "调用这个接口 {url_api}",
        ],
        "method": [
            "向{url_api}发送{method}请求",
            "{method} {url_api}",
            "对{url_api}做一次{method}",
            "{method}请求一下 {url_api}",
        ],
        "post": [
            ("把{json} POST到{url_api}", POST),
            ("用POST把{json}发到{url_api}", POST),
            ("请求体{json}，post到{url_api}", POST),
        ],
        "fetch_json": [
            "从{url_api}获取JSON",
            "拉取{url_api}接口的数据",
            "{url_api}返回什么？",
            "{url_api}的响应是什么？",
            "查一下{url_api}的状态",
        ],
    },
    "web_scrape": {
        "read": [
            "读一下{url_page}这个网页",
            "帮我读{url_page}",
            "打开{url_page}告诉我上面写了什么",
            "{url_page}页面上写了什么？",
        ],
        "summarize": [
            "总结一下{url_page}",
            "帮我概括这篇文章：{url_page}",
            "用三句话总结{url_page}",
            "{url_page} 这个页面讲的是什么？",
        ],
        "parts": [
            "{url_page}的标题是什么？",
            "把{url_page}上的链接都抓下来",
            "{url_page}的链接列表",
            "提取{url_page}的标题",
        ],
        "scrape": [
            "爬取{url_page}",
            "抓取{url_page}的文字",
            "提取{url_page}的正文",
            "获取网站{url_page}的内容",
        ],
    },
    "database_query": {
        "sql": [
            "执行{sql_select}",
            "跑一下这个查询：{sql_select}",
            "{sql_select}",
            "查询数据库：{sql_select}",
            "能执行这条SQL吗？{sql_select}",
        ],
        "show_rows": [
            ("显示{table}表的所有行", SELECT_ALL),
            ("{table}表里有什么？", SELECT_ALL),
            ("把{table}表的数据全部列出来", SELECT_ALL),
            ("查询数据库里的{table}表", SELECT_ALL),
        ],
        "count": [
            ("{table}表有多少行？", COUNT_ALL),
            ("统计{table}表的记录数", COUNT_ALL),
            ("数据库里有多少条{table}？", COUNT_ALL),
        ],
        "tables": ["数据库里有哪些表？", "列出数据库的表", "告诉我有哪些表", "显示数据库结构"],
    },
    "database_execute": {
        "sql": [
            "执行{sql_exec}",
            "运行{sql_exec}",
            "{sql_exec}",
            "应用这条语句：{sql_exec}",
            "请执行这条SQL：{sql_exec}",
        ],
        "create": [
            ("建一个{table}表，字段是{cols}", CREATE),
            ("创建{table}表（{cols}）", CREATE),
            ("新建一张叫{table}的表，列为{cols}", CREATE),
            ("创建新表{table}，列：{cols}", CREATE),
        ],
        "insert": [
            "往{table}表里插入一行",
            "给{table}添加一条新记录",
            "把{name}加到{table}表里",
            "向{table}插入{name}",
        ],
        "delete_update": [
            ("删除{table}表的所有数据", DELETE_ALL),
            ("清空{table}表的所有行", DELETE_ALL),
            "删掉{table}里id为{small}的行",
            "把{table}的价格更新为{small}（id 2）",
        ],
    },
    "none": {
        "greet": [
            "你好",
            "早上好！",
            "嗨",
            "您好",
            "最近怎么样？",
            "谢谢！",
            "非常感谢",
            "再见",
            "回头见",
            "在干嘛？",
            "晚上好",
            "很高兴认识你",
        ],
        "about_you": [
            "你叫什么名字？",
            "谁创造了你？",
            "你是机器人吗？",
            "你能做什么？",
            "你有感情吗？",
            "你比ChatGPT聪明吗？",
        ],
        "knowledge": [
            "天空为什么是蓝色的？",
            "《哈姆雷特》是谁写的？",
            "澳大利亚的首都是哪里？",
            "火山是怎么形成的？",
            "二战是什么时候结束的？",
            "太阳系有几颗行星？",
            "为什么会下雨？",
            "《蒙娜丽莎》是谁画的？",
        ],
        "opinion": [
            "你觉得远程办公怎么样？",
            "咖啡对身体不好吗？",
            "猫和狗哪个更好？",
            "你最喜欢的电影是什么？",
            "我该学吉他还是钢琴？",
            "电动车值得买吗？",
        ],
        "creative": [
            "写一首关于大海的诗",
            "讲个笑话",
            "写一个关于龙的小故事",
            "给面包店想个标语",
            "写一首关于秋天的俳句",
            "给我的猫起个名字",
        ],
        "mention_def": [
            "什么是{subject}？",
            "{subject}是什么？",
            "{subject}的定义",
            "{subject}是什么意思？",
            "能解释一下什么是{subject}吗？",
        ],
        "mention_talk": [
            "给我讲讲{subject}",
            "简单解释一下{subject}",
            "我对{subject}很好奇",
            "简单介绍一下{subject}的历史",
            "{subject}为什么重要？",
        ],
        "mention_tool": [
            "JSON是什么的缩写？",
            "计算器是谁发明的？",
            "网页爬虫合法吗？",
            "进程和线程有什么区别？",
            "时区是怎么回事？",
            "为什么会有夏令时？",
            "新手用什么数据库好？",
            "什么是SQL注入，怎么防范？",
            "什么样的API设计才算好？",
            "玩游戏内存和CPU哪个更重要？",
        ],
        "city_chat": [
            "我爱{city}",
            "{city}真美",
            "下周我要去{city}！",
            "{city}有什么好吃的？",
            "给我介绍一下{city}",
            "{city}有多大？",
            "{city}的生活成本高吗？",
        ],
        "numbers_chat": [
            "我养了{small}只猫",
            "我儿子今天{small}岁了！",
            "今天早上跑了{small}公里",
            "我是1990年出生的",
            "明天的航班是10点30分",
            "昨晚下了3厘米的雪",
            "我考试考了85分",
            "第12章太无聊了",
            "我只睡了4个小时",
        ],
        "howto_code": [
            "Python怎么读文件？",
            "JavaScript怎么给数组排序",
            "SQL的JOIN怎么写？",
            "Windows上怎么设置环境变量？",
            "Go里怎么解析JSON？",
            "怎么用curl发HTTP请求",
            "Linux怎么杀掉进程",
        ],
        "feelings": [
            "今天好累",
            "今天上班好辛苦",
            "好无聊啊",
            "今天心情很好",
            "睡不着",
            "我的猫生病了",
            "讨厌星期一",
        ],
    },
    "time_now+calculator": {
        "and": [
            "{city}现在几点？还有{expr}等于多少？",
            "算一下{expr}，再告诉我{city}的时间",
            "告诉我{city}的当前时间和{expr}的结果",
            "{expr}是多少？另外{city}几点了？",
        ],
    },
    "system_info+process_list": {
        "and": [
            "显示系统信息和占用最高的进程",
            "内存有多大，谁在用？",
            "告诉我电脑配置和正在运行的进程",
            "系统版本和进程列表给我",
        ],
    },
    "file_list+file_read": {
        "and": [
            "列出{folder}里的文件，再打开{file}",
            "{folder}里有什么？也给我看看{file}",
            "显示{file}，然后列出{folder}",
        ],
    },
    "calculator+file_write": {
        "and": [
            "计算{expr}并把结果保存到{file}",
            "算出{expr}然后写进{file}",
            "把{expr}的计算结果记到{file}里",
        ],
    },
}

_MORE: dict[str, dict[str, list[Any]]] = {
    "calculator": {
        "how_much": [
            "{expr}一共是多少？",
            "{expr}得多少啊",
            "{expr}算出来是多少？",
            "{expr}准确来说是多少",
        ],
        "help_me": [
            "帮我算{expr}",
            "{expr}的答案告诉我",
            "想知道{expr}的答案",
            "数学题：{expr}",
            "麻烦算一下{expr}",
        ],
        "polite": [
            "请问能帮我计算{calc_words}吗？",
            "能麻烦您算一下{expr}吗？",
            "请告诉我{calc_words}等于多少",
            "请帮我解一下{calc_words}",
        ],
        "word_problem": [
            ("买了{a}件{b}元的东西，一共多少钱？", MUL),
            ("每箱{b}个苹果，{a}箱一共多少个苹果？", MUL),
            ("{a}元{b}个人平分，每人多少？", DIV),
            ("我有{a}块钱，花了{b}块，还剩多少？", SUB),
        ],
        "result": ["{calc_words}的结果？", "{calc_words}是几？", "{expr}的答案？", "{expr} -> ?"],
    },
    "time_now": {
        "clock": [
            "{city}的钟现在显示几点？",
            "{city}现在几点几分？",
            "{city}现在大概几点？",
            "{city}现在很晚了吗？",
        ],
        "need_time": [
            "我需要{city}的当前时间",
            "帮我查一下{city}的时间",
            "能告诉我{city}的时间吗？",
            "查查{city}现在几点",
        ],
        "zone": ["{zone}的当前时间", "{zone}现在几点？", "时区{zone}的时间", "按{zone}现在是几点"],
        "date_more": [
            "今天的日期是？",
            "今天周几来着？",
            "现在是几月？",
            "今年是哪一年？",
            "今天是星期一吗？",
        ],
    },
    "file_read": {
        "contents": [
            "输出{file}的内容",
            "{file}的内容？",
            "打印{file}",
            "把{file}里的内容全部显示出来",
        ],
        "look": [
            "看看{file}告诉我写了什么",
            "确认一下{file}里有什么",
            "帮我看一下{file}里面",
            "瞄一眼{file}",
        ],
        "summarize_file": [
            "总结一下{file}",
            "概括{file}的内容",
            "{file}讲的是什么？",
            "一句话总结{file}",
        ],
        "load": ["加载{file}", "打开文件{file}", "把{file}拿过来", "从工作区取出{file}"],
    },
    "file_write": {
        "save_file": [
            "把这个保存到{file}：{content}",
            "把{content}存为{file}",
            "把“{content}”保存到名为{file}的文件",
        ],
        "overwrite": [
            "用“{content}”覆盖{file}",
            "把{file}的内容换成{content}",
            "把{file}的内容设为“{content}”",
        ],
        "put_line": [
            "在{file}里放一行{content}",
            "创建一个写着“{content}”的{file}",
            "在{file}里写下{content}",
        ],
        "log": [
            ("把“{content}”记录到{file}的日志里", APPEND),
            ("在{file}里记住这个：{content}", APPEND),
            ("给{file}追加一条备注：{content}", APPEND),
        ],
    },
    "file_list": {
        "show_dir": [
            "显示{folder}目录",
            "{folder}文件夹的内容列表",
            "给我看{folder}里的文件",
            "展示{folder}目录",
        ],
        "browse": [
            "浏览{folder}",
            "{folder}文件夹里装了什么？",
            "看一眼{folder}",
            "打开{folder}文件夹",
        ],
        "tree": [
            "显示{folder}的目录树",
            "递归列出{folder}",
            "tree {folder}",
            "把{folder}下面的都显示出来",
        ],
        "any_files": ["{folder}里有文件吗？", "{folder}是空的吗？", "{folder}文件夹有多少个文件？"],
    },
    "system_info": {
        "machine": ["介绍一下这台机器", "这是什么电脑？", "这台电脑的信息", "你运行在什么上面？"],
        "resources": [
            "这台服务器内存和硬盘多大？",
            "查一下空闲内存",
            "查看磁盘使用情况",
            "硬盘用了多少了",
        ],
        "cpu": [
            "这台机器是什么CPU？",
            "有几个核心？",
            "告诉我处理器信息",
            "这台电脑用的什么处理器？",
        ],
    },
    "process_list": {
        "running_apps": [
            "现在开着哪些应用？",
            "现在打开了哪些程序？",
            "显示正在运行的程序",
            "这台机器上在跑什么？",
        ],
        "memory_usage": [
            "哪些进程用内存最多？",
            "按内存排序进程",
            "谁是内存大户？",
            "什么在吃我的内存",
        ],
        "task_manager": ["打开任务管理器", "给我看top", "像htop那样看看在跑什么", "进程监控一下"],
        "pid": [
            "{proc}的pid是多少？",
            "显示{proc}进程和它的pid",
            "{proc}占了多少CPU？",
            "{proc}用了多少内存？",
        ],
    },
    "environment": {
        "what_var": [
            "环境变量{env}的值是多少？",
            "查一下{env}",
            "{env}设置了吗？",
            "{env}有没有定义？",
        ],
        "env_all": ["显示我的环境", "环境里都有什么变量？", "输出所有环境变量", "env列表"],
        "which_setting": [
            "现在用的是哪个{env}？",
            "这里的{env}是怎么配置的？",
            "帮我读一下{env}变量",
        ],
    },
    "statistics": {
        "analyze": [
            "分析一下这些数字：{nums}",
            "帮我分析{nums}这组数",
            "对{nums}做个统计",
            "数字：{nums}。描述一下",
        ],
        "range_minmax": [
            "{nums}的最大值和最小值？",
            "{nums}的极差",
            "{nums}的总和和平均数",
            "{nums}里最大的和最小的",
        ],
        "spread_q": ["{nums}的离散程度如何？", "{nums}波动有多大？", "{nums}分布广吗？"],
        "dataset": [
            "数据{nums}的平均值是多少",
            "数据集：{nums}。中位数？",
            "样本{nums}的标准差是多少",
        ],
    },
    "json_parse": {
        "check_syntax": [
            "检查这个json的语法 {json}",
            "这个JSON有错误吗？{json}",
            "{json}格式对吗？",
            "json检查：{json}",
        ],
        "structure": [
            "{json}的结构是什么样的？",
            "说说这个JSON的形状：{json}",
            "帮我拆解一下这个JSON {json}",
        ],
        "clean": ["把这个JSON整理一下 {json}", "让{json}更好读", "重新漂亮地格式化{json}"],
    },
    "json_query": {
        "jmespath": [
            "在{jdoc}上运行jmespath {jpath}",
            "对{jdoc}求值{jpath}",
            "{jdoc}的{jpath}是什么？",
        ],
        "find_value": ["在{jdoc}里找{key}", "在这个json {jdoc} 里查{key}", "{key}在{jdoc}的哪里"],
        "select_field": [
            "从{jdoc}中选出{key}字段",
            "只要{jdoc}里的{key}",
            "我只需要{jdoc}里的{key}",
        ],
    },
    "data_transform": {
        "select_cols": [
            "只保留{records}的{col}列",
            "从这些记录里选出{col} {records}",
            "除了{col}都删掉：{records}",
        ],
        "top_n": [
            "{records}中{ncol}最高的前2行",
            "{records}里{ncol}最大的两个",
            "{ncol}最大的是哪一行？{records}",
        ],
        "to_csv": ["把{records}做成CSV表格", "把{records}导出为csv", "用{records}生成csv"],
        "aggregate": [
            "{records}中按{col}求{ncol}的平均值",
            "每个{col}的{ncol}加起来：{records}",
            "{records}按{col}取{ncol}最大值",
        ],
    },
    "api_request": {
        "endpoint": [
            "{url_api}这个接口返回什么？",
            "ping一下{url_api}",
            "测试一下{url_api}这个API",
        ],
        "http_get": [
            "对{url_api}发HTTP GET",
            "GET请求{url_api}",
            "curl {url_api}",
            "抓取{url_api}",
        ],
        "send_data": [
            ("把这个JSON {json} 发送到{url_api}", POST),
            ("把{json}提交到{url_api}的API", POST),
        ],
        "delete": [
            ("向{url_api}发DELETE请求", {"api_request": {"method": "DELETE"}}),
            ("删除{url_api}上的资源", {"api_request": {"method": "DELETE"}}),
        ],
    },
    "web_scrape": {
        "website": [
            "{url_page}这个网站上有什么？",
            "看看{url_page}这个站",
            "访问{url_page}",
            "去{url_page}看看有什么告诉我",
        ],
        "article": [
            "帮我读这篇文章 {url_page}",
            "这篇文章说了什么？{url_page}",
            "读一下{url_page}并解释",
        ],
        "text": [
            "从{url_page}获取文本",
            "抓取{url_page}页面并显示文字",
            "拿到{url_page}的页面内容",
        ],
        "headlines": [
            "{url_page}的头条是什么？",
            "{url_page}上有什么新东西？",
            "{url_page}的热门新闻",
        ],
    },
    "database_query": {
        "sql_prefix": [
            "SQL：{sql_select}",
            "查询：{sql_select}",
            "db {sql_select}",
            "sqlite> {sql_select}",
        ],
        "get_all": [
            ("从数据库里取出所有{table}", SELECT_ALL),
            ("把{table}的所有记录都拉出来", SELECT_ALL),
            ("导出{table}表", SELECT_ALL),
        ],
        "look_up": [
            "在{table}表里找{name}",
            "在{table}表中搜索{name}",
            "{name}在{table}里吗？",
            "在数据库里找{name}",
        ],
        "aggregate_db": [
            "products表的平均价格是多少？",
            "payments的总金额是多少？",
            "employees里最高工资是多少？",
            "数据库里评分最高的电影是哪部？",
        ],
    },
    "database_execute": {
        "add_row": [
            "往{table}加一行，名字是{name}",
            "把{name}放进{table}表",
            "在{table}表里记录{name}",
            "把{name}作为新条目存到{table}",
        ],
        "clear": [
            ("清空{table}表", DELETE_ALL),
            ("把{table}表删干净", DELETE_ALL),
            ("清除{table}表里的全部内容", DELETE_ALL),
        ],
        "make_table": [
            ("建立{table}表（{cols}）", CREATE),
            ("字段为{cols}的新表{table}", CREATE),
            ("在数据库里加一张有{cols}的{table}表", CREATE),
        ],
        "update": [
            "在{table}里把{name}的年龄改成{small}",
            "把{table}里id为{small}的done设为1",
            "把{table}第{small}行的名字改为{name}",
            "在数据库里把任务{small}标记为完成",
        ],
    },
    "none": {
        "math_talk": [
            "我讨厌数学",
            "数学以前是我最喜欢的科目",
            "代数是谁发明的？",
            "什么是质数？",
            "7是幸运数字吗？",
            "为什么不能除以零？",
            "怎么提高心算能力？",
        ],
        "time_talk": [
            "时间过得真快",
            "我总是时间不够用",
            "什么季节去{city}最好？",
            "飞{city}要多久？",
            "我老是迟到，有什么建议？",
            "你喜欢早晨吗？",
        ],
        "file_talk": [
            "我昨天把文件全弄丢了",
            "文件应该怎么整理？",
            "文件夹起什么名字好？",
            "我的硬盘有异响",
            "云存储安全吗？",
        ],
        "web_talk": [
            "你最喜欢哪个网站？",
            "维基百科靠谱吗？",
            "谷歌搜索是怎么工作的？",
            "互联网是谁发明的？",
            "推荐个好的新闻网站",
        ],
        "db_talk": [
            "用postgres还是mysql？",
            "什么是主键？",
            "数据库索引是怎么工作的？",
            "NoSQL比SQL好吗？",
            "表和视图有什么区别？",
        ],
        "other_tasks": [
            "把你好翻译成法语",
            "定一个早上7点的闹钟",
            "给Bob发封邮件",
            "帮我订今晚两个人的位子",
            "放点音乐",
            "把灯关了",
            "提醒我明天给妈妈打电话",
            "帮我点个披萨",
        ],
        "advice": [
            "怎么才能睡得更好？",
            "学外语有什么窍门？",
            "松饼怎么做？",
            "今晚做什么吃？",
            "怎么保持动力？",
            "面试有什么技巧？",
        ],
        "followups": [
            "好的谢谢",
            "不错",
            "这不对",
            "能再解释一遍吗？",
            "算了",
            "明白了",
            "嗯有意思",
            "什么意思？",
        ],
    },
    "statistics+calculator": {
        "and": [
            "{nums}的平均数，还有{expr}",
            "{nums}的平均值是多少？还有{expr}呢？",
            "算一下{expr}，再求{nums}的中位数",
        ],
    },
    "web_scrape+file_write": {
        "and": [
            "读取{url_page}并保存到{file}",
            "爬取{url_page}并把文字写进{file}",
            "总结{url_page}并把摘要存到{file}",
        ],
    },
    "database_execute+database_query": {
        "and": [
            "创建{table}表（{cols}）然后显示所有行",
            "把{name}插入{table}再列出这张表",
            "删除{table}的所有数据再数一下还剩多少",
        ],
    },
}


_THIRD: dict[str, dict[str, list[Any]]] = {
    "file_write": {
        "baocun": [
            "把“{content}”保存进{file}",
            "保存到{file}：{content}",
            "请把{content}存进{file}文件",
            "{file}里存一下“{content}”",
        ],
        "xieru": [
            "往{file}里写入“{content}”",
            "写一句{content}到{file}",
            "帮我在{file}写上{content}",
            "{file}写入：{content}",
        ],
    },
    "file_read": {
        "kankan": ["看看{file}", "{file}写的啥", "帮我打开看下{file}", "{file}里的东西给我看看"],
    },
    "system_info": {
        "peizhi": [
            "这台电脑什么配置？",
            "机器配置怎么样",
            "系统是什么版本",
            "内存还剩多少",
            "硬盘空间还有多少？",
            "查看系统信息",
        ],
    },
    "time_now": {
        "riqi": [
            "今天是几月几日？",
            "今天星期几啊",
            "现在是什么日期",
            "{city}今天是几号",
            "{city}现在星期几",
            "今天日期",
        ],
        "dianzhong": [
            "{city}现在几点钟",
            "{city}当地现在几点",
            "查一下{city}的时间",
            "{city}的时间是多少",
        ],
    },
    "process_list": {
        "zaipao": [
            "后台在跑哪些程序？",
            "现在运行着什么进程",
            "看看都有哪些进程",
            "哪些程序正在运行",
            "{proc}还在跑吗？",
        ],
    },
    "environment": {
        "bianliang": [
            "看看环境变量",
            "{env}这个变量是什么",
            "打印一下{env}",
            "环境变量{env}设置成什么了？",
        ],
    },
    "database_query": {
        "chaxun": [
            ("查一下{table}表", SELECT_ALL),
            ("{table}表的数据给我看看", SELECT_ALL),
            ("从{table}表里查出所有记录", SELECT_ALL),
        ],
    },
    "calculator": {
        "suanyixia": ["{expr}算一下", "{expr}等于几啊", "请算{calc_words}", "{calc_words}等于几"],
    },
    "none": {
        "xianliao": [
            "今天天气真好",
            "周末有什么计划？",
            "推荐一本书吧",
            "你喜欢什么音乐？",
            "我饿了",
            "给我讲个故事吧",
            "北京的冬天冷吗？",
            "学中文难吗？",
        ],
        "zhishi2": [
            "什么是内存？",
            "JSON格式有什么用？",
            "数据库和表格有什么区别？",
            "为什么要用时区？",
            "计算器是怎么工作的？",
            "网页是怎么做出来的？",
        ],
    },
    "calculator+file_write": {
        "baocun": [
            "算一下{expr}，结果保存到{file}",
            "{expr}算出来以后写进{file}",
            "把{expr}的结果存到{file}",
        ],
    },
    "system_info+process_list": {
        "peizhi": [
            "看看电脑配置和正在跑的进程",
            "系统信息还有进程列表都给我",
            "内存多大？哪些进程在用？",
        ],
    },
}

_FOURTH: dict[str, dict[str, list[Any]]] = {
    "data_transform": {
        "rows_cols": [
            "只要{col}这一列：{records}",
            "这些行里只留下{col}：{records}",
            "把{records}的行按{col}归类",
            "每个{col}有几行？{records}",
        ]
    },
    "json_query": {
        "key_lookup": [
            "查一下{jdoc}里键{key}的值",
            "{jdoc}中{key}这个键是什么值？",
            "从这个json读出{key}：{jdoc}",
        ]
    },
}

FAMILIES: dict[str, dict[str, list[Any]]] = merge(_FIRST, _MORE, _THIRD, _FOURTH)

# Ways of joining two requests into one ("{0} and {1}"): composed two-tool requests.
CONJUNCTIONS: dict[str, list[str]] = {
    "ranhou": ["{0}，然后{1}", "{0}。然后{1}"],
    "lingwai": ["{0}。另外{1}", "{0}？另外，{1}", "{0}，另外再{1}"],
    "haiyou": ["{0}，还有{1}", "{0}。还有，{1}", "先{0}，还有{1}"],
    "plus": ["{0}；{1}", "{0}。{1}", "{0} + {1}"],
    "zai": ["{0}，再{1}", "{0}。接着{1}", "{0}。完了以后{1}"],
}
