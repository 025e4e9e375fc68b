"""The deferred database: one connection per request, write transactions that take the lock up front."""

from pathlib import Path

from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect, parse

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
