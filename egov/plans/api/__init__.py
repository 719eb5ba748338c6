"""The plans JSON API under /api/v1/plans: committees, plans, tasks and their progress, review meetings,
overlapping tasks, dashboards and the roll-up."""

from __future__ import annotations

from egov.plans.api import committees, meetings, overlaps, plans, reports, tasks

# The plans router is the root so that the list sits at /plans (no trailing slash); ids are int-converted,
# so /plans/{id} cannot swallow /plans/committees, /plans/tasks/…, /plans/my-tasks, /plans/rollup…
router = plans.router
router.add_router("", committees.router)
router.add_router("", tasks.router)
router.add_router("", meetings.router)
router.add_router("", overlaps.router)
router.add_router("", reports.router)

__all__ = ["router"]
