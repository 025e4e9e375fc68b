"""Who may see and do what: one function per question, and the query form of who may see a thread.

Views call these before acting; templates call them (as `may`) before showing a button. Every question is in the
permissions matrix (tests/test_permissions.py), which fails for a question it does not know.
"""

from peewee import fn

from .models import LIVE_STATUSES, CycleOrganisation, LearningCycle, Thread, ThreadAddressee


def is_steward(user):
    return user.is_authenticated and user.is_steward


def can_see_thread(user, thread):
    return (
        is_steward(user)
        or thread.visibility == "all"
        or thread.organisation_id == user.organisation_id
        or user.organisation_id in thread.addressed_ids()
    )


def visible_filter(user):
    """The query form of can_see_thread: the same rule for every list."""
    if is_steward(user):
        return Thread.id.is_null(False)
    # EXISTS, not IN: PostgreSQL then walks a list in order and looks each thread up, instead of sorting them all.
    addressed = ThreadAddressee.select(ThreadAddressee.id).where(
        (ThreadAddressee.thread == Thread.id) & (ThreadAddressee.organisation == user.organisation_id)
    )
    return (Thread.visibility == "all") | (Thread.organisation == user.organisation_id) | fn.EXISTS(addressed)


def can_reply(user, thread):
    return can_see_thread(user, thread) and (not thread.locked or is_steward(user))


def can_edit_post(user, post, thread):
    return can_reply(user, thread) and (post.author_id == user.id or is_steward(user))


def can_see_post_history(user, post, thread):
    """Everyone who may see the thread, but a hidden post's history is the steward's only."""
    return can_see_thread(user, thread) and (not post.hidden or is_steward(user))


def can_edit_title(user, thread):
    """As for posts: the thread's author while they may reply, and the steward."""
    return can_reply(user, thread) and (thread.author_id == user.id or is_steward(user))


def speaks_for_asker(user, thread):
    return is_steward(user) or thread.organisation_id == user.organisation_id


def can_resolve(user, thread):
    return thread.is_request and thread.status in LIVE_STATUSES and speaks_for_asker(user, thread)


def can_reopen(user, thread):
    return thread.is_request and thread.status in ("resolved", "closed") and speaks_for_asker(user, thread)


def can_see_person(user, person):
    """Who someone is (name, job title, organisation) and the work contact details they chose to show are for every
    partner, whoever the person is: a mention or a post's author links to it. Someone who has left stays, without
    contact details, so that their posts still say who wrote them."""
    return user.is_authenticated and person is not None


def can_manage_people(user):
    return is_steward(user)


def can_review_kept_details(user):
    """Details kept past the personal-data guard, with the writers' reasons, are for the steward alone."""
    return is_steward(user)


def can_tag_thread(user, thread):
    """Themes: the steward on any thread, members on their own organisation's threads."""
    return can_see_thread(user, thread) and (is_steward(user) or thread.organisation_id == user.organisation_id)


def can_close(user, thread):
    """Closing a request without it being resolved, with a reason: the steward's."""
    return thread.is_request and is_steward(user)


def can_track_request(user, thread):
    """Owner, follow-up date and addressees of a request: the steward keeps them."""
    return thread.is_request and is_steward(user)


def can_use_board_tools(user):
    """The steward's actions on the board's rows, and the "Owned by me" filter."""
    return is_steward(user)


def can_see_overview(user):
    """Where to look across the partnership (the quick filters' counts, who is waited on most) on home."""
    return is_steward(user)


def can_add_note(user, thread):
    """Notes on a thread that only stewards see."""
    return is_steward(user) and can_see_thread(user, thread)


def can_see_notes(user):
    return is_steward(user)


def can_see_hidden_reasons(user):
    """Why a post was hidden: the steward's; everyone else sees that it was."""
    return is_steward(user)


def can_moderate(user):
    """Hide, pin, lock, move, split, merge, link and redact; the audit log, the outbox and retention."""
    return is_steward(user)


def can_manage_barriers(user):
    """Record and edit barriers, their log and themes."""
    return is_steward(user)


def can_link_barriers(user):
    """Link a thread to a barrier."""
    return is_steward(user)


def can_manage_organisations(user):
    return is_steward(user)


def can_read_checkins_side_by_side(user):
    """One month's check-ins of every organisation on one page: the steward's, to read across the partnership."""
    return is_steward(user)


