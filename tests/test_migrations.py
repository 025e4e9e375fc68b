"""Each migration applies cleanly on a database holding data from the one before, on SQLite, or on PostgreSQL when
TEST_DATABASE_URL is set: it keeps every row there was, and does to them what it promises."""

import os
import secrets
from datetime import date

import pytest
from peewee import IntegrityError, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect, parse
from playhouse.migrations import Migration, Runner

from portal.cli import MIGRATIONS

NAMES = [migration.name for migration in Migration.load_directory(str(MIGRATIONS))]

# What the portal writes in each migration's schema, just after it is applied, so that the next migration runs over
# rows in every table there is by then. Plain SQL that both databases read ("user" is reserved in PostgreSQL).
WRITTEN_AFTER = {
    "0001_initial": [
        "INSERT INTO organisation (id, name, slug, kind, active, created) VALUES "
        "(1, 'Hope Street Charity', 'hope-street', 'charity', TRUE, '2025-11-03 09:00:00'), "
        "(2, 'Riverside Council', 'riverside', 'local_authority', TRUE, '2025-11-03 09:05:00'), "
        "(3, 'Northgate Council', 'northgate', 'local_authority', TRUE, '2025-11-04 10:00:00'), "
        "(4, 'Old Mill Food Bank', 'old-mill', 'charity', FALSE, '2025-11-05 10:00:00')",
        'INSERT INTO "user" (id, email, name, organisation_id, role, password_hash, active, last_seen, created) VALUES '
        "(1, 'sam@riverside.gov.uk', 'Sam Reid', 2, 'steward', 'scrypt:32768:8:1$a$1', TRUE, '2026-01-10 08:00:00', "
        "'2025-11-03 09:10:00'), "
        "(2, 'ana@hopestreet.org', 'Ana Okafor', 1, 'member', 'scrypt:32768:8:1$b$2', TRUE, '2026-01-09 17:30:00', "
        "'2025-11-03 09:20:00'), "
        "(3, 'raj@riverside.gov.uk', 'Raj Patel', 2, 'member', 'scrypt:32768:8:1$c$3', TRUE, NULL, "
        "'2025-11-03 09:30:00'), "
        "(4, 'lee@northgate.gov.uk', 'Lee Jones', 3, 'member', '', TRUE, NULL, '2025-11-04 10:10:00'), "
        "(5, 'kim@oldmill.org', 'Kim Park', 4, 'member', 'scrypt:32768:8:1$e$5', FALSE, '2025-11-20 12:00:00', "
        "'2025-11-05 10:10:00')",
        "INSERT INTO thread (id, kind, title, author_id, organisation_id, status, visibility, pinned, locked, "
        "owner_id, follow_up_on, created, last_activity, first_response_at, resolved_at, post_count) VALUES "
        "(1, 'update', 'Winter shelter opens on Monday', 2, 1, NULL, 'all', TRUE, FALSE, NULL, NULL, "
        "'2026-01-02 09:00:00', '2026-01-02 09:00:00', NULL, NULL, 1), "
        "(2, 'need', 'Emergency beds for a family of four', 2, 1, 'open', 'all', FALSE, FALSE, NULL, NULL, "
        "'2026-01-05 10:00:00', '2026-01-05 10:00:00', NULL, NULL, 1), "
        "(3, 'question', 'Safeguarding referral for a young person', 2, 1, 'open', 'restricted', FALSE, FALSE, "
        "1, '2026-01-20', '2026-01-06 11:00:00', '2026-01-06 11:00:00', NULL, NULL, 1), "
        "(4, 'question', 'Who funds the hostel places this winter?', 2, 1, 'answered', 'all', FALSE, FALSE, NULL, "
        "NULL, '2026-01-03 09:00:00', '2026-01-04 15:00:00', '2026-01-04 15:00:00', NULL, 2), "
        "(5, 'need', 'Food parcels for Ellis Court', 4, 3, 'resolved', 'all', FALSE, FALSE, NULL, NULL, "
        "'2025-12-01 09:00:00', '2025-12-03 16:00:00', '2025-12-02 11:00:00', '2025-12-03 16:00:00', 2), "
        "(6, 'question', 'Opening hours over Christmas', 2, 1, 'closed', 'all', FALSE, TRUE, NULL, NULL, "
        "'2025-12-20 09:00:00', '2025-12-20 09:00:00', NULL, NULL, 1), "
        "(7, 'need', 'Interpreter for a housing assessment', 2, 1, 'answered', 'all', FALSE, FALSE, NULL, NULL, "
        "'2026-01-07 09:00:00', '2026-01-07 14:00:00', '2026-01-07 14:00:00', NULL, 2)",
        "INSERT INTO thread_addressee (id, thread_id, organisation_id, added, replied_at) VALUES "
        "(1, 2, 2, '2026-01-05 10:00:00', NULL), (2, 3, 2, '2026-01-06 11:00:00', NULL), "
        "(3, 3, 3, '2026-01-06 11:30:00', NULL), (4, 4, 2, '2026-01-03 09:00:00', '2026-01-04 15:00:00'), "
        "(5, 4, 3, '2026-01-03 09:00:00', NULL), (6, 5, 1, '2025-12-01 09:00:00', '2025-12-02 11:00:00'), "
        "(7, 6, 2, '2025-12-20 09:00:00', NULL), (8, 7, 2, '2026-01-07 09:00:00', '2026-01-07 14:00:00')",
        "INSERT INTO post (id, thread_id, author_id, organisation_id, body, body_html, created, edited, hidden) VALUES "
        "(1, 1, 2, 1, 'The shelter at **St Mary''s** opens with 20 beds.', "
        "'<p>The shelter at <strong>St Mary&#39;s</strong> opens with 20 beds.</p>', '2026-01-02 09:00:00', NULL, "
        "FALSE), "
        "(2, 2, 2, 1, 'A family of four needs beds tonight.', '<p>A family of four needs beds tonight.</p>', "
        "'2026-01-05 10:00:00', NULL, FALSE), "
        "(3, 3, 2, 1, 'Details are with the duty team.', '<p>Details are with the duty team.</p>', "
        "'2026-01-06 11:00:00', NULL, FALSE), "
        "(4, 4, 2, 1, 'Which budget pays?', '<p>Which budget pays?</p>', '2026-01-03 09:00:00', NULL, FALSE), "
        "(5, 4, 3, 2, 'The pressures fund & nobody else.', '<p>The pressures fund &amp; nobody else.</p>', "
        "'2026-01-04 15:00:00', '2026-01-04 15:10:00', FALSE), "
        "(6, 5, 4, 3, 'Twelve households need parcels.', '<p>Twelve households need parcels.</p>', "
        "'2025-12-01 09:00:00', NULL, FALSE), "
        "(7, 5, 2, 1, 'Delivered on Tuesday.', '<p>Delivered on Tuesday.</p>', '2025-12-02 11:00:00', NULL, FALSE), "
        "(8, 6, 2, 1, 'Are you open on Boxing Day?', '<p>Are you open on Boxing Day?</p>', '2025-12-20 09:00:00', "
        "NULL, FALSE), "
        "(9, 1, 5, 4, 'Cheap watches', '<p>Cheap watches</p>', '2026-01-02 10:00:00', NULL, TRUE), "
        "(10, 7, 2, 1, 'Tuesday at ten, in Polish.', '<p>Tuesday at ten, in Polish.</p>', '2026-01-07 09:00:00', "
        "NULL, FALSE), "
        "(11, 7, 3, 2, 'Booked.', '<p>Booked.</p>', '2026-01-07 14:00:00', NULL, FALSE)",
        "INSERT INTO post_revision (id, post_id, body, editor_id, created) VALUES "
        "(1, 5, 'The pressures fund.', 3, '2026-01-04 15:10:00')",
        "INSERT INTO event (id, thread_id, actor_id, action, data, created) VALUES "
        "(1, NULL, 1, 'organisation_added', '{\"organisation\": 3}', '2025-11-04 10:00:00'), "
        "(2, 2, 2, 'thread_started', '{}', '2026-01-05 10:00:00'), "
        "(3, 4, 3, 'replied', '{}', '2026-01-04 15:00:00'), "
        "(4, 5, 4, 'status_changed', '{\"status\": \"resolved\"}', '2025-12-03 16:00:00'), "
        "(5, 3, 1, 'owner_changed', '{\"owner\": 1}', '2026-01-06 11:05:00')",
        "INSERT INTO password_link (id, user_id, token_hash, created, expires, used_at) VALUES "
        "(1, 4, '%s', '2026-01-08 09:00:00', '2026-01-11 09:00:00', NULL), "
        "(2, 2, '%s', '2025-11-03 09:20:00', '2025-11-06 09:20:00', '2025-11-03 18:00:00')" % ("a" * 64, "b" * 64),
    ],
    "0002_stewards_desk": [
        "INSERT INTO thread (id, kind, title, author_id, organisation_id, status, visibility, pinned, locked, "
        "created, last_activity, post_count, close_reason, merged_into_id) VALUES "
        "(8, 'need', 'Beds for a family tonight', 3, 2, 'closed', 'all', FALSE, TRUE, '2026-01-05 10:30:00', "
        "'2026-01-05 10:30:00', 0, 'duplicate', 2)",
        "UPDATE thread SET owner_since = '2026-01-06 11:05:00' WHERE id = 3",
        "UPDATE thread SET close_reason = 'withdrawn', close_note = 'Hours are on the website' WHERE id = 6",
        "UPDATE post SET hidden_reason = 'Advertising' WHERE id = 9",
        "INSERT INTO thread_addressee (id, thread_id, organisation_id, added, waiting_since, not_needed) VALUES "
        "(9, 2, 3, '2026-01-05 11:00:00', NULL, TRUE)",
        "INSERT INTO thread_link (id, first_id, second_id, created) VALUES (1, 2, 7, '2026-01-07 09:30:00')",
    ],
    "0003_notifications": [
        "UPDATE \"user\" SET email_frequency = 'daily', digest_hour = 7 WHERE id = 4",
        "INSERT INTO notification (id, user_id, thread_id, actor_id, kind, data, created, read_at) VALUES "
        "(1, 3, 2, 2, 'addressed', '{}', '2026-01-05 10:00:00', NULL), "
        "(2, 2, 4, 3, 'replied', '{}', '2026-01-04 15:00:00', '2026-01-04 16:00:00')",
        "INSERT INTO watch (id, user_id, thread_id, organisation_id, level, created) VALUES "
        "(1, 2, 4, NULL, 'watch', '2026-01-03 09:00:00'), (2, 3, NULL, 1, 'watch', '2026-01-02 08:00:00'), "
        "(3, 4, 1, NULL, 'mute', '2026-01-02 12:00:00')",
        "INSERT INTO thread_read (id, user_id, thread_id, read_at) VALUES (1, 2, 4, '2026-01-04 16:00:00')",
        "INSERT INTO outbox (id, to_address, reply_to, subject, text, html, created, send_after, attempts, "
        "sent_at, failed_at, last_error) VALUES "
        "(1, 'raj@riverside.gov.uk', 'reply+3.2@portal.example', 'Riverside Council is asked', 'Beds', "
        "'<p>Beds</p>', '2026-01-05 10:00:00', '2026-01-05 10:00:00', 1, '2026-01-05 10:00:05', NULL, NULL), "
        "(2, 'kim@oldmill.org', NULL, 'Your digest', 'Digest', '<p>Digest</p>', '2026-01-06 07:00:00', "
        "'2026-01-06 07:00:00', 5, NULL, '2026-01-06 09:00:00', 'mailbox unavailable')",
    ],
    "0004_learning": [
        "UPDATE organisation SET checkin_day = 15 WHERE id = 3",
        "INSERT INTO thread (id, kind, title, author_id, organisation_id, visibility, pinned, locked, created, "
        "last_activity, post_count, checkin_month) VALUES "
        "(9, 'update', 'December check-in', 2, 1, 'all', FALSE, FALSE, '2026-01-01 09:00:00', "
        "'2026-01-01 09:00:00', 0, '2025-12')",
        "INSERT INTO theme (id, name, slug, active, created) VALUES "
        "(1, 'Housing', 'housing', TRUE, '2025-11-03 09:00:00'), (2, 'Food', 'food', TRUE, '2025-11-03 09:00:00')",
        "INSERT INTO thread_theme (id, thread_id, theme_id) VALUES (1, 2, 1), (2, 5, 2)",
        "INSERT INTO barrier (id, title, description, description_html, status, created, updated) VALUES "
        "(1, 'No out-of-hours housing line', 'Nobody answers after six.', '<p>Nobody answers after six.</p>', "
        "'raised', '2026-01-08 09:00:00', '2026-01-08 09:00:00')",
        "INSERT INTO barrier_thread (id, barrier_id, thread_id, created) VALUES (1, 1, 2, '2026-01-08 09:00:00')",
        "INSERT INTO barrier_holder (id, barrier_id, organisation_id) VALUES (1, 1, 2)",
        "INSERT INTO barrier_log (id, barrier_id, author_id, note, note_html, status_before, status_after, created) "
        "VALUES (1, 1, 1, 'Raised at the partners meeting.', '<p>Raised at the partners meeting.</p>', NULL, "
        "'raised', '2026-01-08 09:00:00')",
    ],
    "0005_search": [
        "INSERT INTO post (id, thread_id, author_id, organisation_id, body, body_html, created, hidden) VALUES "
        "(12, 2, 3, 2, 'Two rooms at Elm House.', '<p>Two rooms at Elm House.</p>', '2026-01-05 12:00:00', FALSE)",
        "INSERT INTO post_search (post_id, title, body) VALUES "
        "(12, 'Emergency beds for a family of four', 'Two rooms at Elm House.')",
    ],
    "0006_changed_at": ["UPDATE thread SET changed_at = '2026-01-09 10:00:00' WHERE id = 3"],
    "0007_security": [
        'UPDATE "user" SET session_version = 1 WHERE id = 2',
        "INSERT INTO sign_in_throttle (id, key, failures, last_failure, blocked_until) VALUES "
        "(1, '%s', 3, '2026-01-09 22:00:00', NULL)" % ("c" * 64),
        "INSERT INTO read_log (id, user_id, thread_id, created) VALUES (1, 1, 3, '2026-01-09 10:00:00')",
    ],
    "0008_list_indexes": [],
    "0009_inbound_messages": [
        "INSERT INTO inbound_message (id, user_id, message_id, received) VALUES "
        "(2, 3, '<CAK7@mail.riverside.gov.uk>', '2026-01-12 10:00:00')",
    ],
    "0010_board_index": [],
    "0011_addressed_live": [
        "INSERT INTO thread_addressee (id, thread_id, organisation_id, added, not_needed, live) VALUES "
        "(10, 7, 3, '2026-01-12 09:00:00', FALSE, TRUE)",
    ],
    "0012_password_reset_requests": [
        "INSERT INTO password_reset_request (id, email, created) VALUES "
        "(1, 'raj@riverside.gov.uk', '2026-01-12 11:00:00')",
    ],
    "0013_read_log_hourly": [
        "INSERT INTO read_log (id, user_id, thread_id, created, hour) VALUES "
        "(2, 1, 3, '2026-01-09 11:20:00', '2026-01-09 11:00:00')",
    ],
    "0014_guard_overrides": [
        "INSERT INTO guard_override (id, thread_id, post_id, in_title, author_id, organisation_id, kinds, reason, "
        "created, reviewed_at, reviewed_by_id) VALUES "
        "(1, 3, 3, FALSE, 2, 1, 'name,dob', 'The hospital asked us to name him here', '2026-01-12 12:00:00', "
        "NULL, NULL)",
    ],
    "0015_organisation_contacts": [
        "UPDATE organisation SET phone = '0151 496 0400, 0151 496 0401', email = 'housing@riverside.example.org' "
        "WHERE id = 2",
    ],
    "0016_services": [
        "INSERT INTO service (id, organisation_id, name, offers, offers_html, areas, capacity, contact, status, "
        "rule_number, confirmed_by_id, confirmed_at, created) VALUES "
        "(1, 1, 'Crash pads', 'Two pads', '<p>Two pads</p>', ',st-helens,', '', '0151 496 0400', 'open', 2, 2, "
        "'2026-01-10 09:00:00', '2026-01-02 09:00:00')",
        "INSERT INTO rule_version (id, service_id, number, eligibility, eligibility_html, referrers, refer_by, hours, "
        "effective_from, why, author_id, created) VALUES "
        "(1, 1, 1, 'Allocated by the council', '<p>Allocated by the council</p>', ',council,', ',phone,', '', "
        "'2026-01-02', '', 2, '2026-01-02 09:00:00'), "
        "(2, 1, 2, 'People sleeping rough', '<p>People sleeping rough</p>', ',outreach,', ',phone,', 'Any hour', "
        "'2026-01-10', 'Outreach may refer', 2, '2026-01-10 09:00:00')",
        "INSERT INTO rule_link (id, rule_id, thread_id, barrier_id) VALUES (1, 2, 2, 1)",
        "INSERT INTO citation (id, post_id, rule_id, created) VALUES (1, 4, 1, '2026-01-03 09:00:00')",
    ],
    "0017_people_contacts": [
        "UPDATE \"user\" SET job_title = 'Housing options officer', work_phone = '0151 496 0411', "
        "show_email = TRUE WHERE id = 3",
    ],
    "0019_learning_cycles": [
        "INSERT INTO learning_cycle (id, title, organisation_id, author_id, noticed, noticed_html, trying, "
        "trying_html, trying_by, learned, learned_html, changed, changed_html, status, review_on, visibility, "
        "created, updated) VALUES (1, 'Direct referral into emergency beds', 1, 2, 'Turned away', "
        "'<p>Turned away</p>', '', '', 'Outreach', '', '', '', '', 'trying', '2026-02-01', 'all', "
        "'2026-01-10 09:00:00', '2026-01-10 09:00:00')",
        "INSERT INTO cycle_organisation (id, cycle_id, organisation_id) VALUES (1, 1, 1), (2, 1, 2)",
        "INSERT INTO cycle_thread (id, cycle_id, thread_id) VALUES (1, 1, 2)",
        "INSERT INTO cycle_barrier (id, cycle_id, barrier_id) VALUES (1, 1, 1)",
        "INSERT INTO cycle_entry (id, cycle_id, author_id, note, note_html, status_before, status_after, created) "
        "VALUES (1, 1, 1, 'A month''s trial', '<p>A month&#39;s trial</p>', 'noticing', 'trying', "
        "'2026-01-11 10:00:00')",
    ],
    "0020_barrier_proposals": [
        "INSERT INTO barrier_proposal (id, title, description, description_html, proposer_id, organisation_id, "
        "status, barrier_id, reason, decided_by_id, decided_at, created) VALUES "
        "(1, 'Day centre closes at 4', '', '', 2, 1, 'proposed', NULL, '', NULL, NULL, '2026-01-12 09:00:00'), "
        "(2, 'Panel only meets weekly', '', '', 2, 1, 'merged', 1, '', 1, '2026-01-13 09:00:00', "
        "'2026-01-12 10:00:00')",
    ],
    "0021_service_attachments": [
        "INSERT INTO attachment (id, post_id, service_id, uploader_id, organisation_id, name, content_type, size, "
        "sha256, created) VALUES (2, NULL, 1, 2, 1, 'form.pdf', 'application/pdf', 5, 'x', '2026-01-12 12:00:00')",
    ],
    "0022_cycle_rules": ["INSERT INTO cycle_rule (id, cycle_id, rule_id) VALUES (1, 1, 2)"],
    "0018_attachments": [
        "INSERT INTO attachment (id, post_id, uploader_id, organisation_id, name, content_type, size, sha256, "
        "created) VALUES (1, 1, 2, 1, 'referral.txt', 'text/plain', 5, 'x', '2026-01-12 12:00:00')",
        "INSERT INTO attachment_chunk (id, attachment_id, number, data) VALUES (1, 1, 0, 'hello')",
    ],
}


