"""Attachments: a file served to whoever may see its post, and the steward's removal of a file for good."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, stream_with_context, url_for
from flask_login import current_user

from .. import attachments, rules
from ..db import checkpoint
from ..forms import RemoveAttachmentForm
from ..models import Attachment
from ..web import get_post, require

bp = Blueprint("attachments", __name__)

# The file is shown as a document of its own: nothing in it may run, load anything or be framed.
FILE_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"


def get_attachment(attachment_id):
    """The attachment with its post and thread, or 404 when it is missing, removed or not this person's to see
    (all alike, so that a restricted file cannot be told from a missing one)."""
    attachment = Attachment.get_or_none(Attachment.id == attachment_id)
    if attachment is None or attachment.post_id is None:
        abort(404)
    post, thread = get_post(attachment.post_id)
    if not rules.can_see_attachment(current_user, attachment, post, thread):
        abort(404)
    return attachment, post, thread


@bp.get("/attachments/<int:attachment_id>/<path:name>")
def download(attachment_id, name):
    attachment, _, _ = get_attachment(attachment_id)
    if name != attachment.name:
        return redirect(url_for(".download", attachment_id=attachment.id, name=attachment.name), 301)
    content_type = attachment.content_type + ("; charset=utf-8" if attachment.content_type == "text/plain" else "")
    # streamed a chunk at a time; the request (and its database connection) lasts until the last chunk is sent
    body = stream_with_context(attachments.content(attachment))
    response = current_app.response_class(body, content_type=content_type, direct_passthrough=True)
    response.headers["Content-Length"] = str(attachment.size)
    response.headers["Content-Disposition"] = attachments.disposition(attachment)
    response.headers["Content-Security-Policy"] = FILE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@bp.route("/attachments/<int:attachment_id>/remove", methods=["GET", "POST"])
def remove(attachment_id):
    """The steward removes a file for good, with a reason: a page says what goes, and only its "Yes" removes it."""
    attachment, post, thread = get_attachment(attachment_id)
    require(rules.can_remove_attachment(current_user))
    form = RemoveAttachmentForm()
    if form.validate_on_submit() and form.is_confirmed():
        attachments.remove(attachment, current_user, form.reason.data)
        checkpoint()  # so the removed content is gone from the database file as well
        flash("The file is removed for good.", "success")
        return redirect(url_for("threads.show", thread_id=thread.id) + "#post-%d" % post.id, 303)
    status = 422 if form.is_submitted() and form.errors else 200
    page = render_template("attachments/remove.html", attachment=attachment, post=post, thread=thread, form=form)
    return page, status
