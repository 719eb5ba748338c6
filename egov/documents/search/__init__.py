"""Tìm kiếm văn bản: full-text search of documents behind one interface (PostgreSQL or SQLite FTS5)."""

from egov.documents.search.indexing import reindex_document, schedule_reindex
from egov.documents.search.selectors import SearchResult, search_documents

__all__ = ["SearchResult", "reindex_document", "schedule_reindex", "search_documents"]
