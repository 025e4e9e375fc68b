"""A thread's timeline: its posts with the events between them, and each event said in plain English."""

from datetime import date

from peewee import JOIN, fn

from . import rules
from .lists.cache import slot, sql
from .lists.pages import visible_threads
from .models import (
    CLOSE_REASONS,
    STATUSES,
    Attachment,
    Citation,
    Event,
    Post,
    PostRevision,
    RuleVersion,
    Service,
    Thread,
    User,
)

# The events shown between the posts; the rest are only in the audit log.
TIMELINE_ACTIONS = (
    "status_changed",
    "owner_changed",
    "follow_up_set",
    "addressee_added",
    "addressee_removed",
    "addressee_not_needed",
    "pinned_on",
    "pinned_off",
    "locked_on",
    "locked_off",
    "post_hidden",
    "post_unhidden",
    "post_redacted",
    "title_redacted",
    "post_edited",
    "title_changed",
    "post_moved_in",
    "post_moved_out",
    "split_in",
    "split_out",
    "merged_in",
    "linked",
    "unlinked",
    "steward_note",
)


def shown_to(user, event):
    if event.action == "steward_note":
        return rules.can_see_notes(user)
    if event.action == "post_edited":
        return bool(event.data.get("by_steward"))
    return True


def events_for(thread, user, since=None, until=None, after_id=None):
    bounds = {
        name: value for name, value in (("since", since), ("until", until), ("after_id", after_id)) if value is not None
    }
    query = timeline_events.run(tuple(bounds), thread=thread.id, **bounds)
    return discreet([event for event in query if shown_to(user, event)], user)


@sql
def timeline_events(bounds):
    """The events of the thread in slot "thread", after "since", before "until" and after "after_id" (an event
    id) when `bounds` names them."""
    query = (
        Event.select(Event, User.id, User.name)
        .join(User, JOIN.LEFT_OUTER)
        .where((Event.thread == slot("thread")) & Event.action.in_(TIMELINE_ACTIONS))
        .order_by(Event.created, Event.id)
    )
    if "since" in bounds:
        query = query.where(Event.created >= slot("since"))
    if "until" in bounds:
        query = query.where(Event.created < slot("until"))
    if "after_id" in bounds:
        query = query.where(Event.id > slot("after_id"))
    return query


OTHER_THREAD = ("other", "to", "source")


def discreet(events, user):
    """Leave out what the viewer may not know: the title of another thread they cannot see, and (for all but
    the steward) why a post was hidden."""
    refs = {e.data[key] for e in events for key in OTHER_THREAD if isinstance(e.data.get(key), int)}
    seen = {t.id for t in visible_threads(user).where(Thread.id.in_(refs))} if refs else set()
    for event in events:
        other = next((event.data[key] for key in OTHER_THREAD if key in event.data), None)
        if other is not None and other not in seen and event.action != "merged_in":
            event.data = {**event.data, "title": None}
        if event.action == "post_hidden" and not rules.can_see_hidden_reasons(user):
            event.data = {**event.data, "reason": None}
    return events


def page(thread, user, number, size):
    """One page of posts with the events that happened between them, in time order, and whether more follow.
    None when the page does not exist."""
    posts = list(timeline_posts.run(thread=thread.id, size=size + 1, skip=(number - 1) * size))
    if not posts:
        return None, False
    has_next = len(posts) > size
    events = events_for(
        thread, user, since=posts[0].created if number > 1 else None, until=posts[size].created if has_next else None
    )
    return merge(posts[:size], events), has_next


Later = RuleVersion.alias("later")


