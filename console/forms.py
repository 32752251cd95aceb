"""The console's forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from dialer.cases.dispositions import DispositionCode
from dialer.vocabulary import ConsumerFlag


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class EmptyForm(FlaskForm):
    """A button that changes something (pause, resume, log out): only the CSRF token."""


class AvailabilityForm(FlaskForm):
    availability = SelectField(
        _l("Availability"),
        choices=[
            SelectChoice("available", _l("Available")),
            SelectChoice("away", _l("Away")),
            SelectChoice("offline", _l("Offline")),
        ],
    )


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("en", "English"),
            SelectChoice("zh", "简体中文"),
            SelectChoice("es", "Español"),
        ],
    )


class DispositionForm(FlaskForm):
    code = SelectField(
        _l("Outcome"),
        choices=[
            SelectChoice(DispositionCode.PROMISE_TO_PAY.value, _l("Promise to pay")),
            SelectChoice(DispositionCode.PAID.value, _l("Paid")),
            SelectChoice(DispositionCode.DISPUTE.value, _l("Dispute")),
            SelectChoice(DispositionCode.WRONG_NUMBER.value, _l("Wrong number")),
            SelectChoice(DispositionCode.CALLBACK.value, _l("Callback")),
            SelectChoice(DispositionCode.CEASE_REQUEST.value, _l("Cease request")),
            SelectChoice(DispositionCode.NO_CALLS_AT_WORK.value, _l("No calls at work")),
            SelectChoice(DispositionCode.REFUSED.value, _l("Refused")),
            SelectChoice(DispositionCode.NOTE.value, _l("Note")),
        ],
    )
    amount = DecimalField(_l("Amount"), places=2, validators=[Optional(), NumberRange(min=0.01)])
    promised_date = DateField(_l("Promised date"), validators=[Optional()])
    callback_at = DateTimeLocalField(
        _l("Callback at (consumer's local time)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    attempt_id = HiddenField()
    next_page = HiddenField()


class LimitsForm(FlaskForm):
    scope = SelectField(
        _l("Scope"),
        choices=[
            SelectChoice("global", _l("Global")),
            SelectChoice("state", _l("State")),
            SelectChoice("campaign", _l("Campaign")),
        ],
    )
    scope_key = StringField(
        _l("State code or campaign id"), validators=[Optional(), Length(max=64)]
    )
    call_start = StringField(_l("Calls from"), validators=[Optional(), Length(max=5)])
    call_end = StringField(_l("Calls until"), validators=[Optional(), Length(max=5)])
    sms_start = StringField(_l("SMS from"), validators=[Optional(), Length(max=5)])
    sms_end = StringField(_l("SMS until"), validators=[Optional(), Length(max=5)])
    max_calls_per_day = IntegerField(
        _l("Calls per day"), validators=[Optional(), NumberRange(min=0)]
    )
    max_calls_per_week = IntegerField(
        _l("Calls per week"), validators=[Optional(), NumberRange(min=0)]
    )
    max_sms_per_day = IntegerField(_l("SMS per day"), validators=[Optional(), NumberRange(min=0)])
    max_sms_per_week = IntegerField(_l("SMS per week"), validators=[Optional(), NumberRange(min=0)])
    no_contact_on_holidays = BooleanField(_l("No contact on public holidays"))
    min_minutes_between_contacts = IntegerField(
        _l("Minutes between contacts with a person"), validators=[Optional(), NumberRange(min=0)]
    )
    calls_per_second = FloatField(
        _l("Calls per second"),
        validators=[Optional(), NumberRange(min=0, message=_l("Must be above 0."))],
    )
    max_concurrent_calls = IntegerField(
        _l("Concurrent calls at most"),
        validators=[Optional(), NumberRange(min=1, message=_l("At least 1."))],
    )
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=500)])


class BusinessHoursForm(FlaskForm):
    zone = StringField(_l("Time zone"), validators=[Optional(), Length(max=64)])
    days = SelectMultipleField(
        _l("Open on"),
        choices=[
            SelectChoice("mon", _l("Monday")),
            SelectChoice("tue", _l("Tuesday")),
            SelectChoice("wed", _l("Wednesday")),
            SelectChoice("thu", _l("Thursday")),
            SelectChoice("fri", _l("Friday")),
            SelectChoice("sat", _l("Saturday")),
            SelectChoice("sun", _l("Sunday")),
        ],
        validate_choice=False,  # the domain refuses an unknown day, saying which
    )
    start = StringField(_l("Open from"), validators=[Optional(), Length(max=5)])
    end = StringField(_l("Open until"), validators=[Optional(), Length(max=5)])
    holidays = TextAreaField(
        _l("Holidays (closed all day): dates like 2026-12-25"),
        validators=[Optional(), Length(max=4000)],
    )
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=500)])


class CampaignEditForm(FlaskForm):
    definition = TextAreaField(_l("Definition (YAML)"), validators=[DataRequired()])
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=500)])


SPOKEN = [SelectChoice("en", "English"), SelectChoice("zh", "中文"), SelectChoice("es", "Español")]


class UserCreateForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("agent", _l("Agent")),
            SelectChoice("supervisor", _l("Supervisor")),
            SelectChoice("admin", _l("Admin")),
        ],
    )
    phone = StringField(_l("Phone (E.164)"), validators=[Optional(), Length(max=16)])
    language = SelectField(
        _l("Language"),
        choices=[
            SelectChoice("en", "English"),
            SelectChoice("zh", "简体中文"),
            SelectChoice("es", "Español"),
        ],
    )
    languages = SelectMultipleField(
        _l("Languages spoken with consumers"), choices=SPOKEN, validators=[Optional()]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=10, max=200)])


class UserUpdateForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("agent", _l("Agent")),
            SelectChoice("supervisor", _l("Supervisor")),
            SelectChoice("admin", _l("Admin")),
        ],
    )
    is_active = BooleanField(_l("Active"))
    languages = SelectMultipleField(
        _l("Languages spoken with consumers"), choices=SPOKEN, validators=[Optional()]
    )
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=500)])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Reference, name or phone"), validators=[Optional(), Length(max=100)])


class FlagClearForm(FlaskForm):
    reason = StringField(
        _l("Why it no longer applies"), validators=[DataRequired(), Length(max=500)]
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("Who"), validators=[Optional(), Length(max=100)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=60)])
    entity_id = StringField(_l("Record id"), validators=[Optional(), Length(max=64)])


class FlagAddForm(FlaskForm):
    flag = SelectField(
        _l("Flag"),
        choices=[
            SelectChoice(ConsumerFlag.CEASE_COMMUNICATION.value, _l("Cease communication")),
            SelectChoice(ConsumerFlag.ATTORNEY_REPRESENTED.value, _l("Attorney represented")),
            SelectChoice(ConsumerFlag.DISPUTE_PENDING.value, _l("Dispute pending (this debt)")),
            SelectChoice(ConsumerFlag.BANKRUPTCY.value, _l("Bankruptcy")),
            SelectChoice(ConsumerFlag.DECEASED.value, _l("Deceased")),
            SelectChoice(
                ConsumerFlag.WORKPLACE_PROHIBITED.value, _l("Employer prohibits contact at work")
            ),
        ],
        validators=[DataRequired()],
    )
    note = StringField(_l("How it was learned"), validators=[DataRequired(), Length(max=500)])


class ReportForm(FlaskForm):
    """A report's range and cut, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("To"), validators=[DataRequired()])
    zone = StringField(_l("Time zone"), default="UTC", validators=[Length(max=64)])
    days = SelectField(
        _l("Days"),
        choices=[
            SelectChoice("operator", _l("in this time zone")),
            SelectChoice("consumer", _l("in each consumer's own time zone")),
        ],
        default="operator",
    )
    group_by = SelectField(
        _l("Group by"),
        choices=[
            SelectChoice("client", _l("Client")),
            SelectChoice("campaign", _l("Campaign")),
            SelectChoice("agent", _l("Agent")),
            SelectChoice("channel", _l("Channel")),
            SelectChoice("day", _l("Day")),
        ],
        default="campaign",
    )
    client = SelectField(_l("Client"), choices=[], validate_choice=False)
    campaign = SelectField(_l("Campaign"), choices=[], validate_choice=False)
    agent = SelectField(_l("Agent"), choices=[], validate_choice=False)
    channel = SelectField(
        _l("Channel"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("call", _l("Calls")),
            SelectChoice("sms", _l("SMS")),
        ],
        default="",
    )
