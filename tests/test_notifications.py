"""Who hears about what, the bell, the notifications page, watching, unread marks and e-mail preferences."""

import pytest

from portal import moderation, notify, tracking
from portal.models import Notification, Outbox, ThreadRead, User

from .builders import make_org, make_request, make_steward, make_thread, make_user

UNREAD = '<span class="unread-mark"><span class="visually-hidden">Unread: </span></span>'


def notices(person):
    return [n.kind for n in Notification.select().where(Notification.user == person.id).order_by(Notification.id)]


@pytest.fixture
def people():
    charity, council, other = make_org("Charity"), make_org("Council", kind="local_authority"), make_org("Other")
    return {
        "asker": make_user(charity),
        "colleague": make_user(charity),
        "officer": make_user(council),
        "officer2": make_user(council),
        "outsider": make_user(other),
        "charity": charity,
        "council": council,
        "other": other,
    }


def test_a_request_notifies_every_member_of_the_addressed_organisation(people):
    make_request(people["asker"], [people["council"]])
    assert notices(people["officer"]) == notices(people["officer2"]) == ["addressed"]
    assert notices(people["asker"]) == notices(people["outsider"]) == notices(people["colleague"]) == []


def test_replies_notify_the_starter_repliers_and_watchers_but_not_the_muted_or_the_author(people):
    thread = make_thread(people["asker"])
    notify.set_watch(people["outsider"], "watch", thread=thread)
    notify.set_watch(people["colleague"], "mute", thread=thread)
    tracking.reply(thread, people["colleague"], "Muted people can still reply")
    tracking.reply(thread, people["officer"], "A reply")
    assert notices(people["asker"]) == ["reply", "reply"]
    assert notices(people["outsider"]) == ["reply", "reply"]
    assert notices(people["officer"]) == []
    assert notices(people["colleague"]) == []


def test_the_asking_organisation_hears_of_each_status_change_once(people):
    thread = make_request(people["asker"], [people["council"]])
    tracking.reply(thread, people["officer"], "Answer")
    assert notices(people["asker"]) == ["answered"] and notices(people["colleague"]) == ["answered"]
    steward = make_steward()
    tracking.resolve(thread, steward)
    tracking.reopen(thread, steward)
    tracking.close(thread, steward, "duplicate")
    assert notices(people["colleague"]) == ["answered", "resolved", "reopened", "closed"]


def test_a_restricted_thread_never_notifies_someone_who_cannot_see_it(people):
    notify.set_watch(people["outsider"], "watch", organisation=people["charity"])
    make_request(people["asker"], [people["council"]], visibility="restricted")
    assert notices(people["outsider"]) == []
    make_thread(people["asker"])
    assert notices(people["outsider"]) == ["new_thread"]


def test_merge_and_move_tell_those_who_follow(people):
    steward = make_steward()
    source, target = make_thread(people["asker"], title="Source"), make_thread(people["officer"], title="Target")
    reply = tracking.reply(target, people["outsider"], "Belongs in source")
    moderation.move_post(reply, source, steward)
    assert notices(people["outsider"]) == ["moved"]
    moderation.merge(source, target, steward)
    assert "merged" in notices(people["asker"])


def test_addressing_another_organisation_notifies_its_members(people):
    thread = make_request(people["asker"], [people["council"]])
    tracking.add_addressee(thread, make_steward(), people["other"])
    assert notices(people["outsider"]) == ["addressed"]


