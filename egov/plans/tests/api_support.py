"""Shared by the plans API tests: the people of Bộ VHTTDL in each plan role, JSON helpers, and a state fingerprint."""

from __future__ import annotations

import json

import pytest

from egov.accounts.tests.factories import make_person
from egov.audit.models import AuditEvent
from egov.plans.models import (
    CommitteeMember,
    CompletionReview,
    DeadlineChange,
    MembershipChange,
    Plan,
    ProgressReport,
    SteeringCommittee,
    Task,
    TaskEvent,
    Urge,
)

API = "/api/v1/plans"


@pytest.fixture(name="bvh_people")
def bvh_people_fixture(tree, people):
    """The conftest people plus Bộ VHTTDL's committee secretary, a leader, a unit specialist and a viewer."""
    return {
        **people,
        "secretary": make_person("bvh.secretary", tree["bvh"], "plan_secretary"),
        "leader": make_person("bvh.leader", tree["bvh"], "leader"),
        "specialist": make_person("bvh.cntt", tree["bvh_cntt"], "specialist"),
        # One-stop officers see plans but may neither manage, report, confirm nor urge.
        "viewer": make_person("bvh.viewer", tree["bvh"], "one_stop_officer"),
    }


def as_(login, client, bvh_people, persona):
    """The test client signed in as `persona` ("anonymous" stays signed out)."""
    if persona == "anonymous":
        client.logout()
        return client
    return login(bvh_people[persona])


def post(client, url, body=None, **extra):
    return client.post(url, json.dumps(body or {}), content_type="application/json", **extra)


def patch(client, url, body, **extra):
    return client.patch(url, json.dumps(body), content_type="application/json", **extra)


def state():
    """Everything a plans write could touch: a denied write must leave this unchanged."""
    return (
        sorted(SteeringCommittee.objects.values_list("pk", "name", "decision_number", "dissolved_on")),
        sorted(CommitteeMember.objects.values_list("pk", "role", "position", "left_on")),
        MembershipChange.objects.count(),
        sorted(Plan.objects.values_list("pk", "title", "status", "number")),
        sorted(
            Task.objects.values_list(
                "pk", "title", "deadline_text", "percent", "completion_requested", "completed_on", "dropped_on"
            )
        ),
        ProgressReport.objects.count(),
        CompletionReview.objects.count(),
        Urge.objects.count(),
        DeadlineChange.objects.count(),
        TaskEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def schema_refs(spec: dict) -> set[str]:
    """The names of every schema an OpenAPI document refers to, from its paths and its schemas."""
    refs: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"].rsplit("/", 1)[-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec["paths"])
    walk(spec["components"]["schemas"])
    return refs
