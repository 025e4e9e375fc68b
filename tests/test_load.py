"""Load and fault tests (issue 8, point 5), against the real portal under gunicorn on whichever database the suite
runs on (SQLite in WAL mode, or PostgreSQL under ci/with-postgres): concurrent writers lose and duplicate nothing,
a killed web worker loses nothing acknowledged, and the database going away gives a clean 503 and the portal
comes back by itself. The tests marked `soak` write for load_seconds(): a few seconds here, longer in `make soak`.
"""

import secrets
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

import peewee
import pytest

from portal import tracking
from portal.cli import migrate
from portal.db import database, is_sqlite, open_database
from portal.models import Event, Post, Thread

from .builders import make_org, make_request, make_steward, make_thread, make_user
from .load_support import (
    AWAY_LIMIT,
    WORKERS,
    Browser,
    Proxy,
    Writer,
    cut_off_count,
    gunicorn,
    load_seconds,
    marker,
    miscounted_threads,
    saved_markers,
    sqlite_locked,
    wait_for,
    write_concurrently,
)

CLIENTS = 20
HOLD = 1.0  # seconds another connection keeps SQLite's write lock in the transaction tests
AWAY = 3.0  # seconds PostgreSQL is cut off
MOST_KILLS = 5


def only_on_sqlite():
    if not is_sqlite():
        pytest.skip("SQLite's locking; PostgreSQL's concurrent writers are proven by the load tests")


