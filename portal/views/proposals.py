"""Barrier proposals: partners propose a barrier, the steward accepts, merges or declines each."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import proposals, rules
from ..forms import BarrierProposalForm, ProposalDecisionForm
from ..lists.proposals import proposal_page, proposal_with_people
from ..models import PROPOSAL_STATUSES
from ..paging import page_number
from ..tracking import Conflict
from ..web import require

bp = Blueprint("proposals", __name__)


def get_proposal(proposal_id):
    """The proposal, or 404 when there is none or it is another organisation's (its existence is theirs)."""
    proposal = proposal_with_people(proposal_id)
    if proposal is None or not rules.can_see_barrier_proposal(current_user, proposal):
        abort(404)
    return proposal


@bp.route("/barriers/propose", methods=["GET", "POST"])
def new():
    require(rules.can_propose_barrier(current_user))
    form = BarrierProposalForm()
    if form.validate_on_submit():
        proposal = proposals.propose(current_user, form.title.data, form.description.data)
        flash("Thank you: the steward will look at the barrier you proposed.", "success")
        return redirect(url_for(".show", proposal_id=proposal.id), 303)
    return render_template("proposals/new.html", form=form), 422 if form.is_submitted() else 200


@bp.get("/barriers/proposals")
def index():
    """The steward's: every proposal, those waiting first; a member's: their organisation's."""
    page = proposal_page(current_user, page_number(request.args), current_app.config["PAGE_SIZE"])
    return render_template("proposals/index.html", page=page, PROPOSAL_STATUSES=PROPOSAL_STATUSES)


@bp.get("/barriers/proposals/<int:proposal_id>")
def show(proposal_id):
    proposal = get_proposal(proposal_id)
    return show_page(proposal, ProposalDecisionForm(formdata=None))


def show_page(proposal, form, status=200):
    return render_template(
        "proposals/show.html", proposal=proposal, form=form, PROPOSAL_STATUSES=PROPOSAL_STATUSES
    ), status


@bp.post("/barriers/proposals/<int:proposal_id>/decide")
def decide(proposal_id):
    proposal = get_proposal(proposal_id)
    require(rules.can_decide_barrier_proposal(current_user))
    form = ProposalDecisionForm()
    if not form.validate_on_submit():
        return show_page(proposal, form, 422)
    try:
        if form.decision.data == "accept":
            barrier = proposals.accept(proposal, current_user)
            flash("“%s” is in the register now." % barrier.title, "success")
            return redirect(url_for("barriers.show", barrier_id=barrier.id), 303)
        if form.decision.data == "merge":
            barrier = proposals.merge(proposal, current_user, form.chosen_barrier())
            flash("The proposal is merged into “%s”." % barrier.title, "success")
            return redirect(url_for("barriers.show", barrier_id=barrier.id), 303)
        proposals.decline(proposal, current_user, form.reason.data)
        flash("The proposal is declined; %s will see your reason." % proposal.proposer.name, "success")
    except Conflict as conflict:
        flash(str(conflict), "info")
    return redirect(url_for(".show", proposal_id=proposal.id), 303)
