"""Document search on the engine of the run (SQLite FTS5 or PostgreSQL): matching, ranking, filters, visibility."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from egov.accounts.actor import Actor
from egov.core.errors import ValidationFailed
from egov.documents.models import AccessGrant, Assignment, Document, DocumentText, Recipient
from egov.documents.search import reindex_document, search_documents
from egov.documents.services.common import store_file
from egov.documents.tests.factories import make_pdf

SYSTEM = Actor.system("tests")


def make_document(org, subject: str, **fields) -> Document:
    values = {
        "direction": "outgoing",
        "organisation": org,
        "state": "issued",
        "type_code": "quyet_dinh",
        "type_name": "Quyết định",
        "issuer_name": org.name,
        "subject": subject,
    }
    values.update(fields)
    document = Document.objects.create(**values)
    reindex_document(document.pk)
    return document


def ids(result) -> list[int]:
    return [d.pk for d in result.items]


@pytest.fixture
def docs(tree):
    org = tree["nd_stttt"]
    return {
        "cds": make_document(
            org,
            "Quyết định phê duyệt Kế hoạch chuyển đổi số tỉnh Nam Định năm 2024",
            number_text="2508",
            number=2508,
            symbol="QĐ-UBND",
            year=2024,
            issued_on=dt.date(2024, 3, 12),
            signer_position="Phó Chủ tịch",
            signer_name="Trần Anh Dũng",
            signer_prefix="KT.",
            description="Giao Sở Thông tin và Truyền thông chủ trì",
        ),
        "plain": make_document(
            org,
            "Quyet dinh ve chuyen doi so (ban khong dau)",
            number_text="17",
            number=17,
            symbol="QĐ-STTTT",
            year=2025,
            issued_on=dt.date(2025, 1, 6),
            urgency="urgent",
        ),
        "report": make_document(
            org,
            "Báo cáo tình hình triển khai dịch vụ công trực tuyến",
            type_code="bao_cao",
            type_name="Báo cáo",
            number_text="05",
            number=5,
            symbol="BC-STTTT",
            year=2025,
            issued_on=dt.date(2025, 2, 1),
        ),
        "incoming": make_document(
            org,
            "V/v đôn đốc báo cáo số liệu đổi mới sáng tạo",
            direction="incoming",
            state="registered",
            type_code="cong_van",
            type_name="Công văn",
            number_text="125",
            symbol="UBND-VP",
            issuer_name="Ủy ban nhân dân huyện Hải Hậu",
            issued_on=dt.date(2024, 12, 30),
            arrival_year=2025,
            arrival_number=731,
        ),
    }


def test_folded_query_finds_the_document_written_with_diacritics(docs):
    result = search_documents(SYSTEM, "quyet dinh chuyen doi so")
    assert set(ids(result)) == {docs["cds"].pk, docs["plain"].pk}
    assert result.total == 2


def test_query_with_diacritics_matches_the_same_documents_and_ranks_the_exact_spelling_first(docs):
    result = search_documents(SYSTEM, "Quyết định chuyển đổi số")
    assert ids(result) == [docs["cds"].pk, docs["plain"].pk]
    assert result.total == 2


def test_a_query_without_diacritics_can_prefer_the_document_spelled_without_them_but_finds_both(docs):
    result = search_documents(SYSTEM, "chuyen doi so")
    assert set(ids(result)) == {docs["cds"].pk, docs["plain"].pk}


def test_every_word_must_be_present(docs):
    assert ids(search_documents(SYSTEM, "chuyển đổi số báo cáo")) == []
    assert search_documents(SYSTEM, "chuyển đổi số báo cáo").total == 0


def test_quoted_phrase_is_exact_with_diacritics_but_not_case(docs):
    assert ids(search_documents(SYSTEM, '"chuyển đổi số"')) == [docs["cds"].pk]
    assert ids(search_documents(SYSTEM, '"CHUYỂN ĐỔI SỐ"')) == [docs["cds"].pk]
    assert ids(search_documents(SYSTEM, '"chuyen doi so"')) == [docs["plain"].pk]
    # The words must be adjacent and in that order.
    assert ids(search_documents(SYSTEM, '"số đổi chuyển"')) == []
    assert ids(search_documents(SYSTEM, '"chuyển số"')) == []
    # A different tone mark is a different word inside quotes, and the same word outside them.
    assert ids(search_documents(SYSTEM, '"chuyển đổi sớ"')) == []
    assert set(ids(search_documents(SYSTEM, "chuyển đổi sớ"))) == {docs["cds"].pk, docs["plain"].pk}


def test_typographic_quotes_and_an_unclosed_quote_are_phrases(docs):
    assert ids(search_documents(SYSTEM, "“chuyển đổi số”")) == [docs["cds"].pk]
    assert ids(search_documents(SYSTEM, 'kế hoạch "chuyển đổi số')) == [docs["cds"].pk]


@pytest.mark.parametrize(
    "typed",
    ["2508/QĐ-UBND", "2508/qđ-ubnd", "2508/QD-UBND", "2508", "QĐ-UBND", "2508 QĐ UBND", '"2508/QĐ-UBND"'],
)
def test_number_and_symbol_in_any_form(docs, typed):
    assert ids(search_documents(SYSTEM, typed)) == [docs["cds"].pk]


def test_number_and_symbol_parts_must_be_adjacent(docs):
    assert ids(search_documents(SYSTEM, "2508/QĐ-STTTT")) == []
    assert ids(search_documents(SYSTEM, "17/QĐ-STTTT")) == [docs["plain"].pk]


def test_zero_padded_number_is_found_unpadded(docs):
    assert ids(search_documents(SYSTEM, "5/BC-STTTT")) == [docs["report"].pk]
    assert ids(search_documents(SYSTEM, "05/BC-STTTT")) == [docs["report"].pk]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("tran anh dung", "cds"),  # signer
        ("Phó Chủ tịch", "cds"),  # signer's position
        ("KT", "cds"),  # authority prefix
        ("giao so thong tin", "cds"),  # description
        ("Hải Hậu", "incoming"),  # issuer
        ("731", "incoming"),  # arrival number (số đến)
        ("công văn", "incoming"),  # type name
        ("125/UBND-VP", "incoming"),
        ("dich vu cong truc tuyen", "report"),  # subject
    ],
)
def test_every_metadata_field_is_searchable(docs, typed, key):
    assert ids(search_documents(SYSTEM, typed)) == [docs[key].pk]


def test_recipient_names_are_searchable_after_reindex(docs, tree):
    document = docs["report"]
    Recipient.objects.create(document=document, kind="internal", organisation_name="Ủy ban nhân dân huyện Giao Thủy")
    assert ids(search_documents(SYSTEM, "giao thuy")) == []
    reindex_document(document.pk)
    assert ids(search_documents(SYSTEM, "giao thuy")) == [document.pk]


def test_metadata_change_is_found_after_reindex_and_the_old_words_are_gone(docs):
    document = docs["report"]
    document.subject = "Báo cáo kết quả cải cách hành chính quý IV"
    document.save(update_fields=["subject"])
    reindex_document(document.pk)
    assert ids(search_documents(SYSTEM, "cai cach hanh chinh")) == [document.pk]
    assert ids(search_documents(SYSTEM, "dịch vụ công trực tuyến")) == []
    text = DocumentText.objects.get(document=document)
    assert text.folded == (
        "bao cao 05 bc stttt 5 bc stttt bao cao ket qua cai cach hanh chinh quy iv"
        " so thong tin va truyen thong tinh nam dinh"
    )


def test_metadata_weighs_more_than_pdf_text(docs):
    store_file(
        docs["report"],
        make_pdf("Phụ lục: danh mục thủ tục hành chính chuyển đổi số"),
        name="phu-luc.pdf",
        role="appendix",
        stage="issued",
        actor=SYSTEM,
        page_count=1,
    )
    reindex_document(docs["report"].pk)
    assert "chuyển đổi số" in DocumentText.objects.get(document=docs["report"]).content
    result = search_documents(SYSTEM, "chuyển đổi số")
    assert ids(result)[-1] == docs["report"].pk
    assert set(ids(result)) == {docs["cds"].pk, docs["plain"].pk, docs["report"].pk}


def test_filters(docs, tree):
    def found(**filters):
        return set(ids(search_documents(SYSTEM, "", filters=filters)))

    assert found(direction="incoming") == {docs["incoming"].pk}
    assert found(direction="outgoing") == {docs["cds"].pk, docs["plain"].pk, docs["report"].pk}
    assert found(year=2025) == {docs["plain"].pk, docs["report"].pk, docs["incoming"].pk}
    assert found(year="2024") == {docs["cds"].pk}
    assert found(issued_from="2024-12-30", issued_to="2025-01-06") == {docs["plain"].pk, docs["incoming"].pk}
    assert found(issued_from=dt.date(2025, 2, 1)) == {docs["report"].pk}
    assert found(type_code="bao_cao") == {docs["report"].pk}
    assert found(urgency="urgent") == {docs["plain"].pk}
    assert found(state="registered") == {docs["incoming"].pk}
    assert found(organisation=tree["nd_stttt"].pk) == {d.pk for d in docs.values()}
    assert found(organisation=tree["qt_stttt"].pk) == set()
    assert found(direction="outgoing", year=2025, urgency="normal") == {docs["report"].pk}
    result = search_documents(SYSTEM, "bao cao", filters={"direction": "incoming"})
    assert ids(result) == [docs["incoming"].pk]
    assert result.total == 1


def test_blank_query_lists_newest_first_and_punctuation_alone_finds_nothing(docs):
    result = search_documents(SYSTEM, "   ")
    assert ids(result) == [docs["incoming"].pk, docs["report"].pk, docs["plain"].pk, docs["cds"].pk]
    assert result.total == 4
    nothing = search_documents(SYSTEM, "?!/ -- ")
    assert (ids(nothing), nothing.total) == ([], 0)


def test_pages_follow_the_ranking_without_overlap(tree):
    org = tree["nd_stttt"]
    made = [make_document(org, f"Kế hoạch số {i} về chuyển đổi số") for i in range(7)]
    first = search_documents(SYSTEM, "kế hoạch", limit=3)
    second = search_documents(SYSTEM, "kế hoạch", limit=3, offset=3)
    third = search_documents(SYSTEM, "kế hoạch", limit=3, offset=6)
    beyond = search_documents(SYSTEM, "kế hoạch", limit=3, offset=9)
    assert (first.total, second.total, third.total, beyond.total) == (7, 7, 7, 7)
    assert len(ids(first)) == 3 and len(ids(second)) == 3 and len(ids(third)) == 1 and ids(beyond) == []
    assert sorted(ids(first) + ids(second) + ids(third)) == sorted(d.pk for d in made)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"limit": "5"}, "limit"), ({"offset": -1}, "offset")],
)
def test_bad_paging_is_refused(kwargs, field):
    with pytest.raises(ValidationFailed) as caught:
        search_documents(SYSTEM, "x", **kwargs)
    assert list(caught.value.errors) == [field]


def test_search_is_limited_to_what_the_actor_may_see(docs, tree, people, actor_for):
    qt_doc = make_document(tree["qt_stttt"], "Kế hoạch chuyển đổi số tỉnh Quảng Trị")
    nd_clerk, qt_clerk = actor_for(people["nd_clerk"]), actor_for(people["qt_clerk"])
    assert set(ids(search_documents(nd_clerk, "chuyen doi so"))) == {docs["cds"].pk, docs["plain"].pk}
    assert ids(search_documents(qt_clerk, "chuyen doi so")) == [qt_doc.pk]
    assert search_documents(qt_clerk, "").total == 1
    citizen = actor_for(people["applicant"])
    assert (ids(search_documents(citizen, "chuyen doi so")), search_documents(citizen, "").total) == ([], 0)
    assert search_documents(Actor(), "chuyen doi so").total == 0


def test_a_specialist_finds_only_what_was_assigned_to_them(docs, people, actor_for):
    specialist = people["nd_specialist"]
    actor = actor_for(specialist)
    assert search_documents(actor, "bao cao").total == 0
    Assignment.objects.create(document=docs["incoming"], role="lead", person=specialist)
    result = search_documents(actor, "bao cao")
    assert (ids(result), result.total) == ([docs["incoming"].pk], 1)


def test_secret_documents_only_with_a_grant_never_in_results_or_totals(docs, tree, people, actor_for):
    secret = make_document(tree["nd_stttt"], "Quyết định mật về chuyển đổi số quốc phòng", secrecy="secret")
    clerk = people["nd_clerk"]
    actor = actor_for(clerk)
    for query, filters in (("chuyen doi so", None), ("quoc phong", None), ("", None), ("", {"state": "issued"})):
        result = search_documents(actor, query, filters=filters)
        assert secret.pk not in ids(result)
        assert result.total == len(ids(result))
    assert search_documents(actor, "quoc phong").total == 0
    grant = AccessGrant.objects.create(document=secret, person=clerk)
    result = search_documents(actor, "quoc phong")
    assert (ids(result), result.total) == ([secret.pk], 1)
    grant.revoked_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    grant.save()
    assert search_documents(actor, "quoc phong").total == 0
    assert search_documents(actor_for(people["nd_leader"]), "quoc phong").total == 0


def test_a_deleted_document_leaves_no_entry(docs):
    document = docs["report"]
    pk = document.pk
    document.delete()
    assert search_documents(SYSTEM, "dich vu cong").total == 0
    assert reindex_document(pk) is False
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM documents_fts WHERE rowid = %s", [pk])
            assert cursor.fetchone()[0] == 0
