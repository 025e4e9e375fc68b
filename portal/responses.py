"""Answers that several views give: a thread page (also after a form on it fails), the result of an action on a
request (the changed board row or thread header with htmx, or a redirect back), and the note of details kept past
the personal-data guard."""

from urllib.parse import parse_qs, urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from peewee import fn

from . import guard, overrides, timeline, tracking
from .forms import ReplyForm
from .htmx import render, wants_fragment
from .lists import board, cache
from .lists.threads import learning_context
from .models import Event, User
from .paging import page_number
from .web import back_or, get_visible_thread


def show_thread(thread, reply_form, status=200, first_unread=None, **context):
    """The thread page (or, with htmx, its next page of posts)."""
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
        **learning_context(current_user, thread) if number == 1 else {},
        **context,
    ), status


def quick_filters(back):
    """The board's quick filters with their counts afresh, to replace those on the board at `back` after an
    action."""
    show = parse_qs(urlsplit(back or "").query).get("show", [""])[0]
    cache.after_change()
    return render_block(
        "board/index.html",
        "quick_filters",
        counts=board.counts(current_user),
        filters={"show": show},
        SHOWS=board.shows(),
        oob=True,
    )


def latest_event_id():
    return Event.select(fn.MAX(Event.id)).scalar() or 0


def respond(thread, last_event_id, message, category="success"):
    """After an action: the changed row or header (htmx), or back where the person came from."""
    if wants_fragment():
        if request.form.get("view") == "row":
            row = board.board_row(current_user, thread.id)
            return render_block(
                "board/index.html",
                "row",
                thread=row,
                gone=None if row else thread,
                message=message,
                category=category,
                today=board.today(),
                owners=list(User.stewards()),
                tools_open=True,
            ) + quick_filters(request.form.get("next"))
        fresh = get_visible_thread(thread.id)
        events = timeline.events_for(fresh, current_user, after_id=last_event_id)
        return render_block(
            "threads/show.html",
            "action_done",
            thread=fresh,
            items=timeline.merge([], events),
            message=message,
            category=category,
            form=ReplyForm(formdata=None),
            reply_oob=True,
            live_oob=True,
            has_next=False,
            tools_open=True,
        )
    flash(message, category)
    return redirect(back_or(url_for("threads.show", thread_id=thread.id)), 303)


def act(thread, change, message):
    """Run `change()`; a Conflict becomes a clear message with the fresh state, never a second event."""
    before = latest_event_id()
    try:
        change()
    except tracking.Conflict as conflict:
        return respond(thread, before, str(conflict), "info")
    return respond(thread, before, message)


def refuse(thread, message):
    """Bad input from a small action form: say why, keep the page as it was."""
    if wants_fragment():
        headers = {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
        return render_template("_message.html", message=message, category="error"), 422, headers
    flash(message, "error")
    return redirect(back_or(url_for("threads.show", thread_id=thread.id)), 303)


def refuse_closing(thread, closing):
    """A close without a reason: the close form again, what was sent kept, the problem said next to its field."""
    if request.form.get("view") == "row":
        context = {"thread": board.board_row(current_user, thread.id), "owners": list(User.stewards())}
        if wants_fragment():
            return render_block(
                "board/index.html", "row", today=board.today(), tools_open=True, closing=closing, **context
            ), 422
        return render_template(
            "board/tools.html", back=back_or(url_for("board.index")), closing=closing, **context
        ), 422
    fresh = get_visible_thread(thread.id)
    if wants_fragment():
        return render_block("threads/show.html", "header", thread=fresh, tools_open=True, closing=closing), 422
    return show_thread(fresh, ReplyForm(formdata=None), 422, tools_open=True, closing=closing)


def note_confirmed_details(form, thread, post_id):
    """A post or title kept with details the guard flagged: ticked ones are an event in the audit log; ones that
    identify someone outright go, with the writer's reason, to the steward's list."""
    found = form.guard_findings()
    if form.reason_needed:
        in_post = bool(form.check_of("body").found or form.check_of("attachments").found)
        in_title = bool(form.check_of("title").found)
        overrides.keep(current_user, thread, post_id if in_post else None, in_title, found, form.keep_reason.data)
    elif found:
        tracking.record("personal_data_confirmed", current_user, thread, post=post_id, kinds=guard.kinds(found))
