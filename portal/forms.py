"""The WTForms classes, one per form."""

import gzip
import re
from datetime import date
from functools import cache
from pathlib import Path

from flask import current_app, request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from . import attachments, guard, overrides
from .models import (
    AREAS,
    BARRIER_STATUSES,
    CLOSE_REASONS,
    CYCLE_STEPS,
    EMAIL_FREQUENCIES,
    ORG_KINDS,
    REFER_BY,
    REFERRERS,
    ROLES,
    SERVICE_STATUSES,
    THREAD_KINDS,
    VISIBILITIES,
    Barrier,
    Organisation,
    RuleVersion,
    Service,
    Theme,
    Thread,
    User,
)
from .paging import id_from
from .text import slugify

MIN_PASSWORD = 12
MAX_BODY = 20000


def stripped(value):
    return value.strip() if isinstance(value, str) else value


def one_line(value):
    """A single-line field's text with every run of whitespace, line breaks and control characters as one space."""
    if not isinstance(value, str):
        return value
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


class PlainChoices:
    """Radio buttons and checkboxes that say in plain English when a value is not one of theirs."""

    def __init__(self, *args, invalid="Choose one of the options listed", **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.invalid) from error

    def pre_validate(self, form):
        known = {choice.value for choice in self.iter_choices()}
        chosen = self.data if isinstance(self.data, list) else [self.data]
        if any(value not in known for value in chosen if value is not None):
            raise ValidationError(self.invalid)


class Radios(PlainChoices, RadioField):
    pass


