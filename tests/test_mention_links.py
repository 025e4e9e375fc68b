"""Mentions in a post link to the person's card or the organisation's page, made once when the post is written."""

from playhouse.test_utils import count_queries

from portal import moderation, tracking
from portal.models import Post
from portal.text import render_markdown

from .builders import make_org, make_steward, make_thread, make_user


def test_mentions_become_links_to_this_sites_paths_only_outside_code_and_links():
    paths = {"sam-jones": "/people/7", "st-helens": "/orgs/st-helens"}
    html = render_markdown("Ask @Sam-Jones or @st-helens, not @nobody; `@sam-jones` [@sam-jones](https://x.org)", paths)
    assert '<a href="/people/7" class="mention" rel="nofollow noopener">@Sam-Jones</a>' in html
    assert '<a href="/orgs/st-helens" class="mention" rel="nofollow noopener">@st-helens</a>' in html
    assert "not @nobody;" in html and "<code>@sam-jones</code>" in html
    assert '<a href="https://x.org" rel="nofollow noopener">@sam-jones</a>' in html
    assert "sam@sam-jones.org" in render_markdown("write to sam@sam-jones.org", paths)  # an address, not a mention
    # a class only the portal gives: Markdown cannot make one, and no other class gets through
    assert 'class="' not in render_markdown("[x](/people/7) <a class='mention' href='/x'>y</a>", paths)


def test_a_post_links_the_people_and_organisations_it_mentions(as_person):
    council = make_org("St Helens Council", slug="st-helens", kind="local_authority")
    officer = make_user(council, name="Sam Jones")
    author = make_user(make_org())
    thread = make_thread(author, body="Thanks @sam-jones, and all at @st-helens. @nobody-here")
    reply = tracking.reply(thread, author, "Again, @Sam-Jones")
    page = as_person(make_user()).get("/threads/%d" % thread.id).text
    assert '<a href="/people/%d" class="mention" rel="nofollow noopener">@sam-jones</a>' % officer.id in page
    assert '<a href="/orgs/st-helens" class="mention" rel="nofollow noopener">@st-helens</a>' in page
    assert "@nobody-here" in page and 'href="/people/%d"' % officer.id in Post.get_by_id(reply.id).body_html
    # edits and redactions keep the links
    post = Post.get(Post.thread == thread.id)
    tracking.edit_post(post, author, "Thanks @sam-jones for the bed")
    moderation.redact(Post.get_by_id(post.id), make_steward(), "not needed", spans=["for the bed"])
    assert 'href="/people/%d"' % officer.id in Post.get_by_id(post.id).body_html


def test_two_people_of_one_name_link_to_neither(as_person):
    make_user(name="Alex Reid"), make_user(name="Alex Reid")
    thread = make_thread(make_user(), body="Over to @alex-reid")
    assert 'class="mention"' not in Post.get(Post.thread == thread.id).body_html


def test_showing_a_thread_looks_up_no_mentions(as_person):
    officer = make_user(name="Sam Jones")
    thread = make_thread(make_user(), body="Hello")
    client = as_person(make_user())
    client.get("/threads/%d" % thread.id)
    with count_queries() as plain:
        client.get("/threads/%d" % thread.id)
    for _ in range(3):
        tracking.reply(thread, officer, "Ask @sam-jones")
    client.get("/threads/%d" % thread.id)
    with count_queries() as mentioned:
        assert client.get("/threads/%d" % thread.id).text.count('class="mention"') == 3
    assert len(mentioned.get_queries()) == len(plain.get_queries())


def test_every_partner_sees_the_card_of_a_person_to_contact(as_person):
    council = make_org("St Helens Council", slug="st-helens")
    officer = make_user(council, name="Sam Jones", email="sam@sthelens.example.org")
    card = as_person(make_user()).get("/people/%d" % officer.id)
    assert card.status_code == 200 and "<h1>Sam Jones</h1>" in card.text
    assert 'href="/orgs/st-helens"' in card.text and "Member of staff" in card.text
    assert "sam@sthelens.example.org" not in card.text and "/people/%d/edit" % officer.id not in card.text
    steward = make_steward(name="Sam Steward")
    assert "The systems steward" in as_person(officer).get("/people/%d" % steward.id).text
    assert "/people/%d/edit" % officer.id in as_person(steward).get("/people/%d" % officer.id).text
    assert as_person(officer).get("/people/999999").status_code == 404
    assert as_person(officer).get("/people").status_code == 403  # the list stays the steward's
