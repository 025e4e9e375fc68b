"""Search: titles and posts, visibility, hidden posts, the index after edits and moderation, filters, hostile
queries, full page and htmx fragment, and a query count that does not grow with the results."""

import re
from datetime import datetime, timedelta

import pytest
from playhouse.test_utils import count_queries

from portal import clock, tracking
from portal import search as search_module
from portal.models import Post, Theme, ThreadTheme

from .builders import make_org, make_request, make_steward, make_thread, make_user

HTMX = {"HX-Request": "true"}


@pytest.fixture
def charity():
    return make_org("Hope Street Charity", slug="hope-street")


@pytest.fixture
def council():
    return make_org("Riverside Council", kind="local_authority", slug="riverside")


@pytest.fixture
def member(charity):
    return make_user(charity)


def search(client, q, headers=None, **filters):
    response = client.get("/search", query_string={"q": q, **filters}, headers=headers)
    assert response.status_code == 200, response.text
    return response


def results(response):
    """The ids of the threads found, in order."""
    block = response.text.split('id="search-results"', 1)[1]
    return [
        int(i)
        for i in re.findall(
            r'<h2 class="thread-row__title">(?:<span class="unread-mark">.*?</span></span>)?<a href="/threads/(\d+)',
            block,
        )
    ]


def status(response):
    """The words of the role="status" paragraph (the live one on a full page, the out-of-band one in a fragment)."""
    match = re.search(r'<p id="search-status"[^>]*>(.*?)</p>', response.text, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


def found(client, q, **filters):
    return results(search(client, q, **filters))


def test_finds_words_in_titles_and_in_posts_and_marks_them(as_person, member, council):
    titled = make_thread(member, title="Sit-up beds in St Helens", body="Nothing else to say.")
    replied = make_thread(member, title="Busy week", body="Cold snap.")
    tracking.reply(replied, make_user(council), "The hostel has emergency space tonight.")
    client = as_person(member)
    assert found(client, "helens") == [titled.id]
    response = search(client, "EMERGENCY tonight")
    assert results(response) == [replied.id]
    assert "The hostel has <mark>emergency</mark> space <mark>tonight</mark>." in response.text
    assert "Sit-up beds in St <mark>Helens</mark>" in search(client, "helens").text
    assert found(client, "bed") == [titled.id]  # the same stem as "beds"
    assert status(response) == "1 thread matches “EMERGENCY tonight”."
    assert found(client, "helens hostel") == []  # every word must be in one post or its thread's title


def test_a_result_links_to_the_page_and_post_that_matched(as_person, member):
    thread = make_thread(member, title="Long conversation")
    posts = [tracking.reply(thread, member, "Reply number %d" % n) for n in range(6)]
    last = tracking.reply(thread, member, "The word aubergine is only here.")
    response = search(as_person(member), "aubergine")
    assert posts and 'href="/threads/%d?page=2#post-%d"' % (thread.id, last.id) in response.text


def test_newest_first_or_best_match_first(as_person, member, council):
    with clock.fixed_at(datetime(2026, 3, 1, 12, 0)):
        titled = make_thread(member, title="Crash pad in St Helens", body="A crash pad is open: crash pad beds.")
        early = tracking.reply(titled, member, "Crash pad booked.")
    with clock.fixed_at(datetime(2026, 3, 2, 12, 0)):
        passing = make_thread(member, title="Weekly round-up", body="Many things happened, " * 20 + "a crash pad too.")
    client = as_person(member)
    newest = search(client, "crash pad")
    assert results(newest) == [passing.id, titled.id]  # the newest matching post first
    assert 'href="/threads/%d#post-%d"' % (titled.id, early.id) in newest.text  # each thread's newest match
    assert '<option value="newest" selected>Newest first</option>' in newest.text
    best = search(client, "crash pad", sort="best")
    assert results(best) == [titled.id, passing.id]  # in the title and often in the post: the better match
    assert '<option value="best" selected>Best match</option>' in best.text
    assert results(search(client, "crash pad", sort="nonsense")) == [passing.id, titled.id]
    with clock.fixed_at(datetime(2026, 3, 3, 12, 0)):
        tracking.reply(titled, make_user(council), "The crash pad is full now.")
    assert results(search(client, "crash pad")) == [titled.id, passing.id]


def test_snippets_escape_the_text_and_mark_only_the_matches(as_person, member):
    make_thread(
        member, title="<script>alert(1)</script> beds", body='Crash pads & "quotes" <b>bold</b> \ue000pads\ue001'
    )
    response = search(as_person(member), "crash")
    assert "<mark>Crash</mark> pads &amp; &#34;quotes&#34;" in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; beds" in response.text
    assert "<b>" not in response.text and "<script>alert" not in response.text
    assert response.text.count("<mark>") == response.text.count("</mark>") == 1


def test_a_restricted_thread_never_matches_for_an_outsider_not_even_in_the_count(as_person, member, council):
    secret = make_request(
        member, [council], title="Allocation rule", body="Crash pads held back", visibility="restricted"
    )
    public = make_thread(make_user(), title="Crash pads across the region")
    outsider = as_person(make_user(make_org("Elsewhere")))
    response = search(outsider, "crash pads")
    assert results(response) == [public.id]
    assert status(response) == "1 thread matches “crash pads”."
    assert found(outsider, "allocation") == []
    assert "No threads match “allocation”" in status(search(outsider, "allocation"))
    for insider in (member, make_user(council), make_steward()):
        assert sorted(found(as_person(insider), "crash pads")) == [secret.id, public.id]
        assert found(as_person(insider), "allocation") == [secret.id]


def test_hidden_post_text_is_not_found_until_the_post_is_shown_again(as_person, member):
    thread = make_thread(member, title="A quiet thread")
    reply = tracking.reply(thread, make_user(), "Something unkind about aubergines")
    steward = as_person(make_steward())
    steward.post("/posts/%d/hide" % reply.id, data={"reason": "Not kind"})
    client = as_person(member)
    assert found(client, "unkind") == []
    assert found(client, "quiet") == [thread.id]  # the thread's other posts still match
    steward.post("/posts/%d/unhide" % reply.id)
    assert found(client, "unkind aubergines") == [thread.id]


def test_an_edited_post_is_found_by_its_new_words_only(as_person, member):
    thread = make_thread(member, title="Update", body="The old wording.")
    client = as_person(member)
    post = Post.get(Post.thread == thread.id)
    assert client.post("/posts/%d/edit" % post.id, data={"body": "The fresh phrasing."}).status_code == 303
    assert found(client, "wording") == []
    assert found(client, "fresh phrasing") == [thread.id]


def test_a_moved_reply_is_found_in_its_new_thread(as_person, member):
    source, target = make_thread(member, title="Source"), make_thread(member, title="Target")
    reply = tracking.reply(source, member, "Wandering words")
    as_person(make_steward()).post("/posts/%d/move" % reply.id, data={"target": target.id})
    client = as_person(member)
    assert found(client, "wandering") == [target.id]
    assert found(client, "wandering target") == [target.id]  # indexed with its new thread's title
    assert found(client, "wandering source") == []


def test_a_split_reply_is_found_in_the_thread_it_starts(as_person, member):
    source = make_thread(member, title="Source")
    reply = tracking.reply(source, member, "Wandering words")
    as_person(make_steward()).post(
        "/posts/%d/split" % reply.id, data={"kind": "update", "title": "Offshoot conversation"}
    )
    split = Post.get_by_id(reply.id).thread_id
    client = as_person(member)
    assert found(client, "wandering") == [split]
    assert found(client, "offshoot") == [split]
    assert found(client, "source") == [source.id]


def test_a_merged_thread_is_gone_and_its_posts_are_found_in_the_thread_it_joined(as_person, member):
    source = make_thread(member, title="Duplicate about laundry", body="Laundry vouchers run out")
    target = make_thread(member, title="Day centre services", body="Showers are open")
    as_person(make_steward()).post("/threads/%d/merge" % source.id, data={"target": target.id, "confirmed": "yes"})
    client = as_person(member)
    assert found(client, "laundry vouchers") == [target.id]
    assert found(client, "duplicate") == []  # the merged thread's title went with it
    assert found(client, "showers") == [target.id]


def test_filters_by_kind_status_and_organisation(as_person, member, council):
    need = make_request(member, [council], title="Beds need")
    question = make_request(make_user(council), [member.organisation], kind="question", title="Beds question")
    update = make_thread(member, title="Beds update")
    tracking.resolve(question, question.author)
    client = as_person(member)
    assert sorted(found(client, "beds")) == sorted([need.id, question.id, update.id])
    assert found(client, "beds", kind="need") == [need.id]
    assert found(client, "beds", status="resolved") == [question.id]
    assert sorted(found(client, "beds", org="hope-street")) == sorted([need.id, update.id])
    assert found(client, "beds", org="riverside", kind="update") == []
    assert sorted(found(client, "beds", kind="rumour", org="nowhere")) == sorted([need.id, question.id, update.id])


def test_filters_by_theme(as_person, member):
    tagged, untagged = make_thread(member, title="Discharge beds"), make_thread(member, title="More beds")
    theme = Theme.create(name="Hospital discharge", slug="hospital-discharge")
    ThreadTheme.create(thread=tagged, theme=theme)
    client = as_person(member)
    assert sorted(found(client, "beds")) == sorted([tagged.id, untagged.id])
    assert found(client, "beds", theme="hospital-discharge") == [tagged.id]


def test_date_filters_are_london_days_of_the_matching_post(as_person, member):
    with clock.fixed_at(datetime(2026, 3, 31, 23, 30)):  # 00:30 on 1 April in London (summer time)
        april = make_thread(member, title="Outreach notes", body="Seen at the station")
    with clock.fixed_at(datetime(2026, 3, 30, 12, 0)):
        march = make_thread(member, title="Outreach notes", body="Seen at the park")
    client = as_person(member)
    assert found(client, "outreach", **{"from": "2026-04-01"}) == [april.id]
    assert found(client, "outreach", to="2026-03-31") == [march.id]
    assert found(client, "outreach", **{"from": "2026-03-31", "to": "2026-03-31"}) == []
    swapped = search(client, "outreach", **{"from": "2026-04-01", "to": "2026-03-30"})
    assert sorted(results(swapped)) == sorted([april.id, march.id])
    assert "The dates were the wrong way round, so they were swapped." in status(swapped)
    assert found(client, "outreach", **{"from": "2099-12-31"}) == []  # the last day a date filter takes
    for nonsense in ("yesterday", "2026-02-30", "0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"):
        assert len(found(client, "outreach", to=nonsense)) == 2
        ignored = search(client, "outreach", **{"from": nonsense})
        assert len(results(ignored)) == 2 and 'name="from" value=""' in ignored.text


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "NEAR(",
        "a OR",
        "-",
        "'; DROP TABLE post; --",
        "x" * 5000,
        "the and of",
        "",
        "   ",
        '"beds',
        "beds*",
        "title:beds",
        "^beds",
        "beds AND NOT",
        "(beds",
        "_",
        "\ue000beds\ue001",
        "beds\x00",
    ],
)
def test_hostile_queries_give_results_or_a_clear_message(as_person, member, query):
    make_thread(member, title="The beds and the rules of allocation", body="A OR B, near the station")
    client = as_person(member)
    for headers in (None, HTMX):
        response = search(client, query, headers=headers)
        assert status(response)
    assert Post.select().count() == 1


