"""What a person does on one node of the reliability test and the exchange benchmark, run as its own process.

    python -m tests.exchange.node_tool setup  --code C --name N --peer P --peer-name M --pki DIR
    python -m tests.exchange.node_tool run    --count N --expect M [--pdf FILE] [--rate R] [--timeout S]
    python -m tests.exchange.node_tool report

`run` issues N documents to the peer (each in its own transaction, through the real outbox) and, as the
peer's documents arrive, registers them (vào sổ: status 03 goes back). It prints one JSON line when done.
The node's settings come from the environment (EGOV_DATABASE_URL, EGOV_DATA_DIR, EGOV_EXCHANGE_*...).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
    import django

    django.setup()


def setup(args) -> None:
    from django.conf import settings
    from django.db import transaction

    from egov.accounts.tests.factories import make_person
    from egov.documents.services.keys import signing_key_add
    from egov.documents.signing.pki import init_demo_pki, issue_organisation_certificate
    from egov.organisations.tests.factories import make_org

    with transaction.atomic():
        org = make_org(args.code, args.name, "province", abbreviation=args.abbreviation)
        make_person("clerk", org, "clerk")
        pki = init_demo_pki(settings.EGOV_PKI_DIR)
        credential = issue_organisation_certificate(pki, organisation_name=org.name, organisation_code=org.code)
        from egov.accounts.actor import Actor

        signing_key_add(
            actor=Actor.system("test setup"),
            certificate_pem=credential.cert_path.read_text(),
            organisation=org,
            path=str(credential.p12_path.relative_to(settings.EGOV_PKI_DIR)),
        )


def issue_one(org, number: int, peer_code: str, peer_name: str, pdf: bytes, actor) -> None:
    """An issued công văn to the peer, dispatched through the outbox — the issuing transaction without the PDF
    signing (the benchmark measures the exchange, not pyHanko)."""
    from django.db import transaction
    from django.utils import timezone

    from egov.documents.models import Direction, Document, FileRole, FileStage, OutgoingState, Recipient
    from egov.documents.services import common
    from egov.documents.services.dispatch import dispatch_document

    today = timezone.localdate()
    with transaction.atomic():
        document = Document.objects.create(
            direction=Direction.OUTGOING,
            organisation=org,
            state=OutgoingState.ISSUED,
            type_code="cong_van",
            type_name="Công văn",
            series="ordinary",
            year=today.year,
            number=number,
            number_text=f"{number:02d}",
            symbol=f"{org.abbreviation}-VP",
            issued_on=today,
            place="Nam Định",
            issuer=org,
            issuer_code=org.code,
            issuer_name=org.name,
            subject=f"V/v kiểm thử liên thông văn bản số {number}",
            signer_position="Giám đốc",
            signer_name="Nguyễn Văn Dũng",
        )
        common.store_file(
            document,
            pdf,
            name=f"cv-{number}.pdf",
            role=FileRole.MAIN,
            stage=FileStage.ISSUED,
            actor=actor,
            page_count=1,
        )
        Recipient.objects.create(
            document=document, kind="external", organisation_code=peer_code, organisation_name=peer_name
        )
        dispatch_document(document, actor=actor)


def register_arrived(org, clerk_actor) -> int:
    from egov.documents.models import Document, IncomingState
    from egov.documents.services.incoming import document_register

    done = 0
    for document in Document.objects.filter(organisation=org, direction="incoming", state=IncomingState.ARRIVED):
        document_register(actor=clerk_actor, document=document, allow_duplicate=True)
        done += 1
    return done


def run(args) -> None:
    from egov.accounts.actor import Actor
    from egov.accounts.models import User
    from egov.documents.models import Document
    from egov.organisations.models import Organisation

    org = Organisation.objects.get(code=args.code)
    clerk = Actor(user=User.objects.get(username="clerk"))
    pdf = Path(args.pdf).read_bytes() if args.pdf else b"%PDF-1.4\n% test\n" + b"0" * 1024 + b"\n%%EOF\n"
    start = Document.objects.filter(organisation=org, direction="outgoing").count()
    issued, registered = start, 0
    deadline = time.monotonic() + args.timeout
    gap = 1.0 / args.rate if args.rate else 0.0
    while time.monotonic() < deadline:
        if issued < args.count:
            issue_one(org, issued + 1, args.peer, args.peer_name, pdf, clerk)
            issued += 1
            if gap:
                time.sleep(gap)
        registered += register_arrived(org, clerk)
        incoming = Document.objects.filter(organisation=org, direction="incoming").count()
        if issued >= args.count and incoming >= args.expect and registered >= args.expect:
            break
        if issued >= args.count:
            time.sleep(0.2)
    print(json.dumps({"issued": issued, "registered": registered}), flush=True)


def report(args) -> None:
    from collections import Counter

    from egov.documents.models import Document, Recipient
    from egov.exchange.models import InboxMessage, OutboxMessage, ReceivedDocument, StatusEntry

    statuses: dict[str, list[str]] = {}
    for entry in StatusEntry.objects.filter(direction="received", recipient__isnull=False).order_by(
        "occurred_at", "id"
    ):
        statuses.setdefault(str(entry.document_id), []).append(entry.code)
    result = {
        "outgoing": Document.objects.filter(direction="outgoing").count(),
        "incoming": Document.objects.filter(direction="incoming").count(),
        "received_ids": ReceivedDocument.objects.count(),
        "received_distinct": ReceivedDocument.objects.values("edxml_id").distinct().count(),
        "incoming_registered": Document.objects.filter(direction="incoming", arrival_number__isnull=False).count(),
        "outbox": OutboxMessage.objects.count(),
        "outbox_failed": OutboxMessage.objects.filter(failed=True).count(),
        "inbox_refused": InboxMessage.objects.filter(state="refused").count(),
        "status_sequences": dict(Counter(",".join(codes) for codes in statuses.values())),
        "delivery_states": dict(Counter(Recipient.objects.values_list("delivery_state", flat=True))),
    }
    print(json.dumps(result), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="node_tool")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--abbreviation", default="UBND")
    p = sub.add_parser("run")
    p.add_argument("--code", required=True)
    p.add_argument("--peer", required=True)
    p.add_argument("--peer-name", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--expect", type=int, required=True)
    p.add_argument("--pdf")
    p.add_argument("--rate", type=float, default=0.0)
    p.add_argument("--timeout", type=float, default=300.0)
    sub.add_parser("report")
    args = parser.parse_args(argv)
    _django()
    {"setup": setup, "run": run, "report": report}[args.command](args)


if __name__ == "__main__":
    main(sys.argv[1:])
