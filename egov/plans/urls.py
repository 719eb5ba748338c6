from egov.plans.views import committees, dashboards, imports, meetings, overlap, plans, tasks

app_name = "plans"
urlpatterns = [
    *plans.urlpatterns,
    *committees.urlpatterns,
    *tasks.urlpatterns,
    *meetings.urlpatterns,
    *dashboards.urlpatterns,
    *overlap.urlpatterns,
    *imports.urlpatterns,
]
