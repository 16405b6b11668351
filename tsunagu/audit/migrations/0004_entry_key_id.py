# Entries written before this migration keep a null key id: they carry a plain SHA-256 and verify as
# "legacy" only as far as the first seal vouches for them (docs/audit.md). A nullable column is added in
# place on SQLite too, so the table and its append-only triggers stay as they are.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_entry_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="key_id",
            field=models.CharField(blank=True, max_length=16, null=True),
        ),
    ]
