"""Dashboards, the national and provincial roll-up, charts and Excel/PDF exports of plan progress.

Every figure reads only the Task table (percent, last report and completion dates are cached on it by
the progress services) and a task's status comes from `egov.plans.status.status_expression`, so a
dashboard is a fixed handful of GROUP BY queries however many tasks and progress reports there are.
"""
