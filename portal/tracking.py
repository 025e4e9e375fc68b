"""How a request moves: posting, replying, editing, status, owner, follow-up, addressees, notes, and whose
move it is (waiting on), each change with its events.

Every function makes its change in one transaction. No Flask here.

The columns that copy what other rows say are written here and nowhere else (tests/test_schema.py reads the
source to keep it so): a thread's post_count, last_activity and changed_at by create_thread, reply, recount, the
status changes and touch; its waiting_since and its addressees' live flag by refresh_waiting, after the change that
moves a clock (an addressee's waiting_since, the asker's asker_waiting_since) has been made here too.
"""

import json
from dataclasses import dataclass
from functools import reduce
from operator import or_

from peewee import Case, fn

from . import notify, search
from .clock import now
from .db import database
from .models import (
    LIVE_STATUSES,
    REQUEST_KINDS,
    Event,
    Post,
    PostRevision,
    Thread,
    ThreadAddressee,
    User,
)
from .text import render_markdown


class Conflict(Exception):
    """The thread changed meanwhile, so the action no longer applies."""


def post_html(body):
    """A post's sanitised HTML, its mentions linked to the people and organisations they name."""
    return render_markdown(body, notify.mention_paths(body))


def record(action, actor, thread=None, **data):
    return Event.create(action=action, actor=actor, thread=thread, data=data, created=now())


