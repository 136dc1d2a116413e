from django.db import migrations, models

import onprem.fleet.pairing


def give_each_cart_a_code(apps, schema_editor):
    # A callable default runs once for AddField: every existing cart would share one code.
    Cart = apps.get_model("fleet", "Cart")
    taken = set()
    for cart in Cart.objects.all():
        code = onprem.fleet.pairing.new_pairing_code()
        while code in taken:
            code = onprem.fleet.pairing.new_pairing_code()
        taken.add(code)
        Cart.objects.filter(pk=cart.pk).update(pairing_code=code)


class Migration(migrations.Migration):
    dependencies = [("fleet", "0003_rack_page_url_cart_session")]

    operations = [
        migrations.AddField(
            model_name="cart",
            name="pairing_code",
            field=models.CharField(max_length=8, null=True),
        ),
        migrations.RunPython(give_each_cart_a_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="cart",
            name="pairing_code",
            field=models.CharField(
                default=onprem.fleet.pairing.new_pairing_code, max_length=8, unique=True
            ),
        ),
    ]
