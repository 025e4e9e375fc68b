"""Fill a fresh database with a realistic region for the benchmarks, through bulk inserts.

    .venv/bin/python -m bench.generate large             # bench/data/large.db; kept, and reused, once made
    .venv/bin/python -m bench.generate small --url postgresql://user:pw@127.0.0.1:5433/bench --name small-pg

Sizes: small (10 organisations, 1,000 threads, 10,000 posts), large (60, 50,000, 500,000) and huge (200, 200,000,
2,000,000). A size always gives the same data (the random generator is seeded). What the load run needs (the
database URL, the sign-ins, the 500-post thread, the search word) is written to bench/data/<name>.json.

The rows follow the app's rules: a request's status agrees with who replied (an addressed organisation's reply
answers it and ends that organisation's wait), the waiting clocks are those tracking.refresh_waiting would keep,
post_count is the number of posts, hidden posts are out of the search index, and ids grow with time.
"""

import argparse
import bisect
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from peewee import chunked
from tqdm import tqdm

from portal import create_app
from portal.accounts import hash_password
from portal.cli import migrate
from portal.clock import in_london, now
from portal.db import database, is_sqlite
from portal.models import (
    AREAS,
    CLOSE_REASONS,
    REFER_BY,
    REFERRERS,
    Barrier,
    BarrierHolder,
    BarrierLog,
    BarrierThread,
    CycleBarrier,
    CycleEntry,
    CycleOrganisation,
    CycleThread,
    Event,
    LearningCycle,
    Notification,
    Organisation,
    Post,
    PostRevision,
    RuleVersion,
    Service,
    Theme,
    Thread,
    ThreadAddressee,
    ThreadRead,
    ThreadTheme,
    User,
    Watch,
    as_set,
)
from portal.search import SearchEntry, plain_text, post_text
from portal.text import render_markdown, slugify

from . import content

GENERATOR_VERSION = 3  # bump when the data changes, so cached databases are made again
DATA = Path(__file__).resolve().parent / "data"
PASSWORD = "bench-password-2026"
STEWARD_EMAIL = "steward@bench.example.org"
MEMBER_EMAIL = "member@bench.example.org"
LONG_THREAD_POSTS = 500
SPAN_DAYS = 730  # two years of threads
BODY_POOL = 4000  # distinct post texts, each rendered once
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Size:
    organisations: int
    threads: int
    posts: int


SIZES = {
    "tiny": Size(4, 40, 700),
    "small": Size(10, 1_000, 10_000),
    "large": Size(60, 50_000, 500_000),
    "huge": Size(200, 200_000, 2_000_000),
}