def _replaced(value, pattern, replacement):
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, dict):
        return {key: _replaced(item, pattern, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_replaced(item, pattern, replacement) for item in value]
    return value


def rewrite_events(texts, pattern, replacement):
    """Put `replacement` wherever `pattern` matches in any event's stored data (which holds `texts`): for text
    that must go for good (a leaver's name, a redacted title). The events themselves stay. Returns how many."""
    # the data is stored as JSON, which writes characters beyond ASCII as \u escapes
    stored = [json.dumps(text)[1:-1] for text in texts]
    holding = Event.select(Event.id, Event.data).where(
        reduce(or_, [Event.data.coerce(False).contains(text) for text in stored])
    )
    changed = 0
    for event in holding:
        data = _replaced(event.data, pattern, replacement)
        if data != event.data:
            Event.update(data=data).where(Event.id == event.id).execute()
            changed += 1
    return changed


def touch(thread, **changes):
    """Make `changes` to the thread (if any) and mark it as changed now, so open pages, lists and the board pick the
    change up."""
    Thread.update(changed_at=now(), **changes).where(Thread.id == thread.id).execute()


def create_thread(author, organisation_id, kind, title, visibility, created, moment, addressed_ids=()):
    """A new thread holding one post (for the caller to write or move in), its conversation begun at `moment`, and
    its addressees, each waited on from then. `author` is a person or their id."""
    thread = Thread.create(
        kind=kind,
        title=title,
        author=author,
        organisation=organisation_id,
        status="open" if kind in REQUEST_KINDS else None,
        visibility=visibility,
        created=created,
        last_activity=moment,
        changed_at=moment,
        post_count=1,
        waiting_since=moment if addressed_ids else None,
    )
    for organisation_id in addressed_ids:
        ThreadAddressee.create(thread=thread, organisation=organisation_id, added=moment, waiting_since=moment)
    return thread


def recount(*threads, moment=None):
    """Count each thread's posts again, after posts moved into or out of it. With `moment`, its conversation changed
    then (a reply came or went); without, it is left as it last was (a thread merged away)."""
    for thread in threads:
        changes = {Thread.post_count: Post.select(fn.COUNT(Post.id)).where(Post.thread == thread.id)}
        if moment:
            changes.update({Thread.last_activity: moment, Thread.changed_at: moment})
        Thread.update(changes).where(Thread.id == thread.id).execute()


def start_thread(author, kind, title, body, addressed_ids=(), visibility="all"):
    moment = now()
    addressed_ids = sorted(set(addressed_ids))
    with database.atomic():
        thread = create_thread(author, author.organisation_id, kind, title, visibility, moment, moment, addressed_ids)
        post = Post.create(
            thread=thread,
            author=author,
            organisation=author.organisation_id,
            body=body,
            body_html=post_html(body),
            created=moment,
        )
        search.index_post(post)
        record("thread_started", author, thread, kind=kind, title=title, visibility=visibility, addressed=addressed_ids)
        thread.blind_mentions = notify.thread_started(thread, author, body)
    return thread


def _addressee(thread, organisation_id):
    return (ThreadAddressee.thread == thread.id) & (ThreadAddressee.organisation == organisation_id)


def reply(thread, author, body):
    """Add a reply. A reply from an addressed organisation answers an open request and ends that
    organisation's wait; the asking organisation is then waited on to confirm."""
    moment = now()
    with database.atomic():
        post = Post.create(
            thread=thread,
            author=author,
            organisation=author.organisation_id,
            body=body,
            body_html=post_html(body),
            created=moment,
        )
        search.index_post(post)
        record("replied", author, thread, post=post.id)
        Thread.update(last_activity=moment, changed_at=moment, post_count=Thread.post_count + 1).where(
            Thread.id == thread.id
        ).execute()
        live = Thread.select(Thread.status).where(Thread.id == thread.id).scalar() in LIVE_STATUSES
        answered = live and _move_waits_on_reply(thread, author, moment, post)
        post.blind_mentions = notify.replied(thread, author, post, answered)
    return post


def _move_waits_on_reply(thread, author, moment, post):
    organisation = author.organisation_id
    addressed = ThreadAddressee.get_or_none(_addressee(thread, organisation))
    answered = 0
    if addressed:
        ThreadAddressee.update(waiting_since=None, replied_at=fn.COALESCE(ThreadAddressee.replied_at, moment)).where(
            ThreadAddressee.id == addressed.id
        ).execute()
        Thread.update(asker_waiting_since=fn.COALESCE(Thread.asker_waiting_since, moment)).where(
            Thread.id == thread.id
        ).execute()
        answered = (
            Thread.update(status="answered", first_response_at=fn.COALESCE(Thread.first_response_at, moment))
            .where((Thread.id == thread.id) & (Thread.status == "open"))
            .execute()
        )
        if answered:
            record("status_changed", author, thread, before="open", after="answered", post=post.id)
    refresh_waiting(thread)
    return bool(answered)


def refresh_waiting(thread):
    """Store the earliest wait on the request, for the board's "oldest waiting" order, and whether it is live on
    its addressees, for home's list of the requests addressed to an organisation. A locked request waits on
    nobody: its addressees and its asker keep their places (who is waited on once it is unlocked), not their clocks.
    """
    addressees = ThreadAddressee.select(fn.MIN(ThreadAddressee.waiting_since)).where(
        ThreadAddressee.thread == thread.id
    )
    row = Thread.select(Thread.status, Thread.locked, Thread.asker_waiting_since, Thread.owner_since)
    status, locked, asker, owner = row.where(Thread.id == thread.id).tuples().get()
    live = status in LIVE_STATUSES and not locked
    clocks = [c for c in (addressees.scalar(), asker, owner) if c is not None]
    earliest = min(clocks) if clocks and live else None
    Thread.update(waiting_since=earliest).where(Thread.id == thread.id).execute()
    ThreadAddressee.update(live=live).where(
        (ThreadAddressee.thread == thread.id) & (ThreadAddressee.live != live)
    ).execute()


@dataclass(frozen=True)
class Wait:
    """Someone whose move it is on a request: an addressed organisation, the asker, or the steward."""

    who: str
    since: object
    organisation_id: int | None = None


def lock_changed(thread, locked):
    """After the steward locks or unlocks a request: locking stops its clocks; unlocking starts the clock of
    everyone still waited on again, from the unlock, so no one is counted as keeping the request waiting while
    it was locked. Inside the lock's transaction."""
    if not locked:
        moment = now()
        ThreadAddressee.update(waiting_since=moment).where(
            (ThreadAddressee.thread == thread.id) & ThreadAddressee.waiting_since.is_null(False)
        ).execute()
        Thread.update(
            asker_waiting_since=Case(None, [(Thread.asker_waiting_since.is_null(False), moment)], None),
            owner_since=Case(None, [(Thread.owner.is_null(False), moment)], None),
        ).where(Thread.id == thread.id).execute()
    refresh_waiting(thread)


def waiting_on(thread):
    """Whose move it is, each with when their wait began (nobody's while it is locked). Needs thread.addressees,
    .organisation and .owner."""
    if thread.status not in LIVE_STATUSES or thread.locked:
        return []
    waits = [
        Wait(a.organisation.name, a.waiting_since, a.organisation_id) for a in thread.addressees if a.waiting_since
    ]
    if thread.asker_waiting_since:
        waits.append(Wait(thread.organisation.name, thread.asker_waiting_since, thread.organisation_id))
    if thread.owner_since:
        waits.append(Wait("the steward (%s)" % thread.owner.name, thread.owner_since))
    if not waits:  # nobody left to answer and no answer to confirm: the steward must decide
        waits.append(Wait("the steward", thread.last_activity))
    return sorted(waits, key=lambda wait: wait.since)


def waited_days(since):
    return round((now() - since).total_seconds() / 86400, 1)


def edit_post(post, editor, body):
    """Change a post's text, keeping the previous text as a revision."""
    if body == post.body:
        return post
    moment = now()
    with database.atomic():
        PostRevision.create(post=post, body=post.body, editor=editor, created=moment)
        post.body = body
        post.body_html = post_html(body)
        post.edited = moment
        post.save()
        search.index_post(post)
        record("post_edited", editor, post.thread_id, post=post.id, by_steward=editor.id != post.author_id)
    return post


def retitle(thread, editor, title):
    """Change a thread's title; its event keeps the title before and after, and search finds the new one."""
    with database.atomic():
        before = Thread.select(Thread.title).where(Thread.id == thread.id).scalar()
        if before == title:
            return False
        touch(thread, title=title)
        thread.title = title
        search.reindex_thread(thread)
        record("title_changed", editor, thread, before=before, after=title, by_steward=editor.id != thread.author_id)
    return True


def _end_waits(thread):
    ThreadAddressee.update(waiting_since=None).where(ThreadAddressee.thread == thread.id).execute()


def resolve(thread, actor):
    _change_status(thread, actor, LIVE_STATUSES, "resolved", resolved_at=now(), asker_waiting_since=None)


def close(thread, actor, reason, note=None):
    _change_status(
        thread,
        actor,
        LIVE_STATUSES,
        "closed",
        resolved_at=now(),
        asker_waiting_since=None,
        close_reason=reason,
        close_note=note,
        event_data={"reason": reason, "note": note},
    )


def reopen(thread, actor):
    """Back to open (or answered, if anyone addressed had replied); everyone addressed is waited on again."""
    replied = ThreadAddressee.select().where(
        (ThreadAddressee.thread == thread.id) & ThreadAddressee.replied_at.is_null(False)
    )
    _change_status(
        thread,
        actor,
        ("resolved", "closed"),
        "answered" if replied.exists() else "open",
        resolved_at=None,
        close_reason=None,
        close_note=None,
        reopened=True,
    )


def _change_status(thread, actor, allowed_from, to, event_data=None, reopened=False, **changes):
    """Move the thread to `to` only if it is still in one of `allowed_from`; otherwise Conflict."""
    moment = now()
    with database.atomic():
        before = Thread.select(Thread.status).where(Thread.id == thread.id).scalar()
        updated = (
            Thread.update(status=to, last_activity=moment, changed_at=moment, **changes)
            .where((Thread.id == thread.id) & Thread.status.in_(allowed_from))
            .execute()
        )
        if not updated:
            raise Conflict("This request is already %s." % before)
        if reopened:
            ThreadAddressee.update(waiting_since=moment).where(
                (ThreadAddressee.thread == thread.id) & (ThreadAddressee.not_needed == False)
            ).execute()
            # the owner's clock starts again too, not from when they first took the request on
            Thread.update(owner_since=moment).where((Thread.id == thread.id) & Thread.owner.is_null(False)).execute()
        else:
            _end_waits(thread)
        refresh_waiting(thread)
        record("status_changed", actor, thread, before=before, after=to, **(event_data or {}))
        notify.status_changed(thread, actor, to)
    thread.status = to


def _live(thread):
    """Re-read the thread's status inside the transaction; Conflict if the request is no longer live."""
    status = Thread.select(Thread.status).where(Thread.id == thread.id).scalar()
    if status not in LIVE_STATUSES:
        raise Conflict("This request is already %s." % status)


def set_owner(thread, actor, owner):
    """Give the request an owner (a steward who has taken it on), or none."""
    with database.atomic():
        _live(thread)
        before = Thread.select(Thread.owner).where(Thread.id == thread.id).scalar()
        after = owner.id if owner else None
        if before == after:
            return
        Thread.update(owner=after, owner_since=now() if owner else None).where(Thread.id == thread.id).execute()
        refresh_waiting(thread)
        names = dict(User.select(User.id, User.name).where(User.id.in_([i for i in (before, after) if i])).tuples())
        touch(thread)
        record("owner_changed", actor, thread, before=names.get(before), after=names.get(after))


def set_follow_up(thread, actor, day):
    with database.atomic():
        before = Thread.select(Thread.follow_up_on).where(Thread.id == thread.id).scalar()
        if before == day:
            return
        touch(thread, follow_up_on=day)
        record("follow_up_set", actor, thread, before=before and before.isoformat(), after=day and day.isoformat())


def add_addressee(thread, actor, organisation):
    moment = now()
    with database.atomic():
        _live(thread)
        if ThreadAddressee.select().where(_addressee(thread, organisation.id)).exists():
            raise Conflict("%s is already addressed." % organisation.name)
        ThreadAddressee.create(thread=thread, organisation=organisation, added=moment, waiting_since=moment)
        refresh_waiting(thread)
        touch(thread)
        record("addressee_added", actor, thread, organisation=organisation.id, name=organisation.name)
        notify.addressed(thread, actor, organisation)


def remove_addressee(thread, actor, organisation):
    with database.atomic():
        _live(thread)
        if ThreadAddressee.select().where(ThreadAddressee.thread == thread.id).count() <= 1:
            raise Conflict("A request must stay addressed to at least one organisation.")
        if not ThreadAddressee.delete().where(_addressee(thread, organisation.id)).execute():
            raise Conflict("%s is not addressed any more." % organisation.name)
        refresh_waiting(thread)
        touch(thread)
        record("addressee_removed", actor, thread, organisation=organisation.id, name=organisation.name)


def mark_not_needed(thread, actor, organisation):
    """The steward says an addressed organisation need not reply: its wait ends."""
    with database.atomic():
        _live(thread)
        updated = (
            ThreadAddressee.update(not_needed=True, waiting_since=None)
            .where(_addressee(thread, organisation.id) & (ThreadAddressee.not_needed == False))
            .execute()
        )
        if not updated:
            raise Conflict("%s is already marked as not needed." % organisation.name)
        refresh_waiting(thread)
        touch(thread)
        record("addressee_not_needed", actor, thread, organisation=organisation.id, name=organisation.name)


def add_note(thread, actor, text):
    """A steward's note: in the timeline, seen only by stewards."""
    with database.atomic():
        return record("steward_note", actor, thread, text=text, html=render_markdown(text))
