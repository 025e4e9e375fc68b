"""The pages of bench/load.py read under gunicorn while the region changes: a writer process adds a post or changes
a request's status through the portal's own functions (tracking), so each change records its event and the
caches forget what it may change, as in real use. Each rate of change (none, every 2 s, every 0.2 s as a stress
case) is measured with both caches, with the SQL cache off (PORTAL_SQL_CACHE=0) and with the cache until the next
event off (PORTAL_EVENT_CACHE=0); the table gives p50/p95 per page per rate, then each cache's gain per page.

    .venv/bin/python -m bench.mixed large                # make bench-mixed; bench/data/mixed.md and mixed.json
    .venv/bin/python -m bench.mixed small --duration 2   # a quick look

A cache's gain on a page, at one rate, is the page's requests per second with both caches over its requests per
second with that cache off, less one; the median of the three rates is the cache's worth on the page. The writes
stay in the database (a few hundred posts on a large region at most; each request it resolves is reopened).
"""

import argparse
import json
import os
import platform
import select
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime

from . import generate, load
from .load import NOISY

RATES = (("read only", None), ("a change every 2 s", 2.0), ("a change every 0.2 s", 0.2))
CACHES = (
    ("both caches", {"PORTAL_SQL_CACHE": "1", "PORTAL_EVENT_CACHE": "1"}),
    ("no SQL cache", {"PORTAL_SQL_CACHE": "0", "PORTAL_EVENT_CACHE": "1"}),
    ("no event cache", {"PORTAL_SQL_CACHE": "1", "PORTAL_EVENT_CACHE": "0"}),
)
WORTH = 0.15  # a cache is worth keeping if it gains this much on some page at the large size
CHOICES = 100  # the writer changes the newest live requests open to all, these many of them


