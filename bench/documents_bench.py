#!/usr/bin/env python3
"""Documents benchmark: a register page of one year among 1,000,000 documents, and concurrent numbering.

    .venv/bin/python bench/documents_bench.py                   # 1,000,000 documents
    .venv/bin/python bench/documents_bench.py --count 100000    # a quicker run
    EGOV_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/documents_bench.py

Data (bench/README.md, "Documents: registers and numbering"): a throw-away PostgreSQL database with the test
organisation tree (Sở TT&TT Nam Định with its clerk, director and keys from a demo PKI in a temporary folder) and 24
more provinces; `--count` documents from one INSERT … SELECT generate_series, 10 % kept by Sở TT&TT Nam Định and the
rest by 29 other agencies, half outgoing and half incoming, 2020 to November 2026, numbered per organisation, year and
series, with recipients, assignments, drafts, recalls and a few secret documents (half of them granted to the clerk).

Measured in one process (the goals are server-side times):
  1. `register_page`, outgoing and incoming, of Sở TT&TT Nam Định for `--year` as its clerk (visibility filter
     applied), first and last page, `--runs` times round-robin after a warm-up, beside `SELECT 1` and an ORM
     primary-key fetch. Goal p95 < 200 ms; a target that misses it prints EXPLAIN ANALYZE (`--explain`: always).
  2. 200 transactions on a connection each calling `take_number` at once for one organisation, year and series
     (as many at a time as the server has free connections): the numbers must be exactly 1..200. Then 20
     concurrent `document_issue` of signed drafts: 20 distinct consecutive numbers.
Loopback only; the database and temporary folders are removed at the end; every step has a time limit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import itertools
import math
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from pgsupport import bench_database, drop_database, percentile

REPO = Path(__file__).resolve().parent.parent
DB_NAME = "egov_bench_docs"
GOAL_MS = 200
MAIN_SHARE = 10  # per cent of the documents kept by the measured agency
FIRST_DAY = dt.date(2020, 1, 2)
LAST_DAY = dt.date(2026, 11, 20)

# Trích yếu are assembled from these three parts; type codes are those of the document-type catalogue.
ACTIONS = [
    "Về việc triển khai", "Về việc đôn đốc thực hiện", "Về việc góp ý dự thảo", "Phê duyệt",
    "Ban hành Quy chế quản lý", "Tổng kết công tác", "Kiện toàn Tổ công tác về", "Tăng cường công tác",
    "Hướng dẫn triển khai", "Báo cáo tình hình thực hiện", "Đề nghị hỗ trợ kinh phí", "Tổ chức hội nghị sơ kết",
]  # fmt: skip
OBJECTS = [
    "chuyển đổi số", "dịch vụ công trực tuyến toàn trình", "chữ ký số chuyên dùng Chính phủ",
    "hệ thống quản lý văn bản và điều hành", "Trung tâm giám sát, điều hành đô thị thông minh",
    "bảo đảm an toàn thông tin mạng", "kết nối trục liên thông văn bản quốc gia",
    "cơ sở dữ liệu dân cư và định danh điện tử", "hạ tầng số và điện toán đám mây",
    "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "báo chí, xuất bản và thông tin cơ sở",
    "bưu chính công ích",
]  # fmt: skip
SCOPES = [
    "trên địa bàn tỉnh", "tại các sở, ban, ngành", "ở cấp huyện, cấp xã", "năm 2025", "giai đoạn 2021 – 2025",
    "theo Nghị định số 30/2020/NĐ-CP", "quý III", "6 tháng đầu năm",
]  # fmt: skip
# Công văn is the most frequent type, hence listed three times.
TYPES = [
    ("cong_van", "Công văn", ""), ("cong_van", "Công văn", ""), ("cong_van", "Công văn", ""),
    ("quyet_dinh", "Quyết định", "QĐ"), ("ke_hoach", "Kế hoạch", "KH"), ("bao_cao", "Báo cáo", "BC"),
    ("thong_bao", "Thông báo", "TB"), ("to_trinh", "Tờ trình", "TTr"), ("giay_moi", "Giấy mời", "GM"),
    ("huong_dan", "Hướng dẫn", "HD"),
]  # fmt: skip
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Văn Hùng", "Thị Lan", "Minh Quang", "Đức Anh", "Thanh Hương", "Quốc Việt", "Hải Yến", "Tiến Dũng"]
SIGNERS = [("", "Giám đốc"), ("KT.", "Phó Giám đốc"), ("TL.", "Chánh Văn phòng"), ("", "Chủ tịch")]
SENDERS = [
    ("Bộ Thông tin và Truyền thông", "000.00.00.G12", "BTTTT"), ("Văn phòng Chính phủ", "000.00.00.G07", "VPCP"),
    ("Ủy ban nhân dân tỉnh Nam Định", "000.00.00.H40", "UBND"), ("Sở Nội vụ tỉnh Nam Định", "000.00.04.H40", "SNV"),
    ("Sở Tài chính tỉnh Nam Định", "000.00.06.H40", "STC"), ("Cục An toàn thông tin", "000.06.00.G12", "CATTT"),
]  # fmt: skip


def _setup_django(pg_url: str, data_dir: str) -> None:
    bench_database(
        pg_url, DB_NAME, data_dir=data_dir, EGOV_DATABASE_CONN_MAX_AGE="0", EGOV_TRUST_STORE="", EGOV_TSA_URL=""
    )


def _drop(pg_url: str) -> None:
    drop_database(pg_url, DB_NAME)


def build_agencies():
    """The test tree, the agency's people and keys (demo PKI), and 24 more provinces' people's committees."""
    from django.conf import settings

    from egov.documents.tests.factories import CREDENTIALS, build_agency, register_key
    from egov.organisations.tests.factories import build_demo_tree, make_org

    tree = build_demo_tree()
    agency = build_agency(tree)
    pki = Path(settings.EGOV_PKI_DIR)
    CREDENTIALS.setup(pki)
    register_key(CREDENTIALS.person(agency.director, agency.org, "Giám đốc"), pki, person=agency.director)
    register_key(CREDENTIALS.organisation(agency.org), pki, organisation=agency.org)
    others = [tree[k] for k in ("nd", "nd_vp", "nd_hh", "qt", "bvh")]
    for i in range(1, 25):
        others.append(make_org(f"000.00.00.H{i:02d}", f"Ủy ban nhân dân tỉnh số {i}", "province", abbreviation="UBND"))
    return tree, agency, others


