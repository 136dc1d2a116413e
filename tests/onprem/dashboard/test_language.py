"""The dashboard's language: the browser's (Accept-Language), unless the staff member chose one."""

from __future__ import annotations

from onprem.dashboard.models import StaffPreference


def lang(client, **headers) -> str:
    page = client.get("/dashboard/", **headers).content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_the_browser_chooses_until_the_user_does(store, staff_client):
    assert lang(staff_client, HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9") == "it"
    assert lang(staff_client, HTTP_ACCEPT_LANGUAGE="en") == "en"

    response = staff_client.post("/dashboard/language/", {"language": "it", "next": "/dashboard/"})

    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert StaffPreference.objects.get(user=staff_client.user).language == "it"
    staff_client.cookies.clear()  # another browser: the setting follows the person
    staff_client.force_login(staff_client.user)
    assert lang(staff_client, HTTP_ACCEPT_LANGUAGE="en") == "it"


def test_an_unknown_language_is_a_400(staff_client):
    response = staff_client.post("/dashboard/language/", {"language": "xx"})

    assert response.status_code == 400
    assert "Unknown language 'xx'" in response.content.decode()


def test_a_websocket_gets_the_same_choice_as_a_page(staff_client):
    from onprem.dashboard.language import language_for_scope

    def scope(accept: str = "", cookie: str | None = None) -> dict:
        return {"user": staff_client.user, "headers": [(b"accept-language", accept.encode())],
                "cookies": {"django_language": cookie} if cookie else {}}

    assert language_for_scope(scope()) == "en"
    assert language_for_scope(scope("it-CH,it;q=0.8,en;q=0.5")) == "it"
    assert language_for_scope(scope("it", cookie="en")) == "en"  # the browser's own choice
    StaffPreference.objects.create(user=staff_client.user, language="it")
    assert language_for_scope(scope("en", cookie="en")) == "it"  # the person's setting wins
