"""The narrowing by scope (scope.py) never hides a document visible_q shows, for every way of being visible."""

from __future__ import annotations

import pytest

from egov.accounts.actor import Actor
from egov.accounts.models import ApiKey
from egov.accounts.tests.factories import make_person
from egov.documents.models import AccessGrant, Assignment, Document
from egov.documents.permissions import visible_q
from egov.documents.search import reindex_document, search_documents
from egov.documents.search.backends import get_backend
from egov.documents.search.query import parse_query
from egov.documents.search.scope import search_scope


def make(org, label: str, **fields) -> Document:
    document = Document.objects.create(
        direction=fields.pop("direction", "outgoing"),
        organisation=org,
        state=fields.pop("state", "issued"),
        type_code="cong_van",
        type_name="Công văn",
        issuer_name=org.name,
        subject=f"Văn bản chung {label}",
        **fields,
    )
    reindex_document(document.pk)
    return document


@pytest.fixture
def world(tree, people):
    nd_stttt, cntt = tree["nd_stttt"], tree["nd_stttt_cntt"]
    author = make_person("tac.gia", cntt, "specialist")
    unit_head = make_person("truong.phong", cntt, "leader")
    assignee = make_person("chuyen.vien", tree["nd_stttt_vp"], "specialist")
    unit_member = make_person("thanh.vien", cntt, "specialist")
    grantee = make_person("duoc.cap", tree["qt_stttt"], "specialist")
    d = {
        "stttt": make(nd_stttt, "sở"),
        "province": make(tree["nd"], "tỉnh"),
        "district": make(tree["nd_hh"], "huyện"),
        "other_province": make(tree["qt_stttt"], "tỉnh khác"),
        "draft": make(
            nd_stttt, "dự thảo", state="draft", drafting_unit=cntt, created_by=author, signer=people["nd_leader"]
        ),
        "to_person": make(nd_stttt, "giao cá nhân", direction="incoming", state="assigned"),
        "to_unit": make(nd_stttt, "giao phòng", direction="incoming", state="assigned"),
        "secret_granted": make(nd_stttt, "mật được cấp quyền", secrecy="secret"),
        "secret": make(nd_stttt, "mật", secrecy="top_secret"),
        "ministry": make(tree["bvh"], "bộ"),
    }
    Assignment.objects.create(document=d["to_person"], role="lead", person=assignee)
    Assignment.objects.create(document=d["to_unit"], role="cooperate", unit=cntt)
    AccessGrant.objects.create(document=d["secret_granted"], person=grantee)
    key = ApiKey.objects.create(
        organisation=tree["nd"],
        system_name="Hệ thống báo cáo",
        prefix="k1",
        key_hash="x",
        scopes=["documents.view_all"],
    )
    actors = {
        "platform": Actor.system("tests"),
        "nd_clerk": Actor(user=people["nd_clerk"]),
        "nd_leader": Actor(user=people["nd_leader"]),
        "qt_clerk": Actor(user=people["qt_clerk"]),
        "sysadmin": Actor(user=people["sysadmin"]),
        "author": Actor(user=author),
        "unit_head": Actor(user=unit_head),
        "assignee": Actor(user=assignee),
        "unit_member": Actor(user=unit_member),
        "grantee": Actor(user=grantee),
        "citizen": Actor(user=people["applicant"]),
        "anonymous": Actor(),
        "api_key": Actor(api_key=key),
    }
    return d, actors


EXPECTED = {
    "nd_clerk": {"stttt", "draft", "to_person", "to_unit"},
    "nd_leader": {"stttt", "province", "district", "draft", "to_person", "to_unit"},
    "qt_clerk": {"other_province"},
    "author": {"draft", "to_unit"},  # and, as a member of the unit, what the unit was assigned
    "unit_head": {"draft", "to_unit"},
    "assignee": {"to_person"},
    "unit_member": {"to_unit"},
    "grantee": {"secret_granted"},
    "citizen": set(),
    "anonymous": set(),
    "api_key": {"stttt", "province", "district", "draft", "to_person", "to_unit"},
}


def test_each_actor_finds_exactly_what_visible_q_shows(world):
    documents, actors = world
    names = {doc.pk: name for name, doc in documents.items()}
    everything_open = {name for name, doc in documents.items() if doc.secrecy == "none"}
    expected = {**EXPECTED, "platform": set(documents), "sysadmin": everything_open}
    for who, actor in actors.items():
        visible = {names[pk] for pk in Document.objects.filter(visible_q(actor)).values_list("pk", flat=True)}
        assert visible == expected[who], who
        result = search_documents(actor, "van ban chung", limit=50)
        assert ({names[d.pk] for d in result.items}, result.total) == (expected[who], len(expected[who])), who


def test_the_narrowed_search_equals_the_plain_one(world):
    _, actors = world
    backend = get_backend()
    for query in ("van ban chung", '"văn bản chung"', "chung giao"):
        parsed = parse_query(query)
        for who, actor in actors.items():
            candidates = Document.objects.filter(visible_q(actor))
            if who in ("citizen", "anonymous"):
                assert search_documents(actor, query).total == 0
                continue
            plain = backend.search(parsed, candidates, limit=50, offset=0, scope=None)
            narrowed = backend.search(parsed, candidates, limit=50, offset=0, scope=search_scope(actor))
            assert (sorted(narrowed[0]), narrowed[1]) == (sorted(plain[0]), plain[1]), (who, query)


def test_scopes(world, tree, people):
    _, actors = world
    assert search_scope(actors["platform"]) is None
    assert search_scope(actors["sysadmin"]) is None
    clerk = search_scope(actors["nd_clerk"])
    stttt_subtree = {tree[k].pk for k in ("nd_stttt", "nd_stttt_vp", "nd_stttt_cntt")}
    assert set(clerk.tokens) == {f"o_{pk}" for pk in stttt_subtree}
    assert clerk.personal_sql is not None
    specialist = search_scope(actors["assignee"])
    assert specialist.tokens == ()
    head = search_scope(actors["unit_head"])
    assert set(head.tokens) == {f"o_{tree['nd_stttt_cntt'].pk}", f"d_{tree['nd_stttt_cntt'].pk}"}
    key = search_scope(actors["api_key"])
    assert key.personal_sql is None and f"o_{tree['nd_hh'].pk}" in key.tokens
