import pytest
from django.db import IntegrityError, connection, transaction

from egov.accounts.actor import Actor
from egov.audit import guard
from egov.audit.chain import GENESIS
from egov.audit.models import AuditChainHead, AuditEvent
from egov.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


def _record(n: int) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=ACTOR,
                    action="test.event",
                    object_type="test.thing",
                    object_id=i,
                    object_repr=f"Thứ {i}",
                    after={"i": i, "tên": "Nguyễn Văn Á"},
                )
            )
    return events


def _raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_chain_from_genesis():
    events = _record(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (3, events[2].hash)
    report = audit_verify()
    assert (report.ok, report.checked, report.last_seq, report.last_hash) == (True, 3, 3, events[2].hash)


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_record(actor=ACTOR, action="test.event", object_type="t", object_id=1, object_repr="x")


def test_an_event_rolled_back_with_its_change_leaves_no_trace():
    _record(1)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=ACTOR, action="test.event", object_type="t", object_id=2, object_repr="x")
        1 / 0  # noqa: B018
    assert AuditEvent.objects.count() == 1
    assert audit_verify().ok


def test_altered_event_is_named():
    _record(5)
    _raw("UPDATE audit_auditevent SET object_repr = %s WHERE seq = 3", ["Thứ bị sửa"])
    report = audit_verify()
    assert [(p.seq, p.kind) for p in report.problems] == [(3, "altered")]


def test_altered_before_after_values_are_caught():
    _record(3)
    _raw("UPDATE audit_auditevent SET after = %s WHERE seq = 2", ['{"i": 99, "tên": "Nguyễn Văn Á"}'])
    assert [(p.seq, p.kind) for p in audit_verify().problems] == [(2, "altered")]


def test_removed_events_in_the_middle_are_named():
    _record(6)
    _raw("DELETE FROM audit_auditevent WHERE seq IN (3, 4)")
    report = audit_verify()
    assert [(p.seq, p.kind, p.detail) for p in report.problems] == [
        (3, "removed", "events #3–#4 are missing"),
        (5, "link", "does not link to the event before it"),
    ]


def test_removed_newest_events_are_named():
    _record(4)
    _raw("DELETE FROM audit_auditevent WHERE seq = 4")
    assert [(p.seq, p.kind, p.detail) for p in audit_verify().problems] == [
        (4, "removed", "newest events #4 are missing")
    ]


def test_rehashed_forgery_is_still_caught_by_the_next_link():
    events = _record(3)
    # A forger who rewrites event 2 and recomputes its own hash still breaks event 3's link.
    from egov.audit.chain import HASHED_FIELDS, event_hash

    values = AuditEvent.objects.filter(seq=2).values("hash", *HASHED_FIELDS).get()
    values["object_repr"] = "giả mạo"
    forged = event_hash(values)
    _raw("UPDATE audit_auditevent SET object_repr = %s, hash = %s WHERE seq = 2", ["giả mạo", forged])
    assert events[2].prev_hash != forged
    assert [(p.seq, p.kind) for p in audit_verify().problems] == [(3, "link")]


def test_database_guard_refuses_update_and_delete():
    _record(2)
    guard.install(connection)
    try:
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            _raw("UPDATE audit_auditevent SET object_repr = 'x' WHERE seq = 1")
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            _raw("DELETE FROM audit_auditevent WHERE seq = 1")
        # inserting (recording) still works
        _record(1)
    finally:
        guard.remove(connection)
    assert AuditEvent.objects.count() == 3
    assert audit_verify().ok


def test_unique_sequence_numbers():
    _record(1)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.create(
            seq=1,
            occurred_at=AuditEvent.objects.get().occurred_at,
            actor_label="x",
            action="x",
            object_type="x",
            object_id="1",
            object_repr="x",
            prev_hash=GENESIS,
            hash=GENESIS,
        )
