"""Measure the portal's pages on one generated database: in process (queries, HTML bytes, writes on GETs, the
first-load weight, and one view's time after a change, when nothing is kept) and under load through gunicorn on
127.0.0.1 (requests per second, p50/p95/p99 latency, and each page's throughput as a share of /healthz's in the
same run).

    .venv/bin/python -m bench.load large                 # bench/data/large.db, generated first if missing
    .venv/bin/python -m bench.load small-pg --duration 3 # the database named in bench/data/small-pg.json

Every load is bounded twice, by time and by a number of requests, and stays on the loopback interface.
"""

import argparse
import gzip
import http.client
import json
import logging
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from playhouse.test_utils import count_queries

from portal import create_app
from portal.db import database
from portal.lists import cache

from . import generate

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOGIN_FORM = re.compile(r'<form[^>]*action="/login')
SESSION_COOKIE = "portal_session"  # __Host-portal_session outside development
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
TICK = os.sysconf("SC_CLK_TCK")
NOISY = 0.2  # cores used by other processes during a run above which its numbers are not to be trusted


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    fragment: str | None = None  # what htmx asks for on this page (HX-Request: true)
    goal: float | None = None  # least share of /healthz throughput
    lists: bool = False  # a list page: its GETs must not write
    public: bool = False  # asked for without a session (a health probe)


def pages(meta):
    long, word = meta["long_thread_id"], meta["search_word"]
    return [
        Page("healthz", "/healthz", public=True),
        Page("home", "/", "/?part=updates&updates=2", 0.10, lists=True),
        Page("board", "/board", "/board?status=open", 0.10, lists=True),
        Page("board ?status=open", "/board?status=open", "/board?status=open&sort=activity", 0.10, lists=True),
        Page("threads list", "/threads", "/threads?status=open", 0.10, lists=True),
        Page("thread, 500 posts", "/threads/%d" % long, "/threads/%d?page=2" % long, 0.08),
        Page("search", "/search?q=%s" % word, "/search?q=%s&kind=need" % word, 0.10),
        Page("learning", "/learning"),
        Page("learning cycles", "/cycles", "/cycles?status=trying", 0.10, lists=True),
        Page("learning cycle", "/cycles/1"),
        Page("person", "/people/2"),
        Page("services", "/services", lists=True),
        Page("service", "/services/1"),  # the bench member: generate adds the steward first, then the member
    ]


def load_meta(name):
    """The metadata of the named database, brought to the current migrations: a size is generated (or reused)
    in bench/data; another name must have been generated with --name."""
    if name in generate.SIZES:
        return generate.ensure(name)
    meta = json.loads((generate.DATA / ("%s.json" % name)).read_text())
    generate.upgrade(meta["url"])
    return meta


# --- in process: queries, bytes, writes ----------------------------------------------------------------------
def signed_in_client(app, meta, who):
    """A test client of `app` signed in as `who` through the form, as a browser would."""
    client = app.test_client()
    token = TOKEN.search(client.get("/login").text).group(1)
    form = {"email": meta[who], "password": meta["password"], "csrf_token": token, "next": ""}
    response = client.post("/login", data=form)
    assert response.status_code == 303, "could not sign in as %s: %d" % (meta[who], response.status_code)
    return client


