"""The read side's two caches, each kept by a process for itself.

The SQL cache (@sql): peewee writes a query's SQL anew at each run, a good share of a list page's time. A query
that every page runs is written as a builder, a function of the module that makes it from its arguments alone:
the shape of the query (whether the viewer is a steward, which filters are chosen, how many ids), never the values
that change from run to run, which it leaves in slots (`slot("thread")`). The SQL is written once per builder,
arguments and kind of database, and run with new values in its slots each time. The builder and its arguments are
the cache's key: a builder that could see anything else (a function made inside another, one that closes over a
variable) is refused when it is decorated, and an argument that is not a plain value when it is called. When
testing, each run builds the query again and checks that its SQL is the same, so a builder that reads something
that changes (a setting, a global) fails a test instead of running the wrong SQL.

The cache until the next event (@until_next_event): answers that read every live request or every request of a
period (the board's counts and page of ids, where the steward should look, the learning dashboard's numbers, a
search's ranking), kept for the function and its arguments until an event is recorded or the minute turns. Every
change made in the portal records an event in its own transaction (tracking.record), so the newest event's id
says whether anything may have changed. On PostgreSQL an event's id is taken before its transaction commits, so
a change that commits out of order is counted by the next minute at the latest, as is what records no event (the
retention policy's removals, people added from the command line). Lists of ids kept here are read again through
lists.pages.threads_in_order, which asks again who may see each thread.

Both can be switched off (SQL_CACHE, EVENT_CACHE: see config) to measure what each is worth (bench/mixed.py).
"""

import datetime
import functools
from dataclasses import dataclass
from threading import Lock

from flask import g
from peewee import Value, fn

from .. import config
from ..clock import now
from ..db import database
from ..models import Event


@dataclass(frozen=True)
class Slot:
    """Where a cached query's SQL takes a value of each run."""

    name: str


def slot(name):
    """A value that a cached query takes at each run (`Thread.id == slot("thread")`), passed to the driver as given."""
    return Value(Slot(name), converter=False)


PLAIN = (str, int, float, bool, type(None), datetime.date, datetime.datetime)


def plain(value):
    """Whether `value` can be part of a cache's key: a plain value, a tuple or frozenset of them, or a builder."""
    if isinstance(value, PLAIN):
        return True
    if isinstance(value, tuple | frozenset):
        return all(plain(item) for item in value)
    return isinstance(value, StandIn) or (callable(value) and self_contained(value))


def self_contained(function):
    """A function of a module that closes over nothing: what it makes depends on its arguments alone."""
    return getattr(function, "__closure__", None) is None and "<locals>" not in getattr(function, "__qualname__", "<")


def check_key(function, args):
    if not self_contained(function):
        raise TypeError("%s is not a function of its module: a cache cannot see what it closes over" % function)
    for arg in args:
        if not plain(arg):
            raise TypeError("%r is not a plain value, so it cannot be part of %s's key" % (arg, function.__name__))


class Bounded:
    """A dict that drops its oldest entries past `most`, shared by the threads of one process."""

    def __init__(self, most):
        self.most = most
        self.entries = {}
        self.lock = Lock()

    def get(self, key):
        return self.entries.get(key)

    def put(self, key, value):
        with self.lock:
            while len(self.entries) >= self.most:
                del self.entries[next(iter(self.entries))]
            self.entries[key] = value

    def clear(self):
        with self.lock:
            self.entries.clear()


# --- the SQL cache ---------------------------------------------------------------------------------------------

SQL_MOST = 512
_sql = Bounded(SQL_MOST)


def enabled(setting):
    return config.current.get(setting, True)


