"""Each migration applies cleanly on a database holding data from the one before."""

from peewee import SqliteDatabase
from playhouse.migrations import Runner

from portal.cli import MIGRATIONS


def test_0002_starts_the_clocks_of_requests_already_open(tmp_path):
    db = SqliteDatabase(str(tmp_path / "old.db"), pragmas={"foreign_keys": 1})
    runner = Runner(db, str(MIGRATIONS))
    assert runner.up("0001_initial") == ["0001_initial"]
    for sql in [
        "INSERT INTO organisation (id, name, slug, kind, active, created) VALUES "
        "(1, 'Charity', 'charity', 'charity', 1, '2026-01-01'), (2, 'Council', 'council', 'local_authority', 1, "
        "'2026-01-01'), (3, 'Other', 'other', 'local_authority', 1, '2026-01-01')",
        "INSERT INTO user (id, email, name, organisation_id, role, password_hash, active, created) VALUES "
        "(1, 'a@example.org', 'A', 1, 'member', '', 1, '2026-01-01')",
        "INSERT INTO thread (id, kind, title, author_id, organisation_id, status, visibility, pinned, locked, created, "
        "last_activity, first_response_at, post_count) VALUES "
        "(1, 'need', 'Open', 1, 1, 'open', 'all', 0, 0, '2026-01-02', '2026-01-02', NULL, 1), "
        "(2, 'question', 'Answered', 1, 1, 'answered', 'all', 0, 0, '2026-01-03', '2026-01-05', '2026-01-04', 2), "
        "(3, 'need', 'Resolved', 1, 1, 'resolved', 'all', 0, 0, '2026-01-03', '2026-01-05', NULL, 1)",
        "INSERT INTO thread_addressee (thread_id, organisation_id, added, replied_at) VALUES "
        "(1, 2, '2026-01-02', NULL), (2, 2, '2026-01-03', '2026-01-04'), (2, 3, '2026-01-03', NULL), "
        "(3, 2, '2026-01-03', NULL)",
    ]:
        db.execute_sql(sql)
    assert runner.up("0002_stewards_desk") == ["0002_stewards_desk"]
    waits = db.execute_sql("SELECT thread_id, organisation_id, waiting_since FROM thread_addressee ORDER BY id")
    assert [tuple(row) for row in waits] == [
        (1, 2, "2026-01-02"),
        (2, 2, None),
        (2, 3, "2026-01-03"),
        (3, 2, None),
    ]
    threads = db.execute_sql("SELECT id, asker_waiting_since, waiting_since FROM thread ORDER BY id")
    assert [tuple(row) for row in threads] == [
        (1, None, "2026-01-02"),
        (2, "2026-01-04", "2026-01-03"),
        (3, None, None),
    ]
    assert db.execute_sql("SELECT COUNT(*) FROM thread_link").fetchone() == (0,)
    assert runner.down("0002_stewards_desk") == ["0002_stewards_desk"]


def test_every_migration_goes_up_and_down_and_up_again(tmp_path):
    db = SqliteDatabase(str(tmp_path / "round.db"), pragmas={"foreign_keys": 1})
    runner = Runner(db, str(MIGRATIONS))
    names = runner.up()
    assert names == sorted(names) and names[0] == "0001_initial"
    for name in reversed(names[1:]):
        assert runner.down() == [name]
    assert runner.up() == names[1:]


def plan(db, sql):
    return " / ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql))


def test_0008_lets_the_lists_walk_an_index_in_order_and_still_finds_merged_threads(tmp_path):
    db = SqliteDatabase(str(tmp_path / "lists.db"), pragmas={"foreign_keys": 1})
    runner = Runner(db, str(MIGRATIONS))
    runner.up("0007_security")
    for sql in [
        "INSERT INTO organisation (id, name, slug, kind, active, created, checkin_day) "
        "VALUES (1, 'C', 'c', 'charity', 1, '2026-01-01', 1)",
        "INSERT INTO user (id, email, name, organisation_id, role, password_hash, active, created, session_version, "
        "email_frequency, digest_hour) VALUES (1, 'a@b.org', 'A', 1, 'member', '', 1, '2026-01-01', 0, 'none', 7)",
        "INSERT INTO thread (id, kind, title, author_id, organisation_id, visibility, pinned, locked, created, "
        "last_activity, post_count, merged_into_id) VALUES "
        "(1, 'update', 'Kept', 1, 1, 'all', 0, 0, '2026-01-02', '2026-01-02', 1, NULL), "
        "(2, 'update', 'Merged', 1, 1, 'all', 0, 0, '2026-01-03', '2026-01-03', 0, 1)",
    ]:
        db.execute_sql(sql)
    threads_list = (
        "SELECT id FROM thread WHERE merged_into_id IS NULL ORDER BY pinned DESC, last_activity DESC, id DESC"
    )
    updates = threads_list.replace("WHERE", "WHERE kind = 'update' AND")
    assert "TEMP B-TREE" in plan(db, threads_list)  # before: every thread sorted, led by the merged_into index

    assert runner.up("0008_list_indexes") == ["0008_list_indexes"]
    assert "TEMP B-TREE" not in plan(db, threads_list + " LIMIT 21")
    assert "TEMP B-TREE" not in plan(db, updates + " LIMIT 21")
    for narrowed in ("status = 'open'", "kind = 'need' AND status = 'open'"):
        assert "TEMP B-TREE" not in plan(db, threads_list.replace("WHERE", "WHERE %s AND" % narrowed) + " LIMIT 21")
    assert "thread_merged_into_id" in plan(db, "SELECT id FROM thread WHERE merged_into_id = 1")
    assert db.execute_sql("SELECT id FROM thread WHERE merged_into_id = 1").fetchall() == [(2,)]
    assert runner.down() == ["0008_list_indexes"]
