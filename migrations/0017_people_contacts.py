"""People have work contact details they choose to show partners: a job title, a work phone, and whether their
work e-mail and phone are shown. The e-mail is hidden until its owner chooses to show it (nobody has been asked
yet); a phone is shown once entered, since it is only held because its owner typed it in to share it."""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("user", "job_title", CharField(max_length=120, default="")),
        migrator.add_column("user", "work_phone", CharField(max_length=40, default="")),
        migrator.add_column("user", "show_email", BooleanField(default=False)),
        migrator.add_column("user", "show_phone", BooleanField(default=True)),
    )


def down(migrator, db):
    migrator.migrate(
        *(migrator.drop_column("user", name) for name in ("job_title", "work_phone", "show_email", "show_phone"))
    )
