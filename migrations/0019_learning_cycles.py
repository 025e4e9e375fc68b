"""Learning cycles: what we noticed, tried, learned and changed, with the organisations involved, the threads,
check-ins and barriers they link, and their dated entries."""

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

    class Barrier(Stub):
        class Meta:
            table_name = "barrier"

    class LearningCycle(Stub):
        title = CharField(max_length=200)
        organisation = ForeignKeyField(Organisation)
        author = ForeignKeyField(User)
        noticed = TextField(default="")
        noticed_html = TextField(default="")
        trying = TextField(default="")
        trying_html = TextField(default="")
        trying_by = CharField(max_length=200, default="")
        trying_from = DateField(null=True)
        learned = TextField(default="")
        learned_html = TextField(default="")
        changed = TextField(default="")
        changed_html = TextField(default="")
        changed_on = DateField(null=True)
        status = CharField(max_length=20, default="noticing")
        decline_reason = CharField(max_length=500, null=True)
        review_on = DateField(null=True)
        visibility = CharField(max_length=12, default="all")
        created = DateTimeField()
        updated = DateTimeField()
        embedded_at = DateTimeField(null=True)

        class Meta:
            table_name = "learning_cycle"
            indexes = ((("status", "updated"), False), (("updated",), False), (("status", "review_on"), False))

    class CycleOrganisation(Stub):
        cycle = ForeignKeyField(LearningCycle, index=False)
        organisation = ForeignKeyField(Organisation)

        class Meta:
            table_name = "cycle_organisation"
            indexes = ((("cycle", "organisation"), True), (("organisation", "cycle"), False))

    class CycleThread(Stub):
        cycle = ForeignKeyField(LearningCycle, index=False)
        thread = ForeignKeyField(Thread)

        class Meta:
            table_name = "cycle_thread"
            indexes = ((("cycle", "thread"), True),)

    class CycleBarrier(Stub):
        cycle = ForeignKeyField(LearningCycle, index=False)
        barrier = ForeignKeyField(Barrier)

        class Meta:
            table_name = "cycle_barrier"
            indexes = ((("cycle", "barrier"), True),)

    class CycleEntry(Stub):
        cycle = ForeignKeyField(LearningCycle, index=False)
        author = ForeignKeyField(User)
        note = TextField()
        note_html = TextField()
        status_before = CharField(max_length=20, null=True)
        status_after = CharField(max_length=20, null=True)
        created = DateTimeField()

        class Meta:
            table_name = "cycle_entry"
            indexes = ((("cycle", "created"), False), (("created",), False))

    db.create_tables([LearningCycle, CycleOrganisation, CycleThread, CycleBarrier, CycleEntry])


def down(migrator, db):
    for table in ("cycle_entry", "cycle_barrier", "cycle_thread", "cycle_organisation", "learning_cycle"):
        migrator.migrate(migrator.drop_table(table))
