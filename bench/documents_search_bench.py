#!/usr/bin/env python3
"""Document search benchmark: full-text search over 1,000,000 documents on PostgreSQL, beside trivial queries.

    .venv/bin/python bench/documents_search_bench.py                  # 1,000,000 documents, recorded in RESULTS.md
    .venv/bin/python bench/documents_search_bench.py --count 100000   # a quicker run, not recorded
    .venv/bin/python bench/documents_search_bench.py --quick          # 100,000 documents, 20 rounds, not recorded
    .venv/bin/python bench/documents_search_bench.py --keep ...       # then --reuse: measure again, no generation
    EGOV_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/documents_search_bench.py

Data (bench/README.md, "Document search"): a throw-away PostgreSQL database with 63 provinces, each with its
people's committee and 8 departments (567 agencies); `--count` documents spread evenly over them, half outgoing
and half incoming, 2019–2025, 1 % secret, with Vietnamese subjects assembled from the vocabulary of the
e-government seeds (chuyển đổi số, Chính quyền điện tử, dịch vụ công trực tuyến, …), numbers and symbols,
signers, issuers and a sentence of body text each. Rows are written with COPY; the searchable text of each
document is built by the same code the application uses (egov.documents.search.indexing), and the vectors by
the same SQL; the search indexes are built once after loading, with the definitions migration 0002 made.

Measured in one process by calling `search_documents` (what the search page and the API call), page size 20,
each query repeated `--rounds` times after a warm-up, round-robin so caches treat every query alike:
  - baseline: `SELECT 1` and a primary-key fetch of a document through the ORM, in the same run;
  - typical 2–4 word queries, typed folded and with diacritics, a quoted phrase, a number and symbol;
  - as the platform (every document visible) and as the clerk of one province (what that clerk may see).
Prints p50/p95 per query and the p95 against the target (< 100 ms). Loopback only; the database is dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

from pgsupport import bench_database, copy_rows, drop_database, percentile

REPO = Path(__file__).resolve().parent.parent
RESULTS_MD = REPO / "bench" / "RESULTS.md"
DB_NAME = "egov_bench_documents"
GOAL_MS = 100
PROVINCES = 63
DEPARTMENTS = 8

# Vocabulary of subjects (trích yếu), after the seeds' own wording.
ACTIONS = [
    "Quyết định phê duyệt", "Quyết định ban hành", "Kế hoạch triển khai", "Kế hoạch thực hiện", "Báo cáo kết quả",
    "Báo cáo tình hình", "Hướng dẫn thực hiện", "Thông báo kết luận về", "V/v đôn đốc triển khai",
    "V/v góp ý dự thảo", "Tờ trình đề nghị phê duyệt", "Chỉ thị về tăng cường", "Quyết định thành lập",
    "Giấy mời họp về", "Công văn hướng dẫn", "Đề án",
]  # fmt: skip
OBJECTS = [
    "chuyển đổi số", "Chính quyền điện tử", "chính quyền số", "dịch vụ công trực tuyến mức độ 3, 4",
    "hệ thống quản lý văn bản và điều hành", "chữ ký số chuyên dùng", "trục liên thông văn bản quốc gia",
    "Cổng dịch vụ công quốc gia", "an toàn thông tin mạng", "cơ sở dữ liệu quốc gia về dân cư",
    "Ban Chỉ đạo xây dựng Chính quyền điện tử", "cải cách hành chính", "nền tảng tích hợp, chia sẻ dữ liệu",
    "hạ tầng kỹ thuật công nghệ thông tin", "bộ phận tiếp nhận và trả kết quả", "kinh tế số và xã hội số",
    "hồ sơ công việc điện tử", "đô thị thông minh", "thanh toán trực tuyến nghĩa vụ tài chính",
    "kho dữ liệu dùng chung",
]  # fmt: skip
SCOPES = [
    "trên địa bàn tỉnh", "tại các sở, ban, ngành", "cấp huyện, cấp xã", "của Ủy ban nhân dân tỉnh",
    "theo Nghị quyết số 17/NQ-CP", "theo Nghị định số 30/2020/NĐ-CP",
    "giai đoạn 2021-2025, định hướng đến năm 2030", "quý I", "6 tháng đầu năm", "năm",
]  # fmt: skip
SENTENCES = [
    "Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với các đơn vị liên quan tổ chức thực hiện.",
    "Các cơ quan, đơn vị báo cáo kết quả thực hiện trước ngày 15 hằng tháng.",
    "Thủ trưởng các sở, ban, ngành chịu trách nhiệm thi hành quyết định này.",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước theo phân cấp hiện hành.",
    "Đề nghị các đơn vị khẩn trương rà soát, cập nhật số liệu và gửi về Văn phòng.",
    "Tiếp tục đẩy mạnh ứng dụng công nghệ thông tin trong hoạt động của cơ quan nhà nước.",
    "Bảo đảm an toàn, an ninh thông tin trong quá trình vận hành hệ thống.",
    "Tổ chức tập huấn, hướng dẫn sử dụng cho cán bộ, công chức, viên chức.",
]  # fmt: skip
TYPES = [
    ("quyet_dinh", "Quyết định", "QĐ"), ("ke_hoach", "Kế hoạch", "KH"), ("bao_cao", "Báo cáo", "BC"),
    ("huong_dan", "Hướng dẫn", "HD"), ("thong_bao", "Thông báo", "TB"), ("cong_van", "Công văn", ""),
    ("to_trinh", "Tờ trình", "TTr"), ("chi_thi", "Chỉ thị", "CT"), ("giay_moi", "Giấy mời", "GM"),
    ("de_an", "Đề án", "ĐA"),
]  # fmt: skip
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["Văn Dũng", "Thị Hoa", "Minh Tuấn", "Đức Chính", "Quân Chính", "Văn Tường", "Thu Hà", "Đức Thắng"]
POSITIONS = [
    ("", "Chủ tịch"), ("KT.", "Phó Chủ tịch"), ("", "Giám đốc"), ("KT.", "Phó Giám đốc"),
    ("TL.", "Chánh Văn phòng"),
]  # fmt: skip
DEPARTMENT_NAMES = [
    ("STTTT", "Sở Thông tin và Truyền thông"), ("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính"),
    ("SKHĐT", "Sở Kế hoạch và Đầu tư"), ("SYT", "Sở Y tế"), ("SGDĐT", "Sở Giáo dục và Đào tạo"),
    ("STNMT", "Sở Tài nguyên và Môi trường"), ("VP", "Văn phòng Ủy ban nhân dân tỉnh"),
]  # fmt: skip
# (label, what is typed): 2–4 words, folded and with diacritics, a quoted phrase, a number and symbol.
QUERIES = [
    ("3 words, diacritics", "chuyển đổi số"),
    ("3 words, folded", "chuyen doi so"),
    ("4 words, diacritics", "kế hoạch an toàn thông tin"),
    ("4 words, folded", "ke hoach an toan thong tin"),
    ("2 words, diacritics", "chữ ký"),
    ("3 words, folded (2)", "dich vu cong"),
    ("4 words, mixed", "báo cáo cai cach hanh chinh"),
    ("quoted phrase", '"Chính quyền điện tử"'),
    ("number and symbol", "12/QĐ-UBND"),
]


def _setup_django(pg_url: str, *, reuse: bool = False) -> None:
    bench_database(pg_url, DB_NAME, reuse=reuse)


def _drop(pg_url: str) -> None:
    drop_database(pg_url, DB_NAME)


def _copy(table: str, columns: list[str], rows) -> int:
    return copy_rows(table, columns, rows)


def build_organisations() -> tuple[list, object]:
    """The provinces' people's committees and departments, and the clerk of the first province."""
    from egov.accounts.models import Membership, RoleAssignment, User
    from egov.accounts.roles import Role
    from egov.organisations.models import Organisation

    agencies = []
    for i in range(PROVINCES):
        top = Organisation.objects.add_root(
            create_kwargs={
                "code": f"000.00.00.H{i + 1:02d}",
                "code_style": "dotted",
                "name": f"Ủy ban nhân dân tỉnh số {i + 1}",
                "level": "province",
                "abbreviation": "UBND",
            }
        )
        agencies.append(top)
        for j, (abbreviation, name) in enumerate(DEPARTMENT_NAMES[:DEPARTMENTS]):
            agencies.append(
                Organisation.objects.add_child(
                    top,
                    create_kwargs={
                        "code": f"000.00.{j + 10:02d}.H{i + 1:02d}",
                        "code_style": "dotted",
                        "name": f"{name} tỉnh số {i + 1}",
                        "level": "department",
                        "abbreviation": abbreviation,
                    },
                )
            )
    clerk = User.objects.create(username="vanthu", full_name="Văn thư tỉnh số 1", password="!")
    Membership.objects.create(user=clerk, organisation=agencies[0], is_primary=True)
    RoleAssignment.objects.create(user=clerk, role=Role.CLERK, organisation=agencies[0])
    return agencies, clerk


DOCUMENT_COLUMNS = [
    "uid", "direction", "organisation_id", "state", "channel", "type_code", "type_name", "legal_normative",
    "series", "year", "number", "number_text", "symbol", "issued_on", "place", "issuer_code", "issuer_name",
    "subject", "signer_prefix", "signer_position", "signer_name", "urgency", "secrecy", "language",
    "description", "arrival_year", "arrival_number", "recall_reason", "format_findings", "created_at",
    "updated_at",
]  # fmt: skip


def _documents(count: int, agencies: list, rng: random.Random):
    """(row for documents_document, (metadata, body, folded) of its searchable text) for `count` documents."""
    from egov.documents.search.indexing import build_search_text

    numbers: dict[tuple, int] = {}
    start = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    span = (dt.datetime(2025, 12, 31, tzinfo=dt.UTC) - start).total_seconds()
    for i in range(count):
        agency = agencies[i % len(agencies)]
        created = start + dt.timedelta(seconds=span * i / count)
        year = created.year
        type_code, type_name, type_abbr = TYPES[rng.randrange(len(TYPES))]
        action, obj, scope = rng.choice(ACTIONS), rng.choice(OBJECTS), rng.choice(SCOPES)
        subject = f"{action} {obj} {scope}" + (f" {year}" if scope in ("năm", "quý I", "6 tháng đầu năm") else "")
        prefix, position = rng.choice(POSITIONS)
        signer = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
        outgoing = i % 2 == 0
        if outgoing:
            issuer = agency
            key = (agency.pk, year, "")
        else:
            issuer = agencies[rng.randrange(len(agencies))]
            key = (agency.pk, year, "incoming")
        numbers[key] = numbers.get(key, 0) + 1
        seq = numbers[key]
        number = seq if outgoing else rng.randint(1, 9999)
        number_text = f"{number:02d}"
        symbol = f"{type_abbr}-{issuer.abbreviation}" if type_abbr else f"{issuer.abbreviation}-VP"
        # The fields the index reads (a model instance per row would double the generation time).
        document = SimpleNamespace(
            organisation_id=agency.pk,
            drafting_unit_id=None,
            direction="outgoing" if outgoing else "incoming",
            type_name=type_name,
            number=number,
            number_text=number_text,
            symbol=symbol,
            subject=subject,
            issuer_name=issuer.name,
            issuer_code=issuer.code,
            place="",
            signer_prefix=prefix,
            signer_position=position,
            signer_name=signer,
            description="",
            arrival_number=None if outgoing else seq,
        )
        document.number_symbol = f"{number_text}/{symbol}"
        body = " ".join(rng.sample(SENTENCES, 2))
        text = build_search_text(document, recipient_names=[], content=body)
        row = (
            uuid.UUID(int=rng.getrandbits(128)),
            document.direction,
            agency.pk,
            "issued" if outgoing else rng.choice(("registered", "assigned", "completed")),
            "created" if outgoing else "platform",
            type_code,
            type_name,
            False,
            "",
            year if outgoing else None,
            number,
            number_text,
            symbol,
            created.date(),
            "",
            issuer.code,
            issuer.name,
            subject,
            prefix,
            position,
            signer,
            rng.choices(("normal", "urgent", "very_urgent", "flash"), (90, 7, 2, 1))[0],
            "secret" if rng.random() < 0.01 else "none",
            "Tiếng Việt",
            "",
            None if outgoing else year,
            None if outgoing else seq,
            "",
            "[]",
            created,
            created,
        )
        yield row, (text.metadata, text.body, text.folded, list(text.tokens))


def _execute(sql: str, params=None, *, maintenance_work_mem: str = "") -> None:
    """One statement in the calling thread's own connection, closed afterwards."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            if maintenance_work_mem:
                cursor.execute(f"SET maintenance_work_mem = '{maintenance_work_mem}'")
            cursor.execute(sql, params)
    finally:
        connection.close()


