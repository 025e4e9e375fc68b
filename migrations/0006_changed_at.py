"""When anything about a thread last changed (owner, follow-up, pins, hidden posts...), for the live updates."""

from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("thread", "changed_at", DateTimeField(null=True)))
    db.execute_sql("UPDATE thread SET changed_at = last_activity")


def down(migrator, db):
    migrator.migrate(migrator.drop_column("thread", "changed_at"))