class CheckboxList(PlainChoices, SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField("Email", [DataRequired("Enter your email address"), Length(max=254)], filters=[stripped])
    password = PasswordField("Password", [DataRequired("Enter your password"), Length(max=1000)])
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField("Email", [DataRequired("Enter your email address"), Length(max=254)], filters=[stripped])


def body_field(label):
    return TextAreaField(
        label,
        [
            DataRequired("Write a message"),
            Length(max=MAX_BODY, message="Keep the message under %d characters" % MAX_BODY),
        ],
        filters=[stripped],
        description="You can use Markdown: **bold**, _italic_, lists and links.",
    )


def title_field():
    return StringField(
        "Title",
        [DataRequired("Give it a title"), Length(max=200, message="Keep the title under 200 characters")],
        filters=[one_line],
    )


def attachments_field():
    return MultipleFileField(
        "Attach files (optional)",
        description="Referral forms, policies, minutes: %s, up to %%d files of at most %%s MB each. The portal "
        "checks what is in them for a client's details, as it does your text." % attachments.ALLOWED_WORDS,
    )


class WithAttachments:
    """Forms that take files: each is checked (type from its content, size) when the form validates, and kept in
    `uploads` for the view to attach; the guard reads their text (GuardedText)."""

    def validate_attachments(self, field):
        files = [f for f in field.data or [] if f and f.filename]
        if len(files) > attachments.MAX_FILES:
            raise ValidationError("Attach at most %d files to one post, and choose them again" % attachments.MAX_FILES)
        limit = current_app.config["ATTACHMENT_MAX_MB"] * 1024 * 1024
        try:
            self.uploads = [attachments.inspect(f.filename, f.stream, limit) for f in files]
        except attachments.Refused as refused:
            raise ValidationError(str(refused)) from refused

    def attachments_description(self):
        return self.attachments.description % (attachments.MAX_FILES, current_app.config["ATTACHMENT_MAX_MB"])


REASON_WORDS = 3


def guard_fields():
    """The tick that keeps ordinary details, and the reason that keeps details identifying someone: made last in
    each guarded form, so that they come after its text (and its errors after the text's) as on the page."""
    return (
        BooleanField("I have checked: these details are needed here, and I may share them"),
        TextAreaField(
            "Why must these details be in the portal?",
            [Length(max=500, message="Keep the reason under 500 characters")],
            filters=[stripped],
            description="The systems steward reads your reason and may remove the details. Do not repeat them here.",
        ),
    )


class GuardedText:
    """Forms whose text (and title, if they have one) goes through the personal-data guard: held until changed or
    confirmed as needed. A tick confirms ordinary details; details that identify someone outright need a reason,
    which goes to the steward."""

    checks = {}  # each guarded field's overrides.Check, once validated
    reason_needed = False
    uploads = ()  # files, in forms that take them (WithAttachments)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        guarded = [name for name in ("title", "body") if name in self]
        self.known = guard.known_to_portal()  # read once for the title, the text and the reason
        self.checks = {name: overrides.check(self[name].data or "", self.known) for name in guarded}
        if self.uploads:
            text = "\n".join(attachments.text_of(upload) for upload in self.uploads)
            self.checks["attachments"] = overrides.check(text, self.known)
        self.reason_needed = any(check.outright for check in self.checks.values())
        reason_problem = self.reason_problem() if self.reason_needed else None
        kept = reason_problem is None if self.reason_needed else self.confirm_personal.data
        for name, check in self.checks.items():
            if check.found and not kept:
                self[name].errors.append(self.held_message(name, check))
                valid = False
        if reason_problem:
            self.keep_reason.errors.append(reason_problem)
            valid = False
        if not valid and self.uploads and not self.attachments.errors:
            self.attachments.errors.append("Choose your files again when you send this: browsers do not keep them")
        return valid

    def held_message(self, name, check):
        if name == "title":
            looks = "This title looks like it has %s, and titles show in every list and e-mail"
        elif name == "attachments":
            looks = "The attached file looks like it has %s"
        else:
            looks = "This looks like %s"
        looks %= guard.describe(check.found)
        if check.outright:
            message = (
                "%s. That identifies a person outright: change it (use initials or your case reference), or say "
                "below why it must be in the portal." % looks
            )
        else:
            instead = "say below why" if self.reason_needed else "tick the box below if"
            message = "%s. Use initials or your case reference instead, or %s the details are needed."
            message %= (looks, instead)
        # a browser forgets a chosen file when the page comes back
        return message + (" Then choose the file again." if name == "attachments" else "")

    def reason_problem(self):
        """What is wrong with the reason given for keeping details that identify someone, or None."""
        reason = self.keep_reason.data or ""
        if not reason:
            return "Say why these details must be in the portal, or change the text so it does not identify anyone"
        if len(reason.split()) < REASON_WORDS:
            return "Say why in a few words (at least %d), so the steward can understand it" % REASON_WORDS
        if len(reason) > 500:
            return None  # the field's own length check says so
        if guard.findings(reason, self.known):
            return "Leave the details themselves out of the reason: it goes to the steward by e-mail"
        return None

    def guard_findings(self):
        """Everything the guard found in the title and the text."""
        return [finding for check in self.checks.values() for finding in check.found]

    def check_of(self, name):
        return self.checks.get(name, overrides.NOTHING)

    def guard_checks(self):
        """What the guard's area shows: (what it is, its text, its check) for the title and the text."""
        return [
            (overrides.WHAT[name], self[name].data or "", self.check_of(name))
            for name in overrides.WHAT
            if name in self
        ]


class ThreadForm(WithAttachments, GuardedText, FlaskForm):
    kind = Radios(
        "What are you posting?",
        choices=THREAD_KINDS,
        default="update",
        validators=[InputRequired("Choose update, need or question")],
        invalid="Choose update, need or question",
    )
    title = title_field()
    body = body_field("Message")
    attachments = attachments_field()
    addressed_to = CheckboxList(
        "Addressed to",
        coerce=int,
        invalid="Choose from the organisations listed",
        description="The organisations you need an answer from.",
    )
    visibility = Radios(
        "Who can see it",
        choices=VISIBILITIES,
        default="all",
        validators=[InputRequired("Choose who can see it")],
        invalid="Choose who can see it",
    )
    confirm_personal, keep_reason = guard_fields()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.addressed_to.choices = {o.id: o.name for o in Organisation.by_name().where(Organisation.active == True)}

    def validate_addressed_to(self, field):
        if self.kind.data in ("need", "question") and not field.data:
            raise ValidationError("Choose at least one organisation to address this %s to" % self.kind.data)


class CiteField(SelectField):
    """A service's current rule to cite, or none; its choices are read only when the field is shown or sent."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=None, validate_choice=False, **kwargs)

    @property
    def choices(self):
        if self._choices is None:
            from .lists.services import citable

            self._choices = [("", "No rule")] + [(str(rule_id), label) for rule_id, label in citable()]
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = value

    @property
    def rule_id(self):
        return id_from(self.data) if self.data else None

    def pre_validate(self, form):
        if self.data and self.data not in {value for value, _ in self.choices}:
            raise ValidationError("Choose a service’s rule from the list, or none")


class ReplyForm(WithAttachments, GuardedText, FlaskForm):
    body = body_field("Your reply")
    attachments = attachments_field()
    cite = CiteField(
        "Cite a service’s rule (optional)",
        description="The reply shows the rule as it is now, and says so here if it changes later.",
    )
    confirm_personal, keep_reason = guard_fields()


class ServiceFilesForm(WithAttachments, GuardedText, FlaskForm):
    """Files on a service page: a referral form, a policy. The guard reads them; details that identify a person
    outright cannot go on a service page at all (there is no post for the steward to review them with)."""

    attachments = attachments_field()
    confirm_personal, keep_reason = guard_fields()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.uploads and not self.attachments.errors:
            self.attachments.errors.append("Choose a file to attach")
            valid = False
        if self.reason_needed:
            self.keep_reason.errors.clear()
            self.attachments.errors[:] = [
                "The attached file looks like it identifies a person outright, which a service page must not: "
                "change the file, then choose it again"
            ]
            valid = False
        return valid


class EditPostForm(GuardedText, FlaskForm):
    body = body_field("Message")
    confirm_personal, keep_reason = guard_fields()


class TitleForm(GuardedText, FlaskForm):
    title = title_field()
    confirm_personal, keep_reason = guard_fields()


class OrganisationForm(FlaskForm):
    name = StringField("Name", [DataRequired("Enter the organisation's name"), Length(max=120)], filters=[one_line])
    slug = StringField(
        "Short name for web addresses",
        [
            Optional(),
            Length(max=60),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message="Use lower-case letters, numbers and hyphens only"),
        ],
        filters=[stripped],
        description="Leave empty to make one from the name.",
    )
    kind = SelectField("Kind", choices=ORG_KINDS)
    checkin_day = IntegerField(
        "Day of the month the check-in is asked for",
        [Optional(), NumberRange(1, 28, "Enter a day from 1 to 28")],
        filters=[lambda day: 1 if day is None else day],
        default=1,
    )
    phone = StringField(
        "Phone numbers",
        [Length(max=200, message="Keep the phone numbers under 200 characters")],
        filters=[one_line, lambda v: v or ""],
        description="The switchboard and the team's lines, separated by commas. People may write them in posts.",
    )
    email = EmailField(
        "Team email address",
        [
            Optional(),
            Length(max=254, message="Keep the email address under 254 characters"),
            Regexp(
                r"^[^@\s]{1,64}@[^@\s.]{1,63}(?:\.[^@\s.]{1,63}){1,6}$",
                message="Enter an email address like housing@example.gov.uk",
            ),
        ],
        filters=[stripped, lambda v: v.lower() if v else ""],
        description="A shared inbox, not a person's. Addresses at its domain are never taken for a client's.",
    )
    active = BooleanField("Active", default=True)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def validate_name(self, field):
        self._unique(Organisation.name, field, "An organisation with this name already exists")

    def validate(self, extra_validators=None):
        if not self.slug.data and self.name.data:
            self.slug.data = slugify(self.name.data)
            self.slug.raw_data = [self.slug.data]  # so the checks below run on the made-up slug too
        valid = super().validate(extra_validators)
        if valid and not self.slug.data:
            self.slug.errors.append("Give it a short name of letters and numbers: we could not make one from the name")
            return False
        return valid

    def validate_slug(self, field):
        self._unique(Organisation.slug, field, "Another organisation already uses this short name")

    def validate_phone(self, field):
        if re.search(r"[^\d\s()+,-]", field.data or ""):
            raise ValidationError("Use only digits, spaces, brackets, + and -, with commas between numbers")
        numbers = [guard.phone_numbers(part) for part in (field.data or "").split(",") if part.strip()]
        if any(not whole_number(found) for found in numbers):
            raise ValidationError("Enter each number in full, like 0151 233 3000, with commas between numbers")

    def _unique(self, column, field, message):
        taken = Organisation.select().where(column == field.data)
        if self.organisation:
            taken = taken.where(Organisation.id != self.organisation.id)
        if taken.exists():
            raise ValidationError(message)


def whole_number(found):
    """One UK phone number, in full: what guard.phone_numbers found in a part of a field."""
    return len(found) == 1 and 10 <= len(found[0]) <= 11


class ContactDetailsForm(FlaskForm):
    """A person's own work contact details, as partners see them on their page and their organisation's."""

    job_title = StringField(
        "Job title",
        [Length(max=120, message="Keep the job title under 120 characters")],
        filters=[one_line, lambda v: v or ""],
        description="What you do, like “Housing options officer” or “Outreach team leader”.",
    )
    work_phone = StringField(
        "Work phone",
        [Length(max=40, message="Keep the phone number under 40 characters")],
        filters=[one_line, lambda v: v or ""],
        description="A work number only: never a personal mobile you would not give a partner.",
    )
    show_phone = BooleanField("Show my work phone to partners", default=True)
    show_email = BooleanField("Show my work email to partners")

    def validate_work_phone(self, field):
        if not field.data:
            return
        if re.search(r"[^\d\s()+-]", field.data) or not whole_number(guard.phone_numbers(field.data)):
            raise ValidationError("Enter one phone number in full, like 0151 496 0123")


class PersonForm(FlaskForm):
    name = StringField("Full name", [DataRequired("Enter the person's name"), Length(max=120)], filters=[one_line])
    email = EmailField(
        "Email",
        [
            DataRequired("Enter an email address"),
            # Parts of the domain split at each dot, so that a long address is read once, not once per dot.
            Regexp(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$", message="Enter an email address like name@example.org"),
            Length(max=254),
        ],
        filters=[stripped, lambda v: v.lower() if v else v],
    )
    organisation = SelectField("Organisation", coerce=int)
    role = SelectField("Role", choices=ROLES)
    active = BooleanField("Can sign in", default=True)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.organisation.choices = {o.id: o.name for o in Organisation.by_name()}

    def validate_email(self, field):
        taken = User.select().where(User.email == field.data)
        if self.person:
            taken = taken.where(User.id != self.person.id)
        if taken.exists():
            raise ValidationError("Someone already uses this email address")


def not_common(form, field):
    """Refuse passwords on a list of 20,000 common ones (Django's list, shipped with the portal: no network)."""
    if field.data and field.data.lower() in common_passwords():
        raise ValidationError("This password is too common: people trying to break in try it first. Choose another")


@cache
def common_passwords():
    with gzip.open(Path(__file__).parent / "data" / "common-passwords.txt.gz", "rt") as listing:
        return frozenset(line.strip().lower() for line in listing)


def new_password_fields():
    return (
        PasswordField(
            "New password",
            [
                DataRequired("Enter a new password"),
                Length(min=MIN_PASSWORD, max=1000, message="Use at least %d characters" % MIN_PASSWORD),
                not_common,
            ],
            description="At least %d characters. A few unrelated words make a strong one." % MIN_PASSWORD,
        ),
        PasswordField(
            "Confirm new password",
            [
                DataRequired("Enter the new password again"),
                EqualTo("new_password", "The two passwords do not match"),
            ],
        ),
    )


class SetPasswordForm(FlaskForm):
    new_password, confirm_password = new_password_fields()


class EmailPreferencesForm(FlaskForm):
    email_frequency = Radios("How often should we e-mail you?", choices=EMAIL_FREQUENCIES, invalid="Choose how often")
    digest_hour = SelectField(
        "Time of day for digests",
        coerce=int,
        choices={hour: "%02d:00" % hour for hour in range(24)},
        description="UK time. Weekly digests come on Monday at this time.",
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", [DataRequired("Enter your current password")])
    new_password, confirm_password = new_password_fields()


class ThemeForm(FlaskForm):
    name = StringField(
        "New theme",
        [DataRequired("Give the theme a name"), Length(max=80)],
        filters=[one_line],
        description="A few words, like “hospital discharge” or “eligibility rules”.",
    )

    def validate_name(self, field):
        if Theme.select().where((Theme.name == field.data) | (Theme.slug == slugify(field.data))).exists():
            raise ValidationError("There is already a theme called that")


class BarrierForm(FlaskForm):
    title = StringField(
        "What is the barrier?",
        [DataRequired("Say what the barrier is"), Length(max=200)],
        filters=[one_line],
        description="The rule, gap or handoff, e.g. “Crash pads in St Helens held for another client group”.",
    )
    description = TextAreaField(
        "What we know about it", [Length(max=MAX_BODY)], filters=[stripped], description="You can use Markdown."
    )
    holders = CheckboxList(
        "Who holds it",
        coerce=int,
        invalid="Choose from the organisations listed",
        description="The organisations whose rule or service this is.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.holders.choices = {o.id: o.name for o in Organisation.by_name()}


class BarrierLogForm(FlaskForm):
    note = TextAreaField(
        "What was tried or learned",
        [DataRequired("Write what was tried or learned"), Length(max=MAX_BODY)],
        filters=[stripped],
    )
    status = SelectField("Status", choices=BARRIER_STATUSES)


def prompt_field(label, hint):
    return TextAreaField(
        label,
        [DataRequired("Write something for “%s”" % label.lower()), Length(max=MAX_BODY)],
        filters=[stripped],
        description=hint,
    )


class CheckInForm(FlaskForm):
    happening = prompt_field("What is happening", "Numbers, patterns, what has changed this month.")
    working = prompt_field("What is working", "What helped people, and who made it happen.")
    in_the_way = prompt_field(
        "What is getting in the way", "Rules, gaps and handoffs that stopped people getting help."
    )
    need = prompt_field("What you need", "From other partners, the authorities or the steward.")


class ConfirmationForm(FlaskForm):
    """An action that cannot be undone: its confirmation page sends `confirmed`, so no other form can skip it."""

    confirmed = HiddenField()

    def is_confirmed(self):
        return self.confirmed.data == "yes"


class MergeForm(ConfirmationForm):
    target = StringField(
        "Number of the thread to merge this one into",
        [DataRequired("Enter the number of the thread to merge this one into"), Length(max=20)],
        filters=[stripped],
        description="The number is in the thread’s address, after /threads/.",
    )


class RedactForm(ConfirmationForm):
    span = TextAreaField(
        "Text to remove",
        [Length(max=MAX_BODY)],
        filters=[lambda value: value.strip() or None if isinstance(value, str) else value],
        description="Copy the exact words from the post or one of its earlier versions, for example a name or a "
        "number. Leave it empty to remove the whole post. The text is deleted from the post, its earlier versions, "
        "the search index and e-mails not yet sent; it cannot be brought back. You will be asked to confirm first.",
    )
    reason = StringField(
        "Reason (shown in place of the text)",
        [
            DataRequired("Give the reason for the redaction: it is shown in place of the text"),
            Length(max=200, message="Keep the reason under 200 characters"),
        ],
        filters=[one_line],
    )

    def __init__(self, *args, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post

    def validate_span(self, field):
        if field.data and not self.post.versions_hold(field.data):
            raise ValidationError("That text is not in the post or its earlier versions. Copy the exact words from it")


class RemoveAttachmentForm(ConfirmationForm):
    reason = StringField(
        "Reason (shown in place of the file)",
        [
            DataRequired("Give the reason for removing the file: it is shown in its place"),
            Length(max=200, message="Keep the reason under 200 characters"),
        ],
        filters=[one_line],
    )


class RedactDetailsForm(ConfirmationForm):
    """The steward's removal of several details the guard finds in a post, at once."""

    spans = CheckboxList("Details to remove", invalid="Choose from the details the guard finds in the post now")
    reason = StringField(
        "Reason (shown in place of each detail)",
        [
            DataRequired("Give the reason for the redaction: it is shown in place of each detail"),
            Length(max=200, message="Keep the reason under 200 characters"),
        ],
        filters=[one_line],
        default="details that identify a person",
    )

    def __init__(self, *args, spans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.spans.choices = [(text, text) for _, text in spans]
        if not self.is_submitted():
            self.spans.data = [text for _, text in spans]  # every detail chosen until the steward says otherwise

    def validate_spans(self, field):
        if not field.data:
            raise ValidationError("Choose at least one detail to remove")


# --- the steward's actions on a request: small forms on the thread page and the board's rows -------------------


class ActionForm(FlaskForm):
    """A small action form: its first error is said in the page's messages (responses.refuse)."""

    def first_error(self):
        return next(error for errors in self.errors.values() for error in errors)


class CloseForm(ActionForm):
    # drawn by templates/threads/_close_request.html, with CLOSE_REASONS as its options
    reason = StringField(validators=[AnyOf(CLOSE_REASONS, message="Choose why you are closing the request")])
    note = StringField(filters=[one_line], validators=[Length(max=500, message="Keep the reason under 500 characters")])

    def validate_note(self, field):
        if self.reason.data == "other" and not field.data:
            raise ValidationError("Say why you are closing the request")

    def sent(self):
        """What was sent and its errors, for the close form drawn again (templates/threads/_close_request.html)."""
        errors = {name: errors[0] for name, errors in self.errors.items()}
        return {"reason": self.reason.data or "", "note": self.note.data or "", "errors": errors}


class OwnerForm(ActionForm):
    """The steward who owns a request; none chosen means nobody."""

    owner = StringField(filters=[stripped])

    def validate_owner(self, field):
        self.chosen = None
        if field.data:
            owner_id = id_from(field.data)
            self.chosen = User.stewards().where(User.id == owner_id).first() if owner_id else None
            if self.chosen is None:
                raise ValidationError("Choose a steward as the owner.")


class FollowUpForm(ActionForm):
    """A follow-up date, or none when the form's "clear" button was pressed or the date left empty."""

    follow_up_on = StringField(filters=[stripped])

    def validate_follow_up_on(self, field):
        self.day = None
        if "clear" in request.form or not field.data:
            return
        try:
            self.day = date.fromisoformat(field.data)
        except ValueError:
            raise ValidationError("Enter the follow-up date as a real date, for example 2027-01-31.") from None
        if not date(2000, 1, 1) <= self.day <= date(2100, 1, 1):
            raise ValidationError("Enter a follow-up date between 2000 and 2100.")


class AddresseeForm(ActionForm):
    organisation = StringField()

    def validate_effective_from(self, field):
        self.effective_day = None
        if field.data:
            try:
                self.effective_day = date.fromisoformat(field.data)
            except ValueError:
                raise ValidationError("Give the date as year-month-day, like 2026-03-01") from None

    def validate_organisation(self, field):
        organisation_id = id_from(field.data)
        self.chosen = Organisation.get_or_none(Organisation.id == organisation_id) if organisation_id else None
        if self.chosen is None or not self.chosen.active:
            raise ValidationError("Choose an organisation to address the request to.")


class NoteForm(ActionForm):
    text = TextAreaField(
        filters=[stripped],
        validators=[
            DataRequired(message="Write the note first."),
            Length(max=5000, message="Keep the note under 5000 characters."),
        ],
    )


class HideForm(ActionForm):
    reason = StringField(
        filters=[stripped],
        validators=[
            DataRequired("Give a reason for hiding the post (under 500 characters)."),
            Length(max=500, message="Give a reason for hiding the post (under 500 characters)."),
        ],
    )


class TargetForm(ActionForm):
    """Another thread, by its number (for the steward's link and move)."""

    target = StringField()

    def __init__(self, missing, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = missing

    def validate_target(self, field):
        thread_id = id_from(field.data)
        self.chosen = Thread.listing().where(Thread.id == thread_id).first() if thread_id else None
        if self.chosen is None:
            raise ValidationError(self.missing)


class SplitForm(ActionForm):
    message = "Choose a kind and give the new thread a title (under 200 characters)."
    kind = StringField(validators=[AnyOf(THREAD_KINDS, message=message)])
    title = StringField(filters=[one_line], validators=[DataRequired(message), Length(max=200, message=message)])


def id_list(text):
    """Numbers typed as "12, #15 16": the ids, or None when one of them cannot be an id."""
    words = (text or "").replace(",", " ").split()
    ids = [id_from(word) for word in words[:50]]
    return None if None in ids else list(dict.fromkeys(ids))


class IdList(StringField):
    def pre_validate(self, form):
        if id_list(self.data) is None:
            raise ValidationError("Give thread or barrier numbers only, separated by commas, like 12, 15")

    @property
    def ids(self):
        return id_list(self.data) or []


class ServiceForm(FlaskForm):
    organisation = SelectField("Organisation", coerce=int, validate_choice=False)
    name = StringField(
        "Name of the service",
        [DataRequired("Give the service a name"), Length(max=200)],
        filters=[one_line],
        description="For example “Crash pads and sit-up beds”.",
    )
    offers = TextAreaField(
        "What it offers",
        [DataRequired("Say what the service offers"), Length(max=MAX_BODY)],
        filters=[stripped],
        description="You can use Markdown.",
    )
    eligibility = TextAreaField(
        "Who it is for",
        [DataRequired("Say who the service is for"), Length(max=MAX_BODY)],
        filters=[stripped],
        description="The eligibility rule, in plain words. Changing it makes a new version of the rule.",
    )
    referrers = CheckboxList(
        "Who may refer", choices=REFERRERS, invalid="Choose from the options listed", validators=[Optional()]
    )
    refer_by = CheckboxList("How to refer", choices=REFER_BY, invalid="Choose from the options listed")
    hours = StringField("Hours for referrals", [Length(max=200)], filters=[one_line])
    areas = CheckboxList("Local authority areas it covers", choices=AREAS, invalid="Choose from the areas listed")
    capacity = TextAreaField("Capacity notes", [Length(max=2000)], filters=[stripped])
    contact = StringField(
        "Work contact", [Length(max=300)], filters=[one_line], description="A team phone line or inbox, not a client's."
    )
    status = Radios("Status", choices=SERVICE_STATUSES, default="open")
    effective_from = StringField(
        "The rule takes effect from",
        filters=[stripped],
        description="A date like 2026-03-01. Leave empty for today.",
    )
    why = TextAreaField(
        "Why the rule changed",
        [Length(max=2000)],
        filters=[stripped],
        description="Needed when you change who it is for or how to refer.",
    )
    threads = IdList(
        "Threads that led to the change", filters=[stripped], description="Thread numbers, e.g. 12, 15 (optional)."
    )
    barriers = IdList("Barriers that led to the change", filters=[stripped], description="Barrier numbers (optional).")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = organisations or []

    def validate_effective_from(self, field):
        self.effective_day = None
        if field.data:
            try:
                self.effective_day = date.fromisoformat(field.data)
            except ValueError:
                raise ValidationError("Give the date as year-month-day, like 2026-03-01") from None

    def validate_organisation(self, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose one of the organisations listed")


class DayField(StringField):
    """A date (a date input, typed as 2027-01-31), or None when left empty; what was typed is kept on an error."""

    def process_formdata(self, valuelist):
        self.typed = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if self.typed:
            try:
                self.data = date.fromisoformat(self.typed)
            except ValueError:
                raise ValueError("Enter a real date, for example 2027-01-31") from None
            if not date(2000, 1, 1) <= self.data <= date(2099, 12, 31):
                self.data = None
                raise ValueError("Enter a date between 2000 and 2099")

    def _value(self):
        if getattr(self, "typed", None) is not None:
            return self.typed
        return self.data.isoformat() if self.data else ""


class ThreadNumbers(StringField):
    """Thread numbers, separated by commas or spaces ("#12, 40"): `data` is the list of ids."""

    def process_formdata(self, valuelist):
        self.typed = (valuelist[0] if valuelist else "").strip()
        parts = [part for part in re.split(r"[\s,]+", self.typed) if part]
        ids = [id_from(part) for part in parts[:50]]
        if None in ids or len(parts) > 50:
            self.data = []
            raise ValueError("Enter thread numbers separated by commas, for example 12, 40 (at most 50)")
        self.data = list(dict.fromkeys(ids))

    def _value(self):
        if getattr(self, "typed", None) is not None:
            return self.typed
        return ", ".join(str(i) for i in self.data or [])


class CycleForm(FlaskForm):
    title = StringField(
        "Title",
        [DataRequired("Give the cycle a title"), Length(max=200, message="Keep the title under 200 characters")],
        filters=[one_line],
        description="What you are learning about, e.g. “Direct referral into crash pads for outreach”.",
    )
    noticed = TextAreaField(
        "What we noticed",
        [DataRequired("Say what you noticed"), Length(max=MAX_BODY)],
        filters=[stripped],
        description="What is happening that made you want to learn about it. You can use Markdown.",
    )
    threads = ThreadNumbers(
        "Threads and check-ins it comes from",
        description="Their numbers (in the thread's address), separated by commas. Optional.",
    )
    barriers = CheckboxList("System barriers it works on", coerce=int, invalid="Choose from the barriers listed")
    rules = CheckboxList(
        "Services' rule versions it changed",
        coerce=int,
        invalid="Choose from the rule versions listed",
        description="Where the change is written in the services directory.",
    )
    trying = TextAreaField("What we are trying", [Length(max=MAX_BODY)], filters=[stripped])
    trying_by = StringField(
        "Who is trying it", [Length(max=200)], filters=[one_line], description="Organisations or teams, in words."
    )
    trying_from = DayField("Trying it from", description="For example 2027-01-31.")
    learned = TextAreaField("What we learned", [Length(max=MAX_BODY)], filters=[stripped])
    changed = TextAreaField(
        "What changed in the system", [Length(max=MAX_BODY)], filters=[stripped], description="A rule, a route, a role."
    )
    changed_on = DayField("The change took effect on", description="For example 2027-01-31. Optional.")
    review_on = DayField("Next review", description="When to come back to it, for example 2027-01-31.")
    organisations = CheckboxList(
        "Organisations involved",
        coerce=int,
        invalid="Choose from the organisations listed",
        description="Your own organisation is always involved.",
    )
    visibility = Radios(
        "Who can see it",
        choices={"all": "Every partner", "restricted": "Only the organisations involved and the systems steward"},
        default="all",
        validators=[InputRequired("Choose who can see it")],
        invalid="Choose who can see it",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations.choices = {o.id: o.name for o in Organisation.by_name()}
        self.barriers.choices = {
            b.id: b.title for b in Barrier.select(Barrier.id, Barrier.title).order_by(Barrier.title)
        }
        versions = (
            RuleVersion.select(RuleVersion.id, RuleVersion.number, RuleVersion.effective_from, Service.name)
            .join(Service)
            .order_by(Service.name, RuleVersion.number)
        )
        self.rules.choices = {
            v.id: "%s: version %d, from %s" % (v.service.name, v.number, v.effective_from.strftime("%-d %B %Y"))
            for v in versions
        }

    def fields(self):
        """What portal.cycles saves of the form."""
        names = ("title", "noticed", "trying", "trying_by", "trying_from", "learned", "changed", "changed_on")
        return {name: self[name].data for name in names + ("review_on", "visibility")}


class CycleEntryForm(FlaskForm):
    note = TextAreaField(
        "What happened",
        [DataRequired("Write what happened"), Length(max=MAX_BODY)],
        filters=[stripped],
        description="What was tried, seen or decided. You can use Markdown.",
    )
    status = SelectField("Status", choices={"": "Keep the status as it is", **CYCLE_STEPS}, default="")
    review_on = DayField("Next review", description="Optional: a new review date, for example 2027-01-31.")


class CycleDecisionForm(FlaskForm):
    decision = Radios(
        "Your decision",
        choices={"accept": "Accept: start the cycle", "decline": "Decline, with a reason the proposer sees"},
        validators=[InputRequired("Choose to accept or decline")],
        invalid="Choose to accept or decline",
    )
    reason = TextAreaField("Reason", [Length(max=500)], filters=[stripped])

    def validate_reason(self, field):
        if self.decision.data == "decline" and not field.data:
            raise ValidationError("Say why you are declining it")


class BarrierProposalForm(FlaskForm):
    title = StringField(
        "What is the barrier?",
        [DataRequired("Say what the barrier is"), Length(max=200)],
        filters=[one_line],
        description="The rule, gap or handoff that stops people getting help, e.g. “Day centre closes at 4”.",
    )
    description = TextAreaField(
        "What you have seen of it",
        [Length(max=MAX_BODY)],
        filters=[stripped],
        description="Where and how often it shows up. Write about the system, not about people. You can use Markdown.",
    )


PROPOSAL_DECISIONS = {
    "accept": "Accept it: it joins the register as a new barrier",
    "merge": "Merge it into a barrier already in the register",
    "decline": "Decline it, with a reason the proposer sees",
}


class ProposalDecisionForm(FlaskForm):
    decision = Radios("What to do with it", [DataRequired("Choose what to do with it")], choices=PROPOSAL_DECISIONS)
    barrier = SelectField("The barrier it is", coerce=int, validate_choice=False)
    reason = TextAreaField("Why it is declined", [Length(max=2000)], filters=[stripped])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.barrier.choices = [(0, "Choose a barrier")] + [
            (b.id, b.title) for b in Barrier.select(Barrier.id, Barrier.title).order_by(Barrier.title)
        ]

    def chosen_barrier(self):
        return Barrier.get_or_none(Barrier.id == self.barrier.data) if self.barrier.data else None

    def validate_barrier(self, field):
        if self.decision.data == "merge" and self.chosen_barrier() is None:
            raise ValidationError("Choose the barrier in the register that it is")

    def validate_reason(self, field):
        if self.decision.data == "decline" and not field.data:
            raise ValidationError("Say why it is declined: the proposer will see it")
