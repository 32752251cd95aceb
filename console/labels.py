"""The domain's stored words as the console shows them: marked here so that the translation
catalogue (console/translations) carries them; templates call _(value) on the stored value."""

from __future__ import annotations


def N_(text: str) -> str:
    return text


VOCABULARY = (
    # roles
    N_("admin"),
    N_("supervisor"),
    N_("agent"),
    # agent availability
    N_("available"),
    N_("on_call"),
    N_("wrap_up"),
    N_("away"),
    N_("offline"),
    # debt stages
    N_("new"),
    N_("reminder"),
    N_("follow_up"),
    N_("escalated_agency"),
    N_("escalated_legal"),
    N_("resolved"),
    N_("closed"),
    # phone types and statuses
    N_("mobile"),
    N_("landline"),
    N_("work"),
    N_("voip"),
    N_("unknown"),
    N_("valid"),
    N_("invalid"),
    N_("wrong_party"),
    # consumer flags
    N_("cease_communication"),
    N_("attorney_represented"),
    N_("dispute_pending"),
    N_("workplace_prohibited"),
    N_("bankruptcy"),
    N_("deceased"),
    # dispositions
    N_("promise_to_pay"),
    N_("paid"),
    N_("dispute"),
    N_("wrong_number"),
    N_("callback"),
    N_("cease_request"),
    N_("no_calls_at_work"),
    N_("refused"),
    N_("note"),
    # campaign statuses
    N_("draft"),
    N_("active"),
    N_("paused"),
    N_("finished"),
    # call statuses
    N_("reserved"),
    N_("dialing"),
    N_("queued"),
    N_("initiated"),
    N_("ringing"),
    N_("in_progress"),
    N_("completed"),
    N_("busy"),
    N_("no_answer"),
    N_("failed"),
    N_("canceled"),
    N_("not_placed"),
    # outcomes and message statuses
    N_("conversation"),
    N_("voicemail"),
    N_("abandoned"),
    N_("sent"),
    N_("sending"),
    N_("delivered"),
    N_("undelivered"),
    N_("received"),
    # promise statuses
    N_("open"),
    N_("kept"),
    N_("broken"),
    # suppression kinds and scopes
    N_("opt_out"),
    N_("do_not_contact"),
    N_("sms"),
    N_("call"),
    N_("all"),
    # audited entities
    N_("user"),
    N_("consumer"),
    N_("campaign"),
    N_("debt"),
    N_("phone"),
    N_("contact_attempt"),
    N_("contact_limits"),
    N_("inbox_message"),
    N_("suppressed_number"),
    # where a suppression entry came from
    N_("carrier"),
    N_("import"),
    N_("history"),
    # limit scopes
    N_("global"),
    N_("state"),
)
