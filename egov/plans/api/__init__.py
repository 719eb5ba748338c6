"""The plans JSON API under /api/v1/plans: committees, plans, tasks and their progress."""

from __future__ import annotations

from egov.plans.api import committees, plans, tasks

# The plans router is the root so that the list sits at /plans (no trailing slash); ids are int-converted,
# so /plans/{id} cannot swallow /plans/committees, /plans/tasks/… or /plans/my-tasks.
router = plans.router
router.add_router("", committees.router)
router.add_router("", tasks.router)

__all__ = ["router"]
