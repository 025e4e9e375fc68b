"""Full-text search: post_search holds each post's thread title and plain text; SQLite searches it through an
FTS5 table kept in step by triggers, PostgreSQL through a generated tsvector column with a GIN index.
Filled from the posts already there (hidden ones stay out)."""

import html

import nh3
from peewee import *
from playhouse.migrate import SqliteMigrator

SQLITE = [
    "CREATE VIRTUAL TABLE post_search_fts USING fts5(title, body, content='post_search', content_rowid='post_id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER post_search_ai AFTER INSERT ON post_search BEGIN "
    "INSERT INTO post_search_fts (rowid, title, body) VALUES (new.post_id, new.title, new.body); END",
    "CREATE TRIGGER post_search_ad AFTER DELETE ON post_search BEGIN "
    "INSERT INTO post_search_fts (post_search_fts, rowid, title, body) "
    "VALUES ('delete', old.post_id, old.title, old.body); END",
    "CREATE TRIGGER post_search_au AFTER UPDATE ON post_search BEGIN "
    "INSERT INTO post_search_fts (post_search_fts, rowid, title, body) "
    "VALUES ('delete', old.post_id, old.title, old.body); "
    "INSERT INTO post_search_fts (rowid, title, body) VALUES (new.post_id, new.title, new.body); END",
]
POSTGRESQL = [
    "ALTER TABLE post_search ADD COLUMN document tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED",
    "CREATE INDEX post_search_document ON post_search USING GIN (document)",
]
MARKS = {0xE000: None, 0xE001: None}  # the search highlighter's marks never come from the text


def text_of(body_html):
    """A post's words without its markup (as portal.search.post_text was when this was written)."""
    return html.unescape(nh3.clean(body_html, tags=set())).translate(MARKS)


def up(migrator, db):
    class Post(Model):
        class Meta:
            database = db
            table_name = "post"

    class PostSearch(Model):
        post = ForeignKeyField(Post, primary_key=True, on_delete="CASCADE")
        title = TextField()
        body = TextField()

        class Meta:
            database = db
            table_name = "post_search"

    db.create_tables([PostSearch])
    for sql in SQLITE if isinstance(migrator, SqliteMigrator) else POSTGRESQL:
        db.execute_sql(sql)
    posts = db.execute_sql(
        "SELECT post.id, thread.title, post.body_html FROM post JOIN thread ON thread.id = post.thread_id "
        "WHERE NOT post.hidden ORDER BY post.id"
    )
    rows = [
        {"post": post_id, "title": title.translate(MARKS), "body": text_of(body)}
        for post_id, title, body in posts.fetchall()
    ]
    for batch in chunked(rows, 500):
        PostSearch.insert_many(batch).execute()


def down(migrator, db):
    if isinstance(migrator, SqliteMigrator):
        db.execute_sql("DROP TABLE post_search_fts")
    migrator.migrate(migrator.drop_table("post_search"))