def in_process(meta, who):
    """Per page, signed in as `who`: queries and writes of one GET, HTML bytes (full and fragment); and the
    first-load weight of the home page with its CSS and JS, gzip-compressed."""
    app = create_app({"DATABASE_URL": meta["url"], "TESTING": True})
    logging.getLogger("peewee").propagate = False  # counted, not printed
    logging.getLogger("portal").setLevel(logging.WARNING)  # the request log is gunicorn's to write, not ours
    client, anonymous = signed_in_client(app, meta, who), app.test_client()
    results = {}
    for page in pages(meta):
        browser = anonymous if page.public else client
        browser.get(page.path)  # the first visit may write what later ones only update (a read mark)
        cache.forget()  # counted as after a change, when nothing is kept
        with count_queries() as counted:
            response = browser.get(page.path)
        assert response.status_code == 200, "%s as %s: %d" % (page.path, who, response.status_code)
        statements = [record.msg[0] for record in counted.get_queries()]
        fragment = client.get(page.fragment, headers={"HX-Request": "true"}) if page.fragment else None
        results[page.name] = {
            "queries": len(statements),
            "writes": [s for s in statements if s.lstrip().upper().startswith(WRITES)],
            "html_bytes": len(response.data),
            "html_gzip": len(gzip.compress(response.data)),
            "fragment_bytes": len(fragment.data) if fragment else None,
            "fragment_gzip": len(gzip.compress(fragment.data)) if fragment else None,
        }
    home = client.get("/").data
    weight = {"/ (HTML)": len(gzip.compress(home))}
    for asset in sorted(set(ASSET.findall(home.decode()))):
        weight[asset] = len(gzip.compress(client.get(asset).data))
    database.close()
    return results, weight


def after_a_change(meta, who, views=7):
    """Per page, signed in as `who`: the median milliseconds of one view when nothing is cached until the next
    event, as after any change to a request, one view at a time in process."""
    app = create_app({"DATABASE_URL": meta["url"]})
    logging.getLogger("portal").setLevel(logging.WARNING)
    client = signed_in_client(app, meta, who)
    medians = {}
    for page in pages(meta)[1:]:
        client.get(page.path)  # the SQL cache is filled once per process
        took = []
        for _ in range(views):
            cache.forget()
            began = time.perf_counter()
            response = client.get(page.path)
            took.append(time.perf_counter() - began)
            assert response.status_code == 200, "%s as %s: %d" % (page.path, who, response.status_code)
        medians[page.name] = statistics.median(took) * 1000
    database.close()
    return medians


# --- under load: gunicorn on the loopback interface ----------------------------------------------------------
def machine_busy():
    """CPU seconds the whole machine has spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as stat:
        ticks = [int(value) for value in stat.readline().split()[1:]]
    # user, nice, system, irq, softirq and steal; not idle and iowait, nor guest and guest_nice (fields 9 and 10),
    # which the kernel already counts in user and nice
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / TICK


def process_tree_cpu(pid):
    """CPU seconds used by a process and its children still running (gunicorn's master and workers)."""
    total = 0.0
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        with open("/proc/%d/task/%d/children" % (pid, pid)) as children:
            total += sum(process_tree_cpu(int(child)) for child in children.read().split())
    except (FileNotFoundError, ProcessLookupError):  # a process that ended between two looks
        pass
    return total


class Others:
    """How much CPU the rest of the machine (anything but the server and this client) takes, to tell a fair run
    from one that shared the cores with, say, a browser test run."""

    def __init__(self, server_pid, budget=300.0):
        self.server_pid = server_pid
        self.budget = budget  # seconds that waiting and trying again may cost in all, so a busy machine ends too

    def sample(self):
        return machine_busy(), process_tree_cpu(self.server_pid) + process_tree_cpu(os.getpid())

    def cores_since(self, before, seconds):
        after = self.sample()
        return max(0.0, (after[0] - before[0]) - (after[1] - before[1])) / seconds

    def wait_for_quiet(self, longest=30.0):
        """Wait (up to `longest` seconds) until others use less than NOISY cores over a second; the wait."""
        started = time.monotonic()
        while time.monotonic() - started < min(longest, self.budget):
            before = self.sample()
            time.sleep(1)
            if self.cores_since(before, 1) < NOISY:
                break
        waited = time.monotonic() - started
        self.budget -= waited
        return waited


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, cookie=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})})
    response = connection.getresponse()
    return response, response.read()


