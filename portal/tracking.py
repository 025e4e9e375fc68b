"""How a thread moves: posting, replying, editing and status changes, each with its events.

Every function makes its change in one transaction. No Flask here.
"""

from peewee import fn

from .clock import now
from .db import database
from .models import LIVE_STATUSES, Event, Post, PostRevision, Thread, ThreadAddressee
from .text import render_markdown


class Conflict(Exception):
    """The thread changed meanwhile, so the action no longer applies."""


def record(action, actor, thread=None, **data):
    return Event.create(action=action, actor=actor, thread=thread, data=data, created=now())


def start_thread(author, kind, title, body, addressed_ids=(), visibility="all"):
    moment = now()
    with database.atomic():
        thread = Thread.create(
            kind=kind,
            title=title,
            author=author,
            organisation=author.organisation_id,
            status="open" if kind in ("need", "question") else None,
            visibility=visibility,
            created=moment,
            last_activity=moment,
            post_count=1,
        )
        for organisation_id in sorted(set(addressed_ids)):
            ThreadAddressee.create(thread=thread, organisation=organisation_id, added=moment)
        Post.create(
            thread=thread,
            author=author,
            organisation=author.organisation_id,
            body=body,
            body_html=render_markdown(body),
            created=moment,
        )
        record(
            "thread_started",
            author,
            thread,
            kind=kind,
            title=title,
            visibility=visibility,
            addressed=sorted(set(addressed_ids)),
        )
    return thread


def reply(thread, author, body):
    """Add a reply; the first reply from an addressed organisation answers an open request."""
    moment = now()
    with database.atomic():
        post = Post.create(
            thread=thread,
            author=author,
            organisation=author.organisation_id,
            body=body,
            body_html=render_markdown(body),
            created=moment,
        )
        record("replied", author, thread, post=post.id)
        first_from_addressee = (
            ThreadAddressee.update(replied_at=moment)
            .where(
                (ThreadAddressee.thread == thread.id)
                & (ThreadAddressee.organisation == author.organisation_id)
                & ThreadAddressee.replied_at.is_null()
            )
            .execute()
        )
        Thread.update(last_activity=moment, post_count=Thread.post_count + 1).where(Thread.id == thread.id).execute()
        if first_from_addressee:
            answered = (
                Thread.update(status="answered", first_response_at=fn.COALESCE(Thread.first_response_at, moment))
                .where((Thread.id == thread.id) & (Thread.status == "open"))
                .execute()
            )
            if answered:
                record("status_changed", author, thread, before="open", after="answered", post=post.id)
    return post


def edit_post(post, editor, body):
    """Change a post's text, keeping the previous text as a revision."""
    if body == post.body:
        return post
    moment = now()
    with database.atomic():
        PostRevision.create(post=post, body=post.body, editor=editor, created=moment)
        post.body = body
        post.body_html = render_markdown(body)
        post.edited = moment
        post.save()
        record("post_edited", editor, post.thread_id, post=post.id)
    return post


def resolve(thread, actor):
    _change_status(thread, actor, LIVE_STATUSES, "resolved", resolved_at=now())


def reopen(thread, actor):
    replied = ThreadAddressee.select().where(
        (ThreadAddressee.thread == thread.id) & ThreadAddressee.replied_at.is_null(False)
    )
    _change_status(thread, actor, ("resolved", "closed"), "answered" if replied.exists() else "open", resolved_at=None)


def _change_status(thread, actor, allowed_from, to, **changes):
    """Move the thread to `to` only if it is still in one of `allowed_from`; otherwise Conflict."""
    with database.atomic():
        before = Thread.select(Thread.status).where(Thread.id == thread.id).scalar()
        updated = (
            Thread.update(status=to, last_activity=now(), **changes)
            .where((Thread.id == thread.id) & Thread.status.in_(allowed_from))
            .execute()
        )
        if not updated:
            raise Conflict("This request is already %s." % before)
        record("status_changed", actor, thread, before=before, after=to)
    thread.status = to
