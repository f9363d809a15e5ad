"""The rated organization's code on each assessment (it never changes), so a round's records
in code order come from the index (round, code) instead of a join and sort."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_codes(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Organization = apps.get_model("organizations", "Organization")
    Assessment.objects.using(schema_editor.connection.alias).update(
        code=Subquery(Organization.objects.filter(pk=OuterRef("organization_id")).values("code"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_tally_counts_rows"),
        ("organizations", "0005_organization_name_initials"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="assessment",
            options={
                "ordering": ["round", "code"],
                "verbose_name": "评定对象",
                "verbose_name_plural": "评定对象",
            },
        ),
        migrations.AddField(
            model_name="assessment",
            name="code",
            field=models.CharField(
                default="", editable=False, max_length=12, verbose_name="区划代码"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_codes, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(fields=["round", "code"], name="assess_round_code"),
        ),
        migrations.AddConstraint(
            model_name="assessment",
            constraint=models.CheckConstraint(
                condition=models.Q(("code", ""), _negated=True),
                name="assessments_assessment_code_set",
            ),
        ),
    ]
