"""The hub's HTTP API (hub/v1/...): plain views, no session or CSRF work, one or two queries to authenticate."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import threading
from collections import Counter

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from egov.hub import auth, ratelimit, selectors, services
from egov.hub.conf import hub_setting
from egov.hub.errors import HubError, bad_request, not_found, too_large, unauthorized
from egov.hub.models import MessageKind

log = logging.getLogger("egov.hub")

# Where the TLS worker puts the SHA-256 of the client certificate presented on the connection.
CLIENT_CERT_ENVIRON = "egov.hub.client_cert_sha256"

# Per process: 429s are counted here rather than written to the database (a flood must not cost writes).
rate_limited_counts: Counter[str] = Counter()
_counts_lock = threading.Lock()


def reset_counters() -> None:
    with _counts_lock:
        rate_limited_counts.clear()


def _reply(data: dict, status: int = 200, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _fail(error: HubError) -> JsonResponse:
    headers = {"Retry-After": str(error.extra.pop("retry_after"))} if "retry_after" in error.extra else None
    return _reply(error.as_dict(), error.status, headers)


def _ok(**fields) -> dict:
    return {"status": "OK", "ErrorCode": "0", "ErrorDesc": "", **fields}


def _remote(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _authenticate(request, operation: str) -> auth.SystemCredentials:
    system_id = request.headers.get("X-System-Id", "")
    credentials = auth.authenticate(system_id, request.headers.get("X-System-Secret", ""))
    if credentials is None:
        error = unauthorized()
        # Recorded for the operators, at most a few a second per address so guessing cannot flood the table.
        if ratelimit.unauthenticated_log.hit(_remote(request), 1.0, 5) == 0:
            services.rejection_record(
                system_label=system_id[:64], operation=operation, error=error, remote_address=_remote(request)
            )
        raise error
    if credentials.client_cert_sha256:
        presented = request.META.get(CLIENT_CERT_ENVIRON, "")
        if presented != credentials.client_cert_sha256:
            error = HubError(
                "CLIENT_CERT_REQUIRED", _("Hệ thống phải kết nối bằng chứng thư máy khách đã đăng ký."), 403
            )
            services.rejection_record(
                system_label=credentials.system_id,
                system_pk=credentials.pk,
                operation=operation,
                error=error,
                remote_address=_remote(request),
            )
            raise error
    rate = credentials.rate_per_second
    burst = credentials.rate_burst
    wait = ratelimit.systems.hit(
        credentials.pk,
        float(hub_setting("EGOV_HUB_RATE_PER_SECOND") if rate is None else rate),
        int(hub_setting("EGOV_HUB_RATE_BURST") if burst is None else burst),
    )
    if wait:
        with _counts_lock:
            rate_limited_counts[credentials.system_id] += 1
        raise HubError(
            "RATE_LIMITED",
            _("Hệ thống gửi quá nhiều yêu cầu; hãy thử lại sau %(seconds)s giây.") % {"seconds": wait},
            429,
            extra={"retry_after": wait},
        )
    return credentials


def hub_api(operation: str, methods: tuple[str, ...]):
    """Authenticate, rate-limit and turn every HubError into its JSON reply."""

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                if request.method not in methods:
                    raise HubError("METHOD_NOT_ALLOWED", _("Phương thức HTTP không được hỗ trợ."), 405)
                caller = _authenticate(request, operation)
                return view(request, caller, *args, **kwargs)
            except HubError as error:
                return _fail(error)

        return wrapper

    return decorate


def _read_body(request, limit: int) -> bytes:
    """The request body, refused before it is read when its declared or actual size passes `limit`."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise bad_request(_("Content-Length không hợp lệ.")) from None
    if declared > limit:
        raise too_large(limit)
    data = request.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit)
    return data


