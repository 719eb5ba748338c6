"""Full-text engines behind one interface: PostgreSQL (unaccent + pg_trgm) in production, SQLite FTS5 embedded.

Both index the same two texts per document, built by `indexing.py`: the metadata (number and symbol, subject,
issuer, signer, recipients…) and the text of its PDFs, each in two forms — folded (no diacritics) for matching,
and as written (lower-case, with diacritics) for quoted phrases and for ranking exact spellings higher. The
metadata weighs more than the body. The tables and indexes are made by migration 0002_search.

PostgreSQL: `search_folded` and `search_exact` tsvector columns on documents_documenttext. The folded vector
goes through the `egov_folded` text search configuration (the `unaccent` dictionary, then `simple`), so the
server folds documents and queries alike; a GIN index on it serves every query, and the exact vector is only
read for the rows it found. The folded vector also holds the document's scope tokens (scope.py), which narrow
the index to the organisations the actor's roles cover before anything is ranked. Rank: `ts_rank`, then
pg_trgm's `word_similarity` of the folded query to the folded text as tie-break within the page (computed for
the page's rows only, never for every match).

SQLite: the FTS5 table `documents_fts` (rowid = document id) with the four texts as columns; folding is done
in Python (`egov.core.text.fold`, which also turns đ into d — FTS5's own diacritic removal does not), so the
tokenizer keeps diacritics (`remove_diacritics 0`) and the exact columns stay exact. Rank: `bm25`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from egov.documents.search.indexing import SearchText
    from egov.documents.search.query import ParsedQuery, Term
    from egov.documents.search.scope import SearchScope


class SearchBackend(ABC):
    """Công cụ tìm kiếm toàn văn — one per database engine."""

    vendor = ""

    @abstractmethod
    def index(self, document_id: int, text: SearchText) -> None:
        """Replace the document's entry; its DocumentText row exists and is saved."""

    @abstractmethod
    def remove(self, document_id: int) -> None:
        """Forget a document that no longer exists."""

    @abstractmethod
    def search(
        self, query: ParsedQuery, candidates: QuerySet, *, limit: int, offset: int, scope: SearchScope | None = None
    ) -> tuple[list[int], int]:
        """Ids of the matching documents among `candidates`, best first, one page of them; and how many match.

        `scope` (a superset of the candidates, see scope.py) may be used to find them faster.
        """

    @staticmethod
    def _candidates_sql(candidates: QuerySet) -> tuple[str, tuple]:
        return candidates.order_by().values("pk").query.sql_with_params()


# --- PostgreSQL ------------------------------------------------------------------------------------------------


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_term(tokens: tuple[str, ...]) -> str:
    if len(tokens) == 1:
        return _lexeme(tokens[0])
    return "(" + " <-> ".join(_lexeme(t) for t in tokens) + ")"


def pg_vectors(meta: str, body: str, tokens: str) -> str:
    """SET clause of both vectors from SQL operands: A = metadata, D = PDF text (ts_rank weighs them 1.0 and 0.1),
    plus the scope tokens (scope.py), which have no position and are never part of a ranked query."""
    return (
        f"search_folded = setweight(to_tsvector('egov_folded', {meta}), 'A')"
        f" || setweight(to_tsvector('egov_folded', {body}), 'D') || array_to_tsvector({tokens}::text[]),"
        f" search_exact = setweight(to_tsvector('simple', {meta}), 'A')"
        f" || setweight(to_tsvector('simple', {body}), 'D')"
    )


