from egov.documents import urls_more
from egov.documents.views import access, actions_incoming, actions_outgoing, detail, home, incoming, outgoing

app_name = "documents"
urlpatterns = [
    *home.urlpatterns,
    *incoming.urlpatterns,
    *outgoing.urlpatterns,
    *detail.urlpatterns,
    *actions_outgoing.urlpatterns,
    *actions_incoming.urlpatterns,
    *access.urlpatterns,
    *urls_more.urlpatterns,
]
