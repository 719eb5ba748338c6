"""A document's exchange timeline: the selector after a real round trip, and the section of the document page."""

import re

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from egov.core.errors import NotFound
from egov.documents.models import Document
from egov.documents.services.incoming import document_register, document_register_paper
from egov.documents.services.issuing import document_issue, document_sign
from egov.documents.tests.factories import PIN, actor, approved_draft, create_draft, make_pdf, paper_values
from egov.exchange.models import InboxMessage, SentDocument, StatusEntry
from egov.exchange.selectors import timeline_for
from egov.exchange.testing import run_exchange

pytestmark = pytest.mark.django_db

SENDER_LABELS = [
    ("queued", "Xếp hàng gửi", "sent"),
    ("sent", "Đã gửi lên trục liên thông", "sent"),
    ("01", "Đã đến", "received"),
    ("03", "Đã tiếp nhận, vào sổ", "received"),
]


def issued(agency, **overrides):
    document = approved_draft(agency, **overrides)
    document = document_sign(actor=actor(agency.director), document=document, pin=PIN)
    return document_issue(actor=actor(agency.clerk), document=document, pin=PIN)


@pytest.fixture
def round_trip(exchange):
    """Issued, carried to Hải Hậu, registered there, and its 03 carried back."""
    document = issued(exchange)
    run_exchange()
    copy = Document.objects.get(organisation=exchange.recipient_org)
    document_register(actor=actor(exchange.recipient_clerk), document=copy, values={})
    run_exchange()
    return exchange, document, Document.objects.get(pk=copy.pk)


def _hub_doc_id(to_code: str) -> str:
    return InboxMessage.objects.get(kind="edoc", to_code=to_code).hub_doc_id


def test_timeline_after_a_round_trip(round_trip):
    agency, document, copy = round_trip
    timeline = timeline_for(actor(agency.clerk), document)
    assert (timeline.document_id, timeline.incoming) == (SentDocument.objects.get().edxml_id, False)
    [party] = timeline.parties
    code = agency.recipient_org.code
    assert (party.organisation, party.organisation_name, party.delivery_state, party.delivery_label) == (
        code,
        agency.recipient_org.name,
        "received",
        "Nơi nhận đã vào sổ",
    )
    assert [(s.code, s.label, s.direction) for s in party.steps] == SENDER_LABELS
    assert [s.direction_label for s in party.steps] == ["Gửi đi", "Gửi đi", "Nhận về", "Nhận về"]
    assert party.steps[1].description == _hub_doc_id(code)
    entries = {e.code: e for e in StatusEntry.objects.filter(document=document)}
    assert [s.occurred_at for s in party.steps] == [entries[s.code].occurred_at for s in party.steps]

    # At Hải Hậu: the copy's timeline, one party (the sender), with the statuses sent back.
    timeline = timeline_for(actor(agency.recipient_clerk), copy.pk)
    assert (timeline.document_id, timeline.incoming) == (SentDocument.objects.get(document=document).edxml_id, True)
    [party] = timeline.parties
    assert (party.organisation, party.organisation_name, party.delivery_state, party.delivery_label) == (
        agency.org.code,
        agency.org.name,
        "received",
        "Nơi nhận đã vào sổ",
    )
    assert [(s.code, s.label, s.direction) for s in party.steps] == [
        ("received", "Đã nhận gói tin, đăng ký văn bản đến", "received"),
        ("01", "Đã đến", "sent"),
        ("03", "Đã tiếp nhận, vào sổ", "sent"),
    ]

    # Whoever may not see the document learns nothing, not even that it exists.
    for person, pk in (
        (agency.outsider, document.pk),
        (agency.recipient_clerk, document.pk),  # the copy is Hải Hậu's, the original is not
        (agency.clerk, copy.pk),
        (agency.specialist, copy.pk),
    ):
        with pytest.raises(NotFound):
            timeline_for(actor(person), pk)
    with pytest.raises(NotFound):
        timeline_for(actor(agency.clerk), "abc")


