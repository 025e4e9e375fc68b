"""Attachments: files on posts, their content in chunks in the database (shared by every web machine, in backups)."""

from peewee import *


def up(migrator, db):
    def table(name):
        class Stand(Model):
            class Meta:
                database = db
                table_name = name

        return Stand

    user = table("user")

    class Attachment(Model):
        post = ForeignKeyField(table("post"), null=True)
        uploader = ForeignKeyField(user)
        organisation = ForeignKeyField(table("organisation"))
        name = CharField(max_length=150)
        content_type = CharField(max_length=100)
        size = IntegerField()
        sha256 = CharField(max_length=64)
        created = DateTimeField()
        removed_at = DateTimeField(null=True)
        removed_by = ForeignKeyField(user, null=True)
        removed_reason = CharField(max_length=200, null=True)

        class Meta:
            database = db
            table_name = "attachment"
            indexes = ((("uploader", "created"), False),)

    class AttachmentChunk(Model):
        attachment = ForeignKeyField(Attachment, on_delete="CASCADE", index=False)
        number = IntegerField()
        data = BlobField()

        class Meta:
            database = db
            table_name = "attachment_chunk"
            indexes = ((("attachment", "number"), True),)

    db.create_tables([Attachment, AttachmentChunk])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("attachment_chunk"), migrator.drop_table("attachment"))
