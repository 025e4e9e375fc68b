"""The steward's moderation: pin, lock, link and merge threads; hide, move and split posts; the audit log."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import moderation, outbox, retention, rules, timeline
from ..clock import now
from ..db import checkpoint
from ..forms import HideForm, MergeForm, RedactForm, SplitForm, TargetForm
from ..htmx import render
from ..lists import audit as logs
from ..models import THREAD_KINDS, Outbox, Post, ReadLog, Thread
from ..paging import Page, id_from, page_number
from ..responses import act, refuse
from ..web import get_post, get_visible_thread, require

bp = Blueprint("moderation", __name__)


@bp.before_request
def require_steward():
    require(rules.can_moderate(current_user))


@bp.post("/threads/<int:thread_id>/<any(pin, lock):flag>")
def set_flag(thread_id, flag):
    thread = get_visible_thread(thread_id)
    on = request.form.get("value") == "on"
    column = "pinned" if flag == "pin" else "locked"
    words = {
        ("pinned", True): "pinned",
        ("pinned", False): "unpinned",
        ("locked", True): "locked",
        ("locked", False): "unlocked",
    }
    return act(
        thread, lambda: moderation.set_flag(thread, current_user, column, on), "The thread is %s." % words[column, on]
    )


@bp.post("/threads/<int:thread_id>/links")
def link(thread_id):
    thread = get_visible_thread(thread_id)
    form = TargetForm("Enter the number of an existing thread to link to.")
    if not form.validate():
        return refuse(thread, form.first_error())
    other = form.chosen
    return act(thread, lambda: moderation.link(thread, other, current_user), "Linked to “%s”." % other.title)


@bp.post("/threads/<int:thread_id>/links/<int:other_id>/remove")
def unlink(thread_id, other_id):
    thread, other = get_visible_thread(thread_id), get_visible_thread(other_id)
    return act(thread, lambda: moderation.unlink(thread, other, current_user), "Unlinked from “%s”." % other.title)


@bp.route("/threads/<int:thread_id>/merge", methods=["GET", "POST"])
def merge(thread_id):
    """Which thread to merge into, then a page saying what the merge will do; only its "Yes, merge" merges."""
    thread = get_visible_thread(thread_id)
    sent = request.method == "POST"
    form = MergeForm(request.form if sent else request.args, meta={"csrf": sent})
    target = None
    if (sent or "target" in request.args) and form.validate():
        target_id = id_from(form.target.data)
        target = Thread.listing().where(Thread.id == target_id).first() if target_id else None
        missing = "Enter the number of an existing thread"
        refusal = missing if target is None else moderation.merge_refusal(thread, target)
        if refusal:
            form.target.errors.append(refusal)
            target = None
    if target and sent and form.is_confirmed():
        try:
            moderation.merge(thread, target, current_user)
        except moderation.Conflict as conflict:
            form.target.errors.append(str(conflict))
            target = None
        else:
            flash("“%s” is merged into this thread." % thread.title, "success")
            return redirect(url_for("threads.show", thread_id=target.id), 303)
    status = 422 if form.errors else 200
    return render_template("moderation/merge.html", thread=thread, target=target, form=form), status


@bp.get("/threads/<int:thread_id>/opened")
def opened(thread_id):
    """Everyone who opened a restricted thread, newest first, a page at a time."""
    thread = get_visible_thread(thread_id)
    if thread.visibility != "restricted":
        abort(404)
    page = Page.of(ReadLog.for_thread(thread), page_number(request.args), current_app.config["PAGE_SIZE"] * 2)
    return render_template("moderation/opened.html", thread=thread, page=page)


@bp.get("/posts/<int:post_id>/moderate")
def moderate_post(post_id):
    post, thread = get_post(post_id)
    return moderation_page(post, thread, RedactForm(formdata=None, post=post))


def moderation_page(post, thread, redact_form):
    return render_template(
        "moderation/post.html", post=post, thread=thread, redact_form=redact_form, THREAD_KINDS=THREAD_KINDS
    )


def back_to_post(post, message, category="success"):
    flash(message, category)
    return redirect(url_for("threads.show", thread_id=post.thread_id) + "#post-%d" % post.id, 303)


def refuse_on_post(post, message):
    flash(message, "error")
    return redirect(url_for(".moderate_post", post_id=post.id), 303)


@bp.post("/posts/<int:post_id>/<any(hide, unhide):change>")
def hide(post_id, change):
    post, thread = get_post(post_id)
    form = HideForm()
    try:
        if change == "unhide":
            moderation.unhide_post(post, current_user)
            return back_to_post(post, "The post is shown again.")
        if not form.validate():
            return refuse_on_post(post, form.first_error())
        moderation.hide_post(post, current_user, form.reason.data)
    except moderation.Conflict as conflict:
        return back_to_post(post, str(conflict), "info")
    return back_to_post(post, "The post is hidden. Others see that the steward hid it; you still see the text.")


@bp.post("/posts/<int:post_id>/redact")
def redact(post_id):
    """The text and reason go first to a page saying what will go for good; only its "Yes, redact" redacts.

    A POST, not a GET, brings that page: the text to remove must not sit in an address (history, proxy logs)."""
    post, thread = get_post(post_id)
    form = RedactForm(post=post)
    if not form.validate_on_submit():
        return moderation_page(post, thread, form), 422
    if not form.is_confirmed():
        return render_template("moderation/redact.html", post=post, thread=thread, form=form)
    try:
        moderation.redact(post, current_user, form.reason.data, [form.span.data] if form.span.data else ())
    except moderation.Conflict as conflict:
        form.span.errors.append(str(conflict))
        return moderation_page(post, thread, form), 422
    checkpoint()  # so the removed text is gone from the database file as well
    return back_to_post(post, "The text is redacted everywhere the portal kept it.")


@bp.post("/posts/<int:post_id>/move")
def move(post_id):
    post, thread = get_post(post_id)
    form = TargetForm("Enter the number of an existing thread to move the reply to.")
    if not form.validate():
        return refuse_on_post(post, form.first_error())
    target = form.chosen
    try:
        moderation.move_post(post, target, current_user)
    except moderation.Conflict as conflict:
        return refuse_on_post(post, str(conflict))
    return back_to_post(Post.get_by_id(post.id), "The reply is moved to “%s”." % target.title)


@bp.post("/posts/<int:post_id>/split")
def split(post_id):
    post, thread = get_post(post_id)
    form = SplitForm()
    if not form.validate():
        return refuse_on_post(post, form.first_error())
    try:
        moderation.split_post(post, current_user, form.kind.data, form.title.data)
    except moderation.Conflict as conflict:
        return refuse_on_post(post, str(conflict))
    return back_to_post(Post.get_by_id(post.id), "The reply starts a new thread now.")


@bp.get("/audit")
def audit():
    people, organisations, actions = logs.audit_choices()
    filters = logs.audit_filters(request.args, people, organisations, actions)
    page = logs.audit_page(filters, page_number(request.args), current_app.config["PAGE_SIZE"] * 2)
    return render(
        "moderation/audit.html",
        "results",
        page=page,
        filters=filters,
        people=people,
        organisations=organisations,
        actions=actions,
        describe=timeline.describe,
    )


@bp.get("/outbox")
def outbox_page():
    """E-mails that could not be sent, with why, and how many are waiting."""
    page, waiting, retrying = logs.outbox_pages(page_number(request.args), current_app.config["PAGE_SIZE"])
    return render_template("moderation/outbox.html", page=page, waiting=waiting, retrying=retrying)


@bp.post("/outbox/<int:message_id>/retry")
def retry_mail(message_id):
    if not Outbox.select().where(Outbox.id == message_id).exists():
        abort(404)
    if outbox.retry(message_id):
        flash("The e-mail will be sent again in a moment.", "success")
    else:
        flash("That e-mail is not marked as failed any more.", "info")
    return redirect(url_for(".outbox_page"), 303)


@bp.get("/retention")
def retention_page():
    """What the retention policy will have removed a month from now, so nothing goes by surprise."""
    threads = list(retention.due(now() + retention.MONTH).limit(500))
    return render_template("moderation/retention.html", threads=threads, settings=current_app.config)
