"""The Message-IDs of e-mail replies already posted, so that a message delivered twice is posted once."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class InboundMessage(Model):
        user = ForeignKeyField(User)
        message_id = CharField(max_length=998)
        received = DateTimeField()

        class Meta:
            database = db
            table_name = "inbound_message"
            indexes = ((("user", "message_id"), True), (("received",), False))

    db.create_tables([InboundMessage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("inbound_message"))
