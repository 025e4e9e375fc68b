"""Barrier proposals: a page of those a person may see (the steward's: every one, those waiting first), in one
query with the people and the barrier each names."""

from peewee import JOIN, Case

from .. import rules
from ..models import Barrier, BarrierProposal, Organisation, User
from ..paging import Page

Decider = User.alias()


def with_people():
    return (
        BarrierProposal.select(
            BarrierProposal,
            User.id,
            User.name,
            Organisation.id,
            Organisation.name,
            Barrier.id,
            Barrier.title,
            Decider.id,
            Decider.name,
        )
        .join(User, on=(BarrierProposal.proposer == User.id), attr="proposer")
        .switch(BarrierProposal)
        .join(Organisation, attr="organisation")
        .switch(BarrierProposal)
        .join(Barrier, join_type=JOIN.LEFT_OUTER, attr="barrier")
        .switch(BarrierProposal)
        .join(Decider, join_type=JOIN.LEFT_OUTER, on=(BarrierProposal.decided_by == Decider.id), attr="decided_by")
    )


def proposal_with_people(proposal_id):
    return with_people().where(BarrierProposal.id == proposal_id).first()


def proposal_page(viewer, number, size):
    query = with_people()
    if not rules.can_decide_barrier_proposal(viewer):
        query = query.where(BarrierProposal.organisation == viewer.organisation_id)
    waiting_first = Case(None, [(BarrierProposal.status == "proposed", 0)], 1)
    return Page.of(
        query.order_by(waiting_first, BarrierProposal.created.desc(), BarrierProposal.id.desc()), number, size
    )


def waiting_count():
    """How many proposals wait for the steward's decision."""
    return BarrierProposal.select().where(BarrierProposal.status == "proposed").count()