def rows(db, sql):
    """A query's rows as tuples, dates as the text SQLite keeps them as, so that both databases compare alike."""
    return [tuple(str(value) if isinstance(value, date) else value for value in row) for row in db.execute_sql(sql)]


def columns(db):
    """The portal's tables and their columns (not the runner's history, nor the inside of SQLite's FTS5 index)."""
    return {
        table: [column.name for column in db.get_columns(table)]
        for table in db.get_tables()
        if table != "schema_migration" and not table.startswith("post_search_fts")
    }


def quoted(names):
    return ", ".join('"%s"' % name for name in names)


def contents(db, tables):
    """Every row of each table, in the columns given, in primary key order."""
    return {
        table: rows(db, 'SELECT %s FROM "%s" ORDER BY %s' % (quoted(names), table, quoted(db.get_primary_keys(table))))
        for table, names in tables.items()
    }


def found(db, words):
    """The posts that the search index finds with all these words."""
    if isinstance(db, SqliteDatabase):
        sql = "SELECT rowid FROM post_search_fts WHERE post_search_fts MATCH ? ORDER BY rowid"
        words = " ".join('"%s"' % word for word in words.split())
    else:
        sql = "SELECT post_id FROM post_search WHERE document @@ plainto_tsquery('english', %s) ORDER BY post_id"
    return [post_id for (post_id,) in db.execute_sql(sql, (words,))]