def test_words_with_search_syntax_around_them_are_still_found(as_person, member):
    thread = make_thread(member, title="Crash pads", body="Near the station")
    client = as_person(member)
    for query in ('"crash', "crash*", "NEAR(station", "-crash", "crash:", "crash OR nothing"):
        assert found(client, query) == ([] if "OR" in query else [thread.id]), query
    long = search(client, "crash " + "x" * 5000)
    assert results(long) == []
    assert "Only the first 200 characters were searched." in status(long)


def test_empty_and_symbol_only_queries_say_what_to_do(as_person, member):
    client = as_person(member)
    assert status(search(client, "")) == "Type one or more words to search thread titles and posts."
    assert status(search(client, "*")) == "“*” has no words to search for: type letters or numbers."


def test_full_page_and_htmx_fragment(as_person, member):
    thread = make_thread(member, title="Crash pads")
    client = as_person(member)
    page = search(client, "crash")
    assert page.text.startswith("<!doctype html>") and "<h1>Search</h1>" in page.text
    assert '<label for="q">Search for</label>' in page.text
    assert 'hx-trigger="input changed delay:300ms, search"' in page.text
    assert 'hx-push-url="true"' in page.text and 'hx-target="#search-results"' in page.text
    assert '<p id="search-status" class="result-count" role="status">' in page.text
    assert 'value="crash"' in page.text
    fragment = search(client, "crash", headers=HTMX)
    assert "<html" not in fragment.text and "<form" not in fragment.text
    assert '<p id="search-status" hx-swap-oob="innerHTML">' in fragment.text
    assert results(fragment) == [thread.id]
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Request" in page.headers["Vary"]
    boosted = search(client, "crash", headers={**HTMX, "HX-Boosted": "true"})
    assert boosted.text.startswith("<!doctype html>") and "hx-swap-oob" not in boosted.text


