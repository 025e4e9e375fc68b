"""The read log of restricted threads keeps one row per person, thread and hour: opening a thread is a GET, and a
link followed again and again (or from another site) must not write a row each time.

Each row gets the hour it falls in; the later rows of a person's opens of a thread in the same hour go (the first
says all they said), and a unique index on (person, thread, hour) keeps it so.
"""

from peewee import *
from playhouse.migrate import SqliteMigrator

NAME = "read_log_user_id_thread_id_hour"


def up(migrator, db):
    migrator.migrate(migrator.add_column("read_log", "hour", DateTimeField(null=True)))
    if isinstance(migrator, SqliteMigrator):
        db.execute_sql("UPDATE read_log SET hour = strftime('%Y-%m-%d %H:00:00', created)")
    else:
        db.execute_sql("UPDATE read_log SET hour = date_trunc('hour', created)")
    db.execute_sql(
        "DELETE FROM read_log WHERE id NOT IN (SELECT MIN(id) FROM read_log GROUP BY user_id, thread_id, hour)"
    )
    migrator.migrate(
        migrator.add_not_null("read_log", "hour"),
        migrator.add_index("read_log", ("user_id", "thread_id", "hour"), True),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index("read_log", NAME), migrator.drop_column("read_log", "hour"))
