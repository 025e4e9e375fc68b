"""Threads: the filterable list, starting a thread, reading, replying, editing and status changes."""

from collections import namedtuple
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from peewee import JOIN, Value, fn

from .. import guard, learning, moderation, notify, overrides, rules, timeline, tracking
from ..db import database, run_kept, slot
from ..forms import EditPostForm, ReplyForm, ThreadForm
from ..htmx import render, wants_fragment
from ..models import (
    STATUSES,
    THREAD_KINDS,
    Barrier,
    BarrierThread,
    Notification,
    Organisation,
    Post,
    ReadLog,
    Theme,
    Thread,
    ThreadAddressee,
    ThreadLink,
    ThreadTheme,
    User,
    Watch,
    attach_addressed_to,
    attach_themes,
    short_lists,
    union_all,
    with_theme,
)
from ..paging import id_from, page_number
from ..text import slugify

bp = Blueprint("threads", __name__)


def get_visible_thread(thread_id):
    """The thread, or 404 when it does not exist or this person may not know it does. A merged thread's
    address leads to the thread it joined, saying so when someone tried to act on the old one."""
    thread = one_with_addressees(
        rules.run_kept_as(current_user, "thread page", thread_with_page_state, thread=thread_id)
    )
    if thread is None:
        merged_into = Thread.select(Thread.merged_into).where(Thread.id == thread_id).scalar()
        if merged_into:
            target = get_visible_thread(merged_into)
            if request.method == "GET":
                abort(redirect(url_for("threads.show", thread_id=target.id), 301))
            flash("That thread was already merged into this one.", "info")
            abort(redirect(url_for("threads.show", thread_id=target.id), 303))
    if thread is None or not rules.can_see_thread(current_user, thread):
        abort(404)
    return thread


def thread_with_page_state(viewer):
    """The thread in slot "thread" if `viewer` may see it: a row per addressee (with their organisation), each
    with what the thread page asks besides the thread: the viewer's watch level and unread notices, and whether
    the thread is linked (most are not, so no query looks for links)."""
    Addressed = Organisation.alias("addressed")
    watch_level = Watch.select(Watch.level).where((Watch.user == viewer.id) & (Watch.thread == Thread.id))
    notices = Notification.select(fn.COUNT(Notification.id)).where(
        (Notification.user == viewer.id) & (Notification.thread == Thread.id) & Notification.read_at.is_null()
    )
    links = ThreadLink.select(ThreadLink.id).where((ThreadLink.first == Thread.id) | (ThreadLink.second == Thread.id))
    return (
        rules.visible_threads(viewer)
        .where(Thread.id == slot("thread"))
        .select_extend(
            watch_level.alias("watch_level"), notices.alias("unread_notices"), fn.EXISTS(links).alias("has_links")
        )
        .switch(Thread)
        .join(ThreadAddressee, JOIN.LEFT_OUTER, on=(ThreadAddressee.thread == Thread.id), attr="addressee")
        .join(Addressed, JOIN.LEFT_OUTER, on=(ThreadAddressee.organisation == Addressed.id), attr="organisation")
        .select_extend(ThreadAddressee, Addressed)
        .order_by(Thread.id, Addressed.name)
    )


def one_with_addressees(rows):
    """The one thread of `rows` (a row per addressee), with its addressees; None without rows."""
    rows = list(rows)
    if not rows:
        return None
    thread = rows[0]
    thread._addressees = [row.addressee for row in rows if row.addressee is not None and row.addressee.id]
    return thread


def get_post(post_id):
    post = Post.get_or_none(Post.id == post_id)
    if post is None:
        abort(404)
    return post, get_visible_thread(post.thread_id)


def tell_blind_mentions(names):
    if names:
        flash(
            "%s cannot see this thread, so %s not told about your mention."
            % (" and ".join(names), "was" if len(names) == 1 else "were"),
            "info",
        )


Choice = namedtuple("Choice", "name slug")


def filter_choice_lists():
    return union_all(
        Organisation.select(Value("organisations"), Organisation.name, Organisation.slug),
        Theme.select(Value("themes"), Theme.name, Theme.slug),
    )


def filter_choices():
    """The organisations and themes that the list filters offer, by name, from one query."""
    lists = short_lists(run_kept("filter choices", filter_choice_lists))
    return [Choice(*row) for row in lists["organisations"]], [Choice(*row) for row in lists["themes"]]


