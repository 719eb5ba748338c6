"""The node's outbox, push, poll and receipt: failures, refusals, recalls, updates and the lease."""

import datetime as dt

import httpx
import pytest
from django.utils import timezone

from egov.documents.models import DeliveryState, Document, IncomingState, SigningKey
from egov.documents.services.issuing import document_issue, document_recall, document_sign
from egov.documents.tests.factories import CREDENTIALS, PIN, actor, approved_draft
from egov.exchange import client as client_module
from egov.exchange import edxml, keys, lease
from egov.exchange.client import HubClient, HubConfig
from egov.exchange.models import InboxMessage, Lease, OutboxMessage, ReceivedDocument, StatusEntry
from egov.exchange.services.push import push
from egov.exchange.testing import run_exchange

pytestmark = pytest.mark.django_db


def issued(agency, **overrides):
    document = approved_draft(agency, **overrides)
    document = document_sign(actor=actor(agency.director), document=document, pin=PIN)
    return document_issue(actor=actor(agency.clerk), document=document, pin=PIN)


def received_codes(document):
    return list(StatusEntry.objects.filter(document=document, direction="received").values_list("code", flat=True))


# --- sending ----------------------------------------------------------------------------------------------
def test_one_package_per_recipient_and_an_unknown_recipient_fails_alone(exchange):
    document = approved_draft(exchange)
    document.recipients.create(kind="external", organisation_code="000.00.99.Z99", organisation_name="Cơ quan lạ")
    document = document_sign(actor=actor(exchange.director), document=document, pin=PIN)
    document = document_issue(actor=actor(exchange.clerk), document=document, pin=PIN)
    assert sorted(OutboxMessage.objects.values_list("to_codes", flat=True)) == [["000.00.35.H40"], ["000.00.99.Z99"]]
    run_exchange()
    failed = OutboxMessage.objects.get()
    assert (failed.failed, failed.to_codes, failed.last_error.split(":")[0]) == (
        True,
        ["000.00.99.Z99"],
        "UNKNOWN_RECIPIENT",
    )
    states = dict(document.recipients.values_list("organisation_code", "delivery_state"))
    assert states == {"000.00.35.H40": DeliveryState.DELIVERED, "000.00.99.Z99": DeliveryState.AWAITING_EXCHANGE}
    unknown = document.recipients.get(organisation_code="000.00.99.Z99")
    assert unknown.note.startswith("Trục liên thông từ chối gói tin: ")
    assert document.events.filter(kind="exchange.refused").count() == 1


def test_hub_unreachable_keeps_the_row_and_backs_off(exchange, settings):
    issued(exchange)

    def down(request):
        raise httpx.ConnectError("connection refused")

    with HubClient(HubConfig.from_settings(), transport=httpx.MockTransport(down)) as client:
        report = push(client)
    row = OutboxMessage.objects.get()
    assert (report.sent, report.retried, row.attempts, row.failed) == (0, 1, 1, False)
    assert row.last_error.startswith("NETWORK: ")
    assert row.next_attempt_at > timezone.now()
    assert row.payload  # built and signed once: the retry sends the very same bytes
    payload = bytes(row.payload)
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    run_exchange()
    assert OutboxMessage.objects.count() == 0
    assert Document.objects.filter(organisation=exchange.recipient_org).count() == 1
    assert len(payload) > 1000


def test_a_conversation_keeps_its_order_when_an_older_message_backs_off(exchange):
    from egov.exchange.services import outbox

    document = issued(exchange)
    run_exchange()
    copy = Document.objects.get(organisation=exchange.recipient_org)
    four = outbox.enqueue_status(copy, "04", actor=actor(exchange.recipient_clerk))
    five = outbox.enqueue_status(copy, "05", actor=actor(exchange.recipient_clerk))
    other = issued(exchange, subject="Văn bản thứ hai")  # another conversation is not held up
    # The 04 failed once and waits for its retry: the 05 after it waits too.
    OutboxMessage.objects.filter(pk=four.pk).update(next_attempt_at=timezone.now() + dt.timedelta(minutes=5))
    with client_module.configured_client() as client:
        report = push(client)
        assert report.sent == 1
        assert list(OutboxMessage.objects.order_by("id").values_list("pk", flat=True)) == [four.pk, five.pk]
        # Due again: only the oldest of the conversation goes in a batch, the 05 in the next round.
        OutboxMessage.objects.filter(pk=four.pk).update(next_attempt_at=timezone.now())
        assert push(client).sent == 1
        assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [five.pk]
        assert push(client).sent == 1
    assert OutboxMessage.objects.count() == 0
    run_exchange()
    assert received_codes(document) == ["01", "04", "05"]
    assert document.recipients.get().delivery_state == DeliveryState.HANDLING
    assert Document.objects.get(organisation=exchange.recipient_org, subject=other.subject).direction == "incoming"


def test_identical_bytes_sent_again_are_a_duplicate_not_a_second_delivery(exchange):
    issued(exchange)
    with client_module.configured_client() as client:
        push(client)
        # The node crashed after the hub stored the package but before the row was deleted: it sends again.
        row_bytes = client.received(limit=5)[0].body
        result = client.send(row_bytes, kind="edoc")
    assert (result.ok, result.code, result.http_status) == (True, "DUPLICATE", 409)
    run_exchange()
    assert Document.objects.filter(organisation=exchange.recipient_org).count() == 1