_PLAN_SQL = """
CREATE TEMPORARY TABLE bench_doc AS
WITH p AS (
    SELECT g,
        CASE WHEN (hashint4(g * 7 + 3)::bigint + 2147483648) %% 100 < %(share)s THEN %(main)s::bigint
             ELSE (%(others)s::bigint[])[1 + (hashint4(g * 11 + 5)::bigint + 2147483648) %% %(n_others)s] END AS org_id,
        CASE WHEN g %% 2 = 0 THEN 'outgoing' ELSE 'incoming' END AS direction,
        (g - 1)::float8 * %(days)s / %(count)s AS t,
        hashint4(g * 13 + 1)::bigint + 2147483648 AS h1, hashint4(g * 17 + 2)::bigint + 2147483648 AS h2,
        hashint4(g * 19 + 3)::bigint + 2147483648 AS h3, hashint4(g * 23 + 4)::bigint + 2147483648 AS h4
    FROM generate_series(1, %(count)s) AS g
), q AS (
    SELECT p.*, %(first_day)s::date + floor(t)::int + time '07:30' + (t - floor(t)) * interval '9 hours' AS local_at,
        CASE WHEN direction = 'outgoing' THEN
            CASE WHEN h1 %% 100 < 3 THEN (ARRAY['draft', 'in_review', 'approved'])[1 + h2 %% 3]
                 WHEN h1 %% 100 = 3 THEN 'recalled' ELSE 'issued' END
        ELSE
            CASE WHEN h1 %% 100 < 2 THEN 'arrived' WHEN h1 %% 100 = 2 THEN 'returned' WHEN h1 %% 100 = 3 THEN 'recalled'
                 ELSE (ARRAY['registered', 'assigned', 'completed', 'completed'])[1 + h2 %% 4] END
        END AS state,
        CASE WHEN h2 %% 1000 < 8 THEN 'secret' WHEN h2 %% 1000 < 10 THEN 'top_secret' ELSE 'none' END AS secrecy,
        1 + h3 %% %(n_types)s AS type_i
    FROM p
), r AS (
    SELECT q.*, extract(year FROM local_at)::int AS year, local_at AT TIME ZONE %(tz)s AS at,
        CASE WHEN direction = 'outgoing' THEN state IN ('issued', 'recalled')
             ELSE state NOT IN ('arrived', 'returned') END AS numbered,
        direction = 'outgoing' AND type_i = %(qd)s AND h4 %% 10 = 0 AS normative
    FROM q
)
SELECT r.*,
    CASE WHEN direction = 'incoming' OR NOT numbered THEN ''
         WHEN secrecy <> 'none' THEN 'secret' WHEN normative THEN 'normative:quyet_dinh' ELSE 'ordinary' END AS series
FROM r
"""

