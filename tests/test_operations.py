"""Running it for real: health and readiness, request logs, a clean 503 when the database is away, backups."""

import json
import logging
import threading
from datetime import timedelta

import peewee
import pytest

from portal import clock, operations, tracking
from portal.db import database, is_sqlite
from portal.models import Outbox, Post

from .builders import make_thread, make_user


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {
        "ready": True,
        "database": "ok",
        "migrations": "ok",
        "outbox": "ok",
    }
    with clock.fixed_at(clock.now() - timedelta(hours=2)):
        Outbox.create(to_address="a@example.org", subject="s", text="t", html="h")
    stuck = client.get("/readyz")
    assert stuck.status_code == 503 and "is the worker running?" in stuck.json["outbox"]


def test_one_log_line_per_request_without_the_query_or_personal_data(client, caplog):
    person = make_user()
    client.sign_in(person)
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        client.get("/search?q=somebody's+name", headers={"X-Request-ID": "abc123"})
    line = json.loads(caplog.records[-1].getMessage())
    assert line["path"] == "/search" and line["status"] == 200 and line["user"] == person.id
    assert line["request"] == "abc123" and isinstance(line["ms"], float)
    assert "somebody" not in caplog.text and person.email not in caplog.text


def test_the_database_going_away_gives_a_clean_503(app, as_person, monkeypatch):
    client = as_person(make_user())

    def away(*args, **kwargs):
        raise peewee.OperationalError("could not connect to server")

    monkeypatch.setattr("portal.models.Thread.listing", away)
    response = client.get("/threads/1")
    assert response.status_code == 503 and "cannot reach its database" in response.text
    monkeypatch.undo()
    assert client.get("/").status_code == 200  # and it recovers by itself


def test_a_backup_taken_while_posts_are_written_restores_every_committed_post(app, tmp_path):
    if not is_sqlite():
        pytest.skip("the online backup test runs on SQLite; on PostgreSQL the command runs pg_dump")
    author = make_user()
    thread = make_thread(author)
    written, stop = [], threading.Event()

    def writer():
        with app.app_context():
            while not stop.is_set():
                written.append(tracking.reply(thread, author, "Reply %d" % len(written)).id)
            database.close()

    worker = threading.Thread(target=writer)
    worker.start()
    while len(written) < 20:
        pass
    before = list(written)
    operations.backup(tmp_path / "backup.db")
    stop.set()
    worker.join()
    assert len(written) > len(before)
    operations.restore(tmp_path / "backup.db")
    restored = {p.id for p in Post.select(Post.id)}
    assert set(before) <= restored  # everything committed before the backup began
    assert restored - {p for p in written} == {Post.select(Post.id).order_by(Post.id).first().id}  # the opening post
    assert sorted(written)[: len(restored) - 1] == sorted(restored)[1:]  # a clean cut: no gaps, no partial writes
