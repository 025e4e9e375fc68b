"""Whether each addressed request is live (open or answered), kept on its addressee rows, with an index of the live
ones by organisation: home finds the live requests addressed to an organisation from there.

Home's first list is the live requests addressed to the person's organisation, oldest first. SQLite found them by
walking every live request of the region and checking each against the organisation's addressee rows (a cost
that grew with every request left open); it now reads the few that are addressed to the organisation and live.
"""

from peewee import *

NAME = "threadaddressee_organisation_id_thread_id_live"


def up(migrator, db):
    migrator.migrate(migrator.add_column("thread_addressee", "live", BooleanField(default=True)))
    db.execute_sql(
        "UPDATE thread_addressee SET live = EXISTS(SELECT 1 FROM thread WHERE thread.id = thread_addressee.thread_id "
        "AND thread.status IN ('open', 'answered'))"
    )
    db.execute_sql('CREATE INDEX "%s" ON "thread_addressee" ("organisation_id", "thread_id") WHERE "live"' % NAME)


def down(migrator, db):
    db.execute_sql('DROP INDEX "%s"' % NAME)
    migrator.migrate(migrator.drop_column("thread_addressee", "live"))
