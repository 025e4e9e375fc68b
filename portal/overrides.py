"""Details kept past the personal-data guard: what it makes of a text, the record of details kept with a reason,
and the steward's review of them (mark as reviewed, or redact several at once). No Flask here."""

from collections import namedtuple

from peewee import JOIN, fn

from . import guard, moderation, notify
from .clock import now
from .db import database
from .models import Event, GuardOverride, Organisation, Post, PostRevision, Thread, User
from .tracking import Conflict, record

Check = namedtuple("Check", "found outright")
NOTHING = Check((), False)
# The guarded fields, and what the guard calls each when it finds something there.
WHAT = {"title": "the title", "body": "this"}


def check(text, known=None):
    """What the guard makes of `text`: what it found, and whether that identifies someone outright (then a tick is
    not enough). The check as people type and the check on submit both ask this, so they always agree. `known`
    (guard.known_to_portal()) is read here unless the caller checks several texts."""
    found = guard.findings(text, known)
    return Check(found, guard.identifies_outright(found))


def keep(author, thread, post_id, in_title, found, reason):
    """Record details kept with a reason: the override on the steward's list, its event in the audit log and a
    notification to every active steward, in one transaction. None of them holds the details themselves."""
    kinds = guard.kinds(found)
    with database.atomic():
        override = GuardOverride.create(
            thread=thread.id,
            post=post_id,
            in_title=in_title,
            author=author.id,
            organisation=author.organisation_id,
            kinds=",".join(kinds),
            reason=reason,
            created=now(),
        )
        record("personal_data_kept", author, thread, post=post_id, override=override.id, kinds=kinds, reason=reason)
        where = "a title and a post" if in_title and post_id else "a title" if in_title else "a post"
        notify.details_kept(author, override, details=guard.describe(found), where=where, reason=reason)
    return override


def listing(unreviewed_only):
    """The overrides, newest first, each with its thread (the post's, if the post has moved since), author,
    organisation, post and reviewer: one query."""
    Reviewer = User.alias("reviewer")
    query = (
        GuardOverride.select(GuardOverride, Post, Thread, User.id, User.name, Organisation, Reviewer.id, Reviewer.name)
        .join(Post, JOIN.LEFT_OUTER, on=(GuardOverride.post == Post.id))
        .switch(GuardOverride)
        .join(Thread, on=(Thread.id == fn.COALESCE(Post.thread, GuardOverride.thread)), attr="shown_thread")
        .switch(GuardOverride)
        .join(User, on=(GuardOverride.author == User.id))
        .switch(GuardOverride)
        .join(Organisation, on=(GuardOverride.organisation == Organisation.id))
        .switch(GuardOverride)
        .join(Reviewer, JOIN.LEFT_OUTER, on=(GuardOverride.reviewed_by == Reviewer.id), attr="reviewer")
        .order_by(GuardOverride.created.desc(), GuardOverride.id.desc())
    )
    return query.where(GuardOverride.reviewed_at.is_null()) if unreviewed_only else query


def attach_spans(overrides):
    """Give each override what its card shows: `spans`, what the guard finds now in its post and the post's earlier
    versions (which everyone who sees the post may read) and, for a title, in every title the thread has had (its
    timeline shows them), as (what it is, text), each text once; the kinds of detail kept, in words; and the title
    and post as they are now, with what the guard finds marked. One query for all the revisions, one for all the
    earlier titles, and two for what the portal knows is not a client."""
    known = guard.known_to_portal()
    post_ids = [o.post.id for o in overrides if o.post and o.post.id]
    earlier = {}
    if post_ids:
        revisions = PostRevision.select(PostRevision.post, PostRevision.body).where(PostRevision.post.in_(post_ids))
        for post_id, body in revisions.tuples():
            earlier.setdefault(post_id, []).append(body)
    titled = [o.thread_id for o in overrides if o.in_title]
    earlier_titles = {}
    if titled:
        events = Event.select(Event.thread, Event.data).where(
            Event.thread.in_(titled) & Event.action.in_(moderation.TITLE_EVENTS)
        )
        for thread_id, data in events.tuples():
            earlier_titles.setdefault(thread_id, []).extend(moderation.titles_kept(data))
    for override in overrides:
        post, title = override.post, override.shown_thread.title
        titles = [title, *earlier_titles.get(override.thread_id, [])] if override.in_title else []
        override.spans = spans_in([*titles, *([post.body, *earlier.get(post.id, [])] if post else [])], known)
        override.details = guard.describe([guard.Finding(kind, 0, 0) for kind in override.kind_list])
        override.marked_title = guard.highlight(title, guard.findings(title, known)) if override.in_title else None
        override.marked_post = guard.highlight(post.body, guard.findings(post.body, known)) if post else None
    return overrides


def spans_in(texts, known):
    """The distinct (what it is, text) of what the guard finds in `texts`, in the order found."""
    spans = {}
    for text in texts:
        for finding in guard.findings(text, known):
            spans.setdefault(text[finding.start : finding.end], guard.PROMPTS[finding.kind])
    return [(what, span) for span, what in spans.items()]


def mark_reviewed(override, steward):
    with database.atomic():
        updated = (
            GuardOverride.update(reviewed_at=now(), reviewed_by=steward.id)
            .where((GuardOverride.id == override.id) & GuardOverride.reviewed_at.is_null())
            .execute()
        )
        if not updated:
            raise Conflict("These details were already reviewed.")
        record("personal_data_reviewed", steward, override.thread_id, override=override.id, redacted=False)


def redact(override, steward, reason, spans):
    """Remove the chosen `spans` from the post and its earlier versions, and from the thread's title and every
    title it had, wherever each is; mark the override reviewed; in one transaction."""
    with database.atomic():
        post = Post.get_by_id(override.post_id) if override.post_id else None
        thread = Thread.get_by_id(override.thread_id)
        titles = moderation.titles_of(thread) if override.in_title else []
        in_titles = [span for span in spans if any(span in title for title in titles)]
        in_post = [span for span in spans if post and post.versions_hold(span)]
        if set(spans) - set(in_titles) - set(in_post):
            raise Conflict("That text is no longer there (it may have been redacted already).")
        if in_post:
            moderation.redact(post, steward, reason, spans=in_post)
        if in_titles:
            moderation.redact_title(thread, steward, reason, in_titles)
        GuardOverride.update(reviewed_at=fn.COALESCE(GuardOverride.reviewed_at, now()), reviewed_by=steward.id).where(
            GuardOverride.id == override.id
        ).execute()
        record("personal_data_reviewed", steward, override.thread_id, override=override.id, redacted=True)
