"""The personal-data guard: its detectors on positive and negative examples, and a post held until confirmed."""

from inspect import cleandoc

import pytest

from portal import demo, guard
from portal.models import Event, Post

from .builders import make_org, make_thread, make_user


@pytest.mark.parametrize(
    "text, kind",
    [
        ("His NHS number is 943 476 5919.", "nhs"),
        ("nhs no 9434765919", "nhs"),
        ("NI number AB 12 34 56 C", "ni"),
        ("ni: ab123456c", "ni"),
        ("DOB: 12/03/1985", "dob"),
        ("born on 3rd March 1979", "dob"),
        ("staying at L3 8EN tonight", "postcode"),
        ("ring him on 07700 900123", "phone"),
        ("office 0151 233 3000", "phone"),
        ("+44 7700 900123", "phone"),
        ("write to j.bloggs@example.com", "email"),
        ("John Smith has been using heroin again", "name"),
        ("we think Mary-Ann Jones was sectioned last week", "name"),
    ],
)
def test_detectors_find_personal_details(text, kind):
    assert guard.kinds(guard.findings(text)) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943 476 5918 fails the check",  # wrong check digit
        "We had 1234567890 leaflets printed",  # fails the modulus-11 check
        "QQ 12 34 56 C is the example number",  # not a real prefix
        "12/03/2026 was the panel",  # a date, not a date of birth
        "St Helens prison release team",  # a place, not a person
        "Mersey Care ward staff know about the overdose risk",
        "the WA10 area and L3",  # partial postcodes
        "we saw 23 people, up from 19",
        "Priya Hollings rang about the new beds",  # a name with nothing sensitive near it
        "call the duty line",
    ],
)
def test_detectors_leave_ordinary_text_alone(text):
    assert guard.findings(text) == []


def test_no_false_positives_on_the_demo_data():
    texts = []
    for spec in demo.THREADS:
        texts += [spec["title"], cleandoc(spec["body"])]
        texts += [cleandoc(step[3]) for step in spec.get("then", ()) if step[0] == "reply"]
    assert [t for t in texts if guard.findings(t)] == []


def test_highlight_escapes_and_marks():
    text = "<b>call</b> 07700 900123"
    assert guard.highlight(text, guard.findings(text)) == "&lt;b&gt;call&lt;/b&gt; <mark>07700 900123</mark>"


def test_a_post_with_details_is_held_until_changed_or_confirmed(as_person):
    author = make_user(make_org())
    thread = make_thread(author)
    client = as_person(author)
    body = "Please call his mobile on 07700 900123 tonight"
    held = client.post("/threads/%d/reply" % thread.id, data={"body": body})
    assert held.status_code == 422
    assert "This looks like a phone number. Use initials or your case reference instead" in held.text
    assert "<mark>07700 900123</mark>" in held.text and body in held.text
    assert "I have checked: these details are needed here" in held.text
    assert Post.select().count() == 1
    kept = client.post("/threads/%d/reply" % thread.id, data={"body": body, "confirm_personal": "y"})
    assert kept.status_code == 303
    event = Event.get(Event.action == "personal_data_confirmed")
    assert event.data["kinds"] == ["phone"] and "07700" not in str(event.data)


def test_the_guard_checks_as_people_type(as_person):
    client = as_person(make_user())
    found = client.post("/check-text", data={"body": "DOB: 12/03/1985"}, headers={"HX-Request": "true"})
    assert "a date of birth" in found.text and "<mark>DOB: 12/03/1985</mark>" in found.text
    assert client.post("/check-text", data={"body": "All quiet"}).text.strip() == ""


def test_new_threads_and_edits_are_guarded_too(as_person):
    author = make_user(make_org())
    client = as_person(author)
    response = client.post(
        "/threads/new",
        data={"kind": "update", "title": "Week", "visibility": "all", "body": "write to j.bloggs@example.com"},
    )
    assert response.status_code == 422 and "an email address" in response.text
    thread = make_thread(author)
    post = Post.get(Post.thread == thread.id)
    edit = client.post("/posts/%d/edit" % post.id, data={"body": "NHS 943 476 5919"})
    assert edit.status_code == 422 and "an NHS number" in edit.text
