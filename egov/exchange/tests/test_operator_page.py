"""The operator's exchange page (/exchange/) and sending again a message the hub refused."""

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.core.errors import InvalidTransition, NotFound, PermissionDenied
from egov.documents.services.issuing import document_issue, document_sign
from egov.documents.tests.factories import PIN, actor, approved_draft
from egov.exchange.models import InboxMessage, OutboxMessage
from egov.exchange.services.operator import outbox_retry
from egov.exchange.testing import run_exchange

pytestmark = pytest.mark.django_db

UNKNOWN = "000.00.99.Z99"
REFUSAL = f"UNKNOWN_RECIPIENT: Đơn vị nhận {UNKNOWN} chưa kết nối với trục liên thông."
OPERATOR_ONLY = "Chỉ quản trị hệ thống được xem và vận hành liên thông văn bản."


@pytest.fixture
def sysadmin(tree):
    return make_person("sysadmin", None, "system_admin")


@pytest.fixture
def refused_row(exchange):
    """A document issued to a recipient code the hub does not know: the hub refuses its package for good."""
    document = approved_draft(exchange)
    document.recipients.update(organisation_code=UNKNOWN)
    document = document_sign(actor=actor(exchange.director), document=document, pin=PIN)
    document = document_issue(actor=actor(exchange.clerk), document=document, pin=PIN)
    run_exchange()
    row = OutboxMessage.objects.get()
    assert (row.failed, row.to_codes, row.last_error, row.attempts) == (True, [UNKNOWN], REFUSAL, 0)
    return document, row


def _state(row_id) -> tuple:
    row = OutboxMessage.objects.get(pk=row_id)
    return (row.failed, row.attempts, row.last_error, bytes(row.payload or b""), row.sha256, row.next_attempt_at)


def _text(element) -> str:
    for br in element.iter("br"):
        br.tail = " " + (br.tail or "")
    return " ".join(element.text_content().split())


def test_page_for_an_administrator(exchange, refused_row, sysadmin, login, settings):
    document, row = refused_row
    InboxMessage.objects.create(
        hub="http://hub.test",
        delivery_id=77,
        hub_doc_id="d-77",
        kind="edoc",
        from_code="000.00.00.H50",
        to_code=exchange.recipient_org.code,
        document_id="000.00.00.H50,2026/11/20,5/UBND-VP",
        sha256="0" * 64,
        size=100,
        state="refused",
        error_code="BAD_SIGNATURE",
        error="Chữ ký số không hợp lệ.",
        received_at=timezone.now(),
    )
    response = login(sysadmin).get(reverse("exchange:operator"))
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert [_text(page.get_element_by_id(i)) for i in ("hub-state", "hub-url", "hub-system-id", "hub-secret")] == [
        "Đã cấu hình",
        "http://hub.test",
        "egov-node",
        "Đã đặt (không hiển thị)",
    ]
    assert settings.EGOV_EXCHANGE_SECRET.encode() not in response.content
    assert (_text(page.get_element_by_id("outbox-pending")), _text(page.get_element_by_id("outbox-failed"))) == (
        "0",
        "1",
    )
    [card] = page.find_class("govuk-summary-card")
    assert card.get("data-outbox") == str(row.pk)
    assert _text(card.find(".//h4")) == document.number_symbol
    assert card.find(".//h4/a").get("href") == reverse("documents:detail", args=[document.pk])
    fields = {dd.get("data-field"): _text(dd) for dd in card.iter("dd") if dd.get("data-field")}
    assert fields == {"to": UNKNOWN, "error": REFUSAL, "attempts": "0"}
    form = card.find(".//form")
    assert (form.get("method"), form.get("action")) == ("post", reverse("exchange:retry", args=[row.pk]))
    assert _text(form.find("button")).startswith("Gửi lại")
    [line] = page.get_element_by_id("refused").find_class("govuk-table__row")[1:]
    assert [_text(td) for td in line.findall("td")][1:] == [
        "BAD_SIGNATURE",
        "Chữ ký số không hợp lệ.",
        "000.00.00.H50",
        exchange.recipient_org.code,
    ]


