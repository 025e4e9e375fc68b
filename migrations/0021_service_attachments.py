"""Attachments on services too: a referral form, an eligibility policy (a file is on a post or on a service)."""

from peewee import *


def up(migrator, db):
    class Service(Model):
        class Meta:
            database = db
            table_name = "service"

    # a foreign key column comes with its index
    migrator.migrate(
        migrator.add_column("attachment", "service_id", ForeignKeyField(Service, null=True, field=Service.id))
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index("attachment", "attachment_service_id"))
    migrator.migrate(migrator.drop_column("attachment", "service_id"))