@contextmanager
def gunicorn(url, workers, log_path, settings=None):
    """gunicorn serving the portal on a free loopback port, with `workers` sync workers and the environment
    variables `settings` (PORTAL_SQL_CACHE=0, say); yields the port and its pid. Its output (the portal's request
    log) goes to `log_path`."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32), "PORTAL_ENV": "development"}
    environment.update(settings or {})
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--no-control-socket",
        "--workers",
        str(workers),
        "--bind",
        "127.0.0.1:%d" % port,
    ]
    command += ["--log-level", "warning", "portal:create_app()"]
    log = open(log_path, "w")  # noqa: SIM115 - open as long as the server runs
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get(port, "/healthz")[0].status == 200:
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def cookies_from(response, jar=None):
    """The cookies a response sets, added to `jar` (name: value); every Set-Cookie header, not only the first: a
    sign-in sets the device cookie as well as the session's."""
    jar = dict(jar or {})
    for header in response.msg.get_all("Set-Cookie") or ():
        cookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or not morsel.value:
                jar.pop(name, None)
            else:
                jar[name] = morsel.value
    return jar


def cookie_header(jar):
    return "; ".join("%s=%s" % item for item in jar.items())


def sign_in(port, email, password):
    """A Cookie header for this person, signed in through the login form like a browser: the form's CSRF token
    sent back, the session cookie set, and a signed-in page that answers 200 and is not the login form; any
    other outcome (a throttled or refused sign-in, a redirect back to /login) raises, so no run measures
    redirects instead of pages."""
    response, body = get(port, "/login")
    if response.status != 200:
        raise RuntimeError("GET /login answered %d" % response.status)
    token = FORM_TOKEN.search(body.decode()) or TOKEN.search(body.decode())
    if not token:
        raise RuntimeError("no CSRF token in the login form")
    jar = cookies_from(response)
    form = {"email": email, "password": password, "csrf_token": token.group(1), "next": ""}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie_header(jar), "Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/login", body=urlencode(form), headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 303 or "/login" in (response.getheader("Location") or ""):
        raise RuntimeError("signing in as %s failed: %d" % (email, response.status))
    jar = cookies_from(response, jar)
    if not any(name.endswith(SESSION_COOKIE) for name in jar):
        raise RuntimeError("signing in as %s set no session cookie (cookies: %s)" % (email, ", ".join(jar)))
    cookie = cookie_header(jar)
    response, body = get(port, "/", cookie)
    if response.status != 200 or LOGIN_FORM.search(body.decode()):
        raise RuntimeError("signed in as %s, yet / answered %d%s" % (email, response.status, " (login form)"))
    return cookie


class NotAPage(RuntimeError):
    """A page under load answered something other than 200 (a redirect to /login, an error): its numbers
    would measure that answer instead of the page, so the run stops."""

    def __init__(self, path, status, location=None):
        where = " to %s" % location if location else ""
        super().__init__("GET %s answered %d%s instead of 200: not measuring it" % (path, status, where))


def percentile(ordered, share):
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def hammer(port, path, cookie, clients, duration, cap, warmup, others):
    """`clients` threads GET `path` over and over until `duration` seconds or `cap` responses; the first
    `warmup` responses, or the first second's (workers loading templates, caches filling), are not counted."""
    warm_until = time.perf_counter() + 1
    for _ in range(warmup):
        response, _ = get(port, path, cookie)
        if response.status != 200:
            raise NotAPage(path, response.status, response.getheader("Location"))
        if time.perf_counter() > warm_until:
            break
    lock = threading.Lock()
    latencies, errors = [], []
    taken = 0

    def client():
        nonlocal taken
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        mine = []
        while time.perf_counter() < deadline:
            with lock:
                if taken >= cap:
                    break
                taken += 1
            began = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            if response.status != 200:
                with lock:
                    errors.append(NotAPage(path, response.status, response.getheader("Location")))
                break
        with lock:
            latencies.extend(mine)

    waited = others.wait_for_quiet()
    cpu, shared = time.process_time(), others.sample()
    started = time.perf_counter()
    deadline = started + duration
    workers = [threading.Thread(target=client) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": 0,  # kept for the table: any error now stops the run
        "rps": len(ordered) / elapsed,
        "p50": percentile(ordered, 0.50) * 1000,
        "p95": percentile(ordered, 0.95) * 1000,
        "p99": percentile(ordered, 0.99) * 1000,
        "mean": statistics.fmean(ordered) * 1000,
        "client_cpu": (time.process_time() - cpu) / elapsed,  # cores the load client itself used
        "others_cpu": others.cores_since(shared, elapsed),  # cores the rest of the machine used meanwhile
        "waited": waited,  # seconds spent waiting for the machine to be quiet first
    }


