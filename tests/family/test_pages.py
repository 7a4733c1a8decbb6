from django.urls import reverse


def test_the_help_page_is_open_without_signing_in(client, db):
    response = client.get(reverse("family-help"))
    assert response.status_code == 200
    assert response.context["request"].path == "/family/help/"
