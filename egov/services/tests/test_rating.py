"""The applicant rates a completed dossier once, 1 to 5; nobody else can."""

import pytest

from egov.accounts.actor import Actor
from egov.services.dossiers import processing as p
from egov.services.models import DossierRating
from egov.services.tests.helpers import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(agency, version):
    dossier = p.dossier_accept(actor=Actor(user=agency.officer), dossier=submit(agency, version))
    dossier = p.dossier_resolve(actor=Actor(user=agency.leader), dossier=dossier)
    return p.dossier_return(actor=Actor(user=agency.officer), dossier=dossier)


def test_rating_once_through_the_page(client, agency, returned):
    client.force_login(agency.applicant)
    page = client.get(f"/services/my/{returned.pk}/")
    assert 'id="rating"' in page.content.decode()
    response = client.post(f"/services/my/{returned.pk}/rate/", {"score": "4", "comment": "  Nhanh,   chu đáo "})
    assert response.status_code == 302
    rating = DossierRating.objects.get()
    assert (rating.dossier_id, rating.score, rating.comment) == (returned.pk, 4, "Nhanh, chu đáo")
    again = client.post(f"/services/my/{returned.pk}/rate/", {"score": "1"})
    assert again.status_code == 303
    # The thanks from the first post is still queued (no page shown in between), then the refusal.
    assert [str(m) for m in again.wsgi_request._messages] == ["Cảm ơn bạn đã đánh giá.", "Hồ sơ này đã được đánh giá."]
    assert DossierRating.objects.get().score == 4
    assert "Bạn đã đánh giá 4/5" in client.get(f"/services/my/{returned.pk}/").content.decode()


@pytest.mark.parametrize("score", ["0", "6", "năm", ""])
def test_a_score_outside_1_to_5_is_refused(client, agency, returned, score):
    client.force_login(agency.applicant)
    response = client.post(f"/services/my/{returned.pk}/rate/", {"score": score})
    assert response.status_code == 303
    assert [str(m) for m in response.wsgi_request._messages] == ["Hãy chọn mức từ 1 đến 5."]
    assert DossierRating.objects.count() == 0


def test_only_the_owner_rates_and_only_a_returned_dossier(client, agency, version, returned):
    client.force_login(agency.officer)
    assert client.post(f"/services/my/{returned.pk}/rate/", {"score": "5"}).status_code == 404
    client.force_login(agency.applicant)
    open_dossier = submit(agency, version)
    response = client.post(f"/services/my/{open_dossier.pk}/rate/", {"score": "5"})
    assert [str(m) for m in response.wsgi_request._messages] == ["Chỉ đánh giá hồ sơ đã nhận kết quả."]
    assert DossierRating.objects.count() == 0
