"""People, organisations and passwords: sign-in, set-password links and their events. No Flask here."""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from peewee import fn
from werkzeug.security import check_password_hash, generate_password_hash

from . import config, mail
from .clock import now
from .db import database
from .models import (
    Event,
    InboundMessage,
    Notification,
    Organisation,
    PasswordLink,
    Post,
    PostRevision,
    ReadLog,
    SignInThrottle,
    Thread,
    User,
)
from .tracking import record

# Checked against when nobody has the email given, so a wrong email takes as long as a wrong password.
_NOBODY = generate_password_hash("nobody has this password")
_CURRENT_METHOD = _NOBODY.split("$", 1)[0]
log = logging.getLogger(__name__)


def hash_password(password):
    return generate_password_hash(password)  # scrypt, werkzeug's current default


FREE_TRIES = 5  # failed sign-ins before each further try must wait
MAX_WAIT = timedelta(hours=1)
FORGET_AFTER = timedelta(hours=24)


class Throttled(Exception):
    """Too many failed sign-ins for this email address or from this network address."""

    def __init__(self, until):
        super().__init__(until)
        self.until = until


def _throttle_keys(email, address):
    # stored as hashes: the throttle needs to recognise an address, not to keep it
    return [hashlib.sha256(("%s:%s" % pair).encode()).hexdigest() for pair in (("email", email), ("ip", address))]


def _wait(failures):
    """No wait for the first tries, then 1, 2, 4 ... minutes, at most an hour."""
    return min(timedelta(minutes=2 ** (failures - FREE_TRIES)), MAX_WAIT) if failures >= FREE_TRIES else None


def _record_failure(keys):
    moment = now()
    with database.atomic():
        for key in keys:
            row = SignInThrottle.get_or_none(SignInThrottle.key == key)
            failures = 1 if row is None or row.last_failure < moment - FORGET_AFTER else row.failures + 1
            wait = _wait(failures)
            (
                SignInThrottle.insert(
                    key=key, failures=failures, last_failure=moment, blocked_until=moment + wait if wait else None
                )
                .on_conflict(
                    conflict_target=[SignInThrottle.key],
                    update={
                        SignInThrottle.failures: failures,
                        SignInThrottle.last_failure: moment,
                        SignInThrottle.blocked_until: moment + wait if wait else None,
                    },
                )
                .execute()
            )


def needs_rehash(password_hash):
    """Whether a hash was made with other parameters than today's default (werkzeug's "method:params$...")."""
    return password_hash.split("$", 1)[0] != _CURRENT_METHOD


def authenticate(email, password, address):
    """The active person with this email and password, or None; never says which part was wrong. Raises
    Throttled, whether or not the address belongs to anyone, after too many failures."""
    email = email.strip().lower()
    keys = _throttle_keys(email, address)
    blocked = SignInThrottle.select(fn.MAX(SignInThrottle.blocked_until)).where(SignInThrottle.key.in_(keys)).scalar()
    if blocked and blocked > now():
        raise Throttled(blocked)
    person = User.with_organisation().where(User.email == email).first()
    good = check_password_hash(person.password_hash if person and person.password_hash else _NOBODY, password)
    if not good or not person.active:
        _record_failure(keys)
        log.warning("sign-in failed")
        return None
    with database.atomic():
        SignInThrottle.delete().where(SignInThrottle.key == keys[0]).execute()
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


def request_password_reset(email, hours):
    """E-mail a reset link if an active person has this address; say nothing either way."""
    person = User.get_or_none((User.email == email.strip().lower()) & (User.active == True))
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


def anonymise(person, actor):
    """For someone who has left: name and e-mail replaced, signed out for good; their posts stay, attributed to
    a former member of their organisation."""
    organisation = Organisation.get_by_id(person.organisation_id)
    with database.atomic():
        User.update(
            name="Former member of %s" % organisation.name,
            email="former-member-%d@invalid.example" % person.id,
            password_hash="",
            active=False,
            session_version=User.session_version + 1,
        ).where(User.id == person.id).execute()
        PasswordLink.delete().where(PasswordLink.user == person.id).execute()
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
        "events": rows(Event.select().where(Event.actor == person.id)),
        "notifications": rows(Notification.select().where(Notification.user == person.id)),
        "restricted_threads_opened": rows(ReadLog.select().where(ReadLog.user == person.id)),
        "email_replies_received": rows(InboundMessage.select().where(InboundMessage.user == person.id)),
    }
