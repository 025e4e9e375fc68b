"""Notifications, watching, read marks, e-mail preferences and the outbox."""

from peewee import *


def up(migrator, db):
    class Stub(Model):
        class Meta:
            database = db

    class User(Stub):
        class Meta:
            table_name = "user"

    class Thread(Stub):
        class Meta:
            table_name = "thread"

    class Organisation(Stub):
        class Meta:
            table_name = "organisation"

    migrator.migrate(
        migrator.add_column("user", "email_frequency", CharField(max_length=10, default="immediate")),
        migrator.add_column("user", "digest_hour", IntegerField(default=8)),
        migrator.add_column("user", "last_digest_at", DateTimeField(null=True)),
        migrator.add_column("thread", "follow_up_noticed_on", DateField(null=True)),
    )

    class Notification(Stub):
        user = ForeignKeyField(User)
        thread = ForeignKeyField(Thread, null=True)
        actor = ForeignKeyField(User, null=True)
        kind = CharField(max_length=30)
        data = TextField(default="{}")
        created = DateTimeField()
        read_at = DateTimeField(null=True)

        class Meta:
            table_name = "notification"
            indexes = ((("user", "read_at", "created"), False), (("user", "created"), False))

    class Watch(Stub):
        user = ForeignKeyField(User)
        thread = ForeignKeyField(Thread, null=True)
        organisation = ForeignKeyField(Organisation, null=True)
        level = CharField(max_length=5, default="watch")
        created = DateTimeField()

        class Meta:
            table_name = "watch"
            indexes = (
                (("user", "thread"), True),
                (("user", "organisation"), True),
                (("thread", "level"), False),
                (("organisation", "level"), False),
            )

    class ThreadRead(Stub):
        user = ForeignKeyField(User)
        thread = ForeignKeyField(Thread)
        read_at = DateTimeField()

        class Meta:
            table_name = "thread_read"
            indexes = ((("user", "thread"), True),)

    class Outbox(Stub):
        to_address = CharField(max_length=254)
        reply_to = CharField(max_length=500, null=True)
        subject = CharField(max_length=300)
        text = TextField()
        html = TextField()
        created = DateTimeField()
        send_after = DateTimeField()
        attempts = IntegerField(default=0)
        claimed_by = CharField(max_length=64, null=True)
        claimed_until = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        failed_at = DateTimeField(null=True)
        last_error = TextField(null=True)

        class Meta:
            table_name = "outbox"
            indexes = ((("sent_at", "failed_at", "send_after"), False),)

    db.create_tables([Notification, Watch, ThreadRead, Outbox])


def down(migrator, db):
    for table in ("outbox", "thread_read", "watch", "notification"):
        migrator.migrate(migrator.drop_table(table))
    for column in ("last_digest_at", "digest_hour", "email_frequency"):
        migrator.migrate(migrator.drop_column("user", column))
    migrator.migrate(migrator.drop_column("thread", "follow_up_noticed_on"))
