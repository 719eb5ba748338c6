"""The demo public services: the catalogue imported, the commune's dossiers in each state, loaded once."""

import pytest

from egov.core.demo import load_demo
from egov.services.models import Dossier, DossierRating, ProcedureVersion

pytestmark = pytest.mark.django_db


def test_demo_services_load_once():
    first = load_demo(parts=("services",))
    assert (first["service_accounts"], first["procedure_versions"], first["dossiers"]) == (3, 11, 5)
    states = sorted(Dossier.objects.values_list("version__procedure__code", "state", "channel"))
    assert states == [
        ("1.000894", "submitted", "online"),
        ("1.001193", "processing", "online"),
        ("1.001193", "returned", "online"),
        ("2.000635", "awaiting_payment", "online"),
        ("2.000815", "processing", "counter"),
    ]
    assert all(code.startswith("000.02.35.H40-") for code in Dossier.objects.values_list("code", flat=True))
    assert list(DossierRating.objects.values_list("score", flat=True)) == [5]
    assert ProcedureVersion.objects.filter(state="published").count() == 11
    second = load_demo(parts=("services",))
    assert (second["service_accounts"], second["procedure_versions"], second["dossiers"]) == (0, 0, 0)
    assert Dossier.objects.count() == 5
