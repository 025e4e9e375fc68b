"""The read log of restricted threads: one row per person, thread and hour, however often a link is followed, and
the steward sees every row, a page at a time."""

from datetime import datetime, timedelta

from playhouse.test_utils import count_queries

from portal import clock
from portal.models import ReadLog

from .builders import make_org, make_request, make_steward, make_user

TEN_PAST = datetime(2026, 3, 2, 10, 10)


def restricted_request():
    charity, council = make_org(), make_org()
    return make_request(make_user(charity), [council], visibility="restricted"), council


def test_opening_a_restricted_thread_five_times_in_an_hour_writes_one_row(as_person):
    secret, council = restricted_request()
    reader = as_person(make_user(council))
    for minutes in (0, 5, 20, 40, 49):
        with clock.fixed_at(TEN_PAST + timedelta(minutes=minutes)):
            assert reader.get("/threads/%d" % secret.id).status_code == 200
    rows = list(ReadLog.select().where(ReadLog.thread == secret.id))
    assert [row.created for row in rows] == [TEN_PAST]

    with clock.fixed_at(TEN_PAST + timedelta(minutes=50)):  # eleven o'clock: a new hour, a new row
        reader.get("/threads/%d" % secret.id)
    assert ReadLog.select().where(ReadLog.thread == secret.id).count() == 2


def test_the_same_hour_is_counted_per_person_and_per_thread(as_person):
    secret, council = restricted_request()
    other, _ = restricted_request()
    first, second = make_user(council), make_user(council)
    with clock.fixed_at(TEN_PAST):
        as_person(first).get("/threads/%d" % secret.id)
        as_person(second).get("/threads/%d" % secret.id)
        ReadLog.record(first, other)
        ReadLog.record(first, other)
    assert ReadLog.select().where(ReadLog.thread == secret.id).count() == 2
    assert ReadLog.select().where(ReadLog.thread == other.id).count() == 1


def test_the_steward_sees_everyone_who_opened_it_newest_first_a_page_at_a_time(as_person):
    secret, council = restricted_request()
    readers = [make_user(council, name="Reader %02d" % number) for number in range(12)]
    for number, reader in enumerate(readers):
        with clock.fixed_at(TEN_PAST + timedelta(hours=number)):
            ReadLog.record(reader, secret)
    steward = as_person(make_steward())
    path = "/threads/%d/opened" % secret.id
    with count_queries() as counted:
        first = steward.get(path).text
    names = [reader.name for reader in reversed(readers)]
    assert [name for name in names if name in first] == names[:10]
    assert first.index("Reader 11") < first.index("Reader 02")
    assert 'href="%s?page=2"' % path in first
    second = steward.get(path + "?page=2").text
    assert [name for name in names if name in second] == names[10:]
    assert "Previous page" in second and "Next page" not in second
    assert counted.count <= 3  # the person, the thread, the page of rows with who they are

    tools = steward.get("/threads/%d" % secret.id).text.split("Who opened this restricted thread")[1]
    assert 'href="%s"' % path in tools


def test_only_the_steward_sees_the_list_and_only_for_a_restricted_thread(as_person):
    secret, council = restricted_request()
    assert as_person(make_user(council)).get("/threads/%d/opened" % secret.id).status_code == 403
    public = make_request(make_user(council), [make_org()])
    assert as_person(make_steward()).get("/threads/%d/opened" % public.id).status_code == 404
