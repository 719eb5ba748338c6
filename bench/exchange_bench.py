#!/usr/bin/env python3
"""Exchange benchmark: packages per second end to end, latency, and the machine's ceiling for the same work.

    .venv/bin/python bench/exchange_bench.py                      # 1,000 packages, 20 s latency run
    .venv/bin/python bench/exchange_bench.py --documents 300 --latency-seconds 10

A hub (`egov hub serve`, 2 workers) and two nodes (each one `egov worker`) run as real processes on loopback,
each with its own PostgreSQL database (tests/exchange/harness.py). Every package carries a 100 KB signed PDF;
the sender signs it (XML-DSig), the hub verifies and stores it durably, the receiver verifies it, registers the
incoming copy and sends status 01 back, which the hub and the sender verify and apply in turn.

1. Ceiling: in two processes (one per core), the same package read and its signature verified, then one row
   with its bytes inserted and committed on PostgreSQL (synchronous commit) — no HTTP, no registers.
   Pipeline bound: in the same two processes, everything the end-to-end path must do for one package with
   nothing around it — sign at A, verify and commit at the hub and at B, sign status 01 at B, verify and
   commit it at the hub and at A. No implementation of the path can go faster on this machine.
2. Throughput: N documents are issued into node A's outbox with the workers stopped; then the workers start,
   and the rate is measured at node B as registrations per second (first to last).
3. Latency: documents are issued at a steady rate with everything running; latency is from the outbox commit
   at A (the document row's creation, same transaction) to the registration of the copy at B.
Traffic stays on loopback; every process the bench starts is stopped by it.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.pgsupport import percentile  # noqa: E402
from tests.exchange.harness import Cluster  # noqa: E402


def signed_pdf(p12: Path, target: int = 100 * 1024) -> bytes:
    """A real PDF of about `target` bytes, signed with the demo organisation key of node A."""
    import secrets

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from weasyprint import HTML

    noise = secrets.token_hex(target // 2)  # incompressible text, so the PDF has the size asked for
    html = (
        f'<html lang="vi"><body><h1>Công văn kiểm thử liên thông</h1><p style="font-size:2pt">{noise}</p></body></html>'
    )
    buffer = io.BytesIO()
    HTML(string=html).write_pdf(buffer)
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=b"egov-demo")
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(buffer.getvalue())),
        signers.PdfSignatureMetadata(field_name="CoQuan"),
        signer=signer,
    )
    return out.getvalue()


# --- 1. the ceiling and the pipeline's bound ------------------------------------------------------------
def _seal(pki: Path, code: str) -> Path:
    """The organisation's seal key file (PKCS#12), issued by the demo CA if the node has not issued it yet."""
    from egov.documents.signing.pki import issue_organisation_certificate, load_demo_pki, safe_file_stem

    demo = load_demo_pki(pki)
    credential = demo.credential("org-" + safe_file_stem(code)) or issue_organisation_certificate(
        demo, organisation_name=code, organisation_code=code
    )
    return credential.p12_path


def _signer(p12: Path):
    from egov.exchange import edxml

    return edxml.XmlSigner.from_pkcs12(p12, "egov-demo")


def _package(sender: str, recipient: str, pdf: bytes, number: int) -> object:
    import datetime as dt

    from egov.exchange import edxml

    today = dt.date.today()
    return edxml.Package(
        header=edxml.MessageHeader(
            from_=edxml.Organ(organ_id=sender, organ_name="Nút A"),
            to=[edxml.Organ(organ_id=recipient, organ_name="Nút B")],
            code=edxml.Code(code_number=str(number), code_notation="UBND-VP"),
            promulgation_info=edxml.PromulgationInfo(place="Nam Định", promulgation_date=today),
            document_type=edxml.DocumentType(type=29, type_name="Công văn"),
            subject="V/v kiểm thử",
            signer_info=edxml.SignerInfo(position="Chủ tịch", full_name="Nguyễn Văn Dũng"),
            other_info=edxml.OtherInfo(),
            document_id=edxml.document_id(sender, today, str(number), "UBND-VP"),
        ),
        traces=[edxml.TraceHeader(organ_id=sender, timestamp=dt.datetime.now(dt.UTC))],
        business=edxml.Business(staff_info=edxml.StaffInfo()),
        attachments=[edxml.Attachment(content_id="c1", name="cv.pdf", content_type="application/pdf", data=pdf)],
    )


def _trust(pki: str):
    from egov.documents.signing.pki import load_demo_pki
    from egov.exchange import edxml

    demo = load_demo_pki(Path(pki))
    return edxml.TrustStore([demo.root_cert, demo.ca_cert])