def test_without_a_seal_key_the_message_waits(exchange):
    document = issued(exchange)
    SigningKey.objects.filter(organisation=exchange.org).update(active=False)
    keys.forget()
    totals = run_exchange()
    row = OutboxMessage.objects.get()
    assert (totals["sent"], row.failed, row.attempts, row.document) == (0, False, 1, document)
    assert "chưa có khóa ký số cơ quan" in row.last_error


def test_secret_documents_do_not_travel(exchange):
    from egov.exchange.dispatch import ExchangeDispatcher

    document = issued(exchange)
    OutboxMessage.objects.all().delete()
    document.secrecy = "secret"
    document.save(update_fields=["secrecy"])
    ExchangeDispatcher().send(
        document=document, recipients=list(document.recipients.all()), actor=actor(exchange.clerk)
    )
    assert OutboxMessage.objects.count() == 0
    recipient = document.recipients.get()
    assert (recipient.delivery_state, recipient.note) == (
        DeliveryState.PENDING,
        "Văn bản mật: gửi bản giấy, không qua trục.",
    )


# --- receiving --------------------------------------------------------------------------------------------
def test_arrival_is_checked_after_the_commit(exchange):
    from egov.documents.tasks import check_arrival_now

    issued(exchange)
    run_exchange()
    copy = Document.objects.get(organisation=exchange.recipient_org)
    assert copy.format_checked_at is None
    assert check_arrival_now(copy.pk) is True
    copy.refresh_from_db()
    assert copy.format_checked_at is not None
    assert check_arrival_now(copy.pk) is False  # once


def test_recall_destroys_the_copy_and_comes_back_accepted(exchange):
    document = issued(exchange)
    run_exchange()
    copy = Document.objects.get(organisation=exchange.recipient_org)
    document_recall(actor=actor(exchange.director), document=document, reason="Sai thẩm quyền ban hành")
    run_exchange()
    copy.refresh_from_db()
    assert (copy.state, copy.files.count(), copy.recall_reason) == (
        IncomingState.RECALLED,
        0,
        "Sai thẩm quyền ban hành",
    )
    assert ReceivedDocument.objects.get().document == copy  # the recall's record stays
    assert received_codes(document) == ["01", "15"]
    assert document.recipients.get().delivery_state == DeliveryState.RECALLED


def test_recall_before_sending_withdraws_the_package(exchange):
    document = issued(exchange)
    document_recall(actor=actor(exchange.director), document=document, reason="Nhầm nơi nhận")
    assert OutboxMessage.objects.count() == 0
    assert document.events.filter(kind="exchange.withdrawn").count() == 1
    run_exchange()
    assert not Document.objects.filter(organisation=exchange.recipient_org).exists()


def _signed(agency, package):
    credential = CREDENTIALS.organisation(agency.org)
    signer = edxml.XmlSigner.from_pkcs12(credential.p12_path, PIN)
    return edxml.build_package(package, signer=signer)


def _update_of(agency, document, subject):
    from egov.exchange import mapping

    package = mapping.package_of(
        document,
        to_codes=[agency.recipient_org.code],
        to_names={agency.recipient_org.code: agency.recipient_org.name},
        business_type=2,
        reason="Sửa trích yếu",
    )
    package.header.subject = subject
    return _signed(agency, package)


def test_update_changes_the_copy_and_is_accepted(exchange):
    document = issued(exchange)
    run_exchange()
    with client_module.configured_client() as client:
        result = client.send(_update_of(exchange, document, "Quyết định (cập nhật) ban hành Kế hoạch"), kind="edoc")
    assert result.ok
    run_exchange()
    copy = Document.objects.get(organisation=exchange.recipient_org)
    assert copy.subject == "Quyết định (cập nhật) ban hành Kế hoạch"
    assert copy.events.filter(kind="exchange.updated").count() == 1
    assert received_codes(document) == ["01", "15"]


def test_a_package_failing_verification_is_refused_with_status_02(exchange):
    from egov.exchange.client import Delivery
    from egov.exchange.services.receive import apply_delivery

    document = issued(exchange)
    with client_module.configured_client() as client:
        push(client)
        delivery = client.received(limit=1)[0]
    tampered = delivery.body.replace("Quyết định ban hành".encode(), "Quyết định bãi bỏ".encode(), 1)
    assert tampered != delivery.body
    forged = Delivery(**{**delivery.__dict__, "id": delivery.id + 1000, "body": tampered})
    state = apply_delivery("http://hub.test", forged, tampered)
    assert state == "refused"
    inbox = InboxMessage.objects.get()
    assert (inbox.state, inbox.error_code) == ("refused", "signature_invalid")
    status = OutboxMessage.objects.get(kind="status")
    assert (status.status_code, status.to_codes, status.edxml_id) == (
        "02",
        [exchange.org.code],
        delivery.document_id,
    )
    assert not Document.objects.filter(organisation=exchange.recipient_org).exists()
    run_exchange()  # the genuine delivery is still waiting at the hub and registers; the 02 reaches the sender
    assert Document.objects.filter(organisation=exchange.recipient_org).count() == 1
    assert received_codes(document) == ["02", "01"]


