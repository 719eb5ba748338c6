import pytest
from django.db import connection, transaction

from egov.accounts.actor import Actor
from egov.audit.services import audit_record
from egov.cli import main

pytestmark = pytest.mark.django_db(transaction=False)


def test_audit_verify_command_reports_the_altered_event(capsys):
    for i in range(3):
        with transaction.atomic():
            audit_record(
                actor=Actor.system("tests"), action="test.event", object_type="t", object_id=i, object_repr=str(i)
            )
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Audit trail intact: 3 events, newest #3, hash ")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE seq = 2")
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "event #2: altered: content does not match its hash" in err
    assert "Audit trail BROKEN: 1 problem(s) in 3 events." in err