def starts_the_clocks_of_requests_already_open(db):
    # Open and answered requests wait on each addressee who has not replied, since it was addressed; an answered
    # one waits on its asker since the first answer; the thread's clock is the earliest of those.
    assert rows(db, "SELECT id, waiting_since, not_needed FROM thread_addressee ORDER BY id") == [
        (1, "2026-01-05 10:00:00", False),
        (2, "2026-01-06 11:00:00", False),
        (3, "2026-01-06 11:30:00", False),
        (4, None, False),
        (5, "2026-01-03 09:00:00", False),
        (6, None, False),
        (7, None, False),
        (8, None, False),
    ]
    assert rows(db, "SELECT id, asker_waiting_since, waiting_since, merged_into_id FROM thread ORDER BY id") == [
        (1, None, None, None),
        (2, None, "2026-01-05 10:00:00", None),
        (3, None, "2026-01-06 11:00:00", None),
        (4, "2026-01-04 15:00:00", "2026-01-03 09:00:00", None),
        (5, None, None, None),
        (6, None, None, None),
        (7, "2026-01-07 14:00:00", "2026-01-07 14:00:00", None),
    ]


def gives_everyone_the_default_email_settings(db):
    assert rows(db, 'SELECT DISTINCT email_frequency, digest_hour, last_digest_at FROM "user"') == [
        ("immediate", 8, None)
    ]
    assert rows(db, "SELECT DISTINCT follow_up_noticed_on FROM thread") == [(None,)]


