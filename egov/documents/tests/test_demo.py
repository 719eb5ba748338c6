"""The demo documents: every stage of the flows, real signatures, loaded once."""

import pytest

from egov.core.demo import load_demo
from egov.documents.models import DeliveryState, Document, IncomingState, OutgoingState, SigningKey
from egov.documents.signing.validate import validate_pdf

pytestmark = pytest.mark.django_db


def test_demo_documents_load_once_with_real_signatures(settings, tmp_path):
    settings.EGOV_PKI_DIR = tmp_path / "pki"
    first = load_demo(parts=("documents",))
    assert (first["document_accounts"], first["signing_keys"], first["documents"]) == (4, 6, 4)
    # What `egov demo` does next with its hub: this deployment and the outside agency registered, the exchange run,
    # Hải Hậu's copy registered.
    from egov.documents.demo import register_delivered
    from egov.exchange import keys, testing
    from egov.exchange.demo import OUTSIDE_CODE, OUTSIDE_SYSTEM_ID
    from egov.hub.services import system_register
    from egov.organisations.models import Organisation

    keys.forget()
    codes = list(Organisation.objects.exclude(code=OUTSIDE_CODE).values_list("code", flat=True))
    testing.install(settings, codes)
    system_register(system_id=OUTSIDE_SYSTEM_ID, name="Cục Chuyển đổi số quốc gia", organs=[OUTSIDE_CODE])
    assert testing.run_exchange()["sent"] == 3  # two packages, then Hải Hậu's status 01
    assert register_delivered() == 1
    testing.run_exchange()
    testing.uninstall()
    sttt = Document.objects.filter(organisation__code="000.00.12.H40")
    assert sorted(sttt.values_list("direction", "state")) == [
        ("incoming", IncomingState.ASSIGNED),
        ("outgoing", OutgoingState.APPROVED),
        ("outgoing", OutgoingState.DRAFT),
        ("outgoing", OutgoingState.ISSUED),
    ]
    plan = sttt.get(state=OutgoingState.ISSUED)
    assert plan.number_symbol == "01/KH-STTTT"
    assert sorted(plan.recipients.values_list("organisation_name", "delivery_state")) == [
        ("Cục Chuyển đổi số quốc gia", DeliveryState.SENT),  # waiting at the hub for that agency's system
        ("Ủy ban nhân dân huyện Hải Hậu", DeliveryState.RECEIVED),
    ]
    with plan.files.get(role="main", is_current=True).file.open("rb") as handle:
        report = validate_pdf(handle.read())
    assert [(s.signer_common_name, s.intact, s.trusted) for s in report.signatures] == [
        ("Nguyễn Văn Dũng", True, True),
        ("Sở Thông tin và Truyền thông tỉnh Nam Định", True, True),
        ("Sở Thông tin và Truyền thông tỉnh Nam Định", True, True),
    ]
    copy = Document.objects.get(organisation__code="000.00.35.H40")
    assert (copy.state, copy.arrival_number) == (IncomingState.REGISTERED, 1)
    second = load_demo(parts=("documents",))
    assert (second["document_accounts"], second["signing_keys"], second["documents"]) == (0, 0, 0)
    assert SigningKey.objects.count() == 6
    assert Document.objects.count() == 5
