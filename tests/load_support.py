"""What the load and fault tests (test_load.py) share: how long they run, the portal under gunicorn as a real
subprocess, a browser-like HTTP client, the writers and what came back to them, and the two ways the database
goes away (a TCP proxy in front of PostgreSQL that can be cut, another process locking the SQLite file)."""

import http.client
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from peewee import fn

from portal.db import SQLITE_OPTIONS
from portal.models import Post, Thread

from .builders import PASSWORD
from .conftest import TOKEN

ROOT = Path(__file__).resolve().parent.parent

# The one place the load runs' length comes from: a few seconds in `make test`, SOAK_SECONDS in `make soak`.
SHORT_SECONDS = 5.0


def load_seconds():
    return float(os.environ.get("SOAK_SECONDS") or SHORT_SECONDS)


WORKERS = 4  # sync workers: more processes than cores, so writers really do contend for the database
TIMEOUT = 30  # seconds, on every socket: a request that takes longer is a failure, never a hang
# The longest a clean 503 may take: SQLite's busy timeout (a request may wait that long for the lock), plus a
# margin for a machine shared with other work.
AWAY_LIMIT = SQLITE_OPTIONS["timeout"] + 10
TRANSPORT_FAILURES = (OSError, http.client.HTTPException)  # refused, reset, cut off mid-answer, timed out
THREAD_PATH = re.compile(r"^/threads/(\d+)(?:[?#]|$)")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited %d s for %s" % (seconds, what)
        time.sleep(0.05)


