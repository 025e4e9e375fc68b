"""The steward's desk: owners, follow-ups, closing, merging, links, hidden posts and waiting-on clocks."""

from peewee import *
from playhouse.migrate import make_index_name

INDEXES = [
    ("thread", ("status", "waiting_since")),
    ("thread", ("status", "follow_up_on")),
    ("thread", ("owner_id", "status")),
    ("thread_addressee", ("organisation_id", "waiting_since")),
    ("event", ("actor_id", "created")),
    ("event", ("action", "created")),
]


def up(migrator, db):
    class Thread(Model):
        class Meta:
            database = db
            table_name = "thread"

    migrator.migrate(
        migrator.add_column("thread", "owner_since", DateTimeField(null=True)),
        migrator.add_column("thread", "close_reason", CharField(max_length=20, null=True)),
        migrator.add_column("thread", "close_note", CharField(max_length=500, null=True)),
        migrator.add_column("thread", "merged_into_id", ForeignKeyField(Thread, field=Thread.id, null=True)),
        migrator.add_column("thread", "asker_waiting_since", DateTimeField(null=True)),
        migrator.add_column("thread", "waiting_since", DateTimeField(null=True)),
        migrator.add_column("thread_addressee", "waiting_since", DateTimeField(null=True)),
        migrator.add_column("thread_addressee", "not_needed", BooleanField(default=False)),
        migrator.add_column("post", "hidden_reason", CharField(max_length=500, null=True)),
        *(migrator.add_index(table, columns) for table, columns in INDEXES),
    )
    # The clocks of requests already open: addressees who have not replied are waited on since they were
    # addressed; an answered request waits on its asker since the first answer.
    db.execute_sql(
        "UPDATE thread_addressee SET waiting_since = added WHERE replied_at IS NULL AND thread_id IN "
        "(SELECT id FROM thread WHERE status IN ('open', 'answered'))"
    )
    db.execute_sql("UPDATE thread SET asker_waiting_since = first_response_at WHERE status = 'answered'")
    db.execute_sql(
        "UPDATE thread SET waiting_since = (SELECT MIN(waiting_since) FROM thread_addressee "
        "WHERE thread_addressee.thread_id = thread.id) WHERE status IN ('open', 'answered')"
    )
    db.execute_sql(
        "UPDATE thread SET waiting_since = asker_waiting_since WHERE waiting_since IS NULL "
        "OR asker_waiting_since < waiting_since"
    )

    class ThreadLink(Model):
        first = ForeignKeyField(Thread)
        second = ForeignKeyField(Thread)
        created = DateTimeField()

        class Meta:
            database = db
            table_name = "thread_link"
            indexes = ((("first", "second"), True), (("second",), False))

    db.create_tables([ThreadLink])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("thread_link"))
    for table, columns in [*INDEXES, ("thread", ("merged_into_id",))]:
        migrator.migrate(migrator.drop_index(table, make_index_name(table, columns)))
    for table, column in [
        ("post", "hidden_reason"),
        ("thread_addressee", "not_needed"),
        ("thread_addressee", "waiting_since"),
        ("thread", "waiting_since"),
        ("thread", "asker_waiting_since"),
        ("thread", "merged_into_id"),
        ("thread", "close_note"),
        ("thread", "close_reason"),
        ("thread", "owner_since"),
    ]:
        migrator.migrate(migrator.drop_column(table, column))