def with_citations(posts):
    """Posts with the rule each cites, if any, in the same query: `cited_number`, `cited_html`, `cited_service`
    (its id), `cited_service_name`, `cited_referrers`, `cited_hours` and `rule_changed_at`, when a later version
    of that rule was made (None while the cited version is the current one)."""
    changed_at = Later.select(fn.MIN(Later.created)).where(
        (Later.service == RuleVersion.service) & (Later.number > RuleVersion.number)
    )
    return (
        posts.switch(Post)
        .join(Citation, JOIN.LEFT_OUTER, on=(Citation.post == Post.id))
        .join(RuleVersion, JOIN.LEFT_OUTER, on=(Citation.rule == RuleVersion.id))
        .join(Service, JOIN.LEFT_OUTER, on=(RuleVersion.service == Service.id))
        .select_extend(
            fn.COALESCE(RuleVersion.number, 0).alias("cited_number"),
            fn.COALESCE(RuleVersion.eligibility_html, "").alias("cited_html"),
            fn.COALESCE(RuleVersion.referrers, "").alias("cited_referrers"),
            fn.COALESCE(RuleVersion.hours, "").alias("cited_hours"),
            fn.COALESCE(Service.id, 0).alias("cited_service"),
            fn.COALESCE(Service.name, "").alias("cited_service_name"),
            # as a function, so that its value is read as a moment (SQLite gives a subquery's value as text)
            fn.COALESCE(changed_at, changed_at).python_value(Later.created.python_value).alias("rule_changed_at"),
        )
    )


@sql
def timeline_posts():
    """The posts of the thread in slot "thread", "size" of them after skipping "skip", each with who edited it
    last (`last_editor_id`) and whether anyone but its author ever did (`edited_by_other`), for the steward's mark:
    a correction stays marked after the author edits again."""
    last_editor = (
        PostRevision.select(PostRevision.editor)
        .where(PostRevision.post == Post.id)
        .order_by(PostRevision.created.desc(), PostRevision.id.desc())
        .limit(1)
    )
    by_other = (PostRevision.post == Post.id) & (PostRevision.editor != Post.author)
    edited_by_other = fn.EXISTS(PostRevision.select(PostRevision.id).where(by_other))
    has_files = fn.EXISTS(Attachment.select(Attachment.id).where(Attachment.post == Post.id))
    return (
        with_citations(Post.with_authors())
        .select_extend(
            last_editor.alias("last_editor_id"), edited_by_other.alias("edited_by_other"), has_files.alias("has_files")
        )
        .where(Post.thread == slot("thread"))
        .order_by(Post.created, Post.id)
        .limit(slot("size"))
        .offset(slot("skip"))
    )


def first_unread(thread, user, size):
    """Where the first post `user` has not read is: (post id, page number), or None. `thread` comes with the
    person's read mark (lists.pages.visible_threads)."""
    read_at = getattr(thread.reading, "read_at", None)
    if read_at is None:
        return None
    Earlier = Post.alias("earlier")
    before = Earlier.select(fn.COUNT(Earlier.id)).where(
        (Earlier.thread == thread.id)
        & ((Earlier.created < Post.created) | ((Earlier.created == Post.created) & (Earlier.id < Post.id)))
    )
    unread = Post.select(Post.id, before).where(
        (Post.thread == thread.id) & (Post.created > read_at) & (Post.author != user.id)
    )
    found = unread.order_by(Post.created, Post.id).tuples().first()
    if found is None:
        return None
    post_id, posts_before = found
    return post_id, posts_before // size + 1


def with_files(posts):
    """Give each post its `files` (attachments, removed ones too, in the order added): one query, and none when no
    post says it `has_files` (the timeline's own query asks; posts read elsewhere do not say, so are looked up)."""
    wanted = [p.id for p in posts if getattr(p, "has_files", True)]
    files = {}
    if wanted:
        for attachment in Attachment.select().where(Attachment.post.in_(wanted)).order_by(Attachment.id):
            files.setdefault(attachment.post_id, []).append(attachment)
    for post in posts:
        post.files = files.get(post.id, [])
    return posts


def merge(posts, events):
    with_files(posts)
    items = [("post", p.created, p) for p in posts] + [("event", e.created, e) for e in events]
    return sorted(items, key=lambda item: (item[1], item[0] == "event"))


def _status_text(data):
    before, after = data.get("before"), data.get("after")
    if before == "open" and after == "answered":
        return "answered, so this request is now answered"
    if after == "resolved":
        return "marked this request as resolved"
    if after == "closed":
        reason = CLOSE_REASONS.get(data.get("reason"), "Other").lower()
        note = data.get("note")
        return "closed this request (%s%s)" % (reason, ": " + note if note else "")
    return "reopened this request (now %s)" % STATUSES.get(after, after).lower()