# --- the portal under gunicorn -------------------------------------------------------------------------------
@dataclass
class Server:
    port: int
    pid: int
    log_path: Path

    def workers(self):
        """The pids of the master's live children, read from /proc (no psutil): its web workers."""
        found = set()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % entry) as stat:
                    state, parent = stat.read().rsplit(")", 1)[1].split()[:2]
            except OSError:  # a process that ended while we looked
                continue
            if int(parent) == self.pid and state != "Z":
                found.add(int(entry))
        return found

    def in_request(self, pid):
        """Whether worker `pid` holds a client's connection (accepted, not yet closed): it is mid-request."""
        sockets = set()
        for fd in os.listdir("/proc/%d/fd" % pid):
            with suppress(OSError):
                sockets.add(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
        with open("/proc/net/tcp") as table:
            rows = [line.split() for line in table.readlines()[1:]]
        established = "01"
        return any(
            int(row[1].rsplit(":", 1)[1], 16) == self.port
            and row[3] == established
            and "socket:[%s]" % row[9] in sockets
            for row in rows
        )

    def kill_a_worker_mid_request(self, tries=500):
        """SIGKILL a worker caught mid-request: each is stopped (SIGSTOP) so it cannot finish while we look, and
        killed if it holds a client's connection, or let go again. The pid killed, or None if none was caught."""
        for _ in range(tries):
            for pid in sorted(self.workers()):
                try:
                    os.kill(pid, signal.SIGSTOP)
                except ProcessLookupError:
                    continue
                caught = False
                try:
                    caught = self.in_request(pid)
                finally:
                    os.kill(pid, signal.SIGKILL if caught else signal.SIGCONT)
                if caught:
                    return pid
            time.sleep(0.01)
        return None

    def log(self, last=4000):
        """The end of gunicorn's output (the portal's request log and any traceback), for failure messages."""
        return self.log_path.read_text(errors="replace")[-last:]


@contextmanager
def gunicorn(database_url, log_path):
    """The real portal under gunicorn on a free loopback port, configured only through its environment;
    always stopped afterwards, whatever happened."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "PORTAL_ENV": "test",  # cookies without Secure, since this is plain http on loopback
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", "127.0.0.1:%d" % port]
    command += ["--timeout", str(TIMEOUT), "--graceful-timeout", "5"]
    command += ["--no-control-socket", "portal:create_app()"]  # gunicorn 27's is one fixed path per user
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    server = Server(port, process.pid, Path(log_path))
    try:
        wait_for(lambda: _answers(process, port, server), 60, "gunicorn to start")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def _answers(process, port, server):
    assert process.poll() is None, "gunicorn stopped: %s" % server.log()
    try:
        up = Browser(port, timeout=2).get("/healthz").status == 200
    except TRANSPORT_FAILURES:
        return False
    return up and len(server.workers()) == WORKERS


# --- a browser ----------------------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    location: str | None
    text: str

    def thread_id(self):
        """The thread a 303 sends us to: how the portal acknowledges a post it has saved."""
        match = THREAD_PATH.match(urlsplit(self.location or "").path) if self.status == 303 else None
        return int(match.group(1)) if match else None

    def describe(self):
        return "%d %s" % (self.status, self.location or " ".join(self.text.split())[:300])


class Browser:
    """One person's browser: the session cookie, the CSRF token of the last page, and a fresh connection per
    request (gunicorn's sync workers close each one), each with a socket timeout."""

    def __init__(self, port, timeout=TIMEOUT):
        self.port, self.timeout = port, timeout
        self.cookies, self.token = {}, None

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Cookie": "; ".join("%s=%s" % pair for pair in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode([*form, ("csrf_token", self.token or "")])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.getheader("Location"), response.read().decode())
            self.keep_cookies(response.headers.get_all("Set-Cookie") or [])
        finally:
            connection.close()
        token = TOKEN.search(answer.text)
        if token:
            self.token = token.group(1)
        return answer

    def keep_cookies(self, headers):
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        """`form` is a list of (name, value) pairs; the CSRF token of the last page is added, as a browser would."""
        return self.request("POST", path, form)

    def sign_in(self, email):
        self.get("/login")
        answer = self.post("/login", [("email", email), ("password", PASSWORD), ("next", "")])
        assert answer.status == 303, "could not sign in as %s: %s" % (email, answer.describe())
        assert self.get("/").status == 200  # and take the new session's CSRF token from the page
        return self


# --- writers ------------------------------------------------------------------------------------------------
def marker(run, client, number):
    """A string no other post contains, so the database can be counted against what the clients were told."""
    return "load-%s-c%02d-n%05d" % (run, client, number)


def saved_markers(run):
    """How many times each marker of this run is in the database: in posts' bodies, and in threads' titles."""
    pattern = re.compile(r"load-%s-c\d\d-n\d{5}" % run)
    bodies = Post.select(Post.body).where(Post.body.contains(run)).tuples()
    titles = Thread.select(Thread.title).where(Thread.title.contains(run)).tuples()
    posts = Counter(found for (body,) in bodies for found in pattern.findall(body))
    threads = Counter(found for (title,) in titles for found in pattern.findall(title))
    return posts, threads


def miscounted_threads():
    """Threads whose stored post count disagrees with their posts: a lost update under concurrent replies."""
    counted = dict(Post.select(Post.thread, fn.COUNT(Post.id)).group_by(Post.thread).tuples())
    return {t.id: (t.post_count, counted.get(t.id, 0)) for t in Thread.select() if t.post_count != counted.get(t.id)}


@dataclass
class Writes:
    """What one client sent and what came back to it."""

    acknowledged: dict = field(default_factory=dict)  # marker -> "thread" or "reply", answered by a 303
    cut_off: list = field(default_factory=list)  # markers of posts whose request failed at the transport level
    cut_off_requests: int = 0  # every request that failed at the transport level: posts, status changes, pages
    status_changes: int = 0  # acknowledged resolves and reopens (a 303 back to the thread)
    errors: list = field(default_factory=list)  # every other answer that was not what a working portal gives


class Writer:
    """A signed-in person who, until the time is up, starts threads (needs and questions addressed to another
    organisation, and updates), replies to the threads anyone started, and resolves and reopens their own
    requests, following each redirect like a browser.
    A post cut off at the transport level is not retried with the same text: the next post is a new one."""

    KINDS = ("need", "question", "update")

    def __init__(self, port, number, person, run, region):
        self.browser, self.number, self.person, self.run, self.region = Browser(port), number, person, run, region
        self.random = random.Random(number)  # the same choices on every run
        self.steps = 0
        self.requests = []  # the needs and questions this person started, which they may resolve and reopen
        self.writes = Writes()

    def run_until(self, ready, seconds):
        try:
            self.browser.sign_in(self.person.email)
        except (AssertionError, *TRANSPORT_FAILURES) as problem:
            self.writes.errors.append("signing in: %r" % problem)
            ready.abort()
            return
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            return
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            self.write_one()

    def write_one(self):
        """One step in three each: start a thread, reply to anyone's, resolve or reopen a request this person
        started (a transaction that reads, then writes); then load the page the answer leads to."""
        self.steps += 1
        mark = marker(self.run, self.number, self.steps)
        if self.steps % 3 == 1:
            what, target = self.KINDS[self.steps // 3 % 3], None
            path, form = "/threads/new", self.thread_form(what, mark)
        elif self.steps % 3 == 0 and self.requests:
            what, target = "status", self.random.choice(self.requests)
            path, form = "/threads/%d/status" % target, [("action", self.random.choice(("resolve", "reopen")))]
        else:
            what, target = "reply", self.random.choice(self.region.threads)
            path, form = "/threads/%d/reply" % target, [("body", "Reply %s: we can take that on this week." % mark)]
        try:
            answer = self.browser.post(path, form)
        except TRANSPORT_FAILURES:
            self.writes.cut_off_requests += 1
            if what != "status":
                self.writes.cut_off.append(mark)
            return
        thread_id = answer.thread_id()
        if thread_id is None or target not in (None, thread_id) or self.looks_broken(answer):
            self.writes.errors.append("POST %s: %s" % (path, answer.describe()))
            return
        if what == "status":
            self.writes.status_changes += 1
        else:
            self.writes.acknowledged[mark] = "reply" if what == "reply" else "thread"
        if what in ("need", "question"):
            self.requests.append(thread_id)
        if target is None:
            self.region.threads.append(thread_id)  # list.append is atomic: every writer may reply to it now
        self.follow(answer.location)

    def thread_form(self, kind, mark):
        form = [("kind", kind), ("title", "Load thread %s" % mark), ("visibility", "all")]
        form.append(("body", "Situation update %s: the day centre has spare places this afternoon." % mark))
        if kind != "update":
            others = [o for o in self.region.organisations if o != self.person.organisation_id]
            form.append(("addressed_to", str(self.random.choice(others))))
        return form

    def follow(self, location):
        """Load the page the post redirected to, as a browser does (it also shows, and so clears, the flash)."""
        parts = urlsplit(location)
        try:
            page = self.browser.get(parts.path + ("?" + parts.query if parts.query else ""))
        except TRANSPORT_FAILURES:
            self.writes.cut_off_requests += 1
            return
        if page.status != 200 or self.looks_broken(page):
            self.writes.errors.append("GET %s: %s" % (location, page.describe()))

    @staticmethod
    def looks_broken(answer):
        return answer.status >= 500 or "database is locked" in answer.text


def write_concurrently(port, people, run, region, seconds, meanwhile=None):
    """Every person writes from their own thread for `seconds`, all starting once all are signed in;
    `meanwhile()` runs here during the writing (the fault to inject). Every thread is joined."""
    writers = [Writer(port, number, person, run, region) for number, person in enumerate(people)]
    ready = threading.Barrier(len(writers) + 1, timeout=120)
    threads = [
        threading.Thread(target=w.run_until, args=(ready, seconds), name="writer-%d" % w.number) for w in writers
    ]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
        if meanwhile:
            meanwhile(writers)
    except threading.BrokenBarrierError:
        pass  # a writer could not sign in: its error is in its writes
    finally:
        for thread in threads:
            thread.join(timeout=seconds + 2 * TIMEOUT + 130)
    assert not [t.name for t in threads if t.is_alive()], "writers still running"
    return writers


def cut_off_count(writers):
    return sum(w.writes.cut_off_requests for w in writers)


# --- the database going away ---------------------------------------------------------------------------------
class Proxy:
    """A TCP proxy on loopback between the portal and PostgreSQL. cut() closes its listener and every connection
    through it, so new connections are refused and open ones drop, as when the database server goes away;
    restore() listens again on the same port."""

    def __init__(self, upstream_host, upstream_port):
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.listener, self.acceptor = None, None
        self.lock = threading.Lock()
        self.sockets, self.pumps = set(), []

    def __enter__(self):
        self.restore()
        return self

    def __exit__(self, *exc):
        self.cut()
        for pump in self.pumps:
            pump.join(timeout=TIMEOUT)

    def restore(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: the same port again
        self.acceptor = threading.Thread(target=self.accept, args=(self.listener,), name="proxy-accept")
        self.acceptor.start()

    def cut(self):
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.listener.close()
        self.acceptor.join(timeout=TIMEOUT)
        with self.lock:
            for open_socket in self.sockets:
                _drop(open_socket)
            self.sockets.clear()

    def accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # the listener was closed: cut
                return
            try:
                server = socket.create_connection(self.upstream, timeout=TIMEOUT)
            except OSError:
                _drop(client)
                continue
            client.settimeout(None)
            server.settimeout(None)
            with self.lock:
                self.sockets.update((client, server))
            for source, target in ((client, server), (server, client)):
                pump = threading.Thread(target=_pump, args=(source, target), name="proxy-pump")
                pump.start()
                self.pumps.append(pump)


def _pump(source, target):
    """Copy bytes one way until either side closes; then close both, so the other direction ends too."""
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        _drop(source)
        _drop(target)


def _drop(open_socket):
    with suppress(OSError):
        open_socket.shutdown(socket.SHUT_RDWR)
    open_socket.close()


# Another process takes SQLite's write lock and keeps it until its stdin closes, as a stuck maintenance job
# would. Readers still read (WAL), and the portal's workers keep pooled connections open, so no lock can shut
# readers out too: a write lock held past the busy timeout is SQLite's nearest honest "database away".
HOLD_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
connection.close()
"""


@contextmanager
def sqlite_locked(path):
    """The SQLite file at `path` locked against every other writer by another process, until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked", "the lock holder could not take the lock"
        yield
    finally:
        holder.stdin.close()  # lets it go
        try:
            holder.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=TIMEOUT)
        holder.stdout.close()
