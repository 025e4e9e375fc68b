"""Who hears about what: notifications written in the same transaction as the change that causes them.

No Flask here. Each function takes the change's thread and actor and works out the people to tell, once each,
leaving out the actor, anyone who muted the thread, and anyone who may not see it.
"""

from peewee import JOIN

from . import mail, rules
from .clock import now
from .models import Notification, Organisation, Post, Thread, ThreadRead, User, Watch
from .text import MENTION, slugify


def members(organisation_ids):
    return {
        u
        for (u,) in User.select(User.id)
        .where(User.organisation.in_(list(organisation_ids)) & (User.active == True))
        .tuples()
    }


def watchers(thread, level="watch"):
    return {u for (u,) in Watch.select(Watch.user).where((Watch.thread == thread.id) & (Watch.level == level)).tuples()}


def participants(thread):
    """Who follows a thread: its starter, everyone who replied, and those who chose to watch it."""
    repliers = {u for (u,) in Post.select(Post.author).where(Post.thread == thread.id).distinct().tuples()}
    return ({thread.author_id} | repliers | watchers(thread)) - watchers(thread, "mute")


def organisation_watchers(organisation_id):
    query = Watch.select(Watch.user).where((Watch.organisation == organisation_id) & (Watch.level == "watch"))
    return {u for (u,) in query.tuples()}


def deliver(thread, actor, kinds, mail_now=True, **data):
    """Tell each person in `kinds` (person id -> kind of notice) once, if they may see the thread; e-mail it
    at once to those who want that, unless `mail_now` is False (it then waits for their digest)."""
    muted = watchers(thread, "mute") if thread else set()
    wanted = {person: kind for person, kind in kinds.items() if person != getattr(actor, "id", None)}
    wanted = {person: kind for person, kind in wanted.items() if person not in muted}
    if not wanted:
        return []
    people = User.with_organisation().where(User.id.in_(list(wanted)) & (User.active == True))
    moment = now()
    notices = []
    for person in people:
        if thread is not None and not rules.can_see_thread(person, thread):
            continue
        notice = Notification.create(
            user=person, thread=thread, actor=actor, kind=wanted[person.id], data=data, created=moment
        )
        notice.user, notice.thread, notice.actor = person, thread, actor
        notices.append(notice)
    if mail_now:
        mail.queue_notifications(notices)
    return notices


def mentioned_people(body):
    """The active people a text mentions: @their-name (as in the autocomplete) or @organisation-slug (all of
    its members)."""
    handles = {handle.lower() for handle in MENTION.findall(body)}
    if not handles:
        return []
    people = User.with_organisation().where(User.active == True)
    return [person for person in people if slugify(person.name) in handles or person.organisation.slug in handles]


def mention_paths(body):
    """Where each @handle in `body` leads, by handle: the card of the one active person of that name, otherwise
    the page of the organisation of that short name. Paths, not URLs: no Flask here, and they are the site's own."""
    handles = {handle.lower() for handle in MENTION.findall(body)}
    if not handles:
        return {}
    named = {}
    for person_id, name in User.select(User.id, User.name).where(User.active == True).tuples():
        if slugify(name) in handles:
            named.setdefault(slugify(name), []).append(person_id)
    slugs = Organisation.select(Organisation.slug).where(Organisation.slug.in_(list(handles))).tuples()
    paths = {slug: "/orgs/%s" % slug for (slug,) in slugs}
    paths.update({handle: "/people/%d" % ids[0] for handle, ids in named.items() if len(ids) == 1})
    return paths


def with_mentions(thread, kinds, body):
    """Add the people `body` mentions to `kinds`; returns the names of those who cannot see the thread."""
    blind = []
    for person in mentioned_people(body):
        if rules.can_see_thread(person, thread):
            kinds[person.id] = "mentioned"
        else:
            blind.append(person.name)
    return sorted(set(blind))


def thread_started(thread, author, body):
    kinds = dict.fromkeys(organisation_watchers(thread.organisation_id), "new_thread")
    if thread.is_request:
        kinds.update(dict.fromkeys(members(thread.addressed_ids()), "addressed"))
    blind = with_mentions(thread, kinds, body)
    deliver(thread, author, kinds)
    return blind


def replied(thread, author, post, answered):
    kinds = dict.fromkeys(participants(thread), "reply")
    if answered:
        kinds.update(dict.fromkeys(members([thread.organisation_id]), "answered"))
    blind = with_mentions(thread, kinds, post.body)
    deliver(thread, author, kinds, post=post.id)
    return blind


def status_changed(thread, actor, after):
    kind = {"resolved": "resolved", "closed": "closed", "open": "reopened", "answered": "reopened"}[after]
    deliver(thread, actor, dict.fromkeys(members([thread.organisation_id]), kind))


def addressed(thread, actor, organisation):
    deliver(thread, actor, dict.fromkeys(members([organisation.id]), "addressed"))


def merged(source, target, actor, followers):
    deliver(target, actor, dict.fromkeys(followers, "merged"), source=source.title)


def post_moved(post, target, actor):
    deliver(target, actor, {post.author_id: "moved"}, post=post.id)


def details_kept(author, override, **data):
    """Every active steward hears of details kept past the guard with a reason. Not tied to the thread: the notice
    leads to the list of kept details, and a reply to its e-mail must not post in the thread."""
    stewards = {steward for (steward,) in User.stewards().select(User.id).tuples()}
    deliver(None, author, dict.fromkeys(stewards, "details_kept"), override=override.id, **data)


def still_visible(user):
    """Notices about threads the person may no longer see are not shown (the query joins Thread)."""
    return Notification.thread.is_null() | (rules.visible_filter(user) & Thread.merged_into.is_null())


def unread_count(user):
    return (
        Notification.select()
        .join(Thread, JOIN.LEFT_OUTER, on=(Notification.thread == Thread.id))
        .where((Notification.user == user.id) & Notification.read_at.is_null() & still_visible(user))
        .count()
    )


def mark_read(user, notification_id=None):
    query = Notification.update(read_at=now()).where((Notification.user == user.id) & Notification.read_at.is_null())
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return query.execute()


def read_thread(user, thread):
    """Remember that `user` has now seen everything in `thread`, and mark its notices read."""
    moment = now()
    (
        ThreadRead.insert(user=user.id, thread=thread.id, read_at=moment)
        .on_conflict(conflict_target=[ThreadRead.user, ThreadRead.thread], update={ThreadRead.read_at: moment})
        .execute()
    )
    Notification.update(read_at=moment).where(
        (Notification.user == user.id) & (Notification.thread == thread.id) & Notification.read_at.is_null()
    ).execute()


def set_watch(user, level, thread=None, organisation=None):
    """Watch, mute (threads only) or go back to the default (level None)."""
    target = (Watch.thread == thread.id) if thread else (Watch.organisation == organisation.id)
    Watch.delete().where((Watch.user == user.id) & target).execute()
    if level:
        Watch.create(user=user.id, thread=thread, organisation=organisation, level=level, created=now())


def watch_level(user, organisation):
    """Whether `user` watches `organisation` ("watch") or not (None); a thread's level comes with the thread page's
    own query."""
    return Watch.select(Watch.level).where((Watch.user == user.id) & (Watch.organisation == organisation.id)).scalar()
