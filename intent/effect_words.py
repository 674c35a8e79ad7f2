"""The words of change the side-effect grounding reads, in 13 languages: verbs and nouns of a
file, a database, a network and memory effect, the HTTP methods that write, and the negations
whose scope a verb may sit in (:mod:`intent.grounding` weighs them).

Each kind needs a verb of change *and* a cue of its object: "write a poem" is not a file
effect, "add 2 and 3" is not a database change, "send me the page at URL" is (a request to a
named URL: the target check keeps it there).
"""

from __future__ import annotations

import re

FILE_VERB = re.compile(
    # en
    r"\b(?:writ(?:e|es|ing)|wrote|sav(?:e|es|ing|ed)|stor(?:e|es|ing)|append\w*|overwrit\w*|"
    r"record\w*|jot\w*|dump\w*|export\w*|log\s+(?:it|this|that|them)|put\w*|creat\w*|make|add\w*|"
    r"copy|copies|rename\w*|edit\w*|replace\w*|updat\w*|chang\w*|modif\w*|"
    # fr
    r"[ée]cri(?:re|s|t|vez|vons)|enregistr\w*|sauvegard\w*|ajout\w*|cr[ée]{1,2}(?:r|z|s)?|"
    r"mets|mettez|mettre|stock\w*|consign\w*|[ée]cras\w*|modifi\w*|remplac\w*|"
    # de
    r"schreib\w*|speicher\w*|sicher(?:e|n|t)?|anh[äa]ng\w*|h[äa]ng(?:e|en|t|st)?|f[üu]g\w*|erstell\w*|"
    r"leg(?:e|en|t)?|notier\w*|[üu]berschreib\w*|ablegen|[äa]nder\w*|ersetz\w*|"
    # es
    r"escrib\w*|guard\w*|almacen\w*|añad\w*|anad\w*|agreg\w*|crea\w*|cree\w*|pon(?:er|ga|lo|la)?|"
    r"sobrescrib\w*|registr\w*|anot\w*|apunt\w*|modific\w*|cambi\w*|reemplaz\w*|"
    # pt
    r"escrev\w*|salv\w*|grav\w*|armazen\w*|acrescent\w*|adicion\w*|cri[ae]\w*|coloc\w*|"
    r"sobrescrev\w*|alter\w*|substitu\w*|"
    # it, nl, ru, tr, pl
    r"scriv\w*|salva\w*|memorizz\w*|aggiung\w*|crea\w*|modific\w*|sostitu\w*|annot\w*|"
    r"(?:weg|op|neer|bij|over)?schrij[fv]\w*|opslaan|sla(?:at)?|bewaar\w*|voeg\w*|toevoeg\w*|maak\w*|wijzig\w*|zet|zetten|"
    r"vervang\w*|запиш\w*|запис\w*|сохран\w*|добав\w*|созда\w*|допиш\w*|измен\w*|замен\w*|"
    # (Turkish "yaz" but not what was written: "ne yazıyordu", "yazdım", "yazmış")
    r"yaz(?![ıi]yordu|d[ıi]|m[ıi][şs])\w*|kaydet\w*|ekle\w*|oluştur\w*|olustur\w*|"
    r"değiştir\w*|degistir\w*|zapisz\w*|"
    r"zapisa\w*|dopisz\w*|dodaj\w*|utwórz\w*|utworz\w*|stwórz\w*|zmień\w*|zmien\w*|zamień\w*|"
    # kept somewhere: "tienimelo in", "bewaren in", "чтоб это осталось в", "żeby to zostało w"
    r"tien\w*l[oa]|conserv\w*|bewaren|чтоб[ыь]?\s+(?:\w+\s+){0,3}остал\w*\s+в|оставь|"
    r"(?:[żz]eby|by)\s+(?:\w+\s+){0,2}zosta[łl]\w*\s+w|zostanie\s+w|"
    r"zachowaj\w*|kals[ıi]n)\b|"
    # ko, ja, zh (no word boundaries)
    r"저장|써\s*줘|써\s*주|써\s*놔|쓰고|적어|작성|기록|추가|덧붙|만들|생성|남겨|수정|바꿔|"
    r"書い|書き|書く|書込|保存|追記|追加|記録|作成|作って|残して|メモして|上書き|変更|"
    r"写入|写到|写进|写上|写个|写一|寫入|寫到|寫進|保存|存到|存入|存成|存为|存為|记录|記錄|"
    r"追加|添加|创建|創建|新建|建立|修改|覆盖|覆蓋|记到|記到|记在|記在|记进|記進|加一[行句条條]|加上",
    re.IGNORECASE,
)
FILE_NOUN = re.compile(
    r"\b(?:files?|documents?|fichiers?|dateien?|archivos?|ficheros?|arquivos?|ficheiros?|"
    r"folder|directory|dossier|ordner|carpeta|pasta|cartell[ae]|bestand(?:en)?|map|файл\w*|"
    r"папк\w*|dosya\w*|klasör\w*|plik\w*|katalog\w*)\b|파일|ファイル|文件|檔案|档案",
    re.IGNORECASE,
)