def test_no_timeline_for_a_draft_or_a_copy_that_did_not_come_through_the_exchange(agency):
    draft = create_draft(agency)
    author = _primed(agency.specialist)
    with CaptureQueriesContext(connection) as queries:
        assert timeline_for(author, draft) is None
    assert len(queries) == 1  # the permission-scoped read only
    # An incoming document registered from paper: one more query, to learn it did not come through the exchange.
    paper = document_register_paper(
        actor=actor(agency.clerk),
        organisation=agency.org,
        values=paper_values(),
        main_file=("scan.pdf", make_pdf("Công văn")),
    )
    clerk = _primed(agency.clerk)
    with CaptureQueriesContext(connection) as queries:
        assert timeline_for(clerk, paper) is None
    assert len(queries) == 2


def test_page_shows_the_section(round_trip, login):
    agency, document, copy = round_trip
    response = login(agency.clerk).get(reverse("documents:detail", args=[document.pk]))
    assert response.status_code == 200
    section = lxml.html.fromstring(response.content).get_element_by_id("exchange")
    assert _text(section.find(".//h2")) == "Liên thông văn bản"
    assert _text(section.get_element_by_id("exchange-document-id")) == (
        f"Mã văn bản trên trục (DocumentId): {SentDocument.objects.get().edxml_id}"
    )
    [card] = section.find_class("govuk-summary-card")
    code = agency.recipient_org.code
    assert card.get("data-exchange-party") == code
    assert _text(card.find(".//h3")) == f"{agency.recipient_org.name} {code}"
    rows = card.find_class("govuk-summary-list__row")
    assert [_text(r.find("dt")) for r in rows[:1]] == ["Tình trạng"]
    assert _text(rows[0].find("dd")) == "Nơi nhận đã vào sổ"
    entries = {e.code: e for e in StatusEntry.objects.filter(document=document)}
    assert [(r.get("data-exchange-code"), _text(r.find("dt")), _text(r.find("dd"))) for r in rows[1:]] == [
        ("queued", _local(entries["queued"].occurred_at), "Xếp hàng gửi (Gửi đi)"),
        ("sent", _local(entries["sent"].occurred_at), f"Đã gửi lên trục liên thông (Gửi đi) {_hub_doc_id(code)}"),
        ("01", _local(entries["01"].occurred_at), "Đã đến (Nhận về, mã 01)"),
        ("03", _local(entries["03"].occurred_at), "Đã tiếp nhận, vào sổ (Nhận về, mã 03)"),
    ]
    assert rows[1].find(".//time").get("datetime") == timezone.localtime(entries["queued"].occurred_at).isoformat()

    # The recipient's page shows what Hải Hậu sent back to the sender.
    response = login(agency.recipient_clerk).get(reverse("documents:detail", args=[copy.pk]))
    section = lxml.html.fromstring(response.content).get_element_by_id("exchange")
    [card] = section.find_class("govuk-summary-card")
    assert _text(card.find(".//h3")) == f"Nơi gửi: {agency.org.name} {agency.org.code}"
    assert [_text(r.find("dd")) for r in card.find_class("govuk-summary-list__row")] == [
        "Nơi nhận đã vào sổ",
        "Đã nhận gói tin, đăng ký văn bản đến (Nhận về)",
        "Đã đến (Gửi đi, mã 01)",
        "Đã tiếp nhận, vào sổ (Gửi đi, mã 03)",
    ]


def test_page_of_a_draft_has_no_section(agency, login):
    draft = create_draft(agency)
    response = login(agency.specialist).get(reverse("documents:detail", args=[draft.pk]))
    assert response.status_code == 200
    assert b'id="exchange"' not in response.content
    assert response.context["exchange_timeline"] is None


def test_query_count_does_not_grow_with_recipients(exchange):
    one = issued(exchange)
    three = issued(
        exchange,
        recipients=[exchange.recipient_org.pk, exchange.tree["qt_stttt"].pk, exchange.tree["bvh"].pk],
        subject="Công văn gửi nhiều nơi",
    )
    counts = []
    clerk = _primed(exchange.clerk)
    for document in (one, three):
        with CaptureQueriesContext(connection) as queries:
            timeline = timeline_for(clerk, document)
        counts.append((len(queries), len(timeline.parties)))
    assert counts == [(3, 1), (3, 3)]


def _primed(user):
    """An actor whose grants are already read, so a query count shows the selector's own queries."""
    who = actor(user)
    assert who.grants
    return who


def _text(element) -> str:
    for br in element.iter("br"):
        br.tail = " " + (br.tail or "")
    return re.sub(r"\s+", " ", element.text_content()).strip()


def _local(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