def _in_parallel(calls: list) -> None:
    """Run the calls in threads, each with its own database session (the machine has at least two cores)."""
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            call()
        except BaseException as exc:  # reported by the calling thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def build_documents(count: int, agencies: list) -> dict:
    from django.db import connection, transaction

    rng = random.Random(30)
    timings = {}
    started = time.perf_counter()
    texts: list[tuple] = []

    def rows():
        for row, text in _documents(count, agencies, rng):
            texts.append(text)
            yield row

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM documents_document")
        first_id = cursor.fetchone()[0] + 1
        _copy("documents_document", DOCUMENT_COLUMNS, rows())
    timings["documents (generate + COPY)"] = time.perf_counter() - started

    from egov.documents.search.backends import pg_vectors

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # The search indexes are built once after loading, from the definitions the migration made.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'documents_documenttext'"
            " AND indexname IN ('documents_documenttext_search_folded', 'documents_documenttext_folded_trgm')"
        )
        definitions = cursor.fetchall()
        for name, _ in definitions:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_text (document_id bigint, meta text, body text, folded text, tokens text[])"
        )

        def text_rows():
            for offset, (meta, body, folded, tokens) in enumerate(texts):
                yield (first_id + offset, meta, body, folded, tokens)

        _copy("bench_text", ["document_id", "meta", "body", "folded", "tokens"], text_rows())
    texts.clear()
    vectors = pg_vectors("s.meta", "s.body", "s.tokens")
    vectors = vectors.replace("search_folded = ", "").replace(", search_exact = ", ", ")

    def insert_half(half: int) -> None:
        _execute(
            "INSERT INTO documents_documenttext"
            " (document_id, content, folded, needs_extraction, extracted_at, search_folded, search_exact)"
            f" SELECT s.document_id, s.body, s.folded, false, now(), {vectors} FROM bench_text s"
            " WHERE s.document_id %% 2 = %s",
            [half],
        )

    _in_parallel([lambda: insert_half(0), lambda: insert_half(1)])
    _execute("DROP TABLE bench_text")
    timings["search text and vectors"] = time.perf_counter() - started
    started = time.perf_counter()
    _in_parallel([lambda d=definition: _execute(d, maintenance_work_mem="1GB") for _, definition in definitions])
    timings["search indexes (" + ", ".join(name for name, _ in definitions) + ")"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE documents_document")
        cursor.execute("VACUUM ANALYZE documents_documenttext")
        timings["vacuum analyze"] = time.perf_counter() - started
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('documents_document')),"
            " pg_size_pretty(pg_total_relation_size('documents_documenttext')),"
            " pg_size_pretty(pg_relation_size('documents_documenttext_search_folded')),"
            " pg_size_pretty(pg_relation_size('documents_documenttext_folded_trgm'))"
        )
        sizes = cursor.fetchone()
    return {"timings": timings, "sizes": sizes}


