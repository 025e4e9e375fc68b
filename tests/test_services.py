"""Services: the directory and its filters, adding and editing a service, rule versions and their history, what
changed, confirming a service as it is; query counts flat with the number of services."""

from datetime import date, timedelta

import pytest
from playhouse.test_utils import count_queries

from portal import clock, services
from portal.models import Event, RuleLink, RuleVersion, Service

from .builders import make_org, make_request, make_service, make_steward, make_user


@pytest.fixture
def salvation():
    return make_org("Salisbury House")


@pytest.fixture
def keeper(salvation):
    return make_user(salvation, name="Sam Keeper")


def form(**changes):
    data = {
        "name": "Crash pads",
        "offers": "Two **crash pads** and four sit-up beds",
        "eligibility": "Allocated by St Helens housing options",
        "referrers": ["council"],
        "refer_by": ["phone"],
        "hours": "9 to 5",
        "areas": ["st-helens"],
        "capacity": "Six a night",
        "contact": "0151 496 0000",
        "status": "open",
    }
    data.update(changes)
    return data


def test_a_member_adds_a_service_for_their_organisation_with_its_first_rule(as_person, keeper):
    client = as_person(keeper)
    assert client.get("/services/new").status_code == 200
    response = client.post("/services/new", data=form(organisation=str(keeper.organisation_id)))
    assert response.status_code == 303
    service = Service.get()
    assert service.organisation_id == keeper.organisation_id and service.rule_number == 1
    assert "<strong>crash pads</strong>" in service.offers_html
    assert service.areas == ",st-helens,"
    page = client.get(response.headers["Location"]).text
    assert "Crash pads" in page and "Allocated by St Helens housing options" in page and "version 1" in page
    assert "Only the council" in page and "St Helens" in page and "Sam Keeper" in page
    assert Event.get(Event.action == "service_added").data["service"] == service.id


def test_a_member_cannot_add_a_service_for_another_organisation(as_person, keeper):
    other = make_org("Elsewhere")
    response = as_person(keeper).post("/services/new", data=form(organisation=str(other.id)))
    assert response.status_code == 422 and "Choose one of the organisations listed" in response.text
    assert Service.select().count() == 0


def test_a_form_with_errors_keeps_what_was_typed(as_person, keeper):
    response = as_person(keeper).post(
        "/services/new", data=form(organisation=str(keeper.organisation_id), eligibility="", areas=["mars"])
    )
    assert response.status_code == 422
    assert "Say who the service is for" in response.text and "Choose from the areas listed" in response.text
    assert "Two **crash pads**" in response.text


def test_editing_who_it_is_for_makes_a_new_version_and_keeps_the_old_one(as_person, keeper):
    service = make_service(keeper, eligibility="Allocated by the council", referrers=["council"])
    RuleVersion.update(effective_from=date(2026, 1, 1)).execute()
    client = as_person(keeper)
    assert client.get("/services/%d/edit" % service.id).status_code == 200
    changed = form(eligibility="People sleeping rough, referred by outreach", referrers=["outreach"])
    response = client.post("/services/%d/edit" % service.id, data=changed)
    assert response.status_code == 422 and "Say why the rule changed" in response.text
    barrier_thread = make_request(keeper, [])
    changed.update(why="Trust was built", effective_from="2026-03-01", threads=str(barrier_thread.id))
    assert client.post("/services/%d/edit" % service.id, data=changed).status_code == 303
    versions = list(RuleVersion.select().where(RuleVersion.service == service.id).order_by(RuleVersion.number))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].eligibility == "Allocated by the council"
    assert versions[1].effective_from == date(2026, 3, 1) and versions[1].why == "Trust was built"
    assert RuleLink.get().thread_id == barrier_thread.id
    assert Service.get_by_id(service.id).rule_number == 2
    assert Event.get(Event.action == "rule_changed").data["version"] == 2
    history = client.get("/services/%d/rules" % service.id).text
    assert "Allocated by the council" in history and "Trust was built" in history and barrier_thread.title in history
    then = client.get("/services/%d/rules?on=2026-02-01" % service.id).text
    assert "What the rule was on 1 February 2026" in then
    assert then.index("Allocated by the council") < then.index("Every version")
    assert client.get("/services/%d/rules?on=nonsense" % service.id).status_code == 200


def test_editing_other_details_changes_them_in_place(as_person, keeper):
    service = make_service(keeper)
    data = form(name="Crash pads and sit-up beds", eligibility="People sleeping rough", referrers=["outreach"])
    data["hours"] = "Any hour"
    assert as_person(keeper).post("/services/%d/edit" % service.id, data=data).status_code == 303
    assert RuleVersion.select().count() == 1
    assert Service.get_by_id(service.id).name == "Crash pads and sit-up beds"
    assert Event.get(Event.action == "service_edited").data["changes"]["name"] == [
        "Crash pads",
        "Crash pads and sit-up beds",
    ]


