"""The schema the models declare is the one the migrations make, on the database the suite runs on (SQLite, or
PostgreSQL when TEST_DATABASE_URL is set): the same tables, columns and indexes. Index names differ between the
two (peewee's and the migrations'), so indexes compare by shape: table, columns in order, uniqueness, the partial
condition and, on PostgreSQL, the access method."""

import ast
import re
from collections import Counter, namedtuple
from pathlib import Path

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


# --- Copied columns have one writer ------------------------------------------------------------------------------
# Columns that copy what other rows say (a count, a "since", a flag), kept right by portal/tracking.py alone.
COPIED = {
    "Thread": {"waiting_since", "asker_waiting_since", "changed_at", "post_count", "last_activity"},
    "ThreadAddressee": {"live", "waiting_since"},
}
TABLES = {"thread": "Thread", "thread_addressee": "ThreadAddressee"}
WRITES = {"create", "insert", "insert_many", "replace", "replace_many", "update", "bulk_create", "bulk_update"}
# The only other files that may write them, and why.
WRITERS = {
    "portal/tracking.py": "the one place that keeps them right: refresh_waiting, recount, touch, create_thread, "
    "and the updates that change a thread's conversation",
    "bench/generate.py": "builds a whole benchmark database in bulk, working each copy out as tracking would",
    "migrations/*.py": "fill a new copied column in for the rows already there, in bulk SQL",
    "tests/test_migrations.py": "writes rows in each migration's schema, in plain SQL, for the next one to run over",
    "tests/test_schema.py": "shows below that each way of writing them is found",
}
ROOT = Path(__file__).parent.parent
RAW_UPDATE = re.compile(r'UPDATE\s+"?(\w+)"?\s+SET\s+(.*?)(?:\s+WHERE\b|$)', re.IGNORECASE | re.DOTALL)
RAW_INSERT = re.compile(r'INSERT\s+INTO\s+"?(\w+)"?\s*\(([^)]*)\)', re.IGNORECASE)


def model_of(node):
    """The model a call or a key names (`Thread`, `models.Thread`), or None."""
    if isinstance(node, ast.Name) and node.id in COPIED:
        return node.id
    if isinstance(node, ast.Attribute) and node.attr in COPIED:
        return node.attr
    return None


def keys(node):
    """The column names a dict literal (or list of them, for insert_many) gives values for."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return [key for item in node.elts for key in keys(item)]
    if not isinstance(node, ast.Dict):
        return []
    names = []
    for key in node.keys:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.append(key.value)
        elif isinstance(key, ast.Attribute) and model_of(key.value):
            names.append(key.attr)
    return names


def raw_writes(text):
    """The (table's model, column) pairs that an UPDATE or INSERT in plain SQL writes."""
    written = [(table, re.findall(r'(\w+)"?\s*=', changes)) for table, changes in RAW_UPDATE.findall(text)]
    written += [(table, re.findall(r"\w+", columns)) for table, columns in RAW_INSERT.findall(text)]
    for table, columns in written:
        model = TABLES.get(table.lower())
        yield from ((model, column) for column in columns if model and column in COPIED[model])


def assigned(target):
    """The name an assignment gives a value to, and how to show it: `thread.live` or `row["live"]` (a row to
    insert, as a dict)."""
    if isinstance(target, ast.Attribute):
        return target.attr, "?.%s" % target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return target.slice.value, '?["%s"]' % target.slice.value
    return None, None


def writes_in(source):
    """Where `source` writes a copied column: (line, "Model.column") for each, by what the code names. A key
    held in a variable (`Thread.update({flag: value})`) cannot be read here."""
    found = []
    every_column = set().union(*COPIED.values())
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            model = model_of(node.func.value)
            if model:
                names = [keyword.arg for keyword in node.keywords if keyword.arg]
                names += [name for keyword in node.keywords if not keyword.arg for name in keys(keyword.value)]
                names += [name for arg in node.args for name in keys(arg)]
                found += [(node.lineno, "%s.%s" % (model, name)) for name in names if name in COPIED[model]]
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                name, label = assigned(target)
                if name in every_column:
                    found.append((node.lineno, label))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
            name = node.args[1] if len(node.args) > 1 else None
            if isinstance(name, ast.Constant) and name.value in every_column:
                found.append((node.lineno, "?.%s" % name.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [(node.lineno, "%s.%s" % pair) for pair in raw_writes(node.value)]
    return sorted(found)


def may_write(path):
    return any(path.match(pattern) for pattern in WRITERS)


def sources():
    return sorted(path for part in ("portal", "bench", "migrations", "tests") for path in (ROOT / part).rglob("*.py"))


def test_only_tracking_writes_the_copied_columns():
    found = [
        "%s:%d writes %s" % (path.relative_to(ROOT), line, column)
        for path in sources()
        if not may_write(path.relative_to(ROOT))
        for line, column in writes_in(path.read_text())
    ]
    assert not found, "only portal/tracking.py keeps these copies; call it instead:\n" + "\n".join(found)


def test_each_file_allowed_to_write_the_copied_columns_does():
    for pattern in WRITERS:
        paths = list(ROOT.glob(pattern))
        assert paths and any(writes_in(path.read_text()) for path in paths), pattern


def test_the_writes_of_copied_columns_are_found_however_they_are_written():
    source = """
Thread.update(post_count=0).where(Thread.id == 1).execute()
models.ThreadAddressee.update({ThreadAddressee.live: False, "added": None})
Thread.insert_many([{"title": "A", "last_activity": moment}])
Thread.update(title="A", **{"changed_at": moment})
ThreadAddressee.create(thread=1, waiting_since=moment, live=True)
Thread.update(title="A", locked=True, live=False)
thread.asker_waiting_since = moment
setattr(thread, "post_count", 2)
row["live"] = True
sql = 'UPDATE "thread_addressee" SET added = NULL, "live" = FALSE WHERE id = 1'
db.execute_sql("UPDATE thread SET title = 'A', kind = post_count")
db.execute_sql("INSERT INTO thread (id, title, waiting_since) VALUES (1, 'A', NULL)")
"""
    assert writes_in(source) == [
        (2, "Thread.post_count"),
        (3, "ThreadAddressee.live"),
        (4, "Thread.last_activity"),
        (5, "Thread.changed_at"),
        (6, "ThreadAddressee.live"),
        (6, "ThreadAddressee.waiting_since"),
        (8, "?.asker_waiting_since"),
        (9, "?.post_count"),
        (10, '?["live"]'),
        (11, "ThreadAddressee.live"),
        (13, "Thread.waiting_since"),
    ]
