"""The read side's caches: SQL written once per builder and arguments, values given at each run; answers kept
until the next event; and keys that come from the code, so that they cannot miss what a query depends on."""

import pytest

from portal import config, tracking
from portal.lists import cache
from portal.lists.cache import id_slots, slot, sql, until_next_event
from portal.models import Organisation

from .builders import make_org, make_steward


@pytest.fixture
def not_testing(monkeypatch):
    """As in production: a cached query's SQL is not written again to check it."""
    monkeypatch.setitem(config.current, "TESTING", False)


built = []


@sql
def by_id():
    built.append(1)
    return Organisation.select(Organisation.name).where(Organisation.id == slot("organisation")).tuples()


def test_a_cached_query_is_built_once_and_takes_new_values_at_each_run(app, not_testing):
    first, second = make_org(name="Aigburth Food Bank"), make_org(name="Bootle Street Team")
    built.clear()
    names = [list(by_id.run(organisation=o.id)) for o in (first, second, first)]
    assert names == [[("Aigburth Food Bank",)], [("Bootle Street Team",)], [("Aigburth Food Bank",)]]
    assert len(built) <= 1  # once per process: another test may have built it already


@sql
def names_of(count):
    return Organisation.select(Organisation.name).where(Organisation.id.in_(id_slots(count)))


def test_a_list_of_ids_is_cached_per_length(app, not_testing):
    organisations = [make_org(name=name) for name in ("Allerton", "Bootle", "Croxteth")]

    def named(ids):
        return names_of.for_ids(ids)

    assert sorted(o.name for o in named([o.id for o in organisations[:2]])) == ["Allerton", "Bootle"]
    assert sorted(o.name for o in named([o.id for o in organisations[1:]])) == ["Bootle", "Croxteth"]
    assert [o.name for o in named([organisations[2].id])] == ["Croxteth"]


chosen = {}


@sql
def careless():
    # reads a global instead of a slot or an argument: the key cannot see it
    return Organisation.select().where(Organisation.id == chosen["id"])


def test_when_testing_a_builder_that_reads_what_its_key_cannot_see_fails(app):
    first, second = make_org(), make_org()
    assert config.current["TESTING"]
    chosen["id"] = first.id
    list(careless.run())
    chosen["id"] = second.id
    with pytest.raises(AssertionError, match="careless"):
        list(careless.run())


def test_a_builder_that_closes_over_a_value_is_refused_when_decorated():
    organisation_id = 1

    def closes_over():
        return Organisation.select().where(Organisation.id == organisation_id)

    with pytest.raises(TypeError, match="closes over"):
        sql(closes_over)
    with pytest.raises(TypeError, match="closes over"):
        until_next_event(closes_over)


@sql
def by_shape(named):
    return Organisation.select().where(Organisation.name == named)


def test_arguments_must_be_plain_values(app):
    with pytest.raises(TypeError, match="plain value"):
        by_shape.run(Organisation(name="an object whose identity says nothing of its content"))
    with pytest.raises(TypeError, match="plain value"):
        by_shape.run(lambda: "made inside a function")


def test_different_arguments_make_different_sql(app, not_testing):
    first, second = make_org(name="Kirkby"), make_org(name="Speke")
    assert [o.id for o in by_shape.run("Kirkby")] == [first.id]
    assert [o.id for o in by_shape.run("Speke")] == [second.id]


@sql
def bounded():
    return Organisation.select().where(Organisation.id == slot("id"))


def test_cached_queries_are_bounded(app, not_testing, monkeypatch):
    monkeypatch.setattr(cache, "_sql", cache.Bounded(3))
    organisation = make_org()
    for number in range(10):
        assert [o.id for o in by_shape.run("x%d" % number)] == []
        assert [o.id for o in bounded.run(id=organisation.id)] == [organisation.id]
    assert len(cache._sql.entries) <= 3


calls = []


@until_next_event
def counted(name):
    calls.append(name)
    return Organisation.select().where(Organisation.name == name).count()


def test_an_answer_is_kept_until_the_next_event(app):
    with app.test_request_context():
        calls.clear()
        make_org(name="Halewood")
        assert counted("Halewood") == 1
        assert counted("Halewood") == 1 and calls == ["Halewood"]
        assert counted("Garston") == 0 and calls == ["Halewood", "Garston"]  # its arguments are its key
        tracking.record("something_changed", make_steward())
        cache.after_change()
        make_org(name="Garston")
        assert counted("Garston") == 1  # counted again after an event


def test_the_caches_can_be_switched_off(app, monkeypatch):
    monkeypatch.setitem(config.current, "EVENT_CACHE", False)
    with app.test_request_context():
        calls.clear()
        counted("Woolton")
        counted("Woolton")
        assert calls == ["Woolton", "Woolton"]
