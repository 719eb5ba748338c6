"""Rate limits, health, metrics, the operators' page, secrets and retention."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from egov.hub import auth
from egov.hub.models import DeliveryState, HubDelivery, HubMessage, HubRejection, HubSystem
from egov.hub.ratelimit import TokenBucket
from egov.hub.services import deliveries_ack, purge, secret_rotate
from egov.hub.tests.conftest import A1, B1, C1, make_edoc

pytestmark = pytest.mark.django_db


# --- rate limits ----------------------------------------------------------------------------------------
def test_rate_limit_answers_429_with_retry_after(hub, systems):
    HubSystem.objects.filter(system_id="sys-b").update(rate_per_second=0.01, rate_burst=2)
    auth.clear_cache()

    statuses = [hub["sys-b"].get("count").status_code for _ in range(3)]
    response = hub["sys-b"].get("count")

    assert statuses == [200, 200, 429]
    assert response.status_code == 429
    assert response["Retry-After"] == "100"
    assert response.json() == {
        "status": "FAIL",
        "ErrorCode": "RATE_LIMITED",
        "ErrorDesc": "Hệ thống gửi quá nhiều yêu cầu; hãy thử lại sau 100 giây.",
    }
    # Other systems have their own buckets.
    assert hub["sys-a"].get("count").status_code == 200


def test_default_rate_limit_comes_from_settings(hub, settings):
    settings.EGOV_HUB_RATE_PER_SECOND = 0.5
    settings.EGOV_HUB_RATE_BURST = 1

    assert [hub["sys-c"].get("count").status_code for _ in range(2)] == [200, 429]


def test_token_bucket_refills_with_time():
    bucket = TokenBucket(rate=2.0, burst=2)
    start = bucket.stamp

    assert [bucket.take(start), bucket.take(start), bucket.take(start)] == [0.0, 0.0, 0.5]
    assert bucket.take(start + 0.5) == 0.0
    assert bucket.take(start + 0.5) == 0.5


# --- health and metrics ---------------------------------------------------------------------------------
def test_health_needs_no_credentials(client):
    response = client.get("/hub/health")

    assert response.status_code == 200
    assert response.json() == {"status": "OK", "Database": "OK"}


def test_health_reports_a_database_failure(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, *args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(CursorWrapper, "execute", broken)

    response = client.get("/hub/health")

    assert response.status_code == 503
    assert response.json() == {"status": "FAIL", "Database": "FAIL"}


def test_metrics(client, hub, keys, systems):
    HubSystem.objects.filter(system_id="sys-c").update(rate_per_second=0.01, rate_burst=1)
    auth.clear_cache()
    body, _doc = make_edoc(keys, A1, [B1, C1])
    hub["sys-a"].post_xml("edocs", body)
    hub["sys-a"].post_xml("edocs", b"<bad")
    deliveries_ack(caller=auth.lookup("sys-b"), ids=list(HubDelivery.objects.values_list("id", flat=True)))
    HubDelivery.objects.filter(recipient_organ=C1).update(created_at=timezone.now() - dt.timedelta(seconds=90))
    hub["sys-c"].get("count")
    hub["sys-c"].get("count")  # rate limited

    response = client.get("/hub/metrics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert [line for line in lines if line.startswith("egov_hub_waiting_deliveries")] == [
        'egov_hub_waiting_deliveries{system="sys-a"} 0',
        'egov_hub_waiting_deliveries{system="sys-b"} 0',
        'egov_hub_waiting_deliveries{system="sys-c"} 1',
    ]
    assert [line for line in lines if line.startswith("egov_hub_accepted_total")] == [
        'egov_hub_accepted_total{system="sys-a"} 1',
        'egov_hub_accepted_total{system="sys-b"} 0',
        'egov_hub_accepted_total{system="sys-c"} 0',
    ]
    assert 'egov_hub_acknowledged_total{system="sys-b"} 1' in lines
    assert 'egov_hub_acknowledged_total{system="sys-c"} 0' in lines
    assert [line for line in lines if line.startswith("egov_hub_rejected_total")] == [
        'egov_hub_rejected_total{system="sys-a",code="malformed"} 1'
    ]
    assert [line for line in lines if line.startswith("egov_hub_rate_limited_total")] == [
        'egov_hub_rate_limited_total{system="sys-c"} 1'
    ]
    oldest = next(line for line in lines if line.startswith('egov_hub_oldest_waiting_seconds{system="sys-c"}'))
    assert 90 <= float(oldest.split()[-1]) < 3600
    assert 'egov_hub_oldest_waiting_seconds{system="sys-a"} 0.000' in lines
    assert "# TYPE egov_hub_rejected_total counter" in lines


def test_metrics_token(client, settings):
    settings.EGOV_HUB_METRICS_TOKEN = "scrape-me"

    assert client.get("/hub/metrics").status_code == 401
    assert client.get("/hub/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/hub/metrics", HTTP_AUTHORIZATION="Bearer scrape-me").status_code == 200


# --- the operators' page --------------------------------------------------------------------------------
def test_admin_page_requires_login(client):
    response = client.get("/hub/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/hub/admin/login/?next=/hub/admin/"


def test_admin_page_refuses_an_account_that_is_not_an_operator(client, people):
    client.force_login(people["sysadmin"], backend="django.contrib.auth.backends.ModelBackend")

    assert client.get("/hub/admin/").status_code == 403


def test_admin_page_shows_queues_throughput_and_failures(client, people, hub, keys, monkeypatch):
    # The node's account model has no is_staff; the hub's own (django.contrib.auth) has, see test_process.
    monkeypatch.setattr("egov.hub.admin_views.is_operator", lambda user: user.username == "sysadmin")
    client.force_login(people["sysadmin"], backend="django.contrib.auth.backends.ModelBackend")
    body, _doc = make_edoc(keys, A1, [B1, C1])
    hub["sys-a"].post_xml("edocs", body)
    hub["sys-a"].post_xml("edocs", b"<bad")
    deliveries_ack(caller=auth.lookup("sys-b"), ids=list(HubDelivery.objects.values_list("id", flat=True)))

    response = client.get("/hub/admin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Hệ thống kết nối</caption>' in html
    assert '<dd class="govuk-summary-list__value" id="total-waiting">1</dd>' in html
    rows = {row["system"].system_id: row for row in response.context["overview"]}
    assert (rows["sys-a"]["organs"], rows["sys-a"]["accepted_5m"], rows["sys-a"]["accepted_24h"]) == (
        ["000.00.31.H40", "000.00.32.H40"],
        1,
        1,
    )
    assert (rows["sys-b"]["waiting"], rows["sys-b"]["delivered_5m"], rows["sys-b"]["delivered_24h"]) == (0, 1, 1)
    assert (rows["sys-c"]["waiting"], rows["sys-c"]["delivered_24h"]) == (1, 0)
    assert '<td class="govuk-table__cell"><code>malformed</code></td>' in html
    assert "Gói tin không đúng định dạng XML." in html
    assert '<th scope="row" class="govuk-table__header">sys-c</th>' in html


def test_admin_page_query_count_does_not_grow_with_systems(client, people, systems, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egov.hub.services import system_register

    monkeypatch.setattr("egov.hub.admin_views.is_operator", lambda user: True)
    client.force_login(people["sysadmin"], backend="django.contrib.auth.backends.ModelBackend")
    client.get("/hub/admin/")
    with CaptureQueriesContext(connection) as before:
        client.get("/hub/admin/")
    for n in range(5):
        system_register(system_id=f"more-{n}", name="Thêm", organs=[f"000.00.{n}.X01"])
    with CaptureQueriesContext(connection) as after:
        client.get("/hub/admin/")
    assert len(after.captured_queries) == len(before.captured_queries)


# --- secrets --------------------------------------------------------------------------------------------
def test_secrets_are_stored_as_salted_hashes(systems):
    system = HubSystem.objects.get(system_id="sys-a")
    secret = systems["sys-a"].secret

    scheme, salt, digest = system.secret_hash.split("$")
    assert (scheme, len(salt), len(digest)) == ("hmac-sha256", 32, 64)
    assert secret not in system.secret_hash
    assert len(secret) == 43
    assert auth.check_secret(secret, system.secret_hash) is True
    assert auth.check_secret(secret + "x", system.secret_hash) is False
    assert auth.check_secret(secret, "md5$x$y") is False
    assert auth.hash_secret(secret) != auth.hash_secret(secret)  # a new salt each time


def test_rotating_a_secret_locks_the_old_one_out(hub, systems):
    old_headers = dict(hub["sys-b"].system.headers)
    new = secret_rotate(system=HubSystem.objects.get(system_id="sys-b"))

    assert hub["sys-b"].client.get("/hub/v1/count", **old_headers).status_code == 401
    headers = {**old_headers, "HTTP_X_SYSTEM_SECRET": new}
    assert hub["sys-b"].client.get("/hub/v1/count", **headers).status_code == 200


def test_an_organisation_belongs_to_one_system(systems):
    from egov.hub.errors import HubError
    from egov.hub.services import organisation_add

    with pytest.raises(HubError) as caught:
        organisation_add(system=HubSystem.objects.get(system_id="sys-b"), organ_id=A1)
    assert caught.value.code == "ORGAN_TAKEN"
    assert caught.value.message == "Mã định danh 000.00.31.H40 đã thuộc hệ thống sys-a."


def test_unauthenticated_rejections_are_recorded_at_a_bounded_rate(client, systems):
    for _ in range(20):
        client.get("/hub/v1/count", HTTP_X_SYSTEM_ID="sys-a", HTTP_X_SYSTEM_SECRET="guess")

    assert HubRejection.objects.filter(code="UNAUTHORIZED", system_label="sys-a", system=None).count() == 5
    lines = client.get("/hub/metrics").content.decode().splitlines()
    assert 'egov_hub_rejected_total{system="",code="UNAUTHORIZED"} 5' in lines


# --- retention ------------------------------------------------------------------------------------------
def _age(message_id: int, days: int, *, acked_days: int | None = None) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    HubMessage.objects.filter(id=message_id).update(received_at=when)
    HubDelivery.objects.filter(message_id=message_id).update(created_at=when)
    if acked_days is not None:
        HubDelivery.objects.filter(message_id=message_id).update(
            state=DeliveryState.ACKNOWLEDGED, acked_at=timezone.now() - dt.timedelta(days=acked_days)
        )


def test_purge_rules(hub, keys):
    ids = {}
    for name in ("fresh_acked", "old_acked", "old_waiting", "stale", "ancient", "partly"):
        body, _doc = make_edoc(keys, A1, [B1, C1] if name == "partly" else [B1])
        hub["sys-a"].post_xml("edocs", body)
        ids[name] = HubMessage.objects.latest("id").id
    _age(ids["fresh_acked"], 5, acked_days=4)
    _age(ids["old_acked"], 31, acked_days=30)
    _age(ids["old_waiting"], 60)
    _age(ids["stale"], 91)
    _age(ids["ancient"], 400, acked_days=399)
    _age(ids["partly"], 40)
    HubDelivery.objects.filter(message_id=ids["partly"], recipient_organ=B1).update(
        state=DeliveryState.ACKNOWLEDGED, acked_at=timezone.now()
    )

    report = purge()

    assert (report.expired, report.bodies_deleted, report.messages_deleted) == (1, 3, 1)
    messages = {m.id: m for m in HubMessage.objects.all()}
    assert ids["ancient"] not in messages
    assert messages[ids["fresh_acked"]].body is not None
    assert messages[ids["old_waiting"]].body is not None
    assert messages[ids["partly"]].body is not None  # C1 still waits for it
    for name in ("old_acked", "stale"):
        assert (messages[ids[name]].body, messages[ids[name]].purged_at is not None) == (None, True)
    assert HubDelivery.objects.get(message_id=ids["stale"]).state == "expired"
    # The metadata stays for `sent`; the body is gone for `received/<Id>`.
    sent = {row["DocId"]: row for row in hub["sys-a"].get("sent", {"limit": 200}).json()["data"]}
    assert sent[str(messages[ids["stale"]].doc_id)]["Recipients"][0]["State"] == "expired"
    old_delivery = HubDelivery.objects.get(message_id=ids["old_acked"])
    assert hub["sys-b"].get(f"received/{old_delivery.id}").status_code == 404
    assert [row["Id"] for row in hub["sys-b"].get("received").json()["data"]] == [
        HubDelivery.objects.get(message_id=ids["old_waiting"]).id
    ]
    assert purge() == type(report)()  # idempotent


def test_purge_works_in_batches(hub, keys, settings):
    settings.EGOV_HUB_PURGE_BATCH = 2
    for _ in range(5):
        body, _doc = make_edoc(keys, A1, [B1])
        hub["sys-a"].post_xml("edocs", body)
        _age(HubMessage.objects.latest("id").id, 100)

    report = purge()

    assert (report.expired, report.bodies_deleted) == (5, 5)
    assert HubMessage.objects.filter(body__isnull=False).count() == 0


def test_old_rejections_are_forgotten(hub):
    hub["sys-a"].post_xml("edocs", b"<bad")
    HubRejection.objects.update(at=timezone.now() - dt.timedelta(days=400))

    assert purge().rejections_deleted == 1
    assert HubRejection.objects.count() == 0


def test_bodies_are_stored_uncompressed_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("column storage is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'hub_hubmessage'::regclass AND attname = 'body'"
        )
        assert cursor.fetchone() == ("e",)