def quietest(port, path, cookie, bounds, attempts=3):
    """hammer(), again (up to `attempts` times) while other processes took the cores; the quietest run."""
    runs, others = [], bounds[-1]
    while not runs or (len(runs) < attempts and runs[-1]["others_cpu"] >= NOISY and others.budget > 0):
        began = time.monotonic()
        runs.append(hammer(port, path, cookie, *bounds))
        if len(runs) > 1:
            others.budget -= time.monotonic() - began
    return min(runs, key=lambda run: run["others_cpu"]) | {"attempts": len(runs)}


def under_load(meta, people, clients, duration, cap, warmup, workers, log_path):
    """{(page, who): numbers} for each page as each person, and /healthz at the start and the end."""
    results = {}
    with gunicorn(meta["url"], workers, log_path) as (port, pid):
        others = Others(pid)
        cookies = {who: sign_in(port, meta[who], meta["password"]) for who in people}
        bounds = (clients, duration, cap, warmup, others)
        results[("healthz", "start")] = quietest(port, "/healthz", None, bounds)
        for who in people:
            for page in pages(meta)[1:]:
                results[(page.name, who)] = quietest(port, page.path, cookies[who], bounds)
        results[("healthz", "end")] = quietest(port, "/healthz", None, bounds)
    return results


def measure(name, people=("member", "steward"), clients=4, duration=5.0, cap=5000, warmup=20, workers=None):
    """Everything about one database, as a dict that scale.py tabulates."""
    meta = load_meta(name)
    workers = workers or os.cpu_count()
    static = {who: in_process(meta, who) for who in people}
    changed = {who: after_a_change(meta, who) for who in people}
    log_path = generate.DATA / ("gunicorn-%s.log" % name)
    loaded = under_load(meta, people, clients, duration, cap, warmup, workers, log_path)
    healthz = statistics.fmean([loaded[("healthz", "start")]["rps"], loaded[("healthz", "end")]["rps"]])
    rows = []
    for who in people:
        numbers, _ = static[who]
        for page in pages(meta)[1:]:
            load = loaded[(page.name, who)]
            rows.append({"page": page.name, "who": who, "goal": page.goal, "lists": page.lists, **numbers[page.name]})
            rows[-1].update(load, share=load["rps"] / healthz, after_a_change=changed[who][page.name])
    return {
        "name": name,
        "meta": meta,
        "workers": workers,
        "clients": clients,
        "duration": duration,
        "cap": cap,
        "healthz": {
            "rps": healthz,
            "start": loaded[("healthz", "start")],
            "end": loaded[("healthz", "end")],
            "queries": static[people[0]][0]["healthz"]["queries"],
        },
        "rows": rows,
        "first_load": static[people[0]][1],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", help="small, large, huge, or the --name given to bench.generate")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per page (default 5)")
    parser.add_argument("--max-requests", type=int, default=5000, help="most requests per page (default 5000)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the CPU count)")
    args = parser.parse_args(argv)
    from .scale import print_table  # the one table, for one database or several

    result = measure(
        args.name, clients=args.clients, duration=args.duration, cap=args.max_requests, workers=args.workers
    )
    print_table([result])
    return 0


if __name__ == "__main__":
    sys.exit(main())
