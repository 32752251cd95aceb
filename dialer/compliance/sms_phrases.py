"""The words `keywords.py` reads: English, Spanish, Chinese (simplified and traditional).

Words are as `keywords.normalise` leaves them: lower case, accents dropped ("más" -> "mas").
Multi-word phrases are tuples of words; Chinese has no spaces and is matched as text.
47 CFR 64.1200(a)(10): a consumer may revoke consent "in any reasonable manner"; 12 CFR
1006.6(e) and 1006.14(h): a request in the consumer's own words is honoured. Add a phrase here,
and a row to tests/unit/compliance/test_keywords.py, when a consumer's way of asking is missed.
"""

from __future__ import annotations

import re

CALLS, SMS, ALL = "calls", "sms", "all"  # the values of keywords.OptOutScope

# A whole message that is exactly one of these is a keyword (CTIA; carriers honour them).
OPT_OUT_WORDS = frozenset(
    {
        # English (CTIA and carrier keywords)
        "stop", "stopall", "stop all", "unsubscribe", "unsub", "cancel", "end", "quit",
        "revoke", "optout", "opt out", "opt-out", "remove", "remove me", "td", "t", "r", "n",
        # Spanish
        "parar", "para", "pare", "paren", "alto", "basta", "cancelar", "baja", "dar de baja",
        "darme de baja", "detener", "no mas", "desuscribir", "anular",
        # Chinese
        "退订", "退訂", "取消", "拒收", "停止", "停", "不要", "别发了", "別發了",
    }
)  # fmt: skip
OPT_IN_WORDS = frozenset({"start", "unstop", "yes", "subscribe", "resume", "开始", "订阅"})
HELP_WORDS = frozenset({"help", "info", "帮助", "幫助", "ayuda"})

# Negations, with how many words after them a medium may come: "don't (ever) call",
# "stop sending me texts", "no más mensajes", "ya no me llamen", "no quiero recibir más mensajes".
NEGATION_REACH = 4
NEGATIONS: dict[tuple[str, ...], int] = {
    # English
    ("stop",): 3, ("quit",): 2, ("cease",): 3, ("never",): 2, ("don't",): 4, ("dont",): 4,
    ("do", "not"): 4, ("no", "more"): 2, ("no", "longer"): 4, ("not", "want"): 4,
    ("please", "stop"): 3, ("pls", "stop"): 3, ("don't", "want"): 4, ("dont", "want"): 4,
    ("do", "not", "want"): 4, ("didn't", "ask"): 3, ("not", "to"): 2,
    # Spanish
    ("no",): 3, ("ya", "no"): 3, ("no", "mas"): 2, ("nunca",): 2, ("nunca", "mas"): 3,
    ("deje", "de"): 3, ("dejen", "de"): 3, ("deja", "de"): 3, ("dejar", "de"): 3,
    ("dejes", "de"): 3, ("paren", "de"): 3, ("para", "de"): 3, ("pare", "de"): 3,
    ("parar", "de"): 3, ("basta", "de"): 2, ("no", "quiero"): 4, ("no", "deseo"): 4,
    ("sin", "mas"): 2,
}  # fmt: skip
NOT_ABOUT_CONTACT = frozenset({("by",), ("in",), ("at",), ("over",)})  # "can't stop by today"

MEDIA: dict[str, str] = {
    **dict.fromkeys(
        (
            "call", "calls", "calling", "phone", "phoning", "ring", "ringing", "dial",
            "dialing", "dialling", "voicemail", "voicemails", "robocall", "robocalls",
            "llamar", "llamen", "llames", "llame", "llamada", "llamadas", "llamando",
            "llamarme", "llamenme", "llameme", "llamame", "marcar", "marquen",
        ),
        CALLS,
    ),
    **dict.fromkeys(
        (
            "text", "texts", "texting", "txt", "txts", "txting", "message", "messages",
            "messaging", "sms", "msg", "msgs",
            "mensaje", "mensajes", "texto", "textos", "escribir", "escriban", "escribas",
            "escribirme", "escribanme", "mensajear", "mensajitos",
        ),
        SMS,
    ),
    **dict.fromkeys(
        (
            "contact", "contacting", "bother", "bothering", "harass", "harassing", "reach",
            "reaching", "pester", "pestering",
            "contactar", "contacten", "contactarme", "contacte", "contactes", "contacto",
            "molestar", "molesten", "molestes", "molestarme", "acosar", "acosen", "acosarme",
        ),
        ALL,
    ),
}  # fmt: skip

