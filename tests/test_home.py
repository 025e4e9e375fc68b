"""Home: what is waiting for my organisation, my organisation's requests, the latest updates; and query counts."""

from playhouse.test_utils import count_queries

from portal import clock, moderation, tracking
from portal.models import LIVE_STATUSES, Thread, ThreadAddressee

from .builders import make_org, make_request, make_steward, make_thread, make_user

HTMX = {"HX-Request": "true"}


def test_home_shows_the_three_lists(as_person):
    charity, council, other = make_org(), make_org(kind="local_authority"), make_org()
    officer = make_user(council)
    make_request(make_user(charity), [council], title="Asked of the council")
    make_request(make_user(charity), [other], title="Asked of someone else")
    make_request(officer, [charity], title="The council asks")
    resolved = make_request(make_user(charity), [council], title="Already resolved")
    tracking.resolve(resolved, make_user(charity))
    make_thread(make_user(other), title="News from elsewhere")
    page = as_person(officer).get("/").text
    waiting, rest = page.split('id="own"')
    own, updates = rest.split('id="updates"')
    assert "Asked of the council" in waiting and "Already resolved" not in waiting
    assert "Asked of someone else" not in page
    assert "The council asks" in own
    assert "News from elsewhere" in updates


def test_a_request_leaves_the_addressed_list_when_it_is_done_and_comes_back_when_reopened(as_person):
    charity, council = make_org(), make_org(kind="local_authority")
    asker, steward, client = make_user(charity), make_steward(), as_person(make_user(council))
    request = make_request(asker, [council], title="Beds tonight")

    def addressed():
        return client.get("/").text.split('id="own"')[0]

    assert "Beds tonight" in addressed()
    tracking.resolve(request, steward)
    assert "Beds tonight" not in addressed()
    tracking.reopen(request, steward)
    assert "Beds tonight" in addressed()
    tracking.close(request, steward, "withdrawn")
    assert "Beds tonight" not in addressed()
    # merged into a resolved request: those addressees it moves there and those it keeps are no longer live
    duplicate = make_request(asker, [council, make_org()], title="Beds again")
    merged_into = make_request(asker, [council], title="Beds, done")
    tracking.resolve(merged_into, steward)
    moderation.merge(duplicate, merged_into, steward)
    assert "Beds" not in addressed()
    # the addressees' copy of whether the request is live agrees with every request
    live = {a.thread_id for a in ThreadAddressee.select().where(ThreadAddressee.live)}
    assert live == {t.id for t in Thread.select().where(Thread.status.in_(LIVE_STATUSES)) if t.addressed_ids()}


def test_waiting_list_is_oldest_first_and_pages_as_a_fragment(as_person):
    charity, council = make_org(), make_org(kind="local_authority")
    asker = make_user(charity)
    for number in range(7):
        make_request(asker, [council], title="Request %d" % number)
    client = as_person(make_user(council))
    first = client.get("/").text
    assert first.index("Request 0") < first.index("Request 4")
    assert "Request 5" not in first
    assert 'hx-get="/?addressed=2&amp;part=addressed"' in first
    fragment = client.get("/?addressed=2&part=addressed", headers=HTMX).text
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="addressed"')
    assert "Request 5" in fragment and "Request 6" in fragment
    assert "<html" in client.get("/?addressed=2&part=addressed").text
    assert "<html" not in client.get("/?part=nonsense", headers=HTMX).text


def queries_for(client, path):
    with count_queries() as counted:
        assert client.get(path).status_code == 200
    return counted.count


def test_home_and_threads_list_cost_the_same_queries_for_one_row_or_a_full_page(as_person):
    charity, council = make_org(), make_org(kind="local_authority")
    officer, asker = make_user(council), make_user(charity)
    make_request(asker, [council])
    make_request(officer, [charity])
    make_thread(asker)
    client = as_person(officer)
    few = {path: queries_for(client, path) for path in ("/", "/threads", "/orgs/%s" % charity.slug)}
    for number in range(12):
        make_request(asker, [council, charity], title="More %d" % number)
        make_request(officer, [charity, make_org()])
        make_thread(asker)
    many = {path: queries_for(client, path) for path in few}
    assert many == few
    # the person; the three lists in one query; their addressees; this month's check-in
    assert few["/"] <= 4 and few["/threads"] <= 6
    # and the steward's overview: the board's counts, and who most requests wait on
    steward = as_person(make_user(council, role="steward"))
    with clock.fixed_at(clock.now()):  # what is kept lasts no longer than its minute, which must not turn here
        assert queries_for(steward, "/") <= 6
        assert queries_for(steward, "/") <= 4  # nothing has changed since: the overview is cached until the next event
    # the next page of one list: the person and that list, with its addressees; no overview, no check-in
    with count_queries() as counted:
        fragment = steward.get("/?part=updates&updates=2", headers=HTMX)
    assert fragment.status_code == 200 and counted.count == 3
    assert fragment.text.lstrip().startswith('<section id="updates"')


def test_each_list_keeps_its_own_order_and_its_own_page_in_the_one_query(as_person):
    charity, council = make_org(), make_org(kind="local_authority")
    asker = make_user(charity)
    for number in range(7):
        make_request(asker, [council], title="Request %d" % number)
    updates = [make_thread(asker, title="Update %d" % number) for number in range(7)]
    Thread.update(pinned=True).where(Thread.id == updates[0].id).execute()
    page = as_person(make_user(council)).get("/?addressed=2").text
    waiting, rest = page.split('id="own"')
    latest = rest.split('id="updates"')[1]
    assert "Request 5" in waiting and "Request 6" in waiting and "Request 4" not in waiting  # oldest first, page 2
    # pinned first, then the latest activity first, page 1
    assert latest.index("Update 0") < latest.index("Update 6") < latest.index("Update 5") < latest.index("Update 3")
    assert "Update 2" not in latest


def test_home_lists_are_shorter_than_other_lists(app, as_person, monkeypatch):
    """Home is an overview for a phone: its lists have their own size, the threads list keeps the longer one."""
    monkeypatch.setitem(app.config, "HOME_PAGE_SIZE", 2)
    charity, council = make_org(), make_org(kind="local_authority")
    for number in range(3):
        make_thread(make_user(charity), title="Update %d" % number)
    client = as_person(make_user(council))
    updates = client.get("/").text.split('id="updates"')[1]
    assert "Update 2" in updates and "Update 1" in updates and "Update 0" not in updates
    assert 'hx-get="/?updates=2&amp;part=updates"' in updates
    assert all("Update %d" % number in client.get("/threads").text for number in range(3))
