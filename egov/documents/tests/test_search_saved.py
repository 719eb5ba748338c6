"""Saved searches: each person's own, audited, run again against what the person may see today."""

from __future__ import annotations

import pytest

from egov.accounts.actor import Actor
from egov.audit.models import AuditEvent
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.documents.models import Document, SavedSearch
from egov.documents.search import reindex_document
from egov.documents.search.saved import (
    PER_PERSON_MAX,
    saved_search_create,
    saved_search_delete,
    saved_search_list,
    saved_search_run,
)


@pytest.fixture
def clerk(people, actor_for):
    return actor_for(people["nd_clerk"])


def make_document(org, subject, **fields) -> Document:
    document = Document.objects.create(
        direction="incoming",
        organisation=org,
        state="registered",
        type_code="cong_van",
        type_name="Công văn",
        issuer_name="Bộ Thông tin và Truyền thông",
        subject=subject,
        **fields,
    )
    reindex_document(document.pk)
    return document


def test_create_list_run_and_delete_with_audit(tree, people, clerk):
    wanted = make_document(tree["nd_stttt"], "Hướng dẫn chuyển đổi số cấp xã", urgency="urgent")
    make_document(tree["nd_stttt"], "Hướng dẫn chuyển đổi số cấp huyện")
    saved = saved_search_create(
        actor=clerk, name="  Chuyển đổi số   khẩn ", query="chuyen doi so", filters={"urgency": "urgent", "year": ""}
    )
    assert (saved.owner, saved.name, saved.query, saved.filters) == (
        people["nd_clerk"],
        "Chuyển đổi số khẩn",
        "chuyen doi so",
        {"urgency": "urgent"},
    )
    event = AuditEvent.objects.get(action="documents.saved_search.create")
    assert (event.object_id, event.actor_id, event.after) == (
        str(saved.pk),
        people["nd_clerk"].pk,
        {"name": "Chuyển đổi số khẩn", "query": "chuyen doi so", "filters": {"urgency": "urgent"}},
    )
    other = saved_search_create(actor=clerk, name="Biểu mẫu", query='"cấp huyện"')
    assert [s.pk for s in saved_search_list(actor=clerk)] == [other.pk, saved.pk]
    result = saved_search_run(actor=clerk, saved_search_id=saved.pk)
    assert ([d.pk for d in result.items], result.total) == ([wanted.pk], 1)
    saved_search_delete(actor=clerk, saved_search_id=saved.pk)
    assert list(SavedSearch.objects.values_list("pk", flat=True)) == [other.pk]
    deleted = AuditEvent.objects.get(action="documents.saved_search.delete")
    assert (deleted.object_id, deleted.before["name"]) == (str(saved.pk), "Chuyển đổi số khẩn")


def test_a_saved_search_shows_only_what_its_owner_may_see_today(tree, people, actor_for):
    secret = make_document(tree["nd_stttt"], "Kế hoạch bảo vệ bí mật nhà nước", secrecy="secret")
    leader = actor_for(people["nd_leader"])
    saved = saved_search_create(actor=leader, name="Bí mật", query="bi mat")
    assert saved_search_run(actor=leader, saved_search_id=saved.pk).total == 0
    from egov.documents.models import AccessGrant

    AccessGrant.objects.create(document=secret, person=people["nd_leader"])
    result = saved_search_run(actor=leader, saved_search_id=saved.pk)
    assert ([d.pk for d in result.items], result.total) == ([secret.pk], 1)


def test_someone_elses_saved_search_does_not_exist_for_you(people, clerk, actor_for):
    saved = saved_search_create(actor=clerk, name="Của tôi", query="báo cáo")
    stranger = actor_for(people["qt_clerk"])
    assert saved_search_list(actor=stranger) == []
    for call in (saved_search_run, saved_search_delete):
        with pytest.raises(NotFound) as caught:
            call(actor=stranger, saved_search_id=saved.pk)
        assert caught.value.message == "Không tìm thấy yêu cầu tìm kiếm đã lưu."
    for bad_id in ("abc", None, 0, 10**6):
        with pytest.raises(NotFound):
            saved_search_run(actor=clerk, saved_search_id=bad_id)
    assert SavedSearch.objects.count() == 1
    assert AuditEvent.objects.filter(action="documents.saved_search.delete").count() == 0


@pytest.mark.django_db
def test_only_a_signed_in_person_saves_searches():
    for actor in (Actor(), Actor.system("tests")):
        with pytest.raises(PermissionDenied) as caught:
            saved_search_create(actor=actor, name="x", query="y")
        assert caught.value.message == "Chỉ người dùng đã đăng nhập mới lưu được yêu cầu tìm kiếm."
        assert saved_search_list(actor=actor) == []
    assert SavedSearch.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"name": " ", "query": "x"}, {"name": ["Đặt tên cho yêu cầu tìm kiếm."]}),
        ({"name": "n" * 101, "query": "x"}, {"name": ["Tối đa 100 ký tự (đang có 101)."]}),
        ({"name": "Trống", "query": "  "}, {"q": ["Nhập từ khóa hoặc chọn ít nhất một điều kiện lọc."]}),
        (
            {"name": "", "query": "x" * 501, "filters": {"urgency": "soon"}},
            {
                "name": ["Đặt tên cho yêu cầu tìm kiếm."],
                "q": ["Từ khóa tìm kiếm tối đa 500 ký tự (đang có 501)."],
                "urgency": ["Độ khẩn không hợp lệ."],
            },
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(clerk, values, errors):
    with pytest.raises(ValidationFailed) as caught:
        saved_search_create(actor=clerk, **values)
    assert caught.value.errors == errors
    assert SavedSearch.objects.count() == 0
    assert AuditEvent.objects.filter(action="documents.saved_search.create").count() == 0


def test_filters_alone_are_a_search_and_names_are_unique_per_person_ignoring_case(people, clerk, actor_for):
    saved_search_create(actor=clerk, name="Văn bản đến", filters={"direction": "incoming"})
    with pytest.raises(ValidationFailed) as caught:
        saved_search_create(actor=clerk, name="VĂN BẢN ĐẾN", query="x")
    assert caught.value.errors == {"name": ["Bạn đã có yêu cầu tìm kiếm tên “VĂN BẢN ĐẾN”."]}
    saved_search_create(actor=actor_for(people["nd_leader"]), name="Văn bản đến", query="x")
    assert SavedSearch.objects.count() == 2


def test_a_person_keeps_a_bounded_number(people, clerk):
    SavedSearch.objects.bulk_create(
        SavedSearch(owner=people["nd_clerk"], name=f"Tìm {i}", query="x") for i in range(PER_PERSON_MAX)
    )
    with pytest.raises(ValidationFailed) as caught:
        saved_search_create(actor=clerk, name="Thêm nữa", query="x")
    assert caught.value.errors == {"name": ["Mỗi người lưu tối đa 100 yêu cầu tìm kiếm; hãy xóa bớt."]}
