"""Who sees which hồ sơ, and which documents in them: secret documents leave no trace in lists or counts."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.accounts.actor import Actor
from egov.accounts.tests.factories import make_person
from egov.core.errors import NotFound
from egov.documents.models import AccessGrant
from egov.documents.selectors.casefiles import (
    casefile_catalogue,
    casefile_documents,
    casefile_get,
    casefiles_of_person,
    files_of_document,
)
from egov.documents.services.casefiles import casefile_add_document
from egov.documents.tests.test_casefiles_services import attach, docs, open_file, org  # noqa: F401 — fixtures
from egov.documents.tests.test_registers_rows import make_outgoing

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(org, people, actor_for, docs, tree):  # noqa: F811
    specialist, clerk = actor_for(people["nd_specialist"]), actor_for(people["nd_clerk"])
    mine = open_file(specialist, org)
    office = open_file(clerk, org, notation="03.VP", unit=str(tree["nd_stttt_vp"].pk))
    old = open_file(clerk, org, notation="01.VP", year="2023")
    secret = make_outgoing(
        org, number=1, series="secret", issued_on=dt.date(2024, 2, 20), subject="Phương án mật", secrecy="secret"
    )
    AccessGrant.objects.create(document=secret, person=people["nd_clerk"], reason="Văn thư mật")
    for document in (docs["january"], docs["march"]):
        casefile_add_document(actor=specialist, case_file=mine, document=document)
    for document in (docs["january"], secret):
        casefile_add_document(actor=clerk, case_file=office, document=document)
    return {"mine": mine, "office": office, "old": old, "secret": secret}


def _codes(qs) -> list[tuple[str, int]]:
    return [(f.file_code, f.document_count) for f in qs]


def test_clerk_sees_the_whole_catalogue_with_counts(org, people, actor_for, catalogue):  # noqa: F811
    actor = actor_for(people["nd_clerk"])
    assert _codes(casefile_catalogue(actor, org)) == [
        ("000.00.12.H40.2024.01.CNTT", 2),
        ("000.00.12.H40.2024.03.VP", 2),
        ("000.00.12.H40.2023.01.VP", 0),
    ]
    assert _codes(casefile_catalogue(actor, org, year=2023)) == [("000.00.12.H40.2023.01.VP", 0)]
    assert _codes(casefile_catalogue(actor, org, creator=people["nd_specialist"])) == [
        ("000.00.12.H40.2024.01.CNTT", 2)
    ]


def test_leader_counts_only_the_documents_they_may_see(org, people, actor_for, catalogue):  # noqa: F811
    actor = actor_for(people["nd_leader"])
    # The secret document in 03.VP is not counted for the leader, who holds no grant.
    assert _codes(casefile_catalogue(actor, org, year=2024)) == [
        ("000.00.12.H40.2024.01.CNTT", 2),
        ("000.00.12.H40.2024.03.VP", 1),
    ]
    office = casefile_get(actor, catalogue["office"].pk)
    assert [(f.position, f.document.subject) for f in casefile_documents(actor, office)] == [
        (1, "Thành lập tổ công tác")
    ]
    assert list(files_of_document(actor, catalogue["secret"])) == []


def test_specialist_sees_their_own_files_and_their_unit(org, people, actor_for, catalogue, tree):  # noqa: F811
    actor = actor_for(people["nd_specialist"])
    assert _codes(casefile_catalogue(actor, org)) == [("000.00.12.H40.2024.01.CNTT", 2)]
    with pytest.raises(NotFound) as caught:
        casefile_get(actor, catalogue["office"].pk)
    assert caught.value.message == "Không tìm thấy hồ sơ."
    office_worker = make_person("nd.vanphong", tree["nd_stttt_vp"], "specialist")
    # A unit's file is seen by its people, but only the documents each may see are counted.
    assert _codes(casefile_catalogue(actor_for(office_worker), org)) == [("000.00.12.H40.2024.03.VP", 0)]


def test_outsiders_see_no_file(org, people, actor_for, catalogue):  # noqa: F811
    for actor in (actor_for(people["qt_clerk"]), actor_for(people["applicant"]), Actor()):
        assert list(casefile_catalogue(actor, org)) == []
        with pytest.raises(NotFound):
            casefile_get(actor, catalogue["mine"].pk)
    with pytest.raises(NotFound):
        casefile_get(actor_for(people["nd_clerk"]), "abc")


def test_documents_of_a_file_in_chronological_order_with_their_current_files(
    org,  # noqa: F811
    people,
    actor_for,
    catalogue,
    docs,  # noqa: F811
):
    attach(docs["march"], "Kế hoạch", 2)
    attach(docs["march"], "Phụ lục danh mục", 1, role="appendix")
    actor = actor_for(people["nd_clerk"])
    filed = casefile_documents(actor, catalogue["mine"])
    assert [(f.position, f.ordinal, f.document.subject) for f in filed] == [
        (1, 1, "Thành lập tổ công tác"),
        (2, 2, "Kế hoạch chuyển đổi số"),
    ]
    assert filed[0].main is None
    assert (filed[1].main.original_name, [a.original_name for a in filed[1].appendices]) == (
        "Kế hoạch.pdf",
        ["Phụ lục danh mục.pdf"],
    )


def test_files_of_a_document_and_of_a_person(org, people, actor_for, catalogue, docs):  # noqa: F811
    clerk = actor_for(people["nd_clerk"])
    assert [f.notation for f in files_of_document(clerk, docs["january"])] == ["01.CNTT", "03.VP"]
    assert [f.notation for f in files_of_document(actor_for(people["nd_specialist"]), docs["january"])] == ["01.CNTT"]
    assert _codes(casefiles_of_person(clerk, people["nd_clerk"])) == [
        ("000.00.12.H40.2024.03.VP", 2),
        ("000.00.12.H40.2023.01.VP", 0),
    ]
    assert list(casefiles_of_person(actor_for(people["qt_clerk"]), people["nd_clerk"])) == []