_INSERT_SQL = """
WITH d AS (
    SELECT b.*, direction = 'outgoing' AS out, (%(type_abbrs)s::text[])[type_i] AS abbr,
        CASE WHEN numbered THEN row_number() OVER (PARTITION BY org_id, direction, year, series, numbered ORDER BY g)
        END AS seq
    FROM bench_doc b
)
INSERT INTO documents_document (
    uid, direction, organisation_id, state, channel, type_code, type_name, legal_normative, series, year, number,
    number_text, symbol, issued_on, place, issuer_id, issuer_code, issuer_name, drafting_unit_id, subject,
    signer_prefix, signer_position, signer_name, urgency, secrecy, page_count, copies, language, description,
    handling_due_on, arrival_year, arrival_number, received_at, registered_at, recalled_at, recall_reason,
    format_findings, created_by_id, created_at, updated_at)
SELECT
    gen_random_uuid(), d.direction, d.org_id, d.state,
    CASE WHEN d.out THEN 'created' ELSE (ARRAY['platform', 'exchange', 'exchange', 'paper'])[1 + d.h4 %% 4] END,
    (%(type_codes)s::text[])[d.type_i], (%(type_names)s::text[])[d.type_i], d.normative, d.series,
    CASE WHEN d.out AND d.numbered THEN d.year END, CASE WHEN d.out THEN d.seq ELSE 1 + d.h4 %% 3000 END,
    CASE WHEN d.out AND d.numbered THEN lpad(d.seq::text, 2, '0')
         WHEN NOT d.out THEN lpad((1 + d.h4 %% 3000)::text, 2, '0') ELSE '' END,
    CASE WHEN NOT d.out THEN
            CASE WHEN d.abbr = '' THEN (%(sender_abbrs)s::text[])[1 + d.h2 %% 6] || '-VP'
                 ELSE d.abbr || '-' || (%(sender_abbrs)s::text[])[1 + d.h2 %% 6] END
         WHEN NOT d.numbered THEN ''
         WHEN d.abbr = '' THEN o.abbreviation || '-' || (ARRAY['VP', 'CNTT'])[1 + d.h4 %% 2]
         WHEN d.normative THEN d.year || '/' || d.abbr || '-' || o.abbreviation
         ELSE d.abbr || '-' || o.abbreviation END,
    CASE WHEN NOT d.out THEN d.local_at::date - (d.h4 %% 5)::int WHEN d.numbered THEN d.local_at::date END,
    CASE WHEN d.out THEN 'Nam Định' ELSE '' END, CASE WHEN d.out THEN d.org_id END,
    CASE WHEN d.out THEN o.code ELSE (%(sender_codes)s::text[])[1 + d.h2 %% 6] END,
    CASE WHEN d.out THEN o.name ELSE (%(sender_names)s::text[])[1 + d.h2 %% 6] END,
    CASE WHEN d.out AND d.org_id = %(main)s THEN (%(units)s::bigint[])[1 + d.h4 %% 2] END,
    (%(actions)s::text[])[1 + d.h1 %% %(n_actions)s] || ' ' || (%(objects)s::text[])[1 + d.h2 %% %(n_objects)s]
        || ' ' || (%(scopes)s::text[])[1 + d.h3 %% %(n_scopes)s],
    (%(signer_prefixes)s::text[])[1 + d.h3 %% 4], (%(signer_positions)s::text[])[1 + d.h3 %% 4],
    (%(surnames)s::text[])[1 + d.h1 %% 10] || ' ' || (%(given)s::text[])[1 + d.h2 %% 8],
    CASE WHEN d.h3 %% 100 < 90 THEN 'normal' WHEN d.h3 %% 100 < 97 THEN 'urgent'
         WHEN d.h3 %% 100 < 99 THEN 'very_urgent' ELSE 'flash' END,
    d.secrecy, 1 + d.h4 %% 12, CASE WHEN d.out THEN 3 + d.h4 %% 8 END, 'Tiếng Việt',
    CASE WHEN d.h1 %% 50 = 7 THEN 'Gửi kèm bản giấy' ELSE '' END,
    CASE WHEN NOT d.out AND d.h4 %% 4 = 0 THEN d.local_at::date + 10 END,
    CASE WHEN NOT d.out AND d.numbered THEN d.year END, CASE WHEN NOT d.out THEN d.seq END,
    CASE WHEN NOT d.out THEN d.at - interval '2 hours' END, CASE WHEN NOT d.out AND d.numbered THEN d.at END,
    CASE WHEN d.state = 'recalled' THEN d.at + interval '5 days' END,
    CASE WHEN d.state = 'recalled' THEN 'Ban hành không đúng thẩm quyền, thu hồi để ban hành lại.' ELSE '' END, '[]',
    CASE WHEN d.out AND d.org_id = %(main)s THEN %(author)s::bigint END, d.at - interval '1 day', d.at
FROM d JOIN organisations_organisation o ON o.id = d.org_id
ORDER BY d.g
"""

