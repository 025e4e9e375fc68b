"""Hardening: session versions, a shared sign-in throttle, and the read log of restricted threads."""

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

    migrator.migrate(migrator.add_column("user", "session_version", IntegerField(default=0)))

    class SignInThrottle(Stub):
        key = CharField(max_length=300, unique=True)
        failures = IntegerField(default=0)
        last_failure = DateTimeField()
        blocked_until = DateTimeField(null=True)

        class Meta:
            table_name = "sign_in_throttle"

    class ReadLog(Stub):
        user = ForeignKeyField(User)
        thread = ForeignKeyField(Thread)
        created = DateTimeField()

        class Meta:
            table_name = "read_log"
            indexes = ((("thread", "created"), False), (("user", "created"), False))

    db.create_tables([SignInThrottle, ReadLog])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("read_log"), migrator.drop_table("sign_in_throttle"))
    migrator.migrate(migrator.drop_column("user", "session_version"))
