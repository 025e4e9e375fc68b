"""Details that identify someone outright (an NHS or NI number, a name with a date of birth or address) are not let
through by a tick: the writer changes them or gives a reason, which goes to the stewards; the steward's list of
kept details, with redaction of several at once and "mark as reviewed", all with plain forms (JavaScript off)."""

from datetime import timedelta

import pytest
from playhouse.test_utils import count_queries

from portal import clock, guard, moderation, schedule
from portal.models import Event, GuardOverride, Notification, Outbox, Post, PostRevision

from .builders import make_org, make_steward, make_thread, make_user

NHS = "943 476 5919"
OUTRIGHT = "His NHS number is %s, he needs a bed tonight" % NHS
REASON = "The ward asked us to give it for the discharge"


def reply(client, thread, body, **fields):
    return client.post("/threads/%d/reply" % thread.id, data={"body": body, **fields})


@pytest.fixture
def writer():
    return make_user(make_org(name="Hope Street"), name="Ana Okafor")


def test_identifies_outright_is_a_number_of_their_own_or_a_name_with_where_or_when(writer):
    def kinds_outright(*kinds):
        return guard.identifies_outright([guard.Finding(kind, 0, 1) for kind in kinds])

    assert kinds_outright("nhs") and kinds_outright("ni") and kinds_outright("id_number")
    assert kinds_outright("name", "dob") and kinds_outright("name", "address") and kinds_outright("postcode", "name")
    assert not kinds_outright("name") and not kinds_outright("phone", "email", "dob", "postcode")
    assert not kinds_outright("name", "age", "phone")


def test_a_tick_does_not_keep_details_that_identify_someone(as_person, writer):
    thread = make_thread(writer)
    client = as_person(writer)
    held = reply(client, thread, OUTRIGHT, confirm_personal="y")
    assert held.status_code == 422
    assert "This looks like an NHS number. That identifies a person outright: change it" in held.text
    assert "Why must these details be in the portal?" in held.text
    assert "I have checked: these details are needed here" not in held.text  # the tick is not offered
    assert "Say why these details must be in the portal, or change the text" in held.text
    assert OUTRIGHT in held.text and Post.select().count() == 1


def test_the_reason_must_say_something_and_not_repeat_the_details(as_person, writer):
    thread = make_thread(writer)
    client = as_person(writer)
    short = reply(client, thread, OUTRIGHT, keep_reason="needed")
    assert short.status_code == 422 and "Say why in a few words (at least 3)" in short.text
    assert short.text.index('href="#body"') < short.text.index('href="#keep_reason"')  # in the page's order
    assert 'id="keep_reason-error"' in short.text and "needed</textarea>" in short.text  # kept, error by it
    repeated = reply(client, thread, OUTRIGHT, keep_reason="Call him on 07700 900123 to check")
    assert repeated.status_code == 422 and "Leave the details themselves out of the reason" in repeated.text
    assert Post.select().count() == 1 and GuardOverride.select().count() == 0


def test_changing_the_text_is_the_other_way_through(as_person, writer):
    thread = make_thread(writer)
    client = as_person(writer)
    assert reply(client, thread, "JB needs a bed tonight, case ref HS-204").status_code == 303
    assert GuardOverride.select().count() == 0


def test_ordinary_details_still_need_only_the_tick(as_person, writer):
    thread = make_thread(writer)
    client = as_person(writer)
    held = reply(client, thread, "Ring the hostel on 07700 900123")
    assert "tick the box below" in held.text and "Why must these details" not in held.text
    assert reply(client, thread, "Ring the hostel on 07700 900123", confirm_personal="y").status_code == 303
    assert Event.get(Event.action == "personal_data_confirmed").data["kinds"] == ["phone"]
    assert GuardOverride.select().count() == 0 and Notification.select().count() == 0