def _int_param(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise bad_request(
            _("Tham số %(name)s phải từ %(low)s đến %(high)s.") % {"name": name, "low": low, "high": high}, name
        )
    return value


def _accept(request, caller, kind: str) -> JsonResponse:
    limit = int(hub_setting("EGOV_HUB_MAX_BYTES"))
    try:
        body = _read_body(request, limit)
    except HubError as error:
        services.rejection_record(
            system_label=caller.system_id,
            system_pk=caller.pk,
            operation=kind,
            error=error,
            remote_address=_remote(request),
        )
        raise
    outcome = services.message_accept(caller=caller, body=body, expected_kind=kind, remote_address=_remote(request))
    return _reply(outcome.reply(), outcome.http_status)


@hub_api("edoc", ("POST",))
def edocs(request, caller):
    return _accept(request, caller, MessageKind.EDOC)


@hub_api("status", ("POST",))
def statuses(request, caller):
    return _accept(request, caller, MessageKind.STATUS)


def _batch_bodies(request) -> list[bytes | HubError]:
    data = _read_body(request, int(hub_setting("EGOV_HUB_BATCH_MAX_BYTES")))
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise bad_request(_("Nội dung yêu cầu không phải JSON hợp lệ.")) from None
    items = payload.get("items") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        raise bad_request(_("Cần danh sách items gồm ít nhất một gói tin."), "items")
    most = int(hub_setting("EGOV_HUB_BATCH_MAX_ITEMS"))
    if len(items) > most:
        raise bad_request(_("Mỗi lần gửi tối đa %(n)s gói tin.") % {"n": most}, "items")
    bodies: list[bytes | HubError] = []
    for item in items:
        encoded = item.get("body") if isinstance(item, dict) else None
        try:
            if not isinstance(encoded, str):
                raise ValueError
            bodies.append(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError):
            bodies.append(HubError("malformed", _("Gói tin không được mã hóa base64 đúng."), 400, field="body"))
    return bodies


@hub_api("batch", ("POST",))
def batch(request, caller):
    items = _batch_bodies(request)
    bodies = [item for item in items if isinstance(item, bytes)]
    outcomes = iter(services.batch_accept(caller=caller, bodies=bodies, remote_address=_remote(request)))
    results = []
    refused = []
    for item in items:
        if isinstance(item, HubError):
            refused.append(services.Outcome(error=item))
            results.append({**item.as_dict(), "HttpStatus": item.status})
        else:
            outcome = next(outcomes)
            results.append({**outcome.reply(), "HttpStatus": outcome.http_status})
    if refused:
        services.rejections_record(caller=caller, operation="batch", outcomes=refused, remote_address=_remote(request))
    return _reply(_ok(results=results))


@hub_api("received", ("GET",))
def received(request, caller):
    limit = _int_param(request, "limit", 50, 1, 200)
    include_body = _int_param(request, "include_body", 0, 0, 1) == 1
    return _reply(_ok(data=selectors.received_list(caller=caller, limit=limit, include_body=include_body)))


@hub_api("get", ("GET",))
def received_one(request, caller, delivery_id: int):
    found = selectors.delivery_body(caller=caller, delivery_id=delivery_id)
    if found is None:
        raise not_found()
    values, body = found
    response = HttpResponse(body, content_type="application/xml")
    response["X-Doc-Id"] = str(values["message__doc_id"])
    response["X-Sha256"] = values["message__sha256"]
    response["X-Message-Type"] = values["message__kind"]
    return response


def _ack_reply(caller, ids: list[int]) -> JsonResponse:
    result = services.deliveries_ack(caller=caller, ids=ids)
    data = _ok(Acknowledged=result.acknowledged)
    if result.not_found:
        data["NotFound"] = result.not_found
    return _reply(data)


@hub_api("ack", ("POST",))
def ack(request, caller):
    data = _read_body(request, 1024 * 1024)
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise bad_request(_("Nội dung yêu cầu không phải JSON hợp lệ.")) from None
    ids = payload.get("ids") if isinstance(payload, dict) else None
    if (
        not isinstance(ids, list)
        or len(ids) > 1000
        or not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**63 for i in ids)
    ):
        raise bad_request(_("ids phải là danh sách tối đa 1000 số hiệu gói tin."), "ids")
    return _ack_reply(caller, ids)


@hub_api("ack", ("POST",))
def ack_one(request, caller, delivery_id: int):
    return _ack_reply(caller, [delivery_id])


@hub_api("sent", ("GET",))
def sent(request, caller):
    limit = _int_param(request, "limit", 50, 1, 200)
    rows = selectors.sent_list(caller=caller, limit=limit, after=request.GET.get("after", "").strip())
    if rows is None:
        raise bad_request(_("Tham số after phải là DocId hoặc số thứ tự của một gói tin đã gửi."), "after")
    return _reply(_ok(data=rows))


@hub_api("count", ("GET",))
def count(request, caller):
    return _reply(_ok(**selectors.waiting_count(caller=caller)))


def health(request):
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        log.exception("hub health check: database unavailable")
        return _reply({"status": "FAIL", "Database": "FAIL"}, 503)
    return _reply({"status": "OK", "Database": "OK"})