def read_list_filters(args, organisations, themes):
    """The kind, status, organisation and theme asked for; anything unknown counts as "any"."""

    def pick(name, allowed):
        value = args.get(name, "")
        return value if value in allowed else ""

    return {
        "kind": pick("kind", THREAD_KINDS),
        "status": pick("status", STATUSES),
        "org": pick("org", {o.slug for o in organisations}),
        "theme": pick("theme", {t.slug for t in themes}),
    }


def list_conditions(filters):
    """The conditions on threads of the filters of read_list_filters (the threads list and search share them)."""
    conditions = []
    if filters["kind"]:
        conditions.append(Thread.kind == filters["kind"])
    if filters["status"]:
        conditions.append(Thread.status == filters["status"])
    if filters["org"]:
        conditions.append(
            Thread.organisation.in_(Organisation.select(Organisation.id).where(Organisation.slug == filters["org"]))
        )
    if filters["theme"]:
        conditions.append(with_theme(filters["theme"]))
    return conditions


def slotted(filters):
    """The filters for a kept query: each one chosen as a slot of its name; and the values of those slots."""
    values = {name: value for name, value in filters.items() if value}
    return {name: slot(name) if value else "" for name, value in filters.items()}, values


LIST_ORDER = (Thread.pinned.desc(), Thread.last_activity.desc(), Thread.id.desc())


@bp.get("/threads")
def index():
    organisations, themes = filter_choices()
    filters = read_list_filters(request.args, organisations, themes)
    size = current_app.config["PAGE_SIZE"]
    chosen, values = slotted(filters)
    page = rules.thread_page(
        current_user,
        ("threads list", *values),
        lambda viewer: (list_conditions(chosen), LIST_ORDER),
        page_number(request.args),
        size,
        **values,
    )
    attach_themes(attach_addressed_to(page.items))
    return render(
        "threads/index.html",
        "results",
        page=page,
        filters=filters,
        organisations=organisations,
        themes=themes,
        status_oob=wants_fragment(),  # the status region stays on the page: only its text changes
    )


@bp.route("/threads/new", methods=["GET", "POST"])
def new():
    form = ThreadForm()
    if request.method == "GET" and request.args.get("kind") in THREAD_KINDS:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        is_request = form.kind.data in ("need", "question")
        with database.atomic():  # the thread and what it kept past the guard stand or fall together
            thread = tracking.start_thread(
                current_user,
                form.kind.data,
                form.title.data,
                form.body.data,
                addressed_ids=form.addressed_to.data if is_request else (),
                visibility=form.visibility.data,
            )
            first_post = Post.select(fn.MIN(Post.id)).where(Post.thread == thread.id).scalar()
            note_confirmed_details(form, thread, first_post)
        notify.read_thread(current_user, thread)
        flash("Your %s is posted." % form.kind.data, "success")
        tell_blind_mentions(thread.blind_mentions)
        return redirect(url_for(".show", thread_id=thread.id), 303)
    return render_template("threads/new.html", form=form), 422 if form.is_submitted() else 200


def show_thread(thread, reply_form, status=200, first_unread=None, **context):
    number = page_number(request.args)
    size = current_app.config["POSTS_PER_PAGE"]
    items, has_next = timeline.page(thread, current_user, number, size)
    if items is None:
        abort(404)
    return render(
        "threads/show.html",
        "more",
        thread=thread,
        items=items,
        page_number=number,
        has_next=has_next,
        form=reply_form,
        first_unread=first_unread,
        watch_level=thread.watch_level,
        **learning_context(thread) if number == 1 else {},
        **context,
    ), status


def learning_lists():
    """Every theme in use or on the thread in slot "thread", and every barrier, each saying whether it is on it."""
    on_thread = (ThreadTheme.theme == Theme.id) & (ThreadTheme.thread == slot("thread"))
    themes = (
        Theme.select(Value("theme"), Theme.name, Theme.id, Theme.slug, ThreadTheme.id.is_null(False))
        .join(ThreadTheme, JOIN.LEFT_OUTER, on=on_thread)
        .where(Theme.active | ThreadTheme.id.is_null(False))
    )
    linked = (BarrierThread.barrier == Barrier.id) & (BarrierThread.thread == slot("thread"))
    barriers = Barrier.select(
        Value("barrier"), Barrier.title, Barrier.id, Barrier.status, BarrierThread.id.is_null(False)
    ).join(BarrierThread, JOIN.LEFT_OUTER, on=linked)
    return union_all(themes, barriers)