def gives_every_organisation_a_checkin_day(db):
    assert rows(db, "SELECT DISTINCT checkin_day FROM organisation") == [(1,)]
    assert rows(db, "SELECT DISTINCT checkin_month FROM thread") == [(None,)]


def indexes_the_posts_already_there(db):
    # Each visible post under its thread's title, in plain text; hidden ones stay out.
    assert rows(db, "SELECT post_id, title, body FROM post_search ORDER BY post_id") == [
        (1, "Winter shelter opens on Monday", "The shelter at St Mary's opens with 20 beds."),
        (2, "Emergency beds for a family of four", "A family of four needs beds tonight."),
        (3, "Safeguarding referral for a young person", "Details are with the duty team."),
        (4, "Who funds the hostel places this winter?", "Which budget pays?"),
        (5, "Who funds the hostel places this winter?", "The pressures fund & nobody else."),
        (6, "Food parcels for Ellis Court", "Twelve households need parcels."),
        (7, "Food parcels for Ellis Court", "Delivered on Tuesday."),
        (8, "Opening hours over Christmas", "Are you open on Boxing Day?"),
        (10, "Interpreter for a housing assessment", "Tuesday at ten, in Polish."),
        (11, "Interpreter for a housing assessment", "Booked."),
    ]
    assert found(db, "shelter") == [1]  # not the hidden post 9 under the same title
    assert found(db, "hostel pressures") == [5]
    assert found(db, "watches") == []
    with db.atomic() as transaction:  # and the index follows the post table (undone: every row must stay)
        db.execute_sql("DELETE FROM post WHERE id = 1")
        assert found(db, "shelter") == []
        transaction.rollback()