# --- SQLite's write transactions ---------------------------------------------------------------------------
def test_every_write_transaction_begins_immediate(as_person, monkeypatch):
    """Every transaction the portal opens on the way through signing in, posting, answering, changing status,
    editing, closing and signing out begins IMMEDIATE: SQLite's own trace of each connection shows each BEGIN."""
    only_on_sqlite()
    statements = []

    class Traced(sqlite3.Connection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.set_trace_callback(statements.append)

    monkeypatch.setitem(database.obj.connect_params, "factory", Traced)  # every new connection is traced
    database.close_all()  # the pool's connections were made before: from here on each one is new, so traced
    try:
        statements_of_a_whole_conversation(as_person)
    finally:
        database.close_all()  # none stays in the pool, tracing into this test's list

    begins = [s.strip() for s in statements if s.split(None, 1)[0].upper() == "BEGIN"]
    assert len(begins) >= 8 and set(begins) == {"BEGIN IMMEDIATE"}, begins


def statements_of_a_whole_conversation(as_person):
    """Sign in, ask, read, answer, resolve, reopen, edit, close, sign out, and fail to sign in."""
    council = make_org(kind="local_authority")
    asker, answerer, steward = make_user(), make_user(council), make_steward()
    client = as_person(asker)
    need = {
        "kind": "need",
        "title": "A bed tonight",
        "body": "Any beds?",
        "addressed_to": council.id,
        "visibility": "all",
    }
    assert client.post("/threads/new", data=need).status_code == 303
    thread = Thread.select().order_by(Thread.id.desc()).get()
    answering = as_person(answerer)
    assert answering.get("/threads/%d" % thread.id).status_code == 200  # reading marks the thread read
    assert answering.post("/threads/%d/reply" % thread.id, data={"body": "Yes, two."}).status_code == 303
    for action in ("resolve", "reopen"):
        assert client.post("/threads/%d/status" % thread.id, data={"action": action}).status_code == 303
    first = Post.select().where(Post.thread == thread.id).order_by(Post.id).first()
    assert client.post("/posts/%d/edit" % first.id, data={"body": "Any sit-up beds tonight?"}).status_code == 303
    closing = {"action": "close", "reason": "withdrawn"}
    assert as_person(steward).post("/threads/%d/status" % thread.id, data=closing).status_code == 303
    assert client.post("/logout").status_code == 303
    assert client.post("/login", data={"email": asker.email, "password": "not it"}).status_code == 422


@contextmanager
def write_lock_held(path, then=None):
    """Another connection takes SQLite's write lock, runs `then` (a write), keeps the lock HOLD seconds, commits."""
    locked = threading.Event()

    def hold():
        other = sqlite3.connect(path, timeout=5, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute(then or "UPDATE organisation SET name = name")
        locked.set()
        time.sleep(HOLD)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10), "the other connection could not take the lock"
        yield
    finally:
        holder.join(timeout=30)
    assert not holder.is_alive()


def test_a_read_then_write_transaction_waits_for_the_lock_instead_of_failing():
    """Resolving a request reads its status and then writes, in one transaction. While another connection holds
    the write lock, the portal's transaction waits for it (BEGIN IMMEDIATE) and then reads what the other one
    committed; the same read-then-write begun DEFERRED fails with "database is locked" at once, busy timeout or
    not. That second half shows the contention here is real, so the first half could fail."""
    only_on_sqlite()
    asker = make_user()
    thread = make_request(asker, to=[make_org(kind="local_authority")])
    path = database.obj.database
    database.close()

    answered = "UPDATE thread SET status = 'answered' WHERE id = %d" % thread.id
    with write_lock_held(path, then=answered):
        started = time.monotonic()
        tracking.resolve(thread, asker)
        waited = time.monotonic() - started
    change = Event.select().where((Event.thread == thread.id) & (Event.action == "status_changed")).get()
    assert change.data["before"] == "answered" and Thread.get_by_id(thread.id).status == "resolved"
    assert waited >= HOLD / 2  # it waited for the other transaction instead of reading around it
    database.close()

    with write_lock_held(path):
        started = time.monotonic()
        with pytest.raises(peewee.OperationalError, match="database is locked"), database.atomic("DEFERRED"):
            Thread.select(Thread.status).where(Thread.id == thread.id).scalar()
            Thread.update(status="open").where(Thread.id == thread.id).execute()
        failed_after = time.monotonic() - started
    assert failed_after < HOLD / 2  # at once: the busy timeout (5 s) never came into it
    database.close()


# --- a region to load, and the server -------------------------------------------------------------------------
@dataclass
class Region:
    url: str
    people: list
    organisations: list  # ids
    threads: list  # ids anyone may reply to; the writers add the threads they start


@pytest.fixture
def load_database(app, tmp_path):
    """The server's database. On SQLite a fresh file, migrated and in WAL mode, which the portal's database
    proxy in this process points at for the test (and back afterwards); on PostgreSQL the suite's database,
    migrated by the `app` fixture and just emptied by `empty_database`."""
    if not is_sqlite():
        yield app.config["DATABASE_URL"]
        return
    previous = database.obj
    url = "sqlite:///%s" % (tmp_path / "load.db")
    open_database(url)
    migrate()  # sets WAL too
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    try:
        yield url
    finally:
        database.close_all()  # no pooled connection keeps the file open
        database.initialize(previous)


@pytest.fixture
def region(load_database):
    """Four organisations of every kind but the commissioner's, twenty people, a thread started by each
    organisation; all committed before gunicorn starts."""
    organisations = [make_org(kind=kind) for kind in ("charity", "charity", "local_authority", "health")]
    people = [make_user(organisations[number % 4]) for number in range(CLIENTS)]
    threads = [make_thread(person).id for person in people[:4]]
    database.close_all()  # closed, not kept in this process's pool: only the server's workers hold connections
    return Region(load_database, people, [o.id for o in organisations], threads)


def check_every_acknowledged_post_saved_once(writers, run, log):
    """The database against what the clients were told: each acknowledged post (and started thread) exactly
    once; nothing else but, at most once each, the posts whose request was cut off before any answer came."""
    errors = [error for writer in writers for error in writer.writes.errors]
    assert errors == [], "%d bad answers, the first: %s\n%s" % (len(errors), errors[:10], log)
    acknowledged = {mark: kind for writer in writers for mark, kind in writer.writes.acknowledged.items()}
    started = {mark for mark, kind in acknowledged.items() if kind == "thread"}
    cut_off = {mark for writer in writers for mark in writer.writes.cut_off}
    posts, threads = saved_markers(run)
    assert {mark: posts[mark] for mark in acknowledged if posts[mark] != 1} == {}
    assert {mark: threads[mark] for mark in started if threads[mark] != 1} == {}
    assert set(posts) - set(acknowledged) - cut_off == set()
    assert set(threads) - started - cut_off == set()
    assert {mark: (posts[mark], threads[mark]) for mark in cut_off if posts[mark] > 1 or threads[mark] > 1} == {}
    assert miscounted_threads() == {}
    database.close()
    return acknowledged


# --- load ----------------------------------------------------------------------------------------------------
@pytest.mark.soak
def test_twenty_clients_posting_and_replying_lose_and_duplicate_nothing(region, tmp_path):
    """Twenty people start threads, reply, resolve and reopen at once, with more web workers than cores: no
    error of any kind (no 5xx, no "database is locked", no dropped connection), and every acknowledged post is
    in the database exactly once, with nothing extra."""
    run = secrets.token_hex(4)
    with gunicorn(region.url, tmp_path / "gunicorn.log") as server:
        writers = write_concurrently(server.port, region.people, run, region, load_seconds())
        log = server.log()
    assert cut_off_count(writers) == 0, log
    acknowledged = check_every_acknowledged_post_saved_once(writers, run, log)
    assert all(writer.writes.acknowledged for writer in writers)  # every one of them got writes through
    assert sum(writer.writes.status_changes for writer in writers) > 0  # and read-then-write transactions ran
    report(writers, acknowledged)


@pytest.mark.soak
def test_a_web_worker_killed_mid_request_loses_nothing_acknowledged(region, tmp_path):
    """While twenty people write, a web worker caught mid-request is killed (SIGKILL, no chance to tidy up),
    again if no client saw its request cut off. Only those requests fail, and only at the transport level; the
    client does not resend them (a post's retry is a new post). Nothing acknowledged is lost or doubled, gunicorn
    starts a new worker, and a person signing in afterwards posts as usual."""
    run, seconds = secrets.token_hex(4), load_seconds()
    killed = []

    def kill_workers(writers):
        time.sleep(seconds / 4)
        last_chance = time.monotonic() + seconds / 2
        while not cut_off_count(writers) and len(killed) < MOST_KILLS and time.monotonic() < last_chance:
            victim = server.kill_a_worker_mid_request()
            assert victim, "no worker was caught mid-request"
            killed.append(victim)
            wait_for(lambda: replaced(server, killed), 60, "gunicorn to replace the killed worker")

    with gunicorn(region.url, tmp_path / "gunicorn.log") as server:
        writers = write_concurrently(server.port, region.people, run, region, seconds, meanwhile=kill_workers)
        assert replaced(server, killed)
        after = Writer(server.port, CLIENTS, region.people[0], run, region)
        after.browser.sign_in(after.person.email)
        for _ in range(3):  # a new request, a reply, a status change
            after.write_one()
        log = server.log()
    assert killed and 1 <= cut_off_count(writers) <= len(killed), (killed, cut_off_count(writers), log)
    assert len(after.writes.acknowledged) == 2 and after.writes.status_changes == 1, after.writes
    acknowledged = check_every_acknowledged_post_saved_once([*writers, after], run, log)
    report(writers, acknowledged, "%d workers killed, %d requests cut off" % (len(killed), cut_off_count(writers)))


def report(writers, acknowledged, *more):
    """One line for `make soak` (which shows what passing tests printed): how much was written."""
    changes = sum(writer.writes.status_changes for writer in writers)
    print("%.0f s: %d posts and %d status changes acknowledged" % (load_seconds(), len(acknowledged), changes), *more)


def replaced(server, killed):
    workers = server.workers()
    return len(workers) == WORKERS and not workers & set(killed)


# --- the database going away -------------------------------------------------------------------------------
def timed(request):
    started = time.monotonic()
    answer = request()
    return answer, time.monotonic() - started


def check_away_then_back(server, region, run, away, reads_too):
    """While `away()` holds, a reply gets the portal's clean 503 page, soon, and so does the threads list (it
    only reads) if `reads_too`, else it is served. Once it is over, the same workers (nothing restarted) serve
    every request at once: the pool checks a connection before handing it out, so none the outage broke is
    used again. The refused reply left nothing behind."""
    reader, writer = (Browser(server.port).sign_in(person.email) for person in region.people[:2])
    thread = region.threads[0]
    page, reply = "/threads/%d" % thread, "/threads/%d/reply" % thread
    for _ in range(4 * WORKERS):  # likely every worker now keeps a pooled connection, which the outage breaks
        assert reader.get("/threads").status == 200
    workers = server.workers()
    with away(), ThreadPoolExecutor(2) as pool:
        listing = pool.submit(timed, lambda: reader.get("/threads"))
        writing = pool.submit(timed, lambda: writer.post(reply, [("body", "Lost %s" % marker(run, 1, 0))]))
        listed, refused = listing.result(), [writing.result()]
    if reads_too:
        refused.append(listed)
    else:
        assert listed[0].status == 200, listed[0].describe()
    for answer, seconds in refused:
        assert_clean_503(answer)
        assert seconds < AWAY_LIMIT

    for _ in range(2 * WORKERS):  # likely every worker, and each must serve at once
        assert reader.get(page).status == 200
    back = marker(run, 1, 1)
    assert writer.post(reply, [("body", "Back %s" % back)]).thread_id() == thread
    assert server.workers() == workers
    posts, _ = saved_markers(run)
    database.close()
    assert posts == {back: 1}


def assert_clean_503(answer):
    assert answer.status == 503 and "cannot reach its database" in answer.text, answer.describe()
    assert "database is locked" not in answer.text and "Traceback" not in answer.text


def test_postgresql_going_away_gives_a_clean_503_and_the_portal_recovers(region, tmp_path):
    """The portal reaches PostgreSQL through a proxy that is cut for a few seconds: every connection dropped
    and new ones refused, as when the database server goes away."""
    if is_sqlite():
        pytest.skip("PostgreSQL only; the SQLite run locks the file instead")
    database_url = urlsplit(region.url)
    with Proxy(database_url.hostname, database_url.port) as proxy:
        credentials = database_url.netloc.rpartition("@")[0]
        proxied = database_url._replace(netloc="%s@127.0.0.1:%d" % (credentials, proxy.port)).geturl()

        @contextmanager
        def cut_off():
            proxy.cut()
            started = time.monotonic()
            try:
                yield
            finally:
                time.sleep(max(0.0, started + AWAY - time.monotonic()))
                proxy.restore()

        with gunicorn(proxied, tmp_path / "gunicorn.log") as server:
            check_away_then_back(server, region, secrets.token_hex(4), cut_off, reads_too=True)


def test_sqlite_write_locked_by_another_process_gives_a_clean_503_and_the_portal_recovers(region, tmp_path):
    """SQLite's nearest honest equivalent of the database going away: another process holds the write lock for
    longer than the busy timeout, then lets go. Writes are refused cleanly; pages that only read are still
    served (WAL); afterwards everything is served at once."""
    only_on_sqlite()
    path = region.url.removeprefix("sqlite:///")
    with gunicorn(region.url, tmp_path / "gunicorn.log") as server:
        locked = partial(sqlite_locked, path)
        check_away_then_back(server, region, secrets.token_hex(4), locked, reads_too=False)
