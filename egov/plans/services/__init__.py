"""Every change to committees, plans and tasks: one transaction, validated, with its audit event.

Split by concept; import from here: `from egov.plans import services; services.task_create(...)`.
"""

from egov.plans.services.committees import (
    committee_create,
    committee_update,
    member_add,
    member_leave,
    member_update,
)
from egov.plans.services.plans import plan_create, plan_transition, plan_update
from egov.plans.services.progress import (
    completion_review,
    progress_report_submit,
    task_urge,
)
from egov.plans.services.tasks import (
    task_change_deadline,
    task_create,
    task_delete,
    task_drop,
    task_link_add,
    task_update,
)

__all__ = [
    "committee_create",
    "committee_update",
    "completion_review",
    "member_add",
    "member_leave",
    "member_update",
    "plan_create",
    "plan_transition",
    "plan_update",
    "progress_report_submit",
    "task_change_deadline",
    "task_create",
    "task_delete",
    "task_drop",
    "task_link_add",
    "task_update",
    "task_urge",
]
