"""Indexes that hold all the board asks of a live request, so that its counts, its order and the steward's
"waiting on" are read from indexes alone, not from every open request's rows.

The board and the steward's overview count the live needs and questions a person may see under each quick filter,
sort them all for a page, and count who each waits on; SQLite read every open request's wide thread row for each.
The thread index leads with kind and status, then what the
visibility rule reads, then the sort keys and what the counts read. The addressee index by thread now holds the
waiting clock and the organisation too (the unique index on thread and organisation already finds a thread's
addressees, so the old one on the thread alone goes).
"""

from peewee import *

NAME = "thread_board"
COLUMNS = (
    "kind",
    "status",
    "merged_into_id",
    "visibility",
    "organisation_id",
    "pinned",
    "waiting_since",
    "last_activity",
    "follow_up_on",
    "first_response_at",
    "created",
    "owner_id",
    "id",  # PostgreSQL answers from an index alone only when it holds the key too
)

WAITS = '"threadaddressee_thread_id_waiting_since_organisation_id"'


def up(migrator, db):
    db.execute_sql('CREATE INDEX "%s" ON "thread" (%s)' % (NAME, ", ".join('"%s"' % c for c in COLUMNS)))
    db.execute_sql('DROP INDEX "threadaddressee_thread_id"')
    db.execute_sql('CREATE INDEX %s ON "thread_addressee" ("thread_id", "waiting_since", "organisation_id")' % WAITS)


def down(migrator, db):
    db.execute_sql('DROP INDEX "%s"' % NAME)
    db.execute_sql("DROP INDEX %s" % WAITS)
    db.execute_sql('CREATE INDEX "threadaddressee_thread_id" ON "thread_addressee" ("thread_id")')