def can_see_attachment(user, attachment, post=None, thread=None):
    """A file on a post: everyone who may see the post's text (a hidden post's files are the steward's). A file on a
    service: everyone who may see services. A removed file is for nobody."""
    if attachment.removed:
        return False
    if attachment.service_id:
        return can_see_services(user)
    return can_see_thread(user, thread) and (not post.hidden or is_steward(user))


def can_attach(user, thread=None, service=None):
    """Files go with a new post (whoever may reply), or on a service (its keepers)."""
    return can_edit_service(user, service) if service is not None else can_reply(user, thread)


def can_remove_attachment(user, service=None):
    """Removing a file's content for good, with a reason: from a post, a redaction, the steward's; from a service,
    its keepers too."""
    return is_steward(user) or (service is not None and can_edit_service(user, service))


def can_see_services(user):
    """The services directory, each service and its rule's history are for every signed-in member."""
    return user.is_authenticated


def can_add_service(user):
    """Members add services for their own organisation; the steward for any."""
    return user.is_authenticated


def _keeps_service(user, service):
    return is_steward(user) or service.organisation_id == user.organisation_id


def can_edit_service(user, service):
    """A service is kept by its organisation's own members; the steward can edit any."""
    return _keeps_service(user, service)


def can_change_rule(user, service):
    """Who a service is for and how to refer: a new version, by its keepers."""
    return _keeps_service(user, service)


def can_confirm_service(user, service):
    """ "Still right? Confirm as it is": its keepers."""
    return _keeps_service(user, service)


def can_cite_service(user, thread):
    """Citing a service's current rule in a reply to a need or question."""
    return thread.is_request and can_reply(user, thread)


def can_read_past_checkins(user, organisation):
    """An organisation's check-ins, month by month. Every check-in is posted for all partners to read (an update
    thread seen by everyone), so its history is every partner's to read too."""
    return user.is_authenticated and organisation is not None


def can_remind_about_checkins(user):
    """Remind an organisation that has not sent this month's check-in."""
    return is_steward(user)


def can_see_cycle(user, cycle):
    """As for threads: every partner, or when restricted the organisations involved (and the one that started it)
    and the steward."""
    return (
        is_steward(user)
        or cycle.visibility == "all"
        or cycle.organisation_id == user.organisation_id
        or user.organisation_id in cycle.involved_ids()
    )


def cycle_visible_filter(user):
    """The query form of can_see_cycle, for every list of cycles."""
    if is_steward(user):
        return LearningCycle.id.is_null(False)
    involved = CycleOrganisation.select(CycleOrganisation.id).where(
        (CycleOrganisation.cycle == LearningCycle.id) & (CycleOrganisation.organisation == user.organisation_id)
    )
    return (
        (LearningCycle.visibility == "all") | (LearningCycle.organisation == user.organisation_id) | fn.EXISTS(involved)
    )


def can_start_cycle(user):
    """Any member, for their own organisation; the steward, for any."""
    return user.is_authenticated


def can_propose_cycle(user):
    """A member may propose a cycle for the steward to take on (the steward starts one instead)."""
    return user.is_authenticated and not is_steward(user)


def can_edit_cycle(user, cycle):
    """The steward, any; members of the organisation that started or proposed it, until a proposal is declined."""
    return can_see_cycle(user, cycle) and (
        is_steward(user) or (cycle.organisation_id == user.organisation_id and cycle.status != "declined")
    )


def can_add_cycle_entry(user, cycle):
    """A dated update: the steward, and members of the organisations involved, once the cycle is under way."""
    return (
        can_see_cycle(user, cycle)
        and cycle.status not in ("proposed", "declined")
        and (
            is_steward(user)
            or cycle.organisation_id == user.organisation_id
            or user.organisation_id in cycle.involved_ids()
        )
    )


def can_decide_cycle_proposal(user, cycle):
    """Accept a proposed cycle (it starts) or decline it with a reason the proposer sees: the steward's."""
    return is_steward(user) and cycle.status == "proposed"


def can_report_to_stewards_only(user):
    """The monthly report for stewards only, with the restricted threads that the partnership's report leaves out."""
    return is_steward(user)


def can_propose_barrier(user):
    """Every partner may propose a barrier for the register; the steward decides."""
    return user.is_authenticated


def can_decide_barrier_proposal(user):
    """Accept a proposed barrier into the register, merge it into one there, or decline it with a reason."""
    return is_steward(user)


def can_see_barrier_proposal(user, proposal):
    """A proposal is its organisation's and the steward's, until it joins the register."""
    return is_steward(user) or proposal.organisation_id == user.organisation_id
