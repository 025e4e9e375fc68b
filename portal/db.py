"""The deferred database: one connection per request, write transactions that take the lock up front."""

from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from peewee import DatabaseProxy, Model, SqliteDatabase, Value
from playhouse.db_url import connect, parse

from . import config

database = DatabaseProxy()

# Reads then writes inside a deferred SQLite transaction fail at once with "database is locked";
# BEGIN IMMEDIATE waits for the lock instead (see shared/TOOLCHAIN.md).
# secure_delete overwrites deleted text on disk, so a redaction leaves nothing behind in the file.
# A 64 MB page cache per connection, and the file mapped into memory, so that pages a list reads again are not
# copied in from the operating system each time.
SQLITE_OPTIONS = {
    "pragmas": {"foreign_keys": 1, "secure_delete": 1, "cache_size": -65536, "mmap_size": 268435456},
    "timeout": 5,
    "lock_type": "IMMEDIATE",
}


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


# Connections are kept between requests: a new one costs SQLite a file open and its pragmas, and PostgreSQL a
# network round trip and a password exchange. One per thread; a connection left unused for five minutes is
# replaced, and one that PostgreSQL broke is dropped when it comes back (the request that met it gets a 503).
POOL_OPTIONS = {"max_connections": None, "stale_timeout": 300}


def open_database(url):
    """Point the proxy at the database behind `url` (anything playhouse.db_url understands), pooled."""
    scheme, rest = url.split("://", 1)
    if scheme == "sqlite":
        path = parse(url)["database"]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # a pooled connection serves one thread at a time, though not always the thread that opened it
        target = connect("sqlite+pool://" + rest, **SQLITE_OPTIONS, **POOL_OPTIONS, check_same_thread=False)
    elif scheme in ("postgres", "postgresql"):
        target = connect("postgresql+pool://" + rest, **POOL_OPTIONS)
    else:
        target = connect(url)
    database.initialize(target)
    return target


def is_sqlite():
    return isinstance(database.obj, SqliteDatabase)


def checkpoint():
    """Copy the write-ahead log into the database file and empty it (SQLite), after removing text for good."""
    if is_sqlite():
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def use_wal():
    """WAL persists in the file, so it is set once when the database is made, not per connection."""
    if is_sqlite():
        database.execute_sql("PRAGMA journal_mode=wal")


# --- kept queries ---------------------------------------------------------------------------------------------
# peewee writes a query's SQL anew at each run, about 30 µs a column: a quarter of a list page's time. The
# queries that every page runs keep theirs, and take what changes from run to run in slots.


@dataclass(frozen=True)
class Slot:
    """Where a kept query's SQL takes a value of each run."""

    name: str


def slot(name):
    """A value that a kept query takes at each run (`Thread.id == slot("thread")`), passed to the driver as given."""
    return Value(Slot(name), converter=False)


KEPT_MOST = 512
_kept = {}
_keeping = Lock()  # threads of one process share what is kept


def run_kept(key, build, plain=False, **values):
    """The query that build() makes, run with `values` in its slots. Its SQL is written at the first run for this
    database and `key`, which names everything besides the slots that the query depends on. When testing, each
    run writes the SQL again and checks that it is the same, so that a key that misses something fails. `plain`
    gives the driver's rows as they come, for many rows of plain values (peewee's wrapping costs µs a row)."""
    place = (type(database.obj), key)
    kept = _kept.get(place)
    if kept is None or config.current.get("TESTING"):
        query = build()
        sql, params = database.get_sql_context().sql(query).query()
        if kept is not None and (kept[1], kept[2]) != (sql, params):
            raise AssertionError("the kept query %r changed: its key misses something" % (key,))
        with _keeping:
            while len(_kept) >= KEPT_MOST:  # the oldest go first
                del _kept[next(iter(_kept))]
            kept = _kept[place] = (query, sql, params)
    query, sql, params = kept
    query = query.clone()
    cursor = database.execute_sql(sql, [values[p.name] if isinstance(p, Slot) else p for p in params])
    if plain:
        return cursor.fetchall()
    query._cursor_wrapper = query._get_cursor_wrapper(cursor)
    return query


def slots_for_ids(ids):
    """A slot per id, for a query kept per number of ids, and the values that fill them."""
    values = {"id %d" % n: value for n, value in enumerate(ids)}
    return [slot(name) for name in values], values


def run_kept_for_ids(key, query_of, ids, **values):
    """run_kept for query_of(a slot per id) with these `ids` (and any other `values`): a query is kept per number
    of ids."""
    slots, each = slots_for_ids(ids)
    return run_kept((key, len(each)), lambda: query_of(slots), **each, **values)
