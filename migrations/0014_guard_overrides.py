"""Details the personal-data guard said identify someone outright, kept with the writer's reason for the steward."""

from peewee import *


def up(migrator, db):
    def table(name):
        class Stand(Model):
            class Meta:
                database = db
                table_name = name

        return Stand

    user = table("user")

    class GuardOverride(Model):
        thread = ForeignKeyField(table("thread"))
        post = ForeignKeyField(table("post"), null=True)
        in_title = BooleanField(default=False)
        author = ForeignKeyField(user)
        organisation = ForeignKeyField(table("organisation"))
        kinds = CharField(max_length=200)
        reason = TextField()
        created = DateTimeField()
        reviewed_at = DateTimeField(null=True)
        reviewed_by = ForeignKeyField(user, null=True)

        class Meta:
            database = db
            table_name = "guard_override"
            indexes = ((("reviewed_at", "created"), False), (("created",), False))

    db.create_tables([GuardOverride])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("guard_override"))
