"""The steward's moderation: pin, lock, hide, move, split, merge and link. No Flask here.

Each change is one transaction with its events in the timelines concerned. Posts never leave a thread whose
audience is wider than the one they were written for.
"""

import re

from peewee import fn

from . import notify, rules, search
from .clock import now
from .db import database
from .lists.pages import visible_threads
from .models import REQUEST_KINDS, Event, Outbox, Post, PostRevision, Thread, ThreadAddressee, ThreadLink
from .tracking import (
    Conflict,
    create_thread,
    lock_changed,
    post_html,
    record,
    recount,
    refresh_waiting,
    rewrite_events,
    touch,
)


def set_flag(thread, actor, flag, value):
    """Pin or lock (flag "pinned" or "locked") a thread, or undo it."""
    with database.atomic():
        if (
            not Thread.update({flag: value})
            .where((Thread.id == thread.id) & (getattr(Thread, flag) != value))
            .execute()
        ):
            return False
        if flag == "locked":
            lock_changed(thread, value)
        touch(thread)
        record("%s_%s" % ("pinned" if flag == "pinned" else "locked", "on" if value else "off"), actor, thread)
    return True


def hide_post(post, actor, reason):
    with database.atomic():
        updated = (
            Post.update(hidden=True, hidden_reason=reason)
            .where((Post.id == post.id) & (Post.hidden == False))
            .execute()
        )
        if not updated:
            raise Conflict("This post is already hidden.")
        search.remove_post(post)
        touch(post.thread)
        record("post_hidden", actor, post.thread_id, post=post.id, reason=reason)


def unhide_post(post, actor):
    with database.atomic():
        if not Post.update(hidden=False, hidden_reason=None).where((Post.id == post.id) & Post.hidden).execute():
            raise Conflict("This post is not hidden.")
        search.index_post(post)
        touch(post.thread)
        record("post_unhidden", actor, post.thread_id, post=post.id)


def _redaction(reason, spans):
    """The placeholder for `reason`, and a function that puts it in place of each of `spans` in a text (in one
    pass, the longest first, so that a span inside another goes with it and none is looked for in a placeholder)."""
    placeholder = "[redacted by the steward: %s]" % reason
    spans = sorted(set(spans), key=len, reverse=True)
    every_span = re.compile("|".join(map(re.escape, spans))) if spans else None
    return placeholder, every_span


def _redact_unsent_mail(spans, placeholder):
    for span in spans:
        for column in (Outbox.subject, Outbox.text, Outbox.html):
            Outbox.update({column: fn.REPLACE(column, span, placeholder)}).where(Outbox.sent_at.is_null()).execute()


def redact(post, actor, reason, spans=()):
    """Remove text for good: each of `spans` wherever it appears in the post and its earlier versions (or the
    whole post, without spans), from the search index and from e-mails not sent yet; the event keeps who, when and
    why, not the text."""
    placeholder, every_span = _redaction(reason, spans)

    def without_spans(text):
        return every_span.sub(placeholder, text) if spans else placeholder

    with database.atomic():
        fresh = Post.get_by_id(post.id)
        # text an edit took out is still in the post's history, which everyone who sees the post may read
        if any(not fresh.versions_hold(span) for span in spans):
            raise Conflict("That text is not in the post or its earlier versions (it may have been redacted already).")
        new_body = without_spans(fresh.body)
        Post.update(body=new_body, body_html=post_html(new_body)).where(Post.id == post.id).execute()
        for revision in PostRevision.select().where(PostRevision.post == post.id):
            PostRevision.update(body=without_spans(revision.body)).where(PostRevision.id == revision.id).execute()
        _redact_unsent_mail(spans, placeholder)
        search.index_post(post)
        search.forget_removed()
        touch(fresh.thread)
        record("post_redacted", actor, post.thread_id, post=post.id, reason=reason, whole=not spans)


TITLE_EVENTS = ("thread_started", "title_changed")


def titles_kept(data):
    """The titles an event of TITLE_EVENTS keeps (started as, changed from and to), which the thread's timeline
    shows to everyone who may see the thread."""
    return [data[key] for key in ("title", "before", "after") if isinstance(data.get(key), str)]


def titles_of(thread):
    """Every title the thread has had: its own, and the ones its events keep."""
    titles = [Thread.select(Thread.title).where(Thread.id == thread.id).scalar()]
    for (data,) in (
        Event.select(Event.data).where((Event.thread == thread.id) & Event.action.in_(TITLE_EVENTS)).tuples()
    ):
        titles += titles_kept(data)
    return titles


def redact_title(thread, actor, reason, spans):
    """Remove each of `spans` for good from the thread's title and every title it had, wherever the audit log's
    events keep one (its own timeline, and other threads' that name it), the search index and e-mails not sent."""
    placeholder, every_span = _redaction(reason, spans)
    with database.atomic():
        titles = titles_of(thread)
        if not spans or any(not any(span in title for title in titles) for span in spans):
            raise Conflict("That text is not in the title or its earlier versions (it may have been redacted already).")
        thread.title = every_span.sub(placeholder, titles[0])  # titles_of gives the present title first
        Thread.update(title=thread.title).where(Thread.id == thread.id).execute()
        rewrite_events(spans, every_span, placeholder)
        _redact_unsent_mail(spans, placeholder)
        search.reindex_thread(thread)
        touch(thread)
        record("title_redacted", actor, thread, reason=reason)


def audience(thread):
    """The organisations that may see a restricted thread (None: everyone)."""
    if thread.visibility != "restricted":
        return None
    return {thread.organisation_id} | thread.addressed_ids()