# A clause made only of these and FILLERS asks to stop everything: "stop please", "basta ya".
CLAUSE_STOP_WORDS = frozenset(
    {"stop", "cancel", "unsubscribe", "unsub", "stopall", "quit", "end", "enough",
     "parar", "pare", "paren", "alto", "basta", "cancelar", "baja", "detener", "detenganse"}
)  # fmt: skip
FILLERS = frozenset(
    {"please", "pls", "plz", "now", "it", "this", "that", "all", "just", "ok", "okay",
     "thanks", "thank", "you", "already", "right", "immediately", "asap", "the", "is",
     "por", "favor", "ya", "ahora", "todo", "gracias", "una", "vez", "de", "inmediato"}
)  # fmt: skip
# Anywhere in a clause, these ask to stop everything.
STOP_PHRASES = frozenset(
    {
        ("leave", "me", "alone"), ("take", "me", "off"), ("remove", "me"),
        ("remove", "my", "number"), ("lose", "my", "number"), ("delete", "my", "number"),
        ("unsubscribe",), ("opt", "out"), ("optout",), ("stop", "all"),
        ("cease", "and", "desist"), ("stop", "contact"),
        ("dejenme", "en", "paz"), ("dejame", "en", "paz"), ("dejeme", "en", "paz"),
        ("darme", "de", "baja"), ("dar", "de", "baja"), ("denme", "de", "baja"),
        ("borrenme",), ("borren", "mi", "numero"), ("eliminen", "mi", "numero"),
        ("quitenme", "de"), ("saquenme", "de"),
    }
)  # fmt: skip

# Asking to be called, in a clause that negates no medium: with a texts-only opt-out this
# keeps calls ("Stop texting me, call me instead"); without one it is only free text.
CALL_REQUESTS = frozenset(
    {
        ("call", "me"), ("give", "me", "a", "call"), ("phone", "me"), ("ring", "me"),
        ("call", "instead"), ("calls", "are", "fine"), ("calls", "are", "ok"),
        ("llamame",), ("llameme",), ("llamenme",), ("mejor", "llamen"), ("mejor", "llamadas"),
        ("prefiero", "llamada"), ("prefiero", "una", "llamada"), ("prefiero", "llamadas"),
    }
)  # fmt: skip
HAN_CALL_REQUESTS = (
    "打电话给我",
    "给我打电话",
    "打给我",
    "打電話給我",
    "給我打電話",
    "打給我",
    "请来电",
    "請來電",
)

WRONG_NUMBER_PHRASES = frozenset(
    {
        ("wrong", "number"), ("wrong", "person"), ("wrong", "phone"), ("wrong", "#"),
        ("not", "my", "number"), ("not", "the", "right", "person"),
        ("you", "have", "the", "wrong"), ("you've", "got", "the", "wrong"),
        ("no", "one", "by", "that", "name"), ("nobody", "by", "that", "name"),
        ("don't", "know", "this", "person"), ("dont", "know", "this", "person"),
        ("don't", "know", "who", "that", "is"), ("dont", "know", "who", "that", "is"),
        ("numero", "equivocado"), ("numero", "incorrecto"), ("persona", "equivocada"),
        ("equivocaron", "de", "numero"), ("equivoco", "de", "numero"),
        ("equivocado", "de", "numero"), ("no", "conozco", "a"), ("aqui", "no", "vive"),
        ("no", "vive", "aqui"), ("no", "es", "mi", "numero"),
    }
)  # fmt: skip
_NOT_A_NAME = (
    "a|an|the|my|me|mine|fair|right|true|correct|ok|okay|good|possible|legal|funny|"
    "acceptable|what|how|why|going|able|sure|interested|paying|working|happy|real|"
    "responsable|capaz|justo|cierto|verdad|mi|mia|mio|posible|legal"
)
NOT_THIS_PERSON = re.compile(
    r"\b(?:this is not|this isn't|this isnt|it's not|it is not|this is no longer|"
    r"this number is not|this phone is not|no soy|este no es el (?:numero|telefono) de)"
    rf" (?!(?:{_NOT_A_NAME})\b)[^\W\d_]"
)
DISPUTE_PHRASES = frozenset(
    {
        ("not", "my", "debt"), ("not", "my", "account"), ("not", "my", "loan"),
        ("not", "my", "bill"), ("not", "my", "card"), ("not", "mine"),
        ("isn't", "my", "debt"), ("isnt", "my", "debt"),
        ("don't", "owe"), ("dont", "owe"), ("do", "not", "owe"), ("never", "owed"),
        ("never", "borrowed"), ("dispute",), ("disputing",), ("i", "dispute"),
        ("no", "es", "mi", "deuda"), ("no", "es", "mia"), ("no", "debo"), ("no", "le", "debo"),
        ("no", "les", "debo"), ("disputo",), ("disputa",), ("no", "reconozco"),
        ("nunca", "pedi"), ("no", "es", "mi", "cuenta"), ("no", "es", "mi", "prestamo"),
    }
)  # fmt: skip

