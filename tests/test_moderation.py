"""The steward's moderation: pin, lock, hide, edit, move, split, merge, link; and the audit log."""

from datetime import timedelta

import pytest

from portal import clock, moderation, tracking
from portal.models import Event, Notification, Post, PostRevision, Thread, ThreadLink

from .builders import make_org, make_request, make_steward, make_thread, make_user


@pytest.fixture
def steward():
    return make_steward(name="Sam Steward")


def post_ids(thread):
    return [p.id for p in Post.select().where(Post.thread == thread.id).order_by(Post.created, Post.id)]


def test_pinned_threads_lead_their_lists(as_person, steward):
    author = make_user()
    pinned = make_thread(author, title="Pinned one")
    make_thread(author, title="Newer one")
    client = as_person(steward)
    assert client.post("/threads/%d/pin" % pinned.id, data={"value": "on"}).status_code == 303
    page = client.get("/threads").text
    assert page.index("Pinned one") < page.index("Newer one")
    client.post("/threads/%d/pin" % pinned.id, data={"value": "off"})
    page = client.get("/threads").text
    assert page.index("Newer one") < page.index("Pinned one")
    actions = [e.action for e in Event.select().where(Event.thread == pinned.id).order_by(Event.id)]
    assert actions == ["thread_started", "pinned_on", "pinned_off"]


def test_locking_stops_replies_and_says_so(as_person, steward):
    author = make_user()
    thread = make_thread(author)
    client = as_person(steward)
    response = client.post("/threads/%d/lock" % thread.id, data={"value": "on"}, headers={"HX-Request": "true"})
    assert "This thread is locked by the steward" in response.text
    assert 'id="reply-area" hx-swap-oob="true"' in response.text
    member = as_person(author)
    page = member.get("/threads/%d" % thread.id).text
    assert "This thread is locked by the steward: no new replies." in page and "Send reply" not in page
    assert member.post("/threads/%d/reply" % thread.id, data={"body": "Let me in"}).status_code == 403
    client.post("/threads/%d/lock" % thread.id, data={"value": "off"})
    assert member.post("/threads/%d/reply" % thread.id, data={"body": "Thanks"}).status_code == 303


def test_hidden_post_shows_a_notice_to_others_and_the_text_to_the_steward(as_person, steward):
    author = make_user()
    thread = make_thread(author)
    reply = tracking.reply(thread, make_user(), "Something unkind")
    client = as_person(steward)
    assert client.post("/posts/%d/hide" % reply.id, data={"reason": ""}).headers["Location"].endswith("/moderate")
    client.post("/posts/%d/hide" % reply.id, data={"reason": "Not kind"})
    again = client.post("/posts/%d/hide" % reply.id, data={"reason": "Twice"}, follow_redirects=True)
    assert "This post is already hidden." in again.text
    other = as_person(author).get("/threads/%d" % thread.id).text
    assert "This post was hidden by the steward." in other and "Something unkind" not in other
    own = client.get("/threads/%d" % thread.id).text
    assert "Something unkind" in own and "Reason: Not kind" in own
    assert "Sam Steward hid a post ·" in other and "Not kind" not in other  # the reason is for stewards
    assert "Sam Steward hid a post (Not kind)" in own
    client.post("/posts/%d/unhide" % reply.id)
    assert "Something unkind" in as_person(author).get("/threads/%d" % thread.id).text
    assert Event.select().where(Event.action == "post_hidden").count() == 1


def test_steward_edits_any_post_and_the_revision_names_the_steward(as_person, steward):
    thread = make_thread(make_user(), body="Original words")
    post = Post.get()
    client = as_person(steward)
    assert client.post("/posts/%d/edit" % post.id, data={"body": "Tidied words"}).status_code == 303
    revision = PostRevision.get()
    assert revision.body == "Original words" and revision.editor_id == steward.id
    page = client.get("/threads/%d" % thread.id).text
    assert "Sam Steward edited a post" in page
    assert "Edited by the systems steward" in page
    assert (
        "Edited by <strong>the systems steward</strong> (Sam Steward)" in client.get("/posts/%d/history" % post.id).text
    )


def test_move_a_reply_keeps_every_post_once_and_records_both_sides(as_person, steward):
    author = make_user()
    source, target = make_thread(author, title="Source"), make_thread(author, title="Target")
    reply = tracking.reply(source, author, "Belongs elsewhere")
    client = as_person(steward)
    assert "Move the reply" in client.get("/posts/%d/moderate" % reply.id).text
    response = client.post("/posts/%d/move" % reply.id, data={"target": "#%d" % target.id})
    assert response.headers["Location"] == "/threads/%d#post-%d" % (target.id, reply.id)
    assert post_ids(target)[-1] == reply.id and reply.id not in post_ids(source)
    assert (Thread.get_by_id(source.id).post_count, Thread.get_by_id(target.id).post_count) == (1, 2)
    assert "moved a reply here from “Source”" in client.get("/threads/%d" % target.id).text
    assert "moved a reply to “Target”" in client.get("/threads/%d" % source.id).text
    assert Post.select().count() == 3


