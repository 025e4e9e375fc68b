"""Hostile text: 20 KB inputs shaped to make a pattern read the same characters again and again, sent through
every endpoint that takes text and through the functions behind them. Work that grows with the text stays far
under a generous bound even on a busy machine; a pattern that re-reads from every start (the guard's, before,
took 1 to 9 seconds on some of these) does not. And none of them may answer a 500."""

import time

import pytest

from bench.hostile import email_text, families, run_of, timed
from portal import guard, notify, revisions, search, text
from portal.models import Post

from .builders import make_org, make_steward, make_thread, make_user

SIZE = 20_000
# Seconds, for one function on one 20 KB input: linear code takes milliseconds.
BOUND = 0.5
# Markdown is parsed in Python one character at a time: linear, but a few tenths of a second on 20 KB of brackets.
MARKDOWN_BOUND = 2.0
# Seconds, for one request that checks or searches the text (sign-in, page and all).
REQUEST_BOUND = 1.0
# Seconds, for one request that posts the text: the guard, Markdown, the search index and the mentions.
POSTING_BOUND = 3.0


FAMILIES = families(SIZE)
GUARD, MARKDOWN, QUERIES, MENTIONS = (FAMILIES[path] for path in ("guard", "markdown", "search query", "mentions"))


def slowest(run, inputs):
    """The longest time `run` took on any of `inputs`, and on which."""
    times = {name: timed(run, value) for name, value in inputs.items()}
    name = max(times, key=times.get)
    return times[name], name


def assert_within(bound, run, inputs):
    took, name = slowest(run, inputs)
    assert took < bound, "%s took %.2f s" % (name, took)


def test_the_guard_reads_hostile_text_in_one_pass():
    assert_within(BOUND, lambda value: guard.highlight(value, guard.findings(value)), GUARD | MARKDOWN)


@pytest.mark.parametrize(
    "value, detail",
    [
        (run_of(SIZE, " ", "x") + " DOB:  12/03/1985", "DOB:  12/03/1985"),
        (run_of(SIZE, "a.") + " write to j.bloggs@example.com", "j.bloggs@example.com"),
        (run_of(SIZE, "Abc. ") + "John Smith has been using heroin", "John Smith"),
        ("John Smith" + " " * 70 + "heroin", "John Smith"),
    ],
)
def test_the_guard_still_finds_details_after_long_runs(value, detail):
    assert value[guard.findings(value)[-1].start : guard.findings(value)[-1].end] == detail


def test_a_colleagues_name_is_left_alone_after_a_long_run_of_spaces():
    colleague = guard.Known.of(people=[("John Smith", "john.smith@sthelens.example.org")])
    assert guard.findings("John Smith" + " " * 20_000 + "heroin", colleague) == []


def test_a_posts_history_compares_hostile_edits_in_time():
    edits = {
        "a " * 10_000: "b " + "a " * 9_999,  # one word changed at the start of 20 KB of one repeated word
        "a b " * 5_000: "b a " * 5_000,  # every word moved
        "a " * 200: "b " * 200,  # short enough to compare word by word
    }
    inputs = {"edit %d" % number: before for number, before in enumerate(edits)}
    assert_within(BOUND, lambda before: revisions.word_changes(before, edits[before]), inputs)


def test_markdown_renders_hostile_text_in_time():
    assert_within(MARKDOWN_BOUND, text.render_markdown, MARKDOWN | GUARD)


def test_search_words_mentions_and_email_text_in_one_pass():
    assert_within(BOUND, search.words, QUERIES)
    assert_within(BOUND, notify.mentioned_people, MENTIONS | GUARD)
    assert_within(BOUND, email_text, FAMILIES["email text"])
    assert_within(BOUND, lambda value: email_text(value, "html"), FAMILIES["email html"])


@pytest.fixture
def member():
    return make_user(make_org())


def timed_request(send, bound, inputs, statuses=(200,)):
    """Send each input; every answer is one of `statuses` and the slowest is under `bound`."""
    answers = {}

    def run(value):
        answers[value[:40]] = send(value).status_code

    assert_within(bound, run, inputs)
    assert {status for status in answers.values()} <= set(statuses), answers


def test_checking_hostile_text_as_people_type(as_person, member):
    client = as_person(member)
    timed_request(lambda value: client.post("/check-text", data={"body": value}), REQUEST_BOUND, GUARD | MARKDOWN)


def test_posting_hostile_text(as_person, member):
    thread = make_thread(member)
    client = as_person(member)

    def reply(value):
        return client.post("/threads/%d/reply" % thread.id, data={"body": value, "confirm_personal": "y"})

    timed_request(reply, POSTING_BOUND, GUARD | MARKDOWN | MENTIONS, statuses=(303,))
    assert Post.select().count() == 1 + len(GUARD | MARKDOWN | MENTIONS)
    assert client.get("/threads/%d" % thread.id).status_code == 200


def test_starting_a_thread_with_hostile_text(as_person, member):
    client = as_person(member)

    def start(value):
        fields = {"kind": "update", "visibility": "all", "title": value[:200], "body": value, "confirm_personal": "y"}
        return client.post("/threads/new", data=fields)

    chosen = {name: GUARD[name] for name in ("dob then spaces", "a. repeated")}
    timed_request(start, POSTING_BOUND, chosen | {"brackets": MARKDOWN["'[' repeated"]}, statuses=(303,))
    long_title = {"kind": "update", "visibility": "all", "title": run_of(SIZE, "dob "), "body": "x"}
    too_long = client.post("/threads/new", data=long_title)
    assert too_long.status_code == 422 and "Keep the title under 200 characters" in too_long.text


def test_searching_for_hostile_text_and_through_hostile_posts(as_person, member):
    for value in (GUARD | {name: MARKDOWN[name] for name in ("'[' repeated", "'*a' repeated")}).values():
        make_thread(member, title="Beds", body="beds " + value[:19_000])
    client = as_person(member)
    timed_request(lambda value: client.get("/search", query_string={"q": value}), REQUEST_BOUND, QUERIES)
    # The snippets and highlights of 20 KB posts full of hostile text, a page of them at a time.
    for order in search.ORDERS:
        started = time.perf_counter()
        found = client.get("/search", query_string={"q": "beds", "sort": order})
        assert found.status_code == 200 and "<mark>" in found.text
        assert time.perf_counter() - started < REQUEST_BOUND


def test_the_mention_picker_takes_hostile_text(as_person, member):
    thread = make_thread(member)
    client = as_person(member)
    picker = "/threads/%d/mentions" % thread.id
    timed_request(lambda value: client.get(picker, query_string={"q": value}), REQUEST_BOUND, MENTIONS | QUERIES)


def test_a_hostile_email_address_for_a_new_person_is_refused_in_time(as_person):
    client = as_person(make_steward())
    addresses = {
        "endless domain parts": run_of(SIZE, "b.", "a@", "@"),
        "endless dots": run_of(SIZE, ".", "a@b", " "),
        "at signs": run_of(SIZE, "a@"),
    }

    def add(value):
        return client.post("/people/new", data={"name": "Ann Other", "email": value, "role": "member"})

    timed_request(add, REQUEST_BOUND, addresses, statuses=(422,))
