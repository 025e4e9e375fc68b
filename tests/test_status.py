"""A request's status follows the conversation; every change is an event in the timeline."""

from portal import tracking
from portal.models import Event, Thread

from .builders import make_org, make_request, make_user


def status_of(thread):
    return Thread.get_by_id(thread.id).status


def changes(thread):
    events = Event.select().where((Event.thread == thread.id) & (Event.action == "status_changed"))
    return [(e.data["before"], e.data["after"]) for e in events.order_by(Event.id)]


def test_first_reply_from_an_addressed_organisation_answers_the_request(as_person):
    charity, council, other = make_org(), make_org(kind="local_authority"), make_org()
    thread = make_request(make_user(charity), [council])
    as_person(make_user(other)).post("/threads/%d/reply" % thread.id, data={"body": "Not us, but following."})
    as_person(make_user(charity)).post("/threads/%d/reply" % thread.id, data={"body": "Any news?"})
    assert status_of(thread) == "open"
    officer = as_person(make_user(council))
    officer.post("/threads/%d/reply" % thread.id, data={"body": "Yes, tonight."})
    officer.post("/threads/%d/reply" % thread.id, data={"body": "And tomorrow."})
    saved = Thread.get_by_id(thread.id)
    assert saved.status == "answered" and saved.first_response_at is not None
    assert changes(thread) == [("open", "answered")]
    page = officer.get("/threads/%d" % thread.id).text
    assert "answered, so this request is now answered" in page


def test_stale_thread_objects_do_not_answer_twice():
    charity, council = make_org(), make_org(kind="local_authority")
    thread = make_request(make_user(charity), [council])
    tracking.reply(thread, make_user(council), "One")
    tracking.reply(thread, make_user(council), "Two")  # `thread` still says open
    assert changes(thread) == [("open", "answered")]


def test_asker_resolves_and_reopens_and_the_timeline_shows_it(as_person):
    charity, council = make_org(), make_org(kind="local_authority")
    asker = make_user(charity, name="Asha Asker")
    thread = make_request(asker, [council])
    tracking.reply(thread, make_user(council), "Done.")
    client = as_person(asker)
    response = client.post("/threads/%d/status" % thread.id, data={"action": "resolve"})
    assert response.status_code == 303 and status_of(thread) == "resolved"
    page = client.get("/threads/%d" % thread.id).text
    assert "The request is resolved." in page
    assert "Asha Asker marked this request as resolved" in page
    assert "Reopen this request" in page and "Mark as resolved" not in page
    client.post("/threads/%d/status" % thread.id, data={"action": "reopen"})
    assert status_of(thread) == "answered"  # someone addressed had replied
    assert changes(thread) == [("open", "answered"), ("answered", "resolved"), ("resolved", "answered")]
    assert "Asha Asker reopened this request" in client.get("/threads/%d" % thread.id).text


def test_reopen_without_any_answer_goes_back_to_open():
    charity = make_org()
    asker = make_user(charity)
    thread = make_request(asker, [make_org()])
    tracking.resolve(thread, asker)
    tracking.reopen(thread, asker)
    assert status_of(thread) == "open"


def test_resolving_twice_says_so_and_records_one_event(as_person):
    charity = make_org()
    thread = make_request(make_user(charity), [make_org()])
    first, second = as_person(make_user(charity)), as_person(make_user(charity))
    first.post("/threads/%d/status" % thread.id, data={"action": "resolve"})
    response = second.post("/threads/%d/status" % thread.id, data={"action": "resolve"}, follow_redirects=True)
    assert "This request is already resolved." in response.text
    assert changes(thread) == [("open", "resolved")]


def test_unknown_status_action_and_updates_are_refused(as_person):
    charity = make_org()
    client = as_person(make_user(charity))
    thread = make_request(make_user(charity), [make_org()])
    assert client.post("/threads/%d/status" % thread.id, data={"action": "explode"}).status_code == 400
    update = tracking.start_thread(make_user(charity), "update", "News", "Body")
    assert client.post("/threads/%d/status" % update.id, data={"action": "resolve"}).status_code == 403
