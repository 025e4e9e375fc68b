"""What cannot be undone (merge, anonymise, redact) goes first to a page of its own saying what will happen; only
that page's button does it, so no other form, old page or crafted post can skip it."""

from portal import tracking
from portal.models import Post, Thread, User

from .builders import make_org, make_steward, make_thread, make_user

SECRET = "Zebediah Quartermaine"


def test_merge_asks_first_on_its_own_page_saying_what_will_happen(as_person):
    author = make_user()
    source, target = make_thread(author, title="Beds tonight"), make_thread(author, title="Beds this week")
    tracking.reply(source, author, "Still looking")
    steward = as_person(make_steward())
    tools = steward.get("/threads/%d" % source.id).text
    assert '<form class="tool" method="get" action="/threads/%d/merge">' % source.id in tools

    page = steward.get("/threads/%d/merge?target=%d" % (source.id, target.id))
    assert page.status_code == 200
    assert (
        "Its 2 posts move to “Beds this week” in time order, “Beds tonight” is ended and its address leads to "
        "“Beds this week”. This cannot be undone." in page.text
    )
    assert 'name="confirmed" value="yes"' in page.text and ">Yes, merge</button>" in page.text
    assert '<a href="/threads/%d">Cancel</a>' % source.id in page.text
    assert Thread.get_by_id(source.id).merged_into_id is None  # looking is not doing


def test_a_merge_sent_without_the_confirmation_shows_the_confirmation_and_merges_nothing(as_person):
    author = make_user()
    source, target = make_thread(author, title="Duplicate"), make_thread(author, title="Original")
    steward = as_person(make_steward())
    skipped = steward.post("/threads/%d/merge" % source.id, data={"target": target.id})
    assert skipped.status_code == 200 and "Merge “Duplicate” into “Original”?" in skipped.text
    assert Thread.get_by_id(source.id).merged_into_id is None
    done = steward.post("/threads/%d/merge" % source.id, data={"target": target.id, "confirmed": "yes"})
    assert done.status_code == 303 and Thread.get_by_id(source.id).merged_into_id == target.id


def test_a_request_merged_away_is_closed_as_a_duplicate(as_person):
    asker, council = make_user(), make_org()
    source = make_thread(asker, kind="need", title="Copy", to=[council])
    target = make_thread(asker, kind="need", title="First", to=[council])
    page = as_person(make_steward()).get("/threads/%d/merge?target=%d" % (source.id, target.id)).text
    assert "Its 1 post moves to “First” in time order, “Copy” is closed as a duplicate" in page


def test_a_wrong_thread_number_is_said_next_to_the_field(as_person):
    source = make_thread(make_user(), title="Lonely")
    steward = as_person(make_steward())
    for number, message in (("999999", "Enter the number of an existing thread"), ("", "Enter the number of the")):
        page = steward.get("/threads/%d/merge?target=%s" % (source.id, number))
        assert page.status_code == 422 and "There is a problem" in page.text
        assert 'aria-invalid="true"' in page.text and 'id="target-error"' in page.text and message in page.text
    itself = steward.get("/threads/%d/merge?target=%d" % (source.id, source.id)).text
    assert "A thread cannot be merged into itself." in itself and "Yes, merge" not in itself
    assert steward.get("/threads/%d/merge" % source.id).status_code == 200  # the field alone, no error yet


def test_anonymising_asks_first_naming_the_person_and_what_goes(as_person):
    organisation = make_org("Hope Charity")
    leaver = make_user(organisation, name="Jo Bloggs", email="jo@example.org")
    make_thread(leaver)
    steward = as_person(make_steward())
    assert 'href="/people/%d/anonymise"' % leaver.id in steward.get("/people/%d/edit" % leaver.id).text
    page = steward.get("/people/%d/anonymise" % leaver.id).text
    assert "Anonymise Jo Bloggs?" in page
    assert "Their name and e-mail address (jo@example.org) are removed from the portal for good" in page
    assert "Their 1 post stays, shown as written by a former member of Hope Charity" in page
    assert "This cannot be undone." in page and ">Yes, anonymise</button>" in page

    skipped = steward.post("/people/%d/anonymise" % leaver.id)
    assert skipped.status_code == 200 and "Anonymise Jo Bloggs?" in skipped.text
    assert User.get_by_id(leaver.id).name == "Jo Bloggs"
    assert steward.post("/people/%d/anonymise" % leaver.id, data={"confirmed": "yes"}).status_code == 303
    assert User.get_by_id(leaver.id).name == "Former member of Hope Charity"


def test_redacting_asks_first_showing_what_goes_for_good(as_person):
    author = make_user()
    thread = make_thread(author, body="Bed for %s tonight" % SECRET)
    post = Post.get(Post.thread == thread.id)
    steward = as_person(make_steward())
    page = steward.post("/posts/%d/redact" % post.id, data={"span": SECRET, "reason": "a client name"})
    assert page.status_code == 200 and "Redact this post?" in page.text
    assert "The text is removed from the database for good" in page.text and ">Yes, redact</button>" in page.text
    assert "[redacted by the steward: a client name]" in page.text
    assert Post.get_by_id(post.id).body == "Bed for %s tonight" % SECRET
    steward.post("/posts/%d/redact" % post.id, data={"span": SECRET, "reason": "a client name", "confirmed": "yes"})
    assert Post.get_by_id(post.id).body == "Bed for [redacted by the steward: a client name] tonight"


def test_bad_redaction_input_is_said_next_to_the_field_and_keeps_what_was_typed(as_person):
    post = Post.get(Post.thread == make_thread(make_user(), body="Nothing personal").id)
    steward = as_person(make_steward())
    page = steward.post("/posts/%d/redact" % post.id, data={"span": "Nothing", "reason": ""})
    assert page.status_code == 422 and "There is a problem" in page.text
    assert 'id="reason-error"' in page.text and "Give the reason for the redaction" in page.text
    assert "Nothing</textarea>" in page.text
    missing = steward.post("/posts/%d/redact" % post.id, data={"span": SECRET, "reason": "name", "confirmed": "yes"})
    assert missing.status_code == 422 and "That text is not in the post" in missing.text
    assert Post.get_by_id(post.id).body == "Nothing personal"