def test_results_are_paged_with_the_count(as_person, member):
    threads = [make_thread(member, title="Beds report %d" % n) for n in range(7)]
    client = as_person(member)
    first = search(client, "beds")
    assert len(results(first)) == 5 and status(first) == "7 threads match “beds”, showing 1 to 5."
    second = search(client, "beds", page=2)
    assert len(results(second)) == 2 and status(second) == "7 threads match “beds”, showing 6 to 7."
    assert sorted(results(first) + results(second)) == sorted(t.id for t in threads)
    assert 'href="/search?q=beds&amp;page=1" rel="prev"' in second.text


def threads_a_day(author, days, **fields):
    """One thread a day in March 2026, each with one post about beds, oldest first."""
    threads = []
    for day in days:
        with clock.fixed_at(datetime(2026, 3, day, 12, 0)):
            threads.append(make_thread(author, title="Beds on day %d" % day, **fields))
    return threads


def test_only_the_newest_matching_posts_are_ranked_and_the_page_says_so(as_person, member, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 5)
    threads = threads_a_day(member, range(1, 9))
    client = as_person(member)
    newest = search(client, "beds")
    assert sorted(results(newest)) == sorted(t.id for t in threads[3:])
    assert status(newest) == (
        "Only the 5 most recent posts with “beds” were searched: 5 threads match. "
        "Add a word, a filter or dates to search older posts."
    )
    assert sorted(found(client, "beds", to="2026-03-03")) == sorted(t.id for t in threads[:3])
    assert status(search(client, "beds", to="2026-03-03")) == "3 threads match “beds”."
    dated = search(client, "beds", **{"from": "2026-03-02", "to": "2026-03-07"})
    assert sorted(results(dated)) == sorted(t.id for t in threads[2:7])
    assert status(dated).startswith("Only the 5 most recent posts with “beds” that fit these filters were searched")
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 6)
    first = search(client, "beds")
    assert len(results(first)) == 5 and status(first) == (
        "Only the 6 most recent posts with “beds” were searched: 6 threads match, showing 1 to 5. "
        "Add a word, a filter or dates to search older posts."
    )
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 7)
    assert status(search(client, "beds")).startswith("Only the 7 most recent posts")
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 8)  # every post ranked: nothing older was left out
    assert status(search(client, "beds")) == "8 threads match “beds”, showing 1 to 5."


