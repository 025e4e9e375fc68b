"""People, organisations and passwords: sign-in, set-password links and their events. No Flask here."""

import hashlib
import hmac
import logging
import re
import secrets
from datetime import timedelta
from functools import cache, reduce
from operator import or_

from markupsafe import escape
from peewee import fn
from werkzeug.security import check_password_hash, generate_password_hash

from . import config, mail, throttle
from .clock import now
from .db import database
from .models import (
    Attachment,
    Event,
    InboundMessage,
    Notification,
    Organisation,
    Outbox,
    PasswordLink,
    PasswordResetRequest,
    Post,
    PostRevision,
    ReadLog,
    Thread,
    User,
)
from .text import slugify
from .tracking import record, rewrite_events

log = logging.getLogger(__name__)


@cache
def _nobody(method):
    """Checked against when nobody has the email given, so a wrong email takes as long as a wrong password."""
    return generate_password_hash("nobody has this password", method=method)


def _stored_hash(person):
    return person.password_hash if person and person.password_hash else _nobody(config.current["PASSWORD_HASH"])


def hash_password(password):
    return generate_password_hash(password, method=config.current["PASSWORD_HASH"])


def needs_rehash(password_hash):
    """Whether a hash was made with other parameters than today's (werkzeug's "method:params$...")."""
    return password_hash.split("$", 1)[0] != _nobody(config.current["PASSWORD_HASH"]).split("$", 1)[0]


def authenticate(email, password, address, device=None):
    """The active person with this email and password, or None; never says which part was wrong. Raises
    throttle.Throttled, whether or not the email belongs to anyone, after too many failures for the account or
    from the network address. `device` is the browser's known device, if it has one (KnownDevice): failures in
    other browsers do not count against a person in a browser they have signed in on before."""
    email = email.strip().lower()
    person = User.with_organisation().where(User.email == email).first()
    if device is not None and person is not None and person.id in device.people:
        account = (throttle.KNOWN_DEVICE, "%s:%s" % (device.nonce, email))
    else:
        account = (throttle.ACCOUNT, email)
    keys = [account, (throttle.ADDRESS, address)]
    throttle.check(keys)
    good = check_password_hash(_stored_hash(person), password)
    if not good or not person.active:
        throttle.count(keys)
        log.warning("sign-in failed")
        return None
    with database.atomic():
        throttle.clear(keys)
        changes = {"last_seen": now()}
        if needs_rehash(person.password_hash):
            changes["password_hash"] = hash_password(password)
        User.update(changes).where(User.id == person.id).execute()
    log.info("sign-in: person %d", person.id)
    return person


def end_sessions(person):
    """Sign the person out everywhere: every session carries the version it was made with."""
    User.update(session_version=User.session_version + 1).where(User.id == person.id).execute()


def draft_key(person):
    """The key this person's unsent drafts are kept under in the browser: the same in every session of theirs,
    and one nobody else can work out (it is signed with the app's secret)."""
    secret = config.current["SECRET_KEY"].encode()
    return hmac.new(secret, b"drafts:%d" % person.id, hashlib.sha256).hexdigest()


def save_organisation(form_data, actor, organisation=None):
    with database.atomic():
        if organisation is None:
            organisation = Organisation.create(**form_data)
            record("organisation_added", actor, organisation=organisation.id, name=organisation.name)
        else:
            before = {k: getattr(organisation, k) for k in form_data}
            Organisation.update(**form_data).where(Organisation.id == organisation.id).execute()
            record("organisation_edited", actor, organisation=organisation.id, before=before, after=form_data)
    return organisation


