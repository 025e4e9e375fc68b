"""The system barriers register and the steward's list of themes."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN, fn

from .. import learning, rules
from ..forms import BarrierForm, BarrierLogForm, ThemeForm
from ..lists.cycles import cycles_on_barrier
from ..lists.pages import visible_threads
from ..lists.rows import attach_addressees
from ..models import (
    BARRIER_STATUSES,
    Barrier,
    BarrierHolder,
    BarrierLog,
    BarrierThread,
    Organisation,
    Theme,
    Thread,
    ThreadTheme,
    User,
)
from ..paging import Page, id_from, page_number
from ..tracking import Conflict
from ..web import get_visible_thread, require

bp = Blueprint("barriers", __name__)


def require_steward():
    require(rules.can_manage_barriers(current_user))


def get_barrier(barrier_id):
    barrier = Barrier.get_or_none(Barrier.id == barrier_id)
    if barrier is None:
        abort(404)
    return barrier


@bp.get("/barriers")
def index():
    """Every barrier with how often it recurs (the threads that show it) and where (their organisations)."""
    status = request.args.get("status") if request.args.get("status") in BARRIER_STATUSES else ""
    visible = visible_threads(current_user).select(Thread.id)
    recurs = fn.COUNT(BarrierThread.id).alias("recurs")
    query = (
        Barrier.select(Barrier, recurs)
        .join(
            BarrierThread, JOIN.LEFT_OUTER, on=(BarrierThread.barrier == Barrier.id) & BarrierThread.thread.in_(visible)
        )
        .group_by(Barrier)
        .order_by(recurs.desc(), Barrier.updated.desc())
    )
    if status:
        query = query.where(Barrier.status == status)
    page = Page.of(query, page_number(request.args), current_app.config["PAGE_SIZE"])
    where = places(page.items)
    return render_template(
        "barriers/index.html", page=page, status=status, where=where, BARRIER_STATUSES=BARRIER_STATUSES
    )


def places(barriers):
    """For each barrier: the organisations holding it and those whose (visible) threads show it, in two queries."""
    ids = [b.id for b in barriers]
    where = {i: {"holders": [], "seen_at": []} for i in ids}
    if not ids:
        return where
    for row in (
        BarrierHolder.select(BarrierHolder, Organisation).join(Organisation).where(BarrierHolder.barrier.in_(ids))
    ):
        where[row.barrier_id]["holders"].append(row.organisation.name)
    seen = (
        BarrierThread.select(BarrierThread.barrier, Organisation.name, fn.COUNT(Thread.id))
        .join(Thread)
        .join(Organisation)
        .where(BarrierThread.barrier.in_(ids) & rules.visible_filter(current_user) & Thread.merged_into.is_null())
        .group_by(BarrierThread.barrier, Organisation.name)
        .order_by(Organisation.name)
        .tuples()
    )
    for barrier_id, name, count in seen:
        where[barrier_id]["seen_at"].append((name, count))
    return where


@bp.get("/barriers/<int:barrier_id>")
def show(barrier_id):
    barrier = get_barrier(barrier_id)
    return show_page(barrier, BarrierLogForm(formdata=None, status=barrier.status))


def show_page(barrier, log_form, status=200):
    threads = list(
        visible_threads(current_user)
        .join(BarrierThread, on=(BarrierThread.thread == Thread.id))
        .where(BarrierThread.barrier == barrier.id)
        .order_by(Thread.created)
    )
    attach_addressees(threads)
    log = (
        BarrierLog.select(BarrierLog, User)
        .join(User)
        .where(BarrierLog.barrier == barrier.id)
        .order_by(BarrierLog.created.desc())
    )
    return render_template(
        "barriers/show.html",
        barrier=barrier,
        threads=threads,
        log=log,
        where=places([barrier])[barrier.id],
        cycles=cycles_on_barrier(current_user, barrier.id),
        log_form=log_form,
        BARRIER_STATUSES=BARRIER_STATUSES,
    ), status


@bp.route("/barriers/new", methods=["GET", "POST"])
def new():
    require_steward()
    return barrier_form(BarrierForm(), None)


@bp.route("/barriers/<int:barrier_id>/edit", methods=["GET", "POST"])
def edit(barrier_id):
    require_steward()
    barrier = get_barrier(barrier_id)
    holders = [row.organisation_id for row in BarrierHolder.select().where(BarrierHolder.barrier == barrier.id)]
    return barrier_form(BarrierForm(obj=barrier, holders=holders), barrier)


def barrier_form(form, barrier):
    if form.validate_on_submit():
        barrier = learning.save_barrier(
            current_user, form.title.data, form.description.data, form.holders.data, barrier
        )
        flash("The barrier is saved.", "success")
        return redirect(url_for(".show", barrier_id=barrier.id), 303)
    return render_template("barriers/edit.html", form=form, barrier=barrier), 422 if form.is_submitted() else 200


@bp.post("/barriers/<int:barrier_id>/log")
def log(barrier_id):
    require_steward()
    barrier = get_barrier(barrier_id)
    form = BarrierLogForm()
    if form.validate_on_submit():
        learning.log_barrier(barrier, current_user, form.note.data, form.status.data)
        flash("The log is updated.", "success")
        return redirect(url_for(".show", barrier_id=barrier.id), 303)
    return show_page(barrier, form, 422)


def link_thread(barrier, thread):
    try:
        learning.link_barrier(barrier, thread, current_user)
        flash("“%s” now shows the barrier “%s”." % (thread.title, barrier.title), "success")
    except Conflict as conflict:
        flash(str(conflict), "info")


@bp.post("/barriers/<int:barrier_id>/threads")
def link(barrier_id):
    require_steward()
    barrier = get_barrier(barrier_id)
    thread_id = id_from(request.form.get("thread"))
    thread = Thread.listing().where(Thread.id == thread_id).first() if thread_id else None
    if thread is None:
        flash("Enter the number of an existing thread.", "error")
    else:
        link_thread(barrier, thread)
    return redirect(url_for(".show", barrier_id=barrier.id), 303)


@bp.post("/threads/<int:thread_id>/barriers")
def link_from_thread(thread_id):
    require_steward()
    thread = get_visible_thread(thread_id)
    barrier_id = id_from(request.form.get("barrier"))
    barrier = Barrier.get_or_none(Barrier.id == barrier_id) if barrier_id else None
    if barrier is None:
        flash("Choose a barrier from the list.", "error")
    else:
        link_thread(barrier, thread)
    return redirect(url_for("threads.show", thread_id=thread.id) + "#learning", 303)


@bp.post("/barriers/<int:barrier_id>/threads/<int:thread_id>/remove")
def unlink(barrier_id, thread_id):
    require_steward()
    barrier, thread = get_barrier(barrier_id), get_visible_thread(thread_id)
    try:
        learning.unlink_barrier(barrier, thread, current_user)
        flash("“%s” no longer shows this barrier." % thread.title, "success")
    except Conflict as conflict:
        flash(str(conflict), "info")
    return redirect(url_for(".show", barrier_id=barrier.id), 303)


@bp.route("/themes", methods=["GET", "POST"])
def themes():
    require_steward()
    form = ThemeForm()
    if form.validate_on_submit():
        learning.save_theme(current_user, form.name.data)
        flash("The theme “%s” is added." % form.name.data, "success")
        return redirect(url_for(".themes"), 303)
    uses = fn.COUNT(ThreadTheme.id).alias("uses")
    listing = Theme.select(Theme, uses).join(ThreadTheme, JOIN.LEFT_OUTER).group_by(Theme).order_by(Theme.name)
    return render_template("barriers/themes.html", form=form, themes=listing), 422 if form.is_submitted() else 200


@bp.post("/themes/<int:theme_id>")
def theme_edit(theme_id):
    require_steward()
    theme = Theme.get_or_none(Theme.id == theme_id)
    if theme is None:
        abort(404)
    active = request.form.get("active") == "on"
    learning.save_theme(current_user, theme.name, theme, active=active)
    flash("“%s” is %s." % (theme.name, "back in use" if active else "retired: it stays on old threads"), "success")
    return redirect(url_for(".themes"), 303)
