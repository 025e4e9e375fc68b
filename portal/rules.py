"""Who may see and do what: one function per question, and the query form of who may see a thread.

Views call these before acting; templates call them (as `may`) before showing a button. Every question is in the
permissions matrix (tests/test_permissions.py), which fails for a question it does not know.
"""

from peewee import fn

from .models import LIVE_STATUSES, Thread, ThreadAddressee


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


def can_see_contact_cards(user):
    """Who someone is (name, organisation, role) is for every partner: a mention links to it."""
    return user.is_authenticated


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


def can_read_all_checkins(user):
    """Every organisation's check-ins side by side, and the nudge to those not yet in."""
    return is_steward(user)


def can_see_attachment(user, attachment, post, thread):
    """A file on a post: everyone who may see the post's text (a hidden post's files are the steward's); a removed
    file is for nobody."""
    return not attachment.removed and can_see_thread(user, thread) and (not post.hidden or is_steward(user))


def can_attach(user, thread):
    """Files go with a new post: whoever may reply."""
    return can_reply(user, thread)


def can_remove_attachment(user):
    """Removing a file's content for good, with a reason, is a redaction: the steward's."""
    return is_steward(user)