# --- the writer: a process of its own, like a gunicorn worker handling a post ----------------------------------
def write(url, member_email, steward_email, every):
    """Every `every` seconds, a new post by the member or a status change by the steward (resolving a live
    request, then reopening it), in turn, until SIGTERM; then print how many were made, and how many came late."""
    from portal import create_app, tracking
    from portal.db import database
    from portal.models import LIVE_STATUSES, Thread, User

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    app = create_app({"DATABASE_URL": url})
    done = late = 0
    with app.test_request_context():
        member = User.get(User.email == member_email)
        steward = User.get(User.email == steward_email)
        live = (
            Thread.select(Thread.id)
            .where(Thread.status.in_(LIVE_STATUSES) & (Thread.visibility == "all"))
            .order_by(Thread.id.desc())
            .limit(CHOICES)
        )
        choices = [thread.id for thread in live]
        resolved = None
        print("ready", flush=True)
        started = time.monotonic()
        while not stop:
            wait = started + (done + late + 1) * every - time.monotonic()
            if wait < 0:
                late += 1  # a change that could not be made on time is skipped, not made up for
                continue
            time.sleep(wait)
            if stop:
                break
            thread = Thread.get_by_id(choices[(done // 2) % len(choices)])
            if done % 2 == 0:
                tracking.reply(thread, member, "Mixed benchmark: an update at %s." % datetime.now().isoformat())
            elif resolved:
                tracking.reopen(Thread.get_by_id(resolved), steward)
                resolved = None
            elif thread.status in LIVE_STATUSES:
                tracking.resolve(thread, steward)
                resolved = thread.id
            database.close()
            done += 1
        if resolved:
            tracking.reopen(Thread.get_by_id(resolved), steward)
        database.close()
    print(json.dumps({"writes": done, "late": late}), flush=True)


@contextmanager
def writer(meta, every):
    """The writer running beside the readers (nothing when `every` is None); yields a dict that says, once the
    block ends, how many changes it made."""
    made = {"writes": 0, "late": 0, "seconds": 0.0}
    if every is None:
        yield made
        return
    command = [sys.executable, "-m", "bench.mixed", "--write", meta["url"], meta["member"], meta["steward"]]
    command += ["--every", str(every)]
    environment = {**os.environ, "PORTAL_ENV": "development"}  # as gunicorn runs in load.gunicorn
    process = subprocess.Popen(command, cwd=load.ROOT, env=environment, stdout=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        if not ready or process.stdout.readline().strip() != "ready":
            raise RuntimeError("the writer did not start")
        began = time.monotonic()
        yield made
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=60)
    if process.returncode != 0:
        raise RuntimeError("the writer failed (exit %d)" % process.returncode)
    made.update(json.loads(out.strip().splitlines()[-1]), seconds=time.monotonic() - began)


# --- the readers ----------------------------------------------------------------------------------------------
def measure(meta, who="member", clients=4, duration=5.0, cap=5000, warmup=20, workers=None, quiet=True, logs=None):
    """{cache: {rate: {"pages": {page: numbers}, "writes": {...}, "healthz": numbers}}}: each page read as `who`
    under each rate of change, for each cache setting. quiet=False measures at once, without waiting for the
    rest of the machine to be quiet first."""
    workers = workers or os.cpu_count()
    logs = logs or generate.DATA
    logs.mkdir(parents=True, exist_ok=True)
    pages = load.pages(meta)[1:]
    results = {}
    for cache_name, settings in CACHES:
        log_path = logs / ("gunicorn-mixed-%s.log" % cache_name.replace(" ", "-"))
        with load.gunicorn(meta["url"], workers, log_path, settings) as (port, pid):
            others = load.Others(pid, budget=300.0 if quiet else 0.0)
            cookie = load.sign_in(port, meta[who], meta["password"])
            bounds = (clients, duration, cap, warmup, others)
            healthz = load.hammer(port, "/healthz", None, *bounds)
            results[cache_name] = {}
            for rate_name, every in RATES:
                with writer(meta, every) as made:
                    numbers = {page.name: load.hammer(port, page.path, cookie, *bounds) for page in pages}
                results[cache_name][rate_name] = {"pages": numbers, "writes": made, "healthz": healthz}
    return results


def gain(results, cache_name, rate_name, page):
    """How much more a page serves with both caches than with this one off, at one rate (0.2: 20 % more)."""
    both = results["both caches"][rate_name]["pages"][page]["rps"]
    without = results[cache_name][rate_name]["pages"][page]["rps"]
    return both / without - 1


def worth(results, cache_name, page):
    return statistics.median(gain(results, cache_name, rate, page) for rate, _ in RATES)


def table(results, meta, who, workers, clients, duration):
    """Markdown lines: p50/p95 per page per rate with both caches, each cache's gain, and the machine's state."""
    pages = list(results["both caches"][RATES[0][0]]["pages"])
    both = results["both caches"]
    lines = [
        "Pages on **%s** (%s threads, %s posts) as the %s, %d gunicorn sync workers, %d clients, %s s per page and "
        "setting; the writer adds a post or changes a request's status, in turn, through tracking."
        % (
            meta.get("size", "?"),
            "{:,}".format(meta["counts"]["thread"]),
            "{:,}".format(meta["counts"]["post"]),
            who,
            workers,
            clients,
            duration,
        ),
        "",
        "With both caches, p50 / p95 ms (req/s):",
        "",
        "| page | %s |" % " | ".join(rate for rate, _ in RATES),
        "| --- |%s" % (" --: |" * len(RATES)),
    ]
    for page in pages:
        cells = []
        for rate, _ in RATES:
            n = both[rate]["pages"][page]
            cells.append(
                "%.1f / %.1f (%.0f%s)" % (n["p50"], n["p95"], n["rps"], " ⚠" if n["others_cpu"] >= NOISY else "")
            )
        lines.append("| %s | %s |" % (page, " | ".join(cells)))
    lines += ["", "p50 / p95 ms with one cache off:", ""]
    lines += [
        "| page | cache off | %s |" % " | ".join(rate for rate, _ in RATES),
        "| --- | --- |%s" % (" --: |" * len(RATES)),
    ]
    for page in pages:
        for cache_name, _ in CACHES[1:]:
            runs = [results[cache_name][rate]["pages"][page] for rate, _ in RATES]
            cells = ["%.1f / %.1f (%.0f)" % (n["p50"], n["p95"], n["rps"]) for n in runs]
            lines.append("| %s | %s | %s |" % (page, cache_name.removeprefix("no "), " | ".join(cells)))
    lines += [
        "",
        "Each cache's gain (req/s with both caches over req/s with it off, less one); median of the rates:",
        "",
    ]
    header = ["page"]
    for cache_name, _ in CACHES[1:]:
        label = cache_name.removeprefix("no ")
        header += ["%s, %s" % (label, rate) for rate, _ in RATES] + ["**%s, median**" % label]
    lines += ["| %s |" % " | ".join(header), "| --- |%s" % (" --: |" * (len(header) - 1))]
    for page in pages:
        cells = []
        for cache_name, _ in CACHES[1:]:
            cells += ["%+.0f %%" % (100 * gain(results, cache_name, rate, page)) for rate, _ in RATES]
            cells.append("**%+.0f %%**" % (100 * worth(results, cache_name, page)))
        lines.append("| %s | %s |" % (page, " | ".join(cells)))
    lines.append("")
    for cache_name, _ in CACHES[1:]:
        best = max(pages, key=lambda page: worth(results, cache_name, page))
        kept = worth(results, cache_name, best) >= WORTH
        lines.append(
            "- The %s: best median gain %+.0f %% (%s), %s the %d %% that keeps a cache."
            % (
                cache_name.removeprefix("no "),
                100 * worth(results, cache_name, best),
                best,
                "at or above" if kept else "below",
                round(100 * WORTH),
            )
        )
    for cache_name, _ in CACHES:
        for rate, _ in RATES[1:]:
            made = results[cache_name][rate]["writes"]
            lines.append(
                "- %s, %s: %d changes in %.0f s (%d skipped as late)."
                % (cache_name, rate, made["writes"], made["seconds"], made["late"])
            )
    runs = [n for c in results.values() for r in c.values() for n in [*r["pages"].values(), r["healthz"]]]
    lines.append(
        "- /healthz: %s req/s. Other processes used at most %.2f cores during a run (%d of %d runs at %.1f or "
        "more, marked ⚠: not to be trusted)."
        % (
            ", ".join("%.0f (%s)" % (c[RATES[0][0]]["healthz"]["rps"], name) for name, c in results.items()),
            max(n["others_cpu"] for n in runs),
            sum(n["others_cpu"] >= NOISY for n in runs),
            len(runs),
            NOISY,
        )
    )
    return lines


def run(meta, out_dir, who="member", clients=4, duration=5.0, cap=5000, workers=None, quiet=True, warmup=20):
    """Measure, write out_dir/mixed.md and mixed.json, and return the Markdown."""
    workers = workers or os.cpu_count()
    results = measure(meta, who, clients, duration, cap, warmup, workers, quiet, out_dir)
    header = "%s, %d cores (%s), Python %s" % (
        datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        os.cpu_count(),
        platform.machine(),
        platform.python_version(),
    )
    text = header + "\n\n" + "\n".join(table(results, meta, who, workers, clients, duration)) + "\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "mixed.md").write_text(text)
    (out_dir / "mixed.json").write_text(json.dumps(results, indent=2) + "\n")
    return text


def main(argv=None):
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--write"]:  # the writer process
        parser = argparse.ArgumentParser()
        parser.add_argument("--write", dest="url")
        parser.add_argument("member")
        parser.add_argument("steward")
        parser.add_argument("--every", type=float, required=True)
        args = parser.parse_args(argv)
        write(args.url, args.member, args.steward, args.every)
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", help="small, large, huge, or the --name given to bench.generate")
    parser.add_argument("--who", choices=("member", "steward"), default="member")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load per page (default 5)")
    parser.add_argument("--max-requests", type=int, default=5000, help="most requests per page (default 5000)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the CPU count)")
    args = parser.parse_args(argv)
    meta = load.load_meta(args.name)
    text = run(meta, generate.DATA, args.who, args.clients, args.duration, args.max_requests, args.workers)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
