"""A staff member whose browser asks for Italian (Accept-Language: it) reads the dashboard, the
alerts, a cart's page, the BI and the sign-in page in Italian, with no English navigation left.

No browser: the Django test client sends the header; the words come from the committed catalogs
(onprem/*/locale/it), so a missing or stale .mo fails here."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from onprem.alerts.lifecycle import Raise, raise_alert
from onprem.fleet.models import Cart
from onprem.fleet.services import provision_device

# English words of the navigation and headings that must not survive on the Italian pages.
ENGLISH_NAV = ["Live store", "Alerts", "Sign out", "Language", "Active alerts", "Racks", "On the floor",
               "Store totals", "Acknowledge", "Commands", "Download CSV", "BI pages"]


@pytest.fixture
def store(db) -> None:
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    provision_device(kind="cart", device_id="cart-001")
    raise_alert(Raise(kind="fault", severity="critical", device_kind="cart", device_id="cart-001",
                      detail="E12", data={"code": "E12", "health": "fault"}))


@pytest.fixture
def italian_staff(db) -> Client:
    """A staff member with the analytics permission, whose browser asks for Italian."""
    user = get_user_model().objects.create_user("giulia", password="pw-123456789", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="analytics", codename="analytics"))
    client = Client(HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9,en;q=0.5")
    client.force_login(user)
    return client


def italian_page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert re.search(r'<html lang="it"', page), f"{url} is not marked Italian"
    return page


def visible_text(page: str) -> str:
    """The words a person reads: no tags, scripts or JSON data blocks."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def assert_no_english_nav(url: str, page: str) -> None:
    text = visible_text(page)
    left = [word for word in ENGLISH_NAV if re.search(rf"\b{re.escape(word)}\b", text)]
    assert not left, f"{url} still says {left} in English"


def test_it_shows_the_live_store_in_italian(store, italian_staff):
    page = italian_page(italian_staff, "/dashboard/")

    for words in ("Negozio in tempo reale", "Avvisi attivi", "Rastrelliere", "In corsia",
                  "disponibili per i clienti", "in carica", "Esci", "Lingua"):
        assert words in page, words
    assert '"no_alerts": "Nessun avviso attivo."' in page  # live.js's labels, translated server-side
    assert ">English</option>" in page and ">Italiano</option>" in page  # each language in its own words
    assert_no_english_nav("/dashboard/", page)


def test_it_shows_the_alerts_in_italian(store, italian_staff):
    page = italian_page(italian_staff, "/dashboard/alerts/")

    for words in ("<h1>Avvisi</h1>", "Guasto E12 su cart-001", "Il dispositivo segnala lo stato di salute fault",
                  "Prendi in carico", "Risolvi", "Gravità", "Risolti di recente",
                  "<td>Critico</td>", "<td>Aperto</td>"):
        assert words in page, words
    assert_no_english_nav("/dashboard/alerts/", page)


def test_it_shows_a_cart_page_in_italian(store, italian_staff):
    page = italian_page(italian_staff, "/dashboard/carts/cart-001/")

    for words in ("Carrello cart-001", "Batteria e temperatura", "Comandi", "Localizza (suono e luce)",
                  "Riavvia", "Cronologia aggiornamenti", "Sessioni di spesa", 'data-soc="Batteria, %"'):
        assert words in page, words
    assert_no_english_nav("/dashboard/carts/cart-001/", page)


def test_a_cart_page_tells_commands_and_refusals_in_italian(store, italian_staff):
    italian_staff.post("/dashboard/carts/cart-001/commands/", {"command": "locate"})
    Cart.objects.filter(device_id="cart-001").update(in_session=True)

    refused = italian_staff.post("/dashboard/carts/cart-001/commands/", {"command": "lock"})

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Il carrello cart-001 è in una sessione di spesa: lock la interromperebbe." in page
    assert "<td>in coda</td>" in page  # the locate command's state


def test_it_shows_the_bi_in_italian(store, italian_staff):
    page = italian_page(italian_staff, "/bi/")

    for words in ("Adozione", "Sessioni SmartCart", "Scarica CSV", "Pagine BI", "30 giorni", "Mostra"):
        assert words in page, words
    assert_no_english_nav("/bi/", page)


def test_the_sign_in_page_is_italian_too(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="it")

    page = client.get("/accounts/login/?next=/dashboard/").content.decode()

    assert 'lang="it"' in page
    for words in ("Prima volta qui?", "Crea un account", "Password"):
        assert words in page, words
    assert "New here?" not in page and "Create an account" not in page


def test_english_stays_english(store, italian_staff):
    """The catalogs do not leak: a browser asking for English gets the English words."""
    page = italian_staff.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en"' in page and "Live store" in page and "Negozio in tempo reale" not in page