def sets_changed_at_from_the_last_activity(db):
    assert rows(db, "SELECT id, changed_at FROM thread ORDER BY id") == rows(
        db, "SELECT id, last_activity FROM thread ORDER BY id"
    )


def starts_everyone_at_session_version_0(db):
    assert rows(db, 'SELECT DISTINCT session_version FROM "user"') == [(0,)]


def lets_the_lists_walk_an_index_and_still_finds_merged_threads(db):
    indexes = {index.name: index.sql for index in db.get_indexes("thread")}
    assert "thread_kind_status_last_activity" not in indexes
    for name in ("kind", "status", "kind_status"):
        assert "thread_%s_pinned_last_activity" % name in indexes
    assert "IS NOT NULL" in indexes["thread_merged_into_id"]
    assert rows(db, "SELECT id FROM thread WHERE merged_into_id = 2") == [(8,)]


def keeps_each_message_id_once_per_person(db):
    message = (
        "INSERT INTO inbound_message (id, user_id, message_id, received) "
        "VALUES (%d, 2, '<CAF1@mail.hopestreet.org>', '2026-01-12 09:00:00')"
    )
    db.execute_sql(message % 1)
    with pytest.raises(IntegrityError), db.atomic():
        db.execute_sql(message % 2)


def answers_the_board_from_its_index(db):
    assert "thread_board" in {index.name for index in db.get_indexes("thread")}
    if isinstance(db, SqliteDatabase):  # PostgreSQL picks by its statistics, which a handful of rows cannot show
        counts = (
            "SELECT COUNT(id), SUM(CASE WHEN first_response_at IS NULL THEN 1 ELSE 0 END) FROM thread "
            "WHERE kind IN ('need', 'question') AND status IN ('open', 'answered') AND merged_into_id IS NULL "
            "AND (visibility = 'all' OR organisation_id = 1)"
        )
        assert "COVERING INDEX thread_board" in plan(db, counts)
        waits = (
            "SELECT a.organisation_id, COUNT(a.id) FROM thread_addressee a JOIN thread t ON t.id = a.thread_id "
            "WHERE a.waiting_since IS NOT NULL AND t.kind IN ('need', 'question') "
            "AND t.status IN ('open', 'answered') AND t.merged_into_id IS NULL GROUP BY a.organisation_id"
        )
        assert "COVERING INDEX threadaddressee_thread_id_waiting_since_organisation_id" in plan(db, waits)
    assert rows(db, "SELECT id FROM thread WHERE kind = 'need' AND status = 'open' ORDER BY id") == [(2,)]
    addressee_indexes = {index.name for index in db.get_indexes("thread_addressee")}
    assert "threadaddressee_thread_id_waiting_since_organisation_id" in addressee_indexes
    assert "threadaddressee_thread_id" not in addressee_indexes