def save_person(form_data, actor, person=None):
    with database.atomic():
        if person is None:
            person = User.create(**form_data)
            record("person_added", actor, person=person.id, **form_data)
        else:
            before = {k: getattr(person, k if k != "organisation" else "organisation_id") for k in form_data}
            User.update(**form_data).where(User.id == person.id).execute()
            if person.active and not form_data.get("active", True):
                end_sessions(person)
            record("person_edited", actor, person=person.id, before=before, after=form_data)
    return person


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def send_password_link(person, actor, hours, template="invitation"):
    """Make a new one-time link for `person` to set a password, and e-mail it (template "invitation" or
    "reset"); earlier unused links stop working. Returns the link."""
    token = secrets.token_urlsafe(32)
    url = mail.link("/set-password/" + token)
    moment = now()
    with database.atomic():
        PasswordLink.update(used_at=moment).where(
            (PasswordLink.user == person.id) & PasswordLink.used_at.is_null()
        ).execute()
        PasswordLink.create(
            user=person, token_hash=_digest(token), created=moment, expires=moment + timedelta(hours=hours)
        )
        record("password_link_created", actor, person=person.id, purpose=template)
        subject = "Set your password for the partner portal" if template == "invitation" else "Reset your password"
        mail.queue(person.email, subject, template, person=person, url=url, hours=hours)
    return url


def request_password_reset(email, address):
    """Ask for a reset link for `email`, throttled per email and per network address (throttle.Throttled). The
    same work whether or not anyone has the address, so the answer's timing tells nothing: the e-mail worker
    makes and sends the link (send_requested_resets)."""
    keys = [(throttle.RESET_EMAIL, email.strip().lower()), (throttle.RESET_ADDRESS, address)]
    throttle.check(keys)
    with database.atomic():
        throttle.count(keys)
        PasswordResetRequest.create(email=email.strip().lower())


def send_requested_resets(hours):
    """E-mail a reset link for each request whose address an active person has; forget every request."""
    for request in PasswordResetRequest.select().order_by(PasswordResetRequest.id):
        with database.atomic():
            if not PasswordResetRequest.delete().where(PasswordResetRequest.id == request.id).execute():
                continue  # another worker took it
            person = User.get_or_none((User.email == request.email) & (User.active == True))
            if person:
                send_password_link(person, None, hours, template="reset")


def find_password_link(token):
    """The unused, unexpired link for this token, with its person, or None."""
    return (
        PasswordLink.select(PasswordLink, User)
        .join(User)
        .where(
            (PasswordLink.token_hash == _digest(token))
            & PasswordLink.used_at.is_null()
            & (PasswordLink.expires > now())
            & (User.active == True)
        )
        .first()
    )


def use_password_link(link, password):
    """Set the password and spend the link; False if someone spent it first."""
    with database.atomic():
        spent = (
            PasswordLink.update(used_at=now())
            .where((PasswordLink.id == link.id) & PasswordLink.used_at.is_null())
            .execute()
        )
        if not spent:
            return False
        User.update(password_hash=hash_password(password), session_version=User.session_version + 1).where(
            User.id == link.user_id
        ).execute()
        record("password_set", link.user, person=link.user_id)
    return True


def change_password(person, current, new):
    """Change a password after checking the current one; False if it was wrong."""
    if not check_password_hash(person.password_hash, current):
        return False
    with database.atomic():
        User.update(password_hash=hash_password(new), session_version=User.session_version + 1).where(
            User.id == person.id
        ).execute()
        record("password_changed", person, person=person.id)
    return True


def save_email_preferences(person, frequency, hour):
    with database.atomic():
        User.update(email_frequency=frequency, digest_hour=hour).where(User.id == person.id).execute()
        record("email_preferences_changed", person, person=person.id, frequency=frequency, hour=hour)


CONTACT_DETAILS = ("job_title", "work_phone", "show_email", "show_phone")


def save_contact_details(person, details):
    """The person's own work contact details (CONTACT_DETAILS), with an event saying what they were before."""
    with database.atomic():
        before = {key: getattr(person, key) for key in CONTACT_DETAILS}
        User.update(**details).where(User.id == person.id).execute()
        record("contact_details_changed", person, person=person.id, before=before, after=details)


REMOVED = "(removed: former member)"  # what stands in the audit log and the outbox for a leaver's name or address


def _names_and_addresses(person):
    """Every name, e-mail address and work phone the person has had here: their own, and what their account's
    events say."""
    held = {person.name, person.email, person.work_phone}
    actions = ("person_added", "person_edited", "contact_details_changed")
    for event in Event.select(Event.data).where(Event.action.in_(actions)):
        if event.data.get("person") == person.id:
            for said in (event.data, event.data.get("before") or {}, event.data.get("after") or {}):
                held.update(str(said[key]) for key in ("name", "email", "work_phone") if said.get(key))
    return {value for value in held if value.strip()}


