"""Organisations have contact details: their phone numbers (switchboard, duty and team lines) and a team inbox.
The personal-data guard knows them as the partnership's own, never a client's."""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("organisation", "phone", CharField(max_length=200, default="")),
        migrator.add_column("organisation", "email", CharField(max_length=254, default="")),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("organisation", "phone"), migrator.drop_column("organisation", "email"))