def _follow_up_text(data):
    if not data.get("after"):
        return "cleared the follow-up date"
    return "set the follow-up date to %s" % date.fromisoformat(data["after"]).strftime("%-d %B %Y")


def _owner_text(data):
    return "made %s the owner" % data["after"] if data.get("after") else "removed the owner"


TEXTS = {
    "service_added": lambda d: "added the service %s" % d["name"],
    "service_edited": lambda d: "changed %s of the service %s" % (", ".join(sorted(d["changes"])), d["name"]),
    "rule_changed": lambda d: "made version %d of the rule of %s" % (d["version"], d["name"]),
    "service_confirmed": lambda d: "confirmed the service %s as it is" % d["name"],
    "rule_cited": lambda d: "cited a service's rule",
    "status_changed": _status_text,
    "owner_changed": _owner_text,
    "follow_up_set": _follow_up_text,
    "addressee_added": lambda d: "addressed this request to %s too" % d["name"],
    "addressee_removed": lambda d: "stopped addressing this request to %s" % d["name"],
    "addressee_not_needed": lambda d: "said %s need not reply" % d["name"],
    "pinned_on": lambda d: "pinned this thread",
    "pinned_off": lambda d: "unpinned this thread",
    "locked_on": lambda d: "locked this thread: no new replies",
    "locked_off": lambda d: "unlocked this thread",
    "post_hidden": lambda d: "hid a post (%s)" % d["reason"] if d.get("reason") else "hid a post",
    "post_unhidden": lambda d: "showed a hidden post again",
    "post_redacted": lambda d: "redacted %s (%s)" % ("a post" if d.get("whole") else "part of a post", d["reason"]),
    "title_redacted": lambda d: "redacted part of the title (%s)" % d["reason"],
    "post_edited": lambda d: "edited a post",
    "post_moved_in": lambda d: "moved a reply here from %s" % _title(d),
    "post_moved_out": lambda d: "moved a reply to %s" % _title(d),
    "split_in": lambda d: "started this thread from a reply in %s" % _title(d),
    "split_out": lambda d: "moved a reply into a new thread, %s" % _title(d),
    "merged_in": lambda d: "merged “%s” into this thread" % d["title"],
    "linked": lambda d: "linked this thread to %s" % _title(d),
    "unlinked": lambda d: "unlinked this thread from %s" % _title(d),
    "steward_note": lambda d: "added a steward’s note",
    "thread_started": lambda d: "started “%s”" % d["title"],
    "replied": lambda d: "replied",
    "merged_away": lambda d: "merged this thread into “%s”" % d["title"],
    "organisation_added": lambda d: "added the organisation %s" % d["name"],
    "organisation_edited": lambda d: "edited an organisation: %s" % _changes(d),
    "person_added": lambda d: "added %s (%s)" % (d["name"], d["email"]),
    "person_edited": lambda d: "edited a person: %s" % _changes(d),
    "password_link_created": lambda d: "made a set-password link",
    "password_set": lambda d: "set their password from a link",
    "password_changed": lambda d: "changed their password",
    "personal_data_confirmed": lambda d: (
        "kept %s with details the guard flagged (%s)"
        % ("a post" if d.get("post") else "a title", ", ".join(d["kinds"]))
    ),
    "personal_data_kept": lambda d: (
        "kept %s with details that identify someone outright (%s), saying: “%s”"
        % ("a post" if d.get("post") else "a title", ", ".join(d["kinds"]), d["reason"])
    ),
    "personal_data_reviewed": lambda d: "reviewed kept details%s" % (" and redacted them" if d.get("redacted") else ""),
    "title_changed": lambda d: "changed the title from “%s” to “%s”" % (d["before"], d["after"]),
}


def _title(data):
    return "“%s”" % data["title"] if data.get("title") else "a thread you cannot see"


def _changes(data):
    before, after = data.get("before", {}), data.get("after", {})
    changed = ["%s from “%s” to “%s”" % (k, before.get(k), after[k]) for k in after if before.get(k) != after[k]]
    return ", ".join(changed) or "no change"


def describe(event):
    """What happened, after the actor's name: "marked this request as resolved"."""
    return TEXTS[event.action](event.data) if event.action in TEXTS else event.action.replace("_", " ")
