"""What several views do with a request: find what it names or answer 404, read a live poll's arguments, check a
`next` address, start a session. Views share these; they never import one another."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from . import clock, learning
from .lists import threads
from .models import Post
from .paging import id_from


def safe_next(target):
    """Only a path on this site: never another host, not even by '//' or a backslash."""
    if not target or not target.isprintable():  # a line break would split the Location header
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


def back_or(default):
    """Where the form says to go back to, if it is on this site; else `default`."""
    return safe_next(request.form.get("next")) or default


def start_session(person):
    """Sign in with a fresh session: nothing of the previous one (or a planted one) survives."""
    session.clear()
    login_user(person)
    session["started"] = session["seen"] = clock.seconds()


def get_visible_thread(thread_id):
    """The thread, or 404 when it does not exist or this person may not know it does. A merged thread's
    address leads to the thread it joined, saying so when someone tried to act on the old one."""
    thread = threads.visible_thread(current_user, thread_id)
    if thread is None:
        merged_into = threads.merged_into(thread_id)
        if merged_into:
            target = get_visible_thread(merged_into)
            if request.method == "GET":
                abort(redirect(url_for("threads.show", thread_id=target.id), 301))
            flash("That thread was already merged into this one.", "info")
            abort(redirect(url_for("threads.show", thread_id=target.id), 303))
        abort(404)
    return thread


def get_post(post_id):
    """The post and its thread, or 404 when either is not this person's to know of."""
    post = Post.get_or_none(Post.id == post_id)
    if post is None:
        abort(404)
    return post, get_visible_thread(post.thread_id)


def require(allowed):
    """403 unless `allowed` (a rules question's answer)."""
    if not allowed:
        abort(403)


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


def tell_blind_mentions(names):
    if names:
        flash(
            "%s cannot see this thread, so %s not told about your mention."
            % (" and ".join(names), "was" if len(names) == 1 else "were"),
            "info",
        )


def month_asked():
    """The month in the query string (?month=2026-12), this month when there is none; a page saying what a month
    looks like (400) when it is not one, or not yet come."""
    text = request.args.get("month")
    if not text:
        return learning.this_month()
    month = learning.past_month(text)
    if month is None:
        page = render_template(
            "errors.html",
            title="There is no such month here",
            text="Write a month as year and month, like %s, from 2000-01 to this month." % learning.this_month(),
        )
        abort(make_response(page, 400))
    return month