def learning_context(thread):
    """The thread's themes and barriers, and what the steward or its organisation could add, from one query."""
    lists = short_lists(run_kept("themes and barriers", learning_lists, thread=thread.id))
    themes = [(Theme(id=id, name=name, slug=slug), here) for name, id, slug, here in lists["theme"]]
    barriers = [(Barrier(id=id, title=title, status=status), here) for title, id, status, here in lists["barrier"]]
    thread.themes = [theme for theme, here in themes if here]
    return {
        "barriers": [barrier for barrier, here in barriers if here],
        # retired themes stay offered on the threads that have them, so saving does not drop them
        "theme_choices": [theme for theme, _ in themes] if rules.can_tag_thread(current_user, thread) else [],
        "barrier_choices": [barrier for barrier, _ in barriers] if rules.is_steward(current_user) else [],
    }


@bp.post("/threads/<int:thread_id>/themes")
def set_themes(thread_id):
    thread = get_visible_thread(thread_id)
    if not rules.can_tag_thread(current_user, thread):
        abort(403)
    chosen = [id_from(v) for v in request.form.getlist("theme")]
    if None in chosen:
        abort(400)
    known = {t.id for t in Theme.select(Theme.id).where(Theme.id.in_(chosen or [0]))}
    if set(chosen) - known:
        abort(400)
    learning.set_thread_themes(thread, current_user, known)
    flash("The themes are saved.", "success")
    return redirect(url_for(".show", thread_id=thread.id) + "#learning", 303)


@bp.get("/threads/<int:thread_id>")
def show(thread_id):
    thread = get_visible_thread(thread_id)
    first_unread = None
    # Reading the whole page marks the thread read: a write only when there is something new to mark.
    if not wants_fragment() and (thread.unread or thread.unread_notices):
        first_unread = timeline.first_unread(thread, current_user, current_app.config["POSTS_PER_PAGE"])
        notify.read_thread(current_user, thread)
    if not wants_fragment() and thread.visibility == "restricted":
        ReadLog.record(current_user, thread)
    return show_thread(thread, ReplyForm(formdata=None), first_unread=first_unread)


@bp.post("/threads/<int:thread_id>/reply")
def reply(thread_id):
    thread = get_visible_thread(thread_id)
    if not rules.can_reply(current_user, thread):
        abort(403)
    form = ReplyForm()
    if not form.validate_on_submit():
        if wants_fragment():
            return render_block("threads/show.html", "reply_form", thread=thread, form=form), 422
        return show_thread(thread, form, 422)
    with database.atomic():  # the reply and what it kept past the guard stand or fall together
        post = tracking.reply(thread, current_user, form.body.data)
        note_confirmed_details(form, thread, post.id)
    notify.read_thread(current_user, thread)
    tell_blind_mentions(post.blind_mentions)
    if wants_fragment():
        thread = get_visible_thread(thread_id)
        post = Post.with_authors().where(Post.id == post.id).get()
        items = timeline.merge([post], timeline.events_for(thread, current_user, since=post.created))
        return render_block(
            "threads/show.html",
            "reply_added",
            thread=thread,
            items=items,
            form=ReplyForm(formdata=None),
            header_oob=True,
            focus_new=True,
            live_oob=True,
            has_next=False,
        )
    flash("Your reply is posted.", "success")
    size = current_app.config["POSTS_PER_PAGE"]
    last_page = (thread.post_count + size) // size
    anchor = "#post-%d" % post.id
    return redirect(url_for(".show", thread_id=thread.id, page=last_page if last_page > 1 else None) + anchor, 303)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id):
    post, thread = get_post(post_id)
    if not rules.can_edit_post(current_user, post, thread):
        abort(403)
    form = EditPostForm(obj=post)
    if form.validate_on_submit():
        with database.atomic():  # the edit and what it kept past the guard stand or fall together
            tracking.edit_post(post, current_user, form.body.data)
            note_confirmed_details(form, thread, post.id)
        flash("Your changes are saved.", "success")
        return redirect(url_for(".show", thread_id=thread.id) + "#post-%d" % post.id, 303)
    return render_template("threads/edit_post.html", form=form, post=post, thread=thread), (
        422 if form.is_submitted() else 200
    )


