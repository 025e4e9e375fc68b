"""Requests for a password reset, answered by the e-mail worker, so that the page answers alike for every address."""

from peewee import *


def up(migrator, db):
    class PasswordResetRequest(Model):
        email = CharField(max_length=254)
        created = DateTimeField()

        class Meta:
            database = db
            table_name = "password_reset_request"

    db.create_tables([PasswordResetRequest])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("password_reset_request"))