def may_carry(source, target):
    """Whether posts written in `source` may go to `target` without reaching anyone who could not see them."""
    before, after = audience(source), audience(target)
    return before is None or (after is not None and after <= before)


def _first_post_id(thread):
    return Post.select(fn.MIN(Post.id)).where(Post.thread == thread.id).scalar()


def move_post(post, target, actor):
    """Move a reply (not a thread's opening post) into another thread."""
    source = Thread.get_by_id(post.thread_id)
    if target.id == source.id:
        raise Conflict("The reply is already in this thread.")
    if target.merged_into_id:
        raise Conflict("That thread was merged into another one.")
    if post.id == _first_post_id(source):
        raise Conflict("This is the post that starts the thread: merge the thread instead.")
    if not rules.can_see_thread(post.author, target) or not may_carry(source, target):
        raise Conflict("That thread is not visible to everyone who could see this reply, so it cannot go there.")
    with database.atomic():
        Post.update(thread=target.id).where(Post.id == post.id).execute()
        search.index_post(post)
        recount(source, target, moment=now())
        record("post_moved_out", actor, source, post=post.id, to=target.id, title=target.title)
        record("post_moved_in", actor, target, post=post.id, source=source.id, title=source.title)
        notify.post_moved(post, target, actor)


def split_post(post, actor, kind, title):
    """Start a new thread of `kind` from a reply; a need or question goes to the source thread's addressees
    (or, failing those, to the source thread's organisation)."""
    source = Thread.get_by_id(post.thread_id)
    if post.id == _first_post_id(source):
        raise Conflict("This post already starts its thread.")
    before = audience(source)
    if before is not None and post.organisation_id not in before:
        # the new thread would belong to an organisation that cannot see where the reply was written
        raise Conflict("This reply’s organisation cannot see this restricted thread, so it cannot start a thread.")
    moment = now()
    with database.atomic():
        addressed = sorted(source.addressed_ids() - {post.organisation_id}) or [source.organisation_id]
        thread = create_thread(
            post.author_id,
            post.organisation_id,
            kind,
            title,
            source.visibility,
            post.created,
            moment,
            addressed if kind in REQUEST_KINDS else (),
        )
        Post.update(thread=thread.id).where(Post.id == post.id).execute()
        search.index_post(post)
        recount(source, moment=moment)
        record("split_out", actor, source, post=post.id, to=thread.id, title=title)
        record("split_in", actor, thread, post=post.id, source=source.id, title=source.title, kind=kind)
    return thread


def merge_refusal(source, target):
    """Why `source` cannot be merged into `target`, or None when it can."""
    if source.id == target.id:
        return "A thread cannot be merged into itself."
    if target.merged_into_id:
        return "That thread was itself merged into another one."
    if not may_carry(source, target):
        return "That thread is seen by organisations that cannot see this one, so they cannot be merged."
    after = audience(target)
    if after is not None and not source.addressed_ids() <= after:
        # its addressees would join the restricted thread and see all of it
        return "This thread is addressed to organisations that cannot see that restricted thread."
    return None


def merge(source, target, actor):
    """Move every post and event of `source` into `target`, in time order; `source` then redirects there."""
    refusal = merge_refusal(source, target)
    if refusal:
        raise Conflict(refusal)
    followers = notify.participants(source)  # before the posts move away
    with database.atomic():
        if Thread.select(Thread.merged_into).where(Thread.id == source.id).scalar():
            raise Conflict("This thread was already merged.")
        Post.update(thread=target.id).where(Post.thread == source.id).execute()
        search.reindex_thread(target)
        Event.update(thread=target.id).where(Event.thread == source.id).execute()
        taken = set(target.addressed_ids())
        for addressee in source.addressees:
            if addressee.organisation_id not in taken:
                ThreadAddressee.update(thread=target.id).where(ThreadAddressee.id == addressee.id).execute()
        ThreadLink.delete().where((ThreadLink.first == source.id) | (ThreadLink.second == source.id)).execute()
        Thread.update(
            merged_into=target.id,
            status=None if source.status is None else "closed",
            close_reason="duplicate",
        ).where(Thread.id == source.id).execute()
        recount(target, moment=now())
        recount(source)
        refresh_waiting(target)
        refresh_waiting(source)
        record("merged_in", actor, target, source=source.id, title=source.title)
        record("merged_away", actor, source, to=target.id, title=target.title)
        notify.merged(source, target, actor, followers)


def link(thread, other, actor):
    if thread.id == other.id:
        raise Conflict("A thread cannot be linked to itself.")
    first, second = sorted((thread.id, other.id))
    with database.atomic():
        if ThreadLink.select().where((ThreadLink.first == first) & (ThreadLink.second == second)).exists():
            raise Conflict("These threads are already linked.")
        ThreadLink.create(first=first, second=second, created=now())
        record("linked", actor, thread, other=other.id, title=other.title)
        record("linked", actor, other, other=thread.id, title=thread.title)


def unlink(thread, other, actor):
    first, second = sorted((thread.id, other.id))
    with database.atomic():
        if not ThreadLink.delete().where((ThreadLink.first == first) & (ThreadLink.second == second)).execute():
            raise Conflict("These threads are not linked.")
        record("unlinked", actor, thread, other=other.id, title=other.title)
        record("unlinked", actor, other, other=thread.id, title=thread.title)


def linked_threads(thread, user):
    """The threads linked to this one that `user` may see."""
    ids = (
        ThreadLink.select(ThreadLink.second)
        .where(ThreadLink.first == thread.id)
        .union(ThreadLink.select(ThreadLink.first).where(ThreadLink.second == thread.id))
    )
    return visible_threads(user).where(Thread.id.in_(ids)).order_by(Thread.created)
