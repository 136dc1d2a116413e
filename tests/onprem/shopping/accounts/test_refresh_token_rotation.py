"""The app's refresh tokens rotate on every use; a replayed one revokes the whole family."""

from __future__ import annotations

from .conftest import bearer, browser, refresh, sign_in_through_login_form, sign_up, token_for_code


def signed_in_tokens(api, app) -> dict:
    sign_up(api)
    got = sign_in_through_login_form(browser(), app, email="ada@example.com")
    return token_for_code(app, got["code"], got["verifier"]).json()


def test_it_rotates_the_refresh_token_on_every_use(api, shopper_app):
    first = signed_in_tokens(api, shopper_app)

    second = refresh(shopper_app, first["refresh_token"])

    assert second.status_code == 200
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["expires_in"] == 900
    assert bearer(second["access_token"]).get("/api/v1/shopper/me/").status_code == 200


def test_a_replayed_refresh_token_revokes_the_whole_family(api, shopper_app):
    first = signed_in_tokens(api, shopper_app)
    second = refresh(shopper_app, first["refresh_token"]).json()

    replay = refresh(shopper_app, first["refresh_token"])
    after = refresh(shopper_app, second["refresh_token"])

    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"
    assert bearer(second["access_token"]).get("/api/v1/shopper/me/").status_code == 401
    assert bearer(first["access_token"]).get("/api/v1/shopper/me/").status_code == 401
