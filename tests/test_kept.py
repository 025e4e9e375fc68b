"""Kept queries: SQL written once per shape, values given at each run."""

import pytest

from portal import config, db
from portal.db import run_kept, run_kept_for_ids, slot
from portal.models import Organisation

from .builders import make_org


@pytest.fixture
def not_testing(monkeypatch):
    """As in production: a kept query's SQL is not written again to check it."""
    monkeypatch.setitem(config.current, "TESTING", False)


def test_a_kept_query_is_built_once_and_takes_new_values_at_each_run(app, not_testing):
    first, second = make_org(name="Aigburth Food Bank"), make_org(name="Bootle Street Team")
    built = []

    def by_id():
        built.append(1)
        return Organisation.select(Organisation.name).where(Organisation.id == slot("organisation")).tuples()

    names = [list(run_kept("one organisation", by_id, organisation=o.id)) for o in (first, second, first)]
    assert names == [[("Aigburth Food Bank",)], [("Bootle Street Team",)], [("Aigburth Food Bank",)]]
    assert len(built) == 1


def test_a_list_of_ids_is_kept_per_length(app, not_testing):
    organisations = [make_org(name=name) for name in ("Allerton", "Bootle", "Croxteth")]

    def named(ids):
        return run_kept_for_ids(
            "names", lambda slots: Organisation.select(Organisation.name).where(Organisation.id.in_(slots)), ids
        )

    assert sorted(o.name for o in named([o.id for o in organisations[:2]])) == ["Allerton", "Bootle"]
    assert sorted(o.name for o in named([o.id for o in organisations[1:]])) == ["Bootle", "Croxteth"]
    assert [o.name for o in named([organisations[2].id])] == ["Croxteth"]


def test_when_testing_a_key_that_misses_part_of_the_query_fails(app):
    first, second = make_org(), make_org()
    assert config.current["TESTING"]
    list(run_kept("careless", lambda: Organisation.select().where(Organisation.id == first.id)))
    with pytest.raises(AssertionError, match="careless"):
        # the id is written into the query instead of taken from a slot: the key does not name it
        list(run_kept("careless", lambda: Organisation.select().where(Organisation.id == second.id)))


def test_kept_queries_are_bounded(app, not_testing, monkeypatch):
    monkeypatch.setattr(db, "KEPT_MOST", 3)
    organisation = make_org()
    for number in range(10):
        query = run_kept(
            ("bounded", number), lambda: Organisation.select().where(Organisation.id == slot("id")), id=organisation.id
        )
        assert [o.id for o in query] == [organisation.id]
    assert len(db._kept) <= 3
