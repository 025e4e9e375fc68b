"""Learning: monthly check-ins, themes, and the system barriers register."""

from peewee import *


def up(migrator, db):
    class Stub(Model):
        class Meta:
            database = db

    class User(Stub):
        class Meta:
            table_name = "user"

    class Organisation(Stub):
        class Meta:
            table_name = "organisation"

    class Thread(Stub):
        class Meta:
            table_name = "thread"

    migrator.migrate(
        migrator.add_column("organisation", "checkin_day", IntegerField(default=1)),
        migrator.add_column("thread", "checkin_month", CharField(max_length=7, null=True)),
        migrator.add_index("thread", ("organisation_id", "checkin_month")),
    )

    class Theme(Stub):
        name = CharField(max_length=80, unique=True)
        slug = CharField(max_length=80, unique=True)
        active = BooleanField(default=True)
        created = DateTimeField()

        class Meta:
            table_name = "theme"

    class ThreadTheme(Stub):
        thread = ForeignKeyField(Thread)
        theme = ForeignKeyField(Theme)

        class Meta:
            table_name = "thread_theme"
            indexes = ((("thread", "theme"), True), (("theme", "thread"), False))

    class Barrier(Stub):
        title = CharField(max_length=200)
        description = TextField(default="")
        description_html = TextField(default="")
        status = CharField(max_length=20, default="raised")
        created = DateTimeField()
        updated = DateTimeField()

        class Meta:
            table_name = "barrier"
            indexes = ((("status", "updated"), False),)

    class BarrierThread(Stub):
        barrier = ForeignKeyField(Barrier)
        thread = ForeignKeyField(Thread)
        created = DateTimeField()

        class Meta:
            table_name = "barrier_thread"
            indexes = ((("barrier", "thread"), True), (("thread",), False))

    class BarrierHolder(Stub):
        barrier = ForeignKeyField(Barrier)
        organisation = ForeignKeyField(Organisation)

        class Meta:
            table_name = "barrier_holder"
            indexes = ((("barrier", "organisation"), True),)

    class BarrierLog(Stub):
        barrier = ForeignKeyField(Barrier)
        author = ForeignKeyField(User)
        note = TextField()
        note_html = TextField()
        status_before = CharField(max_length=20, null=True)
        status_after = CharField(max_length=20, null=True)
        created = DateTimeField()

        class Meta:
            table_name = "barrier_log"
            indexes = ((("barrier", "created"), False), (("created",), False))

    db.create_tables([Theme, ThreadTheme, Barrier, BarrierThread, BarrierHolder, BarrierLog])


def down(migrator, db):
    for table in ("barrier_log", "barrier_holder", "barrier_thread", "barrier", "thread_theme", "theme"):
        migrator.migrate(migrator.drop_table(table))
    migrator.migrate(migrator.drop_index("thread", "thread_organisation_id_checkin_month"))
    migrator.migrate(migrator.drop_column("thread", "checkin_month"))
    migrator.migrate(migrator.drop_column("organisation", "checkin_day"))
