"""The console speaks Italian to a browser that asks for it, and the header's switch changes
the language for the rest of the session."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ("/console/stores/", ["Negozi", "Solo negozi con problemi", "1 critico", "in errore"]),
        (
            "/console/stores/store-degraded/",
            ["Componenti", "Azioni remote", "Apri l'API del negozio"],
        ),
        ("/console/incidents/", ["Incidenti", "Gravità"]),
        ("/console/channels/", ["Canali di notifica", "Aggiungi un canale"]),
        ("/console/software/", ["Release on-prem", "Avvia una distribuzione"]),
    ],
)
def test_it_speaks_italian_when_the_browser_asks(ops, fleet, page, words):
    html = ops.get(page, headers={"Accept-Language": "it-IT,it;q=0.9"}).content.decode()

    assert '<html lang="it">' in html
    for word in words:
        assert word in html


def test_it_speaks_english_by_default(ops, fleet):
    html = ops.get("/console/stores/").content.decode()

    assert '<html lang="en">' in html and "Problem stores only" in html


def test_the_language_switch_sticks(ops, fleet):
    response = ops.post("/i18n/setlang/", {"language": "it", "next": "/console/incidents/"})

    assert response["Location"] == "/console/incidents/"
    html = ops.get("/console/stores/", headers={"Accept-Language": "en"}).content.decode()
    assert "Solo negozi con problemi" in html


def test_a_store_staff_user_is_refused_in_italian(store_staff, fleet):
    response = store_staff.get("/console/stores/", headers={"Accept-Language": "it"})

    assert response.status_code == 403
    assert "non ha il ruolo ops" in response.content.decode()
