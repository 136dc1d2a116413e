from __future__ import annotations

import json

from django.core.management import call_command

from onprem.fleet.models import Cart


def test_it_prints_each_new_carts_pairing_code(db, capsys):
    call_command("provision", "cart", "cart-010", "--json")

    issued = json.loads(capsys.readouterr().out)
    assert issued["cart-010"]["pairing_code"] == Cart.objects.get(device_id="cart-010").pairing_code


def test_it_prints_the_code_in_the_text_output_too(db, capsys):
    call_command("provision", "cart", "cart-011")

    code = Cart.objects.get(device_id="cart-011").pairing_code
    assert capsys.readouterr().out.strip().endswith(f"pairing_code={code}")


def test_a_rack_has_no_pairing_code(db, capsys):
    call_command("provision", "rack", "rack-05", "--slots", "2", "--json")

    assert "pairing_code" not in json.loads(capsys.readouterr().out)["rack-05"]