_RECIPIENTS_SQL = """
INSERT INTO documents_recipient (document_id, kind, organisation_id, organisation_code, organisation_name, position,
    delivery_state, delivered_copy_id, state_changed_at, note)
SELECT d.id, x.kind, NULL, x.code, x.name, x.position,
    CASE WHEN d.number IS NULL THEN 'pending' WHEN x.kind = 'archive' THEN 'pending'
         WHEN d.state = 'recalled' THEN 'recalled' ELSE 'received' END,
    NULL, CASE WHEN d.number IS NOT NULL AND x.kind <> 'archive' THEN d.updated_at + interval '10 minutes' END, ''
FROM documents_document d
CROSS JOIN LATERAL (VALUES
    ('external', (%(sender_codes)s::text[])[1 + d.id %% 6], (%(sender_names)s::text[])[1 + d.id %% 6], 0),
    ('external', (%(sender_codes)s::text[])[1 + (d.id + 3) %% 6], (%(sender_names)s::text[])[1 + (d.id + 3) %% 6], 1),
    ('archive', '', 'Lưu: VT, ' || CASE WHEN d.id %% 2 = 0 THEN 'CNTT' ELSE 'VP' END, 2)
) AS x(kind, code, name, position)
WHERE d.direction = 'outgoing'
"""

