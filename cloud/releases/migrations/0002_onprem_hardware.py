# On-prem software releases (cloud/software) are kept as releases of hardware onprem-v1.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="release",
            name="hardware",
            field=models.CharField(
                choices=[("cart-v1", "cart-v1"), ("rack-v1", "rack-v1"), ("onprem-v1", "onprem-v1")],
                max_length=16,
            ),
        ),
    ]
