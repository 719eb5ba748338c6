"""The JSON API under /api/v1: one NinjaAPI, routers from each app, errors as JSON with a stable code."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from egov.accounts.api_auth import ApiKeyAuth, SessionAuth
from egov.core.errors import DomainError

api = NinjaAPI(
    title="egov API",
    version="1",
    description="JSON API of the egov e-government platform. Authenticate with the browser session "
    "(and its CSRF token) or with an API key in the `Authorization: Bearer <key>` header.",
    urls_namespace="api",
    auth=[ApiKeyAuth(), SessionAuth()],
    docs_url="/docs",
)


def _field_name(loc: list) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    errors = [
        {"field": _field_name(list(err.get("loc", []))), "message": err.get("msg", ""), "type": err.get("type")}
        for err in exc.errors
    ]
    first = errors[0] if errors else {"field": None, "message": "invalid input"}
    return api.create_response(
        request,
        {"code": "validation_error", "message": first["message"], "field": first["field"], "errors": errors},
        status=422,
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(
        request, {"code": "not_authenticated", "message": "Authentication required", "field": None}, status=401
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": "Not found", "field": None}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(
        request, {"code": "http_error", "message": str(exc), "field": None}, status=exc.status_code
    )


def _register_routers() -> None:
    from egov.accounts.api import router as accounts_router
    from egov.audit.api import router as audit_router
    from egov.calendar.api import router as calendar_router
    from egov.core.api import router as core_router
    from egov.documents.api import router as documents_router
    from egov.exchange.api import router as exchange_router
    from egov.organisations.api import router as organisations_router
    from egov.plans.api import router as plans_router

    api.add_router("/", core_router)
    api.add_router("/organisations", organisations_router)
    api.add_router("/people", accounts_router)
    api.add_router("/audit", audit_router)
    api.add_router("/calendar", calendar_router)
    api.add_router("/plans", plans_router)
    api.add_router("/documents", documents_router)
    api.add_router("/documents", exchange_router)


_register_routers()