_ASSIGNMENTS_SQL = """
INSERT INTO documents_assignment (document_id, parent_id, role, unit_id, person_id, due_on, instructions, state,
    result, assigned_by_id, assigned_at, completed_at, completed_by_id)
SELECT d.id, NULL, x.role,
    CASE WHEN d.organisation_id = %(main)s THEN (%(units)s::bigint[])[1 + (d.id + x.k) %% 2] ELSE d.organisation_id END,
    NULL, d.handling_due_on, CASE WHEN x.role = 'lead' THEN 'Đề nghị nghiên cứu, tham mưu giải quyết.' ELSE '' END,
    CASE WHEN d.state = 'completed' THEN 'done' ELSE 'in_progress' END, '', NULL,
    d.registered_at + interval '1 hour',
    CASE WHEN d.state = 'completed' THEN d.registered_at + interval '3 days' END, NULL
FROM documents_document d
CROSS JOIN LATERAL (VALUES ('lead', 0), ('cooperate', 1)) AS x(role, k)
WHERE d.direction = 'incoming' AND d.state IN ('assigned', 'completed', 'recalled') AND (x.k = 0 OR d.id %% 3 = 0)
"""

_SEQUENCES_SQL = """
INSERT INTO documents_numbersequence (organisation_id, year, series, last_number)
SELECT organisation_id, year, series, max(number) FROM documents_document
WHERE direction = 'outgoing' AND number IS NOT NULL AND year IS NOT NULL GROUP BY 1, 2, 3
UNION ALL
SELECT organisation_id, arrival_year, 'incoming', max(arrival_number) FROM documents_document
WHERE direction = 'incoming' AND arrival_number IS NOT NULL GROUP BY 1, 2
"""

_GRANTS_SQL = """
INSERT INTO documents_accessgrant (document_id, person_id, reason, granted_by_id, granted_at, revoked_at,
    revoked_by_id, confirmed_at, confirmed_by_id)
SELECT id, %(clerk)s, 'Văn thư quản lý sổ văn bản mật', %(director)s, created_at, NULL, NULL, NULL, NULL
FROM documents_document WHERE organisation_id = %(main)s AND secrecy <> 'none' AND id %% 2 = 0
"""


def build_documents(count: int, agency, others) -> dict:
    from django.conf import settings
    from django.db import connection, transaction

    vocabulary = {"actions": ACTIONS, "objects": OBJECTS, "scopes": SCOPES}
    params = {
        "count": count, "share": MAIN_SHARE, "main": agency.org.pk, "others": [o.pk for o in others],
        "n_others": len(others), "days": (LAST_DAY - FIRST_DAY).days + 1, "first_day": FIRST_DAY,
        "tz": settings.TIME_ZONE, "n_types": len(TYPES), "qd": 1 + [t[0] for t in TYPES].index("quyet_dinh"),
        "type_codes": [t[0] for t in TYPES], "type_names": [t[1] for t in TYPES], "type_abbrs": [t[2] for t in TYPES],
        "sender_names": [s[0] for s in SENDERS], "sender_codes": [s[1] for s in SENDERS],
        "sender_abbrs": [s[2] for s in SENDERS], "units": [agency.tree["nd_stttt_vp"].pk, agency.unit.pk],
        **vocabulary, **{f"n_{k}": len(v) for k, v in vocabulary.items()},
        "signer_prefixes": [s[0] for s in SIGNERS], "signer_positions": [s[1] for s in SIGNERS],
        "surnames": SURNAMES, "given": GIVEN,
        "author": agency.specialist.pk, "clerk": agency.clerk.pk, "director": agency.director.pk,
    }  # fmt: skip
    timings: dict[str, float] = {}
    counts: dict[str, int] = {}
    steps = [
        ("plan (temporary table)", _PLAN_SQL, None), ("documents", _INSERT_SQL, "documents"),
        ("recipients (3 per outgoing)", _RECIPIENTS_SQL, "recipients"),
        ("assignments (incoming being handled)", _ASSIGNMENTS_SQL, "assignments"),
        ("number sequences", _SEQUENCES_SQL, "sequences"), ("grants of secret documents", _GRANTS_SQL, "grants"),
    ]  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for label, sql, key in steps:
            started = time.perf_counter()
            cursor.execute(sql, params)
            timings[label] = time.perf_counter() - started
            if key:
                counts[key] = cursor.rowcount
        cursor.execute("DROP TABLE bench_doc")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("documents_document", "documents_recipient", "documents_assignment", "documents_accessgrant"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('documents_document'))")
        size = cursor.fetchone()[0]
    timings["vacuum analyze"] = time.perf_counter() - started
    return {"timings": timings, "counts": counts, "size": size}