def test_the_list_filters_reach_older_posts_too(as_person, member, council, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 3)
    with clock.fixed_at(datetime(2026, 2, 1, 12, 0)):
        need = make_request(member, [council], title="Beds wanted")
    threads_a_day(make_user(council), range(1, 6))
    client = as_person(member)
    assert need.id not in found(client, "beds")
    assert found(client, "beds", kind="need") == [need.id]
    assert found(client, "beds", org="hope-street") == [need.id]
    assert status(search(client, "beds", org="hope-street")) == "1 thread matches “beds”."


def test_posts_a_person_may_not_see_never_take_the_place_of_ones_they_may(as_person, member, council, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 3)
    with clock.fixed_at(datetime(2026, 2, 1, 12, 0)):
        public = [make_thread(make_user(), title="Beds for all %d" % n) for n in range(2)]
    secret = threads_a_day(make_user(council), range(1, 6), visibility="restricted")
    outsider = search(as_person(member), "beds")
    assert sorted(results(outsider)) == sorted(t.id for t in public)
    assert status(outsider) == "2 threads match “beds”."  # nothing tells that there is more to see
    insider = search(as_person(make_steward()), "beds")
    assert sorted(results(insider)) == sorted(t.id for t in secret[2:])
    assert status(insider).startswith("Only the 3 most recent posts")


def search_queries(client):
    counts = []
    for order in search_module.ORDERS:
        with count_queries() as counted:
            search(client, "beds", sort=order)
        counts.append(counted.count)
    return counts


def test_query_count_does_not_grow_with_results(as_person, member, council):
    client = as_person(member)
    make_request(member, [council], title="Beds", body="Beds tonight")
    one = search_queries(client)
    for number in range(30):
        thread = make_thread(make_user(council), title="More beds %d" % number, body="Beds again")
        tracking.reply(thread, member, "Still beds")
    many = search_queries(client)
    assert one == many and max(many) <= 6  # the first after a change: learning cycles and services included


def test_search_and_the_board_keep_their_row_queries_apart(as_person, member, council):
    # both read a page's rows by their ids, the board's with whose move it is: one cached query each
    thread = make_request(member, [council], title="Mattress needed in Bootle")
    client = as_person(member)
    assert "Mattress needed in Bootle" in client.get("/board").text
    assert found(client, "mattress") == [thread.id]
    assert "Mattress needed in Bootle" in client.get("/board").text


def test_a_search_is_kept_until_a_post_changes_or_the_minute_turns(as_person, member):
    thread = make_thread(member, title="Cold snap", body="A word like aubergine.")
    client = as_person(member)
    with clock.fixed_at(clock.now().replace(second=0)) as moment:
        assert found(client, "aubergine") == [thread.id]
        with count_queries() as counted:
            assert found(client, "aubergine") == [thread.id]
        assert counted.count == 4  # the person, the filters' choices, the page's threads and their snippets
        other = make_thread(member, title="Another", body="More aubergine here.")
        assert found(client, "aubergine") == [other.id, thread.id]  # a new post records an event
        # a change made outside the portal records no event: the kept answer lasts until the minute turns
        Post.update(hidden=True).where(Post.thread == other.id).execute()
        assert found(client, "aubergine") == [other.id, thread.id]
    with clock.fixed_at(moment + timedelta(minutes=1)):
        assert status(search(client, "aubergine")) == "1 thread matches “aubergine”."