def marks_the_live_requests_addressees(db):
    live = "SELECT id FROM thread_addressee WHERE live ORDER BY id"
    # threads 2 and 3 are open, 4 and 7 answered; 5 is resolved and 6 closed
    assert rows(db, live) == [(1,), (2,), (3,), (4,), (5,), (8,), (9,)]
    if isinstance(db, SqliteDatabase):
        addressed = "SELECT thread_id FROM thread_addressee WHERE organisation_id = 2 AND live"
        assert "threadaddressee_organisation_id_thread_id_live" in plan(db, addressed)


def starts_with_no_reset_requests(db):
    assert rows(db, "SELECT email FROM password_reset_request") == []


def gives_every_organisation_empty_contact_details(db):
    assert rows(db, "SELECT id, phone, email FROM organisation ORDER BY id") == [(n, "", "") for n in (1, 2, 3, 4)]


def gives_everyone_a_hidden_email_and_no_contact_details(db):
    people = rows(db, 'SELECT id, job_title, work_phone, show_email, show_phone FROM "user" ORDER BY id')
    assert [(id, title, phone, bool(email), bool(shown)) for id, title, phone, email, shown in people] == [
        (n, "", "", False, True) for n in (1, 2, 3, 4, 5)
    ]


def keeps_one_open_per_person_thread_and_hour(db):
    assert rows(db, "SELECT id, hour FROM read_log ORDER BY id") == [(1, "2026-01-09 10:00:00")]
    with pytest.raises(IntegrityError), db.atomic():
        db.execute_sql(
            "INSERT INTO read_log (id, user_id, thread_id, created, hour) "
            "VALUES (3, 1, 3, '2026-01-09 10:30:00', '2026-01-09 10:00:00')"
        )


