"""A post's history: every version, who made it and when, what each edit changed; the steward's edits marked."""

import re
from datetime import datetime

from playhouse.test_utils import count_queries

from portal import clock, moderation, tracking
from portal.models import Post
from portal.revisions import word_changes

from .builders import make_org, make_request, make_steward, make_thread, make_user

HTMX = {"HX-Request": "true"}


def edited_post(author, *bodies, editor=None):
    """A thread whose post was written as bodies[0] and then edited to each of the others, an hour apart."""
    with clock.fixed_at(datetime(2026, 12, 3, 9, 0)):
        thread = make_thread(author, body=bodies[0])
    post = Post.get(Post.thread == thread.id)
    for hour, body in enumerate(bodies[1:], start=10):
        with clock.fixed_at(datetime(2026, 12, 3, hour, 2)):
            tracking.edit_post(Post.get_by_id(post.id), editor or author, body)
    return thread, Post.get_by_id(post.id)


def versions(page):
    """The text of each version on a history page, in the order shown, with the screen-reader words."""
    found = re.findall(r'<div class="history__text">(.*?)</div>', page, re.S)
    return [re.sub(r"<[^>]+>", "", text) for text in found]


def test_words_added_and_removed_are_marked_and_spacing_alone_is_no_change():
    assert word_changes("a bed in St Helens", "a sit-up bed in  St Helens tonight") == [
        ("same", "a"),
        ("added", " sit-up"),
        ("same", " bed in  St Helens"),
        ("added", " tonight"),
    ]
    assert word_changes("call the line", "ring the line") == [
        ("removed", "call"),
        ("added", "ring"),
        ("same", " the line"),
    ]


def test_anyone_who_sees_the_thread_reads_every_version_newest_first(as_person):
    author = make_user(make_org(), name="Ana Okafor")
    thread, post = edited_post(author, "Two beds free tonight", "Three beds free tonight", "Three beds free until 9")
    reader = as_person(make_user(make_org()))
    shown = reader.get("/threads/%d" % thread.id).text
    assert 'href="/posts/%d/history"' % post.id in shown and "See what changed" in shown
    page = reader.get("/posts/%d/history" % post.id)
    assert page.status_code == 200 and "<h1>History of the post by Ana Okafor</h1>" in page.text
    assert versions(page.text) == [
        "Three beds free removed: tonight (end of removed words) added: until 9 (end of added words) ",
        "removed: Two (end of removed words) added: Three (end of added words)  beds free tonight",
        "Two beds free tonight",
    ]
    # the changes are words in <ins> and <del>, with what they are said in words, not colour alone
    assert '<del class="history__removed"><span class="visually-hidden">removed: </span>tonight' in page.text
    assert '<ins class="history__added"><span class="visually-hidden">added: </span>until 9' in page.text
    assert "Version 3 (the current text)" in page.text and "Version 1 (as first posted)" in page.text
    assert "Edited by Ana Okafor, <time" in page.text and "3 December 2026 at 11:02" in page.text
    assert "Posted by Ana Okafor, <time" in page.text and "3 December 2026 at 09:00" in page.text
    assert "systems steward" not in page.text


def test_a_post_never_edited_offers_no_history_link(as_person):
    thread = make_thread(make_user())
    assert "See what changed" not in as_person(make_user()).get("/threads/%d" % thread.id).text


def test_the_stewards_edit_is_marked_on_the_post_and_in_the_history(as_person):
    author, steward = make_user(name="Ana Okafor"), make_steward(name="Sam Steward")
    thread, post = edited_post(author, "Ring 0151 000 000 for beds", "Ring the duty line for beds", editor=steward)
    page = as_person(make_user()).get("/threads/%d" % thread.id).text
    # London keeps UTC in December
    assert "Edited by the systems steward, <time" in page and "3 December 2026 at 10:02</time>" in page
    history = as_person(author).get("/posts/%d/history" % post.id).text
    assert "Edited by <strong>the systems steward</strong> (Sam Steward)" in history
    assert "Posted by Ana Okafor" in history
    # the author's own later edit is theirs, and the steward's correction stays marked
    with clock.fixed_at(datetime(2026, 12, 3, 12, 0)):
        tracking.edit_post(Post.get_by_id(post.id), author, "Ring the duty line for two beds")
    page = as_person(make_user()).get("/threads/%d" % thread.id).text
    assert "Edited by the systems steward" not in page
    assert "Corrected by the systems steward</strong>, edited since by its author" in page


def test_the_history_is_as_private_as_the_thread_and_a_hidden_post(as_person):
    charity, council, outsider = make_org(), make_org(), make_org()
    author = make_user(charity)
    thread = make_request(author, [council], body="First", visibility="restricted")
    post = Post.get(Post.thread == thread.id)
    tracking.edit_post(post, author, "Second")
    path = "/posts/%d/history" % post.id
    assert as_person(make_user(outsider)).get(path).status_code == 404
    assert as_person(make_user(council)).get(path).status_code == 200
    steward = make_steward()
    moderation.hide_post(post, steward, "Not kind")
    officer = as_person(make_user(council))
    assert officer.get(path).status_code == 404
    assert "See what changed" not in officer.get("/threads/%d" % thread.id).text
    seen = as_person(steward).get(path)
    assert seen.status_code == 200 and "only stewards see it and its history" in seen.text
    assert as_person(author).get("/posts/999999/history").status_code == 404


def test_text_an_edit_took_out_can_be_redacted_and_no_version_brings_it_back(as_person):
    author = make_user()
    thread, post = edited_post(author, "Ask for Zebediah Quorn at the door", "Ask at the door", "Ask at the side door")
    reader = as_person(make_user())
    assert "Zebediah Quorn" in reader.get("/posts/%d/history" % post.id).text
    steward = as_person(make_steward())
    moderated = steward.get("/posts/%d/moderate" % post.id).text
    assert 'href="/posts/%d/history"' % post.id in moderated  # where to find what the post no longer says
    response = steward.post(
        "/posts/%d/redact" % post.id, data={"span": "Zebediah Quorn", "reason": "a client name", "confirmed": "yes"}
    )
    assert response.status_code == 303
    page = reader.get("/posts/%d/history" % post.id).text
    assert "Zebediah" not in page and "Quorn" not in page
    assert "[redacted by the steward: a client name]" in page
    assert "Zebediah" not in reader.get("/threads/%d" % thread.id).text
    # a whole-post redaction leaves only the placeholder in every version
    steward.post("/posts/%d/redact" % post.id, data={"reason": "posted by mistake", "confirmed": "yes"})
    page = reader.get("/posts/%d/history" % post.id).text
    assert "door" not in page and versions(page)[-1] == "[redacted by the steward: posted by mistake]"


def test_the_history_page_costs_the_same_however_many_edits(as_person):
    author = make_user()
    few = edited_post(author, "one", "two")[1]
    many = edited_post(author, *("version %d" % n for n in range(12)))[1]
    client = as_person(make_user())
    counts = []
    for post in (few, many):
        with count_queries() as counted:
            assert client.get("/posts/%d/history" % post.id).status_code == 200
        counts.append(len(counted.get_queries()))
    assert counts[0] == counts[1] <= 6
