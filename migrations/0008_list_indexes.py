"""Indexes the lists can walk in their order (pinned first, then the latest activity), instead of sorting every
thread that matches.

The index on `merged_into_id` matched every thread that is not merged (`merged_into_id IS NULL`, nearly all of
them), and SQLite, which keeps no statistics unless asked, drove the lists from it and then sorted every thread.
It now holds only merged threads, which is all that the redirect from a merged thread looks up. The lists filter
by kind, by status, or both (the board: live needs and questions), so each of those leads an index in list order.
"""

from peewee import *

LIST_ORDER = '"pinned", "last_activity"'
INDEXES = {
    "thread_kind_pinned_last_activity": '"kind", ' + LIST_ORDER,
    "thread_status_pinned_last_activity": '"status", ' + LIST_ORDER,
    "thread_kind_status_pinned_last_activity": '"kind", "status", ' + LIST_ORDER,
}


def up(migrator, db):
    db.execute_sql('DROP INDEX "thread_merged_into_id"')
    db.execute_sql(
        'CREATE INDEX "thread_merged_into_id" ON "thread" ("merged_into_id") WHERE "merged_into_id" IS NOT NULL'
    )
    db.execute_sql('DROP INDEX "thread_kind_status_last_activity"')
    for name, columns in INDEXES.items():
        db.execute_sql('CREATE INDEX "%s" ON "thread" (%s)' % (name, columns))


def down(migrator, db):
    for name in INDEXES:
        db.execute_sql('DROP INDEX "%s"' % name)
    db.execute_sql('CREATE INDEX "thread_kind_status_last_activity" ON "thread" ("kind", "status", "last_activity")')
    db.execute_sql('DROP INDEX "thread_merged_into_id"')
    db.execute_sql('CREATE INDEX "thread_merged_into_id" ON "thread" ("merged_into_id")')
