"""Notifications: the bell's count, the list, marking read; and watching threads and organisations."""

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from .. import mail, notify
from ..lists.audit import notifications_page
from ..models import Notification, Organisation
from ..paging import page_number
from ..web import back_or, get_visible_thread

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
def index():
    size = current_app.config["PAGE_SIZE"] * 2
    page = notifications_page(current_user, page_number(request.args), size)
    return render_template("notifications/index.html", page=page, summary=mail.summary)


@bp.get("/notifications/count")
def count():
    """The bell's count. A poll that finds nothing new gets 304 Not Modified."""
    unread = notify.unread_count(current_user)
    response = make_response(render_template("notifications/_count.html", unread=unread))
    response.set_etag("unread-%d-%d" % (current_user.id, unread))
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)


@bp.post("/notifications/read")
def read_all():
    notify.mark_read(current_user)
    flash("All your notifications are marked as read.", "success")
    return redirect(url_for(".index"), 303)


@bp.post("/notifications/<int:notification_id>/read")
def read_one(notification_id):
    mine = Notification.select().where((Notification.id == notification_id) & (Notification.user == current_user.id))
    if not mine.exists():
        abort(404)
    notify.mark_read(current_user, notification_id)
    return redirect(url_for(".index"), 303)


@bp.post("/threads/<int:thread_id>/watch")
def watch_thread(thread_id):
    thread = get_visible_thread(thread_id)
    level = request.form.get("level", "")
    if level not in ("watch", "mute", "default"):
        abort(400)
    notify.set_watch(current_user, None if level == "default" else level, thread=thread)
    flash(
        {
            "watch": "You are watching this thread: you will hear about every reply.",
            "mute": "You have muted this thread: you will not hear about it.",
            "default": "You follow this thread only if you started it or replied to it.",
        }[level],
        "success",
    )
    return redirect(back_or(url_for("threads.show", thread_id=thread.id)), 303)


@bp.post("/orgs/<slug>/watch")
def watch_organisation(slug):
    organisation = Organisation.get_or_none(Organisation.slug == slug)
    if organisation is None:
        abort(404)
    watch = request.form.get("level") == "watch"
    notify.set_watch(current_user, "watch" if watch else None, organisation=organisation)
    message = "You will hear about every new thread from %s." if watch else "You no longer watch %s."
    flash(message % organisation.name, "success")
    return redirect(url_for("orgs.show", slug=slug), 303)