def _p(times: list[float], q: float) -> float:
    return percentile(times, q)


def measure(clerk, rounds: int) -> list[dict]:
    from django.db import connection

    from egov.accounts.actor import Actor
    from egov.documents.models import Document
    from egov.documents.search import search_documents

    rng = random.Random(7)
    max_id = Document.objects.order_by("-pk").values_list("pk", flat=True).first()

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    def pk_fetch():
        Document.objects.filter(pk=rng.randint(1, max_id)).first()

    actors = {"platform": Actor.system("bench"), "province clerk": Actor(user=clerk)}
    targets: list[tuple[str, str, str, object]] = [
        ("baseline", "", "SELECT 1", select_one),
        ("baseline", "", "primary-key fetch (ORM)", pk_fetch),
    ]
    totals: dict[tuple[str, str], int] = {}
    for who, actor in actors.items():
        for label, typed in QUERIES:

            def run(actor=actor, typed=typed, who=who, label=label):
                result = search_documents(actor, typed, limit=20)
                totals[(who, label)] = result.total

            targets.append((who, label, typed, run))
    for _, _, _, call in targets:  # warm-up
        call()
        call()
    times: dict[int, list[float]] = {i: [] for i in range(len(targets))}
    for _ in range(rounds):
        for i, (_, _, _, call) in enumerate(targets):
            started = time.perf_counter()
            call()
            times[i].append((time.perf_counter() - started) * 1000)
    rows = []
    for i, (who, label, typed, _) in enumerate(targets):
        rows.append(
            {
                "as": who,
                "target": label,
                "typed": typed,
                "p50": statistics.median(times[i]),
                "p95": _p(times[i], 0.95),
                "matches": totals.get((who, label)),
            }
        )
    return rows


