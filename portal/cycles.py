"""Learning cycles: starting, proposing, editing, deciding a proposal and dated entries, each change one
transaction with its event. No Flask here."""

from .clock import now
from .db import database
from .models import CycleBarrier, CycleEntry, CycleOrganisation, CycleRule, CycleThread, LearningCycle
from .text import render_markdown
from .tracking import record

TEXTS = ("noticed", "trying", "learned", "changed")  # the Markdown fields, each kept with its sanitised HTML
FIELDS = ("title", "trying_by", "trying_from", "changed_on", "review_on", "visibility")


def _columns(fields):
    columns = {name: fields[name] for name in FIELDS}
    columns["trying_by"] = fields["trying_by"] or ""
    for name in TEXTS:
        columns[name] = fields[name] or ""
        columns[name + "_html"] = render_markdown(columns[name]) if columns[name] else ""
    return columns


def _set_links(cycle_id, organisation_ids, thread_ids, barrier_ids, rule_ids):
    for model, column, ids in (
        (CycleOrganisation, CycleOrganisation.organisation, organisation_ids),
        (CycleThread, CycleThread.thread, thread_ids),
        (CycleBarrier, CycleBarrier.barrier, barrier_ids),
        (CycleRule, CycleRule.rule, rule_ids),
    ):
        model.delete().where(model.cycle == cycle_id).execute()
        rows = [{"cycle": cycle_id, column.name: one} for one in sorted(set(ids))]
        if rows:
            model.insert_many(rows).execute()


def start_cycle(actor, fields, organisation_ids, thread_ids, barrier_ids, propose=False, rule_ids=()):
    """A new cycle, started by `actor` for their organisation (which is always involved), or proposed to the
    steward (status "proposed")."""
    moment = now()
    involved = set(organisation_ids) | {actor.organisation_id}
    with database.atomic():
        cycle = LearningCycle.create(
            organisation=actor.organisation_id,
            author=actor.id,
            status="proposed" if propose else "noticing",
            created=moment,
            updated=moment,
            **_columns(fields),
        )
        _set_links(cycle.id, involved, thread_ids, barrier_ids, rule_ids)
        record("cycle_proposed" if propose else "cycle_started", actor, cycle=cycle.id, title=cycle.title)
    return cycle


def edit_cycle(cycle, actor, fields, organisation_ids, thread_ids, barrier_ids, rule_ids=()):
    moment = now()
    involved = set(organisation_ids) | {cycle.organisation_id}
    with database.atomic():
        LearningCycle.update(updated=moment, **_columns(fields)).where(LearningCycle.id == cycle.id).execute()
        _set_links(cycle.id, involved, thread_ids, barrier_ids, rule_ids)
        record("cycle_edited", actor, cycle=cycle.id, before=cycle.title, after=fields["title"])


def add_entry(cycle, actor, note, status=None, review_on=None):
    """A dated update, with a change of status when `status` differs and a new review date when given."""
    moment = now()
    with database.atomic():
        before = LearningCycle.select(LearningCycle.status).where(LearningCycle.id == cycle.id).scalar()
        after = status if status and status != before else None
        CycleEntry.create(
            cycle=cycle.id,
            author=actor.id,
            note=note,
            note_html=render_markdown(note),
            status_before=before if after else None,
            status_after=after,
            created=moment,
        )
        changes = {"status": after or before, "updated": moment}
        if review_on:
            changes["review_on"] = review_on
        if after == "embedded":
            changes["embedded_at"] = moment
        LearningCycle.update(**changes).where(LearningCycle.id == cycle.id).execute()
        record(
            "cycle_entry", actor, cycle=cycle.id, before=before, after=after or before, review_on=str(review_on or "")
        )


def decide(cycle, actor, accept, reason=""):
    """The steward's answer to a proposal: accepted, it starts noticing; declined, the reason is kept and shown."""
    moment = now()
    with database.atomic():
        changed = (
            LearningCycle.update(
                status="noticing" if accept else "declined",
                decline_reason=None if accept else reason,
                updated=moment,
            )
            .where((LearningCycle.id == cycle.id) & (LearningCycle.status == "proposed"))
            .execute()
        )
        if changed:
            record("cycle_accepted" if accept else "cycle_declined", actor, cycle=cycle.id, reason=reason or None)
    return bool(changed)