def test_a_link_to_a_thread_the_editor_cannot_see_is_refused(as_person, keeper):
    service = make_service(keeper)
    outsider = make_user(make_org())
    hidden = make_request(outsider, [], visibility="restricted")
    data = form(why="Because", threads="%d" % hidden.id, barriers="99999")
    response = as_person(keeper).post("/services/%d/edit" % service.id, data=data)
    assert response.status_code == 422
    assert "There is no thread %d that you can see" % hidden.id in response.text
    assert "There is no barrier 99999" in response.text


def test_a_restricted_thread_linked_from_a_rule_is_hidden_from_those_who_may_not_see_it(as_person, keeper):
    service = make_service(keeper)
    hidden = make_request(keeper, [], visibility="restricted", title="Private reason")
    rule = services.Rule("Changed", ["outreach"], ["phone"], why="See thread", thread_ids=[hidden.id])
    services.edit_service(
        service, keeper, {n: getattr(service, n) for n in services.SERVICE_FIELDS} | {"areas": []}, rule
    )
    path = "/services/%d/rules" % service.id
    assert "Private reason" in as_person(keeper).get(path).text
    assert "Private reason" not in as_person(make_user(make_org())).get(path).text


@pytest.mark.parametrize("who, code", [("keeper", 303), ("colleague", 303), ("other", 403), ("steward", 303)])
def test_who_may_edit_and_confirm_a_service(as_person, keeper, who, code):
    service = make_service(keeper)
    person = {
        "keeper": keeper,
        "colleague": make_user(keeper.organisation),
        "other": make_user(make_org()),
        "steward": make_steward(),
    }[who]
    client = as_person(person)
    assert client.post("/services/%d/edit" % service.id, data=form(name="Changed", why="New")).status_code == code
    assert client.post("/services/%d/confirm" % service.id).status_code == code
    assert client.get("/services/%d" % service.id).status_code == 200


def test_wrong_ids_are_404(as_person, keeper):
    client = as_person(keeper)
    for path in ("/services/999", "/services/999/edit", "/services/999/rules", "/services/99999999999999"):
        assert client.get(path).status_code == 404
    assert client.post("/services/999/confirm").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get("/services").status_code in (302, 303)