def _commit() -> str:
    """The checked-out commit, read from .git (short form), or "" outside a repository."""
    git = REPO / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if head.startswith("ref: "):
            ref = head[5:]
            path = git / ref
            if path.exists():
                return path.read_text(encoding="utf-8").strip()[:9]
            for line in (git / "packed-refs").read_text(encoding="utf-8").splitlines():
                if line.endswith(" " + ref):
                    return line.split(" ", 1)[0][:9]
            return ""
        return head[:9]
    except OSError:
        return ""


def _machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = " ".join(line.split(":", 1)[1].strip().split(" ")[0:2])
                break
    return f"{cpu} ×{os.cpu_count()}"


HEADER = """

## Document search benchmark (`bench/documents_search_bench.py`)

PostgreSQL, in-process: `search_documents` (page of 20, with the total) over the stated number of documents, as the
platform (every document visible) and as the clerk of one province (its 9 agencies, about 1/63 of the documents).
p50 and p95 in milliseconds over repeated calls after a warm-up, beside `SELECT 1` and an ORM primary-key fetch
measured in the same run. Goal: p95 < 100 ms for typical 2–4 word queries, folded or not.

| date (UTC) | machine | documents | as | query | matches | p50 ms | p95 ms | goal |
|---|---|---|---|---|---|---|---|---|
"""


