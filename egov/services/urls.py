from egov.services.applicants import views as applicants
from egov.services.payments import views as payments_views
from egov.services.views import apply, desk, interagency, lookup, rating, stats

app_name = "services"
urlpatterns = [
    *lookup.urlpatterns,
    *desk.urlpatterns,
    *interagency.urlpatterns,
    *apply.urlpatterns,
    *applicants.urlpatterns,
    *stats.urlpatterns,
    *rating.urlpatterns,
    *payments_views.urlpatterns,
]