class SQLCached:
    """A builder whose queries' SQL is cached: see the module's notes. Run it with run(), run_as() or for_ids()."""

    def __init__(self, build):
        check_key(build, ())
        self.build = build
        functools.update_wrapper(self, build)

    def __call__(self, *shape):
        """The query itself, for composing into another or running once."""
        return self.build(*shape)

    def run(self, *shape, plain=False, **values):
        """The query of build(*shape), run with `values` in its slots. `plain` gives the driver's rows as they come,
        for many rows of plain values (peewee's wrapping costs time on each row)."""
        check_key(self.build, shape)
        place = (self.build, shape, type(database.obj))
        cached = _sql.get(place) if enabled("SQL_CACHE") else None
        if cached is None or config.current.get("TESTING"):
            query = self.build(*shape)
            sql, params = database.get_sql_context().sql(query).query()
            if cached is not None and (cached[1], cached[2]) != (sql, params):
                raise AssertionError("%s%r made other SQL for the same arguments" % (self.__name__, shape))
            cached = (query, sql, params)
            _sql.put(place, cached)
        query, sql, params = cached
        cursor = database.execute_sql(sql, [values[p.name] if isinstance(p, Slot) else p for p in params])
        if plain:
            return cursor.fetchall()
        query = query.clone()
        query._cursor_wrapper = query._get_cursor_wrapper(cursor)
        return query

    def run_as(self, user, *shape, plain=False, **values):
        """run() for a builder of what a person may see: build(viewer, *shape) is given a stand-in viewer whose ids
        are slots, and whether they are the steward is part of the key."""
        return self.run(stand_in(user), *shape, plain=plain, **viewer_values(user), **values)

    def for_ids(self, ids, *shape, **values):
        """run() for build(a slot per id, *shape) with these `ids`: a query is cached per number of ids."""
        slots, each = slots_for_ids(ids)
        return self.run(len(slots), *shape, **each, **values)


def slots_for_ids(ids):
    values = {"id %d" % n: value for n, value in enumerate(ids)}
    return values.keys(), values


def id_slots(count):
    """The slots of for_ids' ids, for a builder given their number."""
    return [slot("id %d" % n) for n in range(count)]


def sql(build):
    """Decorator: `build`'s queries have their SQL cached (see the module's notes)."""
    return SQLCached(build)


class StandIn:
    """A person in a cached query (SQLCached.run_as): whether they are the steward, with their ids in slots."""

    is_authenticated = True
    id = slot("viewer")
    organisation_id = slot("viewer_organisation")

    def __init__(self, steward):
        self.is_steward = steward

    def __eq__(self, other):
        return isinstance(other, StandIn) and other.is_steward == self.is_steward

    def __hash__(self):
        return hash((StandIn, self.is_steward))

    def __repr__(self):
        return "StandIn(steward=%s)" % self.is_steward


STAND_INS = {True: StandIn(True), False: StandIn(False)}


def stand_in(user):
    """The stand-in for `user` in a cached query."""
    return STAND_INS[bool(user.is_authenticated and user.is_steward)]


def viewer_values(user):
    """The values of a stand-in's slots for `user`."""
    return {"viewer": user.id, "viewer_organisation": user.organisation_id}


# --- the cache until the next event ----------------------------------------------------------------------------

EVENT_MOST = 1024
_answers = Bounded(EVENT_MOST)


@sql
def newest_event():
    """The query of the newest event's id: the query that finds the signed-in person brings it as a column."""
    return Event.select(fn.MAX(Event.id))


def latest_change():
    """The newest event's id, read once per request (with the person signed in, or here)."""
    if "latest_change" not in g:
        g.latest_change = newest_event.run(plain=True)[0][0]
    return g.latest_change


def after_change():
    """This request has just made a change: what it counts next reads the newest event again, not the one read
    before the change."""
    g.pop("latest_change", None)


def until_next_event(function):
    """Decorator: function(*args)'s answer, kept for the function and its arguments (plain values) until an event
    is recorded or the minute turns. The latest change is read before counting, so a change that commits in
    between is in the answer and is counted again next time."""
    check_key(function, ())

    @functools.wraps(function)
    def cached(*args):
        if not enabled("EVENT_CACHE"):
            return function(*args)
        check_key(function, args)
        latest = latest_change()
        place = (function, args, now().replace(second=0, microsecond=0))
        kept = _answers.get(place)
        if kept is not None and kept[0] == latest:
            return kept[1]
        answer = function(*args)
        _answers.put(place, (latest, answer))
        return answer

    return cached


def forget():
    """Drop every answer cached until the next event (tests empty the database between them, and event ids start
    again; the benchmark measures pages as they are just after a change)."""
    _answers.clear()
