"""What the IVR says, in English, Spanish and Chinese.

The identity question reveals nothing about a debt; the disclosure is spoken only after the
consumer confirmed who they are; the voicemail is the limited-content message (a business
name that does not indicate debt collection, a person's name, a request to call back and the
number: nothing about a debt).
"""

from __future__ import annotations

from enum import StrEnum

from dialer.vocabulary import Language
from dialer.wording.context import MessageContext


class VoicePrompt(StrEnum):
    IDENTITY = "identity"
    DISCLOSURE = "disclosure"
    MENU = "menu"
    CALLBACK_WINDOWS = "callback_windows"
    CALLBACK_CONFIRMED = "callback_confirmed"
    CALLBACK_MOVED = "callback_moved"  # the time chosen was not lawful: the next lawful one
    DISPUTE_CONFIRMED = "dispute_confirmed"
    OPT_OUT_CONFIRMED = "opt_out_confirmed"
    WRONG_PARTY = "wrong_party"
    VOICEMAIL = "voicemail"
    HOLD = "hold"
    CONNECTING = "connecting"
    WHISPER = "whisper"
    NOT_UNDERSTOOD = "not_understood"
    GOODBYE = "goodbye"
    INBOUND_MENU = "inbound_menu"  # a consumer called us: the business only, then the choices
    UNKNOWN_CALLER = "unknown_caller"  # a number not on file: who we are, nothing else
    WHISPER_INBOUND = "whisper_inbound"  # to the agent: the case, identity not yet confirmed
    WHISPER_UNCONFIRMED = "whisper_unconfirmed"  # a progressive call: identity not yet asked
    LEAVE_MESSAGE = "leave_message"  # a caller who reached nobody: record a message
    MESSAGE_TAKEN = "message_taken"
    NO_AGENT = "no_agent"  # no agent for a person who asked for one: who we are, how to call back
    INBOUND_CLOSED = "inbound_closed"  # a consumer called us outside business hours
    INBOUND_BUSY = "inbound_busy"  # a consumer called us and no agent is free
    RECORDING_NOTICE = "recording_notice"  # all-party-consent state: said before recording


CALLBACK_WINDOWS = {"1": "morning", "2": "afternoon", "3": "evening"}
WINDOW_NAMES = {
    Language.EN: {"morning": "morning", "afternoon": "afternoon", "evening": "evening"},
    Language.ES: {"morning": "la mañana", "afternoon": "la tarde", "evening": "la noche"},
    Language.ZH: {"morning": "上午", "afternoon": "下午", "evening": "晚上"},
}