def test_confirm_as_it_is_in_one_click_without_javascript(as_person, keeper):
    service = make_service(keeper)
    Service.update(confirmed_at=clock.now() - timedelta(days=100)).where(Service.id == service.id).execute()
    client = as_person(make_user(keeper.organisation, name="Pat Colleague"))
    response = client.post("/services/%d/confirm" % service.id, data={"next": "/services"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/services")
    confirmed = Service.get_by_id(service.id)
    assert confirmed.confirmed_at > clock.now() - timedelta(minutes=1)
    assert "Pat Colleague" in client.get("/services/%d" % service.id).text
    assert Event.get(Event.action == "service_confirmed").data["service"] == service.id


def test_the_directory_filters_by_area_who_may_refer_what_it_offers_and_open_only(as_person, keeper):
    make_service(keeper, name="Crash pads", referrers=["outreach"], areas=["st-helens"])
    make_service(keeper, name="Day centre", referrers=["self"], areas=["liverpool"], offers="Showers and food")
    make_service(keeper, name="Old hostel", referrers=["partner"], areas=["liverpool"], status="closed")
    client = as_person(make_user(make_org()))

    def names(query=""):
        text = client.get("/services" + query).text
        return [n for n in ("Crash pads", "Day centre", "Old hostel") if ">%s</a>" % n in text]

    assert names() == ["Crash pads", "Day centre", "Old hostel"]
    assert names("?area=liverpool") == ["Day centre", "Old hostel"]
    assert names("?referrer=outreach") == ["Crash pads"]
    assert names("?offers=SHOWERS") == ["Day centre"]
    assert names("?open=1&area=liverpool") == ["Day centre"]
    assert names("?area=mars&referrer=x&offers=%25&open=2&page=x") == ["Crash pads", "Day centre", "Old hostel"]


def directory_queries(client, path):
    with count_queries() as counted:
        assert client.get(path).status_code == 200
    return counted.count


def test_the_directory_and_a_service_page_cost_the_same_few_queries_whatever_the_number(as_person, keeper):
    client = as_person(make_user(make_org()))
    first = make_service(keeper)
    paths = ["/services", "/services?area=st-helens&open=1", "/services/%d" % first.id, "/services/changes"]
    paths.append("/services/%d/rules" % first.id)
    few = [directory_queries(client, path) for path in paths]
    for number in range(30):
        make_service(make_user(make_org()), name="Service %d" % number)
    many = [directory_queries(client, path) for path in paths]
    assert few == many and max(many) <= 6


def test_what_changed_lists_rule_versions_newest_first(as_person, keeper):
    service = make_service(keeper, name="Crash pads")
    make_service(keeper, name="Day centre")
    rule = services.Rule("Outreach refers directly", ["outreach"], ["phone"], why="Trust was built")
    services.edit_service(
        service, keeper, {n: getattr(service, n) for n in services.SERVICE_FIELDS} | {"areas": []}, rule
    )
    page = as_person(make_user(make_org())).get("/services/changes").text
    assert page.index("Crash pads</a>: version 2") < page.index("Day centre</a>: first rule")
    assert "Trust was built" in page


def test_a_reply_cites_a_rule_and_shows_when_it_changes_telling_the_asker_and_watchers(as_person, keeper):
    from portal import notify
    from portal.models import Notification, Outbox

    service = make_service(keeper, name="Crash pads", eligibility="Allocated by St Helens housing options")
    asker = make_user(make_org("Outreach team"), name="Olive Asker")
    watcher = make_user(make_org(), name="Walt Watcher")
    thread = make_request(asker, [keeper.organisation], kind="question", title="Can outreach refer?")
    notify.set_watch(watcher, "watch", thread=thread)
    client = as_person(keeper)
    page = client.get("/threads/%d" % thread.id).text
    assert "Cite a service’s rule" in page and "Salisbury House: Crash pads (version 1)" in page
    rule_id = RuleVersion.get().id
    response = client.post("/threads/%d/reply" % thread.id, data={"body": "Not yet", "cite": str(rule_id)})
    assert response.status_code == 303
    shown = client.get("/threads/%d" % thread.id).text
    assert "The rule cited:" in shown and "version 1" in shown and "Allocated by St Helens housing options" in shown
    assert "has changed since" not in shown

    rule = services.Rule("People sleeping rough, referred by outreach", ["outreach"], ["phone"], why="Trust")
    services.edit_service(
        service, keeper, {n: getattr(service, n) for n in services.SERVICE_FIELDS} | {"areas": []}, rule
    )
    shown = as_person(asker).get("/threads/%d" % thread.id).text
    assert "The rule cited here has changed since" in shown and "Allocated by St Helens housing options" in shown
    told = {n.user_id for n in Notification.select().where(Notification.kind == "rule_changed")}
    assert told == {asker.id, watcher.id}
    assert Outbox.select().where(Outbox.subject.contains("The rule cited has changed")).count() == 2


def test_a_reply_cannot_cite_a_rule_that_is_not_offered(as_person, keeper):
    thread = make_request(keeper, [], title="Who takes referrals?")
    client = as_person(keeper)
    response = client.post("/threads/%d/reply" % thread.id, data={"body": "See this", "cite": "999"})
    assert response.status_code == 422 and "Choose a service’s rule from the list" in response.text
    assert "See this" in response.text
    update = make_request(keeper, [], kind="update", title="News")
    make_service(keeper)
    rule_id = RuleVersion.get().id
    assert client.post("/threads/%d/reply" % update.id, data={"body": "Hi", "cite": str(rule_id)}).status_code == 303
    assert "The rule cited:" not in client.get("/threads/%d" % update.id).text


def test_the_demo_has_the_crash_pads_two_rules_and_the_thread_citing_the_first_marked_changed(client):
    from portal import demo
    from portal.models import Thread, User

    demo.seed()
    names = {s.name for s in Service.select()}
    assert {demo.CRASH_PADS, demo.NIGHT_SHELTER_SERVICE, "Housing options", "Out-of-hours housing line"} <= names
    crash_pads = Service.get(Service.name == demo.CRASH_PADS)
    first, second = RuleVersion.select().where(RuleVersion.service == crash_pads.id).order_by(RuleVersion.number)
    assert "Outreach cannot refer" in first.eligibility and first.referrers == ",council,"
    assert ",outreach," in second.referrers and second.refer_by == ",phone," and second.hours == "Any hour"
    client.sign_in(User.get(User.email == demo.WHITECHAPEL), demo.PASSWORD)
    thread = Thread.get(Thread.title == demo.CRASH_PAD_THREAD)
    page = client.get("/threads/%d" % thread.id).text
    assert "The rule cited here has changed since" in page and "version 1" in page
    history = client.get("/services/%d/rules" % crash_pads.id).text
    assert "Crash pads in St Helens are allocated to another client group" in history


def test_an_organisation_page_lists_its_services(as_person, keeper, salvation):
    make_service(keeper, name="Crash pads")
    make_service(make_user(make_org()), name="Elsewhere beds")
    page = as_person(make_user(make_org())).get("/orgs/%s" % salvation.slug).text
    assert ">Crash pads</a>" in page and "Elsewhere beds" not in page


def test_a_service_not_confirmed_for_the_set_days_asks_still_right_on_the_desk_and_the_check_in(as_person, keeper):
    old = make_service(keeper, name="Old crash pads")
    make_service(keeper, name="Fresh beds")
    Service.update(confirmed_at=clock.now() - timedelta(days=91)).where(Service.id == old.id).execute()
    steward = as_person(make_steward())
    desk = steward.get("/").text
    assert "still right?" in desk and "Old crash pads" in desk and "Fresh beds" not in desk
    assert 'action="/services/%d/confirm"' % old.id in desk
    checkin = as_person(keeper).get("/checkins/new").text
    assert "still right?" in checkin and "Old crash pads" in checkin and "Fresh beds" not in checkin
    assert "Old crash pads" not in as_person(make_user(make_org())).get("/checkins/new").text
    assert steward.post("/services/%d/confirm" % old.id, data={"next": "/"}).status_code == 303
    assert "Old crash pads" in steward.get("/").text  # the flash
    assert "Old crash pads" not in steward.get("/").text


def test_the_desk_shows_the_five_confirmed_longest_ago_and_the_directory_lists_them_all(as_person, keeper):
    for number in range(8):
        service = make_service(keeper, name="Old service %d" % number)
        days = 100 + number  # Old service 7 was confirmed longest ago
        Service.update(confirmed_at=clock.now() - timedelta(days=days)).where(Service.id == service.id).execute()
    closed = make_service(keeper, name="Closed long ago", status="closed")
    Service.update(confirmed_at=clock.now() - timedelta(days=400)).where(Service.id == closed.id).execute()
    fresh = make_service(keeper, name="Fresh beds")
    steward = as_person(make_steward())
    desk = steward.get("/").text
    assert ["Old service %d" % n in desk for n in range(8)] == [False] * 3 + [True] * 5
    assert 'href="/services?unconfirmed=1">All 8 services not confirmed for 90 days</a>' in desk
    listed = steward.get("/services?unconfirmed=1").text
    assert all(">Old service %d</a>" % n in listed for n in range(5))  # a page of five (PAGE_SIZE in the tests)
    assert "Fresh beds" not in listed and "Closed long ago" not in listed
    assert 'action="/services/%d/confirm"' % fresh.id not in listed
    assert listed.count('action="/services/') == 5 and "Last confirmed" in listed
    member_view = as_person(make_user(make_org())).get("/services?unconfirmed=1").text
    assert ">Old service 0</a>" in member_view and 'action="/services/' not in member_view  # not theirs to confirm
    assert 'action="/services/' not in steward.get("/services").text  # buttons only in the list of those to check


def test_the_monthly_report_lists_the_months_rule_changes(as_person, keeper):
    from datetime import datetime

    with clock.fixed_at(datetime(2026, 10, 20, 9)):
        service = make_service(keeper, name="Crash pads")
    rule = services.Rule("Outreach refers directly", ["outreach"], ["phone"], why="Trust was built")
    with clock.fixed_at(datetime(2026, 11, 12, 9)):
        services.edit_service(
            service, keeper, {n: getattr(service, n) for n in services.SERVICE_FIELDS} | {"areas": []}, rule
        )
    client = as_person(make_user(make_org()))
    november = client.get("/learning/report?month=2026-11").text
    assert "Rule changes" in november and "Crash pads</a>, Salisbury House: version 2" in november
    assert "Trust was built" in november
    october = client.get("/learning/report?month=2026-10").text
    assert "No service’s rule changed this month." in october


def test_search_finds_services_by_name_offer_and_rule(as_person, keeper):
    make_service(keeper, name="Crash pads", eligibility="People sleeping rough, referred by outreach")
    make_service(keeper, name="Day centre", offers="Showers and breakfast")
    client = as_person(make_user(make_org()))
    assert ">Crash pads</a>" in client.get("/search?q=outreach+rough").text
    found = client.get("/search?q=showers").text
    assert ">Day centre</a>" in found and ">Crash pads</a>" not in found
    assert "Services with" not in client.get("/search?q=aubergine").text


def test_the_audit_log_says_what_happened_to_a_service(as_person, keeper):
    service = make_service(keeper, name="Crash pads")
    services.confirm(service, keeper)
    rule = services.Rule("Outreach refers directly", ["outreach"], ["phone"], why="Trust")
    details = {n: getattr(service, n) for n in services.SERVICE_FIELDS} | {"areas": [], "name": "Crash pads too"}
    services.edit_service(service, keeper, details, rule)
    log = as_person(make_steward()).get("/audit").text
    for said in (
        "added the service Crash pads",
        "confirmed the service Crash pads as it is",
        "changed areas, name of the service Crash pads too",
        "made version 2 of the rule of Crash pads too",
    ):
        assert said in log