def _p(times: list[float], q: float) -> float:
    return percentile(times, q)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def register_targets(agency, year: int):
    """The calls to time, each checked once for what it must return."""
    from django.db import connection

    from egov.accounts.actor import Actor
    from egov.documents.models import Document
    from egov.documents.selectors import registers as reg

    clerk = Actor(user=agency.clerk)
    flt = reg.RegisterFilter.year(year)
    ids = itertools.cycle(Document.objects.filter(organisation=agency.org).values_list("pk", flat=True)[:1000])

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    def pk_fetch():
        Document.objects.filter(pk=next(ids)).first()

    targets = [("SELECT 1", select_one, None), ("primary-key fetch (ORM)", pk_fetch, None)]
    sizes = {}
    for kind in (reg.OUTGOING, reg.INCOMING):
        summary = reg.register_summary(clerk, agency.org, kind, flt)
        last = max(1, math.ceil(summary.count / reg.PER_PAGE))
        sizes[kind] = (summary.count, last)
        first_page = reg.register_page(clerk, agency.org, kind, flt, page=1)
        deep_page = reg.register_page(clerk, agency.org, kind, flt, page=last)
        numbers = [r.number if kind == reg.OUTGOING else r.arrival_number for r in first_page.rows]
        expected = len(first_page.rows) == min(reg.PER_PAGE, summary.count) and numbers == sorted(set(numbers))
        if not expected or not deep_page.rows or deep_page.has_next:
            raise SystemExit(f"the {kind} register of {year} is not as expected: {sizes[kind]}, {numbers[:10]}…")
        for page, label in ((1, "page 1"), (last, f"page {last} (last)")):
            call = functools.partial(reg.register_page, clerk, agency.org, kind, flt, page=page)
            targets.append((f"{kind} register, {label}", call, GOAL_MS))
    return targets, sizes


def measure_registers(agency, year: int, runs: int) -> tuple[list[dict], dict, list]:
    targets, sizes = register_targets(agency, year)
    for _, call, _ in targets:  # warm-up
        call()
        call()
    times: list[list[float]] = [[] for _ in targets]
    for _ in range(runs):
        for i, (_, call, _) in enumerate(targets):
            started = time.perf_counter()
            call()
            times[i].append((time.perf_counter() - started) * 1000)
    base = statistics.median(times[0])
    rows = [
        {"target": name, "p50": statistics.median(t), "p95": _p(t, 0.95), "ratio": statistics.median(t) / base}
        | {"goal": goal}
        for (name, _, goal), t in zip(targets, times, strict=True)
    ]
    return rows, sizes, targets


def explain(call) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of every query one call runs, as it ran them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    out = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            out.append("\n".join(row[0] for row in cursor.fetchall()))
    return out


def free_connections(reserve: int = 10) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
        )
        return max(1, cursor.fetchone()[0] - reserve)