def puts_every_attachment_on_no_service(db):
    assert rows(db, "SELECT id, service_id FROM attachment") == [(1, None)]


def starts_with_no_attachments(db):
    assert rows(db, "SELECT id FROM attachment") == []
    assert rows(db, "SELECT id FROM attachment_chunk") == []


def starts_with_no_overrides(db):
    assert rows(db, "SELECT id FROM guard_override") == []


def starts_with_no_services(db):
    for table in ("service", "rule_version", "rule_link", "citation"):
        assert rows(db, "SELECT id FROM %s" % table) == []


def starts_with_no_barrier_proposals(db):
    assert rows(db, "SELECT id FROM barrier_proposal") == []


def links_no_rule_versions_yet(db):
    assert rows(db, "SELECT id FROM cycle_rule") == []


def starts_with_no_learning_cycles(db):
    for table in ("learning_cycle", "cycle_organisation", "cycle_thread", "cycle_barrier", "cycle_entry"):
        assert rows(db, "SELECT id FROM %s" % table) == []


PROMISES = {
    "0002_stewards_desk": starts_the_clocks_of_requests_already_open,
    "0003_notifications": gives_everyone_the_default_email_settings,
    "0004_learning": gives_every_organisation_a_checkin_day,
    "0005_search": indexes_the_posts_already_there,
    "0006_changed_at": sets_changed_at_from_the_last_activity,
    "0007_security": starts_everyone_at_session_version_0,
    "0008_list_indexes": lets_the_lists_walk_an_index_and_still_finds_merged_threads,
    "0009_inbound_messages": keeps_each_message_id_once_per_person,
    "0010_board_index": answers_the_board_from_its_index,
    "0011_addressed_live": marks_the_live_requests_addressees,
    "0012_password_reset_requests": starts_with_no_reset_requests,
    "0013_read_log_hourly": keeps_one_open_per_person_thread_and_hour,
    "0014_guard_overrides": starts_with_no_overrides,
    "0015_organisation_contacts": gives_every_organisation_empty_contact_details,
    "0016_services": starts_with_no_services,
    "0017_people_contacts": gives_everyone_a_hidden_email_and_no_contact_details,
    "0019_learning_cycles": starts_with_no_learning_cycles,
    "0020_barrier_proposals": starts_with_no_barrier_proposals,
    "0022_cycle_rules": links_no_rule_versions_yet,
    "0018_attachments": starts_with_no_attachments,
    "0021_service_attachments": puts_every_attachment_on_no_service,
}