_EN = {
    VoicePrompt.IDENTITY: "Hello. Press 1 if you are {first_name}. Press 2 if you are not "
    "{first_name}.",
    VoicePrompt.DISCLOSURE: "This is {company}, a debt collector. This is an attempt to collect "
    "a debt and any information obtained will be used for that purpose. We are calling about "
    "your {creditor} account, which has a balance of {balance}.",
    VoicePrompt.MENU: "To speak with an agent now, press 1. To choose a time for us to call "
    "you back, press 2. If this is not your debt, press 3. To stop calls to this number, "
    "press 4.",
    VoicePrompt.CALLBACK_WINDOWS: "For a call back in the morning, press 1. In the afternoon, "
    "press 2. In the evening, press 3.",
    VoicePrompt.CALLBACK_CONFIRMED: "Thank you. We will call you back in the {window}. Goodbye.",
    VoicePrompt.CALLBACK_MOVED: "Thank you. We may not call you at that time, so we will call "
    "you back on {window}. Goodbye.",
    VoicePrompt.DISPUTE_CONFIRMED: "Thank you. We have noted that you dispute this debt, and we "
    "will stop contacting you about it while we look into it. Goodbye.",
    VoicePrompt.OPT_OUT_CONFIRMED: "Thank you. We will not call this number again. Goodbye.",
    VoicePrompt.WRONG_PARTY: "Thank you. Sorry for the trouble. We will not call this number "
    "for this person again. Goodbye.",
    VoicePrompt.VOICEMAIL: "Hello, this is {caller_name} from {voicemail_business}. Please call "
    "me back at {callback_number}. Thank you.",
    VoicePrompt.HOLD: "All of our agents are busy right now. We can call you back instead.",
    VoicePrompt.CONNECTING: "Please hold while we connect you to an agent.",
    VoicePrompt.RECORDING_NOTICE: "This call will be recorded. If you do not want it recorded, "
    "please hang up and call us back at {callback_number}.",
    VoicePrompt.WHISPER: "Incoming call for {first_name}, {creditor} account, balance "
    "{balance}. Identity confirmed.",
    VoicePrompt.NOT_UNDERSTOOD: "Sorry, we did not get that.",
    VoicePrompt.GOODBYE: "We did not receive a choice. Goodbye.",
    VoicePrompt.NO_AGENT: "This is {caller_name} from {voicemail_business}. All of our agents "
    "are busy right now. You can call us back at {callback_number}, or we can call you back.",
    VoicePrompt.INBOUND_MENU: "Thank you for calling {voicemail_business}. To speak with an "
    "agent, press 1. To ask us to call you back, press 2.",
    VoicePrompt.UNKNOWN_CALLER: "Thank you for calling. We could not find this number in our "
    "records. Please call again from the number we have on file. Goodbye.",
    VoicePrompt.WHISPER_INBOUND: "Inbound call from the number on file for {first_name}, "
    "{creditor} account, balance {balance}. Confirm the caller's identity first.",
    VoicePrompt.WHISPER_UNCONFIRMED: "Call for {first_name}, {creditor} account, balance "
    "{balance}. Confirm the person's identity first.",
    VoicePrompt.LEAVE_MESSAGE: "Please leave a message after the tone, and we will call you back.",
    VoicePrompt.MESSAGE_TAKEN: "Thank you. We will call you back. Goodbye.",
    VoicePrompt.INBOUND_CLOSED: "Thank you for calling {voicemail_business}. Our office is "
    "closed right now.",
    VoicePrompt.INBOUND_BUSY: "Thank you for calling {voicemail_business}. All of our agents "
    "are busy right now.",
}
_ES = {
    VoicePrompt.IDENTITY: "Hola. Oprima 1 si usted es {first_name}. Oprima 2 si usted no es "
    "{first_name}.",
    VoicePrompt.DISCLOSURE: "Le habla {company}, una agencia de cobranza. Esto es un intento de "
    "cobrar una deuda y cualquier información obtenida será utilizada para ese propósito. Le "
    "llamamos por su cuenta de {creditor}, que tiene un saldo de {balance}.",
    VoicePrompt.MENU: "Para hablar con un agente ahora, oprima 1. Para elegir un horario para "
    "que le devolvamos la llamada, oprima 2. Si esta no es su deuda, oprima 3. Para dejar de "
    "recibir llamadas en este número, oprima 4.",
    VoicePrompt.CALLBACK_WINDOWS: "Para una llamada por la mañana, oprima 1. Por la tarde, "
    "oprima 2. Por la noche, oprima 3.",
    VoicePrompt.CALLBACK_CONFIRMED: "Gracias. Le llamaremos por {window}. Adiós.",
    VoicePrompt.CALLBACK_MOVED: "Gracias. No podemos llamarle a esa hora, así que le "
    "llamaremos {window}. Adiós.",
    VoicePrompt.DISPUTE_CONFIRMED: "Gracias. Hemos anotado que usted disputa esta deuda y "
    "dejaremos de contactarle sobre ella mientras la revisamos. Adiós.",
    VoicePrompt.OPT_OUT_CONFIRMED: "Gracias. No volveremos a llamar a este número. Adiós.",
    VoicePrompt.WRONG_PARTY: "Gracias. Disculpe la molestia. No volveremos a llamar a este "
    "número para esta persona. Adiós.",
    VoicePrompt.VOICEMAIL: "Hola, habla {caller_name} de {voicemail_business}. Por favor "
    "devuélvame la llamada al {callback_number}. Gracias.",
    VoicePrompt.HOLD: "Todos nuestros agentes están ocupados. Podemos devolverle la llamada.",
    VoicePrompt.CONNECTING: "Por favor espere mientras le comunicamos con un agente.",
    VoicePrompt.RECORDING_NOTICE: "Esta llamada será grabada. Si no desea que se grabe, "
    "cuelgue y llámenos al {callback_number}.",
    VoicePrompt.WHISPER: "Llamada para {first_name}, cuenta de {creditor}, saldo {balance}. "
    "Identidad confirmada.",
    VoicePrompt.NOT_UNDERSTOOD: "Disculpe, no recibimos su respuesta.",
    VoicePrompt.GOODBYE: "No recibimos ninguna opción. Adiós.",
    VoicePrompt.NO_AGENT: "Le habla {caller_name} de {voicemail_business}. Todos nuestros "
    "agentes están ocupados. Puede llamarnos al {callback_number}, o podemos devolverle la "
    "llamada.",
    VoicePrompt.INBOUND_MENU: "Gracias por llamar a {voicemail_business}. Para hablar con un "
    "agente, oprima 1. Para que le devolvamos la llamada, oprima 2.",
    VoicePrompt.UNKNOWN_CALLER: "Gracias por llamar. No encontramos este número en nuestros "
    "registros. Por favor llame desde el número que tenemos registrado. Adiós.",
    VoicePrompt.WHISPER_INBOUND: "Llamada entrante del número registrado de {first_name}, "
    "cuenta de {creditor}, saldo {balance}. Confirme primero la identidad.",
    VoicePrompt.WHISPER_UNCONFIRMED: "Llamada para {first_name}, cuenta de {creditor}, saldo "
    "{balance}. Confirme primero la identidad.",
    VoicePrompt.LEAVE_MESSAGE: "Por favor deje un mensaje después del tono y le devolveremos "
    "la llamada.",
    VoicePrompt.MESSAGE_TAKEN: "Gracias. Le devolveremos la llamada. Adiós.",
    VoicePrompt.INBOUND_CLOSED: "Gracias por llamar a {voicemail_business}. Nuestra oficina "
    "está cerrada en este momento.",
    VoicePrompt.INBOUND_BUSY: "Gracias por llamar a {voicemail_business}. Todos nuestros "
    "agentes están ocupados.",
}
_ZH = {
    VoicePrompt.IDENTITY: "您好。如果您是{first_name},请按1。如果您不是{first_name},请按2。",
    VoicePrompt.DISCLOSURE: "这里是{company},一家债务催收机构。本次来电是为了催收债务,所获得的"
    "任何信息都将用于此目的。我们致电是关于您在{creditor}的账户,余额为{balance}。",
    VoicePrompt.MENU: "现在与客服人员通话,请按1。选择回电时间,请按2。如果这不是您的债务,请按3。"
    "如不希望再接到打往此号码的电话,请按4。",
    VoicePrompt.CALLBACK_WINDOWS: "上午回电请按1,下午回电请按2,晚上回电请按3。",
    VoicePrompt.CALLBACK_CONFIRMED: "谢谢。我们将在{window}给您回电。再见。",
    VoicePrompt.CALLBACK_MOVED: "谢谢。我们不能在该时间给您打电话,我们将在{window}给您回电。再见。",
    VoicePrompt.DISPUTE_CONFIRMED: "谢谢。我们已记录您对这笔债务有异议,核实期间我们将不再就此"
    "联系您。再见。",
    VoicePrompt.OPT_OUT_CONFIRMED: "谢谢。我们将不再拨打此号码。再见。",
    VoicePrompt.WRONG_PARTY: "谢谢,打扰了。我们不会再为此人拨打这个号码。再见。",
    VoicePrompt.VOICEMAIL: "您好,我是{voicemail_business}的{caller_name}。请回电{callback_number}。"
    "谢谢。",
    VoicePrompt.HOLD: "目前所有客服人员都在忙。我们可以稍后给您回电。",
    VoicePrompt.CONNECTING: "请稍候,正在为您转接客服人员。",
    VoicePrompt.RECORDING_NOTICE: "本次通话将被录音。如您不同意录音,"
    "请挂断并回拨{callback_number}。",
    VoicePrompt.WHISPER: "来电客户{first_name},{creditor}账户,余额{balance}。身份已确认。",
    VoicePrompt.NOT_UNDERSTOOD: "抱歉,我们没有收到您的选择。",
    VoicePrompt.GOODBYE: "我们没有收到您的选择。再见。",
    VoicePrompt.NO_AGENT: "我是{voicemail_business}的{caller_name}。目前所有客服人员都在忙。"
    "您可以拨打{callback_number}回电,我们也可以给您回电。",
    VoicePrompt.INBOUND_MENU: "感谢您致电{voicemail_business}。与客服人员通话请按1,"
    "需要我们回电请按2。",
    VoicePrompt.UNKNOWN_CALLER: "感谢您的来电。我们的记录中没有这个号码。"
    "请使用我们登记的号码再次来电。再见。",
    VoicePrompt.WHISPER_INBOUND: "来电号码属于{first_name},{creditor}账户,余额{balance}。"
    "请先核实来电者身份。",
    VoicePrompt.WHISPER_UNCONFIRMED: "来电客户{first_name},{creditor}账户,余额{balance}。"
    "请先核实对方身份。",
    VoicePrompt.LEAVE_MESSAGE: "请在提示音后留言,我们会给您回电。",
    VoicePrompt.MESSAGE_TAKEN: "谢谢。我们会给您回电。再见。",
    VoicePrompt.INBOUND_CLOSED: "感谢您致电{voicemail_business}。我们现在已下班。",
    VoicePrompt.INBOUND_BUSY: "感谢您致电{voicemail_business}。目前所有客服人员都在忙。",
}
VOICE_TEXTS: dict[Language, dict[VoicePrompt, str]] = {
    Language.EN: _EN,
    Language.ES: _ES,
    Language.ZH: _ZH,
}


def voice_text(
    prompt: VoicePrompt, *, language: Language, context: MessageContext, window: str = ""
) -> str:
    """The words of one IVR prompt; `window` (morning/afternoon/evening) for confirmations, or
    a moment already in words (`moments.spoken_moment`) for a callback moved to a lawful time."""
    values = context.fields()
    values["window"] = WINDOW_NAMES[language].get(window, window)
    return VOICE_TEXTS[language][prompt].format_map(values)
