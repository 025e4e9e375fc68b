"""Barrier proposals: a member proposes a barrier; the steward accepts it (it joins the register), merges it into
one already there, or declines it with a reason the proposer sees."""

from peewee import *


def up(migrator, db):
    def table(name):
        class Stand(Model):
            class Meta:
                database = db
                table_name = name

        return Stand

    user = table("user")

    class BarrierProposal(Model):
        title = CharField(max_length=200)
        description = TextField(default="")
        description_html = TextField(default="")
        proposer = ForeignKeyField(user)
        organisation = ForeignKeyField(table("organisation"))
        status = CharField(max_length=12, default="proposed")
        barrier = ForeignKeyField(table("barrier"), null=True)
        reason = TextField(default="")
        decided_by = ForeignKeyField(user, null=True)
        decided_at = DateTimeField(null=True)
        created = DateTimeField()

        class Meta:
            database = db
            table_name = "barrier_proposal"
            indexes = ((("status", "created"), False), (("organisation", "created"), False))

    db.create_tables([BarrierProposal])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("barrier_proposal"))
