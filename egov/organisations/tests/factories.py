"""Organisation trees for tests, built through the real service (so audit and validation apply)."""

from __future__ import annotations

from egov.accounts.actor import Actor
from egov.organisations.models import Organisation
from egov.organisations.services import organisation_create

SYSTEM = Actor.system("tests")


def make_org(code: str, name: str, level: str, parent: Organisation | None = None, **extra) -> Organisation:
    values = {"code": code, "name": name, "level": level, **extra}
    return organisation_create(actor=SYSTEM, parent=parent, values=values)


def build_demo_tree() -> dict[str, Organisation]:
    t: dict[str, Organisation] = {}
    t["nd"] = make_org("000.00.00.H40", "Ủy ban nhân dân tỉnh Nam Định", "province", abbreviation="UBND")
    t["nd_vp"] = make_org("000.00.01.H40", "Văn phòng UBND tỉnh Nam Định", "department", t["nd"], abbreviation="VP")
    t["nd_stttt"] = make_org(
        "000.00.12.H40",
        "Sở Thông tin và Truyền thông tỉnh Nam Định",
        "department",
        t["nd"],
        abbreviation="STTTT",
        short_name="Sở TT&TT Nam Định",
    )
    t["nd_stttt_vp"] = make_org("000.01.12.H40", "Văn phòng Sở", "unit", t["nd_stttt"], abbreviation="VP")
    t["nd_stttt_cntt"] = make_org(
        "000.02.12.H40", "Phòng Công nghệ thông tin", "unit", t["nd_stttt"], abbreviation="CNTT"
    )
    t["nd_hh"] = make_org("000.00.35.H40", "Ủy ban nhân dân huyện Hải Hậu", "district", t["nd"], abbreviation="UBND")
    t["qt"] = make_org("000.00.00.H50", "Ủy ban nhân dân tỉnh Quảng Trị", "province", abbreviation="UBND")
    t["qt_stttt"] = make_org(
        "000.00.12.H50", "Sở Thông tin và Truyền thông tỉnh Quảng Trị", "department", t["qt"], abbreviation="STTTT"
    )
    t["bvh"] = make_org("000.00.00.G16", "Bộ Văn hóa, Thể thao và Du lịch", "ministry", abbreviation="VHTTDL")
    t["bvh_cntt"] = make_org("000.00.02.G16", "Trung tâm Công nghệ thông tin", "unit", t["bvh"], abbreviation="TTCNTT")
    for key, org in t.items():
        t[key] = Organisation.objects.get(pk=org.pk)
    return t
