"""Indexes the lists can walk in order, instead of sorting every thread.

The index on `merged_into_id` matched every thread that is not merged (`merged_into_id IS NULL`, nearly all of
them), and SQLite, which keeps no statistics unless asked, drove the lists from it and then sorted every thread.
It now holds only merged threads, which is all that the redirect from a merged thread looks up; and the updates
list, ordered pinned first then latest activity, gets an index in that order for each kind.
"""

from peewee import *


def up(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "thread_merged_into_id"')
    db.execute_sql(
        'CREATE INDEX "thread_merged_into_id" ON "thread" ("merged_into_id") WHERE "merged_into_id" IS NOT NULL'
    )
    db.execute_sql('CREATE INDEX "thread_kind_pinned_last_activity" ON "thread" ("kind", "pinned", "last_activity")')


def down(migrator, db):
    db.execute_sql('DROP INDEX "thread_kind_pinned_last_activity"')
    db.execute_sql('DROP INDEX "thread_merged_into_id"')
    db.execute_sql('CREATE INDEX "thread_merged_into_id" ON "thread" ("merged_into_id")')