DB_VERB = re.compile(
    # en
    r"\b(?:insert\w*|add\w*|updat\w*|chang\w*|modif\w*|set|delet\w*|remov\w*|drop\w*|creat\w*|"
    r"make|renam\w*|truncat\w*|clear\w*|wip\w*|put|stor(?:e|es|ing)|record\w*|sav(?:e|es|ing)|"
    r"alter\w*|replac\w*|upsert\w*|edit\w*|fill\w*|populat\w*|empty|purg\w*|"
    # joining a table: "welcome Ana to the staff table", "enrol ...", "sign ... up"
    r"welcom\w*|onboard\w*|enrol\w*|enroll\w*|sign(?:s|ed)?\s+(?:\w+\s+)?up|hire\w*|accueill\w*|inscri\w*|"
    r"bienvenid\w*|inscrib\w*|d(?:a|ar|ale|e)\s+de\s+alta|bem-vind\w*|inscrev\w*|cadastr\w*|benvenut\w*|iscriv\w*|"
    r"welkom|inschrijv\w*|запиш\w*|зарегистр\w*|zapisz\w*|powitaj\w*|witamy|"
    # fr
    r"ins[èe]r\w*|ajout\w*|mets|mettez|mettre|modifi\w*|chang\w*|supprim\w*|effac\w*|cr[ée]{1,2}\w*|"
    r"renomm\w*|vid\w*|enregistr\w*|remplac\w*|remplis\w*|"
    # de
    r"einf[üu]g\w*|f[üu]g\w*|hinzu\w*|aktualisier\w*|[äa]nder\w*|l[öo]sch\w*|entfern\w*|"
    r"erstell\w*|leg(?:e|en|t)?|umbenenn\w*|speicher\w*|trag\w*|eintrag\w*|leer\w*|ersetz\w*|setz\w*|"
    # es
    r"insert\w*|añad\w*|anad\w*|agreg\w*|actualiz\w*|modific\w*|cambi\w*|elimin\w*|borr\w*|"
    r"quit\w*|crea\w*|cree\w*|renombr\w*|vac[íi]\w*|guard\w*|registr\w*|reemplaz\w*|"
    # pt
    r"insir\w*|inser\w*|adicion\w*|acrescent\w*|atualiz\w*|alter\w*|mud\w*|exclu\w*|apag\w*|"
    r"remov\w*|cri[ae]\w*|renome\w*|esvazi\w*|salv\w*|grav\w*|substitu\w*|"
    # it, nl, ru, tr, pl
    r"inser\w*|aggiung\w*|aggiorn\w*|cancell\w*|rimuov\w*|impost\w*|registr\w*|mete|metel[oa]s?|meter|mett[ei]\w*|coloc\w*|"
    r"limpi\w*|richte\w*|"
    r"voeg\w*|toevoeg\w*|wijzig\w*|verwijder\w*|bijwerk\w*|werk|maak\w*|zet|pas|"
    r"добав\w*|встав\w*|обнов\w*|измен\w*|удал\w*|созда\w*|поменя\w*|замен\w*|внес\w*|"
    r"очист\w*|ekle\w*|güncelle\w*|guncelle\w*|değiştir\w*|degistir\w*|sil|silin\w*|"
    r"kaydet\w*|dodaj\w*|dopisz\w*|wstaw\w*|zaktualizuj\w*|aktualizuj\w*|usuń\w*|usun\w*|skasuj\w*|"
    r"wpisz\w*|ustaw\w*|stw[óo]rz\w*|utw[óo]rz\w*|za[łl][óo][żz]\w*|olu[şs]tur\w*|cancel\w*|"
    r"apunt\w*)\b|"
    # ko, ja, zh
    r"추가|삽입|넣어|넣고|넣어줘|수정|변경|업데이트|갱신|삭제|지워|지우|제거|만들|생성|저장|입력|바꿔|기록|등록|"
    r"加えて|加入して|追加|挿入|入れて|更新|変更|削除|消して|消す|作成|作って|保存|登録|書き換|"
    r"欢迎|歡迎|登记|登記|加上|加进|加進|插入|添加|新增|加入|更新|修改|更改|改成|改为|改為|删除|刪除|移除|创建|創建|建立|新建|保存|录入|錄入|清空|"
    r"插一|加一[个個条條行笔筆]|加个|加個|删掉|刪掉|删了|刪了|去掉|记一[条條笔筆下]|記録|"
    # Turkish "adedini 0 yap" (set it to 0), "sıfırla" (reset)
    r"\b\d+\s+yap\b|\bs[ıi]f[ıi]rla\w*",
    re.IGNORECASE,
)
DB_NOUN = re.compile(
    r"\b(?:tables?|rows?|records?|databases?|db|entr(?:y|ies)|columns?|sql|sqlite|"
    r"tableaux?|lignes?|enregistrements?|tabellen?|zeilen?|datens[äa]tze?|datenbank(?:en)?|"
    r"eintr[äa]ge?|tablas?|filas?|registros?|tabelas?|linhas?|registos?|tabell[ae]|righe|riga|"
    r"tabel(?:len)?|rij(?:en)?|таблиц\w*|запис\w*|строк\w*|tablo\w*|kayıt\w*|kayit\w*|"
    r"satır\w*|satir\w*|veritaban\w*|tabel[iaęe]?|wiersz\w*|rekord\w*)\b|"
    r"база\s+данных|базе\s+данных|baz[aęy]\s+danych|"
    r"base\s+de\s+donn[ée]es|base\s+de\s+datos|banco\s+de\s+dados|base\s+de\s+dados|"
    r"테이블|레코드|데이터베이스|디비|テーブル|レコード|データベース|数据库|資料庫|数据表|資料表|"
    r"表格|(?<![代发發图圖])表(?![示达達现現演情格])",
    re.IGNORECASE,
)

