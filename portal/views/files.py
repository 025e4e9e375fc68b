"""Attachments: a file served to whoever may see its post, and the steward's removal of a file for good."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, stream_with_context, url_for
from flask_login import current_user

from .. import attachments, guard, rules, tracking
from ..db import checkpoint, database
from ..forms import RemoveAttachmentForm, ServiceFilesForm
from ..lists import services as listed_services
from ..lists.cycles import cycles_on_service
from ..models import Attachment
from ..web import get_post, require

bp = Blueprint("attachments", __name__)

# The file is shown as a document of its own: nothing in it may run, load anything or be framed.
FILE_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"


def get_attachment(attachment_id):
    """The attachment with its post and thread (or its service), or 404 when it is missing, removed or not this
    person's to see (all alike, so that a restricted file cannot be told from a missing one)."""
    attachment = Attachment.get_or_none(Attachment.id == attachment_id)
    if attachment is None or not (attachment.post_id or attachment.service_id):
        abort(404)
    if attachment.service_id:
        post, thread, service = None, None, listed_services.service(attachment.service_id)
    else:
        (post, thread), service = get_post(attachment.post_id), None
    if not rules.can_see_attachment(current_user, attachment, post, thread):
        abort(404)
    return attachment, post, thread, service


@bp.get("/files/<int:attachment_id>/<path:name>")
def download(attachment_id, name):
    attachment, _, _, _ = get_attachment(attachment_id)
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


@bp.get("/attachments/<int:attachment_id>/<path:name>")
def moved(attachment_id, name):
    """Where files were served until December 2026: moved for good to /files/, for the links already given out."""
    attachment, _, _, _ = get_attachment(attachment_id)
    return redirect(url_for(".download", attachment_id=attachment.id, name=attachment.name), 301)


@bp.route("/files/<int:attachment_id>/remove", methods=["GET", "POST"])
def remove(attachment_id):
    """A file removed for good, with a reason: a page says what goes, and only its "Yes" removes it."""
    attachment, post, thread, service = get_attachment(attachment_id)
    require(rules.can_remove_attachment(current_user, service))
    back = (
        url_for("services.show", service_id=service.id) + "#files"
        if service
        else url_for("threads.show", thread_id=thread.id) + "#post-%d" % post.id
    )
    form = RemoveAttachmentForm()
    if form.validate_on_submit() and form.is_confirmed():
        attachments.remove(attachment, current_user, form.reason.data)
        checkpoint()  # so the removed content is gone from the database file as well
        flash("The file is removed for good.", "success")
        return redirect(back, 303)
    status = 422 if form.is_submitted() and form.errors else 200
    page = render_template(
        "attachments/remove.html", attachment=attachment, post=post, service=service, form=form, back=back
    )
    return page, status


@bp.post("/services/<int:service_id>/attachments")
def add_to_service(service_id):
    """Files on a service page, by its keepers (a plain multipart form)."""
    require(rules.can_see_services(current_user))
    service = listed_services.service(service_id)
    if service is None:
        abort(404)
    require(rules.can_attach(current_user, service=service))
    form = ServiceFilesForm()
    if not form.validate_on_submit():
        files, cycles = listed_services.files(service.id), cycles_on_service(current_user, service.id)
        return render_template("services/show.html", service=service, files=files, files_form=form, cycles=cycles), 422
    with database.atomic():
        attachments.attach(form.uploads, current_user, service_id=service.id)
        if form.guard_findings():
            kinds = guard.kinds(form.guard_findings())
            tracking.record("personal_data_confirmed", current_user, None, service=service.id, kinds=kinds)
    flash("The file is attached." if len(form.uploads) == 1 else "The files are attached.", "success")
    return redirect(url_for("services.show", service_id=service.id) + "#files", 303)
