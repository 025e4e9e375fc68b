"""What changed: a post's history, with the words each edit changed, and changing a thread's title."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block

from .. import revisions, rules, tracking
from ..db import database
from ..forms import TitleForm
from ..htmx import wants_fragment
from ..models import User
from ..responses import note_confirmed_details
from ..web import get_post, get_visible_thread

bp = Blueprint("edits", __name__)


@bp.get("/posts/<int:post_id>/history")
def post_history(post_id):
    post, thread = get_post(post_id)
    if not rules.can_see_post_history(current_user, post, thread):
        abort(404)  # a hidden post's history is not to be known of, like the post's text
    author = User.select(User.id, User.name).where(User.id == post.author_id).get()
    return render_template(
        "threads/history.html", post=post, author=author, thread=thread, versions=revisions.history(post, author)
    )


@bp.route("/threads/<int:thread_id>/title", methods=["GET", "POST"])
def edit_title(thread_id):
    thread = get_visible_thread(thread_id)
    if not rules.can_edit_title(current_user, thread):
        abort(403)
    form = TitleForm(obj=thread)
    if form.validate_on_submit():
        with database.atomic():  # the title and what it kept past the guard stand or fall together
            changed = tracking.retitle(thread, current_user, form.title.data)
            if changed:
                note_confirmed_details(form, thread, None)
        if changed:
            flash("The title is changed. Its earlier versions are in the thread’s timeline.", "success")
        done = url_for("threads.show", thread_id=thread.id)
        if wants_fragment():  # the form alone was sent: the page it belongs to is loaded afresh
            return "", 200, {"HX-Location": done}
        return redirect(done, 303)
    status = 422 if form.is_submitted() else 200
    if wants_fragment():
        return render_block("threads/edit_title.html", "title_form", form=form, thread=thread), status
    return render_template("threads/edit_title.html", form=form, thread=thread), status