@pytest.mark.parametrize("case", ["itself", "first post", "unknown", "invisible"])
def test_moving_a_post_where_it_cannot_go_is_refused(as_person, steward, case):
    charity, other = make_org(), make_org()
    author = make_user(charity)
    source = make_thread(author, title="Source")
    reply = tracking.reply(source, author, "A reply")
    hidden_from_author = make_request(make_user(other), [make_org()], visibility="restricted")
    post, target, message = {
        "itself": (reply, source.id, "already in this thread"),
        "first post": (Post.get(Post.thread == source.id, Post.id != reply.id), hidden_from_author.id, "merge the"),
        "unknown": (reply, 999999, "Enter the number of an existing thread"),
        "invisible": (reply, hidden_from_author.id, "cannot go there"),
    }[case]
    response = as_person(steward).post("/posts/%d/move" % post.id, data={"target": target}, follow_redirects=True)
    assert message in response.text
    assert Post.get_by_id(post.id).thread_id == source.id


def test_split_a_reply_into_a_new_request(as_person, steward):
    charity, council = make_org(), make_org(kind="local_authority")
    source = make_request(make_user(charity), [council], title="Big question")
    reply = tracking.reply(source, make_user(charity), "And also: a new need")
    response = as_person(steward).post("/posts/%d/split" % reply.id, data={"kind": "need", "title": "The new need"})
    new = Thread.get(Thread.title == "The new need")
    assert response.headers["Location"] == "/threads/%d#post-%d" % (new.id, reply.id)
    assert (new.kind, new.status, new.organisation_id, new.post_count) == ("need", "open", charity.id, 1)
    assert new.addressed_ids() == {council.id}
    assert post_ids(new) == [reply.id] and Thread.get_by_id(source.id).post_count == 1
    assert {e.action for e in Event.select().where(Event.action.startswith("split"))} == {"split_in", "split_out"}
    bad = as_person(steward).post("/posts/%d/split" % reply.id, data={"kind": "gossip", "title": ""})
    assert bad.status_code == 303 and bad.headers["Location"].endswith("/moderate")


def test_merge_moves_posts_in_time_order_and_the_old_address_redirects(as_person, steward):
    author = make_user()
    start = clock.now() - timedelta(days=3)
    with clock.fixed_at(start):
        target = make_thread(author, title="Target")
    with clock.fixed_at(start + timedelta(hours=1)):
        source = make_thread(author, title="Duplicate")
    with clock.fixed_at(start + timedelta(hours=2)):
        tracking.reply(target, author, "Target reply")
    with clock.fixed_at(start + timedelta(hours=3)):
        tracking.reply(source, author, "Duplicate reply")
    events_before = Event.select().count()
    client = as_person(steward)
    response = client.post("/threads/%d/merge" % source.id, data={"target": target.id, "confirmed": "yes"})
    assert response.headers["Location"] == "/threads/%d" % target.id
    bodies = [Post.get_by_id(i).body for i in post_ids(target)]
    assert bodies == ["What is happening.", "What is happening.", "Target reply", "Duplicate reply"]
    assert Thread.get_by_id(target.id).post_count == 4 and Post.select().count() == 4
    assert Event.select().count() == events_before + 2  # merged_in and merged_away, every other event kept once
    redirect = client.get("/threads/%d" % source.id)
    assert redirect.status_code == 301 and redirect.headers["Location"] == "/threads/%d" % target.id
    assert "Duplicate</a>" not in client.get("/threads").text
    again = client.post(
        "/threads/%d/merge" % source.id, data={"target": target.id, "confirmed": "yes"}, follow_redirects=True
    )
    assert "That thread was already merged into this one." in again.text


def test_merge_refuses_to_widen_a_restricted_thread(as_person, steward):
    charity = make_org()
    secret = make_request(make_user(charity), [make_org()], visibility="restricted")
    public = make_thread(make_user(charity))
    response = as_person(steward).post("/threads/%d/merge" % secret.id, data={"target": public.id, "confirmed": "yes"})
    assert response.status_code == 422
    assert Thread.get_by_id(secret.id).merged_into_id is None
    with pytest.raises(moderation.Conflict):
        moderation.merge(public, public, steward)


def test_link_shows_on_both_threads_and_unlinks(as_person, steward):
    author = make_user()
    first, second = make_thread(author, title="First"), make_thread(author, title="Second")
    client = as_person(steward)
    client.post("/threads/%d/links" % first.id, data={"target": second.id})
    assert ">Second</a>" in client.get("/threads/%d" % first.id).text.split("Related threads")[1]
    assert ">First</a>" in as_person(author).get("/threads/%d" % second.id).text.split("Related threads")[1]
    again = client.post("/threads/%d/links" % second.id, data={"target": first.id}, follow_redirects=True)
    assert "already linked" in again.text and ThreadLink.select().count() == 1
    client.post("/threads/%d/links/%d/remove" % (second.id, first.id))
    assert ThreadLink.select().count() == 0


