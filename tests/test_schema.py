"""The schema the models declare is the one the migrations make, on the database the suite runs on (SQLite, or
PostgreSQL when TEST_DATABASE_URL is set): the same tables, columns and indexes. Index names differ between the
two (peewee's and the migrations'), so indexes compare by shape: table, columns in order, uniqueness, the partial
condition and, on PostgreSQL, the access method."""

import re
from collections import Counter, namedtuple

from peewee import Index, PostgresqlDatabase

from portal.db import BaseModel, database
from portal.search import SearchEntry

# By design on one engine only: PostgreSQL searches a generated tsvector column with a GIN index (migration 0005);
# SQLite searches an FTS5 table instead, whose tables no BaseModel declares.
POSTGRESQL_ONLY_COLUMNS = {(SearchEntry._meta.table_name, "document")}
SQLITE_ONLY_TABLES = re.compile(r"post_search_fts")
RUNNER_TABLE = "schema_migration"  # the migration runner's history

Shape = namedtuple("Shape", "table columns unique where using")


def models():
    """Every table the portal declares (a model subclassed from BaseModel), by table name."""
    found, todo = {}, list(BaseModel.__subclasses__())
    while todo:
        model = todo.pop()
        found[model._meta.table_name] = model
        todo += model.__subclasses__()
    return found


def on_postgresql(db):
    return isinstance(db, PostgresqlDatabase)


def kept_here(db, table, column):
    return on_postgresql(db) or (table, column) not in POSTGRESQL_ONLY_COLUMNS


def normalised(condition):
    """A partial index's condition without quoting, brackets, table names, case or spacing (SQLite keeps the text
    as the migration wrote it)."""
    if condition is None:
        return None
    condition = re.sub(r'[()"]|\b\w+\.', " ", condition.lower())
    return " ".join(condition.split())


def condition_of(sql):
    return sql.split(" WHERE ", 1)[1] if " WHERE " in sql else None


def using_of(db, sql):
    return re.search(r" USING (\w+) ", sql).group(1).lower() if on_postgresql(db) else None


def declared_condition(db, index):
    """The condition of a declared partial index as this database keeps it: PostgreSQL rewrites conditions in its
    own words (casts, brackets, ANY for IN), so it is asked to make the index, and the index is then undone."""
    table = index._table.__name__
    if not on_postgresql(db):
        return condition_of(db.get_sql_context().sql(index).query()[0])
    probe = Index("schema_test_probe", index._table, index._expressions, where=index._where)
    with db.atomic() as transaction:
        db.execute_sql(*db.get_sql_context().sql(probe).query())
        sql = next(i.sql for i in db.get_indexes(table) if i.name == "schema_test_probe")
        transaction.rollback()
    return condition_of(sql)


def declared(db, tables):
    """The shape of every index the models declare: a field's index or unique, Meta.indexes and Model.add_index
    (the columns kept only on the other engine left out)."""
    shapes = []
    for table, model in sorted(tables.items()):
        for index in model._meta.fields_to_index():
            columns = tuple(field.column_name for field in index._expressions)
            if not all(kept_here(db, table, column) for column in columns):
                continue
            where = declared_condition(db, index) if index._where is not None else None
            using = (index._using or "btree").lower() if on_postgresql(db) else None
            shapes.append(Shape(table, columns, bool(index._unique), normalised(where), using))
    return shapes


def migrated(db, tables):
    """The name of every index the migrated database has on these tables, by its shape; not the primary keys'."""
    shapes = {}
    for table in sorted(tables):
        keys = db.get_primary_keys(table)
        for index in db.get_indexes(table):
            if index.unique and list(index.columns) == keys:
                continue
            shape = Shape(
                table, tuple(index.columns), index.unique, normalised(condition_of(index.sql)), using_of(db, index.sql)
            )
            shapes[shape] = index.name
    return shapes


def described(shape):
    words = "%s%s index on %s (%s)" % (
        "a unique" if shape.unique else "an",
        " " + shape.using if shape.using and shape.using != "btree" else "",
        shape.table,
        ", ".join(shape.columns),
    )
    return words + (" where %s" % shape.where if shape.where else "")


def disagreements(declared_shapes, migrated_shapes):
    """What differs between the indexes the models declare and the ones the migrations made, in words."""
    found = ["the models declare %s twice" % described(s) for s, n in Counter(declared_shapes).items() if n > 1]
    found += [
        "the models declare %s, which the migrations do not make" % described(shape)
        for shape in sorted(set(declared_shapes) - set(migrated_shapes))
    ]
    found += [
        "the migrations make %s, %s that no model declares" % (migrated_shapes[shape], described(shape))
        for shape in sorted(set(migrated_shapes) - set(declared_shapes))
    ]
    return found


def test_the_migrations_make_every_index_the_models_declare_and_no_other(app):
    db, tables = database.obj, models()
    found = disagreements(declared(db, tables), migrated(db, tables))
    assert not found, "\n".join(found)


def test_the_migrations_make_every_table_and_column_the_models_declare_and_no_other(app):
    db, tables = database.obj, models()
    found = {
        table
        for table in db.get_tables()
        if table != RUNNER_TABLE and (on_postgresql(db) or not SQLITE_ONLY_TABLES.match(table))
    }
    assert sorted(found) == sorted(tables)
    for table, model in tables.items():
        columns = {f.column_name for f in model._meta.sorted_fields if kept_here(db, table, f.column_name)}
        assert sorted(column.name for column in db.get_columns(table)) == sorted(columns), table


def test_a_disagreement_names_the_index_and_the_table():
    board = Shape("thread", ("kind", "status"), False, None, None)
    merged = Shape("thread", ("merged_into_id",), False, "merged_into_id is not null", None)
    unique = Shape("watch", ("user_id", "thread_id"), True, None, None)
    assert disagreements([board, merged, merged, unique], {board: "thread_board", unique: "watch_user"}) == [
        "the models declare an index on thread (merged_into_id) where merged_into_id is not null twice",
        "the models declare an index on thread (merged_into_id) where merged_into_id is not null, which the "
        "migrations do not make",
    ]
    assert disagreements([board], {board: "thread_board", unique: "watch_user"}) == [
        "the migrations make watch_user, a unique index on watch (user_id, thread_id) that no model declares"
    ]
