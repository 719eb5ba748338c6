"""A document issued by one organisation reaches another through the outbox, the hub and the inbox."""

import pytest

from egov.documents.models import DeliveryState, Document, IncomingState
from egov.documents.services.incoming import document_register
from egov.documents.services.issuing import document_issue, document_sign
from egov.documents.tests.factories import PIN, actor, approved_draft
from egov.exchange.models import InboxMessage, OutboxMessage, ReceivedDocument, SentDocument, StatusEntry
from egov.exchange.testing import run_exchange

pytestmark = pytest.mark.django_db


def issued(agency, **overrides):
    document = approved_draft(agency, **overrides)
    document = document_sign(actor=actor(agency.director), document=document, pin=PIN)
    return document_issue(actor=actor(agency.clerk), document=document, pin=PIN)


def test_issue_queues_one_outbox_row_in_the_issuing_transaction(exchange):
    document = issued(exchange)
    row = OutboxMessage.objects.get()
    sent = SentDocument.objects.get(document=document)
    assert (row.kind, row.to_codes, row.business_type, row.edxml_id) == (
        "edoc",
        [exchange.recipient_org.code],
        0,
        sent.edxml_id,
    )
    assert sent.edxml_id == f"{exchange.org.code},{document.issued_on:%Y/%m/%d},{document.number_symbol}"
    recipient = document.recipients.get()
    assert recipient.delivery_state == DeliveryState.AWAITING_EXCHANGE
    assert not Document.objects.filter(organisation=exchange.recipient_org).exists()


def test_package_registers_at_the_recipient_and_statuses_come_back(exchange):
    document = issued(exchange)
    totals = run_exchange()
    assert OutboxMessage.objects.count() == 0
    copy = Document.objects.get(organisation=exchange.recipient_org)
    assert (copy.state, copy.channel, copy.number_symbol, copy.subject, copy.issuer_code) == (
        IncomingState.ARRIVED,
        "platform",
        document.number_symbol,
        document.subject,
        exchange.org.code,
    )
    assert copy.files.get().sha256 == document.files.get(is_current=True, role="main").sha256
    assert ReceivedDocument.objects.get().document == copy
    recipient = document.recipients.get()
    assert recipient.delivery_state == DeliveryState.DELIVERED  # status 01 came back
    assert recipient.delivered_copy == copy
    assert totals["applied"] == 2  # the package at Hải Hậu, then its 01 at the sender

    document_register(actor=actor(exchange.recipient_clerk), document=copy, values={})
    run_exchange()
    recipient.refresh_from_db()
    assert recipient.delivery_state == DeliveryState.RECEIVED
    codes = list(StatusEntry.objects.filter(document=document, direction="received").values_list("code", flat=True))
    assert codes == ["01", "03"]
    assert list(InboxMessage.objects.values_list("state", flat=True)) == ["applied", "applied", "applied"]


def test_the_same_delivery_applied_twice_registers_once(exchange):
    issued(exchange)
    from egov.exchange import client as client_module
    from egov.exchange.services.push import push
    from egov.exchange.services.receive import apply_delivery

    with client_module.configured_client() as client:
        push(client)
        deliveries = client.received(limit=10)
        assert len(deliveries) == 1
        first = apply_delivery(client.config.url, deliveries[0], deliveries[0].body)
        again = apply_delivery(client.config.url, deliveries[0], deliveries[0].body)
        # Delivered again under another delivery id (the hub re-queued it): still one registration.
        moved = type(deliveries[0])(**{**deliveries[0].__dict__, "id": deliveries[0].id + 1000})
        third = apply_delivery(client.config.url, moved, moved.body)
    assert (first, again, third) == ("applied", "duplicate", "duplicate")
    assert Document.objects.filter(organisation=exchange.recipient_org).count() == 1
