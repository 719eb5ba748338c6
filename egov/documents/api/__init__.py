"""The documents JSON API under /api/v1/documents: lists and records, the outgoing flow from draft to recall,
incoming registration and handling, explicit access."""

from __future__ import annotations

from egov.documents.api import access, documents, handling, incoming, outgoing

# The list router is the root so that the list sits at /documents; ids are int-converted, so /documents/{id}
# cannot swallow /documents/work, /documents/queues, /documents/assignments/…, /documents/grants/…
router = documents.router
router.add_router("", outgoing.router)
router.add_router("", incoming.router)
router.add_router("", handling.router)
router.add_router("", access.router)

__all__ = ["router"]