def test_kept_details_are_recorded_and_every_active_steward_is_told(as_person, writer):
    thread = make_thread(writer, title="Discharge from the Royal")
    now_mailed = make_steward(name="Sam Steward")
    digest = make_steward(name="Dee Steward", email_frequency="daily")
    make_steward(name="Gone Steward", active=False)
    client = as_person(writer)
    body = "John Smith, DOB: 12/03/1985, is out of prison with nowhere to go"
    assert reply(client, thread, body, keep_reason=REASON).status_code == 303

    post = Post.select().order_by(Post.id.desc()).get()
    override = GuardOverride.get()
    assert (override.post_id, override.thread_id, override.in_title) == (post.id, thread.id, False)
    assert (override.author_id, override.organisation_id) == (writer.id, writer.organisation_id)
    assert override.kind_list == ["dob", "name"] and override.reason == REASON and override.reviewed_at is None
    event = Event.get(Event.action == "personal_data_kept")
    assert event.data == {"post": post.id, "override": override.id, "kinds": ["dob", "name"], "reason": REASON}

    notices = list(Notification.select().where(Notification.kind == "details_kept"))
    assert sorted(n.user_id for n in notices) == sorted([now_mailed.id, digest.id])
    assert all(n.thread_id is None for n in notices)  # a reply to the e-mail must not post in the thread
    mails = list(Outbox.select())
    assert [m.to_address for m in mails] == [now_mailed.email]  # the other waits for her digest
    assert "Ana Okafor kept a date of birth and a name" in mails[0].text and REASON in mails[0].text
    assert "http://portal.test/guard/overrides" in mails[0].text and mails[0].reply_to is None
    for kept in (str(event.data), mails[0].text, mails[0].html, mails[0].subject):
        assert "John Smith" not in kept and "12/03/1985" not in kept

    page = as_person(now_mailed).get("/notifications").text
    assert 'href="/guard/overrides"' in page and "Their reason: “%s”" % REASON in page


def test_a_title_that_identifies_someone_needs_a_reason_too(as_person, writer):
    client = as_person(writer)
    new = {"kind": "update", "title": "Bed for NHS %s" % NHS, "visibility": "all", "body": "A bed tonight"}
    held = client.post("/threads/new", data={**new, "confirm_personal": "y"})
    assert held.status_code == 422 and "This title looks like it has an NHS number" in held.text
    assert "Why must these details be in the portal?" in held.text
    assert client.post("/threads/new", data={**new, "keep_reason": REASON}).status_code == 303
    override = GuardOverride.get()
    assert override.in_title and override.post_id is None

    thread = make_thread(writer)
    retitle = {"title": "Ruth Clarke, sectioned, L3 8EN"}
    held = client.post("/threads/%d/title" % thread.id, data={**retitle, "confirm_personal": "y"})
    assert held.status_code == 422 and "Why must these details be in the portal?" in held.text
    assert client.post("/threads/%d/title" % thread.id, data={**retitle, "keep_reason": REASON}).status_code == 303
    assert GuardOverride.select().count() == 2


TEXTS = [
    "All quiet at the hub tonight",
    "Ring the hostel on 07700 900123",
    "write to j.bloggs@example.com",
    "staying at L3 8EN tonight",
    OUTRIGHT,
    "NI number AB 12 34 56 C",
    "John Smith has been using heroin again",
    "John Smith has been using heroin again, DOB: 12/03/1985",
    "Mary-Ann Jones was sectioned, she is at L3 8EN",
]


def as_you_type(client, text):
    found = client.post("/check-text", data={"body": text}, headers={"HX-Request": "true"}).text
    if not found.strip():
        return "nothing"
    return "reason" if "This identifies a person outright" in found else "tick"


def on_submit(client, thread, text):
    held = reply(client, thread, text)
    if held.status_code == 303:
        return "nothing"
    return "reason" if "Why must these details be in the portal?" in held.text else "tick"


def test_the_check_as_people_type_and_the_check_on_submit_give_the_same_answer(as_person, writer):
    thread = make_thread(writer)
    client = as_person(writer)
    answers = {text: (as_you_type(client, text), on_submit(client, thread, text)) for text in TEXTS}
    assert all(typed == submitted for typed, submitted in answers.values()), answers
    assert {typed for typed, _ in answers.values()} == {"nothing", "tick", "reason"}


def keep(client, thread, body):
    assert reply(client, thread, body, keep_reason=REASON).status_code == 303
    return GuardOverride.select().order_by(GuardOverride.id.desc()).get()


def test_only_the_steward_sees_the_kept_details(as_person, writer):
    thread = make_thread(writer)
    override = keep(as_person(writer), thread, OUTRIGHT)
    client = as_person(writer)
    assert client.get("/guard/overrides").status_code == 403
    assert client.get("/guard/overrides/%d" % override.id).status_code == 403
    assert client.post("/guard/overrides/%d/reviewed" % override.id).status_code == 403
    assert client.post("/guard/overrides/%d/redact" % override.id, data={"spans": NHS}).status_code == 403
    assert 'href="/guard/overrides"' not in client.get("/").text
    steward = as_person(make_steward())
    assert 'href="/guard/overrides"' in steward.get("/").text
    assert steward.get("/guard/overrides/999999").status_code == 404


