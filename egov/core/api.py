"""Platform status: /api/v1/status."""

from __future__ import annotations

from django.db import connection
from ninja import Router, Schema

import egov

router = Router(tags=["platform"])


class StatusOut(Schema):
    version: str
    database: str


@router.get("/status", response=StatusOut, auth=None, summary="Version and database engine")
def status(request):
    return {"version": egov.__version__, "database": connection.vendor}
