from egov.services.views import desk, lookup

app_name = "services"
urlpatterns = [
    *lookup.urlpatterns,
    *desk.urlpatterns,
]
