from egov.services.views import lookup

app_name = "services"
urlpatterns = [
    *lookup.urlpatterns,
]