NET_VERB = re.compile(
    # en
    r"\b(?:post\w*|send\w*|sent|submit\w*|upload\w*|push\w*|publish\w*|notify\w*|put|patch\w*|"
    r"delet\w*|remov\w*|updat\w*|creat\w*|register\w*|report\w*|forward\w*|"
    # fr
    r"envo[iy]\w*|publi(?:e[rz]?|es|ons|é)|soumet\w*|soumettr\w*|t[ée]l[ée]vers\w*|supprim\w*|poste[rz]?|"
    r"transmet\w*|cr[ée]{1,2}\w*|"
    # de
    r"schick\w*|send\w*|[üu]bermittl\w*|[üu]bermittel\w*|[üu]bertrag\w*|hochlad\w*|lad\w*|"
    r"ver[öo]ffentlich\w*|l[öo]sch\w*|poste\w*|aktualisier\w*|erstell\w*|"
    # es
    r"env[ií][aeoó]\w*|publi(?:c[aoáq]|qu)\w*|sub[ea]\w*|elimin\w*|borr\w*|actualiz\w*|crea\w*|postea\w*|mand\w*|"
    # pt
    r"envi[aeo]\w*|publi(?:c[aoáq]|qu)\w*|submet\w*|carreg\w*|exclu\w*|apag\w*|atualiz\w*|cri[ae]\w*|mand\w*|"
    # it, nl, ru, tr, pl
    r"invi\w*|pubblic\w*|carica\w*|cancell\w*|aggiorn\w*|stuur\w*|verstuur\w*|verzend\w*|"
    r"verwijder\w*|отправ\w*|отошл\w*|пошл\w*|опубликуй\w*|загрузи\w*|удали\w*|обнови\w*|"
    r"gönder\w*|gonder\w*|yolla\w*|yükle\w*|yukle\w*|güncelle\w*|wyślij\w*|wyslij\w*|"
    r"prześlij\w*|przeslij\w*|opublikuj\w*|usuń\w*|usun\w*|zaktualizuj\w*)\b|"
    # ko, ja, zh
    r"보내|전송|제출|업로드|게시|올려|삭제|등록|"
    r"送信|送って|送る|送り|投稿|アップロード|削除|登録|ポスト|"
    r"发送|發送|提交|上传|上傳|发布|發布|删除|刪除|推送|发到|發到|传到|傳到|发给|發給",
    re.IGNORECASE,
)
NET_NOUN = re.compile(
    r"\b(?:api|apis|endpoints?|webhooks?|servers?|urls?|hosts?|serveur|servidor|service)\b|"
    r"엔드포인트|서버|웹훅|サーバー?|エンドポイント|ウェブフック|服务器|伺服器|接口|端点|端點",
    re.IGNORECASE,
)
# "remember that I prefer metric units", "n'oublie pas que ...", "merk dir, dass ...",
# "기억해 줘", "覚えておいて", "记住": asking the agent to keep something in its long-term memory.
MEMORY_VERB = re.compile(
    r"\b(?:remember|memori[sz]e|keep\s+in\s+mind|don'?t\s+forget|do\s+not\s+forget|"
    r"make\s+a\s+note|take\s+note|note\s+(?:that|down)|"
    r"souviens[-\s]toi|rappelle[-\s]toi|retiens|m[ée]moris\w*|n'oublie\s+pas|"
    r"merk\s+dir|merke\s+dir|vergiss\s+nicht|denk\s+daran|"
    r"recuerd[ae]|no\s+olvides|memoriz\w*|ten\s+en\s+cuenta|"
    r"lembr[ae](?:-se)?|n[ãa]o\s+esque[çc]a|guarde\s+(?:isso|que))\b|"
    r"기억해|기억\s*해\s*줘|기억하고|잊지\s*마|명심해|"
    r"覚えて|覚えておいて|忘れないで|記憶して|"
    r"记住|記住|别忘了|別忘了|记得|記得",
    re.IGNORECASE,
)
MEMORY_QUESTION = re.compile(
    r"\b(?:do|did|can|could)\s+you\s+remember\b.*\?\s*$|\bwhat\s+do\s+you\s+remember\b",
    re.IGNORECASE,
)

HTTP_METHOD = re.compile(r"(?<![A-Za-z])(?:POST|PUT|PATCH|DELETE)(?![A-Za-z])")
READ_METHOD = re.compile(r"(?<![A-Za-z])(?:GET|HEAD)(?![A-Za-z])")
"""A method that reads: "wyślij GET na https://...", "doe een HEAD op ..." send nothing."""

# "don't write anything", "ne rien écrire", "nicht speichern", "no guardes", "não salve": a verb
# in the scope of a negation does not ask for its effect.
NEGATION = re.compile(
    r"\b(?:don'?t|do\s+not|never|without|no\s+need\s+to|not|ne|n'|pas|nicht|kein\w*|ohne|no|nunca|"
    r"sin|n[ãa]o|sem|nem|non|niet|geen|не|nie)\b[^.,;!?\n]{0,24}$",
    re.IGNORECASE,
)
CJK_NEGATION = re.compile(r"^\s*(?:지\s*마|하지\s*마|지\s*않|しないで|ないで|せず)")
CJK_NEGATION_BEFORE = re.compile(r"(?:不要|别|別|不用|无需|無需|절대)\s*$")