def _ceiling_worker(args) -> tuple[int, float]:
    package, pki, pg_dsn, count = args
    import psycopg

    from egov.exchange import edxml

    trust = _trust(pki)
    with psycopg.connect(pg_dsn) as conn:
        edxml.read_message(package, trust=trust)  # warm: imports and caches are not part of the figure
        start = time.perf_counter()
        for _ in range(count):
            edxml.read_message(package, trust=trust)
            with conn.transaction():
                conn.execute("INSERT INTO ceiling (body) VALUES (%s)", (package,))
        return count, time.perf_counter() - start


def _pipeline_worker(args) -> tuple[int, float]:
    """The least any implementation of the end-to-end path must do for one package, with nothing else around it.

    Sign at A; verify and commit at the hub; verify and commit at B; sign status 01 at B; verify and commit it
    at the hub; verify and commit it at A. No HTTP, no ORM, no registers: what it reaches bounds the end to end.
    """
    pdf, pki, pg_dsn, count, codes, seals, offset = args
    import datetime as dt

    import psycopg

    from egov.exchange import edxml

    trust = _trust(pki)
    a, b = codes
    sign_a, sign_b = _signer(seals[0]), _signer(seals[1])

    def one(conn, number: int) -> None:
        package = _package(a, b, pdf, number)
        body = edxml.build_package(package, signer=sign_a)
        for _ in range(2):  # the hub, then B
            edxml.read_message(body, trust=trust)
            with conn.transaction():
                conn.execute("INSERT INTO ceiling (body) VALUES (%s)", (body,))
        status = edxml.StatusMessage(
            response_for=edxml.ResponseFor(organ_id=a, document_id=package.header.document_id),
            from_=edxml.Organ(organ_id=b, organ_name="Nút B"),
            status_code=edxml.StatusCode.ARRIVED,
            timestamp=dt.datetime.now(dt.UTC),
        )
        reply = edxml.build_status(status, signer=sign_b)
        for _ in range(2):  # the hub, then A
            edxml.read_message(reply, trust=trust)
            with conn.transaction():
                conn.execute("INSERT INTO ceiling (body) VALUES (%s)", (reply,))

    with psycopg.connect(pg_dsn) as conn:
        one(conn, offset)  # warm
        start = time.perf_counter()
        for i in range(count):
            one(conn, offset + 1 + i)
        return count, time.perf_counter() - start


def _in_two_processes(worker, jobs: list) -> dict:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.map(worker, jobs)
    done = sum(count for count, _ in results)
    elapsed = max(seconds for _, seconds in results)
    return {"packages": done, "seconds": round(elapsed, 2), "per_second": round(done / elapsed, 1)}


