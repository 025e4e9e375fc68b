"""Threads: the filterable list, starting a thread, reading, replying, editing and status changes."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from peewee import fn

from .. import attachments, guard, learning, moderation, notify, overrides, rules, services, timeline, tracking
from ..db import database
from ..forms import EditPostForm, ReplyForm, ThreadForm
from ..htmx import render, wants_fragment
from ..lists import threads
from ..models import THREAD_KINDS, Organisation, Post, ReadLog, Theme, User
from ..paging import id_from, page_number
from ..responses import note_confirmed_details, show_thread
from ..text import slugify
from ..web import get_post, get_visible_thread, live_args, tell_blind_mentions

bp = Blueprint("threads", __name__)


@bp.get("/threads")
def index():
    choices = threads.filter_choices()
    chosen = threads.read_filters(request.args, choices)
    page = threads.threads_page(
        current_user, chosen, choices, page_number(request.args), current_app.config["PAGE_SIZE"]
    )
    return render(
        "threads/index.html",
        "results",
        page=page,
        filters=chosen,
        organisations=choices.organisations,
        themes=choices.themes,
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
            attachments.attach(form.uploads, current_user, thread.id, first_post)
            note_confirmed_details(form, thread, first_post)
        notify.read_thread(current_user, thread)
        flash("Your %s is posted." % form.kind.data, "success")
        tell_blind_mentions(thread.blind_mentions)
        return redirect(url_for(".show", thread_id=thread.id), 303)
    return render_template("threads/new.html", form=form), 422 if form.is_submitted() else 200


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
        attachments.attach(form.uploads, current_user, thread.id, post.id)
        if form.cite.rule_id and rules.can_cite_service(current_user, thread):
            services.cite(post, form.cite.rule_id, current_user)
        note_confirmed_details(form, thread, post.id)
    notify.read_thread(current_user, thread)
    tell_blind_mentions(post.blind_mentions)
    if wants_fragment():
        thread = get_visible_thread(thread_id)
        post = timeline.with_citations(Post.with_authors()).where(Post.id == post.id).get()
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


@bp.get("/threads/<int:thread_id>/live")
def live(thread_id):
    """New posts and events since the page was drawn, or 204 when there are none."""
    since, _ = live_args()
    latest = threads.last_change(current_user, thread_id)
    if latest is None:
        abort(404)
    if latest <= since:
        return "", 204
    thread = get_visible_thread(thread_id)
    posts = timeline.with_citations(Post.with_authors())
    posts = posts.where((Post.thread == thread.id) & (Post.created > since)).order_by(Post.created)
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
    if not threads.changed_since(current_user, since, ids):
        return "", 204
    rows = threads.changed_rows(current_user, ids, since)
    heading = "h3" if request.args.get("heading") == "h3" else "h2"
    return render_template("threads/_live_rows.html", threads=rows, heading=heading, ids=ids)


@bp.post("/check-text")
def check_text():
    """The personal-data guard, as someone types: what looks like a client's details in the title and the text,
    highlighted; the same check as the form's own on submit."""
    known = guard.known_to_portal()
    texts = [(name, request.form[name][:20000]) for name in overrides.WHAT if name in request.form]
    checks = [(overrides.WHAT[name], text, overrides.check(text, known)) for name, text in texts]
    return render_template("_guard.html", checks=checks)
