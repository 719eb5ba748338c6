"""Demo data from the seed articles: the organisations and one account for each role.

Loading is idempotent and keeps what is already there: missing organisations and accounts are added,
existing ones are left exactly as people may have edited them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from egov.accounts.actor import Actor
from egov.accounts.models import User
from egov.accounts.roles import Role
from egov.accounts.services import person_create, role_assign
from egov.organisations.csvio import import_organisations
from egov.organisations.models import Organisation

ORGANISATIONS_CSV = Path(__file__).resolve().parent.parent / "organisations" / "data" / "demo-organisations.csv"
DEMO_PASSWORD = "Demo@egov-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    org_code: str | None
    position: str
    role: str
    kind: str = "staff"
    role_org_code: str | None = None  # where the role holds, when wider than the person's own unit


ACCOUNTS = (
    DemoAccount("quantri", "Quản trị hệ thống", None, "", Role.SYSTEM_ADMIN),
    DemoAccount(
        "quantri.namdinh",
        "Trần Thị Hoa",
        "000.00.12.H40",
        "Chuyên viên quản trị hệ thống",
        Role.ORG_ADMIN,
        role_org_code="000.00.00.H40",
    ),
    DemoAccount("nghi.pd", "Phạm Đình Nghị", "000.00.00.H40", "Chủ tịch UBND tỉnh", Role.LEADER),
    DemoAccount("vanthu.stttt.namdinh", "Nguyễn Thị Lan", "000.01.12.H40", "Văn thư", Role.CLERK),
    DemoAccount("chuyenvien.cntt.namdinh", "Vũ Minh Đức", "000.02.12.H40", "Chuyên viên", Role.SPECIALIST),
    DemoAccount("motcua.haihau", "Đỗ Thị Thu", "000.01.35.H40", "Cán bộ một cửa", Role.ONE_STOP_OFFICER),
    DemoAccount("chinh.nd", "Nguyễn Đức Chính", "000.00.00.H50", "Chủ tịch UBND tỉnh", Role.LEADER),
    DemoAccount("chinh.nq", "Nguyễn Quân Chính", "000.00.00.H50", "Phó Chủ tịch UBND tỉnh", Role.DEPUTY_LEADER),
    DemoAccount("tuong.nv", "Nguyễn Văn Tường", "000.00.12.H50", "Giám đốc Sở", Role.LEADER),
    DemoAccount("vanthu.stttt.quangtri", "Lê Thị Mai", "000.01.12.H50", "Văn thư", Role.CLERK),
    DemoAccount("quy.td", "Trần Đức Quý", "000.00.00.H22", "Phó Chủ tịch UBND tỉnh", Role.DEPUTY_LEADER),
    DemoAccount("chien.dv", "Đỗ Văn Chiến", "000.00.00.G19", "Bộ trưởng, Chủ nhiệm", Role.LEADER),
    DemoAccount("hai.lk", "Lê Khánh Hải", "000.00.00.G16", "Thứ trưởng", Role.DEPUTY_LEADER),
    DemoAccount("quantri.vhttdl", "Hoàng Văn Nam", "000.00.02.G16", "Phó Giám đốc Trung tâm", Role.ORG_ADMIN),
    DemoAccount("chuyenvien.ttcntt", "Bùi Thị Hằng", "000.00.02.G16", "Chuyên viên", Role.SPECIALIST),
    DemoAccount("congdan", "Nguyễn Văn An", None, "", Role.APPLICANT, kind="applicant"),
)


def _missing_rows() -> bytes:
    """The demo CSV restricted to organisations not in the database yet."""
    text = ORGANISATIONS_CSV.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    existing = set(Organisation.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(r for r in rows if r["code"] not in existing)
    return out.getvalue().encode("utf-8")


def add_accounts(actor: Actor, accounts: tuple[DemoAccount, ...]) -> int:
    """Create the demo accounts that do not exist yet (an existing one is left as people edited it)."""
    added = 0
    for account in accounts:
        if User.objects.filter(username=account.username).exists():
            continue
        org = Organisation.objects.get(code=account.org_code) if account.org_code else None
        user = person_create(
            actor=actor,
            values={
                "username": account.username,
                "full_name": account.full_name,
                "kind": account.kind,
                "email": f"{account.username}@demo.egov.local",
            },
            organisation=org,
            position=account.position,
            password=DEMO_PASSWORD,
        )
        role_org = Organisation.objects.get(code=account.role_org_code) if account.role_org_code else org
        role_assign(actor=actor, user=user, role=account.role, organisation=role_org)
        added += 1
    return added


@transaction.atomic
def load_demo(parts: tuple[str, ...] = ("plans", "documents", "services")) -> dict[str, int]:
    actor = Actor.system("egov demo")
    report = import_organisations(actor=actor, data=_missing_rows())
    if not report.ok:
        raise RuntimeError(f"demo organisations failed to load: {report.as_dict()['errors']}")
    added = add_accounts(actor, ACCOUNTS)
    # Imported here: the apps' demo modules build on this one.
    from egov.documents.demo import load_documents_demo
    from egov.plans.demo import load_plans_demo

    counts = {"organisations": report.created, "accounts": added}
    if "plans" in parts:
        counts.update(load_plans_demo(actor=actor))
    if "documents" in parts:
        counts.update(load_documents_demo(actor=actor))
    if "services" in parts:
        from egov.services.demo import load_services_demo

        counts.update(load_services_demo(actor=actor))
    return counts