def _append_results(lines: list[str]) -> None:
    text = RESULTS_MD.read_text(encoding="utf-8")
    if "## Document search benchmark" not in text:
        text = text.rstrip("\n") + HEADER
    text = text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"
    RESULTS_MD.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="documents to generate (default 1,000,000)")
    parser.add_argument("--rounds", type=int, default=50, help="timed calls per query (default 50)")
    parser.add_argument("--quick", action="store_true", help="100,000 documents, 20 rounds, not recorded")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME} afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database a --keep run left (no generation, not recorded)"
    )
    args = parser.parse_args()
    if args.quick:
        args.count, args.rounds = 100_000, 20
    record = not (args.quick or args.no_record or args.reuse or args.count < 1_000_000)
    pg_url = os.environ.get("EGOV_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    _setup_django(pg_url, reuse=args.reuse)
    try:
        if args.reuse:
            from egov.accounts.models import User
            from egov.documents.models import Document

            clerk = User.objects.get(username="vanthu")
            args.count = Document.objects.count()
        else:
            started = time.perf_counter()
            agencies, clerk = build_organisations()
            data = build_documents(args.count, agencies)
            print(f"data: {len(agencies)} agencies, {args.count:,} documents in {time.perf_counter() - started:.0f} s")
            for step, seconds in data["timings"].items():
                print(f"  {step:52} {seconds:7.1f} s")
            sizes = data["sizes"]
            print("  sizes: documents {}, search text {} (GIN tsvector index {}, trigram index {})".format(*sizes))
        rows = measure(clerk, args.rounds)
    finally:
        if not (args.keep or args.reuse):
            _drop(pg_url)
    print(f"{'as':15} {'query':22} {'typed':30} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8}  goal")
    for row in rows:
        goal = "" if row["as"] == "baseline" else ("PASS" if row["p95"] < GOAL_MS else "BELOW")
        matches = "" if row["matches"] is None else f"{row['matches']:,}"
        print(
            f"{row['as']:15} {row['target']:22} {row['typed']:30} {matches:>8} {row['p50']:8.2f} {row['p95']:8.2f}"
            f"  {goal}"
        )
    if record:
        commit = _commit()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
        machine = f"{_machine()}; PostgreSQL; {platform.python_version()}; {commit}"
        lines = []
        for r in rows:
            goal = (
                "" if r["as"] == "baseline" else (f"p95 < {GOAL_MS} ms: " + ("PASS" if r["p95"] < GOAL_MS else "BELOW"))
            )
            query = r["typed"].replace("|", "\\|")
            matches = "" if r["matches"] is None else f"{r['matches']:,}"
            lines.append(
                f"| {stamp} | {machine} | {args.count:,} | {r['as']} | {r['target']}: `{query}` | {matches} "
                f"| {r['p50']:.2f} | {r['p95']:.2f} | {goal} |"
            )
        _append_results(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