def _race(count: int, cap: int, work, timeout: float) -> dict:
    """`count` threads start together; each runs `work()` on a connection of its own (at most `cap` at once)."""
    from django.db import connection, connections

    gate = threading.BoundedSemaphore(cap)
    marks: list[float] = []
    barrier = threading.Barrier(count, action=lambda: marks.append(time.perf_counter()))
    results: list = [None] * count
    latency, finished, failures = [0.0] * count, [0.0] * count, []

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            with gate:
                try:
                    connection.ensure_connection()
                    started = time.perf_counter()
                    results[i] = work()
                    finished[i] = time.perf_counter()
                    latency[i] = (finished[i] - started) * 1000
                finally:
                    connections.close_all()
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(count)]
    for thread in pool:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in pool:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in pool):
        failures.append(f"still running after {timeout:.0f} s")
    done = [f for f in finished if f]
    wall = (max(done) - marks[0]) if done and marks else float("nan")
    ok = [t for t, r in zip(latency, results, strict=True) if r is not None] or [float("nan")]
    rate = sum(r is not None for r in results) / wall if wall == wall and wall > 0 else float("nan")
    outcome = {"results": results, "failures": failures, "wall": wall, "rate": rate}
    return outcome | {"p50": statistics.median(ok), "p95": _p(ok, 0.95)}


def numbering_race(organisation, year: int, count: int, cap: int) -> dict:
    from django.db import transaction

    from egov.documents.services.numbering import take_number

    def work():
        with transaction.atomic():
            return take_number(organisation=organisation, year=year, series="ordinary")

    outcome = _race(count, cap, work, timeout=120)
    numbers = sorted(n for n in outcome["results"] if n is not None)
    outcome["ok"] = not outcome["failures"] and numbers == list(range(1, count + 1))
    outcome["summary"] = f"{len(numbers)} numbers, {len(set(numbers))} distinct, {numbers[:1]}..{numbers[-1:]}"
    return outcome


def signed_drafts(agency, count: int) -> list:
    """`count` decisions drafted, approved and signed by the director through the services (one PDF rendered)."""
    from egov.documents.services import outgoing
    from egov.documents.services.issuing import document_sign
    from egov.documents.tests.factories import PIN, actor, draft_values, make_pdf

    pdf = make_pdf("Quyết định ban hành Kế hoạch chuyển đổi số")
    drafts = []
    for i in range(count):
        values = draft_values(agency, subject=f"Quyết định ban hành Kế hoạch chuyển đổi số năm 2026, đợt {i + 1}")
        document = outgoing.document_create_draft(
            actor=actor(agency.specialist), organisation=agency.org, values=values, main_file=("du-thao.pdf", pdf)
        )
        document = outgoing.document_submit(actor=actor(agency.specialist), document=document)
        if document.state == "in_review":
            document = outgoing.document_review(actor=actor(agency.unit_head), document=document, approve=True)
        document = outgoing.document_approve(actor=actor(agency.director), document=document, approve=True)
        drafts.append(document_sign(actor=actor(agency.director), document=document, pin=PIN))
    return drafts


def issue_race(agency, drafts: list) -> dict:
    from django.utils import timezone

    from egov.documents.models import Document, NumberSequence
    from egov.documents.services.issuing import document_issue, series_of
    from egov.documents.tests.factories import PIN, actor

    series = {series_of(d) for d in drafts}
    if len(series) != 1:
        raise SystemExit(f"the drafts fall into several numbering series: {series}")
    key = {"organisation": agency.org, "year": timezone.localdate().year, "series": series.pop()}
    before = NumberSequence.objects.filter(**key).values_list("last_number", flat=True).first() or 0
    queue = list(drafts)
    lock = threading.Lock()

    def work():
        with lock:
            document = queue.pop()
        return document_issue(actor=actor(agency.clerk), document=document, pin=PIN).number

    outcome = _race(len(drafts), len(drafts), work, timeout=600)
    numbers = sorted(n for n in outcome["results"] if n is not None)
    issued = Document.objects.filter(pk__in=[d.pk for d in drafts], state="issued")
    stored = sorted(issued.values_list("number", flat=True))
    expected = list(range(before + 1, before + len(drafts) + 1))
    outcome["ok"] = not outcome["failures"] and numbers == expected and stored == expected
    outcome["summary"] = f"{key['series']} {key['year']}: {numbers[:1]}..{numbers[-1:]} after {before}"
    return outcome


