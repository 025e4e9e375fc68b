"""The personal-data guard, measured: per-kind recall and the share of ordinary posts wrongly flagged on the
labelled corpus (tests/guard_corpus.py), the time of one as-you-type check of a 2,000-character post (reading what
the portal knows from the database, as the check does), and the process's memory with the guard loaded.

`make guard-report` (or `python -m bench.guard`). A throwaway SQLite database holds the corpus's organisations and
staff and 300 more accounts, so the known names are those of a partnership of the portal's size.
"""

import collections
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from portal import create_app, guard
from portal.cli import migrate
from portal.db import database
from portal.models import Organisation, User
from tests.guard_corpus import CLIENT_POSTS, ORDINARY_POSTS, ORGANISATIONS, STAFF

POST_LENGTH = 2_000
POSTS = 300
MORE_PEOPLE = 300
GOALS = {"recall": 0.95, "wrongly flagged": 0.03, "p95 ms": 50, "memory MB": 300}


def fill():
    organisations = {
        name: Organisation.create(name=name, slug="org-%d" % n, kind=kind, phone=phone, email=email)
        for n, (name, kind, phone, email) in enumerate(ORGANISATIONS)
    }
    for name, email, organisation in STAFF:
        User.create(name=name, email=email, organisation=organisations[organisation])
    places = list(organisations.values())
    for n in range(MORE_PEOPLE):
        User.create(
            name="Staff Member %d" % n, email="staff%d@partner%d.example.org" % (n, n % 40), organisation=places[n % 13]
        )


def recall(known):
    held, found, posts = collections.Counter(), collections.Counter(), 0
    for kinds, text in CLIENT_POSTS:
        kinds_found = set(guard.kinds(guard.findings(text, known)))
        posts += bool(kinds_found)
        for kind in kinds:
            held[kind] += 1
            found[kind] += kind in kinds_found
    wrongly = [text for text in ORDINARY_POSTS if guard.findings(text, known)]
    return {kind: (found[kind], held[kind]) for kind in guard.PROMPTS}, posts, wrongly


def long_posts(seed=18):
    """Posts of POST_LENGTH characters, made of the corpus's posts of both kinds in a random order."""
    chooser = random.Random(seed)
    texts = [text for _, text in CLIENT_POSTS] + ORDINARY_POSTS
    posts = []
    for _ in range(POSTS):
        post = ""
        while len(post) < POST_LENGTH:
            post += chooser.choice(texts) + chooser.choice((" ", "\n\n"))
        posts.append(post[:POST_LENGTH])
    return posts


def timings(posts):
    guard.findings("warm up: loads the shipped lists once")
    took = []
    for post in posts:
        started = time.perf_counter()
        guard.findings(post)  # reads what the portal knows from the database, as the as-you-type check does
        took.append((time.perf_counter() - started) * 1000)
    return took


def main():
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": "sqlite:///%s" % Path(folder, "guard.db"), "TESTING": True})
        with app.app_context():
            migrate()
            with database.atomic():
                fill()
            known = guard.known_to_portal()
            kinds, posts, wrongly = recall(known)
            took = timings(long_posts())
            database.close()
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    p50, p95 = statistics.median(took), statistics.quantiles(took, n=20)[18]
    print(
        "Personal-data guard on the corpus: %d posts with client details, %d without"
        % (len(CLIENT_POSTS), len(ORDINARY_POSTS))
    )
    print()
    print("| kind | found in | recall |")
    print("| --- | --: | --: |")
    for kind, (found, held) in kinds.items():
        print("| %s | %d of %d | %.0f %% |" % (kind, found, held, 100 * found / held if held else 0))
    print()
    print(
        "posts with client details flagged: %d of %d (%.1f %%, goal ≥ %.0f %%)"
        % (posts, len(CLIENT_POSTS), 100 * posts / len(CLIENT_POSTS), 100 * GOALS["recall"])
    )
    print(
        "ordinary posts wrongly flagged: %d of %d (%.1f %%, goal ≤ %.0f %%)"
        % (len(wrongly), len(ORDINARY_POSTS), 100 * len(wrongly) / len(ORDINARY_POSTS), 100 * GOALS["wrongly flagged"])
    )
    for text in wrongly:
        print("  wrongly flagged: %s" % text)
    print(
        "as-you-type check of a %d-character post (%d posts, %d accounts known): "
        "p50 %.1f ms, p95 %.1f ms (goal ≤ %d ms)"
        % (POST_LENGTH, POSTS, len(STAFF) + MORE_PEOPLE, p50, p95, GOALS["p95 ms"])
    )
    print("process memory with the guard loaded (peak resident): %.0f MB (goal < %d MB)" % (memory, GOALS["memory MB"]))
    met = (
        posts / len(CLIENT_POSTS) >= GOALS["recall"] and len(wrongly) / len(ORDINARY_POSTS) <= GOALS["wrongly flagged"]
    )
    return 0 if met and p95 <= GOALS["p95 ms"] and memory < GOALS["memory MB"] else 1


if __name__ == "__main__":
    sys.exit(main())
