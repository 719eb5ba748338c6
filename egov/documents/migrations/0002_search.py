"""Full-text search of documents: PostgreSQL (unaccent + pg_trgm) or SQLite FTS5, whichever the database is.

Nothing here is in the models' state: the tsvector columns and the FTS5 table are written and read only by
egov.documents.search (see its backends module).
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # "simple" (lower-case, no stemming, no stop words) with diacritics removed first for words that have letters.
    "CREATE TEXT SEARCH CONFIGURATION egov_folded (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION egov_folded ALTER MAPPING FOR word, numword, hword, hword_part, numhword,"
    " hword_numpart WITH unaccent, simple",
    "ALTER TABLE documents_documenttext ADD COLUMN search_folded tsvector, ADD COLUMN search_exact tsvector",
    "CREATE INDEX documents_documenttext_search_folded ON documents_documenttext USING gin (search_folded)",
    "CREATE INDEX documents_documenttext_folded_trgm ON documents_documenttext USING gin (folded gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS documents_documenttext_folded_trgm",
    "DROP INDEX IF EXISTS documents_documenttext_search_folded",
    "ALTER TABLE documents_documenttext DROP COLUMN IF EXISTS search_folded, DROP COLUMN IF EXISTS search_exact",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS egov_folded",
]
SQLITE_FORWARD = [
    # Folding is done before the text reaches FTS5 (its own diacritic removal leaves đ alone), so the tokenizer
    # keeps diacritics for the exact columns.
    "CREATE VIRTUAL TABLE documents_fts USING fts5("
    "meta_folded, body_folded, meta_exact, body_exact, tokenize = 'unicode61 remove_diacritics 0')",
    # A deleted document (and a test database flushed between tests) leaves no entry behind. A later migration
    # that makes SQLite rebuild documents_documenttext must create this trigger again.
    "CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents_documenttext BEGIN"
    " DELETE FROM documents_fts WHERE rowid = old.document_id; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS documents_fts_delete",
    "DROP TABLE IF EXISTS documents_fts",
]


FORWARD = {"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}
BACKWARD = {"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}


def forward(apps, schema_editor):
    for statement in FORWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in BACKWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