LONGEST_PHRASE = max(
    len(p)
    for table in (
        NEGATIONS,
        NOT_ABOUT_CONTACT,
        STOP_PHRASES,
        WRONG_NUMBER_PHRASES,
        DISPUTE_PHRASES,
        CALL_REQUESTS,
    )
    for p in table
)

# Chinese: a negation, at most eight characters, then a medium ("我不想再收到你们的短信").
_HAN_NEGATIONS = (
    "别再", "別再", "不要再", "不想再", "不用再", "不再", "不要", "不想", "请勿", "請勿", "勿",
    "不准", "不许", "不許", "停止", "别", "別", "莫", "甭",
)  # fmt: skip
HAN_MEDIA: dict[str, str] = {
    **dict.fromkeys(
        ("打电话", "打電話", "电话", "電話", "来电", "來電", "打来", "打來", "打给我",
         "打給我", "打"),
        CALLS,
    ),
    **dict.fromkeys(
        ("发短信", "發短信", "短信", "发信息", "發信息", "信息", "消息", "簡訊", "短訊",
         "訊息", "发了"),
        SMS,
    ),
    **dict.fromkeys(
        ("联系", "聯繫", "聯絡", "骚扰", "騷擾", "打扰", "打擾", "催收", "催"), ALL
    ),
}  # fmt: skip
_HAN_STOPS = "，。！？,.!?；;\n"
HAN_NEGATED_MEDIUM = re.compile(
    "(?:" + "|".join(sorted(_HAN_NEGATIONS, key=len, reverse=True)) + ")"
    f"[^{_HAN_STOPS}]{{0,8}}?"
    "(?P<medium>" + "|".join(sorted(HAN_MEDIA, key=len, reverse=True)) + ")"
)
HAN_STOP_PHRASES = (
    "退订", "退訂", "拒收", "取消订阅", "取消訂閱", "别烦我", "別煩我", "不要烦我", "不要煩我",
)  # fmt: skip
# A whole text that is only these (and HAN_FILLERS) stops everything: "请停止！", "够了".
HAN_STOP_WORDS = frozenset(
    {"停止", "停", "退订", "取消", "够了", "夠了", "别再", "別再", "不要再", "别发", "別發"}
)
HAN_FILLERS = (
    "请",
    "請",
    "吧",
    "了",
    "啊",
    "谢谢",
    "謝謝",
    "马上",
    "馬上",
    "立即",
    "立刻",
    "现在",
    "現在",
)
HAN_WRONG_NUMBER = (
    "打错了", "打錯了", "打错", "打錯", "发错", "發錯", "号码错", "號碼錯", "错号", "不是本人",
    "找错人", "找錯人", "没有这个人", "沒有這個人", "不认识这个人", "不認識這個人",
)  # fmt: skip
HAN_DISPUTE = (
    "不是我的债", "不是我的債", "不是我欠的", "不是我借的", "我没有欠", "我沒有欠", "我没欠",
    "我不欠", "没借过", "沒借過", "没有借过", "不是我的欠款", "不是我的贷款", "有异议", "有異議",
)  # fmt: skip
