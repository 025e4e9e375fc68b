"""Retention: what the portal keeps, and for how long. Resolved or closed requests and updates past their time are
deleted with everything hanging off them; their events stay in the audit log with ids only. Sent e-mails are
deleted after RETENTION_SENT_MAIL_DAYS, and an e-mail with a set-password link as soon as the link no longer works.
No Flask here."""

import re
from datetime import timedelta

from . import accounts, attachments, config
from .clock import now
from .db import database
from .models import (
    LIVE_STATUSES,
    REQUEST_KINDS,
    BarrierThread,
    CycleThread,
    Event,
    GuardOverride,
    InboundMessage,
    Notification,
    Outbox,
    Post,
    PostRevision,
    ReadLog,
    Thread,
    ThreadAddressee,
    ThreadLink,
    ThreadRead,
    ThreadTheme,
    Watch,
)

MONTH = timedelta(days=30)
SET_PASSWORD_LINK = re.compile(r"/set-password/([A-Za-z0-9_-]+)")


def due(moment=None):
    """The threads the policy removes at `moment` (now by default), oldest first."""
    moment = moment or now()
    requests_before = moment - config.current["RETENTION_REQUEST_MONTHS"] * MONTH
    updates_before = moment - config.current["RETENTION_UPDATE_MONTHS"] * MONTH
    done_request = (
        Thread.kind.in_(REQUEST_KINDS) & Thread.status.not_in(LIVE_STATUSES) & (Thread.resolved_at < requests_before)
    )
    old_update = (Thread.kind == "update") & (Thread.last_activity < updates_before)
    merged_away = Thread.merged_into.is_null(False) & (Thread.last_activity < updates_before)
    return Thread.select().where(done_request | old_update | merged_away).order_by(Thread.created)


def remove(thread):
    """Delete a thread's content for good; its events keep only the ids of what they were about."""
    with database.atomic():
        posts = Post.select(Post.id).where(Post.thread == thread.id)
        PostRevision.delete().where(PostRevision.post.in_(posts)).execute()
        attachments.delete_for_posts(posts)
        GuardOverride.delete().where((GuardOverride.thread == thread.id) | GuardOverride.post.in_(posts)).execute()
        for model in (
            Notification,
            ReadLog,
            ThreadRead,
            Watch,
            ThreadAddressee,
            ThreadTheme,
            BarrierThread,
            CycleThread,
        ):
            model.delete().where(model.thread == thread.id).execute()
        ThreadLink.delete().where((ThreadLink.first == thread.id) | (ThreadLink.second == thread.id)).execute()
        for event in Event.select(Event.id, Event.data).where(Event.thread == thread.id):
            ids = {key: value for key, value in event.data.items() if isinstance(value, int)}
            Event.update(thread=None, data={**ids, "thread": thread.id, "removed": True}).where(
                Event.id == event.id
            ).execute()
        Post.delete().where(Post.thread == thread.id).execute()
        Thread.update(merged_into=None).where(Thread.merged_into == thread.id).execute()
        Thread.delete().where(Thread.id == thread.id).execute()


def forget_inbound(moment=None):
    """Forget the Message-IDs of e-mail replies after a month: mail servers give up retrying within days."""
    return InboundMessage.delete().where(InboundMessage.received < (moment or now()) - MONTH).execute()


def old_mail(moment=None):
    """The ids of the e-mails sent more than RETENTION_SENT_MAIL_DAYS before `moment`: only a copy of what was
    delivered. Failed ones are not among them: they wait on the steward's outbox page until sent again."""
    before = (moment or now()) - timedelta(days=config.current["RETENTION_SENT_MAIL_DAYS"])
    return [row.id for row in Outbox.select(Outbox.id).where(Outbox.sent_at < before).order_by(Outbox.id)]


def spent_link_mail():
    """The ids of the e-mails, sent or not, whose set-password link no longer works (used, expired or replaced):
    kept, they would only hold a link to a page that says it has expired."""
    holding = Outbox.select(Outbox.id, Outbox.text).where(Outbox.text.contains("/set-password/")).order_by(Outbox.id)
    return [
        message.id
        for message in holding
        if not any(accounts.find_password_link(token) for token in SET_PASSWORD_LINK.findall(message.text))
    ]


def forget_mail(ids):
    return Outbox.delete().where(Outbox.id.in_(ids)).execute() if ids else 0


def apply(moment=None):
    """Remove everything due; returns how many threads went."""
    threads = list(due(moment))
    for thread in threads:
        remove(thread)
    forget_inbound(moment)
    forget_mail(sorted(set(old_mail(moment)) | set(spent_link_mail())))
    return len(threads)