@pytest.fixture
def blank_database(tmp_path):
    """An empty database of the kind the suite runs on; on PostgreSQL a scratch one, dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        db = SqliteDatabase(str(tmp_path / "migrations.db"), pragmas={"foreign_keys": 1})
        yield db
        db.close()
        return
    server = connect(url)  # peewee runs psycopg2 in autocommit, which CREATE DATABASE needs
    name = "portal_migrations_%s" % secrets.token_hex(4)
    server.execute_sql("CREATE DATABASE %s" % name)
    db = PostgresqlDatabase(**dict(parse(url), database=name))
    try:
        yield db
    finally:
        db.close()
        server.execute_sql("DROP DATABASE %s" % name)
        server.close()


@pytest.mark.parametrize("name", NAMES[1:])
def test_a_migration_keeps_every_row_and_does_what_it_promises_to_them(blank_database, name):
    db = blank_database
    runner = Runner(db, str(MIGRATIONS))
    for earlier in NAMES[: NAMES.index(name)]:
        assert runner.up(earlier) == [earlier]
        for sql in WRITTEN_AFTER[earlier]:
            db.execute_sql(sql)
    tables = columns(db)
    before = contents(db, tables)
    assert [table for table, held in before.items() if not held] == []  # it runs over rows in every table

    assert runner.up(name) == [name]
    assert contents(db, tables) == before  # every row, every value it had, under the same primary key
    PROMISES[name](db)
    for sql in WRITTEN_AFTER[name]:  # and the tables and columns it made take rows
        db.execute_sql(sql)
    assert runner.down() == [name]  # and it comes down again over all of that, losing only what it brought
    after = contents(db, tables)
    lost = {table: set(held) - set(after[table]) for table, held in before.items()}
    assert lost == dict.fromkeys(tables, set())


def test_every_migration_goes_up_and_down_and_up_again(blank_database):
    runner = Runner(blank_database, str(MIGRATIONS))
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