def test_a_status_for_a_document_never_sent_is_refused(exchange):
    from egov.exchange.client import Delivery
    from egov.exchange.services.receive import apply_delivery

    credential = CREDENTIALS.organisation(exchange.recipient_org)
    signer = edxml.XmlSigner.from_pkcs12(credential.p12_path, PIN)
    body = edxml.build_status(
        edxml.StatusMessage(
            response_for=edxml.ResponseFor(
                organ_id=exchange.org.code, document_id=f"{exchange.org.code},2026/01/05,99/QĐ-STTTT"
            ),
            from_=edxml.Organ(organ_id=exchange.recipient_org.code, organ_name="Hải Hậu"),
            status_code=edxml.StatusCode.RECEIVED,
            timestamp=timezone.now(),
            staff_info=edxml.StaffInfo(),
        ),
        signer=signer,
    )
    delivery = Delivery(
        id=77,
        doc_id="x",
        kind="status",
        from_code=exchange.recipient_org.code,
        to_code=exchange.org.code,
        document_id=f"{exchange.org.code},2026/01/05,99/QĐ-STTTT",
        sha256="",
        size=len(body),
        body=body,
    )
    assert apply_delivery("http://hub.test", delivery, body) == "refused"
    assert InboxMessage.objects.get().error_code == "UNKNOWN_DOCUMENT"
    assert OutboxMessage.objects.count() == 0  # no 02 for a status


def test_an_older_status_arriving_late_does_not_undo_a_newer_one(exchange):
    from egov.exchange.services import outbox

    document = issued(exchange)
    run_exchange()
    copy = Document.objects.get(organisation=exchange.recipient_org)
    six = outbox.enqueue_status(copy, "06", actor=actor(exchange.recipient_clerk))
    late = outbox.enqueue_status(copy, "03", actor=actor(exchange.recipient_clerk))
    # Within the same second (edXML timestamps have whole seconds) and pushed after it: the 06 stands.
    OutboxMessage.objects.filter(pk=late.pk).update(created_at=six.created_at)
    run_exchange()
    assert received_codes(document) == ["01", "06", "03"]
    assert document.recipients.get().delivery_state == DeliveryState.COMPLETED
    # A status that is truly later still applies.
    outbox.enqueue_status(copy, "02", actor=actor(exchange.recipient_clerk), description="Gửi nhầm")
    OutboxMessage.objects.filter(status_code="02").update(created_at=six.created_at + dt.timedelta(seconds=2))
    run_exchange()
    assert document.recipients.get().delivery_state == DeliveryState.RETURNED


# --- the lease and the client -----------------------------------------------------------------------------
def test_lease_one_holder_at_a_time_and_a_dead_holder_loses_it():
    assert lease.acquire("push") is True
    assert lease.acquire("push") is True  # renewing one's own
    Lease.objects.filter(name="push").update(holder="other-host:1:1")
    assert lease.acquire("push") is False
    import socket

    Lease.objects.filter(name="push").update(holder=f"{socket.gethostname()}:999999999:1")
    assert lease.acquire("push") is True  # that process is gone
    lease.release("push")
    assert Lease.objects.get(name="push").holder == ""


def test_the_adapter_sends_the_configured_header_names_and_path(settings, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    settings.EGOV_EXCHANGE_HUB_URL = "https://axis.example.test/"
    settings.EGOV_EXCHANGE_SYSTEM_ID = "sys-1"
    settings.EGOV_EXCHANGE_SECRET = ""
    settings.EGOV_EXCHANGE_SECRET_FILE = str(secret)
    settings.EGOV_EXCHANGE_API_PREFIX = "/edoc/api/"
    settings.EGOV_EXCHANGE_HEADER_SYSTEM_ID = "systemId"
    settings.EGOV_EXCHANGE_HEADER_SECRET = "secret"
    seen = []

    def axis(request):
        seen.append((request.url.path, request.headers["systemId"], request.headers["secret"]))
        return httpx.Response(200, json={"status": "OK", "ErrorCode": "0", "ErrorDesc": "", "Waiting": 3})

    with HubClient(HubConfig.from_settings(), transport=httpx.MockTransport(axis)) as client:
        assert client.count()["Waiting"] == 3
    assert seen == [("/edoc/api/count", "sys-1", "s3cr3t")]


def test_a_fail_reply_is_an_error_with_the_axis_code():
    def axis(request):
        return httpx.Response(403, json={"status": "FAIL", "ErrorCode": "SENDER_NOT_OWNED", "ErrorDesc": "Không"})

    config = HubConfig(url="http://axis.test", system_id="s", secret="x")
    with (
        HubClient(config, transport=httpx.MockTransport(axis)) as client,
        pytest.raises(client_module.HubError) as caught,
    ):
        client.count()
    assert (caught.value.code, caught.value.http_status, caught.value.transient) == ("SENDER_NOT_OWNED", 403, False)
