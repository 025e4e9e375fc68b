"""E-mails: composed here and written to the outbox in the caller's transaction; the worker sends them.

No Flask here: links are made from the BASE_URL setting, and the texts from templates/mail.
No client's personal data goes into an e-mail: only thread titles, names of staff and organisations, and links.
"""

import hashlib
import hmac
import logging
import re

from jinja2 import Environment, FileSystemLoader, select_autoescape

from . import config
from .clock import in_london, now
from .models import Outbox

_templates = Environment(
    loader=FileSystemLoader(str(config.ROOT / "templates" / "mail")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

SUBJECTS = {
    "rule_changed": "The rule cited has changed: {title}",
    "addressed": "{org} is asked: {title}",
    "new_thread": "New from {from_org}: {title}",
    "reply": "New reply: {title}",
    "answered": "Your request is answered: {title}",
    "resolved": "Request resolved: {title}",
    "closed": "Request closed: {title}",
    "reopened": "Request reopened: {title}",
    "mentioned": "{actor} mentioned you: {title}",
    "merged": "A thread you follow was merged into: {title}",
    "moved": "Your reply was moved to: {title}",
    "follow_up_due": "Follow-up due today: {title}",
    "checkin_due": "Your organisation’s monthly check-in is due",
    "details_kept": "Details that identify someone were kept: please review",
}


SUMMARIES = {
    "rule_changed": "{actor} changed the rule of {where}, cited in {title}.",
    "addressed": "{actor} asked {org}: {title}.",
    "new_thread": "{actor} started {title}.",
    "reply": "{actor} replied in {title}.",
    "answered": "{actor} answered your organisation’s request {title}.",
    "resolved": "{actor} marked your organisation’s request {title} as resolved.",
    "closed": "{actor} closed your organisation’s request {title}.",
    "reopened": "{actor} reopened your organisation’s request {title}.",
    "mentioned": "{actor} mentioned you in {title}.",
    "merged": "{actor} merged “{source}”, which you follow, into {title}.",
    "moved": "{actor} moved your reply to {title}.",
    "follow_up_due": "The follow-up date for {title} is today or has passed.",
    "checkin_due": "{actor} reminds {org} that this month’s check-in is due: what is happening, what is working, "
    "what is getting in the way and what you need.",
    "details_kept": "{actor} kept {details} in {where}, which identifies someone outright. Their reason: “{reason}”.",
}
# Where a notice leads, when not to its thread.
PATHS = {"details_kept": "/guard/overrides"}


def link(path):
    return config.current["BASE_URL"].rstrip("/") + path


def queue(to_address, subject, template, reply_to=None, **context):
    """Write one e-mail (plain text and HTML from templates/mail/<template>.txt and .html) to the outbox."""
    context.update(link=link, preferences=link("/account#email"))
    return Outbox.create(
        to_address=to_address,
        reply_to=reply_to,
        subject=" ".join(subject.split())[:300],
        text=_templates.get_template(template + ".txt").render(**context),
        html=_templates.get_template(template + ".html").render(**context),
        created=now(),
        send_after=now(),
    )


def summary(notice):
    """One sentence saying what happened, for the notifications page and the e-mail alike."""
    actor = notice.actor.name if notice.actor else "The portal"
    title = "“%s”" % notice.thread.title if notice.thread else ""
    data = {name: notice.data.get(name, "") for name in ("source", "details", "where", "reason")}
    return SUMMARIES[notice.kind].format(actor=actor, title=title, org=notice.user.organisation.name, **data)


def notice_path(notice):
    """Where a notice leads in the portal: its own page, its thread, or the notifications page."""
    if notice.kind in PATHS:
        return PATHS[notice.kind]
    return "/threads/%d" % notice.thread_id if notice.thread_id else "/notifications"


def subject_for(notice):
    thread = notice.thread
    return SUBJECTS[notice.kind].format(
        title=thread.title if thread else "",
        org=notice.user.organisation.name,
        from_org=thread.organisation.name if thread else "",
        actor=notice.actor.name if notice.actor else "The portal",
    )


def queue_notifications(notices):
    """E-mail at once the notices of people who asked for e-mail as it happens."""
    for notice in notices:
        if notice.user.email_frequency == "immediate":
            subject = subject_for(notice)
            reply_to = reply_address(notice.user.id, notice.thread.id) if notice.thread else None
            queue(
                notice.user.email,
                subject,
                "notification",
                reply_to=reply_to,
                person=notice.user,
                notice=notice,
                summary=summary(notice),
                path=notice_path(notice),
            )


def queue_digest(person, notices, follow_ups, since, reviews=(), today=None):
    """One e-mail with everything since the last digest, and, for stewards, the follow-ups and the learning cycles'
    reviews that are due (those before `today` overdue)."""
    if notices:
        subject = "Partner portal: %d thing%s since %s" % (
            len(notices),
            "" if len(notices) == 1 else "s",
            in_london(since).strftime("%-d %B %H:%M"),
        )
    elif follow_ups:
        subject = "Partner portal: %d follow-up%s due" % (len(follow_ups), "" if len(follow_ups) == 1 else "s")
    else:
        subject = "Partner portal: %d learning cycle review%s due" % (len(reviews), "" if len(reviews) == 1 else "s")
    items = [(summary(notice), link(notice_path(notice))) for notice in notices]
    return queue(
        person.email,
        subject,
        "digest",
        person=person,
        items=items,
        follow_ups=follow_ups,
        reviews=reviews,
        today=today,
    )


def reply_signature(user_id, thread_id, day, key=None):
    """The signature of a reply address, made with `key` (the signing key unless inbound checks an older one)."""
    key = (key or config.current["SECRET_KEY"]).encode()
    return hmac.new(key, b"reply:%d:%d:%d" % (user_id, thread_id, day), hashlib.sha256).hexdigest()[:20]


def reply_address(user_id, thread_id):
    """Where a reply to a notification goes: signed for this person and thread, dated today (see inbound)."""
    day = now().toordinal()
    signature = reply_signature(user_id, thread_id, day)
    return "reply+%d.%d.%d.%s@%s" % (user_id, thread_id, day, signature, config.current["MAIL_DOMAIN"])


REPLY_TOKEN = re.compile(r"(reply\+)[^@\s'\"<>]+", re.IGNORECASE)
# Where reply addresses pass: the SMTP servers' conversations (aiosmtpd) and the SQL that writes the outbox (debug).
LOGGERS_SEEING_REPLY_ADDRESSES = ("mail.log", "peewee")


class HideReplyTokens(logging.Filter):
    """Takes the signed part out of every reply address in a log record: whoever read it could post as the person
    (the person's and thread's ids are logged instead, where they matter)."""

    def filter(self, record):
        message = record.getMessage()
        hidden = REPLY_TOKEN.sub(r"\1(hidden)", message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


_hide_reply_tokens = HideReplyTokens()


def hide_reply_tokens_in_logs():
    for name in LOGGERS_SEEING_REPLY_ADDRESSES:
        logging.getLogger(name).addFilter(_hide_reply_tokens)  # added once however often it is called


def message_id(outbox_id):
    """The same Message-ID for every attempt at one e-mail, so a receiver can drop a repeat."""
    return "<outbox-%d@%s>" % (outbox_id, config.current.get("MAIL_DOMAIN", "portal.invalid"))