def _mentions_of(values):
    """What may stand for the person in stored text: each name and address, as written, as HTML writes it, and
    each name's @mention."""
    return {form for value in values for form in (value, str(escape(value)))} | {
        "@" + slugify(value) for value in values if "@" not in value and slugify(value)
    }


def _scrub_outbox(addresses, mentions, pattern):
    """E-mails to the person go, sent or not (with any set-password link in them). Other people's e-mails that
    name them: sent ones go (they are only a copy of what was delivered), unsent and failed ones are scrubbed so
    that the news still reaches whoever they are for."""
    Outbox.delete().where(fn.LOWER(Outbox.to_address).in_([address.lower() for address in addresses])).execute()
    naming = reduce(
        or_, [column.contains(text) for text in mentions for column in (Outbox.subject, Outbox.text, Outbox.html)]
    )
    for message in Outbox.select(Outbox.id, Outbox.subject, Outbox.text, Outbox.html, Outbox.sent_at).where(naming):
        scrubbed = {column: pattern.sub(REMOVED, getattr(message, column)) for column in ("subject", "text", "html")}
        if all(scrubbed[column] == getattr(message, column) for column in scrubbed):
            continue  # only like the name (LIKE matches inside other words): not about them
        if message.sent_at:
            Outbox.delete().where(Outbox.id == message.id).execute()
        else:
            Outbox.update(scrubbed).where(Outbox.id == message.id).execute()


def anonymise(person, actor):
    """For someone who has left: name and e-mail replaced, signed out for good; their posts stay, attributed to
    a former member of their organisation. Their names and addresses go from the audit log's stored data (the
    events stay) and from the outbox, in the same transaction."""
    organisation = Organisation.get_by_id(person.organisation_id)
    with database.atomic():
        held = _names_and_addresses(person)
        mentions = _mentions_of(held)
        # longest first, so that a name inside a longer mention is not replaced on its own
        alternatives = "|".join(re.escape(text) for text in sorted(mentions, key=len, reverse=True))
        pattern = re.compile(r"(?<![\w@.-])(?:%s)(?![\w-])" % alternatives, re.IGNORECASE)
        User.update(
            name="Former member of %s" % organisation.name,
            email="former-member-%d@invalid.example" % person.id,
            password_hash="",
            active=False,
            job_title="",
            work_phone="",
            show_email=False,
            session_version=User.session_version + 1,
        ).where(User.id == person.id).execute()
        PasswordLink.delete().where(PasswordLink.user == person.id).execute()
        rewrite_events(mentions, pattern, REMOVED)
        _scrub_outbox({value for value in held if "@" in value}, mentions, pattern)
        record("person_anonymised", actor, person=person.id)


def subject_access(person):
    """Everything the portal holds about a person, as plain data (for the export)."""

    def rows(query):
        return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()} for row in query.dicts()]

    return {
        "profile": rows(User.select().where(User.id == person.id))[0] | {"password_hash": "(not exported)"},
        "posts": rows(
            Post.select(Post.id, Post.thread, Thread.title.alias("thread_title"), Post.body, Post.created, Post.edited)
            .join(Thread)
            .where(Post.author == person.id)
        ),
        "revisions": rows(PostRevision.select().where(PostRevision.editor == person.id)),
        "attachments": rows(
            Attachment.select(
                Attachment.id,
                Attachment.post,
                Attachment.name,
                Attachment.content_type,
                Attachment.size,
                Attachment.created,
                Attachment.removed_at,
                Attachment.removed_reason,
            ).where(Attachment.uploader == person.id)
        ),
        "events": rows(Event.select().where(Event.actor == person.id)),
        "notifications": rows(Notification.select().where(Notification.user == person.id)),
        "restricted_threads_opened": rows(ReadLog.select().where(ReadLog.user == person.id)),
        "email_replies_received": rows(InboundMessage.select().where(InboundMessage.user == person.id)),
    }
