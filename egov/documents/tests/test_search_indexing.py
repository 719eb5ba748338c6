"""Indexing: the text of real PDFs (poppler), the background job on both task backends, pending and rebuilt entries."""

from __future__ import annotations

import unicodedata

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from egov.accounts.actor import Actor
from egov.core.text import fold
from egov.documents.models import Document, DocumentText
from egov.documents.search import reindex_document, schedule_reindex, search_documents
from egov.documents.search.indexing import CONTENT_LIMIT
from egov.documents.search.tasks import extract_document_text, extract_pending, rebuild_index
from egov.documents.services.common import store_file
from egov.documents.tests.factories import make_pdf
from egov.notifications.tests.helpers import run_worker

SYSTEM = Actor.system("tests")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def found(query: str) -> list[int]:
    return [d.pk for d in search_documents(SYSTEM, query).items]


def new_document(org, subject="Kế hoạch xây dựng nông thôn mới năm 2025") -> Document:
    return Document.objects.create(
        direction="incoming",
        organisation=org,
        state="registered",
        type_code="ke_hoach",
        type_name="Kế hoạch",
        issuer_name="Ủy ban nhân dân huyện Hải Hậu",
        subject=subject,
    )


def upload(document, text: str, *, role="main", position=0, replaces=()):
    return store_file(
        document,
        make_pdf(text),
        name="van-ban.pdf",
        role=role,
        stage="received",
        actor=SYSTEM,
        page_count=1,
        position=position,
        replaces=replaces,
    )


def text_of(document) -> DocumentText:
    return DocumentText.objects.get(document=document)


def test_metadata_now_pdf_text_after_commit_with_the_immediate_backend(
    tree, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        document = new_document(tree["nd_stttt"])
        upload(document, "Danh sách xã đạt chuẩn nông thôn mới kiểu mẫu")
        schedule_reindex(document)
        assert found("nong thon moi") == [document.pk]
        assert found("kieu mau") == []
        assert text_of(document).needs_extraction is True
    assert len(callbacks) == 1  # store_file and the explicit call queue one extraction, not two
    callbacks[0]()
    text = text_of(document)
    assert text.needs_extraction is False and text.extracted_at is not None
    assert (
        text.content == "Danh sách xã đạt chuẩn nông thôn\nmới kiểu mẫu\nTrang 1\nNơi nhận: như trên. Chức vụ người ký"
    )
    assert found("kieu mau") == [document.pk]
    assert found('"xã đạt chuẩn"') == [document.pk]
    assert found('"xa dat chuan"') == []
    assert found('"nông thôn mới kiểu mẫu"') == [document.pk]  # across the line break of the PDF


def test_schedule_without_pending_files_queues_nothing(tree, django_capture_on_commit_callbacks):
    document = new_document(tree["nd_stttt"])
    with django_capture_on_commit_callbacks() as callbacks:
        schedule_reindex(document)
        assert text_of(document).needs_extraction is True
        reindex_document(document.pk)  # no files: nothing to read, and nothing pending after
        schedule_reindex(document)
    assert len(callbacks) == 1
    text = text_of(document)
    assert (text.content, text.needs_extraction) == ("", False)


@pytest.mark.django_db(transaction=True)  # the worker closes connections left in a transaction
def test_the_database_backend_queues_the_job_and_the_worker_runs_it(tree):
    with transaction.atomic():
        document = new_document(tree["nd_stttt"])
        upload(document, "Quy chế phối hợp quản lý cơ sở dữ liệu đất đai")
        schedule_reindex(document)
    job = DBTaskResult.objects.get()
    assert (job.task_path, job.args_kwargs["args"]) == (
        "egov.documents.search.tasks.extract_document_text",
        [[document.pk]],
    )
    assert found("dat dai") == []
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.return_value) == ("SUCCESSFUL", {"indexed": 1, "missing": 0})
    assert found("dat dai") == [document.pk]
    assert found("nông thôn mới") == [document.pk]


def test_a_new_version_replaces_the_text_and_appendices_follow_the_main_file(tree):
    document = new_document(tree["nd_stttt"])
    first = upload(document, "Dự thảo lần một về phòng chống thiên tai")
    reindex_document(document.pk)
    assert found("thien tai") == [document.pk]
    upload(document, "Phụ lục kinh phí hỗ trợ", role="appendix")
    upload(document, "Bản chính thức về ứng phó bão lũ", replaces=[first])
    reindex_document(document.pk)
    content = text_of(document).content
    assert content.index("ứng phó bão lũ") < content.index("Phụ lục kinh phí")
    assert found("thien tai") == []
    assert found("bao lu kinh phi") == [document.pk]