def machine() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "unknown CPU")
    return f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}"


def _print_targets(rows: list[dict]) -> None:
    print(f"{'target':40} {'p50 ms':>8} {'p95 ms':>8} {'× SELECT 1':>11}  goal")
    for row in rows:
        goal = f"p95 < {row['goal']} ms: {'PASS' if row['p95'] < row['goal'] else 'FAIL'}" if row["goal"] else ""
        print(f"{row['target']:40} {row['p50']:8.2f} {row['p95']:8.2f} {row['ratio']:11.1f}  {goal}")


def _print_race(title: str, outcome: dict) -> None:
    verdict = "PASS" if outcome["ok"] else "FAIL"
    print(
        f"{title}: {verdict} — {outcome['summary']}; {outcome['rate']:.1f}/s over {outcome['wall'] * 1000:.0f} ms, "
        f"transaction p50 {outcome['p50']:.1f} ms, p95 {outcome['p95']:.1f} ms"
    )
    for failure in outcome["failures"][:5]:
        print(f"  failure: {failure}")


def _timeout(signum, frame):
    raise TimeoutError("the benchmark ran out of time (--timeout)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="documents to generate (default 1,000,000)")
    parser.add_argument("--year", type=int, default=2025, help="the register year measured (default 2025)")
    parser.add_argument("--runs", type=int, default=50, help="timed calls per register target (default 50)")
    parser.add_argument("--numberings", type=int, default=200, help="concurrent numberings (default 200)")
    parser.add_argument("--issues", type=int, default=20, help="concurrent document_issue calls (default 20)")
    parser.add_argument("--explain", action="store_true", help="print the query plans even when the goal is met")
    parser.add_argument("--timeout", type=int, default=1800, help="give up after this many seconds (default 1800)")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME} afterwards")
    args = parser.parse_args()
    pg_url = os.environ.get("EGOV_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(args.timeout)
    data_dir = tempfile.mkdtemp(prefix="egov-bench-docs-")
    print(f"machine: {machine()}; load average {_load()}")
    try:
        _setup_django(pg_url, data_dir)
        started = time.perf_counter()
        tree, agency, others = build_agencies()
        print(f"organisations, people and keys: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        data = build_documents(args.count, agency, others)
        print(f"data: {args.count:,} documents in {time.perf_counter() - started:.0f} s (table {data['size']})")
        print("\n".join(f"  {step:44} {seconds:7.1f} s" for step, seconds in data["timings"].items()))
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in data["counts"].items()))
        started = time.perf_counter()
        drafts = signed_drafts(agency, args.issues)
        print(f"{len(drafts)} signed drafts prepared in {time.perf_counter() - started:.0f} s")

        print(f"\n1. Registers of {agency.org.name}, {args.year}, as its clerk; load average {_load()}")
        rows, sizes, targets = measure_registers(agency, args.year, args.runs)
        for kind, (n, last) in sizes.items():
            print(f"  {kind} register {args.year}: {n:,} entries, {last} pages of 50")
        _print_targets(rows)
        for row, (name, call, _) in zip(rows, targets, strict=True):
            if row["goal"] and (args.explain or row["p95"] >= row["goal"]):
                print(f"\nEXPLAIN ANALYZE — {name}:")
                for plan in explain(call):
                    print(plan + "\n")

        cap = min(args.numberings, free_connections())
        print(f"\n2. Numbering; load average {_load()}; at most {cap} connections at once")
        race = numbering_race(tree["qt_stttt"], dt.date.today().year, args.numberings, cap)
        _print_race(f"{args.numberings} concurrent take_number", race)
        issued = issue_race(agency, drafts)
        _print_race(f"{args.issues} concurrent document_issue", issued)
        print(f"load average at the end {_load()}")
        return 0 if race["ok"] and issued["ok"] else 1
    finally:
        signal.alarm(0)
        if "django" in sys.modules and not args.keep:
            _drop(pg_url)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
