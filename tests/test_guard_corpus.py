"""The personal-data guard on the labelled corpus (tests/guard_corpus.py), through the real function, with what it
knows read from a database that holds the corpus's staff and organisations, as the portal's would."""

import collections

import pytest

from portal import guard

from .builders import make_org, make_thread, make_user
from .guard_corpus import CLIENT_POSTS, ORDINARY_POSTS, ORGANISATIONS, STAFF

RECALL = 0.95
WRONGLY_FLAGGED = 0.03


@pytest.fixture
def partnership():
    """The corpus's organisations, with their contact details, and its staff, each with an account."""
    organisations = {name: make_org(name, kind, phone=phone, email=email) for name, kind, phone, email in ORGANISATIONS}
    return [make_user(organisations[org], name=name, email=email) for name, email, org in STAFF]


def test_the_corpus_is_big_enough_and_labelled():
    assert len(CLIENT_POSTS) >= 100 and len(ORDINARY_POSTS) >= 100
    assert {kind for kinds, _ in CLIENT_POSTS for kind in kinds} == set(guard.PROMPTS)


def test_the_guard_finds_client_details_and_leaves_partnership_talk_alone(partnership):
    known = guard.known_to_portal()
    found = [text for _, text in CLIENT_POSTS if guard.findings(text, known)]
    flagged = {text: guard.findings(text, known) for text in ORDINARY_POSTS}
    wrongly = {text: [text[f.start : f.end] for f in found] for text, found in flagged.items() if found}
    assert len(found) / len(CLIENT_POSTS) >= RECALL
    assert len(wrongly) / len(ORDINARY_POSTS) <= WRONGLY_FLAGGED, wrongly


def test_each_kind_of_detail_is_found_in_most_posts_that_hold_it(partnership):
    known = guard.known_to_portal()
    held, found = collections.Counter(), collections.Counter()
    for kinds, text in CLIENT_POSTS:
        kinds_found = set(guard.kinds(guard.findings(text, known)))
        for kind in kinds:
            held[kind] += 1
            found[kind] += kind in kinds_found
    assert {kind: found[kind] / held[kind] for kind in held if found[kind] / held[kind] < 0.9} == {}


def test_the_issues_examples_are_all_flagged():
    examples = {
        "Liam Fitzgerald is using again and lost his room": "Liam Fitzgerald",
        "We are worried about Ruth Clarke, she talks about ending it": "Ruth Clarke",
        "Her name is Chloe Barnes and she has nowhere tonight": "Chloe Barnes",
        "Client: Sean Murphy, out of HMP Risley on Friday": "Sean Murphy",
        "Last address 9 Gladstone Road, Prescot": "9 Gladstone Road",
        "Hospital no. RRF 7654321": "RRF 7654321",
    }
    for text, detail in examples.items():
        assert [text[f.start : f.end] for f in guard.findings(text)] == [detail]


def test_typing_and_posting_give_the_same_answer(partnership, as_person):
    author = partnership[0]
    thread = make_thread(author)
    client = as_person(author)
    for text in [CLIENT_POSTS[0][1], CLIENT_POSTS[60][1], ORDINARY_POSTS[3], ORDINARY_POSTS[4], ORDINARY_POSTS[58]]:
        checked = client.post("/check-text", data={"body": text}, headers={"HX-Request": "true"})
        posted = client.post("/threads/%d/reply" % thread.id, data={"body": text})
        assert ("<mark>" in checked.text) == (posted.status_code == 422), text