def test_withdrawn_files_take_their_words_with_them(tree):
    document = new_document(tree["nd_stttt"])
    upload(document, "Phương án phòng cháy chữa cháy rừng")
    reindex_document(document.pk)
    assert found("chua chay rung") == [document.pk]
    document.files.update(is_current=False)  # as when a recalled incoming copy loses its files
    reindex_document(document.pk)
    assert (text_of(document).content, found("chua chay rung")) == ("", [])
    assert found("nong thon moi") == [document.pk]


def test_extract_pending_reads_every_pending_document_once(tree):
    documents = [new_document(tree["nd_stttt"], f"Văn bản số {i}") for i in range(3)]
    for i, document in enumerate(documents):
        upload(document, f"Nội dung riêng thứ {i} của hồ sơ đê điều")
    assert found("de dieu") == []
    assert extract_pending(batch=2) == 3
    assert set(found("de dieu")) == {d.pk for d in documents}
    assert DocumentText.objects.filter(needs_extraction=True).count() == 0
    assert extract_pending() == 0


def test_the_job_is_idempotent_and_tolerates_a_document_that_is_gone(tree):
    document = new_document(tree["nd_stttt"])
    upload(document, "Thông báo lịch tiếp công dân")
    assert extract_document_text.call([document.pk, 987654]) == {"indexed": 1, "missing": 1}
    before = text_of(document)
    assert extract_document_text.call([document.pk]) == {"indexed": 1, "missing": 0}
    after = text_of(document)
    assert (after.content, after.extracted_at, after.folded) == (before.content, before.extracted_at, before.folded)
    assert found("tiep cong dan") == [document.pk]


def test_a_broken_pdf_or_a_missing_file_is_indexed_without_its_text_and_not_retried(tree):
    document = new_document(tree["nd_stttt"])
    row = upload(document, "Văn bản bị mất tệp")
    row.file.storage.delete(row.file.name)
    broken = store_file(
        document,
        b"%PDF-1.7\nnot really a pdf",
        name="hong.pdf",
        role="appendix",
        stage="received",
        actor=SYSTEM,
        page_count=None,
    )
    assert broken.pk
    reindex_document(document.pk)
    text = text_of(document)
    assert (text.content, text.needs_extraction) == ("", False)
    assert found("nong thon moi") == [document.pk]


def test_without_pdftotext_the_metadata_is_indexed_and_the_text_stays_pending(tree, monkeypatch):
    document = new_document(tree["nd_stttt"])
    upload(document, "Chương trình giảm nghèo bền vững")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert reindex_document(document.pk) is True
    assert found("nong thon moi") == [document.pk]
    assert text_of(document).needs_extraction is True
    monkeypatch.undo()
    assert extract_pending() == 1
    assert found("giam ngheo ben vung") == [document.pk]


def test_text_beyond_the_limit_is_not_indexed(tree):
    document = new_document(tree["nd_stttt"])
    upload(document, "Báo cáo dài")
    reindex_document(document.pk)
    DocumentText.objects.filter(document=document).update(
        content="mở đầu " + "x" * CONTENT_LIMIT + " phần cuối", needs_extraction=False
    )
    reindex_document(document.pk)
    assert found("mo dau") == [document.pk]
    assert found("phan cuoi") == []


def test_rebuild_index_restores_lost_entries(tree):
    documents = [new_document(tree["nd_stttt"], f"Tờ trình đề nghị phê duyệt dự án {i}") for i in range(3)]
    for document in documents:
        reindex_document(document.pk)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM documents_fts")
        else:
            cursor.execute("UPDATE documents_documenttext SET search_folded = NULL, search_exact = NULL")
    assert found("to trinh") == []
    assert rebuild_index(batch=2) == 3
    assert set(found("to trinh")) == {d.pk for d in documents}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's unaccent dictionary")
@pytest.mark.django_db
def test_postgresql_unaccent_folds_every_vietnamese_letter_as_python_does():
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]

    letters = [unicodedata.normalize("NFC", v + t) for v in vowels for t in tones] + ["đ"]
    alphabet = "".join(letters) + "".join(letters).upper()
    with connection.cursor() as cursor:
        cursor.execute("SELECT lower(unaccent(%s))", [alphabet])
        assert cursor.fetchone()[0] == fold(alphabet)
        cursor.execute("SELECT to_tsvector('egov_folded', %s)::text", ["Đường ĐỔI mới"])
        assert cursor.fetchone()[0] == "'doi':2 'duong':1 'moi':3"
