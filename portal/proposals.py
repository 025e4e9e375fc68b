"""Barrier proposals: a partner proposes a barrier, and the steward accepts it into the register, merges it into a
barrier already there, or declines it with a reason. Each change is one transaction with its event and notices.
No Flask here."""

from .clock import now
from .db import database
from .learning import save_barrier
from .models import Barrier, BarrierProposal, User
from .notify import deliver
from .text import render_markdown
from .tracking import Conflict, record


def propose(actor, title, description=""):
    description = description or ""
    with database.atomic():
        proposal = BarrierProposal.create(
            title=title,
            description=description,
            description_html=render_markdown(description),
            proposer=actor,
            organisation=actor.organisation_id,
            created=now(),
        )
        record("barrier_proposed", actor, proposal=proposal.id, title=title)
        stewards = [s.id for s in User.stewards()]
        deliver(None, actor, dict.fromkeys(stewards, "barrier_proposed"), proposal=proposal.id, proposed=title)
    return proposal


def accept(proposal, actor):
    """The proposal joins the register as a new barrier, held by nobody yet."""
    with database.atomic():
        barrier = save_barrier(actor, proposal.title, proposal.description, [])
        _decide(proposal, actor, "accepted", barrier=barrier)
    return barrier


def merge(proposal, actor, barrier):
    """The proposal is a barrier already in the register: it joins that one's log."""
    with database.atomic():
        _decide(proposal, actor, "merged", barrier=barrier)
    return barrier


def decline(proposal, actor, reason):
    with database.atomic():
        _decide(proposal, actor, "declined", reason=reason)


def _decide(proposal, actor, status, barrier=None, reason=""):
    moment = now()
    changed = (
        BarrierProposal.update(status=status, barrier=barrier, reason=reason, decided_by=actor, decided_at=moment)
        .where((BarrierProposal.id == proposal.id) & (BarrierProposal.status == "proposed"))
        .execute()
    )
    if not changed:
        raise Conflict("This proposal was already decided.")
    barrier_data = {"barrier": barrier.id, "barrier_title": barrier.title} if barrier else {}
    record(
        "barrier_proposal_" + status, actor, proposal=proposal.id, title=proposal.title, reason=reason, **barrier_data
    )
    if barrier is not None:
        Barrier.update(updated=moment).where(Barrier.id == barrier.id).execute()
    deliver(
        None,
        actor,
        {proposal.proposer_id: "proposal_" + status},
        proposal=proposal.id,
        proposed=proposal.title,
        reason=reason,
        **barrier_data,
    )