PG_WORK_MEM = "32MB"


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def index(self, document_id: int, text: SearchText) -> None:
        vectors = pg_vectors("%(meta)s", "%(body)s", "%(tokens)s")
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE documents_documenttext SET {vectors} WHERE document_id = %(id)s",
                {"meta": text.metadata, "body": text.body, "tokens": list(text.tokens), "id": document_id},
            )

    def remove(self, document_id: int) -> None:
        """The vectors live on the DocumentText row, which goes with its document."""

    def search(
        self, query: ParsedQuery, candidates: QuerySet, *, limit: int, offset: int, scope: SearchScope | None = None
    ) -> tuple[list[int], int]:
        # Documents and queries go through the same configuration, so the tokens are given as typed.
        folded = " & ".join(_ts_term(term.tokens) for term in query.terms)
        folded_q = "to_tsquery('egov_folded', %s)"
        rank, rank_params = f"ts_rank(search_folded, {folded_q})", [folded]
        if query.boost_tokens:
            rank += " + ts_rank(search_exact, to_tsquery('simple', %s))"
            rank_params.append(" | ".join(_lexeme(t) for t in query.boost_tokens))
        exact, exact_params = "", []
        if any(term.exact for term in query.terms):
            exact = " AND search_exact @@ to_tsquery('simple', %s)"
            exact_params = [" & ".join(_ts_term(term.tokens) for term in query.terms if term.exact)]

        # Each branch finds its rows through an index and ranks them where it reads them.
        branches: list[tuple[str, list]] = []

        def branch(where: str, params: list) -> None:
            sql = f"SELECT document_id, {rank} AS rank FROM documents_documenttext WHERE {where}{exact}"
            branches.append((sql, [*rank_params, *params, *exact_params]))

        if scope is None:
            branch(f"search_folded @@ {folded_q}", [folded])
        else:
            # The GIN index intersects a rare scope token with common words cheaply; the personal documents are
            # found by primary key (and those the first branch already has are left out).
            tokens = " | ".join(_lexeme(token) for token in scope.tokens)
            if tokens:
                branch(f"search_folded @@ ({folded_q} && %s::tsquery)", [folded, tokens])
            if scope.personal_sql:
                where = f"document_id IN ({scope.personal_sql}) AND search_folded @@ {folded_q}"
                params = [*scope.personal_params, folded]
                if tokens:
                    where += " AND NOT search_folded @@ %s::tsquery"
                    params.append(tokens)
                branch(where, params)
            if not branches:
                return [], 0
        source = " UNION ALL ".join(sql for sql, _ in branches)
        source_params = [p for _, params in branches for p in params]
        visible, visible_params = "", ()
        if candidates.query.has_filters():  # nothing to check when the actor may see everything unfiltered
            cand_sql, visible_params = self._candidates_sql(candidates)
            visible = f" WHERE r.document_id IN ({cand_sql})"
        # One pass finds, ranks and counts; OFFSET 0 keeps the rank below the window count, so the counted rows
        # carry two numbers, not the vectors. Only past the last page does the count need a query of its own.
        matches = f"SELECT r.document_id, r.rank FROM ({source} OFFSET 0) r{visible}"
        matches_params = [*source_params, *visible_params]
        page_sql = (
            "SELECT p.document_id, p.total FROM ("
            f" SELECT m.document_id, m.rank, count(*) OVER () AS total FROM ({matches}) m"
            " ORDER BY m.rank DESC, m.document_id DESC LIMIT %s OFFSET %s"
            ") p JOIN documents_documenttext s ON s.document_id = p.document_id"
            " ORDER BY p.rank DESC, word_similarity(%s, s.folded) DESC, p.document_id DESC"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            # A bitmap of tens of thousands of matches outgrows the default 4 MB and turns lossy: every row of
            # every page touched would be checked again.
            cursor.execute(f"SET LOCAL work_mem = '{PG_WORK_MEM}'")
            cursor.execute(page_sql, [*matches_params, limit, offset, query.folded_text])
            rows = cursor.fetchall()
            if rows:
                return [row[0] for row in rows], rows[0][1]
            if not offset:
                return [], 0
            cursor.execute(f"SELECT count(*) FROM ({matches}) m", matches_params)
            return [], cursor.fetchone()[0]


# --- SQLite ----------------------------------------------------------------------------------------------------

FTS_TABLE = "documents_fts"
_FOLDED = "{meta_folded body_folded}"
_EXACT = "{meta_exact body_exact}"
# bm25 column weights, in the table's column order: metadata counts four times the PDF text.
_BM25 = f"bm25({FTS_TABLE}, 4.0, 1.0, 4.0, 1.0)"


def _fts_phrase(columns: str, tokens: tuple[str, ...]) -> str:
    return columns + ' : "' + " ".join(t.replace('"', '""') for t in tokens) + '"'


def fts_expression(query: ParsedQuery) -> str:
    """The FTS5 query: every term in the folded columns (and a quoted one in the exact columns too)."""
    parts = []
    for term in query.terms:
        part = _fts_phrase(_FOLDED, term.folded)
        if term.exact:
            part = f"({part} AND {_fts_phrase(_EXACT, term.tokens)})"
        parts.append(part)
    if query.boost_tokens:
        # bm25 scores every phrase of the query, so exact spellings add to the score; the first folded term
        # is already required, which keeps this group from changing what matches.
        first: Term = query.terms[0]
        options = [_fts_phrase(_FOLDED, first.folded), *(_fts_phrase(_EXACT, (t,)) for t in query.boost_tokens)]
        parts.append("(" + " OR ".join(options) + ")")
    return " AND ".join(parts)


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def index(self, document_id: int, text: SearchText) -> None:
        from egov.documents.search.indexing import fold_words

        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [document_id])
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, meta_folded, body_folded, meta_exact, body_exact)"
                " VALUES (%s, %s, %s, %s, %s)",
                [document_id, fold_words(text.metadata), fold_words(text.body), text.metadata, text.body],
            )

    def remove(self, document_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [document_id])

    def search(
        self, query: ParsedQuery, candidates: QuerySet, *, limit: int, offset: int, scope: SearchScope | None = None
    ) -> tuple[list[int], int]:
        # An embedded database holds few enough documents to match first and filter after; `scope` is not needed.
        expression = fts_expression(query)
        where, cand_params = f"{FTS_TABLE} MATCH %s", ()
        if candidates.query.has_filters():
            cand_sql, cand_params = self._candidates_sql(candidates)
            where += f" AND rowid IN ({cand_sql})"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {where}", [expression, *cand_params])
            total = cursor.fetchone()[0]
            if not total or offset >= total:
                return [], total
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {where} ORDER BY {_BM25}, rowid DESC LIMIT %s OFFSET %s",
                [expression, *cand_params, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()], total


_BACKENDS: dict[str, type[SearchBackend]] = {"postgresql": PostgresBackend, "sqlite": SqliteBackend}


def get_backend() -> SearchBackend:
    """The engine of the default database."""
    try:
        return _BACKENDS[connection.vendor]()
    except KeyError:
        raise ImproperlyConfigured(
            f"Document search supports PostgreSQL and SQLite, not {connection.vendor}."
        ) from None
