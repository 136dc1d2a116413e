"""RFC 9700 on the store tier: only code + PKCE S256 and client credentials, hashed tokens,
refresh-token replay revokes the family, nothing in a query string, no self-service apps."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.test import Client
from oauth2_provider.models import AccessToken, RefreshToken

from tests.oauth_flows import (
    REDIRECT_URI,
    application,
    authorize,
    code_token,
    pkce_pair,
    signed_in,
    token_request,
)

CARTS = "/api/v1/carts/"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_it_refuses_the_password_grant(people):
    people["staff"].set_password("pw-stella-0123")
    people["staff"].save()
    app = application("legacy", grant="password")

    response = token_request(
        app, grant_type="password", username="stella", password="pw-stella-0123", scope="staff"
    )

    assert response.status_code == 400 and response.json()["error"] == "unauthorized_client"


def test_it_refuses_the_implicit_grant(people):
    app = application("spa", grant="implicit")

    got = authorize(signed_in(people["staff"]), app, "staff", response_type="token")

    assert "access_token" not in got["location"]
    assert got["error"] == "unauthorized_client"


def test_it_refuses_pkce_plain_and_a_missing_challenge(people):
    app = application("shopper-app")
    browser = signed_in(people["shopper"])
    _, plain = pkce_pair("plain")

    with_plain = authorize(
        browser, app, "shopper", code_challenge=plain, code_challenge_method="plain"
    )
    without = authorize(browser, app, "shopper", code_challenge="", code_challenge_method="")

    assert with_plain["error"] == "invalid_request" and "code" not in with_plain
    assert without["error"] == "invalid_request" and "code" not in without


def test_it_stores_only_hashes_of_tokens(people):
    issued = code_token(signed_in(people["staff"]), application("app"), "staff").json()

    access, refresh = AccessToken.objects.get(), RefreshToken.objects.get()
    assert access.token == "" and refresh.token == ""
    assert issued["access_token"] not in (access.token_checksum, refresh.token_checksum)
    assert Client().get(CARTS, **bearer(issued["access_token"])).status_code == 200


def test_it_refuses_an_access_token_in_the_query_string(people):
    issued = code_token(signed_in(people["staff"]), application("app"), "staff").json()

    response = Client().get(CARTS, {"access_token": issued["access_token"]})

    assert response.status_code == 401


def test_a_replayed_refresh_token_revokes_the_whole_family(people):
    app = application("app")
    first = code_token(signed_in(people["staff"]), app, "staff").json()
    second = token_request(app, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200
    second = second.json()

    replay = token_request(app, grant_type="refresh_token", refresh_token=first["refresh_token"])
    after = token_request(app, grant_type="refresh_token", refresh_token=second["refresh_token"])

    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"
    assert Client().get(CARTS, **bearer(second["access_token"])).status_code == 401


def test_a_deactivated_users_token_stops_at_once(people):
    staff = people["staff"]
    app = application("app")
    issued = code_token(signed_in(staff), app, "staff").json()
    assert Client().get(CARTS, **bearer(issued["access_token"])).status_code == 200

    staff.is_active = False
    staff.save()

    assert Client().get(CARTS, **bearer(issued["access_token"])).status_code == 401
    refresh = token_request(app, grant_type="refresh_token", refresh_token=issued["refresh_token"])
    assert refresh.status_code == 400


def test_a_revoked_role_stops_its_scope_at_once(people):
    ops = people["ops"]
    issued = code_token(signed_in(ops), application("app"), "ops").json()
    assert Client().get(CARTS, **bearer(issued["access_token"])).status_code == 200

    ops.groups.remove(Group.objects.get(name="ops"))

    response = Client().get(CARTS, **bearer(issued["access_token"]))
    assert response.status_code == 403
    assert response.json()["detail"] == "Token lacks scope: needs one of staff, ops."


def test_a_signed_in_user_cannot_register_an_application(people):
    browser = signed_in(people["staff"])

    assert browser.get("/o/applications/register/").status_code == 404
    assert browser.get("/o/applications/").status_code == 404


def test_a_code_for_an_unregistered_redirect_is_refused(people):
    app = application("app")

    got = authorize(signed_in(people["staff"]), app, "staff", redirect_uri=REDIRECT_URI + "/evil")

    assert got["status"] == 400 and "code" not in got