def test_members_cannot_moderate_posts(as_person):
    author = make_user()
    thread = make_thread(author)
    reply = tracking.reply(thread, author, "Mine")
    client = as_person(author)
    for path in ("/posts/%d/moderate", "/audit"):
        assert client.get(path % reply.id if "%d" in path else path).status_code == 403
    for path, data in [
        ("hide", {"reason": "x"}),
        ("unhide", {}),
        ("move", {"target": thread.id}),
        ("split", {"kind": "need", "title": "x"}),
    ]:
        assert client.post("/posts/%d/%s" % (reply.id, path), data=data).status_code == 403
    assert not Post.get_by_id(reply.id).hidden


def test_audit_log_lists_and_filters_every_event(as_person, steward):
    charity = make_org("Audit Charity", slug="audit-charity")
    author = make_user(charity, name="Ann Author")
    with clock.fixed_at(clock.now() - timedelta(days=10)):
        make_thread(author, title="Old thread")
    thread = make_request(author, [make_org()], title="New request")
    tracking.set_owner(thread, steward, steward)
    client = as_person(steward)
    page = client.get("/audit").text
    assert page.index("made Sam Steward the owner") < page.index("started “New request”") < page.index("Old thread")
    by_person = client.get("/audit?person=%d" % steward.id).text
    assert "made Sam Steward the owner" in by_person and "started “New request”" not in by_person
    by_org = client.get("/audit?org=audit-charity").text
    assert "New request" in by_org and "made Sam Steward" not in by_org
    by_action = client.get("/audit?action=thread_started").text
    assert "started “Old thread”" in by_action and "made Sam Steward" not in by_action
    today = clock.in_london(clock.now()).date()
    recent = client.get("/audit?since=%s&until=%s" % (today - timedelta(days=1), today)).text
    assert "New request" in recent and "Old thread" not in recent
    assert "Old thread" in client.get("/audit?since=not-a-date&person=abc").text
    assert "No events match these filters." in client.get("/audit?since=2099-12-31").text  # the last day it takes
    for out_of_range in ("1999-12-31", "2100-01-01"):
        ignored = client.get("/audit?since=%s" % out_of_range).text
        assert "Old thread" in ignored and 'name="since" value=""' in ignored
    fragment = client.get("/audit?action=owner_changed", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and "made Sam Steward the owner" in fragment


def test_merge_refuses_to_widen_a_restricted_target(as_person, steward):
    charity, council, other = make_org(), make_org(), make_org()
    secret = make_request(make_user(charity), [council], visibility="restricted", title="Secret")
    public = make_request(make_user(charity), [other], title="Public")
    response = as_person(steward).post("/threads/%d/merge" % public.id, data={"target": secret.id, "confirmed": "yes"})
    assert "cannot see that restricted thread" in response.text
    assert Thread.get_by_id(public.id).merged_into_id is None
    assert as_person(make_user(other)).get("/threads/%d" % secret.id).status_code == 404


def test_split_refuses_a_reply_whose_organisation_cannot_see_the_restricted_thread(as_person, steward):
    charity, council = make_org(), make_org()
    secret = make_request(make_user(charity), [council], visibility="restricted")
    reply = tracking.reply(secret, steward, "A note from the steward")
    response = as_person(steward).post(
        "/posts/%d/split" % reply.id, data={"kind": "update", "title": "Leak"}, follow_redirects=True
    )
    assert "cannot start a thread" in response.text
    assert not Thread.select().where(Thread.title == "Leak").exists()


def test_timeline_events_do_not_name_threads_the_reader_cannot_see(as_person, steward):
    charity, council = make_org(), make_org()
    public = make_thread(make_user(charity), title="Public")
    secret = make_request(make_user(charity), [council], visibility="restricted", title="Secret title")
    moderation.link(public, secret, steward)
    outsider = as_person(make_user())
    page = outsider.get("/threads/%d" % public.id).text
    assert "Secret title" not in page and "linked this thread to a thread you cannot see" in page
    assert "linked this thread to “Secret title”" in as_person(steward).get("/threads/%d" % public.id).text


def test_merge_notifies_those_who_replied_in_the_merged_thread(steward):
    author, replier = make_user(), make_user()
    source, target = make_thread(author, title="Source"), make_thread(make_user(), title="Target")
    tracking.reply(source, replier, "I was here")
    moderation.merge(source, target, steward)
    kinds = [n.kind for n in Notification.select().where(Notification.user == replier.id)]
    assert kinds == ["merged"]
