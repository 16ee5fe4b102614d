"""The database indexes of the name search (prisoners.search), one per backend.

PostgreSQL: a pg_trgm GIN index on `Prisoner.search_key` (migration 0003) finds the keys that
share enough trigrams with a query word.

SQLite: an FTS5 index of the words of every key and a table of its vocabulary, the distinct
words of all keys (a few thousand for 100,000 people), both kept current by triggers on the
people's table, so bulk inserts and fixture loads are indexed too. A query's words are compared
with the vocabulary in Python, and the index gives the people whose key has one of the words
that fit. A word stays in the vocabulary when its last person goes: it then finds nobody.
(FTS5's own vocabulary table, fts5vocab, reads the whole index: 40 ms at 100,000 people.)

Django remakes a SQLite table (and loses its triggers) when a migration alters some of its
columns: `ensure_sqlite_index()` runs after every `migrate` and puts back what is missing.
"""

from django.db import connection as default_connection

TABLE = "prisoners_search"
VOCABULARY = "prisoners_search_word"
# The words of a key (lower-case ASCII letters and digits, one space between words) as rows:
# json_each() over the key written as a JSON list; triggers cannot use a recursive CTE.
KEY_WORDS = """json_each('["' || replace({key}, ' ', '","') || '"]')"""
ADD_WORDS = (
    f"INSERT OR IGNORE INTO {VOCABULARY}(word) SELECT value FROM "
    + KEY_WORDS.format(key="new.search_key")
    + " WHERE value != '';"
)
TRIGGERS = {
    "prisoners_search_insert": f"""
        CREATE TRIGGER prisoners_search_insert AFTER INSERT ON prisoners_prisoner BEGIN
            INSERT INTO {TABLE}(rowid, search_key) VALUES (new.id, new.search_key);
            {ADD_WORDS}
        END""",
    "prisoners_search_delete": f"""
        CREATE TRIGGER prisoners_search_delete AFTER DELETE ON prisoners_prisoner BEGIN
            INSERT INTO {TABLE}({TABLE}, rowid, search_key)
                VALUES ('delete', old.id, old.search_key);
        END""",
    "prisoners_search_update": f"""
        CREATE TRIGGER prisoners_search_update AFTER UPDATE ON prisoners_prisoner BEGIN
            INSERT INTO {TABLE}({TABLE}, rowid, search_key)
                VALUES ('delete', old.id, old.search_key);
            INSERT INTO {TABLE}(rowid, search_key) VALUES (new.id, new.search_key);
            {ADD_WORDS}
        END""",
}


def ensure_sqlite_index(connection=default_connection):
    """Create the FTS5 index, its vocabulary and its triggers where missing, and fill the index
    from the people's table if anything was missing. Does nothing on other databases."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s, %s, %s)",
            ["prisoners_prisoner", TABLE, VOCABULARY, *TRIGGERS],
        )
        present = {name for (name,) in cursor.fetchall()}
        if "prisoners_prisoner" not in present:
            return  # migrated back before the people's table
        if present >= {TABLE, VOCABULARY, *TRIGGERS}:
            return
        if TABLE not in present:
            # detail=none: the index records which keys hold a word, not where.
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(search_key, "
                "content='prisoners_prisoner', content_rowid='id', tokenize='unicode61', "
                "detail='none')"
            )
        if VOCABULARY not in present:
            cursor.execute(f"CREATE TABLE {VOCABULARY} (word TEXT PRIMARY KEY) WITHOUT ROWID")
        for name, sql in TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
        cursor.execute(
            f"INSERT OR IGNORE INTO {VOCABULARY}(word) SELECT value FROM prisoners_prisoner, "
            + KEY_WORDS.format(key="search_key")
            + " WHERE value != ''"
        )


def drop_sqlite_index(connection=default_connection):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {VOCABULARY}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def sqlite_vocabulary(connection=default_connection):
    """Every word of every stored key (SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word FROM {VOCABULARY}")
        return [word for (word,) in cursor.fetchall()]


def sqlite_matches(words):
    """SQL and parameters of the ids of the people whose key holds one of `words` (SQLite)."""
    expression = " OR ".join(f'"{word}"' for word in words)  # words are [a-z0-9]+
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression]
