"""Learning cycles: the list, starting or proposing one, a cycle's page, editing, dated entries, the steward's
decision on a proposal, and the learning dashboard's view of waits before and after each change."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import charts, cycles, rules, search
from ..forms import CycleDecisionForm, CycleEntryForm, CycleForm
from ..lists import cycles as cycle_lists
from ..models import CYCLE_STATUSES
from ..paging import page_number
from ..web import require

bp = Blueprint("cycles", __name__)


def get_cycle(cycle_id):
    """The cycle, or 404 when it does not exist or this person may not know it does."""
    cycle = cycle_lists.visible_cycle(current_user, cycle_id)
    if cycle is None:
        abort(404)
    return cycle


@bp.get("/cycles")
def index():
    status = request.args.get("status") if request.args.get("status") in CYCLE_STATUSES else ""
    text = " ".join(request.args.get("q", "").split())[: search.MAX_QUERY]
    words = search.words(text)
    page = cycle_lists.cycle_page(
        current_user, status, words, page_number(request.args), current_app.config["PAGE_SIZE"]
    )
    return render_template(
        "cycles/index.html",
        page=page,
        status=status,
        text=text,
        today=cycle_lists.today(),
        CYCLE_STATUSES=CYCLE_STATUSES,
    )


@bp.route("/cycles/new", methods=["GET", "POST"])
def new():
    require(rules.can_start_cycle(current_user))
    form = CycleForm()
    if form.validate_on_submit() and threads_seen(form):
        propose = request.form.get("action") == "propose" and rules.can_propose_cycle(current_user)
        links = (form.organisations.data, form.threads.data, form.barriers.data)
        cycle = cycles.start_cycle(current_user, form.fields(), *links, propose, form.rules.data)
        flash("Your proposal is with the systems steward." if propose else "The learning cycle is started.", "success")
        return redirect(url_for(".show", cycle_id=cycle.id), 303)
    return render_template("cycles/edit.html", form=form, cycle=None), 422 if form.is_submitted() else 200


def threads_seen(form):
    """Whether every thread number in the form is a thread this person may see; if not, says so by the field."""
    missing = cycle_lists.missing_threads(current_user, form.threads.data)
    if missing:
        form.threads.errors = ["There is no thread %s that you can see" % ", ".join("#%d" % t for t in missing)]
    return not missing


@bp.get("/cycles/<int:cycle_id>")
def show(cycle_id):
    cycle = get_cycle(cycle_id)
    return show_page(cycle, CycleEntryForm(formdata=None, status=cycle.status), CycleDecisionForm(formdata=None))


def show_page(cycle, entry_form, decision_form, status=200):
    return render_template(
        "cycles/show.html",
        cycle=cycle,
        entry_form=entry_form,
        decision_form=decision_form,
        today=cycle_lists.today(),
        CYCLE_STATUSES=CYCLE_STATUSES,
        **cycle_lists.details(current_user, cycle),
    ), status


@bp.route("/cycles/<int:cycle_id>/edit", methods=["GET", "POST"])
def edit(cycle_id):
    cycle = get_cycle(cycle_id)
    require(rules.can_edit_cycle(current_user, cycle))
    organisations, threads, barriers, rule_ids = cycle_lists.linked_ids(cycle)
    form = CycleForm(obj=cycle, organisations=organisations, threads=threads, barriers=barriers, rules=rule_ids)
    if form.validate_on_submit() and threads_seen(form):
        links = (form.organisations.data, form.threads.data, form.barriers.data, form.rules.data)
        cycles.edit_cycle(cycle, current_user, form.fields(), *links)
        flash("The learning cycle is saved.", "success")
        return redirect(url_for(".show", cycle_id=cycle.id), 303)
    return render_template("cycles/edit.html", form=form, cycle=cycle), 422 if form.is_submitted() else 200


@bp.post("/cycles/<int:cycle_id>/entries")
def add_entry(cycle_id):
    cycle = get_cycle(cycle_id)
    require(rules.can_add_cycle_entry(current_user, cycle))
    form = CycleEntryForm()
    if form.validate_on_submit():
        cycles.add_entry(cycle, current_user, form.note.data, form.status.data, form.review_on.data)
        flash("The entry is added.", "success")
        return redirect(url_for(".show", cycle_id=cycle.id, _anchor="entries"), 303)
    return show_page(cycle, form, CycleDecisionForm(formdata=None), 422)


@bp.post("/cycles/<int:cycle_id>/decision")
def decide(cycle_id):
    cycle = get_cycle(cycle_id)
    require(rules.can_decide_cycle_proposal(current_user, cycle))
    form = CycleDecisionForm()
    if form.validate_on_submit():
        accept = form.decision.data == "accept"
        if cycles.decide(cycle, current_user, accept, form.reason.data):
            flash("The cycle is started." if accept else "The proposal is declined.", "success")
        else:
            flash("Someone already decided on this proposal.", "info")
        return redirect(url_for(".show", cycle_id=cycle.id), 303)
    return show_page(cycle, CycleEntryForm(formdata=None, status=cycle.status), form, 422)


@bp.get("/learning/cycles")
def waits():
    """The learning dashboard's view of each cycle: how long requests of its kind waited before and after."""
    rows = cycle_lists.waits(current_user)
    picture = charts.bar_chart(
        "Median days to a first response, before and after each change",
        [row["cycle"].title for row in rows if row["changed"]],
        [
            ("Before", [row["before"]["median_days"] for row in rows if row["changed"]]),
            ("After", [row["after"]["median_days"] for row in rows if row["changed"]]),
        ],
        unit=("day", "days"),
    )
    return render_template("cycles/waits.html", rows=rows, picture=picture, CYCLE_STATUSES=CYCLE_STATUSES)
