"""Services, the versions of their rules (who each is for and how to refer), what led to each version, and posts
that cite a rule."""

from peewee import *


def up(migrator, db):
    def table(name):
        class Stand(Model):
            class Meta:
                database = db
                table_name = name

        return Stand

    user = table("user")

    class Service(Model):
        organisation = ForeignKeyField(table("organisation"))
        name = CharField(max_length=200)
        offers = TextField(default="")
        offers_html = TextField(default="")
        areas = CharField(max_length=200, default="")
        capacity = TextField(default="")
        contact = CharField(max_length=300, default="")
        status = CharField(max_length=10, default="open")
        rule_number = IntegerField(default=0)
        confirmed_by = ForeignKeyField(user, null=True)
        confirmed_at = DateTimeField()
        created = DateTimeField()

        class Meta:
            database = db
            table_name = "service"
            indexes = ((("organisation", "name"), False), (("confirmed_at",), False))

    class RuleVersion(Model):
        service = ForeignKeyField(Service, index=False)
        number = IntegerField()
        eligibility = TextField()
        eligibility_html = TextField()
        referrers = CharField(max_length=100, default="")
        refer_by = CharField(max_length=100, default="")
        hours = CharField(max_length=200, default="")
        effective_from = DateField()
        why = TextField(default="")
        author = ForeignKeyField(user)
        created = DateTimeField()

        class Meta:
            database = db
            table_name = "rule_version"
            indexes = ((("service", "number"), True), (("created",), False))

    class RuleLink(Model):
        rule = ForeignKeyField(RuleVersion)
        thread = ForeignKeyField(table("thread"), null=True)
        barrier = ForeignKeyField(table("barrier"), null=True)

        class Meta:
            database = db
            table_name = "rule_link"

    class Citation(Model):
        post = ForeignKeyField(table("post"), unique=True)
        rule = ForeignKeyField(RuleVersion)
        created = DateTimeField()

        class Meta:
            database = db
            table_name = "citation"

    db.create_tables([Service, RuleVersion, RuleLink, Citation])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table("citation"),
        migrator.drop_table("rule_link"),
        migrator.drop_table("rule_version"),
        migrator.drop_table("service"),
    )
