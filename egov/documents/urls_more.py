"""Register, file (hồ sơ) and search pages."""

from egov.documents.views import casefiles, registers, search

urlpatterns: list = [
    *registers.urlpatterns,
    *casefiles.urlpatterns,
    *search.urlpatterns,
]
