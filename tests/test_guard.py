"""The personal-data guard: its detectors on positive and negative examples, what it knows is not a client, and a
post held until confirmed. tests/test_guard_corpus.py measures it on realistic posts."""

from inspect import cleandoc

import pytest
from playhouse.test_utils import assert_query_count

from portal import demo, guard
from portal.models import Event, Post, User

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
        ("his mum's landline is 0151 496 0817", "phone"),
        ("07823-445-901 after six", "phone"),
        ("+44 7700 900123", "phone"),
        ("write to j.bloggs@example.com", "email"),
        ("John Smith has been using heroin again", "name"),
        ("we think Mary-Ann Jones was sectioned last week", "name"),
        ("Liam Fitzgerald is using again and lost his room", "name"),
        ("Mr Brennan was discharged this morning", "name"),
        ("known as Tiny on the street", "name"),
        ("Last address 9 Gladstone Road, Prescot", "address"),
        ("staying at Flat 3, 12 Seaview Terrace", "address"),
        ("She is staying at Anfield House, 12 Mill Street", "address"),  # a home, whatever the building
        ("d.o.b. 04.11.79", "dob"),
        ("date of birth: March 12, 1988", "dob"),
        ("DOB 1985-07-23", "dob"),
        ("Hospital no. RRF 7654321", "id_number"),
        ("his prison number is A1234BC", "id_number"),
        ("Custody ref 06/48213/24", "id_number"),
        ("The man in the tent by Queen Square, Darren, has a leg ulcer", "name"),  # a given name with a detail
        ("Kayleigh relapsed at the weekend and is back on the streets", "name"),
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
        "call the duty line",
        "Our ref JB-2231: JB has moved into the flat",  # initials and the writer's own case reference
        "Case ref SH/2024/117 is closed",
        "Referral for AB (ref WH/2231) was accepted",
        "the council's switchboard is 0151 496 0400",  # a service's landline, by what it is
        "StreetLink is on 0300 500 0914 and Shelter on 0808 800 4444",  # not personal numbers
        "write to referrals@anywhere.example.org",  # a team's inbox
        "The hub at 43 Hope Street takes walk-ins",  # a service's street, in the gazetteer
        "The sit-up service takes people aged 18 to 25",  # an age with no name
        "Sefton Park, Knotty Ash and Old Swan",  # places
        "Siobhan from Crisis is leading the training on Tuesday",  # a given name with nothing about a person
        "Ward staff at the hospital asked for the discharge form.",  # details with no name
        "The rough sleeping team (Ellie and Mark) will join the Saturday round",  # staff, by a service's words
        "Anne Marie from Mersey Care will talk about dual diagnosis",  # two given names: staff are called so too
        "We have 3 spaces tonight at Salisbury House, 12 Salisbury Street",  # a service's building and address
    ],
)
def test_detectors_leave_ordinary_text_alone(text):
    assert guard.findings(text) == []


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("Tom, 34, has been rough sleeping in Bootle", ["age", "name"]),
        ("Leanne Crossley, aged 17, left care", ["age", "name"]),
        ("Keith Sumner, born in 1958, sleeps in the cemetery", ["dob", "name"]),
        ("Mosaic ID 873412 for Kerry Jardine", ["id_number", "name"]),
        ("Mrs Elaine Hughes, 67, was sectioned", ["age", "name"]),  # the whole name after a title
        ("Steven Roberts, born 1975, slept out", ["dob", "name"]),
        ("Steven Roberts, 12/03/1980, slept out", ["dob", "name"]),
    ],
)
def test_details_next_to_a_name(text, kinds):
    assert guard.kinds(guard.findings(text)) == kinds


def test_a_title_takes_in_the_whole_name_so_that_redacting_it_leaves_nothing():
    text = "Mr John Smith was evicted"
    assert [text[f.start : f.end] for f in guard.findings(text)] == ["Mr John Smith"]


def test_the_names_of_people_with_accounts_are_not_a_clients():
    make_user(name="Ruth Ellery")
    assert guard.findings("Ruth Ellery from the council will chair the panel") == []
    assert guard.kinds(guard.findings("We are worried about Ruth Clarke")) == ["name"]  # not everyone called Ruth


def test_organisations_contacts_and_accounts_domains_are_the_partnerships_own():
    make_org("St Helens Borough Council", phone="01744 676789, 01744 676600", email="housingoptions@sthelens.gov.uk")
    make_user(email="gareth.pennington@sthelens.gov.uk")
    make_user(email="volunteer.sam@gmail.com")  # webmail: this address is known, not everyone's at gmail
    text = "Ring 01744 676789 or 01744 676 600, or e-mail duty.team@sthelens.gov.uk or volunteer.sam@gmail.com"
    assert guard.findings(text) == []
    assert guard.kinds(guard.findings("his email is kellyb88@gmail.com, home 01744 123456")) == ["email", "phone"]


def test_what_the_guard_knows_takes_two_queries():
    make_user(make_org(phone="0151 496 0400"))
    with assert_query_count(2):
        guard.known_to_portal()


def test_no_false_positives_on_the_demo_data():
    demo.seed()
    known = guard.known_to_portal()
    texts = []
    for spec in demo.THREADS:
        texts += [spec["title"], cleandoc(spec["body"])]
        texts += [cleandoc(step[3]) for step in spec.get("then", ()) if step[0] == "reply"]
    assert [t for t in texts if guard.findings(t, known)] == []


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


def test_the_title_is_checked_as_people_type_too(as_person):
    client = as_person(make_user())
    form = client.get("/threads/new").text
    assert 'hx-include="#title, #body"' in form and "from:#title" in form
    found = client.post("/check-text", data={"title": "Bed for Ruth Clarke", "body": "Tonight, please"}).text
    assert "the title looks like a name" in found and "<mark>Ruth Clarke</mark>" in found
    assert "this looks like" not in found  # nothing in the text
    thread = make_thread(make_user())
    retitle = as_person(User.get_by_id(thread.author_id)).get("/threads/%d/title" % thread.id).text
    assert 'hx-include="#title"' in retitle and 'hx-post="/check-text"' in retitle  # changing a title, too


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
