from django.db import migrations


def seed_default_brandbook(apps, schema_editor):
    """Every provider starts with Kabinet's neutral palette until its own brandbook is set."""
    Brandbook = apps.get_model("branding", "Brandbook")
    Brandbook.objects.using(schema_editor.connection.alias).get_or_create(
        singleton=True,
        defaults={
            "primary_color": "#1f4e79",
            "accent_color": "#2e86de",
            "background_color": "#f6f7f9",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("branding", "0001_initial")]

    operations = [migrations.RunPython(seed_default_brandbook, migrations.RunPython.noop)]
