"""Dashboards and the roll-up as JSON: /api/v1/plans/{id}/dashboard, /plans/organisations/{code}/dashboard,
/plans/rollup. The figures come from `egov.plans.reports` and the scoping rules are the pages' (views/dashboards).
"""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router

from egov.core.errors import NotFound, ValidationFailed
from egov.organisations.models import Organisation
from egov.plans import selectors
from egov.plans.api.schemas_reports import AsOfFilters, OrgDashboardOut, PlanDashboardOut, RollupFilters, RollupOut
from egov.plans.models import Task
from egov.plans.reports.dashboard import Figures, Rate, UnitFigures, org_dashboard, plan_dashboard, status_counts
from egov.plans.reports.forms import AsOfForm, RollupFilterForm
from egov.plans.reports.rollup import rollup, rollup_scope

router = Router(tags=["plans: reports"])


def _checked(form) -> dict:
    """The pages' filter form decides what a good day or source is; its errors become a 422 naming the field."""
    if not form.is_valid():
        raise ValidationFailed({name: [str(m) for m in messages] for name, messages in form.errors.items()})
    return form.cleaned_data


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def _codes(ids) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=set(ids)).values_list("pk", "code"))


def rate_out(rate: Rate) -> dict:
    return {"on_time": rate.on_time, "counted": rate.counted, "percent": rate.percent, "label": rate.label}


def counts_out(counts: dict[str, int], *, nonzero: bool = False) -> list[dict]:
    return [{"status": s.status, "label": s.label, "count": s.count} for s in status_counts(counts, nonzero=nonzero)]


def units_out(units: list[UnitFigures], codes: dict[int, str]) -> list[dict]:
    return [
        {
            "unit": codes[u.unit_id],
            "name": u.name,
            "total": u.total,
            "counts": counts_out(u.counts, nonzero=True),
            "rate": rate_out(u.rate),
        }
        for u in units
    ]


def figures_out(figures: Figures) -> dict:
    lines = figures.overdue + figures.due_soon
    # The report lines carry the unit's display name; the API names units by code (one query for both lists).
    unit_of = dict(Task.objects.filter(pk__in=[t.pk for t in lines]).values_list("pk", "lead_unit__code"))
    codes = _codes(u.unit_id for u in figures.units)

    def line(t) -> dict:
        return {
            "id": t.pk,
            "number": t.number,
            "title": t.title,
            "plan": t.plan_id,
            "plan_title": t.plan_title,
            "lead_unit": unit_of[t.pk],
            "lead_unit_name": t.lead_unit,
            "due_date": t.due_date,
            "deadline": t.deadline_text,
            "percent": t.percent,
            "working_days": t.working_days,
        }

    return {
        "as_of": figures.today,
        "total": figures.total,
        "counts": counts_out(figures.counts),
        "completed": figures.completed_total,
        "overdue_total": figures.overdue_total,
        "due_soon_total": figures.due_soon_total,
        "rate": rate_out(figures.rate),
        "units": units_out(figures.units, codes),
        "overdue": [line(t) for t in figures.overdue],
        "due_soon": [line(t) for t in figures.due_soon],
    }


@router.get("/{int:id}/dashboard", response=PlanDashboardOut, summary="A plan's figures on a day")
def get_plan_dashboard(request, id: int, filters: Query[AsOfFilters]):
    plan = selectors.plan_get(actor=request.actor, pk=id)
    as_of = _checked(AsOfForm({"as_of": _iso(filters.as_of)}))["as_of"]
    return {"plan": plan.pk, **figures_out(plan_dashboard(plan=plan, today=as_of))}


@router.get(
    "/organisations/{code}/dashboard",
    response=OrgDashboardOut,
    summary="Figures across an organisation's active plans and the tasks its units lead",
)
def get_org_dashboard(request, code: str, filters: Query[AsOfFilters]):
    organisation = selectors.plans_organisation_get(actor=request.actor, code=code.strip())
    as_of = _checked(AsOfForm({"as_of": _iso(filters.as_of)}))["as_of"]
    board = org_dashboard(organisation=organisation, today=as_of)
    return {
        "organisation": organisation.code,
        "organisation_name": organisation.name,
        "plans": [
            {
                "id": p.pk,
                "title": p.title,
                "number": p.number,
                "organisation_name": p.organisation,
                "total": p.total,
                "counts": p.counts,
                "rate": rate_out(p.rate),
            }
            for p in board.plans
        ],
        "figures": figures_out(board.figures),
        "led_total": board.led_total,
        "led_counts": counts_out(board.led_counts, nonzero=True),
        "led_rate": rate_out(board.led_rate),
        "led_units": units_out(board.led_units, _codes(u.unit_id for u in board.led_units)),
    }


def _doc(ref) -> dict | None:
    return {"number": ref[0], "date": ref[1]} if ref else None


@router.get("/rollup", response=RollupOut, summary="National or provincial roll-up, by the caller's plans.view scope")
def get_rollup(request, filters: Query[RollupFilters]):
    actor = request.actor
    data = _checked(RollupFilterForm({"as_of": _iso(filters.as_of), "source": filters.source}))
    org_id = None
    if filters.org is not None and filters.org.strip():
        province = Organisation.objects.filter(code=filters.org.strip()).first()
        if province is None:
            raise NotFound("Province not found")
        org_id = province.pk
    # Raises 404 for a province outside the caller's scope, 403 for someone with no roll-up at all.
    scope = rollup_scope(actor=actor, org_id=org_id)
    result = rollup(province=scope, as_of=data["as_of"], source=data["source"])
    codes = _codes(o.pk for g in result.groups for o in g.orgs)
    return {
        "as_of": result.as_of,
        "scope": "national" if result.is_national else "province",
        "province": result.province.code if result.province else None,
        "province_name": result.province.name if result.province else None,
        "source": result.source,
        "summary": result.summary,
        "committee_sentence": result.committee_sentence,
        "plan_sentence": result.plan_sentence,
        "rate": rate_out(result.rate),
        "groups": [
            {
                "level": g.level,
                "label": g.label,
                "total": g.total,
                "with_committee": g.with_committee,
                "with_plan": g.with_plan,
                "tasks": g.tasks,
                "rate": rate_out(g.rate),
                "organisations": [
                    {
                        "organisation": codes[o.pk],
                        "name": o.name,
                        "level": o.level,
                        "committee": _doc(o.committee),
                        "plan": _doc(o.plan),
                        "plans": o.plans,
                        "tasks": o.tasks,
                        "counts": o.counts,
                        "rate": rate_out(o.rate),
                    }
                    for o in g.orgs
                ],
            }
            for g in result.groups
        ],
    }