def test_bell_count_and_conditional_poll(as_person, people):
    make_request(people["asker"], [people["council"]], title="For the council")
    client = as_person(people["officer"])
    first = client.get("/notifications/count")
    assert first.status_code == 200 and '1<span class="visually-hidden"> unread</span>' in first.text
    again = client.get("/notifications/count", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    page = client.get("/notifications").text
    assert "asked Council: “For the council”" in page and '<span class="visually-hidden">New: </span>' in page
    client.post("/notifications/read")
    assert client.get("/notifications/count").text.strip() == ""
    assert 'hx-get="/notifications/count" hx-trigger="load, every 60s"' in client.get("/").text


def test_unread_is_a_quiet_mark_with_its_word_for_screen_readers_on_every_list(as_person, people):
    thread = make_request(people["asker"], [people["council"]], title="Beds tonight")
    title = '%s<a href="/threads/%d' % (UNREAD, thread.id)
    for path in ("/threads", "/", "/search?q=beds"):
        page = as_person(people["officer"]).get(path).text
        assert title in page and "tag--unread" not in page, path
    board = as_person(make_steward()).get("/board").text
    assert title in board and "tag--unread" not in board


def test_opening_a_thread_marks_it_read_and_its_notices_too(as_person, people):
    thread = make_request(people["asker"], [people["council"]], title="Read me")
    client = as_person(people["officer"])
    assert UNREAD in client.get("/threads").text
    client.get("/threads/%d" % thread.id)
    assert UNREAD not in client.get("/threads").text
    assert notify.unread_count(people["officer"]) == 0
    tracking.reply(thread, people["asker"], "More news")
    assert UNREAD in client.get("/threads").text
    page = client.get("/threads/%d" % thread.id).text
    assert "Jump to the first unread post" in page
    assert ThreadRead.select().where(ThreadRead.user == people["officer"].id).count() == 1


def test_mark_one_notice_read_and_someone_elses_is_404(as_person, people):
    make_request(people["asker"], [people["council"]])
    notice = Notification.get(Notification.user == people["officer"].id)
    assert as_person(people["outsider"]).post("/notifications/%d/read" % notice.id).status_code == 404
    assert as_person(people["officer"]).post("/notifications/%d/read" % notice.id).status_code == 303
    assert Notification.get_by_id(notice.id).read_at is not None


def test_watching_from_the_thread_and_organisation_pages(as_person, people):
    thread = make_thread(people["asker"])
    client = as_person(people["outsider"])
    assert "Watch it" in client.get("/threads/%d" % thread.id).text
    client.post("/threads/%d/watch" % thread.id, data={"level": "watch"})
    assert "You are watching this thread." in client.get("/threads/%d" % thread.id).text
    assert client.post("/threads/%d/watch" % thread.id, data={"level": "shout"}).status_code == 400
    client.post("/orgs/%s/watch" % people["charity"].slug, data={"level": "watch"})
    assert "You hear about every new thread from Charity." in client.get("/orgs/%s" % people["charity"].slug).text
    make_thread(people["colleague"])
    assert notices(people["outsider"]) == ["new_thread"]


def test_email_preferences_decide_what_is_mailed_at_once(as_person, people):
    client = as_person(people["officer2"])
    response = client.post("/account/email", data={"email-email_frequency": "none", "email-digest_hour": "7"})
    assert response.status_code == 303
    assert User.get_by_id(people["officer2"].id).email_frequency == "none"
    bad = client.post("/account/email", data={"email-email_frequency": "hourly", "email-digest_hour": "99"})
    assert bad.status_code == 422 and "Choose how often" in bad.text
    make_request(people["asker"], [people["council"]], title="Mail me")
    mails = list(Outbox.select())
    assert [m.to_address for m in mails] == [people["officer"].email]
    assert mails[0].subject == "Council is asked: Mail me"
    assert "/threads/" in mails[0].text and "/account#email" in mails[0].text and "<a href=" in mails[0].html


def test_mentions_notify_people_and_organisations_and_say_who_cannot_see(as_person, people):
    User.update(name="Olive Officer").where(User.id == people["officer"].id).execute()
    User.update(name="Otto Outsider").where(User.id == people["outsider"].id).execute()
    thread = make_request(people["asker"], [people["council"]], visibility="restricted", title="Secret")
    client = as_person(people["colleague"])
    response = client.post(
        "/threads/%d/reply" % thread.id,
        data={"body": "Thanks @olive-officer, and @otto-outsider, not @nobody"},
        follow_redirects=True,
    )
    assert "Otto Outsider cannot see this thread, so was not told about your mention." in response.text
    assert notices(people["officer"]) == ["addressed", "mentioned"]
    assert notices(people["outsider"]) == []
    open_thread = make_thread(people["asker"], body="Hello @%s" % people["other"].slug)
    assert notices(people["outsider"]) == ["mentioned"]
    assert open_thread.blind_mentions == []


def test_mention_picker_offers_only_people_who_can_see_the_thread(as_person, people):
    User.update(name="Olive Officer").where(User.id == people["officer"].id).execute()
    User.update(name="Olga Outsider").where(User.id == people["outsider"].id).execute()
    thread = make_request(people["asker"], [people["council"]], visibility="restricted")
    client = as_person(people["asker"])
    picker = client.get("/threads/%d/mentions?q=ol" % thread.id, headers={"HX-Request": "true"}).text
    assert 'data-mention="@olive-officer"' in picker and "Olga" not in picker
    council = client.get("/threads/%d/mentions?q=counc" % thread.id).text
    assert 'data-mention="@%s"' % people["council"].slug in council
    assert "Nobody who can see this thread" in client.get("/threads/%d/mentions?q=zzz" % thread.id).text
    assert as_person(people["outsider"]).get("/threads/%d/mentions?q=ol" % thread.id).status_code == 404
