"""Remove the event fields whose facts now have their own records (0007 carried them over).

The history of those fields is kept in the database, not deleted: the link tables of the old
nationality and destination lists' history, and the old intermediary column of the event
history (made nullable so that new history rows need no value for it), stay as they were,
outside the models.
"""

import django.db.models.deletion  # noqa: F401
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0007_carry_over_event_facts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalreleaseevent",
            name="intermediary",
            field=models.CharField(blank=True, max_length=300, null=True),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='historicalreleaseevent_destinations',
                    name='country',
                ),
                migrations.RemoveField(
                    model_name='historicalreleaseevent_destinations',
                    name='history',
                ),
                migrations.RemoveField(
                    model_name='historicalreleaseevent_destinations',
                    name='releaseevent',
                ),
                migrations.RemoveField(
                    model_name='historicalreleaseevent_reported_nationalities',
                    name='country',
                ),
                migrations.RemoveField(
                    model_name='historicalreleaseevent_reported_nationalities',
                    name='history',
                ),
                migrations.RemoveField(
                    model_name='historicalreleaseevent_reported_nationalities',
                    name='releaseevent',
                ),
                migrations.RemoveField(
                    model_name='historicalreleaseevent',
                    name='intermediary',
                ),
                migrations.DeleteModel(
                    name='HistoricalReleaseEvent_destinations',
                ),
                migrations.DeleteModel(
                    name='HistoricalReleaseEvent_reported_nationalities',
                ),
            ],
            database_operations=[],
        ),
        migrations.RemoveField(
            model_name='releaseevent',
            name='destinations',
        ),
        migrations.RemoveField(
            model_name='releaseevent',
            name='intermediary',
        ),
        migrations.RemoveField(
            model_name='releaseevent',
            name='reported_nationalities',
        ),
    ]