def test_the_list_shows_who_kept_what_and_why_with_the_details_marked(as_person, writer):
    thread = make_thread(writer, title="Discharge from the Royal")
    keep(as_person(writer), thread, OUTRIGHT)
    page = as_person(make_steward()).get("/guard/overrides")
    assert page.status_code == 200
    text = page.text
    assert "Discharge from the Royal" in text and "Kept by Ana Okafor, Hope Street" in text
    assert "an NHS number in a post" in text and REASON in text and "Not yet reviewed" in text
    assert "<mark>%s</mark>" % NHS in text
    assert 'value="%s" checked' % NHS in text  # every detail chosen to begin with
    assert "Redact the chosen details" in text and "Mark as reviewed" in text


def test_the_list_costs_the_same_queries_however_many_are_kept(as_person, writer):
    thread = make_thread(writer)
    writer_client = as_person(writer)
    keep(writer_client, thread, OUTRIGHT)
    steward = as_person(make_steward())

    def queries():
        with count_queries() as counted:
            assert steward.get("/guard/overrides").status_code == 200
        return counted.count

    one = queries()
    for number in range(4):
        post = Post.get_by_id(keep(writer_client, thread, OUTRIGHT + " (%d)" % number).post_id)
        moderation_edit = "%s, edited %d" % (post.body, number)
        writer_client.post("/posts/%d/edit" % post.id, data={"body": moderation_edit, "keep_reason": REASON})
    assert GuardOverride.select().count() == 9
    assert queries() == one


def test_the_steward_redacts_several_details_at_once_after_confirming(as_person, writer):
    thread = make_thread(writer)
    writer_client = as_person(writer)
    body = "Ruth Clarke was sectioned, DOB: 12/03/1985, NHS %s" % NHS
    override = keep(writer_client, thread, body)
    post = Post.get_by_id(override.post_id)
    # an edit keeps the number in the post's earlier version, which everyone who sees the post may read
    edited = "Ruth Clarke was sectioned, DOB: 12/03/1985"
    assert writer_client.post("/posts/%d/edit" % post.id, data={"body": edited, "keep_reason": REASON}).status_code
    steward = as_person(make_steward())
    shown = steward.get("/guard/overrides/%d" % override.id).text
    for span in ("Ruth Clarke", "DOB: 12/03/1985", NHS):
        assert 'value="%s" checked' % span in shown

    chosen = {"spans": ["Ruth Clarke", NHS], "reason": "client details"}
    confirm = steward.post("/guard/overrides/%d/redact" % override.id, data=chosen)
    assert confirm.status_code == 200 and "Redact these details?" in confirm.text and "Yes, redact" in confirm.text
    assert Post.get_by_id(post.id).body == edited  # nothing goes before the steward confirms

    done = steward.post("/guard/overrides/%d/redact" % override.id, data={**chosen, "confirmed": "yes"})
    assert done.status_code == 303 and done.location.endswith("/guard/overrides")
    placeholder = "[redacted by the steward: client details]"
    assert Post.get_by_id(post.id).body == "%s was sectioned, DOB: 12/03/1985" % placeholder
    versions = [r.body for r in PostRevision.select().where(PostRevision.post == post.id)]
    assert versions and all("Ruth Clarke" not in v and NHS not in v for v in versions)
    assert "%s was sectioned, DOB: 12/03/1985, NHS %s" % (placeholder, placeholder) in versions
    assert GuardOverride.get_by_id(override.id).reviewed_at is not None
    assert Event.get(Event.action == "post_redacted").data["reason"] == "client details"
    assert 'id="override-%d"' % override.id not in steward.get("/guard/overrides").text
    assert "DOB: 12/03/1985" in steward.get("/guard/overrides?show=all").text  # left, as the steward chose