def _ceiling_table(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS ceiling")
        conn.execute("CREATE TABLE ceiling (id bigserial PRIMARY KEY, body bytea)")
        conn.execute("ALTER TABLE ceiling ALTER COLUMN body SET STORAGE EXTERNAL")


def ceiling(cluster: Cluster, pdf: bytes, *, count: int) -> dict:
    from egov.exchange import edxml

    a, b = cluster.nodes["a"].code, cluster.nodes["b"].code
    package = edxml.build_package(_package(a, b, pdf, 1), signer=_signer(_seal(cluster.pki, a)))
    dsn = cluster._db_url(cluster.hub_db)
    _ceiling_table(dsn)
    per = count // 2
    figures = _in_two_processes(_ceiling_worker, [(package, str(cluster.pki), dsn, per)] * 2)
    return {**figures, "package_bytes": len(package)}


def pipeline_bound(cluster: Cluster, pdf: bytes, *, count: int) -> dict:
    codes = (cluster.nodes["a"].code, cluster.nodes["b"].code)
    dsn = cluster._db_url(cluster.hub_db)
    _ceiling_table(dsn)
    per = count // 2
    seals = [_seal(cluster.pki, code) for code in codes]
    jobs = [(pdf, str(cluster.pki), dsn, per, codes, seals, 100_000 * (k + 1)) for k in range(2)]
    return _in_two_processes(_pipeline_worker, jobs)


# --- 2 and 3: end to end ---------------------------------------------------------------------------------
def _query(cluster: Cluster, db: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(cluster._db_url(db)) as conn:
        return conn.execute(sql).fetchall()


def wait_for(cluster: Cluster, expected: int, *, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (count,) = _query(cluster, cluster.nodes["b"].database, "SELECT count(*) FROM exchange_receiveddocument")[0]
        if count >= expected:
            return time.monotonic()
        time.sleep(0.25)
    raise SystemExit(f"only {count} of {expected} packages registered at B within {timeout:.0f} s")


def throughput(cluster: Cluster, pdf_path: Path, *, count: int, workers: int) -> dict:
    actor = cluster.start_actor("a", count=count, expect=0, pdf=pdf_path, timeout=3600)
    actor.wait(timeout=3600)
    start = time.monotonic()
    for _ in range(workers):
        cluster.start_worker("a")
        cluster.start_worker("b")
    end = wait_for(cluster, count, timeout=1800)
    rows = _query(
        cluster,
        cluster.nodes["b"].database,
        "SELECT extract(epoch FROM min(received_at)), extract(epoch FROM max(received_at)) "
        "FROM exchange_receiveddocument",
    )
    first, last = (float(v) for v in rows[0])
    return {
        "packages": count,
        "wall_seconds": round(end - start, 1),
        "steady_per_second": round((count - 1) / (last - first), 1) if last > first else None,
        "overall_per_second": round(count / (end - start), 1),
    }


def latency(cluster: Cluster, pdf_path: Path, *, rate: float, seconds: float, already: int) -> dict:
    count = int(rate * seconds)
    node, peer = cluster.nodes["a"], cluster.nodes["b"]
    # The actor numbers its documents on from what A has issued already: `count` more, at `rate` per second.
    actor = cluster.start_actor(
        "a",
        count=already + count,
        expect=0,
        pdf=pdf_path,
        rate=rate,
        timeout=seconds * 10 + 600,
        log="actor-latency.log",
    )
    actor.wait(timeout=seconds * 10 + 600)
    wait_for(cluster, already + count, timeout=600)
    sent = dict(
        _query(
            cluster,
            node.database,
            "SELECT s.edxml_id, extract(epoch FROM d.created_at) FROM exchange_sentdocument s "
            "JOIN documents_document d ON d.id = s.document_id",
        )
    )
    received = _query(
        cluster,
        peer.database,
        "SELECT edxml_id, extract(epoch FROM received_at) FROM exchange_receiveddocument ORDER BY received_at",
    )
    delays = sorted((float(at) - float(sent[key])) * 1000 for key, at in received[already:] if key in sent)
    return {
        "packages": len(delays),
        "rate": rate,
        "p50_ms": round(percentile(delays, 0.50), 1),
        "p99_ms": round(percentile(delays, 0.99), 1),
        "max_ms": round(max(delays), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--ceiling-packages", type=int, default=1000)
    parser.add_argument("--latency-rate", type=float, default=10.0)
    parser.add_argument("--latency-seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=1, help="egov worker processes per node")
    parser.add_argument("--bounds-only", action="store_true", help="measure the ceiling and the bound, nothing else")
    parser.add_argument("--check-delay", type=int, default=3600, help="EGOV_ARRIVAL_CHECK_DELAY_SECONDS on the nodes")
    parser.add_argument(
        "--pg", default=os.environ.get("EGOV_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args()
    if urlsplit(args.pg).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the benchmark creates and drops databases: point it at a PostgreSQL on loopback only")
    tmp = Path(tempfile.mkdtemp(prefix="egov-exchange-bench-"))
    # The format and PDF-signature check of each arrival (pyHanko, ~0.15 s of CPU for this PDF) is deferred past
    # the run: it is the registers' work, not the exchange's, and would otherwise set the figure by itself.
    node_env = {"EGOV_ARRIVAL_CHECK_DELAY_SECONDS": str(args.check_delay)}
    cluster = Cluster(tmp, args.pg, tag="bench", node_env=node_env)
    try:
        cluster.setup()
        pdf = signed_pdf(_seal(cluster.pki, cluster.nodes["a"].code))
        pdf_path = tmp / "signed.pdf"
        pdf_path.write_bytes(pdf)
        figures = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "pdf_bytes": len(pdf)}
        figures["ceiling"] = ceiling(cluster, pdf, count=args.ceiling_packages)
        print(json.dumps({"ceiling": figures["ceiling"]}), flush=True)
        figures["pipeline_bound"] = pipeline_bound(cluster, pdf, count=args.ceiling_packages // 2)
        print(json.dumps({"pipeline_bound": figures["pipeline_bound"]}), flush=True)
        if args.bounds_only:
            return 0
        cluster.start_hub()
        figures["throughput"] = throughput(cluster, pdf_path, count=args.documents, workers=args.workers)
        print(json.dumps({"throughput": figures["throughput"]}), flush=True)
        figures["latency"] = latency(
            cluster, pdf_path, rate=args.latency_rate, seconds=args.latency_seconds, already=args.documents
        )
        steady = figures["throughput"]["steady_per_second"] or 0
        figures["ratio_to_ceiling"] = round(steady / figures["ceiling"]["per_second"], 3)
        figures["ratio_to_pipeline_bound"] = round(steady / figures["pipeline_bound"]["per_second"], 3)
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    finally:
        cluster.stop()
        cluster.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
