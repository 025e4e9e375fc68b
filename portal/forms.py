"""The WTForms classes, one per form."""

import gzip
from functools import cache
from pathlib import Path

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
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

from . import guard
from .models import (
    BARRIER_STATUSES,
    EMAIL_FREQUENCIES,
    ORG_KINDS,
    ROLES,
    THREAD_KINDS,
    VISIBILITIES,
    Organisation,
    Theme,
    User,
)
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


class GuardedText:
    """Forms whose text goes through the personal-data guard: held until changed or confirmed as needed."""

    confirm_personal = BooleanField("I have checked: these details are needed here, and I may share them")
    personal_data = ()

    def validate_body(self, field):
        self.personal_data = guard.findings(field.data or "")
        if self.personal_data and not self.confirm_personal.data:
            raise ValidationError(
                "This looks like %s. Use initials or your case reference instead, or tick the box below if the "
                "details are needed." % guard.describe(self.personal_data)
            )


class ThreadForm(GuardedText, FlaskForm):
    kind = Radios(
        "What are you posting?",
        choices=THREAD_KINDS,
        default="update",
        validators=[InputRequired("Choose update, need or question")],
        invalid="Choose update, need or question",
    )
    title = StringField(
        "Title",
        [DataRequired("Give it a title"), Length(max=200, message="Keep the title under 200 characters")],
        filters=[one_line],
    )
    body = body_field("Message")
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.addressed_to.choices = {o.id: o.name for o in Organisation.by_name().where(Organisation.active == True)}

    def validate_addressed_to(self, field):
        if self.kind.data in ("need", "question") and not field.data:
            raise ValidationError("Choose at least one organisation to address this %s to" % self.kind.data)


class ReplyForm(GuardedText, FlaskForm):
    body = body_field("Your reply")


class EditPostForm(GuardedText, FlaskForm):
    body = body_field("Message")


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

    def _unique(self, column, field, message):
        taken = Organisation.select().where(column == field.data)
        if self.organisation:
            taken = taken.where(Organisation.id != self.organisation.id)
        if taken.exists():
            raise ValidationError(message)


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