@bp.get("/threads/<int:thread_id>/mentions")
def mention_candidates(thread_id):
    """People and organisations that may see the thread, for the reply form's mention picker."""
    thread = get_visible_thread(thread_id)
    query = request.args.get("q", "").strip()[:60]
    people, organisations = [], []
    if len(query) >= 2:
        matches = User.with_organisation().where((User.active == True) & User.name.contains(query)).order_by(User.name)
        people = [p for p in matches.limit(30) if rules.can_see_thread(p, thread)][:8]
        audience = moderation.audience(thread)
        organisations = [
            o
            for o in Organisation.by_name().where(Organisation.name.contains(query)).limit(8)
            if audience is None or o.id in audience
        ]
    return render_template(
        "threads/_mentions.html", people=people, organisations=organisations, query=query, slugify=slugify
    )


def live_args():
    """The `since` moment and row `ids` a live poll sends; 400 when they make no sense."""
    try:
        since = datetime.fromisoformat(request.args["since"])
    except (KeyError, ValueError):
        abort(400)
    if since.tzinfo:
        since = since.astimezone(UTC).replace(tzinfo=None)
    ids = [i for i in map(id_from, request.args.get("ids", "").split(",")[:200]) if i]
    return since, ids


def changed_since(since, ids):
    """Whether any of these threads changed after `since`: one small query."""
    if not ids:
        return False
    latest = (
        Thread.select(fn.MAX(Thread.changed_at))
        .where(Thread.id.in_(ids) & rules.visible_filter(current_user) & Thread.merged_into.is_null())
        .scalar()
    )
    return latest is not None and latest > since


@bp.get("/threads/<int:thread_id>/live")
def live(thread_id):
    """New posts and events since the page was drawn, or 204 when there are none."""
    since, _ = live_args()
    latest = Thread.select(Thread.changed_at).where(
        (Thread.id == thread_id) & rules.visible_filter(current_user) & Thread.merged_into.is_null()
    )
    latest = latest.scalar()
    if latest is None:
        abort(404)
    if latest <= since:
        return "", 204
    thread = get_visible_thread(thread_id)
    posts = Post.with_authors().where((Post.thread == thread.id) & (Post.created > since)).order_by(Post.created)
    events = [e for e in timeline.events_for(thread, current_user, since=since) if e.created > since]
    return render_block(
        "threads/show.html",
        "live_update",
        thread=thread,
        items=timeline.merge(list(posts), events),
        header_oob=True,
        live_oob=True,
        has_next=False,
        preserve_tools=True,
    )


@bp.get("/live/threads")
def live_rows():
    """The rows of a list that changed since it was drawn, each swapped in place; 204 when none did."""
    since, ids = live_args()
    if not changed_since(since, ids):
        return "", 204
    threads = list(rules.visible_threads(current_user).where(Thread.id.in_(ids) & (Thread.changed_at > since)))
    attach_addressed_to(threads)
    heading = "h3" if request.args.get("heading") == "h3" else "h2"
    return render_template("threads/_live_rows.html", threads=threads, heading=heading, ids=ids)


@bp.post("/check-text")
def check_text():
    """The personal-data guard, as someone types: what looks like a client's details in the title and the text,
    highlighted; the same check as the form's own on submit."""
    known = guard.known_to_portal()
    texts = [(name, request.form[name][:20000]) for name in overrides.WHAT if name in request.form]
    checks = [(overrides.WHAT[name], text, overrides.check(text, known)) for name, text in texts]
    return render_template("_guard.html", checks=checks)


def note_confirmed_details(form, thread, post_id):
    """A post or title kept with details the guard flagged: ticked ones are an event in the audit log; ones that
    identify someone outright go, with the writer's reason, to the steward's list."""
    found = form.guard_findings()
    if form.reason_needed:
        in_post = bool(form.check_of("body").found)
        in_title = bool(form.check_of("title").found)
        overrides.keep(current_user, thread, post_id if in_post else None, in_title, found, form.keep_reason.data)
    elif found:
        tracking.record("personal_data_confirmed", current_user, thread, post=post_id, kinds=guard.kinds(found))