def test_details_kept_in_a_title_are_redacted_from_every_title_it_had(as_person, writer):
    client = as_person(writer)
    new = {"kind": "update", "title": "Bed for NHS %s" % NHS, "visibility": "all", "body": "A bed tonight"}
    assert client.post("/threads/new", data={**new, "keep_reason": REASON}).status_code == 303
    override = GuardOverride.get()
    # the writer changes the title: the old one stays in the thread's timeline, which every partner reads
    assert client.post("/threads/%d/title" % override.thread_id, data={"title": "Bed tonight"}).status_code == 303
    reader = as_person(make_user(make_org(name="Another charity")))
    assert NHS in reader.get("/threads/%d" % override.thread_id).text

    steward = as_person(make_steward())
    assert 'value="%s" checked' % NHS in steward.get("/guard/overrides/%d" % override.id).text
    chosen = {"spans": [NHS], "reason": "client details", "confirmed": "yes"}
    assert steward.post("/guard/overrides/%d/redact" % override.id, data=chosen).status_code == 303
    page = reader.get("/threads/%d" % override.thread_id).text
    assert NHS not in page and "redacted part of the title (client details)" in page
    assert not any(NHS in str(event.data) for event in Event.select())
    assert GuardOverride.get_by_id(override.id).reviewed_at is not None


def test_bad_redaction_input_is_said_next_to_the_field_and_keeps_what_was_typed(as_person, writer):
    override = keep(as_person(writer), make_thread(writer), OUTRIGHT)
    steward = as_person(make_steward())
    url = "/guard/overrides/%d/redact" % override.id
    none = steward.post(url, data={"reason": "my own words here"})
    assert none.status_code == 422 and "Choose at least one detail to remove" in none.text
    assert 'value="my own words here"' in none.text and "There is a problem" in none.text
    unknown = steward.post(url, data={"spans": "not in the post", "reason": "x"})
    assert unknown.status_code == 422 and "Choose from the details the guard finds in the post now" in unknown.text
    empty = steward.post(url, data={"spans": NHS, "reason": ""})
    assert empty.status_code == 422 and "Give the reason for the redaction" in empty.text
    assert 'value="%s" checked' % NHS in empty.text
    assert NHS in Post.get_by_id(override.post_id).body


def test_mark_as_reviewed_leaves_the_details_and_takes_it_off_the_list(as_person, writer):
    override = keep(as_person(writer), make_thread(writer), OUTRIGHT)
    steward_person = make_steward(name="Sam Steward")
    steward = as_person(steward_person)
    done = steward.post("/guard/overrides/%d/reviewed" % override.id)
    assert done.status_code == 303
    kept = GuardOverride.get_by_id(override.id)
    assert kept.reviewed_at is not None and kept.reviewed_by_id == steward_person.id
    assert NHS in Post.get_by_id(override.post_id).body
    assert "Nothing waits for review" in steward.get("/guard/overrides").text
    assert "Reviewed by Sam Steward" in steward.get("/guard/overrides?show=all").text
    again = steward.post("/guard/overrides/%d/reviewed" % override.id, follow_redirects=True)
    assert "These details were already reviewed." in again.text
    assert steward.post("/guard/overrides/%d/reviewed" % override.id, csrf=False).status_code == 400


def test_a_redaction_of_several_spans_takes_a_span_inside_another_with_it(writer):
    thread = make_thread(writer, body="Call 07700 900123 or 900123")
    post = Post.get(Post.thread == thread.id)
    moderation.redact(post, make_steward(), "numbers", spans=["900123", "07700 900123"])
    assert (
        Post.get_by_id(post.id).body == "Call [redacted by the steward: numbers] or [redacted by the steward: numbers]"
    )
    with pytest.raises(moderation.Conflict):
        moderation.redact(post, make_steward(), "numbers", spans=["900123"])


def test_stewards_who_get_digests_hear_of_kept_details_in_them(as_person, writer):
    make_steward(email_frequency="daily")
    keep(as_person(writer), make_thread(writer), OUTRIGHT)
    with clock.fixed_at(clock.now() + timedelta(days=1, hours=1)):
        schedule.digests()
    digest = Outbox.get()
    assert "/guard/overrides" in digest.text and "identifies someone outright" in digest.text


def test_the_privacy_notice_says_what_the_guard_looks_for_and_where_a_reason_goes(client):
    notice = client.get("/privacy").text
    assert "an NHS or National Insurance number" in notice and "a name with a date of birth or address" in notice
    assert "Your reason, your name and the kind of detail (not the detail itself) go to the systems steward" in notice