class Region:
    """The rows of one generated region, planned in memory (ids grow with time), then inserted in bulk."""

    def __init__(self, size, seed, moment):
        self.rng = random.Random(seed)
        self.size = size
        self.now = moment
        self.start = moment - timedelta(days=SPAN_DAYS)
        self.posts = []  # [created, thread_id, author_id, organisation_id, body_key, hidden, edited, id]
        self.events = []  # [created, thread_id, actor_id, action, data, post or None]
        self.reads = {}  # (user_id, thread_id) -> read_at
        self.long_thread_id = None
        self.pinned = 0

    # --- small helpers -----------------------------------------------------------------------------------
    def moment_between(self, start, end):
        return start + (end - start) * self.rng.random()

    def fill(self, text):
        rng = self.rng
        return text.format(
            place=rng.choice(content.PLACES),
            service=rng.choice(content.SERVICES),
            org=rng.choice(self.organisations)["name"],
            n=rng.randint(2, 40),
            m=rng.randint(1, 12),
            day=rng.choice(content.DAYS),
        )

    # --- organisations and people --------------------------------------------------------------------------
    def plan_organisations(self):
        count = self.size.organisations
        councils = content.COUNCILS[: min(len(content.COUNCILS), max(3, round(count * 0.15)))]
        health = content.HEALTH[: min(len(content.HEALTH), max(1, round(count * 0.08)))]
        charities = ["%s %s" % (place, service) for place in content.PLACES for service in content.SERVICES]
        self.rng.shuffle(charities)
        named = [("Liverpool City Region Combined Authority", "commissioner")]
        named += [(name, "local_authority") for name in councils] + [(name, "health") for name in health]
        named += [(name, "charity") for name in charities[: count - len(named)]]
        self.organisations = [
            {
                "id": i,
                "name": name,
                "slug": slugify(name),
                "kind": kind,
                "created": self.start - timedelta(days=30),
                "checkin_day": self.rng.randint(1, 10),
            }
            for i, (name, kind) in enumerate(named, start=1)
        ]
        self.commissioner, self.council = self.organisations[0], self.organisations[1]

    def plan_people(self):
        rng = self.rng
        people, used = [], set()
        password_hash = hash_password(PASSWORD)  # one scrypt hash for everyone: hashing is slow on purpose

        def add(organisation, role, email=None, name=None):
            if name is None:
                name = "%s %s" % (rng.choice(content.FIRST_NAMES), rng.choice(content.SURNAMES))
            if email is None:
                local = slugify(name).replace("-", ".")
                email = "%s@%s.example.org" % (local, organisation["slug"][:40])
                number = 2
                while email in used:
                    email, number = "%s%d@%s.example.org" % (local, number, organisation["slug"][:40]), number + 1
            used.add(email)
            people.append(
                {
                    "id": len(people) + 1,
                    "email": email,
                    "name": name,
                    "organisation": organisation["id"],
                    "role": role,
                    "password_hash": password_hash,
                    "last_seen": self.now - timedelta(minutes=rng.randint(5, 60 * 24 * 20)),
                    "created": organisation["created"],
                    "email_frequency": rng.choice(["immediate", "immediate", "daily", "weekly", "none"]),
                    "digest_hour": rng.choice([7, 8, 9, 17]),
                }
            )
            return people[-1]

        self.steward = add(self.commissioner, "steward", STEWARD_EMAIL, "Priya Hollings (bench steward)")
        self.member = add(self.council, "member", MEMBER_EMAIL, "Ruth Ellery (bench member)")
        add(self.commissioner, "steward")
        for organisation in self.organisations:
            for _ in range(rng.randint(2, 8)):
                add(organisation, "member")
        self.people = people
        self.stewards = [p for p in people if p["role"] == "steward"]
        self.members_of = {}
        for person in people:
            self.members_of.setdefault(person["organisation"], []).append(person)

    # --- threads and posts ---------------------------------------------------------------------------------
    def post_counts(self, total_threads, long_index):
        """Posts per thread: at least one each, skewed (most threads short, some long), summing exactly."""
        rng = self.rng
        extra = self.size.posts - LONG_THREAD_POSTS - (total_threads - 1)
        weights = [rng.expovariate(1.0) for _ in range(total_threads)]
        weights[long_index] = 0.0
        cumulative, running = [], 0.0
        for weight in weights:
            running += weight
            cumulative.append(running)
        counts = [1] * total_threads
        for _ in range(extra):
            counts[bisect.bisect(cumulative, rng.random() * running)] += 1
        counts[long_index] = LONG_THREAD_POSTS
        return counts

    def plan_threads(self, progress):
        rng = self.rng
        # Monthly check-ins: about half the organisations each month; the rest are updates, needs and questions.
        checkins = []
        month = self.start.replace(day=1, hour=9) + DAY * 32
        while month < self.now:
            for organisation in self.organisations[1:]:
                if rng.random() < 0.5:
                    moment = month.replace(day=1) + timedelta(days=rng.randint(0, 19), minutes=rng.randint(0, 480))
                    if moment < self.now:
                        checkins.append((moment, organisation))
            month = (month.replace(day=1) + DAY * 32).replace(day=1)
        rng.shuffle(checkins)
        checkins = checkins[: self.size.threads // 8]
        others = self.size.threads - len(checkins)
        starts = [(self.moment_between(self.start, self.now - HOUR), None) for _ in range(others)]
        plan = sorted(checkins + starts, key=lambda item: item[0])
        ordinary = [i for i, (_, checkin_org) in enumerate(plan) if checkin_org is None]
        long_index = min(ordinary, key=lambda i: abs((self.now - plan[i][0]).days - 250))
        counts = self.post_counts(len(plan), long_index)
        self.threads, self.addressees, self.themes_of = [], [], []
        weights = [
            {"commissioner": 1, "local_authority": 2, "health": 2, "charity": 5}[o["kind"]] for o in self.organisations
        ]
        for index, (created, checkin_org) in enumerate(plan):
            thread_id = index + 1
            if checkin_org is not None:
                self.plan_checkin(thread_id, created, checkin_org, counts[index])
            else:
                organisation = rng.choices(self.organisations, weights)[0]
                kind = rng.choices(["update", "need", "question"], [45, 35, 20])[0]
                if index == long_index:
                    kind = "update"
                    self.long_thread_id = thread_id
                self.plan_thread(thread_id, created, organisation, kind, counts[index], index == long_index)
            progress.update(1)

    def author_from(self, organisation_id):
        return self.rng.choice(self.members_of[organisation_id])

    def post_times(self, created, count, long):
        """When the posts were written: front-loaded over up to two months (the long thread: its whole life)."""
        age = self.now - created
        horizon = age - HOUR if long else min(age * 0.9, timedelta(days=60))
        later = sorted(created + horizon * self.rng.random() ** 2 for _ in range(count - 1))
        return [created] + later

    def add_post(self, thread_id, created, author, body_key, reply=True):
        rng = self.rng
        hidden = reply and rng.random() < 0.003
        edited = created + timedelta(minutes=rng.randint(2, 90)) if rng.random() < 0.01 else None
        edited = edited if edited and edited < self.now else None
        post = [created, thread_id, author["id"], author["organisation"], body_key, hidden, edited, None]
        self.posts.append(post)
        key = (author["id"], thread_id)
        self.reads[key] = max(self.reads.get(key, created), created)
        return post

    def event(self, created, thread_id, actor, action, post=None, **data):
        self.events.append([created, thread_id, actor["id"] if actor else None, action, data, post])

    def reply(self, thread_id, moment, organisation_id):
        author = self.author_from(organisation_id)
        post = self.add_post(thread_id, moment, author, self.reply_body())
        self.event(moment, thread_id, author, "replied", post=post)
        return post

    def plan_checkin(self, thread_id, created, organisation, count):
        london = in_london(created)
        title = "%s %d check-in: %s" % (content.MONTHS[london.month - 1], london.year, organisation["name"])
        author = self.author_from(organisation["id"])
        month = london.strftime("%Y-%m")
        self.add_thread_row(thread_id, "update", title, author, created, checkin_month=month, visibility="all")
        times = self.post_times(created, count, False)
        self.add_post(thread_id, created, author, self.rng.randrange(self.checkin_pool), reply=False)
        self.event(created, thread_id, author, "thread_started", kind="update", title=title, visibility="all")
        for moment in times[1:]:
            self.reply(thread_id, moment, self.random_org()["id"])
        self.finish_thread(thread_id, times[-1])

    def random_org(self):
        return self.rng.choice(self.organisations)

    def reply_body(self):
        return self.checkin_pool + self.rng.randrange(BODY_POOL)

    def add_thread_row(self, thread_id, kind, title, author, created, **fields):
        rng = self.rng
        row = {
            "id": thread_id,
            "kind": kind,
            "title": title,
            "author": author["id"],
            "organisation": author["organisation"],
            "status": None,
            "visibility": "restricted" if rng.random() < 0.05 else "all",
            # a steward pins a few recent updates, no more
            "pinned": kind == "update" and self.pinned < 3 and self.now - created < 90 * DAY and rng.random() < 0.05,
            "locked": rng.random() < 0.01,
            "owner": None,
            "owner_since": None,
            "follow_up_on": None,
            "follow_up_noticed_on": None,
            "created": created,
            "first_response_at": None,
            "resolved_at": None,
            "close_reason": None,
            "close_note": None,
            "checkin_month": None,
            "asker_waiting_since": None,
            "waiting_since": None,
            **fields,
        }
        self.threads.append(row)
        self.pinned += row["pinned"]
        if row["pinned"]:
            self.event(created + HOUR, thread_id, self.steward, "pinned_on")
        if rng.random() < (0.35 if kind != "update" else 0.2):
            self.themes_of.append((thread_id, rng.sample(range(1, len(content.THEMES) + 1), rng.choice([1, 1, 2]))))
        return row

    def finish_thread(self, thread_id, last_post, status_moment=None, *other_changes):
        """The conversation's last moment (posts and status changes), and the last change of any kind."""
        row = self.threads[thread_id - 1]
        row["last_activity"] = max(last_post, status_moment or last_post)
        row["changed_at"] = max([row["last_activity"], *other_changes])

    def status_for(self, created):
        age = (self.now - created).days
        if age > 60:
            weights = [4, 6, 80, 10]
        elif age > 14:
            weights = [20, 22, 50, 8]
        else:
            weights = [45, 35, 15, 5]
        return self.rng.choices(["open", "answered", "resolved", "closed"], weights)[0]

    def plan_thread(self, thread_id, created, organisation, kind, count, long):
        rng = self.rng
        author = self.author_from(organisation["id"])
        title = self.fill(rng.choice(content.TITLES[kind]))
        row = self.add_thread_row(thread_id, kind, title, author, created)
        if long:
            row["visibility"] = "all"  # both sign-ins open it in the benchmark
        times = self.post_times(created, count, long)
        self.add_post(thread_id, created, author, self.reply_body(), reply=False)
        self.event(created, thread_id, author, "thread_started", kind=kind, title=title, visibility=row["visibility"])
        if kind == "update":
            for moment in times[1:]:
                self.reply(thread_id, moment, self.random_org()["id"])
            self.finish_thread(thread_id, times[-1])
            return
        others = [o for o in self.organisations if o["id"] != organisation["id"]]
        wanted = rng.choice([1, 1, 1, 2, 2, 3])
        addressed = rng.sample(others, wanted) if rng.random() < 0.3 else self.likely_addressees(others, wanted)
        addressed_ids = {o["id"] for o in addressed}
        bystanders = [o for o in others if o["id"] not in addressed_ids]
        status = self.status_for(created)
        answered = status in ("answered", "resolved") or (status == "closed" and rng.random() < 0.5)
        if count == 1:
            answered, status = False, ("open" if status == "answered" else status)
        first_answer = rng.randint(1, count - 1) if answered else None
        replied_at, first_response = {}, None
        for index, moment in enumerate(times[1:], start=1):
            if answered and index >= first_answer:
                speaker = addressed[0] if index == first_answer else rng.choice([organisation, *addressed])
            else:
                speaker = rng.choice([organisation, organisation, *bystanders[:3]])
            post = self.reply(thread_id, moment, speaker["id"])
            if speaker["id"] in addressed_ids and speaker["id"] not in replied_at:
                replied_at[speaker["id"]] = moment
                if first_response is None:
                    first_response = moment
                    replier = self.people[post[2] - 1]
                    self.event(moment, thread_id, replier, "status_changed", post=post, before="open", after="answered")
        live = status in ("open", "answered")
        status_moment = None
        if not live:
            status_moment = min(times[-1] + timedelta(hours=rng.expovariate(1 / 20)), self.now - timedelta(minutes=5))
            status_moment = max(status_moment, times[-1])
            actor = author if status == "resolved" and rng.random() < 0.8 else self.steward
            before = "answered" if first_response else "open"
            if status == "closed":
                reason = rng.choice(list(CLOSE_REASONS))
                note = "Sorted outside the portal." if reason == "other" else None
                row.update(close_reason=reason, close_note=note)
                self.event(
                    status_moment, thread_id, actor, "status_changed", reason=reason, before=before, after=status
                )
            else:
                self.event(status_moment, thread_id, actor, "status_changed", before=before, after=status)
            row["resolved_at"] = status_moment
        row.update(status=status, first_response_at=first_response)
        if first_response and live:
            row["asker_waiting_since"] = first_response
        clocks, changes = [], []
        for other in addressed:
            not_needed = live and other["id"] not in replied_at and rng.random() < 0.03
            waiting = created if live and other["id"] not in replied_at and not not_needed else None
            if waiting:
                clocks.append(waiting)
            self.addressees.append(
                {
                    "thread": thread_id,
                    "organisation": other["id"],
                    "added": created,
                    "replied_at": replied_at.get(other["id"]),
                    "waiting_since": waiting,
                    "not_needed": not_needed,
                    "live": live,
                }
            )
        if rng.random() < 0.1:
            owner = rng.choice(self.stewards)
            owner_since = self.moment_between(created, status_moment or self.now)
            row.update(owner=owner["id"], owner_since=owner_since)
            self.event(owner_since, thread_id, self.steward, "owner_changed", before=None, after=owner["name"])
            clocks.append(owner_since)
            changes.append(owner_since)
        if live and rng.random() < 0.25:
            day = (created + timedelta(days=rng.randint(3, 40))).date()
            row["follow_up_on"] = day
            if day < self.now.date():
                row["follow_up_noticed_on"] = day
            self.event(created + HOUR, thread_id, self.steward, "follow_up_set", before=None, after=day.isoformat())
            changes.append(min(created + HOUR, self.now))
        if row["asker_waiting_since"]:
            clocks.append(row["asker_waiting_since"])
        row["waiting_since"] = min(clocks) if live and clocks else None
        self.finish_thread(thread_id, times[-1], status_moment, *changes)

    def likely_addressees(self, others, wanted):
        """Requests mostly go to councils and health partners."""
        public = [o for o in others if o["kind"] in ("local_authority", "health", "commissioner")]
        return self.rng.sample(public, min(wanted, len(public))) or self.rng.sample(others, wanted)

    # --- bodies ----------------------------------------------------------------------------------------------
    def plan_bodies(self):
        """The pool of post texts: check-ins first, then replies; each rendered and indexed once."""
        rng = self.rng
        bodies = []
        for _ in range(BODY_POOL // 8):
            sections = [
                "# %s\n\n%s" % (prompt, self.fill(rng.choice(content.PARAGRAPHS))) for prompt in content.CHECKIN_PROMPTS
            ]
            bodies.append("\n\n".join(sections))
        self.checkin_pool = len(bodies)
        for _ in range(BODY_POOL):
            paragraphs = rng.choices([1, 2, 3, 4], [35, 35, 20, 10])[0]
            bodies.append("\n\n".join(self.fill(rng.choice(content.PARAGRAPHS)) for _ in range(paragraphs)))
        html = [render_markdown(body) for body in bodies]
        self.bodies = list(zip(bodies, html, [post_text(h) for h in html], strict=True))

    # --- everything else: reads, notifications, watches, themes, barriers ------------------------------------
    def plan_reads(self):
        """The two sign-ins have read about half of what they may see, most of it up to date."""
        rng = self.rng
        member_sees = {a["thread"] for a in self.addressees if a["organisation"] == self.member["organisation"]}
        for thread in self.threads:
            for person in (self.steward, self.member):
                hidden_from = (
                    person is self.member
                    and thread["visibility"] == "restricted"
                    and thread["organisation"] != person["organisation"]
                    and thread["id"] not in member_sees
                )
                if not hidden_from and rng.random() < 0.5:
                    read = thread["last_activity"] if rng.random() < 0.8 else thread["created"]
                    self.reads[(person["id"], thread["id"])] = read

    def plan_notifications(self):
        rng = self.rng
        rows = []
        recent = self.threads[-400:]
        for person in (self.steward, self.member):
            for thread in rng.sample(recent, min(150, len(recent))):
                created = thread["last_activity"]
                rows.append(
                    {
                        "user": person["id"],
                        "thread": thread["id"],
                        "actor": thread["author"],
                        "kind": rng.choice(["reply", "addressed", "answered", "resolved", "mentioned"]),
                        "data": {},
                        "created": created,
                        "read_at": None if rng.random() < 0.1 else created + HOUR,
                    }
                )
        watches = [
            {"user": self.member["id"], "thread": t["id"], "level": level, "created": t["created"]}
            for t, level in zip(rng.sample(recent, min(12, len(recent))), ["watch"] * 10 + ["mute"] * 2, strict=False)
        ]
        return rows, watches

    def plan_barriers(self):
        rng = self.rng
        barriers, holders, links, logs = [], [], [], []
        requests = [t for t in self.threads if t["kind"] != "update"]
        statuses = ["raised", "being_worked_on", "changed", "wont_change"]
        for number, title in enumerate(content.BARRIERS, start=1):
            created = self.moment_between(self.start, self.now - 30 * DAY)
            description = self.fill(rng.choice(content.PARAGRAPHS))
            status, moment = "raised", created
            for _ in range(rng.randint(0, 4)):
                moment = self.moment_between(moment, self.now - HOUR)
                after = rng.choice(statuses) if rng.random() < 0.5 else None
                note = self.fill(rng.choice(content.PARAGRAPHS))
                logs.append(
                    {
                        "barrier": number,
                        "author": self.steward["id"],
                        "note": note,
                        "note_html": render_markdown(note),
                        "status_before": status if after and after != status else None,
                        "status_after": after if after and after != status else None,
                        "created": moment,
                    }
                )
                status = after or status
            barriers.append(
                {
                    "id": number,
                    "title": title,
                    "description": description,
                    "description_html": render_markdown(description),
                    "status": status,
                    "created": created,
                    "updated": moment,
                }
            )
            for organisation in rng.sample(self.organisations[1:], rng.randint(1, 2)):
                holders.append({"barrier": number, "organisation": organisation["id"]})
            for thread in rng.sample(requests, min(len(requests), rng.randint(2, 8))):
                links.append({"barrier": number, "thread": thread["id"], "created": max(created, thread["created"])})
        return barriers, holders, links, logs

    def plan_cycles(self):
        """A learning cycle for each barrier, each with two or three organisations, a few threads and entries."""
        rng = self.rng
        cycles, involved, threads, barriers, entries = [], [], [], [], []
        statuses = ["noticing", "trying", "reviewing", "embedded", "dropped"]
        for number, title in enumerate(content.BARRIERS, start=1):
            created = self.moment_between(self.start, self.now - 30 * DAY)
            text = self.fill(rng.choice(content.PARAGRAPHS))
            status, moment = "noticing", created
            for _ in range(rng.randint(0, 5)):
                moment = self.moment_between(moment, self.now - HOUR)
                after = rng.choice(statuses)
                note = self.fill(rng.choice(content.PARAGRAPHS))
                changed = after if after != status else None
                entries.append(
                    {
                        "cycle": number,
                        "author": self.steward["id"],
                        "note": note,
                        "note_html": render_markdown(note),
                        "status_before": status if changed else None,
                        "status_after": changed,
                        "created": moment,
                    }
                )
                status = after
            organisations = rng.sample(self.organisations[1:], rng.randint(2, 3))
            cycles.append(
                {
                    "id": number,
                    "title": "Learning from: %s" % title,
                    "organisation": organisations[0]["id"],
                    "author": self.steward["id"],
                    "noticed": text,
                    "noticed_html": render_markdown(text),
                    "status": status,
                    "review_on": in_london(moment).date() + timedelta(days=rng.randint(-10, 30)),
                    "visibility": "restricted" if number % 5 == 0 else "all",  # the first (bench/load's) is open
                    "created": created,
                    "updated": moment,
                    "embedded_at": moment if status == "embedded" else None,
                }
            )
            involved += [{"cycle": number, "organisation": o["id"]} for o in organisations]
            requests = [t for t in self.threads if t["kind"] != "update"]
            threads += [{"cycle": number, "thread": t["id"]} for t in rng.sample(requests, min(len(requests), 4))]
            barriers.append({"cycle": number, "barrier": number})
        return cycles, involved, threads, barriers, entries

    def plan_services(self):
        """Two to four services for each organisation but the commissioner, each with one to three rule versions:
        as many as a region keeps, growing with its organisations."""
        rng = self.rng
        services, versions = [], []
        for organisation in self.organisations[1:]:
            for _ in range(rng.randint(2, 4)):
                number = len(services) + 1
                created = self.moment_between(self.start, self.now - 30 * DAY)
                offers = self.fill(rng.choice(content.PARAGRAPHS))
                moment, rules = created, rng.randint(1, 3)
                for version in range(1, rules + 1):
                    eligibility = self.fill(rng.choice(content.PARAGRAPHS))
                    versions.append(
                        {
                            "service": number,
                            "number": version,
                            "eligibility": eligibility,
                            "eligibility_html": render_markdown(eligibility),
                            "referrers": as_set(rng.sample(sorted(REFERRERS), rng.randint(1, 3))),
                            "refer_by": as_set(rng.sample(sorted(REFER_BY), rng.randint(1, 2))),
                            "hours": "Monday to Friday, 9am to 5pm",
                            "effective_from": in_london(moment).date(),
                            "why": "" if version == 1 else "Agreed at the learning meeting",
                            "author": self.steward["id"],
                            "created": moment,
                        }
                    )
                    moment = self.moment_between(moment, self.now - HOUR)
                services.append(
                    {
                        "id": number,
                        "organisation": organisation["id"],
                        "name": "Service %d of %s" % (number, organisation["name"]),
                        "offers": offers,
                        "offers_html": render_markdown(offers),
                        "areas": as_set(rng.sample(sorted(AREAS), rng.randint(1, 3))),
                        "capacity": "",
                        "contact": "0151 496 0000",
                        "status": rng.choice(["open", "open", "open", "paused", "closed"]),
                        "rule_number": rules,
                        "confirmed_by": self.steward["id"],
                        "confirmed_at": moment,
                        "created": created,
                    }
                )
        return services, versions

    def plan(self):
        self.plan_organisations()
        self.plan_people()
        self.plan_bodies()
        with tqdm(total=self.size.threads, desc="planning threads", unit="threads") as progress:
            self.plan_threads(progress)
        # ids grow with time, as they would in a real database
        self.posts.sort(key=lambda post: (post[0], post[1]))
        counts = Counter()
        for number, post in enumerate(self.posts, start=1):
            post[7] = number
            counts[post[1]] += 1
        for thread in self.threads:
            thread["post_count"] = counts[thread["id"]]
        self.events.sort(key=lambda event: event[0])
        self.plan_reads()


def insert(model, rows, progress, fields=None):
    """insert_many in batches that stay under SQLite's limit of bound values, a transaction per 20 batches."""
    rows = list(rows)
    if not rows:
        return
    fields = fields or list(rows[0])
    as_tuples = [tuple(row[name] for name in fields) for row in rows] if isinstance(rows[0], dict) else rows
    columns = [getattr(model, name) for name in fields]
    batch = max(1, 30_000 // (len(columns) + 4))  # room for the model's own defaults
    progress.set_description("inserting %s" % model._meta.table_name)
    for group in chunked(as_tuples, batch * 20):
        with database.atomic():
            for rows_batch in chunked(group, batch):
                model.insert_many(rows_batch, fields=columns).execute()
                progress.update(len(rows_batch))


def write(region):
    """Insert every planned row, parents before children."""
    bodies = region.bodies
    post_fields = ["id", "thread", "author", "organisation", "body", "body_html", "created", "edited", "hidden"]
    post_fields += ["hidden_reason"]
    reason = "Personal details of someone we support"
    posts = [
        (i, thread, author, org, bodies[key][0], bodies[key][1], created, edited, hidden, reason if hidden else None)
        for created, thread, author, org, key, hidden, edited, i in region.posts
    ]
    titles = {t["id"]: plain_text(t["title"]) for t in region.threads}
    search = [(p[7], titles[p[1]], bodies[p[4]][2]) for p in region.posts if not p[5]]
    word = content.SEARCH_WORD
    region.search_share = sum(1 for _, title, body in search if word in title.lower() or word in body.lower()) / len(
        search
    )
    revisions = [
        {"post": p[7], "body": bodies[(p[4] + 1) % len(bodies)][0], "editor": p[2], "created": p[6]}
        for p in region.posts
        if p[6]
    ]
    events = [
        (i, thread, actor, action, {**data, "post": post[7]} if post else data, created)
        for i, (created, thread, actor, action, data, post) in enumerate(region.events, start=1)
    ]
    reads = [{"user": u, "thread": t, "read_at": at} for (u, t), at in region.reads.items()]
    themes = [
        {"id": i, "name": name, "slug": slugify(name), "created": region.start}
        for i, name in enumerate(content.THEMES, start=1)
    ]
    thread_themes = [{"thread": thread, "theme": theme} for thread, chosen in region.themes_of for theme in chosen]
    notifications, watches = region.plan_notifications()
    barriers, holders, links, logs = region.plan_barriers()
    cycles, involved, cycle_threads, cycle_barriers, entries = region.plan_cycles()
    services, rule_versions = region.plan_services()
    tables = [
        (Organisation, region.organisations, None),
        (User, region.people, None),
        (Theme, themes, None),
        (Thread, region.threads, None),
        (ThreadAddressee, region.addressees, None),
        (ThreadTheme, thread_themes, None),
        (Post, posts, post_fields),
        (SearchEntry, search, ["post", "title", "body"]),
        (PostRevision, revisions, None),
        (Event, events, ["id", "thread", "actor", "action", "data", "created"]),
        (ThreadRead, reads, None),
        (Notification, notifications, None),
        (Watch, watches, None),
        (Barrier, barriers, None),
        (BarrierHolder, holders, None),
        (BarrierThread, links, None),
        (BarrierLog, logs, None),
        (LearningCycle, cycles, None),
        (CycleOrganisation, involved, None),
        (CycleThread, cycle_threads, None),
        (CycleBarrier, cycle_barriers, None),
        (CycleEntry, entries, None),
        (Service, services, None),
        (RuleVersion, rule_versions, None),
    ]
    with tqdm(total=sum(len(rows) for _, rows, _ in tables), unit="rows", unit_scale=True) as progress:
        for model, rows, fields in tables:
            insert(model, rows, progress, fields)
    return {model._meta.table_name: len(rows) for model, rows, _ in tables}


def reset_sequences(models):
    """PostgreSQL: rows went in with their ids, so each id sequence must start after the largest."""
    for model in models:
        table = model._meta.table_name
        database.execute_sql(
            "SELECT setval(pg_get_serial_sequence('\"%s\"', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"%s\"))"
            % (table, table)
        )


def generate(size_name, url, meta_path):
    started = time.monotonic()
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        migrate()
        database.connect(reuse_if_open=True)
        if Organisation.select().exists():
            raise SystemExit("%s already holds data: the generator fills only an empty database." % url)
        if is_sqlite():
            # Only for the load itself: a crash midway leaves a file that is thrown away anyway.
            database.execute_sql("PRAGMA synchronous=OFF")
            database.execute_sql("PRAGMA cache_size=-262144")
        region = Region(SIZES[size_name], seed=size_name, moment=now())
        region.plan()
        counts = write(region)
        if is_sqlite():
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            reset_sequences([Organisation, User, Theme, Thread, Post, Event, Barrier, LearningCycle, Service])
            # As autovacuum would soon after a bulk load; VACUUM also marks the pages all-visible, which
            # index-only scans need.
            database.execute_sql("VACUUM ANALYZE")
        database.close()
    meta = {
        "generator_version": GENERATOR_VERSION,
        "size": size_name,
        "url": url,
        "generated_at": datetime.now().isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 1),
        "counts": counts,
        "long_thread_id": region.long_thread_id,
        "search_word": content.SEARCH_WORD,
        "search_share": region.search_share,
        "steward": STEWARD_EMAIL,
        "member": MEMBER_EMAIL,
        "password": PASSWORD,
    }
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def sqlite_url(path):
    return "sqlite:///%s" % path


def cached(name):
    """The metadata of an SQLite database made earlier by this version of the generator, brought up to the
    current migrations; None when there is none."""
    meta_path = DATA / ("%s.json" % name)
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("generator_version") != GENERATOR_VERSION or not meta["url"].startswith("sqlite:///"):
        return None
    if not Path(meta["url"][len("sqlite:///") :]).exists():
        return None
    upgrade(meta["url"])
    return meta


def upgrade(url):
    """Bring a database generated earlier to the current migrations: the app may have moved on since, and a
    deployment would upgrade its data the same way."""
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        migrate()
        database.close()


def ensure(size_name, force=False):
    """The metadata of bench/data/<size>.db, generating it when it is missing or out of date."""
    meta = None if force else cached(size_name)
    if meta:
        return meta
    path = DATA / ("%s.db" % size_name)
    partial = DATA / ("%s.db.partial" % size_name)
    DATA.mkdir(parents=True, exist_ok=True)
    for old in (path, partial):
        for suffix in ("", "-wal", "-shm"):
            Path("%s%s" % (old, suffix)).unlink(missing_ok=True)
    meta = generate(size_name, sqlite_url(partial), DATA / ("%s.json" % size_name))
    partial.rename(path)
    meta["url"] = sqlite_url(path)
    (DATA / ("%s.json" % size_name)).write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("size", choices=SIZES)
    parser.add_argument("--url", help="an empty database to fill (default: bench/data/SIZE.db, made if missing)")
    parser.add_argument("--name", help="the name of the metadata file in bench/data (default: SIZE)")
    parser.add_argument("--force", action="store_true", help="make bench/data/SIZE.db again even if it is there")
    args = parser.parse_args(argv)
    if args.url:
        meta = generate(args.size, args.url, DATA / ("%s.json" % (args.name or args.size)))
    else:
        meta = ensure(args.size, args.force)
    print(json.dumps({k: meta[k] for k in ("size", "url", "seconds", "counts", "long_thread_id")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
