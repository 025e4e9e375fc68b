"""A learning cycle's "what changed" links the services' rule versions it changed."""

from peewee import *


def up(migrator, db):
    class Stub(Model):
        class Meta:
            database = db

    class LearningCycle(Stub):
        class Meta:
            table_name = "learning_cycle"

    class RuleVersion(Stub):
        class Meta:
            table_name = "rule_version"

    class CycleRule(Stub):
        cycle = ForeignKeyField(LearningCycle, index=False)
        rule = ForeignKeyField(RuleVersion)

        class Meta:
            table_name = "cycle_rule"
            indexes = ((("cycle", "rule"), True),)

    db.create_tables([CycleRule])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("cycle_rule"))