def test_page_when_the_hub_is_not_configured(sysadmin, login, settings):
    settings.EGOV_EXCHANGE_HUB_URL = ""
    settings.EGOV_EXCHANGE_SYSTEM_ID = ""
    settings.EGOV_EXCHANGE_SECRET = ""
    settings.EGOV_EXCHANGE_SECRET_FILE = ""
    response = login(sysadmin).get(reverse("exchange:operator"))
    page = lxml.html.fromstring(response.content)
    assert _text(page.get_element_by_id("hub-state")) == (
        "Chưa cấu hình Đặt EGOV_EXCHANGE_HUB_URL, EGOV_EXCHANGE_SYSTEM_ID và EGOV_EXCHANGE_SECRET "
        "(hoặc EGOV_EXCHANGE_SECRET_FILE) để gửi, nhận văn bản qua trục."
    )
    assert [_text(page.get_element_by_id(i)) for i in ("hub-url", "hub-system-id", "hub-secret")] == [
        "—",
        "—",
        "Chưa đặt",
    ]
    assert (_text(page.get_element_by_id("no-failed")), _text(page.get_element_by_id("no-refused"))) == (
        "Không có gói tin nào bị trục từ chối.",
        "Không có gói tin nhận về nào bị từ chối.",
    )


def test_others_are_refused_with_the_reason(agency, login, client):
    for person in (agency.clerk, agency.director):
        response = login(person).get(reverse("exchange:operator"))
        assert response.status_code == 403
        assert OPERATOR_ONLY in response.content.decode()
    client.logout()
    response = client.get(reverse("exchange:operator"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_retry_of_a_refused_row(exchange, refused_row, sysadmin, login):
    _document, row = refused_row
    before = _state(row.pk)
    audit_count = AuditEvent.objects.count()

    # A clerk may not: 403 with the reason, the row and the audit trail unchanged.
    response = login(exchange.clerk).post(reverse("exchange:retry", args=[row.pk]))
    assert response.status_code == 403
    assert OPERATOR_ONLY in response.content.decode()
    assert (_state(row.pk), AuditEvent.objects.count()) == (before, audit_count)
    with pytest.raises(PermissionDenied):
        outbox_retry(actor=actor(exchange.director), row_id=row.pk)

    response = login(sysadmin).post(reverse("exchange:retry", args=[row.pk]))
    assert (response.status_code, response["Location"]) == (302, reverse("exchange:operator"))
    row.refresh_from_db()
    assert (row.failed, row.attempts, row.last_error, row.payload, row.sha256) == (False, 0, "", None, "")
    assert row.next_attempt_at > before[5]
    event = AuditEvent.objects.get(action="exchange.outbox.retry")
    assert (event.actor_id, event.object_type, event.object_id, event.scope_org_id) == (
        sysadmin.pk,
        "exchange.outboxmessage",
        str(row.pk),
        exchange.org.pk,
    )
    assert event.before == {"failed": True, "attempts": 0, "last_error": REFUSAL, "sha256": before[4]}
    assert event.after == {"failed": False, "attempts": 0, "to": [UNKNOWN], "document_id": row.edxml_id}
    page = login(sysadmin).get(reverse("exchange:operator"))
    assert "Đã đưa gói tin gửi 000.00.99.Z99 trở lại hàng gửi." in page.content.decode()

    # Twice: the row is no longer refused, so the second is refused, and nothing changes.
    after_first = _state(row.pk)
    response = login(sysadmin).post(reverse("exchange:retry", args=[row.pk]))
    assert response.status_code == 409
    message = "Chỉ gửi lại được gói tin đã bị trục liên thông từ chối."
    assert _text(lxml.html.fromstring(response.content).get_element_by_id("operator-error")) == message
    assert (_state(row.pk), AuditEvent.objects.filter(action="exchange.outbox.retry").count()) == (after_first, 1)
    with pytest.raises(InvalidTransition):
        outbox_retry(actor=actor(sysadmin), row_id=row.pk)

    # Sent again, built anew: the hub still does not know the recipient, so it is refused again.
    run_exchange()
    row.refresh_from_db()
    assert (row.failed, row.last_error) == (True, REFUSAL)
    assert bytes(row.payload)[:5] == b"<?xml" and len(row.sha256) == 64

    with pytest.raises(NotFound):
        outbox_retry(actor=actor(sysadmin), row_id=row.pk + 1000)
    assert login(sysadmin).get(reverse("exchange:retry", args=[row.pk])).status_code == 405
